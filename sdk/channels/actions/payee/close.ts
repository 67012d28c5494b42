import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall } from "../context";
import { resolveChannel } from "../resolveChannel";
import type { PayeeContext } from "./context";
import { claimDeadline, sendOnTime } from "./submit";

/** `close(channel, amount, signature)` with the best stored voucher, or with none (`0`, `0x`). */
export async function buildClose(
  context: PayeeContext,
  { channel }: { channel: ChannelRef },
): Promise<PreparedTransaction> {
  const { channel: terms, channelId } = await resolveChannel(context, channel);
  const best = await context.store.get(channelId);
  return encodeCall(context, "close", [terms, best?.amount ?? 0n, best?.signature ?? "0x"]);
}

/** Sends {@link buildClose}: through the client's submitter, if any, with the voucher's last valid second. */
export async function close(
  context: PayeeContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  const request = await buildClose(context, params);
  const { channelId } = await resolveChannel(context, params.channel);
  return sendOnTime(context, {
    request,
    overrides: params.overrides,
    label: `close ${channelId}`,
    deadline: () => claimDeadline(context, channelId),
  });
}
