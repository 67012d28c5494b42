import { expect } from "chai";
import { MemoryTransport, type PeerMessage, type PaymentChannelId } from "../../../sdk";

const CHANNEL = ("0x" + "11".repeat(32)) as PaymentChannelId;
const ALICE = "0x00000000000000000000000000000000000A11CE";
const BOB = "0x0000000000000000000000000000000000000B0B";

const ack = (nonce: number): PeerMessage[] => [{ type: "ack", channelId: CHANNEL, nonce: String(nonce) }];

/** Lets every queued microtask (deliveries, open and closed callbacks) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function pair() {
  const [a, b] = MemoryTransport.pair({ peers: [ALICE, BOB], channels: [CHANNEL] });
  const received: string[] = [];
  b.onMessages((frame) => received.push(...frame.map((m) => (m.type === "ack" ? m.nonce : m.type))));
  return { a, b, received };
}

describe("MemoryTransport (PC-E4, §8.6)", function () {
  it("delivers frames in order, as copies, and names each end's peer and channels on open", async function () {
    const { a, b, received } = pair();
    const sessions: unknown[] = [];
    a.onOpen((session) => sessions.push(session));
    b.onOpen((session) => sessions.push(session));
    const frame = ack(1);
    expect(a.send(frame)).to.equal(true);
    frame[0] = { type: "ack", channelId: CHANNEL, nonce: "99" }; // mutating after send changes nothing delivered
    a.send(ack(2));
    await settle();
    expect(received).to.deep.equal(["1", "2"]);
    expect(sessions).to.deep.equal([
      { peer: BOB, channels: [CHANNEL] },
      { peer: ALICE, channels: [CHANNEL] },
    ]);
  });

  it("drops, duplicates, and reorders frames on demand", async function () {
    const { a, received } = pair();
    a.faults({ drop: 1 });
    a.send(ack(1));
    a.faults({ duplicate: 1 });
    a.send(ack(2));
    a.faults({ reorder: 1 });
    a.send(ack(3)); // held back until the next frame
    a.faults({});
    a.send(ack(4));
    await settle();
    expect(received).to.deep.equal(["2", "2", "4", "3"]);
  });

  it("holds frames until released, in order or reversed, or discards them", async function () {
    const { a, received } = pair();
    a.faults({ hold: true });
    a.send(ack(1));
    a.send(ack(2));
    a.faults({});
    expect(a.release({ reverse: true })).to.equal(2);
    await settle();
    expect(received).to.deep.equal(["2", "1"]);
    a.faults({ hold: true });
    a.send(ack(3));
    expect(a.discardHeld()).to.equal(1);
    expect(a.release()).to.equal(0);
    await settle();
    expect(received).to.deep.equal(["2", "1"]);
  });

  it("a disconnect fires onClosed on both ends and refuses sends; a reconnect fires onOpen on both", async function () {
    const { a, b, received } = pair();
    const events: string[] = [];
    a.onClosed(() => events.push("a closed"));
    b.onClosed(() => events.push("b closed"));
    a.disconnect();
    await settle();
    expect([a.connected, b.connected, a.send(ack(1))]).to.deep.equal([false, false, false]);
    a.onOpen(() => events.push("a open"));
    b.onOpen(() => events.push("b open"));
    b.reconnect();
    await settle();
    expect(a.send(ack(2))).to.equal(true);
    await settle();
    expect(received).to.deep.equal(["2"]);
    expect(events).to.have.members(["a closed", "b closed", "a open", "b open"]);
  });

  it("close ends a transport for good: no reconnect, nothing delivered", async function () {
    const { a, b, received } = pair();
    await b.close();
    a.reconnect();
    expect([a.connected, a.send(ack(1))]).to.deep.equal([false, false]);
    await settle();
    expect(received).to.deep.equal([]);
  });
});
