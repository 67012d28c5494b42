// docs/escrow.md §3–§4: the deal actions E-A1, E-A3…E-A8, written once and run for ETH and a standard ERC20.
// Every test checks the exact amounts moved, the events with their arguments and the deal state afterwards.
// Milestones (E-A2) are in milestones.ts, closed/unknown deals and strangers (E-A9) in access.ts, the exact time
// boundaries in time.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  ARBITER_FEE_BPS,
  ASSETS,
  DAY,
  FALLBACK_BPS,
  Outcome,
  PROTOCOL_FEE_BPS,
  Status,
  WINDOW,
  arbiterParams,
  blockTimeOf,
  createDeal,
  domainOf,
  expectBalanceChanges,
  expectState,
  feeOf,
  now,
  plainParams,
  signRelease,
  signSettle,
  type Asset,
  type DealState,
  type DealsFixture,
} from "../helpers/escrow";

function state(status: Status, nonce: bigint, disputedAt: bigint, released: bigint, refunded: bigint): DealState {
  return { status, nonce, disputedAt, released, refunded };
}

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);
/** Odd parts of AMOUNT, so that fees round. */
const PART = AMOUNT / 3n + 7n;

export function runDealRules(asset: Asset): void {
  describe(`deal rules (${asset.name})`, function () {
    let fx: DealsFixture;
    beforeEach(async function () {
      fx = await loadFixture(asset.fixture);
    });

    /** depositor, beneficiary, arbiter, escrow: the holders every payout test checks. */
    const holders = () => [fx.depositor, fx.beneficiary, fx.arbiter, fx.escrowAddress];

    async function disputeBy(who: "depositor" | "beneficiary") {
      const { escrow, arbiterDeal } = fx;
      const tx = await escrow.connect(fx[who]).dispute(arbiterDeal.deal);
      return blockTimeOf(tx);
    }

    async function settleSignatures(toBeneficiary: bigint, nonce: bigint, expiry: bigint) {
      const domain = await domainOf(fx.escrow);
      const m = { dealId: fx.arbiterDeal.dealId, toBeneficiary, nonce, expiry };
      return [await signSettle(fx.depositor, domain, m), await signSettle(fx.beneficiary, domain, m)] as const;
    }

    describe("E-A1 release and refund", function () {
      it("pays a partial release to the beneficiary net of the protocol fee and advances the nonce", async function () {
        const { escrow, arbiterDeal, depositor, asset: token } = fx;
        const tx = await escrow.connect(depositor).release(arbiterDeal.deal, PART);
        await expectBalanceChanges(tx, token, holders(), [0n, PART - fee(PART), 0n, -(PART - fee(PART))]);
        await expect(tx)
          .to.emit(escrow, "DealReleased")
          .withArgs(arbiterDeal.dealId, PART - fee(PART), fee(PART));
        expect(await escrow.protocolFeesOf(token)).to.equal(fee(PART));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Active, 1n, 0n, PART, 0n));
      });

      it("closes the deal without advancing the nonce when a release takes the whole remainder", async function () {
        const { escrow, arbiterDeal, depositor, asset: token } = fx;
        await escrow.connect(depositor).release(arbiterDeal.deal, PART);
        const rest = AMOUNT - PART;
        const tx = await escrow.connect(depositor).release(arbiterDeal.deal, rest);
        await expectBalanceChanges(tx, token, holders(), [0n, rest - fee(rest), 0n, -(rest - fee(rest))]);
        await expect(tx)
          .to.emit(escrow, "DealReleased")
          .withArgs(arbiterDeal.dealId, rest - fee(rest), fee(rest));
        expect(await escrow.protocolFeesOf(token)).to.equal(fee(PART) + fee(rest));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, 0n, AMOUNT, 0n));
      });

      it("returns a partial refund to the depositor without protocol fee and advances the nonce", async function () {
        const { escrow, arbiterDeal, beneficiary, asset: token } = fx;
        const tx = await escrow.connect(beneficiary).refund(arbiterDeal.deal, PART);
        await expectBalanceChanges(tx, token, holders(), [PART, 0n, 0n, -PART]);
        await expect(tx).to.emit(escrow, "DealRefunded").withArgs(arbiterDeal.dealId, PART);
        expect(await escrow.protocolFeesOf(token)).to.equal(0n);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Active, 1n, 0n, 0n, PART));
      });

      it("closes the deal without advancing the nonce when a refund takes the whole remainder", async function () {
        const { escrow, arbiterDeal, beneficiary, asset: token } = fx;
        const tx = await escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT, 0n, 0n, -AMOUNT]);
        await expect(tx).to.emit(escrow, "DealRefunded").withArgs(arbiterDeal.dealId, AMOUNT);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 0n, 0n, 0n, AMOUNT));
      });

      it("closes the deal when a release and then a refund exhaust the amount", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary, asset: token } = fx;
        await escrow.connect(depositor).release(arbiterDeal.deal, PART);
        const tx = await escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT - PART);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT - PART, 0n, 0n, -(AMOUNT - PART)]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, 0n, PART, AMOUNT - PART));
      });

      it("reverts with EscrowZeroAmount for a release or a refund of 0", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary } = fx;
        await expect(escrow.connect(depositor).release(arbiterDeal.deal, 0n)).to.be.revertedWithCustomError(
          escrow,
          "EscrowZeroAmount",
        );
        await expect(escrow.connect(beneficiary).refund(arbiterDeal.deal, 0n)).to.be.revertedWithCustomError(
          escrow,
          "EscrowZeroAmount",
        );
      });

      it("reverts with EscrowAmountExceedsRemaining when a release or a refund exceeds the remainder", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary } = fx;
        await escrow.connect(beneficiary).refund(arbiterDeal.deal, 10n);
        const remaining = AMOUNT - 10n;
        await expect(escrow.connect(depositor).release(arbiterDeal.deal, remaining + 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsRemaining")
          .withArgs(remaining + 1n, remaining);
        await expect(escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsRemaining")
          .withArgs(AMOUNT, remaining);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Active, 1n, 0n, 0n, 10n));
      });

      for (const who of ["beneficiary", "arbiter", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} releases`, async function () {
          const { escrow, arbiterDeal } = fx;
          await expect(escrow.connect(fx[who]).release(arbiterDeal.deal, 1n))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }

      for (const who of ["depositor", "arbiter", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} refunds`, async function () {
          const { escrow, arbiterDeal } = fx;
          await expect(escrow.connect(fx[who]).refund(arbiterDeal.deal, 1n))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }

      it("releases from a Paid deal, which stays Paid", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary, asset: token } = fx;
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        const tx = await escrow.connect(depositor).release(arbiterDeal.deal, PART);
        await expectBalanceChanges(tx, token, holders(), [0n, PART - fee(PART), 0n, -(PART - fee(PART))]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Paid, 2n, 0n, PART, 0n));
      });

      it("refunds the whole remainder from a Disputed deal, which closes it with its disputedAt kept", async function () {
        const { escrow, arbiterDeal, beneficiary, asset: token } = fx;
        const disputedAt = await disputeBy("depositor");
        const tx = await escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT, 0n, 0n, -AMOUNT]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, disputedAt, 0n, AMOUNT));
      });

      it("releases from an Active deal past its deadline while nobody has triggered the timeout", async function () {
        const { escrow, plainDeal, depositor, asset: token } = fx;
        await time.increaseTo(fx.deadline + 30n * DAY);
        const tx = await escrow.connect(depositor).release(plainDeal.deal, AMOUNT);
        await expectBalanceChanges(tx, token, holders(), [0n, AMOUNT - fee(AMOUNT), 0n, -(AMOUNT - fee(AMOUNT))]);
        await expectState(escrow, plainDeal.dealId, state(Status.Closed, 0n, 0n, AMOUNT, 0n));
      });
    });

    describe("E-A3 markPaid", function () {
      it("moves an Active Refund-default deal to Paid when the beneficiary marks it paid, moving no funds", async function () {
        const { escrow, arbiterDeal, beneficiary, asset: token } = fx;
        const tx = await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        await expect(tx).to.emit(escrow, "DealMarkedPaid").withArgs(arbiterDeal.dealId);
        await expectBalanceChanges(tx, token, holders(), [0n, 0n, 0n, 0n]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Paid, 1n, 0n, 0n, 0n));
      });

      for (const who of ["depositor", "arbiter", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} marks paid`, async function () {
          const { escrow, arbiterDeal } = fx;
          await expect(escrow.connect(fx[who]).markPaid(arbiterDeal.deal))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }

      it("reverts with EscrowNoArbiter on a Refund-default deal without an arbiter", async function () {
        const { escrow, depositor, beneficiary, asset: token } = fx;
        const params = plainParams(fx, token, fx.deadline, { defaultOutcome: BigInt(Outcome.Refund), salt: 77n });
        const created = await createDeal(escrow, depositor, params);
        await expect(escrow.connect(beneficiary).markPaid(created.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowNoArbiter")
          .withArgs(created.dealId);
      });

      it("reverts with EscrowNotRefundDefault on a deal that releases on timeout", async function () {
        const { escrow, depositor, beneficiary, asset: token } = fx;
        const params = arbiterParams(fx, token, fx.deadline, { defaultOutcome: BigInt(Outcome.Release), salt: 78n });
        const created = await createDeal(escrow, depositor, params);
        await expect(escrow.connect(beneficiary).markPaid(created.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowNotRefundDefault")
          .withArgs(created.dealId);
      });

      it("reverts with EscrowInvalidStatus(Paid) when marked paid twice", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        await expect(escrow.connect(beneficiary).markPaid(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Paid);
      });

      it("reverts with EscrowInvalidStatus(Disputed) on a disputed deal", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        await disputeBy("depositor");
        await expect(escrow.connect(beneficiary).markPaid(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Disputed);
      });

      it("reverts with EscrowDeadlinePassed after the deadline", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        await time.increaseTo(fx.deadline + 1n);
        await expect(escrow.connect(beneficiary).markPaid(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowDeadlinePassed")
          .withArgs(arbiterDeal.dealId, fx.deadline);
      });

      it("stops the timeout from refunding: triggerTimeout on the Paid deal reverts with EscrowInvalidStatus(Paid), a year on", async function () {
        const { escrow, arbiterDeal, beneficiary, stranger } = fx;
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        await time.increaseTo(fx.deadline + 365n * DAY);
        await expect(escrow.connect(stranger).triggerTimeout(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Paid);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Paid, 1n, 0n, 0n, 0n));
      });
    });

    describe("E-A4 dispute", function () {
      it("opens a dispute when the depositor disputes an Active deal: Disputed, disputedAt now, nonce advanced", async function () {
        const { escrow, arbiterDeal, depositor, asset: token } = fx;
        const tx = await escrow.connect(depositor).dispute(arbiterDeal.deal);
        await expect(tx).to.emit(escrow, "DealDisputed").withArgs(arbiterDeal.dealId, depositor.address);
        await expectBalanceChanges(tx, token, holders(), [0n, 0n, 0n, 0n]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Disputed, 1n, await blockTimeOf(tx), 0n, 0n));
      });

      it("opens a dispute when the beneficiary disputes a Paid deal after the deadline", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        await time.increaseTo(fx.deadline + 10n * DAY);
        const tx = await escrow.connect(beneficiary).dispute(arbiterDeal.deal);
        await expect(tx).to.emit(escrow, "DealDisputed").withArgs(arbiterDeal.dealId, beneficiary.address);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Disputed, 2n, await blockTimeOf(tx), 0n, 0n));
      });

      for (const who of ["arbiter", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} disputes`, async function () {
          const { escrow, arbiterDeal } = fx;
          await expect(escrow.connect(fx[who]).dispute(arbiterDeal.deal))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }

      it("reverts with EscrowNoArbiter when a party disputes a deal without an arbiter", async function () {
        const { escrow, plainDeal, depositor, beneficiary } = fx;
        for (const who of [depositor, beneficiary]) {
          await expect(escrow.connect(who).dispute(plainDeal.deal))
            .to.be.revertedWithCustomError(escrow, "EscrowNoArbiter")
            .withArgs(plainDeal.dealId);
        }
      });

      it("reverts with EscrowInvalidStatus(Disputed) on a second dispute", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        await disputeBy("depositor");
        await expect(escrow.connect(beneficiary).dispute(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Disputed);
      });

      it("reverts with EscrowDeadlinePassed when an Active deal is disputed after the deadline", async function () {
        const { escrow, arbiterDeal, depositor } = fx;
        await time.increaseTo(fx.deadline + 1n);
        await expect(escrow.connect(depositor).dispute(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowDeadlinePassed")
          .withArgs(arbiterDeal.dealId, fx.deadline);
      });
    });

    describe("E-A5 resolve", function () {
      it("pays the arbiter fee first, splits the rest as ruled and closes without advancing the nonce", async function () {
        const { escrow, arbiterDeal, arbiter, asset: token } = fx;
        const disputedAt = await disputeBy("beneficiary");
        const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
        const toBeneficiary = ((AMOUNT - arbiterFee) * 2n) / 3n;
        const toDepositor = AMOUNT - arbiterFee - toBeneficiary;
        const net = toBeneficiary - fee(toBeneficiary);
        const tx = await escrow.connect(arbiter).resolve(arbiterDeal.deal, toBeneficiary);
        await expectBalanceChanges(tx, token, holders(), [
          toDepositor,
          net,
          arbiterFee,
          -(toDepositor + net + arbiterFee),
        ]);
        await expect(tx)
          .to.emit(escrow, "DealResolved")
          .withArgs(arbiterDeal.dealId, net, toDepositor, arbiterFee, fee(toBeneficiary));
        expect(await escrow.protocolFeesOf(token)).to.equal(fee(toBeneficiary));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, disputedAt, toBeneficiary, toDepositor));
      });

      it("reverts with EscrowInvalidStatus(Disputed) on a partial release or refund during the dispute, leaving the remainder for the ruling", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary, arbiter, asset: token } = fx;
        const disputedAt = await disputeBy("depositor");
        await expect(escrow.connect(depositor).release(arbiterDeal.deal, PART))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Disputed);
        await expect(escrow.connect(beneficiary).refund(arbiterDeal.deal, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Disputed);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Disputed, 1n, disputedAt, 0n, 0n));
        const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
        const tx = await escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT - arbiterFee, 0n, arbiterFee, -AMOUNT]);
      });

      for (const concession of ["release", "refund"] as const) {
        it(`lets a party concede by a full ${concession} during the dispute, which closes the deal before the ruling`, async function () {
          const { escrow, arbiterDeal, depositor, beneficiary, arbiter } = fx;
          await disputeBy("depositor");
          const tx =
            concession === "release"
              ? escrow.connect(depositor).release(arbiterDeal.deal, AMOUNT)
              : escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT);
          await expect(tx).to.emit(escrow, concession === "release" ? "DealReleased" : "DealRefunded");
          expect((await escrow.getDealState(arbiterDeal.dealId)).status).to.equal(Status.Closed);
          await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
            .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
            .withArgs(arbiterDeal.dealId, Status.Closed);
        });
      }

      it("gives the beneficiary everything but the arbiter fee, and reverts with EscrowAmountExceedsRemaining one above", async function () {
        const { escrow, arbiterDeal, arbiter, asset: token } = fx;
        await disputeBy("depositor");
        const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
        const distributable = AMOUNT - arbiterFee;
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, distributable + 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsRemaining")
          .withArgs(distributable + 1n, distributable);
        const tx = await escrow.connect(arbiter).resolve(arbiterDeal.deal, distributable);
        const net = distributable - fee(distributable);
        await expectBalanceChanges(tx, token, holders(), [0n, net, arbiterFee, -(net + arbiterFee)]);
      });

      for (const who of ["depositor", "beneficiary", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} resolves`, async function () {
          const { escrow, arbiterDeal } = fx;
          await disputeBy("depositor");
          await expect(escrow.connect(fx[who]).resolve(arbiterDeal.deal, 0n))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }

      it("reverts with EscrowInvalidStatus when the deal is Active or Paid", async function () {
        const { escrow, arbiterDeal, arbiter, beneficiary } = fx;
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Active);
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Paid);
      });

      // Finding: with rulings bound to the nonce, a party could revoke (free) or move 1 wei just before each ruling
      // and force the fallback split. Rulings no longer depend on the nonce, and a dispute freezes the remainder.
      it("still applies the ruling when a party revokes signatures just before it", async function () {
        const { escrow, arbiterDeal, arbiter, depositor, asset: token } = fx;
        await disputeBy("beneficiary");
        await escrow.connect(depositor).revokeSignatures(arbiterDeal.deal);
        const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
        const toBeneficiary = AMOUNT / 2n;
        const net = toBeneficiary - fee(toBeneficiary);
        const tx = await escrow.connect(arbiter).resolve(arbiterDeal.deal, toBeneficiary);
        await expectBalanceChanges(tx, token, holders(), [
          AMOUNT - arbiterFee - toBeneficiary,
          net,
          arbiterFee,
          -(AMOUNT - fee(toBeneficiary)),
        ]);
      });

      it("reverts with EscrowInvalidStatus(Closed) when the arbiter rules twice", async function () {
        const { escrow, arbiterDeal, arbiter } = fx;
        await disputeBy("depositor");
        await escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n);
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Closed);
      });

      it("reverts with EscrowInvalidStatus(Closed) when the arbiter rules on a settled deal", async function () {
        const { escrow, arbiterDeal, arbiter, relayer } = fx;
        await disputeBy("depositor");
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(PART, 1n, expiry);
        await escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs);
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Closed);
      });

      it("reverts with EscrowInvalidStatus(Closed) when the arbiter rules on a timed-out deal", async function () {
        const { escrow, arbiterDeal, arbiter, stranger } = fx;
        const disputedAt = await disputeBy("depositor");
        await time.increaseTo(disputedAt + WINDOW + 1n);
        await escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
        await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, 0n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(arbiterDeal.dealId, Status.Closed);
      });
    });

    describe("E-A6 settle", function () {
      it("splits the remainder as both parties signed when a relayer submits, and closes", async function () {
        const { escrow, arbiterDeal, relayer, asset: token } = fx;
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(PART, 0n, expiry);
        const tx = await escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs);
        const net = PART - fee(PART);
        const toDepositor = AMOUNT - PART;
        await expectBalanceChanges(
          tx,
          token,
          [...holders(), relayer],
          [toDepositor, net, 0n, -(toDepositor + net), 0n],
        );
        await expect(tx).to.emit(escrow, "DealSettled").withArgs(arbiterDeal.dealId, net, toDepositor, fee(PART));
        expect(await escrow.protocolFeesOf(token)).to.equal(fee(PART));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 0n, 0n, PART, toDepositor));
      });

      it("accepts an empty signature for the depositor's side when the depositor submits", async function () {
        const { escrow, arbiterDeal, depositor, asset: token } = fx;
        const expiry = (await now()) + DAY;
        const [, bs] = await settleSignatures(PART, 0n, expiry);
        const tx = await escrow.connect(depositor).settle(arbiterDeal.deal, PART, expiry, "0x", bs);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT - PART, PART - fee(PART), 0n, -(AMOUNT - fee(PART))]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 0n, 0n, PART, AMOUNT - PART));
      });

      it("accepts an empty signature for the beneficiary's side when the beneficiary submits", async function () {
        const { escrow, arbiterDeal, beneficiary, asset: token } = fx;
        const expiry = (await now()) + DAY;
        const [ds] = await settleSignatures(PART, 0n, expiry);
        const tx = await escrow.connect(beneficiary).settle(arbiterDeal.deal, PART, expiry, ds, "0x");
        await expectBalanceChanges(tx, token, holders(), [AMOUNT - PART, PART - fee(PART), 0n, -(AMOUNT - fee(PART))]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 0n, 0n, PART, AMOUNT - PART));
      });

      it("reverts with EscrowInvalidSignature(depositor) when a stranger settles without signatures", async function () {
        const { escrow, arbiterDeal, stranger, depositor } = fx;
        const expiry = (await now()) + DAY;
        await expect(escrow.connect(stranger).settle(arbiterDeal.deal, PART, expiry, "0x", "0x"))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      });

      it("reverts with EscrowInvalidSignature(beneficiary) when the depositor settles without the beneficiary's signature", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary } = fx;
        const expiry = (await now()) + DAY;
        await expect(escrow.connect(depositor).settle(arbiterDeal.deal, PART, expiry, "0x", "0x"))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(beneficiary.address);
      });

      it("reverts with EscrowInvalidSignature(depositor) when the beneficiary settles with only its own signature", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary } = fx;
        const expiry = (await now()) + DAY;
        const [, bs] = await settleSignatures(PART, 0n, expiry);
        await expect(escrow.connect(beneficiary).settle(arbiterDeal.deal, PART, expiry, bs, bs))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      });

      it("ends a dispute: a Disputed deal settles and the arbiter gets nothing", async function () {
        const { escrow, arbiterDeal, relayer, asset: token } = fx;
        const disputedAt = await disputeBy("beneficiary");
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(AMOUNT, 1n, expiry);
        const tx = await escrow.connect(relayer).settle(arbiterDeal.deal, AMOUNT, expiry, ds, bs);
        const net = AMOUNT - fee(AMOUNT);
        await expectBalanceChanges(tx, token, holders(), [0n, net, 0n, -net]);
        await expect(tx).to.emit(escrow, "DealSettled").withArgs(arbiterDeal.dealId, net, 0n, fee(AMOUNT));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, disputedAt, AMOUNT, 0n));
      });

      it("settles a Paid deal", async function () {
        const { escrow, arbiterDeal, beneficiary, relayer, asset: token } = fx;
        await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(PART, 1n, expiry);
        const tx = await escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT - PART, PART - fee(PART), 0n, -(AMOUNT - fee(PART))]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, 0n, PART, AMOUNT - PART));
      });

      it("settles everything to the depositor without protocol fee when toBeneficiary is 0", async function () {
        const { escrow, arbiterDeal, relayer, asset: token } = fx;
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(0n, 0n, expiry);
        const tx = await escrow.connect(relayer).settle(arbiterDeal.deal, 0n, expiry, ds, bs);
        await expectBalanceChanges(tx, token, holders(), [AMOUNT, 0n, 0n, -AMOUNT]);
        await expect(tx).to.emit(escrow, "DealSettled").withArgs(arbiterDeal.dealId, 0n, AMOUNT, 0n);
        expect(await escrow.protocolFeesOf(token)).to.equal(0n);
      });

      it("reverts with EscrowAmountExceedsRemaining when toBeneficiary exceeds the remainder", async function () {
        const { escrow, arbiterDeal, beneficiary, relayer } = fx;
        await escrow.connect(beneficiary).refund(arbiterDeal.deal, PART);
        const remaining = AMOUNT - PART;
        const expiry = (await now()) + DAY;
        const [ds, bs] = await settleSignatures(remaining + 1n, 1n, expiry);
        await expect(escrow.connect(relayer).settle(arbiterDeal.deal, remaining + 1n, expiry, ds, bs))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsRemaining")
          .withArgs(remaining + 1n, remaining);
      });
    });

    describe("E-A7 triggerTimeout", function () {
      it("applies Release after the deadline when a stranger triggers it: the remainder goes to the beneficiary net of the fee", async function () {
        const { escrow, plainDeal, depositor, stranger, asset: token } = fx;
        await escrow.connect(depositor).release(plainDeal.deal, PART);
        await time.increaseTo(fx.deadline + 1n);
        const remaining = AMOUNT - PART;
        const net = remaining - fee(remaining);
        const tx = await escrow.connect(stranger).triggerTimeout(plainDeal.deal);
        await expectBalanceChanges(tx, token, [...holders(), stranger], [0n, net, 0n, -net, 0n]);
        await expect(tx).to.emit(escrow, "DealTimedOut").withArgs(plainDeal.dealId, false, net, 0n, fee(remaining));
        expect(await escrow.protocolFeesOf(token)).to.equal(fee(PART) + fee(remaining));
        await expectState(escrow, plainDeal.dealId, state(Status.Closed, 1n, 0n, AMOUNT, 0n));
      });

      it("applies Refund after the deadline: the remainder goes back to the depositor without fee", async function () {
        const { escrow, arbiterDeal, stranger, asset: token } = fx;
        await time.increaseTo(fx.deadline + 1n);
        const tx = await escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
        await expectBalanceChanges(tx, token, [...holders(), stranger], [AMOUNT, 0n, 0n, -AMOUNT, 0n]);
        await expect(tx).to.emit(escrow, "DealTimedOut").withArgs(arbiterDeal.dealId, false, 0n, AMOUNT, 0n);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 0n, 0n, 0n, AMOUNT));
      });

      it("applies the fallback split after the dispute window: fallbackBps to the beneficiary, the rest to the depositor, nothing to the arbiter", async function () {
        const { escrow, arbiterDeal, stranger, asset: token } = fx;
        const disputedAt = await disputeBy("beneficiary");
        await time.increaseTo(disputedAt + WINDOW + 1n);
        const toBeneficiary = feeOf(AMOUNT, FALLBACK_BPS);
        const toDepositor = AMOUNT - toBeneficiary;
        const net = toBeneficiary - fee(toBeneficiary);
        const tx = await escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
        await expectBalanceChanges(
          tx,
          token,
          [...holders(), stranger],
          [toDepositor, net, 0n, -(toDepositor + net), 0n],
        );
        await expect(tx)
          .to.emit(escrow, "DealTimedOut")
          .withArgs(arbiterDeal.dealId, true, net, toDepositor, fee(toBeneficiary));
        await expectState(escrow, arbiterDeal.dealId, state(Status.Closed, 1n, disputedAt, toBeneficiary, toDepositor));
      });

      it("reverts with EscrowTimeoutNotReached(deadline + 1) before the deadline", async function () {
        const { escrow, plainDeal, stranger } = fx;
        await expect(escrow.connect(stranger).triggerTimeout(plainDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowTimeoutNotReached")
          .withArgs(plainDeal.dealId, fx.deadline + 1n);
      });

      it("reverts with EscrowTimeoutNotReached(disputedAt + window + 1) during the dispute window, even past the deadline", async function () {
        const { escrow, arbiterDeal, stranger } = fx;
        await time.increaseTo(fx.deadline - 60n);
        const disputedAt = await disputeBy("depositor");
        await time.increaseTo(fx.deadline + 1n);
        await expect(escrow.connect(stranger).triggerTimeout(arbiterDeal.deal))
          .to.be.revertedWithCustomError(escrow, "EscrowTimeoutNotReached")
          .withArgs(arbiterDeal.dealId, disputedAt + WINDOW + 1n);
      });
    });

    describe("E-A8 revokeSignatures", function () {
      it("advances the nonce by one per call, by either party, changing nothing else", async function () {
        const { escrow, arbiterDeal, depositor, beneficiary, asset: token } = fx;
        const tx1 = await escrow.connect(depositor).revokeSignatures(arbiterDeal.deal);
        await expect(tx1).to.emit(escrow, "SignaturesRevoked").withArgs(arbiterDeal.dealId, depositor.address, 1n);
        await expectBalanceChanges(tx1, token, holders(), [0n, 0n, 0n, 0n]);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Active, 1n, 0n, 0n, 0n));
        const tx2 = await escrow.connect(beneficiary).revokeSignatures(arbiterDeal.deal);
        await expect(tx2).to.emit(escrow, "SignaturesRevoked").withArgs(arbiterDeal.dealId, beneficiary.address, 2n);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Active, 2n, 0n, 0n, 0n));
      });

      it("kills an outstanding signature: a release signed before the revocation reverts with EscrowInvalidSignature", async function () {
        const { escrow, arbiterDeal, depositor, relayer } = fx;
        const expiry = (await now()) + DAY;
        const domain = await domainOf(escrow);
        const sig = await signRelease(depositor, domain, {
          dealId: arbiterDeal.dealId,
          amount: PART,
          nonce: 0n,
          expiry,
        });
        await escrow.connect(depositor).revokeSignatures(arbiterDeal.deal);
        await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      });

      it("keeps a Disputed deal Disputed with its disputedAt", async function () {
        const { escrow, arbiterDeal, beneficiary } = fx;
        const disputedAt = await disputeBy("depositor");
        await escrow.connect(beneficiary).revokeSignatures(arbiterDeal.deal);
        await expectState(escrow, arbiterDeal.dealId, state(Status.Disputed, 2n, disputedAt, 0n, 0n));
      });

      for (const who of ["arbiter", "stranger"] as const) {
        it(`reverts with EscrowUnauthorized when the ${who} revokes`, async function () {
          const { escrow, arbiterDeal } = fx;
          await expect(escrow.connect(fx[who]).revokeSignatures(arbiterDeal.deal))
            .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
            .withArgs(arbiterDeal.dealId, fx[who].address);
        });
      }
    });

    it("uses the fixture's deal shapes (guards the assumptions above)", async function () {
      expect(fx.arbiterDeal.deal.arbiter).to.equal(fx.arbiter.address);
      expect(fx.plainDeal.deal.arbiter).to.equal(ethers.ZeroAddress);
      expect(fx.arbiterDeal.deal.token).to.equal(fx.asset);
    });
  });
}

for (const asset of ASSETS) runDealRules(asset);
