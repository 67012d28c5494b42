// Finding (adversarial review of the swap, issue 11): a nonce did not name one order. docs/swaps.md SW-N2 says "a
// nonce names one order" and the SDK says "two orders sharing a nonce die together", but a partial order sets its
// nonce bit only on the fill that completes it, and its filled amount is keyed by the order hash. So while one partial
// order under nonce N is open, a second order under N (a re-sign with a higher fee ceiling, as SW-F1 tells makers to
// do when the fee rises; or an order the SDK's findUnusedNonces hands out again after a restart, since a partly filled
// order's bit is unset) fills in full as well: the maker gives almost twice what it meant to sell under N.
// Fix (either): bind the nonce to the first order that fills under it (e.g. key the partial record by (maker, nonce)
// and store a tag of the order hash beside the filled amount; a fill of any other order under N, fill-or-kill
// included, is SwapNonceUsed), or drop the claim from SW-N2/the SDK and have the SDK never hand out the nonce of an
// order the maker still has open (it cannot see them on-chain).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { fillAs, swapFixture } from "../helpers/swap";

describe("finding: two orders under one nonce both filled when one of them is partial (SW-N2)", function () {
  it("SW-N2: a re-signed order (higher fee ceiling, same nonce) cannot fill while the first one is 90% filled", async function () {
    const { swap, owner, feeRecipient, tokenA, maker, taker, order, sign } = await loadFixture(swapFixture);
    const first = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n, nonce: 7n, feeBps: 0n });
    await fillAs(swap, taker, first, await sign(first), 900n);
    // The fee rises: the first order's ceiling (0) is now too low, so the maker re-signs it with a higher ceiling.
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    const resigned = { ...first, feeBps: 10n };
    const before = await tokenA.balanceOf(maker.address);
    await expect(fillAs(swap, taker, resigned, await sign(resigned), 1000n))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 7n);
    // What the maker gave under nonce 7 stays within one order of 1000 (plus fees).
    expect(before - (await tokenA.balanceOf(maker.address))).to.equal(0n);
  });

  it("SW-N2: a fill-or-kill order under the nonce of a partly filled order is refused", async function () {
    const { swap, maker, taker, order, sign } = await loadFixture(swapFixture);
    const partial = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 100n, nonce: 9n });
    await fillAs(swap, taker, partial, await sign(partial), 900n);
    const whole = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 1000n, nonce: 9n });
    await expect(fillAs(swap, taker, whole, await sign(whole), 1000n))
      .to.be.revertedWithCustomError(swap, "SwapNonceUsed")
      .withArgs(maker.address, 9n);
  });

  it("SW-N2: two partial orders under one nonce cannot both be filled to 99%", async function () {
    const { swap, tokenA, maker, taker, order, sign } = await loadFixture(swapFixture);
    const a = order({ makerAmount: 1000n, takerAmount: 3000n, minFill: 10n, nonce: 11n });
    const b = order({ makerAmount: 1000n, takerAmount: 2900n, minFill: 10n, nonce: 11n });
    const start = await tokenA.balanceOf(maker.address);
    await fillAs(swap, taker, a, await sign(a), 990n);
    await fillAs(swap, taker, b, await sign(b), 990n).catch(() => undefined);
    // At most one order's worth (1000) may leave the maker under nonce 11.
    expect(start - (await tokenA.balanceOf(maker.address))).to.be.at.most(1000n);
  });
});
