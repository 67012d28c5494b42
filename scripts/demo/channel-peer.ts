// One peer of the demo's channel network (story 6, scripts/demo/channel-network.ts), run as a process of its own:
// its own key, its own JSON-RPC connection, its own durable log per channel (FilePeerStore) and its own WebSocket
// endpoints. The story's process drives it over IPC with a few commands and prints what it answers; everything
// between peers goes over loopback WebSocket, authenticated by the peers' keys.
import { join } from "node:path";
import { JsonRpcProvider, Wallet, hexlify, randomBytes } from "ethers";
import WebSocket from "ws";
import {
  ChannelPeer,
  Hub,
  PaymentChannelsClient,
  WatchtowerClient,
  WebSocketTransport,
  secretHash as sha256Of,
  type PaymentChannel,
  type PeerTransport,
} from "../../sdk";
import { FilePeerStore, WebSocketPeerServer } from "../../sdk/node";

/** A channel this peer serves: its terms, and whether it listens for the counterparty or connects to it. */
export type ChannelSpec = {
  name: string;
  terms: PaymentChannel;
  counterparty: string;
  connect?: string; // the counterparty's WebSocket URL; absent: this peer's server accepts it
};

/** What the story hands each peer process (in the environment, so that the key never shows in `ps`). */
export type PeerConfig = {
  name: string;
  rpc: string;
  chainId: string;
  contract: string;
  fromBlock: number;
  privateKey: string;
  dataDir: string;
  channels: ChannelSpec[];
  hub?: { incoming: string; outgoing: string; fee: string; margin: number };
  watchtower?: { url: string; address: string; channel: string; reward: string; every: number };
};

export type Command =
  | { id: number; cmd: "pay"; channel: string; amount: string; count: number }
  | { id: number; cmd: "invoice" }
  | { id: number; cmd: "payLocked"; channel: string; amount: string; secretHash: string; expiresIn: number }
  | { id: number; cmd: "waitSettledLocks"; channel: string }
  | { id: number; cmd: "balances"; channel: string }
  | { id: number; cmd: "closeCooperatively"; channel: string }
  | { id: number; cmd: "close"; channel: string }
  | { id: number; cmd: "syncWatchtower" }
  | { id: number; cmd: "stop" };

const jsonSafe = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));

async function main(): Promise<void> {
  const config = JSON.parse(process.env.PEERPAY_DEMO_PEER!) as PeerConfig;
  delete process.env.PEERPAY_DEMO_PEER;
  const chainId = BigInt(config.chainId);
  const provider = new JsonRpcProvider(config.rpc, chainId, { staticNetwork: true, pollingInterval: 250 });
  const wallet = new Wallet(config.privateKey, provider);
  // The chain's clock, which signed expiries are judged by: the demo's earlier stories moved it days ahead.
  const latest = await provider.getBlock("latest");
  const offset = latest!.timestamp - Math.floor(Date.now() / 1000);
  const now = () => Math.floor(Date.now() / 1000) + offset;
  const client = new PaymentChannelsClient({ address: config.contract, runner: wallet, fromBlock: config.fromBlock });
  const deployment = { chainId, contract: config.contract };
  const sessionKeysOf = ({ channel, participant }: { channel: PaymentChannel; participant: string }) =>
    client.sessionKeysOf({ channel, participant });

  const listening = config.channels.filter((c) => c.connect === undefined);
  const server =
    listening.length === 0
      ? undefined
      : await WebSocketPeerServer.listen({
          participant: wallet.address,
          signer: wallet,
          deployment,
          channels: listening.map((c) => c.terms),
          sessionKeysOf,
        });

  const peers = new Map<string, ChannelPeer>();
  const stores: FilePeerStore[] = [];
  const transports: PeerTransport[] = [];
  for (const spec of config.channels) {
    const transport: PeerTransport =
      spec.connect === undefined
        ? server!.transportFor(spec.counterparty)
        : new WebSocketTransport({
            url: spec.connect,
            WebSocket: WebSocket as never,
            participant: wallet.address,
            signer: wallet,
            deployment,
            channels: [spec.terms],
            sessionKeysOf,
          });
    const store = await FilePeerStore.open({ path: join(config.dataDir, `${config.name}-${spec.name}.log`) });
    const peer = new ChannelPeer({
      client,
      channel: spec.terms,
      self: wallet.address,
      signer: { privateKey: wallet.privateKey },
      store,
      transport,
      now,
    });
    await peer.start();
    peers.set(spec.name, peer);
    stores.push(store);
    transports.push(transport);
  }
  const peerOf = (name: string) => {
    const peer = peers.get(name);
    if (peer === undefined) throw new Error(`${config.name} has no channel ${name}`);
    return peer;
  };

  // The hub forwards each lock it is paid on one channel as a lock on the other, for a fee (PC-E5).
  if (config.hub !== undefined) {
    const hub = new Hub({
      incoming: peerOf(config.hub.incoming),
      outgoing: peerOf(config.hub.outgoing),
      fee: BigInt(config.hub.fee),
      margin: config.hub.margin,
    });
    hub.start();
  }

  // The payee of a routed payment: it makes the secret, hands out its hash, and reveals it once a lock for it is
  // stored: it is paid, unconditionally, when the sender's unlock proof arrives.
  const secrets = new Map<string, string>();
  for (const peer of peers.values()) {
    peer.on("received", (entry) => {
      if (entry.change.kind !== "lock") return;
      const secret = secrets.get(entry.change.lock.secretHash);
      if (secret !== undefined) void peer.reveal({ secret }).catch((error) => console.error(error));
    });
  }

  // Hands every N-th proof received on the guarded channel to the watchtower, with a reward it earns only by using
  // it; `syncWatchtower` (before going offline) waits for the hand-off and sends the latest proof kept back.
  let syncWatchtower = async () => {};
  if (config.watchtower !== undefined) {
    const { url, address, channel, reward, every } = config.watchtower;
    const guarded = peerOf(channel);
    const spec = config.channels.find((c) => c.name === channel)!;
    // Every N-th proof: a watchtower needs the latest one before its client goes offline, not each one.
    const tower = new WatchtowerClient({ ...deployment, url, watchtower: address, signer: wallet, every });
    const role = spec.terms.participant1 === wallet.address ? "participant1" : "participant2";
    await tower.register({ channel: spec.terms, role });
    let handing = Promise.resolve();
    guarded.on("received", (entry) => {
      handing = handing
        .then(() =>
          tower.submitProof({
            channelId: guarded.channelId,
            proof: entry.proof,
            signature: entry.signature,
            reward: { amount: BigInt(reward) },
          }),
        )
        .then(() => undefined)
        .catch((error: Error) => console.error(`${config.name}: the watchtower refused a proof: ${error.message}`));
    });
    syncWatchtower = async () => {
      await handing;
      await tower.flush();
    };
  }

  const run = async (command: Command): Promise<unknown> => {
    switch (command.cmd) {
      case "pay": {
        const peer = peerOf(command.channel);
        const amount = BigInt(command.amount);
        const started = performance.now();
        await Promise.all(Array.from({ length: command.count }, () => peer.pay({ amount })));
        return { ms: performance.now() - started };
      }
      case "invoice": {
        const secret = hexlify(randomBytes(32));
        const hash = sha256Of(secret);
        secrets.set(hash, secret);
        return { secretHash: hash };
      }
      case "payLocked": {
        const peer = peerOf(command.channel);
        const expiry = now() + command.expiresIn;
        await peer.payWithLock({ amount: BigInt(command.amount), secretHash: command.secretHash, expiry });
        return {};
      }
      case "waitSettledLocks": {
        const peer = peerOf(command.channel);
        const deadline = Date.now() + 30_000;
        while (peer.balances().lockedOut !== 0n || peer.balances().lockedIn !== 0n) {
          if (Date.now() > deadline) throw new Error(`${config.name}: locks on ${command.channel} still pending`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return peer.balances();
      }
      case "balances":
        return peerOf(command.channel).balances();
      case "closeCooperatively": {
        const { receipt } = await peerOf(command.channel).closeCooperatively();
        return { gasUsed: receipt?.gasUsed };
      }
      case "close": {
        const { receipt } = await peerOf(command.channel).close();
        return { gasUsed: receipt?.gasUsed };
      }
      case "syncWatchtower":
        await syncWatchtower();
        return {};
      case "stop": {
        for (const peer of peers.values()) await peer.stop();
        for (const transport of transports) await transport.close();
        for (const store of stores) await store.close();
        await server?.close();
        provider.destroy();
        return {};
      }
    }
  };

  process.on("message", (command: Command) => {
    run(command).then(
      (result) => {
        process.send!({ id: command.id, ok: true, result: jsonSafe(result) });
        if (command.cmd === "stop") process.disconnect();
      },
      (error: unknown) =>
        process.send!({ id: command.id, ok: false, error: String((error as Error)?.message ?? error) }),
    );
  });
  process.send!({ ready: true, url: server?.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
