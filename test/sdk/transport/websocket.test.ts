// The authenticated WebSocket peer transport (docs/payment-channels.md §8.6, rule PC-E4): the client
// (WebSocketTransport, here over the ws package) and the Node server (WebSocketPeerServer) over loopback, and raw
// sockets playing a dishonest peer on either side.
import { expect } from "chai";
import net from "node:net";
import { Wallet, ZeroAddress, ZeroHash, hexlify, randomBytes, type Signer } from "ethers";
import WebSocket, { WebSocketServer } from "ws";
import {
  InvalidParameterError,
  TransportError,
  WebSocketTransport,
  computePaymentChannelId,
  type PaymentChannel,
  type PaymentChannelId,
  type WebSocketTransportParameters,
} from "../../../sdk";
import { WebSocketPeerServer, type WebSocketPeerServerParameters } from "../../../sdk/node";
import type { PeerMessage, PeerSession, PeerTransport } from "../../../sdk/payment-channels/engine/types";
import { newChallenge, signPeerHello } from "../../../sdk/transport/handshake";

const deployment = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const alice = Wallet.createRandom();
const bob = Wallet.createRandom();
const carol = Wallet.createRandom();
const mallory = Wallet.createRandom();
const aliceKey = Wallet.createRandom();

const terms = (participant1: string, participant2: string, salt: number): PaymentChannel => ({
  participant1,
  participant2,
  token: ZeroAddress,
  key1: ZeroAddress,
  challengePeriod: 86_400,
  salt,
});
const ab1 = terms(alice.address, bob.address, 1);
const ab2 = terms(bob.address, alice.address, 2);
const cb = terms(carol.address, bob.address, 3);
const idOf = (channel: PaymentChannel) => computePaymentChannelId({ ...deployment, channel });
const [AB1, AB2, CB] = [idOf(ab1), idOf(ab2), idOf(cb)];

const ack = (channelId: string, nonce: number): PeerMessage => ({ type: "ack", channelId, nonce: String(nonce) });
const proof = (channelId: string, nonce: number): PeerMessage => ({
  type: "proof",
  channelId,
  change: { kind: "pay", amount: "1" },
  proof: { nonce: String(nonce), transferred: String(nonce), locked: "0", locksRoot: ZeroHash },
  signature: `0x${"ab".repeat(65)}`,
});

/** Waits for a condition, polling; fails naming it after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Everything a transport reports, in order. */
type Log = { opens: PeerSession[]; closes: (Error | undefined)[]; frames: PeerMessage[][]; errors: TransportError[] };

function record(transport: PeerTransport & { onError?: (handler: (error: TransportError) => void) => void }): Log {
  const log: Log = { opens: [], closes: [], frames: [], errors: [] };
  transport.onOpen((session) => log.opens.push(session));
  transport.onClosed((error) => log.closes.push(error));
  transport.onMessages((messages) => log.frames.push(messages));
  transport.onError?.((error) => log.errors.push(error));
  return log;
}

/** A server for bob (channels with alice and carol) that records its peers and its refusals. */
async function startServer(overrides: Partial<WebSocketPeerServerParameters> = {}) {
  const server = await WebSocketPeerServer.listen({
    participant: bob.address,
    signer: bob,
    deployment,
    channels: [ab1, ab2, cb],
    handshakeTimeoutMs: 2_000,
    ...overrides,
  });
  const peers: { transport: PeerTransport; session: PeerSession; log: Log }[] = [];
  const errors: TransportError[] = [];
  server.onPeer((transport, session) => peers.push({ transport, session, log: record(transport) }));
  server.onError((error) => errors.push(error));
  return { server, peers, errors };
}

const opened: { close(): Promise<void> }[] = [];

/** Alice's client transport to `url`, recorded; closed after the test. */
function connect(url: string, overrides: Partial<WebSocketTransportParameters> = {}) {
  const transport = new WebSocketTransport({
    url,
    WebSocket,
    participant: alice.address,
    signer: alice,
    deployment,
    channels: [ab1, ab2],
    handshakeTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    ...overrides,
  });
  opened.push(transport);
  return { transport, log: record(transport) };
}

/** A raw ws client: what it received, in order, and how it was closed. */
async function rawClient(url: string) {
  const socket = new WebSocket(url);
  const inbox: string[] = [];
  let close: { code: number; reason: string } | undefined;
  socket.on("message", (data) => inbox.push(data.toString()));
  socket.on("close", (code, reason) => (close = { code, reason: reason.toString() }));
  socket.on("error", () => undefined);
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  opened.push({ close: async () => socket.terminate() });
  return {
    socket,
    async next(): Promise<Record<string, unknown>> {
      await until(() => inbox.length > 0, "a message from the server");
      return JSON.parse(inbox.shift()!) as Record<string, unknown>;
    },
    async closed(): Promise<{ code: number; reason: string }> {
      await until(() => close !== undefined, "the server to close the connection");
      return close!;
    },
  };
}

/** Plays the client's side of the handshake by hand; resolves with the hello sent once the server welcomed it. */
async function rawHandshake(
  raw: Awaited<ReturnType<typeof rawClient>>,
  { participant = alice.address, signer = alice as Signer, channelIds = [AB1, AB2], peer = bob.address } = {},
) {
  const { challenge } = (await raw.next()) as { challenge: string };
  const signature = await signPeerHello({ deployment, signer, challenge, peer, channelIds });
  const hello = { type: "hello", version: 1, participant, channels: channelIds, challenge: newChallenge(), signature };
  raw.socket.send(JSON.stringify(hello));
  return hello;
}

afterEach(async function () {
  await Promise.all(opened.splice(0).map((item) => item.close()));
});

describe("WebSocket peer transport (docs/payment-channels.md §8.6, PC-E4)", function () {
  describe("authenticated connection", function () {
    it("PC-E4: a client and the server prove each other's participant and exchange frames both ways", async function () {
      const { server, peers, errors } = await startServer();
      opened.push(server);
      const { transport, log } = connect(server.url);
      expect(transport.send([ack(AB1, 0)]), "nothing is sent before authentication").to.equal(false);
      await until(() => log.opens.length === 1 && peers.length === 1, "both ends open");

      expect(log.opens[0]).to.deep.equal({ peer: bob.address, channels: [AB1, AB2].sort() });
      expect(peers[0].session).to.deep.equal({ peer: alice.address, channels: [AB1, AB2].sort() });
      expect(peers[0].log.opens).to.deep.equal([peers[0].session]);
      expect(server.connectedPeers).to.deep.equal([alice.address]);
      expect(transport.connected && peers[0].transport.connected).to.equal(true);

      expect(transport.send([ack(AB1, 1), ack(AB2, 2)])).to.equal(true);
      expect(peers[0].transport.send([proof(AB2, 7)])).to.equal(true);
      await until(() => peers[0].log.frames.length === 1 && log.frames.length === 1, "a frame each way");
      expect(peers[0].log.frames).to.deep.equal([[ack(AB1, 1), ack(AB2, 2)]]);
      expect(log.frames).to.deep.equal([[proof(AB2, 7)]]);
      expect(errors).to.deep.equal([]);
    });

    it("PC-E4: server.transportFor(peer) is the transport onPeer announces, ready before the peer connects", async function () {
      const { server, peers } = await startServer();
      opened.push(server);
      const early = server.transportFor(alice.address.toLowerCase());
      connect(server.url);
      await until(() => peers.length === 1, "alice connected");
      expect(peers[0].transport).to.equal(early);
      expect(early.connected).to.equal(true);
    });

    it("PC-E4: a session key proves its participant when the other end's sessionKeysOf lists it", async function () {
      const asked: string[] = [];
      const { server, peers } = await startServer({
        sessionKeysOf: ({ participant, channelId }) => {
          asked.push(channelId);
          return participant === alice.address ? [aliceKey.address] : [];
        },
      });
      opened.push(server);
      const { log } = connect(server.url, { signer: aliceKey });
      await until(() => log.opens.length === 1, "alice's key accepted");
      expect(peers.map(({ session }) => session.peer)).to.deep.equal([alice.address]);
      // A key must be valid in every channel of the connection.
      expect(asked.sort()).to.deep.equal([AB1, AB2].sort());
    });

    it("PC-E4: the client refuses construction without a channel, or with channels of two counterparties", function () {
      const base = { url: "ws://127.0.0.1:1", WebSocket, participant: alice.address, signer: alice, deployment };
      expect(() => new WebSocketTransport({ ...base, channels: [] })).to.throw(InvalidParameterError);
      expect(() => new WebSocketTransport({ ...base, channels: [ab1, terms(alice.address, carol.address, 9)] }))
        .to.throw(InvalidParameterError)
        .with.property("details")
        .that.deep.include({ parameter: "channels" });
      expect(() => new WebSocketTransport({ ...base, channels: [cb] }))
        .to.throw(InvalidParameterError)
        .with.property("message")
        .that.match(/not one of its participants/);
    });
  });

  describe("refused peers (typed errors, nothing delivered)", function () {
    it("PC-E4: a client signing as alice with another key is refused with TRANSPORT_AUTH_FAILED on both ends", async function () {
      const { server, peers, errors } = await startServer();
      opened.push(server);
      const { log } = connect(server.url, { signer: mallory, reconnect: false });
      await until(() => log.errors.length === 1 && errors.length === 1, "both ends report the refusal");
      expect(errors[0]).to.be.instanceOf(TransportError).with.property("code", "TRANSPORT_AUTH_FAILED");
      expect(errors[0].details).to.deep.include({ signer: mallory.address, peer: alice.address, byPeer: false });
      expect(log.errors[0]).to.be.instanceOf(TransportError).with.property("code", "TRANSPORT_AUTH_FAILED");
      expect(log.errors[0].details).to.deep.include({ byPeer: true, closeCode: 4001 });
      expect(log.opens).to.deep.equal([]);
      expect(peers).to.deep.equal([]);
    });

    it("PC-E4: a hello signed by a key that cannot be the claimed participant's is refused before any channel lookup", async function () {
      let lookups = 0;
      const { server, errors } = await startServer({
        channels: (channelId) => {
          lookups += 1;
          return [ab1, ab2].find((channel) => idOf(channel) === channelId);
        },
      });
      opened.push(server);
      const forged = connect(server.url, { signer: mallory, reconnect: false });
      await until(() => errors.length === 1 && forged.log.errors.length === 1, "the forged hello refused");
      expect(lookups).to.equal(0);
      const honest = connect(server.url);
      await until(() => honest.log.opens.length === 1, "the honest hello accepted through the lookup");
      expect(lookups).to.equal(2);
    });

    it("PC-E4: a session key is refused without a sessionKeysOf that lists it", async function () {
      const { server, errors } = await startServer();
      opened.push(server);
      const { log } = connect(server.url, { signer: aliceKey, reconnect: false });
      await until(() => errors.length === 1 && log.errors.length === 1, "the refusal");
      expect(errors[0].details).to.deep.include({ signer: aliceKey.address });
      expect(log.opens).to.deep.equal([]);
    });

    it("PC-E4: a hello replayed from an earlier connection (signed over an old challenge) is refused", async function () {
      const { server, peers, errors } = await startServer();
      opened.push(server);
      const first = await rawClient(server.url);
      const hello = await rawHandshake(first);
      expect((await first.next()).type).to.equal("welcome");
      await until(() => peers.length === 1, "the honest connection");
      first.socket.close();
      await until(() => peers[0].log.closes.length === 1, "the first connection closed");

      const replay = await rawClient(server.url);
      await replay.next(); // a fresh challenge, ignored
      replay.socket.send(JSON.stringify(hello));
      replay.socket.send(JSON.stringify([ack(AB1, 1)]));
      expect(await replay.closed()).to.deep.include({ code: 4001 });
      expect(errors.map(({ code }) => code)).to.deep.equal(["TRANSPORT_AUTH_FAILED"]);
      expect(peers[0].log.opens.length, "no second open").to.equal(1);
      expect(peers[0].log.frames).to.deep.equal([]);
    });

    it("PC-E4: a client naming an unknown channel, or one where it is not the server's counterparty, is refused", async function () {
      const { server, peers, errors } = await startServer();
      opened.push(server);
      const unknown = hexlify(randomBytes(32)) as PaymentChannelId;
      for (const channelIds of [
        [AB1, unknown],
        [AB1, CB],
      ]) {
        const raw = await rawClient(server.url);
        await rawHandshake(raw, { channelIds });
        raw.socket.send(JSON.stringify([ack(AB1, 1)]));
        expect(await raw.closed()).to.deep.include({ code: 4001 });
      }
      expect(errors.map(({ code }) => code)).to.deep.equal(["TRANSPORT_AUTH_FAILED", "TRANSPORT_AUTH_FAILED"]);
      expect(errors[0].details).to.deep.include({ channelId: unknown });
      expect(errors[1].details).to.deep.include({ channelId: CB, peer: alice.address });
      expect(peers).to.deep.equal([]);
    });

    it("PC-E4: the client refuses a server that signs with another key or over another challenge, and delivers none of its frames", async function () {
      const wrongWelcomes: ((challenge: string) => Promise<string>)[] = [
        (challenge) =>
          signPeerHello({ deployment, signer: mallory, challenge, peer: alice.address, channelIds: [AB1, AB2] }),
        () =>
          signPeerHello({
            deployment,
            signer: bob,
            challenge: newChallenge(),
            peer: alice.address,
            channelIds: [AB1, AB2],
          }),
        (challenge) =>
          signPeerHello({ deployment, signer: bob, challenge, peer: carol.address, channelIds: [AB1, AB2] }),
        (challenge) => signPeerHello({ deployment, signer: bob, challenge, peer: alice.address, channelIds: [AB1] }),
      ];
      for (const [i, welcome] of wrongWelcomes.entries()) {
        const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
        opened.push({ close: () => new Promise<void>((resolve) => wss.close(() => resolve())) });
        await new Promise((resolve) => wss.once("listening", resolve));
        let closeCode: number | undefined;
        wss.on("connection", (socket) => {
          socket.on("close", (code) => (closeCode = code));
          socket.send(JSON.stringify({ type: "challenge", version: 1, challenge: newChallenge() }));
          socket.on("message", async (data) => {
            const hello = JSON.parse(data.toString()) as { challenge: string };
            socket.send(JSON.stringify({ type: "welcome", signature: await welcome(hello.challenge) }));
            socket.send(JSON.stringify([ack(AB1, 1)]));
          });
        });
        const { port } = wss.address() as net.AddressInfo;
        const { transport, log } = connect(`ws://127.0.0.1:${port}`, { reconnect: false });
        await until(() => log.errors.length === 1 && closeCode !== undefined, `refusal ${i}`);
        expect(log.errors[0].code, `case ${i}`).to.equal("TRANSPORT_AUTH_FAILED");
        expect(closeCode, `case ${i}`).to.equal(4001);
        expect(log.opens, `case ${i}`).to.deep.equal([]);
        expect(log.frames, `case ${i}`).to.deep.equal([]);
        await transport.close();
      }
    });

    it("PC-E4: after authentication, garbage frames close the connection with TRANSPORT_PROTOCOL and deliver nothing of them", async function () {
      const { server, peers } = await startServer();
      opened.push(server);
      const garbage: (string | Buffer)[] = [
        "not json",
        JSON.stringify({ type: "ack", channelId: AB1, nonce: "1" }),
        JSON.stringify([ack(AB1, 1), 42]),
        JSON.stringify([ack(AB1, 1), { type: "ack", nonce: "1" }]),
        JSON.stringify([ack(AB1, 1), { type: 7, channelId: AB1 }]),
        JSON.stringify([ack(AB1, 1), ack(CB, 1)]),
        Buffer.from(JSON.stringify([ack(AB1, 1)])),
      ];
      for (const [i, frame] of garbage.entries()) {
        const raw = await rawClient(server.url);
        await rawHandshake(raw);
        await raw.next(); // welcome
        raw.socket.send(JSON.stringify([ack(AB1, 100 + i)]));
        raw.socket.send(frame);
        raw.socket.send(JSON.stringify([ack(AB1, 200 + i)]));
        expect(await raw.closed(), `case ${i}`).to.deep.include({ code: 4002 });
        await until(() => peers[0].log.closes.length === i + 1, `case ${i} closed`);
        const error = peers[0].log.closes[i] as TransportError;
        expect(error, `case ${i}`).to.be.instanceOf(TransportError).with.property("code", "TRANSPORT_PROTOCOL");
      }
      // Only the valid frame before each piece of garbage arrived: nothing of it, nothing after it.
      expect(peers[0].log.frames).to.deep.equal(garbage.map((_, i) => [ack(AB1, 100 + i)]));
      expect(peers.length, "one transport across the reconnections").to.equal(1);
    });

    it("PC-E4: a frame over maxPayload closes the connection with TRANSPORT_FRAME_TOO_LARGE; a local one is refused before sending", async function () {
      const { server, peers } = await startServer();
      opened.push(server);
      const raw = await rawClient(server.url);
      await rawHandshake(raw);
      await raw.next();
      const oversized = JSON.stringify([{ ...ack(AB1, 1), pad: "x".repeat(1024 * 1024) }]);
      raw.socket.send(oversized);
      expect((await raw.closed()).code).to.equal(1009);
      await until(() => peers[0].log.closes.length === 1, "the server side closed");
      expect(peers[0].log.closes[0])
        .to.be.instanceOf(TransportError)
        .with.property("code", "TRANSPORT_FRAME_TOO_LARGE");
      expect(peers[0].log.frames).to.deep.equal([]);

      // A client that accepts 64 KiB refuses the server's 100 KB frame; its own oversized frame is never sent.
      const { transport, log } = connect(server.url, { maxPayload: 64 * 1024 });
      await until(() => log.opens.length === 1, "client open");
      const big = [{ ...ack(AB1, 2), pad: "y".repeat(100_000) }] as unknown as PeerMessage[];
      expect(() => transport.send(big))
        .to.throw(TransportError)
        .with.property("code", "TRANSPORT_FRAME_TOO_LARGE");
      expect(transport.connected).to.equal(true);
      expect(peers[0].transport.send(big)).to.equal(true);
      await until(() => log.closes.length === 1, "the client closed on the large frame");
      expect(log.closes[0]).to.be.instanceOf(TransportError).with.property("code", "TRANSPORT_FRAME_TOO_LARGE");
      expect(log.frames).to.deep.equal([]);
    });

    it("PC-E4: a peer that does not complete the handshake in time is dropped with TRANSPORT_TIMEOUT on either side", async function () {
      const { server, errors } = await startServer({ handshakeTimeoutMs: 100 });
      opened.push(server);
      const silent = await rawClient(server.url);
      expect(await silent.closed()).to.deep.include({ code: 4003 });
      expect(errors.map(({ code }) => code)).to.deep.equal(["TRANSPORT_TIMEOUT"]);

      const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 }); // accepts, never challenges
      opened.push({ close: () => new Promise<void>((resolve) => wss.close(() => resolve())) });
      await new Promise((resolve) => wss.once("listening", resolve));
      wss.on("connection", (socket) => opened.push({ close: async () => socket.terminate() }));
      const { port } = wss.address() as net.AddressInfo;
      const { log } = connect(`ws://127.0.0.1:${port}`, { handshakeTimeoutMs: 100, reconnect: false });
      await until(() => log.errors.length === 1, "the client's timeout");
      expect(log.errors[0].code).to.equal("TRANSPORT_TIMEOUT");
    });
  });

  describe("reconnection and close", function () {
    it("PC-E4: after the TCP connection is killed, the client reconnects and both transports open again", async function () {
      const { server, peers } = await startServer();
      opened.push(server);
      const proxy = await tcpProxy(server.port);
      opened.push(proxy);
      const { transport, log } = connect(`ws://127.0.0.1:${proxy.port}`);
      await until(() => log.opens.length === 1 && peers.length === 1, "first connection");

      proxy.kill();
      await until(() => log.closes.length === 1 && peers[0].log.closes.length === 1, "both ends see the loss");
      expect(log.closes[0]).to.be.instanceOf(TransportError).with.property("code", "TRANSPORT_CLOSED");
      await until(() => log.opens.length === 2 && peers[0].log.opens.length === 2, "both ends reopen");
      expect(peers.length, "the server keeps one transport per peer").to.equal(1);

      transport.send([ack(AB1, 3)]);
      peers[0].transport.send([ack(AB2, 4)]);
      await until(() => peers[0].log.frames.length === 1 && log.frames.length === 1, "frames after reconnect");
      expect(peers[0].log.frames).to.deep.equal([[ack(AB1, 3)]]);
      expect(log.frames).to.deep.equal([[ack(AB2, 4)]]);
    });

    it("PC-E4: after a server restart on the same port, the client reconnects and frames flow", async function () {
      const first = await startServer();
      const { transport, log } = connect(first.server.url);
      await until(() => log.opens.length === 1, "first connection");
      await first.server.close();
      await until(() => log.closes.length === 1, "the client sees the shutdown");
      expect((log.closes[0] as TransportError).details).to.deep.include({ closeCode: 1001 });

      const second = await startServer({ port: first.server.port });
      opened.push(second.server);
      await until(() => log.opens.length === 2 && second.peers.length === 1, "reconnected to the new server");
      transport.send([ack(AB2, 5)]);
      await until(() => second.peers[0].log.frames.length === 1, "a frame to the new server");
      expect(second.peers[0].log.frames).to.deep.equal([[ack(AB2, 5)]]);
    });

    it("PC-E4: a second connection of the same participant replaces the first, which does not come back", async function () {
      const { server, peers } = await startServer();
      opened.push(server);
      const one = connect(server.url);
      await until(() => one.log.opens.length === 1, "first instance");
      const two = connect(server.url);
      await until(() => two.log.opens.length === 1 && one.log.closes.length === 1, "second instance took over");
      expect((one.log.closes[0] as TransportError).details).to.deep.include({ closeCode: 4004 });
      expect(peers.length).to.equal(1);
      expect(peers[0].log.opens.length).to.equal(2);
      expect(peers[0].log.closes.length).to.equal(1);
      two.transport.send([ack(AB1, 6)]);
      await until(() => peers[0].log.frames.length === 1, "the second instance's frame");
      expect(one.transport.connected).to.equal(false);
    });

    it("PC-E4: close() ends the transport for good: no reconnect, whether connected or waiting to retry", async function () {
      let sockets = 0;
      class CountingWebSocket extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          sockets += 1;
        }
      }
      const { server, peers } = await startServer();
      opened.push(server);
      const live = connect(server.url, {
        WebSocket: CountingWebSocket,
        reconnect: { initialDelayMs: 5, maxDelayMs: 5 },
      });
      await until(() => live.log.opens.length === 1 && peers.length === 1, "open");
      await live.transport.close();
      expect(live.log.closes).to.deep.equal([undefined]);
      await until(() => peers[0].log.closes.length === 1, "the server sees the close");

      const unreachable = await closedPort();
      const waiting = connect(`ws://127.0.0.1:${unreachable}`, {
        WebSocket: CountingWebSocket,
        reconnect: { initialDelayMs: 5, maxDelayMs: 5 },
      });
      await until(() => waiting.log.errors.length >= 2, "retries under way");
      await waiting.transport.close();
      const after = sockets;
      // Forty retry periods: a transport still retrying would have opened sockets by now.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sockets).to.equal(after);
      expect(peers[0].log.opens.length).to.equal(1);
      expect(live.transport.connected || waiting.transport.connected).to.equal(false);
    });
  });

  describe("volume", function () {
    it("PC-E4: 100,000 single-message frames, then 100,000 messages in frames of 100, arrive in order with no loss", async function () {
      this.timeout(120_000);
      const { server, peers } = await startServer();
      opened.push(server);
      const { transport, log } = connect(server.url);
      await until(() => log.opens.length === 1 && peers.length === 1, "open");

      const count = 100_000;
      let started = performance.now();
      for (let n = 0; n < count; n++) transport.send([ack(AB1, n)]);
      await until(() => peers[0].log.frames.length === count, "every single-message frame", 60_000);
      const singleMs = performance.now() - started;
      const nonces = peers[0].log.frames.map((frame) => Number((frame[0] as { nonce: string }).nonce));
      expect(nonces.every((nonce, i) => nonce === i)).to.equal(true);

      const frames = 1_000;
      started = performance.now();
      for (let f = 0; f < frames; f++) {
        peers[0].transport.send(Array.from({ length: 100 }, (_, i) => proof(AB2, f * 100 + i)));
      }
      await until(() => log.frames.length === frames, "every 100-message frame", 60_000);
      const batchedMs = performance.now() - started;
      const received = log.frames
        .flat()
        .map((message) => Number((message as { proof: { nonce: string } }).proof.nonce));
      expect(received.length).to.equal(frames * 100);
      expect(received.every((nonce, i) => nonce === i)).to.equal(true);

      console.log(
        `      loopback: ${Math.round(count / (singleMs / 1000))} single-ack frames/s; ` +
          `${Math.round(frames / (batchedMs / 1000))} frames/s of 100 proofs ` +
          `(${Math.round((frames * 100) / (batchedMs / 1000))} proofs/s)`,
      );
    });
  });
});

/** A TCP relay to `target` whose live connections can be cut at once (a network failure, no close frame). */
async function tcpProxy(target: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, "127.0.0.1");
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    kill: () => sockets.forEach((socket) => socket.destroy()),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

/** A loopback port that nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
