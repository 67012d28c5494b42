import type { Channel, ChannelId } from "../types";
import { computeChannelId } from "../voucher";
import type { ChannelsContext } from "./context";

/** A channel's id on the context's deployment. */
export async function channelIdOf(context: ChannelsContext, { channel }: { channel: Channel }): Promise<ChannelId> {
  return computeChannelId({ chainId: await context.chainId(), contract: context.address, channel });
}
