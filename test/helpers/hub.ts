// Fixtures of the mediated-transfer tests (PC-E5): a second channel Bob (the hub) to Carol, and the route
// Alice → Hub (Bob) → Carol over MemoryTransport pairs on one clock.
import { Wallet } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ChannelPeer, Hub, MemoryPeerStore, MemoryTransport, type PaymentChannel } from "../../sdk";
import { ChainClock, DEPOSIT, HOUR, engineChannelFixture } from "./engine";

/** A second channel, Bob (the hub) to Carol (the fixture's `stranger`), with both session keys. */
export async function hubFixture() {
  const f = await engineChannelFixture();
  const carolKey = new Wallet("0x" + "c3".repeat(32));
  const opened = await f.client(f.bob).open({
    participant2: f.stranger.address,
    amount: DEPOSIT,
    challengePeriod: HOUR,
    key1: f.bobKey.address,
    salt: 8,
  });
  await f.client(f.stranger).deposit({ channel: opened.channel, amount: DEPOSIT });
  await f.client(f.stranger).setSessionKey({ channel: opened.channel, key: carolKey.address });
  return { ...f, carolKey, channelHC: opened.channel };
}

export type HubFixture = Awaited<ReturnType<typeof hubFixture>>;

export async function connect(params: {
  f: HubFixture;
  channel: PaymentChannel;
  ends: [[HardhatEthersSigner, Wallet], [HardhatEthersSigner, Wallet]];
  clock: ChainClock;
}): Promise<[ChannelPeer, ChannelPeer]> {
  const { f, channel, ends, clock } = params;
  const channelId = await f.client(ends[0][0]).channelIdOf({ channel });
  const transports = MemoryTransport.pair({ peers: [ends[0][0].address, ends[1][0].address], channels: [channelId] });
  const peers = ends.map(
    ([account, key], i) =>
      new ChannelPeer({
        client: f.client(account),
        channel,
        self: account.address,
        signer: { privateKey: key.privateKey },
        store: new MemoryPeerStore(),
        transport: transports[i],
        now: clock.now,
        minLockSeconds: 60,
        resendMs: 25,
      }),
  ) as [ChannelPeer, ChannelPeer];
  await Promise.all(peers.map((peer) => peer.start()));
  return peers;
}

/** Alice → Hub (Bob) → Carol, with a fee of 1 and a margin of one hour. */
export async function route(f: HubFixture) {
  const clock = await ChainClock.fresh();
  const [alice, hubA] = await connect({
    f,
    channel: f.channel,
    ends: [
      [f.alice, f.aliceKey],
      [f.bob, f.bobKey],
    ],
    clock,
  });
  const [hubC, carol] = await connect({
    f,
    channel: f.channelHC,
    ends: [
      [f.bob, f.bobKey],
      [f.stranger, f.carolKey],
    ],
    clock,
  });
  const hub = new Hub({ incoming: hubA, outgoing: hubC, fee: 1n, margin: HOUR });
  hub.start();
  const stop = () => Promise.all([alice, hubA, hubC, carol].map((peer) => peer.stop()));
  return { clock, alice, hubA, hubC, carol, hub, stop };
}
