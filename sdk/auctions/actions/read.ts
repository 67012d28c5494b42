// Reading auctions (docs/auctions.md § SDK, AU-SDK-3): one typed view per auction whatever its kind, every field read
// at one block so that the parts agree, and the derived numbers (minimum bid, Dutch price, sealed price) computed as
// the contract computes them at that block's timestamp.
import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import { AuctionRequestError } from "../../errors/auctions";
import { requireAddress, requireBigInt } from "../../internal/validate";
import { dutchPriceAt, nextMinimumBid } from "../pricing";
import {
  AuctionKind,
  toAuctionId,
  type Auction,
  type AuctionCommit,
  type AuctionId,
  type AuctionLot,
  AuctionState,
  type CommitStatus,
  type LotKind,
} from "../types";
import { latestBlock, type AuctionContext } from "./context";

const orNull = (account: string): Address | null => (account === ZeroAddress ? null : account);

/** The auction as one typed object, read at `blockTag` (default: the latest block). */
export async function readAuction(
  context: AuctionContext,
  params: { auctionId: AuctionId; blockTag?: number },
): Promise<Auction> {
  const auctionId = toAuctionId(params.auctionId);
  const block = params.blockTag ?? (await latestBlock(context)).number;
  const { contract, tx } = context;
  const overrides = { blockTag: block };
  const [lot, claimant, header] = await tx.guard(() =>
    Promise.all([
      contract.lotOf(auctionId, overrides),
      contract.lotClaimantOf(auctionId, overrides),
      tx.provider().getBlock(block),
    ]),
  );
  const kind = Number(lot.kind) as AuctionKind;
  if (kind === AuctionKind.None) {
    throw new AuctionRequestError({
      code: "AUCTION_WRONG_KIND",
      message: `No auction ${auctionId} on ${context.address}`,
      details: { auctionId },
    });
  }
  const at = BigInt(header?.timestamp ?? 0);
  const common = {
    auctionId,
    lot: {
      kind: Number(lot.lotKind) as LotKind,
      token: lot.token,
      id: lot.id,
      amount: lot.amount,
      feeBps: Number(lot.feeBps),
    } satisfies AuctionLot,
    lotClaimant: orNull(claimant),
    at,
  };
  if (kind === AuctionKind.English) {
    const a = await tx.guard(() => contract.englishOf(auctionId, overrides));
    const started = a.bidder !== ZeroAddress;
    return {
      ...common,
      kind,
      seller: a.seller,
      bidToken: a.bidToken,
      state: Number(a.state) as AuctionState,
      reserve: a.reserve,
      incrementBps: Number(a.incrementBps),
      extension: a.extension,
      started,
      duration: started ? null : a.end,
      end: started ? a.end : null,
      bidder: orNull(a.bidder),
      highest: a.amount,
      minimumBid: nextMinimumBid({
        highest: a.amount,
        incrementBps: Number(a.incrementBps),
        reserve: a.reserve,
        hasBid: started,
      }),
    };
  }
  if (kind === AuctionKind.Dutch) {
    const d = await tx.guard(() => contract.dutchOf(auctionId, overrides));
    const terms = { start: d.start, duration: d.duration, startPrice: d.startPrice, floorPrice: d.floorPrice };
    return {
      ...common,
      kind,
      seller: d.seller,
      bidToken: d.bidToken,
      state: Number(d.state) as AuctionState,
      ...terms,
      end: d.end,
      // AU-D4: a sold auction's price is what its taker paid; an open one's, the price at `at`.
      price: Number(d.state) === AuctionState.Settled ? d.price : dutchPriceAt({ at, ...terms }),
    };
  }
  const s = await tx.guard(() => contract.sealedOf(auctionId, overrides));
  return {
    ...common,
    kind: AuctionKind.Sealed,
    seller: s.seller,
    bidToken: s.bidToken,
    state: Number(s.state) as AuctionState,
    reserve: s.reserve,
    commitEnd: s.commitEnd,
    revealEnd: s.revealEnd,
    commits: Number(s.commits),
    bidder: orNull(s.bidder),
    highest: s.highest,
    second: s.second,
    price: s.second > s.reserve ? s.second : s.reserve,
  };
}

/** A bidder's sealed commit (all zero without one). */
export async function commitOf(
  context: AuctionContext,
  params: { auctionId: AuctionId; bidder: Address },
): Promise<AuctionCommit> {
  const c = await context.tx.guard(() =>
    context.contract.commitOf(toAuctionId(params.auctionId), requireAddress("bidder", params.bidder)),
  );
  return { hash: c.hash, deposit: c.deposit, seq: Number(c.seq), status: Number(c.status) as CommitStatus };
}

/** Who may claim the lot after a failed delivery, or null. */
export async function lotClaimantOf(
  context: AuctionContext,
  params: { auctionId: AuctionId },
): Promise<Address | null> {
  return orNull(await context.tx.guard(() => context.contract.lotClaimantOf(toAuctionId(params.auctionId))));
}

/** A credit left by a refused push, in ETH unless `token`. */
export function creditOf(context: AuctionContext, params: { token?: Address; account: Address }): Promise<bigint> {
  const token = requireAddress("token", params.token ?? ZeroAddress);
  const account = requireAddress("account", params.account);
  return context.tx.guard(() => context.contract.creditOf(token, account));
}

/** The smallest bid an English auction accepts now, from the contract (`minimumBidOf`). */
export function minimumBid(context: AuctionContext, params: { auctionId: AuctionId }): Promise<bigint> {
  return context.tx.guard(() => context.contract.minimumBidOf(toAuctionId(params.auctionId)));
}

/** The Dutch price at timestamp `at` (default: the latest block's), by the contract's formula (AU-D1). */
export async function currentPrice(
  context: AuctionContext,
  params: { auctionId: AuctionId; at?: bigint },
): Promise<bigint> {
  const auctionId = toAuctionId(params.auctionId);
  const at =
    params.at === undefined ? BigInt((await latestBlock(context)).timestamp) : requireBigInt("at", params.at, 0n);
  const d = await context.tx.guard(() => context.contract.dutchOf(auctionId));
  if (Number(d.state) === 0) {
    throw new AuctionRequestError({
      code: "AUCTION_WRONG_KIND",
      message: `Auction ${auctionId} is not a Dutch auction`,
      details: { auctionId },
    });
  }
  return dutchPriceAt({ at, start: d.start, duration: d.duration, startPrice: d.startPrice, floorPrice: d.floorPrice });
}
