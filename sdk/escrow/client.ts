import {
  ZeroAddress,
  ZeroHash,
  randomBytes,
  toNumber,
  type ContractRunner,
  type Provider,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import type { IEscrow } from "../../typechain-types/contracts/interfaces/IEscrow";
import { IEscrow__factory } from "../../typechain-types/factories/contracts/interfaces/IEscrow__factory";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import { DealLookupError, InvalidParameterError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { decodeEscrowError } from "../errors/contract";
import { connectParameters, type ConnectParameters } from "../deployments";
import { escrowInterface } from "../internal/abi";
import { TransactionRunner, guarded } from "../internal/transactions";
import { requireAddress, requireBigInt, requireHex, requireInteger, requireThat } from "../internal/validate";
import type { SignedTypedData } from "../signing/eip712";
import {
  signRefund,
  signRelease,
  signSettle,
  type RefundMessage,
  type ReleaseMessage,
  type SettleMessage,
} from "../signing/escrow";
import { signPermit } from "../signing/permit";
import { findDealsOf, type DealsOfParameters, type DealsOfReturnType } from "./discovery";
import { decodeEscrowEvents, type EscrowEvent } from "./events";
import { computeDealId, milestonesHash, normalizeDeal, packTerms, toDealId, unpackTerms } from "./terms";
import { DealStatus, ESCROW_LIMITS, type Address, type Deal, type DealId, type DealRef, type DealState } from "./types";
import type {
  AmountActionParameters,
  BuildCreateDealParameters,
  BuildCreateDealReturnType,
  CreateDealParameters,
  CreateDealReturnType,
  DealActionParameters,
  DepositPermit,
  EscrowClientParameters,
  EscrowConfig,
  GetDealReturnType,
  ListDealsParameters,
  ListedDeal,
  PreparedTransaction,
  ReleaseMilestoneParameters,
  ResolveParameters,
  SettleParameters,
  SignAmountParameters,
  SignSettleParameters,
  SignedAmountParameters,
  TokenParameters,
  TransactionOverrides,
  WithdrawParameters,
  WriteParameters,
  WriteReturnType,
} from "./parameters";
import { validateDealParameters, type DealParameters, type ValidDealParameters } from "./validation";

// ------------------------------------------------------------------ the client

/** Salts tried before giving up on finding a free deal id; a collision of random 32-bit salts is already unlikely. */
const SALT_ATTEMPTS = 4;
/** Default validity of a deposit permit: it is used within the same flow, seconds after signing. */
const PERMIT_VALIDITY = 3_600;

type DealRecord = { deal: Deal; milestones?: bigint[] };
type PreparedDeal = { params: ValidDealParameters & { salt: number }; deal: Deal; dealId: DealId; now: number };

/**
 * A typed client for one PeerPay escrow deployment (docs/escrow.md). Every action exists twice: `buildX` returns the
 * unsigned `{ to, data, value }` (no signer needed), `x` sends it with the client's signer and returns the receipt
 * and decoded events. Inputs are validated before anything is signed or sent ({@link InvalidParameterError}); reverts
 * are decoded into typed errors ({@link decodeEscrowError}). Actions take a `Deal` or a `DealId`; for an id the terms
 * are rebuilt from the `DealCreated` event, checked against the id, and cached.
 *
 * @example
 * ```ts
 * import { EscrowClient, Outcome } from "peerpay";
 *
 * const escrow = new EscrowClient({ address: ESCROW, runner: signer });
 * const { dealId } = await escrow.createDeal({
 *   beneficiary: seller,
 *   amount: parseEther("0.5"),
 *   deadline: Math.floor(Date.now() / 1000) + 86_400,
 *   defaultOutcome: Outcome.Refund,
 * });
 * await escrow.release({ deal: dealId, amount: parseEther("0.5") });
 * ```
 */
export class EscrowClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IEscrow;
  readonly fromBlock: number;
  readonly confirmations: number;
  /** Terms are immutable and verified against their id before they are stored, so they never go stale. */
  readonly #deals = new Map<DealId, DealRecord>();
  readonly #runner: TransactionRunner;

  constructor({ address, runner, fromBlock = 0, confirmations = 1 }: EscrowClientParameters) {
    this.address = requireAddress("address", address);
    this.runner = runner;
    this.contract = IEscrow__factory.connect(this.address, runner);
    this.fromBlock = requireInteger("fromBlock", fromBlock, 0, Number.MAX_SAFE_INTEGER);
    this.confirmations = requireInteger("confirmations", confirmations, 1, 1_000);
    this.#runner = new TransactionRunner(runner, this.confirmations, decodeEscrowError);
  }

  /**
   * A client for the escrow on the runner's chain, found in the address book (rules P-A2, P-A3): the bundled book of
   * public deployments, with `addressBook`'s entries added or replacing. Given `address`, that address is used (and
   * the book's block as `fromBlock` when the book has that same address, unless `fromBlock` is given).
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and the book has no escrow on the chain.
   * @throws {RunnerError} `PROVIDER_REQUIRED`: the chain must be read and the runner has no provider.
   * @example
   * ```ts
   * const escrow = await EscrowClient.connect({ runner: signer }); // Sepolia, Base Sepolia...: from the bundled book
   * const local = await EscrowClient.connect({ runner: signer, addressBook: addressBookFromRecord(localRecord) });
   * ```
   */
  static async connect(params: ConnectParameters<EscrowClientParameters>): Promise<EscrowClient> {
    return new EscrowClient(await connectParameters("Escrow", params, decodeEscrowError));
  }

  // ---------------------------------------------------------------- reads

  /**
   * The mutable state of a deal (status `None` if there is none).
   *
   * @example
   * ```ts
   * const { status, nonce } = await escrow.getDealState({ dealId });
   * ```
   */
  async getDealState({ dealId }: { dealId: DealId }): Promise<DealState> {
    const raw = await guard(() => this.contract.getDealState(toDealId(dealId)));
    return {
      status: toNumber(raw.status) as DealStatus,
      nonce: toNumber(raw.nonce),
      disputedAt: toNumber(raw.disputedAt),
      released: raw.released,
      refunded: raw.refunded,
    };
  }

  /**
   * A deal's terms, milestones, state and remainder, rebuilt from its `DealCreated` (and `DealMilestones`) event and
   * `getDealState`.
   *
   * @throws {DealLookupError} `DEAL_NOT_FOUND` or `DEAL_TERMS_UNAVAILABLE`.
   * @example
   * ```ts
   * const { terms, milestones, state, remaining } = await escrow.getDeal({ dealId });
   * ```
   */
  async getDeal({ dealId }: { dealId: DealId }): Promise<GetDealReturnType> {
    const id = toDealId(dealId);
    const { deal } = await this.#record(id);
    const [milestones, state] = await Promise.all([this.#milestonesOf(id, deal), this.getDealState({ dealId: id })]);
    const terms = unpackTerms(deal.terms);
    return { dealId: id, deal, terms, milestones, state, remaining: terms.amount - state.released - state.refunded };
  }

  /**
   * The deals created with the given depositor and/or beneficiary (both: deals between them; neither: every deal),
   * oldest first, found through the indexed topics of `DealCreated`.
   *
   * @example
   * ```ts
   * const selling = await escrow.listDeals({ beneficiary: me });
   * ```
   */
  async listDeals(params: ListDealsParameters = {}): Promise<ListedDeal[]> {
    const depositor = params.depositor === undefined ? null : requireAddress("depositor", params.depositor);
    const beneficiary = params.beneficiary === undefined ? null : requireAddress("beneficiary", params.beneficiary);
    const events = await this.#events("DealCreated", [null, depositor, beneficiary], params);
    const listed: ListedDeal[] = [];
    for (const event of events) {
      if (event.type !== "DealCreated" || !this.#remember(event.dealId, event.deal)) continue;
      listed.push({ dealId: event.dealId, deal: event.deal, terms: event.terms, log: event.log });
    }
    return listed;
  }

  /**
   * The deals in which `account` is depositor, beneficiary or arbiter, oldest first with its roles, scanned in
   * chunks from the client's `fromBlock` unless told otherwise; page with `nextFromBlock` ({@link findDealsOf}).
   *
   * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
   * @example
   * ```ts
   * const { deals, nextFromBlock } = await escrow.dealsOf({ account: me, withState: true, limit: 20 });
   * ```
   */
  async dealsOf(params: DealsOfParameters): Promise<DealsOfReturnType> {
    return findDealsOf({
      ...params,
      fromBlock: params.fromBlock ?? this.fromBlock,
      provider: this.#provider(),
      address: this.address,
    });
  }

  /**
   * `account`'s withdrawable credit in `token` (ETH when omitted): payouts that could not be pushed.
   *
   * @example
   * ```ts
   * const credit = await escrow.creditOf({ account: me });
   * if (credit > 0n) await escrow.withdraw({ to: me });
   * ```
   */
  async creditOf({ token, account }: TokenParameters & { account: Address }): Promise<bigint> {
    const tokenAddress = requireAddress("token", token ?? ZeroAddress);
    return guard(() => this.contract.creditOf(tokenAddress, requireAddress("account", account)));
  }

  /**
   * Protocol fees accrued in `token` (ETH when omitted) and not yet collected.
   *
   * @example
   * ```ts
   * const fees = await escrow.protocolFeesOf({ token: usdc });
   * ```
   */
  async protocolFeesOf({ token }: TokenParameters = {}): Promise<bigint> {
    return guard(() => this.contract.protocolFeesOf(requireAddress("token", token ?? ZeroAddress)));
  }

  /**
   * The current protocol fee (copied into deals created from now on), its recipient, and whether creation is paused.
   *
   * @example
   * ```ts
   * const { creationPaused } = await escrow.getConfig();
   * ```
   */
  async getConfig(): Promise<EscrowConfig> {
    const [protocolFeeBps, feeRecipient, creationPaused] = await guard(() => this.contract.config());
    return { protocolFeeBps: toNumber(protocolFeeBps), feeRecipient, creationPaused };
  }

  // ---------------------------------------------------------------- creation

  /**
   * The creation transaction for these terms, validated against §2 at the latest block's time, with a random salt
   * whose deal id is checked free (unless `salt` is given). Needs a provider; the depositor defaults to the
   * client's signer.
   *
   * @throws {InvalidParameterError} the terms break a creation rule, or the given salt's id is taken.
   * @example
   * ```ts
   * const request = await escrow.buildCreateDeal({ depositor, beneficiary, amount, deadline, defaultOutcome: Outcome.Release });
   * await depositorWallet.sendTransaction(request);
   * ```
   */
  async buildCreateDeal(params: BuildCreateDealParameters): Promise<BuildCreateDealReturnType> {
    const depositor = params.depositor ?? (await this.#signerAddress("Pass depositor, or use a Signer runner"));
    const prepared = await this.#prepareDeal(params, depositor);
    return { ...this.#encodeCreate(prepared, params.permit), deal: prepared.deal, dealId: prepared.dealId };
  }

  /**
   * Creates and funds a deal from the client's signer. For an ERC20, `funding` chooses between the allowance in
   * place, an `approve` first, or a permit. Returns the deal as the `DealCreated` event recorded it.
   *
   * @throws {InvalidParameterError} before anything is signed or sent, if the terms break a creation rule.
   * @throws {PermitError} `funding: "permit"` on a token without a usable permit.
   * @example
   * ```ts
   * const { dealId, deal } = await escrow.createDeal({
   *   beneficiary: seller, token: usdc, amount: 100_000_000n, deadline, defaultOutcome: Outcome.Refund,
   *   arbiter, disputeWindow: 86_400, fallbackBps: 5_000, funding: "approve",
   * });
   * ```
   */
  async createDeal(params: CreateDealParameters): Promise<CreateDealReturnType> {
    const signer = this.#signer();
    const depositor = await this.#signerAddress();
    const prepared = await this.#prepareDeal(params, depositor);
    const { token, amount } = prepared.params;
    const funding = params.funding ?? "allowance";
    requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
    requireThat(token !== ZeroAddress || funding === "allowance", "funding", funding, "ETH deals are funded by value");

    const approvalReceipt = funding === "approve" ? await this.#approveIfShort(depositor, token, amount) : undefined;
    const permit =
      funding === "permit"
        ? await this.#signDepositPermit(signer, token, amount, params.permitDeadline ?? prepared.now + PERMIT_VALIDITY)
        : undefined;
    const { receipt, events } = await this.#send(this.#encodeCreate(prepared, permit), params.overrides);

    const created = events.find((event) => event.type === "DealCreated");
    if (created?.type !== "DealCreated" || !this.#remember(created.dealId, created.deal, prepared.params.milestones)) {
      throw new DealLookupError({
        code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
        message: "The creation receipt holds no valid DealCreated event",
        details: { transactionHash: receipt.hash },
      });
    }
    const { dealId, deal, terms } = created;
    return { dealId, deal, terms, milestones: prepared.params.milestones, receipt, events, approvalReceipt };
  }

  // ---------------------------------------------------------------- actions: builders

  /**
   * `release(deal, amount)`: the depositor pays `amount` of the remainder to the beneficiary.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRelease({ deal, amount: 500n });
   * ```
   */
  async buildRelease({ deal, amount }: AmountActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("release", [terms, partAmount("amount", amount)]));
  }

  /**
   * `releaseMilestone(deal, milestones, index)`: the depositor releases up to the end of milestone `index`. The
   * milestone list is checked against the deal's hash before sending.
   *
   * @example
   * ```ts
   * const request = await escrow.buildReleaseMilestone({ deal: dealId, index: 0 });
   * ```
   */
  async buildReleaseMilestone({ deal, index, milestones }: ReleaseMilestoneParameters): Promise<PreparedTransaction> {
    const { dealId, deal: terms } = await this.#resolve(deal);
    const list = milestones === undefined ? await this.#milestonesOf(dealId, terms) : [...milestones];
    requireThat(milestonesHash(list) === terms.milestonesHash, "milestones", list, "do not match the deal's hash");
    const position = requireInteger("index", index, 0, Math.max(list.length, 1) - 1);
    return this.#request(escrowInterface.encodeFunctionData("releaseMilestone", [terms, list, position]));
  }

  /**
   * `refund(deal, amount)`: the beneficiary returns `amount` of the remainder to the depositor.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRefund({ deal, amount: 500n });
   * ```
   */
  async buildRefund({ deal, amount }: AmountActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("refund", [terms, partAmount("amount", amount)]));
  }

  /**
   * `releaseWithSig`: anyone submits a release the depositor signed.
   *
   * @example
   * ```ts
   * const request = await escrow.buildReleaseWithSig({ deal, amount, expiry, signature });
   * ```
   */
  async buildReleaseWithSig(params: SignedAmountParameters): Promise<PreparedTransaction> {
    const { deal, amount, expiry, signature } = await this.#signedAmount(params);
    return this.#request(escrowInterface.encodeFunctionData("releaseWithSig", [deal, amount, expiry, signature]));
  }

  /**
   * `refundWithSig`: anyone submits a refund the beneficiary signed.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRefundWithSig({ deal, amount, expiry, signature });
   * ```
   */
  async buildRefundWithSig(params: SignedAmountParameters): Promise<PreparedTransaction> {
    const { deal, amount, expiry, signature } = await this.#signedAmount(params);
    return this.#request(escrowInterface.encodeFunctionData("refundWithSig", [deal, amount, expiry, signature]));
  }

  /**
   * `markPaid(deal)`: the beneficiary declares the off-chain payment made.
   *
   * @example
   * ```ts
   * const request = await escrow.buildMarkPaid({ deal });
   * ```
   */
  async buildMarkPaid({ deal }: DealActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("markPaid", [terms]));
  }

  /**
   * `dispute(deal)`: a party opens a dispute for the arbiter.
   *
   * @example
   * ```ts
   * const request = await escrow.buildDispute({ deal });
   * ```
   */
  async buildDispute({ deal }: DealActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("dispute", [terms]));
  }

  /**
   * `resolve(deal, toBeneficiary)`: the arbiter's ruling.
   *
   * @example
   * ```ts
   * const request = await escrow.buildResolve({ deal, toBeneficiary: 700n });
   * ```
   */
  async buildResolve({ deal, toBeneficiary }: ResolveParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    const share = requireBigInt("toBeneficiary", toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
    return this.#request(escrowInterface.encodeFunctionData("resolve", [terms, share]));
  }

  /**
   * `settle(deal, toBeneficiary, expiry, depositorSignature, beneficiarySignature)`; a missing signature is sent
   * empty (valid only when its party submits).
   *
   * @throws {InvalidParameterError} neither signature is given.
   * @example
   * ```ts
   * const request = await escrow.buildSettle({ deal, toBeneficiary: 600n, expiry, depositorSignature, beneficiarySignature });
   * ```
   */
  async buildSettle(params: SettleParameters): Promise<PreparedTransaction> {
    const { deal } = await this.#resolve(params.deal);
    const share = requireBigInt("toBeneficiary", params.toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
    const expiry = requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER);
    const depositorSignature = requireHex("depositorSignature", params.depositorSignature ?? "0x");
    const beneficiarySignature = requireHex("beneficiarySignature", params.beneficiarySignature ?? "0x");
    requireThat(
      depositorSignature !== "0x" || beneficiarySignature !== "0x",
      "signatures",
      undefined,
      "at least the other party's signature is needed",
    );
    return this.#request(
      escrowInterface.encodeFunctionData("settle", [deal, share, expiry, depositorSignature, beneficiarySignature]),
    );
  }

  /**
   * `triggerTimeout(deal)`: anyone applies the default outcome after the deadline, or the fallback split after the
   * arbiter's window.
   *
   * @example
   * ```ts
   * const request = await escrow.buildTriggerTimeout({ deal: dealId });
   * ```
   */
  async buildTriggerTimeout({ deal }: DealActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("triggerTimeout", [terms]));
  }

  /**
   * `revokeSignatures(deal)`: a party advances the nonce, killing every outstanding signature.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRevokeSignatures({ deal });
   * ```
   */
  async buildRevokeSignatures({ deal }: DealActionParameters): Promise<PreparedTransaction> {
    const { deal: terms } = await this.#resolve(deal);
    return this.#request(escrowInterface.encodeFunctionData("revokeSignatures", [terms]));
  }

  /**
   * `withdraw(token, to)`: the caller's whole credit in `token` (ETH when omitted) goes to `to`.
   *
   * @example
   * ```ts
   * const request = await escrow.buildWithdraw({ to: me });
   * ```
   */
  async buildWithdraw({ token, to }: WithdrawParameters): Promise<PreparedTransaction> {
    const recipient = requireAddress("to", to);
    requireThat(recipient !== ZeroAddress, "to", recipient, "must not be the zero address");
    const tokenAddress = requireAddress("token", token ?? ZeroAddress);
    return this.#request(escrowInterface.encodeFunctionData("withdraw", [tokenAddress, recipient]));
  }

  /**
   * `collectProtocolFees(token)`: anyone sends the accrued fees in `token` (ETH when omitted) to the fee recipient.
   *
   * @example
   * ```ts
   * const request = await escrow.buildCollectProtocolFees({ token: usdc });
   * ```
   */
  async buildCollectProtocolFees({ token }: TokenParameters = {}): Promise<PreparedTransaction> {
    const tokenAddress = requireAddress("token", token ?? ZeroAddress);
    return this.#request(escrowInterface.encodeFunctionData("collectProtocolFees", [tokenAddress]));
  }

  // ---------------------------------------------------------------- actions: sending

  /**
   * Sends {@link EscrowClient.buildRelease}.
   *
   * @example
   * ```ts
   * const { events } = await escrow.release({ deal, amount: 500n });
   * ```
   */
  async release(params: AmountActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildRelease(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildReleaseMilestone}.
   *
   * @example
   * ```ts
   * await escrow.releaseMilestone({ deal: dealId, index: 0 });
   * ```
   */
  async releaseMilestone(params: ReleaseMilestoneParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildReleaseMilestone(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildRefund}.
   *
   * @example
   * ```ts
   * await escrow.refund({ deal, amount: 500n });
   * ```
   */
  async refund(params: AmountActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildRefund(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildReleaseWithSig}.
   *
   * @example
   * ```ts
   * await relayer.releaseWithSig({ deal, amount, expiry, signature });
   * ```
   */
  async releaseWithSig(params: SignedAmountParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildReleaseWithSig(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildRefundWithSig}.
   *
   * @example
   * ```ts
   * await relayer.refundWithSig({ deal, amount, expiry, signature });
   * ```
   */
  async refundWithSig(params: SignedAmountParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildRefundWithSig(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildMarkPaid}.
   *
   * @example
   * ```ts
   * await sellerEscrow.markPaid({ deal });
   * ```
   */
  async markPaid(params: DealActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildMarkPaid(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildDispute}.
   *
   * @example
   * ```ts
   * await escrow.dispute({ deal });
   * ```
   */
  async dispute(params: DealActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildDispute(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildResolve} from the arbiter.
   *
   * @example
   * ```ts
   * await arbiterEscrow.resolve({ deal, toBeneficiary: 700n });
   * ```
   */
  async resolve(params: ResolveParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildResolve(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildSettle}. A missing signature must be the sender's own side.
   *
   * @throws {InvalidParameterError} a signature is missing for a party other than the sender.
   * @example
   * ```ts
   * // the depositor submits with the beneficiary's signature
   * await depositorEscrow.settle({ deal, toBeneficiary: 600n, expiry, beneficiarySignature });
   * ```
   */
  async settle(params: SettleParameters & WriteParameters): Promise<WriteReturnType> {
    const { deal } = await this.#resolve(params.deal);
    const sender = await this.#signerAddress();
    const missing = (signature: string | undefined) => signature === undefined || signature === "0x";
    requireThat(
      !missing(params.depositorSignature) || sender === deal.depositor,
      "depositorSignature",
      params.depositorSignature,
      "required unless the depositor sends",
    );
    requireThat(
      !missing(params.beneficiarySignature) || sender === deal.beneficiary,
      "beneficiarySignature",
      params.beneficiarySignature,
      "required unless the beneficiary sends",
    );
    return this.#send(await this.buildSettle({ ...params, deal }), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildTriggerTimeout}.
   *
   * @example
   * ```ts
   * await escrow.triggerTimeout({ deal: dealId });
   * ```
   */
  async triggerTimeout(params: DealActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildTriggerTimeout(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildRevokeSignatures}.
   *
   * @example
   * ```ts
   * await escrow.revokeSignatures({ deal });
   * ```
   */
  async revokeSignatures(params: DealActionParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildRevokeSignatures(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildWithdraw}.
   *
   * @example
   * ```ts
   * await escrow.withdraw({ token: usdc, to: me });
   * ```
   */
  async withdraw(params: WithdrawParameters & WriteParameters): Promise<WriteReturnType> {
    return this.#send(await this.buildWithdraw(params), params.overrides);
  }

  /**
   * Sends {@link EscrowClient.buildCollectProtocolFees}.
   *
   * @example
   * ```ts
   * await escrow.collectProtocolFees({ token: usdc });
   * ```
   */
  async collectProtocolFees(params: TokenParameters & WriteParameters = {}): Promise<WriteReturnType> {
    return this.#send(await this.buildCollectProtocolFees(params), params.overrides);
  }

  // ---------------------------------------------------------------- signing with the client's signer

  /**
   * Signs a `Release` of `amount` as the client's signer (the depositor, or the owner of a depositor smart wallet),
   * at the deal's current nonce unless one is given.
   *
   * @example
   * ```ts
   * const { signature } = await depositorEscrow.signRelease({ deal, amount: 5n, expiry });
   * await anyoneEscrow.releaseWithSig({ deal, amount: 5n, expiry, signature });
   * ```
   */
  async signRelease(params: SignAmountParameters): Promise<SignedTypedData<ReleaseMessage>> {
    const message = await this.#messageBase(params);
    return signRelease({ ...message, amount: partAmount("amount", params.amount) });
  }

  /**
   * Signs a `Refund` of `amount` as the client's signer (the beneficiary).
   *
   * @example
   * ```ts
   * const { signature } = await sellerEscrow.signRefund({ deal, amount: 5n, expiry });
   * ```
   */
  async signRefund(params: SignAmountParameters): Promise<SignedTypedData<RefundMessage>> {
    const message = await this.#messageBase(params);
    return signRefund({ ...message, amount: partAmount("amount", params.amount) });
  }

  /**
   * Signs a `Settle` as the client's signer (either party).
   *
   * @example
   * ```ts
   * const { signature: beneficiarySignature } = await sellerEscrow.signSettle({ deal, toBeneficiary: 600n, expiry });
   * ```
   */
  async signSettle(params: SignSettleParameters): Promise<SignedTypedData<SettleMessage>> {
    const message = await this.#messageBase(params);
    const toBeneficiary = requireBigInt("toBeneficiary", params.toBeneficiary, 0n, ESCROW_LIMITS.amountBound);
    return signSettle({ ...message, toBeneficiary });
  }

  // ---------------------------------------------------------------- internals

  #signer(message?: string): Signer {
    return this.#runner.signer(message);
  }

  /** The signer's address, checksummed so that it compares with the addresses of a `Deal`. */
  async #signerAddress(message?: string): Promise<Address> {
    return this.#runner.signerAddress(message);
  }

  #provider(): Provider {
    return this.#runner.provider();
  }

  #request(data: string, value = 0n): PreparedTransaction {
    return { to: this.address, data, value };
  }

  async #send(request: PreparedTransaction, overrides: TransactionOverrides = {}): Promise<WriteReturnType> {
    const receipt = await this.#runner.send(request, overrides);
    return { receipt, events: decodeEscrowEvents({ receipt, address: this.address }) };
  }

  async #prepareDeal(params: DealParameters, depositor: Address): Promise<PreparedDeal> {
    const provider = this.#provider();
    const [block, config] = await Promise.all([guard(() => provider.getBlock("latest")), this.getConfig()]);
    const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
    const valid = validateDealParameters(params, { depositor, escrow: this.address, now });
    for (let attempt = 0; attempt < SALT_ATTEMPTS; attempt++) {
      const salt = valid.salt ?? randomSalt();
      const deal = dealFromParameters(valid, requireAddress("depositor", depositor), salt, config.protocolFeeBps);
      const dealId = computeDealId(deal);
      const { status } = await this.getDealState({ dealId });
      if (status === DealStatus.None) return { params: { ...valid, salt }, deal, dealId, now };
      if (valid.salt !== undefined) break;
    }
    throw new InvalidParameterError({
      parameter: "salt",
      value: valid.salt,
      reason: "a deal with these terms already exists; choose another salt",
    });
  }

  #encodeCreate({ params }: PreparedDeal, permit: DepositPermit | undefined): PreparedTransaction {
    const dealParams: IEscrow.DealParamsStruct = {
      beneficiary: params.beneficiary,
      arbiter: params.arbiter,
      token: params.token,
      amount: params.amount,
      deadline: params.deadline,
      disputeWindow: params.disputeWindow,
      defaultOutcome: params.defaultOutcome,
      fallbackBps: params.fallbackBps,
      arbiterFeeBps: params.arbiterFeeBps,
      salt: params.salt,
    };
    if (permit === undefined) {
      const value = params.token === ZeroAddress ? params.amount : 0n;
      return this.#request(escrowInterface.encodeFunctionData("createDeal", [dealParams, params.milestones]), value);
    }
    requireThat(params.token !== ZeroAddress, "permit", permit, "ETH deals take no permit");
    const { deadline, v, r, s } = permit;
    return this.#request(
      escrowInterface.encodeFunctionData("createDealWithPermit", [dealParams, params.milestones, deadline, v, r, s]),
    );
  }

  /** Approves exactly `amount` when the allowance is short: never an unlimited allowance on the user's behalf. */
  async #approveIfShort(owner: Address, token: Address, amount: bigint): Promise<TransactionReceipt | undefined> {
    const erc20 = IERC20__factory.connect(token, this.#provider());
    const allowance = await guard(() => erc20.allowance(owner, this.address));
    if (allowance >= amount) return undefined;
    const approve = {
      to: token,
      data: erc20.interface.encodeFunctionData("approve", [this.address, amount]),
      value: 0n,
    };
    return (await this.#send(approve)).receipt;
  }

  async #signDepositPermit(signer: Signer, token: Address, amount: bigint, deadline: number): Promise<DepositPermit> {
    const { v, r, s } = await signPermit({ signer, token, spender: this.address, value: amount, deadline });
    return { deadline, v, r, s };
  }

  async #signedAmount(params: SignedAmountParameters) {
    const { deal } = await this.#resolve(params.deal);
    return {
      deal,
      amount: partAmount("amount", params.amount),
      expiry: requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER),
      signature: requireHex("signature", params.signature),
    };
  }

  async #messageBase(params: DealActionParameters & { expiry: number | bigint; nonce?: number }) {
    const signer = this.#signer();
    const dealId = dealIdOf(params.deal);
    const [network, nonce] = await Promise.all([
      guard(() => this.#provider().getNetwork()),
      params.nonce === undefined ? this.getDealState({ dealId }).then((state) => state.nonce) : params.nonce,
    ]);
    return {
      signer,
      escrow: this.address,
      chainId: network.chainId,
      dealId,
      nonce: requireInteger("nonce", nonce, 0, 0xffff),
      expiry: requireInteger("expiry", params.expiry, 0, Number.MAX_SAFE_INTEGER),
    };
  }

  /** The deal's id and terms; for an id, the terms come from the cache or the `DealCreated` event. */
  async #resolve(ref: DealRef): Promise<{ dealId: DealId; deal: Deal }> {
    if (typeof ref === "string") {
      const dealId = toDealId(ref);
      return { dealId, deal: (await this.#record(dealId)).deal };
    }
    const deal = normalizeDeal(ref);
    return { dealId: computeDealId(deal), deal };
  }

  async #record(dealId: DealId): Promise<DealRecord> {
    const cached = this.#deals.get(dealId);
    if (cached) return cached;
    const events = await this.#events("DealCreated", [dealId]);
    for (const event of events) {
      if (event.type === "DealCreated" && event.dealId === dealId && this.#remember(dealId, event.deal)) {
        return this.#deals.get(dealId) as DealRecord;
      }
    }
    const { status } = await this.getDealState({ dealId });
    throw new DealLookupError(
      status === DealStatus.None
        ? { code: PeerPayErrorCode.DEAL_NOT_FOUND, message: `No deal ${dealId}`, details: { dealId } }
        : {
            code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
            message: `Deal ${dealId} exists but its DealCreated event was not found from block ${this.fromBlock}`,
            details: { dealId, fromBlock: this.fromBlock },
          },
    );
  }

  /** The deal's milestone list (empty for a single milestone), from the cache or the `DealMilestones` event. */
  async #milestonesOf(dealId: DealId, deal: Deal): Promise<bigint[]> {
    if (deal.milestonesHash === ZeroHash) return [];
    const cached = this.#deals.get(dealId)?.milestones;
    if (cached) return [...cached];
    for (const event of await this.#events("DealMilestones", [dealId])) {
      if (event.type === "DealMilestones" && this.#remember(dealId, deal, event.milestones))
        return [...event.milestones];
    }
    throw new DealLookupError({
      code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
      message: `The milestone list of deal ${dealId} was not found; pass it explicitly`,
      details: { dealId, fromBlock: this.fromBlock },
    });
  }

  /**
   * Caches terms (and milestones) only if they hash to the id: a provider returning forged logs cannot make the
   * client act on terms other than the deal's. Returns whether they did.
   */
  #remember(dealId: DealId, deal: Deal, milestones?: bigint[]): boolean {
    if (computeDealId(deal) !== dealId) return false;
    if (milestones !== undefined && milestonesHash(milestones) !== deal.milestonesHash) return false;
    const known = this.#deals.get(dealId);
    this.#deals.set(dealId, { deal: normalizeDeal(deal), milestones: milestones ?? known?.milestones });
    return true;
  }

  async #events(
    name: "DealCreated" | "DealMilestones",
    topics: readonly (string | null)[],
    range: { fromBlock?: number; toBlock?: number | "latest" } = {},
  ): Promise<EscrowEvent[]> {
    const provider = this.#provider();
    const filter = {
      address: this.address,
      topics: escrowInterface.encodeFilterTopics(name, topics),
      fromBlock: range.fromBlock ?? this.fromBlock,
      toBlock: range.toBlock ?? "latest",
    };
    const logs = await guard(() => provider.getLogs(filter));
    return decodeEscrowEvents({ logs, address: this.address });
  }
}

// ------------------------------------------------------------------ helpers

/** Runs a call to the chain, turning whatever it throws into a typed SDK error. */
function guard<T>(call: () => Promise<T>): Promise<T> {
  return guarded(decodeEscrowError, call);
}

/** A part of a deal: positive (`EscrowZeroAmount`) and below 2^96 (no deal holds more). */
function partAmount(parameter: string, value: bigint): bigint {
  return requireBigInt(parameter, value, 1n, ESCROW_LIMITS.amountBound);
}

function dealIdOf(ref: DealRef): DealId {
  return typeof ref === "string" ? toDealId(ref) : computeDealId(ref);
}

/** A uniformly random 32-bit salt from the platform's CSPRNG (ethers uses WebCrypto or node:crypto). */
function randomSalt(): number {
  const bytes = randomBytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

/** The `Deal` the contract will build for these parameters: the depositor and the current protocol fee added. */
function dealFromParameters(
  params: ValidDealParameters,
  depositor: Address,
  salt: number,
  protocolFeeBps: number,
): Deal {
  return {
    depositor,
    beneficiary: params.beneficiary,
    arbiter: params.arbiter,
    token: params.token,
    terms: packTerms({
      amount: params.amount,
      deadline: params.deadline,
      disputeWindow: params.disputeWindow,
      defaultOutcome: params.defaultOutcome,
      fallbackBps: params.fallbackBps,
      arbiterFeeBps: params.arbiterFeeBps,
      protocolFeeBps,
      salt,
    }),
    milestonesHash: milestonesHash(params.milestones),
  };
}
