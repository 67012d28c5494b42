import { expect } from "chai";
import { ethers } from "hardhat";
import {
  impersonateAccount,
  loadFixture,
  setBalance,
  takeSnapshot,
  time,
} from "@nomicfoundation/hardhat-network-helpers";
import { MockERC1271Wallet__factory } from "../../../typechain-types";
import { Signature, Wallet, ZeroAddress, toBeHex, type TransactionRequest } from "ethers";
import {
  ChannelClaimError,
  ChannelOpenError,
  ChannelStateError,
  ChannelStatus,
  InvalidParameterError,
  MemoryVoucherStore,
  PayeeClient,
  PayerClient,
  UnauthorizedError,
  VoucherError,
  computeChannelId,
  signVoucher,
  type Channel,
} from "../../../sdk";
import { HOUR, SECP256K1_N, channelsFixture, type ChannelsFixture } from "../../helpers/channels-sdk";
import { expectSdkError } from "../../helpers/sdk";

/** Fresh clients and store for each test: loadFixture reverts the chain, not the JavaScript objects. */
function withClients<T extends ChannelsFixture>(f: T) {
  const payerClient = new PayerClient({ address: f.contract, runner: f.payer });
  const store = new MemoryVoucherStore();
  const payeeClient = new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 });
  return { ...f, payerClient, payeeClient, store };
}

async function clientsFixture() {
  return channelsFixture();
}

async function setup<T extends ChannelsFixture>(fixture: () => Promise<T>) {
  return withClients(await loadFixture(fixture));
}

type ClientsFixture = ReturnType<typeof withClients<ChannelsFixture>>;

const ASSETS = [
  {
    name: "ETH",
    token: () => ZeroAddress,
    balanceOf: (_f: ChannelsFixture, account: string) => ethers.provider.getBalance(account),
    funding: "allowance" as const,
  },
  {
    name: "ERC20",
    token: (f: ChannelsFixture) => f.tokenAddress,
    balanceOf: (f: ChannelsFixture, account: string) => f.token.balanceOf(account),
    funding: "approve" as const,
  },
];

function highS(signature: string): string {
  const sig = Signature.from(signature);
  return sig.r + toBeHex(SECP256K1_N - BigInt(sig.s), 32).slice(2) + (sig.v === 27 ? "1c" : "1b");
}

describe("PayerClient and PayeeClient", function () {
  for (const asset of ASSETS) {
    describe(`${asset.name} channels`, function () {
      async function openedFixture() {
        const f = await clientsFixture();
        const session = new Wallet("0x" + "5e".repeat(32));
        const opened = await new PayerClient({ address: f.contract, runner: f.payer }).open({
          payee: f.payee.address,
          token: asset.token(f),
          amount: 1_000n,
          challengePeriod: HOUR,
          signer: session.address,
          funding: asset.funding,
        });
        return { ...f, ...opened, session };
      }

      async function opened() {
        const f = await setup(openedFixture);
        await f.payerClient.useSessionKey({ channel: f.channel, privateKey: f.session.privateKey });
        return f;
      }

      /** Payee gain, minus gas when the payee sent the transaction and the asset is ETH. */
      async function payeeGain(
        f: ClientsFixture,
        action: () => Promise<{ receipt: { gasUsed: bigint; gasPrice: bigint } }>,
      ) {
        const before = await asset.balanceOf(f, f.payee.address);
        const { receipt } = await action();
        const gas = asset.name === "ETH" ? receipt.gasUsed * receipt.gasPrice : 0n;
        return (await asset.balanceOf(f, f.payee.address)) - before + gas;
      }

      it("opens a funded channel whose id and state match the chain, from the open event", async function () {
        const f = await opened();
        expect(f.channelId).to.equal(await f.channels.computeChannelId(f.channel));
        expect(f.events.map((e) => e.type)).to.include("ChannelOpened");
        const openEvent = f.events.find((e) => e.type === "ChannelOpened");
        expect(openEvent?.type === "ChannelOpened" && openEvent.channel).to.deep.equal(f.channel);
        const state = await f.payerClient.getChannelState({ channelId: f.channelId });
        expect(state).to.deep.include({ deposit: 1_000n, claimed: 0n, closesAt: 0, status: ChannelStatus.Open });
        expect(await asset.balanceOf(f, f.contract)).to.equal(1_000n);
      });

      it("builds the open transaction without a signer, value only for ETH", async function () {
        const f = await setup(clientsFixture);
        const readOnly = new PayerClient({ address: f.contract, runner: ethers.provider });
        const built = await readOnly.buildOpen({
          payer: f.payer.address,
          payee: f.payee.address,
          token: asset.token(f),
          amount: 500n,
          challengePeriod: HOUR,
          salt: 9,
        });
        expect(built.to).to.equal(f.contract);
        expect(built.value).to.equal(asset.name === "ETH" ? 500n : 0n);
        if (asset.name === "ERC20") await f.token.connect(f.payer).approve(f.contract, 500n);
        await f.payer.sendTransaction(built);
        expect((await f.channels.getChannelState(built.channelId)).deposit).to.equal(500n);
      });

      it("pays with cumulative vouchers that the payee accepts, stores and claims", async function () {
        const f = await opened();
        const increments: bigint[] = [];
        for (const amount of [10n, 20n, 30n]) {
          const voucher = await f.payerClient.pay({ channel: f.channel, amount });
          const accepted = await f.payeeClient.acceptVoucher(voucher);
          expect(accepted.signer).to.equal(f.session.address);
          increments.push(accepted.increment);
        }
        expect(increments).to.deep.equal([10n, 20n, 30n]);
        expect(await f.payerClient.cumulativeOf({ channel: f.channel })).to.equal(60n);
        expect((await f.payeeClient.bestVoucher({ channel: f.channel }))?.amount).to.equal(60n);
        expect(await payeeGain(f, () => f.payeeClient.claim({ channel: f.channel }))).to.equal(60n);
        await expectSdkError(
          f.payeeClient.claim({ channel: f.channel }),
          ChannelClaimError,
          "CHANNEL_NOTHING_TO_CLAIM",
          { claimable: 60n, claimed: 60n },
        );
      });

      it("accepts vouchers signed by the payer's wallet when no session key is in use", async function () {
        const f = await setup(clientsFixture);
        const { channel } = await f.payerClient.open({
          payee: f.payee.address,
          token: asset.token(f),
          amount: 100n,
          challengePeriod: HOUR,
          funding: asset.funding,
        });
        const voucher = await f.payerClient.pay({ channel, amount: 40n });
        expect((await f.payeeClient.acceptVoucher(voucher)).signer).to.equal(f.payer.address);
      });

      it("tops up (approving exactly for an ERC20), after which a larger voucher is accepted", async function () {
        const f = await opened();
        const voucher = await f.payerClient.signVoucher({ channel: f.channel, amount: 1_500n });
        await expectSdkError(f.payeeClient.acceptVoucher(voucher), VoucherError, "VOUCHER_EXCEEDS_DEPOSIT", {
          deposit: 1_000n,
        });
        await f.payerClient.topUp({ channel: f.channel, amount: 500n, approve: true });
        expect((await f.payerClient.getChannelState({ channelId: f.channelId })).deposit).to.equal(1_500n);
        // The cached deposit is read again before refusing: no need to wait for the cache to expire.
        expect((await f.payeeClient.acceptVoucher(voucher)).amount).to.equal(1_500n);
      });

      it("closes with the best voucher: the payee is paid, the payer gets the rest, the channel is closed", async function () {
        const f = await opened();
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 300n }));
        const payerBefore = await asset.balanceOf(f, f.payer.address);
        expect(await payeeGain(f, () => f.payeeClient.close({ channel: f.channel }))).to.equal(300n);
        expect((await asset.balanceOf(f, f.payer.address)) - payerBefore).to.equal(700n);
        expect((await f.payeeClient.getChannelState({ channelId: f.channelId })).status).to.equal(ChannelStatus.Closed);
        await expectSdkError(
          f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 1n })),
          VoucherError,
          "CHANNEL_NOT_OPEN",
        );
      });

      it("requests close and finalizes after the challenge period, refusing an early finalize", async function () {
        const f = await opened();
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 100n }));
        await f.payeeClient.claim({ channel: f.channel });
        const { events } = await f.payerClient.requestClose({ channel: f.channel });
        expect(events.map((e) => e.type)).to.deep.equal(["ChannelCloseRequested"]);
        await expectSdkError(
          f.payerClient.finalize({ channel: f.channel }),
          ChannelStateError,
          "CHANNEL_CHALLENGE_NOT_OVER",
        );
        await time.increase(HOUR + 1);
        const before = await asset.balanceOf(f, f.payer.address);
        const { receipt } = await f.payerClient.finalize({ channel: f.channel });
        const gas = asset.name === "ETH" ? receipt!.gasUsed * receipt!.gasPrice : 0n;
        expect((await asset.balanceOf(f, f.payer.address)) - before + gas).to.equal(900n);
      });

      it("refuses a voucher on a closing channel once its challenge period ends within the claim margin", async function () {
        const f = await opened();
        await f.payerClient.requestClose({ channel: f.channel });
        // Still open for claims: accepted (the challenge period ends in an hour, the margin is a minute).
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 5n }));
        await time.increase(HOUR - 30);
        const fresh = new PayeeClient({ address: f.contract, runner: f.payee, store: f.store, claimMargin: 60 });
        await expectSdkError(
          fresh.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 5n })),
          VoucherError,
          "CHANNEL_NOT_OPEN",
        );
      });

      it("claims many channels in one transaction per token, leaving out what pays nothing", async function () {
        const f = await opened();
        const second = await f.payerClient.open({
          payee: f.payee.address,
          token: asset.token(f),
          amount: 200n,
          challengePeriod: 2 * HOUR,
          funding: asset.funding,
        });
        const otherAsset = await f.payerClient.open({
          payee: f.payee.address,
          token: asset.name === "ETH" ? f.tokenAddress : ZeroAddress,
          amount: 50n,
          challengePeriod: HOUR,
          funding: asset.name === "ETH" ? "approve" : "allowance",
        });
        const unpaid = await f.payerClient.open({
          payee: f.payee.address,
          token: asset.token(f),
          amount: 10n,
          challengePeriod: HOUR,
          funding: asset.funding,
        });
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.channel, amount: 70n }));
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: second.channel, amount: 80n }));
        await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: otherAsset.channel, amount: 20n }));
        const channels = [f.channel, second.channel, otherAsset.channelId, unpaid.channel];
        const batches = await f.payeeClient.buildClaimMany({ channels });
        expect(batches.map((b) => [b.token, b.channelIds.length])).to.deep.equal([
          [asset.token(f), 2],
          [otherAsset.channel.token, 1],
        ]);
        const gain = await payeeGain(f, async () => {
          // A relayer sends the first batch; the payee sends the second through the client.
          await f.relayer.sendTransaction({ to: batches[0].to, data: batches[0].data, value: batches[0].value });
          const results = await f.payeeClient.claimMany({ channels: [otherAsset.channel] });
          expect(results).to.have.length(1);
          return { receipt: results[0].receipt };
        });
        // The second batch's gain is in the other asset; the first batch's is 150 of this asset.
        expect(gain).to.equal(150n);
        expect((await f.channels.getChannelState(otherAsset.channelId)).claimed).to.equal(20n);
        expect(await f.payeeClient.buildClaimMany({ channels })).to.deep.equal([]);
      });
    });
  }

  describe("planClaimMany: what the contract would refuse in the batch's block is left out (§5)", function () {
    async function plannedFixture() {
      const f = await clientsFixture();
      const session = new Wallet("0x" + "5e".repeat(32));
      const payer = new PayerClient({ address: f.contract, runner: f.payer });
      const open = (salt: number) =>
        payer.open({ payee: f.payee.address, amount: 100n, challengePeriod: HOUR, signer: session.address, salt });
      const [closing, rotated, claimed, closed] = [await open(1), await open(2), await open(3), await open(4)];
      return { ...f, session, closing, rotated, claimed, closed };
    }

    it("judges deadlines at the next block, or `margin` seconds later; claimed and closed channels are left out", async function () {
      const f = await setup(plannedFixture);
      await f.payerClient.useSessionKey({ channel: f.closing.channel, privateKey: f.session.privateKey });
      await f.payerClient.useSessionKey({ channel: f.rotated.channel, privateKey: f.session.privateKey });
      for (const { channel } of [f.closing, f.rotated, f.claimed, f.closed]) {
        await f.payeeClient.acceptVoucher(await f.payerClient.signVoucher({ channel, amount: 10n }));
      }
      await f.payeeClient.claim({ channel: f.claimed.channel });
      await f.payeeClient.close({ channel: f.closed.channel });
      await f.payerClient.requestClose({ channel: f.closing.channel });
      await f.payerClient.setSigner({ channel: f.rotated.channel, signer: Wallet.createRandom().address });
      // Both deadlines (closesAt, the old key's grace end) are now about 100 s ahead of the latest block.
      await time.increase(HOUR - 100);
      const closesAt = Number((await f.channels.getChannelState(f.closing.channelId)).closesAt);
      const graceEnd = Number((await f.channels.signerChangeOf(f.rotated.channelId)).changedAt) + HOUR;
      const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
      const channels = [f.closing.channel, f.rotated.channel, f.claimed.channel, f.closed.channel];
      const plan = (margin?: number) => f.payeeClient.planClaimMany({ channels, margin });
      const next = await plan();
      expect(next.batches.map((b) => b.channelIds)).to.deep.equal([[f.closing.channelId, f.rotated.channelId]]);
      expect(next.skipped).to.deep.equal([
        { channelId: f.claimed.channelId, reason: "nothing-to-claim" },
        { channelId: f.closed.channelId, reason: "closed" },
      ]);
      // A block at latest + 1 + margin may claim up to and including each deadline (M-C2, M-K2), not a second after.
      const kept = async (margin: number) => (await plan(margin)).batches.flatMap((b) => b.channelIds);
      expect(await kept(closesAt - latest - 1)).to.include(f.closing.channelId);
      expect((await plan(closesAt - latest)).skipped).to.deep.include({
        channelId: f.closing.channelId,
        reason: "challenge-over",
      });
      expect(await kept(graceEnd - latest - 1)).to.include(f.rotated.channelId);
      expect((await plan(graceEnd - latest)).skipped).to.deep.include({
        channelId: f.rotated.channelId,
        reason: "invalid-signature",
      });
      // The contract draws the same line: the batch planned for the next block pays when mined at the first
      // deadline, and reverts a second after it.
      const [batch] = next.batches;
      expect(closesAt).to.be.below(graceEnd); // requestClose was mined a block before setSigner
      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(closesAt);
      await f.relayer.sendTransaction({ to: batch.to, data: batch.data });
      expect((await f.channels.getChannelState(f.closing.channelId)).claimed).to.equal(10n);
      await snapshot.restore();
      await time.setNextBlockTimestamp(closesAt + 1);
      await expect(f.relayer.sendTransaction({ to: batch.to, data: batch.data })).to.be.revertedWithCustomError(
        f.channels,
        "ChannelChallengeOver",
      );
    });

    it("refuses a margin out of range", async function () {
      const f = await setup(plannedFixture);
      await expectSdkError(
        f.payeeClient.planClaimMany({ channels: [f.closing.channel], margin: -1 }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "margin" },
      );
    });
  });

  describe("voucher verification failures, each with its code", function () {
    async function ethChannelFixture() {
      const f = await clientsFixture();
      const session = new Wallet("0x" + "5e".repeat(32));
      const { channel, channelId } = await new PayerClient({ address: f.contract, runner: f.payer }).open({
        payee: f.payee.address,
        amount: 1_000n,
        challengePeriod: HOUR,
        signer: session.address,
      });
      return { ...f, channel, channelId, session };
    }
    const ethChannel = () => setup(ethChannelFixture);
    const sign = (f: Awaited<ReturnType<typeof ethChannel>>, amount: bigint, privateKey: string, channel?: Channel) =>
      signVoucher({
        chainId: f.chainId,
        contract: f.contract,
        channelId: computeChannelId({ chainId: f.chainId, contract: f.contract, channel: channel ?? f.channel }),
        amount,
        privateKey,
      });

    it("VOUCHER_INVALID_SIGNATURE for a high-s or malformed signature", async function () {
      const f = await ethChannel();
      const { signature } = await sign(f, 10n, f.session.privateKey);
      // 65 bytes cut to 63 (64 bytes would be the EIP-2098 form: a signature of some other key, or of none).
      for (const bad of [highS(signature), signature.slice(0, 128), signature.slice(0, 130) + "00"]) {
        await expectSdkError(
          f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature: bad }),
          VoucherError,
          "VOUCHER_INVALID_SIGNATURE",
        );
      }
      expect(await f.store.all()).to.deep.equal([]);
    });

    it("VOUCHER_UNAUTHORIZED_SIGNER for a key that is neither the payer nor the session key", async function () {
      const f = await ethChannel();
      const stranger = Wallet.createRandom();
      const { signature } = await sign(f, 10n, stranger.privateKey);
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature }),
        VoucherError,
        "VOUCHER_UNAUTHORIZED_SIGNER",
        { signer: stranger.address },
      );
      // The payee's own key never signs vouchers either.
      const byPayee = await signVoucher({
        chainId: f.chainId,
        contract: f.contract,
        channelId: f.channelId,
        amount: 10n,
        signer: f.payee,
      });
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature: byPayee.signature }),
        VoucherError,
        "VOUCHER_UNAUTHORIZED_SIGNER",
      );
    });

    it("VOUCHER_NOT_MONOTONIC for a replayed or lower voucher, with the best amount", async function () {
      const f = await ethChannel();
      const v10 = await sign(f, 10n, f.session.privateKey);
      const v7 = await sign(f, 7n, f.session.privateKey);
      await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature: v10.signature });
      for (const [amount, signature] of [
        [10n, v10.signature],
        [7n, v7.signature],
      ] as const) {
        await expectSdkError(
          f.payeeClient.acceptVoucher({ channel: f.channel, amount, signature }),
          VoucherError,
          "VOUCHER_NOT_MONOTONIC",
          { best: 10n },
        );
      }
    });

    it("VOUCHER_NOT_MONOTONIC at or below the claimed total on-chain, for a store with no record of the channel", async function () {
      const f = await ethChannel();
      const v40 = await sign(f, 40n, f.session.privateKey);
      await f.channels.claim(f.channel, 40n, v40.signature); // a claim this payee's store never saw
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 40n, signature: v40.signature }),
        VoucherError,
        "VOUCHER_NOT_MONOTONIC",
        { best: 40n, claimed: 40n },
      );
      const v45 = await sign(f, 45n, f.session.privateKey);
      const accepted = await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 45n, signature: v45.signature });
      expect(accepted.increment).to.equal(5n);
    });

    it("VOUCHER_NOT_MONOTONIC for the loser of two concurrent vouchers", async function () {
      const f = await ethChannel();
      const a = await sign(f, 20n, f.session.privateKey);
      const b = await sign(f, 15n, f.session.privateKey);
      const results = await Promise.allSettled([
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 20n, signature: a.signature }),
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 15n, signature: b.signature }),
      ]);
      expect(results[0].status).to.equal("fulfilled");
      expect(results[1].status).to.equal("rejected");
      expect((results[1] as PromiseRejectedResult).reason.code).to.equal("VOUCHER_NOT_MONOTONIC");
      expect((await f.store.get(f.channelId))?.amount).to.equal(20n);
    });

    it("credits concurrent increasing vouchers exactly once: the increments sum to what the best voucher added", async function () {
      // Finding: increments were computed from the best voucher read before storing, so two vouchers racing on one
      // channel (10 stored, then 20 and 30 at once) were credited 10 + 20 while only 20 was paid.
      const f = await ethChannel();
      const v10 = await sign(f, 10n, f.session.privateKey);
      await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature: v10.signature });
      const amounts = [20n, 30n, 25n];
      const racing = await Promise.all(amounts.map((amount) => sign(f, amount, f.session.privateKey)));
      const results = await Promise.allSettled(
        racing.map((v, i) =>
          f.payeeClient.acceptVoucher({ channel: f.channel, amount: amounts[i], signature: v.signature }),
        ),
      );
      const credited = results.reduce((sum, r) => (r.status === "fulfilled" ? sum + r.value.increment : sum), 0n);
      expect(credited).to.equal(20n);
      expect((await f.store.get(f.channelId))?.amount).to.equal(30n);
      for (const r of results) {
        if (r.status === "rejected") expect(r.reason.code).to.equal("VOUCHER_NOT_MONOTONIC");
      }
    });

    it("VOUCHER_EXCEEDS_DEPOSIT above the deposit, accepting exactly the deposit", async function () {
      const f = await ethChannel();
      const over = await sign(f, 1_001n, f.session.privateKey);
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 1_001n, signature: over.signature }),
        VoucherError,
        "VOUCHER_EXCEEDS_DEPOSIT",
        { deposit: 1_000n },
      );
      const exact = await sign(f, 1_000n, f.session.privateKey);
      await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 1_000n, signature: exact.signature });
    });

    it("CHANNEL_UNKNOWN for terms that were never opened", async function () {
      const f = await ethChannel();
      const ghost = { ...f.channel, salt: (f.channel.salt ^ 1) >>> 0 };
      const { signature } = await sign(f, 10n, f.session.privateKey, ghost);
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: ghost, amount: 10n, signature }),
        VoucherError,
        "CHANNEL_UNKNOWN",
      );
    });

    it("CHANNEL_NOT_OPEN for a closed channel", async function () {
      const f = await ethChannel();
      await f.payeeClient.close({ channel: f.channel });
      const { signature } = await sign(f, 10n, f.session.privateKey);
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel: f.channel, amount: 10n, signature }),
        VoucherError,
        "CHANNEL_NOT_OPEN",
        { status: ChannelStatus.Closed },
      );
    });

    it("INVALID_PARAMETER for a channel paying someone else", async function () {
      const f = await ethChannel();
      const strangerPayee = new PayeeClient({
        address: f.contract,
        runner: f.stranger,
        store: new MemoryVoucherStore(),
      });
      const { signature } = await sign(f, 10n, f.session.privateKey);
      await expectSdkError(
        strangerPayee.acceptVoucher({ channel: f.channel, amount: 10n, signature }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "channel.payee" },
      );
    });

    it("follows a key rotation: new key at once, old key during its grace period only", async function () {
      const f = await ethChannel();
      const next = PayerClient.createSessionKey();
      const { events } = await f.payerClient.setSigner({
        channel: f.channel,
        signer: next.address,
        privateKey: next.privateKey,
      });
      expect(events.map((e) => e.type)).to.deep.equal(["SignerChanged"]);
      const byNext = await f.payerClient.pay({ channel: f.channel, amount: 10n });
      expect((await f.payeeClient.acceptVoucher(byNext)).signer).to.equal(next.address);
      const byOld = await sign(f, 20n, f.session.privateKey);
      expect(
        (await f.payeeClient.acceptVoucher({ channel: f.channel, amount: 20n, signature: byOld.signature })).signer,
      ).to.equal(f.session.address);
      // The old key's grace ends in an hour: within the one-minute margin, it is refused.
      await time.increase(HOUR - 30);
      const late = await sign(f, 30n, f.session.privateKey);
      const fresh = new PayeeClient({ address: f.contract, runner: f.payee, store: f.store, claimMargin: 60 });
      await expectSdkError(
        fresh.acceptVoucher({ channel: f.channel, amount: 30n, signature: late.signature }),
        VoucherError,
        "VOUCHER_UNAUTHORIZED_SIGNER",
      );
      // And the contract agrees once the grace period is over.
      await time.increase(60);
      await expect(f.channels.claim(f.channel, 30n, late.signature)).to.be.revertedWithCustomError(
        f.channels,
        "ChannelInvalidSignature",
      );
    });

    it("accepts a contract payer's voucher through ERC-1271, refusing what the wallet refuses", async function () {
      const f = await ethChannel();
      const wallet = await new MockERC1271Wallet__factory(f.deployer).deploy(f.payer.address);
      const walletAddress = await wallet.getAddress();
      await impersonateAccount(walletAddress);
      await setBalance(walletAddress, 10n ** 18n);
      const asWallet = await ethers.getSigner(walletAddress);
      await f.channels.connect(asWallet).open(
        {
          payee: f.payee.address,
          token: ZeroAddress,
          signer: ZeroAddress,
          amount: 500n,
          challengePeriod: HOUR,
          salt: 3,
        },
        { value: 500n },
      );
      const channel: Channel = {
        payer: walletAddress,
        payee: f.payee.address,
        token: ZeroAddress,
        signer: ZeroAddress,
        challengePeriod: HOUR,
        salt: 3,
      };
      const channelId = computeChannelId({ chainId: f.chainId, contract: f.contract, channel });
      const context = { chainId: f.chainId, contract: f.contract, channelId };
      // The wallet's owner signs; the wallet vouches for it.
      const byOwner = await signVoucher({ ...context, amount: 40n, signer: f.payer });
      const accepted = await f.payeeClient.acceptVoucher({ channel, amount: 40n, signature: byOwner.signature });
      expect(accepted.signer).to.equal(walletAddress);
      await f.payeeClient.claim({ channel });
      expect((await f.channels.getChannelState(channelId)).claimed).to.equal(40n);
      // A high-s signature recovers to no valid key and the wallet (OpenZeppelin's tryRecover) refuses it.
      const high = highS((await signVoucher({ ...context, amount: 50n, signer: f.payer })).signature);
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel, amount: 50n, signature: high }),
        VoucherError,
        "VOUCHER_INVALID_SIGNATURE",
      );
      // A wallet refusing every signature: the owner's key alone is not an authorised signer, and the refusal names
      // the wallet, not the owner's key that ECDSA recovers (that key is no signer of the channel).
      await wallet.setMode(1);
      const refused = await signVoucher({ ...context, amount: 60n, signer: f.payer });
      await expectSdkError(
        f.payeeClient.acceptVoucher({ channel, amount: 60n, signature: refused.signature }),
        VoucherError,
        "VOUCHER_INVALID_SIGNATURE",
        { wallet: walletAddress },
      );
      await expect(f.channels.claim(channel, 60n, refused.signature)).to.be.revertedWithCustomError(
        f.channels,
        "ChannelInvalidSignature",
      );
      // A wallet burning all the gas it is given: refused after one call capped at 1,000,000 gas.
      await wallet.setMode(4);
      const burned = await signVoucher({ ...context, amount: 70n, signer: f.payer });
      const calls: TransactionRequest[] = [];
      const provider = f.payee.provider;
      const call = provider.call.bind(provider);
      provider.call = async (tx) => {
        calls.push(tx);
        return call(tx);
      };
      try {
        await expectSdkError(
          f.payeeClient.acceptVoucher({ channel, amount: 70n, signature: burned.signature }),
          VoucherError,
          "VOUCHER_INVALID_SIGNATURE",
          { wallet: walletAddress },
        );
      } finally {
        provider.call = call;
      }
      const toWallet = calls.filter((c) => String(c.to).toLowerCase() === walletAddress.toLowerCase());
      expect(toWallet.map((c) => BigInt(c.gasLimit ?? 0))).to.deep.equal([1_000_000n]);
    });

    it("accepts on the ethers fallback path too, and the contract pays the accepted voucher", async function () {
      const f = await ethChannel();
      const fallback = new PayeeClient({ address: f.contract, runner: f.payee, store: f.store, native: false });
      const { signature } = await sign(f, 33n, f.session.privateKey);
      expect((await fallback.acceptVoucher({ channel: f.channel, amount: 33n, signature })).signer).to.equal(
        f.session.address,
      );
      await expectSdkError(
        fallback.acceptVoucher({
          channel: f.channel,
          amount: 34n,
          signature: highS((await sign(f, 34n, f.session.privateKey)).signature),
        }),
        VoucherError,
        "VOUCHER_INVALID_SIGNATURE",
      );
      await expect(fallback.claim({ channel: f.channelId })).to.not.be.rejected;
      expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(33n);
    });
  });

  describe("contract errors and ids", function () {
    it("decodes ChannelExists, ChannelUnauthorized and ChannelSignerChangePending into typed errors", async function () {
      const f = await setup(clientsFixture);
      const params = { payee: f.payee.address, amount: 10n, challengePeriod: HOUR, salt: 5 };
      const { channel, channelId } = await f.payerClient.open(params);
      await expectSdkError(f.payerClient.open(params), ChannelOpenError, "CHANNEL_EXISTS", { channelId });
      const strangerPayer = new PayerClient({ address: f.contract, runner: f.stranger });
      await expectSdkError(strangerPayer.requestClose({ channel }), UnauthorizedError, "CHANNEL_UNAUTHORIZED", {
        channelId,
        caller: f.stranger.address,
      });
      await f.payerClient.setSigner({ channel, signer: Wallet.createRandom().address });
      await expectSdkError(
        f.payerClient.setSigner({ channel, signer: Wallet.createRandom().address }),
        ChannelStateError,
        "CHANNEL_SIGNER_CHANGE_PENDING",
      );
    });

    it("refuses a session key that does not match the new signer before sending setSigner", async function () {
      const f = await setup(clientsFixture);
      const { channel, channelId } = await f.payerClient.open({
        payee: f.payee.address,
        amount: 10n,
        challengePeriod: HOUR,
      });
      const next = PayerClient.createSessionKey();
      await expectSdkError(
        f.payerClient.setSigner({
          channel,
          signer: next.address,
          privateKey: PayerClient.createSessionKey().privateKey,
        }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "privateKey" },
      );
      expect((await f.channels.getChannelState(channelId)).signerChanged).to.equal(false);
    });

    it("checks open parameters before sending", async function () {
      const f = await setup(clientsFixture);
      const base = { payee: f.payee.address, amount: 10n, challengePeriod: HOUR };
      for (const [params, parameter] of [
        [{ ...base, payee: f.payer.address }, "payee"],
        [{ ...base, amount: 0n }, "amount"],
        [{ ...base, amount: 1n << 96n }, "amount"],
        [{ ...base, challengePeriod: HOUR - 1 }, "challengePeriod"],
        [{ ...base, challengePeriod: 30 * 86_400 + 1 }, "challengePeriod"],
        [{ ...base, signer: f.payee.address }, "signer"],
        [{ ...base, salt: 2 ** 32 }, "salt"],
      ] as const) {
        await expectSdkError(f.payerClient.open(params), InvalidParameterError, "INVALID_PARAMETER", { parameter });
      }
    });

    it("opens an ERC20 channel with a permit, in one transaction", async function () {
      const f = await setup(clientsFixture);
      const { channelId, approvalReceipt } = await f.payerClient.open({
        payee: f.payee.address,
        token: f.tokenAddress,
        amount: 77n,
        challengePeriod: HOUR,
        funding: "permit",
      });
      expect(approvalReceipt).to.equal(undefined);
      expect((await f.channels.getChannelState(channelId)).deposit).to.equal(77n);
      expect(await f.token.allowance(f.payer.address, f.contract)).to.equal(0n);
    });

    it("rebuilds a channel's terms from its id (ChannelOpened), for claims by id", async function () {
      const f = await setup(clientsFixture);
      const { channel, channelId } = await f.payerClient.open({
        payee: f.payee.address,
        amount: 50n,
        challengePeriod: HOUR,
      });
      await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel, amount: 50n }));
      const other = new PayeeClient({ address: f.contract, runner: f.payee, store: f.store });
      await other.claim({ channel: channelId });
      expect((await f.channels.getChannelState(channelId)).claimed).to.equal(50n);
      await expectSdkError(
        other.claim({
          channel: computeChannelId({ chainId: f.chainId, contract: f.contract, channel: { ...channel, salt: 0 } }),
        }),
        InvalidParameterError,
        "INVALID_PARAMETER",
        { parameter: "channel" },
      );
    });
  });
});
