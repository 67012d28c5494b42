// Opening and funding (rules PC-O1..O3, PC-D1): the opener is participant1; deposits by value, allowance, an exact
// approval or a permit. Terms are checked before anything is signed or sent.
import { ZeroAddress, randomBytes, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address, PreparedTransaction } from "../../core/types";
import { requireAddress, requireBigInt, requireInteger, requireThat } from "../../internal/validate";
import { signPermit } from "../../signing/permit";
import { channelTuple } from "../hashing";
import type {
  BuildOpenPaymentChannelParameters,
  BuildOpenPaymentChannelReturnType,
  DepositParameters,
  OpenPaymentChannelParameters,
  OpenPaymentChannelReturnType,
  PaymentChannelPermit,
  PaymentChannelWriteReturnType,
} from "../parameters";
import { PAYMENT_CHANNEL_LIMITS as LIMITS, type PaymentChannel } from "../types";
import { channelIdOf, encodeCall, resolveChannel, send, type PaymentChannelsContext } from "./context";

const PERMIT_VALIDITY = 3_600;

/** The `open` (or `openWithPermit`) transaction, with the terms and id of the channel it opens. */
export async function buildOpen(
  context: PaymentChannelsContext,
  params: BuildOpenPaymentChannelParameters,
): Promise<BuildOpenPaymentChannelReturnType> {
  const opener = params.participant1 ?? (await context.tx.signerAddress("Pass participant1"));
  const channel = channelFromParameters(
    context,
    { ...params, salt: params.salt ?? 0 },
    requireAddress("participant1", opener),
  );
  const amount = requireBigInt("amount", params.amount, 1n, LIMITS.amountBound);
  const channelId = await channelIdOf(context, { channel });
  if (params.permit !== undefined) {
    requireThat(channel.token !== ZeroAddress, "permit", params.permit, "ETH channels take no permit");
    const { deadline, v, r, s } = params.permit;
    const call = encodeCall(context, "openWithPermit", [channelTuple(channel), amount, deadline, v, r, s]);
    return { ...call, channel, channelId };
  }
  const value = channel.token === ZeroAddress ? amount : 0n;
  return { ...encodeCall(context, "open", [channelTuple(channel), amount], value), channel, channelId };
}

/** Opens and funds a channel from the context's signer: by value, allowance, an exact approval, or a permit. */
export async function open(
  context: PaymentChannelsContext,
  params: OpenPaymentChannelParameters,
): Promise<OpenPaymentChannelReturnType> {
  const signer = context.tx.signer();
  const opener = await context.tx.signerAddress();
  const salt = params.salt ?? randomSalt();
  const funding = params.funding ?? "allowance";
  requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
  const token = requireAddress("token", params.token ?? ZeroAddress);
  requireThat(token !== ZeroAddress || funding === "allowance", "funding", funding, "ETH channels are funded by value");
  // Validate before any approval or permit is signed.
  channelFromParameters(context, { ...params, salt }, opener);
  requireBigInt("amount", params.amount, 1n, LIMITS.amountBound);

  const approvalReceipt =
    funding === "approve" ? await approveIfShort(context, { owner: opener, token, amount: params.amount }) : undefined;
  let permit: PaymentChannelPermit | undefined;
  if (funding === "permit") {
    const deadline = params.permitDeadline ?? (await latestTimestamp(context)) + PERMIT_VALIDITY;
    const { v, r, s } = await signPermit({ signer, token, spender: context.address, value: params.amount, deadline });
    permit = { deadline, v, r, s };
  }
  const { channel, channelId, ...request } = await buildOpen(context, {
    ...params,
    salt,
    participant1: opener,
    permit,
  });
  const result = await send(context, request, params.overrides);
  return { ...result, channel, channelId, approvalReceipt };
}

/** `deposit(channel, participant, amount)`: ETH by value, an ERC20 by allowance; for either participant. */
export async function buildDeposit(
  context: PaymentChannelsContext,
  params: Omit<DepositParameters, "approve" | "overrides">,
): Promise<PreparedTransaction> {
  const { channel } = await resolveChannel(context, params.channel);
  const participant = requireAddress(
    "participant",
    params.participant ?? (await context.tx.signerAddress("Pass participant")),
  );
  requireThat(
    participant === channel.participant1 || participant === channel.participant2,
    "participant",
    participant,
    "is not a participant of the channel",
  );
  const amount = requireBigInt("amount", params.amount, 1n, LIMITS.amountBound);
  const value = channel.token === ZeroAddress ? amount : 0n;
  return encodeCall(context, "deposit", [channelTuple(channel), participant, amount], value);
}

/** Sends {@link buildDeposit}, approving exactly the amount first when asked. */
export async function deposit(
  context: PaymentChannelsContext,
  params: DepositParameters,
): Promise<PaymentChannelWriteReturnType> {
  const request = await buildDeposit(context, params);
  const { channel } = await resolveChannel(context, params.channel);
  if (params.approve === true && channel.token !== ZeroAddress) {
    const owner = await context.tx.signerAddress();
    await approveIfShort(context, { owner, token: channel.token, amount: params.amount });
  }
  return send(context, request, params.overrides);
}

/** Approves the contract for exactly `amount` when the allowance is short: never an unlimited allowance. */
async function approveIfShort(
  context: PaymentChannelsContext,
  { owner, token, amount }: { owner: Address; token: Address; amount: bigint },
): Promise<TransactionReceipt | undefined> {
  const erc20 = IERC20__factory.connect(token, context.tx.provider());
  const allowance = await context.tx.guard(() => erc20.allowance(owner, context.address));
  if (allowance >= amount) return undefined;
  const data = erc20.interface.encodeFunctionData("approve", [context.address, amount]);
  return context.tx.send({ to: token, data, value: 0n });
}

/** The terms of a new channel, checked against rule PC-O1 before anything is signed or sent. */
function channelFromParameters(
  context: PaymentChannelsContext,
  params: Omit<BuildOpenPaymentChannelParameters, "participant1" | "permit">,
  participant1: Address,
): PaymentChannel {
  const participant2 = requireAddress("participant2", params.participant2);
  requireThat(participant2 !== ZeroAddress, "participant2", participant2, "must not be the zero address");
  requireThat(participant2 !== participant1, "participant2", participant2, "must not be the opener");
  requireThat(participant2 !== context.address, "participant2", participant2, "must not be the contract");
  const key1 = requireAddress("key1", params.key1 ?? ZeroAddress);
  requireThat(key1 !== participant2, "key1", key1, "must not be the counterparty");
  const challengePeriod = requireInteger(
    "challengePeriod",
    params.challengePeriod,
    LIMITS.minChallengePeriod,
    LIMITS.maxChallengePeriod,
  );
  const salt = requireInteger("salt", params.salt ?? 0, 0, 2 ** 32 - 1);
  const token = requireAddress("token", params.token ?? ZeroAddress);
  return { participant1, participant2, token, key1, challengePeriod, salt };
}

async function latestTimestamp(context: PaymentChannelsContext): Promise<number> {
  const block = await context.tx.guard(() => context.tx.provider().getBlock("latest"));
  return block?.timestamp ?? Math.floor(Date.now() / 1000);
}

/** A uniformly random 32-bit salt from the platform's CSPRNG. */
function randomSalt(): number {
  const bytes = randomBytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}
