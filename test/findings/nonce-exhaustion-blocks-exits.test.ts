// Finding (independent review, issue 9): either party alone could raise a deal's 16-bit nonce to its limit with
// `revokeSignatures` (no cost but gas: ~65,500 calls, cheap on an L2), after which `dispute` and `markPaid` reverted
// with EscrowNonceExhausted. A beneficiary who had marked paid could freeze the depositor's dispute; on a
// refund-by-default desk trade the seller could stop the buyer from marking paid and let the timeout refund the
// seller, who kept both the crypto and the fiat. Fix (docs/escrow.md §1, E-A10): discretionary changes stop at nonce
// 65,533; the two values above are kept for markPaid and dispute, which each happen at most once.
// The deals start a few revocations below the limit (written to storage: 65,500 real calls would take minutes); every
// step from there is a real call.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Status, WINDOW, ethDealsFixture, getState, writeState } from "../helpers/escrow";

const START = 65_530n;

async function nearLimitFixture() {
  const fx = await ethDealsFixture();
  await writeState(fx, fx.arbiterDeal.dealId, {
    status: Status.Active,
    nonce: START,
    disputedAt: 0n,
    released: 0n,
    refunded: 0n,
  });
  return fx;
}

/** Revokes until the contract refuses (EscrowNonceExhausted), returning how many revocations it took. */
async function revokeUntilExhausted(
  fx: Awaited<ReturnType<typeof nearLimitFixture>>,
  who: "depositor" | "beneficiary",
) {
  const { escrow, arbiterDeal } = fx;
  let count = 0;
  for (; count <= 10; count++) {
    const attempt = escrow.connect(fx[who]).revokeSignatures.staticCall(arbiterDeal.deal);
    if (!(await attempt.then(() => true).catch(() => false))) break;
    await escrow.connect(fx[who]).revokeSignatures(arbiterDeal.deal);
  }
  await expect(escrow.connect(fx[who]).revokeSignatures(arbiterDeal.deal))
    .to.be.revertedWithCustomError(escrow, "EscrowNonceExhausted")
    .withArgs(arbiterDeal.dealId);
  return count;
}

describe("finding: one party could spend the nonce that the other's exits need (E-A10)", function () {
  it("lets the buyer mark paid after the seller exhausted the nonce, so the timeout cannot refund the seller", async function () {
    const fx = await loadFixture(nearLimitFixture);
    const { escrow, arbiterDeal } = fx;
    expect(await revokeUntilExhausted(fx, "depositor")).to.equal(3); // 65,530 -> 65,533
    await escrow.connect(fx.beneficiary).markPaid(arbiterDeal.deal);
    await time.increaseTo(fx.deadline + 1n);
    await expect(escrow.connect(fx.stranger).triggerTimeout(arbiterDeal.deal))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
      .withArgs(arbiterDeal.dealId, Status.Paid);
  });

  it("lets the depositor dispute after the beneficiary marked paid and exhausted the nonce, and the arbiter rules", async function () {
    const fx = await loadFixture(nearLimitFixture);
    const { escrow, arbiterDeal } = fx;
    await escrow.connect(fx.beneficiary).markPaid(arbiterDeal.deal); // 65,531
    expect(await revokeUntilExhausted(fx, "beneficiary")).to.equal(2); // 65,533
    await expect(escrow.connect(fx.depositor).dispute(arbiterDeal.deal)).to.emit(escrow, "DealDisputed");
    const state = await getState(escrow, arbiterDeal.dealId);
    expect([state.status, state.nonce]).to.deep.equal([Status.Disputed, 65_534n]);
    await expect(escrow.connect(fx.arbiter).resolve(arbiterDeal.deal, 0n)).to.emit(escrow, "DealResolved");
  });

  it("lets a party dispute an Active deal the other exhausted, and the fallback applies after the window", async function () {
    const fx = await loadFixture(nearLimitFixture);
    const { escrow, arbiterDeal } = fx;
    await revokeUntilExhausted(fx, "beneficiary");
    await escrow.connect(fx.depositor).dispute(arbiterDeal.deal);
    const { disputedAt } = await getState(escrow, arbiterDeal.dealId);
    await time.increaseTo(disputedAt + WINDOW + 1n);
    await expect(escrow.connect(fx.stranger).triggerTimeout(arbiterDeal.deal)).to.emit(escrow, "DealTimedOut");
  });
});
