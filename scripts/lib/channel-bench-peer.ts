// One peer of `npm run bench:channels` (scripts/bench-channels.ts), run as its own process: Ann (the WebSocket
// client) or Ben (the WebSocket server), each with its own key, FilePeerStore and chain connection. The parent drives
// it over IPC: it pays in bursts, one at a time, or at a paced rate, and answers with the wall times, its store's
// fdatasync count and its CPU time, so that the parent can compute rates across both processes.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import WebSocket from "ws";
import { ChannelPeer, PaymentChannelsClient, WebSocketTransport, type PaymentChannel } from "../../sdk";
import { FilePeerStore, WebSocketPeerServer } from "../../sdk/node";
import type { PeerMessage, PeerTransport } from "../../sdk/payment-channels/engine/types";

/** What the parent sends first. */
export type PeerInit = {
  role: "ann" | "ben";
  rpc: string;
  chainId: string;
  contract: string;
  fromBlock: number;
  channel: PaymentChannel;
  privateKey: string;
  counterparty: string;
  dir: string;
  /** Ann only: Ben's server. */
  url?: string;
  /** Check the signature of every incoming proof, not only the last of each frame (the engine's default). */
  verifyEvery: boolean;
};

/** The parent's commands after `init`; each is answered by a `done` with the same id. */
export type PeerCommand =
  | { type: "burst"; id: number; count: number }
  | { type: "serial"; id: number; seconds: number; max: number }
  | { type: "paced"; id: number; rate: number; seconds: number }
  | { type: "window"; id: number; window: number }
  | { type: "stats"; id: number }
  | { type: "finish"; id: number };

/** What one payment is worth: the balances check counts payments by their amounts. */
export const AMOUNT = 1n;

/** A wall clock shared by both processes (ms since the epoch, sub-millisecond). */
const wall = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const init = await new Promise<PeerInit>((resolve) => process.once("message", (m) => resolve(m as PeerInit)));
  const provider = new JsonRpcProvider(init.rpc, Number(init.chainId), { staticNetwork: true });
  const wallet = new Wallet(init.privateKey, provider);
  const client = new PaymentChannelsClient({ address: init.contract, runner: wallet, fromBlock: init.fromBlock });
  const deployment = { chainId: BigInt(init.chainId), contract: init.contract };
  mkdirSync(init.dir, { recursive: true });
  const logPath = path.join(init.dir, `${init.role}.log`);
  let store = await FilePeerStore.open({ path: logPath });

  let server: WebSocketPeerServer | undefined;
  let transport: PeerTransport;
  if (init.role === "ben") {
    server = await WebSocketPeerServer.listen({
      participant: wallet.address,
      signer: wallet,
      deployment,
      channels: [init.channel],
    });
    transport = server.transportFor(init.counterparty);
  } else {
    const client = new WebSocketTransport({
      url: init.url!,
      WebSocket,
      participant: wallet.address,
      signer: wallet,
      deployment,
      channels: [init.channel],
    });
    await new Promise<void>((resolve) => client.onOpen(() => resolve()));
    transport = client;
  }

  const newPeer = async (window: number) => {
    const peer = new ChannelPeer({
      client,
      channel: init.channel,
      self: wallet.address,
      signer: { privateKey: init.privateKey },
      store,
      transport,
      window,
      verifyEvery: init.verifyEvery,
    });
    peer.on("failed", (error) => {
      console.error(`${init.role}: the peer failed`, error);
      process.exit(2);
    });
    await peer.start();
    return peer;
  };
  let peer = await newPeer(1_024);
  let paid = 0;

  const handlers: { [K in PeerCommand["type"]]: (c: Extract<PeerCommand, { type: K }>) => Promise<object> } = {
    async burst({ count }) {
      const start = wall();
      const pays: Promise<void>[] = [];
      for (let i = 0; i < count; i++) pays.push(peer.pay({ amount: AMOUNT }));
      await Promise.all(pays);
      paid += count;
      return { start, end: wall(), payments: count };
    },
    async serial({ seconds, max }) {
      const start = wall();
      const deadline = start + seconds * 1_000;
      let payments = 0;
      while (payments < max && wall() < deadline) {
        await peer.pay({ amount: AMOUNT });
        payments++;
      }
      paid += payments;
      return { start, end: wall(), payments };
    },
    async paced({ rate, seconds }) {
      const total = Math.round(rate * seconds);
      const latencies: number[] = [];
      const start = wall();
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        let issued = 0;
        const tick = () => {
          // Every payment due by now leaves at once: the paced rate holds even when a timer fires late.
          const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1_000) + 1);
          for (; issued < due; issued++) {
            const called = performance.now();
            peer.pay({ amount: AMOUNT }).then(() => {
              latencies.push(performance.now() - called);
              if (latencies.length === total) resolve();
            }, reject);
          }
          if (issued < total) setTimeout(tick, 1);
        };
        tick();
      });
      paid += total;
      latencies.sort((a, b) => a - b);
      const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
      return {
        start,
        end: wall(),
        payments: total,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1],
        mean,
      };
    },
    async window({ window }) {
      // Both peers are idle here (every pay resolved): the new peer replays the same store and resumes.
      await peer.stop();
      peer = await newPeer(window);
      return {};
    },
    async stats() {
      const cpu = process.cpuUsage();
      return { syncs: store.syncCount, cpuMs: (cpu.user + cpu.system) / 1_000, paid };
    },
    async finish() {
      const live = peer.balances();
      await peer.stop();
      // Ann leaves first; Ben's server closes after (the parent waits for Ann's answer before asking Ben).
      await transport.close();
      await server?.close();
      await store.close();
      // What a restart would find: a fresh peer replays the log (no transport: it only replays and reads the chain).
      store = await FilePeerStore.open({ path: logPath });
      const offline: PeerTransport = {
        connected: false,
        send: (_messages: readonly PeerMessage[]) => false,
        onMessages: () => undefined,
        onOpen: () => undefined,
        onClosed: () => undefined,
        close: async () => undefined,
      };
      const replayed = new ChannelPeer({
        client,
        channel: init.channel,
        self: wallet.address,
        signer: { privateKey: init.privateKey },
        store,
        transport: offline,
      });
      await replayed.start();
      const durable = replayed.balances();
      await replayed.stop();
      await store.close();
      provider.destroy();
      const text = (b: typeof live) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.toString()]));
      return { paid, live: text(live), durable: text(durable) };
    },
  };

  process.on("message", (raw) => {
    const command = raw as PeerCommand;
    const handler = handlers[command.type] as (c: PeerCommand) => Promise<object>;
    handler(command).then(
      (result) => {
        process.send!({ type: "done", id: command.id, ...result }, undefined, {}, () => {
          // Exits at once (a --cpu-prof profile is written on exit) rather than waiting on idle sockets.
          if (command.type === "finish") process.exit(0);
        });
      },
      (error: unknown) => {
        console.error(`${init.role}: ${command.type} failed`, error);
        process.exit(1);
      },
    );
  });
  process.send!({ type: "ready", url: server?.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
