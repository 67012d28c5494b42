// LN-P1, LN-F4: approvals of positions are cleared whoever they named, address(1) included (the mutation run showed
// that a check `!= address(0)` moved to `!= address(1)` was not pinned: an approval of address(1) would then outlive
// the transfer or re-mint that should end it).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ONE, deployLending, offerOf, signOffer, startLoan, termsOf } from "../helpers/lending";

const ONE_ADDRESS = ethers.getAddress("0x0000000000000000000000000000000000000001");

describe("LN-P1, LN-F4 approvals of address(1)", function () {
  it("LN-P1: a transfer clears an approval of address(1)", async function () {
    const fx = await loadFixture(deployLending);
    const { loanId } = await startLoan(fx);
    await fx.lending.connect(fx.lender).approve(ONE_ADDRESS, loanId);
    expect(await fx.lending.getApproved(loanId)).to.equal(ONE_ADDRESS);
    await fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.other.address, loanId);
    expect(await fx.lending.getApproved(loanId)).to.equal(ethers.ZeroAddress);
  });

  it("LN-F4: a refinance clears an approval of address(1) on the re-minted lender token", async function () {
    const fx = await loadFixture(deployLending);
    const { loanId, terms } = await startLoan(fx);
    await fx.lending.connect(fx.lender).approve(ONE_ADDRESS, loanId);
    const offer = await offerOf(fx, termsOf(fx, { principal: 2_000n * ONE }), { lender: fx.other.address, nonce: 5n });
    await fx.lending
      .connect(fx.borrower)
      .refinanceWithOffer(terms, loanId, offer, await signOffer(fx.lending, fx.other, offer), 0n);
    expect(await fx.lending.ownerOf(loanId)).to.equal(fx.other.address);
    expect(await fx.lending.getApproved(loanId)).to.equal(ethers.ZeroAddress);
  });
});
