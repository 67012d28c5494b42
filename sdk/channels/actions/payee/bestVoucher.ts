import type { ChannelRef } from "../../parameters";
import type { Voucher } from "../../types";
import { resolveChannel } from "../resolveChannel";
import type { PayeeContext } from "./context";

/** The best voucher stored for a channel (given by id, no chain read is needed). */
export async function bestVoucher(
  context: PayeeContext,
  { channel }: { channel: ChannelRef },
): Promise<Voucher | undefined> {
  const channelId = typeof channel === "string" ? channel : (await resolveChannel(context, channel)).channelId;
  return context.store.get(channelId);
}
