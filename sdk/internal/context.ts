// What the channel clients' contexts share (sdk/channels/actions/context.ts, sdk/payment-channels/actions/context.ts):
// the checked deployment parameters, the transaction runner decoding the contract's reverts, and the chain id.
import type { ContractRunner } from "ethers";
import type { Address } from "../core/types";
import type { PeerPayError } from "../errors/base";
import { TransactionRunner } from "./transactions";
import { requireAddress, requireInteger } from "./validate";

/** The part of a client's context that does not depend on the contract. */
export type ContractContextBase = {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly tx: TransactionRunner;
  /** The chain id of the runner's provider, read once. */
  readonly chainId: () => Promise<bigint>;
};

/**
 * Checks a client's parameters (`fromBlock` default 0, `confirmations` 1 to 1,000, default 1) and builds the part of
 * its context every contract shares.
 *
 * @throws {InvalidParameterError} a parameter is malformed or out of range.
 */
export function createContractContextBase({
  address,
  runner,
  fromBlock = 0,
  confirmations = 1,
  decodeError,
}: {
  address: Address;
  runner: ContractRunner | null;
  fromBlock?: number;
  confirmations?: number;
  decodeError: (error: unknown) => PeerPayError;
}): ContractContextBase {
  const contractAddress = requireAddress("address", address);
  const firstBlock = requireInteger("fromBlock", fromBlock, 0, Number.MAX_SAFE_INTEGER);
  const blocks = requireInteger("confirmations", confirmations, 1, 1_000);
  const tx = new TransactionRunner(runner, blocks, decodeError);
  let chainId: Promise<bigint> | undefined;
  return {
    address: contractAddress,
    runner,
    fromBlock: firstBlock,
    confirmations: blocks,
    tx,
    chainId: () => (chainId ??= tx.guard(() => tx.provider().getNetwork()).then((network) => network.chainId)),
  };
}
