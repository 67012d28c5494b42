// docs/swaps.md §5 and §6 SW-P2 (partial fills: minFill, tail, never over-filled), SW-P3 (rounding in the maker's
// favour; quote equals fill).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ceilDiv, fillAs, swapFixture } from "../helpers/swap";

describe("Swap: partial fills", function () {
  it("SW-P2: fills of at least minFill accumulate in filledOf; the one completing the order sets its bit", async function () {
    const { swap, tokenA, tokenB, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n });
    const sig = await sign(o);
    await expect(fillAs(swap, taker, o, sig, 400n)).to.changeTokenBalances(tokenB, [maker, taker], [1200n, -1200n]);
    expect(await swap.filledOf(o.maker, o.nonce)).to.equal(400n);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(false);
    await fillAs(swap, taker, o, sig, 100n);
    await expect(fillAs(swap, taker, o, sig, 500n)).to.changeTokenBalances(tokenA, [maker, taker], [-500n, 500n]);
    expect(await swap.filledOf(o.maker, o.nonce)).to.equal(1000n);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(true);
    await expect(fillAs(swap, taker, o, sig, 100n)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
  });

  it("SW-P2: zero, below minFill while more remains, and above what remains are refused", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n });
    const sig = await sign(o);
    await fillAs(swap, taker, o, sig, 850n);
    for (const amount of [0n, 99n, 151n]) {
      await expect(fillAs(swap, taker, o, sig, amount))
        .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
        .withArgs(amount, 100n, 150n);
    }
    await fillAs(swap, taker, o, sig, 100n);
    // The tail (50) is below minFill: exactly the tail fills; less does not.
    await expect(fillAs(swap, taker, o, sig, 49n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(49n, 100n, 50n);
    await fillAs(swap, taker, o, sig, 50n);
    expect(await swap.filledOf(o.maker, o.nonce)).to.equal(1000n);
  });

  it("SW-P2: an order cannot be over-filled: the whole remaining amount is the most one fill takes", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 1n });
    const sig = await sign(o);
    await expect(fillAs(swap, taker, o, sig, 1001n)).to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount");
    await fillAs(swap, taker, o, sig, 1000n);
    await expect(fillAs(swap, taker, o, sig, 1n)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
  });

  it("SW-P3: each part costs ceil(part * takerAmount / makerAmount); a split costs the taker at least the whole", async function () {
    const { swap, tokenB, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 7n, takerAmount: 10n, minFill: 1n });
    const sig = await sign(o);
    let paid = 0n;
    for (const part of [1n, 2n, 4n]) {
      const expected = ceilDiv(part, 10n, 7n);
      expect((await swap.quote(o, part)).takerFill).to.equal(expected);
      await expect(fillAs(swap, taker, o, sig, part)).to.changeTokenBalance(tokenB, maker, expected);
      paid += expected;
    }
    // 1 -> ceil(10/7)=2, 2 -> ceil(20/7)=3, 4 -> ceil(40/7)=6: 11 >= 10.
    expect(paid).to.equal(11n);
  });

  it("SW-P3: a tiny fill whose exact price is below one unit still costs the taker one unit", async function () {
    const { swap, tokenA, tokenB, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 10n ** 18n, takerAmount: 1000n, minFill: 1n });
    const tx = fillAs(swap, taker, o, await sign(o), 1n);
    await expect(tx).to.changeTokenBalance(tokenB, maker, 1n);
    await expect(tx).to.changeTokenBalance(tokenA, taker, 1n);
  });

  it("SW-P3: huge amounts use 512-bit products: no overflow near 2^256", async function () {
    const { swap, order } = await loadFixture(swapFixture);
    const big = 2n ** 255n;
    const o = order({ makerAmount: big, takerAmount: big - 1n, minFill: 1n });
    const q = await swap.quote(o, big - 1n);
    expect(q.takerFill).to.equal(ceilDiv(big - 1n, big - 1n, big));
    expect(q.remaining).to.equal(1n);
  });

  it("SW-P2: the bit of a partial order is checked too: a fill after cancel of its nonce fails", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 10n });
    const sig = await sign(o);
    await swap.connect(maker).cancel([o.nonce]);
    await expect(fillAs(swap, taker, o, sig, 10n)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
  });

  it("SW-O1: the smallest order, one unit for one unit, fills", async function () {
    const { swap, tokenA, tokenB, maker, taker, order, sign } = await loadFixture(swapFixture);
    const o = order({ makerAmount: 1n, takerAmount: 1n, minFill: 1n });
    const tx = fillAs(swap, taker, o, await sign(o), 1n);
    await expect(tx).to.changeTokenBalances(tokenA, [maker, taker], [-1n, 1n]);
    await expect(tx).to.changeTokenBalances(tokenB, [maker, taker], [1n, -1n]);
  });
});
