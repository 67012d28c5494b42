// Finding (adversarial review of the swap, issue 11): a nonce did not name one order. A partial order set its nonce
// bit only on the fill that completed it and kept its filled amount by order hash, so while one partial order under
// nonce N was open, a second order under N (a re-sign with a higher fee ceiling, as SW-F1 tells makers to do when the
// fee rises) filled in full as well: the maker gave almost twice what it meant to sell under N.
// Fixed (SW-N1, SW-N2): nonces are split by bit 255 (clear: fill-or-kill, set: partial), and the filled amount of a
// partial nonce is kept per (maker, nonce): every order signed with it draws on one counter (each order's remaining is
// its makerAmount less that counter, floored at 0), and the fill that completes one sets the bit for all of them.
// These tests fail on the old code (filled by order hash, one nonce space).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PARTIAL_NONCE, fillAs, swapFixture } from "../helpers/swap";

describe("finding: two orders under one nonce both filled when one of them is partial (SW-N2)", function () {
  it("SW-N2: a re-signed order (higher fee ceiling, same nonce) fills only what the first one left: 100 of 1000", async function () {
    const { swap, owner, feeRecipient, tokenA, maker, taker, order, sign } = await loadFixture(swapFixture);
    const first = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n, nonce: 7n, feeBps: 0n });
    await fillAs(swap, taker, first, await sign(first), 900n);
    // The fee rises: the first order's ceiling (0) is now too low, so the maker re-signs it with a higher ceiling.
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    const resigned = { ...first, feeBps: 10n };
    const resignedSig = await sign(resigned);
    expect(await swap.filledOf(maker.address, resigned.nonce)).to.equal(900n);
    const before = await tokenA.balanceOf(maker.address);
    await expect(fillAs(swap, taker, resigned, resignedSig, 1000n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(1000n, 100n, 100n);
    expect(await tokenA.balanceOf(maker.address)).to.equal(before);
    // The rest (100) fills, once, and completes both orders: the nonce is used.
    await fillAs(swap, taker, resigned, resignedSig, 100n);
    expect(before - (await tokenA.balanceOf(maker.address))).to.equal(100n); // fee floor(100 * 10 / 10_000) = 0
    expect(await swap.isNonceUsed(maker.address, 7n | PARTIAL_NONCE)).to.equal(true);
    await expect(fillAs(swap, taker, resigned, resignedSig, 1n))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 7n | PARTIAL_NONCE);
  });

  it("SW-N1: a fill-or-kill order cannot share a partial order's nonce: bit 255 must match the kind, else SwapInvalidOrder", async function () {
    const { swap, taker, order, sign } = await loadFixture(swapFixture);
    const partial = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n, nonce: 9n });
    await fillAs(swap, taker, partial, await sign(partial), 900n);
    // Same nonce word as the partial order (bit 255 set) but fill-or-kill: refused for its kind.
    const whole = { ...partial, minFill: 1000n };
    await expect(fillAs(swap, taker, whole, await sign(whole), 1000n)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidOrder",
    );
    // And a partial order with bit 255 clear is refused the same way.
    const unflagged = { ...partial, nonce: 9n };
    await expect(fillAs(swap, taker, unflagged, await sign(unflagged), 100n)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidOrder",
    );
  });

  it("SW-N2: two partial orders under one nonce share one counter: the second fills only what the first left", async function () {
    const { swap, tokenA, maker, taker, order, sign } = await loadFixture(swapFixture);
    const a = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 10n, nonce: 11n });
    const b = order({ makerAmount: 1000n, takerAmount: 2900n, minFill: 10n, nonce: 11n });
    const small = order({ makerAmount: 500n, takerAmount: 1500n, minFill: 10n, nonce: 11n });
    const start = await tokenA.balanceOf(maker.address);
    await fillAs(swap, taker, a, await sign(a), 990n);
    await expect(fillAs(swap, taker, b, await sign(b), 990n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(990n, 10n, 10n);
    // An order under the nonce smaller than the counter has nothing left (floored at 0).
    await expect(fillAs(swap, taker, small, await sign(small), 10n))
      .to.be.revertedWithCustomError(swap, "SwapInvalidFillAmount")
      .withArgs(10n, 10n, 0n);
    expect(start - (await tokenA.balanceOf(maker.address))).to.equal(990n);
  });
});
