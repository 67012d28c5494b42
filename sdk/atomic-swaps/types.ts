// The hashed timelocks' vocabulary (docs/atomic-swaps.md): the branded lock id, a lock's terms as the contract's
// `Lock` struct, its status, and the contract's bounds. Pure types and constants, no chain access.
import { isHexString } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";

/**
 * A hashed timelock's id: `keccak256(abi.encode(lock))`, lowercase hex. Branded apart from the other products' ids
 * (`DealId`, `ChannelId`, `PaymentChannelId`), so that one cannot be passed for another. The id does not name the
 * chain: the same terms on two chains have the same id, so always keep it with the chain it was made on.
 *
 * @example
 * ```ts
 * const lockId: HashedTimelockId = computeHashedTimelockId(lock);
 * ```
 */
export type HashedTimelockId = string & { readonly __brand: "HashedTimelockId" };

/**
 * Checks and brands a hashed timelock id (32 bytes of hex), lowercased.
 *
 * @throws {InvalidParameterError} not 32 bytes of hex.
 * @example
 * ```ts
 * const lockId = toHashedTimelockId(log.topics[1]);
 * ```
 */
export function toHashedTimelockId(value: string): HashedTimelockId {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new InvalidParameterError({ parameter: "lockId", value, reason: "must be 32 bytes of hex" });
  }
  return value.toLowerCase() as HashedTimelockId;
}

/**
 * The immutable terms of one leg of an atomic swap, as the contract's `Lock` struct: `sender` locks and gets the
 * refund, `receiver` gets `amount` of `token` (`ZeroAddress` for ETH) on a claim with the 32-byte secret whose
 * SHA-256 is `hashlock`, accepted while the block time is below `timelock` (unix seconds); refunds from `timelock`
 * on. `safetyDeposit` (wei, 0 for none) pays whoever finishes the lock after `publicClaimAt` (a claim) or
 * `publicRefundAt` (a refund), and goes back to the sender otherwise; both times are 0 without a deposit.
 *
 * @example
 * ```ts
 * const lock: HashedTimelock = {
 *   sender: alice, receiver: bob, token: ZeroAddress, amount: parseEther("1"), hashlock, timelock: now + 7_200,
 *   safetyDeposit: 0n, publicClaimAt: 0, publicRefundAt: 0, salt: 1n,
 * };
 * ```
 */
export type HashedTimelock = {
  sender: Address;
  receiver: Address;
  token: Address;
  amount: bigint;
  hashlock: string;
  timelock: number;
  safetyDeposit: bigint;
  publicClaimAt: number;
  publicRefundAt: number;
  salt: bigint;
};

/**
 * A lock's status on-chain. `Claimed` and `Refunded` are terminal and kept forever, so an id is never reused.
 *
 * @example
 * ```ts
 * if ((await client.status({ lock })) === HashedTimelockStatus.Locked) await client.refund({ lock });
 * ```
 */
export enum HashedTimelockStatus {
  None = 0,
  Locked = 1,
  Claimed = 2,
  Refunded = 3,
}

/**
 * The contract's bounds (docs/atomic-swaps.md): a timelock at most 30 days ahead, uint64 times.
 *
 * @example
 * ```ts
 * const latest = now + HASHED_TIMELOCK_LIMITS.maxTimelockDuration;
 * ```
 */
export const HASHED_TIMELOCK_LIMITS = Object.freeze({
  /** Seconds: 30 days, the contract's `MAX_TIMELOCK_DURATION`. */
  maxTimelockDuration: 30 * 86_400,
  /** Times are uint64; JavaScript numbers are exact up to 2^53, far beyond any block time. */
  timeMax: Number.MAX_SAFE_INTEGER,
});
