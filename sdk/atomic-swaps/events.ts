// Decoding the hashed timelocks' events, from a receipt or from logs. `Locked` carries the whole terms, which is how
// a counterparty reads the lock it is asked to trust, and `Claimed` the secret, which is how the other leg completes.
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { hashedTimelocksInterface } from "./abi";
import { normalizeHashedTimelock } from "./hashing";
import { toHashedTimelockId, type HashedTimelock, type HashedTimelockId } from "./types";

/**
 * A decoded event of the hashed timelocks contract, discriminated by `type`. Amounts are bigints.
 *
 * @example
 * ```ts
 * for (const event of decodeHashedTimelockEvents({ receipt, address })) {
 *   if (event.type === "Claimed") console.log("secret", event.secret);
 * }
 * ```
 */
export type HashedTimelockEvent = HashedTimelockEventPayload & { log: EventLocation };

type HashedTimelockEventPayload =
  | { type: "Locked"; lockId: HashedTimelockId; lock: HashedTimelock }
  | { type: "Claimed"; lockId: HashedTimelockId; hashlock: string; secret: string; caller: Address }
  | { type: "Refunded"; lockId: HashedTimelockId; caller: Address }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodeHashedTimelockEvents} reads from: a receipt or logs, and the contract's address (logs of any
 * other address are skipped, so a token cannot forge a `Claimed` event).
 *
 * @example
 * ```ts
 * const params: DecodeHashedTimelockEventsParameters = { logs, address: hashedTimelocksAddress };
 * ```
 */
export type DecodeHashedTimelockEventsParameters = EventSource;

/**
 * Decodes the hashed timelocks contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const claimed = decodeHashedTimelockEvents({ receipt, address }).find((e) => e.type === "Claimed");
 * ```
 */
export function decodeHashedTimelockEvents(params: DecodeHashedTimelockEventsParameters): HashedTimelockEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: hashedTimelocksInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

/** A `Lock` tuple as ethers decodes it. */
export function lockFromResult(t: Result): HashedTimelock {
  return normalizeHashedTimelock({
    sender: t.sender,
    receiver: t.receiver,
    token: t.token,
    amount: t.amount,
    hashlock: t.hashlock,
    timelock: Number(t.timelock),
    safetyDeposit: t.safetyDeposit,
    publicClaimAt: Number(t.publicClaimAt),
    publicRefundAt: Number(t.publicRefundAt),
    salt: t.salt,
  });
}

function toEvent(name: string, a: Result): HashedTimelockEventPayload | null {
  switch (name) {
    case "Locked":
      return { type: name, lockId: toHashedTimelockId(a.id), lock: lockFromResult(a.terms as Result) };
    case "Claimed":
      return {
        type: name,
        lockId: toHashedTimelockId(a.id),
        hashlock: (a.hashlock as string).toLowerCase(),
        secret: (a.secret as string).toLowerCase(),
        caller: a.caller,
      };
    case "Refunded":
      return { type: name, lockId: toHashedTimelockId(a.id), caller: a.caller };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    default:
      return null;
  }
}
