import type { PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodeEscrowError } from "../internal/revert";
import type { SignedTypedData } from "../signing/eip712";
import { createDeal } from "./actions/create";
import { requireSettleSender } from "./actions/disputes";
import { signRefund, signRelease, signSettle } from "./actions/sign";
import { sendTransaction } from "./context";
import type {
  AmountActionParameters,
  CreateDealParameters,
  CreateDealReturnType,
  DealActionParameters,
  EscrowClientParameters,
  ReleaseMilestoneParameters,
  ResolveParameters,
  SettleParameters,
  SignAmountParameters,
  SignSettleParameters,
  SignedAmountParameters,
  TokenParameters,
  WithdrawParameters,
  WriteReturnType,
} from "./parameters";
import { EscrowReader } from "./reader";
import type { RefundMessage, ReleaseMessage, SettleMessage } from "./typed-data";

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
export class EscrowClient extends EscrowReader {
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

  // ---------------------------------------------------------------- creation

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
    return createDeal(this.context, params);
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
    return this.#write(this.buildRelease, params);
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
    return this.#write(this.buildReleaseMilestone, params);
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
    return this.#write(this.buildRefund, params);
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
    return this.#write(this.buildReleaseWithSig, params);
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
    return this.#write(this.buildRefundWithSig, params);
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
    return this.#write(this.buildMarkPaid, params);
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
    return this.#write(this.buildDispute, params);
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
    return this.#write(this.buildResolve, params);
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
    const deal = await requireSettleSender(this.context, params);
    return this.#write(this.buildSettle, { ...params, deal });
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
    return this.#write(this.buildTriggerTimeout, params);
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
    return this.#write(this.buildRevokeSignatures, params);
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
    return this.#write(this.buildWithdraw, params);
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
    return this.#write(this.buildCollectProtocolFees, params);
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
    return signRelease(this.context, params);
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
    return signRefund(this.context, params);
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
    return signSettle(this.context, params);
  }

  /**
   * The one sending path: builds with the client's own `build*` method (so that a wrapped builder is the one sent),
   * then sends with the parameters' overrides.
   */
  async #write<TParameters extends WriteParameters>(
    build: (params: TParameters) => Promise<PreparedTransaction>,
    params: TParameters,
  ): Promise<WriteReturnType> {
    return sendTransaction(this.context, await build.call(this, params), params.overrides);
  }
}
