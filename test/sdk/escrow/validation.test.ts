import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import {
  ESCROW_LIMITS,
  EscrowClient,
  InvalidParameterError,
  Outcome,
  RunnerError,
  unpackTerms,
  type DealParameters,
} from "../../../sdk";
import { DAY, dealTerms, expectSdkError, sdkFixture, type SdkFixture } from "../../helpers/sdk";

type Case = { name: string; parameter: string; terms: (f: SdkFixture, now: number) => Partial<DealParameters> };

const ARBITER = (f: SdkFixture) => ({ arbiter: f.arbiter.address, disputeWindow: DAY });

/** One case per creation rule of docs/escrow.md §2 that the SDK checks before sending. */
const CREATION_CASES: Case[] = [
  { name: "a zero amount (E-C5)", parameter: "amount", terms: () => ({ amount: 0n }) },
  { name: "an amount of 2^96 (E-C5)", parameter: "amount", terms: () => ({ amount: 1n << 96n }) },
  { name: "an amount given as a number", parameter: "amount", terms: () => ({ amount: 1000 as unknown as bigint }) },
  {
    name: "a deadline at the latest block's time (E-C4)",
    parameter: "deadline",
    terms: (_f, now) => ({ deadline: now }),
  },
  { name: "a deadline in the past (E-C4)", parameter: "deadline", terms: (_f, now) => ({ deadline: now - DAY }) },
  {
    name: "a deadline beyond MAX_DURATION (E-C4)",
    parameter: "deadline",
    terms: (_f, now) => ({ deadline: now + ESCROW_LIMITS.maxDuration + 1 }),
  },
  { name: "a fractional deadline", parameter: "deadline", terms: (_f, now) => ({ deadline: now + 0.5 }) },
  {
    name: "a dispute window without an arbiter (E-C3)",
    parameter: "disputeWindow",
    terms: () => ({ disputeWindow: DAY }),
  },
  { name: "a fallback share without an arbiter (E-C3)", parameter: "fallbackBps", terms: () => ({ fallbackBps: 1 }) },
  { name: "an arbiter fee without an arbiter (E-C3)", parameter: "arbiterFeeBps", terms: () => ({ arbiterFeeBps: 1 }) },
  {
    name: "an arbiter with a dispute window under an hour (E-C3)",
    parameter: "disputeWindow",
    terms: (f) => ({ ...ARBITER(f), disputeWindow: ESCROW_LIMITS.minDisputeWindow - 1 }),
  },
  {
    name: "an arbiter with a dispute window over 365 days (E-C3)",
    parameter: "disputeWindow",
    terms: (f) => ({ ...ARBITER(f), disputeWindow: ESCROW_LIMITS.maxDisputeWindow + 1 }),
  },
  {
    name: "a fallback share over 100% (E-C3)",
    parameter: "fallbackBps",
    terms: (f) => ({ ...ARBITER(f), fallbackBps: 10_001 }),
  },
  {
    name: "an arbiter fee over 10% (E-C3)",
    parameter: "arbiterFeeBps",
    terms: (f) => ({ ...ARBITER(f), arbiterFeeBps: 1_001 }),
  },
  {
    name: "the depositor as arbiter (E-C3)",
    parameter: "arbiter",
    terms: (f) => ({ ...ARBITER(f), arbiter: f.depositor.address }),
  },
  {
    name: "the beneficiary as arbiter (E-C3)",
    parameter: "arbiter",
    terms: (f) => ({ ...ARBITER(f), arbiter: f.beneficiary.address }),
  },
  {
    name: "the depositor as beneficiary (E-C2)",
    parameter: "beneficiary",
    terms: (f) => ({ beneficiary: f.depositor.address }),
  },
  {
    name: "the zero address as beneficiary (E-C2)",
    parameter: "beneficiary",
    terms: () => ({ beneficiary: ZeroAddress }),
  },
  { name: "the escrow as beneficiary (E-C2)", parameter: "beneficiary", terms: (f) => ({ beneficiary: f.address }) },
  { name: "a malformed beneficiary", parameter: "beneficiary", terms: () => ({ beneficiary: "0x1234" }) },
  {
    name: "milestones not summing to the amount (E-C6)",
    parameter: "milestones",
    terms: () => ({ milestones: [1n, 2n] }),
  },
  {
    name: "17 milestones (E-C6)",
    parameter: "milestones",
    terms: () => ({ amount: 17n, milestones: Array.from({ length: 17 }, () => 1n) }),
  },
  { name: "a zero milestone (E-C6)", parameter: "milestones[1]", terms: () => ({ amount: 5n, milestones: [5n, 0n] }) },
  { name: "a salt of 2^32 (E-C5)", parameter: "salt", terms: () => ({ salt: 2 ** 32 }) },
  { name: "a negative salt", parameter: "salt", terms: () => ({ salt: -1 }) },
  { name: "an unknown default outcome", parameter: "defaultOutcome", terms: () => ({ defaultOutcome: 2 as Outcome }) },
];

describe("sdk validation: refused before anything is signed or sent", function () {
  describe("createDeal", function () {
    for (const { name, parameter, terms } of CREATION_CASES) {
      it(`refuses ${name} with INVALID_PARAMETER on ${parameter}`, async function () {
        const f = await loadFixture(sdkFixture);
        const now = await time.latest();
        const sent = await ethers.provider.getTransactionCount(f.depositor.address);
        const params = { ...(await dealTerms(f)), ...terms(f, now) };
        await expectSdkError(f.depositorClient.createDeal(params), InvalidParameterError, "INVALID_PARAMETER", {
          parameter,
        });
        await expectSdkError(
          f.readClient.buildCreateDeal({ ...params, depositor: f.depositor.address }),
          InvalidParameterError,
          "INVALID_PARAMETER",
          {
            parameter,
          },
        );
        expect(await ethers.provider.getTransactionCount(f.depositor.address)).to.equal(sent);
      });
    }

    it("accepts every bound at its limit", async function () {
      const f = await loadFixture(sdkFixture);
      const now = await time.latest();
      const amount = (1n << 96n) - 1n;
      const milestones = [...Array.from({ length: 15 }, () => 1n), amount - 15n];
      const built = await f.readClient.buildCreateDeal({
        depositor: f.depositor.address,
        beneficiary: f.beneficiary.address,
        token: f.tokenAddress,
        amount,
        deadline: now + ESCROW_LIMITS.maxDuration,
        defaultOutcome: Outcome.Refund,
        arbiter: f.arbiter.address,
        disputeWindow: ESCROW_LIMITS.maxDisputeWindow,
        fallbackBps: 10_000,
        arbiterFeeBps: 1_000,
        milestones,
        salt: 2 ** 32 - 1,
      });
      expect(unpackTerms(built.deal.terms)).to.deep.include({ amount, salt: 2 ** 32 - 1, fallbackBps: 10_000 });
      // The contract agrees: the same call succeeds from the depositor and returns the predicted id.
      await f.token.mint(f.depositor.address, amount);
      await f.token.connect(f.depositor).approve(f.address, amount);
      const returned = await ethers.provider.call({ ...built, from: f.depositor.address });
      expect(f.escrow.interface.decodeFunctionResult("createDeal", returned)[0]).to.equal(built.dealId);
    });

    it("refuses funding an ETH deal by approval or permit", async function () {
      const f = await loadFixture(sdkFixture);
      for (const funding of ["approve", "permit"] as const) {
        await expectSdkError(
          f.depositorClient.createDeal({ ...(await dealTerms(f)), funding }),
          InvalidParameterError,
          "INVALID_PARAMETER",
          { parameter: "funding" },
        );
      }
    });

    it("refuses an explicit salt whose deal id is taken", async function () {
      const f = await loadFixture(sdkFixture);
      const terms = { ...(await dealTerms(f)), salt: 77 };
      await f.depositorClient.createDeal(terms);
      await expectSdkError(f.depositorClient.createDeal(terms), InvalidParameterError, "INVALID_PARAMETER", {
        parameter: "salt",
        value: 77,
      });
    });

    it("the SDK's limits are the contract's constants", async function () {
      const f = await loadFixture(sdkFixture);
      expect(ESCROW_LIMITS.maxMilestones).to.equal(Number(await f.escrow.MAX_MILESTONES()));
      expect(ESCROW_LIMITS.maxProtocolFeeBps).to.equal(Number(await f.escrow.MAX_PROTOCOL_FEE_BPS()));
      expect(ESCROW_LIMITS.maxArbiterFeeBps).to.equal(Number(await f.escrow.MAX_ARBITER_FEE_BPS()));
      expect(ESCROW_LIMITS.minDisputeWindow).to.equal(Number(await f.escrow.MIN_DISPUTE_WINDOW()));
      expect(ESCROW_LIMITS.maxDisputeWindow).to.equal(Number(await f.escrow.MAX_DISPUTE_WINDOW()));
      expect(ESCROW_LIMITS.maxDuration).to.equal(Number(await f.escrow.MAX_DURATION()));
    });
  });

  describe("actions", function () {
    async function openDeal() {
      const f = await loadFixture(sdkFixture);
      const created = await f.depositorClient.createDeal(
        await dealTerms(f, { amount: 300n, milestones: [100n, 200n], withArbiter: true }),
      );
      return { f, ...created };
    }

    it("refuses a zero or a number amount", async function () {
      const { f, deal } = await openDeal();
      for (const amount of [0n, 5 as unknown as bigint]) {
        await expectSdkError(f.depositorClient.release({ deal, amount }), InvalidParameterError, "INVALID_PARAMETER", {
          parameter: "amount",
        });
        await expectSdkError(f.beneficiaryClient.refund({ deal, amount }), InvalidParameterError, "INVALID_PARAMETER", {
          parameter: "amount",
        });
      }
    });

    it("refuses a milestone index out of range and a list that is not the deal's", async function () {
      const { f, deal } = await openDeal();
      await expectSdkError(
        f.depositorClient.releaseMilestone({ deal, index: 2 }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        {
          parameter: "index",
        },
      );
      await expectSdkError(
        f.depositorClient.releaseMilestone({ deal, index: 0, milestones: [200n, 100n] }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "milestones" },
      );
    });

    it("refuses a settlement without the other party's signature", async function () {
      const { f, deal } = await openDeal();
      const expiry = (await time.latest()) + DAY;
      await expectSdkError(
        f.readClient.buildSettle({ deal, toBeneficiary: 1n, expiry }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "signatures" },
      );
      await expectSdkError(
        f.depositorClient.settle({ deal, toBeneficiary: 1n, expiry, depositorSignature: "0x" + "11".repeat(65) }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "beneficiarySignature" },
      );
    });

    it("refuses malformed signatures, nonces, recipients and deals", async function () {
      const { f, deal } = await openDeal();
      const expiry = (await time.latest()) + DAY;
      await expectSdkError(
        f.strangerClient.releaseWithSig({ deal, amount: 1n, expiry, signature: "0x123" }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "signature" },
      );
      await expectSdkError(
        f.depositorClient.signRelease({ deal, amount: 1n, expiry, nonce: 70_000 }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "nonce" },
      );
      await expectSdkError(f.strangerClient.withdraw({ to: ZeroAddress }), InvalidParameterError, "INVALID_PARAMETER", {
        parameter: "to",
      });
      await expectSdkError(
        f.depositorClient.dispute({ deal: { ...deal, depositor: "0xnot-an-address" } }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "deal.depositor" },
      );
    });
  });

  describe("runners", function () {
    it("a read-only client refuses to send with SIGNER_REQUIRED, but builds", async function () {
      const f = await loadFixture(sdkFixture);
      const { deal } = await f.depositorClient.createDeal(await dealTerms(f));
      await expectSdkError(f.readClient.release({ deal, amount: 1n }), RunnerError, "SIGNER_REQUIRED");
      expect((await f.readClient.buildRelease({ deal, amount: 1n })).to).to.equal(f.address);
    });

    it("a client without a runner builds from a Deal but cannot read: PROVIDER_REQUIRED", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f));
      const offline = new EscrowClient({ address: f.address, runner: null });
      expect((await offline.buildDispute({ deal })).data.slice(0, 10)).to.equal(
        f.escrow.interface.getFunction("dispute").selector,
      );
      await expectSdkError(offline.getDeal({ dealId }), RunnerError, "PROVIDER_REQUIRED");
    });
  });
});
