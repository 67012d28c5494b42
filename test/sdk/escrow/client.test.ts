import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ZeroAddress,
  makeError,
  type Log,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { BlocklistToken__factory, MockAccount__factory } from "../../../typechain-types";
import {
  AmountError,
  DealLookupError,
  DealStateError,
  DealStatus,
  EscrowClient,
  Outcome,
  SignatureError,
  TransactionError,
  computeDealId,
  milestonesHash,
  unpackTerms,
  type DealParameters,
  type EscrowEvent,
} from "../../../sdk";
import { escrowInterface } from "../../../sdk/internal/abi";
import { ASSETS, DAY, dealTerms, expectSdkError, sdkFixture, type SdkFixture } from "../../helpers/sdk";

/** The events without where they were logged, for exact comparison. */
function payloads(events: EscrowEvent[]) {
  return events.map(({ log: _log, ...payload }) => payload);
}

function gasCost(receipt: TransactionReceipt): bigint {
  return receipt.gasUsed * receipt.gasPrice;
}

describe("EscrowClient", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      async function create(f: SdkFixture, overrides: Partial<DealParameters> & { withArbiter?: boolean } = {}) {
        const terms = await dealTerms(f, { token: asset.token(f), ...overrides });
        const created = await f.depositorClient.createDeal({
          ...terms,
          funding: asset.name === "ERC20" ? "approve" : "allowance",
        });
        return { ...created, params: terms };
      }

      /** Balance changes of `accounts` over `action`, gas paid by each sender added back. */
      async function deltas(f: SdkFixture, accounts: string[], action: () => Promise<{ receipt: TransactionReceipt }>) {
        const before = await Promise.all(accounts.map((account) => asset.balanceOf(f, account)));
        const { receipt } = await action();
        const after = await Promise.all(accounts.map((account) => asset.balanceOf(f, account)));
        return accounts.map((account, i) => {
          const gas = asset.name === "ETH" && account === receipt.from ? gasCost(receipt) : 0n;
          return after[i] - before[i] + gas;
        });
      }

      it("createDeal funds the escrow and returns the deal its DealCreated event recorded", async function () {
        const f = await loadFixture(sdkFixture);
        const [escrowDelta, depositorDelta] = await deltas(f, [f.address, f.depositor.address], () => create(f));
        expect(escrowDelta).to.equal(1_000_000n);
        expect(depositorDelta).to.equal(-1_000_000n);

        const { dealId, deal, terms, milestones, events, params, approvalReceipt } = await create(f);
        expect(dealId).to.equal(computeDealId(deal));
        expect(deal).to.deep.equal({
          depositor: f.depositor.address,
          beneficiary: f.beneficiary.address,
          arbiter: ZeroAddress,
          token: asset.token(f),
          terms: deal.terms,
          milestonesHash: milestonesHash([]),
        });
        expect(terms).to.deep.equal({
          amount: 1_000_000n,
          deadline: params.deadline,
          disputeWindow: 0,
          defaultOutcome: Outcome.Release,
          fallbackBps: 0,
          arbiterFeeBps: 0,
          protocolFeeBps: 0,
          salt: terms.salt,
        });
        expect(milestones).to.deep.equal([]);
        expect(payloads(events)).to.deep.equal([
          {
            type: "DealCreated",
            dealId,
            depositor: f.depositor.address,
            beneficiary: f.beneficiary.address,
            deal,
            terms,
          },
        ]);
        expect((await f.readClient.getDealState({ dealId })).status).to.equal(DealStatus.Active);
        if (asset.name === "ERC20") {
          // Exactly the amount was approved, and the deposit used all of it.
          expect(approvalReceipt?.status).to.equal(1);
          expect(await f.token.allowance(f.depositor.address, f.address)).to.equal(0n);
        } else {
          expect(approvalReceipt).to.equal(undefined);
        }
      });

      it("createDeal draws different random salts for otherwise identical deals", async function () {
        const f = await loadFixture(sdkFixture);
        const terms = await dealTerms(f, { token: asset.token(f) });
        const funding = asset.name === "ERC20" ? "approve" : "allowance";
        const first = await f.depositorClient.createDeal({ ...terms, funding });
        const second = await f.depositorClient.createDeal({ ...terms, funding });
        expect(first.terms.salt).to.not.equal(second.terms.salt);
        expect(first.dealId).to.not.equal(second.dealId);
        expect({ ...first.terms, salt: 0 }).to.deep.equal({ ...second.terms, salt: 0 });
      });

      it("getDeal rebuilds terms, milestones and state from events alone (fresh client, no cache)", async function () {
        const f = await loadFixture(sdkFixture);
        const milestones = [100_000n, 300_000n, 600_000n];
        const { dealId, deal, params } = await create(f, {
          withArbiter: true,
          defaultOutcome: Outcome.Refund,
          milestones,
          salt: 4_000_000_000,
        });
        await f.depositorClient.release({ deal, amount: 50_000n });
        await f.beneficiaryClient.refund({ deal, amount: 20_000n });

        const fresh = new EscrowClient({ address: f.address, runner: ethers.provider });
        const got = await fresh.getDeal({ dealId });
        expect(got.dealId).to.equal(dealId);
        expect(got.deal).to.deep.equal(deal);
        expect(got.terms).to.deep.equal({
          amount: params.amount,
          deadline: params.deadline,
          disputeWindow: params.disputeWindow,
          defaultOutcome: Outcome.Refund,
          fallbackBps: params.fallbackBps,
          arbiterFeeBps: params.arbiterFeeBps,
          protocolFeeBps: 0,
          salt: 4_000_000_000,
        });
        expect(got.milestones).to.deep.equal(milestones);
        expect(got.state).to.deep.equal({
          status: DealStatus.Active,
          nonce: 2,
          disputedAt: 0,
          released: 50_000n,
          refunded: 20_000n,
        });
        expect(got.remaining).to.equal(930_000n);
      });

      it("release pays the beneficiary, advances the nonce and decodes DealReleased", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f);
        let events: EscrowEvent[] = [];
        const [beneficiaryDelta] = await deltas(f, [f.beneficiary.address], async () => {
          const result = await f.depositorClient.release({ deal: dealId, amount: 400_000n });
          events = result.events;
          return result;
        });
        expect(beneficiaryDelta).to.equal(400_000n);
        expect(payloads(events)).to.deep.equal([{ type: "DealReleased", dealId, amount: 400_000n, protocolFee: 0n }]);
        expect(await f.readClient.getDealState({ dealId })).to.deep.equal({
          status: DealStatus.Active,
          nonce: 1,
          disputedAt: 0,
          released: 400_000n,
          refunded: 0n,
        });
        // Releasing the rest closes the deal without advancing the nonce.
        await f.depositorClient.release({ deal, amount: 600_000n });
        expect(await f.readClient.getDealState({ dealId })).to.deep.include({ status: DealStatus.Closed, nonce: 1 });
      });

      it("releaseMilestone releases up to the cumulative end of the milestone, finding the list by deal id", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId } = await create(f, { milestones: [100_000n, 200_000n, 700_000n] });
        const depositor = new EscrowClient({ address: f.address, runner: f.depositor });
        const [gained] = await deltas(f, [f.beneficiary.address], () =>
          depositor.releaseMilestone({ deal: dealId, index: 1 }),
        );
        expect(gained).to.equal(300_000n);
        await expectSdkError(
          depositor.releaseMilestone({ deal: dealId, index: 1 }),
          AmountError,
          "ESCROW_MILESTONE_ALREADY_RELEASED",
          { index: 1n },
        );
        const [rest] = await deltas(f, [f.beneficiary.address], () =>
          depositor.releaseMilestone({ deal: dealId, index: 2 }),
        );
        expect(rest).to.equal(700_000n);
        expect((await f.readClient.getDealState({ dealId })).status).to.equal(DealStatus.Closed);
      });

      it("refund returns part of the remainder to the depositor", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f);
        let events: EscrowEvent[] = [];
        const [depositorDelta] = await deltas(f, [f.depositor.address], async () => {
          const result = await f.beneficiaryClient.refund({ deal, amount: 250_000n });
          events = result.events;
          return result;
        });
        expect(depositorDelta).to.equal(250_000n);
        expect(payloads(events)).to.deep.equal([{ type: "DealRefunded", dealId, amount: 250_000n }]);
      });

      it("markPaid, dispute and resolve: the arbiter takes its fee and splits the rest", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f, { withArbiter: true, defaultOutcome: Outcome.Refund });
        const paid = await f.beneficiaryClient.markPaid({ deal });
        expect(payloads(paid.events)).to.deep.equal([{ type: "DealMarkedPaid", dealId }]);
        const disputed = await f.depositorClient.dispute({ deal: dealId });
        expect(payloads(disputed.events)).to.deep.equal([{ type: "DealDisputed", dealId, by: f.depositor.address }]);
        const state = await f.readClient.getDealState({ dealId });
        expect(state).to.deep.include({ status: DealStatus.Disputed, nonce: 2, disputedAt: await time.latest() });

        let events: EscrowEvent[] = [];
        // Fee 5% of 1,000,000 = 50,000; of the 950,000 left, 600,000 to the beneficiary.
        const [toBeneficiary, toDepositor, toArbiter] = await deltas(
          f,
          [f.beneficiary.address, f.depositor.address, f.arbiter.address],
          async () => {
            const result = await f.arbiterClient.resolve({ deal, toBeneficiary: 600_000n });
            events = result.events;
            return result;
          },
        );
        expect([toBeneficiary, toDepositor, toArbiter]).to.deep.equal([600_000n, 350_000n, 50_000n]);
        expect(payloads(events)).to.deep.equal([
          {
            type: "DealResolved",
            dealId,
            toBeneficiary: 600_000n,
            toDepositor: 350_000n,
            arbiterFee: 50_000n,
            protocolFee: 0n,
          },
        ]);
      });

      it("a partial release while disputed reverts ESCROW_INVALID_STATUS, so the arbiter's remainder stays put", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f, { withArbiter: true });
        await f.depositorClient.dispute({ deal });
        const seen = await f.arbiterClient.getDeal({ dealId });
        await expectSdkError(f.depositorClient.release({ deal, amount: 1n }), DealStateError, "ESCROW_INVALID_STATUS", {
          dealId,
          current: DealStatus.Disputed,
        });
        expect((await f.arbiterClient.getDeal({ dealId })).remaining).to.equal(seen.remaining);
      });

      it("triggerTimeout after the deadline applies the default outcome", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal, params } = await create(f, { defaultOutcome: Outcome.Release });
        await time.increaseTo(BigInt(params.deadline) + 1n);
        let events: EscrowEvent[] = [];
        const [gained] = await deltas(f, [f.beneficiary.address], async () => {
          const result = await f.strangerClient.triggerTimeout({ deal });
          events = result.events;
          return result;
        });
        expect(gained).to.equal(1_000_000n);
        expect(payloads(events)).to.deep.equal([
          {
            type: "DealTimedOut",
            dealId,
            disputed: false,
            toBeneficiary: 1_000_000n,
            toDepositor: 0n,
            protocolFee: 0n,
          },
        ]);
      });

      it("triggerTimeout after the arbiter's window applies the fallback split", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal, params } = await create(f, { withArbiter: true });
        await f.beneficiaryClient.dispute({ deal });
        const { disputedAt } = await f.readClient.getDealState({ dealId });
        await expectSdkError(f.strangerClient.triggerTimeout({ deal }), DealStateError, "ESCROW_TIMEOUT_NOT_REACHED", {
          opensAt: BigInt(disputedAt + Number(params.disputeWindow) + 1),
        });
        await time.increaseTo(disputedAt + Number(params.disputeWindow) + 1);
        const { events } = await f.strangerClient.triggerTimeout({ deal });
        // fallbackBps 2,500: a quarter to the beneficiary, the arbiter earns nothing.
        expect(payloads(events)).to.deep.equal([
          {
            type: "DealTimedOut",
            dealId,
            disputed: true,
            toBeneficiary: 250_000n,
            toDepositor: 750_000n,
            protocolFee: 0n,
          },
        ]);
      });

      it("settle: the depositor submits with the beneficiary's signature", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f);
        const expiry = (await time.latest()) + DAY;
        const { signature } = await f.beneficiaryClient.signSettle({ deal, toBeneficiary: 700_000n, expiry });
        let events: EscrowEvent[] = [];
        const [toBeneficiary, toDepositor] = await deltas(f, [f.beneficiary.address, f.depositor.address], async () => {
          const result = await f.depositorClient.settle({
            deal,
            toBeneficiary: 700_000n,
            expiry,
            beneficiarySignature: signature,
          });
          events = result.events;
          return result;
        });
        expect([toBeneficiary, toDepositor]).to.deep.equal([700_000n, 300_000n]);
        expect(payloads(events)).to.deep.equal([
          { type: "DealSettled", dealId, toBeneficiary: 700_000n, toDepositor: 300_000n, protocolFee: 0n },
        ]);
      });

      it("releaseWithSig and refundWithSig: a relayer submits the parties' signatures", async function () {
        const f = await loadFixture(sdkFixture);
        const relayer = f.client(f.relayer);
        const { dealId, deal } = await create(f);
        const expiry = (await time.latest()) + DAY;
        const release = await f.depositorClient.signRelease({ deal, amount: 100_000n, expiry });
        const released = await relayer.releaseWithSig({ deal, amount: 100_000n, expiry, signature: release.signature });
        expect(payloads(released.events)).to.deep.equal([
          { type: "DealReleased", dealId, amount: 100_000n, protocolFee: 0n },
        ]);
        // The release advanced the nonce: the refund is signed at nonce 1.
        const refund = await f.beneficiaryClient.signRefund({ deal, amount: 30_000n, expiry });
        expect(refund.typedData.message.nonce).to.equal(1);
        const refunded = await relayer.refundWithSig({ deal, amount: 30_000n, expiry, signature: refund.signature });
        expect(payloads(refunded.events)).to.deep.equal([{ type: "DealRefunded", dealId, amount: 30_000n }]);
        expect(await f.readClient.getDealState({ dealId })).to.deep.include({ released: 100_000n, refunded: 30_000n });
      });

      it("revokeSignatures advances the nonce and kills an outstanding signature", async function () {
        const f = await loadFixture(sdkFixture);
        const { dealId, deal } = await create(f);
        const expiry = (await time.latest()) + DAY;
        const { signature } = await f.depositorClient.signRelease({ deal, amount: 1n, expiry });
        const { events } = await f.depositorClient.revokeSignatures({ deal });
        expect(payloads(events)).to.deep.equal([
          { type: "SignaturesRevoked", dealId, by: f.depositor.address, newNonce: 1 },
        ]);
        await expectSdkError(
          f.client(f.relayer).releaseWithSig({ deal, amount: 1n, expiry, signature }),
          SignatureError,
          "ESCROW_INVALID_SIGNATURE",
          { signer: f.depositor.address },
        );
      });
    });
  }

  describe("credits, withdrawals and protocol fees", function () {
    it("an ERC20 payout the token blocks becomes a credit, withdrawn later to any address", async function () {
      const f = await loadFixture(sdkFixture);
      const token = await new BlocklistToken__factory(f.owner).deploy();
      const tokenAddress = await token.getAddress();
      await token.mint(f.depositor.address, 1_000n);
      const { deal } = await f.depositorClient.createDeal({
        ...(await dealTerms(f, { token: tokenAddress, amount: 1_000n })),
        funding: "approve",
      });
      await token.setBlocked(f.beneficiary.address, true);
      const { events } = await f.depositorClient.release({ deal, amount: 1_000n });
      expect(events.map((event) => event.type)).to.deep.equal(["DealReleased", "PaymentCredited"]);
      expect(payloads(events)[1]).to.deep.equal({
        type: "PaymentCredited",
        account: f.beneficiary.address,
        token: tokenAddress,
        amount: 1_000n,
      });
      expect(await f.readClient.creditOf({ token: tokenAddress, account: f.beneficiary.address })).to.equal(1_000n);

      // The beneficiary withdraws to another address it controls.
      const withdrawn = await f.beneficiaryClient.withdraw({ token: tokenAddress, to: f.stranger.address });
      expect(payloads(withdrawn.events)).to.deep.equal([
        {
          type: "CreditWithdrawn",
          account: f.beneficiary.address,
          token: tokenAddress,
          to: f.stranger.address,
          amount: 1_000n,
        },
      ]);
      expect(await token.balanceOf(f.stranger.address)).to.equal(1_000n);
      expect(await f.readClient.creditOf({ token: tokenAddress, account: f.beneficiary.address })).to.equal(0n);
    });

    it("an ETH payout a contract refuses becomes a credit, withdrawn through the built transaction", async function () {
      const f = await loadFixture(sdkFixture);
      const account = await new MockAccount__factory(f.beneficiary).deploy(f.beneficiary.address);
      const accountAddress = await account.getAddress();
      await account.setRejectEth(true);
      const { deal } = await f.depositorClient.createDeal(
        await dealTerms(f, { beneficiary: accountAddress, amount: 5_000n }),
      );
      await f.depositorClient.release({ deal, amount: 5_000n });
      expect(await f.readClient.creditOf({ account: accountAddress })).to.equal(5_000n);

      // The account is a contract: it sends the SDK-built call through its own execute().
      const request = await f.readClient.buildWithdraw({ to: f.stranger.address });
      const before = await ethers.provider.getBalance(f.stranger.address);
      await account.execute(request.to, request.value, request.data);
      expect((await ethers.provider.getBalance(f.stranger.address)) - before).to.equal(5_000n);
      expect(await f.readClient.creditOf({ account: accountAddress })).to.equal(0n);
    });

    for (const asset of ASSETS) {
      it(`collectProtocolFees sends the ${asset.name} fees accrued on releases to the recipient`, async function () {
        const f = await loadFixture(sdkFixture);
        const token = asset.token(f);
        await f.escrow.connect(f.owner).setProtocolFee(100, f.feeRecipient.address);
        expect(await f.readClient.getConfig()).to.deep.equal({
          protocolFeeBps: 100,
          feeRecipient: f.feeRecipient.address,
          creationPaused: false,
        });
        const { dealId, deal, terms } = await f.depositorClient.createDeal({
          ...(await dealTerms(f, { token })),
          funding: asset.name === "ERC20" ? "approve" : "allowance",
        });
        expect(terms.protocolFeeBps).to.equal(100);
        const { events } = await f.depositorClient.release({ deal, amount: 1_000_000n });
        expect(payloads(events)).to.deep.equal([
          { type: "DealReleased", dealId, amount: 990_000n, protocolFee: 10_000n },
        ]);
        expect(await f.readClient.protocolFeesOf({ token })).to.equal(10_000n);

        const before = await asset.balanceOf(f, f.feeRecipient.address);
        const collected = await f.strangerClient.collectProtocolFees({ token });
        expect(payloads(collected.events)).to.deep.equal([
          { type: "ProtocolFeesCollected", token, recipient: f.feeRecipient.address, amount: 10_000n },
        ]);
        expect((await asset.balanceOf(f, f.feeRecipient.address)) - before).to.equal(10_000n);
        expect(await f.readClient.protocolFeesOf({ token })).to.equal(0n);
      });
    }

    it("withdraw from a contract account's own signer sends its ETH credit where it chooses", async function () {
      const f = await loadFixture(sdkFixture);
      const account = await new MockAccount__factory(f.beneficiary).deploy(f.beneficiary.address);
      const accountAddress = await account.getAddress();
      await account.setRejectEth(true);
      const { deal } = await f.depositorClient.createDeal(
        await dealTerms(f, { beneficiary: accountAddress, amount: 8_000n }),
      );
      await f.depositorClient.release({ deal, amount: 8_000n });

      // Stand in for the account's own transaction (as an ERC-4337 or 7702 account would send it).
      await impersonateAccount(accountAddress);
      await setBalance(accountAddress, 10n ** 18n);
      const accountClient = f.client(await ethers.getSigner(accountAddress));
      const before = await ethers.provider.getBalance(f.stranger.address);
      const { events } = await accountClient.withdraw({ to: f.stranger.address });
      expect(payloads(events)).to.deep.equal([
        {
          type: "CreditWithdrawn",
          account: accountAddress,
          token: ZeroAddress,
          to: f.stranger.address,
          amount: 8_000n,
        },
      ]);
      expect((await ethers.provider.getBalance(f.stranger.address)) - before).to.equal(8_000n);
    });
  });

  describe("funding an ERC20 deal", function () {
    it("with a permit: one transaction, no approval, the permit's allowance fully used", async function () {
      const f = await loadFixture(sdkFixture);
      const sent = await ethers.provider.getTransactionCount(f.depositor.address);
      const { dealId, approvalReceipt, receipt } = await f.depositorClient.createDeal({
        ...(await dealTerms(f, { token: f.tokenAddress })),
        funding: "permit",
      });
      expect(await ethers.provider.getTransactionCount(f.depositor.address)).to.equal(sent + 1);
      expect(approvalReceipt).to.equal(undefined);
      expect(receipt.to).to.equal(f.address);
      expect(await f.token.nonces(f.depositor.address)).to.equal(1n);
      expect(await f.token.allowance(f.depositor.address, f.address)).to.equal(0n);
      expect(await f.token.balanceOf(f.address)).to.equal(1_000_000n);
      expect((await f.readClient.getDealState({ dealId })).status).to.equal(DealStatus.Active);
    });

    it("with approve: no approval is sent when the allowance already covers the amount exactly", async function () {
      const f = await loadFixture(sdkFixture);
      await f.token.connect(f.depositor).approve(f.address, 1_000_000n);
      const { approvalReceipt } = await f.depositorClient.createDeal({
        ...(await dealTerms(f, { token: f.tokenAddress })),
        funding: "approve",
      });
      expect(approvalReceipt).to.equal(undefined);
      expect(await f.token.allowance(f.depositor.address, f.address)).to.equal(0n);
    });

    it("retries another salt when the drawn one gives a taken deal id", async function () {
      const f = await loadFixture(sdkFixture);
      const client = f.client(f.depositor);
      const real = client.getDealState.bind(client);
      const checked: string[] = [];
      // The first id checked reads as taken, as if a deal with that salt existed.
      client.getDealState = async ({ dealId }) => {
        checked.push(dealId);
        const state = await real({ dealId });
        return checked.length === 1 ? { ...state, status: DealStatus.Active } : state;
      };
      const { dealId } = await client.createDeal(await dealTerms(f));
      expect(checked).to.have.length(2);
      expect(checked[0]).to.not.equal(checked[1]);
      expect(dealId).to.equal(checked[1]);
    });
  });

  describe("sending", function () {
    /** The depositor, but every sent transaction reports having been replaced, as ethers does after a wallet's
     * "speed up" (same call, higher price: not cancelled) or "cancel". */
    function replacedSigner(f: SdkFixture, cancelled: boolean): Signer {
      return new Proxy(f.depositor, {
        get(target, property) {
          const value = Reflect.get(target, property);
          if (property !== "sendTransaction") return typeof value === "function" ? value.bind(target) : value;
          return async (tx: TransactionRequest) => {
            const sent = await target.sendTransaction(tx);
            const receipt = await sent.wait();
            const replaced = makeError("transaction was replaced", "TRANSACTION_REPLACED", {
              cancelled,
              reason: cancelled ? "cancelled" : "repriced",
              replacement: sent,
              hash: sent.hash,
              receipt: receipt!,
            });
            return { from: sent.from, hash: sent.hash, wait: () => Promise.reject(replaced) };
          };
        },
      });
    }

    it("a sped-up transaction (the same call repriced) counts: its receipt and events are returned", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f));
      const { receipt, events } = await f.client(replacedSigner(f, false)).release({ deal, amount: 5n });
      expect(receipt.status).to.equal(1);
      expect(payloads(events)).to.deep.equal([{ type: "DealReleased", dealId, amount: 5n, protocolFee: 0n }]);
    });

    it("a cancelled transaction fails with TransactionError TRANSACTION_REPLACED", async function () {
      const f = await loadFixture(sdkFixture);
      const { deal } = await f.depositorClient.createDeal(await dealTerms(f));
      await expectSdkError(
        f.client(replacedSigner(f, true)).release({ deal, amount: 5n }),
        TransactionError,
        "TRANSACTION_REPLACED",
        { reason: "cancelled" },
      );
    });
  });

  describe("reads", function () {
    it("listDeals filters by depositor, beneficiary or both through indexed topics", async function () {
      const f = await loadFixture(sdkFixture);
      const a = await f.depositorClient.createDeal(await dealTerms(f));
      const b = await f.depositorClient.createDeal(await dealTerms(f, { beneficiary: f.stranger.address }));
      const c = await f.strangerClient.createDeal(await dealTerms(f));
      const ids = async (params: Parameters<EscrowClient["listDeals"]>[0]) =>
        (await f.readClient.listDeals(params)).map((listed) => listed.dealId);

      expect(await ids({ depositor: f.depositor.address })).to.deep.equal([a.dealId, b.dealId]);
      expect(await ids({ beneficiary: f.beneficiary.address })).to.deep.equal([a.dealId, c.dealId]);
      expect(await ids({ depositor: f.stranger.address, beneficiary: f.beneficiary.address })).to.deep.equal([
        c.dealId,
      ]);
      expect(await ids({})).to.deep.equal([a.dealId, b.dealId, c.dealId]);
      expect(await ids({ depositor: f.arbiter.address })).to.deep.equal([]);

      const [listed] = await f.readClient.listDeals({ beneficiary: f.stranger.address });
      expect(listed.deal).to.deep.equal(b.deal);
      expect(listed.terms).to.deep.equal(b.terms);
      expect(listed.log.transactionHash).to.equal(b.receipt.hash);
    });

    it("getDeal of an unknown id fails with DEAL_NOT_FOUND", async function () {
      const f = await loadFixture(sdkFixture);
      const dealId = computeDealId({ ...(await f.depositorClient.createDeal(await dealTerms(f))).deal, terms: 1n });
      await expectSdkError(f.readClient.getDeal({ dealId }), DealLookupError, "DEAL_NOT_FOUND", { dealId });
    });

    it("getDeal fails with DEAL_TERMS_UNAVAILABLE when the creation is outside the searched blocks", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId } = await f.depositorClient.createDeal(await dealTerms(f));
      const late = new EscrowClient({
        address: f.address,
        runner: ethers.provider,
        fromBlock: (await time.latestBlock()) + 1,
      });
      await expectSdkError(late.getDeal({ dealId }), DealLookupError, "DEAL_TERMS_UNAVAILABLE", { dealId });
    });

    it("ignores forged DealCreated logs whose terms do not hash to the id", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f));
      // A lying provider swaps the beneficiary in the event's data, keeping the id topic.
      const forgedDeal = { ...deal, beneficiary: f.stranger.address };
      const fragment = escrowInterface.getEvent("DealCreated");
      const lying = new Proxy(ethers.provider, {
        get(target, property, receiver) {
          if (property !== "getLogs") return Reflect.get(target, property, receiver);
          return async (filter: Parameters<typeof target.getLogs>[0]) =>
            (await target.getLogs(filter)).map((log): Partial<Log> => ({
              ...log,
              index: log.index,
              address: log.address,
              topics: log.topics,
              blockNumber: log.blockNumber,
              transactionHash: log.transactionHash,
              data: escrowInterface.encodeEventLog(fragment, [dealId, deal.depositor, deal.beneficiary, forgedDeal])
                .data,
            }));
        },
      });
      const client = new EscrowClient({ address: f.address, runner: lying });
      await expectSdkError(client.getDeal({ dealId }), DealLookupError, "DEAL_TERMS_UNAVAILABLE");
      await expectSdkError(
        client.buildRelease({ deal: dealId, amount: 1n }),
        DealLookupError,
        "DEAL_TERMS_UNAVAILABLE",
      );
      expect(await client.listDeals({})).to.deep.equal([]);
    });

    it("an action given a DealId rebuilds the terms once and caches them", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal } = await f.depositorClient.createDeal(await dealTerms(f));
      let queries = 0;
      const counting = new Proxy(ethers.provider, {
        get(target, property, receiver) {
          if (property === "getLogs") queries++;
          return Reflect.get(target, property, receiver);
        },
      });
      const client = new EscrowClient({ address: f.address, runner: counting });
      const first = await client.buildRelease({ deal: dealId, amount: 1n });
      const second = await client.buildRefund({ deal: dealId, amount: 1n });
      expect(queries).to.equal(1);
      expect(first.data).to.equal(f.escrow.interface.encodeFunctionData("release", [deal, 1n]));
      expect(second.data).to.equal(f.escrow.interface.encodeFunctionData("refund", [deal, 1n]));
      expect(unpackTerms(deal.terms).amount).to.equal(1_000_000n);
    });
  });
});
