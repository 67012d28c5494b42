// What every auction action works on: the deployment, the runner (sending through the shared TransactionRunner,
// which decodes reverts with the auctions' table), and the TypeChain contract for reads. AuctionClient is a façade
// over one context.
import type { Block, Interface } from "ethers";
import type { IAuctions } from "../../../typechain-types/contracts/interfaces/IAuctions";
import { IAuctions__factory } from "../../../typechain-types/factories/contracts/interfaces/IAuctions__factory";
import type { Address, PreparedTransaction, TransactionOverrides } from "../../core/types";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import { requireAddress } from "../../internal/validate";
import { auctionsInterface, decodeAuctionsError } from "../abi";
import { decodeAuctionEvents } from "../events";
import type { AuctionClientParameters, AuctionWriteReturnType } from "../parameters";

/** An auction client's context. */
export type AuctionContext = ContractContextBase & { readonly contract: IAuctions };

/** Checks the client parameters and builds the context of a client. */
export function createAuctionContext(params: AuctionClientParameters): AuctionContext {
  const base = createContractContextBase({ ...params, decodeError: decodeAuctionsError });
  return { ...base, contract: IAuctions__factory.connect(base.address, base.runner) };
}

/** A call of the Auctions contract, as every `build*` action returns it. */
export function encodeCall(
  context: AuctionContext,
  name: string,
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (auctionsInterface as Interface).encodeFunctionData(name, args), value };
}

/** Estimates (decoding a revert into a typed error), sends, waits, and decodes the receipt's Auctions events. */
export async function send(
  context: AuctionContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<AuctionWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodeAuctionEvents({ receipt, address: context.address }) };
}

/** `bidder` if given (checked), else the client's signer: who will send the transaction being built. */
export async function requireBidder(context: AuctionContext, bidder: Address | undefined): Promise<Address> {
  return bidder === undefined ? context.tx.signerAddress() : requireAddress("bidder", bidder);
}

/** The latest block: the reads of one view are made at it, and its timestamp is the chain's clock. */
export async function latestBlock(context: AuctionContext): Promise<Block> {
  const block = await context.tx.guard(() => context.tx.provider().getBlock("latest"));
  if (block === null) throw decodeAuctionsError(new Error("The provider returned no latest block"));
  return block;
}
