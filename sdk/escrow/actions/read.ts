// Reads: a deal's state and terms, the deals of an account, credits, fees and the owner's settings.
import { ZeroAddress, toNumber } from "ethers";
import type { Address } from "../../core/types";
import { requireAddress } from "../../internal/validate";
import { dealRecord, findEvents, guard, milestonesOf, rememberDeal, type EscrowContext } from "../context";
import type { EscrowConfig, GetDealReturnType, ListDealsParameters, ListedDeal, TokenParameters } from "../parameters";
import { toDealId, unpackTerms } from "../terms";
import type { DealId, DealState, DealStatus } from "../types";

/** The mutable state of a deal (status `None` if there is none). */
export async function getDealState(context: EscrowContext, { dealId }: { dealId: DealId }): Promise<DealState> {
  const raw = await guard(() => context.contract.getDealState(toDealId(dealId)));
  return {
    status: toNumber(raw.status) as DealStatus,
    nonce: toNumber(raw.nonce),
    disputedAt: toNumber(raw.disputedAt),
    released: raw.released,
    refunded: raw.refunded,
  };
}

/** A deal's terms, milestones, state and remainder. */
export async function getDeal(context: EscrowContext, { dealId }: { dealId: DealId }): Promise<GetDealReturnType> {
  const id = toDealId(dealId);
  const { deal } = await dealRecord(context, id);
  const [milestones, state] = await Promise.all([
    milestonesOf(context, id, deal),
    context.client.getDealState({ dealId: id }),
  ]);
  const terms = unpackTerms(deal.terms);
  return { dealId: id, deal, terms, milestones, state, remaining: terms.amount - state.released - state.refunded };
}

/** The deals created with the given depositor and/or beneficiary, oldest first. */
export async function listDeals(context: EscrowContext, params: ListDealsParameters = {}): Promise<ListedDeal[]> {
  const depositor = params.depositor === undefined ? null : requireAddress("depositor", params.depositor);
  const beneficiary = params.beneficiary === undefined ? null : requireAddress("beneficiary", params.beneficiary);
  const events = await findEvents(context, "DealCreated", [null, depositor, beneficiary], params);
  const listed: ListedDeal[] = [];
  for (const event of events) {
    if (event.type !== "DealCreated" || !rememberDeal(context, event.dealId, event.deal)) continue;
    listed.push({ dealId: event.dealId, deal: event.deal, terms: event.terms, log: event.log });
  }
  return listed;
}

/** `account`'s withdrawable credit in `token` (ETH when omitted). */
export async function creditOf(
  context: EscrowContext,
  { token, account }: TokenParameters & { account: Address },
): Promise<bigint> {
  const tokenAddress = requireAddress("token", token ?? ZeroAddress);
  return guard(() => context.contract.creditOf(tokenAddress, requireAddress("account", account)));
}

/** Protocol fees accrued in `token` (ETH when omitted) and not yet collected. */
export async function protocolFeesOf(context: EscrowContext, { token }: TokenParameters = {}): Promise<bigint> {
  return guard(() => context.contract.protocolFeesOf(requireAddress("token", token ?? ZeroAddress)));
}

/** The current protocol fee, its recipient, and whether creation is paused. */
export async function getConfig(context: EscrowContext): Promise<EscrowConfig> {
  const [protocolFeeBps, feeRecipient, creationPaused] = await guard(() => context.contract.config());
  return { protocolFeeBps: toNumber(protocolFeeBps), feeRecipient, creationPaused };
}
