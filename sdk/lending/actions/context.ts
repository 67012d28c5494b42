// What every lending action works on: the deployment, the runner (sending through the shared TransactionRunner, which
// decodes reverts with Lending's table), the TypeChain contract for reads, and the deployment's Auctions (read once).
// LendingClient is a façade over one context.
import type { Interface } from "ethers";
import type { ILending } from "../../../typechain-types/contracts/interfaces/ILending";
import { ILending__factory } from "../../../typechain-types/factories/contracts/interfaces/ILending__factory";
import type { Address, PreparedTransaction, TransactionOverrides } from "../../core/types";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import { decodeLendingError, lendingInterface } from "../abi";
import { decodeLendingEvents } from "../events";
import type { LendingClientParameters, LendingWriteReturnType } from "../parameters";

/** A lending client's context. */
export type LendingContext = ContractContextBase & {
  readonly contract: ILending;
  /** The deployment's Auctions contract (`ZeroAddress`: no sales), read once. */
  readonly auctions: () => Promise<Address>;
};

/** Checks the client parameters and builds the context of a client. */
export function createLendingContext(params: LendingClientParameters): LendingContext {
  const base = createContractContextBase({ ...params, decodeError: decodeLendingError });
  const contract = ILending__factory.connect(base.address, base.runner);
  let auctions: Promise<Address> | undefined;
  return { ...base, contract, auctions: () => (auctions ??= base.tx.guard(() => contract.auctions())) };
}

/** A call of the Lending contract, as every `build*` action returns it. */
export function encodeCall(
  context: LendingContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (lendingInterface as Interface).encodeFunctionData(name, args), value };
}

/** Estimates (decoding a revert into a typed error before anything is sent), sends, waits, decodes the events. */
export async function send(
  context: LendingContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<LendingWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodeLendingEvents({ receipt, address: context.address }) };
}

/** A view call, its failure decoded. */
export function read<T>(context: LendingContext, call: (contract: ILending) => Promise<T>): Promise<T> {
  return context.tx.guard(() => call(context.contract));
}

/** The latest block's timestamp: the clock the contract judges expiries and defaults by. */
export async function chainTime(context: LendingContext): Promise<bigint> {
  const block = await context.tx.guard(async () => {
    const found = await context.tx.provider().getBlock("latest");
    if (found === null) throw new Error("The provider returned no latest block");
    return found;
  });
  return BigInt(block.timestamp);
}

/** `account` if given (checked by the caller), else the client's signer: who will send the transaction. */
export async function callerOf(context: LendingContext, account: Address | undefined, what: string): Promise<Address> {
  return account ?? context.tx.signerAddress(`Pass ${what}, or give the client a Signer`);
}
