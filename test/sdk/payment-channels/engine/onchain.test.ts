import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { PaymentChannelStatus, type PaymentChannelEvent } from "../../../../sdk";
import { DEPOSIT, HOUR, engineChannelFixture, startPair } from "../../../helpers/engine";

function eventOf<T extends PaymentChannelEvent["type"]>(events: PaymentChannelEvent[], type: T) {
  const event = events.find((e) => e.type === type);
  expect(event, type).to.not.equal(undefined);
  return event as Extract<PaymentChannelEvent, { type: T }>;
}

describe("ChannelPeer: on-chain acts (PC-W1, PC-C1, PC-U1, PC-U2, PC-S1)", function () {
  this.timeout(120_000);

  it("PC-W1: a cooperative withdraw is co-signed, lands on-chain, and lowers the withdrawer's spendable amount", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await alice.peer.pay({ amount: 100n });
    const { events } = await bob.peer.withdraw({ amount: DEPOSIT + 50n });
    expect(eventOf(events, "ChannelWithdrawn")).to.deep.include({ participant: f.bob.address, total: DEPOSIT + 50n });
    expect(bob.peer.balances().spendable).to.equal(50n);
    await alice.peer.refresh();
    // What Bob took out can no longer be paid: he has 50 left, and Alice stores a payment of exactly that.
    await bob.peer.pay({ amount: 50n });
    expect(alice.peer.balances().received).to.equal(50n);
    await bob.peer.pay({ amount: 1n }).then(
      () => expect.fail("paid what was withdrawn"),
      (error: { code?: string }) => expect(error.code).to.equal("PEER_OVERSPEND"),
    );
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-D1: a deposit raises the depositor's spendable amount, and the counterparty accepts it after a refresh", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await alice.peer.deposit({ amount: 500n });
    expect(alice.peer.balances().spendable).to.equal(DEPOSIT + 500n);
    await bob.peer.refresh();
    await alice.peer.pay({ amount: DEPOSIT + 500n });
    expect(bob.peer.balances().received).to.equal(DEPOSIT + 500n);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-W1: a withdrawal above the spendable amount is refused before anything is signed", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await alice.peer.pay({ amount: 10n });
    await bob.peer.withdraw({ amount: DEPOSIT + 11n }).then(
      () => expect.fail("withdrew too much"),
      (error: { code?: string }) => expect(error.code).to.equal("PEER_OVERSPEND"),
    );
    expect((await f.client(f.bob).getChannel({ channel: f.channel })).withdrawn2).to.equal(0n);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-C1: a cooperative close pays both sides their balances after payments both ways", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await Promise.all([alice.peer.pay({ amount: 300n }), bob.peer.pay({ amount: 120n })]);
    const { events } = await alice.peer.closeCooperatively();
    expect(eventOf(events, "ChannelCooperativelyClosed")).to.deep.include({
      amount1: DEPOSIT - 300n + 120n,
      amount2: DEPOSIT + 300n - 120n,
    });
    expect((await f.client(f.alice).getChannel({ channel: f.channel })).status).to.equal(PaymentChannelStatus.Settled);
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-U1, PC-S1: a unilateral close, the other side's update, and settle pay exactly the latest acknowledged balances", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    for (let i = 0; i < 5; i++) await Promise.all([alice.peer.pay({ amount: 60n }), bob.peer.pay({ amount: 20n })]);
    await alice.peer.close(); // records Bob's latest proof (what Alice received)
    await bob.peer.update(); // records Alice's latest proof (what Bob received)
    await time.increase(HOUR + 1);
    const { events } = await f.client(f.deployer).settle({ channel: f.channel });
    expect(eventOf(events, "ChannelSettled")).to.deep.include({
      amount1: DEPOSIT - 300n + 100n,
      amount2: DEPOSIT + 300n - 100n,
    });
    await alice.peer.stop();
    await bob.peer.stop();
  });

  it("PC-U2: a close recording a stale proof is countered by the peer's update(), and settle pays the latest", async function () {
    const f = await loadFixture(engineChannelFixture);
    const { alice, bob } = await startPair(f);
    await bob.peer.pay({ amount: 10n });
    const stale = alice.peer.incoming(); // Bob's proof at nonce 1
    for (let i = 0; i < 4; i++) await bob.peer.pay({ amount: 10n });
    await alice.peer.pay({ amount: 5n });
    // Bob closes recording Alice's proof; what Alice holds of Bob's direction is not on-chain yet.
    await bob.peer.close();
    let state = await f.client(f.alice).getChannel({ channel: f.channel });
    expect(state.record!.d21.nonce).to.equal(0n);
    const first = await alice.peer.update();
    expect(eventOf(first!.events, "ChannelUpdated").record.d21).to.deep.include({ nonce: 5n, transferred: 50n });
    expect(await alice.peer.update()).to.equal(undefined); // already the latest: nothing sent
    state = await f.client(f.alice).getChannel({ channel: f.channel });
    expect(state.record!.d21.nonce).to.be.greaterThan(stale.proof.nonce);
    await time.increase(HOUR + 1);
    const { events } = await f.client(f.deployer).settle({ channel: f.channel });
    expect(eventOf(events, "ChannelSettled")).to.deep.include({
      amount1: DEPOSIT - 5n + 50n,
      amount2: DEPOSIT + 5n - 50n,
    });
    await alice.peer.stop();
    await bob.peer.stop();
  });
});
