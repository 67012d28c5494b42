// The crowdfunding's vocabulary: branded campaign ids carrying their asset (CF-S2), the campaign states, the limits
// the contract enforces, and a campaign as the views return it.
import { ZeroAddress, getAddress, toBeHex } from "ethers";
import type { Address } from "../core/types";
import { CrowdfundingInputError } from "../errors/crowdfunding";
import { PeerPayErrorCode } from "../errors/codes";

declare const campaignIdBrand: unique symbol;

/**
 * A campaign id: `uint160(token) << 96 | sequence` (CF-S2), branded so that it is not mixed up with an amount or
 * another product's id. The asset is part of the id: read it with {@link campaignTokenOf}.
 *
 * @example
 * ```ts
 * const id: CampaignId = toCampaignId(1n); // the first ETH campaign of a deployment
 * ```
 */
export type CampaignId = bigint & { readonly [campaignIdBrand]: true };

const SEQUENCE_BITS = 96n;
const SEQUENCE_MASK = (1n << SEQUENCE_BITS) - 1n;

/**
 * Checks that `value` can be a campaign id (a uint256 with a non-zero sequence) and brands it.
 *
 * @throws {CrowdfundingInputError} `CROWDFUNDING_INVALID_CAMPAIGN_ID`.
 * @example
 * ```ts
 * const id = toCampaignId(BigInt(query.get("campaign")!));
 * ```
 */
export function toCampaignId(value: bigint | string | number): CampaignId {
  let id: bigint;
  try {
    id = BigInt(value);
  } catch {
    id = -1n;
  }
  if (id <= 0n || id >> 256n !== 0n || (id & SEQUENCE_MASK) === 0n) {
    throw new CrowdfundingInputError({
      code: PeerPayErrorCode.CROWDFUNDING_INVALID_CAMPAIGN_ID,
      message: `${String(value)} is not a campaign id`,
      details: { parameter: "campaignId", value: String(value) },
    });
  }
  return id as CampaignId;
}

/**
 * The asset of a campaign, read from its id (CF-S2): the ERC20's checksummed address, or `ZeroAddress` for ETH.
 *
 * @example
 * ```ts
 * const token = campaignTokenOf(id); // ZeroAddress for an ETH campaign
 * ```
 */
export function campaignTokenOf(campaignId: CampaignId): Address {
  const token = toCampaignId(campaignId) >> SEQUENCE_BITS;
  return token === 0n ? ZeroAddress : getAddress(toBeHex(token, 20));
}

/**
 * Whether a campaign collects ETH (its id's asset part is 0), read from the id alone.
 *
 * @example
 * ```ts
 * const value = isEthCampaign(id) ? amount : 0n;
 * ```
 */
export function isEthCampaign(campaignId: CampaignId): boolean {
  return toCampaignId(campaignId) >> SEQUENCE_BITS === 0n;
}

/**
 * A campaign's phase (docs/crowdfunding.md §3), as `stateOf` returns it.
 *
 * @example
 * ```ts
 * if ((await crowdfunding.state({ campaignId })) === CampaignState.Failed) await crowdfunding.refund({ campaignId });
 * ```
 */
export const CampaignState = {
  None: 0,
  Upcoming: 1,
  Running: 2,
  Succeeded: 3,
  Failed: 4,
  Claimed: 5,
  Cancelled: 6,
} as const;

/**
 * One of {@link CampaignState}'s values.
 *
 * @example
 * ```ts
 * const done: CampaignState[] = [CampaignState.Failed, CampaignState.Claimed, CampaignState.Cancelled];
 * ```
 */
export type CampaignState = (typeof CampaignState)[keyof typeof CampaignState];

/**
 * The bounds the contract enforces (docs/crowdfunding.md §2, §6), which the SDK checks before sending.
 *
 * @example
 * ```ts
 * const latest = now + CROWDFUNDING_LIMITS.maxDuration;
 * ```
 */
export const CROWDFUNDING_LIMITS = Object.freeze({
  /** Goal, cap and minimum pledge are below 2^96. */
  amountBound: 1n << 96n,
  /** Seconds: a deadline is at most this far after the creation's block. */
  maxDuration: 365 * 86_400,
  maxFeeBps: 1_000,
  maxMilestones: 16,
  /** A majority approval schedules a milestone's release this many seconds later (CF-M3). */
  releaseDelay: 3 * 86_400,
  /** The share of the total whose support opens a dispute (CF-M4). */
  disputeShareBps: 2_000,
});

/**
 * A campaign as the contract's `campaign(id)` view returns it, with the id and the state.
 *
 * @example
 * ```ts
 * const { goal, total, deadline, state }: Campaign = await crowdfunding.campaign({ campaignId });
 * ```
 */
export type Campaign = {
  campaignId: CampaignId;
  creator: Address;
  /** `ZeroAddress` for ETH. */
  token: Address;
  goal: bigint;
  /** 0: no cap. */
  cap: bigint;
  start: number;
  deadline: number;
  minPledge: bigint;
  feeBps: number;
  feeRecipient: Address;
  total: bigint;
  state: CampaignState;
  milestoneCount: number;
  arbiter: Address;
};
