// Lending's vocabulary (docs/lending.md §1, §2): the branded loan id, the contract's enums and structs (terms, offer,
// request, loan, sale), the reasons of `LendingInvalidTerms` and the contract's bounds. Pure types and constants.
import type { Address } from "../core/types";
import { LendingRequestError } from "../errors/lending";

/**
 * A loan's id (LN-S3): the accepted offer's or request's EIP-712 digest with its lowest bit cleared, so always even;
 * it is also the lender position token's id, `loanId + 1` the borrower's. Branded apart from other bigints.
 *
 * @example
 * ```ts
 * const { loanId } = await lending.acceptOffer({ offer: signed });
 * const id: LoanId = toLoanId(loanId);
 * ```
 */
export type LoanId = bigint & { readonly __brand: "LoanId" };

/**
 * Checks and brands a loan id: an even positive integer below 2^256 (a bigint, or a decimal or 0x string).
 *
 * @throws {LendingRequestError} `LENDING_INVALID_LOAN_ID`.
 * @example
 * ```ts
 * const id = toLoanId(new URL(location.href).searchParams.get("loan") ?? "");
 * ```
 */
export function toLoanId(value: bigint | string): LoanId {
  let id: bigint | undefined;
  try {
    id = typeof value === "bigint" ? value : /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value) ? BigInt(value) : undefined;
  } catch {
    id = undefined;
  }
  if (id === undefined || id <= 0n || id >= 1n << 256n || (id & 1n) === 1n) {
    throw new LendingRequestError({
      code: "LENDING_INVALID_LOAN_ID",
      message: `${String(value)} is not a loan id (an even positive uint256)`,
      details: { parameter: "loanId", value: String(value) },
    });
  }
  return id as LoanId;
}

/**
 * What the collateral is (`ILending.CollateralKind`).
 *
 * @example
 * ```ts
 * const terms = { ...base, collateralKind: CollateralKind.ERC721, collateralId: 42n, collateralAmount: 0n };
 * ```
 */
export enum CollateralKind {
  ERC20 = 0,
  ERC721 = 1,
}

/**
 * How interest is counted (`ILending.InterestKind`): `Fixed`, an amount; `ProRated`, an annual rate in bps accruing
 * to the second (LN-I1, LN-I2).
 *
 * @example
 * ```ts
 * const terms = { ...base, interestKind: InterestKind.ProRated, interest: 1_200n }; // 12% a year
 * ```
 */
export enum InterestKind {
  Fixed = 0,
  ProRated = 1,
}

/**
 * A loan's status (`ILending.Status`): `Active`, `OnSale` during a collateral sale, then one terminal state.
 *
 * @example
 * ```ts
 * if ((await lending.loan({ loanId })).status === LoanStatus.Active) await lending.repay({ loanId, amount });
 * ```
 */
export enum LoanStatus {
  None = 0,
  Active = 1,
  OnSale = 2,
  Repaid = 3,
  Claimed = 4,
  Sold = 5,
}

/**
 * The reasons of `LendingInvalidTerms(reason)` (LN-O7, `TERMS_*` of LendingTerms.sol): the bound the terms break.
 *
 * @example
 * ```ts
 * if (err.code === "LENDING_INVALID_TERMS" && err.details.reason === LendingTermsReason.Duration) askAgain();
 * ```
 */
export enum LendingTermsReason {
  Principal = 1,
  PrincipalToken = 2,
  CollateralToken = 3,
  Collateral = 4,
  Duration = 5,
  Grace = 6,
  Interest = 7,
  Fee = 8,
  Sale = 9,
  CollateralId = 10,
}

/**
 * The contract's bounds (LN-O7, LN-S5): amounts below 2^96, durations in seconds, bps of 10,000.
 *
 * @example
 * ```ts
 * const longest = LENDING_LIMITS.maxDuration; // 5 years
 * ```
 */
export const LENDING_LIMITS = Object.freeze({
  maxAmount: (1n << 96n) - 1n,
  maxDuration: 5n * 365n * 86_400n,
  maxGrace: 90n * 86_400n,
  maxRateBps: 100_000n,
  maxFeeBps: 2_500n,
  maxSaleDuration: 365n * 86_400n,
  bps: 10_000n,
  year: 365n * 86_400n,
  /** Gas an ERC-1271 signer gets to answer (LN-O6). */
  walletGas: 100_000n,
});

/**
 * A loan's terms (LN-S1, `ILending.Terms`), every number a bigint. ETH principal is `ZeroAddress`; an ERC20
 * collateral has an amount and id 0, an ERC721 its id and amount 0; no sale is the four `sale*` fields 0.
 *
 * @example
 * ```ts
 * const terms: LoanTerms = {
 *   principalToken: usdc, principal: 1_000_000_000n, collateralToken: weth, collateralAmount: 10n ** 18n,
 *   collateralId: 0n, collateralKind: CollateralKind.ERC20, interestKind: InterestKind.Fixed, interest: 50_000_000n,
 *   duration: 30n * 86_400n, gracePeriod: 86_400n, feeBps: 0n, feeRecipient: ZeroAddress,
 *   saleStartBps: 0n, saleFloorBps: 0n, saleDuration: 0n, saleFloorDuration: 0n,
 * };
 * ```
 */
export type LoanTerms = {
  principalToken: Address;
  principal: bigint;
  collateralToken: Address;
  collateralAmount: bigint;
  collateralId: bigint;
  collateralKind: CollateralKind;
  interestKind: InterestKind;
  interest: bigint;
  duration: bigint;
  gracePeriod: bigint;
  feeBps: bigint;
  feeRecipient: Address;
  saleStartBps: bigint;
  saleFloorBps: bigint;
  saleDuration: bigint;
  saleFloorDuration: bigint;
};

/**
 * A lender's offer (LN-O1…O5, `ILending.Offer`): `borrower` 0 for anyone; `anyCollateralId` lets the borrower pick
 * any token of an ERC721 collection; `refinances` 0 or the loan it may refinance; valid while `now < expiry`.
 *
 * @example
 * ```ts
 * const offer: LoanOffer = { lender, borrower: ZeroAddress, terms, anyCollateralId: false, refinances: 0n, nonce: 1n, expiry };
 * ```
 */
export type LoanOffer = {
  lender: Address;
  borrower: Address;
  terms: LoanTerms;
  anyCollateralId: boolean;
  refinances: bigint;
  nonce: bigint;
  expiry: bigint;
};

/**
 * A borrower's request (`ILending.Request`): `lender` 0 for anyone; `refinances` 0 or the loan it refinances.
 *
 * @example
 * ```ts
 * const request: LoanRequest = { borrower, lender: ZeroAddress, terms, refinances: 0n, nonce: 1n, expiry };
 * ```
 */
export type LoanRequest = {
  borrower: Address;
  lender: Address;
  terms: LoanTerms;
  refinances: bigint;
  nonce: bigint;
  expiry: bigint;
};

/**
 * Which Lending deployment a signature is for: the chain and the contract (the EIP-712 domain's).
 *
 * @example
 * ```ts
 * const deployment: LendingDeployment = { chainId: 1n, contract: lendingAddress };
 * ```
 */
export type LendingDeployment = { chainId: bigint; contract: Address };

/**
 * A signed offer bound to its deployment: what a lender shares (JSON: `serializeSignedOffer`).
 *
 * @example
 * ```ts
 * const signed: SignedLoanOffer = await lender.signOffer({ terms });
 * ```
 */
export type SignedLoanOffer = LendingDeployment & { offer: LoanOffer; signature: string };

/**
 * A signed request bound to its deployment: what a borrower shares (JSON: `serializeSignedRequest`).
 *
 * @example
 * ```ts
 * const signed: SignedLoanRequest = await borrower.signRequest({ terms });
 * ```
 */
export type SignedLoanRequest = LendingDeployment & { request: LoanRequest; signature: string };

/**
 * A loan as `loanOf` returns it (LN-S2): the position holders (0 once burned), times, status, what remains owed and
 * the hash of its terms.
 *
 * @example
 * ```ts
 * const { lender, borrower, outstanding, status }: Loan = await lending.loan({ loanId });
 * ```
 */
export type Loan = {
  loanId: LoanId;
  lender: Address;
  start: bigint;
  checkpoint: bigint;
  status: LoanStatus;
  borrower: Address;
  outstanding: bigint;
  termsHash: string;
};

/**
 * A collateral sale as `saleOf` returns it (LN-D2): the auction on Auctions, the frozen debt and its interest.
 *
 * @example
 * ```ts
 * const { auctionId, debt }: LoanSale = await lending.sale({ loanId });
 * ```
 */
export type LoanSale = { auctionId: bigint; debt: bigint; interest: bigint };

/**
 * What a full repayment at a time pays (LN-I3): the principal part, the interest part and their total.
 *
 * @example
 * ```ts
 * const { total }: LoanOwed = loanOwedAt({ terms, loan, at });
 * ```
 */
export type LoanOwed = { principalPart: bigint; interestPart: bigint; total: bigint };
