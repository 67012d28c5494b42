// Finding (adversarial review of the swap, issue 11): revoking a delegate only suspended its orders. docs/swaps.md §1
// and §4 say a leaked delegate key "is revoked, which kills every order it signed", and ISwap says its orders "stop
// being fillable"; but the check is only "the signer is the current delegate", so the day the maker authorises the same
// address again (a bot paused and resumed, a hardware key rotated back, a mistaken revoke undone) every order that
// key ever signed and that was not filled or cancelled fills again, at the old prices.
// Fixed (SW-D1): revocation is final. setDelegate records every replaced or revoked delegate and refuses it
// afterwards (SwapDelegateRetired); fill never reads that record.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, fillAs, swapFixture } from "../helpers/swap";

describe("finding: orders of a revoked delegate filled again once it was re-authorised (SW-D1)", function () {
  it("SW-D1: an order signed by a delegate before its revocation stays dead after the same delegate is set again", async function () {
    const { swap, maker, taker, delegate, order, sign } = await loadFixture(swapFixture);
    await swap.connect(maker).setDelegate(delegate.address);
    // A stale order at an old price, signed by the bot key and never filled.
    const stale = order({ nonce: 5n, takerAmount: 1n });
    const staleSig = await sign(stale, delegate);
    await swap.connect(maker).setDelegate(ethers.ZeroAddress);
    await expect(fillAs(swap, taker, stale, staleSig, MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
    // Later the maker resumes its bot with the same key: refused, the key is retired for this maker.
    await expect(swap.connect(maker).setDelegate(delegate.address))
      .to.be.revertedWithCustomError(swap, "SwapDelegateRetired")
      .withArgs(delegate.address);
    expect(await swap.isRetiredDelegate(maker.address, delegate.address)).to.equal(true);
    await expect(fillAs(swap, taker, stale, staleSig, MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
  });
});
