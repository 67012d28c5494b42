import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MemoryTransport } from "../../../../sdk";
import { FilePeerStore } from "../../../../sdk/node";
import { ChainClock, engineChannelFixture, startPeer } from "../../../helpers/engine";

describe("ChannelPeer on FilePeerStore (PC-E1 with a real log)", function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "peerpay-engine-"));
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("PC-E1, PC-E2: pays both ways through fsynced logs, and both peers reopened from their files resume exactly", async function () {
    const f = await loadFixture(engineChannelFixture);
    const clock = await ChainClock.fresh();
    const [aliceEnd, bobEnd] = MemoryTransport.pair({
      peers: [f.alice.address, f.bob.address],
      channels: [f.channelId],
    });
    const files = { alice: path.join(dir, "alice.log"), bob: path.join(dir, "bob.log") };
    const common = { f, channel: f.channel, clock };
    const open = async (who: "alice" | "bob", transport: MemoryTransport) =>
      startPeer({ ...common, who, transport, store: await FilePeerStore.open({ path: files[who] }) });
    let alice = await open("alice", aliceEnd);
    let bob = await open("bob", bobEnd);
    await Promise.all([
      ...Array.from({ length: 200 }, () => alice.peer.pay({ amount: 3n })),
      ...Array.from({ length: 100 }, () => bob.peer.pay({ amount: 4n })),
    ]);
    for (const side of [alice, bob]) {
      await side.peer.stop();
      await side.store.close();
    }
    alice = await open("alice", aliceEnd);
    bob = await open("bob", bobEnd);
    expect(alice.peer.balances()).to.deep.include({
      sent: 600n,
      ackedNonce: 200n,
      received: 400n,
      receivedNonce: 100n,
    });
    expect(bob.peer.balances()).to.deep.include({ sent: 400n, ackedNonce: 100n, received: 600n, receivedNonce: 200n });
    await Promise.all([alice.peer.pay({ amount: 1n }), bob.peer.pay({ amount: 1n })]);
    expect(bob.peer.balances()).to.deep.include({ received: 601n, receivedNonce: 201n });
    expect(alice.peer.balances()).to.deep.include({ received: 401n, receivedNonce: 101n });
    for (const side of [alice, bob]) {
      await side.peer.stop();
      await side.store.close();
    }
  });
});
