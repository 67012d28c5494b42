// The parameter and return types of LendingClient's methods (docs/lending.md §13).
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address } from "../core/types";
import type { ScanPage, ScanRangeParameters } from "../internal/scan";
import type { LendingEvent } from "./events";
import type { Loan, LoanId, LoanTerms, SignedLoanOffer, SignedLoanRequest } from "./types";

/**
 * How to reach a Lending deployment.
 *
 * @example
 * ```ts
 * const params: LendingClientParameters = { address: lendingAddress, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type LendingClientParameters = {
  /** The Lending contract. */
  address: Address;
  /** An ethers Signer (with a provider) to sign and send, or a Provider to read, verify and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (a loan's terms, the listings). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * What every sending method returns: the mined receipt and the Lending events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: LendingWriteReturnType = await lending.repay({ loanId, terms, amount });
 * ```
 */
export type LendingWriteReturnType = { receipt: TransactionReceipt; events: LendingEvent[] };

/**
 * `signOffer`: the terms, and optionally the borrower allowed (default anyone), `anyCollateralId` (ERC721 only, id
 * 0), the loan it may refinance (default 0: new loans, or any refinance), the nonce (default `nextNonce`), the expiry
 * (default the latest block's time + `validFor`, one day) and the lender (default the signer's address; an ERC-1271
 * wallet whose owner signs).
 *
 * @example
 * ```ts
 * const params: SignOfferParameters = { terms, validFor: 3_600n };
 * ```
 */
export type SignOfferParameters = {
  terms: LoanTerms;
  borrower?: Address;
  anyCollateralId?: boolean;
  refinances?: bigint;
  nonce?: bigint;
  expiry?: bigint;
  validFor?: bigint;
  lender?: Address;
};

/**
 * `signRequest`: the terms, and optionally the lender allowed (default anyone), the loan it refinances (default 0),
 * nonce, expiry or `validFor`, and the borrower (default the signer's address).
 *
 * @example
 * ```ts
 * const params: SignRequestParameters = { terms, lender: bank };
 * ```
 */
export type SignRequestParameters = {
  terms: LoanTerms;
  lender?: Address;
  refinances?: bigint;
  nonce?: bigint;
  expiry?: bigint;
  validFor?: bigint;
  borrower?: Address;
};

/**
 * Whether the contract would take a signed offer or request now, and if not the first reason (the code its revert
 * would carry).
 *
 * @example
 * ```ts
 * const { valid, reason }: VerifyOfferReturnType = await lending.verifyOffer({ offer: signed });
 * ```
 */
export type VerifyOfferReturnType = {
  valid: boolean;
  reason?:
    "LENDING_OFFER_WRONG_DEPLOYMENT" | "LENDING_OFFER_EXPIRED" | "LENDING_NONCE_USED" | "LENDING_INVALID_SIGNATURE";
};

/**
 * `acceptOffer`: the signed offer, the collateral id for an offer open to any id (else the signed one), the borrower
 * who will send it (default the signer), and `approve`: an exact ERC20 collateral approval first when short.
 *
 * @example
 * ```ts
 * const params: AcceptOfferParameters = { offer: parseSignedOffer({ text }), approve: true };
 * ```
 */
export type AcceptOfferParameters = {
  offer: SignedLoanOffer;
  collateralId?: bigint;
  borrower?: Address;
  approve?: boolean;
};

/**
 * `acceptRequest`: the signed request, the lender who will send it (default the signer), and `approve`: an exact
 * ERC20 principal approval first when short (an ETH principal is the call's value).
 *
 * @example
 * ```ts
 * const params: AcceptRequestParameters = { request: signed, approve: true };
 * ```
 */
export type AcceptRequestParameters = { request: SignedLoanRequest; lender?: Address; approve?: boolean };

/**
 * What an acceptance returns: the new loan's id (from `LoanStarted`), the receipt and the events.
 *
 * @example
 * ```ts
 * const { loanId }: AcceptReturnType = await lending.acceptOffer({ offer: signed });
 * ```
 */
export type AcceptReturnType = LendingWriteReturnType & { loanId: LoanId };

/**
 * A call on an existing loan: its id and its terms (as stored: `termsOf` rebuilds them from the logs).
 *
 * @example
 * ```ts
 * const params: LoanCallParameters = { loanId, terms: await lending.termsOf({ loanId }) };
 * ```
 */
export type LoanCallParameters = { loanId: LoanId; terms: LoanTerms };

/**
 * `repay`: up to `amount` of what is owed (the contract takes at most the total; ETH beyond it comes back), and
 * `approve`: an exact ERC20 approval first when short.
 *
 * @example
 * ```ts
 * const params: RepayParameters = { loanId, terms, amount: 100n * 10n ** 6n, approve: true };
 * ```
 */
export type RepayParameters = LoanCallParameters & { amount: bigint; approve?: boolean };

/**
 * `refinanceWithOffer`: the loan, a new lender's signed offer, the most the borrower pays of a shortfall (default 0;
 * with ETH the call's value), the borrower who sends it (default the signer).
 *
 * @example
 * ```ts
 * const params: RefinanceWithOfferParameters = { loanId, terms, offer: cheaper, maxPayment: 10n ** 18n };
 * ```
 */
export type RefinanceWithOfferParameters = LoanCallParameters & {
  offer: SignedLoanOffer;
  maxPayment?: bigint;
  borrower?: Address;
};

/**
 * `refinanceWithRequest`: the loan, the borrower's signed request naming it, the new lender who sends it (default
 * the signer; an ETH principal is the call's value).
 *
 * @example
 * ```ts
 * const params: RefinanceWithRequestParameters = { loanId, terms, request: signed };
 * ```
 */
export type RefinanceWithRequestParameters = LoanCallParameters & { request: SignedLoanRequest; lender?: Address };

/**
 * A loan with its terms (LN-SDK-4): the stored state and the terms rebuilt from its `LoanStarted` or last
 * `Refinanced` log (with the loan's collateral id), checked against the stored hash.
 *
 * @example
 * ```ts
 * const { loan, terms }: LoanDetails = await lending.loanDetails({ loanId });
 * ```
 */
export type LoanDetails = { loan: Loan; terms: LoanTerms };

/**
 * `loansOf`: the account, the sides asked for (default both) and the block range.
 *
 * @example
 * ```ts
 * const params: LoansOfParameters = { account: me, roles: ["borrower"], fromBlock: 21_000_000 };
 * ```
 */
export type LoansOfParameters = ScanRangeParameters & { account: Address; roles?: readonly ("lender" | "borrower")[] };

/**
 * One position of an account (LN-SDK-5): the loan, which side, the token, whether the account held it at the end of
 * the scan (by the Transfer logs), and the loan read now.
 *
 * @example
 * ```ts
 * const { positions } = await lending.loansOf({ account: me });
 * const mine: LendingPosition[] = positions.filter((p) => p.holding);
 * ```
 */
export type LendingPosition = {
  loanId: LoanId;
  role: "lender" | "borrower";
  tokenId: bigint;
  holding: boolean;
  loan: Loan;
};

/**
 * What `loansOf` returns, in order of the first Transfer seen, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { positions, nextFromBlock }: LoansOfReturnType = await lending.loansOf({ account: me });
 * ```
 */
export type LoansOfReturnType = ScanPage & { positions: LendingPosition[] };
