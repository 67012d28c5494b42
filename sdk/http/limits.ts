// payingFetch's limits and its choice among a 402's requirements (docs/http-payments.md §5, HP-C1, HP-C9): which
// 402s are PeerPay's to pay, and which of those the app's limits allow, decided before anything is opened or signed.
import { ZeroAddress, getAddress, isAddress } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { HttpPaymentError } from "../errors/http";
import { requireAddress, requireBigInt, requireInteger } from "../internal/validate";
import { PEERPAY_CHANNEL_SCHEME, parseDecimal, type PaymentRequired, type PaymentRequirement } from "./wire";

/**
 * The app's spending limits (HP-C1): checked before anything is signed or sent.
 *
 * @example
 * ```ts
 * const limits: PayingFetchLimits = { maxPrice: 10_000n, deposit: 1_000_000n, maxFunding: 5_000_000n };
 * ```
 */
export type PayingFetchLimits = {
  /**
   * The token the limits count in, and the only one paid (ETH, the zero address, by default): a 402 asking for
   * another token is `HTTP_REQUIREMENTS_UNSUPPORTED`, since the payee, not the app, would choose the unit.
   */
  asset?: Address;
  /** The highest price paid for one request. */
  maxPrice: bigint;
  /** What one channel open or top-up funds (the wallet signs it); at least `maxPrice`. */
  deposit: bigint;
  /**
   * The most the store's channels in `asset` may ever be funded with in total, retired channels included (their
   * refunds are not netted: a payee closing channels cannot make the app fund more than this).
   */
  maxFunding: bigint;
  /** The only payees paid, when set: a 402 naming another `payTo` is `HTTP_REQUIREMENTS_UNSUPPORTED`. */
  payees?: readonly Address[];
  /**
   * The longest challenge period (seconds) a payee may require (`minChallengePeriod`): a channel's unspent deposit
   * stays locked that long after a close request. Default 604,800 (7 days); a longer one is
   * `HTTP_REQUIREMENTS_UNSUPPORTED` before anything is opened.
   */
  maxChallengePeriod?: number;
};

/** The default `limits.maxChallengePeriod`: 7 days. */
export const DEFAULT_MAX_CHALLENGE_PERIOD = 604_800;

/** Limits checked once, at `payingFetch()`. */
export type ResolvedLimits = {
  asset: Address;
  maxPrice: bigint;
  deposit: bigint;
  maxFunding: bigint;
  payees: ReadonlySet<string> | undefined;
  maxChallengePeriod: number;
};

/** Checks the app's limits (INVALID_PARAMETER for a bad one). */
export function resolveLimits(limits: PayingFetchLimits | undefined): ResolvedLimits {
  const resolved: ResolvedLimits = {
    asset: requireAddress("limits.asset", limits?.asset ?? ZeroAddress) as Address,
    maxPrice: requireBigInt("limits.maxPrice", limits?.maxPrice, 1n),
    deposit: requireBigInt("limits.deposit", limits?.deposit, 1n),
    maxFunding: requireBigInt("limits.maxFunding", limits?.maxFunding, 1n),
    payees:
      limits?.payees === undefined
        ? undefined
        : new Set(limits.payees.map((payee, i) => requireAddress(`limits.payees[${i}]`, payee).toLowerCase())),
    maxChallengePeriod: requireInteger(
      "limits.maxChallengePeriod",
      limits?.maxChallengePeriod ?? DEFAULT_MAX_CHALLENGE_PERIOD,
      3_600,
      2 ** 32 - 1,
    ),
  };
  if (resolved.deposit < resolved.maxPrice) {
    throw new InvalidParameterError({ parameter: "limits.deposit", value: resolved.deposit, reason: "below maxPrice" });
  }
  return resolved;
}

/** What payingFetch knows of itself: the chain, contract and payer it pays from. */
export type Identity = { chainId: bigint; network: string; contract: Address; payer: Address };

/** The entry of a 402 to pay: its price, payee and the challenge period a new channel gets. */
export type Chosen = { requirement: PaymentRequirement; price: bigint; payee: Address; minChallengePeriod: number };

/**
 * HP-C9: whether a 402 is PeerPay's at all. One whose requirements are unreadable, or offer no `peerpay-channel`
 * entry (another x402 scheme, an API's own 402), is not this client's to pay: payingFetch returns it untouched.
 */
export function offersPeerPay(required: PaymentRequired | undefined): boolean {
  const accepts: unknown = required?.accepts;
  return (
    Array.isArray(accepts) &&
    accepts.some(
      (a) => typeof a === "object" && a !== null && (a as PaymentRequirement).scheme === PEERPAY_CHANNEL_SCHEME,
    )
  );
}

/**
 * The `peerpay-channel` entry the app's limits allow (HP-C1), or a typed error naming why none: no entry on the
 * payer's chain, contract and asset, or for an allowed payee, or within `maxChallengePeriod`
 * (`HTTP_REQUIREMENTS_UNSUPPORTED`), or a price above `maxPrice` (`HTTP_PRICE_ABOVE_LIMIT`).
 */
export function chooseRequirement(
  required: PaymentRequired,
  id: Identity,
  limits: ResolvedLimits,
  url: string,
): Chosen {
  // The 402 is the payee's text: anything unreadable in it is "no payment we support", never a bare TypeError.
  const ours = (required.accepts as unknown[]).filter(
    (a): a is PaymentRequirement =>
      typeof a === "object" &&
      a !== null &&
      (a as PaymentRequirement).scheme === PEERPAY_CHANNEL_SCHEME &&
      typeof (a as PaymentRequirement).payTo === "string" &&
      isAddress((a as PaymentRequirement).payTo) &&
      (a as PaymentRequirement).network === id.network &&
      typeof (a as PaymentRequirement).asset === "string" &&
      (a as PaymentRequirement).asset.toLowerCase() === limits.asset.toLowerCase() &&
      typeof (a as PaymentRequirement).extra?.contract === "string" &&
      (a as PaymentRequirement).extra.contract.toLowerCase() === id.contract.toLowerCase(),
  );
  const unsupported = (message: string, details: Record<string, unknown> = {}) =>
    new HttpPaymentError({ code: "HTTP_REQUIREMENTS_UNSUPPORTED", message, details: { url, ...details } });
  if (ours.length === 0) {
    throw unsupported(`No peerpay-channel payment in ${limits.asset} on ${id.network} at ${id.contract} in the 402`);
  }
  const allowed = ours.filter((a) => limits.payees === undefined || limits.payees.has(a.payTo.toLowerCase()));
  if (allowed.length === 0) {
    throw unsupported(`The 402's payee ${ours[0].payTo} is not in limits.payees`, { payTo: ours[0].payTo });
  }
  const requirement = allowed[0];
  const price = parseDecimal(requirement.amount);
  if (price === undefined || price === 0n)
    throw unsupported(`The 402's price ${String(requirement.amount)} is unreadable`);
  const minimum = requirement.extra?.minChallengePeriod ?? 0;
  if (!Number.isSafeInteger(minimum) || minimum < 0 || minimum > limits.maxChallengePeriod) {
    throw unsupported(`The payee's minChallengePeriod ${String(minimum)} is above ${limits.maxChallengePeriod}`, {
      minChallengePeriod: minimum,
      limit: limits.maxChallengePeriod,
    });
  }
  if (price > limits.maxPrice) {
    throw new HttpPaymentError({
      code: "HTTP_PRICE_ABOVE_LIMIT",
      message: `Price ${price} is above the limit ${limits.maxPrice}`,
      details: { url, price, limit: limits.maxPrice },
    });
  }
  return { requirement, price, payee: getAddress(requirement.payTo) as Address, minChallengePeriod: minimum };
}
