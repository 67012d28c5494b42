// Decoding the Auctions contract's events (docs/auctions.md §6), from a receipt or from logs: creations, bids,
// commits and reveals, endings, lot claims, credits, fees.
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { auctionsInterface } from "./abi";
import { toAuctionId, type AuctionId, type AuctionKind, type LotKind } from "./types";

/**
 * A decoded event of the Auctions contract, discriminated by `type`. Amounts and times are bigints, ids branded.
 *
 * @example
 * ```ts
 * for (const event of decodeAuctionEvents({ receipt, address: auctionsAddress })) {
 *   if (event.type === "BidPlaced") console.log(event.bidder, event.amount, "ends", event.end);
 * }
 * ```
 */
export type AuctionEvent = AuctionEventPayload & { log: EventLocation };

type AuctionEventPayload =
  | {
      type: "AuctionCreated";
      auctionId: AuctionId;
      seller: Address;
      kind: AuctionKind;
      lotToken: Address;
      lotKind: LotKind;
      lotId: bigint;
      lotAmount: bigint;
      bidToken: Address;
    }
  | { type: "BidPlaced"; auctionId: AuctionId; bidder: Address; amount: bigint; end: bigint }
  | { type: "Committed"; auctionId: AuctionId; bidder: Address; deposit: bigint }
  | { type: "Revealed"; auctionId: AuctionId; bidder: Address; amount: bigint }
  | { type: "AuctionSettled"; auctionId: AuctionId; winner: Address; price: bigint; fee: bigint }
  | { type: "AuctionUnsold"; auctionId: AuctionId }
  | { type: "AuctionCancelled"; auctionId: AuctionId }
  | { type: "DepositReclaimed"; auctionId: AuctionId; bidder: Address; refund: bigint; forfeit: bigint }
  | { type: "LotClaimable"; auctionId: AuctionId; claimant: Address }
  | { type: "LotClaimed"; auctionId: AuctionId; claimant: Address; to: Address }
  | { type: "CreditUsed"; account: Address; token: Address; amount: bigint }
  | { type: "FeesCollected"; token: Address; recipient: Address; amount: bigint }
  | { type: "FeeUpdated"; bps: bigint; recipient: Address }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodeAuctionEvents} reads from: a receipt or logs, and the Auctions contract's address (logs of any
 * other address are skipped, so a token cannot forge bids).
 *
 * @example
 * ```ts
 * const params: DecodeAuctionEventsParameters = { receipt, address: auctionsAddress };
 * ```
 */
export type DecodeAuctionEventsParameters = EventSource;

/**
 * Decodes the Auctions contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const created = decodeAuctionEvents({ receipt, address }).find((e) => e.type === "AuctionCreated");
 * ```
 */
export function decodeAuctionEvents(params: DecodeAuctionEventsParameters): AuctionEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: auctionsInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

function toEvent(name: string, a: Result): AuctionEventPayload | null {
  switch (name) {
    case "AuctionCreated":
      return {
        type: name,
        auctionId: toAuctionId(a.auctionId),
        seller: a.seller,
        kind: Number(a.kind),
        lotToken: a.lotToken,
        lotKind: Number(a.lotKind),
        lotId: a.lotId,
        lotAmount: a.lotAmount,
        bidToken: a.bidToken,
      };
    case "BidPlaced":
      return { type: name, auctionId: toAuctionId(a.auctionId), bidder: a.bidder, amount: a.amount, end: a.end };
    case "Committed":
      return { type: name, auctionId: toAuctionId(a.auctionId), bidder: a.bidder, deposit: a.deposit };
    case "Revealed":
      return { type: name, auctionId: toAuctionId(a.auctionId), bidder: a.bidder, amount: a.amount };
    case "AuctionSettled":
      return { type: name, auctionId: toAuctionId(a.auctionId), winner: a.winner, price: a.price, fee: a.fee };
    case "AuctionUnsold":
    case "AuctionCancelled":
      return { type: name, auctionId: toAuctionId(a.auctionId) };
    case "DepositReclaimed":
      return {
        type: name,
        auctionId: toAuctionId(a.auctionId),
        bidder: a.bidder,
        refund: a.refund,
        forfeit: a.forfeit,
      };
    case "LotClaimable":
      return { type: name, auctionId: toAuctionId(a.auctionId), claimant: a.claimant };
    case "LotClaimed":
      return { type: name, auctionId: toAuctionId(a.auctionId), claimant: a.claimant, to: a.to };
    case "CreditUsed":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "FeesCollected":
      return { type: name, token: a.token, recipient: a.recipient, amount: a.amount };
    case "FeeUpdated":
      return { type: name, bps: a.bps, recipient: a.recipient };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    default:
      return null;
  }
}
