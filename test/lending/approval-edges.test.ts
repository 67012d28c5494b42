// LN-P1, LN-F4, LN-D1a at edges the mutation run showed unpinned: approvals of address(1) are cleared like any
// other (a check `!= address(0)` moved to `!= address(1)` would let one outlive the transfer or re-mint that ends
// it), and the smallest sale terms (1 bps) keep the lender's claim behind the sale window.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
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

describe("LN-D1a the smallest sale terms", function () {
  it("LN-D1a: sale terms starting at 1 bps still keep the lender from claiming until the sale window has passed", async function () {
    const fx = await loadFixture(deployLending);
    const sale = { saleStartBps: 1n, saleFloorBps: 1n, saleDuration: 86_400n, saleFloorDuration: 0n };
    const { loanId, terms } = await startLoan(fx, sale);
    const start = (await fx.lending.loanOf(loanId)).start;
    const defaultsAt = start + terms.duration + terms.gracePeriod;
    await time.setNextBlockTimestamp(defaultsAt);
    await expect(fx.lending.connect(fx.lender).claim(terms, loanId, fx.lender.address))
      .to.be.revertedWithCustomError(fx.lending, "LendingSaleTerms")
      .withArgs(true);
    await time.setNextBlockTimestamp(defaultsAt + sale.saleDuration);
    await expect(fx.lending.connect(fx.lender).claim(terms, loanId, fx.lender.address)).to.emit(
      fx.lending,
      "CollateralClaimed",
    );
  });
});
