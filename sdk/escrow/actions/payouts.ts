// The parties' payouts: a release or a refund of part of the remainder, up to a milestone, or submitted by anyone
// with the party's signature.
import type { PreparedTransaction } from "../../core/types";
import { escrowInterface } from "../../internal/abi";
import { requireHex, requireInteger, requireThat } from "../../internal/validate";
import { escrowRequest, milestonesOf, partAmount, resolveDeal, type EscrowContext } from "../context";
import type { AmountActionParameters, ReleaseMilestoneParameters, SignedAmountParameters } from "../parameters";
import { milestonesHash } from "../terms";

/** `release(deal, amount)`: the depositor pays `amount` of the remainder to the beneficiary. */
export async function buildRelease(
  context: EscrowContext,
  { deal, amount }: AmountActionParameters,
): Promise<PreparedTransaction> {
  const { deal: terms } = await resolveDeal(context, deal);
  return escrowRequest(context, escrowInterface.encodeFunctionData("release", [terms, partAmount("amount", amount)]));
}

/** `releaseMilestone(deal, milestones, index)`, the milestone list checked against the deal's hash. */
export async function buildReleaseMilestone(
  context: EscrowContext,
  { deal, index, milestones }: ReleaseMilestoneParameters,
): Promise<PreparedTransaction> {
  const { dealId, deal: terms } = await resolveDeal(context, deal);
  const list = milestones === undefined ? await milestonesOf(context, dealId, terms) : [...milestones];
  requireThat(milestonesHash(list) === terms.milestonesHash, "milestones", list, "do not match the deal's hash");
  const position = requireInteger("index", index, 0, Math.max(list.length, 1) - 1);
  return escrowRequest(context, escrowInterface.encodeFunctionData("releaseMilestone", [terms, list, position]));
}

/** `refund(deal, amount)`: the beneficiary returns `amount` of the remainder to the depositor. */
export async function buildRefund(
  context: EscrowContext,
  { deal, amount }: AmountActionParameters,
): Promise<PreparedTransaction> {
  const { deal: terms } = await resolveDeal(context, deal);
  return escrowRequest(context, escrowInterface.encodeFunctionData("refund", [terms, partAmount("amount", amount)]));
}

/** `releaseWithSig`: anyone submits a release the depositor signed. */
export async function buildReleaseWithSig(
  context: EscrowContext,
  params: SignedAmountParameters,
): Promise<PreparedTransaction> {
  const { deal, amount, expiry, signature } = await signedAmount(context, params);
  return escrowRequest(
    context,
    escrowInterface.encodeFunctionData("releaseWithSig", [deal, amount, expiry, signature]),
  );
}

/** `refundWithSig`: anyone submits a refund the beneficiary signed. */
export async function buildRefundWithSig(
  context: EscrowContext,
  params: SignedAmountParameters,
): Promise<PreparedTransaction> {
  const { deal, amount, expiry, signature } = await signedAmount(context, params);
  return escrowRequest(context, escrowInterface.encodeFunctionData("refundWithSig", [deal, amount, expiry, signature]));
}

async function signedAmount(context: EscrowContext, params: SignedAmountParameters) {
  const { deal } = await resolveDeal(context, params.deal);
  return {
    deal,
    amount: partAmount("amount", params.amount),
    expiry: requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER),
    signature: requireHex("signature", params.signature),
  };
}
