// Finding (adversarial review of the engine, issue 10): a payee could make the hub forget a route it had forwarded.
// An `error` message naming the downstream lock's nonce rejects the hub's pending `payWithLock`, and the hub then
// marked the route `refused`, although the payee held the signed proof with the lock. Revealing the secret afterwards
// still made the hub's peer unlock downstream (pay), but the hub no longer asked the payer for the same nor
// registered the secret before T1: it lost the amount. Fix (PC-E5): a route is dropped only if its downstream lock
// was never signed.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { secretHash } from "../../sdk";
import { HOUR, until } from "../helpers/engine";
import { hubFixture, route } from "../helpers/hub";

const SECRET = "0x" + "e4".repeat(32);
const HASH = secretHash(SECRET);

describe("finding: a payee's error message made the hub drop a forwarded route, then pay it unprotected (PC-E5)", function () {
  this.timeout(60_000);

  it("PC-E5: a route whose downstream lock was signed stays watched after the payee refuses it, and is collected", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, hubC, carol, hub, stop } = await route(f);
    // Carol (played by the test from here) receives the lock but never acknowledges it.
    await carol.stop();
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: clock.now() + 3 * HOUR });
    await until(() => hubC.outgoing().locks.length === 1, 5_000, "the hub's downstream lock");
    const channelId = hubC.channelId;
    await hubC.receive([{ type: "error", channelId, code: "PEER_INVALID_CHANGE", message: "no", ref: "1" }]);
    await new Promise((resolve) => setImmediate(resolve)); // the hub handles the rejected pay first
    expect(hub.route(HASH)!.status).to.equal("forwarded");
    // Carol reveals after all: the hub pays her, and must collect from Alice.
    await hubC.receive([{ type: "secret", channelId, secret: SECRET }]);
    await until(() => hubC.balances().sent === 100n, 5_000, "the hub's unlock to Carol");
    await until(() => hubA.balances().received === 101n, 5_000, "Alice's unlock to the hub");
    expect(hub.route(HASH)!.status).to.equal("paid");
    await stop();
  });
});
