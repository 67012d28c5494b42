// Finding (adversarial review of the engine, issue 10): a compaction could make an unchecked proof durable. Proofs of
// a frame below its signed last one are stored without their own signature check (PC-E3, per run); if the run is cut
// before the signed proof, the receiver checks the last proof it kept and, if unsigned, rolls the frame back in
// memory. But the log's compaction took its snapshot between two messages of a frame (the frame awaits the chain for
// an `expire`), so the snapshot held the unchecked proof as the latest incoming one; after any restart the receiver
// counted a payment the sender never signed (and could spend it). Fix (docs/payment-channels.md §8.4): the snapshot
// is taken between frames, never inside one.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroHash } from "ethers";
import { ethers } from "hardhat";
import {
  MemoryPeerStore,
  locksRootOf,
  recoverPaymentChannelSigner,
  secretHash,
  type BalanceProof,
  type PeerLogRecord,
  type WireChange,
} from "../../sdk";
import { aliceFacingTest, engineChannelFixture, proofMessage } from "../helpers/engine";

/** A memory log whose appends wait on a gate while it is set: a slow disk, under the test's control. */
class GatedStore extends MemoryPeerStore {
  gate: Promise<void> | undefined;
  override async append(records: readonly PeerLogRecord[], options: { durable: boolean }): Promise<void> {
    await this.gate;
    return super.append(records, options);
  }
}

describe("finding: a compaction inside a frame made a proof with no valid signature durable (PC-E3, PC-E1)", function () {
  this.timeout(60_000);

  it("PC-E3: a frame rolled back for an unsigned proof leaves no trace in the log, even across a compaction", async function () {
    const f = await loadFixture(engineChannelFixture);
    const store = new GatedStore();
    const options = { compactEvery: 2 };
    const { alice, clock } = await aliceFacingTest(f, { store, options });
    const message = (change: WireChange, proof: BalanceProof, key: { privateKey: string }) =>
      proofMessage({ f, change, proof, key });
    const lock = { amount: 50n, expiry: clock.now() + 120, secretHash: secretHash("0x" + "11".repeat(32)) };
    const root = locksRootOf([lock]);
    const wireLock = { amount: "50", expiry: lock.expiry, secretHash: lock.secretHash };
    // Frame 1, signed: a lock and a payment. Its two records reach the compaction threshold.
    const frame1 = [
      await message(
        { kind: "lock", lock: wireLock },
        { nonce: 1n, transferred: 0n, locked: 50n, locksRoot: root },
        f.bobKey,
      ),
      await message(
        { kind: "pay", amount: "5" },
        { nonce: 2n, transferred: 5n, locked: 50n, locksRoot: root },
        f.bobKey,
      ),
    ];
    // Frame 2: an unsigned payment, an expire the receiver must check on-chain (and refuses: the chain is not past
    // the expiry), then a signed proof that lends its signature to the run.
    const forger = Wallet.createRandom();
    const frame2 = [
      await message(
        { kind: "pay", amount: "7" },
        { nonce: 3n, transferred: 12n, locked: 50n, locksRoot: root },
        forger,
      ),
      await message(
        { kind: "expire", secretHash: lock.secretHash },
        { nonce: 4n, transferred: 12n, locked: 0n, locksRoot: ZeroHash },
        forger,
      ),
      await message(
        { kind: "pay", amount: "1" },
        { nonce: 5n, transferred: 13n, locked: 0n, locksRoot: ZeroHash },
        f.bobKey,
      ),
    ];
    // Frame 1's records wait on the disk; the compaction they trigger waits for them. The disk completes while frame 2
    // waits for the chain (the expire's check), as a real disk may.
    let open = () => {};
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const provider = ethers.provider;
    const getBlock = provider.getBlock.bind(provider);
    provider.getBlock = (async (...args: Parameters<typeof getBlock>) => {
      open();
      await new Promise((resolve) => setImmediate(resolve)); // every microtask of the compaction runs first
      return getBlock(...args);
    }) as typeof provider.getBlock;
    let refused1, refused2;
    try {
      refused1 = await alice.peer.receive(frame1);
      clock.value = lock.expiry + 1;
      refused2 = await alice.peer.receive(frame2);
    } finally {
      provider.getBlock = getBlock;
    }
    expect(refused1).to.deep.equal([]);
    expect(refused2.map((e) => e.code)).to.include("PEER_INVALID_SIGNATURE");
    expect(alice.peer.balances()).to.deep.include({ receivedNonce: 2n, received: 5n });
    await alice.peer.stop();

    const { alice: restarted } = await aliceFacingTest(f, { store, options, clock });
    expect(restarted.peer.balances()).to.deep.include({ receivedNonce: 2n, received: 5n });
    const { proof, signature } = restarted.peer.incoming();
    const digest = (await f.client(f.alice).contract.balanceProofDigest(f.channelId, proof)) as string;
    expect(recoverPaymentChannelSigner({ digest, signature })).to.equal(f.bobKey.address);
    await restarted.peer.stop();
  });
});
