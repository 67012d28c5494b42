import { toNumber } from "ethers";
import type { ChannelState } from "../parameters";
import { ChannelStatus, toChannelId, type ChannelId } from "../types";
import type { ChannelsContext } from "./context";

/** A channel's state and, after a rotation, its session keys (a second read, only then). */
export async function getChannelState(
  context: ChannelsContext,
  { channelId }: { channelId: ChannelId },
): Promise<ChannelState> {
  const id = toChannelId(channelId);
  const raw = await context.tx.guard(() => context.contract.getChannelState(id));
  const state: ChannelState = {
    deposit: raw.deposit,
    claimed: raw.claimed,
    closesAt: toNumber(raw.closesAt),
    status: toNumber(raw.status) as ChannelStatus,
    signerChanged: raw.signerChanged,
  };
  if (state.signerChanged) {
    const change = await context.tx.guard(() => context.contract.signerChangeOf(id));
    state.signerChange = { current: change.current, previous: change.previous, changedAt: toNumber(change.changedAt) };
  }
  return state;
}
