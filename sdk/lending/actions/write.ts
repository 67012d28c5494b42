// Every lending action as an unsigned `{ to, data, value }` (LN-SDK-2), checked before it is built, and the sending
// paths that need more than a build (an approval first, the new loan's id read from the event).
import { ZeroAddress, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address, PreparedTransaction, TransactionOverrides } from "../../core/types";
import { requireAddress, requireBigInt, requireThat } from "../../internal/validate";
import type {
  AcceptOfferParameters,
  AcceptRequestParameters,
  AcceptReturnType,
  LoanCallParameters,
  RefinanceWithOfferParameters,
  RefinanceWithRequestParameters,
  RepayParameters,
} from "../parameters";
import { CollateralKind, toLoanId, type LoanTerms } from "../types";
import { checkCollateralId, normalizeLoanTerms } from "../validate";
import { checkTermsOnChain, refuse, requireCounterparty, requireLive } from "./checks";
import { callerOf, encodeCall, read, send, type LendingContext } from "./context";

type Overrides = { overrides?: TransactionOverrides };

function amountOf(parameter: string, value: unknown): bigint {
  const amount = requireBigInt(parameter, value, 0n);
  if (amount === 0n) throw refuse("LENDING_ZERO_AMOUNT", `${parameter} must be positive`, { parameter });
  return amount;
}

function recipient(context: LendingContext, to: Address): Address {
  const checked = requireAddress("to", to);
  if (checked === ZeroAddress || checked === context.address) {
    throw refuse("LENDING_INVALID_RECIPIENT", "The recipient is zero or the Lending contract", { to: checked });
  }
  return checked;
}

/** `acceptOffer(offer, signature, collateralId)`, refused first where the contract would refuse it (LN-A1, LN-O*). */
export async function buildAcceptOffer(context: LendingContext, params: AcceptOfferParameters) {
  const signed = params.offer;
  const offer = signed.offer;
  const borrower = requireAddress("borrower", await callerOf(context, params.borrower, "borrower"));
  if (offer.refinances !== 0n) {
    throw refuse("LENDING_REFINANCE_MISMATCH", "A refinancing offer: use refinanceWithOffer", {
      refinances: offer.refinances,
    });
  }
  requireCounterparty(offer.borrower, offer.lender, borrower);
  const terms = await checkTermsOnChain(context, offer.terms);
  const collateralId = params.collateralId ?? terms.collateralId;
  checkCollateralId(offer, collateralId);
  await requireLive(context, signed);
  if (terms.principalToken === ZeroAddress) {
    const deposit = await read(context, (c) => c.depositOf(offer.lender));
    if (deposit < terms.principal) {
      throw refuse("LENDING_INSUFFICIENT_DEPOSIT", `The lender's deposit ${deposit} is below ${terms.principal}`, {
        deposit,
        needed: terms.principal,
      });
    }
  }
  return encodeCall(context, "acceptOffer", [offer, signed.signature, collateralId]);
}

/** `acceptRequest(request, signature)`, with the principal as value for ETH. */
export async function buildAcceptRequest(context: LendingContext, params: AcceptRequestParameters) {
  const signed = params.request;
  const request = signed.request;
  const lender = requireAddress("lender", await callerOf(context, params.lender, "lender"));
  if (request.refinances !== 0n) {
    throw refuse("LENDING_REFINANCE_MISMATCH", "A refinancing request: use refinanceWithRequest", {
      refinances: request.refinances,
    });
  }
  requireCounterparty(request.lender, request.borrower, lender);
  const terms = await checkTermsOnChain(context, request.terms);
  await requireLive(context, signed);
  const value = terms.principalToken === ZeroAddress ? terms.principal : 0n;
  return encodeCall(context, "acceptRequest", [request, signed.signature], value);
}

/** Approves the contract for exactly `amount` of `token` when `owner`'s allowance is short (never unlimited). */
export async function approveIfShort(
  context: LendingContext,
  params: { token: Address; amount: bigint; owner: Address },
): Promise<TransactionReceipt | undefined> {
  if (params.token === ZeroAddress) return undefined;
  const token = IERC20__factory.connect(params.token, context.tx.provider());
  const allowance = await context.tx.guard(() => token.allowance(params.owner, context.address));
  if (allowance >= params.amount) return undefined;
  return context.tx.send(buildApprove(context, params));
}

/** The token's `approve(lending, amount)`. */
export function buildApprove(context: LendingContext, params: { token: Address; amount: bigint }): PreparedTransaction {
  const token = requireAddress("token", params.token);
  const amount = requireBigInt("amount", params.amount, 0n);
  const data = IERC20__factory.createInterface().encodeFunctionData("approve", [context.address, amount]);
  return { to: token, data, value: 0n };
}

/** Accepts and reads the loan id from `LoanStarted`. */
export async function accept(
  context: LendingContext,
  request: PreparedTransaction,
  approval: { token: Address; amount: bigint } | undefined,
  overrides?: TransactionOverrides,
): Promise<AcceptReturnType> {
  if (approval !== undefined) {
    await approveIfShort(context, { ...approval, owner: await context.tx.signerAddress() });
  }
  const result = await send(context, request, overrides);
  const started = result.events.find((event) => event.type === "LoanStarted");
  // The contract emits it in every acceptance; its absence means a receipt from something else.
  if (started === undefined) throw new Error(`No LoanStarted event in ${result.receipt.hash}`);
  return { ...result, loanId: started.loanId };
}

/** The ERC20 collateral an accepting borrower approves (an NFT is approved by the caller beforehand). */
export function collateralApproval(terms: LoanTerms) {
  return terms.collateralKind === CollateralKind.ERC20
    ? { token: terms.collateralToken, amount: terms.collateralAmount }
    : undefined;
}

function loanArgs(params: LoanCallParameters): [LoanTerms, bigint] {
  return [normalizeLoanTerms(params.terms), toLoanId(params.loanId)];
}

/** `repay(terms, loanId, amount)`, `amount` as value for ETH. */
export function buildRepay(context: LendingContext, params: RepayParameters): PreparedTransaction {
  const [terms, loanId] = loanArgs(params);
  const amount = amountOf("amount", params.amount);
  return encodeCall(context, "repay", [terms, loanId, amount], terms.principalToken === ZeroAddress ? amount : 0n);
}

export async function repay(context: LendingContext, params: RepayParameters & Overrides) {
  const request = buildRepay(context, params);
  if (params.approve === true) {
    const owner = await context.tx.signerAddress();
    await approveIfShort(context, { token: params.terms.principalToken, amount: params.amount, owner });
  }
  return send(context, request, params.overrides);
}

/** `claim(terms, loanId, to)` by the lender token's holder after default, `to` default the signer. */
export async function buildClaim(context: LendingContext, params: LoanCallParameters & { to?: Address }) {
  const to = recipient(context, await callerOf(context, params.to, "to"));
  return encodeCall(context, "claim", [...loanArgs(params), to]);
}

/** `withdrawCollateral(terms, loanId, to)` of collateral held for a position (LN-R4, LN-D5). */
export async function buildWithdrawCollateral(context: LendingContext, params: LoanCallParameters & { to?: Address }) {
  const to = recipient(context, await callerOf(context, params.to, "to"));
  return encodeCall(context, "withdrawCollateral", [...loanArgs(params), to]);
}

/** `startSale` or `settleSale`: the terms and the loan, by anyone. */
export function buildSaleCall(context: LendingContext, name: "startSale" | "settleSale", params: LoanCallParameters) {
  return encodeCall(context, name, loanArgs(params));
}

/** LN-F2: the new terms keep the principal token and the collateral (an any-id offer: id 0). */
function requireSameAsset(old: LoanTerms, next: LoanTerms, anyCollateralId: boolean): void {
  const same =
    next.principalToken === old.principalToken &&
    next.collateralToken === old.collateralToken &&
    next.collateralKind === old.collateralKind &&
    next.collateralAmount === old.collateralAmount &&
    next.collateralId === (anyCollateralId ? 0n : old.collateralId);
  if (!same) throw refuse("LENDING_REFINANCE_MISMATCH", "The new terms change the principal token or the collateral");
}

/** `refinanceWithOffer(oldTerms, loanId, offer, signature, maxPayment)`, `maxPayment` as value for ETH. */
export async function buildRefinanceWithOffer(context: LendingContext, params: RefinanceWithOfferParameters) {
  const [old, loanId] = loanArgs(params);
  const signed = params.offer;
  const offer = signed.offer;
  const borrower = requireAddress("borrower", await callerOf(context, params.borrower, "borrower"));
  const maxPayment = requireBigInt("maxPayment", params.maxPayment ?? 0n, 0n);
  if (offer.refinances !== 0n && offer.refinances !== loanId) {
    throw refuse("LENDING_REFINANCE_MISMATCH", `The offer refinances ${offer.refinances}, not ${loanId}`);
  }
  requireCounterparty(offer.borrower, offer.lender, borrower);
  const terms = await checkTermsOnChain(context, offer.terms);
  requireSameAsset(old, terms, offer.anyCollateralId);
  await requireLive(context, signed);
  const value = old.principalToken === ZeroAddress ? maxPayment : 0n;
  return encodeCall(context, "refinanceWithOffer", [old, loanId, offer, signed.signature, maxPayment], value);
}

/** `refinanceWithRequest(oldTerms, loanId, request, signature)`, the new principal as value for ETH. */
export async function buildRefinanceWithRequest(context: LendingContext, params: RefinanceWithRequestParameters) {
  const [old, loanId] = loanArgs(params);
  const signed = params.request;
  const request = signed.request;
  const lender = requireAddress("lender", await callerOf(context, params.lender, "lender"));
  if (request.refinances !== loanId) {
    throw refuse("LENDING_REFINANCE_MISMATCH", `The request refinances ${request.refinances}, not ${loanId}`);
  }
  requireCounterparty(request.lender, request.borrower, lender);
  const terms = await checkTermsOnChain(context, request.terms);
  requireSameAsset(old, terms, false);
  await requireLive(context, signed);
  const value = terms.principalToken === ZeroAddress ? terms.principal : 0n;
  return encodeCall(context, "refinanceWithRequest", [old, loanId, request, signed.signature], value);
}

/** `cancelNonces(nonces)`: each marked used (LN-O5). */
export function buildCancelNonces(context: LendingContext, params: { nonces: readonly bigint[] }) {
  requireThat(Array.isArray(params.nonces) && params.nonces.length > 0, "nonces", params.nonces, "none listed");
  const nonces = params.nonces.map((nonce, i) => requireBigInt(`nonces[${i}]`, nonce, 0n));
  return encodeCall(context, "cancelNonces", [nonces]);
}

/** `cancelNoncesBelow(minNonce)`: every nonce below it dead; the floor only rises (below 2^192). */
export function buildCancelNoncesBelow(context: LendingContext, params: { minNonce: bigint }) {
  return encodeCall(context, "cancelNoncesBelow", [requireBigInt("minNonce", params.minNonce, 1n, 1n << 192n)]);
}

/** `deposit()` of `amount` wei, what a lender's ETH offers lend from (LN-A4). */
export function buildDeposit(context: LendingContext, params: { amount: bigint }) {
  return encodeCall(context, "deposit", [], amountOf("amount", params.amount));
}

/** `withdrawDeposit(amount, to)`, `to` default the signer. */
export async function buildWithdrawDeposit(context: LendingContext, params: { amount: bigint; to?: Address }) {
  const to = recipient(context, await callerOf(context, params.to, "to"));
  return encodeCall(context, "withdrawDeposit", [amountOf("amount", params.amount), to]);
}

/** `withdraw(token, to)` of a credit (a failed payout), `to` default the signer; ETH unless `token`. */
export async function buildWithdraw(context: LendingContext, params: { token?: Address; to?: Address }) {
  const to = requireAddress("to", await callerOf(context, params.to, "to"));
  return encodeCall(context, "withdraw", [requireAddress("token", params.token ?? ZeroAddress), to]);
}
