// The sending side of the actions that need more than one call (docs/auctions.md § SDK): a creation with its lot's
// approval, a bid, buy or commit with an ERC20 approval of exactly what the contract pulls, and the checks that
// need the signer (a sealed bid is revealed by its own bidder).
import { ZeroAddress, type TransactionReceipt } from "ethers";
import type { WriteParameters } from "../../core/types";
import { AuctionRequestError } from "../../errors/auctions";
import type {
  AuctionWriteReturnType,
  BidParameters,
  BuildBidReturnType,
  BuyParameters,
  CreateAuctionReturnType,
  CreateDutchParameters,
  CreateEnglishParameters,
  CreateOptions,
  CreateSealedParameters,
  SealedBidParameters,
} from "../parameters";
import { approveBidToken, approveLot } from "./approve";
import { send, type AuctionContext } from "./context";
import { buildBid, buildBuy, buildCommit, buildCreate, buildReveal, requireOwnBid } from "./write";

type Creation =
  | ({ kind: "English" } & CreateEnglishParameters)
  | ({ kind: "Dutch" } & CreateDutchParameters)
  | ({ kind: "Sealed" } & CreateSealedParameters);

/** Approves the lot when asked (and not approved yet), creates, and reads the id from `AuctionCreated`. */
export async function create(
  context: AuctionContext,
  params: Creation & CreateOptions,
): Promise<CreateAuctionReturnType> {
  // Checked before any approval, so that terms the contract would refuse cost nothing.
  const request = await buildCreate(context, params);
  const approvalReceipt = params.approve === true ? await approveLot(context, { lot: params.lot }) : undefined;
  const result = await send(context, request, params.overrides);
  const created = result.events.find((event) => event.type === "AuctionCreated");
  if (created?.type !== "AuctionCreated") {
    throw new AuctionRequestError({
      code: "AUCTION_WRONG_KIND",
      message: "The creation's receipt holds no AuctionCreated event of this contract",
      details: { transactionHash: result.receipt.hash },
    });
  }
  return { ...result, auctionId: created.auctionId, approvalReceipt };
}

/** Bids from the signer's credit first (AU-E6), approving an ERC20 remainder when asked. */
export async function bid(
  context: AuctionContext,
  params: Omit<BidParameters, "bidder"> & WriteParameters & { approve?: boolean },
): Promise<
  AuctionWriteReturnType & Omit<BuildBidReturnType, "to" | "data" | "value"> & { approvalReceipt?: TransactionReceipt }
> {
  const bidder = await context.tx.signerAddress();
  const { to, data, value, fromCredit, paid, bidToken } = await buildBid(context, { ...params, bidder });
  const approvalReceipt =
    params.approve === true && bidToken !== ZeroAddress && paid > 0n
      ? await approveBidToken(context, { token: bidToken, amount: paid })
      : undefined;
  const result = await send(context, { to, data, value }, params.overrides);
  return { ...result, fromCredit, paid, bidToken, approvalReceipt };
}

/** Buys at most at `maxPrice`; returns the price paid, from `AuctionSettled`. */
export async function buy(
  context: AuctionContext,
  params: BuyParameters & WriteParameters & { approve?: boolean },
): Promise<AuctionWriteReturnType & { price: bigint; approvalReceipt?: TransactionReceipt }> {
  const { to, data, value, price: most, bidToken } = await buildBuy(context, params);
  const approvalReceipt =
    params.approve === true && bidToken !== ZeroAddress
      ? await approveBidToken(context, { token: bidToken, amount: most })
      : undefined;
  const result = await send(context, { to, data, value }, params.overrides);
  const settled = result.events.find((event) => event.type === "AuctionSettled");
  return { ...result, price: settled?.type === "AuctionSettled" ? settled.price : most, approvalReceipt };
}

/** Commits the signer's own sealed bid, approving an ERC20 deposit when asked. */
export async function commit(
  context: AuctionContext,
  params: SealedBidParameters & WriteParameters & { approve?: boolean },
): Promise<AuctionWriteReturnType & { approvalReceipt?: TransactionReceipt }> {
  await requireOwnBid(context, params.bid, await context.tx.signerAddress());
  const { to, data, value, bidToken } = await buildCommit(context, params);
  const approvalReceipt =
    params.approve === true && bidToken !== ZeroAddress
      ? await approveBidToken(context, { token: bidToken, amount: params.bid.deposit })
      : undefined;
  return { ...(await send(context, { to, data, value }, params.overrides)), approvalReceipt };
}

/** Reveals the signer's own sealed bid. */
export async function reveal(
  context: AuctionContext,
  params: SealedBidParameters & WriteParameters,
): Promise<AuctionWriteReturnType> {
  await requireOwnBid(context, params.bid, await context.tx.signerAddress());
  return send(context, await buildReveal(context, params), params.overrides);
}
