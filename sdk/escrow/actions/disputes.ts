// The rest of a deal's life: the beneficiary's "paid", a dispute and the arbiter's ruling, a settlement both parties
// signed, and the timeout anyone may trigger.
import type { Interface } from "ethers";
import type { PreparedTransaction } from "../../core/types";
import { escrowInterface } from "../../internal/abi";
import { requireBigInt, requireHex, requireInteger, requireThat } from "../../internal/validate";
import { escrowRequest, resolveDeal, type EscrowContext } from "../context";
import type { DealActionParameters, ResolveParameters, SettleParameters } from "../parameters";
import { ESCROW_LIMITS, type Deal } from "../types";

/** `markPaid(deal)`: the beneficiary declares the off-chain payment made. */
export async function buildMarkPaid(
  context: EscrowContext,
  params: DealActionParameters,
): Promise<PreparedTransaction> {
  return encodeDealCall(context, "markPaid", params);
}

/** `dispute(deal)`: a party opens a dispute for the arbiter. */
export async function buildDispute(context: EscrowContext, params: DealActionParameters): Promise<PreparedTransaction> {
  return encodeDealCall(context, "dispute", params);
}

/** `triggerTimeout(deal)`: anyone applies the default outcome, or the fallback split after the arbiter's window. */
export async function buildTriggerTimeout(
  context: EscrowContext,
  params: DealActionParameters,
): Promise<PreparedTransaction> {
  return encodeDealCall(context, "triggerTimeout", params);
}

/** `revokeSignatures(deal)`: a party advances the nonce, killing every outstanding signature. */
export async function buildRevokeSignatures(
  context: EscrowContext,
  params: DealActionParameters,
): Promise<PreparedTransaction> {
  return encodeDealCall(context, "revokeSignatures", params);
}

/** `resolve(deal, toBeneficiary)`: the arbiter's ruling. */
export async function buildResolve(
  context: EscrowContext,
  { deal, toBeneficiary }: ResolveParameters,
): Promise<PreparedTransaction> {
  const { deal: terms } = await resolveDeal(context, deal);
  const share = requireBigInt("toBeneficiary", toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
  return escrowRequest(context, escrowInterface.encodeFunctionData("resolve", [terms, share]));
}

/** `settle(...)`; a missing signature is sent empty (valid only when its party submits). */
export async function buildSettle(context: EscrowContext, params: SettleParameters): Promise<PreparedTransaction> {
  const { deal } = await resolveDeal(context, params.deal);
  const share = requireBigInt("toBeneficiary", params.toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
  const expiry = requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER);
  const depositorSignature = requireHex("depositorSignature", params.depositorSignature ?? "0x");
  const beneficiarySignature = requireHex("beneficiarySignature", params.beneficiarySignature ?? "0x");
  requireThat(
    depositorSignature !== "0x" || beneficiarySignature !== "0x",
    "signatures",
    undefined,
    "at least the other party's signature is needed",
  );
  return escrowRequest(
    context,
    escrowInterface.encodeFunctionData("settle", [deal, share, expiry, depositorSignature, beneficiarySignature]),
  );
}

/**
 * Before the context's signer sends a settlement: a missing signature must be the sender's own side. Returns the
 * deal's terms, resolved once, to build the settlement with.
 */
export async function requireSettleSender(context: EscrowContext, params: SettleParameters): Promise<Deal> {
  const { deal } = await resolveDeal(context, params.deal);
  const sender = await context.runner.signerAddress();
  const missing = (signature: string | undefined) => signature === undefined || signature === "0x";
  requireThat(
    !missing(params.depositorSignature) || sender === deal.depositor,
    "depositorSignature",
    params.depositorSignature,
    "required unless the depositor sends",
  );
  requireThat(
    !missing(params.beneficiarySignature) || sender === deal.beneficiary,
    "beneficiarySignature",
    params.beneficiarySignature,
    "required unless the beneficiary sends",
  );
  return deal;
}

/** A function of the deal's terms alone. */
async function encodeDealCall(
  context: EscrowContext,
  name: "markPaid" | "dispute" | "triggerTimeout" | "revokeSignatures",
  { deal }: DealActionParameters,
): Promise<PreparedTransaction> {
  const { deal: terms } = await resolveDeal(context, deal);
  // The four functions take the deal's terms alone; the ABI's overloads cannot express a union of names.
  const abi: Interface = escrowInterface;
  return escrowRequest(context, abi.encodeFunctionData(name, [terms]));
}
