// Terms, offers and requests checked in the SDK (LN-SDK-6): each field within its Solidity type (else
// InvalidParameterError naming it), and the bounds of LN-O7/LN-O8 in the contract's order, so that the first bound
// broken carries the contract's own `TERMS_*` reason. The contract checks them again; these checks are a courtesy.
import { ZeroAddress } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { LendingRequestError } from "../errors/lending";
import { requireAddress } from "../internal/validate";
import {
  CollateralKind,
  InterestKind,
  LENDING_LIMITS as L,
  LendingTermsReason as R,
  type LoanOffer,
  type LoanRequest,
  type LoanTerms,
} from "./types";

const UINT16 = 1n << 16n;
const UINT32 = 1n << 32n;
const UINT40 = 1n << 40n;
const UINT96 = 1n << 96n;
const UINT256 = 1n << 256n;

function uint(parameter: string, value: unknown, bound: bigint): bigint {
  if (typeof value !== "bigint" || value < 0n || value >= bound) {
    throw new InvalidParameterError({ parameter, value, reason: `must be a bigint in [0, ${bound})` });
  }
  return value;
}

function kind<T extends number>(parameter: string, value: unknown): T {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (n !== 0 && n !== 1) throw new InvalidParameterError({ parameter, value, reason: "must be 0 or 1" });
  return n as T;
}

/**
 * Terms with every field checked against its Solidity type and addresses checksummed (the bounds of LN-O7 are
 * {@link checkLoanTerms}'s).
 *
 * @throws {InvalidParameterError} a field is missing or outside its type.
 */
export function normalizeLoanTerms(terms: LoanTerms, prefix = "terms"): LoanTerms {
  if (terms === null || typeof terms !== "object") {
    throw new InvalidParameterError({ parameter: prefix, value: terms, reason: "must be an object" });
  }
  const t = terms as Record<string, unknown>;
  const p = (name: string) => `${prefix}.${name}`;
  return {
    principalToken: requireAddress(p("principalToken"), t.principalToken),
    principal: uint(p("principal"), t.principal, UINT96),
    collateralToken: requireAddress(p("collateralToken"), t.collateralToken),
    collateralAmount: uint(p("collateralAmount"), t.collateralAmount, UINT96),
    collateralId: uint(p("collateralId"), t.collateralId, UINT256),
    collateralKind: kind<CollateralKind>(p("collateralKind"), t.collateralKind),
    interestKind: kind<InterestKind>(p("interestKind"), t.interestKind),
    interest: uint(p("interest"), t.interest, UINT96),
    duration: uint(p("duration"), t.duration, UINT32),
    gracePeriod: uint(p("gracePeriod"), t.gracePeriod, UINT32),
    feeBps: uint(p("feeBps"), t.feeBps, UINT16),
    feeRecipient: requireAddress(p("feeRecipient"), t.feeRecipient),
    saleStartBps: uint(p("saleStartBps"), t.saleStartBps, UINT16),
    saleFloorBps: uint(p("saleFloorBps"), t.saleFloorBps, UINT16),
    saleDuration: uint(p("saleDuration"), t.saleDuration, UINT32),
    saleFloorDuration: uint(p("saleFloorDuration"), t.saleFloorDuration, UINT32),
  };
}

function bool(parameter: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new InvalidParameterError({ parameter, value, reason: "must be a boolean" });
  return value;
}

/**
 * An offer with every field checked against its Solidity type.
 *
 * @throws {InvalidParameterError} a field is missing or outside its type.
 */
export function normalizeLoanOffer(offer: LoanOffer): LoanOffer {
  return {
    lender: requireAddress("offer.lender", offer.lender),
    borrower: requireAddress("offer.borrower", offer.borrower),
    terms: normalizeLoanTerms(offer.terms, "offer.terms"),
    anyCollateralId: bool("offer.anyCollateralId", offer.anyCollateralId),
    refinances: uint("offer.refinances", offer.refinances, UINT256),
    nonce: uint("offer.nonce", offer.nonce, UINT256),
    expiry: uint("offer.expiry", offer.expiry, UINT40),
  };
}

/**
 * A request with every field checked against its Solidity type.
 *
 * @throws {InvalidParameterError} a field is missing or outside its type.
 */
export function normalizeLoanRequest(request: LoanRequest): LoanRequest {
  return {
    borrower: requireAddress("request.borrower", request.borrower),
    lender: requireAddress("request.lender", request.lender),
    terms: normalizeLoanTerms(request.terms, "request.terms"),
    refinances: uint("request.refinances", request.refinances, UINT256),
    nonce: uint("request.nonce", request.nonce, UINT256),
    expiry: uint("request.expiry", request.expiry, UINT40),
  };
}

/** The facts of the chain LN-O7 needs beyond the terms: the deployment, its Auctions, which tokens have code. */
export type TermsCheckContext = {
  contract: Address;
  /** `ZeroAddress`: a deployment without sales. */
  auctions: Address;
  hasCode: (address: Address) => boolean;
};

export function termsError(reason: R, parameter: string, value: unknown, why: string): LendingRequestError {
  return new LendingRequestError({
    code: "LENDING_INVALID_TERMS",
    message: `Invalid ${parameter}: ${why} (LN-O7, reason ${reason})`,
    details: { reason, parameter, value },
  });
}

/**
 * Checks terms against LN-O7 and LN-O8 in the contract's order, so that a refusal names the same `TERMS_*` reason as
 * the contract's `LendingInvalidTerms`. Without `chain` (offline), the checks that need the chain (the tokens' code,
 * the contract and its Auctions) are skipped. Returns the normalized terms.
 *
 * @throws {LendingRequestError} `LENDING_INVALID_TERMS` (`details.reason`), `LENDING_SALE_UNAVAILABLE`.
 * @throws {InvalidParameterError} a field outside its Solidity type.
 * @example
 * ```ts
 * checkLoanTerms(terms); // offline: throws LENDING_INVALID_TERMS with the contract's reason
 * ```
 */
export function checkLoanTerms(input: LoanTerms, chain?: TermsCheckContext): LoanTerms {
  const t = normalizeLoanTerms(input);
  const refused = (addr: Address) =>
    chain !== undefined && (!chain.hasCode(addr) || addr === chain.contract || addr === chain.auctions);
  if (t.principal === 0n) throw termsError(R.Principal, "terms.principal", t.principal, "must be positive");
  if (t.principalToken !== ZeroAddress && refused(t.principalToken)) {
    throw termsError(R.PrincipalToken, "terms.principalToken", t.principalToken, "no code, or Lending or Auctions");
  }
  if (t.collateralToken === t.principalToken || refused(t.collateralToken)) {
    const why = "the principal token, no code, or Lending or Auctions";
    throw termsError(R.CollateralToken, "terms.collateralToken", t.collateralToken, why);
  }
  const erc20 = t.collateralKind === CollateralKind.ERC20;
  if (erc20 ? t.collateralAmount === 0n || t.collateralId !== 0n : t.collateralAmount !== 0n) {
    const why = erc20 ? "an ERC20 collateral has an amount and id 0" : "an ERC721 collateral has amount 0";
    throw termsError(R.Collateral, "terms.collateralAmount", t.collateralAmount, why);
  }
  if (t.duration === 0n || t.duration > L.maxDuration) {
    throw termsError(R.Duration, "terms.duration", t.duration, `must be in [1, ${L.maxDuration}]`);
  }
  if (t.gracePeriod > L.maxGrace) {
    throw termsError(R.Grace, "terms.gracePeriod", t.gracePeriod, `must be at most ${L.maxGrace}`);
  }
  const proRated = t.interestKind === InterestKind.ProRated;
  if (proRated ? t.interest === 0n || t.interest > L.maxRateBps : t.principal + t.interest > L.maxAmount) {
    const why = proRated ? `a rate in [1, ${L.maxRateBps}] bps` : "principal + interest below 2^96";
    throw termsError(R.Interest, "terms.interest", t.interest, why);
  }
  if (
    t.feeBps > L.maxFeeBps ||
    (t.feeBps === 0n) !== (t.feeRecipient === ZeroAddress) ||
    (chain !== undefined && t.feeRecipient === chain.contract)
  ) {
    throw termsError(R.Fee, "terms.feeBps", t.feeBps, `at most ${L.maxFeeBps}, a recipient iff a fee, not Lending`);
  }
  checkSale(t, chain);
  return t;
}

function checkSale(t: LoanTerms, chain: TermsCheckContext | undefined): void {
  if (t.saleStartBps === 0n) {
    if (t.saleFloorBps !== 0n || t.saleDuration !== 0n || t.saleFloorDuration !== 0n) {
      throw termsError(R.Sale, "terms.saleStartBps", 0n, "no sale: every sale field is 0");
    }
    return;
  }
  if (chain !== undefined && chain.auctions === ZeroAddress) {
    throw new LendingRequestError({
      code: "LENDING_SALE_UNAVAILABLE",
      message: "Sale terms on a Lending deployment without Auctions",
      details: { parameter: "terms.saleStartBps", value: t.saleStartBps },
    });
  }
  if (
    t.saleFloorBps === 0n ||
    t.saleFloorBps > t.saleStartBps ||
    t.saleDuration === 0n ||
    t.saleDuration > L.maxSaleDuration ||
    t.saleFloorDuration > L.maxSaleDuration
  ) {
    const why = `1 <= floor <= start bps, 1 <= saleDuration <= ${L.maxSaleDuration}, floor duration <= it`;
    throw termsError(R.Sale, "terms.saleFloorBps", t.saleFloorBps, why);
  }
}

/**
 * LN-O2: an offer open to any id of the collection has ERC721 collateral and id 0; else the accepted id is the
 * signed one.
 *
 * @throws {LendingRequestError} `LENDING_INVALID_TERMS` with reason `CollateralId` (10).
 */
export function checkCollateralId(offer: LoanOffer, collateralId?: bigint): void {
  const t = offer.terms;
  if (offer.anyCollateralId) {
    if (t.collateralKind !== CollateralKind.ERC721 || t.collateralId !== 0n) {
      throw termsError(R.CollateralId, "offer.anyCollateralId", true, "needs ERC721 collateral and id 0");
    }
  } else if (collateralId !== undefined && collateralId !== t.collateralId) {
    throw termsError(R.CollateralId, "collateralId", collateralId, `the offer is for id ${t.collateralId}`);
  }
}
