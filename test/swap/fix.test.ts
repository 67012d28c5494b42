// Rules added by the review fixes (docs/swaps.md): final delegate revocation (SW-D1), the shared partial counter seen
// by the views (SW-N2, SW-C1), a same-token order's taker paid first (SW-C1), and the views refusing non-canonical
// orders as fill does (SW-O1).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, ZERO, fillAs, selectorOf, swapFixture } from "../helpers/swap";

describe("Swap: review fixes", function () {
  it("SW-D1: replacing or revoking a delegate retires it for good; re-setting the current one is a no-op", async function () {
    const { swap, maker, other, delegate } = await loadFixture(swapFixture);
    await expect(swap.connect(maker).setDelegate(delegate.address))
      .to.emit(swap, "DelegateSet")
      .withArgs(maker.address, delegate.address);
    // The same delegate again: nothing happens (no event, not retired).
    await expect(swap.connect(maker).setDelegate(delegate.address)).not.to.emit(swap, "DelegateSet");
    expect(await swap.isRetiredDelegate(maker.address, delegate.address)).to.equal(false);
    await swap.connect(maker).setDelegate(other.address);
    expect(await swap.isRetiredDelegate(maker.address, delegate.address)).to.equal(true);
    expect(await swap.isRetiredDelegate(maker.address, other.address)).to.equal(false);
    await expect(swap.connect(maker).setDelegate(delegate.address))
      .to.be.revertedWithCustomError(swap, "SwapDelegateRetired")
      .withArgs(delegate.address);
    // Revoking retires the current one; revoking again is a no-op; zero is never retired.
    await swap.connect(maker).setDelegate(ZERO);
    expect(await swap.isRetiredDelegate(maker.address, other.address)).to.equal(true);
    await swap.connect(maker).setDelegate(ZERO);
    expect(await swap.isRetiredDelegate(maker.address, ZERO)).to.equal(false);
    expect(await swap.delegateOf(maker.address)).to.equal(ZERO);
    // Retirement is per maker: another maker may still name the address.
    await swap.connect(other).setDelegate(delegate.address);
    expect(await swap.delegateOf(other.address)).to.equal(delegate.address);
  });

  it("SW-N2, SW-C1: quote and check see the nonce's shared counter: remaining is makerAmount less it, floored at 0", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const big = order({ makerAmount: 1000n, takerAmount: 1000n, minFill: 10n, nonce: 3n });
    const small = order({ makerAmount: 500n, takerAmount: 500n, minFill: 10n, nonce: 3n });
    await fillAs(swap, taker, big, await sign(big), 600n);
    expect((await swap.quote(big, 400n)).remaining).to.equal(0n);
    await expect(swap.quote(small, 10n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(10n, 10n, 0n);
    expect(await swap.check(small, await sign(small), 10n, taker.address)).to.deep.equal([
      selectorOf(swap, "SwapInvalidFillAmount"),
    ]);
    // fill agrees: nothing remains of the small order, not even one unit.
    for (const amount of [1n, 10n]) {
      await expect(fillAs(swap, taker, small, await sign(small), amount))
        .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
        .withArgs(amount, 10n, 0n);
    }
    // The big order's completing fill sets the bit for every order under the nonce.
    await fillAs(swap, taker, big, await sign(big), 400n);
    expect(await swap.isNonceUsed(big.maker, big.nonce)).to.equal(true);
    expect(await swap.filledOf(big.maker, big.nonce)).to.equal(1000n);
  });

  it("SW-C1: in a same-token order the taker is paid first: check counts makerFill towards what it pays", async function () {
    const { swap, tokenA, maker, other, order, sign } = await loadFixture(swapFixture);
    // `other` gives away all but 10 of its tokens: it pays 120 for 100 and is paid the 100 first.
    await tokenA.connect(other).transfer(maker.address, (await tokenA.balanceOf(other.address)) - 10n);
    const o = order({
      makerToken: String(tokenA.target),
      takerToken: String(tokenA.target),
      takerAmount: 110n,
      makerAmount: 100n,
      minFill: 100n,
    });
    const sig = await sign(o);
    expect(await swap.check(o, sig, 100n, other.address)).to.deep.equal([]);
    await fillAs(swap, other, o, sig, 100n);
    expect(await tokenA.balanceOf(other.address)).to.equal(0n);
    // One unit more than it can pay is reported.
    const o2 = order({
      makerToken: String(tokenA.target),
      takerToken: String(tokenA.target),
      takerAmount: 101n,
      makerAmount: 100n,
      minFill: 100n,
      nonce: 2n,
    });
    expect(await swap.check(o2, await sign(o2), 100n, other.address)).to.deep.equal([
      selectorOf(swap, "SwapTakerBalanceTooLow"),
    ]);
  });

  it("SW-C1: the same-token sum saturates: a taker holding 2^256 - 1 is never reported short, and check does not revert", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const max = 2n ** 256n - 1n;
    const huge = await ethers.deployContract("MisbehavingViewToken");
    await huge.getFunction("mint")(taker.address, max);
    const token = String(huge.target);
    const o = order({ makerToken: token, takerToken: token, makerAmount: 10n, minFill: 10n, takerAmount: max });
    const reasons = await swap.check(o, await sign(o), 10n, taker.address);
    expect(reasons).to.include(selectorOf(swap, "SwapMakerBalanceTooLow"));
    expect(reasons).to.not.include(selectorOf(swap, "SwapTakerBalanceTooLow"));
  });

  it("SW-O1: hashOrder and quote refuse an order whose words are not clean ABI values, as fill does", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const o = order();
    const clean = swap.interface.encodeFunctionData("hashOrder", [o]);
    // Word 0 (maker), 8 (expiry) and 10 (feeBps) each with one dirty upper bit.
    for (const [word, bit] of [
      [0, 160],
      [1, 255],
      [3, 160],
      [5, 200],
      [6, 160],
      [8, 64],
      [10, 16],
    ]) {
      const offset = 2 + 8 + word * 64;
      const value = BigInt("0x" + clean.slice(offset, offset + 64)) | (1n << BigInt(bit));
      const dirty = clean.slice(0, offset) + value.toString(16).padStart(64, "0") + clean.slice(offset + 64);
      const result = await ethers.provider.call({ to: swap.target, data: dirty }).then(
        () => "ok",
        (e: { data?: string }) => e.data ?? "",
      );
      expect(result, `word ${word}`).to.equal(selectorOf(swap, "SwapInvalidOrder"));
      const quoteData = swap.interface.encodeFunctionData("quote", [o, MAKER_AMOUNT]);
      const dirtyQuote =
        quoteData.slice(0, offset) + value.toString(16).padStart(64, "0") + quoteData.slice(offset + 64);
      const quoted = await ethers.provider.call({ to: swap.target, data: dirtyQuote }).then(
        () => "ok",
        (e: { data?: string }) => e.data ?? "",
      );
      // Fields quote reads itself are refused by the ABI decoder (an empty revert, as in fill); the rest by the check.
      expect(quoted, `quote word ${word}`).to.be.oneOf(["0x", selectorOf(swap, "SwapInvalidOrder")]);
      expect(quoted, `quote word ${word}`).to.not.equal("ok");
    }
    // A clean order hashes and fills.
    expect(await swap.hashOrder(o)).to.match(/^0x[0-9a-f]{64}$/);
    await fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT);
  });
});
