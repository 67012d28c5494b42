// docs/escrow.md §1 and §8: the nonce counts the changes that leave a deal open; closing actions do not advance it,
// so a deal can always close, even at the maximum nonce (reached here by writing the deal's storage slot).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  AMOUNT,
  DAY,
  WINDOW,
  ETH,
  Status,
  arbiterParams,
  createDeal,
  domainOf,
  encodeState,
  ethDealsFixture,
  findStateKey,
  getState,
  now,
  signRefund,
  signRelease,
  signSettle,
  writeState,
} from "../helpers/escrow";

const MILESTONES = [AMOUNT / 2n, AMOUNT - AMOUNT / 2n];
const MAX_NONCE = 65_535n;
/** The last nonce a discretionary change may leave (E-A10): the two values above it are kept for markPaid and dispute. */
const LAST_DISCRETIONARY = MAX_NONCE - 2n;

async function nonceFixture() {
  const fx = await ethDealsFixture();
  const milestoneDeal = await createDeal(
    fx.escrow,
    fx.depositor,
    arbiterParams(fx, ETH, fx.deadline, { salt: 40n }),
    MILESTONES,
  );
  return { ...fx, milestoneDeal, domain: await domainOf(fx.escrow), expiry: fx.deadline };
}

type Fx = Awaited<ReturnType<typeof nonceFixture>>;

describe("nonce (§1, E-A8, E-S2)", function () {
  describe("changes that leave the deal open advance it by one (§1)", function () {
    it("advances on partial release, refund, signed release, signed refund, milestone, markPaid, revoke and dispute", async function () {
      const fx = await loadFixture(nonceFixture);
      const { escrow, depositor, beneficiary, relayer, milestoneDeal: m, domain, expiry } = fx;
      const steps: Array<() => Promise<ContractTransactionResponse>> = [
        () => escrow.connect(depositor).release(m.deal, 1n),
        () => escrow.connect(beneficiary).refund(m.deal, 1n),
        async () =>
          escrow
            .connect(relayer)
            .releaseWithSig(
              m.deal,
              1n,
              expiry,
              await signRelease(depositor, domain, { dealId: m.dealId, amount: 1n, nonce: 2n, expiry }),
            ),
        async () =>
          escrow
            .connect(relayer)
            .refundWithSig(
              m.deal,
              1n,
              expiry,
              await signRefund(beneficiary, domain, { dealId: m.dealId, amount: 1n, nonce: 3n, expiry }),
            ),
        () => escrow.connect(depositor).releaseMilestone(m.deal, MILESTONES, 0),
        () => escrow.connect(beneficiary).markPaid(m.deal),
        () => escrow.connect(beneficiary).revokeSignatures(m.deal),
        () => escrow.connect(depositor).dispute(m.deal),
      ];
      for (const [i, step] of steps.entries()) {
        await step();
        const s = await getState(escrow, m.dealId);
        expect(s.nonce, `after step ${i}`).to.equal(BigInt(i + 1));
        expect(s.status).not.to.equal(Status.Closed);
      }
    });
  });

  describe("closing actions leave it unchanged (§1)", function () {
    const closers: Array<[string, (fx: Fx) => Promise<unknown>]> = [
      ["a full release", (fx) => fx.escrow.connect(fx.depositor).release(fx.arbiterDeal.deal, AMOUNT)],
      ["a full refund", (fx) => fx.escrow.connect(fx.beneficiary).refund(fx.arbiterDeal.deal, AMOUNT)],
      [
        "a signed full release",
        async (fx) =>
          fx.escrow.connect(fx.relayer).releaseWithSig(
            fx.arbiterDeal.deal,
            AMOUNT,
            fx.expiry,
            await signRelease(fx.depositor, fx.domain, {
              dealId: fx.arbiterDeal.dealId,
              amount: AMOUNT,
              nonce: 1n,
              expiry: fx.expiry,
            }),
          ),
      ],
      [
        "a signed full refund",
        async (fx) =>
          fx.escrow.connect(fx.relayer).refundWithSig(
            fx.arbiterDeal.deal,
            AMOUNT,
            fx.expiry,
            await signRefund(fx.beneficiary, fx.domain, {
              dealId: fx.arbiterDeal.dealId,
              amount: AMOUNT,
              nonce: 1n,
              expiry: fx.expiry,
            }),
          ),
      ],
      ["the last milestone", (fx) => fx.escrow.connect(fx.depositor).releaseMilestone(fx.arbiterDeal.deal, [], 0)],
      [
        "a settlement",
        async (fx) =>
          fx.escrow.connect(fx.depositor).settle(
            fx.arbiterDeal.deal,
            1n,
            fx.expiry,
            "0x",
            await signSettle(fx.beneficiary, fx.domain, {
              dealId: fx.arbiterDeal.dealId,
              toBeneficiary: 1n,
              nonce: 1n,
              expiry: fx.expiry,
            }),
          ),
      ],
      [
        "a timeout",
        async (fx) => {
          await time.increaseTo(fx.deadline + 1n);
          return fx.escrow.connect(fx.stranger).triggerTimeout(fx.arbiterDeal.deal);
        },
      ],
    ];
    for (const [label, close] of closers) {
      it(`keeps the nonce at 1 when ${label} closes a deal revoked once`, async function () {
        const fx = await loadFixture(nonceFixture);
        await fx.escrow.connect(fx.depositor).revokeSignatures(fx.arbiterDeal.deal);
        await close(fx);
        const s = await getState(fx.escrow, fx.arbiterDeal.dealId);
        expect([s.status, s.nonce]).to.deep.equal([Status.Closed, 1n]);
      });
    }

    it("keeps the nonce at 1 when a ruling or the fallback closes a disputed deal", async function () {
      for (const close of ["resolve", "fallback"] as const) {
        const fx = await loadFixture(nonceFixture);
        await fx.escrow.connect(fx.depositor).dispute(fx.arbiterDeal.deal);
        if (close === "resolve") {
          await fx.escrow.connect(fx.arbiter).resolve(fx.arbiterDeal.deal, 0n);
        } else {
          await time.increase(DAY + 1n);
          await fx.escrow.connect(fx.stranger).triggerTimeout(fx.arbiterDeal.deal);
        }
        const s = await getState(fx.escrow, fx.arbiterDeal.dealId);
        expect([s.status, s.nonce], close).to.deep.equal([Status.Closed, 1n]);
      }
    });
  });

  describe("storage layout of DealState (§1)", function () {
    it("keeps the whole state in one slot, packed as specified", async function () {
      const fx = await loadFixture(nonceFixture);
      const { escrow, arbiterDeal, depositor, beneficiary } = fx;
      await escrow.connect(depositor).release(arbiterDeal.deal, 12_345n);
      await escrow.connect(beneficiary).refund(arbiterDeal.deal, 678n);
      await escrow.connect(depositor).dispute(arbiterDeal.deal);
      const state = await getState(escrow, arbiterDeal.dealId);
      expect(state.disputedAt).to.be.greaterThan(0n);
      const key = await findStateKey(fx, arbiterDeal.dealId);
      const word = BigInt(await ethers.provider.getStorage(fx.escrowAddress, key));
      expect(word).to.equal(encodeState(state));
      // The next slot is empty: nothing of the state spills over.
      const next = ethers.toBeHex(BigInt(key) + 1n, 32);
      expect(await ethers.provider.getStorage(fx.escrowAddress, next)).to.equal(ethers.ZeroHash);
    });
  });

  describe("at the last discretionary nonce (65,533, E-A10)", function () {
    async function fixtureAt(nonce: bigint) {
      const fx = await nonceFixture();
      for (const d of [fx.arbiterDeal, fx.milestoneDeal]) {
        await writeState(fx, d.dealId, { status: Status.Active, nonce, disputedAt: 0n, released: 0n, refunded: 0n });
      }
      return fx;
    }
    const exhaustedFixture = () => fixtureAt(LAST_DISCRETIONARY);
    const oneBelowFixture = () => fixtureAt(LAST_DISCRETIONARY - 1n);

    const discretionary: Array<[string, (fx: Fx) => Promise<unknown>]> = [
      ["a partial release", (fx) => fx.escrow.connect(fx.depositor).release(fx.arbiterDeal.deal, 1n)],
      ["a partial refund", (fx) => fx.escrow.connect(fx.beneficiary).refund(fx.arbiterDeal.deal, 1n)],
      [
        "a partial milestone release",
        (fx) => fx.escrow.connect(fx.depositor).releaseMilestone(fx.milestoneDeal.deal, MILESTONES, 0),
      ],
      ["revokeSignatures", (fx) => fx.escrow.connect(fx.depositor).revokeSignatures(fx.arbiterDeal.deal)],
    ];
    for (const [label, act] of discretionary) {
      it(`reverts with EscrowNonceExhausted for ${label} at 65,533`, async function () {
        const fx = await loadFixture(exhaustedFixture);
        const dealId = label.includes("milestone") ? fx.milestoneDeal.dealId : fx.arbiterDeal.dealId;
        await expect(act(fx)).to.be.revertedWithCustomError(fx.escrow, "EscrowNonceExhausted").withArgs(dealId);
      });

      it(`accepts ${label} at 65,532, leaving 65,533`, async function () {
        const fx = await loadFixture(oneBelowFixture);
        const dealId = label.includes("milestone") ? fx.milestoneDeal.dealId : fx.arbiterDeal.dealId;
        await act(fx);
        expect((await getState(fx.escrow, dealId)).nonce).to.equal(LAST_DISCRETIONARY);
      });
    }

    it("still lets the beneficiary mark paid (65,534), then either party dispute (65,535), then the arbiter rule", async function () {
      const fx = await loadFixture(exhaustedFixture);
      const { escrow, arbiterDeal } = fx;
      await escrow.connect(fx.beneficiary).markPaid(arbiterDeal.deal);
      expect(await getState(escrow, arbiterDeal.dealId)).to.include({ status: Status.Paid, nonce: MAX_NONCE - 1n });
      await escrow.connect(fx.depositor).dispute(arbiterDeal.deal);
      expect(await getState(escrow, arbiterDeal.dealId)).to.include({ status: Status.Disputed, nonce: MAX_NONCE });
      // At the top nothing discretionary moves the nonce, and the exits need none.
      await expect(escrow.connect(fx.beneficiary).revokeSignatures(arbiterDeal.deal))
        .to.be.revertedWithCustomError(escrow, "EscrowNonceExhausted")
        .withArgs(arbiterDeal.dealId);
      await expect(escrow.connect(fx.arbiter).resolve(arbiterDeal.deal, 0n)).to.emit(escrow, "DealResolved");
    });

    it("still lets either party dispute an Active deal (65,534), and the ruling or the fallback ends it", async function () {
      const fx = await loadFixture(exhaustedFixture);
      const { escrow, arbiterDeal } = fx;
      await escrow.connect(fx.beneficiary).dispute(arbiterDeal.deal);
      const s = await getState(escrow, arbiterDeal.dealId);
      expect([s.status, s.nonce]).to.deep.equal([Status.Disputed, MAX_NONCE - 1n]);
      await time.increaseTo(s.disputedAt + WINDOW + 1n);
      await expect(escrow.connect(fx.stranger).triggerTimeout(arbiterDeal.deal)).to.emit(escrow, "DealTimedOut");
    });

    it("still closes by a full release, paying the beneficiary", async function () {
      const fx = await loadFixture(exhaustedFixture);
      await expect(fx.escrow.connect(fx.depositor).release(fx.arbiterDeal.deal, AMOUNT)).to.changeEtherBalance(
        fx.beneficiary,
        AMOUNT - AMOUNT / 100n,
      );
      expect(await getState(fx.escrow, fx.arbiterDeal.dealId)).to.deep.equal({
        status: Status.Closed,
        nonce: LAST_DISCRETIONARY,
        disputedAt: 0n,
        released: AMOUNT,
        refunded: 0n,
      });
    });

    it("still closes by a full refund, a settlement signed at nonce 65,533, or a timeout", async function () {
      for (const how of ["refund", "settle", "timeout"] as const) {
        const fx = await loadFixture(exhaustedFixture);
        const { escrow, arbiterDeal } = fx;
        if (how === "refund") {
          await escrow.connect(fx.beneficiary).refund(arbiterDeal.deal, AMOUNT);
        } else if (how === "settle") {
          const expiry = (await now()) + DAY;
          const sig = await signSettle(fx.beneficiary, fx.domain, {
            dealId: arbiterDeal.dealId,
            toBeneficiary: 0n,
            nonce: LAST_DISCRETIONARY,
            expiry,
          });
          await escrow.connect(fx.depositor).settle(arbiterDeal.deal, 0n, expiry, "0x", sig);
        } else {
          await time.increaseTo(fx.deadline + 1n);
          await escrow.connect(fx.stranger).triggerTimeout(arbiterDeal.deal);
        }
        const s = await getState(escrow, arbiterDeal.dealId);
        expect([s.status, s.nonce, s.refunded], how).to.deep.equal([Status.Closed, LAST_DISCRETIONARY, AMOUNT]);
      }
    });

    it("still lets the arbiter rule on a dispute at nonce 65,535", async function () {
      const fx = await loadFixture(exhaustedFixture);
      const disputedAt = await now();
      await writeState(fx, fx.arbiterDeal.dealId, {
        status: Status.Disputed,
        nonce: MAX_NONCE,
        disputedAt,
        released: 0n,
        refunded: 0n,
      });
      await expect(fx.escrow.connect(fx.arbiter).resolve(fx.arbiterDeal.deal, 0n)).to.emit(fx.escrow, "DealResolved");
      const s = await getState(fx.escrow, fx.arbiterDeal.dealId);
      expect([s.status, s.nonce, s.disputedAt]).to.deep.equal([Status.Closed, MAX_NONCE, disputedAt]);
    });
  });
});
