import { ZeroAddress, randomBytes } from "ethers";
import type { Address } from "../../../core/types";
import { requireAddress, requireBigInt, requireInteger, requireThat } from "../../../internal/validate";
import { signPermit } from "../../../signing/permit";
import type {
  BuildOpenChannelReturnType,
  ChannelWriteParameters,
  OpenChannelParameters,
  OpenChannelReturnType,
} from "../../parameters";
import type { Channel } from "../../types";
import { channelIdOf } from "../channelIdOf";
import { encodeCall, type ChannelsContext } from "../context";
import { send } from "../send";
import { approveIfShort } from "./approve";
import { AMOUNT_BOUND, MAX_CHALLENGE_PERIOD, MIN_CHALLENGE_PERIOD } from "./context";

const PERMIT_VALIDITY = 3_600;

/** A permit signed by the payer for the channels contract (EIP-2612). */
export type OpenPermit = { deadline: number; v: number; r: string; s: string };

/** What `buildOpen` takes: the channel's terms, the payer (default: the signer), and a permit for `openWithPermit`. */
export type BuildOpenParameters = OpenChannelParameters & { payer?: Address; permit?: OpenPermit };

/** The `open` (or `openWithPermit`) transaction, with the terms and id of the channel it opens. */
export async function buildOpen(
  context: ChannelsContext,
  params: BuildOpenParameters,
): Promise<BuildOpenChannelReturnType> {
  const payer = requireAddress("payer", params.payer ?? (await context.tx.signerAddress("Pass payer")));
  const channel = channelFromParameters(context, params, payer);
  const openParams = {
    payee: channel.payee,
    token: channel.token,
    signer: channel.signer,
    amount: params.amount,
    challengePeriod: channel.challengePeriod,
    salt: channel.salt,
  };
  const channelId = await channelIdOf(context, { channel });
  if (params.permit !== undefined) {
    requireThat(channel.token !== ZeroAddress, "permit", params.permit, "ETH channels take no permit");
    const { deadline, v, r, s } = params.permit;
    return { ...encodeCall(context, "openWithPermit", [openParams, deadline, v, r, s]), channel, channelId };
  }
  const value = channel.token === ZeroAddress ? params.amount : 0n;
  return { ...encodeCall(context, "open", [openParams], value), channel, channelId };
}

/** Opens and funds a channel from the context's signer: by value, allowance, an exact approval, or a permit. */
export async function open(
  context: ChannelsContext,
  params: OpenChannelParameters & ChannelWriteParameters,
): Promise<OpenChannelReturnType> {
  const signer = context.tx.signer();
  const payer = await context.tx.signerAddress();
  const salt = params.salt ?? randomSalt();
  const funding = params.funding ?? "allowance";
  requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
  const token = requireAddress("token", params.token ?? ZeroAddress);
  requireThat(token !== ZeroAddress || funding === "allowance", "funding", funding, "ETH channels are funded by value");
  // Validate before any approval or permit is signed.
  channelFromParameters(context, { ...params, salt }, payer);

  const approvalReceipt =
    funding === "approve" ? await approveIfShort(context, { owner: payer, token, amount: params.amount }) : undefined;
  let permit: OpenPermit | undefined;
  if (funding === "permit") {
    const deadline = params.permitDeadline ?? (await latestTimestamp(context)) + PERMIT_VALIDITY;
    const { v, r, s } = await signPermit({ signer, token, spender: context.address, value: params.amount, deadline });
    permit = { deadline, v, r, s };
  }
  const { channel, channelId, ...request } = await buildOpen(context, { ...params, salt, payer, permit });
  const result = await send(context, { request, overrides: params.overrides });
  return { ...result, channel, channelId, approvalReceipt };
}

/** The terms of a new channel, checked against rule M-O1 before anything is signed or sent. */
function channelFromParameters(context: ChannelsContext, params: OpenChannelParameters, payer: Address): Channel {
  const payee = requireAddress("payee", params.payee);
  requireThat(payee !== ZeroAddress, "payee", payee, "must not be the zero address");
  requireThat(payee !== payer, "payee", payee, "must not be the payer");
  requireThat(payee !== context.address, "payee", payee, "must not be the channels contract");
  const signer = requireAddress("signer", params.signer ?? ZeroAddress);
  requireThat(signer !== payee, "signer", signer, "must not be the payee");
  requireBigInt("amount", params.amount, 1n, AMOUNT_BOUND);
  const challengePeriod = requireInteger(
    "challengePeriod",
    params.challengePeriod,
    MIN_CHALLENGE_PERIOD,
    MAX_CHALLENGE_PERIOD,
  );
  const salt = requireInteger("salt", params.salt ?? 0, 0, 2 ** 32 - 1);
  const token = requireAddress("token", params.token ?? ZeroAddress);
  return { payer, payee, token, signer, challengePeriod, salt };
}

async function latestTimestamp(context: ChannelsContext): Promise<number> {
  const block = await context.tx.guard(() => context.tx.provider().getBlock("latest"));
  return block?.timestamp ?? Math.floor(Date.now() / 1000);
}

/** A uniformly random 32-bit salt from the platform's CSPRNG. */
function randomSalt(): number {
  const bytes = randomBytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}
