// docs/swaps.md §6 SW-C1 (check returns every reason at once and never reverts) and SW-P3 (quote equals fill).
// Named so that it runs first among the rule tests: the mutation runner stops at the first failing file, and check()
// is most of the code.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { MisbehavingViewToken } from "../../typechain-types";
import { revertData } from "../helpers/property";
import { ALLOWANCE, MAKER_AMOUNT, SUPPLY, ZERO, feeOf, fillAs, selectorOf, swapFixture } from "../helpers/swap";

async function viewsFixture() {
  const fx = await swapFixture();
  const weird = (await ethers.deployContract("MisbehavingViewToken")) as unknown as MisbehavingViewToken;
  await weird.mint(fx.maker.address, SUPPLY);
  await weird.connect(fx.maker).approve(fx.swapAddress, ALLOWANCE);
  return { ...fx, weird };
}

describe("Swap: check and quote", function () {
  it("SW-C1: a fillable order checks clean, for a given taker and for none", async function () {
    const { swap, taker, order, sign } = await loadFixture(viewsFixture);
    const o = order();
    const sig = await sign(o);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    expect(await swap.check(o, sig, MAKER_AMOUNT, ZERO)).to.deep.equal([]);
  });

  it("SW-C1: check returns every reason at once, in fill's order, each of which fill raises alone", async function () {
    const { swap, tokenA, tokenB, owner, maker, taker, other, feeRecipient, order, sign } =
      await loadFixture(viewsFixture);
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    await swap.connect(maker).cancel([3n]);
    const expiry = BigInt(await time.latest());
    const o = order({
      expiry,
      taker: other.address,
      feeBps: 9n,
      nonce: 3n,
      makerAmount: 10n,
      minFill: 10n,
      takerAmount: 10n,
    });
    await tokenA.connect(maker).approve(swap.target, 0n);
    await tokenA.connect(maker).transfer(other.address, await tokenA.balanceOf(maker.address));
    await tokenB.connect(taker).approve(swap.target, 0n);
    await tokenB.connect(taker).transfer(other.address, await tokenB.balanceOf(taker.address));
    const names = [
      "SwapExpired",
      "SwapUnauthorizedTaker",
      "SwapFeeTooLow",
      "SwapNonceUsed",
      "SwapInvalidSignature",
      "SwapInvalidFillAmount",
      "SwapMakerBalanceTooLow",
      "SwapMakerAllowanceTooLow",
    ];
    // Wrong signer and a wrong amount: the amount error hides the balance checks, so check both ways.
    expect(await swap.check(o, await sign(o, other), 9n, taker.address)).to.deep.equal(
      names.filter((n) => !n.startsWith("SwapMaker")).map((n) => selectorOf(swap, n)),
    );
    expect(await swap.check(o, await sign(o, other), 10n, taker.address)).to.deep.equal(
      [...names.filter((n) => n !== "SwapInvalidFillAmount"), "SwapTakerBalanceTooLow", "SwapTakerAllowanceTooLow"].map(
        (n) => selectorOf(swap, n),
      ),
    );
  });

  it("SW-C1: check reports SwapExpired exactly when fill, at the same moment, reverts with it (t-1, t, t+1)", async function () {
    const { swap, taker, order, sign } = await loadFixture(viewsFixture);
    const latest = BigInt(await time.latest());
    const seen: boolean[] = [];
    for (let offset = -1n; offset <= 3n; offset++) {
      const o = order({ expiry: latest + offset });
      const sig = await sign(o);
      const reported = (await swap.check(o, sig, MAKER_AMOUNT, taker.address)).includes(
        selectorOf(swap, "SwapExpired"),
      );
      // Decoded from the revert data, not the message (the mutation runner's swapped artifacts leave it undecoded).
      const reverted = await swap
        .connect(taker)
        .fill.staticCall(o, sig, MAKER_AMOUNT)
        .then(
          () => false,
          (e: unknown) => {
            const data = revertData(e);
            return data !== undefined && swap.interface.parseError(data)?.name === "SwapExpired";
          },
        );
      expect(reported, `expiry latest${offset >= 0n ? "+" : ""}${offset}`).to.equal(reverted);
      seen.push(reported);
    }
    // The window straddles the calls' timestamp: both outcomes occur.
    expect(seen).to.include(true);
    expect(seen).to.include(false);
  });

  it("SW-C1: check reports SwapNonceUsed inside a cancelled range only (from and to - 1, not from - 1 or to)", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(maker).cancelRange(5n, 9n);
    for (const [nonce, used] of [
      [4n, false],
      [5n, true],
      [8n, true],
      [9n, false],
    ] as const) {
      const o = order({ nonce });
      expect(await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address), `nonce ${nonce}`).to.deep.equal(
        used ? [selectorOf(swap, "SwapNonceUsed")] : [],
      );
    }
  });

  it("SW-C1: check finds a used nonce in its own bitmap word (nonce 256 + k: word 1, bit k)", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(maker).cancel([256n + 3n]);
    for (const [nonce, used] of [
      [259n, true],
      [3n, false],
      [258n, false],
      [515n, false],
    ] as const) {
      const o = order({ nonce });
      const errors = await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address);
      expect(errors, `nonce ${nonce}`).to.deep.equal(used ? [selectorOf(swap, "SwapNonceUsed")] : []);
    }
  });

  it("SW-C1: check measures a partial order's fill against what remains after earlier fills", async function () {
    const { swap, taker, order, sign } = await loadFixture(viewsFixture);
    const o = order({ makerAmount: 1000n, takerAmount: 1000n, minFill: 10n });
    const sig = await sign(o);
    await swap.connect(taker).fill(o, sig, 600n);
    expect(await swap.check(o, sig, 400n, taker.address)).to.deep.equal([]);
    expect(await swap.check(o, sig, 401n, taker.address)).to.deep.equal([selectorOf(swap, "SwapInvalidFillAmount")]);
    expect(await swap.check(o, sig, 9n, taker.address)).to.deep.equal([selectorOf(swap, "SwapInvalidFillAmount")]);
  });

  it("SW-C1: a maker token or a taker token without code is reported alone (and its funds not read)", async function () {
    const { swap, taker, other, order, sign } = await loadFixture(viewsFixture);
    for (const o of [order({ makerToken: other.address }), order({ takerToken: other.address, nonce: 2n })]) {
      expect(await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address)).to.deep.equal([
        selectorOf(swap, "SwapTokenNotContract"),
      ]);
    }
  });

  it("SW-C1: balances and allowances exactly equal to what the fill needs check clean (one less is reported)", async function () {
    const { swap, tokenA, tokenB, owner, maker, taker, feeRecipient, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(owner).setProtocolFee(100n, feeRecipient.address);
    const o = order({ feeBps: 100n });
    const sig = await sign(o);
    const need = MAKER_AMOUNT + feeOf(MAKER_AMOUNT, 100n);
    const fresh = ethers.Wallet.createRandom().connect(ethers.provider);
    await ethers.provider.send("hardhat_setBalance", [fresh.address, "0xde0b6b3a7640000"]);
    const setExact = async (extra: bigint) => {
      await tokenA.connect(maker).transfer(fresh.address, (await tokenA.balanceOf(maker.address)) - need - extra);
      await tokenB
        .connect(taker)
        .transfer(fresh.address, (await tokenB.balanceOf(taker.address)) - o.takerAmount - extra);
      await tokenA.connect(maker).approve(swap.target, need + extra);
      await tokenB.connect(taker).approve(swap.target, o.takerAmount + extra);
    };
    await setExact(0n);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    await setExact(-1n);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal(
      ["SwapMakerBalanceTooLow", "SwapMakerAllowanceTooLow", "SwapTakerBalanceTooLow", "SwapTakerAllowanceTooLow"].map(
        (n) => selectorOf(swap, n),
      ),
    );
    // An ETH taker leg: the taker's ETH balance exactly the price checks clean, one wei less does not.
    const e = order({ takerToken: ZERO, takerAmount: 10n ** 15n, nonce: 2n, feeBps: 100n });
    const eSig = await sign(e);
    const payer = ethers.Wallet.createRandom().address;
    await ethers.provider.send("hardhat_setBalance", [payer, ethers.toBeHex(e.takerAmount)]);
    await tokenA.mint(maker.address, 1n);
    await tokenA.connect(maker).approve(swap.target, need);
    expect(await swap.check(e, eSig, MAKER_AMOUNT, payer)).to.deep.equal([]);
    await ethers.provider.send("hardhat_setBalance", [payer, ethers.toBeHex(e.takerAmount - 1n)]);
    expect(await swap.check(e, eSig, MAKER_AMOUNT, payer)).to.deep.equal([selectorOf(swap, "SwapTakerBalanceTooLow")]);
  });

  it("SW-C1: a taker of address(0) skips the named-taker check (and the taker's funds)", async function () {
    const { swap, other, order, sign } = await loadFixture(viewsFixture);
    const o = order({ taker: other.address });
    expect(await swap.check(o, await sign(o), MAKER_AMOUNT, ZERO)).to.deep.equal([]);
  });

  it("SW-C1: a malformed order and tokens without code are reported, not reverted", async function () {
    const { swap, taker, other, order, sign } = await loadFixture(viewsFixture);
    const o = order({ maker: ZERO, makerToken: other.address, takerToken: taker.address });
    expect(await swap.check(o, "0x", 1n, taker.address)).to.deep.equal(
      ["SwapInvalidOrder", "SwapInvalidSignature", "SwapTokenNotContract"].map((n) => selectorOf(swap, n)),
    );
    const zeroToken = order({ makerToken: ZERO });
    expect(await swap.check(zeroToken, await sign(zeroToken), MAKER_AMOUNT, taker.address)).to.deep.equal([
      selectorOf(swap, "SwapInvalidOrder"),
    ]);
  });

  it("SW-C1: the maker's balance and allowance must cover makerFill + fee", async function () {
    const { swap, tokenA, owner, maker, taker, feeRecipient, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(owner).setProtocolFee(100n, feeRecipient.address);
    const o = order({ feeBps: 100n });
    const sig = await sign(o);
    const need = MAKER_AMOUNT + feeOf(MAKER_AMOUNT, 100n);
    await tokenA.connect(maker).approve(swap.target, need - 1n);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([
      selectorOf(swap, "SwapMakerAllowanceTooLow"),
    ]);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT)).to.be.reverted;
    await tokenA.connect(maker).approve(swap.target, need);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    await fillAs(swap, taker, o, sig, MAKER_AMOUNT);
  });

  it("SW-C1: an ETH taker leg checks the taker's ETH balance", async function () {
    const { swap, taker, order, sign } = await loadFixture(viewsFixture);
    const poor = ethers.Wallet.createRandom().address;
    const o = order({ takerToken: ZERO, takerAmount: 1n });
    const sig = await sign(o);
    expect(await swap.check(o, sig, MAKER_AMOUNT, poor)).to.deep.equal([selectorOf(swap, "SwapTakerBalanceTooLow")]);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
  });

  it("SW-C1: check never reverts on tokens whose views revert, return nothing or burn gas: it reports them", async function () {
    const { swap, tokenA, weird, maker, taker, order, sign } = await loadFixture(viewsFixture);
    const asMaker = order({ makerToken: String(weird.target), takerToken: ZERO, takerAmount: 1n });
    const asTaker = order({ makerToken: String(tokenA.target), takerToken: String(weird.target), nonce: 2n });
    const [sigMaker, sigTaker] = [await sign(asMaker), await sign(asTaker)];
    const opts = { gasLimit: 5_000_000 };
    // Honest views first: the maker holds and approved the weird token, so its order checks clean.
    expect(await swap.check(asMaker, sigMaker, MAKER_AMOUNT, taker.address, opts)).to.deep.equal([]);
    for (const mode of [1, 2, 3]) {
      await weird.connect(maker).setMode(mode);
      expect(await swap.check(asMaker, sigMaker, MAKER_AMOUNT, taker.address, opts), `mode ${mode}`).to.deep.equal(
        ["SwapMakerBalanceTooLow", "SwapMakerAllowanceTooLow"].map((n) => selectorOf(swap, n)),
      );
      expect(await swap.check(asTaker, sigTaker, MAKER_AMOUNT, taker.address, opts), `mode ${mode}`).to.deep.equal(
        ["SwapTakerBalanceTooLow", "SwapTakerAllowanceTooLow"].map((n) => selectorOf(swap, n)),
      );
    }
  });

  it("SW-C1: check saturates makerFill + fee near 2^256 instead of reverting", async function () {
    const { swap, owner, taker, feeRecipient, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(owner).setProtocolFee(100n, feeRecipient.address);
    const max = 2n ** 256n - 1n;
    const o = order({ makerAmount: max, minFill: max, feeBps: 100n });
    expect(await swap.check(o, await sign(o), max, taker.address)).to.deep.equal(
      ["SwapMakerBalanceTooLow", "SwapMakerAllowanceTooLow"].map((n) => selectorOf(swap, n)),
    );
  });

  it("SW-C1: an ERC-1271 maker's valid order checks clean (the wallet gets enough gas to answer)", async function () {
    const { swap, tokenA, swapAddress, maker, taker, order, sign } = await loadFixture(viewsFixture);
    const wallet = await ethers.deployContract("MockERC1271Wallet", [maker.address]);
    const walletAddress = await wallet.getAddress();
    await tokenA.mint(walletAddress, SUPPLY);
    await wallet
      .connect(maker)
      .execute(tokenA.target, 0n, tokenA.interface.encodeFunctionData("approve", [swapAddress, ALLOWANCE]));
    const o = order({ maker: walletAddress });
    expect(await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    await wallet.setMode(1);
    expect(await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address)).to.deep.equal([
      selectorOf(swap, "SwapInvalidSignature"),
    ]);
  });

  it("SW-C1: check agrees with fill about the signature of an ERC-1271 maker whose wallet burns gas", async function () {
    const { swap, tokenA, maker, taker, order, sign } = await loadFixture(viewsFixture);
    const wallet = await ethers.deployContract("MockERC1271Wallet", [maker.address]);
    await wallet.setMode(4);
    await tokenA.mint(await wallet.getAddress(), SUPPLY);
    const o = order({ maker: await wallet.getAddress() });
    const errors = await swap.check(o, await sign(o), MAKER_AMOUNT, taker.address, { gasLimit: 5_000_000 });
    expect(errors).to.include(selectorOf(swap, "SwapInvalidSignature"));
  });

  it("SW-P3: quote gives exactly what fill moves (amounts, fee, remaining) for parts, tails and fees", async function () {
    const { swap, tokenA, tokenB, owner, maker, taker, feeRecipient, order, sign } = await loadFixture(viewsFixture);
    await swap.connect(owner).setProtocolFee(37n, feeRecipient.address);
    const o = order({ makerAmount: 1_000_003n, takerAmount: 999_999n, minFill: 100_000n, feeBps: 50n });
    const sig = await sign(o);
    for (const part of [333_333n, 100_000n, 500_000n, 66_670n]) {
      const q = await swap.quote(o, part);
      const before = await swap.filledOf(o.maker, o.nonce);
      const tx = fillAs(swap, taker, o, sig, part);
      await expect(tx).to.changeTokenBalances(
        tokenA,
        [maker, taker, feeRecipient],
        [-(q.makerFill + q.fee), q.makerFill, q.fee],
      );
      await expect(tx).to.changeTokenBalances(tokenB, [maker, taker], [q.takerFill, -q.takerFill]);
      expect(q.remaining).to.equal(o.makerAmount - before - part);
      expect(await swap.filledOf(o.maker, o.nonce)).to.equal(before + part);
    }
  });

  it("SW-P3: quote refuses what fill refuses for amounts and malformed orders", async function () {
    const { swap, order } = await loadFixture(viewsFixture);
    await expect(swap.quote(order(), MAKER_AMOUNT - 1n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(MAKER_AMOUNT - 1n, MAKER_AMOUNT, MAKER_AMOUNT);
    await expect(swap.quote(order({ minFill: 10n }), 9n)).to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount");
    await expect(swap.quote(order({ takerAmount: 0n }), MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidOrder",
    );
    expect(await swap.quote(order(), MAKER_AMOUNT)).to.deep.equal([MAKER_AMOUNT, order().takerAmount, 0n, 0n]);
  });
});
