import type { PreparedTransaction } from "../../core/types";
import { decodeChannelEvents } from "../events";
import type { ChannelWriteParameters, ChannelWriteReturnType } from "../parameters";
import type { ChannelsContext } from "./context";

/** A built transaction and the options of the sending method that built it. */
export type SendParameters = ChannelWriteParameters & { request: PreparedTransaction };

/**
 * The one way the channel clients send: estimate (decoding a revert into a typed error), send, wait for the
 * client's confirmations, decode the channel events of the receipt, and tell the context's observer about them.
 */
export async function send(
  context: ChannelsContext,
  { request, overrides }: SendParameters,
): Promise<ChannelWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  const events = decodeChannelEvents({ receipt, address: context.address });
  context.observe?.(events);
  return { receipt, events };
}
