// LendingClient: a façade over one lending context (docs/lending.md §13).
import type { ContractRunner } from "ethers";
import type { ILending } from "../../typechain-types/contracts/interfaces/ILending";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodeLendingError } from "./abi";
import { createLendingContext, chainTime, read, send, type LendingContext } from "./actions/context";
import * as O from "./actions/offers";
import * as R from "./actions/read";
import * as W from "./actions/write";
import { loansOf } from "./discovery";
import type * as P from "./parameters";
import { parseSignedOffer, parseSignedRequest } from "./serialize";
import type { Loan, LoanId, LoanOwed, LoanSale, LoanTerms, SignedLoanOffer, SignedLoanRequest } from "./types";

type Loan_ = P.LoanCallParameters;
type Write = P.LendingWriteReturnType;

/**
 * A client of peer-to-peer lending (docs/lending.md, SDK rules LN-SDK-*): sign, verify, share (JSON) and accept
 * offers and requests; repay, claim, sell defaulted collateral, refinance, withdraw held collateral; cancel nonces,
 * deposit and withdraw ETH; read a loan, its terms (rebuilt from its logs) and what it owes at any time (computed
 * offline, to the unit); list an account's loans from the position tokens' transfers. Every action also exists as
 * `buildX`, returning `{ to, data, value }` without sending. Terms the contract would refuse, an ERC-777 principal
 * and a dead or foreign offer are refused before anything is signed or sent; reverts decode to typed errors.
 *
 * @example
 * ```ts
 * const lender = await LendingClient.connect({ runner: lenderWallet, addressBook });
 * const signed = await lender.signOffer({ terms });
 * const text = serializeSignedOffer(signed); // share it
 * const borrower = new LendingClient({ address: lender.address, runner: borrowerWallet });
 * const { loanId } = await borrower.acceptOffer({ offer: await borrower.parseOffer({ text }), approve: true });
 * const { total } = await borrower.owedAt({ loanId, at: BigInt(await borrower.chainTime()) + 60n });
 * ```
 */
export class LendingClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: ILending;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly #context: LendingContext;

  constructor(params: P.LendingClientParameters) {
    this.#context = createLendingContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
  }

  /**
   * A client for the Lending deployment on the runner's chain found in the address book, or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const lending = await LendingClient.connect({ runner: wallet, addressBook });
   * ```
   */
  static async connect(params: ConnectParameters<P.LendingClientParameters>): Promise<LendingClient> {
    return new LendingClient(await connectParameters("Lending", params, decodeLendingError));
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await lending.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  /** The latest block's timestamp, the clock expiries and defaults are judged by. @example `const now = await lending.chainTime();` */
  chainTime(): Promise<bigint> {
    return chainTime(this.#context);
  }

  // ---------------------------------------------------------------- offers and requests (LN-SDK-1)

  /**
   * Signs an offer as the lender (any ethers Signer; an ERC-1271 wallet's owner with `lender` the wallet), its terms
   * checked as the contract will check them (LN-O7, LN-O8), its principal not ERC-777; nonce `nextNonce` and a day's
   * validity unless given.
   *
   * @throws {LendingRequestError} `LENDING_INVALID_TERMS`, `LENDING_SALE_UNAVAILABLE`, `LENDING_ERC777_PRINCIPAL`.
   * @example
   * ```ts
   * const signed = await lender.signOffer({ terms, validFor: 3_600n });
   * ```
   */
  signOffer(params: P.SignOfferParameters): Promise<SignedLoanOffer> {
    return O.signOffer(this.#context, params);
  }

  /** Signs a request as the borrower, checked as {@link LendingClient.signOffer}. @example `const signed = await borrower.signRequest({ terms });` */
  signRequest(params: P.SignRequestParameters): Promise<SignedLoanRequest> {
    return O.signRequest(this.#context, params);
  }

  /** Whether the contract would take the offer now, else why. @example `const { valid, reason } = await lending.verifyOffer({ offer: signed });` */
  verifyOffer(params: { offer: SignedLoanOffer }): Promise<P.VerifyOfferReturnType> {
    return O.verify(this.#context, params.offer);
  }

  /** Whether the contract would take the request now, else why. @example `const { valid } = await lending.verifyRequest({ request: signed });` */
  verifyRequest(params: { request: SignedLoanRequest }): Promise<P.VerifyOfferReturnType> {
    return O.verify(this.#context, params.request);
  }

  /** Reads a shared offer (JSON) signed for this deployment. @example `const signed = await lending.parseOffer({ text });` */
  async parseOffer(params: { text: string | object }): Promise<SignedLoanOffer> {
    return parseSignedOffer({ ...params, chainId: await this.getChainId(), contract: this.address });
  }

  /** Reads a shared request (JSON) signed for this deployment. @example `const signed = await lending.parseRequest({ text });` */
  async parseRequest(params: { text: string | object }): Promise<SignedLoanRequest> {
    return parseSignedRequest({ ...params, chainId: await this.getChainId(), contract: this.address });
  }

  // ---------------------------------------------------------------- acceptance (LN-SDK-2)

  /**
   * The `acceptOffer` call for `borrower` (default the signer), refused first where the contract would refuse it: a
   * foreign, expired, used or unsigned offer, another borrower, the lender itself, terms out of bounds, an ERC-777
   * principal, an ETH lender's deposit short.
   *
   * @throws {LendingRequestError} the contract's code for what is wrong.
   * @example
   * ```ts
   * const request = await lending.buildAcceptOffer({ offer: signed, borrower: safe });
   * ```
   */
  buildAcceptOffer(params: P.AcceptOfferParameters): Promise<PreparedTransaction> {
    return W.buildAcceptOffer(this.#context, params);
  }

  /** Accepts an offer as the borrower; `approve` approves an ERC20 collateral first. @example `const { loanId } = await borrower.acceptOffer({ offer, approve: true });` */
  async acceptOffer(params: P.AcceptOfferParameters & WriteParameters): Promise<P.AcceptReturnType> {
    const request = await this.buildAcceptOffer(params);
    const approval = params.approve === true ? W.collateralApproval(params.offer.offer.terms) : undefined;
    return W.accept(this.#context, request, approval, params.overrides);
  }

  /** The `acceptRequest` call for `lender` (default the signer), ETH principal as value. @example `const request = await lending.buildAcceptRequest({ request: signed });` */
  buildAcceptRequest(params: P.AcceptRequestParameters): Promise<PreparedTransaction> {
    return W.buildAcceptRequest(this.#context, params);
  }

  /** Accepts a request as the lender; `approve` approves an ERC20 principal first. @example `const { loanId } = await lender.acceptRequest({ request, approve: true });` */
  async acceptRequest(params: P.AcceptRequestParameters & WriteParameters): Promise<P.AcceptReturnType> {
    const request = await this.buildAcceptRequest(params);
    const t = params.request.request.terms;
    const approval = params.approve === true ? { token: t.principalToken, amount: t.principal } : undefined;
    return W.accept(this.#context, request, approval, params.overrides);
  }

  /** The token's `approve(lending, amount)`. @example `const request = lending.buildApprove({ token: usdc, amount });` */
  buildApprove(params: { token: Address; amount: bigint }): PreparedTransaction {
    return W.buildApprove(this.#context, params);
  }

  // ---------------------------------------------------------------- a loan's life

  /** The `repay` call (ETH: `amount` as value). @example `const request = lending.buildRepay({ loanId, terms, amount });` */
  buildRepay(params: P.RepayParameters): PreparedTransaction {
    return W.buildRepay(this.#context, params);
  }

  /**
   * Pays up to `amount` of what is owed (anyone); a payment covering the total ends the loan and returns the
   * collateral (LN-R*). `approve`: an exact ERC20 approval first when short.
   *
   * @throws {LendingPaymentError} e.g. `LENDING_PAYMENT_BELOW_INTEREST` (nothing sent: found by the estimate).
   * @example
   * ```ts
   * const { total } = await lending.owedAt({ loanId, at: BigInt(await lending.chainTime()) + 30n });
   * await lending.repay({ loanId, terms, amount: total, approve: true });
   * ```
   */
  repay(params: P.RepayParameters & WriteParameters): Promise<Write> {
    return W.repay(this.#context, params);
  }

  /** The `claim` call. @example `const request = await lending.buildClaim({ loanId, terms, to: vault });` */
  buildClaim(params: Loan_ & { to?: Address }): Promise<PreparedTransaction> {
    return W.buildClaim(this.#context, params);
  }

  /** The lender token's holder takes a defaulted loan's collateral (no-sale terms, LN-D1). @example `await lender.claim({ loanId, terms });` */
  async claim(params: Loan_ & { to?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildClaim(params), params.overrides);
  }

  /** The `startSale` call. @example `const request = lending.buildStartSale({ loanId, terms });` */
  buildStartSale(params: Loan_): PreparedTransaction {
    return W.buildSaleCall(this.#context, "startSale", params);
  }

  /** Lists a defaulted loan's collateral on Auctions (anyone, LN-D2); the auction's id from `SaleStarted`. @example `const { auctionId } = await lending.startSale({ loanId, terms });` */
  async startSale(params: Loan_ & WriteParameters): Promise<Write & { auctionId: bigint }> {
    const result = await send(this.#context, this.buildStartSale(params), params.overrides);
    const started = result.events.find((event) => event.type === "SaleStarted");
    if (started === undefined) throw new Error(`No SaleStarted event in ${result.receipt.hash}`);
    return { ...result, auctionId: started.auctionId };
  }

  /** The `settleSale` call. @example `const request = lending.buildSettleSale({ loanId, terms });` */
  buildSettleSale(params: Loan_): PreparedTransaction {
    return W.buildSaleCall(this.#context, "settleSale", params);
  }

  /** Settles a sold or ended sale (anyone, LN-D4, LN-D5). @example `await lending.settleSale({ loanId, terms });` */
  async settleSale(params: Loan_ & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildSettleSale(params), params.overrides);
  }

  /** The `refinanceWithOffer` call (ETH: `maxPayment` as value). @example `const request = await lending.buildRefinanceWithOffer({ loanId, terms, offer });` */
  buildRefinanceWithOffer(params: P.RefinanceWithOfferParameters): Promise<PreparedTransaction> {
    return W.buildRefinanceWithOffer(this.#context, params);
  }

  /** The borrower refinances with a new lender's offer, paying at most `maxPayment` of a shortfall (LN-F*). @example `await borrower.refinanceWithOffer({ loanId, terms, offer: cheaper });` */
  async refinanceWithOffer(params: P.RefinanceWithOfferParameters & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildRefinanceWithOffer(params), params.overrides);
  }

  /** The `refinanceWithRequest` call (ETH: the new principal as value). @example `const request = await lending.buildRefinanceWithRequest({ loanId, terms, request });` */
  buildRefinanceWithRequest(params: P.RefinanceWithRequestParameters): Promise<PreparedTransaction> {
    return W.buildRefinanceWithRequest(this.#context, params);
  }

  /** A new lender takes over a loan on the borrower's signed request (LN-F*). @example `await newLender.refinanceWithRequest({ loanId, terms, request });` */
  async refinanceWithRequest(params: P.RefinanceWithRequestParameters & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildRefinanceWithRequest(params), params.overrides);
  }

  /** The `withdrawCollateral` call. @example `const request = await lending.buildWithdrawCollateral({ loanId, terms, to });` */
  buildWithdrawCollateral(params: Loan_ & { to?: Address }): Promise<PreparedTransaction> {
    return W.buildWithdrawCollateral(this.#context, params);
  }

  /** Takes collateral held for the signer's position after a failed delivery (LN-R4, LN-D5). @example `await lending.withdrawCollateral({ loanId, terms, to: other });` */
  async withdrawCollateral(params: Loan_ & { to?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildWithdrawCollateral(params), params.overrides);
  }

  // ---------------------------------------------------------------- nonces, deposits, credits

  /** The `cancelNonces` call. @example `const request = lending.buildCancelNonces({ nonces: [3n] });` */
  buildCancelNonces(params: { nonces: readonly bigint[] }): PreparedTransaction {
    return W.buildCancelNonces(this.#context, params);
  }

  /** Kills the signer's offers or requests with these nonces (LN-O5). @example `await lending.cancelNonces({ nonces: [signed.offer.nonce] });` */
  async cancelNonces(params: { nonces: readonly bigint[] } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildCancelNonces(params), params.overrides);
  }

  /** The `cancelNoncesBelow` call. @example `const request = lending.buildCancelNoncesBelow({ minNonce: 10n });` */
  buildCancelNoncesBelow(params: { minNonce: bigint }): PreparedTransaction {
    return W.buildCancelNoncesBelow(this.#context, params);
  }

  /** Kills every nonce of the signer below `minNonce` (the floor only rises). @example `await lending.cancelNoncesBelow({ minNonce: await lending.nextNonce() });` */
  async cancelNoncesBelow(params: { minNonce: bigint } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildCancelNoncesBelow(params), params.overrides);
  }

  /** The `deposit` call. @example `const request = lending.buildDeposit({ amount: parseEther("1") });` */
  buildDeposit(params: { amount: bigint }): PreparedTransaction {
    return W.buildDeposit(this.#context, params);
  }

  /** Deposits ETH that the signer's ETH offers lend from (LN-A4). @example `await lender.deposit({ amount: parseEther("1") });` */
  async deposit(params: { amount: bigint } & WriteParameters): Promise<Write> {
    return send(this.#context, this.buildDeposit(params), params.overrides);
  }

  /** The `withdrawDeposit` call. @example `const request = await lending.buildWithdrawDeposit({ amount, to });` */
  buildWithdrawDeposit(params: { amount: bigint; to?: Address }): Promise<PreparedTransaction> {
    return W.buildWithdrawDeposit(this.#context, params);
  }

  /** Takes back part of the signer's ETH deposit. @example `await lender.withdrawDeposit({ amount: parseEther("1") });` */
  async withdrawDeposit(params: { amount: bigint; to?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildWithdrawDeposit(params), params.overrides);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = await lending.buildWithdraw({ token: usdc });` */
  buildWithdraw(params: { token?: Address; to?: Address }): Promise<PreparedTransaction> {
    return W.buildWithdraw(this.#context, params);
  }

  /** Withdraws the signer's credit (a failed payout), ETH unless `token`. @example `await lending.withdraw({ token: usdc });` */
  async withdraw(params: { token?: Address; to?: Address } & WriteParameters): Promise<Write> {
    return send(this.#context, await this.buildWithdraw(params), params.overrides);
  }

  // ---------------------------------------------------------------- views (LN-SDK-3, LN-SDK-4)

  /** A loan's stored state. @example `const { status, outstanding } = await lending.loan({ loanId });` */
  loan(params: { loanId: LoanId }): Promise<Loan> {
    return R.loanOf(this.#context, params.loanId);
  }

  /** A loan and its terms rebuilt from its logs, checked against the stored hash. @example `const { loan, terms } = await lending.loanDetails({ loanId });` */
  loanDetails(params: { loanId: LoanId }): Promise<P.LoanDetails> {
    return R.loanDetails(this.#context, params.loanId);
  }

  /** A loan's current terms, from its logs. @example `const terms = await lending.termsOf({ loanId });` */
  async termsOf(params: { loanId: LoanId }): Promise<LoanTerms> {
    return (await R.loanDetails(this.#context, params.loanId)).terms;
  }

  /** A collateral sale's record. @example `const { auctionId, debt } = await lending.sale({ loanId });` */
  sale(params: { loanId: LoanId }): Promise<LoanSale> {
    return R.saleOf(this.#context, params.loanId);
  }

  /** What a full repayment at `at` (default now) pays, computed offline from the loan as stored. @example `const { total } = await lending.owedAt({ loanId, at });` */
  owedAt(params: { loanId: LoanId; terms?: LoanTerms; at?: bigint }): Promise<LoanOwed> {
    return R.owedAt(this.#context, params);
  }

  /** The lowest unused nonce of `signer` (default the client's) at or above its floor. @example `const nonce = await lending.nextNonce();` */
  async nextNonce(params: { signer?: Address } = {}): Promise<bigint> {
    return R.nextNonce(this.#context, params.signer ?? (await this.#context.tx.signerAddress()));
  }

  /** Whether `signer`'s nonce is used or below its floor. @example `const dead = await lending.nonceUsed({ signer, nonce });` */
  nonceUsed(params: { signer: Address; nonce: bigint }): Promise<boolean> {
    return read(this.#context, (c) => c.nonceUsed(params.signer, params.nonce));
  }

  /** An account's ETH deposit. @example `const deposit = await lending.depositOf({ account: lender });` */
  depositOf(params: { account: Address }): Promise<bigint> {
    return read(this.#context, (c) => c.depositOf(params.account));
  }

  /** An account's credit (failed payouts), ETH unless `token`. @example `const credit = await lending.creditOf({ account: me, token: usdc });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return R.creditOf(this.#context, params);
  }

  /** An account's positions from the Transfer logs, each loan read at the scan's end (LN-SDK-5). @example `const { positions } = await lending.loansOf({ account: me });` */
  loansOf(params: P.LoansOfParameters): Promise<P.LoansOfReturnType> {
    return loansOf(this.#context, params);
  }
}
