// The crowdfunding's errors (docs/crowdfunding.md, SDK rules CF-SDK-*): what the SDK refuses before sending (terms
// the contract would refuse, the wrong asset for an id, a signed pledge for another deployment or already used), the
// contract's revert families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ESCROW_REVERTS } from "./escrow";
import { ContractRevertError, SHARED_REVERTS, spec, type ContractErrorSpec } from "./revert";

/**
 * The SDK refused a crowdfunding action before anything was signed or sent (CF-SDK-3). The codes of conditions the
 * contract also checks are the contract's (`CROWDFUNDING_INVALID_GOAL`, `CROWDFUNDING_WRONG_ASSET`...), so a caller
 * switches on one code whoever found the fault (a relayed pledge `verifyPledge` refuses keeps its reason's code); `details.parameter` names the field and `details.reason` says why.
 * SDK-only codes: `CROWDFUNDING_INVALID_CAMPAIGN_ID` (not a campaign id of any deployment: zero sequence or above
 * 256 bits), `CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT` (a signed pledge for another chain or contract) and
 * `CROWDFUNDING_PLEDGE_NONCE_USED` (a signed pledge whose nonce the backer has used or cancelled: a replay).
 *
 * @example
 * ```ts
 * try {
 *   await crowdfunding.createCampaign({ goal: 0n, deadline });
 * } catch (err) {
 *   if (err instanceof CrowdfundingInputError && err.code === "CROWDFUNDING_INVALID_GOAL") showField(err.details.parameter);
 * }
 * ```
 */
export class CrowdfundingInputError extends PeerPayError<
  | "CROWDFUNDING_INVALID_TOKEN"
  | "CROWDFUNDING_INVALID_GOAL"
  | "CROWDFUNDING_INVALID_TIMES"
  | "CROWDFUNDING_INVALID_MIN_PLEDGE"
  | "CROWDFUNDING_INVALID_FEE"
  | "CROWDFUNDING_INVALID_MILESTONES"
  | "CROWDFUNDING_INVALID_ARBITER"
  | "CROWDFUNDING_INVALID_DEAL_TERMS"
  | "CROWDFUNDING_WRONG_ASSET"
  | "CROWDFUNDING_ZERO_AMOUNT"
  | "CROWDFUNDING_SIGNATURE_EXPIRED"
  | "CROWDFUNDING_INVALID_SIGNATURE"
  | "CROWDFUNDING_INVALID_CAMPAIGN_ID"
  | "CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT"
  | "CROWDFUNDING_PLEDGE_NONCE_USED"
> {
  override name = "CrowdfundingInputError";
}

/**
 * The contract refused a campaign's terms at creation (CF-C1…C7): a token without code, a goal or cap out of range,
 * times out of bounds, a minimum pledge above the goal, a fee above 10% or without a recipient, milestone shares,
 * arbiter or escrow terms it refuses.
 *
 * @example
 * ```ts
 * if (err instanceof CrowdfundingCampaignError && err.code === "CROWDFUNDING_INVALID_TIMES") console.log(err.details.deadline);
 * ```
 */
export class CrowdfundingCampaignError extends ContractRevertError<
  | "CROWDFUNDING_INVALID_TOKEN"
  | "CROWDFUNDING_INVALID_GOAL"
  | "CROWDFUNDING_INVALID_TIMES"
  | "CROWDFUNDING_INVALID_MIN_PLEDGE"
  | "CROWDFUNDING_INVALID_FEE"
  | "CROWDFUNDING_INVALID_MILESTONES"
  | "CROWDFUNDING_INVALID_ARBITER"
  | "CROWDFUNDING_INVALID_DEAL_TERMS"
  | "CROWDFUNDING_INVALID_ESCROW"
> {
  override name = "CrowdfundingCampaignError";
}

/**
 * The contract refused a pledge or a withdrawal of one (CF-P*), or a refund (CF-R1): the wrong function for the
 * id's asset, a zero amount, below the minimum, above the cap, more than pledged, nothing to refund, a token that
 * delivered less than the amount, an expired or invalid relayed signature, ETH from anyone but the Escrow.
 *
 * @example
 * ```ts
 * if (err instanceof CrowdfundingPledgeError && err.code === "CROWDFUNDING_CAP_EXCEEDED") console.log(err.details.cap);
 * ```
 */
export class CrowdfundingPledgeError extends ContractRevertError<
  | "CROWDFUNDING_WRONG_ASSET"
  | "CROWDFUNDING_ZERO_AMOUNT"
  | "CROWDFUNDING_BELOW_MINIMUM"
  | "CROWDFUNDING_CAP_EXCEEDED"
  | "CROWDFUNDING_AMOUNT_EXCEEDS_PLEDGE"
  | "CROWDFUNDING_NOTHING_TO_REFUND"
  | "CROWDFUNDING_TRANSFER_MISMATCH"
  | "CROWDFUNDING_SIGNATURE_EXPIRED"
  | "CROWDFUNDING_INVALID_SIGNATURE"
  | "CROWDFUNDING_UNEXPECTED_ETH"
> {
  override name = "CrowdfundingPledgeError";
}

/**
 * The campaign is not in a state that allows the action (CF-C4, CF-O2, the table of §3), the caller may not do it,
 * or a milestone action was refused (CF-M3…M7): no campaign, wrong state, not the creator, no milestones, an index
 * out of range, a second vote, not a backer, nothing returned, no arbiter, a release not ready yet, already released,
 * a dispute open, or a release that the escrow deal's deadline would overtake.
 *
 * @example
 * ```ts
 * if (err instanceof CrowdfundingStateError && err.code === "CROWDFUNDING_RELEASE_NOT_READY") retryAt(err.details.releaseAt);
 * ```
 */
export class CrowdfundingStateError extends ContractRevertError<
  | "CROWDFUNDING_NOT_FOUND"
  | "CROWDFUNDING_WRONG_STATE"
  | "CROWDFUNDING_UNAUTHORIZED"
  | "CROWDFUNDING_NO_MILESTONES"
  | "CROWDFUNDING_MILESTONE_OUT_OF_RANGE"
  | "CROWDFUNDING_ALREADY_VOTED"
  | "CROWDFUNDING_NOT_BACKER"
  | "CROWDFUNDING_NOTHING_RETURNED"
  | "CROWDFUNDING_NO_ARBITER"
  | "CROWDFUNDING_RELEASE_NOT_READY"
  | "CROWDFUNDING_ALREADY_RELEASED"
  | "CROWDFUNDING_DISPUTE_OPEN"
  | "CROWDFUNDING_RELEASE_TOO_LATE"
> {
  override name = "CrowdfundingStateError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;
const STATES = ["None", "Upcoming", "Running", "Succeeded", "Failed", "Claimed", "Cancelled"];

/**
 * Every custom error a call to the Crowdfunding contract can revert with, by Solidity name: its own, then the
 * Escrow's (a milestone claim, release or dispute calls the Escrow, whose reverts bubble), OpenZeppelin's and
 * PullPayments'.
 */
export const CROWDFUNDING_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  ...ESCROW_REVERTS,
  ...SHARED_REVERTS,
  CrowdfundingInvalidToken: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_TOKEN,
    (a) => `Token ${a.token} has no code`,
  ),
  CrowdfundingInvalidGoal: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_GOAL,
    (a) => `Goal ${a.goal} or cap ${a.cap} out of range`,
  ),
  CrowdfundingInvalidTimes: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_TIMES,
    (a) => `Start ${a.start} and deadline ${a.deadline} out of bounds`,
  ),
  CrowdfundingInvalidMinPledge: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_MIN_PLEDGE,
    (a) => `Minimum pledge ${a.minPledge} above the goal`,
  ),
  CrowdfundingInvalidFee: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_FEE,
    (a) => `Fee ${a.feeBps} bps with recipient ${a.feeRecipient} refused`,
  ),
  CrowdfundingInvalidMilestones: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_MILESTONES,
    () => "Milestone shares refused",
  ),
  CrowdfundingInvalidArbiter: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_ARBITER,
    (a) => `Arbiter ${a.arbiter} refused`,
  ),
  CrowdfundingInvalidDealTerms: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_DEAL_TERMS,
    () => "Escrow deal terms refused",
  ),
  CrowdfundingInvalidEscrow: spec(
    CrowdfundingCampaignError,
    C.CROWDFUNDING_INVALID_ESCROW,
    (a) => `Escrow ${a.escrow} refused`,
  ),
  CrowdfundingNotFound: spec(CrowdfundingStateError, C.CROWDFUNDING_NOT_FOUND, (a) => `No campaign ${a.campaignId}`),
  CrowdfundingWrongState: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_WRONG_STATE,
    (a) => `Campaign ${a.campaignId} is ${STATES[Number(a.state)] ?? String(a.state)}`,
  ),
  CrowdfundingUnauthorized: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_UNAUTHORIZED,
    (a) => `${a.caller} may not do this on campaign ${a.campaignId}`,
  ),
  CrowdfundingNoMilestones: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_NO_MILESTONES,
    (a) => `Campaign ${a.campaignId} has no milestones`,
  ),
  CrowdfundingMilestoneOutOfRange: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_MILESTONE_OUT_OF_RANGE,
    (a) => `Milestone ${a.index} of ${a.count}`,
  ),
  CrowdfundingAlreadyVoted: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_ALREADY_VOTED,
    (a) => `${a.backer} already voted on campaign ${a.campaignId}`,
  ),
  CrowdfundingNotBacker: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_NOT_BACKER,
    (a) => `${a.backer} has no pledge in campaign ${a.campaignId}`,
  ),
  CrowdfundingNothingReturned: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_NOTHING_RETURNED,
    (a) => `Nothing returned to pull for ${a.backer} in campaign ${a.campaignId}`,
  ),
  CrowdfundingNoArbiter: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_NO_ARBITER,
    (a) => `Campaign ${a.campaignId} has no arbiter`,
  ),
  CrowdfundingReleaseNotReady: spec(CrowdfundingStateError, C.CROWDFUNDING_RELEASE_NOT_READY, (a) =>
    a.releaseAt === 0n
      ? `Milestone ${a.index} has no majority approval yet`
      : `Milestone ${a.index} is releasable from ${a.releaseAt}`,
  ),
  CrowdfundingAlreadyReleased: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_ALREADY_RELEASED,
    (a) => `Milestone ${a.index} of campaign ${a.campaignId} is released`,
  ),
  CrowdfundingDisputeOpen: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_DISPUTE_OPEN,
    (a) => `Campaign ${a.campaignId} has an open dispute`,
  ),
  CrowdfundingReleaseTooLate: spec(
    CrowdfundingStateError,
    C.CROWDFUNDING_RELEASE_TOO_LATE,
    (a) => `Milestone ${a.index} could not be released before the deal's deadline ${a.dealDeadline}`,
  ),
  CrowdfundingWrongAsset: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_WRONG_ASSET,
    (a) => `Wrong function for the asset of campaign ${a.campaignId}`,
  ),
  CrowdfundingZeroAmount: spec(CrowdfundingPledgeError, C.CROWDFUNDING_ZERO_AMOUNT, () => "Amount is zero"),
  CrowdfundingBelowMinimum: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_BELOW_MINIMUM,
    (a) => `Pledge ${a.pledge} below the minimum ${a.minPledge}`,
  ),
  CrowdfundingCapExceeded: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_CAP_EXCEEDED,
    (a) => `Total ${a.total} above the cap ${a.cap}`,
  ),
  CrowdfundingAmountExceedsPledge: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_AMOUNT_EXCEEDS_PLEDGE,
    (a) => `Amount ${a.amount} above the pledge ${a.pledge}`,
  ),
  CrowdfundingNothingToRefund: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_NOTHING_TO_REFUND,
    (a) => `${a.backer} has nothing to refund in campaign ${a.campaignId}`,
  ),
  CrowdfundingTransferMismatch: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_TRANSFER_MISMATCH,
    (a) => `Received ${a.received}, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  CrowdfundingSignatureExpired: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_SIGNATURE_EXPIRED,
    (a) => `The signed pledge expired at ${a.deadline}`,
  ),
  CrowdfundingInvalidSignature: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_INVALID_SIGNATURE,
    (a) => `Not a valid pledge signature of ${a.backer} (wrong signer, nonce used, or another campaign)`,
  ),
  CrowdfundingUnexpectedEth: spec(
    CrowdfundingPledgeError,
    C.CROWDFUNDING_UNEXPECTED_ETH,
    (a) => `ETH from ${a.sender} refused: pledge through pledge()`,
  ),
};
