// Reads: a channel's slot decoded, with its withdrawals and, after a close, the record (or after settlement the pending
// locks) rebuilt from events and checked against the commitment the slot holds; secrets, credits, session keys.
import { ZeroAddress, ZeroHash, toNumber, type Interface } from "ethers";
import type { Address } from "../../core/types";
import { RecordUnavailableError } from "../../errors/payment-channels";
import { PeerPayErrorCode } from "../../errors/codes";
import { paymentChannelsInterface } from "../../internal/abi";
import { requireAddress, requireHex, requireThat } from "../../internal/validate";
import { decodePaymentChannelEvents } from "../events";
import { hashPendingLocks, hashRecord } from "../hashing";
import type { PaymentChannelRef, PaymentChannelState } from "../parameters";
import {
  PaymentChannelStatus,
  type PaymentChannel,
  type PaymentChannelId,
  type PaymentChannelRecord,
  type PendingLocks,
} from "../types";
import { resolveChannel, type PaymentChannelsContext } from "./context";

/** A channel's state: the slot, the withdrawals, and the record or pending locks rebuilt and checked. */
export async function getChannel(
  context: PaymentChannelsContext,
  { channel: ref }: { channel: PaymentChannelRef },
): Promise<PaymentChannelState> {
  const { channel, channelId } = await resolveChannel(context, ref);
  const info = await context.tx.guard(() => context.contract.channelInfo(channelId));
  const withdrawn = info.withdrawn
    ? await context.tx.guard(() => context.contract.withdrawnOf(channelId))
    : { withdrawn1: 0n, withdrawn2: 0n };
  const state: PaymentChannelState = {
    channelId,
    status: toNumber(info.status) as PaymentChannelStatus,
    withdrawn: info.withdrawn,
    key1Changed: info.key1Changed,
    key2Changed: info.key2Changed,
    deposit1: info.deposit1,
    deposit2: info.deposit2,
    withdrawn1: withdrawn.withdrawn1,
    withdrawn2: withdrawn.withdrawn2,
    closesAt: toNumber(info.closesAt),
    commitment: info.commitment.toLowerCase(),
  };
  if (state.status === PaymentChannelStatus.Closed) {
    const record = await recordOf(context, { channelId, commitment: state.commitment });
    // After a close the slot holds the commitment, not the amounts: they are the record's.
    Object.assign(state, {
      record,
      deposit1: record.deposit1,
      deposit2: record.deposit2,
      withdrawn1: record.withdrawn1,
      withdrawn2: record.withdrawn2,
    });
  } else if (state.status === PaymentChannelStatus.Settled) {
    state.pending = await pendingLocksOf(context, { channel, channelId, commitment: state.commitment });
  }
  return state;
}

/** The record whose commitment a closed channel's slot holds: the latest ChannelClosed or ChannelUpdated that matches. */
async function recordOf(
  context: PaymentChannelsContext,
  { channelId, commitment }: { channelId: PaymentChannelId; commitment: string },
): Promise<PaymentChannelRecord> {
  const events = await channelEvents(context, channelId, ["ChannelClosed", "ChannelUpdated"]);
  for (const event of events.reverse()) {
    if (
      (event.type === "ChannelClosed" || event.type === "ChannelUpdated") &&
      hashRecord(event.record) === commitment
    ) {
      return event.record;
    }
  }
  throw unavailable(channelId, context.fromBlock, "record");
}

/** The pending locks of a settled channel: ChannelSettled's, minus the directions unlocked since. */
async function pendingLocksOf(
  context: PaymentChannelsContext,
  { channel, channelId, commitment }: { channel: PaymentChannel; channelId: PaymentChannelId; commitment: string },
): Promise<PendingLocks> {
  const none = { locksRoot12: ZeroHash, held12: 0n, locksRoot21: ZeroHash, held21: 0n };
  // Cooperatively closed, or nothing left to unlock: the slot commits to nothing.
  if (commitment === ZeroHash) return none;
  let pending: PendingLocks | undefined;
  for (const event of await channelEvents(context, channelId, ["ChannelSettled", "LocksUnlocked"])) {
    if (event.type === "ChannelSettled") pending = { ...event.pending };
    else if (event.type === "LocksUnlocked" && pending !== undefined) {
      if (event.sender === channel.participant1) Object.assign(pending, { locksRoot12: ZeroHash, held12: 0n });
      else Object.assign(pending, { locksRoot21: ZeroHash, held21: 0n });
    }
  }
  if (pending === undefined || hashPendingLocks(pending) !== commitment) {
    throw unavailable(channelId, context.fromBlock, "pending locks");
  }
  return pending;
}

async function channelEvents(
  context: PaymentChannelsContext,
  channelId: PaymentChannelId,
  names: readonly string[],
): Promise<ReturnType<typeof decodePaymentChannelEvents>> {
  const provider = context.tx.provider();
  const topics = [names.map((name) => (paymentChannelsInterface as Interface).getEvent(name)!.topicHash), channelId];
  const logs = await context.tx.guard(() =>
    provider.getLogs({ address: context.address, topics, fromBlock: context.fromBlock, toBlock: "latest" }),
  );
  return decodePaymentChannelEvents({ logs, address: context.address });
}

function unavailable(channelId: PaymentChannelId, fromBlock: number, what: string): RecordUnavailableError {
  return new RecordUnavailableError({
    code: PeerPayErrorCode.PAYMENT_CHANNEL_RECORD_UNAVAILABLE,
    message: `No event from block ${fromBlock} gives channel ${channelId}'s ${what} matching its commitment`,
    details: { channelId, fromBlock },
  });
}

/** The record of a closed channel, as `update` and `settle` take it: given, or rebuilt and checked. */
export async function currentRecord(
  context: PaymentChannelsContext,
  { channel, record }: { channel: PaymentChannelRef; record?: PaymentChannelRecord },
): Promise<PaymentChannelRecord> {
  if (record !== undefined) return record;
  const state = await getChannel(context, { channel });
  requireThat(state.record !== undefined, "record", undefined, `the channel is not closed (status ${state.status})`);
  return state.record!;
}

/** When the secret hashing to `secretHash` was first registered (unix seconds), or 0. */
export async function secretRegisteredAt(
  context: PaymentChannelsContext,
  { secretHash }: { secretHash: string },
): Promise<number> {
  const hash = requireHex("secretHash", secretHash, 32);
  return toNumber(await context.tx.guard(() => context.contract.secretRegisteredAt(hash)));
}

/** `account`'s withdrawable credit in `token` (ETH when omitted): payouts that could not be pushed. */
export async function creditOf(
  context: PaymentChannelsContext,
  { token, account }: { token?: Address; account: Address },
): Promise<bigint> {
  const tokenAddress = requireAddress("token", token ?? ZeroAddress);
  return context.tx.guard(() => context.contract.creditOf(tokenAddress, requireAddress("account", account)));
}

/**
 * The session keys that may sign for `participant` at the latest block: `key1` (participant1's, named at open) until
 * the participant's first `setSessionKey`, then
 * the current key and the previous one until its grace ends (docs/payment-channels.md §7). `ZeroAddress` omitted.
 */
export async function sessionKeysOf(
  context: PaymentChannelsContext,
  { channel: ref, participant }: { channel: PaymentChannelRef; participant: Address },
): Promise<Address[]> {
  const { channel, channelId } = await resolveChannel(context, ref);
  const who = requireAddress("participant", participant);
  const isFirst = who === channel.participant1;
  requireThat(isFirst || who === channel.participant2, "participant", who, "is not a participant of the channel");
  const info = await context.tx.guard(() => context.contract.channelInfo(channelId));
  const rotated = isFirst ? info.key1Changed : info.key2Changed;
  if (!rotated) return isFirst && channel.key1 !== ZeroAddress ? [channel.key1] : [];
  const change = await context.tx.guard(() => context.contract.keyChangeOf(channelId, who));
  const block = await context.tx.guard(() => context.tx.provider().getBlock("latest"));
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const keys = [change.current];
  if (now <= toNumber(change.changedAt) + channel.challengePeriod) keys.push(change.previous);
  return keys.filter((key) => key !== ZeroAddress);
}
