// Finding (adversarial review of the engine, issue 10): a sender could freeze the receiver's locks. On-chain, a
// direction's locks are unlocked together and only once each is registered in time or expired (PC-L1), and the
// receiver took a lock with any expiry up to 2^40 − 1. A payer A adding a 1-wei lock that expires in the year 36,812
// to its locks towards a hub H made H's on-chain unlock of that direction revert until then, so H could not collect
// a routed lock it had already paid downstream. Fix (docs/payment-channels.md §8.2): a lock may expire at most
// `maxLockSeconds` (default 7 days) ahead; the receiver refuses a later one, and the sender never signs one.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PeerRequestError, locksRootOf, secretHash, type PeerMessage } from "../../sdk";
import { expectSdkError } from "../helpers/sdk";
import { aliceFacingTest, engineChannelFixture, proofMessage, startPair } from "../helpers/engine";

const DAY = 86_400;
const HASH = secretHash("0x" + "3d".repeat(32));

describe("finding: a lock expiring far off froze the receiver's other locks on-chain (PC-L1)", function () {
  this.timeout(60_000);

  it("§8.2: a receiver refuses a lock expiring beyond maxLockSeconds (PEER_UNSAFE_EXPIRY), and takes one within", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, clock } = await aliceFacingTest(f);
    const lockMessage = (expiry: number): Promise<PeerMessage> => {
      const locksRoot = locksRootOf([{ amount: 1n, expiry, secretHash: HASH }]);
      const proof = { nonce: 1n, transferred: 0n, locked: 1n, locksRoot };
      const change = { kind: "lock", lock: { amount: "1", expiry, secretHash: HASH } } as const;
      return proofMessage({ f, change, proof, key: f.bobKey });
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
