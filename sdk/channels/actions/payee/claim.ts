import { InvalidParameterError } from "../../../errors/base";
import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";
import type { PayeeContext } from "./context";

/** `claim(channel, amount, signature)` with the channel's best stored voucher. */
export async function buildClaim(
  context: PayeeContext,
  { channel }: { channel: ChannelRef },
): Promise<PreparedTransaction> {
  const { channel: terms, channelId } = await resolveChannel(context, channel);
  const best = await context.store.get(channelId);
  if (best === undefined) {
    throw new InvalidParameterError({ parameter: "channel", value: channelId, reason: "no voucher stored for it" });
  }
  return encodeCall(context, "claim", [terms, best.amount, best.signature]);
}

/** Sends {@link buildClaim}. */
export async function claim(
  context: PayeeContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  return send(context, { request: await buildClaim(context, params), overrides: params.overrides });
}
