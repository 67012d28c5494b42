// What a loan owes, offline (LN-SDK-3): the contract's `owedAt` (LN-I1…I3) to the unit, and the sale's prices
// (LN-D2). Pure arithmetic on bigints, no chain access.
import { InterestKind, LENDING_LIMITS, type Loan, type LoanOwed, type LoanTerms } from "./types";

/**
 * What a full repayment at `at` (unix seconds) pays, as the contract's `owedAt(terms, loanId, at)` returns it:
 * fixed, `outstanding` whatever the time, its interest part what exceeds the principal (LN-I1); pro-rated, the
 * outstanding principal plus `ceil(outstanding × rateBps × (at − checkpoint) / (10,000 × 365 days))` (LN-I2), 0
 * before the checkpoint.
 *
 * @example
 * ```ts
 * const loan = await lending.loan({ loanId });
 * const { total } = loanOwedAt({ terms, loan, at: BigInt(await lending.chainTime()) + 60n });
 * ```
 */
export function loanOwedAt(params: {
  terms: Pick<LoanTerms, "interestKind" | "interest" | "principal">;
  loan: Pick<Loan, "outstanding" | "checkpoint">;
  at: bigint | number;
}): LoanOwed {
  const { terms, loan } = params;
  const at = BigInt(params.at);
  const outstanding = loan.outstanding;
  if (terms.interestKind === InterestKind.Fixed) {
    const interestPart = outstanding > terms.principal ? outstanding - terms.principal : 0n;
    return { principalPart: outstanding - interestPart, interestPart, total: outstanding };
  }
  const elapsed = at > loan.checkpoint ? at - loan.checkpoint : 0n;
  const denominator = LENDING_LIMITS.bps * LENDING_LIMITS.year;
  const interestPart = (outstanding * terms.interest * elapsed + denominator - 1n) / denominator;
  return { principalPart: outstanding, interestPart, total: outstanding + interestPart };
}

/**
 * A collateral sale's Dutch price from the debt frozen at its start (LN-D2): `bps` of it, rounded up, capped below
 * 2^96. `saleStartBps` gives the start price, `saleFloorBps` the floor.
 *
 * @example
 * ```ts
 * const floor = loanSalePrice(sale.debt, terms.saleFloorBps);
 * ```
 */
export function loanSalePrice(debt: bigint, bps: bigint): bigint {
  const price = (debt * bps + LENDING_LIMITS.bps - 1n) / LENDING_LIMITS.bps;
  return price > LENDING_LIMITS.maxAmount ? LENDING_LIMITS.maxAmount : price;
}
