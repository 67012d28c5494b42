import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PeerRequestError } from "../../../../sdk";
import { expectSdkError } from "../../../helpers/sdk";
import { DEPOSIT, engineChannelFixture, startPair } from "../../../helpers/engine";

/** Sums 1..n. */
const triangle = (n: number) => BigInt((n * (n + 1)) / 2);

describe("ChannelPeer: paying (PC-E1, PC-E2)", function () {
  this.timeout(120_000);

  it("PC-E1: pay resolves once the receiver stored the proof durably and acknowledged it", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await alice.peer.pay({ amount: 40n });
    // The receiver's log holds the proof before the sender learns of the ack.
    const logged = (await bob.store.load()).filter((r) => r.type === "received");
    expect(logged).to.have.length(1);
    expect(bob.peer.balances()).to.deep.include({ received: 40n, receivedNonce: 1n });
    expect(alice.peer.balances()).to.deep.include({ sent: 40n, sentNonce: 1n, ackedNonce: 1n });
    const sentRecords = (await alice.store.load()).filter((r) => r.type === "sent");
    expect(sentRecords).to.have.length(1);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-E2: 500 pays each way at the same moment end with exact balances, consecutive nonces, nothing counted twice", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    const n = 500;
    await Promise.all([
      ...Array.from({ length: n }, (_, i) => alice.peer.pay({ amount: BigInt(i + 1) })),
      ...Array.from({ length: n }, (_, i) => bob.peer.pay({ amount: BigInt(2 * (i + 1)) })),
    ]);
    const a = alice.peer.balances();
    const b = bob.peer.balances();
    expect(a).to.deep.include({ sent: triangle(n), sentNonce: BigInt(n), ackedNonce: BigInt(n) });
    expect(b).to.deep.include({ received: triangle(n), receivedNonce: BigInt(n) });
    expect(b).to.deep.include({ sent: 2n * triangle(n), ackedNonce: BigInt(n) });
    expect(a).to.deep.include({ received: 2n * triangle(n), receivedNonce: BigInt(n) });
    expect(a.spendable).to.equal(DEPOSIT - triangle(n) + 2n * triangle(n));
    expect(b.spendable).to.equal(DEPOSIT - 2n * triangle(n) + triangle(n));
    expect(alice.refused.concat(bob.refused)).to.deep.equal([]);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("§8.1: a pay above the spendable amount is refused with PEER_OVERSPEND and uses no nonce; received payments raise it", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await expectSdkError(alice.peer.pay({ amount: DEPOSIT + 1n }), PeerRequestError, "PEER_OVERSPEND");
    expect(alice.peer.balances().sentNonce).to.equal(0n);
    await bob.peer.pay({ amount: 10n });
    await alice.peer.pay({ amount: DEPOSIT + 10n });
    expect(alice.peer.balances()).to.deep.include({ spendable: 0n, sentNonce: 1n });
    await expectSdkError(alice.peer.pay({ amount: 1n }), PeerRequestError, "PEER_OVERSPEND");
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("§8.1: each side may spend what it received once stored: money goes round twice the deposit, conserved", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await alice.peer.pay({ amount: DEPOSIT });
    await bob.peer.pay({ amount: 2n * DEPOSIT });
    await alice.peer.pay({ amount: 2n * DEPOSIT });
    const a = alice.peer.balances();
    const b = bob.peer.balances();
    expect([a.spendable, b.spendable]).to.deep.equal([0n, 2n * DEPOSIT]);
    expect([b.received, a.received]).to.deep.equal([3n * DEPOSIT, 2n * DEPOSIT]);
    await expectSdkError(alice.peer.pay({ amount: 1n }), PeerRequestError, "PEER_OVERSPEND");
    await alice.peer.stop();
    await bob.peer.stop();
  });
});
