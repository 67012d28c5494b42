import { InvalidParameterError } from "../../errors/base";
import { channelsInterface } from "../../internal/abi";
import { decodeChannelEvents } from "../events";
import type { ChannelRef } from "../parameters";
import { toChannelId, type Channel, type ChannelId } from "../types";
import { normalizeChannel } from "../voucher";
import { channelIdOf } from "./channelIdOf";
import type { ChannelsContext } from "./context";

/**
 * The terms and id of a channel given by terms or by id. Terms given by id are rebuilt from the channel's
 * `ChannelOpened` event (from the context's `fromBlock`) and checked against the id; both are kept.
 */
export async function resolveChannel(
  context: ChannelsContext,
  ref: ChannelRef,
): Promise<{ channel: Channel; channelId: ChannelId }> {
  if (typeof ref !== "string") {
    const channel = normalizeChannel(ref);
    const channelId = await channelIdOf(context, { channel });
    context.terms.set(channelId, channel);
    return { channel, channelId };
  }
  const channelId = toChannelId(ref);
  const known = context.terms.get(channelId);
  if (known) return { channel: known, channelId };
  const provider = context.tx.provider();
  const logs = await context.tx.guard(() =>
    provider.getLogs({
      address: context.address,
      topics: channelsInterface.encodeFilterTopics("ChannelOpened", [channelId]),
      fromBlock: context.fromBlock,
      toBlock: "latest",
    }),
  );
  for (const event of decodeChannelEvents({ logs, address: context.address })) {
    if (event.type === "ChannelOpened" && (await channelIdOf(context, { channel: event.channel })) === channelId) {
      context.terms.set(channelId, event.channel);
      return { channel: event.channel, channelId };
    }
  }
  throw new InvalidParameterError({
    parameter: "channel",
    value: ref,
    reason: `no ChannelOpened event for this id from block ${context.fromBlock}; pass the channel's terms`,
  });
}
