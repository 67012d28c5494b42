import type { ContractRunner } from "ethers";
import type { ICrowdfunding } from "../../typechain-types/contracts/interfaces/ICrowdfunding";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import type { Deal, DealId } from "../escrow/types";
import type { ScanRangeParameters } from "../internal/scan";
import { decodeCrowdfundingError } from "./abi";
import * as A from "./actions";
import { chainTime, createCrowdfundingContext, send, type CrowdfundingContext } from "./context";
import * as D from "./discovery";
import type * as P from "./parameters";
import * as R from "./reads";
import type { Campaign, CampaignId, CampaignState } from "./types";

type Id = { campaignId: CampaignId };
type Milestone = Id & { index: number };
type Write = P.CrowdfundingWriteReturnType;

/**
 * A client of the all-or-nothing crowdfunding (docs/crowdfunding.md, SDK rules CF-SDK-*): create a campaign (terms
 * checked before sending, id read from the event), cancel it, pledge ETH or the campaign's token (the asset is read
 * from the id; approve-if-short, or a permit in the same transaction), sign a pledge for a relayer (any ethers Signer:
 * a key, a browser wallet, a Safe through `SafeSigner`), verify and submit one, cancel a nonce, withdraw a pledge,
 * refund one or many, claim, and follow a milestone campaign (approve, release once scheduled, support a dispute, pull
 * returns). Views are typed; `campaignsOf`, `backingsOf` and `arbiterCampaigns` list from events. Every action also
 * exists as `buildX`, returning `{ to, data, value }` without sending. Reverts decode to typed errors.
 *
 * @example
 * ```ts
 * const creator = await CrowdfundingClient.connect({ runner: creatorWallet, addressBook });
 * const { campaignId } = await creator.createCampaign({ goal: parseEther("10"), deadline: now + 30 * 86_400 });
 * const backer = new CrowdfundingClient({ address: creator.address, runner: backerWallet });
 * await backer.pledge({ campaignId, amount: parseEther("1") });
 * // after the deadline: creator.claim({ campaignId }) if it succeeded, backer.refund({ campaignId }) if not
 * ```
 */
export class CrowdfundingClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: ICrowdfunding;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly #context: CrowdfundingContext;

  constructor(params: P.CrowdfundingClientParameters) {
    this.#context = createCrowdfundingContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
  }

  /**
   * A client for the Crowdfunding deployment on the runner's chain found in the address book (the bundled book, with
   * `addressBook`'s entries added or replacing), or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const crowdfunding = await CrowdfundingClient.connect({ runner: wallet, addressBook });
   * ```
   */
  static async connect(params: ConnectParameters<P.CrowdfundingClientParameters>): Promise<CrowdfundingClient> {
    return new CrowdfundingClient(await connectParameters("Crowdfunding", params, decodeCrowdfundingError));
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await crowdfunding.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  /** The latest block's timestamp, the clock deadlines are judged by. @example `const now = await crowdfunding.chainTime();` */
  chainTime(): Promise<number> {
    return chainTime(this.#context);
  }

  // ---------------------------------------------------------------- creation

  /**
   * The `createCampaign` transaction for `creator` (default: the signer), its terms checked as the contract would
   * check them at the latest block (CF-C1…C7).
   *
   * @throws {CrowdfundingInputError} the contract's code for the rule broken, e.g. `CROWDFUNDING_INVALID_TIMES`.
   * @example
   * ```ts
   * const request = await crowdfunding.buildCreateCampaign({ creator: safe, goal, deadline });
   * ```
   */
  buildCreateCampaign(params: P.CreateCampaignParameters & { creator?: Address }): Promise<PreparedTransaction> {
    return A.buildCreateCampaign(this.#context, params);
  }

  /**
   * Creates a campaign from the signer and returns its id from the `CampaignCreated` event.
   *
   * @throws {CrowdfundingInputError} terms the contract would refuse (nothing is sent).
   * @example
   * ```ts
   * const { campaignId } = await crowdfunding.createCampaign({ token: usdc, goal: 10_000_000_000n, deadline });
   * ```
   */
  createCampaign(params: P.CreateCampaignParameters & WriteParameters): Promise<P.CreateCampaignReturnType> {
    return A.createCampaign(this.#context, params);
  }

  /** The `cancel` call. @example `const request = crowdfunding.buildCancel({ campaignId });` */
  buildCancel(params: Id): PreparedTransaction {
    return A.buildIdCall(this.#context, "cancel", params);
  }

  /** The creator cancels a campaign with no pledge, before its deadline (CF-C4). @example `await crowdfunding.cancel({ campaignId });` */
  async cancel(params: Id & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildCancel(params), params.overrides);
  }

  // ---------------------------------------------------------------- pledging

  /** `pledge` (ETH, by value) or `pledgeToken` (ERC20), chosen from the id (CF-S2). @example `const request = crowdfunding.buildPledge({ campaignId, amount });` */
  buildPledge(params: Id & { amount: bigint }): PreparedTransaction {
    return A.buildPledge(this.#context, params);
  }

  /** The token's `approve(crowdfunding, amount)` for an ERC20 campaign. @example `const request = crowdfunding.buildApprove({ campaignId, amount });` */
  buildApprove(params: Id & { amount: bigint }): PreparedTransaction {
    return A.buildApprove(this.#context, params);
  }

  /** Approves exactly `amount` of the campaign's token when the signer's allowance is short. @example `await crowdfunding.approve({ campaignId, amount });` */
  async approve(params: Id & { amount: bigint }) {
    return A.approveIfShort(this.#context, { ...params, owner: await this.#context.tx.signerAddress() });
  }

  /**
   * Pledges from the signer (ETH or the campaign's token, from the id); with `approve`, an exact approval first when
   * the allowance is short.
   *
   * @throws {CrowdfundingPledgeError} e.g. `CROWDFUNDING_BELOW_MINIMUM`, `CROWDFUNDING_CAP_EXCEEDED` (nothing sent).
   * @example
   * ```ts
   * await crowdfunding.pledge({ campaignId, amount: 25_000_000n, approve: true });
   * ```
   */
  pledge(params: P.PledgeParameters): Promise<P.PledgeReturnType> {
    return A.pledge(this.#context, params);
  }

  /** `pledgeWithPermit` with a signed permit. @example `const request = crowdfunding.buildPledgeWithPermit({ campaignId, amount, permit });` */
  buildPledgeWithPermit(params: Id & { amount: bigint; permit: P.PledgePermit }): PreparedTransaction {
    return A.buildPledgeWithPermit(this.#context, params);
  }

  /**
   * Signs an EIP-2612 permit for exactly `amount` (valid one hour unless `permitDeadline`), then pledges: one
   * transaction, no standing allowance.
   *
   * @throws {PermitError} the token has no usable permit.
   * @example
   * ```ts
   * await crowdfunding.pledgeWithPermit({ campaignId, amount: 25_000_000n });
   * ```
   */
  pledgeWithPermit(params: Id & { amount: bigint; permitDeadline?: number } & WriteParameters): Promise<Write> {
    return A.pledgeWithPermit(this.#context, params);
  }

  /**
   * Signs an EIP-712 `Pledge` (CF-P7) with the signer for its address (a Safe through `SafeSigner`: for the Safe),
   * for the backer's current nonce: one signature pledges once, and a backer has one valid signed pledge at a time.
   *
   * @throws {TransactionError} `USER_REJECTED`: the user declined the prompt.
   * @example
   * ```ts
   * const signed = await backer.signPledge({ campaignId, amount: 50_000_000n, validFor: 86_400 });
   * ```
   */
  signPledge(params: P.SignPledgeParameters): Promise<P.SignedPledge> {
    return R.signPledge(this.#context, params);
  }

  /** Whether the contract would accept a signed pledge now, and if not why. @example `const { valid, reason } = await relayer.verifyPledge({ pledge: signed });` */
  verifyPledge(params: { pledge: P.SignedPledge }): Promise<P.VerifyPledgeReturnType> {
    return R.verifyPledge(this.#context, params);
  }

  /** The `pledgeBySig` call (checked against this deployment). @example `const request = await relayer.buildPledgeBySig({ pledge: signed });` */
  buildPledgeBySig(params: { pledge: P.SignedPledge }): Promise<PreparedTransaction> {
    return A.buildPledgeBySig(this.#context, params);
  }

  /**
   * Submits a backer's signed pledge from the signer (the relayer pays the gas; the tokens come from the backer's
   * allowance), after {@link CrowdfundingClient.verifyPledge}.
   *
   * @throws {CrowdfundingInputError} `CROWDFUNDING_PLEDGE_NONCE_USED` (a replay), `..._SIGNATURE_EXPIRED`, `..._INVALID_SIGNATURE`, `..._PLEDGE_WRONG_DEPLOYMENT`.
   * @example
   * ```ts
   * await relayer.pledgeBySig({ pledge: signed });
   * ```
   */
  pledgeBySig(params: { pledge: P.SignedPledge } & WriteParameters): Promise<Write> {
    return R.pledgeBySig(this.#context, params);
  }

  /** The `cancelNonce` call. @example `const request = crowdfunding.buildCancelNonce();` */
  buildCancelNonce(): PreparedTransaction {
    return { to: this.address, data: this.contract.interface.encodeFunctionData("cancelNonce"), value: 0n };
  }

  /** Kills every pledge the signer signed for its current nonce (CF-P8). @example `await crowdfunding.cancelNonce({});` */
  async cancelNonce(params: WriteParameters = {}): Promise<Write> {
    return send(this.#context, this.buildCancelNonce(), params.overrides);
  }

  /** The `unpledge` call. @example `const request = crowdfunding.buildUnpledge({ campaignId, amount });` */
  buildUnpledge(params: Id & { amount: bigint }): PreparedTransaction {
    return A.buildUnpledge(this.#context, params);
  }

  /** Takes back part or all of the signer's pledge while the campaign runs (CF-P9). @example `await crowdfunding.unpledge({ campaignId, amount });` */
  async unpledge(params: Id & { amount: bigint } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildUnpledge(params), params.overrides);
  }

  // ---------------------------------------------------------------- outcome

  /** The `refund` call. @example `const request = crowdfunding.buildRefund({ campaignId });` */
  buildRefund(params: Id): PreparedTransaction {
    return A.buildIdCall(this.#context, "refund", params);
  }

  /** A failed campaign: the signer's whole pledge back (CF-R1). @example `await crowdfunding.refund({ campaignId });` */
  async refund(params: Id & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildRefund(params), params.overrides);
  }

  /** The `refundMany` call. @example `const request = crowdfunding.buildRefundMany({ campaignId, backers });` */
  buildRefundMany(params: Id & { backers: readonly Address[] }): PreparedTransaction {
    return A.buildRefundMany(this.#context, params);
  }

  /**
   * A failed campaign: pushes the listed backers' pledges back (CF-R2); a backer who refuses the push is credited
   * (`PaymentCredited` in the events), one without a pledge skipped. Anyone may send it.
   *
   * @example
   * ```ts
   * const { backings } = await crowdfunding.backingsOf({ backer }); // or the backers from Pledged events
   * await crowdfunding.refundMany({ campaignId, backers: [alice, bob] });
   * ```
   */
  async refundMany(params: Id & { backers: readonly Address[] } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildRefundMany(params), params.overrides);
  }

  /** The `claim` call. @example `const request = crowdfunding.buildClaim({ campaignId });` */
  buildClaim(params: Id): PreparedTransaction {
    return A.buildIdCall(this.#context, "claim", params);
  }

  /** A succeeded campaign: the pot to the creator, or into its escrow deal with milestones (CF-O2). @example `await crowdfunding.claim({ campaignId });` */
  async claim(params: Id & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildClaim(params), params.overrides);
  }

  // ---------------------------------------------------------------- milestones

  /** The `approveMilestone` call. @example `const request = crowdfunding.buildApproveMilestone({ campaignId, index: 0 });` */
  buildApproveMilestone(params: Milestone): PreparedTransaction {
    return A.buildMilestoneCall(this.#context, "approveMilestone", params);
  }

  /** A backer approves milestone `index`; a majority schedules its release 3 days later (CF-M3). @example `await crowdfunding.approveMilestone({ campaignId, index: 0 });` */
  async approveMilestone(params: Milestone & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildApproveMilestone(params), params.overrides);
  }

  /** The `releaseMilestone` call. @example `const request = crowdfunding.buildReleaseMilestone({ campaignId, index: 0 });` */
  buildReleaseMilestone(params: Milestone): PreparedTransaction {
    return A.buildMilestoneCall(this.#context, "releaseMilestone", params);
  }

  /**
   * Releases a milestone whose release time has come (anyone), unless a dispute is open.
   *
   * @throws {CrowdfundingStateError} `CROWDFUNDING_RELEASE_NOT_READY` (with `details.releaseAt`), `..._ALREADY_RELEASED`, `..._DISPUTE_OPEN`.
   * @example
   * ```ts
   * const time = await crowdfunding.releaseTimeOf({ campaignId, index: 0 });
   * if (time.status === "scheduled" && time.releaseAt <= (await crowdfunding.chainTime())) await crowdfunding.releaseMilestone({ campaignId, index: 0 });
   * ```
   */
  async releaseMilestone(params: Milestone & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildReleaseMilestone(params), params.overrides);
  }

  /** The `supportDispute` call. @example `const request = crowdfunding.buildSupportDispute({ campaignId });` */
  buildSupportDispute(params: Id): PreparedTransaction {
    return A.buildIdCall(this.#context, "supportDispute", params);
  }

  /** A backer supports a dispute; 20% of the total opens it in the Escrow (CF-M4). @example `await crowdfunding.supportDispute({ campaignId });` */
  async supportDispute(params: Id & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildSupportDispute(params), params.overrides);
  }

  /** The `pullReturned` call. @example `const request = crowdfunding.buildPullReturned({ campaignId });` */
  buildPullReturned(params: Id): PreparedTransaction {
    return A.buildIdCall(this.#context, "pullReturned", params);
  }

  /** A backer takes its pro-rata share of what the escrow returned (CF-M5). @example `await crowdfunding.pullReturned({ campaignId });` */
  async pullReturned(params: Id & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildPullReturned(params), params.overrides);
  }

  /** The `withdrawEscrowCredit` call. @example `const request = crowdfunding.buildWithdrawEscrowCredit({ token });` */
  buildWithdrawEscrowCredit(params: { token?: Address }): PreparedTransaction {
    return A.buildWithdrawEscrowCredit(this.#context, params);
  }

  /** Brings the contract's credit in the Escrow home (CF-M7); anyone. @example `await crowdfunding.withdrawEscrowCredit({ token });` */
  async withdrawEscrowCredit(params: { token?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildWithdrawEscrowCredit(params), params.overrides);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = await crowdfunding.buildWithdraw({ to: me });` */
  buildWithdraw(params: { token?: Address; to?: Address }): Promise<PreparedTransaction> {
    return A.buildWithdraw(this.#context, params);
  }

  /** Withdraws the signer's credit (a refused push) to `to` (default itself); ETH unless `token`. @example `await crowdfunding.withdraw({ to: me });` */
  async withdraw(params: { token?: Address; to?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildWithdraw(params), params.overrides);
  }

  // ---------------------------------------------------------------- views

  /** A campaign's terms, total and state. @example `const { goal, total, state } = await crowdfunding.campaign({ campaignId });` */
  campaign(params: Id): Promise<Campaign> {
    return R.campaign(this.#context, params.campaignId);
  }

  /** A campaign's state now (§3). @example `const state = await crowdfunding.state({ campaignId });` */
  state(params: Id): Promise<CampaignState> {
    return R.state(this.#context, params.campaignId);
  }

  /** A backer's pledge, escrow returns pulled, and votes. @example `const { amount } = await crowdfunding.pledgeOf({ campaignId, backer });` */
  pledgeOf(params: Id & { backer: Address }): Promise<P.BackerPledge> {
    return R.pledgeOf(this.#context, params);
  }

  /** A claimed milestone campaign's escrow deal (for `EscrowClient`), its id and milestone amounts. @example `const { deal, dealId } = await crowdfunding.dealOf({ campaignId });` */
  dealOf(params: Id): Promise<{ deal: Deal; dealId: DealId; milestones: bigint[] }> {
    return R.dealOf(this.#context, params.campaignId);
  }

  /** When milestone `index` becomes releasable (CF-M3). @example `const time = await crowdfunding.releaseTimeOf({ campaignId, index: 0 });` */
  releaseTimeOf(params: Milestone): Promise<P.ReleaseTime> {
    return R.releaseTimeOf(this.#context, params);
  }

  /** Approval and dispute tallies, escrow returns. @example `const { milestones, dispute } = await crowdfunding.tallies({ campaignId });` */
  tallies(params: Id): Promise<P.CampaignTallies> {
    return R.tallies(this.#context, params.campaignId);
  }

  /** `account`'s withdrawable credit (ETH unless `token`). @example `const credit = await crowdfunding.creditOf({ account: me });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return R.creditOf(this.#context, params);
  }

  /** A backer's current relayed-pledge nonce. @example `const nonce = await crowdfunding.nonceOf({ backer });` */
  nonceOf(params: { backer: Address }): Promise<bigint> {
    return this.#context.tx.guard(() => this.contract.nonces(params.backer));
  }

  // ---------------------------------------------------------------- listings (from events)

  /** A creator's campaigns from `CampaignCreated`, from the client's `fromBlock`. @example `const { campaigns } = await crowdfunding.campaignsOf({ creator: me });` */
  campaignsOf(params: ScanRangeParameters & { creator: Address }): Promise<D.CampaignsOfReturnType> {
    return D.campaignsOf(this.#context, params);
  }

  /**
   * The campaigns a backer pledged to, with the net pledge from its `Pledged`/`Unpledged`/`Refunded` events and
   * its pledge and the campaign read now.
   *
   * @example
   * ```ts
   * const { backings } = await crowdfunding.backingsOf({ backer: me });
   * ```
   */
  backingsOf(params: ScanRangeParameters & { backer: Address }): Promise<D.BackingsOfReturnType> {
    return D.backingsOf(this.#context, params);
  }

  /** The campaigns naming `arbiter`, read now. @example `const { campaigns } = await crowdfunding.arbiterCampaigns({ arbiter: me });` */
  arbiterCampaigns(params: ScanRangeParameters & { arbiter: Address }): Promise<D.ArbiterCampaignsReturnType> {
    return D.arbiterCampaigns(this.#context, params);
  }
}
