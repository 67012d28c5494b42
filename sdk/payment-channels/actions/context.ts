// What every payment channel action works on: the deployment, the runner, and the caches the client keeps between
// calls (terms by id, the session keys signing for this client). PaymentChannelsClient is a façade over one context.
import type { Interface } from "ethers";
import type { IPaymentChannels } from "../../../typechain-types/contracts/interfaces/IPaymentChannels";
import { IPaymentChannels__factory } from "../../../typechain-types/factories/contracts/interfaces/IPaymentChannels__factory";
import type { PreparedTransaction, TransactionOverrides } from "../../core/types";
import { requireSubmitter, submitPrepared } from "../../submitter/prepared";
import type { TransactionSubmitter } from "../../submitter/types";
import { InvalidParameterError } from "../../errors/base";
import { paymentChannelsInterface } from "../../internal/abi";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import { decodePaymentChannelsError } from "../../internal/revert";
import { decodePaymentChannelEvents } from "../events";
import { computePaymentChannelId, normalizePaymentChannel } from "../hashing";
import type { PaymentChannelRef, PaymentChannelWriteReturnType, PaymentChannelsClientParameters } from "../parameters";
import { toPaymentChannelId, type PaymentChannel, type PaymentChannelId } from "../types";

/** A payment channels client's context. */
export type PaymentChannelsContext = ContractContextBase & {
  readonly contract: IPaymentChannels;
  /** Terms by id: immutable, and kept only once checked against their id. */
  readonly terms: Map<PaymentChannelId, PaymentChannel>;
  /** The session key (private key) signing this client's messages on a channel, when one is in use. */
  readonly sessionKeys: Map<PaymentChannelId, string>;
  /** Sends the transactions that must land on time, when given (`PaymentChannelsClientParameters.submitter`). */
  readonly submitter?: TransactionSubmitter;
};

/** Checks the client parameters and builds the context of a client. */
export function createPaymentChannelsContext(params: PaymentChannelsClientParameters): PaymentChannelsContext {
  const base = createContractContextBase({ ...params, decodeError: decodePaymentChannelsError });
  return {
    ...base,
    contract: IPaymentChannels__factory.connect(base.address, base.runner),
    terms: new Map(),
    sessionKeys: new Map(),
    submitter: requireSubmitter(params.submitter),
  };
}

/** A call of the payment channels contract, as every `build*` action returns it. */
export function encodeCall(
  context: PaymentChannelsContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (paymentChannelsInterface as Interface).encodeFunctionData(name, args), value };
}

/**
 * The one way the client sends: estimate (decoding a revert into a typed error), send, wait for the client's
 * confirmations, and decode the channel events of the receipt.
 */
export async function send(
  context: PaymentChannelsContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<PaymentChannelWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodePaymentChannelEvents({ receipt, address: context.address }) };
}

/**
 * Sends a transaction that must land on time: through the context's submitter, labelled and with the deadline
 * (computed only then, so that the runner path reads nothing more), else with {@link send}.
 */
export async function sendOnTime(
  context: PaymentChannelsContext,
  params: {
    request: PreparedTransaction;
    overrides?: TransactionOverrides;
    label: string;
    deadline?: () => Promise<number | undefined>;
  },
): Promise<PaymentChannelWriteReturnType> {
  const { submitter } = context;
  if (submitter === undefined) return send(context, params.request, params.overrides);
  const receipt = await submitPrepared(submitter, {
    request: params.request,
    overrides: params.overrides,
    deadline: await params.deadline?.(),
    label: params.label,
  });
  return { receipt, events: decodePaymentChannelEvents({ receipt, address: context.address }) };
}

/** A channel's id on the context's deployment. */
export async function channelIdOf(
  context: PaymentChannelsContext,
  { channel }: { channel: PaymentChannel },
): Promise<PaymentChannelId> {
  return computePaymentChannelId({ chainId: await context.chainId(), contract: context.address, channel });
}

/**
 * The terms and id of a channel given by terms or by id. Terms given by id are rebuilt from the channel's
 * `ChannelOpened` event (from the context's `fromBlock`) and checked against the id; both are kept.
 */
export async function resolveChannel(
  context: PaymentChannelsContext,
  ref: PaymentChannelRef,
): Promise<{ channel: PaymentChannel; channelId: PaymentChannelId }> {
  if (typeof ref !== "string") {
    const channel = normalizePaymentChannel(ref);
    const channelId = await channelIdOf(context, { channel });
    context.terms.set(channelId, channel);
    return { channel, channelId };
  }
  const channelId = toPaymentChannelId(ref);
  const known = context.terms.get(channelId);
  if (known) return { channel: known, channelId };
  const provider = context.tx.provider();
  const logs = await context.tx.guard(() =>
    provider.getLogs({
      address: context.address,
      topics: paymentChannelsInterface.encodeFilterTopics("ChannelOpened", [channelId]),
      fromBlock: context.fromBlock,
      toBlock: "latest",
    }),
  );
  for (const event of decodePaymentChannelEvents({ logs, address: context.address })) {
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
