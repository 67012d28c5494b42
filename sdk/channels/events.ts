import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { channelsInterface } from "../internal/abi";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { toChannelId, type Channel, type ChannelId } from "./types";
import { normalizeChannel } from "./voucher";

/**
 * A decoded event of the micropayment channels contract, discriminated by `type`. Amounts and times are bigints.
 *
 * @example
 * ```ts
 * for (const event of decodeChannelEvents({ receipt, address: channelsAddress })) {
 *   if (event.type === "ChannelCloseRequested") console.log(event.channelId, event.closesAt);
 * }
 * ```
 */
export type ChannelEvent = Payload & { log: EventLocation };

type Payload =
  | { type: "ChannelOpened"; channelId: ChannelId; channel: Channel; deposit: bigint }
  | { type: "ChannelToppedUp"; channelId: ChannelId; amount: bigint; deposit: bigint }
  | { type: "ChannelClaimed"; channelId: ChannelId; claimed: bigint }
  | { type: "ChannelCloseRequested"; channelId: ChannelId; closesAt: bigint }
  | { type: "ChannelClosed"; channelId: ChannelId; toPayee: bigint; toPayer: bigint }
  | { type: "ChannelFinalized"; channelId: ChannelId; toPayer: bigint }
  | { type: "SignerChanged"; channelId: ChannelId; previous: Address; current: Address; graceEndsAt: bigint }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodeChannelEvents} reads from: a receipt or logs, and the contract's address (logs from any other
 * address are skipped, so a token cannot forge channel events).
 *
 * @example
 * ```ts
 * const params: DecodeChannelEventsParameters = { logs, address: channelsAddress };
 * ```
 */
export type DecodeChannelEventsParameters = EventSource;

/**
 * Decodes the channels contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const opened = decodeChannelEvents({ receipt, address }).find((e) => e.type === "ChannelOpened");
 * ```
 */
export function decodeChannelEvents(params: DecodeChannelEventsParameters): ChannelEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: channelsInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

function toEvent(name: string, a: Result): Payload | null {
  switch (name) {
    case "ChannelOpened": {
      const c = a.channel as Result;
      const channel = normalizeChannel({
        payer: c.payer,
        payee: c.payee,
        token: c.token,
        signer: c.signer,
        challengePeriod: Number(c.challengePeriod),
        salt: Number(c.salt),
      });
      return { type: name, channelId: toChannelId(a.channelId), channel, deposit: a.deposit };
    }
    case "ChannelToppedUp":
      return { type: name, channelId: toChannelId(a.channelId), amount: a.amount, deposit: a.deposit };
    case "ChannelClaimed":
      return { type: name, channelId: toChannelId(a.channelId), claimed: a.claimed };
    case "ChannelCloseRequested":
      return { type: name, channelId: toChannelId(a.channelId), closesAt: a.closesAt };
    case "ChannelClosed":
      return { type: name, channelId: toChannelId(a.channelId), toPayee: a.toPayee, toPayer: a.toPayer };
    case "ChannelFinalized":
      return { type: name, channelId: toChannelId(a.channelId), toPayer: a.toPayer };
    case "SignerChanged":
      return {
        type: name,
        channelId: toChannelId(a.channelId),
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
