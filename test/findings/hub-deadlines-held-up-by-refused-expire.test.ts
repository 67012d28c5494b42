// Finding (adversarial review of the engine, issue 10): one route's refused expiry stopped the hub's other duties.
// `checkDeadlines` awaited the downstream `expire` of each expired route and threw when the payee refused it (as it
// may, and as an honest payee does until the chain is past the expiry); the routes after it in the same run, among
// them one whose secret had to be registered before T1, were never reached, run after run: the hub lost that route's
// amount. Also, two routes to enforce in one run closed the upstream channel twice (the second close reverted).
// Fix (PC-E5): a refused expiry is retried on the next run without holding up the others; the upstream channel is
// closed once.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PaymentChannelStatus, secretHash } from "../../sdk";
import { HOUR, until } from "../helpers/engine";
import { hubFixture, route } from "../helpers/hub";

const SECRET_1 = "0x" + "a1".repeat(32);
const SECRET_2 = "0x" + "a2".repeat(32);
const [HASH_1, HASH_2] = [secretHash(SECRET_1), secretHash(SECRET_2)];

describe("finding: a payee refusing one expiry kept the hub from registering another route's secret (PC-E5)", function () {
  this.timeout(60_000);

  it("PC-E5: with an earlier route's expire refused, checkDeadlines still registers and enforces the later route", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, carol, hub, stop } = await route(f);
    const now = clock.now();
    // Route 1 (T1 in 3 h, T2 in 2 h): Carol never reveals. Route 2 (T1 in 2 h 20 min): Carol reveals, Alice is gone.
    await alice.payWithLock({ amount: 101n, secretHash: HASH_1, expiry: now + 3 * HOUR });
    await alice.payWithLock({ amount: 51n, secretHash: HASH_2, expiry: now + 2 * HOUR + 1_200 });
    await until(() => carol.balances().lockedIn === 150n, 5_000, "Carol's incoming locks");
    await alice.stop();
    await carol.reveal({ secret: SECRET_2 });
    await hub.waitFor({ secretHash: HASH_2, statuses: ["revealed"] });
    // The hub's clock passes T2 of route 1 (the chain does not: Carol refuses that expire) and enters route 2's window.
    clock.value = now + 2 * HOUR + 1;
    expect(await hub.checkDeadlines()).to.deep.equal([HASH_2]);
    expect(hub.route(HASH_1)!.status).to.equal("forwarded");
    expect(hub.route(HASH_2)!.status).to.equal("enforced");
    const registeredAt = await f.client(f.bob).secretRegisteredAt({ secretHash: HASH_2 });
    expect(registeredAt).to.be.greaterThan(0);
    expect((await hubA.client.getChannel({ channel: hubA.channel })).status).to.equal(PaymentChannelStatus.Closed);
    await stop();
  });
});
