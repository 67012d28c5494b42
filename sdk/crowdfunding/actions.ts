// Every crowdfunding action as an unsigned `{ to, data, value }` (CF-SDK-5), checked before it is built: the id's
// asset against the function (CF-P4), amounts, a signed pledge's deployment; and the sending paths that need more
// than a build (an approval first, a permit to sign, the new campaign's id to read from the event).
import { ZeroAddress, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address, PreparedTransaction } from "../core/types";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireBigInt, requireInteger, requireThat } from "../internal/validate";
import { signPermit } from "../signing/permit";
import { chainTime, encodeCall, read, send, type CrowdfundingContext } from "./context";
import type {
  CreateCampaignParameters,
  CreateCampaignReturnType,
  PledgeParameters,
  PledgePermit,
  PledgeReturnType,
  SignedPledge,
} from "./parameters";
import { campaignTokenOf, isEthCampaign, type CampaignId } from "./types";
import { inputError, requireAmount, requireCampaignId, validateCampaignParameters } from "./validate";
import type { TransactionOverrides } from "../core/types";

/** Seconds a permit the client signs stays valid by default. */
const PERMIT_VALIDITY = 3_600;

/**
 * The `createCampaign` call, its terms checked as the contract would check them now (CF-C1…C7), for `creator`
 * (default: the client's signer).
 */
export async function buildCreateCampaign(
  context: CrowdfundingContext,
  params: CreateCampaignParameters & { creator?: Address },
): Promise<PreparedTransaction> {
  const creator = requireAddress("creator", params.creator ?? (await context.tx.signerAddress("Pass creator")));
  const [now, [escrow, defaultFeeRecipient]] = await Promise.all([
    chainTime(context),
    read(context, (c) => c.config()),
  ]);
  const terms = validateCampaignParameters(params, {
    now,
    creator,
    contract: context.address,
    escrow,
    defaultFeeRecipient,
  });
  if (terms.token !== ZeroAddress) {
    const code = await context.tx.guard(() => context.tx.provider().getCode(terms.token));
    if (code === "0x") {
      throw inputError(PeerPayErrorCode.CROWDFUNDING_INVALID_TOKEN, "token", terms.token, "has no code (CF-C1)");
    }
  }
  return encodeCall(context, "createCampaign", [terms]);
}

/** Creates a campaign from the client's signer and reads its id from the `CampaignCreated` event. */
export async function createCampaign(
  context: CrowdfundingContext,
  params: CreateCampaignParameters & { overrides?: TransactionOverrides },
): Promise<CreateCampaignReturnType> {
  const request = await buildCreateCampaign(context, params);
  const result = await send(context, request, params.overrides);
  const created = result.events.find((event) => event.type === "CampaignCreated");
  // The contract emits it in every successful creation; its absence means a receipt from something else.
  if (created === undefined) throw new Error(`No CampaignCreated event in ${result.receipt.hash}`);
  return { ...result, campaignId: created.campaignId };
}

/** `pledge(id)` with the amount as value for an ETH campaign, `pledgeToken(id, amount)` for an ERC20 one (CF-P4). */
export function buildPledge(context: CrowdfundingContext, params: { campaignId: CampaignId; amount: bigint }) {
  const campaignId = requireCampaignId(params.campaignId);
  const amount = requireAmount(params.amount);
  return isEthCampaign(campaignId)
    ? encodeCall(context, "pledge", [campaignId], amount)
    : encodeCall(context, "pledgeToken", [campaignId, amount]);
}

/** The token's `approve(crowdfunding, amount)`: the explicit approval of an ERC20 campaign's pledge. */
export function buildApprove(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; amount: bigint },
): PreparedTransaction {
  const campaignId = requireCampaignId(params.campaignId, "token");
  const amount = requireBigInt("amount", params.amount, 0n);
  const data = IERC20__factory.createInterface().encodeFunctionData("approve", [context.address, amount]);
  return { to: campaignTokenOf(campaignId), data, value: 0n };
}

/** Approves the contract for exactly `amount` when `owner`'s allowance is short: never an unlimited allowance. */
export async function approveIfShort(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; amount: bigint; owner: Address },
): Promise<TransactionReceipt | undefined> {
  const token = IERC20__factory.connect(campaignTokenOf(params.campaignId), context.tx.provider());
  const allowance = await context.tx.guard(() => token.allowance(params.owner, context.address));
  if (allowance >= params.amount) return undefined;
  return context.tx.send(buildApprove(context, params));
}

/** Pledges from the client's signer, approving an ERC20 first when asked and short. */
export async function pledge(context: CrowdfundingContext, params: PledgeParameters): Promise<PledgeReturnType> {
  const request = buildPledge(context, params);
  let approvalReceipt: TransactionReceipt | undefined;
  if (params.approve === true && !isEthCampaign(params.campaignId)) {
    approvalReceipt = await approveIfShort(context, { ...params, owner: await context.tx.signerAddress() });
  }
  return { ...(await send(context, request, params.overrides)), approvalReceipt };
}

/** `pledgeWithPermit` with a permit already signed (ERC20 campaigns only). */
export function buildPledgeWithPermit(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; amount: bigint; permit: PledgePermit },
): PreparedTransaction {
  const campaignId = requireCampaignId(params.campaignId, "token");
  const amount = requireAmount(params.amount);
  const { deadline, v, r, s } = params.permit;
  return encodeCall(context, "pledgeWithPermit", [campaignId, amount, deadline, v, r, s]);
}

/** Signs an EIP-2612 permit for exactly `amount` with the client's signer, then pledges with it: one transaction. */
export async function pledgeWithPermit(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; amount: bigint; permitDeadline?: number; overrides?: TransactionOverrides },
) {
  const campaignId = requireCampaignId(params.campaignId, "token");
  const amount = requireAmount(params.amount);
  const deadline = params.permitDeadline ?? (await chainTime(context)) + PERMIT_VALIDITY;
  const permit = await signPermit({
    signer: context.tx.signer(),
    token: campaignTokenOf(campaignId),
    spender: context.address,
    value: amount,
    deadline,
  });
  const request = buildPledgeWithPermit(context, { campaignId, amount, permit: { ...permit, deadline } });
  return send(context, request, params.overrides);
}

/** A signed pledge checked against this deployment (CF-P7 binds chain and contract). */
export async function requireSameDeployment(context: CrowdfundingContext, signed: SignedPledge): Promise<void> {
  const chainId = await context.chainId();
  if (BigInt(signed.chainId) !== chainId || requireAddress("pledge.contract", signed.contract) !== context.address) {
    throw inputError(
      PeerPayErrorCode.CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT,
      "pledge",
      { chainId: signed.chainId, contract: signed.contract },
      `signed for another deployment than chain ${chainId}, contract ${context.address}`,
    );
  }
}

/** `pledgeBySig`: a relayer submits the backer's signed pledge; the tokens come from the backer's allowance. */
export async function buildPledgeBySig(
  context: CrowdfundingContext,
  params: { pledge: SignedPledge },
): Promise<PreparedTransaction> {
  const p = params.pledge;
  await requireSameDeployment(context, p);
  const campaignId = requireCampaignId(p.campaignId, "token");
  const args = [
    campaignId,
    requireAddress("pledge.backer", p.backer),
    requireAmount(p.amount),
    p.deadline,
    p.signature,
  ];
  return encodeCall(context, "pledgeBySig", args);
}

/** The calls that take a campaign id and nothing else. */
export function buildIdCall(
  context: CrowdfundingContext,
  name: "cancel" | "refund" | "claim" | "supportDispute" | "pullReturned",
  params: { campaignId: CampaignId },
): PreparedTransaction {
  return encodeCall(context, name, [requireCampaignId(params.campaignId)]);
}

/** `approveMilestone` or `releaseMilestone`: an id and a milestone index (0-based, below 16). */
export function buildMilestoneCall(
  context: CrowdfundingContext,
  name: "approveMilestone" | "releaseMilestone",
  params: { campaignId: CampaignId; index: number },
): PreparedTransaction {
  const index = requireInteger("index", params.index, 0, 255);
  return encodeCall(context, name, [requireCampaignId(params.campaignId), index]);
}

/** `unpledge(id, amount)` while the campaign runs (CF-P9). */
export function buildUnpledge(context: CrowdfundingContext, params: { campaignId: CampaignId; amount: bigint }) {
  return encodeCall(context, "unpledge", [requireCampaignId(params.campaignId), requireAmount(params.amount)]);
}

/** `refundMany(id, backers)`: anyone pushes the listed backers' pledges back (CF-R2). */
export function buildRefundMany(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; backers: readonly Address[] },
): PreparedTransaction {
  requireThat(Array.isArray(params.backers) && params.backers.length > 0, "backers", params.backers, "none listed");
  const backers = params.backers.map((backer, i) => requireAddress(`backers[${i}]`, backer));
  return encodeCall(context, "refundMany", [requireCampaignId(params.campaignId), backers]);
}

/** `withdraw(token, to)` of a credit (a refused push, CF-R2), `to` default the signer; ETH unless `token`. */
export async function buildWithdraw(
  context: CrowdfundingContext,
  params: { token?: Address; to?: Address },
): Promise<PreparedTransaction> {
  const to = requireAddress("to", params.to ?? (await context.tx.signerAddress("Pass to")));
  return encodeCall(context, "withdraw", [requireAddress("token", params.token ?? ZeroAddress), to]);
}

/** `withdrawEscrowCredit(token)`: brings this contract's credit in the Escrow home (CF-M7). Anyone. */
export function buildWithdrawEscrowCredit(context: CrowdfundingContext, params: { token?: Address }) {
  return encodeCall(context, "withdrawEscrowCredit", [requireAddress("token", params.token ?? ZeroAddress)]);
}
