// Listing from events (docs/auctions.md §6, AU-SDK-6): a seller's auctions (`AuctionCreated` by seller), a bidder's
// auctions (`BidPlaced`, `Committed` and `AuctionSettled` by bidder or winner) with the bidder's status in each, and
// an account's claimable lots (`LotClaimable` by claimant, still unclaimed), each by its indexed topic, in chunks
// of at most `blockRange` blocks (sdk/internal/scan.ts). The views are read at the range's last block (the latest
// by default), so a status is as of then.
import type { Address } from "../core/types";
import { scanLogs, type ScanPage } from "../internal/scan";
import { requireAddress } from "../internal/validate";
import { auctionsInterface } from "./abi";
import { readAuction } from "./actions/read";
import type { AuctionContext } from "./actions/context";
import { decodeAuctionEvents, type AuctionEvent } from "./events";
import type {
  AuctionBidRecord,
  AuctionBidStatus,
  AuctionsOfParameters,
  AuctionsOfReturnType,
  BidsOfParameters,
  BidsOfReturnType,
  ClaimableLotsParameters,
  ClaimableLotsReturnType,
} from "./parameters";
import { AuctionKind, AuctionState, CommitStatus, type Auction, type AuctionId } from "./types";

type EventName = "AuctionCreated" | "BidPlaced" | "Committed" | "AuctionSettled" | "LotClaimable";

const topic = (name: EventName) => auctionsInterface.getEvent(name)!.topicHash;
const padded = (account: Address) => auctionsInterface.getAbiCoder().encode(["address"], [account]);

/** Scans the topic sets and collects the auction ids of the matching events, once each, in order. */
async function scanIds(
  context: AuctionContext,
  topicSets: (string | null)[][],
  range: AuctionsOfParameters | BidsOfParameters | ClaimableLotsParameters,
  keep: (event: AuctionEvent) => { auctionId: AuctionId; amount?: bigint } | null,
): Promise<{ page: ScanPage; ids: Map<AuctionId, bigint> }> {
  const ids = new Map<AuctionId, bigint>();
  const page = await scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets,
    range,
    defaultFromBlock: context.fromBlock,
    decode: context.tx.decode,
    take: (logs) => {
      let found = 0;
      for (const event of decodeAuctionEvents({ logs, address: context.address })) {
        const kept = keep(event);
        if (kept === null) continue;
        if (!ids.has(kept.auctionId)) found += 1;
        // The last amount seen wins: an English bidder's last bid, a Dutch buyer's price.
        ids.set(kept.auctionId, kept.amount ?? ids.get(kept.auctionId) ?? 0n);
      }
      return found;
    },
  });
  return { page, ids };
}

/** The seller's auctions created in the range, each read at the end of the scan. */
export async function auctionsOf(context: AuctionContext, params: AuctionsOfParameters): Promise<AuctionsOfReturnType> {
  const seller = requireAddress("seller", params.seller);
  const { page, ids } = await scanIds(context, [[topic("AuctionCreated"), null, padded(seller)]], params, (e) =>
    e.type === "AuctionCreated" && e.seller === seller ? { auctionId: e.auctionId } : null,
  );
  const auctions = await Promise.all(
    [...ids.keys()].map((auctionId) => readAuction(context, { auctionId, blockTag: page.toBlock })),
  );
  return { ...page, auctions };
}

/** The auctions `bidder` bid on, committed to or bought in the range, with its status in each. */
export async function bidsOf(context: AuctionContext, params: BidsOfParameters): Promise<BidsOfReturnType> {
  const bidder = requireAddress("bidder", params.bidder);
  const me = padded(bidder);
  const topicSets = [
    [topic("BidPlaced"), null, me],
    [topic("Committed"), null, me],
    [topic("AuctionSettled"), null, me],
  ];
  const { page, ids } = await scanIds(context, topicSets, params, (e) => {
    if (e.type === "BidPlaced" && e.bidder === bidder) return { auctionId: e.auctionId, amount: e.amount };
    if (e.type === "Committed" && e.bidder === bidder) return { auctionId: e.auctionId, amount: e.deposit };
    // A Dutch buy has no bid event: its settlement names the buyer.
    if (e.type === "AuctionSettled" && e.winner === bidder) return { auctionId: e.auctionId, amount: e.price };
    return null;
  });
  const bids = await Promise.all(
    [...ids].map(([auctionId, lastBid]) => bidRecord(context, { auctionId, bidder, lastBid, blockTag: page.toBlock })),
  );
  return { ...page, bids };
}

async function bidRecord(
  context: AuctionContext,
  params: { auctionId: AuctionId; bidder: Address; lastBid: bigint; blockTag: number },
): Promise<AuctionBidRecord> {
  const { auctionId, bidder, blockTag } = params;
  const auction = await readAuction(context, { auctionId, blockTag });
  const credit = await context.tx.guard(() =>
    context.contract.creditOf(auction.bidToken, bidder, { blockTag: blockTag }),
  );
  let lastBid = params.lastBid;
  let status: AuctionBidStatus;
  if (auction.lotClaimant === bidder) {
    status = "lotClaimable";
  } else if (auction.kind === AuctionKind.Sealed) {
    const commit = await context.tx.guard(() => context.contract.commitOf(auctionId, bidder, { blockTag }));
    if (auction.bidder === bidder) lastBid = auction.highest; // the views show a revealed amount for the leader only
    status = sealedStatus(auction, bidder, Number(commit.status) as CommitStatus);
  } else if (auction.kind === AuctionKind.Dutch) {
    status = "won"; // a Dutch auction is listed for a bidder only by its settlement naming the buyer
  } else if (auction.state === AuctionState.Open) {
    status = auction.kind === AuctionKind.English && auction.bidder === bidder ? "leading" : "outbid";
  } else {
    status = auction.kind === AuctionKind.English && auction.bidder === bidder ? "won" : "lost";
  }
  return { auctionId, auction, status, lastBid, credit };
}

function sealedStatus(
  auction: Extract<Auction, { kind: AuctionKind.Sealed }>,
  bidder: Address,
  status: CommitStatus,
): AuctionBidStatus {
  const leads = auction.bidder === bidder;
  if (auction.state === AuctionState.Settled && leads) return "won";
  if (auction.state === AuctionState.Open && auction.at < auction.revealEnd) {
    if (status === CommitStatus.Committed) return "committed";
    return leads ? "leading" : "outbid";
  }
  if (leads) return "leading"; // the reveal window is over: the leader wins at settle
  return status === CommitStatus.Closed ? "closed" : "reclaimable";
}

/** The lots `account` may still claim after a failed delivery (AU-L3). */
export async function claimableLots(
  context: AuctionContext,
  params: ClaimableLotsParameters,
): Promise<ClaimableLotsReturnType> {
  const account = requireAddress("account", params.account);
  const { page, ids } = await scanIds(context, [[topic("LotClaimable"), null, padded(account)]], params, (e) =>
    e.type === "LotClaimable" && e.claimant === account ? { auctionId: e.auctionId } : null,
  );
  const lots: ClaimableLotsReturnType["lots"] = [];
  for (const auctionId of ids.keys()) {
    const auction = await readAuction(context, { auctionId, blockTag: page.toBlock });
    if (auction.lotClaimant === account) lots.push({ auctionId, lot: auction.lot });
  }
  return { ...page, lots };
}
