// docs/escrow.md §4: every deadline is the last second at which the guarded action is still allowed. Each boundary
// is tried at t - 1, t and t + 1, with the transaction mined at exactly that timestamp.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  AMOUNT,
  DAY,
  Status,
  WINDOW,
  atTime,
  blockTimeOf,
  domainOf,
  ethDealsFixture,
  expectState,
  signRefund,
  signRelease,
  signSettle,
  type DealsFixture,
} from "../helpers/escrow";

/** A deal disputed at a known time, one day before its deadline. */
async function disputedFixture() {
  const fx = await ethDealsFixture();
  const disputedAt = fx.deadline - DAY;
  await atTime(disputedAt);
  await fx.escrow.connect(fx.depositor).dispute(fx.arbiterDeal.deal);
  return { ...fx, disputedAt, ruleBy: disputedAt + WINDOW };
}

type Fx = DealsFixture;
type Act = (fx: Fx) => Promise<ContractTransactionResponse>;

/** "deadline" or "deadline - 1". */
function point(base: string, offset: bigint): string {
  return offset === 0n ? base : `${base} - 1`;
}

/** Mines `act` at exactly `t` and checks that it did. */
async function succeedsAt(fx: Fx, t: bigint, act: Act): Promise<ContractTransactionResponse> {
  await atTime(t);
  const tx = await act(fx);
  expect(await blockTimeOf(tx)).to.equal(t);
  return tx;
}

describe("§4 time boundaries", function () {
  describe("E-A3 markPaid against the deadline", function () {
    const markPaid: Act = (fx) => fx.escrow.connect(fx.beneficiary).markPaid(fx.arbiterDeal.deal);
    for (const offset of [-1n, 0n]) {
      it(`allows markPaid at ${point("deadline", offset)}`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        await succeedsAt(fx, fx.deadline + offset, markPaid);
        expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).status).to.equal(Status.Paid);
      });
    }
    it("reverts with EscrowDeadlinePassed for markPaid at deadline + 1", async function () {
      const fx = await loadFixture(ethDealsFixture);
      await atTime(fx.deadline + 1n);
      await expect(markPaid(fx))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDeadlinePassed")
        .withArgs(fx.arbiterDeal.dealId, fx.deadline);
    });
  });

  describe("E-A4 dispute of an Active deal against the deadline", function () {
    const dispute: Act = (fx) => fx.escrow.connect(fx.beneficiary).dispute(fx.arbiterDeal.deal);
    for (const offset of [-1n, 0n]) {
      it(`allows dispute at ${point("deadline", offset)} and records that time`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        await succeedsAt(fx, fx.deadline + offset, dispute);
        await expectState(fx.escrow, fx.arbiterDeal.dealId, {
          status: Status.Disputed,
          nonce: 1n,
          disputedAt: fx.deadline + offset,
          released: 0n,
          refunded: 0n,
        });
      });
    }
    it("reverts with EscrowDeadlinePassed for dispute at deadline + 1", async function () {
      const fx = await loadFixture(ethDealsFixture);
      await atTime(fx.deadline + 1n);
      await expect(dispute(fx))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDeadlinePassed")
        .withArgs(fx.arbiterDeal.dealId, fx.deadline);
    });
  });

  describe("E-A7 timeout of an Active deal against the deadline", function () {
    const timeout: Act = (fx) => fx.escrow.connect(fx.stranger).triggerTimeout(fx.plainDeal.deal);
    for (const offset of [-1n, 0n]) {
      it(`reverts with EscrowTimeoutNotReached(deadline + 1) at ${point("deadline", offset)}`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        await atTime(fx.deadline + offset);
        await expect(timeout(fx))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowTimeoutNotReached")
          .withArgs(fx.plainDeal.dealId, fx.deadline + 1n);
      });
    }
    it("times out at deadline + 1", async function () {
      const fx = await loadFixture(ethDealsFixture);
      await succeedsAt(fx, fx.deadline + 1n, timeout);
      expect((await fx.escrow.getDealState(fx.plainDeal.dealId)).status).to.equal(Status.Closed);
    });
  });

  describe("E-A5 resolve against disputedAt + disputeWindow", function () {
    const resolve: Act = (fx) => fx.escrow.connect(fx.arbiter).resolve(fx.arbiterDeal.deal, 0n);
    for (const offset of [-1n, 0n]) {
      it(`allows resolve at ${point("disputedAt + window", offset)}`, async function () {
        const fx = await loadFixture(disputedFixture);
        await succeedsAt(fx, fx.ruleBy + offset, resolve);
        expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).status).to.equal(Status.Closed);
      });
    }
    it("reverts with EscrowDeadlinePassed(disputedAt + window) for resolve one second later", async function () {
      const fx = await loadFixture(disputedFixture);
      await atTime(fx.ruleBy + 1n);
      await expect(resolve(fx))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDeadlinePassed")
        .withArgs(fx.arbiterDeal.dealId, fx.ruleBy);
    });
  });

  describe("E-A7 fallback timeout against disputedAt + disputeWindow", function () {
    const timeout: Act = (fx) => fx.escrow.connect(fx.stranger).triggerTimeout(fx.arbiterDeal.deal);
    for (const offset of [-1n, 0n]) {
      it(`reverts with EscrowTimeoutNotReached(disputedAt + window + 1) at ${point("disputedAt + window", offset)}`, async function () {
        const fx = await loadFixture(disputedFixture);
        await atTime(fx.ruleBy + offset);
        await expect(timeout(fx))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowTimeoutNotReached")
          .withArgs(fx.arbiterDeal.dealId, fx.ruleBy + 1n);
      });
    }
    it("applies the fallback at disputedAt + window + 1", async function () {
      const fx = await loadFixture(disputedFixture);
      const tx = await succeedsAt(fx, fx.ruleBy + 1n, timeout);
      await expect(tx).to.emit(fx.escrow, "DealTimedOut");
      expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).status).to.equal(Status.Closed);
    });
  });

  describe("E-S1 signature expiry", function () {
    const EXPIRY_OFFSET = 3_600n;

    async function signedFixture() {
      const fx = await ethDealsFixture();
      const domain = await domainOf(fx.escrow);
      const expiry = fx.deadline - EXPIRY_OFFSET;
      const dealId = fx.arbiterDeal.dealId;
      const release = await signRelease(fx.depositor, domain, { dealId, amount: 1n, nonce: 0n, expiry });
      const refund = await signRefund(fx.beneficiary, domain, { dealId, amount: 1n, nonce: 0n, expiry });
      const s = { dealId, toBeneficiary: 1n, nonce: 0n, expiry };
      const settle = [await signSettle(fx.depositor, domain, s), await signSettle(fx.beneficiary, domain, s)];
      return { ...fx, expiry, release, refund, settle };
    }
    type SignedFx = Awaited<ReturnType<typeof signedFixture>>;

    const signed: Array<[string, (fx: SignedFx) => Promise<ContractTransactionResponse>]> = [
      [
        "releaseWithSig",
        (fx) => fx.escrow.connect(fx.relayer).releaseWithSig(fx.arbiterDeal.deal, 1n, fx.expiry, fx.release),
      ],
      [
        "refundWithSig",
        (fx) => fx.escrow.connect(fx.relayer).refundWithSig(fx.arbiterDeal.deal, 1n, fx.expiry, fx.refund),
      ],
      [
        "settle",
        (fx) => fx.escrow.connect(fx.relayer).settle(fx.arbiterDeal.deal, 1n, fx.expiry, fx.settle[0], fx.settle[1]),
      ],
    ];
    for (const [label, act] of signed) {
      for (const offset of [-1n, 0n]) {
        it(`accepts ${label} at ${point("expiry", offset)}`, async function () {
          const fx = await loadFixture(signedFixture);
          await atTime(fx.expiry + offset);
          const tx = await act(fx);
          expect(await blockTimeOf(tx)).to.equal(fx.expiry + offset);
        });
      }
      it(`reverts with EscrowSignatureExpired for ${label} at expiry + 1`, async function () {
        const fx = await loadFixture(signedFixture);
        await atTime(fx.expiry + 1n);
        await expect(act(fx)).to.be.revertedWithCustomError(fx.escrow, "EscrowSignatureExpired").withArgs(fx.expiry);
      });
    }
  });

  describe("actions open past the deadline until the timeout is triggered", function () {
    const late: Array<[string, Act]> = [
      ["release", (fx) => fx.escrow.connect(fx.depositor).release(fx.arbiterDeal.deal, 1n)],
      ["refund", (fx) => fx.escrow.connect(fx.beneficiary).refund(fx.arbiterDeal.deal, 1n)],
      ["revokeSignatures", (fx) => fx.escrow.connect(fx.beneficiary).revokeSignatures(fx.arbiterDeal.deal)],
    ];
    for (const [label, act] of late) {
      it(`allows ${label} on an Active deal at deadline + 1`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        await succeedsAt(fx, fx.deadline + 1n, act);
        expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).nonce).to.equal(1n);
      });
    }

    it("allows settle on an Active deal at deadline + 1 by the depositor with the beneficiary's signature", async function () {
      const fx = await loadFixture(ethDealsFixture);
      const expiry = fx.deadline + DAY;
      const sig = await signSettle(fx.beneficiary, await domainOf(fx.escrow), {
        dealId: fx.arbiterDeal.dealId,
        toBeneficiary: AMOUNT,
        nonce: 0n,
        expiry,
      });
      await succeedsAt(fx, fx.deadline + 1n, (f) =>
        f.escrow.connect(f.depositor).settle(f.arbiterDeal.deal, AMOUNT, expiry, "0x", sig),
      );
      expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).status).to.equal(Status.Closed);
    });

    it("reverts with EscrowInvalidStatus(Closed) for a late release once the timeout was triggered", async function () {
      const fx = await loadFixture(ethDealsFixture);
      await atTime(fx.deadline + 1n);
      await fx.escrow.connect(fx.stranger).triggerTimeout(fx.arbiterDeal.deal);
      await expect(fx.escrow.connect(fx.depositor).release(fx.arbiterDeal.deal, 1n))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidStatus")
        .withArgs(fx.arbiterDeal.dealId, Status.Closed);
    });
  });
});
