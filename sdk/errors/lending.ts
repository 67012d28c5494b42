// Lending's errors (docs/lending.md §10, LN-SDK-6): what the SDK refuses before sending (terms the contract would
// refuse, an ERC-777 principal, a shared offer that is malformed or for another deployment, a signature or nonce it
// can see is dead), the contract's revert families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { AUCTION_REVERTS } from "./auctions";
import { ContractRevertError, SHARED_REVERTS, spec, type ContractErrorSpec } from "./revert";

/**
 * The SDK refused a lending action before anything was signed or sent (LN-SDK-6). A condition the contract also
 * checks keeps the contract's code (`LENDING_INVALID_TERMS` with `details.reason` the contract's `TERMS_*` number,
 * `LENDING_OFFER_EXPIRED`, `LENDING_NONCE_USED`, `LENDING_INVALID_SIGNATURE`...), so a caller switches on one code
 * whoever found the fault. SDK-only codes: `LENDING_ERC777_PRINCIPAL`, `LENDING_OFFER_MALFORMED`,
 * `LENDING_OFFER_UNSUPPORTED_VERSION`, `LENDING_OFFER_WRONG_DEPLOYMENT`, `LENDING_LOAN_NOT_FOUND`,
 * `LENDING_INVALID_LOAN_ID`. `details.parameter` names the field when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await lending.signOffer({ terms: { ...terms, duration: 0n } });
 * } catch (err) {
 *   if (err instanceof LendingRequestError && err.code === "LENDING_INVALID_TERMS") console.log(err.details.reason);
 * }
 * ```
 */
export class LendingRequestError extends PeerPayError<
  | "LENDING_INVALID_TERMS"
  | "LENDING_SALE_UNAVAILABLE"
  | "LENDING_OFFER_EXPIRED"
  | "LENDING_NONCE_USED"
  | "LENDING_INVALID_NONCE"
  | "LENDING_INVALID_SIGNATURE"
  | "LENDING_UNAUTHORIZED"
  | "LENDING_SELF_LOAN"
  | "LENDING_ZERO_AMOUNT"
  | "LENDING_INSUFFICIENT_DEPOSIT"
  | "LENDING_VALUE_MISMATCH"
  | "LENDING_REFINANCE_MISMATCH"
  | "LENDING_INVALID_RECIPIENT"
  | "LENDING_ERC777_PRINCIPAL"
  | "LENDING_OFFER_MALFORMED"
  | "LENDING_OFFER_UNSUPPORTED_VERSION"
  | "LENDING_OFFER_WRONG_DEPLOYMENT"
  | "LENDING_LOAN_NOT_FOUND"
  | "LENDING_INVALID_LOAN_ID"
> {
  override name = "LendingRequestError";
}

/**
 * The contract refused terms: out of their bounds (`LENDING_INVALID_TERMS`, `details.reason` 1…10 as
 * `LendingTermsReason`), sale terms on a deployment without Auctions, terms that do not hash to the loan's stored
 * hash, or refinancing terms that change the principal token or the collateral.
 *
 * @example
 * ```ts
 * if (err instanceof LendingTermsError && err.code === "LENDING_INVALID_TERMS") console.log(err.details.reason);
 * ```
 */
export class LendingTermsError extends ContractRevertError<
  "LENDING_INVALID_TERMS" | "LENDING_SALE_UNAVAILABLE" | "LENDING_TERMS_MISMATCH" | "LENDING_REFINANCE_MISMATCH"
> {
  override name = "LendingTermsError";
}

/**
 * The contract refused a signed offer or request, or a nonce cancellation: expired, its nonce used or below the
 * signer's floor, a floor that would not rise, or a signature that is not the signer's (by key or ERC-1271).
 *
 * @example
 * ```ts
 * if (err instanceof LendingSignatureError && err.code === "LENDING_NONCE_USED") console.log(err.details.nonce);
 * ```
 */
export class LendingSignatureError extends ContractRevertError<
  "LENDING_OFFER_EXPIRED" | "LENDING_NONCE_USED" | "LENDING_INVALID_NONCE" | "LENDING_INVALID_SIGNATURE"
> {
  override name = "LendingSignatureError";
}

/**
 * The loan is not in a state that allows the call: the wrong status, not in default yet (`details.defaultsAt`), claim
 * on sale terms or sale on claim terms, a sale not over yet (`details.end`), nothing held to withdraw.
 *
 * @example
 * ```ts
 * if (err instanceof LendingStateError && err.code === "LENDING_NOT_DEFAULTED") retryAt(err.details.defaultsAt);
 * ```
 */
export class LendingStateError extends ContractRevertError<
  | "LENDING_WRONG_STATUS"
  | "LENDING_NOT_DEFAULTED"
  | "LENDING_SALE_TERMS"
  | "LENDING_SALE_NOT_OVER"
  | "LENDING_NOTHING_HELD"
> {
  override name = "LendingStateError";
}

/**
 * Money did not add up: a token that delivered less than sent, a lender's ETH deposit below the principal, the wrong
 * ETH value, a zero amount, a pro-rated part payment below the interest accrued, or a refinancing shortfall above
 * the borrower's `maxPayment`.
 *
 * @example
 * ```ts
 * if (err instanceof LendingPaymentError && err.code === "LENDING_PAYMENT_BELOW_INTEREST") console.log(err.details.accrued);
 * ```
 */
export class LendingPaymentError extends ContractRevertError<
  | "LENDING_TRANSFER_SHORTFALL"
  | "LENDING_INSUFFICIENT_DEPOSIT"
  | "LENDING_VALUE_MISMATCH"
  | "LENDING_ZERO_AMOUNT"
  | "LENDING_PAYMENT_BELOW_INTEREST"
  | "LENDING_SHORTFALL"
> {
  override name = "LendingPaymentError";
}

/**
 * The caller may not do this: not the counterparty, the position's holder or approved; a loan to oneself; a
 * recipient that is zero or the contract; a token or ETH the contract did not ask for.
 *
 * @example
 * ```ts
 * if (err instanceof LendingAccessError && err.code === "LENDING_UNAUTHORIZED") console.log("not yours");
 * ```
 */
export class LendingAccessError extends ContractRevertError<
  "LENDING_UNAUTHORIZED" | "LENDING_SELF_LOAN" | "LENDING_INVALID_RECIPIENT" | "LENDING_UNSOLICITED_TRANSFER"
> {
  override name = "LendingAccessError";
}

/**
 * The position tokens (ERC-721, LN-P1) refused a transfer or an approval, or the token does not exist (burned).
 *
 * @example
 * ```ts
 * if (err instanceof LendingPositionError && err.code === "ERC721_NONEXISTENT_TOKEN") console.log(err.details.tokenId);
 * ```
 */
export class LendingPositionError extends ContractRevertError<
  | "ERC721_INCORRECT_OWNER"
  | "ERC721_INSUFFICIENT_APPROVAL"
  | "ERC721_INVALID_APPROVER"
  | "ERC721_INVALID_OPERATOR"
  | "ERC721_INVALID_OWNER"
  | "ERC721_INVALID_RECEIVER"
  | "ERC721_INVALID_SENDER"
  | "ERC721_NONEXISTENT_TOKEN"
> {
  override name = "LendingPositionError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;
const STATUSES = ["None", "Active", "OnSale", "Repaid", "Claimed", "Sold"];

/**
 * Every custom error a call to the Lending contract can revert with, by Solidity name: its own, the position tokens'
 * ERC-721 errors, the Auctions' (bubbling through startSale and settleSale), OpenZeppelin's and PullPayments'.
 */
export const LENDING_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  ...AUCTION_REVERTS,
  ...SHARED_REVERTS,
  LendingInvalidTerms: spec(LendingTermsError, C.LENDING_INVALID_TERMS, (a) => `Terms refused (reason ${a.reason})`),
  LendingSaleUnavailable: spec(
    LendingTermsError,
    C.LENDING_SALE_UNAVAILABLE,
    () => "Sale terms on a deployment without Auctions",
  ),
  LendingTermsMismatch: spec(LendingTermsError, C.LENDING_TERMS_MISMATCH, () => "The terms are not the loan's"),
  LendingRefinanceMismatch: spec(
    LendingTermsError,
    C.LENDING_REFINANCE_MISMATCH,
    () => "The new terms change the principal token or the collateral, or name another loan",
  ),
  LendingOfferExpired: spec(LendingSignatureError, C.LENDING_OFFER_EXPIRED, (a) => `Expired at ${a.expiry}`),
  LendingNonceUsed: spec(
    LendingSignatureError,
    C.LENDING_NONCE_USED,
    (a) => `Nonce ${a.nonce} of ${a.signer} is used or cancelled`,
  ),
  LendingInvalidNonce: spec(
    LendingSignatureError,
    C.LENDING_INVALID_NONCE,
    (a) => `Nonce floor ${a.nonce} does not raise ${a.minNonce}`,
  ),
  LendingInvalidSignature: spec(LendingSignatureError, C.LENDING_INVALID_SIGNATURE, () => "Not the signer's signature"),
  LendingWrongStatus: spec(
    LendingStateError,
    C.LENDING_WRONG_STATUS,
    (a) => `Loan ${a.loanId} is ${STATUSES[Number(a.status)] ?? String(a.status)}`,
  ),
  LendingNotDefaulted: spec(LendingStateError, C.LENDING_NOT_DEFAULTED, (a) => `In default from ${a.defaultsAt}`),
  LendingSaleTerms: spec(LendingStateError, C.LENDING_SALE_TERMS, (a) =>
    a.saleTerms === true ? "The terms sell the collateral: startSale" : "The terms have no sale: claim",
  ),
  LendingSaleNotOver: spec(LendingStateError, C.LENDING_SALE_NOT_OVER, (a) => `The sale ends at ${a.end}`),
  LendingNothingHeld: spec(LendingStateError, C.LENDING_NOTHING_HELD, (a) => `No collateral held for ${a.loanId}`),
  LendingTransferShortfall: spec(
    LendingPaymentError,
    C.LENDING_TRANSFER_SHORTFALL,
    (a) => `Token ${a.token} delivered ${a.received}, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  LendingInsufficientDeposit: spec(
    LendingPaymentError,
    C.LENDING_INSUFFICIENT_DEPOSIT,
    (a) => `Deposit ${a.deposit} below the ${a.needed} needed`,
  ),
  LendingValueMismatch: spec(
    LendingPaymentError,
    C.LENDING_VALUE_MISMATCH,
    (a) => `Sent ${a.value} wei, expected ${a.expected}`,
  ),
  LendingZeroAmount: spec(LendingPaymentError, C.LENDING_ZERO_AMOUNT, () => "Amount is zero"),
  LendingPaymentBelowInterest: spec(
    LendingPaymentError,
    C.LENDING_PAYMENT_BELOW_INTEREST,
    (a) => `Payment ${a.payment} below the accrued interest ${a.accrued}`,
  ),
  LendingShortfall: spec(
    LendingPaymentError,
    C.LENDING_SHORTFALL,
    (a) => `Shortfall ${a.needed} above the ${a.maxPayment} allowed`,
  ),
  LendingUnauthorized: spec(LendingAccessError, C.LENDING_UNAUTHORIZED, () => "The caller may not do this"),
  LendingSelfLoan: spec(LendingAccessError, C.LENDING_SELF_LOAN, () => "Lender and borrower are the same account"),
  LendingInvalidRecipient: spec(
    LendingAccessError,
    C.LENDING_INVALID_RECIPIENT,
    () => "The recipient is zero or the contract",
  ),
  LendingUnsolicitedTransfer: spec(
    LendingAccessError,
    C.LENDING_UNSOLICITED_TRANSFER,
    () => "Lending accepts ETH and safe NFT transfers from Auctions only",
  ),
  ERC721IncorrectOwner: spec(
    LendingPositionError,
    C.ERC721_INCORRECT_OWNER,
    (a) => `${a.sender} does not own position ${a.tokenId}`,
  ),
  ERC721InsufficientApproval: spec(
    LendingPositionError,
    C.ERC721_INSUFFICIENT_APPROVAL,
    (a) => `${a.operator} is not approved for position ${a.tokenId}`,
  ),
  ERC721InvalidApprover: spec(LendingPositionError, C.ERC721_INVALID_APPROVER, (a) => `${a.approver} may not approve`),
  ERC721InvalidOperator: spec(LendingPositionError, C.ERC721_INVALID_OPERATOR, (a) => `Invalid operator ${a.operator}`),
  ERC721InvalidOwner: spec(LendingPositionError, C.ERC721_INVALID_OWNER, (a) => `Invalid owner ${a.owner}`),
  ERC721InvalidReceiver: spec(LendingPositionError, C.ERC721_INVALID_RECEIVER, (a) => `Invalid receiver ${a.receiver}`),
  ERC721InvalidSender: spec(LendingPositionError, C.ERC721_INVALID_SENDER, (a) => `Invalid sender ${a.sender}`),
  ERC721NonexistentToken: spec(
    LendingPositionError,
    C.ERC721_NONEXISTENT_TOKEN,
    (a) => `Position ${a.tokenId} does not exist`,
  ),
};
