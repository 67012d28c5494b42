// docs/swaps.md §6: a whole fill moves both legs (SW-P1), the order's terms (SW-O1, SW-O2), time (SW-T1), the named
// taker (SW-T2), the value rule (SW-V1) and the event.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, TAKER_AMOUNT, ZERO, fillAs, swapFixture } from "../helpers/swap";

describe("Swap: fill", function () {
  it("SW-P1: a whole ERC20/ERC20 fill gives the taker the maker amount and the maker the taker amount", async function () {
    const { swap, tokenA, tokenB, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const tx = fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalances(tokenA, [maker, taker, swap], [-MAKER_AMOUNT, MAKER_AMOUNT, 0n]);
    await expect(
      fillAs(swap, taker, { ...o, nonce: 2n }, await sign({ ...o, nonce: 2n }), MAKER_AMOUNT),
    ).to.changeTokenBalances(tokenB, [maker, taker, swap], [TAKER_AMOUNT, -TAKER_AMOUNT, 0n]);
  });

  it("SW-P1: fill returns the taker amount and emits OrderFilled with the order hash, parties and amounts", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ nonce: 7n });
    const sig = await sign(o);
    expect(await swap.connect(taker).fill.staticCall(o, sig, MAKER_AMOUNT)).to.equal(TAKER_AMOUNT);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT))
      .to.emit(swap, "OrderFilled")
      .withArgs(await swap.hashOrder(o), maker.address, taker.address, MAKER_AMOUNT, TAKER_AMOUNT);
  });

  it("SW-P1: a fill-or-kill order refuses any amount but the whole, and fills once", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const sig = await sign(o);
    for (const amount of [0n, MAKER_AMOUNT - 1n, MAKER_AMOUNT + 1n]) {
      await expect(fillAs(swap, taker, o, sig, amount))
        .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
        .withArgs(amount, MAKER_AMOUNT, MAKER_AMOUNT);
    }
    await fillAs(swap, taker, o, sig, MAKER_AMOUNT);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
    expect(await swap.filledOf(o.maker, o.nonce)).to.equal(0n);
  });

  it("SW-O1: a malformed order is refused before anything else", async function () {
    const { swap, swapAddress, taker, order, sign } = await loadFixture(swapFixture);
    const bad = [
      order({ maker: ZERO }),
      order({ makerToken: ZERO }),
      order({ makerAmount: 0n, minFill: 0n }),
      order({ takerAmount: 0n }),
      order({ minFill: 0n }),
      order({ minFill: MAKER_AMOUNT + 1n }),
      order({ recipient: swapAddress }),
    ];
    for (const o of bad) {
      await expect(fillAs(swap, taker, o, await sign(o), o.makerAmount)).to.be.revertedWithCustomError(
        swap,
        "SwapInvalidOrder",
      );
    }
  });

  it("SW-O2: a token without code is refused with SwapTokenNotContract, on either side", async function () {
    const { swap, other, taker, order, sign } = await loadFixture(swapFixture);
    const noCodeMaker = order({ makerToken: other.address });
    await expect(fillAs(swap, taker, noCodeMaker, await sign(noCodeMaker), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapTokenNotContract")
      .withArgs(other.address);
    const noCodeTaker = order({ takerToken: other.address });
    await expect(fillAs(swap, taker, noCodeTaker, await sign(noCodeTaker), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapTokenNotContract")
      .withArgs(other.address);
  });

  it("SW-T1: an order fills at expiry - 1 and not at expiry or expiry + 1", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const base = (await time.latest()) + 1000;
    const expiry = BigInt(base);
    const o1 = order({ expiry, nonce: 1n });
    const o2 = order({ expiry, nonce: 2n });
    const s1 = await sign(o1);
    const s2 = await sign(o2);
    await time.setNextBlockTimestamp(base - 1);
    await fillAs(swap, taker, o1, s1, MAKER_AMOUNT);
    await time.setNextBlockTimestamp(base);
    await expect(fillAs(swap, taker, o2, s2, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapExpired")
      .withArgs(expiry);
    await time.setNextBlockTimestamp(base + 1);
    await expect(fillAs(swap, taker, o2, s2, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapExpired")
      .withArgs(expiry);
  });

  it("SW-T2: only the named taker may fill; a copied transaction from anyone else reverts", async function () {
    const { swap, tokenA, taker, other, order, sign } = await loadFixture(swapFixture);
    const o = order({ taker: taker.address });
    const sig = await sign(o);
    await expect(fillAs(swap, other, o, sig, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapUnauthorizedTaker")
      .withArgs(taker.address, other.address);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT)).to.changeTokenBalance(tokenA, taker, MAKER_AMOUNT);
  });

  it("SW-T2: an open order (taker 0) is filled by whoever comes first, at the maker's price", async function () {
    const { swap, tokenB, maker, other, order, sign } = await loadFixture(swapFixture);
    const o = order();
    await expect(fillAs(swap, other, o, await sign(o), MAKER_AMOUNT)).to.changeTokenBalance(
      tokenB,
      maker,
      TAKER_AMOUNT,
    );
  });

  it("SW-P1: the taker's asset goes to the order's recipient when one is named", async function () {
    const { swap, tokenB, maker, taker, recipient, order, sign } = await loadFixture(swapFixture);
    const o = order({ recipient: recipient.address });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.changeTokenBalances(
      tokenB,
      [recipient, maker, taker],
      [TAKER_AMOUNT, 0n, -TAKER_AMOUNT],
    );
  });

  it("SW-V1: ETH sent with an ERC20 taker leg is refused", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT, 1n))
      .to.be.revertedWithCustomError(swap, "SwapValueMismatch")
      .withArgs(1n, 0n);
  });

  it("SW-V1: an ETH taker leg needs exactly the taker amount as value (one less or more reverts)", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ takerToken: ZERO, takerAmount: ethers.parseEther("1") });
    const sig = await sign(o);
    for (const value of [0n, o.takerAmount - 1n, o.takerAmount + 1n]) {
      await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT, value))
        .to.be.revertedWithCustomError(swap, "SwapValueMismatch")
        .withArgs(value, o.takerAmount);
    }
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT)).to.changeEtherBalances(
      [maker, taker, swap],
      [o.takerAmount, -o.takerAmount, 0n],
    );
  });

  it("SW-V2: a self-trade (the maker fills its own order) moves nothing net and is not a shortfall", async function () {
    const { swap, tokenA, tokenB, maker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const tx = fillAs(swap, maker, o, await sign(o), MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalance(tokenA, maker, 0n);
    await expect(tx).to.changeTokenBalance(tokenB, maker, 0n);
  });

  it("SW-O1: an order with dirty upper bits in an address field is refused by the decoder, not hashed raw", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const sig = await sign(o);
    const data = swap.interface.encodeFunctionData("fill", [o, sig, MAKER_AMOUNT]);
    // The maker word is the first word of the order, right after the selector: dirty its top byte.
    const dirty = data.slice(0, 10) + "ff" + data.slice(12);
    await expect(taker.sendTransaction({ to: swap.target, data: dirty })).to.be.revertedWithoutReason();
    await expect(taker.sendTransaction({ to: swap.target, data })).not.to.be.reverted;
  });
});
