// The public names of the auctions (docs/auctions.md), re-exported whole by sdk/index.ts: listed here by name, pinned
// by test/sdk/exports.test.ts.
export {
  AuctionAdminError,
  AuctionBidError,
  AuctionLotError,
  AuctionRequestError,
  AuctionStateError,
} from "../errors/auctions";
export { KNOWN_AUCTION_ERRORS, decodeAuctionsError } from "./abi";
export {
  AUCTION_LIMITS,
  AuctionKind,
  AuctionState,
  CommitStatus,
  LotKind,
  toAuctionId,
  type Auction,
  type AuctionCommit,
  type AuctionId,
  type AuctionLot,
  type AuctionLotSpec,
} from "./types";
export { dutchPriceAt, nextMinimumBid, sealedForfeitOf } from "./pricing";
export { createSealedBid, parseSealedBid, sealedBidHash, serializeSealedBid, type SealedBid } from "./sealed";
export { decodeAuctionEvents, type AuctionEvent, type DecodeAuctionEventsParameters } from "./events";
export { AuctionClient } from "./client";
export type {
  AuctionBidRecord,
  AuctionBidStatus,
  AuctionClientParameters,
  AuctionWriteReturnType,
  AuctionsOfParameters,
  AuctionsOfReturnType,
  BidParameters,
  BidsOfParameters,
  BidsOfReturnType,
  BuildBidReturnType,
  BuildBuyReturnType,
  BuyParameters,
  ClaimableLotsParameters,
  ClaimableLotsReturnType,
  CreateAuctionReturnType,
  CreateDutchParameters,
  CreateEnglishParameters,
  CreateOptions,
  CreateSealedParameters,
  SealBidParameters,
  SealedBidParameters,
} from "./parameters";
