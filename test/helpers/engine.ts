// Fixtures of the payment channel engine tests: an open, funded channel between Alice (session key named at open)
// and Bob (session key set on-chain), and a factory of connected ChannelPeers over a MemoryTransport pair, on a
// clock that follows the chain's time; and, for tests that play one side themselves, Alice's peer alone and the proof
// messages the other side would send.
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Wallet } from "ethers";
import {
  ChannelPeer,
  MemoryPeerStore,
  MemoryTransport,
  signPaymentChannelMessage,
  type BalanceProof,
  type PaymentChannel,
  type PeerMessage,
  type PeerMessageError,
  type PeerStore,
  type WireChange,
} from "../../sdk";
import type { ChannelPeerParameters } from "../../sdk/payment-channels/engine/options";
import { HOUR, paymentChannelsFixture, type PaymentChannelsFixture } from "./payment-channels-sdk";

export const DEPOSIT = 1_000_000n;

/** Alice opens an ETH channel with her session key; Bob deposits the same and names his key. */
export async function engineChannelFixture() {
  const f = await paymentChannelsFixture();
  const opened = await f.client(f.alice).open({
    participant2: f.bob.address,
    amount: DEPOSIT,
    challengePeriod: HOUR,
    key1: f.aliceKey.address,
    salt: 7,
  });
  const bobClient = f.client(f.bob);
  await bobClient.deposit({ channel: opened.channel, amount: DEPOSIT });
  await bobClient.setSessionKey({ channel: opened.channel, key: f.bobKey.address });
  return { ...f, channel: opened.channel, channelId: opened.channelId };
}

export type EngineFixture = Awaited<ReturnType<typeof engineChannelFixture>>;

/** A clock in unix seconds that tests move with the chain (`sync` reads the latest block's time). */
export class ChainClock {
  value = 0;
  now = (): number => this.value;
  async sync(): Promise<number> {
    this.value = await time.latest();
    return this.value;
  }

  /**
   * A clock synced to a block mined now. A fixture restored from a snapshot keeps the snapshot's latest block, which
   * may be minutes old (the first test to load it can run long before the next), while the next block is stamped by
   * the wall clock: a clock read from the old block would sign expiries that the next block has already passed.
   */
  static async fresh(): Promise<ChainClock> {
    await mine();
    const clock = new ChainClock();
    await clock.sync();
    return clock;
  }
}

export type PeerSide<S extends PeerStore = MemoryPeerStore> = {
  peer: ChannelPeer;
  store: S;
  transport: MemoryTransport;
  refused: PeerMessageError[];
  params: ChannelPeerParameters;
};

/** Builds, and starts, a peer for `self` with its key, store and transport end. */
export async function startPeer<S extends PeerStore = MemoryPeerStore>(params: {
  f: PaymentChannelsFixture;
  channel: PaymentChannel;
  who: "alice" | "bob";
  store: S;
  transport: MemoryTransport;
  clock: ChainClock;
  options?: Partial<ChannelPeerParameters>;
}): Promise<PeerSide<S>> {
  const { f, who } = params;
  const account = who === "alice" ? f.alice : f.bob;
  const key: Wallet = who === "alice" ? f.aliceKey : f.bobKey;
  const peerParams: ChannelPeerParameters = {
    client: f.client(account),
    channel: params.channel,
    self: account.address,
    signer: { privateKey: key.privateKey },
    store: params.store,
    transport: params.transport,
    now: params.clock.now,
    minLockSeconds: 60,
    resendMs: 25,
    ...params.options,
  };
  const peer = new ChannelPeer(peerParams);
  const refused: PeerMessageError[] = [];
  await peer.start();
  peer.on("refused", (error) => refused.push(error));
  return { peer, store: params.store, transport: params.transport, refused, params: peerParams };
}

/** Alice's and Bob's peers, connected. */
export async function startPair(
  f: EngineFixture,
  options: Partial<ChannelPeerParameters> = {},
): Promise<{ alice: PeerSide; bob: PeerSide; clock: ChainClock }> {
  const clock = await ChainClock.fresh();
  const [aliceEnd, bobEnd] = MemoryTransport.pair({ peers: [f.alice.address, f.bob.address], channels: [f.channelId] });
  const common = { f, channel: f.channel, clock, options };
  const alice = await startPeer({ ...common, who: "alice", store: new MemoryPeerStore(), transport: aliceEnd });
  const bob = await startPeer({ ...common, who: "bob", store: new MemoryPeerStore(), transport: bobEnd });
  return { alice, bob, clock };
}

/**
 * Alice's peer alone (on a fresh memory store and a clock synced to the chain, unless given), with the test playing
 * Bob at the other end of her transport: every frame Alice sends him lands in `replies`.
 */
export async function aliceFacingTest(
  f: EngineFixture,
  params: { store?: PeerStore; options?: Partial<ChannelPeerParameters>; clock?: ChainClock } = {},
): Promise<{ alice: PeerSide<PeerStore>; clock: ChainClock; replies: PeerMessage[] }> {
  const clock = params.clock ?? (await ChainClock.fresh());
  const [aliceEnd, bobEnd] = MemoryTransport.pair({ peers: [f.alice.address, f.bob.address], channels: [f.channelId] });
  const replies: PeerMessage[] = [];
  bobEnd.onMessages((frame) => replies.push(...frame));
  const alice = await startPeer<PeerStore>({
    f,
    channel: f.channel,
    who: "alice",
    store: params.store ?? new MemoryPeerStore(),
    transport: aliceEnd,
    clock,
    options: params.options,
  });
  return { alice, clock, replies };
}

/** The `proof` message a sender's peer sends for `change`: `proof` on the wire, signed by `key` for the channel. */
export async function proofMessage(params: {
  f: EngineFixture;
  change: WireChange;
  proof: BalanceProof;
  key: { privateKey: string };
}): Promise<PeerMessage> {
  const { f, change, proof, key } = params;
  const { signature } = await signPaymentChannelMessage({
    chainId: f.chainId,
    contract: f.contract,
    privateKey: key.privateKey,
    primaryType: "BalanceProof",
    message: { channelId: f.channelId, ...proof },
  });
  const wire = { nonce: `${proof.nonce}`, transferred: `${proof.transferred}`, locked: `${proof.locked}` };
  return { type: "proof", channelId: f.channelId, change, proof: { ...wire, locksRoot: proof.locksRoot }, signature };
}

/** Waits until `condition` holds, polling on timers (never a fixed sleep); fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export { HOUR };
