// The two-way payment channels' vocabulary (docs/payment-channels.md §2, §3): branded ids, the terms, balance proofs,
// hash locks, the record a close commits to, and the contract's bounds. Pure types and constants, no chain access.
import { isHexString } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";

/**
 * A two-way payment channel's id: `keccak256(abi.encode(chainId, contract, channel))`, lowercase hex. Branded apart
 * from the micropayment channels' `ChannelId` and the escrow's `DealId`, so that one cannot be passed for another.
 *
 * @example
 * ```ts
 * const channelId: PaymentChannelId = computePaymentChannelId({ chainId, contract, channel });
 * ```
 */
export type PaymentChannelId = string & { readonly __brand: "PaymentChannelId" };

/**
 * Checks and brands a payment channel id (32 bytes of hex), lowercased.
 *
 * @throws {InvalidParameterError} not 32 bytes of hex.
 * @example
 * ```ts
 * const channelId = toPaymentChannelId(log.topics[1]);
 * ```
 */
export function toPaymentChannelId(value: string): PaymentChannelId {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new InvalidParameterError({ parameter: "channelId", value, reason: "must be 32 bytes of hex" });
  }
  return value.toLowerCase() as PaymentChannelId;
}

/**
 * The immutable terms of a two-way channel, as the contract's `Channel` struct: the opener is `participant1`;
 * `key1` participant1's session key named at open (`ZeroAddress` for none; there is no `key2`: the opener must
 * not choose the key that signs for the other side, which names its own with `setSessionKey`); `challengePeriod`
 * in seconds.
 *
 * @example
 * ```ts
 * const channel: PaymentChannel = {
 *   participant1: alice, participant2: bob, token: ZeroAddress, key1: aliceKey.address,
 *   challengePeriod: 86_400, salt: 1,
 * };
 * ```
 */
export type PaymentChannel = {
  participant1: Address;
  participant2: Address;
  token: Address;
  key1: Address;
  challengePeriod: number;
  salt: number;
};

/**
 * A two-way channel's status on-chain. `Settled` is terminal and kept forever, so an id is never reused.
 *
 * @example
 * ```ts
 * if (info.status === PaymentChannelStatus.Closed) await client.settle({ channel });
 * ```
 */
export enum PaymentChannelStatus {
  None = 0,
  Open = 1,
  Closed = 2,
  Settled = 3,
}

/**
 * What a sender has sent the other participant, as it signs it (EIP-712 `BalanceProof`): a per-direction `nonce`
 * (0 = no proof), the cumulative unconditional `transferred`, the sum of its pending locks' amounts (`locked`) and
 * their hash (`locksRoot`, `ZeroHash` for none).
 *
 * @example
 * ```ts
 * const proof: BalanceProof = { nonce: 7n, transferred: 1_500n, locked: 0n, locksRoot: ZeroHash };
 * ```
 */
export type BalanceProof = { nonce: bigint; transferred: bigint; locked: bigint; locksRoot: string };

/**
 * A hash-locked conditional payment inside a balance proof: `amount` (< 2^96) moves to the receiver iff the 32-byte
 * secret whose SHA-256 is `secretHash` was registered on-chain at or before `expiry` (unix seconds, < 2^40).
 *
 * @example
 * ```ts
 * const lock: Lock = { amount: 100n, expiry: now + 3_600, secretHash: secretHash(secret) };
 * ```
 */
export type Lock = { amount: bigint; expiry: number; secretHash: string };

/**
 * A direction's proof as recorded after a close, with the watchtower (`rewardee`, `ZeroAddress` for none) and the
 * reward its receiver signed.
 *
 * @example
 * ```ts
 * const { nonce, transferred, rewardee }: Direction = record.d21;
 * ```
 */
export type Direction = BalanceProof & { rewardee: Address; reward: bigint };

/**
 * Everything settlement needs, committed to in a closed channel's slot and passed back to `update`, `updateFor` and
 * `settle`: deposits, withdrawals, and the recorded proof of each direction (`d12`: what participant1 sent).
 *
 * @example
 * ```ts
 * const { record } = await client.getChannel({ channel });
 * const settlement = settlementOf(record!);
 * ```
 */
export type PaymentChannelRecord = {
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  d12: Direction;
  d21: Direction;
};

/**
 * The locks left to unlock after settlement, per direction: their root and the amount held for them.
 *
 * @example
 * ```ts
 * const { pending } = await client.getChannel({ channel }); // status Settled
 * if (pending!.held12 > 0n) await client.unlock({ channel, sender: channel.participant1, locks });
 * ```
 */
export type PendingLocks = { locksRoot12: string; held12: bigint; locksRoot21: string; held21: bigint };

/**
 * What settling a record pays (docs/payment-channels.md §5): each participant, each direction's watchtower, and the
 * amounts held for each direction's pending locks. `amount1 + amount2 + reward12 + reward21 + held12 + held21` is
 * what the channel holds.
 *
 * @example
 * ```ts
 * const { amount1, amount2, held12 }: Settlement = settlementOf(record);
 * ```
 */
export type Settlement = {
  amount1: bigint;
  amount2: bigint;
  reward12: bigint;
  reward21: bigint;
  held12: bigint;
  held21: bigint;
};

/**
 * The contract's bounds (docs/payment-channels.md §2, §3, rule PC-O1): challenge period, amounts, locks.
 *
 * @example
 * ```ts
 * if (locks.length >= PAYMENT_CHANNEL_LIMITS.maxLocks) throw new Error("settle some locks first");
 * ```
 */
export const PAYMENT_CHANNEL_LIMITS = Object.freeze({
  /** Seconds: 1 hour. */
  minChallengePeriod: 3_600,
  /** Seconds: 30 days. */
  maxChallengePeriod: 30 * 86_400,
  /** Deposits, withdrawals and settlement amounts are below 2^104. */
  amountBound: 1n << 104n,
  /** A proof's `transferred` and `locked` are below 2^128. */
  proofAmountBound: 1n << 128n,
  /** A nonce is a uint64. */
  nonceBound: 1n << 64n,
  /** A lock's amount is a uint96. */
  lockAmountBound: 1n << 96n,
  /** A lock's expiry is a uint40. */
  lockExpiryMax: 2 ** 40 - 1,
  /** Pending locks per direction. */
  maxLocks: 32,
});
