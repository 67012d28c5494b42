// Finding (adversarial review of the engine, issue 10): a restarted hub forgot its routes. Routes lived only in the
// Hub object, so after a restart the hub still paid the payee when it revealed (its outgoing peer unlocks on any
// secret), but never asked the payer for the same nor registered the secret before T1: the payer's lock expired back
// and the hub lost the amount. Fix (docs/payment-channels.md §8, PC-E5): `Hub.start` rebuilds the open routes from
// its peers' logs.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ChannelPeer, Hub, secretHash } from "../../sdk";
import { HOUR, until } from "../helpers/engine";
import { hubFixture, route } from "../helpers/hub";

const SECRET = "0x" + "6b".repeat(32);
const HASH = secretHash(SECRET);

describe("finding: a restarted hub forgot its routes and paid downstream without collecting upstream (PC-E5)", function () {
  this.timeout(60_000);

  it("PC-E5: after a restart from its logs, the hub still asks upstream for what it pays downstream", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, hubC, carol, stop } = await route(f);
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: clock.now() + 3 * HOUR });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    // The hub's process restarts: both its peers reopen from their stores on the same transports.
    const reopen = async (old: ChannelPeer) => {
      await old.stop();
      const peer = new ChannelPeer({
        client: old.client,
        channel: old.channel,
        self: old.self,
        signer: { privateKey: f.bobKey.privateKey },
        store: old.store,
        transport: old.transport,
        now: clock.now,
        minLockSeconds: 60,
        resendMs: 25,
      });
      await peer.start();
      return peer;
    };
    const [hubA2, hubC2] = [await reopen(hubA), await reopen(hubC)];
    const hub = new Hub({ incoming: hubA2, outgoing: hubC2, fee: 1n, margin: HOUR });
    hub.start();
    expect(hub.route(HASH)).to.deep.include({ status: "forwarded" });
    await carol.reveal({ secret: SECRET });
    expect(carol.balances().received).to.equal(100n);
    await until(() => hubA2.balances().received === 101n, 5_000, "Alice's unlock to the hub");
    expect(hub.route(HASH)!.status).to.equal("paid");
    await Promise.all([stop(), hubA2.stop(), hubC2.stop()]);
  });
});
