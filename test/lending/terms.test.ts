// docs/lending.md §2: the bounds of the terms (LN-O7, LN-O8), offers open to any id of a collection (LN-O2) and the
// refinancing field at acceptance (LN-O3). Every refused case carries a valid signature, so only the rule refuses it.
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CollateralKind,
  DAY,
  ETH,
  InterestKind,
  MAX_DURATION,
  MAX_FEE_BPS,
  MAX_GRACE,
  MAX_RATE_BPS,
  MAX_SALE_DURATION,
  ONE,
  SALE,
  TermsReason,
  UINT96_MAX,
  deployLending,
  termsHash,
  withId,
  type LendingFixture,
  type Offer,
  type Terms,
} from "../helpers/lending";
import { accept, expectLoanStarted, signedOffer, signedRequest } from "../helpers/lending-accept";

const NO_CODE = "0x000000000000000000000000000000000000dEaD";

/** ERC721 collateral: the borrower's NFT `id` of the fixture's collection. */
const nftTerms = (fx: LendingFixture, id = 2n): Partial<Terms> => ({
  collateralToken: fx.nft.target as string,
  collateralKind: CollateralKind.ERC721,
  collateralAmount: 0n,
  collateralId: id,
});

async function refused(fx: LendingFixture, over: Partial<Terms>, reason: TermsReason, offerOver: Partial<Offer> = {}) {
  const s = await signedOffer(fx, over, offerOver);
  await expect(accept(fx, s)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms").withArgs(reason);
}

/** The acceptance would succeed (a static call returns the loan id), so the terms pass every bound. */
async function accepted(fx: LendingFixture, over: Partial<Terms>) {
  const s = await signedOffer(fx, over);
  const call = fx.lending.connect(fx.borrower).acceptOffer.staticCall(s.offer, s.signature, s.offer.terms.collateralId);
  expect(await call).to.equal(s.loanId);
}

describe("Lending: terms (LN-O2, LN-O3, LN-O7, LN-O8)", function () {
  describe("LN-O7 amounts and times", function () {
    it("LN-O7: a principal of 0 reverts LendingInvalidTerms(1); 1 and 2^96 - 1 are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { principal: 0n }, TermsReason.Principal);
      await accepted(fx, { principal: 1n });
      await fx.usd.mint(fx.lender.address, UINT96_MAX);
      await accepted(fx, { principal: UINT96_MAX, interest: 0n });
    });

    it("LN-O7: duration 0 and MAX_DURATION + 1 revert LendingInvalidTerms(5); 1 and MAX_DURATION are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { duration: 0n }, TermsReason.Duration);
      await refused(fx, { duration: MAX_DURATION + 1n }, TermsReason.Duration);
      await accepted(fx, { duration: 1n });
      await accepted(fx, { duration: MAX_DURATION });
    });

    it("LN-O7: a grace period of MAX_GRACE + 1 reverts LendingInvalidTerms(6); 0 and MAX_GRACE are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { gracePeriod: MAX_GRACE + 1n }, TermsReason.Grace);
      await accepted(fx, { gracePeriod: MAX_GRACE });
      await accepted(fx, { gracePeriod: 0n });
    });

    it("LN-O7: a pro-rated rate of 0 or MAX_RATE_BPS + 1 reverts LendingInvalidTerms(7); 1 and MAX_RATE_BPS are accepted", async function () {
      const fx = await loadFixture(deployLending);
      const proRated = (interest: bigint) => ({ interestKind: InterestKind.ProRated, interest });
      await refused(fx, proRated(0n), TermsReason.Interest);
      await refused(fx, proRated(MAX_RATE_BPS + 1n), TermsReason.Interest);
      await accepted(fx, proRated(1n));
      await accepted(fx, proRated(MAX_RATE_BPS));
    });

    it("LN-O7: fixed principal + interest = 2^96 - 1 is accepted, 2^96 reverts LendingInvalidTerms(7), 0 interest is accepted", async function () {
      const fx = await loadFixture(deployLending);
      const principal = 1_000n * ONE;
      await accepted(fx, { principal, interest: UINT96_MAX - principal });
      await refused(fx, { principal, interest: UINT96_MAX - principal + 1n }, TermsReason.Interest);
      await refused(fx, { principal: UINT96_MAX, interest: UINT96_MAX }, TermsReason.Interest);
      await accepted(fx, { principal, interest: 0n });
      // The loan written at the bound owes exactly 2^96 - 1.
      const s = await signedOffer(fx, { principal, interest: UINT96_MAX - principal });
      await accept(fx, s);
      expect((await fx.lending.loanOf(s.loanId)).outstanding).to.equal(UINT96_MAX);
    });

    it("LN-O7: a fee of MAX_FEE_BPS is accepted with a recipient, MAX_FEE_BPS + 1 reverts LendingInvalidTerms(8)", async function () {
      const fx = await loadFixture(deployLending);
      const feeRecipient = fx.feeTaker.address;
      await accepted(fx, { feeBps: MAX_FEE_BPS, feeRecipient });
      await accepted(fx, { feeBps: 1n, feeRecipient });
      await refused(fx, { feeBps: MAX_FEE_BPS + 1n, feeRecipient }, TermsReason.Fee);
    });

    it("LN-O7: a fee needs a recipient and a recipient needs a fee; the recipient is never Lending (reason 8)", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { feeBps: 100n, feeRecipient: ZeroAddress }, TermsReason.Fee);
      await refused(fx, { feeBps: 0n, feeRecipient: fx.feeTaker.address }, TermsReason.Fee);
      await refused(fx, { feeBps: 100n, feeRecipient: await fx.lending.getAddress() }, TermsReason.Fee);
      await accepted(fx, { feeBps: 100n, feeRecipient: await fx.auctions.getAddress() });
    });
  });

  describe("LN-O7 collateral", function () {
    it("LN-O7: ERC20 collateral with amount 0 or a non-zero id, and ERC721 collateral with an amount, revert LendingInvalidTerms(4)", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { collateralAmount: 0n }, TermsReason.Collateral);
      await refused(fx, { collateralId: 1n }, TermsReason.Collateral);
      await refused(fx, { ...nftTerms(fx), collateralAmount: 1n }, TermsReason.Collateral);
      await accepted(fx, { collateralAmount: 1n });
      await accepted(fx, nftTerms(fx));
    });

    it("LN-O7: an offer open to any id with ERC20 collateral or a non-zero signed id reverts LendingInvalidTerms(10)", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, {}, TermsReason.CollateralId, { anyCollateralId: true });
      await refused(fx, nftTerms(fx, 2n), TermsReason.CollateralId, { anyCollateralId: true });
    });

    it("LN-O2, LN-O7: an offer for a signed id reverts LendingInvalidTerms(10) when the borrower names another id", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, nftTerms(fx, 2n));
      await expect(accept(fx, s, fx.borrower, 3n))
        .to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms")
        .withArgs(TermsReason.CollateralId);
      const erc20 = await signedOffer(fx, {}, { nonce: 2n });
      await expect(accept(fx, erc20, fx.borrower, 1n))
        .to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms")
        .withArgs(TermsReason.CollateralId);
      await accept(fx, s, fx.borrower, 2n);
      expect(await fx.nft.ownerOf(2n)).to.equal(await fx.lending.getAddress());
      expect((await fx.lending.loanOf(s.loanId)).termsHash).to.equal(termsHash(s.offer.terms));
    });

    it("LN-O2: an offer open to any id takes the borrower's id: the loan stores the hash of the terms with that id", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, nftTerms(fx, 0n), { anyCollateralId: true });
      const tx = await accept(fx, s, fx.borrower, 3n);
      await expectLoanStarted(fx, tx, {
        loanId: s.loanId,
        lender: fx.lender.address,
        borrower: fx.borrower.address,
        digest: s.digest,
        terms: s.offer.terms,
        collateralId: 3n,
      });
      expect(await fx.nft.ownerOf(3n)).to.equal(await fx.lending.getAddress());
      const stored = withId(s.offer.terms, 3n);
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.termsHash).to.equal(termsHash(stored));
      expect(loan.termsHash).to.not.equal(termsHash(s.offer.terms));
      // Later calls pass the terms with the borrower's id; the signed ones (id 0) no longer match.
      const [, , total] = await fx.lending.owedAt(stored, s.loanId, await time.latest());
      expect(total).to.equal(s.offer.terms.principal + s.offer.terms.interest);
      await expect(fx.lending.owedAt(s.offer.terms, s.loanId, 0n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingTermsMismatch",
      );
    });
  });

  describe("LN-O7, LN-O8 tokens", function () {
    it("LN-O8: the same token as principal and collateral reverts LendingInvalidTerms(3), also ETH with collateral 0", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { collateralToken: fx.usd.target as string }, TermsReason.CollateralToken);
      await refused(fx, { principalToken: ETH, collateralToken: ZeroAddress }, TermsReason.CollateralToken);
    });

    it("LN-O7, LN-O8: a principal token without code, or equal to Lending or Auctions, reverts LendingInvalidTerms(2)", async function () {
      const fx = await loadFixture(deployLending);
      for (const token of [NO_CODE, await fx.lending.getAddress(), await fx.auctions.getAddress()]) {
        await refused(fx, { principalToken: token }, TermsReason.PrincipalToken);
      }
      await fx.lending.connect(fx.lender).deposit({ value: 1_000n * ONE });
      await accepted(fx, { principalToken: ETH });
    });

    it("LN-O7, LN-O8: a collateral token without code, or equal to Lending or Auctions, reverts LendingInvalidTerms(3)", async function () {
      const fx = await loadFixture(deployLending);
      for (const token of [NO_CODE, ZeroAddress, await fx.lending.getAddress(), await fx.auctions.getAddress()]) {
        await refused(fx, { collateralToken: token }, TermsReason.CollateralToken);
      }
    });

    it("LN-O7: a request's terms are checked as an offer's (reasons 1, 3, 8)", async function () {
      const fx = await loadFixture(deployLending);
      const cases: [Partial<Terms>, TermsReason][] = [
        [{ principal: 0n }, TermsReason.Principal],
        [{ collateralToken: fx.usd.target as string }, TermsReason.CollateralToken],
        [{ feeBps: MAX_FEE_BPS + 1n, feeRecipient: fx.feeTaker.address }, TermsReason.Fee],
      ];
      for (const [over, reason] of cases) {
        const r = await signedRequest(fx, over);
        await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature))
          .to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms")
          .withArgs(reason);
      }
    });
  });

  describe("LN-O7 sale", function () {
    it("LN-O7: no-sale terms with any sale field set revert LendingInvalidTerms(9)", async function () {
      const fx = await loadFixture(deployLending);
      for (const over of [{ saleFloorBps: 1n }, { saleDuration: 1n }, { saleFloorDuration: 1n }]) {
        await refused(fx, over, TermsReason.Sale);
      }
    });

    it("LN-O7: a sale floor of 0 or above the start reverts LendingInvalidTerms(9); floor 1 and floor == start are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { ...SALE, saleFloorBps: 0n }, TermsReason.Sale);
      await refused(fx, { ...SALE, saleStartBps: 8_000n, saleFloorBps: 8_001n }, TermsReason.Sale);
      await accepted(fx, { ...SALE, saleStartBps: 8_000n, saleFloorBps: 8_000n });
      await accepted(fx, { ...SALE, saleStartBps: 1n, saleFloorBps: 1n });
      await accepted(fx, SALE);
    });

    it("LN-O7: a sale duration of 0 or MAX_SALE_DURATION + 1 reverts LendingInvalidTerms(9); 1 and the maximum are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { ...SALE, saleDuration: 0n }, TermsReason.Sale);
      await refused(fx, { ...SALE, saleDuration: MAX_SALE_DURATION + 1n }, TermsReason.Sale);
      await accepted(fx, { ...SALE, saleDuration: 1n });
      await accepted(fx, { ...SALE, saleDuration: MAX_SALE_DURATION });
    });

    it("LN-O7: a floor duration of MAX_SALE_DURATION + 1 reverts LendingInvalidTerms(9); 0 and the maximum are accepted", async function () {
      const fx = await loadFixture(deployLending);
      await refused(fx, { ...SALE, saleFloorDuration: MAX_SALE_DURATION + 1n }, TermsReason.Sale);
      await accepted(fx, { ...SALE, saleFloorDuration: 0n });
      await accepted(fx, { ...SALE, saleFloorDuration: MAX_SALE_DURATION });
    });

    it("LN-O7: sale terms on a Lending deployed without Auctions revert LendingSaleUnavailable; other terms work there", async function () {
      const base = await loadFixture(deployLending);
      const lending = await (await ethers.getContractFactory("Lending")).deploy(ZeroAddress);
      expect(await lending.auctions()).to.equal(ZeroAddress);
      await base.usd.connect(base.lender).approve(await lending.getAddress(), ethers.MaxUint256);
      await base.wbtc.connect(base.borrower).approve(await lending.getAddress(), ethers.MaxUint256);
      const fx = { ...base, lending };
      const sale = await signedOffer(fx, SALE);
      await expect(accept(fx, sale)).to.be.revertedWithCustomError(lending, "LendingSaleUnavailable");
      const r = await signedRequest(fx, { ...SALE, saleDuration: 2n * DAY });
      await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature)).to.be.revertedWithCustomError(
        lending,
        "LendingSaleUnavailable",
      );
      // A stray sale field is still reason 9 there, and no-sale terms are accepted.
      await refused(fx, { saleFloorBps: 1n }, TermsReason.Sale);
      const plain = await signedOffer(fx, {}, { nonce: 2n });
      await accept(fx, plain);
      expect((await lending.loanOf(plain.loanId)).lender).to.equal(fx.lender.address);
    });

    it("LN-O7: the constructor reverts LendingSaleUnavailable for an Auctions address without code", async function () {
      const fx = await loadFixture(deployLending);
      const factory = await ethers.getContractFactory("Lending");
      for (const venue of [NO_CODE, fx.lender.address]) {
        await expect(factory.deploy(venue)).to.be.revertedWithCustomError(factory, "LendingSaleUnavailable");
      }
      const withVenue = await factory.deploy(await fx.auctions.getAddress());
      expect(await withVenue.auctions()).to.equal(await fx.auctions.getAddress());
    });
  });

  describe("LN-O3 refinances at acceptance", function () {
    it("LN-O3: acceptOffer and acceptRequest with refinances != 0 revert LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(deployLending);
      const loan = await signedOffer(fx, {}, { nonce: 1n });
      await accept(fx, loan);
      for (const refinances of [1n, loan.loanId]) {
        const s = await signedOffer(fx, {}, { refinances, nonce: 2n });
        await expect(accept(fx, s)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
        const r = await signedRequest(fx, {}, { refinances, nonce: 2n });
        await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingRefinanceMismatch",
        );
      }
      expect(await fx.lending.nonceUsed(fx.lender.address, 2n)).to.equal(false);
      expect(await fx.lending.nonceUsed(fx.borrower.address, 2n)).to.equal(false);
    });
  });
});
