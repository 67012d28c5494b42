import { InvalidParameterError } from "../../../errors/base";
import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall } from "../context";
import { resolveChannel } from "../resolveChannel";
import type { PayeeContext } from "./context";
import { claimDeadline, sendOnTime } from "./submit";

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

/** Sends {@link buildClaim}: through the client's submitter, if any, with the voucher's last valid second. */
export async function claim(
  context: PayeeContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  const request = await buildClaim(context, params);
  const { channelId } = await resolveChannel(context, params.channel);
  return sendOnTime(context, {
    request,
    overrides: params.overrides,
    label: `claim ${channelId}`,
    deadline: () => claimDeadline(context, channelId),
  });
}
