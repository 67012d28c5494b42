import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";
import {
  PaymentChannelStatus,
  PaymentChannelsClient,
  UnknownDeploymentError,
  lockedAmount,
  locksRootOf,
  secretHash,
  settlementOf,
  validateBalanceProof,
  type BalanceProof,
  type Lock,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { HOUR, paymentChannelsFixture, type PaymentChannelsFixture } from "../../helpers/payment-channels-sdk";

const SECRET = "0x" + "5e".repeat(32);

/** Alice opens an ETH channel to Bob with her session key, Bob funds his side by id. */
async function openedFixture() {
  const f = await paymentChannelsFixture();
  const alice = f.client(f.alice);
  const opened = await alice.open({
    participant2: f.bob.address,
    amount: 1_000n,
    challengePeriod: HOUR,
    key1: f.aliceKey.address,
    salt: 1,
  });
  await f.client(f.bob).deposit({ channel: opened.channelId, amount: 500n });
  return { ...f, ...opened };
}

/** Fresh clients: loadFixture reverts the chain, not the JavaScript objects (session keys, cached terms). */
function clients(f: PaymentChannelsFixture) {
  return {
    aliceClient: f.client(f.alice),
    bobClient: f.client(f.bob),
    towerClient: f.client(f.tower),
    strangerClient: f.client(f.stranger),
    readClient: f.client(ethers.provider),
  };
}

describe("PaymentChannelsClient", function () {
  it("connect finds the deployment of the runner's chain in the address book, or throws UNKNOWN_DEPLOYMENT", async function () {
    const f = await loadFixture(paymentChannelsFixture);
    const blockNumber = (await f.channels.deploymentTransaction()!.wait())!.blockNumber;
    const addressBook = { [f.chainId.toString()]: { PaymentChannels: { address: f.contract, blockNumber } } };
    const client = await PaymentChannelsClient.connect({ runner: f.alice, addressBook });
    expect([client.address, client.fromBlock]).to.deep.equal([f.contract, blockNumber]);
    expect(await client.getChainId()).to.equal(f.chainId);
    await expectSdkError(
      PaymentChannelsClient.connect({ runner: f.alice, addressBook: {} }),
      UnknownDeploymentError,
      "UNKNOWN_DEPLOYMENT",
    );
  });

  it("opens (participant1 = the signer) and lets either side deposit, reading both deposits back", async function () {
    const f = await loadFixture(openedFixture);
    const { readClient } = clients(f);
    expect(f.channel).to.deep.equal({
      participant1: f.alice.address,
      participant2: f.bob.address,
      token: ZeroAddress,
      key1: f.aliceKey.address,
      challengePeriod: HOUR,
      salt: 1,
    });
    const state = await readClient.getChannel({ channel: f.channelId });
    expect(state).to.deep.include({
      channelId: f.channelId,
      status: PaymentChannelStatus.Open,
      deposit1: 1_000n,
      deposit2: 500n,
      withdrawn1: 0n,
      withdrawn2: 0n,
      closesAt: 0,
    });
    expect(state.record).to.equal(undefined);
  });

  it("full flow: pay both ways off-chain, withdraw cooperatively, close alone, update, updateFor, settle, unlock", async function () {
    const f = await loadFixture(openedFixture);
    const { aliceClient, bobClient, towerClient, strangerClient, readClient } = clients(f);
    const { channel, channelId, chainId, contract } = f;
    const validate = (sender: string, proof: BalanceProof, signature: string, locks: Lock[], previous?: BalanceProof) =>
      validateBalanceProof({ chainId, contract, channel, sender, channelId, proof, signature, locks, previous });

    // Off-chain, both directions at once; Alice signs with her session key (no wallet prompt).
    await aliceClient.useSessionKey({ channel, privateKey: f.aliceKey.privateKey });
    const a1: BalanceProof = { nonce: 1n, transferred: 100n, locked: 0n, locksRoot: ZeroHash };
    const a1sig = (await aliceClient.signBalanceProof({ channel, proof: a1 })).signature;
    expect((await validate(f.alice.address, a1, a1sig, [])).signer.by).to.equal("sessionKey");
    const b1: BalanceProof = { nonce: 1n, transferred: 30n, locked: 0n, locksRoot: ZeroHash };
    const b1sig = (await bobClient.signBalanceProof({ channel: channelId, proof: b1 })).signature;
    await validate(f.bob.address, b1, b1sig, []);

    // Bob withdraws 50 while open: Alice co-signs, Bob's own call stands for his signature.
    const expiry = BigInt((await time.latest()) + HOUR);
    const withdraw = { channel, participant: f.bob.address, totalWithdrawn: 50n, expiry };
    const { signature: w1 } = await aliceClient.signWithdraw(withdraw);
    const { events } = await bobClient.cooperativeWithdraw({ ...withdraw, signature1: w1 });
    expect(events.find((e) => e.type === "ChannelWithdrawn")).to.deep.include({ amount: 50n, total: 50n });
    expect((await readClient.getChannel({ channel })).withdrawn2).to.equal(50n);

    // Alice locks 40 to Bob under a secret only Bob knows; Bob pays 30 more.
    const locks: Lock[] = [{ amount: 40n, expiry: (await time.latest()) + 10 * HOUR, secretHash: secretHash(SECRET) }];
    const a2: BalanceProof = {
      nonce: 2n,
      transferred: 100n,
      locked: lockedAmount(locks),
      locksRoot: locksRootOf(locks),
    };
    const a2sig = (await aliceClient.signBalanceProof({ channel, proof: a2 })).signature;
    await validate(f.alice.address, a2, a2sig, locks, a1);
    const b2: BalanceProof = { nonce: 2n, transferred: 60n, locked: 0n, locksRoot: ZeroHash };
    const b2sig = (await bobClient.signBalanceProof({ channel, proof: b2 })).signature;

    // Bob closes with Alice's latest proof; Alice answers with Bob's older proof herself...
    const closed = await bobClient.close({ channel, proof: a2, signature: a2sig });
    const closedEvent = closed.events.find((e) => e.type === "ChannelClosed");
    expect(closedEvent).to.not.equal(undefined);
    let state = await readClient.getChannel({ channel });
    expect(state.status).to.equal(PaymentChannelStatus.Closed);
    expect(state.record!.d12).to.deep.include({ nonce: 2n, locked: 40n });
    expect(state).to.deep.include({ deposit1: 1_000n, deposit2: 500n, withdrawn2: 50n });
    await aliceClient.update({ channel, sender: f.bob.address, proof: b1, signature: b1sig });
    // ...and her watchtower with the newer one, for a reward of 5 that she signs.
    const { signature: rewardSignature } = await aliceClient.signReward({
      channel,
      proof: b2,
      watchtower: f.tower.address,
      amount: 5n,
    });
    const request = await towerClient.buildUpdateFor({
      channel: channelId,
      sender: f.bob.address,
      proof: b2,
      signature: b2sig,
      reward: 5n,
      rewardSignature,
    });
    expect(request.to).to.equal(contract);
    await towerClient.updateFor({
      channel,
      sender: f.bob.address,
      proof: b2,
      signature: b2sig,
      reward: 5n,
      rewardSignature,
    });
    state = await readClient.getChannel({ channel });
    expect(state.record!.d21).to.deep.include({ nonce: 2n, transferred: 60n, rewardee: f.tower.address, reward: 5n });

    // Bob reveals the secret on-chain before the lock expires; anyone settles after the challenge period.
    await bobClient.registerSecret({ secret: SECRET });
    expect(await readClient.secretRegisteredAt({ secretHash: secretHash(SECRET) })).to.equal(await time.latest());
    const expected = settlementOf(state.record!);
    await time.increaseTo(state.closesAt + 1);
    const settled = await strangerClient.settle({ channel });
    const settledEvent = settled.events.find((e) => e.type === "ChannelSettled")!;
    expect(settledEvent).to.deep.include({ amount1: expected.amount1, amount2: expected.amount2 });
    // 1000 + 500 - 50 = 1450: Alice 1000 - 100 + 60 - 40 held - 5 reward = 915, Bob 500 - 50 + 100 - 60 = 490.
    expect(expected).to.deep.equal({
      amount1: 915n,
      amount2: 490n,
      reward12: 0n,
      reward21: 5n,
      held12: 40n,
      held21: 0n,
    });
    expect(settled.events.find((e) => e.type === "WatchtowerRewarded")).to.deep.include({ amount: 5n });

    state = await readClient.getChannel({ channel });
    expect(state.status).to.equal(PaymentChannelStatus.Settled);
    expect(state.pending).to.deep.equal({
      locksRoot12: locksRootOf(locks),
      held12: 40n,
      locksRoot21: ZeroHash,
      held21: 0n,
    });
    const unlocked = await strangerClient.unlock({ channel, sender: f.alice.address, locks });
    expect(unlocked.events.find((e) => e.type === "LocksUnlocked")).to.deep.include({ toReceiver: 40n, toSender: 0n });
    state = await readClient.getChannel({ channel });
    expect(state.commitment).to.equal(ZeroHash);
    expect(state.pending!.held12).to.equal(0n);
    // Everything was paid out: the contract holds nothing for the channel (no credits either).
    expect(await ethers.provider.getBalance(contract)).to.equal(0n);
  });

  it("closes cooperatively an ERC20 channel funded by approval, each side signing the final balances", async function () {
    const f = await loadFixture(paymentChannelsFixture);
    const { aliceClient, bobClient, readClient } = clients(f);
    const { channel, channelId, approvalReceipt } = await aliceClient.open({
      participant2: f.bob.address,
      token: f.tokenAddress,
      amount: 700n,
      challengePeriod: HOUR,
      funding: "approve",
    });
    expect(approvalReceipt).to.not.equal(undefined);
    await bobClient.deposit({ channel: channelId, amount: 300n, approve: true });
    const expiry = BigInt((await time.latest()) + HOUR);
    const close = { channel, balance1: 600n, balance2: 400n, expiry };
    const { signature: signature2 } = await bobClient.signCooperativeClose(close);
    const before = await f.token.balanceOf(f.bob.address);
    const { events } = await aliceClient.cooperativeClose({ ...close, signature2 });
    expect(events.find((e) => e.type === "ChannelCooperativelyClosed")).to.deep.include({
      amount1: 600n,
      amount2: 400n,
    });
    expect((await f.token.balanceOf(f.bob.address)) - before).to.equal(400n);
    const state = await readClient.getChannel({ channel });
    expect(state.status).to.equal(PaymentChannelStatus.Settled);
    expect(state.pending).to.deep.equal({ locksRoot12: ZeroHash, held12: 0n, locksRoot21: ZeroHash, held21: 0n });
  });

  it("opens an ERC20 channel with a permit (openWithPermit)", async function () {
    const f = await loadFixture(paymentChannelsFixture);
    const { aliceClient } = clients(f);
    const { events } = await aliceClient.open({
      participant2: f.bob.address,
      token: f.tokenAddress,
      amount: 250n,
      challengePeriod: HOUR,
      funding: "permit",
    });
    expect(events.find((e) => e.type === "ChannelOpened")).to.deep.include({ deposit: 250n });
    expect(await f.token.allowance(f.alice.address, f.contract)).to.equal(0n);
  });

  it("rotates a session key: participant2 names its own, and the previous key stays valid for the grace", async function () {
    const f = await loadFixture(openedFixture);
    const { aliceClient, bobClient, readClient } = clients(f);
    expect(await readClient.sessionKeysOf({ channel: f.channel, participant: f.bob.address })).to.deep.equal([]);
    await bobClient.setSessionKey({ channel: f.channel, key: f.bobKey.address, privateKey: f.bobKey.privateKey });
    expect(await readClient.sessionKeysOf({ channel: f.channel, participant: f.bob.address })).to.deep.equal([
      f.bobKey.address,
    ]);
    const next = PaymentChannelsClient.createSessionKey();
    await aliceClient.setSessionKey({ channel: f.channel, key: next.address });
    expect(await readClient.sessionKeysOf({ channel: f.channel, participant: f.alice.address })).to.deep.equal([
      next.address,
      f.aliceKey.address,
    ]);
    await time.increase(HOUR + 1);
    expect(await readClient.sessionKeysOf({ channel: f.channel, participant: f.alice.address })).to.deep.equal([
      next.address,
    ]);
    // Bob's client now signs with his session key, which the contract accepts in a close by Alice.
    const proof = { nonce: 1n, transferred: 10n, locked: 0n, locksRoot: ZeroHash };
    const { signature } = await bobClient.signBalanceProof({ channel: f.channel, proof });
    await aliceClient.close({ channel: f.channel, proof, signature });
    expect((await readClient.getChannel({ channel: f.channel })).record!.d21.transferred).to.equal(10n);
  });

  it("builds every action as { to, data, value } without a signer; any account can send what was built", async function () {
    const f = await loadFixture(paymentChannelsFixture);
    const { readClient, aliceClient } = clients(f);
    const built = await readClient.buildOpen({
      participant1: f.alice.address,
      participant2: f.bob.address,
      amount: 1_000n,
      challengePeriod: HOUR,
      salt: 7,
    });
    expect(built).to.deep.include({ to: f.contract, value: 1_000n });
    const { channel, channelId, ...request } = built;
    await f.alice.sendTransaction(request);
    expect((await readClient.getChannel({ channel: channelId })).status).to.equal(PaymentChannelStatus.Open);
    const deposit = await readClient.buildDeposit({ channel, participant: f.bob.address, amount: 10n });
    expect(deposit.value).to.equal(10n);
    await f.stranger.sendTransaction(deposit); // anyone may fund a participant
    const expiry = BigInt((await time.latest()) + HOUR);
    const close = { channel, balance1: 900n, balance2: 110n, expiry };
    const signature1 = (await aliceClient.signCooperativeClose(close)).signature;
    const signature2 = (await f.client(f.bob).signCooperativeClose(close)).signature;
    const relayed = await readClient.buildCooperativeClose({ ...close, signature1, signature2 });
    expect(relayed.value).to.equal(0n);
    await f.stranger.sendTransaction(relayed);
    expect((await readClient.getChannel({ channel })).status).to.equal(PaymentChannelStatus.Settled);
    expect(readClient.buildRegisterSecret({ secret: SECRET }).data.slice(0, 10)).to.equal(
      f.channels.interface.getFunction("registerSecret").selector,
    );
    const withdraw = await readClient.buildWithdrawCredit({ to: f.alice.address });
    expect(f.channels.interface.parseTransaction(withdraw)!.args).to.deep.equal([ZeroAddress, f.alice.address]);
  });

  it("finds a user's channels from ChannelOpened, by role, with their status", async function () {
    const f = await loadFixture(openedFixture);
    const { aliceClient, bobClient, readClient } = clients(f);
    const second = await bobClient.open({ participant2: f.alice.address, amount: 5n, challengePeriod: HOUR, salt: 2 });
    await aliceClient.close({ channel: f.channel });
    const mine = await readClient.channelsOf({ account: f.alice.address, withStatus: true });
    expect(mine.channels.map((c) => [c.channelId, c.roles, c.counterparty, c.status])).to.deep.equal([
      [f.channelId, ["participant1"], f.bob.address, PaymentChannelStatus.Closed],
      [second.channelId, ["participant2"], f.bob.address, PaymentChannelStatus.Open],
    ]);
    expect(mine.nextFromBlock).to.equal(null);
    const asSecond = await readClient.channelsOf({ account: f.alice.address, roles: ["participant2"] });
    expect(asSecond.channels.map((c) => c.channelId)).to.deep.equal([second.channelId]);
    expect(asSecond.channels[0].status).to.equal(undefined);
    expect((await readClient.channelsOf({ account: f.stranger.address })).channels).to.deep.equal([]);
  });
});
