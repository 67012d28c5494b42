import type { Address } from "../core/types";

declare const dealIdBrand: unique symbol;

/**
 * A deal's id, `keccak256(abi.encode(deal))`: a 32-byte hex string (lowercase) branded so that it cannot be mixed up
 * with another hash (a transaction hash, a milestones hash, a future channel id) by accident. Get one from
 * {@link computeDealId}, a client result, or {@link toDealId} for a value you trust.
 *
 * @example
 * ```ts
 * const dealId: DealId = computeDealId(deal);
 * ```
 */
export type DealId = string & { readonly [dealIdBrand]: true };

/**
 * What a deal's timeout does with the remainder when it is not disputed (`IEscrow.Outcome`).
 *
 * @example
 * ```ts
 * const terms = { ...otherTerms, defaultOutcome: Outcome.Refund };
 * ```
 */
export const Outcome = { Release: 0, Refund: 1 } as const;
/**
 * `0` (`Outcome.Release`) or `1` (`Outcome.Refund`).
 *
 * @example
 * ```ts
 * const outcome: Outcome = Outcome.Release;
 * ```
 */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/**
 * A deal's status, with the contract's numbering (`IEscrow.Status`). `None`: no deal has this id.
 *
 * @example
 * ```ts
 * const { state } = await escrow.getDeal({ dealId });
 * if (state.status === DealStatus.Disputed) notifyArbiter();
 * ```
 */
export const DealStatus = { None: 0, Active: 1, Paid: 2, Disputed: 3, Closed: 4 } as const;
/**
 * One of the values of {@link DealStatus}.
 *
 * @example
 * ```ts
 * const open = (status: DealStatus) => status !== DealStatus.None && status !== DealStatus.Closed;
 * ```
 */
export type DealStatus = (typeof DealStatus)[keyof typeof DealStatus];

/**
 * The small terms of a deal, unpacked from the `Terms` word (docs/escrow.md §1). Token amounts are bigints; times,
 * durations, basis points and the salt fit a JavaScript number exactly and are numbers.
 *
 * @example
 * ```ts
 * const terms: DealTerms = {
 *   amount: 10n ** 18n,
 *   deadline: 1_767_225_600,
 *   disputeWindow: 86_400,
 *   defaultOutcome: Outcome.Refund,
 *   fallbackBps: 5_000,
 *   arbiterFeeBps: 100,
 *   protocolFeeBps: 0,
 *   salt: 42,
 * };
 * ```
 */
export type DealTerms = {
  /** Base units of the token (wei for ETH); `0 < amount < 2^96`. */
  amount: bigint;
  /** Unix time (seconds): the last second of the deal's active period. */
  deadline: number;
  /** Seconds the arbiter has to rule after a dispute opens; 0 without an arbiter. */
  disputeWindow: number;
  defaultOutcome: Outcome;
  /** Beneficiary's share (basis points) of the remainder if the arbiter does not rule. */
  fallbackBps: number;
  /** Arbiter's fee (basis points) on the remainder when it rules. */
  arbiterFeeBps: number;
  /** Protocol fee (basis points) snapshotted at creation. */
  protocolFeeBps: number;
  /** Any 32-bit value; only makes otherwise identical deals distinct. */
  salt: number;
};

/**
 * The immutable terms of a deal exactly as the contract takes them (`IEscrow.Deal`): every action passes them, and
 * their hash is the deal id.
 *
 * @example
 * ```ts
 * const deal: Deal = {
 *   depositor, beneficiary, arbiter: ZeroAddress, token: ZeroAddress,
 *   terms: packTerms(terms), milestonesHash: milestonesHash([]),
 * };
 * ```
 */
export type Deal = {
  depositor: Address;
  beneficiary: Address;
  /** `ZeroAddress` for none. */
  arbiter: Address;
  /** `ZeroAddress` for ETH. */
  token: Address;
  /** The packed `Terms` word. */
  terms: bigint;
  /** keccak256 of the milestone amounts as 32-byte words, `ZeroHash` for a single milestone. */
  milestonesHash: string;
};

/**
 * The mutable state of a deal (`IEscrow.DealState`), as `getDealState` returns it.
 *
 * @example
 * ```ts
 * const state: DealState = await escrow.getDealState({ dealId });
 * const remaining = unpackTerms(deal.terms).amount - state.released - state.refunded;
 * ```
 */
export type DealState = {
  status: DealStatus;
  /** Signed actions must carry this value. */
  nonce: number;
  /** When the open dispute started (unix seconds), else 0. */
  disputedAt: number;
  /** Taken out for the beneficiary, protocol fee included. */
  released: bigint;
  /** Returned to the depositor. */
  refunded: bigint;
};

/**
 * A deal passed to an action: its terms, or its id (the client then rebuilds the terms from the `DealCreated`
 * event and caches them).
 *
 * @example
 * ```ts
 * await escrow.release({ deal: dealId, amount: 1n }); // or { deal: dealObject, ... }
 * ```
 */
export type DealRef = Deal | DealId;

/**
 * The escrow's hard limits (the contract's public constants, docs/escrow.md §2, §6). The SDK validates against them
 * before sending.
 *
 * @example
 * ```ts
 * const latest = now + ESCROW_LIMITS.maxDuration;
 * ```
 */
export const ESCROW_LIMITS = Object.freeze({
  /** Exclusive upper bound of a deal amount (uint96). */
  amountBound: 1n << 96n,
  /** Exclusive upper bound of a salt (uint32). */
  saltBound: 2 ** 32,
  maxMilestones: 16,
  maxProtocolFeeBps: 100,
  maxArbiterFeeBps: 1_000,
  maxFallbackBps: 10_000,
  /** Seconds. */
  minDisputeWindow: 3_600,
  /** Seconds. */
  maxDisputeWindow: 365 * 86_400,
  /** Seconds from now to the latest allowed deadline. */
  maxDuration: 3_650 * 86_400,
});
