// The tests that docs/security.md §7 cites for Lending's high and medium Slither triage: each shows, on the deployed
// contract, that what the detector warns about cannot happen there (scripts/check-slither.cjs requires every such
// row to name a test by its exact title).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  ONE,
  SALE,
  Status,
  offerOf,
  signOffer,
  startLoan,
  termsOf,
  withId,
  type LendingFixture,
} from "../helpers/lending";
import { deployDefault } from "../helpers/lending-default";

describe("Slither triage: Lending (docs/security.md §7)", function () {
  it("Lending._fund: tokens move only from the signer of the terms and the account accepting them", async function () {
    const fx = await loadFixture(deployDefault);
    const lending = await fx.lending.getAddress();
    // `other` has approved Lending for everything, but signed nothing: an offer naming it as lender, signed by
    // someone else, is refused before any token moves.
    const terms = termsOf(fx);
    const forged = await offerOf(fx, terms, { lender: fx.other.address });
    const signature = await signOffer(lending, fx.lender, forged);
    const before = await fx.usd.balanceOf(fx.other.address);
    await expect(fx.lending.connect(fx.borrower).acceptOffer(forged, signature, 0n)).to.be.revertedWithCustomError(
      fx.lending,
      "LendingInvalidSignature",
    );
    expect(await fx.usd.balanceOf(fx.other.address)).to.equal(before);
    // The collateral comes from the caller of acceptOffer, whoever the offer was meant for.
    const { loanId } = await startLoan(fx);
    expect(await fx.lending.ownerOf(loanId + 1n)).to.equal(fx.borrower.address);
    expect(await fx.wbtc.balanceOf(lending)).to.equal(terms.collateralAmount);
  });

  it("LendingLoans._pay: a payment moves tokens only from the caller, or from a new lender that signed", async function () {
    const fx = await loadFixture(deployDefault);
    const lending = await fx.lending.getAddress();
    const { loanId, terms } = await startLoan(fx);
    // A refinancing offer naming `other` as the new lender but signed by `stranger` moves nothing from `other`.
    const forged = await offerOf(fx, termsOf(fx, { principal: 2_000n * ONE }), { lender: fx.other.address, nonce: 9n });
    const signature = await signOffer(lending, fx.stranger, forged);
    const before = await fx.usd.balanceOf(fx.other.address);
    await expect(
      fx.lending.connect(fx.borrower).refinanceWithOffer(terms, loanId, forged, signature, 0n),
    ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
    expect(await fx.usd.balanceOf(fx.other.address)).to.equal(before);
    // A repayment pulls from its caller: a third party repaying pays with its own tokens.
    const payer = await fx.usd.balanceOf(fx.stranger.address);
    await fx.lending.connect(fx.stranger).repay(terms, loanId, 10n * ONE);
    expect(await fx.usd.balanceOf(fx.stranger.address)).to.equal(payer - 10n * ONE);
  });

  it("LendingLoans._deliver and _tryDeliver: collateral leaves only from Lending, to the position's holder or the claimant's recipient", async function () {
    const fx = await loadFixture(deployDefault);
    const lending = await fx.lending.getAddress();
    const nft = await fx.nft.getAddress();
    const a = await startLoan(fx, { collateralToken: nft, collateralKind: 1, collateralAmount: 0n, collateralId: 1n });
    expect(await fx.nft.ownerOf(1n)).to.equal(lending);
    await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.other.address, a.loanId + 1n);
    await fx.lending.connect(fx.borrower).repay(a.terms, a.loanId, 10_000n * ONE);
    expect(await fx.nft.ownerOf(1n)).to.equal(fx.other.address);
    const b = await startLoan(
      fx,
      { collateralToken: nft, collateralKind: 1, collateralAmount: 0n, collateralId: 2n },
      { nonce: 2n },
    );
    await time.increase(40n * DAY);
    await fx.lending.connect(fx.lender).claim(b.terms, b.loanId, fx.feeTaker.address);
    expect(await fx.nft.ownerOf(2n)).to.equal(fx.feeTaker.address);
  });

  it("Lending._checkValue: ETH requests and repayments take the principal by value, token ones refuse any value", async function () {
    const fx = await loadFixture(deployDefault);
    const { loanId, terms } = await startLoan(fx, { principalToken: ETH, principal: ONE, interest: ONE / 10n });
    await expect(
      fx.lending.connect(fx.borrower).repay(terms, loanId, ONE, { value: ONE - 1n }),
    ).to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch");
    await fx.lending.connect(fx.borrower).repay(terms, loanId, ONE, { value: ONE });
    expect((await fx.lending.loanOf(loanId)).outstanding).to.equal(ONE / 10n);
    const token = await startLoan(fx, {}, { nonce: 2n });
    await expect(
      fx.lending.connect(fx.borrower).repay(token.terms, token.loanId, ONE, { value: 1n }),
    ).to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch");
  });

  it("Lending.repay: state written after a failed collateral delivery is the held claim, under the reentrancy guard", async function () {
    const fx = await loadFixture(deployDefault);
    const blk = await fx.blk.getAddress();
    const { loanId, terms } = await startLoan(fx, { collateralToken: blk, collateralAmount: ONE });
    await fx.blk.setBlocked(fx.borrower.address, true);
    await fx.lending.connect(fx.borrower).repay(terms, loanId, 10_000n * ONE);
    const loan = await fx.lending.loanOf(loanId);
    expect(loan.status).to.equal(Status.Repaid);
    expect(loan.borrower).to.equal(fx.borrower.address);
    expect(await fx.lending.ownerOf(loanId + 1n)).to.equal(fx.borrower.address);
    await fx.lending.connect(fx.borrower).withdrawCollateral(terms, loanId, fx.other.address);
    expect(await fx.blk.balanceOf(fx.other.address)).to.equal(ONE);
    await expect(
      fx.lending.connect(fx.borrower).withdrawCollateral(terms, loanId, fx.other.address),
    ).to.be.revertedWithCustomError(fx.lending, "LendingNothingHeld");
  });

  it("Lending.settleSale: state written after the unsold lot's return is the held claim, under the reentrancy guard", async function () {
    const fx = await loadFixture(deployDefault);
    const blk = await fx.blk.getAddress();
    const { loanId, terms } = await startLoan(fx, { ...SALE, collateralToken: blk, collateralAmount: ONE });
    await time.increase(33n * DAY);
    await fx.lending.startSale(terms, loanId);
    await time.increase(2n * DAY);
    await fx.blk.setBlocked(fx.lender.address, true);
    await fx.lending.settleSale(terms, loanId);
    const loan = await fx.lending.loanOf(loanId);
    expect(loan.status).to.equal(Status.Claimed);
    expect(loan.lender).to.equal(fx.lender.address);
    await fx.lending.connect(fx.lender).withdrawCollateral(terms, loanId, fx.other.address);
    expect(await fx.blk.balanceOf(fx.other.address)).to.equal(ONE);
  });

  it("Lending._paySale: the credit withdrawn from Auctions is Lending's own, and the sale pays out exactly its proceeds", async function () {
    const fx: LendingFixture = await loadFixture(deployDefault);
    const lending = await fx.lending.getAddress();
    const { loanId, terms } = await startLoan(fx, { ...SALE, principalToken: ETH, principal: ONE, interest: 0n });
    await time.increase(33n * DAY);
    await fx.lending.startSale(terms, loanId);
    const { auctionId } = await fx.lending.saleOf(loanId);
    const price = await fx.auctions.priceOf(auctionId);
    const held = await ethers.provider.getBalance(lending);
    await fx.auctions.connect(fx.other).buy(auctionId, { value: price });
    // What Auctions paid arrived; the settle pays out exactly that, leaving Lending as it was before the sale.
    await fx.lending.settleSale(terms, loanId);
    expect(await ethers.provider.getBalance(lending)).to.equal(held);
    expect(await fx.auctions.creditOf(ETH, lending)).to.equal(0n);
    void withId;
  });
});
