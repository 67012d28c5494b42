import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MemoryTransport, PeerRequestError, secretHash, type PaymentChannelEvent } from "../../../../sdk";
import { expectSdkError } from "../../../helpers/sdk";
import { DEPOSIT, HOUR, engineChannelFixture, startPair, until } from "../../../helpers/engine";
import { hubFixture, route } from "../../../helpers/hub";

const SECRET = "0x" + "5e".repeat(32);
const HASH = secretHash(SECRET);

describe("ChannelPeer: hash locks (§8.2)", function () {
  this.timeout(60_000);

  it("a lock is paid once the receiver reveals its secret: the sender answers with its unlock proof", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    await alice.peer.payWithLock({ amount: 70n, secretHash: HASH, expiry: clock.now() + HOUR });
    expect(bob.peer.balances()).to.deep.include({ received: 0n, lockedIn: 70n });
    expect(alice.peer.balances().spendable).to.equal(DEPOSIT - 70n);
    await bob.peer.reveal({ secret: SECRET });
    expect(bob.peer.balances()).to.deep.include({ received: 70n, lockedIn: 0n, receivedNonce: 2n });
    expect(alice.peer.balances()).to.deep.include({ sent: 70n, lockedOut: 0n });
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("a lock expires back to its sender after its expiry, not before", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    const expiry = clock.now() + HOUR;
    await alice.peer.payWithLock({ amount: 70n, secretHash: HASH, expiry });
    await expectSdkError(alice.peer.expireLock({ secretHash: HASH }), PeerRequestError, "PEER_INVALID_CHANGE");
    await time.increaseTo(expiry + 1);
    await clock.sync(); // the receiver accepts expire once the chain is past the expiry
    await alice.peer.expireLock({ secretHash: HASH });
    expect(bob.peer.balances()).to.deep.include({ received: 0n, lockedIn: 0n });
    expect(alice.peer.balances().spendable).to.equal(DEPOSIT);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-L1: the receiver refuses to let a lock expire whose secret was registered on-chain in time", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob, clock } = await startPair(f);
    const expiry = clock.now() + HOUR;
    await alice.peer.payWithLock({ amount: 70n, secretHash: HASH, expiry });
    await f.client(f.bob).registerSecret({ secret: SECRET });
    await time.increaseTo(expiry + 1);
    await clock.sync(); // the receiver accepts expire once the chain is past the expiry
    const refused = await alice.peer.expireLock({ secretHash: HASH }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(PeerRequestError);
    expect((refused as PeerRequestError).details.remoteCode).to.equal("PEER_INVALID_CHANGE");
    expect(bob.peer.balances()).to.deep.include({ lockedIn: 70n, receivedNonce: 1n });
    await alice.peer.stop();
    await bob.peer.stop();
  });
});

function eventOf<T extends PaymentChannelEvent["type"]>(events: PaymentChannelEvent[], type: T) {
  return events.find((e) => e.type === type) as Extract<PaymentChannelEvent, { type: T }>;
}

describe("Hub: mediated transfer A → H → C (PC-E5)", function () {
  this.timeout(60_000);

  it("PC-E5: routes a lock with its fee; A is charged only once C was paid", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, hubC, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    const forwarded = await hub.waitFor({ secretHash: HASH, statuses: ["forwarded", "refused"] });
    expect(forwarded.status).to.equal("forwarded");
    expect(forwarded.outgoing).to.deep.equal({ amount: 100n, expiry: t1 - HOUR, secretHash: HASH });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    // Before Carol reveals, nothing moved unconditionally.
    expect([alice.balances().sent, hubA.balances().received, hubC.balances().sent]).to.deep.equal([0n, 0n, 0n]);
    await carol.reveal({ secret: SECRET });
    await hub.waitFor({ secretHash: HASH, statuses: ["paid"] });
    expect(carol.balances()).to.deep.include({ received: 100n, lockedIn: 0n });
    expect(hubC.balances()).to.deep.include({ sent: 100n, lockedOut: 0n });
    expect(hubA.balances()).to.deep.include({ received: 101n, lockedIn: 0n });
    expect(alice.balances()).to.deep.include({ sent: 101n, lockedOut: 0n });
    await stop();
  });

  it("PC-E5: refuses to forward a lock whose expiry leaves no safe margin; it expires back to A", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, carol, hub, stop } = await route(f);
    const t1 = clock.now() + HOUR + 30; // T1 − margin is sooner than the next hop's minimum lock time
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    const refused = await hub.waitFor({ secretHash: HASH, statuses: ["refused", "forwarded"] });
    expect(refused.status).to.equal("refused");
    expect(carol.balances().lockedIn).to.equal(0n);
    await time.increaseTo(t1 + 1);
    await clock.sync(); // the receiver accepts expire once the chain is past the expiry
    await alice.expireLock({ secretHash: HASH });
    expect(alice.balances()).to.deep.include({ sent: 0n, lockedOut: 0n, spendable: DEPOSIT });
    await stop();
  });

  it("PC-E5: if C never reveals, the hub takes its lock back after T2 and A takes hers back after T1", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    await time.increaseTo(t1 - HOUR + 1);
    await clock.sync(); // the receiver accepts expire once the chain is past the expiry
    expect(await hub.checkDeadlines()).to.deep.equal([HASH]);
    expect(carol.balances()).to.deep.include({ received: 0n, lockedIn: 0n });
    await time.increaseTo(t1 + 1);
    await clock.sync(); // the receiver accepts expire once the chain is past the expiry
    await alice.expireLock({ secretHash: HASH });
    expect(hubA.balances()).to.deep.include({ received: 0n, lockedIn: 0n });
    expect(alice.balances().spendable).to.equal(DEPOSIT);
    await stop();
  });

  it("PC-E5: if A does not unlock, the hub registers the secret before T1, closes, and is paid on-chain", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    await alice.stop(); // A goes silent: she will never send her unlock proof
    await carol.reveal({ secret: SECRET });
    expect(carol.balances().received).to.equal(100n); // C was paid off-chain by the hub
    await hub.waitFor({ secretHash: HASH, statuses: ["revealed"] });
    expect(hubA.balances().received).to.equal(0n);

    await time.increaseTo(t1 - HOUR / 4);
    await clock.sync();
    expect(await hub.checkDeadlines()).to.deep.equal([HASH]);
    expect(hub.route(HASH)!.status).to.equal("enforced");
    expect(await f.client(f.bob).secretRegisteredAt({ secretHash: HASH })).to.be.within(1, t1);
    await time.increase(HOUR + 1);
    // Anyone may settle and unlock; the deployer does, so the hub's payouts are not blurred by its gas.
    const deployer = f.client(f.deployer);
    const settled = await deployer.settle({ channel: f.channel });
    expect(eventOf(settled.events, "ChannelSettled")).to.deep.include({ amount1: DEPOSIT - 101n, amount2: DEPOSIT });
    const unlocked = await deployer.unlock({
      channel: f.channel,
      sender: f.alice.address,
      locks: hubA.incoming().locks,
    });
    expect(eventOf(unlocked.events, "LocksUnlocked")).to.deep.include({ toReceiver: 101n, toSender: 0n });
    await stop();
  });

  it("PC-E5: if C registers the secret on-chain instead of revealing it, the hub closes upstream and is paid there", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    await f.client(f.stranger).registerSecret({ secret: SECRET }); // Carol claims on-chain, tells nobody
    expect(await hub.checkDeadlines()).to.deep.equal([HASH]);
    expect(hub.route(HASH)!.status).to.equal("enforced");
    await time.increase(HOUR + 1);
    const deployer = f.client(f.deployer);
    await deployer.settle({ channel: f.channel });
    const unlocked = await deployer.unlock({
      channel: f.channel,
      sender: f.alice.address,
      locks: hubA.incoming().locks,
    });
    expect(eventOf(unlocked.events, "LocksUnlocked")).to.deep.include({ toReceiver: 101n, toSender: 0n });
    await stop();
  });

  it("PC-E5: a hub that keeps both ends (takes A's payment, never pays C off-chain) loses C's lock on-chain: C is paid", async function () {
    const f = await loadFixture(hubFixture);
    const { clock, alice, hubA, hubC, carol, hub, stop } = await route(f);
    const t1 = clock.now() + 3 * HOUR;
    await alice.payWithLock({ amount: 101n, secretHash: HASH, expiry: t1 });
    await until(() => carol.balances().lockedIn === 100n, 5_000, "Carol's incoming lock");
    // The hub turns rogue towards Carol: whatever it sends her is lost, so her reveal earns no unlock proof...
    (hubC.transport as MemoryTransport).faults({ drop: 1 });
    const revealed = carol.reveal({ secret: SECRET }).then(
      () => "unlocked",
      () => "refused",
    );
    // ...while it collects upstream: it learnt the secret and Alice pays it.
    await hub.waitFor({ secretHash: HASH, statuses: ["paid", "revealed"] });
    await until(() => hubA.balances().received === 101n, 5_000, "Alice's unlock to the hub");
    expect(carol.balances()).to.deep.include({ received: 0n, lockedIn: 100n });
    // Carol enforces before T2: the secret on-chain, then her close records the hub's proof with the lock pending.
    const t2 = t1 - HOUR;
    await f.client(f.stranger).registerSecret({ secret: SECRET });
    expect(await f.client(f.stranger).secretRegisteredAt({ secretHash: HASH })).to.be.within(1, t2);
    await carol.close();
    await time.increase(HOUR + 1);
    const deployer = f.client(f.deployer);
    const settled = await deployer.settle({ channel: f.channelHC });
    expect(eventOf(settled.events, "ChannelSettled")).to.deep.include({ amount1: DEPOSIT - 100n, amount2: DEPOSIT });
    const unlocked = await deployer.unlock({
      channel: f.channelHC,
      sender: f.bob.address,
      locks: carol.incoming().locks,
    });
    expect(eventOf(unlocked.events, "LocksUnlocked")).to.deep.include({ toReceiver: 100n, toSender: 0n });
    // The hub kept its fee and nothing more; Carol's off-chain reveal was never answered.
    expect(hubA.balances().received - 100n).to.equal(1n);
    expect(await Promise.race([revealed, Promise.resolve("pending")])).to.not.equal("unlocked");
    await stop();
  });
});
