import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";
import type { PayeeContext } from "./context";

/** `close(channel, amount, signature)` with the best stored voucher, or with none (`0`, `0x`). */
export async function buildClose(
  context: PayeeContext,
  { channel }: { channel: ChannelRef },
): Promise<PreparedTransaction> {
  const { channel: terms, channelId } = await resolveChannel(context, channel);
  const best = await context.store.get(channelId);
  return encodeCall(context, "close", [terms, best?.amount ?? 0n, best?.signature ?? "0x"]);
}

/** Sends {@link buildClose}. */
export async function close(
  context: PayeeContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  return send(context, { request: await buildClose(context, params), overrides: params.overrides });
}
