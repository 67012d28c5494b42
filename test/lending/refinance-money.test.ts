// Refinance money (docs/lending.md LN-F3, LN-F5): what is owed is paid to the old lender token's holder less the fee on
// its interest, the fee to the recipient, the rest of the new principal to the borrower token's holder; a shortfall
// is paid by the caller up to maxPayment. ERC20 and ETH (the new lender's deposit, msg.value == maxPayment).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ETH, InterestKind, ONE, deployLending, offerDigest, owedAt, startLoan } from "../helpers/lending";
import {
  FEE,
  OWED,
  newOffer,
  newTermsOf,
  refiEthFixture,
  refiFixture,
  refiOffer,
  termsTuple,
  type RefiFixture,
} from "../helpers/lending-refinance";

/** A pro-rated usd loan at 10% a year with a 20% fee on the interest. */
async function proRatedFixture(): Promise<RefiFixture> {
  const fx = await deployLending();
  const { loanId, terms } = await startLoan(fx, {
    interestKind: InterestKind.ProRated,
    interest: 1_000n,
    feeBps: 2_000n,
    feeRecipient: fx.feeTaker.address,
  });
  return { ...fx, loanId, terms };
}

/** The old lender's credited-on-failure case: the lender token is held by an account refusing ETH. */
async function ethRefusingHolderFixture() {
  const fx = await refiEthFixture();
  const account = await (await ethers.getContractFactory("MockAccount")).deploy(fx.lender.address);
  await account.setRejectEth(true);
  await fx.lending.connect(fx.lender).transferFrom(fx.lender.address, account.target, fx.loanId);
  return { ...fx, account };
}

describe("Lending: refinance money", function () {
  describe("ERC20 principal (LN-F3, LN-F5)", function () {
    const cases: [string, bigint, bigint, bigint][] = [
      // [case, new principal, maxPayment, borrower's change]
      ["a new principal above what is owed pays the borrower the rest", 1_200n * ONE, 0n, 150n * ONE],
      ["a new principal equal to what is owed pays the borrower nothing", OWED, 0n, 0n],
      ["a shortfall of 50 is paid by the borrower, within maxPayment", 1_000n * ONE, 50n * ONE, -50n * ONE],
      ["a shortfall is taken exactly, not the whole maxPayment", 1_000n * ONE, 1_000n * ONE, -50n * ONE],
      ["a shortfall (2) smaller than the fee (5)", OWED - 2n * ONE, 2n * ONE, -2n * ONE],
      ["a new principal (3) smaller than the fee (5)", 3n * ONE, OWED - 3n * ONE, -(OWED - 3n * ONE)],
      ["a new principal of 1 unit", 1n, OWED, -(OWED - 1n)],
    ];
    for (const [label, principal, maxPayment, toBorrower] of cases) {
      it(`LN-F3: ${label}; the old lender gets owed - fee, the fee recipient the fee`, async function () {
        const fx = await loadFixture(refiFixture);
        const o = await newOffer(fx, newTermsOf(fx, { principal }));
        await expect(refiOffer(fx, o, maxPayment)).to.changeTokenBalances(
          fx.usd,
          [fx.lender, fx.feeTaker, fx.borrower, fx.other, fx.lending],
          [OWED - FEE, FEE, toBorrower, -principal, 0n],
        );
      });
    }

    it("LN-F3: a shortfall above maxPayment reverts with LendingShortfall(needed, maxPayment)", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiOffer(fx, o, 50n * ONE - 1n))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(50n * ONE, 50n * ONE - 1n);
      await expect(refiOffer(fx, o, 0n))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(50n * ONE, 0n);
    });

    it("LN-F3: the shortfall is paid by the caller, the borrower token's holder, not by the original borrower", async function () {
      const fx = await loadFixture(refiFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.loanId + 1n);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiOffer(fx, o, 50n * ONE, { by: fx.stranger })).to.changeTokenBalances(
        fx.usd,
        [fx.lender, fx.feeTaker, fx.stranger, fx.borrower, fx.other],
        [OWED - FEE, FEE, -50n * ONE, 0n, -1_000n * ONE],
      );
    });

    it("LN-A4: ETH sent with a token refinance reverts with LendingValueMismatch(value, 0)", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiOffer(fx, o, 50n * ONE, { value: 50n * ONE }))
        .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
        .withArgs(50n * ONE, 0n);
    });

    it("LN-F3, LN-I2, LN-I4: a pro-rated loan owes its accrued interest to the second; the fee is on that interest", async function () {
      const fx = await loadFixture(proRatedFixture);
      const loan = await fx.lending.loanOf(fx.loanId);
      const at = loan.start + 10n * DAY + 17n;
      const { interestPart, total } = owedAt(fx.terms, loan.outstanding, loan.checkpoint, at);
      expect(interestPart).to.be.greaterThan(0n);
      const fee = (interestPart * 2_000n) / 10_000n;
      const terms = newTermsOf(fx, { principal: 1_000n * ONE });
      const o = await newOffer(fx, terms);
      await time.setNextBlockTimestamp(at);
      const tx = refiOffer(fx, o, interestPart);
      await expect(tx).to.changeTokenBalances(
        fx.usd,
        [fx.lender, fx.feeTaker, fx.borrower, fx.other, fx.lending],
        [total - fee, fee, -interestPart, -1_000n * ONE, 0n],
      );
      await expect(tx)
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.lender.address,
          fx.other.address,
          total,
          await offerDigest(fx.lending, o.offer),
          termsTuple(terms),
        );
    });

    it("LN-F3: one second later the pro-rated shortfall has grown past a maxPayment that covered it before", async function () {
      const fx = await loadFixture(proRatedFixture);
      const loan = await fx.lending.loanOf(fx.loanId);
      const at = loan.start + 10n * DAY;
      const before = owedAt(fx.terms, loan.outstanding, loan.checkpoint, at).interestPart;
      const after = owedAt(fx.terms, loan.outstanding, loan.checkpoint, at + 1n).interestPart;
      expect(after).to.be.greaterThan(before);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await time.setNextBlockTimestamp(at + 1n);
      await expect(refiOffer(fx, o, before))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(after, before);
    });
  });

  describe("ETH principal (LN-F3, LN-F5)", function () {
    const cases: [string, bigint, bigint, bigint][] = [
      // [case, new principal, maxPayment (= msg.value), borrower's change]
      ["a new principal above what is owed pushes the borrower the rest", 1_200n * ONE, 0n, 150n * ONE],
      ["a new principal above what is owed returns the whole unused budget", 1_200n * ONE, 7n * ONE, 150n * ONE],
      ["a shortfall of 50 out of a budget of 100 returns the other 50", 1_000n * ONE, 100n * ONE, -50n * ONE],
      ["a shortfall (2) smaller than the fee (5)", OWED - 2n * ONE, 2n * ONE, -2n * ONE],
      ["a new principal (3) smaller than the fee (5)", 3n * ONE, OWED, -(OWED - 3n * ONE)],
    ];
    for (const [label, principal, maxPayment, toBorrower] of cases) {
      it(`LN-F3, LN-F5: ${label}; the new lender's deposit pays, the old lender gets owed - fee`, async function () {
        const fx = await loadFixture(refiEthFixture);
        const deposit = await fx.lending.depositOf(fx.other.address);
        const o = await newOffer(fx, newTermsOf(fx, { principal }));
        await expect(refiOffer(fx, o, maxPayment, { value: maxPayment })).to.changeEtherBalances(
          [fx.lender, fx.feeTaker, fx.borrower, fx.other, fx.lending],
          [OWED - FEE, FEE, toBorrower, 0n, -principal],
        );
        expect(await fx.lending.depositOf(fx.other.address)).to.equal(deposit - principal);
      });
    }

    it("LN-F3: msg.value other than maxPayment reverts with LendingValueMismatch(value, maxPayment)", async function () {
      const fx = await loadFixture(refiEthFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiOffer(fx, o, 100n * ONE, { value: 100n * ONE - 1n }))
        .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
        .withArgs(100n * ONE - 1n, 100n * ONE);
      const above = await newOffer(fx, newTermsOf(fx, { principal: 1_200n * ONE }));
      await expect(refiOffer(fx, above, 0n, { value: 1n }))
        .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
        .withArgs(1n, 0n);
    });

    it("LN-F3: a shortfall above maxPayment reverts with LendingShortfall(needed, maxPayment)", async function () {
      const fx = await loadFixture(refiEthFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_000n * ONE }));
      await expect(refiOffer(fx, o, 49n * ONE, { value: 49n * ONE }))
        .to.be.revertedWithCustomError(fx.lending, "LendingShortfall")
        .withArgs(50n * ONE, 49n * ONE);
    });

    it("LN-F5, LN-A4: a new lender whose deposit is short reverts with LendingInsufficientDeposit(deposit, principal)", async function () {
      const fx = await loadFixture(refiEthFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 2_000n * ONE + 1n }));
      await expect(refiOffer(fx, o))
        .to.be.revertedWithCustomError(fx.lending, "LendingInsufficientDeposit")
        .withArgs(2_000n * ONE, 2_000n * ONE + 1n);
    });

    it("LN-F5: an old lender token holder refusing ETH is credited what it is owed", async function () {
      const fx = await loadFixture(ethRefusingHolderFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }));
      await expect(refiOffer(fx, o))
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.account.target,
          fx.other.address,
          OWED,
          await offerDigest(fx.lending, o.offer),
          termsTuple(o.offer.terms),
        );
      expect(await fx.lending.creditOf(ETH, fx.account.target)).to.equal(OWED - FEE);
      expect(await ethers.provider.getBalance(fx.lending.target)).to.equal(
        (await fx.lending.depositOf(fx.other.address)) + OWED - FEE,
      );
    });
  });

  describe("the old lender refinancing its own loan (LN-F3)", function () {
    it("LN-F3, LN-R3: ERC20 at the owed amount: only the fee moves; the lender token is re-minted to the same lender", async function () {
      const fx = await loadFixture(refiFixture);
      const terms = newTermsOf(fx, { principal: OWED });
      const o = await newOffer(fx, terms, { lender: fx.lender.address });
      const tx = refiOffer(fx, o);
      await expect(tx).to.changeTokenBalances(
        fx.usd,
        [fx.lender, fx.feeTaker, fx.borrower, fx.lending],
        [-FEE, FEE, 0n, 0n],
      );
      await expect(tx)
        .to.emit(fx.lending, "Refinanced")
        .withArgs(
          fx.loanId,
          fx.lender.address,
          fx.lender.address,
          OWED,
          await offerDigest(fx.lending, o.offer),
          termsTuple(terms),
        );
      expect(await fx.lending.ownerOf(fx.loanId)).to.equal(fx.lender.address);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
      expect((await fx.lending.loanOf(fx.loanId)).outstanding).to.equal(OWED + 20n * ONE);
    });

    it("LN-F3: ERC20 above the owed amount: the lender pays the fee and the borrower's rest, nothing to itself", async function () {
      const fx = await loadFixture(refiFixture);
      const o = await newOffer(fx, newTermsOf(fx, { principal: 1_200n * ONE }), { lender: fx.lender.address });
      await expect(refiOffer(fx, o)).to.changeTokenBalances(
        fx.usd,
        [fx.lender, fx.feeTaker, fx.borrower, fx.lending],
        [-FEE - 150n * ONE, FEE, 150n * ONE, 0n],
      );
    });

    it("LN-F3, LN-F5: ETH at the owed amount: the deposit pays, the lender is pushed owed - fee", async function () {
      const fx = await loadFixture(refiEthFixture);
      await fx.lending.connect(fx.lender).deposit({ value: OWED });
      const o = await newOffer(fx, newTermsOf(fx, { principal: OWED }), { lender: fx.lender.address });
      await expect(refiOffer(fx, o)).to.changeEtherBalances(
        [fx.lender, fx.feeTaker, fx.borrower, fx.lending],
        [OWED - FEE, FEE, 0n, -OWED],
      );
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(0n);
    });
  });
});
