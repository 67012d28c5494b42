// docs/swaps.md §6 SW-N1 (the maker's nonces only), SW-N2 (the bit), SW-N3 (cancel), SW-N4 (cancelBelow).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, fillAs, swapFixture } from "../helpers/swap";

const MAX_UINT96 = 2n ** 96n - 1n;

describe("Swap: nonces and cancellation", function () {
  it("SW-N1: a delegate-signed fill consumes the maker's nonce, not the delegate's", async function () {
    const { swap, maker, taker, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    const o = order({ nonce: 300n });
    await fillAs(swap, taker, o, await sign(o, delegate), MAKER_AMOUNT);
    expect(await swap.isNonceUsed(maker.address, 300n)).to.equal(true);
    expect(await swap.isNonceUsed(delegate.address, 300n)).to.equal(false);
    expect(await swap.isNonceUsed(taker.address, 300n)).to.equal(false);
    expect(await swap.nonceBitmap(maker.address, 1n)).to.equal(1n << 44n);
  });

  it("SW-N1: the delegate's, the taker's and the signer's cancelled nonces do not affect the maker's order", async function () {
    const { swap, maker, taker, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    await swap.connect(delegate).cancel([5n]);
    await swap.connect(taker).cancel([5n]);
    await swap.connect(delegate).cancelBelow(100n);
    await swap.connect(taker).cancelBelow(100n);
    const o = order({ nonce: 5n });
    await fillAs(swap, taker, o, await sign(o, delegate), MAKER_AMOUNT);
  });

  it("SW-N1: a maker's cancel kills its delegate-signed order", async function () {
    const { swap, maker, taker, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    const o = order({ nonce: 9n });
    const sig = await sign(o, delegate);
    await swap.connect(maker).cancel([9n]);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 9n);
  });

  it("SW-N2: a nonce names one order: after a fill, another order with the same nonce is dead", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const a = order({ nonce: 4n });
    const b = order({ nonce: 4n, makerAmount: 5n, minFill: 5n, takerAmount: 5n });
    await fillAs(swap, taker, a, await sign(a), MAKER_AMOUNT);
    await expect(fillAs(swap, taker, b, await sign(b), 5n))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 4n);
  });

  it("SW-N3: cancel sets each bit once, emits for new bits only and skips used ones without reverting", async function () {
    const { swap, maker } = await loadFixture(swapFixture);
    const tx = swap.connect(maker).cancel([1n, 256n, 257n, 1n]);
    await expect(tx).to.emit(swap, "NonceCancelled").withArgs(maker.address, 1n);
    await expect(tx).to.emit(swap, "NonceCancelled").withArgs(maker.address, 256n);
    const receipt = await (await tx).wait();
    expect(receipt!.logs.length).to.equal(3);
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(2n);
    expect(await swap.nonceBitmap(maker.address, 1n)).to.equal(3n);
    const again = await (await swap.connect(maker).cancel([256n])).wait();
    expect(again!.logs.length).to.equal(0);
    await swap.connect(maker).cancel([]);
  });

  it("SW-N3: a cancelled order (fill-or-kill or partial) is refused with SwapNonceUsed", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const whole = order({ nonce: 1n });
    const partial = order({ nonce: 2n, minFill: 1n });
    const s1 = await sign(whole);
    const s2 = await sign(partial);
    await fillAs(swap, taker, partial, s2, 10n);
    await swap.connect(maker).cancel([1n, 2n]);
    await expect(fillAs(swap, taker, whole, s1, MAKER_AMOUNT)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
    await expect(fillAs(swap, taker, partial, s2, 10n)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
  });

  it("SW-N4: cancelBelow kills every order below the new minimum and none at or above it", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    await expect(swap.connect(maker).cancelBelow(10n)).to.emit(swap, "MinNonceRaised").withArgs(maker.address, 10n);
    expect((await swap.makerState(maker.address)).minNonce).to.equal(10n);
    const below = order({ nonce: 9n });
    await expect(fillAs(swap, taker, below, await sign(below), MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapNonceBelowMinimum")
      .withArgs(maker.address, 9n, 10n);
    expect(await swap.isNonceUsed(maker.address, 9n)).to.equal(true);
    expect(await swap.isNonceUsed(maker.address, 10n)).to.equal(false);
    const at = order({ nonce: 10n });
    await fillAs(swap, taker, at, await sign(at), MAKER_AMOUNT);
  });

  it("SW-N4: cancelBelow must raise the minimum, and fit 96 bits", async function () {
    const { swap, maker } = await loadFixture(swapFixture);
    await expect(swap.connect(maker).cancelBelow(0n))
      .to.be.revertedWithCustomError(swap, "SwapMinNonceNotRaised")
      .withArgs(0n, 0n);
    await swap.connect(maker).cancelBelow(5n);
    for (const n of [4n, 5n]) {
      await expect(swap.connect(maker).cancelBelow(n))
        .to.be.revertedWithCustomError(swap, "SwapMinNonceNotRaised")
        .withArgs(n, 5n);
    }
    await expect(swap.connect(maker).cancelBelow(MAX_UINT96 + 1n))
      .to.be.revertedWithCustomError(swap, "SwapMinNonceNotRaised")
      .withArgs(MAX_UINT96 + 1n, 5n);
    await swap.connect(maker).cancelBelow(MAX_UINT96);
    expect((await swap.makerState(maker.address)).minNonce).to.equal(MAX_UINT96);
  });

  it("SW-N4: cancelBelow keeps the delegate, and setDelegate keeps the minimum (one slot, both fields)", async function () {
    const { swap, maker, delegate } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    await swap.connect(maker).cancelBelow(77n);
    expect(await swap.makerState(maker.address)).to.deep.equal([delegate.address, 77n]);
    await swap.connect(maker).setDelegate(maker.address);
    expect(await swap.makerState(maker.address)).to.deep.equal([maker.address, 77n]);
  });

  it("SW-N2: nonces at the edges of a word and of uint256 fill and set the right bit", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const max = 2n ** 256n - 1n;
    for (const nonce of [0n, 255n, 256n, max]) {
      const o = order({ nonce });
      await fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
      expect(await swap.isNonceUsed(maker.address, nonce)).to.equal(true);
    }
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(1n | (1n << 255n));
    expect(await swap.nonceBitmap(maker.address, 1n)).to.equal(1n);
    expect(await swap.nonceBitmap(maker.address, max >> 8n)).to.equal(1n << 255n);
  });
});
