import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ChannelPeer, type PeerLogRecord } from "../../../../sdk";
import { DEPOSIT, engineChannelFixture, startPair, until } from "../../../helpers/engine";

/** A seeded generator (mulberry32), so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Every nonce of a direction's log maps to one state: never two different proofs with one nonce (PC-E1). */
function expectOneStatePerNonce(records: PeerLogRecord[], type: "sent" | "received"): number {
  const byNonce = new Map<string, string>();
  for (const record of records.filter((r) => r.type === type)) {
    const nonce = (record.proof as { nonce: string }).nonce;
    const text = JSON.stringify([record.change, record.proof, record.signature]);
    expect(byNonce.get(nonce) ?? text, `nonce ${nonce}`).to.equal(text);
    byNonce.set(nonce, text);
  }
  return byNonce.size;
}

describe("ChannelPeer: faults, reconnects and restarts (PC-E1, PC-E4)", function () {
  this.timeout(120_000);

  it("PC-E4: with frames dropped, duplicated and reordered both ways, every pay resolves and is counted once", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    alice.transport.faults({ drop: 0.1, duplicate: 0.1, reorder: 0.2, random: seeded(1) });
    bob.transport.faults({ drop: 0.1, duplicate: 0.1, reorder: 0.2, random: seeded(2) });
    const n = 150;
    // Paid in waves so that many frames (and so many faults) happen, not one batch each way.
    for (let wave = 0; wave < 5; wave++) {
      await Promise.all([
        ...Array.from({ length: n / 5 }, () => alice.peer.pay({ amount: 3n })),
        ...Array.from({ length: n / 5 }, () => bob.peer.pay({ amount: 5n })),
      ]);
    }
    expect(alice.transport.sentFrames + bob.transport.sentFrames).to.be.greaterThan(20);
    expect(alice.peer.balances()).to.deep.include({
      sent: 3n * BigInt(n),
      ackedNonce: BigInt(n),
      received: 5n * BigInt(n),
    });
    expect(bob.peer.balances()).to.deep.include({
      sent: 5n * BigInt(n),
      ackedNonce: BigInt(n),
      received: 3n * BigInt(n),
    });
    expect(alice.peer.balances().spendable).to.equal(DEPOSIT - 3n * BigInt(n) + 5n * BigInt(n));
    expect(expectOneStatePerNonce(await bob.store.load(), "received")).to.equal(n);
    expect(expectOneStatePerNonce(await alice.store.load(), "received")).to.equal(n);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-E4: pays made while disconnected are resent on reconnect and resolve", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f, { resendMs: 60_000 }); // only the reconnect can resend
    alice.transport.disconnect();
    let done = 0;
    const pays = Array.from({ length: 20 }, () => alice.peer.pay({ amount: 1n }).then(() => done++));
    await until(() => alice.peer.balances().sentNonce === 20n, 5_000, "the proofs signed");
    expect(done).to.equal(0);
    expect(bob.peer.balances().received).to.equal(0n);
    alice.transport.reconnect();
    await Promise.all(pays);
    expect(bob.peer.balances()).to.deep.include({ received: 20n, receivedNonce: 20n });
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-E1: a sender restarted from its store mid-stream resends the unacknowledged proofs and never reuses a nonce", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    await Promise.all(Array.from({ length: 30 }, () => alice.peer.pay({ amount: 2n })));
    // Alice's next proofs are logged and sent, but the link holds them: then she "crashes".
    alice.transport.faults({ hold: true });
    const lost = Array.from({ length: 15 }, () => alice.peer.pay({ amount: 7n }).catch((error: unknown) => error));
    await until(() => alice.peer.balances().sentNonce === 45n, 5_000, "the held proofs signed");
    await alice.peer.stop();
    expect((await Promise.all(lost)).every((e) => (e as { code?: string }).code === "PEER_STOPPED")).to.equal(true);
    alice.transport.discardHeld();
    alice.transport.faults({});
    await alice.store.close();

    const restarted = new ChannelPeer({ ...alice.params, store: alice.store.reopen(), now: clock.now });
    await restarted.start();
    expect(restarted.balances()).to.deep.include({ sentNonce: 45n, ackedNonce: 30n, sent: 60n + 105n });
    await until(() => restarted.balances().ackedNonce === 45n, 10_000, "the resent proofs acknowledged");
    await Promise.all(Array.from({ length: 10 }, () => restarted.pay({ amount: 1n })));
    expect(bob.peer.balances()).to.deep.include({ received: 60n + 105n + 10n, receivedNonce: 55n });
    expect(expectOneStatePerNonce(await alice.store.load(), "sent")).to.equal(55);
    expect(expectOneStatePerNonce(await bob.store.load(), "received")).to.equal(55);
    await restarted.stop();
    await bob.peer.stop();
  });

  it("PC-E1: a receiver restarted from its store keeps every payment it acknowledged, and the log compacts", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f, { compactEvery: 50 });
    await Promise.all(Array.from({ length: 120 }, () => alice.peer.pay({ amount: 1n })));
    await bob.peer.stop();
    await bob.store.close();
    const records = await bob.store.reopen().load();
    // Compaction kept the log short: a snapshot and what followed it, not 120 proofs.
    expect(records.some((r) => r.type === "snapshot")).to.equal(true);
    expect(records.length).to.be.lessThan(120);
    const restarted = new ChannelPeer({ ...bob.params, store: bob.store, now: clock.now });
    await restarted.start();
    expect(restarted.balances()).to.deep.include({ received: 120n, receivedNonce: 120n });
    await alice.peer.pay({ amount: 5n });
    expect(restarted.balances()).to.deep.include({ received: 125n, receivedNonce: 121n });
    await alice.peer.stop();
    await restarted.stop();
  });
});
