// LN-SDK-2: every action through the client, and as `{ to, data, value }` sent by a plain wallet: acceptance of
// offers and requests (ERC20 and ETH), repayment, claim, nonces, deposits, held collateral.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  LendingPaymentError,
  LendingRequestError,
  LendingSignatureError,
  LendingStateError,
  LoanStatus,
  type PeerPayError,
} from "../../../sdk";
import { DAY, ETH, ONE } from "../../helpers/lending";
import { lendingSdkFixture, sdkLoan } from "./fixture";

async function failure(promise: Promise<unknown>): Promise<PeerPayError> {
  try {
    await promise;
  } catch (error) {
    return error as PeerPayError;
  }
  throw new Error("expected a failure");
}

describe("LendingClient actions (LN-SDK-2)", function () {
  it("LN-SDK-2, LN-A2: acceptOffer opens the loan from the signed offer: positions minted, principal and collateral moved, LoanStarted decoded", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const before = await f.usd.balanceOf(f.borrower.address);
    const { loanId, events, terms } = await sdkLoan(f);
    const started = events.find((e) => e.type === "LoanStarted")!;
    expect(started).to.deep.include({
      loanId,
      lender: f.lender.address,
      borrower: f.borrower.address,
      collateralId: 0n,
    });
    expect(started.type === "LoanStarted" && started.terms).to.deep.equal(terms);
    expect(await f.lending.ownerOf(loanId)).to.equal(f.lender.address);
    expect(await f.lending.ownerOf(loanId + 1n)).to.equal(f.borrower.address);
    expect((await f.usd.balanceOf(f.borrower.address)) - before).to.equal(terms.principal);
    expect(await f.wbtc.balanceOf(f.address)).to.equal(terms.collateralAmount);
    const loan = await f.readClient.loan({ loanId });
    expect([loan.status, loan.outstanding]).to.deep.equal([LoanStatus.Active, terms.principal + terms.interest]);
  });

  it("LN-SDK-2, LN-A4: acceptRequest with an ETH principal sends it as value; the built transaction carries it", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const terms = f.terms({ principalToken: ETH, principal: ONE, interest: ONE / 10n });
    const request = await f.borrowerClient.signRequest({ terms, lender: f.lender.address });
    const built = await f.lenderClient.buildAcceptRequest({ request });
    expect([built.to, built.value]).to.deep.equal([f.address, ONE]);
    const refused = await failure(f.otherClient.buildAcceptRequest({ request }));
    expect(refused.code).to.equal("LENDING_UNAUTHORIZED");
    const self = await failure(f.borrowerClient.acceptRequest({ request, lender: f.borrower.address }));
    expect(self.code).to.equal("LENDING_UNAUTHORIZED");
    const before = await ethers.provider.getBalance(f.borrower.address);
    await f.lender.sendTransaction(built);
    expect((await ethers.provider.getBalance(f.borrower.address)) - before).to.equal(ONE);
    const again = await failure(f.lenderClient.acceptRequest({ request }));
    expect([again.constructor, again.code]).to.deep.equal([LendingRequestError, "LENDING_NONCE_USED"]);
  });

  it("LN-SDK-2, LN-A4: an ETH offer needs the lender's deposit: refused before sending while short, accepted once deposited", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const terms = f.terms({ principalToken: ETH, principal: ONE, interest: 0n });
    const offer = await f.lenderClient.signOffer({ terms });
    const short = await failure(f.borrowerClient.acceptOffer({ offer }));
    expect([short.code, short.details.needed]).to.deep.equal(["LENDING_INSUFFICIENT_DEPOSIT", ONE]);
    const deposit = f.lenderClient.buildDeposit({ amount: 2n * ONE });
    expect([deposit.to, deposit.value]).to.deep.equal([f.address, 2n * ONE]);
    await f.lenderClient.deposit({ amount: 2n * ONE });
    const { loanId } = await f.borrowerClient.acceptOffer({ offer });
    expect(await f.readClient.depositOf({ account: f.lender.address })).to.equal(ONE);
    const { events } = await f.lenderClient.withdrawDeposit({ amount: ONE, to: f.other.address });
    expect(events.find((e) => e.type === "DepositWithdrawn")).to.deep.include({ to: f.other.address, amount: ONE });
    expect(await f.readClient.depositOf({ account: f.lender.address })).to.equal(0n);
    expect((await f.readClient.loan({ loanId })).outstanding).to.equal(ONE);
    const zero = await failure(f.lenderClient.withdrawDeposit({ amount: 0n }));
    expect(zero.code).to.equal("LENDING_ZERO_AMOUNT");
  });

  it("LN-SDK-2, LN-R1, LN-R4: repay in part then in full; the built repay of an ETH loan carries the amount; the collateral goes back", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f);
    const part = await f.otherClient.repay({ loanId, terms, amount: 30n * ONE });
    expect(part.events.find((e) => e.type === "Repaid")).to.deep.include({
      payer: f.other.address,
      payment: 30n * ONE,
      interestPaid: 30n * ONE,
      outstanding: terms.principal + terms.interest - 30n * ONE,
    });
    const built = f.borrowerClient.buildRepay({ loanId, terms, amount: 2_000n * ONE });
    expect(built.value).to.equal(0n);
    await f.borrower.sendTransaction(built);
    expect((await f.readClient.loan({ loanId })).status).to.equal(LoanStatus.Repaid);
    expect(await f.wbtc.balanceOf(f.address)).to.equal(0n);
    const eth = f.terms({ principalToken: ETH, principal: ONE });
    expect(f.borrowerClient.buildRepay({ loanId, terms: eth, amount: ONE }).value).to.equal(ONE);
    const done = await failure(f.borrowerClient.repay({ loanId, terms, amount: ONE }));
    expect([done.constructor, done.code, done.details.status]).to.deep.equal([
      LendingStateError,
      "LENDING_WRONG_STATUS",
      LoanStatus.Repaid,
    ]);
  });

  it("LN-SDK-2, LN-SDK-6, LN-D1: claim before default decodes LendingNotDefaulted with its time; after it the lender's claim sends the collateral to `to`", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f);
    const start = (await f.lending.loanOf(loanId)).start;
    const defaultsAt = start + terms.duration + terms.gracePeriod;
    const early = await failure(f.lenderClient.claim({ loanId, terms }));
    expect([early.constructor, early.code, early.details.defaultsAt]).to.deep.equal([
      LendingStateError,
      "LENDING_NOT_DEFAULTED",
      defaultsAt,
    ]);
    await time.increaseTo(defaultsAt);
    const stranger = await failure(f.otherClient.claim({ loanId, terms }));
    expect(stranger.code).to.equal("LENDING_UNAUTHORIZED");
    const badTo = await failure(f.lenderClient.buildClaim({ loanId, terms, to: f.address }));
    expect(badTo.code).to.equal("LENDING_INVALID_RECIPIENT");
    const { events } = await f.lenderClient.claim({ loanId, terms, to: f.other.address });
    expect(events.find((e) => e.type === "CollateralClaimed")).to.deep.include({
      lender: f.lender.address,
      to: f.other.address,
    });
    expect(await f.wbtc.balanceOf(f.other.address)).to.equal(1_000n * ONE + terms.collateralAmount);
    const mismatch = await failure(f.lenderClient.repay({ loanId, terms: { ...terms, interest: 1n }, amount: 1n }));
    expect(mismatch.code).to.equal("LENDING_WRONG_STATUS");
  });

  it("LN-SDK-2, LN-O5: nextNonce is the lowest unused nonce at or above the floor, after acceptance, cancelNonces and cancelNoncesBelow; the floor never falls", async function () {
    const f = await loadFixture(lendingSdkFixture);
    expect(await f.lenderClient.nextNonce()).to.equal(0n);
    await sdkLoan(f);
    expect(await f.lenderClient.nextNonce()).to.equal(1n);
    await f.lenderClient.cancelNonces({ nonces: [1n, 2n, 4n] });
    expect(await f.readClient.nextNonce({ signer: f.lender.address })).to.equal(3n);
    const offer = await f.lenderClient.signOffer({ terms: f.terms() });
    expect(offer.offer.nonce).to.equal(3n);
    const { events } = await f.lenderClient.cancelNoncesBelow({ minNonce: 10n });
    expect(events.find((e) => e.type === "NoncesCancelledBelow")).to.deep.include({ minNonce: 10n });
    expect(await f.lenderClient.nextNonce()).to.equal(10n);
    expect(await f.borrowerClient.verifyOffer({ offer })).to.deep.equal({ valid: false, reason: "LENDING_NONCE_USED" });
    const lower = await failure(f.lenderClient.cancelNoncesBelow({ minNonce: 5n }));
    expect([lower.constructor, lower.code, lower.details]).to.deep.equal([
      LendingSignatureError,
      "LENDING_INVALID_NONCE",
      { nonce: 5n, minNonce: 10n },
    ]);
    const built = f.lenderClient.buildCancelNonces({ nonces: [10n, 11n] });
    await f.lender.sendTransaction(built);
    expect(await f.lenderClient.nextNonce()).to.equal(12n);
  });

  it("LN-SDK-2, LN-O4: an offer is refused before sending once the next block would be at its expiry", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const offer = await f.lenderClient.signOffer({ terms: f.terms(), validFor: 100n });
    await time.increaseTo(offer.offer.expiry - 2n);
    expect((await f.borrowerClient.verifyOffer({ offer })).valid).to.equal(true);
    await time.increaseTo(offer.offer.expiry - 1n);
    const late = await failure(f.borrowerClient.acceptOffer({ offer }));
    expect(late.code).to.equal("LENDING_OFFER_EXPIRED");
  });

  it("LN-SDK-2, LN-R4: collateral held after a failed delivery is withdrawn by the borrower token's holder to another address", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const blk = await ethers.deployContract("BlocklistToken");
    await blk.mint(f.borrower.address, 10n * ONE);
    await blk.connect(f.borrower).approve(f.address, 10n * ONE);
    const { loanId, terms } = await sdkLoan(f, {
      collateralToken: await blk.getAddress(),
      collateralAmount: 10n * ONE,
    });
    await blk.setBlocked(f.borrower.address, true);
    const { events } = await f.borrowerClient.repay({ loanId, terms, amount: terms.principal + terms.interest });
    expect(events.find((e) => e.type === "CollateralHeld")).to.deep.include({ loanId, holder: f.borrower.address });
    const built = await f.borrowerClient.buildWithdrawCollateral({ loanId, terms, to: f.other.address });
    expect([built.to, built.value]).to.deep.equal([f.address, 0n]);
    const { events: out } = await f.borrowerClient.withdrawCollateral({ loanId, terms, to: f.other.address });
    expect(out.find((e) => e.type === "CollateralWithdrawn")).to.deep.include({
      holder: f.borrower.address,
      to: f.other.address,
    });
    expect(await blk.balanceOf(f.other.address)).to.equal(10n * ONE);
    const nothing = await failure(f.borrowerClient.withdrawCollateral({ loanId, terms }));
    expect([nothing.constructor, nothing.code]).to.deep.equal([LendingStateError, "LENDING_NOTHING_HELD"]);
  });

  it("LN-SDK-2, LN-SDK-6: a pro-rated part payment below the interest decodes LendingPaymentBelowInterest with the accrued amount", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f, { interestKind: 1, interest: 3_650n });
    await time.increase(DAY - 1n);
    const error = await failure(f.borrowerClient.repay({ loanId, terms, amount: 1n }));
    expect(error).to.be.instanceOf(LendingPaymentError);
    expect(error.code).to.equal("LENDING_PAYMENT_BELOW_INTEREST");
    expect(error.details.payment).to.equal(1n);
    expect(error.details.accrued as bigint).to.be.greaterThan(0n);
  });
});
