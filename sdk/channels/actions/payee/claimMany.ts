import { InvalidParameterError } from "../../../errors/base";
import { VoucherError } from "../../../errors/channels";
import type { Address } from "../../../core/types";
import { requireInteger } from "../../../internal/validate";
import type {
  ChannelState,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ClaimManyParameters,
  ClaimManyPlan,
  ClaimManySkipReason,
  PreparedClaimMany,
  SkippedClaim,
} from "../../parameters";
import { ChannelStatus, type Channel, type ChannelId, type Voucher } from "../../types";
import { encodeCall } from "../context";
import { resolveChannel } from "../resolveChannel";
import { isAuthorizedAt, walletAccepts } from "./checks";
import type { PayeeContext } from "./context";
import { claimDeadline, sendOnTime } from "./submit";

/**
 * The `claimMany(payee, token, claims)` transactions for the best vouchers of `channels`, one per token, and the
 * channels left out: those whose claim would pay nothing, and those the contract would refuse in a block mined
 * `margin` seconds after the latest (any one of them would revert its whole batch, M-C3).
 */
export async function planClaimMany(
  context: PayeeContext,
  { channels, margin = 0 }: ClaimManyParameters,
): Promise<ClaimManyPlan> {
  const payee = await context.payee();
  const delay = requireInteger("margin", margin, 0, 30 * 86_400);
  const { tx } = context;
  const provider = tx.provider();
  const latest = await tx.guard(() => provider.getBlock("latest"));
  // The earliest the batch can be mined: the next block, which is at least a second after the latest.
  const at = (latest?.timestamp ?? Math.floor(context.chain.now())) + 1 + delay;
  const groups = new Map<Address, { channelIds: ChannelId[]; claims: unknown[] }>();
  const skipped: SkippedClaim[] = [];
  const seen = new Set<ChannelId>();
  for (const ref of channels) {
    const { channel, channelId } = await resolveChannel(context, ref);
    if (channel.payee !== payee) {
      throw new InvalidParameterError({ parameter: "channels", value: channelId, reason: `not paying ${payee}` });
    }
    if (seen.has(channelId)) continue;
    seen.add(channelId);
    const best = await context.store.get(channelId);
    if (best === undefined) {
      skipped.push({ channelId, reason: "no-voucher" });
      continue;
    }
    const { state } = await context.chain.state(channelId, true);
    const reason = await refusal(context, { channel, state, voucher: best, at });
    if (reason !== undefined) {
      skipped.push({ channelId, reason });
      continue;
    }
    const group = groups.get(channel.token) ?? { channelIds: [], claims: [] };
    group.channelIds.push(channelId);
    group.claims.push([
      channel.payer,
      channel.signer,
      channel.challengePeriod,
      channel.salt,
      best.amount,
      best.signature,
    ]);
    groups.set(channel.token, group);
  }
  const batches = [...groups].map(([token, { channelIds, claims }]) => ({
    ...encodeCall(context, "claimMany", [payee, token, claims]),
    token,
    channelIds,
  }));
  return { batches, skipped };
}

/** The batches of {@link planClaimMany}. */
export async function buildClaimMany(context: PayeeContext, params: ClaimManyParameters): Promise<PreparedClaimMany[]> {
  return (await planClaimMany(context, params)).batches;
}

/**
 * Sends the batches of {@link planClaimMany}, one after the other. Through the client's submitter, if any, a batch's
 * deadline is the earliest of its channels': one claim refused would revert the whole batch (M-C3).
 */
export async function claimMany(
  context: PayeeContext,
  params: ClaimManyParameters & ChannelWriteParameters,
): Promise<ChannelWriteReturnType[]> {
  const results: ChannelWriteReturnType[] = [];
  for (const { to, data, value, token, channelIds } of await buildClaimMany(context, params)) {
    const deadline = async () => {
      const each = await Promise.all(channelIds.map((channelId) => claimDeadline(context, channelId)));
      const known = each.filter((at): at is number => at !== undefined);
      return known.length === 0 ? undefined : Math.min(...known);
    };
    const request = { to, data, value };
    const label = `claimMany ${token} (${channelIds.length})`;
    results.push(await sendOnTime(context, { request, overrides: params.overrides, label, deadline }));
  }
  return results;
}

/**
 * What the contract's `_claim` would do with the voucher in a batch mined at chain time `at`, in its order: revert
 * for an unknown or closed channel or a challenge period over, skip a claim that pays nothing, revert for a
 * signature it does not accept (`_requireVoucher`: the payer's ECDSA signature, a session key valid at `at`, or the
 * payer wallet's ERC-1271 approval). Undefined when the claim pays.
 */
async function refusal(
  context: PayeeContext,
  { channel, state, voucher, at }: { channel: Channel; state: ChannelState; voucher: Voucher; at: number },
): Promise<ClaimManySkipReason | undefined> {
  if (state.status === ChannelStatus.None) return "not-found";
  if (state.status !== ChannelStatus.Open) return "closed";
  if (state.closesAt !== 0 && at > state.closesAt) return "challenge-over";
  const claimable = voucher.amount < state.deposit ? voucher.amount : state.deposit;
  if (claimable <= state.claimed) return "nothing-to-claim";
  const { channelId, amount, signature } = voucher;
  let recovered: string | undefined;
  try {
    recovered = (await context.verifier()).recoverLowercase({ channelId, amount, signature });
  } catch (error) {
    // A wallet's signature need not be ECDSA: the contract then asks the wallet, as below.
    if (!(error instanceof VoucherError)) throw error;
  }
  if (recovered !== undefined && isAuthorizedAt(channel, state, recovered, at)) return undefined;
  if (await walletAccepts(context, { payer: channel.payer, channelId, amount, signature })) return undefined;
  return "invalid-signature";
}
