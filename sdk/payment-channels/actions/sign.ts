// Signing the four messages for a channel from the client: with the channel's session key when one is in use (no
// prompt), else with the client's signer (a wallet, an EIP-1193 browser wallet, or the owner of an ERC-1271 wallet).
import type { Address } from "../../core/types";
import { requireAddress, requireBigInt, requireThat } from "../../internal/validate";
import type { SignedTypedData } from "../../signing/eip712";
import {
  balanceProofHash,
  signPaymentChannelMessage,
  type PaymentChannelMessages,
  type PaymentChannelPayload,
} from "../typed-data";
import type { PaymentChannelRef } from "../parameters";
import type { BalanceProof, PaymentChannelId } from "../types";
import { resolveChannel, type PaymentChannelsContext } from "./context";

type Signed<K extends keyof PaymentChannelMessages> = SignedTypedData<PaymentChannelMessages[K]>;

async function signFor<K extends keyof PaymentChannelMessages>(
  context: PaymentChannelsContext,
  ref: PaymentChannelRef,
  payload: (channelId: PaymentChannelId) => PaymentChannelPayload<K>,
): Promise<Signed<K>> {
  const { channelId } = await resolveChannel(context, ref);
  const deployment = { chainId: await context.chainId(), contract: context.address, ...payload(channelId) };
  const privateKey = context.sessionKeys.get(channelId);
  return privateKey !== undefined
    ? signPaymentChannelMessage<K>({ ...deployment, privateKey })
    : signPaymentChannelMessage<K>({ ...deployment, signer: context.tx.signer() });
}

/** Signs a balance proof of the client's outgoing direction. */
export async function signBalanceProof(
  context: PaymentChannelsContext,
  { channel, proof }: { channel: PaymentChannelRef; proof: BalanceProof },
): Promise<Signed<"BalanceProof">> {
  return signFor(context, channel, (channelId) => ({ primaryType: "BalanceProof", message: { channelId, ...proof } }));
}

/** Signs a `Withdraw`: `participant` may take its withdrawal total to `totalWithdrawn` until `expiry`. */
export async function signWithdraw(
  context: PaymentChannelsContext,
  params: { channel: PaymentChannelRef; participant: Address; totalWithdrawn: bigint; expiry: bigint },
): Promise<Signed<"Withdraw">> {
  const { channel, ...message } = params;
  return signFor(context, channel, (channelId) => ({ primaryType: "Withdraw", message: { channelId, ...message } }));
}

/** Signs a `CooperativeClose` paying `balance1` and `balance2`, valid until `expiry`. */
export async function signCooperativeClose(
  context: PaymentChannelsContext,
  params: { channel: PaymentChannelRef; balance1: bigint; balance2: bigint; expiry: bigint },
): Promise<Signed<"CooperativeClose">> {
  const { channel, ...message } = params;
  return signFor(context, channel, (channelId) => ({
    primaryType: "CooperativeClose",
    message: { channelId, ...message },
  }));
}

/**
 * Signs a `Reward` authorising `watchtower` to submit this exact incoming `proof` with `updateFor`, for `amount`
 * (0: an unpaid service) taken from the client's share at settlement.
 */
export async function signReward(
  context: PaymentChannelsContext,
  params: { channel: PaymentChannelRef; proof: BalanceProof; watchtower: Address; amount: bigint },
): Promise<Signed<"Reward">> {
  const watchtower = requireAddress("watchtower", params.watchtower);
  const amount = requireBigInt("amount", params.amount, 0n);
  requireThat(params.proof.nonce > 0n, "proof.nonce", params.proof.nonce, "a reward names a proof with a nonce");
  return signFor(context, params.channel, (channelId) => ({
    primaryType: "Reward",
    message: { channelId, balanceProofHash: balanceProofHash({ channelId, proof: params.proof }), watchtower, amount },
  }));
}
