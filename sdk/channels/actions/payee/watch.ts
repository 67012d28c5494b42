// The payee's watcher (docs/micropayments.md §5): polls the contract's logs and claims with the best stored voucher
// when a payer requests to close or rotates its key, at once and again shortly before the deadline.
import type { Interface } from "ethers";
import { channelsInterface } from "../../../internal/abi";
import { requireInteger } from "../../../internal/validate";
import { decodeChannelEvents, type ChannelEvent } from "../../events";
import type { WatchParameters, Watcher } from "../../parameters";
import { ChannelStatus, type ChannelId } from "../../types";
import { resolveChannel } from "../resolveChannel";
import { claim } from "./claim";
import type { PayeeContext } from "./context";

/** setTimeout's limit (about 24.8 days); longer waits are chained. */
const MAX_TIMER = 2 ** 31 - 1;
const WATCHED_EVENTS = [
  "ChannelCloseRequested",
  "SignerChanged",
  "ChannelToppedUp",
  "ChannelClaimed",
  "ChannelClosed",
  "ChannelFinalized",
];

type Reason = "close" | "signer";

/**
 * Starts watching: on `ChannelCloseRequested` or `SignerChanged` for a channel with a stored voucher, claims at once
 * and again `margin` seconds before the close or the grace period ends; other events of the channels drop their
 * cached states. At start, channels with a stored voucher that are already closing or rotating are handled alike.
 */
export function watch(
  context: PayeeContext,
  { pollingInterval = 4_000, margin, onClaim, onError }: WatchParameters = {},
): Watcher {
  const interval = requireInteger("pollingInterval", pollingInterval, 1, 3_600_000);
  const safety = requireInteger("margin", margin ?? context.claimMargin, 0, 30 * 86_400);
  const report = onError ?? (() => undefined);
  const topics = [WATCHED_EVENTS.map((name) => (channelsInterface as Interface).getEvent(name)!.topicHash)];
  const timers = new Set<NodeJS.Timeout>();
  const claiming = new Map<ChannelId, Promise<void>>();
  let stopped = false;
  let lastBlock: number | undefined;
  let running: Promise<void> = Promise.resolve();

  const claimNow = (channelId: ChannelId, reason: Reason) => {
    const previous = claiming.get(channelId) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (stopped) return;
      try {
        const best = await context.store.get(channelId);
        if (best === undefined) return;
        const { state } = await context.chain.state(channelId, true);
        const claimable = best.amount < state.deposit ? best.amount : state.deposit;
        if (state.status !== ChannelStatus.Open || claimable <= state.claimed) return;
        const { receipt } = await claim(context, { channel: channelId });
        context.chain.drop(channelId);
        onClaim?.({ channelId, receipt, reason });
      } catch (error) {
        report(error);
      }
    });
    claiming.set(channelId, next);
    return next;
  };

  const claimBefore = (channelId: ChannelId, deadline: number, reason: Reason) => {
    const wait = (deadline - safety - context.chain.now()) * 1000;
    if (wait <= 0 || stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        if (wait > MAX_TIMER) claimBefore(channelId, deadline, reason);
        else void claimNow(channelId, reason);
      },
      Math.min(wait, MAX_TIMER),
    );
    timers.add(timer);
  };

  /** At start: channels with a stored voucher that are already closing or rotating get their claims scheduled. */
  const sweep = async () => {
    for (const voucher of await context.store.all()) {
      try {
        const { channel } = await resolveChannel(context, voucher.channelId);
        const { state } = await context.chain.state(voucher.channelId, true);
        if (state.status !== ChannelStatus.Open) continue;
        if (state.closesAt !== 0) {
          claimBefore(voucher.channelId, state.closesAt, "close");
          await claimNow(voucher.channelId, "close");
        } else if (
          state.signerChange &&
          context.chain.now() <= state.signerChange.changedAt + channel.challengePeriod
        ) {
          claimBefore(voucher.channelId, state.signerChange.changedAt + channel.challengePeriod, "signer");
          await claimNow(voucher.channelId, "signer");
        }
      } catch (error) {
        report(error);
      }
    }
  };

  const handle = async (event: ChannelEvent) => {
    if (!("channelId" in event)) return;
    context.chain.drop(event.channelId);
    if (event.type !== "ChannelCloseRequested" && event.type !== "SignerChanged") return;
    if ((await context.store.get(event.channelId)) === undefined) return;
    const reason = event.type === "ChannelCloseRequested" ? "close" : "signer";
    const deadline = Number(event.type === "ChannelCloseRequested" ? event.closesAt : event.graceEndsAt);
    claimBefore(event.channelId, deadline, reason);
    await claimNow(event.channelId, reason);
  };

  const poll = async () => {
    try {
      const provider = context.tx.provider();
      const latest = await context.tx.guard(() => provider.getBlockNumber());
      if (lastBlock === undefined) {
        lastBlock = latest;
        await sweep();
        return;
      }
      if (latest <= lastBlock) return;
      const logs = await context.tx.guard(() =>
        provider.getLogs({ address: context.address, topics, fromBlock: lastBlock! + 1, toBlock: latest }),
      );
      lastBlock = latest;
      for (const event of decodeChannelEvents({ logs, address: context.address })) await handle(event);
    } catch (error) {
      report(error);
    }
  };

  const loop = () => {
    if (stopped) return;
    running = poll().then(() => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        loop();
      }, interval);
      timers.add(timer);
    });
  };
  loop();

  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await running;
      await Promise.all(claiming.values());
    },
  };
}
