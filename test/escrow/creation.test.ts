// docs/escrow.md §2: creation rules E-C1…E-C9 (token-specific cases of E-C7/E-C8 are in tokens.ts).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  DAY,
  ETH,
  MAX_ARBITER_FEE_BPS,
  MAX_DISPUTE_WINDOW,
  MAX_DURATION,
  MAX_MILESTONES,
  MIN_DISPUTE_WINDOW,
  Outcome,
  PROTOCOL_FEE_BPS,
  Status,
  arbiterParams,
  atTime,
  createDeal,
  dealIdOf,
  dealTuple,
  escrowFixture,
  expectBalanceChanges,
  expectState,
  feeEscrowFixture,
  milestonesHashOf,
  now,
  packTerms,
  plainParams,
  unpackTerms,
  type DealParams,
  type EscrowFixture,
} from "../helpers/escrow";

const T0_OFFSET = 1_000n;

/** The fee escrow with a fixed "now" for the next block, so that deadlines can be placed exactly. */
async function creationFixture() {
  const fx = await feeEscrowFixture();
  const t0 = (await now()) + T0_OFFSET;
  return { ...fx, t0 };
}

function ethArbiter(fx: EscrowFixture & { t0: bigint }, over: Partial<DealParams> = {}) {
  return arbiterParams(fx, ETH, fx.t0 + 7n * DAY, over);
}

function ethPlain(fx: EscrowFixture & { t0: bigint }, over: Partial<DealParams> = {}) {
  return plainParams(fx, ETH, fx.t0 + 7n * DAY, over);
}

describe("Escrow creation", function () {
  describe("DealCreated and the stored deal", function () {
    it("stores an Active deal under keccak256(abi.encode(deal)) with the terms packed as in DealLib", async function () {
      const fx = await loadFixture(creationFixture);
      const { escrow, depositor, beneficiary, arbiter } = fx;
      const params = ethArbiter(fx, { salt: 0xdeadbeefn });
      await atTime(fx.t0);
      const created = await createDeal(escrow, depositor, params);
      const expectedTerms = packTerms({
        amount: AMOUNT,
        deadline: params.deadline,
        disputeWindow: params.disputeWindow,
        defaultOutcome: BigInt(Outcome.Refund),
        fallbackBps: params.fallbackBps,
        arbiterFeeBps: params.arbiterFeeBps,
        protocolFeeBps: PROTOCOL_FEE_BPS,
        salt: 0xdeadbeefn,
      });
      expect(created.deal).to.deep.equal({
        depositor: depositor.address,
        beneficiary: beneficiary.address,
        arbiter: arbiter.address,
        token: ETH,
        terms: expectedTerms,
        milestonesHash: ethers.ZeroHash,
      });
      expect(created.dealId).to.equal(dealIdOf(created.deal));
      expect(await escrow.computeDealId(created.deal)).to.equal(created.dealId);
      await expect(created.tx)
        .to.emit(escrow, "DealCreated")
        .withArgs(created.dealId, depositor.address, beneficiary.address, dealTuple(created.deal));
      await expect(created.tx).not.to.emit(escrow, "DealMilestones");
      await expectState(escrow, created.dealId, {
        status: Status.Active,
        nonce: 0n,
        disputedAt: 0n,
        released: 0n,
        refunded: 0n,
      });
    });

    it("packTerms on-chain equals the test-side packing and unpacks field by field", async function () {
      const fx = await loadFixture(creationFixture);
      const params = ethArbiter(fx, {
        amount: (1n << 96n) - 1n,
        disputeWindow: MAX_DISPUTE_WINDOW,
        fallbackBps: 10_000n,
        arbiterFeeBps: MAX_ARBITER_FEE_BPS,
        salt: (1n << 32n) - 1n,
      });
      const onChain = await fx.escrow.packTerms(params);
      expect(unpackTerms(onChain)).to.deep.equal({
        amount: params.amount,
        deadline: params.deadline,
        disputeWindow: MAX_DISPUTE_WINDOW,
        defaultOutcome: 1n,
        fallbackBps: 10_000n,
        arbiterFeeBps: MAX_ARBITER_FEE_BPS,
        protocolFeeBps: PROTOCOL_FEE_BPS,
        salt: (1n << 32n) - 1n,
      });
    });

    it("packTerms reverts with the creation errors for out-of-range values", async function () {
      const fx = await loadFixture(creationFixture);
      await expect(fx.escrow.packTerms(ethArbiter(fx, { amount: 0n })))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidAmount")
        .withArgs(0n);
      await expect(fx.escrow.packTerms(ethArbiter(fx, { salt: 1n << 32n })))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidSalt")
        .withArgs(1n << 32n);
    });

    it("returns the deal id from createDeal", async function () {
      const fx = await loadFixture(creationFixture);
      const params = ethPlain(fx);
      const id = await fx.escrow.connect(fx.depositor).createDeal.staticCall(params, [], { value: AMOUNT });
      const created = await createDeal(fx.escrow, fx.depositor, params);
      expect(id).to.equal(created.dealId);
    });

    it("moves exactly the amount from the depositor to the escrow (ETH)", async function () {
      const fx = await loadFixture(creationFixture);
      const tx = fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx), [], { value: AMOUNT });
      await expectBalanceChanges(tx, ETH, [fx.depositor, fx.escrowAddress], [-AMOUNT, AMOUNT]);
    });

    it("moves exactly the amount from the depositor to the escrow (ERC20)", async function () {
      const fx = await loadFixture(creationFixture);
      const tx = fx.escrow.connect(fx.depositor).createDeal(plainParams(fx, fx.tokenAddress, fx.t0 + DAY), []);
      await expectBalanceChanges(tx, fx.tokenAddress, [fx.depositor, fx.escrowAddress], [-AMOUNT, AMOUNT]);
    });
  });

  describe("E-C1 pause", function () {
    it("reverts with EscrowCreationPaused while creation is paused, for ETH, ERC20 and permit creation", async function () {
      const fx = await loadFixture(creationFixture);
      const { escrow, owner, depositor } = fx;
      await expect(escrow.connect(owner).setCreationPaused(true)).to.emit(escrow, "CreationPausedSet").withArgs(true);
      expect((await escrow.config()).creationPaused).to.equal(true);
      await expect(
        escrow.connect(depositor).createDeal(ethPlain(fx), [], { value: AMOUNT }),
      ).to.be.revertedWithCustomError(escrow, "EscrowCreationPaused");
      const erc20 = plainParams(fx, fx.tokenAddress, fx.t0 + DAY);
      await expect(escrow.connect(depositor).createDeal(erc20, [])).to.be.revertedWithCustomError(
        escrow,
        "EscrowCreationPaused",
      );
      await expect(
        escrow.connect(depositor).createDealWithPermit(erc20, [], 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(escrow, "EscrowCreationPaused");
    });

    it("creates again once the owner unpauses", async function () {
      const fx = await loadFixture(creationFixture);
      await fx.escrow.connect(fx.owner).setCreationPaused(true);
      await expect(fx.escrow.connect(fx.owner).setCreationPaused(false))
        .to.emit(fx.escrow, "CreationPausedSet")
        .withArgs(false);
      const created = await createDeal(fx.escrow, fx.depositor, ethPlain(fx));
      expect((await fx.escrow.getDealState(created.dealId)).status).to.equal(Status.Active);
    });
  });

  describe("E-C2 beneficiary", function () {
    for (const [label, pick] of [
      ["the zero address", () => ethers.ZeroAddress],
      ["the depositor", (fx: EscrowFixture) => fx.depositor.address],
      ["the escrow", (fx: EscrowFixture) => fx.escrowAddress],
    ] as const) {
      it(`reverts with EscrowInvalidBeneficiary when the beneficiary is ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        const bad = pick(fx);
        await expect(
          fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { beneficiary: bad }), [], { value: AMOUNT }),
        )
          .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidBeneficiary")
          .withArgs(bad);
      });
    }
  });

  describe("E-C3 arbiter and arbiter terms", function () {
    for (const [label, pick] of [
      ["the depositor", (fx: EscrowFixture) => fx.depositor.address],
      ["the beneficiary", (fx: EscrowFixture) => fx.beneficiary.address],
      // The escrow can never call resolve: such a deal could only end by the fallback split.
      ["the escrow itself", (fx: EscrowFixture) => fx.escrowAddress],
    ] as const) {
      it(`reverts with EscrowInvalidArbiter when the arbiter is ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        const bad = pick(fx);
        await expect(
          fx.escrow.connect(fx.depositor).createDeal(ethArbiter(fx, { arbiter: bad }), [], { value: AMOUNT }),
        )
          .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidArbiter")
          .withArgs(bad);
      });
    }

    for (const field of ["disputeWindow", "fallbackBps", "arbiterFeeBps"] as const) {
      it(`reverts with EscrowInvalidArbiterTerms when there is no arbiter and ${field} is not 0`, async function () {
        const fx = await loadFixture(creationFixture);
        const value = field === "disputeWindow" ? MIN_DISPUTE_WINDOW : 1n;
        await expect(
          fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { [field]: value }), [], { value: AMOUNT }),
        ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidArbiterTerms");
      });
    }

    for (const window of [0n, MIN_DISPUTE_WINDOW - 1n, MAX_DISPUTE_WINDOW + 1n]) {
      it(`reverts with EscrowInvalidDisputeWindow for a window of ${window} s with an arbiter`, async function () {
        const fx = await loadFixture(creationFixture);
        await expect(
          fx.escrow.connect(fx.depositor).createDeal(ethArbiter(fx, { disputeWindow: window }), [], { value: AMOUNT }),
        )
          .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidDisputeWindow")
          .withArgs(window);
      });
    }

    it("accepts dispute windows of exactly MIN_DISPUTE_WINDOW and MAX_DISPUTE_WINDOW", async function () {
      const fx = await loadFixture(creationFixture);
      for (const [salt, window] of [
        [10n, MIN_DISPUTE_WINDOW],
        [11n, MAX_DISPUTE_WINDOW],
      ]) {
        const { deal } = await createDeal(fx.escrow, fx.depositor, ethArbiter(fx, { disputeWindow: window, salt }));
        expect(unpackTerms(deal.terms).disputeWindow).to.equal(window);
      }
    });

    it("reverts with EscrowInvalidArbiterTerms when fallbackBps is 10,001", async function () {
      const fx = await loadFixture(creationFixture);
      await expect(
        fx.escrow.connect(fx.depositor).createDeal(ethArbiter(fx, { fallbackBps: 10_001n }), [], { value: AMOUNT }),
      ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidArbiterTerms");
    });

    it("reverts with EscrowInvalidArbiterTerms when arbiterFeeBps is 1,001", async function () {
      const fx = await loadFixture(creationFixture);
      await expect(
        fx.escrow.connect(fx.depositor).createDeal(ethArbiter(fx, { arbiterFeeBps: MAX_ARBITER_FEE_BPS + 1n }), [], {
          value: AMOUNT,
        }),
      ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidArbiterTerms");
    });

    it("accepts fallbackBps 10,000 and arbiterFeeBps 1,000", async function () {
      const fx = await loadFixture(creationFixture);
      const { deal } = await createDeal(
        fx.escrow,
        fx.depositor,
        ethArbiter(fx, { fallbackBps: 10_000n, arbiterFeeBps: MAX_ARBITER_FEE_BPS }),
      );
      const t = unpackTerms(deal.terms);
      expect([t.fallbackBps, t.arbiterFeeBps]).to.deep.equal([10_000n, MAX_ARBITER_FEE_BPS]);
    });
  });

  describe("E-C4 deadline", function () {
    for (const [label, offset] of [
      ["equal to now", 0n],
      ["before now", -1n],
      ["at now + MAX_DURATION + 1", MAX_DURATION + 1n],
    ] as const) {
      it(`reverts with EscrowInvalidDeadline for a deadline ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        const deadline = fx.t0 + offset;
        await atTime(fx.t0);
        await expect(fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { deadline }), [], { value: AMOUNT }))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidDeadline")
          .withArgs(deadline);
      });
    }

    for (const [label, offset] of [
      ["now + 1", 1n],
      ["now + MAX_DURATION", MAX_DURATION],
    ] as const) {
      it(`accepts a deadline at ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        await atTime(fx.t0);
        const { deal } = await createDeal(fx.escrow, fx.depositor, ethPlain(fx, { deadline: fx.t0 + offset }));
        expect(unpackTerms(deal.terms).deadline).to.equal(fx.t0 + offset);
      });
    }
  });

  describe("E-C5 amount and salt", function () {
    it("reverts with EscrowInvalidAmount for amount 0", async function () {
      const fx = await loadFixture(creationFixture);
      await expect(fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { amount: 0n }), [], { value: 0n }))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidAmount")
        .withArgs(0n);
    });

    it("reverts with EscrowInvalidAmount for amount 2^96", async function () {
      const fx = await loadFixture(creationFixture);
      const amount = 1n << 96n;
      await expect(
        fx.escrow.connect(fx.depositor).createDeal(plainParams(fx, fx.tokenAddress, fx.t0 + DAY, { amount }), []),
      )
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidAmount")
        .withArgs(amount);
    });

    it("accepts amount 2^96 - 1 and holds all of it", async function () {
      const fx = await loadFixture(creationFixture);
      const amount = (1n << 96n) - 1n;
      await fx.token.mint(fx.depositor.address, amount);
      const { deal, tx } = await createDeal(
        fx.escrow,
        fx.depositor,
        plainParams(fx, fx.tokenAddress, fx.t0 + DAY, { amount }),
      );
      expect(unpackTerms(deal.terms).amount).to.equal(amount);
      await expectBalanceChanges(tx, fx.tokenAddress, [fx.escrowAddress], [amount]);
    });

    it("reverts with EscrowInvalidSalt for salt 2^32 and accepts 2^32 - 1", async function () {
      const fx = await loadFixture(creationFixture);
      await expect(fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { salt: 1n << 32n }), [], { value: AMOUNT }))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidSalt")
        .withArgs(1n << 32n);
      const { deal } = await createDeal(fx.escrow, fx.depositor, ethPlain(fx, { salt: (1n << 32n) - 1n }));
      expect(unpackTerms(deal.terms).salt).to.equal((1n << 32n) - 1n);
    });
  });

  describe("E-C6 milestones", function () {
    it("stores the hash of the list and emits DealMilestones with it", async function () {
      const fx = await loadFixture(creationFixture);
      const ms = [AMOUNT - 300n, 100n, 200n];
      const created = await createDeal(fx.escrow, fx.depositor, ethPlain(fx), ms);
      expect(created.deal.milestonesHash).to.equal(milestonesHashOf(ms));
      expect(created.deal.milestonesHash).to.equal(ethers.solidityPackedKeccak256(["uint256[]"], [ms]));
      await expect(created.tx).to.emit(fx.escrow, "DealMilestones").withArgs(created.dealId, ms);
    });

    it("accepts MAX_MILESTONES (16) milestones", async function () {
      const fx = await loadFixture(creationFixture);
      const ms = Array.from({ length: MAX_MILESTONES }, () => 1n);
      const created = await createDeal(fx.escrow, fx.depositor, ethPlain(fx, { amount: 16n }), ms);
      expect(created.deal.milestonesHash).to.equal(milestonesHashOf(ms));
    });

    const invalid: Array<[string, bigint, bigint[]]> = [
      ["17 milestones", 17n, Array.from({ length: MAX_MILESTONES + 1 }, () => 1n)],
      ["a zero milestone", 3n, [1n, 0n, 2n]],
      ["a sum below the amount", 4n, [1n, 2n]],
      ["a sum above the amount", 2n, [1n, 2n]],
      ["a single milestone that is not the amount", 3n, [2n]],
    ];
    for (const [label, amount, ms] of invalid) {
      it(`reverts with EscrowInvalidMilestones for ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        await expect(
          fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx, { amount }), ms, { value: amount }),
        ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidMilestones");
      });
    }
  });

  describe("E-C7 value", function () {
    for (const [label, value] of [
      ["1 wei less than the amount", AMOUNT - 1n],
      ["1 wei more than the amount", AMOUNT + 1n],
      ["no value", 0n],
    ] as const) {
      it(`reverts with EscrowValueMismatch when an ETH deal sends ${label}`, async function () {
        const fx = await loadFixture(creationFixture);
        await expect(fx.escrow.connect(fx.depositor).createDeal(ethPlain(fx), [], { value }))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowValueMismatch")
          .withArgs(value, AMOUNT);
      });
    }
  });

  describe("E-C9 unique id", function () {
    it("reverts with EscrowDealExists for a second deal with identical terms, and a new salt makes it distinct", async function () {
      const fx = await loadFixture(creationFixture);
      const params = ethPlain(fx);
      const first = await createDeal(fx.escrow, fx.depositor, params);
      await expect(fx.escrow.connect(fx.depositor).createDeal(params, [], { value: AMOUNT }))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDealExists")
        .withArgs(first.dealId);
      const second = await createDeal(fx.escrow, fx.depositor, { ...params, salt: params.salt + 1n });
      expect(second.dealId).not.to.equal(first.dealId);
    });

    it("reverts with EscrowDealExists when recreating a closed deal, so its id is never reused", async function () {
      const fx = await loadFixture(creationFixture);
      const params = ethPlain(fx);
      const first = await createDeal(fx.escrow, fx.depositor, params);
      await fx.escrow.connect(fx.depositor).release(first.deal, AMOUNT);
      await expectState(fx.escrow, first.dealId, {
        status: Status.Closed,
        nonce: 0n,
        disputedAt: 0n,
        released: AMOUNT,
        refunded: 0n,
      });
      await expect(fx.escrow.connect(fx.depositor).createDeal(params, [], { value: AMOUNT }))
        .to.be.revertedWithCustomError(fx.escrow, "EscrowDealExists")
        .withArgs(first.dealId);
    });

    it("gives the same params a different id when the protocol fee changed (the fee is part of the terms)", async function () {
      const fx = await loadFixture(escrowFixture);
      const deadline = (await now()) + DAY;
      const params = plainParams(fx, ETH, deadline);
      const zeroFee = await createDeal(fx.escrow, fx.depositor, params);
      await fx.escrow.connect(fx.owner).setProtocolFee(50n, fx.feeRecipient.address);
      const withFee = await createDeal(fx.escrow, fx.depositor, params);
      expect(unpackTerms(zeroFee.deal.terms).protocolFeeBps).to.equal(0n);
      expect(unpackTerms(withFee.deal.terms).protocolFeeBps).to.equal(50n);
      expect(withFee.dealId).not.to.equal(zeroFee.dealId);
    });
  });
});
