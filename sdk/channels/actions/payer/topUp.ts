import { ZeroAddress } from "ethers";
import type { PreparedTransaction } from "../../../core/types";
import { requireBigInt } from "../../../internal/validate";
import type { ChannelRef, ChannelWriteParameters, ChannelWriteReturnType } from "../../parameters";
import { encodeCall, type ChannelsContext } from "../context";
import { resolveChannel } from "../resolveChannel";
import { send } from "../send";
import { approveIfShort } from "./approve";
import { AMOUNT_BOUND } from "./context";

/** What `topUp` takes; `approve: true` approves exactly the amount first for an ERC20 when the allowance is short. */
export type TopUpParameters = { channel: ChannelRef; amount: bigint; approve?: boolean } & ChannelWriteParameters;

/** `topUp(channel, amount)`: ETH by value, an ERC20 by allowance. */
export async function buildTopUp(
  context: ChannelsContext,
  { channel, amount }: { channel: ChannelRef; amount: bigint },
): Promise<PreparedTransaction> {
  const { channel: terms } = await resolveChannel(context, channel);
  const value = requireBigInt("amount", amount, 1n, AMOUNT_BOUND);
  return encodeCall(context, "topUp", [terms, value], terms.token === ZeroAddress ? value : 0n);
}

/** Sends {@link buildTopUp}, approving first when asked. */
export async function topUp(context: ChannelsContext, params: TopUpParameters): Promise<ChannelWriteReturnType> {
  const request = await buildTopUp(context, params);
  const { channel } = await resolveChannel(context, params.channel);
  if (params.approve === true && channel.token !== ZeroAddress) {
    const owner = await context.tx.signerAddress();
    await approveIfShort(context, { owner, token: channel.token, amount: params.amount });
  }
  return send(context, { request, overrides: params.overrides });
}
