// Refinance with the borrower's request (docs/lending.md §7): signed by the borrower token's holder for this loan,
// accepted by the new lender it allows (LN-F1), the same collateral and principal token (LN-F2), no shortfall
// (LN-F3), ETH from msg.value (LN-F5), the loan rewritten (LN-F4) and the event (LN-F6).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ONE, SALE, Status, TermsReason, deployLending, requestDigest, startLoan, termsHash } from "../helpers/lending";
import {
  FEE,
  OWED,
  newRequest,
  newTermsOf,
  refiEthFixture,
  refiFixture,
  refiNftFixture,
  refiRequest,
  termsTuple,
  timeOf,
  type RefiFixture,
} from "../helpers/lending-refinance";

describe("Lending: refinance with a request", function () {
  it("LN-F3, LN-F4, LN-F6: the new lender pays the old one owed - fee, the fee recipient the fee, the borrower the rest", async function () {
    const fx = await loadFixture(refiFixture);
    const terms = newTermsOf(fx, { principal: 1_200n * ONE });
    const r = await newRequest(fx, terms);
    const tx = refiRequest(fx, r);
    await expect(tx).to.changeTokenBalances(
      fx.usd,
      [fx.lender, fx.feeTaker, fx.borrower, fx.other, fx.lending],
      [OWED - FEE, FEE, 150n * ONE, -1_200n * ONE, 0n],
    );
    await expect(tx)
      .to.emit(fx.lending, "Refinanced")
      .withArgs(
        fx.loanId,
        fx.lender.address,
        fx.other.address,
        OWED,
        await requestDigest(fx.lending, r.request),
        termsTuple(terms),
      );
    const at = await timeOf(tx);
    const loan = await fx.lending.loanOf(fx.loanId);
    expect([loan.lender, loan.borrower, loan.start, loan.checkpoint, loan.outstanding, loan.termsHash]).to.deep.equal([
      fx.other.address,
      fx.borrower.address,
      at,
      at,
      1_220n * ONE,
      termsHash(terms),
    ]);
    expect(await fx.lending.ownerOf(fx.loanId)).to.equal(fx.other.address);
  });

  it("LN-F3: a new principal equal to what is owed is accepted, the borrower getting nothing", async function () {
    const fx = await loadFixture(refiFixture);
    await expect(refiRequest(fx, await newRequest(fx, newTermsOf(fx, { principal: OWED })))).to.changeTokenBalances(
      fx.usd,
      [fx.lender, fx.feeTaker, fx.borrower, fx.other],
      [OWED - FEE, FEE, 0n, -OWED],
    );
  });

  it("LN-F3: a new principal below what is owed reverts with LendingShortfall(needed, 0)", async function () {
    const fx = await loadFixture(refiFixture);
    for (const shortfall of [1n, 50n * ONE]) {
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED - shortfall }));
      await expect(refiRequest(fx, r))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(shortfall, 0n);
    }
  });

  describe("consent (LN-F1)", function () {
    it("LN-F1: a request signed by someone else than the borrower token's holder reverts with LendingUnauthorized", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const byStranger = await newRequest(fx, terms, { borrower: fx.stranger.address });
      await expect(refiRequest(fx, byStranger)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      const byLender = await newRequest(fx, terms, { borrower: fx.lender.address });
      await expect(refiRequest(fx, byLender)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
    });

    it("LN-O6: a request naming the borrower but signed by another key reverts with LendingInvalidSignature", async function () {
      const fx = await loadFixture(refiFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED }), {}, fx.stranger);
      await expect(refiRequest(fx, r)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
    });

    it("LN-F1, LN-P3: after the borrower token moves, the old borrower's request is refused and the new holder's works", async function () {
      const fx = await loadFixture(refiFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.loanId + 1n);
      const terms = newTermsOf(fx, { principal: 1_200n * ONE });
      await expect(refiRequest(fx, await newRequest(fx, terms))).to.be.revertedWithCustomError(
        fx.lending,
        "LendingUnauthorized",
      );
      const r = await newRequest(fx, terms, { borrower: fx.stranger.address });
      await expect(refiRequest(fx, r)).to.changeTokenBalances(
        fx.usd,
        [fx.stranger, fx.borrower, fx.lender, fx.other],
        [150n * ONE, 0n, OWED - FEE, -1_200n * ONE],
      );
    });

    it("LN-F1, LN-O3: refinances 0 or another id reverts with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      for (const refinances of [0n, fx.loanId + 1n, fx.loanId + 2n]) {
        const r = await newRequest(fx, terms, { refinances });
        await expect(refiRequest(fx, r)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
      }
    });

    it("LN-F1: a request naming another lender reverts with LendingUnauthorized; one naming the caller is accepted", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const wrong = await newRequest(fx, terms, { lender: fx.stranger.address });
      await expect(refiRequest(fx, wrong)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await refiRequest(fx, await newRequest(fx, terms, { lender: fx.other.address }));
      expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);
    });

    it("LN-F1, LN-A1: the borrower accepting its own request reverts with LendingSelfLoan", async function () {
      const fx = await loadFixture(refiFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED }));
      await expect(refiRequest(fx, r, { by: fx.borrower })).to.be.revertedWithCustomError(
        fx.lending,
        "LendingSelfLoan",
      );
    });

    it("LN-F3: the old lender accepting the request pays itself nothing: only the fee and the borrower's rest move", async function () {
      const fx = await loadFixture(refiFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: 1_100n * ONE }));
      await expect(refiRequest(fx, r, { by: fx.lender })).to.changeTokenBalances(
        fx.usd,
        [fx.lender, fx.feeTaker, fx.borrower, fx.lending],
        [-FEE - 50n * ONE, FEE, 50n * ONE, 0n],
      );
      expect(await fx.lending.ownerOf(fx.loanId)).to.equal(fx.lender.address);
    });

    it("LN-O5: the borrower's nonce is consumed; the request again reverts with LendingNonceUsed", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const r = await newRequest(fx, terms);
      await refiRequest(fx, r);
      expect(await fx.lending.nonceUsed(fx.borrower.address, 9n)).to.equal(true);
      await expect(refiRequest(fx, r, { by: fx.stranger, oldTerms: terms }))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.borrower.address, 9n);
    });

    for (const [dt, label] of [
      [-1n, "at expiry - 1 is accepted"],
      [0n, "at expiry reverts with LendingOfferExpired(expiry)"],
      [1n, "at expiry + 1 reverts with LendingOfferExpired(expiry)"],
    ] as const) {
      it(`LN-O4: a refinancing request ${label}`, async function () {
        const fx = await loadFixture(refiFixture);
        const expiry = BigInt(await time.latest()) + 500n;
        const r = await newRequest(fx, newTermsOf(fx, { principal: OWED }), { expiry });
        await time.setNextBlockTimestamp(expiry + dt);
        if (dt < 0n) {
          await refiRequest(fx, r);
          expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);
        } else {
          await expect(refiRequest(fx, r))
            .to.be.revertedWithCustomError(fx.lending, "LendingOfferExpired")
            .withArgs(expiry);
        }
      });
    }
  });

  describe("terms (LN-F2, LN-O7)", function () {
    it("LN-F2: a changed principal token, collateral token or amount reverts with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiFixture);
      for (const change of [
        { principalToken: "0x0000000000000000000000000000000000000000" },
        { collateralToken: fx.nft.target as string },
        { collateralAmount: 2n * ONE + 1n },
      ]) {
        const r = await newRequest(fx, newTermsOf(fx, { principal: OWED, ...change }));
        await expect(refiRequest(fx, r), Object.keys(change)[0]).to.be.revertedWithCustomError(
          fx.lending,
          "LendingRefinanceMismatch",
        );
      }
    });

    it("LN-F2: on an NFT loan a request must keep the id: 0 or another id reverts with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiNftFixture);
      for (const collateralId of [0n, 2n]) {
        const r = await newRequest(fx, newTermsOf(fx, { principal: OWED, collateralId }));
        await expect(refiRequest(fx, r)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
      }
      await refiRequest(fx, await newRequest(fx, newTermsOf(fx, { principal: OWED })));
      expect(await fx.nft.ownerOf(1n)).to.equal(fx.lending.target);
    });

    it("LN-O7: invalid new terms revert with LendingInvalidTerms(reason)", async function () {
      const fx = await loadFixture(refiFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED, gracePeriod: 91n * 86_400n }));
      await expect(refiRequest(fx, r))
        .to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms")
        .withArgs(TermsReason.Grace);
    });
  });

  describe("ETH (LN-F5)", function () {
    it("LN-F5: the new lender sends the new principal as msg.value; its deposit is untouched", async function () {
      const fx = await loadFixture(refiEthFixture);
      const deposit = await fx.lending.depositOf(fx.other.address);
      const r = await newRequest(fx, newTermsOf(fx, { principal: 1_200n * ONE }));
      await expect(refiRequest(fx, r, { value: 1_200n * ONE })).to.changeEtherBalances(
        [fx.lender, fx.feeTaker, fx.borrower, fx.other, fx.lending],
        [OWED - FEE, FEE, 150n * ONE, -1_200n * ONE, 0n],
      );
      expect(await fx.lending.depositOf(fx.other.address)).to.equal(deposit);
    });

    it("LN-F5: msg.value other than the new principal reverts with LendingValueMismatch(value, principal)", async function () {
      const fx = await loadFixture(refiEthFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: 1_200n * ONE }));
      for (const value of [0n, 1_200n * ONE - 1n, 1_200n * ONE + 1n]) {
        await expect(refiRequest(fx, r, { value }))
          .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
          .withArgs(value, 1_200n * ONE);
      }
    });

    it("LN-F3: an ETH request below what is owed reverts with LendingShortfall(needed, 0)", async function () {
      const fx = await loadFixture(refiEthFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiRequest(fx, r, { value: 1_000n * ONE }))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(50n * ONE, 0n);
    });

    it("LN-A4: ETH sent with a token request reverts with LendingValueMismatch(value, 0)", async function () {
      const fx = await loadFixture(refiFixture);
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED }));
      await expect(refiRequest(fx, r, { value: 1n }))
        .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
        .withArgs(1n, 0n);
    });
  });

  describe("status", function () {
    it("LN-F1: allowed in default before a claim; refused once repaid (LendingWrongStatus)", async function () {
      const fx = await loadFixture(refiFixture);
      const loan = await fx.lending.loanOf(fx.loanId);
      const r = await newRequest(fx, newTermsOf(fx, { principal: OWED }));
      await time.setNextBlockTimestamp(loan.start + fx.terms.duration + fx.terms.gracePeriod);
      await refiRequest(fx, r);
      expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);

      const repaid = await loadFixture(refiFixture);
      await repaid.lending.connect(repaid.borrower).repay(repaid.terms, repaid.loanId, OWED);
      await expect(refiRequest(repaid, await newRequest(repaid, newTermsOf(repaid, { principal: OWED }))))
        .to.be.revertedWithCustomError(repaid.lending, "LendingWrongStatus")
        .withArgs(repaid.loanId, Status.Repaid);
    });

    it("LN-F1, LN-D2: a loan on sale reverts with LendingWrongStatus(OnSale)", async function () {
      const base = await loadFixture(deployLending);
      const { loanId, terms } = await startLoan(base, SALE);
      const fx: RefiFixture = { ...base, loanId, terms };
      await time.increase(34n * 86_400n);
      await fx.lending.startSale(terms, loanId);
      const r = await newRequest(fx, newTermsOf(fx, { principal: 5_000n * ONE }));
      await expect(refiRequest(fx, r))
        .to.be.revertedWithCustomError(fx.lending, "LendingWrongStatus")
        .withArgs(loanId, Status.OnSale);
    });
  });
});
