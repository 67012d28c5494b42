// `npm run bench:engine`: in-process throughput of the payment channel engine (docs/payment-channels.md §8.5): two
// ChannelPeers over a MemoryTransport pair with MemoryPeerStores, paying one way, then both ways at once. Every pay
// is signed, logged, checked by the receiver and acknowledged; `pay` resolves on the ack. No chain is needed: the
// client is a stand-in that answers the reads `start` makes (deposits, session keys). BENCH_STORE=file logs to
// FilePeerStores (group commit, fdatasync) in a temporary directory instead of memory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet, ZeroAddress } from "ethers";
import { ChannelPeer, MemoryPeerStore, MemoryTransport, computePaymentChannelId, type PaymentChannel } from "../sdk";
import type { PaymentChannelsClient, PeerStore } from "../sdk";
import { FilePeerStore } from "../sdk/node";

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 5_000);
const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const CHAIN_ID = 31_337n;
const DIR = process.env.BENCH_STORE === "file" ? mkdtempSync(path.join(tmpdir(), "peerpay-bench-")) : undefined;
let logs = 0;

async function store(): Promise<PeerStore> {
  return DIR === undefined ? new MemoryPeerStore() : FilePeerStore.open({ path: path.join(DIR, `${logs++}.log`) });
}

function standInClient(): PaymentChannelsClient {
  const state = { deposit1: 10n ** 30n, deposit2: 10n ** 30n, withdrawn1: 0n, withdrawn2: 0n };
  return {
    address: CONTRACT,
    getChainId: async () => CHAIN_ID,
    getChannel: async () => state,
    sessionKeysOf: async () => [],
    secretRegisteredAt: async () => 0,
  } as unknown as PaymentChannelsClient;
}

async function pair(): Promise<[ChannelPeer, ChannelPeer]> {
  const alice = Wallet.createRandom();
  const bob = Wallet.createRandom();
  const channel: PaymentChannel = {
    participant1: alice.address,
    participant2: bob.address,
    token: ZeroAddress,
    key1: ZeroAddress,
    challengePeriod: 3_600,
    salt: 1,
  };
  const channelId = computePaymentChannelId({ chainId: CHAIN_ID, contract: CONTRACT, channel });
  const [a, b] = MemoryTransport.pair({ peers: [alice.address, bob.address], channels: [channelId] });
  const peer = async (self: string, privateKey: string, transport: MemoryTransport) =>
    new ChannelPeer({
      client: standInClient(),
      channel,
      self,
      signer: { privateKey },
      store: await store(),
      transport,
    });
  const peers: [ChannelPeer, ChannelPeer] = [
    await peer(alice.address, alice.privateKey, a),
    await peer(bob.address, bob.privateKey, b),
  ];
  await Promise.all(peers.map((p) => p.start()));
  return peers;
}

async function run(label: string, directions: 1 | 2, payments = PAYMENTS): Promise<void> {
  const [alice, bob] = await pair();
  const started = performance.now();
  const pays: Promise<void>[] = [];
  for (let i = 0; i < payments; i++) {
    pays.push(alice.pay({ amount: 1n }));
    if (directions === 2) pays.push(bob.pay({ amount: 1n }));
  }
  await Promise.all(pays);
  const seconds = (performance.now() - started) / 1_000;
  console.log(
    `${label} (${DIR === undefined ? "memory" : "file"} store): ${pays.length} payments in ${seconds.toFixed(2)} s = ${Math.round(pays.length / seconds)}/s`,
  );
  await Promise.all([alice.stop(), bob.stop()]);
  await Promise.all([alice.store.close(), bob.store.close()]);
}

async function main(): Promise<void> {
  await run("warm-up (JIT, key tables)", 2, 500);
  await run("one direction", 1);
  await run("both directions", 2);
  if (DIR !== undefined) rmSync(DIR, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
