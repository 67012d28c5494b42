// Offers and requests as EIP-712 typed data (docs/lending.md §2): the types, the deployment's domain, the terms'
// struct hash (what a loan stores, LN-S1), the digests a signer signs and the loan id they give (LN-S3). Checked
// against the contract's own `hashTerms`, `offerDigest` and `requestDigest` in the tests.
import { TypedDataEncoder, getAddress, type TypedDataDomain } from "ethers";
import { hashTypedData, type TypedData } from "../signing/eip712";
import type { LendingDeployment, LoanId, LoanOffer, LoanRequest, LoanTerms } from "./types";
import { normalizeLoanOffer, normalizeLoanRequest, normalizeLoanTerms } from "./validate";

const TERMS = Object.freeze([
  { name: "principalToken", type: "address" },
  { name: "principal", type: "uint96" },
  { name: "collateralToken", type: "address" },
  { name: "collateralAmount", type: "uint96" },
  { name: "collateralId", type: "uint256" },
  { name: "collateralKind", type: "uint8" },
  { name: "interestKind", type: "uint8" },
  { name: "interest", type: "uint96" },
  { name: "duration", type: "uint32" },
  { name: "gracePeriod", type: "uint32" },
  { name: "feeBps", type: "uint16" },
  { name: "feeRecipient", type: "address" },
  { name: "saleStartBps", type: "uint16" },
  { name: "saleFloorBps", type: "uint16" },
  { name: "saleDuration", type: "uint32" },
  { name: "saleFloorDuration", type: "uint32" },
]);

/**
 * The EIP-712 structs, field for field as the contract's typehashes: `Offer(address lender,address borrower,Terms
 * terms,bool anyCollateralId,uint256 refinances,uint256 nonce,uint40 expiry)`, `Request(address borrower,address
 * lender,Terms terms,uint256 refinances,uint256 nonce,uint40 expiry)` and `Terms(...)` (LN-S1).
 *
 * @example
 * ```ts
 * const fields = LENDING_EIP712_TYPES.Offer.map((field) => field.name);
 * ```
 */
export const LENDING_EIP712_TYPES = Object.freeze({
  Offer: Object.freeze([
    { name: "lender", type: "address" },
    { name: "borrower", type: "address" },
    { name: "terms", type: "Terms" },
    { name: "anyCollateralId", type: "bool" },
    { name: "refinances", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint40" },
  ]),
  Request: Object.freeze([
    { name: "borrower", type: "address" },
    { name: "lender", type: "address" },
    { name: "terms", type: "Terms" },
    { name: "refinances", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint40" },
  ]),
  Terms: TERMS,
});

/**
 * The EIP-712 domain of a Lending deployment: `{ name: "PeerPay Lending", version: "1", chainId, verifyingContract }`.
 *
 * @example
 * ```ts
 * const domain = lendingDomain({ chainId: 1n, contract: lendingAddress });
 * ```
 */
export function lendingDomain({ chainId, contract }: LendingDeployment): TypedDataDomain {
  return { name: "PeerPay Lending", version: "1", chainId, verifyingContract: getAddress(contract) };
}

/**
 * The typed data a lender signs: what a wallet shows. Each field is checked against its Solidity type.
 *
 * @throws {InvalidParameterError} a field is missing or outside its type.
 * @example
 * ```ts
 * const typedData = buildOfferTypedData({ chainId, contract, offer });
 * ```
 */
export function buildOfferTypedData(params: LendingDeployment & { offer: LoanOffer }): TypedData<LoanOffer> {
  return {
    domain: lendingDomain(params),
    types: { Offer: LENDING_EIP712_TYPES.Offer, Terms: TERMS },
    primaryType: "Offer",
    message: normalizeLoanOffer(params.offer),
  };
}

/**
 * The typed data a borrower signs.
 *
 * @throws {InvalidParameterError} a field is missing or outside its type.
 * @example
 * ```ts
 * const typedData = buildRequestTypedData({ chainId, contract, request });
 * ```
 */
export function buildRequestTypedData(params: LendingDeployment & { request: LoanRequest }): TypedData<LoanRequest> {
  return {
    domain: lendingDomain(params),
    types: { Request: LENDING_EIP712_TYPES.Request, Terms: TERMS },
    primaryType: "Request",
    message: normalizeLoanRequest(params.request),
  };
}

/**
 * The EIP-712 struct hash of terms: what a loan stores (LN-S1) and the contract's `hashTerms` returns.
 *
 * @example
 * ```ts
 * const matches = hashLoanTerms(terms) === (await lending.loan({ loanId })).termsHash;
 * ```
 */
export function hashLoanTerms(terms: LoanTerms): string {
  return TypedDataEncoder.from({ Terms: [...TERMS] }).hash(normalizeLoanTerms(terms));
}

/**
 * The digest a lender signs, equal to the contract's `offerDigest(offer)` on that deployment.
 *
 * @example
 * ```ts
 * const digest = hashLoanOffer({ chainId, contract, offer });
 * ```
 */
export function hashLoanOffer(params: LendingDeployment & { offer: LoanOffer }): string {
  return hashTypedData(buildOfferTypedData(params));
}

/**
 * The digest a borrower signs, equal to the contract's `requestDigest(request)`.
 *
 * @example
 * ```ts
 * const digest = hashLoanRequest({ chainId, contract, request });
 * ```
 */
export function hashLoanRequest(params: LendingDeployment & { request: LoanRequest }): string {
  return hashTypedData(buildRequestTypedData(params));
}

/**
 * The loan id an accepted offer or request gets (LN-S3): its digest with the lowest bit cleared.
 *
 * @example
 * ```ts
 * const loanId = loanIdOf(hashLoanOffer({ chainId, contract, offer }));
 * ```
 */
export function loanIdOf(digest: string): LoanId {
  return (BigInt(digest) & ~1n) as LoanId;
}
