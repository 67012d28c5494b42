// Decoding the two-way payment channels' events, from a receipt or from logs. ChannelClosed and ChannelUpdated carry
// the whole record a closed channel's commitment stands for, which is how the client rebuilds it (actions/read.ts).
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { paymentChannelsInterface } from "../internal/abi";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { normalizePaymentChannel, normalizePendingLocks, normalizeRecord } from "./hashing";
import {
  toPaymentChannelId,
  type PaymentChannel,
  type PaymentChannelId,
  type PaymentChannelRecord,
  type PendingLocks,
} from "./types";

/**
 * A decoded event of the two-way payment channels contract, discriminated by `type`. Amounts and times are bigints.
 *
 * @example
 * ```ts
 * for (const event of decodePaymentChannelEvents({ receipt, address })) {
 *   if (event.type === "ChannelClosed") watchtower.check(event.channelId, event.record);
 * }
 * ```
 */
export type PaymentChannelEvent = PaymentChannelEventPayload & { log: EventLocation };

type PaymentChannelEventPayload =
  | { type: "ChannelOpened"; channelId: PaymentChannelId; channel: PaymentChannel; deposit: bigint }
  | { type: "ChannelDeposited"; channelId: PaymentChannelId; participant: Address; amount: bigint; total: bigint }
  | { type: "ChannelWithdrawn"; channelId: PaymentChannelId; participant: Address; amount: bigint; total: bigint }
  | { type: "ChannelCooperativelyClosed"; channelId: PaymentChannelId; amount1: bigint; amount2: bigint }
  | {
      type: "ChannelClosed";
      channelId: PaymentChannelId;
      closer: Address;
      closesAt: bigint;
      record: PaymentChannelRecord;
    }
  | {
      type: "ChannelUpdated";
      channelId: PaymentChannelId;
      sender: Address;
      submitter: Address;
      record: PaymentChannelRecord;
    }
  | { type: "ChannelSettled"; channelId: PaymentChannelId; amount1: bigint; amount2: bigint; pending: PendingLocks }
  | { type: "WatchtowerRewarded"; channelId: PaymentChannelId; watchtower: Address; amount: bigint }
  | { type: "SecretRegistered"; secretHash: string; secret: string }
  | { type: "LocksUnlocked"; channelId: PaymentChannelId; sender: Address; toReceiver: bigint; toSender: bigint }
  | {
      type: "SessionKeyChanged";
      channelId: PaymentChannelId;
      participant: Address;
      previous: Address;
      current: Address;
      graceEndsAt: bigint;
    }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodePaymentChannelEvents} reads from: a receipt or logs, and the contract's address (logs of any
 * other address are skipped, so a token cannot forge channel events).
 *
 * @example
 * ```ts
 * const params: DecodePaymentChannelEventsParameters = { logs, address: paymentChannelsAddress };
 * ```
 */
export type DecodePaymentChannelEventsParameters = EventSource;

/**
 * Decodes the two-way payment channels contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const settled = decodePaymentChannelEvents({ receipt, address }).find((e) => e.type === "ChannelSettled");
 * ```
 */
export function decodePaymentChannelEvents(params: DecodePaymentChannelEventsParameters): PaymentChannelEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: paymentChannelsInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

/** A `Record` tuple as ethers decodes it. */
export function recordFromResult(r: Result): PaymentChannelRecord {
  const direction = (d: Result) => ({
    nonce: d.nonce as bigint,
    transferred: d.transferred as bigint,
    locked: d.locked as bigint,
    locksRoot: d.locksRoot as string,
    rewardee: d.rewardee as string,
    reward: d.reward as bigint,
  });
  return normalizeRecord({
    deposit1: r.deposit1,
    deposit2: r.deposit2,
    withdrawn1: r.withdrawn1,
    withdrawn2: r.withdrawn2,
    d12: direction(r.d12 as Result),
    d21: direction(r.d21 as Result),
  });
}

function toEvent(name: string, a: Result): PaymentChannelEventPayload | null {
  const channelId = () => toPaymentChannelId(a.channelId);
  switch (name) {
    case "ChannelOpened": {
      const c = a.channel as Result;
      const channel = normalizePaymentChannel({
        participant1: c.participant1,
        participant2: c.participant2,
        token: c.token,
        key1: c.key1,
        challengePeriod: Number(c.challengePeriod),
        salt: Number(c.salt),
      });
      return { type: name, channelId: channelId(), channel, deposit: a.deposit };
    }
    case "ChannelDeposited":
    case "ChannelWithdrawn":
      return { type: name, channelId: channelId(), participant: a.participant, amount: a.amount, total: a.total };
    case "ChannelCooperativelyClosed":
      return { type: name, channelId: channelId(), amount1: a.amount1, amount2: a.amount2 };
    case "ChannelClosed":
      return {
        type: name,
        channelId: channelId(),
        closer: a.closer,
        closesAt: a.closesAt,
        record: recordFromResult(a.record),
      };
    case "ChannelUpdated":
      return {
        type: name,
        channelId: channelId(),
        sender: a.sender,
        submitter: a.submitter,
        record: recordFromResult(a.record),
      };
    case "ChannelSettled": {
      const p = a.pending as Result;
      const pending = normalizePendingLocks({
        locksRoot12: p.locksRoot12,
        held12: p.held12,
        locksRoot21: p.locksRoot21,
        held21: p.held21,
      });
      return { type: name, channelId: channelId(), amount1: a.amount1, amount2: a.amount2, pending };
    }
    case "WatchtowerRewarded":
      return { type: name, channelId: channelId(), watchtower: a.watchtower, amount: a.amount };
    case "SecretRegistered":
      return { type: name, secretHash: a.secretHash, secret: a.secret };
    case "LocksUnlocked":
      return {
        type: name,
        channelId: channelId(),
        sender: a.sender,
        toReceiver: a.toReceiver,
        toSender: a.toSender,
      };
    case "SessionKeyChanged":
      return {
        type: name,
        channelId: channelId(),
        participant: a.participant,
        previous: a.previous,
        current: a.current,
        graceEndsAt: a.graceEndsAt,
      };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    default:
      return null;
  }
}
