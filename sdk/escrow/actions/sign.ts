// Signing a release, a refund or a settlement with the context's signer, at the deal's current nonce unless given.
import { requireBigInt, requireInteger } from "../../internal/validate";
import type { SignedTypedData } from "../../signing/eip712";
import { dealIdOf, guard, partAmount, type EscrowContext } from "../context";
import type { DealActionParameters, SignAmountParameters, SignSettleParameters } from "../parameters";
import {
  signRefund as signRefundTypedData,
  signRelease as signReleaseTypedData,
  signSettle as signSettleTypedData,
  type RefundMessage,
  type ReleaseMessage,
  type SettleMessage,
} from "../typed-data";
import { ESCROW_LIMITS } from "../types";

/** A `Release` of `amount`, signed by the depositor (or the owner of a depositor smart wallet). */
export async function signRelease(
  context: EscrowContext,
  params: SignAmountParameters,
): Promise<SignedTypedData<ReleaseMessage>> {
  const message = await messageBase(context, params);
  return signReleaseTypedData({ ...message, amount: partAmount("amount", params.amount) });
}

/** A `Refund` of `amount`, signed by the beneficiary. */
export async function signRefund(
  context: EscrowContext,
  params: SignAmountParameters,
): Promise<SignedTypedData<RefundMessage>> {
  const message = await messageBase(context, params);
  return signRefundTypedData({ ...message, amount: partAmount("amount", params.amount) });
}

/** A `Settle`, signed by either party. */
export async function signSettle(
  context: EscrowContext,
  params: SignSettleParameters,
): Promise<SignedTypedData<SettleMessage>> {
  const message = await messageBase(context, params);
  const toBeneficiary = requireBigInt("toBeneficiary", params.toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
  return signSettleTypedData({ ...message, toBeneficiary });
}

async function messageBase(
  context: EscrowContext,
  params: DealActionParameters & { expiry: number | bigint; nonce?: number },
) {
  const signer = context.runner.signer();
  const dealId = dealIdOf(params.deal);
  const [network, nonce] = await Promise.all([
    guard(() => context.runner.provider().getNetwork()),
    params.nonce === undefined ? context.client.getDealState({ dealId }).then((state) => state.nonce) : params.nonce,
  ]);
  return {
    signer,
    escrow: context.address,
    chainId: network.chainId,
    dealId,
    nonce: requireInteger("nonce", nonce, 0, 0xffff),
    expiry: requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER),
  };
}
