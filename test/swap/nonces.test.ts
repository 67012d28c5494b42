// docs/swaps.md §6 SW-N1 (the maker's nonces, split by kind), SW-N2 (the bit, the shared partial counter), SW-N3
// (cancel), SW-N4 (cancelRange).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, PARTIAL_NONCE, fillAs, swapFixture } from "../helpers/swap";

const MAX = 2n ** 256n - 1n;

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
    await swap.connect(delegate).cancelRange(0n, 100n);
    await swap.connect(taker).cancelRange(0n, 100n);
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
    await swap.connect(maker).cancel([whole.nonce, partial.nonce]);
    await expect(fillAs(swap, taker, whole, s1, MAKER_AMOUNT)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
    await expect(fillAs(swap, taker, partial, s2, 10n)).to.be.revertedWithCustomError(swap, "SwapNonceUsed");
  });

  it("SW-N3: a partial order's nonce is cancelled by its full value (bit 255 set), not by its low bits", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const partial = order({ nonce: 2n, minFill: 1n });
    const sig = await sign(partial);
    await swap.connect(maker).cancel([2n]);
    await fillAs(swap, taker, partial, sig, 10n);
    await swap.connect(maker).cancel([2n | PARTIAL_NONCE]);
    await expect(fillAs(swap, taker, partial, sig, 10n))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 2n | PARTIAL_NONCE);
  });

  it("SW-N4: cancelRange(from, to) kills every order in [from, to) and none outside it", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    await expect(swap.connect(maker).cancelRange(3n, 10n))
      .to.emit(swap, "NoncesCancelled")
      .withArgs(maker.address, 3n, 10n);
    for (const n of [3n, 9n]) {
      const o = order({ nonce: n });
      await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT))
        .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
        .withArgs(maker.address, n);
    }
    for (const n of [2n, 10n]) {
      expect(await swap.isNonceUsed(maker.address, n)).to.equal(false);
      const o = order({ nonce: n });
      await fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
    }
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(0b11111111100n);
  });

  it("SW-N4: cancelRange across words sets whole words to all ones and masks the edge words", async function () {
    const { swap, maker } = await loadFixture(swapFixture);
    await swap.connect(maker).cancelRange(250n, 256n * 3n + 4n);
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(((1n << 6n) - 1n) << 250n);
    expect(await swap.nonceBitmap(maker.address, 1n)).to.equal(MAX);
    expect(await swap.nonceBitmap(maker.address, 2n)).to.equal(MAX);
    expect(await swap.nonceBitmap(maker.address, 3n)).to.equal(15n);
    expect(await swap.nonceBitmap(maker.address, 4n)).to.equal(0n);
    // One word exactly, and a range ending at a word's last bit.
    await swap.connect(maker).cancelRange(256n * 5n, 256n * 6n);
    expect(await swap.nonceBitmap(maker.address, 5n)).to.equal(MAX);
    expect(await swap.nonceBitmap(maker.address, 6n)).to.equal(0n);
    // Bits already set stay set (a range over a used nonce does not revert).
    await swap.connect(maker).cancelRange(0n, 1n);
    await swap.connect(maker).cancelRange(0n, 2n);
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal((((1n << 6n) - 1n) << 250n) | 3n);
  });

  it("SW-N4: cancelRange of partial nonces (from 2^255) kills partial orders, not fill-or-kill ones", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).cancelRange(PARTIAL_NONCE, PARTIAL_NONCE + 100n);
    const partial = order({ nonce: 5n, minFill: 1n });
    await expect(fillAs(swap, taker, partial, await sign(partial), 10n)).to.be.revertedWithCustomError(
      swap,
      "SwapNonceUsed",
    );
    const whole = order({ nonce: 5n });
    await fillAs(swap, taker, whole, await sign(whole), MAKER_AMOUNT);
    // The last partial nonce, reachable up to MAX - 1 by a range (to is exclusive), and by cancel.
    await swap.connect(maker).cancelRange(MAX - 1n, MAX);
    expect(await swap.isNonceUsed(maker.address, MAX - 1n)).to.equal(true);
    expect(await swap.isNonceUsed(maker.address, MAX)).to.equal(false);
  });

  it("SW-N4: cancelRange needs to > from", async function () {
    const { swap, maker } = await loadFixture(swapFixture);
    for (const [from, to] of [
      [5n, 5n],
      [6n, 5n],
      [MAX, 0n],
    ]) {
      await expect(swap.connect(maker).cancelRange(from, to))
        .to.be.revertedWithCustomError(swap, "SwapInvalidNonceRange")
        .withArgs(from, to);
    }
    await swap.connect(maker).cancelRange(4n, 5n);
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(16n);
  });

  it("SW-N4: cancelRange is the caller's: the delegate stays, other makers' bits stay clear", async function () {
    const { swap, maker, taker, delegate } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    await swap.connect(maker).cancelRange(0n, 77n);
    expect(await swap.delegateOf(maker.address)).to.equal(delegate.address);
    expect(await swap.nonceBitmap(taker.address, 0n)).to.equal(0n);
  });

  it("SW-N2: nonces at the edges of a word and of each kind's space fill and set the right bit", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const lastWhole = PARTIAL_NONCE - 1n;
    for (const nonce of [0n, 255n, 256n, lastWhole]) {
      const o = order({ nonce });
      await fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
      expect(await swap.isNonceUsed(maker.address, nonce)).to.equal(true);
    }
    const p = order({ nonce: MAX, minFill: 1n });
    await fillAs(swap, taker, p, await sign(p), MAKER_AMOUNT);
    expect(await swap.nonceBitmap(maker.address, 0n)).to.equal(1n | (1n << 255n));
    expect(await swap.nonceBitmap(maker.address, 1n)).to.equal(1n);
    expect(await swap.nonceBitmap(maker.address, lastWhole >> 8n)).to.equal(1n << 255n);
    expect(await swap.nonceBitmap(maker.address, MAX >> 8n)).to.equal(1n << 255n);
  });
});
