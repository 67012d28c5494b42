import { requireBigInt } from "../../../internal/validate";
import type { ChannelRef, PayParameters, SignedVoucher } from "../../parameters";
import type { Channel } from "../../types";
import { signVoucher as signVoucherMessage } from "../../voucher";
import { resolveChannel } from "../resolveChannel";
import { AMOUNT_BOUND, type PayerContext } from "./context";

/** Signs a voucher for the channel's running total plus `amount`. */
export async function pay(context: PayerContext, { channel, amount }: PayParameters): Promise<SignedVoucher> {
  const { channelId } = await resolveChannel(context, channel);
  const increment = requireBigInt("amount", amount, 1n, AMOUNT_BOUND);
  const total = (context.cumulative.get(channelId) ?? 0n) + increment;
  return signVoucher(context, { channel, amount: total });
}

/**
 * Signs a voucher for the cumulative `amount`, with the channel's session key if one is in use, else the
 * context's signer; the running total becomes at least `amount`.
 */
export async function signVoucher(
  context: PayerContext,
  { channel, amount }: { channel: Channel; amount: bigint },
): Promise<SignedVoucher> {
  const { channel: terms, channelId } = await resolveChannel(context, channel);
  const total = requireBigInt("amount", amount, 1n, 1n << 256n);
  const message = { chainId: await context.chainId(), contract: context.address, channelId, amount: total };
  const privateKey = context.sessionKeys.get(channelId);
  const { signature } =
    privateKey !== undefined
      ? await signVoucherMessage({ ...message, privateKey })
      : await signVoucherMessage({ ...message, signer: context.tx.signer() });
  if ((context.cumulative.get(channelId) ?? 0n) < total) context.cumulative.set(channelId, total);
  return { channel: terms, channelId, amount: total, signature };
}

/** The cumulative total of the vouchers signed on the channel through this context. */
export async function cumulativeOf(context: PayerContext, { channel }: { channel: ChannelRef }): Promise<bigint> {
  const { channelId } = await resolveChannel(context, channel);
  return context.cumulative.get(channelId) ?? 0n;
}
