// Refinance with a new lender's offer (docs/lending.md §7): who may ask (LN-F1), what the new terms must keep (LN-F2),
// the offer's nonce and expiry (LN-O4, LN-O5), the loan rewritten in place (LN-F4), the event (LN-F6), and the
// statuses a refinance is allowed in. Money is in refinance-money.test.ts, requests in refinance-request.test.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CollateralKind,
  DAY,
  ETH,
  InterestKind,
  ONE,
  SALE,
  Status,
  TermsReason,
  deployLending,
  offerDigest,
  startLoan,
  termsHash,
  withId,
} from "../helpers/lending";
import {
  FEE,
  OWED,
  newOffer,
  newTermsOf,
  refiEthFixture,
  refiFixture,
  refiNftFixture,
  refiOffer,
  show,
  termsTuple,
  timeOf,
  type RefiFixture,
} from "../helpers/lending-refinance";

describe("Lending: refinance with an offer", function () {
  describe("consent (LN-F1)", function () {
    it("LN-F1: reverts with LendingUnauthorized when neither the borrower token's holder nor anyone else asks", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_200n * ONE }));
      for (const by of [fx.stranger, fx.lender, fx.other]) {
        await expect(refiOffer(fx, o, 0n, { by })).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      }
    });

    it("LN-F1, LN-P3: after the borrower token moves, the old borrower is refused and the new holder refinances and gets the rest", async function () {
      const fx = await loadFixture(refiFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.loanId + 1n);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_200n * ONE }));
      await expect(refiOffer(fx, o)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await expect(refiOffer(fx, o, 0n, { by: fx.stranger })).to.changeTokenBalances(
        fx.usd,
        [fx.stranger, fx.borrower, fx.lender, fx.other],
        [150n * ONE, 0n, OWED - FEE, -1_200n * ONE],
      );
      const loan = await fx.lending.loanOf(fx.loanId);
      expect(loan.borrower).to.equal(fx.stranger.address);
      expect(loan.lender).to.equal(fx.other.address);
    });

    it("LN-F1, LN-O3: an offer refinancing another loan id reverts with LendingRefinanceMismatch; 0 is accepted", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      for (const refinances of [fx.loanId + 1n, fx.loanId + 2n, 1n]) {
        const o = await newOffer(fx, terms, { refinances });
        await expect(refiOffer(fx, o)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
      }
      await refiOffer(fx, await newOffer(fx, terms, { refinances: 0n }));
      expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);
    });

    it("LN-F1: an offer naming another borrower reverts with LendingUnauthorized; one naming the caller is accepted", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const wrong = await newOffer(fx, terms, { borrower: fx.stranger.address });
      await expect(refiOffer(fx, wrong)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await refiOffer(fx, await newOffer(fx, terms, { borrower: fx.borrower.address }));
      expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);
    });

    it("LN-F1, LN-A1: an offer whose lender is the borrower reverts with LendingSelfLoan", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }), { lender: fx.borrower.address });
      await expect(refiOffer(fx, o)).to.be.revertedWithCustomError(fx.lending, "LendingSelfLoan");
    });

    it("LN-O6: an offer not signed by its lender reverts with LendingInvalidSignature", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }), {}, fx.stranger);
      await expect(refiOffer(fx, o)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
    });
  });

  describe("the new terms (LN-F2, LN-O7)", function () {
    it("LN-F2: a different principal token, collateral token, collateral kind or amount reverts with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiFixture);
      const changes = [
        { principalToken: ETH },
        { collateralToken: fx.nft.target as string },
        // A kind change alone is not valid terms: ERC721 collateral has amount 0 (LN-O7).
        { collateralKind: CollateralKind.ERC721, collateralAmount: 0n },
        { collateralAmount: 3n * ONE },
        { collateralAmount: 2n * ONE - 1n },
      ];
      for (const change of changes) {
        const o = await newOffer(fx, newTermsOf(fx, { principal: OWED, ...change }));
        await expect(refiOffer(fx, o), show(change)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingRefinanceMismatch",
        );
      }
    });

    it("LN-F2: on an ETH loan, a token principal reverts with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiEthFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED, principalToken: fx.usd.target as string }));
      await expect(refiOffer(fx, o)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
    });

    it("LN-F2: on an NFT loan, another token id, an ERC20 kind, or an open offer with an id revert with LendingRefinanceMismatch", async function () {
      const fx = await loadFixture(refiNftFixture);
      const cases = [
        { terms: { collateralId: 2n }, anyCollateralId: false },
        { terms: { collateralId: 0n }, anyCollateralId: false },
        {
          terms: { collateralKind: CollateralKind.ERC20, collateralAmount: 1n, collateralId: 0n },
          anyCollateralId: false,
        },
        { terms: { collateralId: 1n }, anyCollateralId: true },
      ];
      for (const c of cases) {
        const o = await newOffer(fx, newTermsOf(fx, { principal: OWED, ...c.terms }), {
          anyCollateralId: c.anyCollateralId,
        });
        await expect(refiOffer(fx, o), show(c)).to.be.revertedWithCustomError(fx.lending, "LendingRefinanceMismatch");
      }
    });

    it("LN-F2, LN-O2, LN-F4: an offer open to any id (collateralId 0) matches the NFT loan; the loan stores the new terms with id 1", async function () {
      const fx = await loadFixture(refiNftFixture);
      const terms = newTermsOf(fx, { principal: OWED, collateralId: 0n });
      const o = await newOffer(fx, terms, { anyCollateralId: true });
      await expect(refiOffer(fx, o))
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.lender.address,
          fx.other.address,
          OWED,
          await offerDigest(fx.lending, o.offer),
          termsTuple(terms),
        );
      const stored = withId(terms, 1n);
      expect((await fx.lending.loanOf(fx.loanId)).termsHash).to.equal(termsHash(stored));
      await expect(fx.lending.connect(fx.borrower).repay(terms, fx.loanId, 1n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingTermsMismatch",
      );
      await fx.lending.connect(fx.borrower).repay(stored, fx.loanId, OWED + 20n * ONE);
      expect(await fx.nft.ownerOf(1n)).to.equal(fx.borrower.address);
    });

    it("LN-F2: everything else may change (interest kind, rate, duration, grace, fee, sale)", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, {
        principal: 900n * ONE,
        interestKind: InterestKind.ProRated,
        interest: 1_234n,
        duration: 7n * DAY,
        gracePeriod: 0n,
        feeBps: 2_500n,
        feeRecipient: fx.stranger.address,
        ...SALE,
      });
      await refiOffer(fx, await newOffer(fx, terms), 150n * ONE);
      const loan = await fx.lending.loanOf(fx.loanId);
      expect(loan.termsHash).to.equal(termsHash(terms));
      expect(loan.outstanding).to.equal(900n * ONE);
    });

    it("LN-O7: invalid new terms revert with LendingInvalidTerms(reason)", async function () {
      const fx = await loadFixture(refiFixture);
      const cases: [Parameters<typeof newTermsOf>[1], TermsReason][] = [
        [{ principal: 0n }, TermsReason.Principal],
        [{ duration: 0n }, TermsReason.Duration],
        [{ feeBps: 100n }, TermsReason.Fee],
        [{ interestKind: InterestKind.ProRated, interest: 0n }, TermsReason.Interest],
      ];
      for (const [over, reason] of cases) {
        const o = await newOffer(fx, newTermsOf(fx, over));
        await expect(refiOffer(fx, o, OWED))
          .to.be.revertedWithCustomError(fx.lending, "LendingInvalidTerms")
          .withArgs(reason);
      }
    });
  });

  describe("nonce and expiry (LN-O4, LN-O5)", function () {
    it("LN-O5, LN-F4: the offer's nonce is consumed; using the offer again reverts with LendingNonceUsed", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const o = await newOffer(fx, terms);
      expect(await fx.lending.nonceUsed(fx.other.address, 7n)).to.equal(false);
      await refiOffer(fx, o);
      expect(await fx.lending.nonceUsed(fx.other.address, 7n)).to.equal(true);
      await expect(refiOffer(fx, o, 0n, { oldTerms: terms }))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.other.address, 7n);
    });

    it("LN-O5: a nonce the new lender cancelled reverts with LendingNonceUsed", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }));
      await fx.lending.connect(fx.other).cancelNonces([7n]);
      await expect(refiOffer(fx, o))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.other.address, 7n);
    });

    for (const [dt, label] of [
      [-1n, "at expiry - 1 is accepted"],
      [0n, "at expiry reverts with LendingOfferExpired(expiry)"],
      [1n, "at expiry + 1 reverts with LendingOfferExpired(expiry)"],
    ] as const) {
      it(`LN-O4: an offer ${label}`, async function () {
        const fx = await loadFixture(refiFixture);
        const expiry = BigInt(await time.latest()) + 1_000n;
        const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }), { expiry });
        await time.setNextBlockTimestamp(expiry + dt);
        if (dt < 0n) {
          await refiOffer(fx, o);
          expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.other.address);
        } else {
          await expect(refiOffer(fx, o))
            .to.be.revertedWithCustomError(fx.lending, "LendingOfferExpired")
            .withArgs(expiry);
        }
      });
    }
  });

  describe("the loan rewritten (LN-F4, LN-F6)", function () {
    it("LN-F4, LN-F6: keeps the id and borrower; new lender, start = checkpoint = now, outstanding and hash; emits Refinanced", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: 1_200n * ONE });
      const o = await newOffer(fx, terms);
      const tx = refiOffer(fx, o);
      await expect(tx)
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.lender.address,
          fx.other.address,
          OWED,
          await offerDigest(fx.lending, o.offer),
          termsTuple(terms),
        );
      const at = await timeOf(tx);
      const loan = await fx.lending.loanOf(fx.loanId);
      expect(loan.lender).to.equal(fx.other.address);
      expect(loan.borrower).to.equal(fx.borrower.address);
      expect(loan.start).to.equal(at);
      expect(loan.checkpoint).to.equal(at);
      expect(loan.status).to.equal(Status.Active);
      expect(loan.outstanding).to.equal(1_220n * ONE);
      expect(loan.termsHash).to.equal(termsHash(terms));
      expect(await fx.lending.ownerOf(fx.loanId)).to.equal(fx.other.address);
      expect(await fx.lending.ownerOf(fx.loanId + 1n)).to.equal(fx.borrower.address);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(0n);
      expect(await fx.lending.balanceOf(fx.other.address)).to.equal(1n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(1n);
      expect(await fx.wbtc.balanceOf(fx.lending.target)).to.equal(2n * ONE);
    });

    it("LN-F4: a pro-rated loan's outstanding is the new principal, with no interest carried", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: 1_100n * ONE, interestKind: InterestKind.ProRated, interest: 500n });
      await refiOffer(fx, await newOffer(fx, terms));
      expect((await fx.lending.loanOf(fx.loanId)).outstanding).to.equal(1_100n * ONE);
      const at = BigInt(await time.latest());
      const [p, i, total] = await fx.lending.owedAt(terms, fx.loanId, at);
      expect([p, i, total]).to.deep.equal([1_100n * ONE, 0n, 1_100n * ONE]);
    });

    it("LN-F4: the lender token goes old lender -> 0 -> new lender; the borrower token does not move", async function () {
      const fx = await loadFixture(refiFixture);
      const receipt = await (await refiOffer(fx, await newOffer(fx, newTermsOf(fx, { principal: OWED })))).wait();
      const transfers = receipt!.logs
        .filter((l) => l.address === fx.lending.target)
        .map((l) => fx.lending.interface.parseLog(l))
        .filter((e) => e?.name === "Transfer")
        .map((e) => [e!.args[0], e!.args[1], e!.args[2]]);
      expect(transfers).to.deep.equal([
        [fx.lender.address, ZeroAddress, fx.loanId],
        [ZeroAddress, fx.other.address, fx.loanId],
      ]);
    });

    it("LN-F4: an approval on the old lender token is cleared and gives no hold on the new lender's token", async function () {
      const fx = await loadFixture(refiFixture);
      await fx.lending.connect(fx.lender).approve(fx.stranger.address, fx.loanId);
      expect(await fx.lending.getApproved(fx.loanId)).to.equal(fx.stranger.address);
      await refiOffer(fx, await newOffer(fx, newTermsOf(fx, { principal: OWED })));
      expect(await fx.lending.getApproved(fx.loanId)).to.equal(ZeroAddress);
      await expect(
        fx.lending.connect(fx.stranger).transferFrom(fx.other.address, fx.stranger.address, fx.loanId),
      ).to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval");
    });

    it("LN-F4: the old terms no longer work (LendingTermsMismatch); the new ones repay in full", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      await refiOffer(fx, await newOffer(fx, terms));
      await expect(fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, 1n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingTermsMismatch",
      );
      await expect(fx.lending.owedAt(fx.terms, fx.loanId, 0n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingTermsMismatch",
      );
      const debt = OWED + 20n * ONE;
      await expect(fx.lending.connect(fx.borrower).repay(terms, fx.loanId, debt)).to.changeTokenBalances(
        fx.usd,
        [fx.borrower, fx.other, fx.lender],
        [-debt, debt, 0n],
      );
      expect((await fx.lending.loanOf(fx.loanId)).status).to.equal(Status.Repaid);
      expect(await fx.wbtc.balanceOf(fx.lending.target)).to.equal(0n);
    });

    it("LN-F4, LN-D1: the new lender claims at the new due time + grace, not before; the old lender cannot", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const start = await timeOf(refiOffer(fx, await newOffer(fx, terms)));
      const defaultsAt = start + terms.duration + terms.gracePeriod;
      await time.setNextBlockTimestamp(defaultsAt - 1n);
      await expect(fx.lending.connect(fx.other).claim(terms, fx.loanId, fx.other.address))
        .to.be.revertedWithCustomError(fx.lending, "LendingNotDefaulted")
        .withArgs(defaultsAt);
      await time.setNextBlockTimestamp(defaultsAt);
      await expect(
        fx.lending.connect(fx.lender).claim(terms, fx.loanId, fx.lender.address),
      ).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await expect(fx.lending.connect(fx.other).claim(terms, fx.loanId, fx.other.address)).to.changeTokenBalances(
        fx.wbtc,
        [fx.other, fx.lending],
        [2n * ONE, -2n * ONE],
      );
      expect((await fx.lending.loanOf(fx.loanId)).status).to.equal(Status.Claimed);
    });
  });

  describe("status", function () {
    it("LN-F1: a loan in default, before a claim, may still be refinanced; owed is the debt then", async function () {
      const fx = await loadFixture(refiFixture);
      const defaultsAt = (await fx.lending.loanOf(fx.loanId)).start + fx.terms.duration + fx.terms.gracePeriod;
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }), { expiry: defaultsAt + DAY });
      await time.setNextBlockTimestamp(defaultsAt + 1n);
      await expect(refiOffer(fx, o))
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.lender.address,
          fx.other.address,
          OWED,
          await offerDigest(fx.lending, o.offer),
          termsTuple(o.offer.terms),
        );
      expect((await fx.lending.loanOf(fx.loanId)).start).to.equal(defaultsAt + 1n);
      await expect(
        fx.lending.connect(fx.lender).claim(fx.terms, fx.loanId, fx.lender.address),
      ).to.be.revertedWithCustomError(fx.lending, "LendingTermsMismatch");
    });

    it("LN-F1, LN-D8: a repaid or claimed loan, or an unknown id, reverts with LendingWrongStatus", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }));
      await expect(fx.lending.connect(fx.borrower).refinanceWithOffer(fx.terms, 2n, o.offer, o.signature, 0n))
        .to.be.revertedWithCustomError(fx.lending, "LendingWrongStatus")
        .withArgs(2n, Status.None);
      await fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, OWED);
      await expect(refiOffer(fx, o))
        .to.be.revertedWithCustomError(fx.lending, "LendingWrongStatus")
        .withArgs(fx.loanId, Status.Repaid);

      const claimed = await loadFixture(refiFixture);
      await time.increase(34n * DAY);
      await claimed.lending.connect(claimed.lender).claim(claimed.terms, claimed.loanId, claimed.lender.address);
      const o2 = await newOffer(claimed, newTermsOf(claimed, { principal: OWED }));
      await expect(refiOffer(claimed, o2))
        .to.be.revertedWithCustomError(claimed.lending, "LendingWrongStatus")
        .withArgs(claimed.loanId, Status.Claimed);
    });

    it("LN-F1, LN-D2: a loan whose collateral is on sale reverts with LendingWrongStatus(OnSale)", async function () {
      const base = await loadFixture(deployLending);
      const { loanId, terms } = await startLoan(base, SALE);
      const fx: RefiFixture = { ...base, loanId, terms };
      await time.increase(34n * DAY);
      await fx.lending.startSale(terms, loanId);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 5_000n * ONE }));
      await expect(refiOffer(fx, o))
        .to.be.revertedWithCustomError(fx.lending, "LendingWrongStatus")
        .withArgs(loanId, Status.OnSale);
    });

    it("LN-S1: old terms that do not match the stored hash revert with LendingTermsMismatch", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }));
      const forged = { ...fx.terms, interest: 0n };
      await expect(refiOffer(fx, o, 0n, { oldTerms: forged })).to.be.revertedWithCustomError(
        fx.lending,
        "LendingTermsMismatch",
      );
      expect(await ethers.provider.getBalance(fx.lending.target)).to.equal(0n);
    });
  });
});
