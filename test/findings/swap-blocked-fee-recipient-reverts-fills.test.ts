// Finding (adversarial review of the swap, issue 11): a fee recipient that a token refuses froze every trade in that
// token. The fee moves maker -> fee recipient inside fill, with a revert on failure; a token with a blocklist (USDC,
// USDT) that lists the protocol's fee recipient makes every fill with a non-zero fee in that maker token revert, for
// every maker, until the owner moves the recipient; and check() reports nothing, so takers pay for failing
// transactions (SW-C1 promises every reason fill would revert). The maker and the taker are not at fault.
// Decision (documented behaviour, docs/swaps.md §7 and docs/security.md): the fee leg stays a plain transfer that
// must succeed. No funds move or get stuck: the fill reverts whole. The remedy is the owner's: setProtocolFee with
// another recipient (or fee 0) unfreezes every order at once. Trying the fee leg and skipping it on failure would let a
// token issuer (or a recipient contract) switch the protocol fee off selectively. check() cannot see it (a view cannot
// simulate a transfer).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BlocklistToken } from "../../typechain-types";
import { ALLOWANCE, MAKER_AMOUNT, SUPPLY, fillAs, swapFixture } from "../helpers/swap";

describe("documented: a fee recipient blocked by the maker token makes fills with a fee in that token revert (SW-F1, SW-C1)", function () {
  it("SW-F1: with the fee recipient on the token's blocklist, a fill reverts in the token and moves nothing; a new recipient unfreezes it", async function () {
    const { swap, swapAddress, owner, feeRecipient, other, tokenB, maker, taker, order, sign } =
      await loadFixture(swapFixture);
    const usdc = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
    await usdc.mint(maker.address, SUPPLY);
    await usdc.connect(maker).approve(swapAddress, ALLOWANCE);
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    // The token's issuer lists the protocol's fee recipient (nothing the maker or the taker did).
    await usdc.setBlocked(feeRecipient.address, true);
    const o = order({ makerToken: String(usdc.target), feeBps: 10n });
    const sig = await sign(o);
    // check() cannot see it (documented): it reports nothing, and the fill reverts in the token.
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    const makerBefore = await usdc.balanceOf(maker.address);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(usdc, "Blocked")
      .withArgs(feeRecipient.address);
    expect(await usdc.balanceOf(maker.address)).to.equal(makerBefore);
    expect(await swap.isNonceUsed(maker.address, o.nonce)).to.equal(false);
    // The owner moves the fee recipient: the same signed order fills, both legs move.
    await swap.connect(owner).setProtocolFee(10n, other.address);
    const tx = fillAs(swap, taker, o, sig, MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalances(
      usdc,
      [maker, taker],
      [-(MAKER_AMOUNT + MAKER_AMOUNT / 1000n), MAKER_AMOUNT],
    );
    await expect(tx).to.changeTokenBalance(tokenB, maker, o.takerAmount);
  });
});
