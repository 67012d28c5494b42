// How the payee's claims and closes are sent: through the client's submitter when it has one, with the last second
// the contract accepts the voucher as the deadline (docs/micropayments.md §5), else from the runner as before.
import type { PreparedTransaction } from "../../../core/types";
import { submitPrepared } from "../../../submitter/prepared";
import { VoucherError } from "../../../errors/channels";
import { decodeChannelEvents } from "../../events";
import type { ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import type { ChannelId } from "../../types";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";
import type { PayeeContext } from "./context";

/**
 * The last chain second at which the contract accepts a claim (or the payee's close) of the channel with its best
 * stored voucher: the close request's `closesAt`, and, for a voucher signed by the key a rotation replaced, the end
 * of that key's grace period, whichever comes first. Undefined when nothing limits it. Read fresh: a stale state
 * could miss a close request and give no deadline at all.
 */
export async function claimDeadline(context: PayeeContext, channelId: ChannelId): Promise<number | undefined> {
  const { state } = await context.chain.state(channelId, true);
  const deadlines: number[] = state.closesAt === 0 ? [] : [state.closesAt];
  const best = await context.store.get(channelId);
  const change = state.signerChange;
  if (best !== undefined && state.signerChanged && change !== undefined) {
    const { channel } = await resolveChannel(context, channelId);
    let signer: string | undefined;
    try {
      signer = (await context.verifier()).recoverLowercase(best);
    } catch (error) {
      // Not an ECDSA signature (a wallet's, checked by ERC-1271 at claim time): no key's grace applies.
      if (!(error instanceof VoucherError)) throw error;
    }
    const previous = change.previous.toLowerCase();
    if (signer === previous && signer !== channel.payer.toLowerCase() && signer !== change.current.toLowerCase()) {
      deadlines.push(change.changedAt + channel.challengePeriod);
    }
  }
  return deadlines.length === 0 ? undefined : Math.min(...deadlines);
}

/**
 * Sends a payee transaction: through the submitter, labelled and with `deadline`, when the client has one (the
 * receipt's channel events are decoded and observed as `send` does), else through the runner with `send`.
 */
export async function sendOnTime(
  context: PayeeContext,
  params: ChannelWriteParameters & {
    request: PreparedTransaction;
    label: string;
    /** Computed only when a submitter sends: the runner path reads nothing more than before. */
    deadline: () => Promise<number | undefined>;
  },
): Promise<ChannelWriteReturnType> {
  const { submitter } = context;
  if (submitter === undefined) return send(context, { request: params.request, overrides: params.overrides });
  const receipt = await submitPrepared(submitter, {
    request: params.request,
    overrides: params.overrides,
    deadline: await params.deadline(),
    label: params.label,
  });
  const events = decodeChannelEvents({ receipt, address: context.address });
  context.observe?.(events);
  return { receipt, events };
}
