import { Wallet } from "ethers";
import type { PreparedTransaction } from "../core/types";
import type { Address } from "../core/types";
import { decodeChannelsError } from "../internal/revert";
import { connectParameters, type ConnectParameters } from "../deployments";
import { finalize, buildFinalize } from "./actions/payer/finalize";
import { buildOpen, open, type OpenPermit } from "./actions/payer/open";
import type { PayerContext } from "./actions/payer/context";
import { cumulativeOf, pay, signVoucher } from "./actions/payer/pay";
import { buildRequestClose, requestClose } from "./actions/payer/requestClose";
import { buildSetSigner, setSigner, useSessionKey } from "./actions/payer/setSigner";
import { buildTopUp, topUp } from "./actions/payer/topUp";
import { ChannelsClientBase } from "./base";
import type {
  BuildOpenChannelReturnType,
  ChannelRef,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ChannelsClientParameters,
  OpenChannelParameters,
  OpenChannelReturnType,
  PayParameters,
  SignedVoucher,
} from "./parameters";
import type { Channel } from "./types";

/**
 * The payer's side of micropayment channels (docs/micropayments.md): open and fund channels (ETH, or an ERC20 by
 * allowance, approval or permit), top up, authorise session keys, pay with cumulative vouchers, request close and
 * finalize. Every action also exists as `buildX`, returning `{ to, data, value }` without sending.
 *
 * Cumulative amounts are tracked in memory per channel: after a restart, sign the next voucher with
 * `signVoucher` and the total the payee last acknowledged, or call `pay` after it.
 *
 * @example
 * ```ts
 * const payer = new PayerClient({ address: CHANNELS, runner: wallet });
 * const session = PayerClient.createSessionKey();
 * const { channel } = await payer.open({ payee, amount: parseEther("0.1"), challengePeriod: 86_400, signer: session.address });
 * payer.useSessionKey({ channel, privateKey: session.privateKey });
 * const voucher = await payer.pay({ channel, amount: parseEther("0.001") }); // no wallet prompt
 * ```
 */
export class PayerClient extends ChannelsClientBase {
  readonly #payer: PayerContext = { ...this.context, cumulative: new Map(), sessionKeys: new Map() };

  /**
   * A payer client for the micropayment channels on the runner's chain, found in the address book (rules P-A2,
   * P-A3): the bundled book of public deployments, with `addressBook`'s entries added or replacing. Given `address`,
   * that address is used (and the book's block as `fromBlock` when the book has that same address, unless
   * `fromBlock` is given).
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and the book has no channels contract
   *   on the chain.
   * @throws {RunnerError} `PROVIDER_REQUIRED`: the chain must be read and the runner has no provider.
   * @example
   * ```ts
   * const payer = await PayerClient.connect({ runner: wallet });
   * ```
   */
  static async connect(params: ConnectParameters<ChannelsClientParameters>): Promise<PayerClient> {
    return new PayerClient(await connectParameters("MicropaymentChannels", params, decodeChannelsError));
  }

  /**
   * A fresh random session key (from the platform's CSPRNG). Keep the private key only as long as the channel.
   *
   * @example
   * ```ts
   * const { address, privateKey } = PayerClient.createSessionKey();
   * ```
   */
  static createSessionKey(): { address: Address; privateKey: string } {
    const wallet = Wallet.createRandom();
    return { address: wallet.address, privateKey: wallet.privateKey };
  }

  // ---------------------------------------------------------------- opening and funding

  /**
   * The `open` (or `openWithPermit`, given a permit) transaction, with the terms and id of the channel it opens.
   * The payer defaults to the client's signer.
   *
   * @throws {InvalidParameterError} the terms break rule M-O1.
   * @example
   * ```ts
   * const { channelId, ...request } = await payer.buildOpen({ payer, payee, amount, challengePeriod: 3_600 });
   * ```
   */
  async buildOpen(
    params: OpenChannelParameters & { payer?: Address; permit?: OpenPermit },
  ): Promise<BuildOpenChannelReturnType> {
    return buildOpen(this.context, params);
  }

  /**
   * Opens and funds a channel from the client's signer.
   *
   * @throws {InvalidParameterError} the terms break rule M-O1.
   * @throws {ChannelOpenError} the contract refused (e.g. `CHANNEL_EXISTS` for a reused salt).
   * @example
   * ```ts
   * const { channel, channelId } = await payer.open({ payee, token: usdc, amount: 10_000_000n, challengePeriod: 86_400, funding: "permit" });
   * ```
   */
  async open(params: OpenChannelParameters & ChannelWriteParameters): Promise<OpenChannelReturnType> {
    return open(this.context, params);
  }

  /**
   * `topUp(channel, amount)`: adds to the deposit (ETH by value, an ERC20 by allowance).
   *
   * @example
   * ```ts
   * const request = await payer.buildTopUp({ channel, amount: 1_000n });
   * ```
   */
  async buildTopUp(params: { channel: ChannelRef; amount: bigint }): Promise<PreparedTransaction> {
    return buildTopUp(this.context, params);
  }

  /**
   * Sends {@link PayerClient.buildTopUp}; for an ERC20, `approve: true` approves exactly the amount first if needed.
   *
   * @example
   * ```ts
   * await payer.topUp({ channel, amount: 1_000n, approve: true });
   * ```
   */
  async topUp(
    params: { channel: ChannelRef; amount: bigint; approve?: boolean } & ChannelWriteParameters,
  ): Promise<ChannelWriteReturnType> {
    return topUp(this.context, params);
  }

  // ---------------------------------------------------------------- session keys

  /**
   * `setSigner(channel, signer)`: rotates the session key (`ZeroAddress` revokes it). The previous key stays valid
   * for one challenge period.
   *
   * @example
   * ```ts
   * const request = await payer.buildSetSigner({ channel, signer: next.address });
   * ```
   */
  async buildSetSigner(params: { channel: ChannelRef; signer: Address }): Promise<PreparedTransaction> {
    return buildSetSigner(this.context, params);
  }

  /**
   * Sends {@link PayerClient.buildSetSigner}; given the new key's `privateKey`, also uses it for the next vouchers.
   *
   * @example
   * ```ts
   * const next = PayerClient.createSessionKey();
   * await payer.setSigner({ channel, signer: next.address, privateKey: next.privateKey });
   * ```
   */
  async setSigner(
    params: { channel: Channel; signer: Address; privateKey?: string } & ChannelWriteParameters,
  ): Promise<ChannelWriteReturnType> {
    return setSigner(this.#payer, params);
  }

  /**
   * Signs this channel's next vouchers with the session key `privateKey` (no wallet prompt) instead of the client's
   * signer. The key must be the channel's session key (at open, or after `setSigner`).
   *
   * @example
   * ```ts
   * payer.useSessionKey({ channel, privateKey: session.privateKey });
   * ```
   */
  async useSessionKey(params: { channel: Channel; privateKey: string }): Promise<void> {
    return useSessionKey(this.#payer, params);
  }

  // ---------------------------------------------------------------- vouchers

  /**
   * Pays `amount` more: signs a voucher for the channel's new cumulative total (with the session key if one is in
   * use, else the client's signer) and returns it to send to the payee.
   *
   * @example
   * ```ts
   * const voucher = await payer.pay({ channel, amount: 10n }); // amount: previous total + 10
   * await fetch(payeeUrl, { method: "POST", body: JSON.stringify(voucher, bigintReplacer) });
   * ```
   */
  async pay(params: PayParameters): Promise<SignedVoucher> {
    return pay(this.#payer, params);
  }

  /**
   * Signs a voucher for the cumulative `amount` (not an increment); the channel's running total becomes at least
   * `amount`. Use it to resume after a restart.
   *
   * @example
   * ```ts
   * const voucher = await payer.signVoucher({ channel, amount: lastAcknowledged + 5n });
   * ```
   */
  async signVoucher(params: { channel: Channel; amount: bigint }): Promise<SignedVoucher> {
    return signVoucher(this.#payer, params);
  }

  /**
   * The cumulative total of the vouchers this client signed on the channel.
   *
   * @example
   * ```ts
   * const spent = await payer.cumulativeOf({ channel });
   * ```
   */
  async cumulativeOf(params: { channel: ChannelRef }): Promise<bigint> {
    return cumulativeOf(this.#payer, params);
  }

  // ---------------------------------------------------------------- closing

  /**
   * `requestClose(channel)`: starts the challenge period; the payee can claim until `closesAt`.
   *
   * @example
   * ```ts
   * const request = await payer.buildRequestClose({ channel });
   * ```
   */
  async buildRequestClose(params: { channel: ChannelRef }): Promise<PreparedTransaction> {
    return buildRequestClose(this.context, params);
  }

  /**
   * Sends {@link PayerClient.buildRequestClose}.
   *
   * @example
   * ```ts
   * const { events } = await payer.requestClose({ channel });
   * ```
   */
  async requestClose(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return requestClose(this.context, params);
  }

  /**
   * `finalize(channel)`: after the challenge period, returns what the payee did not claim to the payer.
   *
   * @example
   * ```ts
   * const request = await payer.buildFinalize({ channel });
   * ```
   */
  async buildFinalize(params: { channel: ChannelRef }): Promise<PreparedTransaction> {
    return buildFinalize(this.context, params);
  }

  /**
   * Sends {@link PayerClient.buildFinalize}.
   *
   * @example
   * ```ts
   * await payer.finalize({ channel });
   * ```
   */
  async finalize(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return finalize(this.context, params);
  }
}
