// The signed-order swaps' errors (docs/swaps.md): an order refused as data (malformed, mistyped, for another chain or
// contract, badly signed), a fill the SDK refused to send because `check()` found reasons, the contract's revert
// families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ContractRevertError, SHARED_REVERTS, UnauthorizedError, spec, type ContractErrorSpec } from "./revert";

/**
 * An order was refused as data, before anything was sent: a shared order that is malformed
 * (`SWAP_ORDER_MALFORMED`), mistyped (`SWAP_ORDER_CHECKSUM_MISMATCH`), of an unknown format
 * (`SWAP_ORDER_UNSUPPORTED_VERSION`), signed for another chain or contract (`SWAP_ORDER_WRONG_CHAIN`,
 * `SWAP_ORDER_WRONG_CONTRACT`); terms the contract would refuse (`SWAP_INVALID_ORDER`); a signature that is neither
 * the maker's, nor its delegate's, nor accepted by its wallet (`SWAP_INVALID_SIGNATURE`); or, when the SDK checks a
 * fill itself, an expired order, a taker who is not the named one or a fill amount the order does not allow
 * (`SWAP_EXPIRED`, `SWAP_UNAUTHORIZED_TAKER`, `SWAP_INVALID_FILL_AMOUNT`: the contract's codes for the same
 * conditions). `details` names the field or holds the facts.
 *
 * @example
 * ```ts
 * try {
 *   const signed = swap.parseOrder({ text: pasted });
 * } catch (err) {
 *   if (err instanceof SwapOrderError && err.code === "SWAP_ORDER_CHECKSUM_MISMATCH") askToPasteAgain();
 * }
 * ```
 */
export class SwapOrderError extends PeerPayError<
  | "SWAP_ORDER_MALFORMED"
  | "SWAP_ORDER_CHECKSUM_MISMATCH"
  | "SWAP_ORDER_UNSUPPORTED_VERSION"
  | "SWAP_ORDER_WRONG_CHAIN"
  | "SWAP_ORDER_WRONG_CONTRACT"
  | "SWAP_INVALID_ORDER"
  | "SWAP_INVALID_SIGNATURE"
  | "SWAP_EXPIRED"
  | "SWAP_UNAUTHORIZED_TAKER"
  | "SWAP_INVALID_FILL_AMOUNT"
> {
  override name = "SwapOrderError";
}

/**
 * The SDK did not send a fill because the contract's `check()` said it would revert. `code` is the first reason's
 * code (the contract's order of checks); `details.reasons` lists every reason ({@link SwapCheckReason}), so a taker
 * sees at once that, say, the order expired and the maker's allowance is short.
 *
 * @example
 * ```ts
 * try {
 *   await swap.fill({ order: signed, makerFill: 100n });
 * } catch (err) {
 *   if (err instanceof SwapNotFillableError) console.log(err.details.reasons);
 * }
 * ```
 */
export class SwapNotFillableError extends PeerPayError {
  override name = "SwapNotFillableError";
}

/**
 * The contract refused the order itself: malformed terms, a token without code, expired, a bad signature, its nonce
 * used (filled or cancelled), or a signed fee below the current protocol fee.
 *
 * @example
 * ```ts
 * if (err instanceof SwapOrderStateError && err.code === "SWAP_NONCE_USED") markDone(err.details.nonce);
 * ```
 */
export class SwapOrderStateError extends ContractRevertError<
  | "SWAP_INVALID_ORDER"
  | "SWAP_TOKEN_NOT_CONTRACT"
  | "SWAP_EXPIRED"
  | "SWAP_INVALID_SIGNATURE"
  | "SWAP_NONCE_USED"
  | "SWAP_FEE_TOO_LOW"
> {
  override name = "SwapOrderStateError";
}

/**
 * The contract refused this fill: the caller is not the named taker, the amount is not one the order allows now,
 * the ETH sent is not the exact taker amount, or a token delivered less than asked (fee-on-transfer). The four
 * `*_TOO_LOW` codes are reasons `check()` reports (a balance or allowance short), never a revert of `fill` itself.
 *
 * @example
 * ```ts
 * if (err instanceof SwapFillError && err.code === "SWAP_INVALID_FILL_AMOUNT") console.log(err.details.remaining);
 * ```
 */
export class SwapFillError extends ContractRevertError<
  | "SWAP_UNAUTHORIZED_TAKER"
  | "SWAP_INVALID_FILL_AMOUNT"
  | "SWAP_VALUE_MISMATCH"
  | "SWAP_TRANSFER_SHORTFALL"
  | "SWAP_MAKER_BALANCE_TOO_LOW"
  | "SWAP_MAKER_ALLOWANCE_TOO_LOW"
  | "SWAP_TAKER_BALANCE_TOO_LOW"
  | "SWAP_TAKER_ALLOWANCE_TOO_LOW"
> {
  override name = "SwapFillError";
}

/**
 * The contract refused a maker's `cancelRange` (an empty range) or `setDelegate` (a retired delegate), or an owner's
 * fee change (above the cap, or no recipient), or an owner transfer to the zero address.
 *
 * @example
 * ```ts
 * if (err instanceof SwapAdminError && err.code === "SWAP_DELEGATE_RETIRED") useAFreshKey(err.details.delegate);
 * ```
 */
export class SwapAdminError extends ContractRevertError<
  | "SWAP_INVALID_NONCE_RANGE"
  | "SWAP_DELEGATE_RETIRED"
  | "SWAP_PROTOCOL_FEE_TOO_HIGH"
  | "SWAP_INVALID_FEE_RECIPIENT"
  | "OWNABLE_INVALID_OWNER"
> {
  override name = "SwapAdminError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;

/** Every custom error the Swap contract can revert with, by Solidity name. */
export const SWAP_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  SwapInvalidOrder: spec(SwapOrderStateError, C.SWAP_INVALID_ORDER, () => "Malformed order"),
  SwapTokenNotContract: spec(SwapOrderStateError, C.SWAP_TOKEN_NOT_CONTRACT, (a) => `Token ${a.token} has no code`),
  SwapExpired: spec(SwapOrderStateError, C.SWAP_EXPIRED, (a) => `The order expired at ${a.expiry}`),
  SwapInvalidSignature: spec(
    SwapOrderStateError,
    C.SWAP_INVALID_SIGNATURE,
    (a) => `The signature is not ${a.maker}'s, its delegate's, nor accepted by its wallet`,
  ),
  SwapNonceUsed: spec(
    SwapOrderStateError,
    C.SWAP_NONCE_USED,
    (a) => `Nonce ${a.nonce} of ${a.maker} is used: filled or cancelled`,
  ),
  SwapUnauthorizedTaker: spec(
    SwapFillError,
    C.SWAP_UNAUTHORIZED_TAKER,
    (a) => `Only ${a.taker} may fill this order, not ${a.caller}`,
  ),
  SwapFeeTooLow: spec(
    SwapOrderStateError,
    C.SWAP_FEE_TOO_LOW,
    (a) => `The order accepts a fee of ${a.signedBps} bps, the current fee is ${a.currentBps} bps`,
  ),
  SwapInvalidFillAmount: spec(
    SwapFillError,
    C.SWAP_INVALID_FILL_AMOUNT,
    (a) => `Fill amount ${a.amount} not allowed (minimum ${a.minFill}, remaining ${a.remaining})`,
  ),
  SwapValueMismatch: spec(SwapFillError, C.SWAP_VALUE_MISMATCH, (a) => `Sent ${a.sent} wei, expected ${a.expected}`),
  SwapTransferShortfall: spec(
    SwapFillError,
    C.SWAP_TRANSFER_SHORTFALL,
    (a) => `Token ${a.token} delivered ${a.received}, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  SwapProtocolFeeTooHigh: spec(
    SwapAdminError,
    C.SWAP_PROTOCOL_FEE_TOO_HIGH,
    (a) => `Protocol fee ${a.bps} bps above the cap of ${a.max}`,
  ),
  SwapInvalidFeeRecipient: spec(SwapAdminError, C.SWAP_INVALID_FEE_RECIPIENT, () => "No protocol fee recipient"),
  SwapInvalidNonceRange: spec(
    SwapAdminError,
    C.SWAP_INVALID_NONCE_RANGE,
    (a) => `Nonce range [${a.from}, ${a.to}) is empty: to must be above from`,
  ),
  SwapDelegateRetired: spec(
    SwapAdminError,
    C.SWAP_DELEGATE_RETIRED,
    (a) => `${a.delegate} was this maker's delegate before: a revoked or replaced delegate is never set again`,
  ),
  SwapMakerBalanceTooLow: spec(
    SwapFillError,
    C.SWAP_MAKER_BALANCE_TOO_LOW,
    () => "The maker holds less of its token than the fill plus the fee",
  ),
  SwapMakerAllowanceTooLow: spec(
    SwapFillError,
    C.SWAP_MAKER_ALLOWANCE_TOO_LOW,
    () => "The maker's allowance to the Swap contract is below the fill plus the fee",
  ),
  SwapTakerBalanceTooLow: spec(
    SwapFillError,
    C.SWAP_TAKER_BALANCE_TOO_LOW,
    () => "The taker holds less of the taker asset than the fill costs",
  ),
  SwapTakerAllowanceTooLow: spec(
    SwapFillError,
    C.SWAP_TAKER_ALLOWANCE_TOO_LOW,
    () => "The taker's allowance to the Swap contract is below what the fill costs",
  ),
  OwnableUnauthorizedAccount: spec(
    UnauthorizedError,
    C.OWNABLE_UNAUTHORIZED_ACCOUNT,
    (a) => `${a.account} is not the owner`,
  ),
  OwnableInvalidOwner: spec(SwapAdminError, C.OWNABLE_INVALID_OWNER, (a) => `Invalid owner ${a.owner}`),
  ...SHARED_REVERTS,
};
