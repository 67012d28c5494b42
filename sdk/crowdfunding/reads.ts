// The views (campaign, state, pledge, deal, release time, tallies, credit) as typed results, and relayed pledges:
// signing (any ethers Signer: a key, an EIP-1193 wallet, a Safe), verifying as the contract will, submitting.
import { MaxUint256, ZeroAddress } from "ethers";
import type { Address, TransactionOverrides } from "../core/types";
import { PeerPayErrorCode } from "../errors/codes";
import { computeDealId } from "../escrow/terms";
import type { Deal, DealId } from "../escrow/types";
import { requireAddress, requireInteger } from "../internal/validate";
import { signTypedData, verifyTypedData } from "../signing/eip712";
import { buildPledgeBySig } from "./actions";
import { chainTime, read, send, type CrowdfundingContext } from "./context";
import type {
  BackerPledge,
  CampaignTallies,
  CrowdfundingWriteReturnType,
  ReleaseTime,
  SignedPledge,
  SignPledgeParameters,
  VerifyPledgeReturnType,
} from "./parameters";
import { buildPledgeTypedData } from "./typed-data";
import type { Campaign, CampaignId, CampaignState } from "./types";
import { inputError, requireAmount, requireCampaignId } from "./validate";

/** Seconds a signed pledge stays valid by default. */
const PLEDGE_VALIDITY = 3_600;
const DISPUTE_VOTE = 1n << 16n;

export async function campaign(context: CrowdfundingContext, campaignId: CampaignId): Promise<Campaign> {
  const id = requireCampaignId(campaignId);
  const c = await read(context, (contract) => contract.campaign(id));
  return {
    campaignId: id,
    creator: c.creator,
    token: c.token,
    goal: c.goal,
    cap: c.cap,
    start: Number(c.start),
    deadline: Number(c.deadline),
    minPledge: c.minPledge,
    feeBps: Number(c.feeBps),
    feeRecipient: c.feeRecipient,
    total: c.total,
    state: Number(c.state) as CampaignState,
    milestoneCount: Number(c.milestoneCount),
    arbiter: c.arbiter,
  };
}

export async function state(context: CrowdfundingContext, campaignId: CampaignId): Promise<CampaignState> {
  const id = requireCampaignId(campaignId);
  return Number(await read(context, (c) => c.stateOf(id))) as CampaignState;
}

export async function pledgeOf(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; backer: Address },
): Promise<BackerPledge> {
  const id = requireCampaignId(params.campaignId);
  const backer = requireAddress("backer", params.backer);
  const [amount, pulled, votes] = await read(context, (c) => c.pledgeOf(id, backer));
  const approved: number[] = [];
  for (let i = 0; i < 16; i++) if ((votes >> BigInt(i)) & 1n) approved.push(i);
  return { amount, pulled, approved, supportedDispute: (votes & DISPUTE_VOTE) !== 0n };
}

export async function dealOf(
  context: CrowdfundingContext,
  campaignId: CampaignId,
): Promise<{ deal: Deal; dealId: DealId; milestones: bigint[] }> {
  const id = requireCampaignId(campaignId);
  const [d, milestones] = await read(context, (c) => c.dealOf(id));
  const deal: Deal = {
    depositor: d.depositor,
    beneficiary: d.beneficiary,
    arbiter: d.arbiter,
    token: d.token,
    terms: d.terms,
    milestonesHash: d.milestonesHash,
  };
  return { deal, dealId: computeDealId(deal), milestones: [...milestones] };
}

export async function releaseTimeOf(
  context: CrowdfundingContext,
  params: { campaignId: CampaignId; index: number },
): Promise<ReleaseTime> {
  const id = requireCampaignId(params.campaignId);
  const index = requireInteger("index", params.index, 0, 255);
  const releaseAt = await read(context, (c) => c.releaseTimeOf(id, index));
  if (releaseAt === 0n) return { status: "unscheduled" };
  if (releaseAt === MaxUint256) return { status: "released" };
  return { status: "scheduled", releaseAt: Number(releaseAt) };
}

export async function tallies(context: CrowdfundingContext, campaignId: CampaignId): Promise<CampaignTallies> {
  const id = requireCampaignId(campaignId);
  const { total, milestoneCount } = await campaign(context, id);
  const indices = Array.from({ length: milestoneCount }, (_, i) => i);
  const [milestones, dispute, [returned, returnedPulled]] = await Promise.all([
    Promise.all(indices.map((i) => read(context, (c) => c.milestoneTally(id, i)))),
    read(context, (c) => c.disputeTally(id)),
    read(context, (c) => c.returnedOf(id)),
  ]);
  return { total, milestones, dispute, returned, returnedPulled };
}

export function creditOf(context: CrowdfundingContext, params: { token?: Address; account: Address }) {
  const token = requireAddress("token", params.token ?? ZeroAddress);
  const account = requireAddress("account", params.account);
  return read(context, (c) => c.creditOf(token, account));
}

// ------------------------------------------------------------------ relayed pledges (CF-P7, CF-P8)

/** Signs a `Pledge` with the client's signer; one wallet prompt (`eth_signTypedData_v4` for an EIP-1193 wallet). */
export async function signPledge(context: CrowdfundingContext, params: SignPledgeParameters): Promise<SignedPledge> {
  const signer = context.tx.signer();
  const campaignId = requireCampaignId(params.campaignId, "token");
  const amount = requireAmount(params.amount);
  const backer = requireAddress("backer", params.backer ?? (await context.tx.signerAddress()));
  const validFor = requireInteger("validFor", params.validFor ?? PLEDGE_VALIDITY, 1, 365 * 86_400);
  const deadline = requireInteger(
    "deadline",
    params.deadline ?? (await chainTime(context)) + validFor,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const nonce = params.nonce ?? (await read(context, (c) => c.nonces(backer)));
  const [chainId, contract] = [await context.chainId(), context.address];
  const message = { campaignId, backer, amount, nonce, deadline };
  const { signature } = await signTypedData({
    signer,
    typedData: buildPledgeTypedData({ chainId, contract, message }),
  });
  return { chainId, contract, ...message, signature };
}

/** Whether the contract would accept the signed pledge now (its signature, deployment, deadline and nonce). */
export async function verifyPledge(
  context: CrowdfundingContext,
  params: { pledge: SignedPledge },
): Promise<VerifyPledgeReturnType> {
  const p = params.pledge;
  const chainId = await context.chainId();
  if (BigInt(p.chainId) !== chainId || requireAddress("pledge.contract", p.contract) !== context.address) {
    return { valid: false, reason: "CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT" };
  }
  const backer = requireAddress("pledge.backer", p.backer);
  const [now, current] = await Promise.all([chainTime(context), read(context, (c) => c.nonces(backer))]);
  // The signature is valid at its deadline; the next block is the earliest a submission can land in.
  if (now + 1 > p.deadline) return { valid: false, reason: "CROWDFUNDING_SIGNATURE_EXPIRED" };
  if (p.nonce < current) return { valid: false, reason: "CROWDFUNDING_PLEDGE_NONCE_USED" };
  const message = {
    campaignId: requireCampaignId(p.campaignId),
    backer,
    amount: p.amount,
    nonce: p.nonce,
    deadline: p.deadline,
  };
  const typedData = buildPledgeTypedData({ chainId, contract: context.address, message });
  const provider = context.tx.provider();
  const signed = await verifyTypedData({ typedData, signature: p.signature, address: backer, provider });
  return signed && p.nonce === current ? { valid: true } : { valid: false, reason: "CROWDFUNDING_INVALID_SIGNATURE" };
}

/** Submits a signed pledge from the client's signer (the relayer), refusing first what the contract would refuse. */
export async function pledgeBySig(
  context: CrowdfundingContext,
  params: { pledge: SignedPledge; overrides?: TransactionOverrides },
): Promise<CrowdfundingWriteReturnType> {
  const request = await buildPledgeBySig(context, params);
  const { valid, reason } = await verifyPledge(context, params);
  if (!valid && reason !== undefined) {
    throw inputError(PeerPayErrorCode[reason], "pledge", params.pledge.signature, reasonText(reason));
  }
  return send(context, request, params.overrides);
}

function reasonText(reason: NonNullable<VerifyPledgeReturnType["reason"]>): string {
  switch (reason) {
    case "CROWDFUNDING_PLEDGE_WRONG_DEPLOYMENT":
      return "signed for another deployment";
    case "CROWDFUNDING_SIGNATURE_EXPIRED":
      return "its deadline has passed";
    case "CROWDFUNDING_PLEDGE_NONCE_USED":
      return "its nonce is used or cancelled: a signature pledges once (CF-P7, CF-P8)";
    default:
      return "not the backer's signature (by key or ERC-1271) for the backer's current nonce";
  }
}
