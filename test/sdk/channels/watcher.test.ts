import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet } from "ethers";
import { MemoryVoucherStore, PayeeClient, PayerClient, type ChannelId, type Channel } from "../../../sdk";
import { HOUR, channelsFixture } from "../../helpers/channels-sdk";

type Claim = { channelId: ChannelId; reason: "close" | "signer" };

async function openedFixture() {
  const f = await channelsFixture();
  const session = new Wallet("0x" + "5e".repeat(32));
  const payer = new PayerClient({ address: f.contract, runner: f.payer });
  const eth = await payer.open({
    payee: f.payee.address,
    amount: 1_000n,
    challengePeriod: HOUR,
    signer: session.address,
  });
  const erc20 = await payer.open({
    payee: f.payee.address,
    token: f.tokenAddress,
    amount: 500n,
    challengePeriod: 2 * HOUR,
    signer: session.address,
    funding: "approve",
  });
  return { ...f, session, eth, erc20 };
}

async function setup() {
  const f = await loadFixture(openedFixture);
  const payer = new PayerClient({ address: f.contract, runner: f.payer });
  const store = new MemoryVoucherStore();
  const payee = new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 });
  for (const { channel } of [f.eth, f.erc20]) await payer.useSessionKey({ channel, privateKey: f.session.privateKey });
  const claims: Claim[] = [];
  const errors: unknown[] = [];
  let notify: () => void = () => undefined;
  const watcher = payee.watch({
    pollingInterval: 20,
    onClaim: ({ channelId, reason }) => {
      claims.push({ channelId, reason });
      notify();
    },
    onError: (error) => errors.push(error),
  });
  /** Resolves once `count` claims were made (or fails after 10 s). */
  const claimed = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`only ${claims.length} claims`)), 10_000);
      notify = () => {
        if (claims.length >= count) {
          clearTimeout(timeout);
          resolve();
        }
      };
      notify();
    });
  return { ...f, payerClient: payer, payeeClient: payee, store, watcher, claims, errors, claimed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const claimedOnChain = async (f: Awaited<ReturnType<typeof setup>>, channelId: string) =>
  (await f.channels.getChannelState(channelId)).claimed;

describe("PayeeClient.watch", function () {
  it("claims with the best voucher when the payer requests to close, ETH and ERC20", async function () {
    const f = await setup();
    try {
      await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.eth.channel, amount: 120n }));
      await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.erc20.channel, amount: 45n }));
      await settle();
      const payeeTokens = await f.token.balanceOf(f.payee.address);
      await f.payerClient.requestClose({ channel: f.eth.channel });
      await f.payerClient.requestClose({ channel: f.erc20.channel });
      await f.claimed(2);
      expect(f.claims).to.deep.equal([
        { channelId: f.eth.channelId, reason: "close" },
        { channelId: f.erc20.channelId, reason: "close" },
      ]);
      expect(await claimedOnChain(f, f.eth.channelId)).to.equal(120n);
      expect(await claimedOnChain(f, f.erc20.channelId)).to.equal(45n);
      expect((await f.token.balanceOf(f.payee.address)) - payeeTokens).to.equal(45n);
      expect(f.errors).to.deep.equal([]);
    } finally {
      await f.watcher.stop();
    }
  });

  it("claims when the session key is rotated, before the old key's grace period ends", async function () {
    const f = await setup();
    try {
      await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.eth.channel, amount: 70n }));
      await settle();
      await f.payerClient.setSigner({ channel: f.eth.channel, signer: Wallet.createRandom().address });
      await f.claimed(1);
      expect(f.claims).to.deep.equal([{ channelId: f.eth.channelId, reason: "signer" }]);
      expect(await claimedOnChain(f, f.eth.channelId)).to.equal(70n);
    } finally {
      await f.watcher.stop();
    }
  });

  it("ignores close requests of channels without a voucher, and claims nothing twice", async function () {
    const f = await setup();
    try {
      await f.payeeClient.acceptVoucher(await f.payerClient.pay({ channel: f.eth.channel, amount: 10n }));
      await f.payeeClient.claim({ channel: f.eth.channel });
      await settle();
      await f.payerClient.requestClose({ channel: f.eth.channel });
      await f.payerClient.requestClose({ channel: f.erc20.channel });
      await settle();
      expect(f.claims).to.deep.equal([]);
      expect(f.errors).to.deep.equal([]);
      expect(await claimedOnChain(f, f.erc20.channelId)).to.equal(0n);
    } finally {
      await f.watcher.stop();
    }
  });

  it("on start, claims channels whose close was requested while it was not watching", async function () {
    const f = await loadFixture(openedFixture);
    const payer = new PayerClient({ address: f.contract, runner: f.payer });
    const store = new MemoryVoucherStore();
    const payee = new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 });
    await payee.acceptVoucher(await payer.pay({ channel: f.eth.channel as Channel, amount: 33n }));
    await payer.requestClose({ channel: f.eth.channel });
    const claims: ChannelId[] = [];
    const done = new Promise<void>((resolve) => {
      const watcher = payee.watch({
        pollingInterval: 20,
        onClaim: ({ channelId }) => {
          claims.push(channelId);
          void watcher.stop().then(resolve);
        },
      });
    });
    await done;
    expect(claims).to.deep.equal([f.eth.channelId]);
    expect((await f.channels.getChannelState(f.eth.channelId)).claimed).to.equal(33n);
    expect(await ethers.provider.getBalance(f.contract)).to.equal(1_000n - 33n);
  });

  it("claims again just before closesAt - margin, with vouchers accepted after the first claim", async function () {
    const f = await loadFixture(openedFixture);
    const payer = new PayerClient({ address: f.contract, runner: f.payer });
    const payee = new PayeeClient({
      address: f.contract,
      runner: f.payee,
      store: new MemoryVoucherStore(),
      claimMargin: 60,
    });
    await payer.useSessionKey({ channel: f.eth.channel, privateKey: f.session.privateKey });
    await payee.acceptVoucher(await payer.pay({ channel: f.eth.channel, amount: 10n }));
    const claims: bigint[] = [];
    let notify: () => void = () => undefined;
    // margin = challenge period - 2 s: the second claim is due about 2 s after the close request.
    const watcher = payee.watch({
      pollingInterval: 20,
      margin: HOUR - 2,
      onClaim: async ({ channelId }) => {
        claims.push((await f.channels.getChannelState(channelId)).claimed);
        notify();
      },
    });
    try {
      await settle();
      await payer.requestClose({ channel: f.eth.channel });
      await new Promise<void>((resolve) => {
        notify = () => claims.length >= 1 && resolve();
        notify();
      });
      await payee.acceptVoucher(await payer.pay({ channel: f.eth.channel, amount: 15n }));
      await new Promise<void>((resolve) => {
        notify = () => claims.length >= 2 && resolve();
        notify();
      });
      expect(claims).to.deep.equal([10n, 25n]);
    } finally {
      await watcher.stop();
    }
  });
});
