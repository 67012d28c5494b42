// Cooperative actions while open (rules PC-W1, PC-C1): a withdrawal and a close, each with both participants'
// signatures; the participant sending may leave its own empty (its call stands for it).
import type { PreparedTransaction } from "../../core/types";
import { requireAddress, requireBigInt, requireHex, requireThat } from "../../internal/validate";
import { channelTuple } from "../hashing";
import type {
  CooperativeCloseParameters,
  CooperativeWithdrawParameters,
  PaymentChannelWriteReturnType,
} from "../parameters";
import { PAYMENT_CHANNEL_LIMITS as LIMITS } from "../types";
import { encodeCall, resolveChannel, send, type PaymentChannelsContext } from "./context";

const signatureOf = (name: string, value: string | undefined) => requireHex(name, value ?? "0x");

/** `cooperativeWithdraw(channel, participant, totalWithdrawn, expiry, signature1, signature2)`. */
export async function buildCooperativeWithdraw(
  context: PaymentChannelsContext,
  params: Omit<CooperativeWithdrawParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const participant = requireAddress("participant", params.participant);
  requireThat(
    participant === channel.participant1 || participant === channel.participant2,
    "participant",
    participant,
    "is not a participant of the channel",
  );
  return encodeCall(context, "cooperativeWithdraw", [
    channelTuple(channel),
    participant,
    requireBigInt("totalWithdrawn", params.totalWithdrawn, 1n, LIMITS.amountBound),
    requireBigInt("expiry", params.expiry, 0n),
    signatureOf("signature1", params.signature1),
    signatureOf("signature2", params.signature2),
  ]);
}

/** Sends {@link buildCooperativeWithdraw}. */
export async function cooperativeWithdraw(
  context: PaymentChannelsContext,
  params: CooperativeWithdrawParameters,
): Promise<PaymentChannelWriteReturnType> {
  return send(context, await buildCooperativeWithdraw(context, params), params.overrides);
}

/** `cooperativeClose(channel, balance1, balance2, expiry, signature1, signature2)`. */
export async function buildCooperativeClose(
  context: PaymentChannelsContext,
  params: Omit<CooperativeCloseParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  return encodeCall(context, "cooperativeClose", [
    channelTuple(channel),
    requireBigInt("balance1", params.balance1, 0n, LIMITS.amountBound),
    requireBigInt("balance2", params.balance2, 0n, LIMITS.amountBound),
    requireBigInt("expiry", params.expiry, 0n),
    signatureOf("signature1", params.signature1),
    signatureOf("signature2", params.signature2),
  ]);
}

/** Sends {@link buildCooperativeClose}. */
export async function cooperativeClose(
  context: PaymentChannelsContext,
  params: CooperativeCloseParameters,
): Promise<PaymentChannelWriteReturnType> {
  return send(context, await buildCooperativeClose(context, params), params.overrides);
}
