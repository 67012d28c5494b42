// Interest and the platform fee (docs/lending.md LN-I1 … LN-I4): fixed interest owed whole and paid first, pro-rated
// interest accruing per second from the checkpoint and rounded up (also after the due time and in default), the
// owedAt view against the helper's model, and the fee, rounded down, taken from what the lender receives.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import {
  BPS,
  DAY,
  ETH,
  InterestKind,
  MAX_DURATION,
  ONE,
  Status,
  YEAR,
  deployLending,
  owedAt,
  type Terms,
} from "../helpers/lending";
import type { Lending } from "../../typechain-types";
import { ActorMode, ETH_LOAN, PRO_RATED, deployRepay, feeTo, loanFixture } from "../helpers/lending-repay";

const P = 1_000n * ONE;
const fixedFeeLoan = loanFixture(deployLending, (fx) => feeTo(fx, 1_000n));
const proRatedLoan = loanFixture(deployLending, () => PRO_RATED);
const proRatedFeeLoan = loanFixture(deployLending, (fx) => ({ ...PRO_RATED, ...feeTo(fx, 2_500n) }));
const oddFeeLoan = loanFixture(deployLending, (fx) => ({ interest: 12_345n, ...feeTo(fx, 2_500n) }));
const freeLoan = loanFixture(deployLending, (fx) => ({ interest: 0n, ...feeTo(fx, 1_000n) }));
const oddProRatedLoan = loanFixture(deployLending, () => ({ ...PRO_RATED, principal: 123_456_789n, interest: 777n }));
const ethFeeLoan = loanFixture(deployLending, (fx) => ({ ...ETH_LOAN, ...feeTo(fx, 1_000n) }));
const ethRejectingFeeLoan = loanFixture(deployRepay, (fx) => ({
  ...ETH_LOAN,
  feeBps: 1_000n,
  feeRecipient: fx.actor.target as string,
}));

/** 10% a year on 1,000 tokens for one second: 1e24 / 315,360,000,000 = 3,170,979,198,376.458… */
const ONE_SECOND_FLOOR = 3_170_979_198_376n;

/** The contract's owedAt as [principalPart, interestPart, total]. */
async function owedOf(f: { lending: Lending; terms: Terms; loanId: bigint }, at: bigint): Promise<bigint[]> {
  const o = await f.lending.owedAt(f.terms, f.loanId, at);
  return [o.principalPart, o.interestPart, o.total];
}

describe("Lending: interest and fee", function () {
  describe("LN-I1 fixed interest", function () {
    it("LN-I1: outstanding starts at principal + interest and owedAt is the same at every time, default included", async function () {
      const f = await loadFixture(fixedFeeLoan);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.outstanding).to.equal(1_050n * ONE);
      expect(loan.checkpoint).to.equal(f.start);
      expect(loan.status).to.equal(Status.Active);
      for (const at of [0n, f.start, f.due, f.defaultsAt, f.defaultsAt + 400n * DAY]) {
        expect(await owedOf(f, at), `at ${at}`).to.deep.equal([P, 50n * ONE, 1_050n * ONE]);
      }
    });

    it("LN-I1, LN-I4: partial payments pay the interest first; the fee is on the interest part only", async function () {
      const f = await loadFixture(fixedFeeLoan);
      const who = [f.borrower, f.lender, f.feeTaker, f.lending];
      const first = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 30n * ONE);
      await expect(first)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 30n * ONE, 30n * ONE, 3n * ONE, 1_020n * ONE);
      await expect(first).to.changeTokenBalances(f.usd, who, [-30n * ONE, 27n * ONE, 3n * ONE, 0n]);
      expect(await owedOf(f, f.due)).to.deep.equal([P, 20n * ONE, 1_020n * ONE]);

      // 20 of interest left, then 80 of principal: the fee is 10% of the 20 only.
      const second = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(second)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 20n * ONE, 2n * ONE, 920n * ONE);
      await expect(second).to.changeTokenBalances(f.usd, who, [-100n * ONE, 98n * ONE, 2n * ONE, 0n]);
      expect(await owedOf(f, f.due)).to.deep.equal([920n * ONE, 0n, 920n * ONE]);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(920n * ONE);

      const last = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 920n * ONE);
      await expect(last)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 920n * ONE, 0n, 0n, 0n)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expect(last).to.changeTokenBalances(f.usd, who, [-920n * ONE, 920n * ONE, 0n, 0n]);
    });

    it("LN-I1: a full repayment in default pays principal + interest, no more (fixed interest does not accrue)", async function () {
      const f = await loadFixture(fixedFeeLoan);
      await time.setNextBlockTimestamp(f.defaultsAt + 10n * DAY);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 5_000n * ONE);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 1_050n * ONE, 50n * ONE, 5n * ONE, 0n);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.lender, f.feeTaker],
        [-1_050n * ONE, 1_045n * ONE, 5n * ONE],
      );
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
    });

    it("LN-I1, LN-I4: an interest-free loan owes its principal; no fee is paid on it", async function () {
      const f = await loadFixture(freeLoan);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(P);
      expect(await owedOf(f, f.due)).to.deep.equal([P, 0n, P]);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, P);
      await expect(tx).to.emit(f.lending, "Repaid").withArgs(f.loanId, f.borrower.address, P, 0n, 0n, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender, f.feeTaker], [-P, P, 0n]);
    });
  });

  describe("LN-I2 pro-rated interest", function () {
    it("LN-I2: one second of 10% on 1,000 tokens is rounded up by exactly 1 unit; one unit less is refused", async function () {
      const f = await loadFixture(proRatedLoan);
      const numerator = P * 1_000n * 1n;
      expect(numerator % (BPS * YEAR)).to.not.equal(0n);
      expect(numerator / (BPS * YEAR)).to.equal(ONE_SECOND_FLOOR);
      const accrued = ONE_SECOND_FLOOR + 1n;
      expect(await owedOf(f, f.start + 1n)).to.deep.equal([P, accrued, P + accrued]);
      expect(owedAt(f.terms, P, f.start, f.start + 1n).interestPart).to.equal(accrued);

      await time.setNextBlockTimestamp(f.start + 1n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, ONE_SECOND_FLOOR))
        .to.be.revertedWithCustomError(f.lending, "LendingPaymentBelowInterest")
        .withArgs(ONE_SECOND_FLOOR, accrued);
      // Two seconds: 6,341,958,396,752.91…, rounded up; paying exactly that is accepted and moves the checkpoint.
      const two = 6_341_958_396_753n;
      expect(owedAt(f.terms, P, f.start, f.start + 2n).interestPart).to.equal(two);
      await time.setNextBlockTimestamp(f.start + 2n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, two))
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, two, two, 0n, P);
      expect((await f.lending.loanOf(f.loanId)).checkpoint).to.equal(f.start + 2n);
    });

    it("LN-I2: an exact value is not rounded: a year of 10% on 1,000 is 100, half a year 50", async function () {
      const f = await loadFixture(proRatedLoan);
      expect(await owedOf(f, f.start + YEAR)).to.deep.equal([P, 100n * ONE, 1_100n * ONE]);
      expect(await owedOf(f, f.start + YEAR / 2n)).to.deep.equal([P, 50n * ONE, 1_050n * ONE]);
      expect(await owedOf(f, f.start)).to.deep.equal([P, 0n, P]);
    });

    it("LN-I2: after a partial payment interest accrues on the new outstanding from the new checkpoint", async function () {
      const f = await loadFixture(proRatedLoan);
      const t1 = f.start + 10n * DAY;
      const i1 = owedAt(f.terms, P, f.start, t1).interestPart;
      expect(i1).to.equal(2_739_726_027_397_260_274n); // 2.739726027397260273… rounded up
      await time.setNextBlockTimestamp(t1);
      await f.lending.connect(f.borrower).repay(f.terms, f.loanId, i1 + 200n * ONE);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.checkpoint).to.equal(t1);
      expect(loan.outstanding).to.equal(800n * ONE);

      const t2 = t1 + 20n * DAY + 7n;
      const model = owedAt(f.terms, 800n * ONE, t1, t2);
      expect(await owedOf(f, t2)).to.deep.equal([model.principalPart, model.interestPart, model.total]);
      expect(model.interestPart).to.not.equal(owedAt(f.terms, 800n * ONE, f.start, t2).interestPart);
      await time.setNextBlockTimestamp(t2);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, P);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, model.total, model.interestPart, 0n, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender], [-model.total, model.total]);
    });

    it("LN-I2: interest keeps accruing after the due time and in default; a repayment then pays it to the second", async function () {
      const f = await loadFixture(proRatedLoan);
      let previous = 0n;
      for (const at of [f.due - 1n, f.due, f.defaultsAt, f.defaultsAt + 30n * DAY]) {
        const [, interest] = await owedOf(f, at);
        expect(interest, `at ${at}`).to.equal(owedAt(f.terms, P, f.start, at).interestPart);
        expect(interest > previous, `grows at ${at}`).to.equal(true);
        previous = interest;
      }
      const t = f.defaultsAt + 30n * DAY;
      const model = owedAt(f.terms, P, f.start, t);
      await time.setNextBlockTimestamp(t);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 2n * P);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, model.total, model.interestPart, 0n, 0n);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender], [-model.total, model.total]);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
    });

    it("LN-I2, LN-I3: owedAt equals the helper's model at many times for an odd principal and rate", async function () {
      const f = await loadFixture(oddProRatedLoan);
      const times = [0n, f.start, f.start + 1n, f.start + 3_599n, f.start + DAY + 17n, f.due, f.defaultsAt + 1n];
      for (const at of [...times, f.start + MAX_DURATION, f.start + 7n * YEAR + 3n]) {
        const m = owedAt(f.terms, 123_456_789n, f.start, at);
        expect(await owedOf(f, at), `at ${at}`).to.deep.equal([m.principalPart, m.interestPart, m.total]);
      }
      // 123,456,789 × 777 × 3,599 / 315,360,000,000 = 1,094.74…: rounded up to 1,095.
      expect((await owedOf(f, f.start + 3_599n))[1]).to.equal(1_095n);
    });
  });

  describe("LN-I3 owedAt", function () {
    it("LN-I3: a time before the checkpoint owes no interest", async function () {
      const f = await loadFixture(proRatedLoan);
      const t1 = f.start + 40n * DAY;
      const i1 = owedAt(f.terms, P, f.start, t1).interestPart;
      await time.setNextBlockTimestamp(t1);
      await f.lending.connect(f.borrower).repay(f.terms, f.loanId, i1 + 400n * ONE);
      const left = 600n * ONE;
      for (const at of [0n, f.start, t1 - 1n, t1]) {
        expect(await owedOf(f, at), `at ${at}`).to.deep.equal([left, 0n, left]);
      }
      const next = owedAt(f.terms, left, t1, t1 + 1n).interestPart;
      expect(next).to.equal(1_902_587_519_026n); // 600e18 × 1,000 / 315,360,000,000 = 1,902,587,519,025.87…
      expect(await owedOf(f, t1 + 1n)).to.deep.equal([left, next, left + next]);
    });

    it("LN-I3: terms that do not hash to the loan's, or an unknown loan, revert with LendingTermsMismatch", async function () {
      const f = await loadFixture(proRatedLoan);
      const wrong = [
        { ...f.terms, interest: f.terms.interest + 1n },
        { ...f.terms, interestKind: InterestKind.Fixed },
        { ...f.terms, collateralId: 1n },
        { ...f.terms, feeBps: 1n },
        { ...f.terms, principalToken: ETH },
      ];
      for (const terms of wrong) {
        await expect(f.lending.owedAt(terms, f.loanId, f.due)).to.be.revertedWithCustomError(
          f.lending,
          "LendingTermsMismatch",
        );
      }
      for (const id of [f.loanId + 2n, 0n]) {
        await expect(f.lending.owedAt(f.terms, id, f.due)).to.be.revertedWithCustomError(
          f.lending,
          "LendingTermsMismatch",
        );
      }
    });
  });

  describe("LN-I4 fee", function () {
    it("LN-I4: fee = floor(interestPaid × feeBps / 10,000): 25% of 12,345 units is 3,086; the lender gets the rest", async function () {
      const f = await loadFixture(oddFeeLoan);
      const payment = P + 12_345n;
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, payment);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, payment, 12_345n, 3_086n, 0n);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-payment, payment - 3_086n, 3_086n, 0n],
      );
      // ERC20: the fee goes straight from the payer to the fee recipient; nothing is credited.
      await expect(tx).to.emit(f.usd, "Transfer").withArgs(f.borrower.address, f.feeTaker.address, 3_086n);
      expect(await f.lending.creditOf(f.usd.target, f.feeTaker.address)).to.equal(0n);
    });

    it("LN-I4: on rounded-up pro-rated interest the fee is rounded down", async function () {
      const f = await loadFixture(proRatedFeeLoan);
      const accrued = ONE_SECOND_FLOOR + 1n;
      const fee = 792_744_799_594n; // 3,170,979,198,377 × 2,500 / 10,000 = 792,744,799,594.25
      await time.setNextBlockTimestamp(f.start + 1n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, accrued + ONE);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, accrued + ONE, accrued, fee, P - ONE);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-(accrued + ONE), accrued + ONE - fee, fee, 0n],
      );
    });

    it("LN-I4: ETH: the fee is pushed to the fee recipient and taken from what the lender receives", async function () {
      const f = await loadFixture(ethFeeLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 11n * ONE, { value: 11n * ONE });
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 11n * ONE, ONE, ONE / 10n, 0n);
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-11n * ONE, 11n * ONE - ONE / 10n, ONE / 10n, 0n],
      );
      expect(await f.lending.creditOf(ZeroAddress, f.feeTaker.address)).to.equal(0n);
    });

    it("LN-I4: ETH: a fee recipient that refuses ETH is credited the fee and withdraws it later", async function () {
      const f = await loadFixture(ethRejectingFeeLoan);
      await f.actor.setHook(ActorMode.Reject, ZeroAddress, 0n, "0x");
      const fee = ONE / 10n;
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(f.actor.target, ZeroAddress, fee);
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.lender, f.actor, f.lending],
        [-3n * ONE, 3n * ONE - fee, 0n, fee],
      );
      expect(await f.lending.creditOf(ZeroAddress, f.actor.target)).to.equal(fee);

      const withdraw = f.lending.interface.encodeFunctionData("withdraw", [ZeroAddress, f.stranger.address]);
      await expect(f.actor.execute(f.lending.target, 0n, withdraw)).to.changeEtherBalances(
        [f.stranger, f.lending],
        [fee, -fee],
      );
      expect(await f.lending.creditOf(ZeroAddress, f.actor.target)).to.equal(0n);
    });
  });
});
