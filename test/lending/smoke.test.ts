import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployLending, startLoan, termsHash, owedAt, Status, InterestKind, DAY, SALE, ONE } from "../helpers/lending";

describe("Lending smoke", function () {
  it("accepts, repays part and in full", async function () {
    const fx = await loadFixture(deployLending);
    const { loanId, terms } = await startLoan(fx, { interestKind: InterestKind.ProRated, interest: 1_000n });
    const loan = await fx.lending.loanOf(loanId);
    expect(loan.status).to.equal(Status.Active);
    expect(loan.termsHash).to.equal(termsHash(terms));
    expect(await fx.lending.hashTerms(terms)).to.equal(termsHash(terms));
    expect(await fx.lending.ownerOf(loanId)).to.equal(fx.lender.address);
    expect(await fx.lending.ownerOf(loanId + 1n)).to.equal(fx.borrower.address);
    await time.increase(10n * DAY);
    const t = BigInt(await time.latest()) + 1n;
    const o = owedAt(terms, loan.outstanding, loan.checkpoint, t);
    const [, , total] = await fx.lending.owedAt(terms, loanId, t);
    expect(total).to.equal(o.total);
    await fx.lending.connect(fx.borrower).repay(terms, loanId, o.interestPart + 100n * ONE);
    await fx.lending.connect(fx.borrower).repay(terms, loanId, 10_000n * ONE);
    expect((await fx.lending.loanOf(loanId)).status).to.equal(Status.Repaid);
  });
  it("sells defaulted collateral", async function () {
    const fx = await loadFixture(deployLending);
    const { loanId, terms } = await startLoan(fx, SALE);
    await time.increase(34n * DAY);
    await fx.lending.startSale(terms, loanId);
    const sale = await fx.lending.saleOf(loanId);
    await fx.usd.connect(fx.other).approve(await fx.auctions.getAddress(), ethers.MaxUint256);
    await fx.auctions.connect(fx.other).buy(sale.auctionId);
    await fx.lending.settleSale(terms, loanId);
    expect((await fx.lending.loanOf(loanId)).status).to.equal(Status.Sold);
  });
});
import { ethers } from "hardhat";
