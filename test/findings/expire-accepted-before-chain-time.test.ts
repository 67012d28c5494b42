// Finding (adversarial review of the engine, issue 10): a receiver accepted `expire` of a lock as soon as its own
// clock passed the expiry and its node showed no registration. A registration mined in a block stamped at or before
// the expiry, but not yet seen (the block is produced after the wall-clock second, or the node lags), still pays the
// lock on-chain; the receiver had already replaced its proof by one without the lock, so it lost it. Fix
// (docs/payment-channels.md §8.2, PC-L1): `expire` is accepted only once the chain's head is past the expiry.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { PeerRequestError, secretHash } from "../../sdk";
import { HOUR, engineChannelFixture, startPair } from "../helpers/engine";

const SECRET = "0x" + "4c".repeat(32);
const HASH = secretHash(SECRET);

describe("finding: a lock expired off-chain while its secret could still be registered in time (PC-L1)", function () {
  this.timeout(60_000);

  it("PC-L1: expire is refused until the chain's head is past the expiry; a registration in time keeps the lock", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    const expiry = clock.now() + HOUR;
    await alice.peer.payWithLock({ amount: 70n, secretHash: HASH, expiry });
    // The peers' clocks are past the expiry; the chain is not.
    clock.value = expiry + 1;
    const refused = await alice.peer.expireLock({ secretHash: HASH }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(PeerRequestError);
    expect((refused as PeerRequestError).details.remoteCode).to.equal("PEER_INVALID_CHANGE");
    expect(bob.peer.balances()).to.deep.include({ lockedIn: 70n, receivedNonce: 1n });
    // Bob's registration lands in time: the lock he kept pays him on-chain.
    await f.client(f.bob).registerSecret({ secret: SECRET });
    const at = await f.client(f.bob).secretRegisteredAt({ secretHash: HASH });
    expect(at).to.be.at.most(expiry);
    expect(bob.peer.incoming().locks.map((l) => l.secretHash)).to.deep.equal([HASH]);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-L1: once the chain's head is past the expiry and nothing was registered, expire is accepted", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    const expiry = clock.now() + HOUR;
    await alice.peer.payWithLock({ amount: 70n, secretHash: HASH, expiry });
    await time.increaseTo(expiry + 1);
    await clock.sync();
    await alice.peer.expireLock({ secretHash: HASH });
    expect(bob.peer.balances()).to.deep.include({ lockedIn: 0n, received: 0n });
    await alice.peer.stop();
    await bob.peer.stop();
  });
});
