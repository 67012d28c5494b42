import { Wallet, ZeroAddress, randomBytes, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address, PreparedTransaction } from "../core/types";
import { requireAddress, requireBigInt, requireHex, requireInteger, requireThat } from "../internal/validate";
import { decodeChannelsError } from "../internal/revert";
import { connectParameters, type ConnectParameters } from "../deployments";
import { signPermit } from "../signing/permit";
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
import type { Channel, ChannelId } from "./types";
import { signVoucher } from "./voucher";

/** The contract's bounds (docs/micropayments.md §1, rule M-O1). */
const MIN_CHALLENGE_PERIOD = 3_600;
const MAX_CHALLENGE_PERIOD = 30 * 86_400;
const AMOUNT_BOUND = 1n << 96n;
const PERMIT_VALIDITY = 3_600;

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
  readonly #cumulative = new Map<ChannelId, bigint>();
  readonly #sessionKeys = new Map<ChannelId, string>();

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
    params: OpenChannelParameters & {
      payer?: Address;
      permit?: { deadline: number; v: number; r: string; s: string };
    },
  ): Promise<BuildOpenChannelReturnType> {
    const payer = requireAddress("payer", params.payer ?? (await this.tx.signerAddress("Pass payer")));
    const channel = this.#channelFromParameters(params, payer);
    const openParams = {
      payee: channel.payee,
      token: channel.token,
      signer: channel.signer,
      amount: params.amount,
      challengePeriod: channel.challengePeriod,
      salt: channel.salt,
    };
    const channelId = await this.channelIdOf({ channel });
    if (params.permit !== undefined) {
      requireThat(channel.token !== ZeroAddress, "permit", params.permit, "ETH channels take no permit");
      const { deadline, v, r, s } = params.permit;
      const data = this.encode("openWithPermit", [openParams, deadline, v, r, s]);
      return { ...this.request(data), channel, channelId };
    }
    const value = channel.token === ZeroAddress ? params.amount : 0n;
    return { ...this.request(this.encode("open", [openParams]), value), channel, channelId };
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
    const signer = this.tx.signer();
    const payer = await this.tx.signerAddress();
    const salt = params.salt ?? randomSalt();
    const funding = params.funding ?? "allowance";
    requireThat(["allowance", "approve", "permit"].includes(funding), "funding", funding, "unknown funding method");
    const token = requireAddress("token", params.token ?? ZeroAddress);
    requireThat(
      token !== ZeroAddress || funding === "allowance",
      "funding",
      funding,
      "ETH channels are funded by value",
    );
    // Validate before any approval or permit is signed.
    this.#channelFromParameters({ ...params, salt }, payer);

    const approvalReceipt = funding === "approve" ? await this.#approveIfShort(payer, token, params.amount) : undefined;
    let permit: { deadline: number; v: number; r: string; s: string } | undefined;
    if (funding === "permit") {
      const deadline = params.permitDeadline ?? (await this.#latestTimestamp()) + PERMIT_VALIDITY;
      const { v, r, s } = await signPermit({ signer, token, spender: this.address, value: params.amount, deadline });
      permit = { deadline, v, r, s };
    }
    const { channel, channelId, ...request } = await this.buildOpen({ ...params, salt, payer, permit });
    const result = await this.send(request, params);
    return { ...result, channel, channelId, approvalReceipt };
  }

  /**
   * `topUp(channel, amount)`: adds to the deposit (ETH by value, an ERC20 by allowance).
   *
   * @example
   * ```ts
   * const request = await payer.buildTopUp({ channel, amount: 1_000n });
   * ```
   */
  async buildTopUp({ channel, amount }: { channel: ChannelRef; amount: bigint }): Promise<PreparedTransaction> {
    const { channel: terms } = await this.resolve(channel);
    const value = requireBigInt("amount", amount, 1n, AMOUNT_BOUND);
    return this.request(this.encode("topUp", [terms, value]), terms.token === ZeroAddress ? value : 0n);
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
    const request = await this.buildTopUp(params);
    const { channel } = await this.resolve(params.channel);
    if (params.approve === true && channel.token !== ZeroAddress) {
      await this.#approveIfShort(await this.tx.signerAddress(), channel.token, params.amount);
    }
    return this.send(request, params);
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
  async buildSetSigner({ channel, signer }: { channel: ChannelRef; signer: Address }): Promise<PreparedTransaction> {
    const { channel: terms } = await this.resolve(channel);
    const key = requireAddress("signer", signer);
    requireThat(key !== terms.payee, "signer", key, "must not be the payee");
    return this.request(this.encode("setSigner", [terms, key]));
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
    // Checked before sending: a key that does not match would sign vouchers the payee refuses.
    const key =
      params.privateKey === undefined ? undefined : new Wallet(requireHex("privateKey", params.privateKey, 32));
    requireThat(
      key === undefined || key.address === requireAddress("signer", params.signer),
      "privateKey",
      "(hidden)",
      "is not the new signer's key",
    );
    const result = await this.send(await this.buildSetSigner(params), params);
    const { channelId } = await this.resolve(params.channel);
    if (key !== undefined) this.#sessionKeys.set(channelId, key.privateKey);
    else this.#sessionKeys.delete(channelId);
    return result;
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
  async useSessionKey({ channel, privateKey }: { channel: Channel; privateKey: string }): Promise<void> {
    const { channelId } = await this.resolve(channel);
    this.#sessionKeys.set(channelId, new Wallet(requireHex("privateKey", privateKey, 32)).privateKey);
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
  async pay({ channel, amount }: PayParameters): Promise<SignedVoucher> {
    const { channelId } = await this.resolve(channel);
    const increment = requireBigInt("amount", amount, 1n, AMOUNT_BOUND);
    const total = (this.#cumulative.get(channelId) ?? 0n) + increment;
    return this.signVoucher({ channel, amount: total });
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
  async signVoucher({ channel, amount }: { channel: Channel; amount: bigint }): Promise<SignedVoucher> {
    const { channel: terms, channelId } = await this.resolve(channel);
    const total = requireBigInt("amount", amount, 1n, 1n << 256n);
    const context = { chainId: await this.getChainId(), contract: this.address, channelId, amount: total };
    const privateKey = this.#sessionKeys.get(channelId);
    const { signature } =
      privateKey !== undefined
        ? await signVoucher({ ...context, privateKey })
        : await signVoucher({ ...context, signer: this.tx.signer() });
    if ((this.#cumulative.get(channelId) ?? 0n) < total) this.#cumulative.set(channelId, total);
    return { channel: terms, channelId, amount: total, signature };
  }

  /**
   * The cumulative total of the vouchers this client signed on the channel.
   *
   * @example
   * ```ts
   * const spent = await payer.cumulativeOf({ channel });
   * ```
   */
  async cumulativeOf({ channel }: { channel: ChannelRef }): Promise<bigint> {
    const { channelId } = await this.resolve(channel);
    return this.#cumulative.get(channelId) ?? 0n;
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
  async buildRequestClose({ channel }: { channel: ChannelRef }): Promise<PreparedTransaction> {
    const { channel: terms } = await this.resolve(channel);
    return this.request(this.encode("requestClose", [terms]));
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
    return this.send(await this.buildRequestClose(params), params);
  }

  /**
   * `finalize(channel)`: after the challenge period, returns what the payee did not claim to the payer.
   *
   * @example
   * ```ts
   * const request = await payer.buildFinalize({ channel });
   * ```
   */
  async buildFinalize({ channel }: { channel: ChannelRef }): Promise<PreparedTransaction> {
    const { channel: terms } = await this.resolve(channel);
    return this.request(this.encode("finalize", [terms]));
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
    return this.send(await this.buildFinalize(params), params);
  }

  // ---------------------------------------------------------------- internals

  #channelFromParameters(params: OpenChannelParameters, payer: Address): Channel {
    const payee = requireAddress("payee", params.payee);
    requireThat(payee !== ZeroAddress, "payee", payee, "must not be the zero address");
    requireThat(payee !== payer, "payee", payee, "must not be the payer");
    requireThat(payee !== this.address, "payee", payee, "must not be the channels contract");
    const signer = requireAddress("signer", params.signer ?? ZeroAddress);
    requireThat(signer !== payee, "signer", signer, "must not be the payee");
    requireBigInt("amount", params.amount, 1n, AMOUNT_BOUND);
    const challengePeriod = requireInteger(
      "challengePeriod",
      params.challengePeriod,
      MIN_CHALLENGE_PERIOD,
      MAX_CHALLENGE_PERIOD,
    );
    const salt = requireInteger("salt", params.salt ?? 0, 0, 2 ** 32 - 1);
    const token = requireAddress("token", params.token ?? ZeroAddress);
    return { payer, payee, token, signer, challengePeriod, salt };
  }

  async #latestTimestamp(): Promise<number> {
    const block = await this.tx.guard(() => this.provider().getBlock("latest"));
    return block?.timestamp ?? Math.floor(Date.now() / 1000);
  }

  /** Approves exactly `amount` when the allowance is short: never an unlimited allowance on the user's behalf. */
  async #approveIfShort(owner: Address, token: Address, amount: bigint): Promise<TransactionReceipt | undefined> {
    const erc20 = IERC20__factory.connect(token, this.provider());
    const allowance = await this.tx.guard(() => erc20.allowance(owner, this.address));
    if (allowance >= amount) return undefined;
    const approve = {
      to: token,
      data: erc20.interface.encodeFunctionData("approve", [this.address, amount]),
      value: 0n,
    };
    return this.tx.send(approve);
  }
}

/** A uniformly random 32-bit salt from the platform's CSPRNG. */
function randomSalt(): number {
  const bytes = randomBytes(4);
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}
