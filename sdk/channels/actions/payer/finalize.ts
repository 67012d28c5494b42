import type { PreparedTransaction } from "../../../core/types";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall, type ChannelsContext } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";

/** `finalize(channel)`: after the challenge period, returns what the payee did not claim to the payer. */
export async function buildFinalize(
  context: ChannelsContext,
  { channel }: { channel: ChannelRef },
): Promise<PreparedTransaction> {
  const { channel: terms } = await resolveChannel(context, channel);
  return encodeCall(context, "finalize", [terms]);
}

/** Sends {@link buildFinalize}. */
export async function finalize(
  context: ChannelsContext,
  params: { channel: ChannelRef } & ChannelWriteParameters,
): Promise<ChannelWriteReturnType> {
  return send(context, { request: await buildFinalize(context, params), overrides: params.overrides });
}
