// Finding (adversarial review of the engine, issue 10): a sender could freeze the receiver's locks. On-chain, a
// direction's locks are unlocked together and only once each is registered in time or expired (PC-L1), and the
// receiver took a lock with any expiry up to 2^40 − 1. A payer A adding a 1-wei lock that expires in the year 36,812
// to its locks towards a hub H made H's on-chain unlock of that direction revert until then, so H could not collect
// a routed lock it had already paid downstream. Fix (docs/payment-channels.md §8.2): a lock may expire at most
// `maxLockSeconds` (default 7 days) ahead; the receiver refuses a later one, and the sender never signs one.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  MemoryPeerStore,
  MemoryTransport,
  PeerRequestError,
  locksRootOf,
  secretHash,
  signPaymentChannelMessage,
  type PeerMessage,
} from "../../sdk";
import { expectSdkError } from "../helpers/sdk";
import { ChainClock, engineChannelFixture, startPair, startPeer } from "../helpers/engine";

const DAY = 86_400;
const HASH = secretHash("0x" + "3d".repeat(32));

describe("finding: a lock expiring far off froze the receiver's other locks on-chain (PC-L1)", function () {
  this.timeout(60_000);

  it("§8.2: a receiver refuses a lock expiring beyond maxLockSeconds (PEER_UNSAFE_EXPIRY), and takes one within", async function () {
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
    const lockMessage = async (expiry: number): Promise<PeerMessage> => {
      const lock = { amount: 1n, expiry, secretHash: HASH };
      const proof = { nonce: 1n, transferred: 0n, locked: 1n, locksRoot: locksRootOf([lock]) };
      const { signature } = await signPaymentChannelMessage({
        chainId: f.chainId,
        contract: f.contract,
        privateKey: f.bobKey.privateKey,
        primaryType: "BalanceProof",
        message: { channelId: f.channelId, ...proof },
      });
      return {
        type: "proof",
        channelId: f.channelId,
        change: { kind: "lock", lock: { amount: "1", expiry, secretHash: HASH } },
        proof: { nonce: "1", transferred: "0", locked: "1", locksRoot: proof.locksRoot },
        signature,
      };
    };
    const refused = await alice.peer.receive([await lockMessage(2 ** 40 - 1)]);
    expect(refused.map((e) => e.code)).to.deep.equal(["PEER_UNSAFE_EXPIRY"]);
    expect(alice.peer.balances()).to.deep.include({ receivedNonce: 0n, lockedIn: 0n });
    expect(await alice.peer.receive([await lockMessage(clock.now() + 7 * DAY)])).to.deep.equal([]);
    expect(alice.peer.balances()).to.deep.include({ receivedNonce: 1n, lockedIn: 1n });
    await alice.peer.stop();
  });

  it("§8.2: a sender refuses to sign a lock expiring beyond maxLockSeconds, using no nonce", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f, { maxLockSeconds: DAY });
    const expiry = clock.now() + DAY + 1;
    await expectSdkError(
      alice.peer.payWithLock({ amount: 1n, secretHash: HASH, expiry }),
      PeerRequestError,
      "PEER_UNSAFE_EXPIRY",
    );
    expect(alice.peer.balances().sentNonce).to.equal(0n);
    await alice.peer.stop();
    await bob.peer.stop();
  });
});
