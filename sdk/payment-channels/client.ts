import { Wallet, type ContractRunner } from "ethers";
import type { IPaymentChannels } from "../../typechain-types/contracts/interfaces/IPaymentChannels";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodePaymentChannelsError } from "../internal/revert";
import type { TransactionSubmitter } from "../submitter/types";
import type { SignedTypedData } from "../signing/eip712";
import * as cooperative from "./actions/cooperative";
import {
  channelIdOf,
  createPaymentChannelsContext,
  resolveChannel,
  send,
  type PaymentChannelsContext,
} from "./actions/context";
import * as dispute from "./actions/dispute";
import * as locks from "./actions/locks";
import * as opening from "./actions/open";
import * as read from "./actions/read";
import * as sign from "./actions/sign";
import { findPaymentChannelsOf, type PaymentChannelsOfParameters, type PaymentChannelsOfReturnType } from "./discovery";
import type * as P from "./parameters";
import type { PaymentChannelMessages } from "./typed-data";
import type { BalanceProof, PaymentChannel, PaymentChannelId } from "./types";

type Signed<K extends keyof PaymentChannelMessages> = SignedTypedData<PaymentChannelMessages[K]>;
type Ref = { channel: P.PaymentChannelRef };

/**
 * A participant's (or a watchtower's, or a relayer's) client of the two-way payment channels
 * (docs/payment-channels.md): open and fund, sign balance proofs and the cooperative messages, withdraw and close
 * cooperatively, close alone, answer a close with newer proofs, settle, register secrets and unlock, rotate session
 * keys, withdraw credits; read a channel (with its record rebuilt and checked after a close) and find one's channels.
 * Every action also exists as `buildX`, returning `{ to, data, value }` without sending, for a multisig or a relayer.
 * The off-chain protocol (which proof is the latest, whether the sender can cover it) is the caller's; see
 * `validateBalanceProof` for a receiver's checks.
 *
 * @example
 * ```ts
 * const alice = new PaymentChannelsClient({ address: PAYMENT_CHANNELS, runner: aliceWallet });
 * const { channel } = await alice.open({ participant2: bob, amount: parseEther("1"), challengePeriod: 86_400 });
 * const { signature } = await alice.signBalanceProof({ channel, proof: { nonce: 1n, transferred: 10n, locked: 0n, locksRoot: ZeroHash } });
 * ```
 */
export class PaymentChannelsClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IPaymentChannels;
  readonly fromBlock: number;
  readonly confirmations: number;
  /** Sends the transactions that must land on time when given; see `PaymentChannelsClientParameters.submitter`. */
  readonly submitter: TransactionSubmitter | undefined;
  readonly #context: PaymentChannelsContext;

  constructor(params: P.PaymentChannelsClientParameters) {
    this.#context = createPaymentChannelsContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
    this.submitter = this.#context.submitter;
  }

  /**
   * A client for the deployment on the runner's chain found in the address book (the bundled book, with
   * `addressBook`'s entries added or replacing), or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const client = await PaymentChannelsClient.connect({ runner: wallet });
   * ```
   */
  static async connect(params: ConnectParameters<P.PaymentChannelsClientParameters>): Promise<PaymentChannelsClient> {
    return new PaymentChannelsClient(await connectParameters("PaymentChannels", params, decodePaymentChannelsError));
  }

  /**
   * A fresh random session key (from the platform's CSPRNG). Keep the private key only as long as the channel.
   *
   * @example
   * ```ts
   * const key = PaymentChannelsClient.createSessionKey();
   * ```
   */
  static createSessionKey(): { address: Address; privateKey: string } {
    const wallet = Wallet.createRandom();
    return { address: wallet.address, privateKey: wallet.privateKey };
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await client.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  /** A channel's id on this deployment. @example `const channelId = await client.channelIdOf({ channel });` */
  channelIdOf(params: { channel: PaymentChannel }): Promise<PaymentChannelId> {
    return channelIdOf(this.#context, params);
  }

  /**
   * A channel's terms and id, given its terms or its id (rebuilt from `ChannelOpened` and checked).
   *
   * @example
   * ```ts
   * const { channel } = await client.resolveChannel({ channel: channelId });
   * ```
   */
  resolveChannel(params: Ref): Promise<{ channel: PaymentChannel; channelId: PaymentChannelId }> {
    return resolveChannel(this.#context, params.channel);
  }

  // ---------------------------------------------------------------- opening and funding

  /**
   * The `open` (or `openWithPermit`) transaction with the channel's terms and id; the opener defaults to the signer.
   *
   * @throws {InvalidParameterError} the terms break rule PC-O1.
   * @example
   * ```ts
   * const { channelId, ...request } = await client.buildOpen({ participant1: alice, participant2: bob, amount, challengePeriod: 3_600, salt: 1 });
   * ```
   */
  buildOpen(params: P.BuildOpenPaymentChannelParameters): Promise<P.BuildOpenPaymentChannelReturnType> {
    return opening.buildOpen(this.#context, params);
  }

  /**
   * Opens and funds a channel from the client's signer (ETH by value; an ERC20 by allowance, approval or permit).
   *
   * @throws {PaymentChannelOpenError} the contract refused (e.g. `PAYMENT_CHANNEL_EXISTS` for a reused salt).
   * @example
   * ```ts
   * const { channel, channelId } = await client.open({ participant2: bob, token: usdc, amount: 10_000_000n, challengePeriod: 86_400, funding: "permit" });
   * ```
   */
  open(params: P.OpenPaymentChannelParameters): Promise<P.OpenPaymentChannelReturnType> {
    return opening.open(this.#context, params);
  }

  /** `deposit(channel, participant, amount)`. @example `const request = await client.buildDeposit({ channel, amount: 500n });` */
  buildDeposit(params: Omit<P.DepositParameters, "approve" | "overrides">): Promise<PreparedTransaction> {
    return opening.buildDeposit(this.#context, params);
  }

  /** Sends {@link PaymentChannelsClient.buildDeposit}. @example `await bobClient.deposit({ channel, amount: 500n, approve: true });` */
  deposit(params: P.DepositParameters): Promise<P.PaymentChannelWriteReturnType> {
    return opening.deposit(this.#context, params);
  }

  // ---------------------------------------------------------------- signing (session key if in use, else the signer)

  /**
   * Signs a balance proof of the client's outgoing direction.
   *
   * @example
   * ```ts
   * const { signature } = await client.signBalanceProof({ channel, proof: { nonce: 2n, transferred: 25n, locked: 0n, locksRoot: ZeroHash } });
   * ```
   */
  signBalanceProof(params: Ref & { proof: BalanceProof }): Promise<Signed<"BalanceProof">> {
    return sign.signBalanceProof(this.#context, params);
  }

  /** Signs a `Withdraw`. @example `const { signature } = await client.signWithdraw({ channel, participant: bob, totalWithdrawn: 100n, expiry });` */
  signWithdraw(
    params: Ref & { participant: Address; totalWithdrawn: bigint; expiry: bigint },
  ): Promise<Signed<"Withdraw">> {
    return sign.signWithdraw(this.#context, params);
  }

  /** Signs a `CooperativeClose`. @example `const { signature } = await client.signCooperativeClose({ channel, balance1, balance2, expiry });` */
  signCooperativeClose(
    params: Ref & { balance1: bigint; balance2: bigint; expiry: bigint },
  ): Promise<Signed<"CooperativeClose">> {
    return sign.signCooperativeClose(this.#context, params);
  }

  /**
   * Signs a `Reward` that lets `watchtower` submit this exact incoming `proof` with `updateFor` for `amount`.
   *
   * @example
   * ```ts
   * const { signature } = await client.signReward({ channel, proof: incoming, watchtower, amount: 0n });
   * ```
   */
  signReward(params: Ref & { proof: BalanceProof; watchtower: Address; amount: bigint }): Promise<Signed<"Reward">> {
    return sign.signReward(this.#context, params);
  }

  // ---------------------------------------------------------------- cooperative, while open

  /** The `cooperativeWithdraw` call. @example `const request = await client.buildCooperativeWithdraw({ channel, participant, totalWithdrawn, expiry, signature1, signature2 });` */
  buildCooperativeWithdraw(params: Omit<P.CooperativeWithdrawParameters, "overrides">): Promise<PreparedTransaction> {
    return cooperative.buildCooperativeWithdraw(this.#context, params);
  }

  /** Sends {@link PaymentChannelsClient.buildCooperativeWithdraw}. @example `await client.cooperativeWithdraw({ channel, participant: me, totalWithdrawn, expiry, signature2 });` */
  cooperativeWithdraw(params: P.CooperativeWithdrawParameters): Promise<P.PaymentChannelWriteReturnType> {
    return cooperative.cooperativeWithdraw(this.#context, params);
  }

  /** The `cooperativeClose` call. @example `const request = await client.buildCooperativeClose({ channel, balance1, balance2, expiry, signature1, signature2 });` */
  buildCooperativeClose(params: Omit<P.CooperativeCloseParameters, "overrides">): Promise<PreparedTransaction> {
    return cooperative.buildCooperativeClose(this.#context, params);
  }

  /** Sends {@link PaymentChannelsClient.buildCooperativeClose}. @example `await client.cooperativeClose({ channel, balance1, balance2, expiry, signature2 });` */
  cooperativeClose(params: P.CooperativeCloseParameters): Promise<P.PaymentChannelWriteReturnType> {
    return cooperative.cooperativeClose(this.#context, params);
  }

  // ---------------------------------------------------------------- unilateral close, challenge, settlement

  /** The `close` call with the counterparty's latest proof. @example `const request = await client.buildClose({ channel, proof, signature });` */
  buildClose(params: Omit<P.ClosePaymentChannelParameters, "overrides">): Promise<PreparedTransaction> {
    return dispute.buildClose(this.#context, params);
  }

  /** Sends {@link PaymentChannelsClient.buildClose}. @example `await client.close({ channel, proof: best.proof, signature: best.signature });` */
  close(params: P.ClosePaymentChannelParameters): Promise<P.PaymentChannelWriteReturnType> {
    return dispute.close(this.#context, params);
  }

  /** The `update` call (the record rebuilt from events unless given). @example `const request = await client.buildUpdate({ channel, sender, proof, signature });` */
  buildUpdate(params: Omit<P.UpdateParameters, "overrides">): Promise<PreparedTransaction> {
    return dispute.buildUpdate(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildUpdate}: from the runner, or through the client's `submitter` by the
   * channel's `closesAt` (then only `overrides.gasLimit` may be set).
   *
   * @throws {SubmitterError} through a submitter: e.g. `SUBMITTER_DEADLINE_MISSED` when it could not land in time.
   * @example
   * ```ts
   * await client.update({ channel, sender: counterparty, proof, signature });
   * // With new PaymentChannelsClient({ ..., submitter }): fees bumped until it lands by closesAt.
   * const { receipt } = await clientWithSubmitter.update({ channel, sender: counterparty, proof, signature });
   * ```
   */
  update(params: P.UpdateParameters): Promise<P.PaymentChannelWriteReturnType> {
    return dispute.update(this.#context, params);
  }

  /** A watchtower's `updateFor` call. @example `const request = await tower.buildUpdateFor({ channel, sender, proof, signature, reward, rewardSignature });` */
  buildUpdateFor(params: Omit<P.UpdateForParameters, "overrides">): Promise<PreparedTransaction> {
    return dispute.buildUpdateFor(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildUpdateFor}: from the runner, or through the client's `submitter` by the
   * channel's `closesAt`.
   *
   * @example
   * ```ts
   * const tower = new PaymentChannelsClient({ address, runner: provider, submitter });
   * await tower.updateFor({ channel, sender, proof, signature, reward: 0n, rewardSignature });
   * ```
   */
  updateFor(params: P.UpdateForParameters): Promise<P.PaymentChannelWriteReturnType> {
    return dispute.updateFor(this.#context, params);
  }

  /** The `settle` call (the record rebuilt from events unless given). @example `const request = await client.buildSettle({ channel });` */
  buildSettle(params: Omit<P.SettlePaymentChannelParameters, "overrides">): Promise<PreparedTransaction> {
    return dispute.buildSettle(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildSettle}: from the runner, or through the client's `submitter`.
   *
   * @example
   * ```ts
   * await client.settle({ channel }); // through the submitter when the client was given one
   * ```
   */
  settle(params: P.SettlePaymentChannelParameters): Promise<P.PaymentChannelWriteReturnType> {
    return dispute.settle(this.#context, params);
  }

  // ---------------------------------------------------------------- hash locks

  /** The `registerSecret` call. @example `const request = client.buildRegisterSecret({ secret });` */
  buildRegisterSecret(params: { secret: string }): PreparedTransaction {
    return locks.buildRegisterSecret(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildRegisterSecret}: from the runner, or through the client's `submitter`
   * with `deadline` (unix seconds: the expiry of the locks the secret pays; ignored without a submitter).
   *
   * @example
   * ```ts
   * await client.registerSecret({ secret, deadline: lock.expiry });
   * ```
   */
  registerSecret(
    params: { secret: string; deadline?: number } & WriteParameters,
  ): Promise<P.PaymentChannelWriteReturnType> {
    return locks.registerSecret(this.#context, params);
  }

  /** The `registerSecrets` call. @example `const request = client.buildRegisterSecrets({ secrets });` */
  buildRegisterSecrets(params: { secrets: readonly string[] }): PreparedTransaction {
    return locks.buildRegisterSecrets(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildRegisterSecrets}: from the runner, or through the client's `submitter`
   * with `deadline` (the earliest expiry of the locks the secrets pay; ignored without a submitter).
   *
   * @example
   * ```ts
   * await client.registerSecrets({ secrets: [a, b], deadline: Math.min(lockA.expiry, lockB.expiry) });
   * ```
   */
  registerSecrets(
    params: { secrets: readonly string[]; deadline?: number } & WriteParameters,
  ): Promise<P.PaymentChannelWriteReturnType> {
    return locks.registerSecrets(this.#context, params);
  }

  /** The `unlock` call (pending locks rebuilt from events unless given). @example `const request = await client.buildUnlock({ channel, sender, locks });` */
  buildUnlock(params: Omit<P.UnlockParameters, "overrides">): Promise<PreparedTransaction> {
    return locks.buildUnlock(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildUnlock}: from the runner, or through the client's `submitter`.
   *
   * @example
   * ```ts
   * await client.unlock({ channel, sender: channel.participant1, locks });
   * ```
   */
  unlock(params: P.UnlockParameters): Promise<P.PaymentChannelWriteReturnType> {
    return locks.unlock(this.#context, params);
  }

  // ---------------------------------------------------------------- session keys and credits

  /** The `setSessionKey` call. @example `const request = await client.buildSetSessionKey({ channel, key: next.address });` */
  buildSetSessionKey(params: Ref & { key: Address }): Promise<PreparedTransaction> {
    return locks.buildSetSessionKey(this.#context, params);
  }

  /**
   * Sends {@link PaymentChannelsClient.buildSetSessionKey}; given the key's `privateKey`, signs with it from then on.
   *
   * @example
   * ```ts
   * const next = PaymentChannelsClient.createSessionKey();
   * await client.setSessionKey({ channel, key: next.address, privateKey: next.privateKey });
   * ```
   */
  setSessionKey(
    params: Ref & { key: Address; privateKey?: string } & WriteParameters,
  ): Promise<P.PaymentChannelWriteReturnType> {
    return locks.setSessionKey(this.#context, params);
  }

  /** Signs the client's next messages on the channel with a session key. @example `await client.useSessionKey({ channel, privateKey });` */
  useSessionKey(params: Ref & { privateKey: string }): Promise<void> {
    return locks.useSessionKey(this.#context, params);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = await client.buildWithdrawCredit({ to: me });` */
  buildWithdrawCredit(params: { token?: Address; to?: Address }): Promise<PreparedTransaction> {
    return locks.buildWithdrawCredit(this.#context, params);
  }

  /** Sends {@link PaymentChannelsClient.buildWithdrawCredit}. @example `await client.withdrawCredit({});` */
  async withdrawCredit(
    params: { token?: Address; to?: Address } & WriteParameters,
  ): Promise<P.PaymentChannelWriteReturnType> {
    return send(this.#context, await locks.buildWithdrawCredit(this.#context, params), params.overrides);
  }

  // ---------------------------------------------------------------- reads

  /**
   * A channel's state: status, flags, deposits, withdrawals, `closesAt`, and while closed the record (or once settled
   * the pending locks) rebuilt from events and checked against the commitment.
   *
   * @throws {RecordUnavailableError} `PAYMENT_CHANNEL_RECORD_UNAVAILABLE`: no event matches the commitment.
   * @example
   * ```ts
   * const { status, record } = await client.getChannel({ channel });
   * ```
   */
  getChannel(params: Ref): Promise<P.PaymentChannelState> {
    return read.getChannel(this.#context, params);
  }

  /** When a secret was first registered, or 0. @example `const at = await client.secretRegisteredAt({ secretHash: secretHash(secret) });` */
  secretRegisteredAt(params: { secretHash: string }): Promise<number> {
    return read.secretRegisteredAt(this.#context, params);
  }

  /** `account`'s withdrawable credit in `token` (ETH when omitted). @example `const credit = await client.creditOf({ account: me });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return read.creditOf(this.#context, params);
  }

  /** The session keys that may sign for `participant` now. @example `const keys = await client.sessionKeysOf({ channel, participant: bob });` */
  sessionKeysOf(params: Ref & { participant: Address }): Promise<Address[]> {
    return read.sessionKeysOf(this.#context, params);
  }

  /**
   * The channels in which `account` is a participant ({@link findPaymentChannelsOf}), from the client's `fromBlock`.
   *
   * @example
   * ```ts
   * const { channels, nextFromBlock } = await client.channelsOf({ account: me, withStatus: true, limit: 20 });
   * ```
   */
  channelsOf(params: PaymentChannelsOfParameters): Promise<PaymentChannelsOfReturnType> {
    return findPaymentChannelsOf({
      ...params,
      fromBlock: params.fromBlock ?? this.fromBlock,
      provider: this.#context.tx.provider(),
      address: this.address,
    });
  }
}
