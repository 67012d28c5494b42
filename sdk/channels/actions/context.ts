// What every channel action works on: the deployment, the runner, and the caches that the client keeps between
// calls. The clients (PayerClient, PayeeClient) are façades that hold one context and pass it to the actions.
import type { ContractRunner, Interface } from "ethers";
import type { IMicropaymentChannels } from "../../../typechain-types/contracts/interfaces/IMicropaymentChannels";
import { IMicropaymentChannels__factory } from "../../../typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory";
import { decodeChannelsError } from "../../internal/revert";
import type { PreparedTransaction } from "../../core/types";
import type { Address } from "../../core/types";
import { channelsInterface } from "../../internal/abi";
import { TransactionRunner } from "../../internal/transactions";
import { requireAddress, requireInteger } from "../../internal/validate";
import type { ChannelEvent } from "../events";
import type { ChannelsClientParameters } from "../parameters";
import type { Channel, ChannelId } from "../types";

/**
 * A channels client's context. Every field is a reference shared by the contexts derived from it (a payer's or a
 * payee's context spreads this one), so a cache filled through one is seen through the others.
 */
export type ChannelsContext = {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  readonly contract: IMicropaymentChannels;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly tx: TransactionRunner;
  /** The chain id of the runner's provider, read once. */
  readonly chainId: () => Promise<bigint>;
  /** Terms by id: immutable, and kept only once checked against their id. */
  readonly terms: Map<ChannelId, Channel>;
  /** Told the events of each transaction the client sends (the payee drops the cached states they change). */
  readonly observe?: (events: readonly ChannelEvent[]) => void;
};

/** Checks the client parameters and builds the context of a client. */
export function createChannelsContext({
  address,
  runner,
  fromBlock = 0,
  confirmations = 1,
}: ChannelsClientParameters): ChannelsContext {
  const contractAddress = requireAddress("address", address);
  const firstBlock = requireInteger("fromBlock", fromBlock, 0, Number.MAX_SAFE_INTEGER);
  const blocks = requireInteger("confirmations", confirmations, 1, 1_000);
  const tx = new TransactionRunner(runner, blocks, decodeChannelsError);
  let chainId: Promise<bigint> | undefined;
  return {
    address: contractAddress,
    runner,
    contract: IMicropaymentChannels__factory.connect(contractAddress, runner),
    fromBlock: firstBlock,
    confirmations: blocks,
    tx,
    chainId: () => (chainId ??= tx.guard(() => tx.provider().getNetwork()).then((network) => network.chainId)),
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
