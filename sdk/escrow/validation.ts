// The creation rules of docs/escrow.md §2, checked in the SDK so that a wrong deal fails before the wallet prompts,
// with the parameter named. The contract checks them again; these checks are a courtesy, not the security boundary.
import { ZeroAddress } from "ethers";
import { requireAddress, requireBigInt, requireInteger, requireThat } from "../internal/validate";
import type { Address } from "../core/types";
import { ESCROW_LIMITS, Outcome } from "./types";

/**
 * The terms a depositor chooses for a new deal. Omitted optional fields mean: ETH, no arbiter (and then no dispute
 * window or fees), one milestone of the whole amount, a random salt. `defaultOutcome` has no default on purpose: it
 * decides who gets the money if nobody acts.
 *
 * @example
 * ```ts
 * const terms: DealParameters = {
 *   beneficiary: seller,
 *   amount: parseEther("1"),
 *   deadline: now + 7 * 86_400,
 *   defaultOutcome: Outcome.Refund,
 *   arbiter,
 *   disputeWindow: 3 * 86_400,
 *   fallbackBps: 5_000,
 * };
 * ```
 */
export type DealParameters = {
  beneficiary: Address;
  /** Base units of `token` (wei for ETH). */
  amount: bigint;
  /** Unix seconds: the last second of the active period. */
  deadline: number | bigint;
  defaultOutcome: Outcome;
  /** ERC20 address; omitted or `ZeroAddress` for ETH. */
  token?: Address;
  /** Omitted or `ZeroAddress` for none. */
  arbiter?: Address;
  /** Seconds; required with an arbiter (1 hour to 365 days), must be 0 without. */
  disputeWindow?: number | bigint;
  fallbackBps?: number;
  arbiterFeeBps?: number;
  /** Up to 16 non-zero amounts summing to `amount`; empty or omitted for one milestone. */
  milestones?: readonly bigint[];
  /** 32-bit; random (and checked free) when omitted. */
  salt?: number;
};

/** {@link DealParameters} checked and with every default filled in. */
export type ValidDealParameters = Required<
  Omit<DealParameters, "deadline" | "disputeWindow" | "salt" | "milestones">
> & {
  deadline: number;
  milestones: bigint[];
  disputeWindow: number;
  salt: number | undefined;
};

/**
 * Checks new-deal terms against §2 as the contract would at time `now` (the latest block's timestamp), for a
 * deposit by `depositor` into `escrow`.
 */
export function validateDealParameters(
  params: DealParameters,
  context: { depositor: Address; escrow: Address; now: number },
): ValidDealParameters {
  const depositor = requireAddress("depositor", context.depositor);
  const escrow = requireAddress("escrow", context.escrow);
  const beneficiary = requireAddress("beneficiary", params.beneficiary);
  requireThat(beneficiary !== ZeroAddress, "beneficiary", beneficiary, "must not be the zero address");
  requireThat(beneficiary !== depositor, "beneficiary", beneficiary, "must not be the depositor");
  requireThat(beneficiary !== escrow, "beneficiary", beneficiary, "must not be the escrow");

  const arbiter = requireAddress("arbiter", params.arbiter ?? ZeroAddress);
  requireThat(arbiter !== depositor && arbiter !== beneficiary, "arbiter", arbiter, "must not be a party");
  const token = requireAddress("token", params.token ?? ZeroAddress);

  const amount = requireBigInt("amount", params.amount, 1n, ESCROW_LIMITS.amountBound);
  const deadline = requireInteger("deadline", params.deadline, 0, 2 ** 40 - 1);
  requireThat(deadline > context.now, "deadline", deadline, `must be after the latest block's time ${context.now}`);
  requireThat(
    deadline <= context.now + ESCROW_LIMITS.maxDuration,
    "deadline",
    deadline,
    `must be at most ${ESCROW_LIMITS.maxDuration}s after the latest block's time`,
  );
  const defaultOutcome = params.defaultOutcome;
  requireThat(
    defaultOutcome === Outcome.Release || defaultOutcome === Outcome.Refund,
    "defaultOutcome",
    defaultOutcome,
    "must be Outcome.Release or Outcome.Refund",
  );

  const arbiterTerms = validateArbiterTerms(params, arbiter !== ZeroAddress);
  const milestones = validateMilestones(params.milestones ?? [], amount);
  const salt =
    params.salt === undefined ? undefined : requireInteger("salt", params.salt, 0, ESCROW_LIMITS.saltBound - 1);
  return { beneficiary, arbiter, token, amount, deadline, defaultOutcome, ...arbiterTerms, milestones, salt };
}

function validateArbiterTerms(params: DealParameters, hasArbiter: boolean) {
  const disputeWindow = requireInteger("disputeWindow", params.disputeWindow ?? 0, 0, 2 ** 32 - 1);
  const fallbackBps = requireInteger("fallbackBps", params.fallbackBps ?? 0, 0, ESCROW_LIMITS.maxFallbackBps);
  const arbiterFeeBps = requireInteger("arbiterFeeBps", params.arbiterFeeBps ?? 0, 0, ESCROW_LIMITS.maxArbiterFeeBps);
  if (!hasArbiter) {
    // Without an arbiter nobody could ever rule or earn a fee: non-zero values would be dead terms.
    requireThat(disputeWindow === 0, "disputeWindow", disputeWindow, "must be 0 without an arbiter");
    requireThat(fallbackBps === 0, "fallbackBps", fallbackBps, "must be 0 without an arbiter");
    requireThat(arbiterFeeBps === 0, "arbiterFeeBps", arbiterFeeBps, "must be 0 without an arbiter");
  } else {
    requireThat(
      disputeWindow >= ESCROW_LIMITS.minDisputeWindow && disputeWindow <= ESCROW_LIMITS.maxDisputeWindow,
      "disputeWindow",
      disputeWindow,
      `must be between ${ESCROW_LIMITS.minDisputeWindow} and ${ESCROW_LIMITS.maxDisputeWindow} seconds with an arbiter`,
    );
  }
  return { disputeWindow, fallbackBps, arbiterFeeBps };
}

function validateMilestones(milestones: readonly bigint[], amount: bigint): bigint[] {
  requireThat(Array.isArray(milestones), "milestones", milestones, "must be an array of bigints");
  requireThat(
    milestones.length <= ESCROW_LIMITS.maxMilestones,
    "milestones",
    milestones,
    `must have at most ${ESCROW_LIMITS.maxMilestones} entries`,
  );
  const checked = milestones.map((value, i) => requireBigInt(`milestones[${i}]`, value, 1n, ESCROW_LIMITS.amountBound));
  if (checked.length > 0) {
    const sum = checked.reduce((total, value) => total + value, 0n);
    requireThat(sum === amount, "milestones", milestones, `must sum to the amount ${amount} (they sum to ${sum})`);
  }
  return checked;
}
