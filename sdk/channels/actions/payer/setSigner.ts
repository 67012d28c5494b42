import { Wallet } from "ethers";
import type { PreparedTransaction } from "../../../core/types";
import type { Address } from "../../../core/types";
import { requireAddress, requireHex, requireThat } from "../../../internal/validate";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import type { Channel } from "../../types";
import { encodeCall, type ChannelsContext } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";
import type { PayerContext } from "./context";

/** What `setSigner` takes: the new key's address and, to sign the next vouchers with it, its private key. */
export type SetSignerParameters = {
  channel: Channel;
  signer: Address;
  privateKey?: string;
} & ChannelWriteParameters;

/** `setSigner(channel, signer)`: rotates the session key (`ZeroAddress` revokes it). */
export async function buildSetSigner(
  context: ChannelsContext,
  { channel, signer }: { channel: ChannelRef; signer: Address },
): Promise<PreparedTransaction> {
  const { channel: terms } = await resolveChannel(context, channel);
  const key = requireAddress("signer", signer);
  requireThat(key !== terms.payee, "signer", key, "must not be the payee");
  return encodeCall(context, "setSigner", [terms, key]);
}

/** Sends {@link buildSetSigner}; given the new key's private key, signs the channel's next vouchers with it. */
export async function setSigner(context: PayerContext, params: SetSignerParameters): Promise<ChannelWriteReturnType> {
  // Checked before sending: a key that does not match would sign vouchers the payee refuses.
  const key = params.privateKey === undefined ? undefined : new Wallet(requireHex("privateKey", params.privateKey, 32));
  requireThat(
    key === undefined || key.address === requireAddress("signer", params.signer),
    "privateKey",
    "(hidden)",
    "is not the new signer's key",
  );
  const result = await send(context, { request: await buildSetSigner(context, params), overrides: params.overrides });
  const { channelId } = await resolveChannel(context, params.channel);
  if (key !== undefined) context.sessionKeys.set(channelId, key.privateKey);
  else context.sessionKeys.delete(channelId);
  return result;
}

/** Signs the channel's next vouchers with `privateKey` instead of the context's signer. */
export async function useSessionKey(
  context: PayerContext,
  { channel, privateKey }: { channel: Channel; privateKey: string },
): Promise<void> {
  const { channelId } = await resolveChannel(context, channel);
  context.sessionKeys.set(channelId, new Wallet(requireHex("privateKey", privateKey, 32)).privateKey);
}
