// LN-SDK-2: refinancing (with a new lender's offer, with the borrower's request) and the collateral sale (sold and
// unsold) through the client, with what each side receives.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { LoanStatus, loanSalePrice, type PeerPayError } from "../../../sdk";
import { ETH, ONE, SALE } from "../../helpers/lending";
import { lendingSdkFixture, sdkLoan } from "./fixture";

async function failure(promise: Promise<unknown>): Promise<PeerPayError> {
  try {
    await promise;
  } catch (error) {
    return error as PeerPayError;
  }
  throw new Error("expected a failure");
}

describe("LendingClient refinance and sale (LN-SDK-2)", function () {
  it("LN-SDK-2, LN-F3: refinanceWithOffer pays the old lender what is owed, the borrower the shortfall up to maxPayment; the loan keeps its id", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f);
    const newTerms = { ...terms, principal: 1_000n * ONE, interest: 10n * ONE };
    const offer = await f.otherClient.signOffer({ terms: newTerms, refinances: loanId });
    const short = await failure(f.borrowerClient.refinanceWithOffer({ loanId, terms, offer, maxPayment: 49n * ONE }));
    expect([short.code, short.details]).to.deep.equal([
      "LENDING_SHORTFALL",
      { needed: 50n * ONE, maxPayment: 49n * ONE },
    ]);
    const mismatch = await f.otherClient.signOffer({ terms: { ...newTerms, collateralAmount: 3n * ONE } });
    const refused = await failure(f.borrowerClient.buildRefinanceWithOffer({ loanId, terms, offer: mismatch }));
    expect(refused.code).to.equal("LENDING_REFINANCE_MISMATCH");
    const [lenderBefore, borrowerBefore] = [
      await f.usd.balanceOf(f.lender.address),
      await f.usd.balanceOf(f.borrower.address),
    ];
    const { events } = await f.borrowerClient.refinanceWithOffer({ loanId, terms, offer, maxPayment: 50n * ONE });
    expect(events.find((e) => e.type === "Refinanced")).to.deep.include({
      loanId,
      oldLender: f.lender.address,
      newLender: f.other.address,
      owed: 1_050n * ONE,
    });
    expect((await f.usd.balanceOf(f.lender.address)) - lenderBefore).to.equal(1_050n * ONE);
    expect(borrowerBefore - (await f.usd.balanceOf(f.borrower.address))).to.equal(50n * ONE);
    expect(await f.lending.ownerOf(loanId)).to.equal(f.other.address);
    const { loan, terms: read } = await f.readClient.loanDetails({ loanId });
    expect(read).to.deep.equal(newTerms);
    expect(loan.outstanding).to.equal(1_010n * ONE);
  });

  it("LN-SDK-2, LN-F1, LN-F3: refinanceWithRequest by a new lender with an ETH principal as value pays off the old lender and the borrower the rest", async function () {
    const f = await loadFixture(lendingSdkFixture);
    await f.lenderClient.deposit({ amount: ONE });
    const { loanId, terms } = await sdkLoan(f, { principalToken: ETH, principal: ONE, interest: ONE / 20n });
    const newTerms = { ...terms, principal: 2n * ONE, interest: ONE / 10n };
    const wrong = await f.borrowerClient.signRequest({ terms: newTerms, refinances: loanId + 2n });
    expect((await failure(f.otherClient.buildRefinanceWithRequest({ loanId, terms, request: wrong }))).code).to.equal(
      "LENDING_REFINANCE_MISMATCH",
    );
    const request = await f.borrowerClient.signRequest({ terms: newTerms, refinances: loanId });
    const built = await f.otherClient.buildRefinanceWithRequest({ loanId, terms, request });
    expect(built.value).to.equal(2n * ONE);
    const lenderBefore = await ethers.provider.getBalance(f.lender.address);
    const borrowerBefore = await ethers.provider.getBalance(f.borrower.address);
    await f.other.sendTransaction(built);
    expect((await ethers.provider.getBalance(f.lender.address)) - lenderBefore).to.equal(ONE + ONE / 20n);
    expect((await ethers.provider.getBalance(f.borrower.address)) - borrowerBefore).to.equal(
      2n * ONE - ONE - ONE / 20n,
    );
    expect((await f.readClient.termsOf({ loanId })).principal).to.equal(2n * ONE);
  });

  it("LN-SDK-2, LN-D2, LN-D4: startSale lists the collateral at prices from the debt; a buy at the floor is settled, the lender paid the proceeds", async function () {
    const f = await loadFixture(lendingSdkFixture);
    await f.lenderClient.deposit({ amount: ONE });
    const { loanId, terms } = await sdkLoan(f, { principalToken: ETH, principal: ONE, interest: ONE / 10n, ...SALE });
    const start = (await f.lending.loanOf(loanId)).start;
    await time.increaseTo(start + terms.duration + terms.gracePeriod);
    const claimable = await failure(f.lenderClient.claim({ loanId, terms }));
    expect([claimable.code, claimable.details.saleTerms]).to.deep.equal(["LENDING_SALE_TERMS", true]);
    const { auctionId, events } = await f.otherClient.startSale({ loanId, terms });
    const debt = ONE + ONE / 10n;
    expect(events.find((e) => e.type === "SaleStarted")).to.deep.include({ loanId, auctionId, debt });
    expect(await f.readClient.sale({ loanId })).to.deep.equal({ auctionId, debt, interest: ONE / 10n });
    const dutch = await f.auctions.dutchOf(auctionId);
    expect([dutch.startPrice, dutch.floorPrice]).to.deep.equal([
      loanSalePrice(debt, 15_000n),
      loanSalePrice(debt, 8_000n),
    ]);
    const notOver = await failure(f.otherClient.settleSale({ loanId, terms }));
    expect(notOver.code).to.equal("LENDING_SALE_NOT_OVER");
    await time.increaseTo(dutch.start + dutch.duration);
    await f.auctions.connect(f.stranger).buy(auctionId, { value: dutch.floorPrice });
    const before = await ethers.provider.getBalance(f.lender.address);
    const settled = await f.otherClient.settleSale({ loanId, terms });
    expect(settled.events.find((e) => e.type === "SaleSettled")).to.deep.include({
      proceeds: dutch.floorPrice,
      toLender: dutch.floorPrice,
      toBorrower: 0n,
    });
    expect((await ethers.provider.getBalance(f.lender.address)) - before).to.equal(dutch.floorPrice);
    expect((await f.readClient.loan({ loanId })).status).to.equal(LoanStatus.Sold);
  });

  it("LN-SDK-2, LN-D5: an unsold sale settles to the lender, who gets the collateral back", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f, SALE);
    const start = (await f.lending.loanOf(loanId)).start;
    await time.increaseTo(start + terms.duration + terms.gracePeriod);
    const { auctionId } = await f.borrowerClient.startSale({ loanId, terms });
    const dutch = await f.auctions.dutchOf(auctionId);
    await time.increaseTo(dutch.end);
    const { events } = await f.otherClient.settleSale({ loanId, terms });
    expect(events.find((e) => e.type === "CollateralClaimed")).to.deep.include({
      lender: f.lender.address,
      to: f.lender.address,
    });
    expect(await f.wbtc.balanceOf(f.lender.address)).to.equal(1_000n * ONE + terms.collateralAmount);
    expect((await f.readClient.loan({ loanId })).status).to.equal(LoanStatus.Claimed);
  });
});
