// Repayment (docs/lending.md LN-R1, LN-R2, LN-R6, LN-R7): what a payment is (min(amount, owed)), how it is paid in a
// token or in ETH (msg.value, the excess returned or credited), the pro-rated floor of the accrued interest, the
// events, the deadlines (due + grace − 1, at, + 1) and the calls refused: a loan claimed, on sale, repaid, unknown, or
// terms that are not the loan's. Who is paid is in repay-payees.test.ts, the collateral in repay-collateral.test.ts.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { DAY, ONE, SALE, Status, deployLending, owedAt } from "../helpers/lending";
import { ActorMode, ETH_LOAN, PRO_RATED, deployRepay, feeTo, loanFixture } from "../helpers/lending-repay";

const P = 1_000n * ONE;
const fixedLoan = loanFixture(deployLending);
const proRatedLoan = loanFixture(deployLending, () => PRO_RATED);
const saleLoan = loanFixture(deployLending, () => SALE);
const ethFeeLoan = loanFixture(deployLending, (fx) => ({ ...ETH_LOAN, ...feeTo(fx, 1_000n) }));
const ethActorLoan = loanFixture(deployRepay, () => ETH_LOAN);

describe("Lending: repay", function () {
  describe("LN-R1 the payment", function () {
    it("LN-R1: amount 0 reverts with LendingZeroAmount (token principal)", async function () {
      const f = await loadFixture(fixedLoan);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 0n)).to.be.revertedWithCustomError(
        f.lending,
        "LendingZeroAmount",
      );
    });

    it("LN-R1: amount 0 reverts with LendingZeroAmount (ETH principal, value 0)", async function () {
      const f = await loadFixture(ethFeeLoan);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 0n)).to.be.revertedWithCustomError(
        f.lending,
        "LendingZeroAmount",
      );
    });

    it("LN-R1: an ERC20 amount above what is owed pulls exactly what is owed and returns it", async function () {
      const f = await loadFixture(fixedLoan);
      const amount = 5_000n * ONE;
      expect(await f.lending.connect(f.borrower).repay.staticCall(f.terms, f.loanId, amount)).to.equal(1_050n * ONE);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, amount);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.lender, f.lending],
        [-1_050n * ONE, 1_050n * ONE, 0n],
      );
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 1_050n * ONE, 50n * ONE, 0n, 0n);
    });

    it("LN-R1: an ERC20 amount below what is owed pulls exactly the amount", async function () {
      const f = await loadFixture(fixedLoan);
      expect(await f.lending.connect(f.borrower).repay.staticCall(f.terms, f.loanId, 70n * ONE)).to.equal(70n * ONE);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 70n * ONE);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender, f.lending], [-70n * ONE, 70n * ONE, 0n]);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(980n * ONE);
    });

    it("LN-R1: ETH sent with a token principal reverts with LendingValueMismatch(value, 0)", async function () {
      const f = await loadFixture(fixedLoan);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE, { value: 1n }))
        .to.be.revertedWithCustomError(f.lending, "LendingValueMismatch")
        .withArgs(1n, 0n);
    });

    it("LN-R1: ETH: msg.value other than amount reverts with LendingValueMismatch(value, amount)", async function () {
      const f = await loadFixture(ethFeeLoan);
      const amount = 3n * ONE;
      for (const value of [0n, amount - 1n, amount + 1n]) {
        await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, amount, { value }))
          .to.be.revertedWithCustomError(f.lending, "LendingValueMismatch")
          .withArgs(value, amount);
      }
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(11n * ONE);
    });

    it("LN-R1: ETH: a partial payment of exactly msg.value keeps all of it", async function () {
      const f = await loadFixture(ethFeeLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-3n * ONE, 3n * ONE - ONE / 10n, ONE / 10n, 0n],
      );
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(8n * ONE);
    });

    it("LN-R1: ETH: the excess over what is owed is pushed back to the payer", async function () {
      const f = await loadFixture(ethFeeLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 20n * ONE, { value: 20n * ONE });
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-11n * ONE, 11n * ONE - ONE / 10n, ONE / 10n, 0n],
      );
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 11n * ONE, ONE, ONE / 10n, 0n);
      await expect(tx).to.not.emit(f.lending, "PaymentCredited");
    });

    it("LN-R1: ETH: the excess is credited to a payer that refuses ETH, which withdraws it later", async function () {
      const f = await loadFixture(ethActorLoan);
      await f.actor.setHook(ActorMode.Reject, ZeroAddress, 0n, "0x");
      const repay = f.lending.interface.encodeFunctionData("repay", [f.terms, f.loanId, 20n * ONE]);
      const tx = f.actor.execute(f.lending.target, 20n * ONE, repay);
      await expect(tx).to.changeEtherBalances([f.actor, f.lender, f.lending], [-20n * ONE, 11n * ONE, 9n * ONE]);
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.actor.target, ZeroAddress, 9n * ONE)
        .and.to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.actor.target, 11n * ONE, ONE, 0n, 0n);
      expect(await f.lending.creditOf(ZeroAddress, f.actor.target)).to.equal(9n * ONE);
      const withdraw = f.lending.interface.encodeFunctionData("withdraw", [ZeroAddress, f.other.address]);
      await expect(f.actor.execute(f.lending.target, 0n, withdraw)).to.changeEtherBalances(
        [f.other, f.lending],
        [9n * ONE, -9n * ONE],
      );
    });
  });

  describe("LN-R2 pro-rated partial payments", function () {
    it("LN-R2: a payment below the interest accrued reverts with LendingPaymentBelowInterest(payment, accrued)", async function () {
      const f = await loadFixture(proRatedLoan);
      const t = f.start + 10n * DAY;
      const accrued = owedAt(f.terms, P, f.start, t).interestPart;
      await time.setNextBlockTimestamp(t);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, accrued - 1n))
        .to.be.revertedWithCustomError(f.lending, "LendingPaymentBelowInterest")
        .withArgs(accrued - 1n, accrued);
      const accrued2 = owedAt(f.terms, P, f.start, t + 1n).interestPart;
      await time.setNextBlockTimestamp(t + 1n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1n))
        .to.be.revertedWithCustomError(f.lending, "LendingPaymentBelowInterest")
        .withArgs(1n, accrued2);
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.outstanding, loan.checkpoint]).to.deep.equal([P, f.start]);
    });

    it("LN-R2: exactly the interest accrued is accepted: the checkpoint moves, outstanding stays", async function () {
      const f = await loadFixture(proRatedLoan);
      const t = f.start + 10n * DAY;
      const accrued = owedAt(f.terms, P, f.start, t).interestPart;
      await time.setNextBlockTimestamp(t);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, accrued);
      await expect(tx).to.emit(f.lending, "Repaid").withArgs(f.loanId, f.borrower.address, accrued, accrued, 0n, P);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender], [-accrued, accrued]);
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.outstanding, loan.checkpoint, loan.start]).to.deep.equal([P, t, f.start]);
      const o = await f.lending.owedAt(f.terms, f.loanId, t);
      expect(o.interestPart).to.equal(0n);
    });

    it("LN-R2: the principal part of a payment lowers outstanding", async function () {
      const f = await loadFixture(proRatedLoan);
      const t = f.start + 10n * DAY;
      const accrued = owedAt(f.terms, P, f.start, t).interestPart;
      await time.setNextBlockTimestamp(t);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, accrued + 300n * ONE);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, accrued + 300n * ONE, accrued, 0n, 700n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.lender, f.lending],
        [-(accrued + 300n * ONE), accrued + 300n * ONE, 0n],
      );
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.outstanding, loan.checkpoint, loan.status]).to.deep.equal([700n * ONE, t, BigInt(Status.Active)]);
    });
  });

  describe("LN-R6 events", function () {
    it("LN-R6: a partial payment emits Repaid with what remains and no LoanRepaid", async function () {
      const f = await loadFixture(fixedLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 60n * ONE);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 60n * ONE, 50n * ONE, 0n, 990n * ONE);
      await expect(tx).to.not.emit(f.lending, "LoanRepaid");
    });

    it("LN-R6, LN-P3: anyone may repay: a third party's full payment emits Repaid(payer = it) and LoanRepaid", async function () {
      const f = await loadFixture(fixedLoan);
      const tx = f.lending.connect(f.stranger).repay(f.terms, f.loanId, 1_050n * ONE);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.stranger.address, 1_050n * ONE, 50n * ONE, 0n, 0n)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.stranger, f.lender, f.borrower],
        [-1_050n * ONE, 1_050n * ONE, 0n],
      );
      // The collateral goes to the borrower token's holder, not to the payer.
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.borrower, f.stranger, f.lending], [2n * ONE, 0n, -2n * ONE]);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
    });
  });

  describe("LN-R7 deadlines and status", function () {
    for (const [label, offset] of [
      ["due + grace - 1", -1n],
      ["due + grace", 0n],
      ["due + grace + 1", 1n],
    ] as const) {
      it(`LN-R7: a repayment at ${label} is accepted while Active, with interest to that second`, async function () {
        const f = await loadFixture(proRatedLoan);
        const t = f.defaultsAt + offset;
        expect(t - f.start).to.equal(33n * DAY + offset);
        const model = owedAt(f.terms, P, f.start, t);
        await time.setNextBlockTimestamp(t);
        await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 2n * P))
          .to.emit(f.lending, "Repaid")
          .withArgs(f.loanId, f.borrower.address, model.total, model.interestPart, 0n, 0n)
          .and.to.emit(f.lending, "LoanRepaid")
          .withArgs(f.loanId);
        expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
      });
    }

    it("LN-R7, LN-D8: after the lender claims, repay reverts with LendingWrongStatus(loanId, Claimed)", async function () {
      const f = await loadFixture(fixedLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Claimed);
    });

    it("LN-R7: once a sale starts, repay reverts with LendingWrongStatus(loanId, OnSale)", async function () {
      const f = await loadFixture(saleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.connect(f.stranger).startSale(f.terms, f.loanId);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.OnSale);
    });

    it("LN-D8: a repaid loan refuses another repayment with LendingWrongStatus(loanId, Repaid)", async function () {
      const f = await loadFixture(fixedLoan);
      await f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1n))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Repaid);
    });

    it("LN-R7: an unknown loan reverts with LendingWrongStatus(loanId, None)", async function () {
      const f = await loadFixture(fixedLoan);
      for (const id of [f.loanId + 2n, f.loanId + 1n, 0n]) {
        await expect(f.lending.connect(f.borrower).repay(f.terms, id, ONE))
          .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
          .withArgs(id, Status.None);
      }
    });

    it("LN-S1: terms that are not the loan's revert with LendingTermsMismatch and nothing moves", async function () {
      const f = await loadFixture(fixedLoan);
      for (const terms of [
        { ...f.terms, interest: 0n },
        { ...f.terms, principal: f.terms.principal - 1n },
        { ...f.terms, collateralAmount: 1n },
        { ...f.terms, gracePeriod: 0n },
      ]) {
        await expect(f.lending.connect(f.borrower).repay(terms, f.loanId, 1_050n * ONE)).to.be.revertedWithCustomError(
          f.lending,
          "LendingTermsMismatch",
        );
      }
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(1_050n * ONE);
    });
  });
});
