// `npm run bench:transport`: the WebSocket peer transport's loopback throughput (docs/payment-channels.md §8.6). A
// WebSocketPeerServer and a WebSocketTransport in one process authenticate, then each sends FRAMES frames of
// MESSAGES proof messages to the other; prints frames/s and messages/s by wall clock, and by the process's CPU time
// (both ends share it), which a busy machine disturbs less.
import { Wallet, ZeroAddress, ZeroHash } from "ethers";
import WebSocket from "ws";
import { WebSocketTransport, computePaymentChannelId } from "../sdk";
import { WebSocketPeerServer } from "../sdk/node";
import type { PeerMessage, PeerTransport } from "../sdk/payment-channels/engine/types";

const FRAMES = Number(process.env.FRAMES ?? 2_000);
const MESSAGES = Number(process.env.MESSAGES ?? 100);

async function main(): Promise<void> {
  const deployment = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
  const [alice, bob] = [Wallet.createRandom(), Wallet.createRandom()];
  const channel = {
    participant1: alice.address,
    participant2: bob.address,
    token: ZeroAddress,
    key1: ZeroAddress,
    challengePeriod: 86_400,
    salt: 1,
  };
  const channelId = computePaymentChannelId({ ...deployment, channel });
  const proof = (nonce: number): PeerMessage => ({
    type: "proof",
    channelId,
    change: { kind: "pay", amount: "1" },
    proof: { nonce: String(nonce), transferred: String(nonce), locked: "0", locksRoot: ZeroHash },
    signature: `0x${"ab".repeat(65)}`,
  });

  const server = await WebSocketPeerServer.listen({
    participant: bob.address,
    signer: bob,
    deployment,
    channels: [channel],
  });
  const peer = new Promise<PeerTransport>((resolve) => server.onPeer((transport) => resolve(transport)));
  const client = new WebSocketTransport({
    url: server.url,
    WebSocket,
    participant: alice.address,
    signer: alice,
    deployment,
    channels: [channel],
  });
  await new Promise<void>((resolve) => client.onOpen(() => resolve()));
  const hub = await peer;
  const frameBytes = JSON.stringify(Array.from({ length: MESSAGES }, (_, i) => proof(i))).length;
  console.log(`${FRAMES} frames of ${MESSAGES} proof messages (${frameBytes} bytes each), loopback, one process`);

  for (const [name, from, to] of [
    ["server -> client", hub, client],
    ["client -> server", client, hub],
  ] as const) {
    let received = 0;
    let next = 0;
    const done = new Promise<void>((resolve, reject) =>
      to.onMessages((messages) => {
        for (const message of messages) {
          if ((message as { proof: { nonce: string } }).proof.nonce !== String(next++))
            reject(new Error("out of order"));
        }
        received += messages.length;
        if (received === FRAMES * MESSAGES) resolve();
      }),
    );
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let f = 0; f < FRAMES; f++) from.send(Array.from({ length: MESSAGES }, (_, i) => proof(f * MESSAGES + i)));
    await done;
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const rate = (count: number, s: number) => Math.round(count / s).toLocaleString("en-US");
    console.log(
      `${name}: ${rate(FRAMES, seconds)} frames/s, ${rate(FRAMES * MESSAGES, seconds)} messages/s (wall); ` +
        `${rate(FRAMES, cpuSeconds)} frames/s, ${rate(FRAMES * MESSAGES, cpuSeconds)} messages/s per CPU second`,
    );
  }
  await client.close();
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
