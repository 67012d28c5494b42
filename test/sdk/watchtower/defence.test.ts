// The watchtower answers stale closes (docs/payment-channels.md §6, §8.7, rule PC-E6) on the hardhat network: Alice
// pays Bob, Bob hands the proofs to the watchtower and goes offline, Alice closes with an older (or no) proof of her
// direction, and the watchtower records the newer one with updateFor before closesAt − safetyMargin.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { WatchtowerError, type PaymentChannelEvent } from "../../../sdk";
import { MemoryPeerStore } from "../../../sdk/store/memory-peer";
import { expectSdkError } from "../../helpers/sdk";
import {
  SAFETY_MARGIN,
  aliceProof,
  closeServers,
  startTower,
  watchtowerFixture,
  type WatchtowerFixture,
} from "./fixture";

/** Bob registers with the tower and hands in Alice's proofs 1 (100) and 2 (300), offering `reward` for the last. */
async function bobHandsIn(f: WatchtowerFixture, t: Awaited<ReturnType<typeof startTower>>, reward = 10n) {
  const bob = t.client(f.bob);
  await bob.register({ channel: f.channel, role: "participant2" });
  const p1 = await aliceProof(f, 1n, 100n);
  const p2 = await aliceProof(f, 2n, 300n);
  await bob.submitProof({ channelId: f.channelId, ...p1 });
  await bob.submitProof({ channelId: f.channelId, ...p2, reward: { amount: reward } });
  return { bob, p1, p2 };
}

/** Alice closes without recording anything of her own direction: the stalest close there is. */
async function aliceClosesStale(f: WatchtowerFixture, withProof?: Awaited<ReturnType<typeof aliceProof>>) {
  const { events } = await f.client(f.alice).close({ channel: f.channel, ...withProof });
  const closed = events.find((e) => e.type === "ChannelClosed") as Extract<
    PaymentChannelEvent,
    { type: "ChannelClosed" }
  >;
  return Number(closed.closesAt);
}

async function settle(f: WatchtowerFixture, closesAt: number) {
  await time.increaseTo(closesAt + 1);
  const { events } = await f.client(f.deployer).settle({ channel: f.channel });
  const settled = events.find((e) => e.type === "ChannelSettled") as Extract<
    PaymentChannelEvent,
    { type: "ChannelSettled" }
  >;
  const rewards = events.filter((e) => e.type === "WatchtowerRewarded") as Extract<
    PaymentChannelEvent,
    { type: "WatchtowerRewarded" }
  >[];
  return { amount1: settled.amount1, amount2: settled.amount2, rewards };
}

describe("Watchtower: answering stale closes (PC-E6)", function () {
  afterEach(closeServers);

  it("PC-E6 counters Alice's stale close while Bob is offline: updateFor before closesAt, Bob paid per the newer proof, the watchtower its reward", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await bobHandsIn(f, t);
    const closesAt = await aliceClosesStale(f);

    await t.tower.sync();
    await t.tower.idle();

    expect(t.submitter.requests.map((r) => [r.label, r.deadline])).to.deep.equal([
      ["updateFor", closesAt - SAFETY_MARGIN],
    ]);
    const { record } = await f.client(f.bob).getChannel({ channel: f.channel });
    expect([record!.d12.nonce, record!.d12.transferred, record!.d12.rewardee, record!.d12.reward]).to.deep.equal([
      2n,
      300n,
      f.tower.address,
      10n,
    ]);
    // Total 1,500: Alice 1,000 − 300 = 700; Bob 500 + 300 = 800, of which 10 to the watchtower (Bob signed the Reward).
    const paid = await settle(f, closesAt);
    expect([paid.amount1, paid.amount2]).to.deep.equal([700n, 790n]);
    expect(paid.rewards.map((r) => [r.watchtower, r.amount])).to.deep.equal([[f.tower.address, 10n]]);
  });

  it("submits nothing, and so earns no reward, when Bob answered the close himself with the same proof", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const { p2 } = await bobHandsIn(f, t);
    const closesAt = await aliceClosesStale(f);
    await f.client(f.bob).update({ channel: f.channel, sender: f.alice.address, ...p2 });

    await t.tower.sync();
    await t.tower.idle();

    expect(t.submitter.requests).to.deep.equal([]);
    const paid = await settle(f, closesAt);
    expect([paid.amount1, paid.amount2, paid.rewards.length]).to.deep.equal([700n, 800n, 0]);
  });

  it("answers a proof handed in after the close at once, and a newer one handed in after its own update", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const bob = t.client(f.bob);
    await bob.register({ channel: f.channel, role: "participant2" });
    const p1 = await aliceProof(f, 1n, 100n);
    const closesAt = await aliceClosesStale(f);
    await t.tower.sync();

    await bob.submitProof({ channelId: f.channelId, ...p1 });
    await t.tower.idle();
    expect(t.submitter.requests).to.have.length(1);
    await bob.submitProof({ channelId: f.channelId, ...(await aliceProof(f, 3n, 450n)) });
    await t.tower.idle();
    await t.tower.sync();

    expect(t.submitter.requests).to.have.length(2);
    const paid = await settle(f, closesAt);
    expect([paid.amount1, paid.amount2]).to.deep.equal([550n, 950n]);
  });

  it("PC-E6 a new server over the same store still defends: the close happened while it was down", async function () {
    const f = await loadFixture(watchtowerFixture);
    const store = new MemoryPeerStore();
    const first = await startTower(f, { store });
    await bobHandsIn(f, first);
    await first.server.close();
    const closesAt = await aliceClosesStale(f);

    const second = await startTower(f, { store: store.reopen() });
    await second.tower.sync();
    await second.tower.idle();

    expect(second.submitter.requests.map((r) => r.deadline)).to.deep.equal([closesAt - SAFETY_MARGIN]);
    const { record } = await f.client(f.bob).getChannel({ channel: f.channel });
    expect(record!.d12.nonce).to.equal(2n);
  });

  it("PC-E6 a new server over the same store still defends: the close was scanned before the crash, the cursor is past it", async function () {
    const f = await loadFixture(watchtowerFixture);
    const store = new MemoryPeerStore();
    // A submitter that never lands: the first server sees the close, stores its cursor past it, then dies.
    const first = await startTower(f, { store });
    await bobHandsIn(f, first);
    await aliceClosesStale(f);
    first.submitter.submit = () => Promise.reject(new Error("RPC down"));
    await first.tower.sync();
    await first.tower.idle();
    await first.server.close();
    expect((await store.reopen().load()).filter((r) => r.type === "wt-block").length).to.be.greaterThan(0);

    const second = await startTower(f, { store });
    await second.tower.sync();
    await second.tower.idle();

    expect(second.submitter.requests).to.have.length(1);
    expect((await f.client(f.bob).getChannel({ channel: f.channel })).record!.d12.nonce).to.equal(2n);
  });

  it("PC-E6 safety margin: a close found inside the margin is still answered before closesAt, with the deadline now", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await bobHandsIn(f, t);
    const closesAt = await aliceClosesStale(f);
    await time.increaseTo(closesAt - 10);

    await t.tower.sync();
    await t.tower.idle();

    expect(t.submitter.requests).to.have.length(1);
    expect(t.submitter.requests[0].deadline).to.be.within(closesAt - 10, closesAt);
    expect(t.lines.some((line) => line.includes("inside the safety margin"))).to.equal(true);
    expect((await f.client(f.bob).getChannel({ channel: f.channel })).record!.d12.nonce).to.equal(2n);
  });

  it("PC-E6 safety margin: a close found after closesAt is reported missed and nothing is submitted", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await bobHandsIn(f, t);
    const closesAt = await aliceClosesStale(f);
    await time.increaseTo(closesAt + 1);

    await t.tower.sync();
    await t.tower.idle();

    expect(t.submitter.requests).to.deep.equal([]);
    expect(t.tower.watched(f.channelId, f.bob.address)!.missed).to.equal(true);
  });

  it("a proof at a nonce at or below the held one is refused (409) and not stored again", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const { bob, p1, p2 } = await bobHandsIn(f, t);
    const before = await t.store.load();

    await expectSdkError(bob.submitProof({ channelId: f.channelId, ...p2 }), WatchtowerError, "WATCHTOWER_STALE_PROOF");
    await expectSdkError(bob.submitProof({ channelId: f.channelId, ...p1 }), WatchtowerError, "WATCHTOWER_STALE_PROOF");

    expect(await t.store.load()).to.deep.equal(before);
    expect(t.tower.watched(f.channelId, f.bob.address)!.best!.proof.nonce).to.equal(2n);
  });

  it("with every: 3 only the third proof is sent; flush sends the latest kept back", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    const bob = t.client(f.bob, 3);
    await bob.register({ channel: f.channel, role: "participant2" });
    const sent: boolean[] = [];
    for (let n = 1n; n <= 4n; n++) {
      sent.push((await bob.submitProof({ channelId: f.channelId, ...(await aliceProof(f, n, n * 10n)) })).sent);
    }
    expect(sent).to.deep.equal([false, false, true, false]);
    expect(t.tower.watched(f.channelId, f.bob.address)!.best!.proof.nonce).to.equal(3n);

    expect(await bob.flush()).to.equal(1);
    expect(t.tower.watched(f.channelId, f.bob.address)!.best!.proof.nonce).to.equal(4n);
    expect(await bob.flush()).to.equal(0);
  });

  it("PC-E6 with polling on, the server finds and answers the stale close by itself", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f, { pollInterval: 50 });
    await bobHandsIn(f, t);
    await aliceClosesStale(f);

    const deadline = Date.now() + 20_000;
    let nonce = 0n;
    while (nonce !== 2n) {
      if (Date.now() > deadline) expect.fail("the watchtower did not answer within 20 s");
      await new Promise((resolve) => setTimeout(resolve, 50));
      nonce = (await f.client(f.bob).getChannel({ channel: f.channel })).record!.d12.nonce;
    }
    expect(t.submitter.requests.map((r) => r.label)).to.deep.equal(["updateFor"]);
  });

  it("stops watching a channel once it is settled", async function () {
    const f = await loadFixture(watchtowerFixture);
    const t = await startTower(f);
    await bobHandsIn(f, t);
    const closesAt = await aliceClosesStale(f);
    await t.tower.sync();
    await t.tower.idle();
    await settle(f, closesAt);

    await t.tower.sync();

    expect(t.tower.watched(f.channelId, f.bob.address)).to.equal(undefined);
    expect((await t.store.load()).map((r) => r.type)).to.include("wt-released");
  });

  it("compacts its log into a snapshot that a restarted server replays to the same state", async function () {
    const f = await loadFixture(watchtowerFixture);
    const store = new MemoryPeerStore();
    const t = await startTower(f, { store, compactEvery: 3 });
    const bob = t.client(f.bob);
    await bob.register({ channel: f.channel, role: "participant2" });
    for (let n = 1n; n <= 5n; n++) await bob.submitProof({ channelId: f.channelId, ...(await aliceProof(f, n, n)) });
    await t.server.close();

    const records = await store.reopen().load();
    expect(records.filter((r) => r.type === "wt-proof").length).to.be.lessThan(5);
    const second = await startTower(f, { store });
    expect(second.tower.watched(f.channelId, f.bob.address)!.best!.proof.nonce).to.equal(5n);
  });
});
