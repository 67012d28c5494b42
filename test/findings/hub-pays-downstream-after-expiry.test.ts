// Finding (adversarial review of the engine, issue 10): a hub could be made to pay for nothing. A sender that
// received the secret of one of its locks converted the lock into an unconditional payment even after the lock had
// expired. A payee C colluding with the payer A waited until both locks of a route A → H → C had expired, then
// revealed: H paid C off-chain while A took its own lock back (the secret was never registered on-chain in time).
// Fix (docs/payment-channels.md §8.2, PC-E5): a sender unlocks only a lock that has not expired; past its expiry the
// receiver has no claim left, on-chain or off.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { secretHash } from "../../sdk";
import { HOUR, until } from "../helpers/engine";
import { hubFixture, route } from "../helpers/hub";

const SECRET = "0x" + "7a".repeat(32);
const HASH = secretHash(SECRET);

describe("finding: a payee revealing after the locks expired made the hub pay (PC-E5)", function () {
  this.timeout(60_000);

  it("PC-E5: a secret revealed after the downstream lock's expiry is learnt, but the hub does not pay the payee", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, hubC, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    // A goes silent (it will take its lock back); C reveals only once T1 (and so T2) passed.
    await alice.stop();
    clock.value = t1 + 1;
    void carol.reveal({ secret: SECRET }).catch(() => undefined);
    await until(() => hubC.secretOf(HASH) !== undefined, 5_000, "the hub to learn the secret");
    await until(
      () => carol.balances().receivedNonce >= 1n && hub.route(HASH)!.status !== "forwarded",
      5_000,
      "the hub's route",
    );
    expect(hubC.balances()).to.deep.include({ sent: 0n, lockedOut: 100n });
    expect(carol.balances().received).to.equal(0n);
    // The upstream lock is past T1 and unregistered: the hub could not have collected it.
    expect(hubA.balances()).to.deep.include({ received: 0n, lockedIn: 101n });
    await stop();
  });
});
