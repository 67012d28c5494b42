// The creation rules CF-C1…C7 (docs/crowdfunding.md §2) checked in the SDK (CF-SDK-3), so that a campaign the
// contract would refuse fails before the wallet prompts, with the contract's code and the parameter named. The
// contract checks them again; these checks are a courtesy, not the security boundary.
import { ZeroAddress } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { CrowdfundingInputError } from "../errors/crowdfunding";
import { Outcome } from "../escrow/types";
import { validateDealParameters } from "../escrow/validation";
import { requireAddress, requireBigInt } from "../internal/validate";
import type { CreateCampaignParameters } from "./parameters";
import { CROWDFUNDING_LIMITS as LIMITS, isEthCampaign, toCampaignId, type CampaignId } from "./types";

type InputCode = CrowdfundingInputError["code"];

/** A CrowdfundingInputError naming the parameter and the rule it breaks. */
export function inputError(code: InputCode, parameter: string, value: unknown, reason: string): CrowdfundingInputError {
  return new CrowdfundingInputError({
    code,
    message: `Invalid ${parameter}: ${reason}`,
    details: { parameter, value, reason },
  });
}

function check(condition: boolean, code: InputCode, parameter: string, value: unknown, reason: string): void {
  if (!condition) throw inputError(code, parameter, value, reason);
}

/** A bigint or a safe integer, as a bigint; anything else is refused with `code`. */
function toBig(code: InputCode, parameter: string, value: unknown, fallback: bigint): bigint {
  if (value === undefined) return fallback;
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  throw inputError(code, parameter, value, "must be a bigint or a safe integer");
}

function address(code: InputCode, parameter: string, value: unknown): Address {
  try {
    return requireAddress(parameter, value ?? ZeroAddress);
  } catch {
    throw inputError(code, parameter, value, "not an address");
  }
}

/** The campaign terms as the contract's `CampaignParams` struct takes them, every default filled in. */
export type CampaignParamsTuple = {
  token: Address;
  goal: bigint;
  cap: bigint;
  start: bigint;
  deadline: bigint;
  minPledge: bigint;
  feeBps: bigint;
  feeRecipient: Address;
  milestoneBps: bigint[];
  arbiter: Address;
  dealDuration: bigint;
  disputeWindow: bigint;
  defaultOutcome: bigint;
  fallbackBps: bigint;
  arbiterFeeBps: bigint;
};

/** What the checks need from the chain: its clock, the creator, the deployment, its Escrow and default fee recipient. */
export type CampaignCheckContext = {
  now: number;
  creator: Address;
  contract: Address;
  escrow: Address;
  defaultFeeRecipient: Address;
};

/**
 * Checks new-campaign terms against CF-C2…C7 as the contract would at time `now` (CF-C1, the token's code, needs the
 * chain and is checked by the caller), and returns them as the contract's struct.
 *
 * @throws {CrowdfundingInputError} the contract's code for the rule broken (`CROWDFUNDING_INVALID_GOAL`...).
 */
export function validateCampaignParameters(
  params: CreateCampaignParameters,
  context: CampaignCheckContext,
): CampaignParamsTuple {
  const C = PeerPayErrorCode;
  const token = address(C.CROWDFUNDING_INVALID_TOKEN, "token", params.token);
  // CF-C2
  const goal = toBig(C.CROWDFUNDING_INVALID_GOAL, "goal", params.goal, 0n);
  check(goal > 0n && goal < LIMITS.amountBound, C.CROWDFUNDING_INVALID_GOAL, "goal", goal, "must be in (0, 2^96)");
  const cap = toBig(C.CROWDFUNDING_INVALID_GOAL, "cap", params.cap, 0n);
  check(
    cap === 0n || (cap >= goal && cap < LIMITS.amountBound),
    C.CROWDFUNDING_INVALID_GOAL,
    "cap",
    cap,
    "must be 0 (none) or in [goal, 2^96)",
  );
  // CF-C3: a start of 0 or in the past means now.
  const start = toBig(C.CROWDFUNDING_INVALID_TIMES, "start", params.start, 0n);
  const deadline = toBig(C.CROWDFUNDING_INVALID_TIMES, "deadline", params.deadline, 0n);
  const now = BigInt(context.now);
  const effectiveStart = start < now ? now : start;
  check(start >= 0n, C.CROWDFUNDING_INVALID_TIMES, "start", start, "must not be negative");
  check(deadline > effectiveStart, C.CROWDFUNDING_INVALID_TIMES, "deadline", deadline, "must be after the start");
  check(
    deadline <= now + BigInt(LIMITS.maxDuration),
    C.CROWDFUNDING_INVALID_TIMES,
    "deadline",
    deadline,
    `must be at most ${LIMITS.maxDuration} s after the latest block's time ${now}`,
  );
  // CF-C7
  const minPledge = toBig(C.CROWDFUNDING_INVALID_MIN_PLEDGE, "minPledge", params.minPledge, 0n);
  check(
    minPledge >= 0n && minPledge <= goal,
    C.CROWDFUNDING_INVALID_MIN_PLEDGE,
    "minPledge",
    minPledge,
    "must be in [0, goal]",
  );
  // CF-C5
  const feeBps = toBig(C.CROWDFUNDING_INVALID_FEE, "feeBps", params.feeBps, 0n);
  const feeRecipient = address(C.CROWDFUNDING_INVALID_FEE, "feeRecipient", params.feeRecipient);
  if (feeBps === 0n) {
    check(
      feeRecipient === ZeroAddress,
      C.CROWDFUNDING_INVALID_FEE,
      "feeRecipient",
      feeRecipient,
      "no fee, no recipient",
    );
  } else {
    const recipient = feeRecipient === ZeroAddress ? context.defaultFeeRecipient : feeRecipient;
    check(
      feeBps > 0n && feeBps <= BigInt(LIMITS.maxFeeBps),
      C.CROWDFUNDING_INVALID_FEE,
      "feeBps",
      feeBps,
      `must be in [0, ${LIMITS.maxFeeBps}]`,
    );
    check(
      recipient !== ZeroAddress && recipient !== context.contract,
      C.CROWDFUNDING_INVALID_FEE,
      "feeRecipient",
      feeRecipient,
      "a fee needs a recipient (named, or the deployment's default), never the contract itself",
    );
  }
  const terms = {
    token,
    goal,
    cap,
    start,
    deadline,
    minPledge,
    feeBps,
    feeRecipient,
    ...validateMilestoneTerms(params, { ...context, goal, feeBps, token }),
  };
  return terms;
}

/** CF-C6: the milestone shares, the arbiter and the escrow deal's terms (all zero for a direct campaign). */
function validateMilestoneTerms(
  params: CreateCampaignParameters,
  context: CampaignCheckContext & { goal: bigint; feeBps: bigint; token: Address },
) {
  const C = PeerPayErrorCode;
  const shares = (params.milestoneBps ?? []).map((share, i) =>
    toBig(C.CROWDFUNDING_INVALID_MILESTONES, `milestoneBps[${i}]`, share, 0n),
  );
  const arbiter = address(C.CROWDFUNDING_INVALID_ARBITER, "arbiter", params.arbiter);
  const dealDuration = toBig(C.CROWDFUNDING_INVALID_DEAL_TERMS, "dealDuration", params.dealDuration, 0n);
  const disputeWindow = toBig(C.CROWDFUNDING_INVALID_DEAL_TERMS, "disputeWindow", params.disputeWindow, 0n);
  const defaultOutcome = toBig(C.CROWDFUNDING_INVALID_DEAL_TERMS, "defaultOutcome", params.defaultOutcome, 0n);
  const fallbackBps = toBig(C.CROWDFUNDING_INVALID_DEAL_TERMS, "fallbackBps", params.fallbackBps, 0n);
  const arbiterFeeBps = toBig(C.CROWDFUNDING_INVALID_DEAL_TERMS, "arbiterFeeBps", params.arbiterFeeBps, 0n);
  const terms = {
    milestoneBps: shares,
    arbiter,
    dealDuration,
    disputeWindow,
    defaultOutcome,
    fallbackBps,
    arbiterFeeBps,
  };
  if (shares.length === 0) {
    const dead =
      arbiter !== ZeroAddress ||
      [dealDuration, disputeWindow, defaultOutcome, fallbackBps, arbiterFeeBps].some(Boolean);
    check(!dead, C.CROWDFUNDING_INVALID_DEAL_TERMS, "milestoneBps", [], "escrow terms need milestones");
    return terms;
  }
  // The smallest pot a success hands to the escrow: each milestone of it must be at least one unit.
  const goalNet = context.goal - (context.goal * context.feeBps) / 10_000n;
  check(
    shares.length <= LIMITS.maxMilestones,
    C.CROWDFUNDING_INVALID_MILESTONES,
    "milestoneBps",
    shares,
    `at most ${LIMITS.maxMilestones} shares`,
  );
  shares.forEach((share, i) =>
    check(
      share > 0n && goalNet * share >= 10_000n,
      C.CROWDFUNDING_INVALID_MILESTONES,
      `milestoneBps[${i}]`,
      share,
      "must be non-zero and worth at least one unit of the smallest pot (goal - fee)",
    ),
  );
  const sum = shares.reduce((a, b) => a + b, 0n);
  check(sum === 10_000n, C.CROWDFUNDING_INVALID_MILESTONES, "milestoneBps", shares, `sum to ${sum}, not 10,000`);
  check(
    ![context.creator, context.contract, context.escrow].includes(arbiter),
    C.CROWDFUNDING_INVALID_ARBITER,
    "arbiter",
    arbiter,
    "must not be the creator, the Crowdfunding contract or the Escrow",
  );
  check(
    dealDuration > BigInt(LIMITS.releaseDelay) && dealDuration < 1n << 32n,
    C.CROWDFUNDING_INVALID_DEAL_TERMS,
    "dealDuration",
    dealDuration,
    `must be above the release delay (${LIMITS.releaseDelay} s) and fit 32 bits`,
  );
  check(
    defaultOutcome === BigInt(Outcome.Release) || defaultOutcome === BigInt(Outcome.Refund),
    C.CROWDFUNDING_INVALID_DEAL_TERMS,
    "defaultOutcome",
    defaultOutcome,
    "must be Outcome.Release or Outcome.Refund",
  );
  // The Escrow's own checks (docs/escrow.md §2) on the deal the claim would create now with the smallest pot.
  const milestones = shares.map((share) => (goalNet * share) / 10_000n);
  milestones[milestones.length - 1] += goalNet - milestones.reduce((a, b) => a + b, 0n);
  try {
    validateDealParameters(
      {
        beneficiary: context.creator,
        amount: goalNet,
        deadline: context.now + Number(dealDuration),
        defaultOutcome: Number(defaultOutcome) as Outcome,
        token: context.token,
        arbiter,
        disputeWindow: disputeWindow,
        fallbackBps: Number(fallbackBps),
        arbiterFeeBps: Number(arbiterFeeBps),
        milestones: milestones.length > 1 ? milestones : [],
      },
      { depositor: context.contract, escrow: context.escrow, now: context.now },
    );
  } catch (error) {
    if (!(error instanceof InvalidParameterError)) throw error;
    const { parameter, reason } = error.details as { parameter: string; reason: string };
    throw inputError(C.CROWDFUNDING_INVALID_DEAL_TERMS, parameter, error.details.value, `escrow: ${reason}`);
  }
  return terms;
}

/** A campaign id checked and branded; `asset` also requires ETH or an ERC20 campaign (CF-P4). */
export function requireCampaignId(value: unknown, asset?: "eth" | "token"): CampaignId {
  const id = toCampaignId(value as bigint);
  if (asset !== undefined && isEthCampaign(id) !== (asset === "eth")) {
    throw inputError(
      PeerPayErrorCode.CROWDFUNDING_WRONG_ASSET,
      "campaignId",
      id,
      asset === "eth" ? "an ERC20 campaign: pledge its token" : "an ETH campaign: pledge ETH",
    );
  }
  return id;
}

/** A positive amount (CF-P2): a bigint (else InvalidParameterError), non-zero (else `CROWDFUNDING_ZERO_AMOUNT`). */
export function requireAmount(value: unknown, parameter = "amount"): bigint {
  const amount = requireBigInt(parameter, value, 0n);
  check(amount > 0n, PeerPayErrorCode.CROWDFUNDING_ZERO_AMOUNT, parameter, amount, "must be positive");
  return amount;
}
