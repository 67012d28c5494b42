// The auctions' errors (docs/auctions.md): what the SDK refuses before sending (the spec's bounds, a bid it can see
// is too low, a Dutch price above the buyer's limit, a sealed bid record that is not for this reveal), the
// contract's revert families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ContractRevertError, SHARED_REVERTS, UnauthorizedError, spec, type ContractErrorSpec } from "./revert";

/**
 * The SDK refused an auction call before anything was signed or sent (AU-SDK-2): the same code as the contract's
 * revert for the same condition (`AUCTION_INVALID_LOT`, `AUCTION_INVALID_PARAMETERS`, `AUCTION_AMOUNT_TOO_LARGE`,
 * `AUCTION_BID_TOO_LOW`, `AUCTION_INSUFFICIENT_CREDIT`, `AUCTION_WRONG_KIND`, `AUCTION_NOT_OPEN`, `AUCTION_ENDED`,
 * `AUCTION_COMMIT_CLOSED`), or one only the SDK can see: a Dutch price above the buyer's `maxPrice`
 * (`AUCTION_PRICE_ABOVE_MAX`), a sealed bid record that is malformed or for another reveal
 * (`AUCTION_SEALED_BID_MALFORMED`, `AUCTION_SEALED_BID_MISMATCH`). `details` names the field or holds the facts.
 *
 * @example
 * ```ts
 * try {
 *   await auctions.createEnglish({ lot, duration: 0n });
 * } catch (err) {
 *   if (err instanceof AuctionRequestError && err.code === "AUCTION_INVALID_PARAMETERS") console.log(err.details.field);
 * }
 * ```
 */
export class AuctionRequestError extends PeerPayError<
  | "AUCTION_INVALID_LOT"
  | "AUCTION_INVALID_PARAMETERS"
  | "AUCTION_AMOUNT_TOO_LARGE"
  | "AUCTION_BID_TOO_LOW"
  | "AUCTION_INSUFFICIENT_CREDIT"
  | "AUCTION_WRONG_KIND"
  | "AUCTION_NOT_OPEN"
  | "AUCTION_ENDED"
  | "AUCTION_COMMIT_CLOSED"
  | "AUCTION_PRICE_ABOVE_MAX"
  | "AUCTION_SEALED_BID_MALFORMED"
  | "AUCTION_SEALED_BID_MISMATCH"
> {
  override name = "AuctionRequestError";
}

/**
 * The contract refused a creation: an unusable lot, parameters out of bounds, an amount above 96 bits, a token that
 * delivered less than sent (fee on transfer), or a token sent to the contract by someone else's transfer.
 *
 * @example
 * ```ts
 * if (err instanceof AuctionLotError && err.code === "AUCTION_TRANSFER_SHORTFALL") console.log(err.details.received);
 * ```
 */
export class AuctionLotError extends ContractRevertError<
  | "AUCTION_INVALID_LOT"
  | "AUCTION_INVALID_PARAMETERS"
  | "AUCTION_AMOUNT_TOO_LARGE"
  | "AUCTION_TRANSFER_SHORTFALL"
  | "AUCTION_UNSOLICITED_TRANSFER"
> {
  override name = "AuctionLotError";
}

/**
 * The contract refused a call at this point of the auction's life: the wrong kind, not open, ended or not yet ended,
 * no bids to settle, bids already there to cancel, the commit or reveal window closed, nothing to claim, a winner
 * reclaiming, or too little gas for the lot delivery (`AUCTION_INSUFFICIENT_GAS`: send again with more gas).
 *
 * @example
 * ```ts
 * if (err instanceof AuctionStateError && err.code === "AUCTION_NOT_ENDED") retryAt(err.details.end);
 * ```
 */
export class AuctionStateError extends ContractRevertError<
  | "AUCTION_WRONG_KIND"
  | "AUCTION_NOT_OPEN"
  | "AUCTION_ENDED"
  | "AUCTION_NOT_ENDED"
  | "AUCTION_NO_BIDS"
  | "AUCTION_HAS_BIDS"
  | "AUCTION_COMMIT_CLOSED"
  | "AUCTION_REVEAL_CLOSED"
  | "AUCTION_WINNER_MUST_SETTLE"
  | "AUCTION_NOTHING_TO_CLAIM"
  | "AUCTION_INSUFFICIENT_GAS"
> {
  override name = "AuctionStateError";
}

/**
 * The contract refused a bid, a buy, a commit or a reveal: below the minimum, the wrong ETH value, too little credit,
 * a second commit, no commit, a reveal that does not match, a second reveal, or a revealed bid above the deposit.
 *
 * @example
 * ```ts
 * if (err instanceof AuctionBidError && err.code === "AUCTION_BID_TOO_LOW") console.log(err.details.minimum);
 * ```
 */
export class AuctionBidError extends ContractRevertError<
  | "AUCTION_BID_TOO_LOW"
  | "AUCTION_VALUE_MISMATCH"
  | "AUCTION_INSUFFICIENT_CREDIT"
  | "AUCTION_ALREADY_COMMITTED"
  | "AUCTION_NO_COMMIT"
  | "AUCTION_INVALID_REVEAL"
  | "AUCTION_ALREADY_REVEALED"
  | "AUCTION_BID_EXCEEDS_DEPOSIT"
> {
  override name = "AuctionBidError";
}

/**
 * The contract refused a seller's or the owner's action: a cancel by someone other than the seller, a fee above the
 * cap, an unusable fee recipient, or an owner transfer to the zero address.
 *
 * @example
 * ```ts
 * if (err instanceof AuctionAdminError && err.code === "AUCTION_NOT_SELLER") console.log(err.details.auctionId);
 * ```
 */
export class AuctionAdminError extends ContractRevertError<
  "AUCTION_NOT_SELLER" | "AUCTION_FEE_TOO_HIGH" | "AUCTION_INVALID_FEE_RECIPIENT" | "OWNABLE_INVALID_OWNER"
> {
  override name = "AuctionAdminError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;

/** Every custom error the Auctions contract can revert with, by Solidity name. */
export const AUCTION_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  AuctionsInvalidLot: spec(AuctionLotError, C.AUCTION_INVALID_LOT, () => "The lot is unusable (AU-L1)"),
  AuctionsInvalidParameters: spec(
    AuctionLotError,
    C.AUCTION_INVALID_PARAMETERS,
    () => "A duration, extension, increment, price, deposit or bid token is out of bounds (AU-L5)",
  ),
  AuctionsAmountTooLarge: spec(AuctionLotError, C.AUCTION_AMOUNT_TOO_LARGE, (a) => `${a.amount} exceeds 96 bits`),
  AuctionsTransferShortfall: spec(
    AuctionLotError,
    C.AUCTION_TRANSFER_SHORTFALL,
    (a) => `Token ${a.token} delivered ${a.received}, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  AuctionsUnsolicitedTransfer: spec(
    AuctionLotError,
    C.AUCTION_UNSOLICITED_TRANSFER,
    () => "The contract accepts tokens only from transfers it initiates (AU-L2)",
  ),
  AuctionsWrongKind: spec(
    AuctionStateError,
    C.AUCTION_WRONG_KIND,
    (a) => `Auction ${a.auctionId} is not of this kind, or does not exist`,
  ),
  AuctionsNotOpen: spec(AuctionStateError, C.AUCTION_NOT_OPEN, (a) => `Auction ${a.auctionId} is not open`),
  AuctionsEnded: spec(AuctionStateError, C.AUCTION_ENDED, (a) => `Bidding ended at ${a.end}`),
  AuctionsNotEnded: spec(AuctionStateError, C.AUCTION_NOT_ENDED, (a) => `The auction ends at ${a.end}, not yet`),
  AuctionsBidTooLow: spec(AuctionBidError, C.AUCTION_BID_TOO_LOW, (a) => `Bid ${a.amount} below ${a.minimum}`),
  AuctionsValueMismatch: spec(
    AuctionBidError,
    C.AUCTION_VALUE_MISMATCH,
    (a) => `Sent ${a.value} wei, expected ${a.expected}`,
  ),
  AuctionsInsufficientCredit: spec(
    AuctionBidError,
    C.AUCTION_INSUFFICIENT_CREDIT,
    (a) => `Credit ${a.credit} below the ${a.needed} to spend`,
  ),
  AuctionsNoBids: spec(AuctionStateError, C.AUCTION_NO_BIDS, (a) => `Auction ${a.auctionId} has no bid to settle`),
  AuctionsNotSeller: spec(AuctionAdminError, C.AUCTION_NOT_SELLER, (a) => `Only the seller may cancel ${a.auctionId}`),
  AuctionsHasBids: spec(
    AuctionStateError,
    C.AUCTION_HAS_BIDS,
    (a) => `Auction ${a.auctionId} has a bid, a taker or a commit`,
  ),
  AuctionsCommitClosed: spec(AuctionStateError, C.AUCTION_COMMIT_CLOSED, (a) => `Commits closed at ${a.commitEnd}`),
  AuctionsRevealClosed: spec(
    AuctionStateError,
    C.AUCTION_REVEAL_CLOSED,
    (a) => `Reveals are accepted in [${a.commitEnd}, ${a.revealEnd}) only`,
  ),
  AuctionsAlreadyCommitted: spec(
    AuctionBidError,
    C.AUCTION_ALREADY_COMMITTED,
    (a) => `${a.bidder} already committed to auction ${a.auctionId}`,
  ),
  AuctionsNoCommit: spec(
    AuctionBidError,
    C.AUCTION_NO_COMMIT,
    (a) => `${a.bidder} has no commit in auction ${a.auctionId}`,
  ),
  AuctionsInvalidReveal: spec(
    AuctionBidError,
    C.AUCTION_INVALID_REVEAL,
    (a) => `The amount and salt do not match ${a.bidder}'s commit in auction ${a.auctionId}`,
  ),
  AuctionsAlreadyRevealed: spec(
    AuctionBidError,
    C.AUCTION_ALREADY_REVEALED,
    (a) => `${a.bidder} already revealed in auction ${a.auctionId}`,
  ),
  AuctionsBidExceedsDeposit: spec(
    AuctionBidError,
    C.AUCTION_BID_EXCEEDS_DEPOSIT,
    (a) => `Bid ${a.amount} exceeds the deposit ${a.deposit}`,
  ),
  AuctionsWinnerMustSettle: spec(
    AuctionStateError,
    C.AUCTION_WINNER_MUST_SETTLE,
    (a) => `The winner of auction ${a.auctionId} is paid back by settle, not reclaim`,
  ),
  AuctionsNothingToClaim: spec(
    AuctionStateError,
    C.AUCTION_NOTHING_TO_CLAIM,
    (a) => `Nothing to claim in auction ${a.auctionId}`,
  ),
  AuctionsInsufficientGas: spec(
    AuctionStateError,
    C.AUCTION_INSUFFICIENT_GAS,
    () => "Too little gas left to attempt the lot delivery (AU-L3): send with a higher gas limit",
  ),
  AuctionsFeeTooHigh: spec(AuctionAdminError, C.AUCTION_FEE_TOO_HIGH, (a) => `Fee ${a.bps} bps above ${a.max}`),
  AuctionsInvalidFeeRecipient: spec(
    AuctionAdminError,
    C.AUCTION_INVALID_FEE_RECIPIENT,
    () => "The fee recipient is zero or the contract",
  ),
  OwnableUnauthorizedAccount: spec(
    UnauthorizedError,
    C.OWNABLE_UNAUTHORIZED_ACCOUNT,
    (a) => `${a.account} is not the owner`,
  ),
  OwnableInvalidOwner: spec(AuctionAdminError, C.OWNABLE_INVALID_OWNER, (a) => `Invalid owner ${a.owner}`),
  ...SHARED_REVERTS,
};
