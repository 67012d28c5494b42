// What every channel action works on: the deployment, the runner, and the caches that the client keeps between
// calls. The clients (PayerClient, PayeeClient) are façades that hold one context and pass it to the actions.
import type { Interface } from "ethers";
import type { IMicropaymentChannels } from "../../../typechain-types/contracts/interfaces/IMicropaymentChannels";
import { IMicropaymentChannels__factory } from "../../../typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory";
import { decodeChannelsError } from "../../internal/revert";
import type { PreparedTransaction } from "../../core/types";
import { channelsInterface } from "../../internal/abi";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import type { ChannelEvent } from "../events";
import type { ChannelsClientParameters } from "../parameters";
import type { Channel, ChannelId } from "../types";

/**
 * A channels client's context. Every field is a reference shared by the contexts derived from it (a payer's or a
 * payee's context spreads this one), so a cache filled through one is seen through the others.
 */
export type ChannelsContext = ContractContextBase & {
  readonly contract: IMicropaymentChannels;
  /** Terms by id: immutable, and kept only once checked against their id. */
  readonly terms: Map<ChannelId, Channel>;
  /** Told the events of each transaction the client sends (the payee drops the cached states they change). */
  readonly observe?: (events: readonly ChannelEvent[]) => void;
};

/** Checks the client parameters and builds the context of a client. */
export function createChannelsContext(params: ChannelsClientParameters): ChannelsContext {
  const base = createContractContextBase({ ...params, decodeError: decodeChannelsError });
  return {
    ...base,
    contract: IMicropaymentChannels__factory.connect(base.address, base.runner),
    terms: new Map(),
  };
}

/** A call of the channels contract, as every `build*` action returns it. */
export function encodeCall(
  context: ChannelsContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (channelsInterface as Interface).encodeFunctionData(name, args), value };
}
