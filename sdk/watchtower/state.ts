// What a watchtower keeps per client channel, and how that maps to the records of its durable log (a PeerStore):
// a registration, the best proof with its reward, and the last block it processed. Replaying the records in order
// rebuilds the state; a snapshot of the state is a valid log (compaction).
import type { Address } from "../core/types";
import type { PeerLogRecord } from "../payment-channels/engine/types";
import { normalizeBalanceProof, normalizePaymentChannel } from "../payment-channels/hashing";
import {
  toPaymentChannelId,
  type BalanceProof,
  type PaymentChannel,
  type PaymentChannelId,
  type PaymentChannelRecord,
} from "../payment-channels/types";
import { toWireProof, type WireChannel } from "./messages";

/** The best proof a client handed in, with the `Reward` that lets this watchtower submit it. */
export type HeldProof = { proof: BalanceProof; signature: string; reward: { amount: bigint; signature: string } };

/** One client's registration of one channel, and what the watchtower knows of it. */
export type WatchedChannel = {
  channelId: PaymentChannelId;
  channel: PaymentChannel;
  /** The client: the receiver of the direction watched. */
  participant: Address;
  /** The client's counterparty, who signs the proofs watched. */
  sender: Address;
  /** True when the watched direction is the record's `d12` (the client is participant2). */
  incomingIsD12: boolean;
  best?: HeldProof;
  /** Bytes of the registration and best proof records, counted against the client's quota. */
  bytes: { registration: number; proof: number };
  /** On-chain, as last seen: status, and after a close its deadline and record. */
  chain: { status: "Open" | "Closed" | "Settled"; closesAt?: number; record?: PaymentChannelRecord };
  /** Transactions this watchtower landed for the channel. */
  submitted: string[];
  /** Set when a stale close was seen too late (after `closesAt`) to answer. */
  missed: boolean;
  inFlight?: Promise<void>;
};

/** The key of a registration: a channel may be watched for both of its participants. */
export function watchKey(channelId: PaymentChannelId, participant: Address): string {
  return `${channelId}:${participant}`;
}

/** The log record of a registration. */
export function registrationRecord(w: Pick<WatchedChannel, "channelId" | "channel" | "participant">): PeerLogRecord {
  const channel: WireChannel = { ...w.channel };
  return { type: "wt-registered", channelId: w.channelId, participant: w.participant, channel };
}

/** The log record of a held proof. */
export function proofRecord(channelId: PaymentChannelId, participant: Address, held: HeldProof): PeerLogRecord {
  return {
    type: "wt-proof",
    channelId,
    participant,
    proof: toWireProof(held.proof),
    signature: held.signature,
    reward: { amount: held.reward.amount.toString(), signature: held.reward.signature },
  };
}

/** The size a record counts for in a quota: its JSON length. */
export function sizeOf(record: PeerLogRecord): number {
  return JSON.stringify(record).length;
}

/** A fresh watched channel for a registration. */
export function newWatched(channelId: PaymentChannelId, channel: PaymentChannel, participant: Address): WatchedChannel {
  const isFirst = participant === channel.participant1;
  return {
    channelId,
    channel,
    participant,
    sender: isFirst ? channel.participant2 : channel.participant1,
    incomingIsD12: !isFirst,
    bytes: { registration: sizeOf(registrationRecord({ channelId, channel, participant })), proof: 0 },
    chain: { status: "Open" },
    submitted: [],
    missed: false,
  };
}

/** The state a log's records rebuild: the channels watched and the last block processed. */
export function replay(records: readonly PeerLogRecord[]): { watched: Map<string, WatchedChannel>; block?: number } {
  const watched = new Map<string, WatchedChannel>();
  let block: number | undefined;
  for (const r of records) {
    if (r.type === "wt-block") block = Number(r.block);
    else if (r.type === "wt-registered") {
      const channelId = toPaymentChannelId(r.channelId as string);
      const channel = normalizePaymentChannel(r.channel as PaymentChannel);
      const w = newWatched(channelId, channel, r.participant as string);
      watched.set(watchKey(channelId, w.participant), w);
    } else if (r.type === "wt-proof") {
      const w = watched.get(watchKey(toPaymentChannelId(r.channelId as string), r.participant as string));
      if (w === undefined) continue;
      const p = r.proof as Record<string, string>;
      const reward = r.reward as { amount: string; signature: string };
      w.best = {
        proof: normalizeBalanceProof({
          nonce: BigInt(p.nonce),
          transferred: BigInt(p.transferred),
          locked: BigInt(p.locked),
          locksRoot: p.locksRoot,
        }),
        signature: r.signature as string,
        reward: { amount: BigInt(reward.amount), signature: reward.signature },
      };
      w.bytes.proof = sizeOf(r);
    } else if (r.type === "wt-released") {
      watched.delete(watchKey(toPaymentChannelId(r.channelId as string), r.participant as string));
    }
  }
  return { watched, block };
}

/** A log equivalent to the state: what compaction writes. */
export function snapshot(watched: Iterable<WatchedChannel>, block: number | undefined): PeerLogRecord[] {
  const records: PeerLogRecord[] = block === undefined ? [] : [{ type: "wt-block", block }];
  for (const w of watched) {
    records.push(registrationRecord(w));
    if (w.best !== undefined) records.push(proofRecord(w.channelId, w.participant, w.best));
  }
  return records;
}
