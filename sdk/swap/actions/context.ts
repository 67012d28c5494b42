// What every swap action works on: the deployment, the runner, and the nonces this client has handed out (so that
// two orders made in a row before either is filled do not share one). SwapClient is a façade over one context.
import type { Interface } from "ethers";
import type { ISwap } from "../../../typechain-types/contracts/interfaces/ISwap";
import { ISwap__factory } from "../../../typechain-types/factories/contracts/interfaces/ISwap__factory";
import type { Address, PreparedTransaction, TransactionOverrides } from "../../core/types";
import { swapInterface } from "../../internal/abi";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import { decodeSwapError } from "../../internal/revert";
import { decodeSwapEvents } from "../events";
import type { SwapClientParameters, SwapWriteReturnType } from "../parameters";
import { requireSameDeployment } from "../serialize";
import { hashSwapOrder } from "../typed-data";
import type { SignedSwapOrder, SwapOrder, SwapOrderHash } from "../types";
import { normalizeSwapOrder, requireDeployment } from "../validate";

/** A swap client's context. */
export type SwapContext = ContractContextBase & {
  readonly contract: ISwap;
  /** Nonces handed out by `makeOrder`, by maker: not yet visible on-chain, never handed out twice. */
  readonly reservedNonces: Map<Address, Set<bigint>>;
};

/** Checks the client parameters and builds the context of a client. */
export function createSwapContext(params: SwapClientParameters): SwapContext {
  const base = createContractContextBase({ ...params, decodeError: decodeSwapError });
  return {
    ...base,
    contract: ISwap__factory.connect(base.address, base.runner),
    reservedNonces: new Map(),
  };
}

/** A call of the Swap contract, as every `build*` action returns it. */
export function encodeCall(
  context: SwapContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (swapInterface as Interface).encodeFunctionData(name, args), value };
}

/** Estimates (decoding a revert into a typed error), sends, waits, and decodes the receipt's Swap events. */
export async function send(
  context: SwapContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<SwapWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodeSwapEvents({ receipt, address: context.address }) };
}

/** The order's fields in the contract's struct order (what the ABI encoder takes). */
export function orderTuple(order: SwapOrder) {
  return {
    maker: order.maker,
    makerToken: order.makerToken,
    makerAmount: order.makerAmount,
    takerToken: order.takerToken,
    takerAmount: order.takerAmount,
    taker: order.taker,
    recipient: order.recipient,
    minFill: order.minFill,
    expiry: order.expiry,
    nonce: order.nonce,
    feeBps: order.feeBps,
  };
}

/**
 * A signed order checked against this deployment (the chain and contract it was signed for) with its fields
 * normalised, and its hash.
 *
 * @throws {SwapOrderError} `SWAP_ORDER_WRONG_CHAIN`, `SWAP_ORDER_WRONG_CONTRACT` or `SWAP_ORDER_MALFORMED`.
 */
export async function resolveSigned(
  context: SwapContext,
  signed: SignedSwapOrder,
): Promise<{ signed: SignedSwapOrder; orderHash: SwapOrderHash }> {
  const deployment = requireDeployment(signed);
  requireSameDeployment(deployment, { chainId: await context.chainId(), contract: context.address });
  const checked = { ...deployment, order: normalizeSwapOrder(signed.order), signature: signed.signature };
  return { signed: checked, orderHash: hashSwapOrder(checked) };
}

/** The order's hash on this deployment, for an unsigned order. */
export async function orderHashOf(context: SwapContext, order: SwapOrder): Promise<SwapOrderHash> {
  return hashSwapOrder({ chainId: await context.chainId(), contract: context.address, order });
}

/** The signer's address when the runner can sign, else undefined (a read-only client). */
export async function signerAddressOrUndefined(context: SwapContext): Promise<Address | undefined> {
  const runner = context.runner as { getAddress?: unknown; sendTransaction?: unknown } | null;
  if (typeof runner?.getAddress !== "function" || typeof runner.sendTransaction !== "function") return undefined;
  return context.tx.signerAddress();
}

/** The latest block's timestamp: the chain's clock, which is what expiry is judged by. */
export async function latestTimestamp(context: SwapContext): Promise<bigint> {
  const block = await context.tx.guard(() => context.tx.provider().getBlock("latest"));
  if (block === null) return BigInt(Math.floor(Date.now() / 1000));
  return BigInt(block.timestamp);
}
