// The parameter and return types of CrowdfundingClient's methods.
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address, WriteParameters } from "../core/types";
import type { Outcome } from "../escrow/types";
import type { CrowdfundingEvent } from "./events";
import type { CampaignId } from "./types";

/**
 * How to reach a Crowdfunding deployment.
 *
 * @example
 * ```ts
 * const params: CrowdfundingClientParameters = { address: crowdfundingAddress, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type CrowdfundingClientParameters = {
  /** The Crowdfunding contract. */
  address: Address;
  /** An ethers Signer (with a provider) to sign and send, or a Provider to read, verify and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (the listings). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * What every sending method returns: the mined receipt and the Crowdfunding events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: CrowdfundingWriteReturnType = await crowdfunding.refund({ campaignId });
 * ```
 */
export type CrowdfundingWriteReturnType = { receipt: TransactionReceipt; events: CrowdfundingEvent[] };

/**
 * A new campaign's terms (docs/crowdfunding.md §2, the contract's `CampaignParams`), the creator being the client's
 * signer. Omitted: ETH, no cap, start now, minimum pledge 1, no fee, a direct claim (no milestones, and then every
 * escrow term must be omitted). Times are unix seconds; bps are basis points.
 *
 * @example
 * ```ts
 * const params: CreateCampaignParameters = { goal: parseEther("10"), deadline: now + 30 * 86_400, minPledge: parseEther("0.01") };
 * ```
 */
export type CreateCampaignParameters = {
  /** An ERC20, or omitted / `ZeroAddress` for ETH. */
  token?: Address;
  goal: bigint;
  cap?: bigint;
  start?: number | bigint;
  deadline: number | bigint;
  minPledge?: bigint;
  feeBps?: number;
  /** Omitted with a fee: the deployment's default recipient, copied at creation. */
  feeRecipient?: Address;
  /** 1…16 non-zero shares summing to 10,000: the pot goes into an escrow deal released milestone by milestone. */
  milestoneBps?: readonly number[];
  arbiter?: Address;
  /** Seconds from the claim to the escrow deal's deadline; above the 3-day release delay. */
  dealDuration?: number;
  disputeWindow?: number;
  defaultOutcome?: Outcome;
  fallbackBps?: number;
  arbiterFeeBps?: number;
};

/**
 * What `createCampaign` returns: the new id (from the `CampaignCreated` event), the receipt and the events.
 *
 * @example
 * ```ts
 * const { campaignId }: CreateCampaignReturnType = await crowdfunding.createCampaign({ goal, deadline });
 * ```
 */
export type CreateCampaignReturnType = CrowdfundingWriteReturnType & { campaignId: CampaignId };

/**
 * A pledge: the campaign and the amount (wei, or base units of the campaign's token). With `approve`, an ERC20
 * pledge first approves the contract for exactly `amount` when the allowance is short (never unlimited).
 *
 * @example
 * ```ts
 * const params: PledgeParameters = { campaignId, amount: 25_000_000n, approve: true };
 * ```
 */
export type PledgeParameters = WriteParameters & { campaignId: CampaignId; amount: bigint; approve?: boolean };

/**
 * What `pledge` returns: the approval's receipt when one was sent.
 *
 * @example
 * ```ts
 * const { approvalReceipt }: PledgeReturnType = await crowdfunding.pledge({ campaignId, amount, approve: true });
 * ```
 */
export type PledgeReturnType = CrowdfundingWriteReturnType & { approvalReceipt?: TransactionReceipt };

/**
 * A signed EIP-712 `Pledge` (CF-P7) with the deployment it was signed for: what a backer hands a relayer.
 *
 * @example
 * ```ts
 * const signed: SignedPledge = await backerClient.signPledge({ campaignId, amount: 50_000_000n });
 * await relayerClient.pledgeBySig({ pledge: signed });
 * ```
 */
export type SignedPledge = {
  chainId: bigint;
  contract: Address;
  campaignId: CampaignId;
  backer: Address;
  amount: bigint;
  nonce: bigint;
  /** Unix seconds, inclusive. */
  deadline: number;
  signature: string;
};

/**
 * `signPledge`: the campaign (ERC20 only), the amount, and optionally the signature's deadline (default the latest
 * block's time + `validFor`, one hour), the nonce (default the backer's current one) and the backer (default the
 * signer's address; a Safe through `SafeSigner` signs for the Safe).
 *
 * @example
 * ```ts
 * const params: SignPledgeParameters = { campaignId, amount: 50_000_000n, validFor: 86_400 };
 * ```
 */
export type SignPledgeParameters = {
  campaignId: CampaignId;
  amount: bigint;
  deadline?: number;
  validFor?: number;
  nonce?: bigint;
  backer?: Address;
};

/**
 * Whether a signed pledge would be accepted now, and if not the first reason: `CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT`,
 * `CROWDFUNDING_SIGNATURE_EXPIRED`, `CROWDFUNDING_PLEDGE_NONCE_USED` or `CROWDFUNDING_INVALID_SIGNATURE` (not the
 * backer's signature, by key or ERC-1271, or a nonce not current yet).
 *
 * @example
 * ```ts
 * const { valid, reason }: VerifyPledgeReturnType = await relayer.verifyPledge({ pledge: signed });
 * ```
 */
export type VerifyPledgeReturnType = {
  valid: boolean;
  reason?:
    | "CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT"
    | "CROWDFUNDING_SIGNATURE_EXPIRED"
    | "CROWDFUNDING_PLEDGE_NONCE_USED"
    | "CROWDFUNDING_INVALID_SIGNATURE";
};

/**
 * An EIP-2612 permit for `pledgeWithPermit`, as `signPermit` returns it split.
 *
 * @example
 * ```ts
 * const request = crowdfunding.buildPledgeWithPermit({ campaignId, amount, permit: { deadline, v, r, s } });
 * ```
 */
export type PledgePermit = { deadline: number | bigint; v: number; r: string; s: string };

/**
 * A backer's pledge in a campaign as `pledgeOf` reads it: the amount, what it took of escrow returns, and its votes.
 *
 * @example
 * ```ts
 * const { amount, approved, supportedDispute }: BackerPledge = await crowdfunding.pledgeOf({ campaignId, backer });
 * ```
 */
export type BackerPledge = {
  amount: bigint;
  /** Taken of what the escrow returned (CF-M5). */
  pulled: bigint;
  /** The milestone indices this backer approved. */
  approved: number[];
  supportedDispute: boolean;
};

/**
 * When a milestone becomes releasable (CF-M3): no majority yet, scheduled at `releaseAt`, or released.
 *
 * @example
 * ```ts
 * const time: ReleaseTime = await crowdfunding.releaseTimeOf({ campaignId, index: 0 });
 * if (time.status === "scheduled") console.log(new Date(time.releaseAt * 1000));
 * ```
 */
export type ReleaseTime =
  { status: "unscheduled" } | { status: "scheduled"; releaseAt: number } | { status: "released" };

/**
 * A milestone campaign's tallies: the pledge weight behind each milestone's approval and behind the dispute, and
 * what the escrow returned and backers pulled (CF-M3…M5).
 *
 * @example
 * ```ts
 * const { milestones, dispute, total }: CampaignTallies = await crowdfunding.tallies({ campaignId });
 * ```
 */
export type CampaignTallies = {
  total: bigint;
  milestones: bigint[];
  dispute: bigint;
  returned: bigint;
  returnedPulled: bigint;
};
