// docs/swaps.md §6 SW-V2 (each ERC20 leg delivers its amount; odd tokens), SW-V3 (the ETH leg is pushed or
// credited), SW-R1 (re-entrancy finds the order consumed).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type {
  FalseTransferFromToken,
  FeeOnTransferToken,
  MockAccount,
  NoReturnToken,
  ReentrantToken,
} from "../../typechain-types";
import { ALLOWANCE, MAKER_AMOUNT, SUPPLY, TAKER_AMOUNT, ZERO, fillAs, swapFixture } from "../helpers/swap";

async function tokensFixture() {
  const fx = await swapFixture();
  const fot = (await ethers.deployContract("FeeOnTransferToken", [100n])) as unknown as FeeOnTransferToken;
  const noReturn = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
  const falseToken = (await ethers.deployContract("FalseTransferFromToken")) as unknown as FalseTransferFromToken;
  const reentrant = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
  for (const t of [fot, noReturn, falseToken, reentrant]) {
    for (const who of [fx.maker, fx.taker]) {
      await t.mint(who.address, SUPPLY);
      await t.connect(who).approve(fx.swapAddress, ALLOWANCE);
    }
  }
  const account = (await ethers.deployContract("MockAccount", [fx.maker.address])) as unknown as MockAccount;
  return { ...fx, fot, noReturn, falseToken, reentrant, account, accountAddress: await account.getAddress() };
}

describe("Swap: tokens and ETH", function () {
  it("SW-V2: a fee-on-transfer maker token is refused with SwapTransferShortfall and nothing moves", async function () {
    const { swap, fot, tokenB, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const o = order({ makerToken: String(fot.target) });
    const before = [
      await fot.balanceOf(maker.address),
      await fot.balanceOf(taker.address),
      await tokenB.balanceOf(maker.address),
    ];
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapTransferShortfall")
      .withArgs(fot.target, MAKER_AMOUNT, MAKER_AMOUNT - MAKER_AMOUNT / 100n);
    expect([
      await fot.balanceOf(maker.address),
      await fot.balanceOf(taker.address),
      await tokenB.balanceOf(maker.address),
    ]).to.deep.equal(before);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(false);
  });

  it("SW-V2: a fee-on-transfer taker token, and the fee leg of one, are refused too", async function () {
    const { swap, fot, owner, taker, feeRecipient, order, sign } = await loadFixture(tokensFixture);
    const o = order({ takerToken: String(fot.target) });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapTransferShortfall")
      .withArgs(fot.target, TAKER_AMOUNT, TAKER_AMOUNT - TAKER_AMOUNT / 100n);
    // With the fee on, the same token fails on its first leg: every leg goes through the same measured move.
    await swap.connect(owner).setProtocolFee(100n, feeRecipient.address);
    await fot.setFeeBps(1n);
    const f = order({ makerToken: String(fot.target), feeBps: 100n, nonce: 2n });
    await expect(fillAs(swap, taker, f, await sign(f), MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapTransferShortfall",
    );
  });

  it("SW-V2: a token that returns nothing (USDT-style) works on both legs", async function () {
    const { swap, noReturn, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const a = order({ makerToken: String(noReturn.target), nonce: 1n });
    await fillAs(swap, taker, a, await sign(a), MAKER_AMOUNT);
    const b = order({ takerToken: String(noReturn.target), nonce: 2n });
    await fillAs(swap, taker, b, await sign(b), MAKER_AMOUNT);
    expect(await noReturn.balanceOf(maker.address)).to.equal(SUPPLY - MAKER_AMOUNT + TAKER_AMOUNT);
  });

  it("SW-V2: a token whose transferFrom returns false reverts the fill cleanly (SafeERC20), nothing moves", async function () {
    const { swap, falseToken, maker, taker, order, sign } = await loadFixture(tokensFixture);
    await falseToken.setFailTransferFrom(true);
    const o = order({ makerToken: String(falseToken.target) });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SafeERC20FailedOperation")
      .withArgs(falseToken.target);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(false);
  });

  it("SW-V2: a maker without enough balance or allowance makes the fill revert in the token, nothing moves", async function () {
    const { swap, tokenA, maker, taker, order, sign } = await loadFixture(tokensFixture);
    await tokenA.connect(maker).approve(swap.target, MAKER_AMOUNT - 1n);
    const o = order();
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.be.revertedWithCustomError(
      tokenA,
      "ERC20InsufficientAllowance",
    );
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(false);
  });

  it("SW-V3: an ETH taker leg to a recipient that reverts is credited; the fill succeeds; the credit is withdrawable", async function () {
    const { swap, tokenA, maker, taker, account, accountAddress, order, sign } = await loadFixture(tokensFixture);
    await account.connect(maker).setRejectEth(true);
    const o = order({ takerToken: ZERO, takerAmount: ethers.parseEther("2"), recipient: accountAddress });
    const tx = fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    await expect(tx).to.emit(swap, "PaymentCredited").withArgs(accountAddress, ZERO, o.takerAmount);
    await expect(tx).to.changeTokenBalance(tokenA, taker, MAKER_AMOUNT);
    await expect(tx).to.changeEtherBalances([swap, account], [o.takerAmount, 0n]);
    expect(await swap.creditOf(ZERO, accountAddress)).to.equal(o.takerAmount);
    await account.connect(maker).setRejectEth(false);
    const withdraw = account
      .connect(maker)
      .execute(swap.target, 0n, swap.interface.encodeFunctionData("withdraw", [ZERO, accountAddress]));
    await expect(withdraw).to.changeEtherBalances([swap, account], [-o.takerAmount, o.takerAmount]);
    expect(await swap.creditOf(ZERO, accountAddress)).to.equal(0n);
  });

  it("SW-V3: a recipient that burns all gas is credited after the 50,000-gas push; the fill succeeds", async function () {
    const { swap, maker, taker, account, accountAddress, order, sign } = await loadFixture(tokensFixture);
    await account.connect(maker).setBurnGas(true);
    const o = order({ takerToken: ZERO, takerAmount: 1000n, recipient: accountAddress });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.emit(swap, "PaymentCredited");
    expect(await swap.creditOf(ZERO, accountAddress)).to.equal(1000n);
  });

  it("SW-V3: an ETH partial fill pushes exactly ceil(part * takerAmount / makerAmount) to the maker", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const o = order({ takerToken: ZERO, makerAmount: 3n, takerAmount: 10n, minFill: 1n });
    const sig = await sign(o);
    await expect(fillAs(swap, taker, o, sig, 1n)).to.changeEtherBalances([maker, taker, swap], [4n, -4n, 0n]);
    await expect(fillAs(swap, taker, o, sig, 2n)).to.changeEtherBalances([maker, taker, swap], [7n, -7n, 0n]);
  });

  it("SW-R1: a maker token re-entering fill for the same order from transferFrom cannot fill it twice", async function () {
    const { swap, reentrant, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const o = order({ makerToken: String(reentrant.target), makerAmount: 1000n, minFill: 1000n, takerAmount: 5n });
    const sig = await sign(o);
    await reentrant.arm(swap.target, swap.interface.encodeFunctionData("fill", [o, sig, 1000n]), true);
    const tx = fillAs(swap, taker, o, sig, 1000n);
    await expect(tx).to.changeTokenBalances(reentrant, [maker, taker], [-1000n, 1000n]);
    expect(await reentrant.attempted()).to.equal(true);
    expect(await reentrant.reentrySucceeded()).to.equal(false);
    const ret = await reentrant.reentryReturn();
    expect(ret.slice(0, 10)).to.equal(swap.interface.getError("SwapNonceUsed")!.selector);
  });

  it("SW-R1: a partial order re-entered from the token cannot be filled beyond its amount", async function () {
    const { swap, reentrant, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const o = order({ makerToken: String(reentrant.target), makerAmount: 1000n, minFill: 1n, takerAmount: 5n });
    const sig = await sign(o);
    // The token (not the taker) re-enters for the whole remaining 400 after the outer 600 is recorded.
    await reentrant.arm(swap.target, swap.interface.encodeFunctionData("fill", [o, sig, 1000n]), true);
    await fillAs(swap, taker, o, sig, 600n);
    expect(await reentrant.reentrySucceeded()).to.equal(false);
    expect(await swap.filledOf(o.maker, o.nonce)).to.equal(600n);
    expect(await reentrant.balanceOf(maker.address)).to.equal(SUPPLY - 600n);
  });

  it("SW-R1: an ETH recipient re-entering fill for the same order within the push finds its nonce used", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const receiver = await ethers.deployContract("LeanReentrantReceiver");
    const o = order({ takerToken: ZERO, takerAmount: 10n, recipient: await receiver.getAddress() });
    const sig = await sign(o);
    await receiver.arm(swap.target, swap.interface.encodeFunctionData("fill", [o, sig, MAKER_AMOUNT]));
    const tx = fillAs(swap, taker, o, sig, MAKER_AMOUNT);
    await expect(tx).to.changeEtherBalance(receiver, 10n);
    const nonceUsed = swap.interface.encodeErrorResult("SwapNonceUsed", [maker.address, o.nonce]);
    await expect(tx).to.emit(receiver, "Reentered").withArgs(false, nonceUsed);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(true);
  });

  it("SW-V2: a token that delivers nothing at all is a shortfall of the whole amount (received 0)", async function () {
    const { swap, fot, taker, order, sign } = await loadFixture(tokensFixture);
    await fot.setFeeBps(10_000n);
    const o = order({ makerToken: String(fot.target) });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapTransferShortfall")
      .withArgs(fot.target, MAKER_AMOUNT, 0n);
  });

  it("SW-V2: a token whose balanceOf returns no data makes the fill revert (nothing is measured from garbage)", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const weird = await ethers.deployContract("MisbehavingViewToken");
    await weird.mint(maker.address, SUPPLY);
    await weird.connect(maker).approve(swap.target, ALLOWANCE);
    await weird.setMode(2);
    const o = order({ makerToken: String(weird.target) });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.be.revertedWithoutReason();
  });

  it("SW-V2: a self-trade still runs each leg through the token (allowance spent, Transfer emitted)", async function () {
    const { swap, tokenA, maker, order, sign } = await loadFixture(tokensFixture);
    const o = order();
    const before = await tokenA.allowance(maker.address, swap.target);
    await expect(fillAs(swap, maker, o, await sign(o), MAKER_AMOUNT))
      .to.emit(tokenA, "Transfer")
      .withArgs(maker.address, maker.address, MAKER_AMOUNT);
    expect(await tokenA.allowance(maker.address, swap.target)).to.equal(before - MAKER_AMOUNT);
  });

  it("SW-V3: a credit cannot be withdrawn to address(0) nor to the Swap itself; it stays", async function () {
    const { swap, maker, taker, account, accountAddress, order, sign } = await loadFixture(tokensFixture);
    await account.connect(maker).setRejectEth(true);
    const o = order({ takerToken: ZERO, takerAmount: 5n, recipient: accountAddress });
    await fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    const withdrawTo = (to: string) =>
      account.connect(maker).execute(swap.target, 0n, swap.interface.encodeFunctionData("withdraw", [ZERO, to]));
    await expect(withdrawTo(ZERO)).to.be.revertedWithCustomError(swap, "PullPaymentsInvalidRecipient");
    await expect(withdrawTo(await swap.getAddress())).to.be.revertedWithCustomError(
      swap,
      "PullPaymentsInvalidRecipient",
    );
    expect(await swap.creditOf(ZERO, accountAddress)).to.equal(5n);
    const tx = withdrawTo(taker.address);
    await expect(tx).to.changeEtherBalance(taker, 5n);
    await expect(tx).to.emit(swap, "CreditWithdrawn").withArgs(accountAddress, ZERO, taker.address, 5n);
  });

  it("SW-V3: an ETH leg of exactly 1 wei is pushed to the recipient", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(tokensFixture);
    const o = order({ takerToken: ZERO, takerAmount: 1n });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.changeEtherBalances([maker, swap], [1n, 0n]);
  });
});
