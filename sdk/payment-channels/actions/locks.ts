// Hash locks after settlement (rules PC-L1..L3), session keys (§7) and pull-payment credits.
import { Wallet, ZeroAddress } from "ethers";
import type { Address, PreparedTransaction, WriteParameters } from "../../core/types";
import { requireAddress, requireHex, requireInteger, requireThat } from "../../internal/validate";
import { channelTuple, normalizeLock, normalizePendingLocks, pendingTuple } from "../hashing";
import type { PaymentChannelRef, PaymentChannelWriteReturnType, UnlockParameters } from "../parameters";
import { PAYMENT_CHANNEL_LIMITS, PaymentChannelStatus } from "../types";
import { encodeCall, resolveChannel, send, sendOnTime, type PaymentChannelsContext } from "./context";
import { getChannel } from "./read";

/** `registerSecret(secret)`: reveals a 32-byte secret on-chain, now. */
export function buildRegisterSecret(
  context: PaymentChannelsContext,
  { secret }: { secret: string },
): PreparedTransaction {
  return encodeCall(context, "registerSecret", [requireHex("secret", secret, 32)]);
}

/** `registerSecrets(secrets)`: many at once; those already registered keep their first time. */
export function buildRegisterSecrets(
  context: PaymentChannelsContext,
  { secrets }: { secrets: readonly string[] },
): PreparedTransaction {
  requireThat(Array.isArray(secrets) && secrets.length > 0, "secrets", secrets, "must be a non-empty array");
  return encodeCall(context, "registerSecrets", [secrets.map((s, i) => requireHex(`secrets[${i}]`, s, 32))]);
}

/**
 * Sends {@link buildRegisterSecret}; through the client's submitter, if any, by `deadline` (the expiry of the locks
 * the secret pays: a secret registered after it pays nothing, PC-L2).
 */
export async function registerSecret(
  context: PaymentChannelsContext,
  params: { secret: string; deadline?: number } & WriteParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: buildRegisterSecret(context, params),
    overrides: params.overrides,
    label: "registerSecret",
    deadline: async () => deadlineOf(params.deadline),
  });
}

/** Sends {@link buildRegisterSecrets}; through the client's submitter, if any, by `deadline` (the earliest expiry). */
export async function registerSecrets(
  context: PaymentChannelsContext,
  params: { secrets: readonly string[]; deadline?: number } & WriteParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: buildRegisterSecrets(context, params),
    overrides: params.overrides,
    label: `registerSecrets (${params.secrets.length})`,
    deadline: async () => deadlineOf(params.deadline),
  });
}

function deadlineOf(deadline: number | undefined): number | undefined {
  return deadline === undefined
    ? undefined
    : requireInteger("deadline", deadline, 0, PAYMENT_CHANNEL_LIMITS.lockExpiryMax);
}

/** `unlock(channel, sender, locks, pending)`; `pending` defaults to the one rebuilt from the channel's events. */
export async function buildUnlock(
  context: PaymentChannelsContext,
  params: Omit<UnlockParameters, "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const sender = requireAddress("sender", params.sender);
  requireThat(
    sender === channel.participant1 || sender === channel.participant2,
    "sender",
    sender,
    "is not a participant of the channel",
  );
  requireThat(Array.isArray(params.locks), "locks", params.locks, "must be an array of locks");
  const locks = params.locks.map((lock, i) => normalizeLock(lock, `locks[${i}]`));
  let pending = params.pending;
  if (pending === undefined) {
    const state = await getChannel(context, { channel });
    requireThat(state.status === PaymentChannelStatus.Settled, "channel", state.status, "is not settled");
    pending = state.pending!;
  }
  return encodeCall(context, "unlock", [
    channelTuple(channel),
    sender,
    locks.map((l) => [l.amount, l.expiry, l.secretHash]),
    pendingTuple(normalizePendingLocks(pending)),
  ]);
}

/** Sends {@link buildUnlock}; through the client's submitter, if any (unlocking has no deadline). */
export async function unlock(
  context: PaymentChannelsContext,
  params: UnlockParameters,
): Promise<PaymentChannelWriteReturnType> {
  return sendOnTime(context, {
    request: await buildUnlock(context, params),
    overrides: params.overrides,
    label: `unlock ${(await resolveChannel(context, params.channel)).channelId}`,
  });
}

/** `setSessionKey(channel, key)`: the caller's new key (`ZeroAddress` revokes); the previous one keeps its grace. */
export async function buildSetSessionKey(
  context: PaymentChannelsContext,
  { channel: ref, key }: { channel: PaymentChannelRef; key: Address },
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, ref);
  const address = requireAddress("key", key);
  requireThat(
    address !== channel.participant1 && address !== channel.participant2,
    "key",
    address,
    "must not be a participant",
  );
  return encodeCall(context, "setSessionKey", [channelTuple(channel), address]);
}

/** Sends {@link buildSetSessionKey}; given the new key's private key, signs the client's next messages with it. */
export async function setSessionKey(
  context: PaymentChannelsContext,
  params: { channel: PaymentChannelRef; key: Address; privateKey?: string } & WriteParameters,
): Promise<PaymentChannelWriteReturnType> {
  // Checked before sending: a key that does not match would sign messages the counterparty refuses.
  const wallet =
    params.privateKey === undefined ? undefined : new Wallet(requireHex("privateKey", params.privateKey, 32));
  requireThat(
    wallet === undefined || wallet.address === requireAddress("key", params.key),
    "privateKey",
    "(hidden)",
    "is not the new key's",
  );
  const result = await send(context, await buildSetSessionKey(context, params), params.overrides);
  const { channelId } = await resolveChannel(context, params.channel);
  if (wallet !== undefined && params.key !== ZeroAddress) context.sessionKeys.set(channelId, wallet.privateKey);
  else context.sessionKeys.delete(channelId);
  return result;
}

/** Signs the client's next messages on the channel with `privateKey` instead of the client's signer. */
export async function useSessionKey(
  context: PaymentChannelsContext,
  { channel, privateKey }: { channel: PaymentChannelRef; privateKey: string },
): Promise<void> {
  const { channelId } = await resolveChannel(context, channel);
  context.sessionKeys.set(channelId, new Wallet(requireHex("privateKey", privateKey, 32)).privateKey);
}

/** `withdraw(token, to)`: the caller's whole credit in `token` (ETH when omitted), to `to` (default: the caller). */
export async function buildWithdrawCredit(
  context: PaymentChannelsContext,
  { token, to }: { token?: Address; to?: Address },
): Promise<PreparedTransaction> {
  const recipient = requireAddress("to", to ?? (await context.tx.signerAddress("Pass to")));
  return encodeCall(context, "withdraw", [requireAddress("token", token ?? ZeroAddress), recipient]);
}
