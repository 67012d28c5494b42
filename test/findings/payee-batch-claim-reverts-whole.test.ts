// Finding: PayeeClient.claimMany (and buildClaimMany) left out closed and already-claimed channels but kept two kinds
// of channel the contract refuses: one whose challenge period was over but not yet finalized (ChannelChallengeOver)
// and one whose voucher was signed by a session key past its grace period (ChannelInvalidSignature), as well as a
// contract payer whose wallet no longer accepts its signature. Any one of them reverted the whole batch, so the
// payee's good channels went unclaimed, contrary to the method's documentation (docs/micropayments.md M-C3).
// Fix: planClaimMany checks each channel as the contract's `_claim` would in the next block (status, claim window,
// amount, then the signature: the payer, a session key valid then, or the wallet's ERC-1271 approval), leaves out
// what it would refuse and reports why; buildClaimMany and claimMany send only what it keeps (§5).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress } from "ethers";
import { MemoryVoucherStore, PayeeClient, PayerClient, signVoucher } from "../../sdk";
import { HOUR, channelsFixture, openChannel, openWalletChannel } from "../helpers/channels-sdk";

async function fixture() {
  const f = await channelsFixture();
  const oldKey = new Wallet("0x" + "5e".repeat(32));
  const good = await openChannel(f, { signer: oldKey.address, salt: 1, challengePeriod: 2 * HOUR });
  const closing = await openChannel(f, { signer: oldKey.address, salt: 2 });
  const rotated = await openChannel(f, { signer: oldKey.address, salt: 3 });
  const unpaid = await openChannel(f, { salt: 4 });
  const walletChannel = await openWalletChannel(f, { salt: 5, challengePeriod: 2 * HOUR });
  return { ...f, oldKey, good, closing, rotated, unpaid, walletChannel };
}

async function setup() {
  const f = await loadFixture(fixture);
  const store = new MemoryVoucherStore();
  const payee = new PayeeClient({ address: f.contract, runner: f.payee, store, claimMargin: 60 });
  const payer = new PayerClient({ address: f.contract, runner: f.payer });
  const context = { chainId: f.chainId, contract: f.contract };
  // Every voucher is accepted while valid: 70 on the good channel, 30, 40 and 50 on the three that turn bad.
  for (const [{ channel, channelId }, amount] of [
    [f.good, 70n],
    [f.closing, 30n],
    [f.rotated, 40n],
  ] as const) {
    const { signature } = await signVoucher({ ...context, channelId, amount, privateKey: f.oldKey.privateKey });
    await payee.acceptVoucher({ channel, amount, signature });
  }
  const byOwner = await signVoucher({ ...context, channelId: f.walletChannel.channelId, amount: 50n, signer: f.payer });
  await payee.acceptVoucher({ channel: f.walletChannel.channel, amount: 50n, signature: byOwner.signature });
  // Then: a close requested, a key rotated, both an hour ago; the wallet stops honouring its signatures.
  await payer.requestClose({ channel: f.closing.channel });
  await payer.setSigner({ channel: f.rotated.channel, signer: Wallet.createRandom().address });
  await f.walletChannel.wallet.setMode(1);
  await time.increase(HOUR + 1);
  return { ...f, store, payeeClient: payee };
}

/** The batch claims (`BatchClaim`) of the four channels' best vouchers, as the client built them before the fix. */
async function everyClaim(f: Awaited<ReturnType<typeof setup>>) {
  const claims = [];
  for (const { channel, channelId } of [f.good, f.closing, f.rotated, f.walletChannel]) {
    const { amount, signature } = (await f.store.get(channelId))!;
    const { payer, signer, challengePeriod, salt } = channel;
    claims.push({ payer, signer, challengePeriod, salt, amount, signature });
  }
  return claims;
}

describe("finding: a payee's batch claim reverted whole for a channel the contract refuses (M-C3)", function () {
  it("the contract refuses each of the three channels in a batch, reverting the good claim with it", async function () {
    const f = await setup();
    const [good, closing, rotated, wallet] = await everyClaim(f);
    await expect(f.channels.claimMany(f.payee.address, ZeroAddress, [good, closing]))
      .to.be.revertedWithCustomError(f.channels, "ChannelChallengeOver")
      .withArgs(f.closing.channelId, (await f.channels.getChannelState(f.closing.channelId)).closesAt);
    for (const bad of [rotated, wallet]) {
      await expect(f.channels.claimMany(f.payee.address, ZeroAddress, [good, bad])).to.be.revertedWithCustomError(
        f.channels,
        "ChannelInvalidSignature",
      );
    }
  });

  it("planClaimMany leaves them out and says why; claimMany then pays the good channel", async function () {
    const f = await setup();
    const channels = [f.good.channel, f.closing.channel, f.rotated.channel, f.walletChannel.channel, f.unpaid.channel];
    const { batches, skipped } = await f.payeeClient.planClaimMany({ channels });
    expect(batches.map((b) => b.channelIds)).to.deep.equal([[f.good.channelId]]);
    expect(skipped).to.deep.equal([
      { channelId: f.closing.channelId, reason: "challenge-over" },
      { channelId: f.rotated.channelId, reason: "invalid-signature" },
      { channelId: f.walletChannel.channelId, reason: "invalid-signature" },
      { channelId: f.unpaid.channelId, reason: "no-voucher" },
    ]);
    expect((await f.payeeClient.buildClaimMany({ channels })).map((b) => b.data)).to.deep.equal(
      batches.map((b) => b.data),
    );
    const results = await f.payeeClient.claimMany({ channels });
    expect(results).to.have.length(1);
    expect(results[0].events.map((e) => e.type)).to.deep.equal(["ChannelClaimed"]);
    expect((await f.channels.getChannelState(f.good.channelId)).claimed).to.equal(70n);
  });

  it("keeps a refusing wallet's channel once the wallet accepts again, and claims it in the batch", async function () {
    const f = await setup();
    await f.walletChannel.wallet.setMode(0);
    const { batches } = await f.payeeClient.planClaimMany({ channels: [f.good.channel, f.walletChannel.channel] });
    expect(batches.map((b) => b.channelIds)).to.deep.equal([[f.good.channelId, f.walletChannel.channelId]]);
    await f.payeeClient.claimMany({ channels: [f.good.channel, f.walletChannel.channel] });
    expect((await f.channels.getChannelState(f.walletChannel.channelId)).claimed).to.equal(50n);
  });
});
