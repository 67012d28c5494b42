// Finding (adversarial review of the swap, issue 11): revoking a delegate only suspended its orders. docs/swaps.md §1
// and §4 say a leaked delegate key "is revoked, which kills every order it signed", and ISwap says its orders "stop
// being fillable"; but the check is only "the signer is the current delegate", so the day the maker authorises the same
// address again (a bot paused and resumed, a hardware key rotated back, a mistaken revoke undone) every order that
// key ever signed and that was not filled or cancelled fills again, at the old prices.
// Fix (either): make revocation final (setDelegate refuses an address that was the maker's delegate before: one slot
// per (maker, delegate) written by setDelegate only, nothing added to fill), or say in SW-D1 and ISwap that a
// revocation suspends and that only cancel/cancelBelow kill, and have the SDK's revoke also call cancelBelow.
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
    // Later the maker resumes its bot with the same key. Whether that is refused (revocation final) or allowed, the
    // stale order must stay dead.
    await swap
      .connect(maker)
      .setDelegate(delegate.address)
      .then(
        (tx) => tx.wait(),
        () => undefined,
      );
    await expect(fillAs(swap, taker, stale, staleSig, MAKER_AMOUNT)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidSignature",
    );
  });
});
