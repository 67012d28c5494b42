// The auction actions as unsigned `{ to, data, value }` calls (docs/auctions.md § SDK, AU-SDK-2…AU-SDK-5), with what
// the client can see checked first: the spec's bounds at creation, a bid below the minimum or after the end, the
// credit a bid reuses, a Dutch price above the buyer's limit, a sealed bid for another deployment or bidder.
import { ZeroAddress } from "ethers";
import type { Address, PreparedTransaction } from "../../core/types";
import { AuctionRequestError } from "../../errors/auctions";
import { requireAddress, requireBigInt } from "../../internal/validate";
import type {
  BidParameters,
  BuildBidReturnType,
  BuildBuyReturnType,
  BuyParameters,
  CreateDutchParameters,
  CreateEnglishParameters,
  CreateSealedParameters,
} from "../parameters";
import { dutchPriceAt, nextMinimumBid } from "../pricing";
import type { SealedBid } from "../sealed";
import { AUCTION_LIMITS, AuctionState, toAuctionId, type AuctionId } from "../types";
import { dutchTerms, englishTerms, sealedTerms } from "../validate";
import { encodeCall, latestBlock, requireBidder, type AuctionContext } from "./context";

export { requireBidder };

function refuse(code: AuctionRequestError["code"], message: string, details: Record<string, unknown>): never {
  throw new AuctionRequestError({ code, message, details });
}

/** A token the contract will call must have code (AU-L1, AU-L5): refused here rather than by a revert. */
async function requireCode(context: AuctionContext, token: Address, code: AuctionRequestError["code"], field: string) {
  const bytecode = await context.tx.guard(() => context.tx.provider().getCode(token));
  if (bytecode === "0x") refuse(code, `${field} ${token} has no code`, { field, value: token, reason: "no code" });
}

/** A creation call, its lot and terms checked against the spec's bounds and the tokens' code. */
export async function buildCreate(
  context: AuctionContext,
  params:
    | ({ kind: "English" } & CreateEnglishParameters)
    | ({ kind: "Dutch" } & CreateDutchParameters)
    | ({ kind: "Sealed" } & CreateSealedParameters),
): Promise<PreparedTransaction> {
  const { lot, terms } =
    params.kind === "English"
      ? englishTerms(params, context.address)
      : params.kind === "Dutch"
        ? dutchTerms(params, context.address)
        : sealedTerms(params, context.address);
  await requireCode(context, lot.token, "AUCTION_INVALID_LOT", "lot.token");
  if (terms.bidToken !== ZeroAddress) {
    await requireCode(context, terms.bidToken, "AUCTION_INVALID_PARAMETERS", "bidToken");
  }
  return encodeCall(context, `create${params.kind}`, [lot, terms]);
}

/** The English auction's stored state, refused unless it is an open English auction. */
async function openEnglish(context: AuctionContext, auctionId: AuctionId) {
  const block = await latestBlock(context);
  const a = await context.tx.guard(() => context.contract.englishOf(auctionId, { blockTag: block.number }));
  requireOpen(auctionId, Number(a.state), "English");
  return { a, next: BigInt(block.timestamp) + 1n };
}

function requireOpen(auctionId: AuctionId, state: number, kind: string): void {
  if (state === AuctionState.None) refuse("AUCTION_WRONG_KIND", `Auction ${auctionId} is not ${kind}`, { auctionId });
  if (state !== AuctionState.Open) refuse("AUCTION_NOT_OPEN", `Auction ${auctionId} is not open`, { auctionId, state });
}

/**
 * `bid(id, amount, fromCredit)` (AU-E1…AU-E6). The next block's timestamp is at least the latest's plus one: a bid
 * that could only land at or after the end is refused, as is one below the minimum.
 */
export async function buildBid(context: AuctionContext, params: BidParameters): Promise<BuildBidReturnType> {
  const auctionId = toAuctionId(params.auctionId);
  const amount = requireBigInt("amount", params.amount, 0n);
  if (amount > AUCTION_LIMITS.maxAmount) refuse("AUCTION_AMOUNT_TOO_LARGE", `${amount} exceeds 96 bits`, { amount });
  const bidder = await requireBidder(context, params.bidder);
  const { a, next } = await openEnglish(context, auctionId);
  const started = a.bidder !== ZeroAddress;
  const minimum = nextMinimumBid({
    highest: a.amount,
    incrementBps: a.incrementBps,
    reserve: a.reserve,
    hasBid: started,
  });
  if (amount < minimum) refuse("AUCTION_BID_TOO_LOW", `Bid ${amount} below ${minimum}`, { amount, minimum });
  if (started && next >= a.end) refuse("AUCTION_ENDED", `Bidding ended at ${a.end}`, { end: a.end });
  const credit =
    params.useCredit === false ? 0n : await context.tx.guard(() => context.contract.creditOf(a.bidToken, bidder));
  const fromCredit = credit < amount ? credit : amount;
  const paid = amount - fromCredit;
  const request = encodeCall(context, "bid", [auctionId, amount, fromCredit], a.bidToken === ZeroAddress ? paid : 0n);
  return { ...request, fromCredit, paid, bidToken: a.bidToken };
}

/** `buy(id)` (AU-D2): at most `maxPrice`, judged at the earliest timestamp the buy can be mined at. */
export async function buildBuy(context: AuctionContext, params: BuyParameters): Promise<BuildBuyReturnType> {
  const auctionId = toAuctionId(params.auctionId);
  const maxPrice = requireBigInt("maxPrice", params.maxPrice, 1n);
  const block = await latestBlock(context);
  const d = await context.tx.guard(() => context.contract.dutchOf(auctionId, { blockTag: block.number }));
  requireOpen(auctionId, Number(d.state), "Dutch");
  const at = BigInt(block.timestamp) + 1n;
  if (at >= d.end) refuse("AUCTION_ENDED", `The Dutch auction ended at ${d.end}`, { end: d.end });
  // The price only falls: the price at the earliest block is the most the buy can cost.
  const price = dutchPriceAt({
    at,
    start: d.start,
    duration: d.duration,
    startPrice: d.startPrice,
    floorPrice: d.floorPrice,
  });
  if (price > maxPrice) {
    refuse("AUCTION_PRICE_ABOVE_MAX", `The price ${price} is above the limit ${maxPrice}`, { price, maxPrice, at });
  }
  const request = encodeCall(context, "buy", [auctionId], d.bidToken === ZeroAddress ? maxPrice : 0n);
  return { ...request, price, at, bidToken: d.bidToken };
}

/** Refuses a sealed bid made for another chain or contract, or (when `sender` is known) for another bidder. */
export async function requireOwnBid(context: AuctionContext, bid: SealedBid, sender?: Address): Promise<void> {
  const chainId = await context.chainId();
  const mismatch = (field: string, expected: unknown, actual: unknown) =>
    refuse("AUCTION_SEALED_BID_MISMATCH", `The sealed bid's ${field} is ${actual}, not ${expected}`, {
      field,
      expected,
      actual,
    });
  if (bid.chainId !== chainId) mismatch("chainId", chainId, bid.chainId);
  if (requireAddress("contract", bid.contract) !== context.address) mismatch("contract", context.address, bid.contract);
  if (sender !== undefined && requireAddress("bidder", bid.bidder) !== sender) mismatch("bidder", sender, bid.bidder);
}

/** `commit(id, hash, deposit)` (AU-V1): the deposit as `value` for ETH; refused once the commit phase is over. */
export async function buildCommit(
  context: AuctionContext,
  params: { bid: SealedBid },
): Promise<PreparedTransaction & { bidToken: Address }> {
  const { bid } = params;
  await requireOwnBid(context, bid);
  const auctionId = toAuctionId(bid.auctionId);
  const deposit = requireBigInt("deposit", bid.deposit, 1n);
  if (deposit > AUCTION_LIMITS.maxAmount) refuse("AUCTION_AMOUNT_TOO_LARGE", `${deposit} exceeds 96 bits`, { deposit });
  const block = await latestBlock(context);
  const s = await context.tx.guard(() => context.contract.sealedOf(auctionId, { blockTag: block.number }));
  requireOpen(auctionId, Number(s.state), "a sealed-bid auction");
  if (BigInt(block.timestamp) + 1n >= s.commitEnd) {
    refuse("AUCTION_COMMIT_CLOSED", `Commits closed at ${s.commitEnd}`, { commitEnd: s.commitEnd });
  }
  const request = encodeCall(
    context,
    "commit",
    [auctionId, bid.hash, deposit],
    s.bidToken === ZeroAddress ? deposit : 0n,
  );
  return { ...request, bidToken: s.bidToken };
}

/** `reveal(id, amount, salt)` (AU-V3). */
export async function buildReveal(context: AuctionContext, params: { bid: SealedBid }): Promise<PreparedTransaction> {
  await requireOwnBid(context, params.bid);
  const { auctionId, amount, salt } = params.bid;
  return encodeCall(context, "reveal", [toAuctionId(auctionId), amount, salt]);
}

/** A call taking only the auction id: `settle`, `cancel`, `reclaim`. */
export function buildById(context: AuctionContext, name: "settle" | "cancel" | "reclaim", auctionId: AuctionId) {
  return encodeCall(context, name, [toAuctionId(auctionId)]);
}

/** `claimLot(id, to)` (AU-L4): `to` neither zero nor the contract. */
export function buildClaimLot(context: AuctionContext, params: { auctionId: AuctionId; to: Address }) {
  const to = requireAddress("to", params.to);
  if (to === ZeroAddress || to === context.address) {
    refuse("AUCTION_INVALID_PARAMETERS", "claimLot needs a recipient other than zero and the contract", { to });
  }
  return encodeCall(context, "claimLot", [toAuctionId(params.auctionId), to]);
}

/** `withdraw(token, to)` of a credit. */
export function buildWithdraw(context: AuctionContext, params: { token?: Address; to: Address }) {
  return encodeCall(context, "withdraw", [
    requireAddress("token", params.token ?? ZeroAddress),
    requireAddress("to", params.to),
  ]);
}

/** `collectFees(token)`: anyone may send the accrued fees to the fee recipient (AU-X3). */
export function buildCollectFees(context: AuctionContext, params: { token?: Address }) {
  return encodeCall(context, "collectFees", [requireAddress("token", params.token ?? ZeroAddress)]);
}
