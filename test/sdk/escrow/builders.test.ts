import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, type Signer } from "ethers";
import {
  DealStatus,
  Outcome,
  decodeEscrowEvents,
  signPermit,
  type DealId,
  type EscrowClient,
  type EscrowEvent,
  type PreparedTransaction,
  type WriteReturnType,
} from "../../../sdk";
import { DAY, dealTerms, sdkFixture, type SdkFixture } from "../../helpers/sdk";

/** Two deals with identical terms but for the salt: one driven by the client, one by a raw built transaction. */
async function twoDealsFixture() {
  const f = await sdkFixture();
  await f.escrow.connect(f.owner).setProtocolFee(50, f.feeRecipient.address);
  const terms = await dealTerms(f, {
    withArbiter: true,
    defaultOutcome: Outcome.Refund,
    milestones: [400_000n, 600_000n],
  });
  const viaClient = await f.depositorClient.createDeal({ ...terms, salt: 1 });
  const viaBuilder = await f.depositorClient.createDeal({ ...terms, salt: 2 });
  return { ...f, terms, deals: [viaClient.dealId, viaBuilder.dealId] as const };
}

type Fixture = Awaited<ReturnType<typeof twoDealsFixture>>;
type Party = "depositor" | "beneficiary" | "arbiter" | "relayer";
/** What the signed actions take besides the deal; unused fields keep their empty defaults. */
type Context = { expiry: number; signature: string; depositorSignature: string; beneficiarySignature: string };
const NO_CONTEXT: Context = { expiry: 0, signature: "0x", depositorSignature: "0x", beneficiarySignature: "0x" };

type Case = {
  action: string;
  sender: Party;
  /** Brings a deal to the state the action needs and returns what the action takes (signatures, expiry). */
  prepare?: (f: Fixture, dealId: DealId) => Promise<Partial<Context>>;
  build: (client: EscrowClient, deal: DealId, ctx: Context) => Promise<PreparedTransaction>;
  send: (client: EscrowClient, deal: DealId, ctx: Context) => Promise<WriteReturnType>;
};

const expiryIn = async (seconds: number) => (await time.latest()) + seconds;

const CASES: Case[] = [
  {
    action: "release",
    sender: "depositor",
    build: (c, deal) => c.buildRelease({ deal, amount: 123_456n }),
    send: (c, deal) => c.release({ deal, amount: 123_456n }),
  },
  {
    action: "releaseMilestone",
    sender: "depositor",
    build: (c, deal) => c.buildReleaseMilestone({ deal, index: 0 }),
    send: (c, deal) => c.releaseMilestone({ deal, index: 0 }),
  },
  {
    action: "refund",
    sender: "beneficiary",
    build: (c, deal) => c.buildRefund({ deal, amount: 7_000n }),
    send: (c, deal) => c.refund({ deal, amount: 7_000n }),
  },
  {
    action: "releaseWithSig",
    sender: "relayer",
    prepare: async (f, deal) => {
      const expiry = await expiryIn(DAY);
      const { signature } = await f.depositorClient.signRelease({ deal, amount: 5_000n, expiry });
      return { expiry, signature };
    },
    build: (c, deal, { expiry, signature }) =>
      c.buildReleaseWithSig({ deal, amount: 5_000n, expiry, signature: signature }),
    send: (c, deal, { expiry, signature }) => c.releaseWithSig({ deal, amount: 5_000n, expiry, signature: signature }),
  },
  {
    action: "refundWithSig",
    sender: "relayer",
    prepare: async (f, deal) => {
      const expiry = await expiryIn(DAY);
      const { signature } = await f.beneficiaryClient.signRefund({ deal, amount: 5_000n, expiry });
      return { expiry, signature };
    },
    build: (c, deal, { expiry, signature }) =>
      c.buildRefundWithSig({ deal, amount: 5_000n, expiry, signature: signature }),
    send: (c, deal, { expiry, signature }) => c.refundWithSig({ deal, amount: 5_000n, expiry, signature: signature }),
  },
  {
    action: "markPaid",
    sender: "beneficiary",
    build: (c, deal) => c.buildMarkPaid({ deal }),
    send: (c, deal) => c.markPaid({ deal }),
  },
  {
    action: "dispute",
    sender: "depositor",
    build: (c, deal) => c.buildDispute({ deal }),
    send: (c, deal) => c.dispute({ deal }),
  },
  {
    action: "resolve",
    sender: "arbiter",
    prepare: async (f, deal) => {
      await f.beneficiaryClient.dispute({ deal });
      return {};
    },
    build: (c, deal) => c.buildResolve({ deal, toBeneficiary: 500_000n }),
    send: (c, deal) => c.resolve({ deal, toBeneficiary: 500_000n }),
  },
  {
    action: "settle",
    sender: "relayer",
    prepare: async (f, deal) => {
      const expiry = await expiryIn(DAY);
      const depositorSignature = (await f.depositorClient.signSettle({ deal, toBeneficiary: 800_000n, expiry }))
        .signature;
      const beneficiarySignature = (await f.beneficiaryClient.signSettle({ deal, toBeneficiary: 800_000n, expiry }))
        .signature;
      return { expiry, depositorSignature, beneficiarySignature };
    },
    build: (c, deal, ctx) =>
      c.buildSettle({
        deal,
        toBeneficiary: 800_000n,
        expiry: ctx.expiry,
        depositorSignature: ctx.depositorSignature,
        beneficiarySignature: ctx.beneficiarySignature,
      }),
    send: (c, deal, ctx) =>
      c.settle({
        deal,
        toBeneficiary: 800_000n,
        expiry: ctx.expiry,
        depositorSignature: ctx.depositorSignature,
        beneficiarySignature: ctx.beneficiarySignature,
      }),
  },
  {
    action: "triggerTimeout",
    sender: "relayer",
    prepare: async (f) => {
      // Both deals share the deadline: the first preparation moves past it, the second finds it passed.
      const deadline = Number(f.terms.deadline);
      if ((await time.latest()) <= deadline) await time.increaseTo(deadline + 1);
      return {};
    },
    build: (c, deal) => c.buildTriggerTimeout({ deal }),
    send: (c, deal) => c.triggerTimeout({ deal }),
  },
  {
    action: "revokeSignatures",
    sender: "beneficiary",
    build: (c, deal) => c.buildRevokeSignatures({ deal }),
    send: (c, deal) => c.revokeSignatures({ deal }),
  },
];

function signerOf(f: SdkFixture, party: Party): Signer {
  return f[party];
}

/** Events with the deal id and the log location taken out, so the two deals' events compare equal. */
function withoutDealId(events: EscrowEvent[], dealId: DealId) {
  return events.map(({ log: _log, ...event }) => {
    expect("dealId" in event ? event.dealId : dealId).to.equal(dealId);
    return { ...event, dealId: "<id>" };
  });
}

/** A deal's state, with the dispute time reduced to whether there is one: the two deals' blocks differ. */
async function comparableState(f: SdkFixture, dealId: DealId) {
  const state = await f.readClient.getDealState({ dealId });
  return { ...state, disputedAt: state.disputedAt > 0 };
}

describe("EscrowClient builders: { to, data, value } sent by any wallet has the sending method's effect", function () {
  for (const testCase of CASES) {
    it(`${testCase.action}: the built transaction, sent raw, does what the client's ${testCase.action} does`, async function () {
      const f = await loadFixture(twoDealsFixture);
      const [clientDeal, builtDeal] = f.deals;
      const clientContext = { ...NO_CONTEXT, ...(await testCase.prepare?.(f, clientDeal)) };
      const builtContext = { ...NO_CONTEXT, ...(await testCase.prepare?.(f, builtDeal)) };
      const sender = signerOf(f, testCase.sender);

      const viaClient = await testCase.send(f.client(sender), clientDeal, clientContext);

      // Built by a read-only client: no signer involved until the raw send.
      const request = await testCase.build(f.readClient, builtDeal, builtContext);
      expect(Object.keys(request).sort()).to.deep.equal(["data", "to", "value"]);
      expect(request.to).to.equal(f.address);
      expect(request.value).to.equal(0n);
      const receipt = await (await sender.sendTransaction(request))!.wait();
      const viaBuilder = decodeEscrowEvents({ receipt: receipt!, address: f.address });

      expect(viaBuilder.length).to.be.greaterThan(0);
      expect(withoutDealId(viaBuilder, builtDeal)).to.deep.equal(withoutDealId(viaClient.events, clientDeal));
      expect(await comparableState(f, builtDeal)).to.deep.equal(await comparableState(f, clientDeal));
    });
  }

  it("buildCreateDeal for ETH: the raw transaction creates the predicted deal", async function () {
    const f = await loadFixture(sdkFixture);
    const built = await f.readClient.buildCreateDeal({ ...(await dealTerms(f)), depositor: f.depositor.address });
    expect(built.value).to.equal(1_000_000n);
    const receipt = await (
      await f.depositor.sendTransaction({ to: built.to, data: built.data, value: built.value })
    ).wait();
    const [created] = decodeEscrowEvents({ receipt: receipt!, address: f.address });
    expect(created).to.deep.include({ type: "DealCreated", dealId: built.dealId, deal: built.deal });
    expect((await f.readClient.getDealState({ dealId: built.dealId })).status).to.equal(DealStatus.Active);
  });

  it("buildCreateDeal for an ERC20 with a permit: one raw transaction, no prior approval", async function () {
    const f = await loadFixture(sdkFixture);
    const deadline = (await time.latest()) + 600;
    const { v, r, s } = await signPermit({
      signer: f.depositor,
      token: f.tokenAddress,
      spender: f.address,
      value: 1_000_000n,
      deadline,
    });
    const built = await f.readClient.buildCreateDeal({
      ...(await dealTerms(f, { token: f.tokenAddress })),
      depositor: f.depositor.address,
      permit: { deadline, v, r, s },
    });
    expect(built.value).to.equal(0n);
    expect(built.data.slice(0, 10)).to.equal(f.escrow.interface.getFunction("createDealWithPermit").selector);
    await (await f.depositor.sendTransaction(built)).wait();
    expect((await f.readClient.getDealState({ dealId: built.dealId })).status).to.equal(DealStatus.Active);
    expect(await f.token.balanceOf(f.address)).to.equal(1_000_000n);
  });

  it("buildCollectProtocolFees sent raw moves the fees; buildWithdraw encodes withdraw(token, to)", async function () {
    const f = await loadFixture(twoDealsFixture);
    await f.depositorClient.release({ deal: f.deals[0], amount: 1_000_000n });
    // 0.5% of 1,000,000 accrued for the protocol.
    expect(await f.readClient.protocolFeesOf()).to.equal(5_000n);
    const before = await ethers.provider.getBalance(f.feeRecipient.address);
    await (await f.stranger.sendTransaction(await f.readClient.buildCollectProtocolFees())).wait();
    expect((await ethers.provider.getBalance(f.feeRecipient.address)) - before).to.equal(5_000n);

    const request = await f.readClient.buildWithdraw({ to: f.stranger.address });
    expect(request.data).to.equal(f.escrow.interface.encodeFunctionData("withdraw", [ZeroAddress, f.stranger.address]));
  });
});
