// Finding: a payee with a new voucher store (a fresh start, a lost or replaced store, or a second payee process)
// accepted a voucher at or below what the channel had already claimed on-chain, and credited it in full: the
// service delivered calls that the voucher could never pay for (the contract pays `min(amount, deposit) - claimed`).
// Fix: acceptVoucher also compares with the channel's claimed total. When the store has no record of the channel it
// reads the state once, fresh; after that the voucher stored carries the total forward, and the cached state (at
// most cacheTtl old, dropped on every claim the client sends or the watcher sees) costs no chain read per voucher
// (docs/micropayments.md §5).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { TransactionRequest } from "ethers";
import { MemoryVoucherStore, PayeeClient, VoucherError, signVoucher } from "../../sdk";
import { channelsFixture, openChannel } from "../helpers/channels-sdk";
import { expectSdkError } from "../helpers/sdk";

async function fixture() {
  const f = await channelsFixture();
  return { ...f, ...(await openChannel(f, { signer: f.sessionKey.address, amount: 1_000n })) };
}

async function setup() {
  const f = await loadFixture(fixture);
  const sign = async (amount: bigint) => {
    const context = { chainId: f.chainId, contract: f.contract, channelId: f.channelId };
    const { signature } = await signVoucher({ ...context, amount, privateKey: f.sessionKey.privateKey });
    return { channel: f.channel, amount, signature };
  };
  const newPayee = () =>
    new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore(), claimMargin: 60 });
  // The first payee process accepts 50 and claims it.
  const first = newPayee();
  await first.acceptVoucher(await sign(50n));
  await first.claim({ channel: f.channel });
  return { ...f, sign, newPayee };
}

/** Counts the `getChannelState` calls to the channels contract while `action` runs. */
async function stateReads(f: Awaited<ReturnType<typeof setup>>, action: () => Promise<unknown>): Promise<number> {
  const selector = f.channels.interface.getFunction("getChannelState").selector;
  const provider = f.payee.provider!;
  const call = provider.call.bind(provider);
  let reads = 0;
  provider.call = async (tx: TransactionRequest) => {
    if (String(tx.data).startsWith(selector)) reads++;
    return call(tx);
  };
  try {
    await action();
  } finally {
    provider.call = call;
  }
  return reads;
}

describe("finding: a payee with a new store credited vouchers the channel had already paid", function () {
  it("refuses a voucher at or below the claimed total, and credits only what a higher one adds", async function () {
    const f = await setup();
    expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(50n);
    const second = f.newPayee();
    for (const amount of [30n, 50n]) {
      await expectSdkError(second.acceptVoucher(await f.sign(amount)), VoucherError, "VOUCHER_NOT_MONOTONIC", {
        best: 50n,
        claimed: 50n,
      });
    }
    const accepted = await second.acceptVoucher(await f.sign(80n));
    expect(accepted.increment).to.equal(30n);
  });

  it("reads the claimed total afresh for a channel its store has no record of, even with a cached state", async function () {
    const f = await setup();
    const second = f.newPayee();
    // A refused voucher (above the deposit) leaves the channel's state cached, claimed 50 ...
    await expectSdkError(second.acceptVoucher(await f.sign(5_000n)), VoucherError, "VOUCHER_EXCEEDS_DEPOSIT");
    // ... then another process claims 70 within the cache's lifetime.
    const third = f.newPayee();
    await third.acceptVoucher(await f.sign(70n));
    await third.claim({ channel: f.channel });
    await expectSdkError(second.acceptVoucher(await f.sign(60n)), VoucherError, "VOUCHER_NOT_MONOTONIC", {
      best: 70n,
      claimed: 70n,
    });
  });

  it("costs one state read for the first voucher of a channel, none for the next ones", async function () {
    const f = await setup();
    const second = f.newPayee();
    expect(await stateReads(f, async () => second.acceptVoucher(await f.sign(60n)))).to.equal(1);
    expect(
      await stateReads(f, async () => {
        for (const amount of [61n, 62n, 63n]) await second.acceptVoucher(await f.sign(amount));
      }),
    ).to.equal(0);
    // A claim the client sends drops the cached state: the next voucher is checked against the new total.
    await second.claim({ channel: f.channel });
    expect(await stateReads(f, async () => second.acceptVoucher(await f.sign(64n)))).to.equal(1);
    expect(await ethers.provider.getBalance(f.contract)).to.equal(1_000n - 63n);
  });
});
