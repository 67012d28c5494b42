// Finding (independent review, issue 9): protocol fees could be locked for good. The owner could set the fee
// recipient to zero (allowed with a zero fee) and renounce ownership; fees accrued by earlier deals then had nowhere
// to go, since collectProtocolFees refused a zero recipient and nobody could set another. Fix (docs/escrow.md §6,
// E-M1): the recipient is never zero.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AMOUNT, ETH, PROTOCOL_FEE_BPS, BPS, ethDealsFixture } from "../helpers/escrow";

describe("finding: a zero fee recipient and a renounced owner locked the accrued fees (E-M1)", function () {
  it("refuses a zero recipient, so fees accrued before the owner renounces still reach the recipient", async function () {
    const fx = await loadFixture(ethDealsFixture); // deals under a 1% protocol fee
    const { escrow, owner, depositor, feeRecipient, stranger } = fx;
    await escrow.connect(depositor).release(fx.arbiterDeal.deal, AMOUNT);
    const accrued = await escrow.protocolFeesOf(ETH);
    expect(accrued).to.equal((AMOUNT * PROTOCOL_FEE_BPS) / BPS);
    await expect(escrow.connect(owner).setProtocolFee(0n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      escrow,
      "EscrowInvalidFeeRecipient",
    );
    await escrow.connect(owner).setProtocolFee(0n, feeRecipient.address);
    await escrow.connect(owner).renounceOwnership();
    expect(await escrow.owner()).to.equal(ethers.ZeroAddress);
    await expect(escrow.connect(stranger).collectProtocolFees(ETH)).to.changeEtherBalance(feeRecipient, accrued);
  });
});
