// The unilateral path (rules PC-U1..U3, PC-S1): a participant closes with its incoming proof, the receiver of a
// direction (or a watchtower it authorised) answers with newer proofs, anyone settles after the challenge period.
// `update`, `updateFor` and `settle` take the record the slot commits to; omitted, it is rebuilt from events.
import { ZeroHash, toNumber } from "ethers";
import type { Address, PreparedTransaction } from "../../core/types";
import { requireAddress, requireBigInt, requireHex, requireThat } from "../../internal/validate";
import { channelTuple, normalizeBalanceProof, recordTuple } from "../hashing";
import type {
  ClosePaymentChannelParameters,
  PaymentChannelRef,
  PaymentChannelWriteReturnType,
  SettlePaymentChannelParameters,
  UpdateForParameters,
  UpdateParameters,
} from "../parameters";
import { PaymentChannelStatus, type BalanceProof, type PaymentChannel } from "../types";
import { encodeCall, resolveChannel, send, sendOnTime, type PaymentChannelsContext } from "./context";
import { currentRecord } from "./read";

const NO_PROOF: BalanceProof = { nonce: 0n, transferred: 0n, locked: 0n, locksRoot: ZeroHash };

function proofTuple(proof: BalanceProof): unknown[] {
  const p = normalizeBalanceProof(proof);
  return [p.nonce, p.transferred, p.locked, p.locksRoot];
}

/** `close(channel, proof, signature)`: without a proof, nothing is recorded for the incoming direction. */
export async function buildClose(
  context: PaymentChannelsContext,
  params: Omit<ClosePaymentChannelParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const proof = params.proof ?? NO_PROOF;
  requireThat(
    proof.nonce === 0n || params.signature !== undefined,
    "signature",
    params.signature,
    "a proof needs its sender's signature",
  );
  const signature = requireHex("signature", params.signature ?? "0x");
  return encodeCall(context, "close", [channelTuple(channel), proofTuple(proof), signature]);
}

/** Sends {@link buildClose}. */
export async function close(
  context: PaymentChannelsContext,
  params: ClosePaymentChannelParameters,
): Promise<PaymentChannelWriteReturnType> {
  return send(context, await buildClose(context, params), params.overrides);
}

function requireSender(channel: PaymentChannel, sender: Address): Address {
  const who = requireAddress("sender", sender);
  requireThat(
    who === channel.participant1 || who === channel.participant2,
    "sender",
    who,
    "is not a participant of the channel",
  );
  return who;
}

/** `update(channel, record, sender, proof, signature)`. */
export async function buildUpdate(
  context: PaymentChannelsContext,
  params: Omit<UpdateParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const sender = requireSender(channel, params.sender);
  const record = await currentRecord(context, params);
  return encodeCall(context, "update", [
    channelTuple(channel),
    recordTuple(record),
    sender,
    proofTuple(params.proof),
    requireHex("signature", params.signature),
  ]);
}

/** Sends {@link buildUpdate}; through the client's submitter, if any, by the channel's `closesAt`. */
export async function update(
  context: PaymentChannelsContext,
  params: UpdateParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: await buildUpdate(context, params),
    overrides: params.overrides,
    label: `update ${(await resolveChannel(context, params.channel)).channelId}`,
    deadline: () => closesAtOf(context, params.channel),
  });
}

/** `updateFor(channel, record, sender, proof, signature, reward, rewardSignature)`: a watchtower's update. */
export async function buildUpdateFor(
  context: PaymentChannelsContext,
  params: Omit<UpdateForParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const sender = requireSender(channel, params.sender);
  const record = await currentRecord(context, params);
  return encodeCall(context, "updateFor", [
    channelTuple(channel),
    recordTuple(record),
    sender,
    proofTuple(params.proof),
    requireHex("signature", params.signature),
    requireBigInt("reward", params.reward, 0n),
    requireHex("rewardSignature", params.rewardSignature),
  ]);
}

/** Sends {@link buildUpdateFor}; through the client's submitter, if any, by the channel's `closesAt`. */
export async function updateFor(
  context: PaymentChannelsContext,
  params: UpdateForParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: await buildUpdateFor(context, params),
    overrides: params.overrides,
    label: `updateFor ${(await resolveChannel(context, params.channel)).channelId}`,
    deadline: () => closesAtOf(context, params.channel),
  });
}

/** `settle(channel, record)`. */
export async function buildSettle(
  context: PaymentChannelsContext,
  params: Omit<SettlePaymentChannelParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const record = await currentRecord(context, params);
  return encodeCall(context, "settle", [channelTuple(channel), recordTuple(record)]);
}

/** Sends {@link buildSettle}; through the client's submitter, if any (settling has no deadline). */
export async function settle(
  context: PaymentChannelsContext,
  params: SettlePaymentChannelParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: await buildSettle(context, params),
    overrides: params.overrides,
    label: `settle ${(await resolveChannel(context, params.channel)).channelId}`,
  });
}

/**
 * The last second at which `update` and `updateFor` are accepted: the closed channel's `closesAt` (PC-U3). Undefined
 * for a channel not `Closed`, so that the submitter's estimate reports the contract's own error rather than a
 * missed deadline.
 */
async function closesAtOf(context: PaymentChannelsContext, ref: PaymentChannelRef): Promise<number | undefined> {
  const { channelId } = await resolveChannel(context, ref);
  const info = await context.tx.guard(() => context.contract.channelInfo(channelId));
  return toNumber(info.status) === PaymentChannelStatus.Closed ? toNumber(info.closesAt) : undefined;
}
