// docs/escrow.md §3, rule E-A9 (a closed or unknown deal accepts no action; terms that differ in any field find
// no deal), and every function called by a stranger.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  AMOUNT,
  DAY,
  ETH,
  Status,
  dealIdOf,
  ethDealsFixture,
  expectState,
  now,
  unpackTerms,
  withTermsField,
  type Deal,
  type DealsFixture,
  type TermsFields,
} from "../helpers/escrow";

type Action = [label: string, run: (fx: DealsFixture, deal: Deal) => Promise<ContractTransactionResponse>];

/** Every deal action, each sent by the account allowed to make it, so that only the deal lookup can fail. */
function actions(): Action[] {
  const expiry = 2n ** 40n;
  return [
    ["release", (fx, d) => fx.escrow.connect(fx.depositor).release(d, 1n)],
    ["releaseMilestone", (fx, d) => fx.escrow.connect(fx.depositor).releaseMilestone(d, [], 0)],
    ["refund", (fx, d) => fx.escrow.connect(fx.beneficiary).refund(d, 1n)],
    ["releaseWithSig", (fx, d) => fx.escrow.connect(fx.relayer).releaseWithSig(d, 1n, expiry, "0x")],
    ["refundWithSig", (fx, d) => fx.escrow.connect(fx.relayer).refundWithSig(d, 1n, expiry, "0x")],
    ["markPaid", (fx, d) => fx.escrow.connect(fx.beneficiary).markPaid(d)],
    ["dispute", (fx, d) => fx.escrow.connect(fx.depositor).dispute(d)],
    ["resolve", (fx, d) => fx.escrow.connect(fx.arbiter).resolve(d, 0n)],
    ["settle", (fx, d) => fx.escrow.connect(fx.depositor).settle(d, 0n, expiry, "0x", "0x")],
    ["triggerTimeout", (fx, d) => fx.escrow.connect(fx.stranger).triggerTimeout(d)],
    ["revokeSignatures", (fx, d) => fx.escrow.connect(fx.depositor).revokeSignatures(d)],
  ];
}

describe("E-A9 closed and unknown deals", function () {
  for (const [label, run] of actions()) {
    it(`reverts with EscrowDealNotFound when ${label} names a deal that was never created`, async function () {
      const fx = await loadFixture(ethDealsFixture);
      const unknown = { ...fx.arbiterDeal.deal, terms: withTermsField(fx.arbiterDeal.deal.terms, "salt", 999n) };
      await expect(run(fx, unknown))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDealNotFound")
        .withArgs(dealIdOf(unknown));
    });
  }

  for (const [label, run] of actions()) {
    it(`reverts with EscrowInvalidStatus(Closed) when ${label} names a closed deal`, async function () {
      const fx = await loadFixture(ethDealsFixture);
      const { escrow, arbiterDeal } = fx;
      await escrow.connect(fx.depositor).release(arbiterDeal.deal, AMOUNT);
      await expect(run(fx, arbiterDeal.deal))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(arbiterDeal.dealId, Status.Closed);
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Closed,
        nonce: 0n,
        disputedAt: 0n,
        released: AMOUNT,
        refunded: 0n,
      });
    });
  }

  describe("terms that differ in a single field find no deal", function () {
    const dealFields: Array<[string, (fx: DealsFixture, d: Deal) => Deal]> = [
      ["depositor", (fx, d) => ({ ...d, depositor: fx.stranger.address })],
      ["beneficiary", (fx, d) => ({ ...d, beneficiary: fx.stranger.address })],
      ["arbiter (another)", (fx, d) => ({ ...d, arbiter: fx.stranger.address })],
      ["arbiter (none)", (_fx, d) => ({ ...d, arbiter: ethers.ZeroAddress })],
      ["token", (fx, d) => ({ ...d, token: fx.tokenAddress })],
      ["milestonesHash", (_fx, d) => ({ ...d, milestonesHash: ethers.keccak256(ethers.toBeHex(AMOUNT, 32)) })],
    ];
    for (const [field, alter] of dealFields) {
      it(`reverts with EscrowDealNotFound when Deal.${field} differs`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        const altered = alter(fx, fx.arbiterDeal.deal);
        await expect(fx.escrow.connect(fx.depositor).release(altered, 1n))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowDealNotFound")
          .withArgs(dealIdOf(altered));
      });
    }

    const termsFields: Array<[keyof TermsFields, (v: bigint) => bigint]> = [
      ["amount", (v) => v + 1n],
      ["deadline", (v) => v + 1n],
      ["disputeWindow", (v) => v + 1n],
      ["defaultOutcome", (v) => 1n - v],
      ["fallbackBps", (v) => v + 1n],
      ["arbiterFeeBps", (v) => v - 1n],
      ["protocolFeeBps", (v) => v - 1n],
      ["salt", (v) => v + 1n],
    ];
    for (const [field, change] of termsFields) {
      it(`reverts with EscrowDealNotFound when Terms.${field} differs`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        const deal = fx.arbiterDeal.deal;
        const value = change(unpackTerms(deal.terms)[field]);
        const altered = { ...deal, terms: withTermsField(deal.terms, field, value) };
        expect(unpackTerms(altered.terms)[field]).to.equal(value);
        await expect(fx.escrow.connect(fx.depositor).release(altered, 1n))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowDealNotFound")
          .withArgs(dealIdOf(altered));
        // The original terms still work: the failure above is the altered field, not the call.
        await fx.escrow.connect(fx.depositor).release(deal, 1n);
        expect((await fx.escrow.getDealState(fx.arbiterDeal.dealId)).released).to.equal(1n);
      });
    }
  });
});

describe("a stranger calling every function", function () {
  type StrangerCase = [
    label: string,
    run: (fx: DealsFixture) => Promise<ContractTransactionResponse>,
    error: string,
    args: (fx: DealsFixture) => unknown[],
  ];
  const unauthorized = (fx: DealsFixture) => [fx.arbiterDeal.dealId, fx.stranger.address];
  const cases: StrangerCase[] = [
    [
      "release",
      (fx) => fx.escrow.connect(fx.stranger).release(fx.arbiterDeal.deal, 1n),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "releaseMilestone",
      (fx) => fx.escrow.connect(fx.stranger).releaseMilestone(fx.arbiterDeal.deal, [], 0),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "refund",
      (fx) => fx.escrow.connect(fx.stranger).refund(fx.arbiterDeal.deal, 1n),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "markPaid",
      (fx) => fx.escrow.connect(fx.stranger).markPaid(fx.arbiterDeal.deal),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "dispute",
      (fx) => fx.escrow.connect(fx.stranger).dispute(fx.arbiterDeal.deal),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "resolve",
      (fx) => fx.escrow.connect(fx.stranger).resolve(fx.arbiterDeal.deal, 0n),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "revokeSignatures",
      (fx) => fx.escrow.connect(fx.stranger).revokeSignatures(fx.arbiterDeal.deal),
      "EscrowUnauthorized",
      unauthorized,
    ],
    [
      "settle without signatures",
      (fx) => fx.escrow.connect(fx.stranger).settle(fx.arbiterDeal.deal, 0n, 2n ** 40n, "0x", "0x"),
      "EscrowInvalidSignature",
      (fx) => [fx.depositor.address],
    ],
    [
      "releaseWithSig without a signature",
      (fx) => fx.escrow.connect(fx.stranger).releaseWithSig(fx.arbiterDeal.deal, 1n, 2n ** 40n, "0x"),
      "EscrowInvalidSignature",
      (fx) => [fx.depositor.address],
    ],
    [
      "refundWithSig without a signature",
      (fx) => fx.escrow.connect(fx.stranger).refundWithSig(fx.arbiterDeal.deal, 1n, 2n ** 40n, "0x"),
      "EscrowInvalidSignature",
      (fx) => [fx.beneficiary.address],
    ],
    [
      "triggerTimeout before the deadline",
      (fx) => fx.escrow.connect(fx.stranger).triggerTimeout(fx.arbiterDeal.deal),
      "EscrowTimeoutNotReached",
      (fx) => [fx.arbiterDeal.dealId, fx.deadline + 1n],
    ],
    [
      "setProtocolFee",
      (fx) => fx.escrow.connect(fx.stranger).setProtocolFee(0n, fx.stranger.address),
      "OwnableUnauthorizedAccount",
      (fx) => [fx.stranger.address],
    ],
    [
      "setCreationPaused",
      (fx) => fx.escrow.connect(fx.stranger).setCreationPaused(true),
      "OwnableUnauthorizedAccount",
      (fx) => [fx.stranger.address],
    ],
    [
      "transferOwnership",
      (fx) => fx.escrow.connect(fx.stranger).transferOwnership(fx.stranger.address),
      "OwnableUnauthorizedAccount",
      (fx) => [fx.stranger.address],
    ],
    [
      "renounceOwnership",
      (fx) => fx.escrow.connect(fx.stranger).renounceOwnership(),
      "OwnableUnauthorizedAccount",
      (fx) => [fx.stranger.address],
    ],
    [
      "acceptOwnership",
      (fx) => fx.escrow.connect(fx.stranger).acceptOwnership(),
      "OwnableUnauthorizedAccount",
      (fx) => [fx.stranger.address],
    ],
    [
      "withdraw",
      (fx) => fx.escrow.connect(fx.stranger).withdraw(ETH, fx.stranger.address),
      "PullPaymentsNothingToWithdraw",
      (fx) => [fx.stranger.address, ETH],
    ],
  ];
  for (const [label, run, error, args] of cases) {
    it(`reverts with ${error} when a stranger calls ${label}`, async function () {
      const fx = await loadFixture(ethDealsFixture);
      await expect(run(fx))
        .to.be.revertedWithCustomError(fx.escrow, error)
        .withArgs(...args(fx));
      await expectState(fx.escrow, fx.arbiterDeal.dealId, {
        status: Status.Active,
        nonce: 0n,
        disputedAt: 0n,
        released: 0n,
        refunded: 0n,
      });
    });
  }

  it("reverts with EscrowNothingToCollect when a stranger collects fees that have not accrued", async function () {
    const fx = await loadFixture(ethDealsFixture);
    await expect(fx.escrow.connect(fx.stranger).collectProtocolFees(ETH))
      .to.be.revertedWithCustomError(fx.escrow, "EscrowNothingToCollect")
      .withArgs(ETH);
  });

  it("lets a stranger trigger the timeout after the deadline (the one deal action open to anyone)", async function () {
    const fx = await loadFixture(ethDealsFixture);
    await time.increaseTo(fx.deadline + 1n);
    await expect(fx.escrow.connect(fx.stranger).triggerTimeout(fx.plainDeal.deal)).to.emit(fx.escrow, "DealTimedOut");
    expect((await fx.escrow.getDealState(fx.plainDeal.dealId)).status).to.equal(Status.Closed);
  });

  it("keeps a stranger's late calls failing: past the deadline a stranger still cannot release, refund or dispute", async function () {
    const fx = await loadFixture(ethDealsFixture);
    await time.increaseTo((await now()) + 30n * DAY);
    const s = fx.escrow.connect(fx.stranger);
    for (const call of [
      () => s.release(fx.arbiterDeal.deal, 1n),
      () => s.refund(fx.arbiterDeal.deal, 1n),
      () => s.dispute(fx.arbiterDeal.deal),
    ]) {
      await expect(call())
        .to.be.revertedWithCustomError(fx.escrow, "EscrowUnauthorized")
        .withArgs(fx.arbiterDeal.dealId, fx.stranger.address);
    }
  });
});
