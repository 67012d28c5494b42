// Finding (adversarial review of the engine, issue 10): the receiver's set of the sender's keys only ever grew. After
// the sender rotated its session key and the previous key's grace ended (§7), proofs signed by the previous key were
// still stored and acknowledged although the contract refuses them, so a payer could pay with worthless proofs.
// Fix (docs/payment-channels.md §7, PC-E3): `refresh` rebuilds the key set from the chain instead of adding to it.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroHash } from "ethers";
import { MemoryPeerStore, MemoryTransport, signPaymentChannelMessage, type PeerMessage } from "../../sdk";
import { ChainClock, HOUR, engineChannelFixture, startPeer } from "../helpers/engine";

describe("finding: a session key rotated out still signed payments the receiver accepted (§7)", function () {
  this.timeout(60_000);

  it("PC-E3: once the previous key's grace ended, a refreshed receiver refuses its proofs and takes the new key's", async function () {
    const f = await loadFixture(engineChannelFixture);
    const clock = new ChainClock();
    await clock.sync();
    const [aliceEnd] = MemoryTransport.pair({ peers: [f.alice.address, f.bob.address], channels: [f.channelId] });
    const alice = await startPeer({
      f,
      channel: f.channel,
      who: "alice",
      store: new MemoryPeerStore(),
      transport: aliceEnd,
      clock,
    });
    const payMessage = async (key: { privateKey: string }): Promise<PeerMessage> => {
      const proof = { nonce: 1n, transferred: 5n, locked: 0n, locksRoot: ZeroHash };
      const { signature } = await signPaymentChannelMessage({
        chainId: f.chainId,
        contract: f.contract,
        privateKey: key.privateKey,
        primaryType: "BalanceProof",
        message: { channelId: f.channelId, ...proof },
      });
      return {
        type: "proof",
        channelId: f.channelId,
        change: { kind: "pay", amount: "5" },
        proof: { nonce: "1", transferred: "5", locked: "0", locksRoot: ZeroHash },
        signature,
      };
    };
    // Bob rotates from bobKey to a new key (after the fixture's own change is out of its grace), and waits the grace.
    await time.increase(HOUR + 1);
    const newKey = Wallet.createRandom();
    await f.client(f.bob).setSessionKey({ channel: f.channel, key: newKey.address });
    await time.increase(HOUR + 1);
    await alice.peer.refresh();
    const refused = await alice.peer.receive([await payMessage(f.bobKey)]);
    expect(refused.map((e) => e.code)).to.deep.equal(["PEER_INVALID_SIGNATURE"]);
    expect(alice.peer.balances().receivedNonce).to.equal(0n);
    expect(await alice.peer.receive([await payMessage(newKey)])).to.deep.equal([]);
    expect(alice.peer.balances()).to.deep.include({ receivedNonce: 1n, received: 5n });
    await alice.peer.stop();
  });
});
