import type { PreparedTransaction } from "../core/types";
import { decodeChannelsError } from "../internal/revert";
import { connectParameters, type ConnectParameters } from "../deployments";
import { requireAddress, requireInteger } from "../internal/validate";
import { requireSubmitter } from "../submitter/prepared";
import type { TransactionSubmitter } from "../submitter/types";
import type { VoucherStore } from "./voucher-store";
import { send } from "./actions/send";
import { acceptVoucher } from "./actions/payee/acceptVoucher";
import { bestVoucher } from "./actions/payee/bestVoucher";
import { PayeeChainView } from "./actions/payee/chainView";
import { buildClaim, claim } from "./actions/payee/claim";
import { buildClaimMany, claimMany, planClaimMany } from "./actions/payee/claimMany";
import { buildClose, close } from "./actions/payee/close";
import type { PayeeContext } from "./actions/payee/context";
import { watch } from "./actions/payee/watch";
import { ChannelsClientBase } from "./base";
import type {
  AcceptVoucherParameters,
  AcceptVoucherReturnType,
  ChannelRef,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ClaimManyParameters,
  ClaimManyPlan,
  PayeeClientParameters,
  PreparedClaimMany,
  WatchParameters,
  Watcher,
} from "./parameters";
import type { Voucher } from "./types";
import { VoucherVerifier } from "./verifier";

/**
 * The payee's side of micropayment channels (docs/micropayments.md): verifies incoming vouchers against the chain
 * (signer, channel open, amount growing and within the deposit), stores the best one per channel durably before
 * acknowledging, claims and closes with it (one channel, or many in one transaction per token), and watches for
 * close requests and key rotations to claim in time.
 *
 * Channel state is cached for `cacheTtl` milliseconds and read again when a voucher would otherwise be refused, so
 * a top-up or a new session key is picked up at once; the watcher drops the cache of a channel on each of its events.
 *
 * @example
 * ```ts
 * const payee = new PayeeClient({ address: CHANNELS, runner: wallet, store: await FileVoucherStore.open({ path }) });
 * const watcher = payee.watch();
 * app.post("/pay", async (req, res) => {
 *   const { increment } = await payee.acceptVoucher(req.body); // throws VoucherError with a stable code
 *   res.json({ credited: increment.toString() });
 * });
 * ```
 */
export class PayeeClient extends ChannelsClientBase {
  readonly store: VoucherStore;
  readonly claimMargin: number;
  readonly cacheTtl: number;
  /** Sends the claims and closes when given; see `PayeeClientParameters.submitter`. */
  readonly submitter: TransactionSubmitter | undefined;
  readonly #payee: PayeeContext;

  constructor(params: PayeeClientParameters) {
    super(params);
    this.store = params.store;
    this.claimMargin = requireInteger("claimMargin", params.claimMargin ?? 600, 0, 30 * 86_400);
    // A close request is only learnt from the chain: the cache must expire well within the claim margin.
    this.cacheTtl = requireInteger("cacheTtl", params.cacheTtl ?? 5_000, 0, Math.floor((this.claimMargin * 1000) / 2));
    const native = params.native ?? true;
    const payee = params.payee === undefined ? undefined : requireAddress("payee", params.payee);
    const chain = new PayeeChainView(this.context, this.cacheTtl);
    this.submitter = requireSubmitter(params.submitter);
    let verifier: Promise<VoucherVerifier> | undefined;
    this.#payee = {
      ...this.context,
      store: this.store,
      claimMargin: this.claimMargin,
      payee: async () => payee ?? this.tx.signerAddress("Pass payee, or use a Signer runner"),
      verifier: () =>
        (verifier ??= this.context
          .chainId()
          .then((chainId) => new VoucherVerifier({ chainId, contract: this.address, native }))),
      chain,
      acceptances: new Map(),
      submitter: this.submitter,
      // The client's own transactions change channel states: their cached states are dropped.
      observe: (events) => {
        for (const event of events) if ("channelId" in event) chain.drop(event.channelId);
      },
    };
  }

  /**
   * A payee client for the micropayment channels on the runner's chain, found in the address book (rules P-A2,
   * P-A3): the bundled book of public deployments, with `addressBook`'s entries added or replacing. Given `address`,
   * that address is used (and the book's block as `fromBlock` when the book has that same address, unless
   * `fromBlock` is given). The other parameters are the constructor's.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and the book has no channels contract
   *   on the chain.
   * @throws {RunnerError} `PROVIDER_REQUIRED`: the chain must be read and the runner has no provider.
   * @example
   * ```ts
   * import { FileVoucherStore } from "peerpay/node";
   *
   * const payee = await PayeeClient.connect({ runner: wallet, store: await FileVoucherStore.open({ path }) });
   * ```
   */
  static async connect(params: ConnectParameters<PayeeClientParameters>): Promise<PayeeClient> {
    return new PayeeClient(await connectParameters("MicropaymentChannels", params, decodeChannelsError));
  }

  // ---------------------------------------------------------------- accepting vouchers

  /**
   * Checks a voucher and stores it durably; resolves once it is stored. Refuses, with a {@link VoucherError}:
   * `VOUCHER_INVALID_SIGNATURE` (malformed, high s, or refused by a contract payer's ERC-1271 `isValidSignature`,
   * which is asked as the contract does when ECDSA does not authorise the voucher), `VOUCHER_SIGNATURE_TOO_LONG`
   * (above `MAX_SIGNATURE_BYTES`, before any chain call), `VOUCHER_UNAUTHORIZED_SIGNER` (neither the payer nor a
   * session key valid for at least `claimMargin` more seconds), `CHANNEL_UNKNOWN`, `CHANNEL_NOT_OPEN` (closed, or its
   * challenge period ends within `claimMargin`), `VOUCHER_NOT_MONOTONIC` (not above the best stored nor above the
   * channel's claimed total on-chain) and `VOUCHER_EXCEEDS_DEPOSIT`. A contract payer's voucher that ECDSA does not
   * authorise and the wallet refuses is `VOUCHER_INVALID_SIGNATURE` naming the wallet (`details.wallet`), unless it
   * recovers to one of the channel's session keys past its validity (`VOUCHER_UNAUTHORIZED_SIGNER`).
   *
   * The increment is what the voucher adds to the best stored voucher or, if higher, to the claimed total: a payee
   * whose store is new (or was lost, or is another process's) reads that total once per channel it has no record
   * of, so it never credits a voucher for what was already paid.
   *
   * ECDSA signatures (the payer's or a session key's) may come in the 65-byte or the 64-byte EIP-2098 form and are
   * stored in the 64-byte form, which costs less calldata when claimed; signatures accepted through ERC-1271 are
   * stored byte for byte, since the wallet is asked again about exactly those bytes at claim time.
   *
   * @throws {InvalidParameterError} the channel is not to this payee, or a field is malformed.
   * @example
   * ```ts
   * const { amount, increment, signer } = await payee.acceptVoucher({ channel, amount: 1_500n, signature });
   * ```
   */
  async acceptVoucher(params: AcceptVoucherParameters): Promise<AcceptVoucherReturnType> {
    return acceptVoucher(this.#payee, params);
  }

  /**
   * The best voucher stored for a channel.
   *
   * @example
   * ```ts
   * const best = await payee.bestVoucher({ channel: channelId });
   * ```
   */
  async bestVoucher(params: { channel: ChannelRef }): Promise<Voucher | undefined> {
    return bestVoucher(this.#payee, params);
  }

  // ---------------------------------------------------------------- claiming and closing

  /**
   * `claim(channel, amount, signature)` with the channel's best stored voucher (anyone may send it; the payee is
   * paid).
   *
   * @throws {InvalidParameterError} no voucher is stored for the channel.
   * @example
   * ```ts
   * const request = await payee.buildClaim({ channel });
   * ```
   */
  async buildClaim(params: { channel: ChannelRef }): Promise<PreparedTransaction> {
    return buildClaim(this.#payee, params);
  }

  /**
   * Sends {@link PayeeClient.buildClaim}: from the runner, or through the client's `submitter` with the last second
   * the contract accepts the voucher as its deadline (then only `overrides.gasLimit` may be set).
   *
   * @throws {ChannelClaimError} `CHANNEL_NOTHING_TO_CLAIM` when the best voucher was already claimed.
   * @throws {SubmitterError} through a submitter: e.g. `SUBMITTER_DEADLINE_MISSED` when it could not land in time.
   * @example
   * ```ts
   * const { events } = await payee.claim({ channel });
   * // With new PayeeClient({ ..., submitter }): fee bumping until it lands before the close deadline.
   * const { receipt } = await payeeWithSubmitter.claim({ channel });
   * ```
   */
  async claim(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return claim(this.#payee, params);
  }

  /**
   * `close(channel, amount, signature)` with the best stored voucher (or none: then the payee takes nothing more
   * and the payer gets the rest at once). Payee only.
   *
   * @example
   * ```ts
   * const request = await payee.buildClose({ channel });
   * ```
   */
  async buildClose(params: { channel: ChannelRef }): Promise<PreparedTransaction> {
    return buildClose(this.#payee, params);
  }

  /**
   * Sends {@link PayeeClient.buildClose}: from the runner, or through the client's `submitter` as
   * {@link PayeeClient.claim} does (its key must then be the payee's).
   *
   * @example
   * ```ts
   * const { events } = await payee.close({ channel });
   * ```
   */
  async close(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return close(this.#payee, params);
  }

  /**
   * The `claimMany(payee, token, claims)` transactions for the best vouchers of `channels`, one per token, and the
   * channels left out of them, each with its reason (`ClaimManySkipReason`). Left out are the channels whose
   * claim would pay nothing (no voucher stored, or already claimed) and every channel the contract would refuse in a
   * block mined `margin` seconds (default 0) after the latest: unknown or closed, challenge period over, or a
   * voucher whose key is no longer authorised and that the payer's wallet, if any, does not accept. Any one of
   * those would revert its whole batch (rule M-C3) and leave the good channels unclaimed.
   *
   * @throws {InvalidParameterError} a channel does not pay this payee.
   * @example
   * ```ts
   * const { batches, skipped } = await payee.planClaimMany({ channels: [a, b, c] });
   * for (const { channelId, reason } of skipped) if (reason !== "nothing-to-claim") log(channelId, reason);
   * ```
   */
  async planClaimMany(params: ClaimManyParameters): Promise<ClaimManyPlan> {
    return planClaimMany(this.#payee, params);
  }

  /**
   * The transactions of {@link PayeeClient.planClaimMany}, one per token: every channel that would pay and that the
   * contract would accept, so that no batch reverts for one bad channel. The result is empty when nothing is
   * claimable.
   *
   * @example
   * ```ts
   * const batches = await payee.buildClaimMany({ channels: [a, b, c] });
   * ```
   */
  async buildClaimMany(params: ClaimManyParameters): Promise<PreparedClaimMany[]> {
    return buildClaimMany(this.#payee, params);
  }

  /**
   * Sends the transactions of {@link PayeeClient.buildClaimMany}, one after the other (the channels left out are
   * reported by {@link PayeeClient.planClaimMany}); through the client's `submitter`, if any, each batch with the
   * earliest deadline of its channels.
   *
   * @example
   * ```ts
   * const results = await payee.claimMany({ channels: await listMyChannels() });
   * ```
   */
  async claimMany(params: ClaimManyParameters & ChannelWriteParameters): Promise<ChannelWriteReturnType[]> {
    return claimMany(this.#payee, params);
  }

  // ---------------------------------------------------------------- watching

  /**
   * Watches the chain (by polling logs) for `ChannelCloseRequested` and `SignerChanged` on the channels with a
   * stored voucher, and claims with the best voucher at once, then again `margin` seconds before the close or the
   * grace period ends (vouchers accepted meanwhile are claimed too). Other events of those channels refresh the
   * cached state. Claims through the client's `submitter` when it has one (fee bumping until the claim lands
   * before its deadline), else needs a Signer runner.
   *
   * @example
   * ```ts
   * const payee = new PayeeClient({ address, runner: provider, payee: me, store, submitter });
   * const watcher = payee.watch({ onClaim: ({ channelId, reason }) => log(reason, channelId), onError: console.error });
   * // ...
   * await watcher.stop();
   * ```
   */
  watch(params: WatchParameters = {}): Watcher {
    return watch(this.#payee, params);
  }

  // ---------------------------------------------------------------- internals

  /** The client's own transactions change channel states: their cached states are dropped. */
  protected override async send(
    request: PreparedTransaction,
    params: ChannelWriteParameters = {},
  ): Promise<ChannelWriteReturnType> {
    return send(this.#payee, { request, overrides: params.overrides });
  }
}
