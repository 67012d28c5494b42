import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, getAddress, hexlify, keccak256, solidityPacked } from "ethers";
import {
  ESCROW_LIMITS,
  InvalidParameterError,
  Outcome,
  computeDealId,
  milestonesHash,
  packTerms,
  toDealId,
  unpackTerms,
  type DealTerms,
} from "../../../sdk";
import { DAY, sdkFixture } from "../../helpers/sdk";

const MAX_UINT96 = (1n << 96n) - 1n;
const MAX_UINT40 = 2 ** 40 - 1;
const MAX_UINT32 = 2 ** 32 - 1;
const MAX_UINT16 = 2 ** 16 - 1;

const ZERO_TERMS: DealTerms = {
  amount: 0n,
  deadline: 0,
  disputeWindow: 0,
  defaultOutcome: Outcome.Release,
  fallbackBps: 0,
  arbiterFeeBps: 0,
  protocolFeeBps: 0,
  salt: 0,
};

const termsArbitrary = fc.record({
  amount: fc.bigInt({ min: 0n, max: MAX_UINT96 }),
  deadline: fc.integer({ min: 0, max: MAX_UINT40 }),
  disputeWindow: fc.integer({ min: 0, max: MAX_UINT32 }),
  defaultOutcome: fc.constantFrom(Outcome.Release, Outcome.Refund),
  fallbackBps: fc.integer({ min: 0, max: MAX_UINT16 }),
  arbiterFeeBps: fc.integer({ min: 0, max: MAX_UINT16 }),
  protocolFeeBps: fc.integer({ min: 0, max: MAX_UINT16 }),
  salt: fc.integer({ min: 0, max: MAX_UINT32 }),
});

function expectInvalid(action: () => unknown, parameter: string) {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).code).to.equal("INVALID_PARAMETER");
    expect((error as InvalidParameterError).details.parameter).to.equal(parameter);
    return;
  }
  expect.fail(`expected an InvalidParameterError on ${parameter}`);
}

describe("sdk/escrow/terms", function () {
  describe("packTerms / unpackTerms", function () {
    it("places each field at DealLib's bit offset", function () {
      expect(packTerms({ ...ZERO_TERMS, amount: 1n })).to.equal(1n);
      expect(packTerms({ ...ZERO_TERMS, deadline: 1 })).to.equal(1n << 96n);
      expect(packTerms({ ...ZERO_TERMS, disputeWindow: 1 })).to.equal(1n << 136n);
      expect(packTerms({ ...ZERO_TERMS, defaultOutcome: Outcome.Refund })).to.equal(1n << 168n);
      expect(packTerms({ ...ZERO_TERMS, fallbackBps: 1 })).to.equal(1n << 176n);
      expect(packTerms({ ...ZERO_TERMS, arbiterFeeBps: 1 })).to.equal(1n << 192n);
      expect(packTerms({ ...ZERO_TERMS, protocolFeeBps: 1 })).to.equal(1n << 208n);
      expect(packTerms({ ...ZERO_TERMS, salt: 1 })).to.equal(1n << 224n);
    });

    it("round-trips every field at its maximum: the max uint96 amount and the max salt fill the word", function () {
      const max: DealTerms = {
        amount: MAX_UINT96,
        deadline: MAX_UINT40,
        disputeWindow: MAX_UINT32,
        defaultOutcome: Outcome.Refund,
        fallbackBps: MAX_UINT16,
        arbiterFeeBps: MAX_UINT16,
        protocolFeeBps: MAX_UINT16,
        salt: MAX_UINT32,
      };
      const word = packTerms(max);
      // Every bit is set except bits 169..175 (the outcome byte holds 1).
      expect(word).to.equal((1n << 256n) - 1n - (0x7fn << 169n));
      expect(unpackTerms(word)).to.deep.equal(max);
      expect(unpackTerms(packTerms({ ...ZERO_TERMS, salt: MAX_UINT32 })).salt).to.equal(MAX_UINT32);
      expect(unpackTerms(packTerms({ ...ZERO_TERMS, amount: MAX_UINT96 })).amount).to.equal(MAX_UINT96);
    });

    it("round-trips random terms", function () {
      fc.assert(
        fc.property(termsArbitrary, (terms) => {
          expect(unpackTerms(packTerms(terms))).to.deep.equal(terms);
        }),
        { numRuns: 500 },
      );
    });

    it("rejects a value wider than its field, naming the field", function () {
      expectInvalid(() => packTerms({ ...ZERO_TERMS, amount: 1n << 96n }), "amount");
      expectInvalid(() => packTerms({ ...ZERO_TERMS, amount: -1n }), "amount");
      expectInvalid(() => packTerms({ ...ZERO_TERMS, salt: 2 ** 32 }), "salt");
      expectInvalid(() => packTerms({ ...ZERO_TERMS, deadline: 2 ** 40 }), "deadline");
      expectInvalid(() => packTerms({ ...ZERO_TERMS, fallbackBps: 1.5 }), "fallbackBps");
      expectInvalid(() => packTerms({ ...ZERO_TERMS, defaultOutcome: 2 as Outcome }), "defaultOutcome");
    });

    it("unpackTerms rejects what is not a uint256", function () {
      expectInvalid(() => unpackTerms(-1n), "terms");
      expectInvalid(() => unpackTerms(1n << 256n), "terms");
      expectInvalid(() => unpackTerms(5 as unknown as bigint), "terms");
    });
  });

  describe("agreement with the contract", function () {
    it("packTerms equals the contract's packTerms view for random valid terms", async function () {
      const f = await loadFixture(sdkFixture);
      await f.escrow.connect(f.owner).setProtocolFee(37, f.feeRecipient.address);
      const now = await time.latest();
      const validTerms = fc.record({
        amount: fc.bigInt({ min: 1n, max: MAX_UINT96 }),
        // Leave a margin for the block the view is evaluated in.
        deadline: fc.integer({ min: now + 60, max: now + ESCROW_LIMITS.maxDuration - 60 }),
        withArbiter: fc.boolean(),
        disputeWindow: fc.integer({ min: ESCROW_LIMITS.minDisputeWindow, max: ESCROW_LIMITS.maxDisputeWindow }),
        defaultOutcome: fc.constantFrom(Outcome.Release, Outcome.Refund),
        fallbackBps: fc.integer({ min: 0, max: ESCROW_LIMITS.maxFallbackBps }),
        arbiterFeeBps: fc.integer({ min: 0, max: ESCROW_LIMITS.maxArbiterFeeBps }),
        salt: fc.integer({ min: 0, max: MAX_UINT32 }),
      });
      await fc.assert(
        fc.asyncProperty(validTerms, async ({ withArbiter, ...t }) => {
          const terms: DealTerms = withArbiter
            ? { ...t, protocolFeeBps: 37 }
            : { ...t, disputeWindow: 0, fallbackBps: 0, arbiterFeeBps: 0, protocolFeeBps: 37 };
          const onChain = await f.escrow.packTerms({
            beneficiary: f.beneficiary.address,
            arbiter: withArbiter ? f.arbiter.address : ZeroAddress,
            token: ZeroAddress,
            ...terms,
          });
          expect(packTerms(terms)).to.equal(onChain);
          expect(unpackTerms(onChain)).to.deep.equal(terms);
        }),
        { numRuns: 40 },
      );
    });

    it("computeDealId equals the contract's computeDealId for random deals", async function () {
      const f = await loadFixture(sdkFixture);
      const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(hexlify(bytes)));
      const deal = fc.record({
        depositor: address,
        beneficiary: address,
        arbiter: address,
        token: address,
        terms: fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        milestonesHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hexlify(bytes)),
      });
      await fc.assert(
        fc.asyncProperty(deal, async (d) => {
          expect(computeDealId(d)).to.equal(await f.escrow.computeDealId(d));
        }),
        { numRuns: 40 },
      );
    });

    it("milestonesHash equals the hash the contract records at creation", async function () {
      const f = await loadFixture(sdkFixture);
      const milestones = [100n, 250n, 650n];
      const { deal } = await f.depositorClient.createDeal({
        beneficiary: f.beneficiary.address,
        amount: 1_000n,
        deadline: (await time.latest()) + DAY,
        defaultOutcome: Outcome.Release,
        milestones,
      });
      expect(deal.milestonesHash).to.equal(milestonesHash(milestones));
      expect(milestonesHash(milestones)).to.equal(keccak256(solidityPacked(["uint256[]"], [milestones])));
    });

    it("milestonesHash of an empty list is zero", function () {
      expect(milestonesHash([])).to.equal(ZeroHash);
    });
  });

  describe("toDealId", function () {
    it("lowercases a 32-byte hex string so ids compare with ===", function () {
      expect(toDealId("0x" + "AB".repeat(32))).to.equal("0x" + "ab".repeat(32));
    });

    it("rejects anything else", function () {
      expectInvalid(() => toDealId("0x1234"), "dealId");
      expectInvalid(() => toDealId("ab".repeat(32)), "dealId");
    });
  });
});
