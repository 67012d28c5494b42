import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall, type ChannelsContext } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";

/** `requestClose(channel)`: starts the challenge period. */
export async function buildRequestClose(
  context: ChannelsContext,
  { channel }: { channel: ChannelRef },
): Promise<PreparedTransaction> {
  const { channel: terms } = await resolveChannel(context, channel);
  return encodeCall(context, "requestClose", [terms]);
}

/** Sends {@link buildRequestClose}. */
export async function requestClose(
  context: ChannelsContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  return send(context, { request: await buildRequestClose(context, params), overrides: params.overrides });
}
