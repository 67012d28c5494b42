import type { ContractRunner } from "ethers";
import type { IEscrow } from "../../typechain-types/contracts/interfaces/IEscrow";
import { IEscrow__factory } from "../../typechain-types/factories/contracts/interfaces/IEscrow__factory";
import type { Address, PreparedTransaction } from "../core/types";
import { decodeEscrowError } from "../internal/revert";
import { TransactionRunner } from "../internal/transactions";
import { requireAddress, requireInteger } from "../internal/validate";
import { buildCreateDeal } from "./actions/create";
import {
  buildDispute,
  buildMarkPaid,
  buildResolve,
  buildRevokeSignatures,
  buildSettle,
  buildTriggerTimeout,
} from "./actions/disputes";
import { buildCollectProtocolFees, buildWithdraw } from "./actions/funds";
import {
  buildRefund,
  buildRefundWithSig,
  buildRelease,
  buildReleaseMilestone,
  buildReleaseWithSig,
} from "./actions/payouts";
import { creditOf, getConfig, getDeal, getDealState, listDeals, protocolFeesOf } from "./actions/read";
import type { EscrowContext } from "./context";
import { findDealsOf, type DealsOfParameters, type DealsOfReturnType } from "./discovery";
import type {
  AmountActionParameters,
  BuildCreateDealParameters,
  BuildCreateDealReturnType,
  DealActionParameters,
  EscrowClientParameters,
  EscrowConfig,
  GetDealReturnType,
  ListDealsParameters,
  ListedDeal,
  ReleaseMilestoneParameters,
  ResolveParameters,
  SettleParameters,
  SignedAmountParameters,
  TokenParameters,
  WithdrawParameters,
} from "./parameters";
import type { DealId, DealState } from "./types";

/**
 * The half of {@link EscrowClient} that needs no signer: reads, and every action built as an unsigned
 * `{ to, data, value }`. Each method delegates to an action of sdk/escrow/actions/ with the client's context.
 *
 * @example
 * ```ts
 * const escrow = new EscrowClient({ address: ESCROW, runner: provider }); // an EscrowReader's methods need no signer
 * const request = await escrow.buildRelease({ deal: dealId, amount: 1n });
 * ```
 */
export class EscrowReader {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IEscrow;
  readonly fromBlock: number;
  readonly confirmations: number;
  /** What the actions (sdk/escrow/actions/) work with: the deployment, the runner, the cache of verified terms. */
  protected readonly context: EscrowContext;

  constructor({ address, runner, fromBlock = 0, confirmations = 1 }: EscrowClientParameters) {
    this.address = requireAddress("address", address);
    this.runner = runner;
    this.contract = IEscrow__factory.connect(this.address, runner);
    this.fromBlock = requireInteger("fromBlock", fromBlock, 0, Number.MAX_SAFE_INTEGER);
    this.confirmations = requireInteger("confirmations", confirmations, 1, 1_000);
    this.context = {
      address: this.address,
      contract: this.contract,
      fromBlock: this.fromBlock,
      runner: new TransactionRunner(runner, this.confirmations, decodeEscrowError),
      client: this,
      deals: new Map(),
    };
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
    return getDealState(this.context, { dealId });
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
    return getDeal(this.context, { dealId });
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
    return listDeals(this.context, params);
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
      provider: this.context.runner.provider(),
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
    return creditOf(this.context, { token, account });
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
    return protocolFeesOf(this.context, { token });
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
    return getConfig(this.context);
  }

  // ---------------------------------------------------------------- creation (built)

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
    return buildCreateDeal(this.context, params);
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
  async buildRelease(params: AmountActionParameters): Promise<PreparedTransaction> {
    return buildRelease(this.context, params);
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
  async buildReleaseMilestone(params: ReleaseMilestoneParameters): Promise<PreparedTransaction> {
    return buildReleaseMilestone(this.context, params);
  }

  /**
   * `refund(deal, amount)`: the beneficiary returns `amount` of the remainder to the depositor.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRefund({ deal, amount: 500n });
   * ```
   */
  async buildRefund(params: AmountActionParameters): Promise<PreparedTransaction> {
    return buildRefund(this.context, params);
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
    return buildReleaseWithSig(this.context, params);
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
    return buildRefundWithSig(this.context, params);
  }

  /**
   * `markPaid(deal)`: the beneficiary declares the off-chain payment made.
   *
   * @example
   * ```ts
   * const request = await escrow.buildMarkPaid({ deal });
   * ```
   */
  async buildMarkPaid(params: DealActionParameters): Promise<PreparedTransaction> {
    return buildMarkPaid(this.context, params);
  }

  /**
   * `dispute(deal)`: a party opens a dispute for the arbiter.
   *
   * @example
   * ```ts
   * const request = await escrow.buildDispute({ deal });
   * ```
   */
  async buildDispute(params: DealActionParameters): Promise<PreparedTransaction> {
    return buildDispute(this.context, params);
  }

  /**
   * `resolve(deal, toBeneficiary)`: the arbiter's ruling.
   *
   * @example
   * ```ts
   * const request = await escrow.buildResolve({ deal, toBeneficiary: 700n });
   * ```
   */
  async buildResolve(params: ResolveParameters): Promise<PreparedTransaction> {
    return buildResolve(this.context, params);
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
    return buildSettle(this.context, params);
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
  async buildTriggerTimeout(params: DealActionParameters): Promise<PreparedTransaction> {
    return buildTriggerTimeout(this.context, params);
  }

  /**
   * `revokeSignatures(deal)`: a party advances the nonce, killing every outstanding signature.
   *
   * @example
   * ```ts
   * const request = await escrow.buildRevokeSignatures({ deal });
   * ```
   */
  async buildRevokeSignatures(params: DealActionParameters): Promise<PreparedTransaction> {
    return buildRevokeSignatures(this.context, params);
  }

  /**
   * `withdraw(token, to)`: the caller's whole credit in `token` (ETH when omitted) goes to `to`.
   *
   * @example
   * ```ts
   * const request = await escrow.buildWithdraw({ to: me });
   * ```
   */
  async buildWithdraw(params: WithdrawParameters): Promise<PreparedTransaction> {
    return buildWithdraw(this.context, params);
  }

  /**
   * `collectProtocolFees(token)`: anyone sends the accrued fees in `token` (ETH when omitted) to the fee recipient.
   *
   * @example
   * ```ts
   * const request = await escrow.buildCollectProtocolFees({ token: usdc });
   * ```
   */
  async buildCollectProtocolFees(params: TokenParameters = {}): Promise<PreparedTransaction> {
    return buildCollectProtocolFees(this.context, params);
  }
}
