// Decoding the Swap contract's events, from a receipt or from logs: fills, cancellations, delegates, the protocol
// fee, and the credits of ETH a recipient refused.
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { swapInterface } from "../internal/abi";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { toSwapOrderHash, type SwapOrderHash } from "./types";

/**
 * A decoded event of the Swap contract, discriminated by `type`. Amounts and nonces are bigints.
 *
 * @example
 * ```ts
 * for (const event of decodeSwapEvents({ receipt, address: swapAddress })) {
 *   if (event.type === "OrderFilled") console.log(event.orderHash, event.makerFill, event.takerFill);
 * }
 * ```
 */
export type SwapEvent = SwapEventPayload & { log: EventLocation };

type SwapEventPayload =
  | {
      type: "OrderFilled";
      orderHash: SwapOrderHash;
      maker: Address;
      taker: Address;
      makerFill: bigint;
      takerFill: bigint;
    }
  | { type: "NonceCancelled"; maker: Address; nonce: bigint }
  | { type: "NoncesCancelled"; maker: Address; from: bigint; to: bigint }
  | { type: "DelegateSet"; maker: Address; delegate: Address }
  | { type: "ProtocolFeeUpdated"; bps: bigint; recipient: Address }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodeSwapEvents} reads from: a receipt or logs, and the Swap contract's address (logs of any other
 * address are skipped, so a token cannot forge fills).
 *
 * @example
 * ```ts
 * const params: DecodeSwapEventsParameters = { receipt, address: swapAddress };
 * ```
 */
export type DecodeSwapEventsParameters = EventSource;

/**
 * Decodes the Swap contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const fills = decodeSwapEvents({ logs, address: swapAddress }).filter((e) => e.type === "OrderFilled");
 * ```
 */
export function decodeSwapEvents(params: DecodeSwapEventsParameters): SwapEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: swapInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

function toEvent(name: string, a: Result): SwapEventPayload | null {
  switch (name) {
    case "OrderFilled":
      return {
        type: name,
        orderHash: toSwapOrderHash(a.orderHash),
        maker: a.maker,
        taker: a.taker,
        makerFill: a.makerFill,
        takerFill: a.takerFill,
      };
    case "NonceCancelled":
      return { type: name, maker: a.maker, nonce: a.nonce };
    case "NoncesCancelled":
      return { type: name, maker: a.maker, from: a.from, to: a.to };
    case "DelegateSet":
      return { type: name, maker: a.maker, delegate: a.delegate };
    case "ProtocolFeeUpdated":
      return { type: name, bps: a.bps, recipient: a.recipient };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    default:
      return null;
  }
}
