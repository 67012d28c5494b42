// Finding (adversarial review of the swap, issue 11): a fee recipient that a token refuses froze every trade in that
// token. The fee moves maker -> fee recipient inside fill, with a revert on failure; a token with a blocklist (USDC,
// USDT) that lists the protocol's fee recipient makes every fill with a non-zero fee in that maker token revert, for
// every maker, until the owner moves the recipient; and check() reports nothing, so takers pay for failing
// transactions (SW-C1 promises every reason fill would revert). The maker and the taker are not at fault.
// Fix: the fee leg must not be able to block a trade: try it (SafeERC20.trySafeTransferFrom) and, when it fails,
// charge no fee (emit fee 0); the contract still never holds tokens. (check() cannot simulate a transfer in a view.)
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BlocklistToken } from "../../typechain-types";
import { ALLOWANCE, MAKER_AMOUNT, SUPPLY, fillAs, swapFixture } from "../helpers/swap";

describe("finding: a fee recipient blocked by the maker token froze every fill in that token (SW-F1, SW-C1)", function () {
  it("SW-F1: with the fee recipient on the token's blocklist, an order that checks clean still fills and moves both legs", async function () {
    const { swap, swapAddress, owner, feeRecipient, tokenB, maker, taker, order, sign } =
      await loadFixture(swapFixture);
    const usdc = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
    await usdc.mint(maker.address, SUPPLY);
    await usdc.connect(maker).approve(swapAddress, ALLOWANCE);
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    // The token's issuer lists the protocol's fee recipient (nothing the maker or the taker did).
    await usdc.setBlocked(feeRecipient.address, true);
    const o = order({ makerToken: String(usdc.target), feeBps: 10n });
    const sig = await sign(o);
    expect(await swap.check(o, sig, MAKER_AMOUNT, taker.address)).to.deep.equal([]);
    const tx = fillAs(swap, taker, o, sig, MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalances(usdc, [maker, taker], [-MAKER_AMOUNT, MAKER_AMOUNT]);
    await expect(tx).to.changeTokenBalance(tokenB, maker, o.takerAmount);
  });
});
