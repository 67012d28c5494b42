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
    // A payee's hot path resolves the same terms on every voucher: normalising them (four checksums) and hashing the
    // id cost more than recovering the signer, so terms seen before are looked up by their exact fields.
    const key = termsKey(ref);
    const cache = key === undefined ? undefined : cacheOf(context);
    const known = key === undefined ? undefined : cache!.get(key);
    if (known !== undefined) {
      // The terms by id may have been dropped since (a payee forgets those of a channel that did not exist yet).
      if (!context.terms.has(known.channelId)) context.terms.set(known.channelId, { ...known.channel });
      return { channel: { ...known.channel }, channelId: known.channelId };
    }
    const channel = normalizeChannel(ref);
    const channelId = await channelIdOf(context, { channel });
    context.terms.set(channelId, channel);
    if (key !== undefined) {
      if (cache!.size >= RESOLVED_CACHE_SIZE) cache!.clear();
      cache!.set(key, { channel: { ...channel }, channelId });
    }
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

/** Distinct terms remembered per context; beyond it the cache restarts (cheaply) rather than grow without bound. */
const RESOLVED_CACHE_SIZE = 65_536;
const resolved = new WeakMap<ChannelsContext, Map<string, { channel: Channel; channelId: ChannelId }>>();

function cacheOf(context: ChannelsContext): Map<string, { channel: Channel; channelId: ChannelId }> {
  let cache = resolved.get(context);
  if (cache === undefined) resolved.set(context, (cache = new Map()));
  return cache;
}

/** The exact fields of well-typed terms, or undefined (then nothing is cached: normalising reports the error). */
function termsKey(ref: Channel): string | undefined {
  if (ref === null || typeof ref !== "object") return undefined;
  const { payer, payee, token, signer, challengePeriod, salt } = ref;
  if (![payer, payee, token, signer].every((a) => typeof a === "string")) return undefined;
  if (typeof challengePeriod !== "number" || typeof salt !== "number") return undefined;
  return `${payer}|${payee}|${token}|${signer}|${challengePeriod}|${salt}`;
}
