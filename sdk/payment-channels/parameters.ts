// The parameter and return types of PaymentChannelsClient's methods.
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import type { TransactionSubmitter } from "../submitter/types";
import type { PaymentChannelEvent } from "./events";
import type {
  BalanceProof,
  Lock,
  PaymentChannel,
  PaymentChannelId,
  PaymentChannelRecord,
  PaymentChannelStatus,
  PendingLocks,
} from "./types";

/**
 * How to reach a two-way payment channels deployment.
 *
 * @example
 * ```ts
 * const params: PaymentChannelsClientParameters = { address: PAYMENT_CHANNELS, runner: wallet, fromBlock: 21_000_000 };
 * // The transactions that must land on time (update, updateFor, settle, unlock, registerSecret) through a submitter:
 * const tower: PaymentChannelsClientParameters = { address: PAYMENT_CHANNELS, runner: provider, submitter };
 * ```
 */
export type PaymentChannelsClientParameters = {
  /** The PaymentChannels contract. */
  address: Address;
  /** An ethers Signer (with a provider) to send and sign, or a Provider to read and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (terms from an id, a closed channel's record). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
  /**
   * Sends `update`, `updateFor`, `settle`, `unlock`, `registerSecret` and `registerSecrets` instead of the runner
   * (docs/payment-channels.md §8.8): `update` and `updateFor` with the channel's `closesAt` as the deadline,
   * `registerSecret(s)` with the `deadline` given to them (the expiry of the locks the secret pays). The other
   * methods still send from the runner: give the submitter a key of its own, or send nothing else from its key (it
   * counts nonces locally). Its `confirmations` apply to these transactions instead of the client's.
   */
  submitter?: TransactionSubmitter;
};

/**
 * A channel given by its terms, or by its id (the terms are then rebuilt from its `ChannelOpened` event and checked
 * against the id).
 *
 * @example
 * ```ts
 * const ref: PaymentChannelRef = channelId;
 * ```
 */
export type PaymentChannelRef = PaymentChannel | PaymentChannelId;

/**
 * What every sending method returns: the mined receipt and the channel events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: PaymentChannelWriteReturnType = await client.settle({ channel });
 * ```
 */
export type PaymentChannelWriteReturnType = { receipt: TransactionReceipt; events: PaymentChannelEvent[] };

/**
 * A new channel's terms as its opener chooses them: the counterparty, the deposit, the challenge period, the token
 * (omitted for ETH), the opener's session key `key1` (omitted for none; participant2 names its own later
 * with `setSessionKey`) and a salt (random when omitted). ERC20 deposits are funded
 * by the allowance in place, an exact `approve` first, or an EIP-2612 `permit`.
 *
 * @example
 * ```ts
 * const params: OpenPaymentChannelParameters = { participant2: bob, amount: parseEther("1"), challengePeriod: 86_400, key1: key.address };
 * ```
 */
export type OpenPaymentChannelParameters = {
  participant2: Address;
  amount: bigint;
  /** Seconds, 1 hour to 30 days. */
  challengePeriod: number;
  token?: Address;
  key1?: Address;
  salt?: number;
  funding?: "allowance" | "approve" | "permit";
  /** Unix seconds; default one hour after the latest block. */
  permitDeadline?: number;
} & WriteParameters;

/**
 * A signed EIP-2612 permit for the payment channels contract, for `openWithPermit`.
 *
 * @example
 * ```ts
 * const permit: PaymentChannelPermit = { deadline, v, r, s };
 * ```
 */
export type PaymentChannelPermit = { deadline: number; v: number; r: string; s: string };

/**
 * What `buildOpen` takes: the terms, the opener (default: the client's signer) and, for `openWithPermit`, a permit.
 *
 * @example
 * ```ts
 * const params: BuildOpenPaymentChannelParameters = { participant1: alice, participant2: bob, amount: 10n, challengePeriod: 3_600, salt: 1 };
 * ```
 */
export type BuildOpenPaymentChannelParameters = Omit<OpenPaymentChannelParameters, "funding" | "overrides"> & {
  participant1?: Address;
  permit?: PaymentChannelPermit;
};

/**
 * What `buildOpen` returns: the transaction, and the terms and id of the channel it opens.
 *
 * @example
 * ```ts
 * const { to, data, value, channel, channelId }: BuildOpenPaymentChannelReturnType = await client.buildOpen({ ... });
 * ```
 */
export type BuildOpenPaymentChannelReturnType = PreparedTransaction & {
  channel: PaymentChannel;
  channelId: PaymentChannelId;
};

/**
 * What `open` returns: the receipt and events, the channel, and the approval's receipt when one was sent.
 *
 * @example
 * ```ts
 * const { channel, channelId }: OpenPaymentChannelReturnType = await client.open({ participant2: bob, amount, challengePeriod });
 * ```
 */
export type OpenPaymentChannelReturnType = PaymentChannelWriteReturnType & {
  channel: PaymentChannel;
  channelId: PaymentChannelId;
  approvalReceipt?: TransactionReceipt;
};

/**
 * `deposit(channel, participant, amount)`: anyone may fund either participant (default: the client's signer).
 *
 * @example
 * ```ts
 * const params: DepositParameters = { channel, amount: 500n, approve: true };
 * ```
 */
export type DepositParameters = {
  channel: PaymentChannelRef;
  amount: bigint;
  participant?: Address;
  /** ERC20: approve exactly the amount first when the allowance is short (sending only). */
  approve?: boolean;
} & WriteParameters;

/**
 * A cooperative withdrawal: `participant`'s new withdrawal total, until `expiry`, with both participants' signatures
 * of the `Withdraw` message (the sending participant may omit its own).
 *
 * @example
 * ```ts
 * const params: CooperativeWithdrawParameters = { channel, participant: me, totalWithdrawn: 100n, expiry, signature2 };
 * ```
 */
export type CooperativeWithdrawParameters = {
  channel: PaymentChannelRef;
  participant: Address;
  totalWithdrawn: bigint;
  expiry: bigint;
  signature1?: string;
  signature2?: string;
} & WriteParameters;

/**
 * A cooperative close: the final balances, until `expiry`, with both participants' signatures of the
 * `CooperativeClose` message (a participant sending may omit its own).
 *
 * @example
 * ```ts
 * const params: CooperativeCloseParameters = { channel, balance1: 700n, balance2: 300n, expiry, signature2 };
 * ```
 */
export type CooperativeCloseParameters = {
  channel: PaymentChannelRef;
  balance1: bigint;
  balance2: bigint;
  expiry: bigint;
  signature1?: string;
  signature2?: string;
} & WriteParameters;

/**
 * A unilateral close by a participant with the counterparty's latest proof (its own incoming payments); without a
 * proof, nothing is recorded for that direction (nonce 0).
 *
 * @example
 * ```ts
 * const params: ClosePaymentChannelParameters = { channel, proof: best.proof, signature: best.signature };
 * ```
 */
export type ClosePaymentChannelParameters = {
  channel: PaymentChannelRef;
  proof?: BalanceProof;
  signature?: string;
} & WriteParameters;

/**
 * A newer proof of `sender`'s direction during the challenge period. `record` defaults to the one rebuilt from the
 * channel's events; for `updateFor`, the receiver's `Reward` signature naming the caller as the watchtower.
 *
 * @example
 * ```ts
 * const params: UpdateParameters = { channel, sender: counterparty, proof, signature };
 * ```
 */
export type UpdateParameters = {
  channel: PaymentChannelRef;
  sender: Address;
  proof: BalanceProof;
  signature: string;
  record?: PaymentChannelRecord;
} & WriteParameters;

/**
 * {@link UpdateParameters} for a watchtower: the reward and the receiver's `Reward` signature.
 *
 * @example
 * ```ts
 * const params: UpdateForParameters = { channel, sender, proof, signature, reward: 10n, rewardSignature };
 * ```
 */
export type UpdateForParameters = UpdateParameters & { reward: bigint; rewardSignature: string };

/**
 * `settle(channel, record)` after the challenge period; `record` defaults to the one rebuilt from events.
 *
 * @example
 * ```ts
 * const params: SettlePaymentChannelParameters = { channel };
 * ```
 */
export type SettlePaymentChannelParameters = {
  channel: PaymentChannelRef;
  record?: PaymentChannelRecord;
} & WriteParameters;

/**
 * `unlock(channel, sender, locks, pending)` after settlement: the locks `sender` had pending, and the pending locks
 * (default: rebuilt from the channel's events).
 *
 * @example
 * ```ts
 * const params: UnlockParameters = { channel, sender: channel.participant1, locks };
 * ```
 */
export type UnlockParameters = {
  channel: PaymentChannelRef;
  sender: Address;
  locks: readonly Lock[];
  pending?: PendingLocks;
} & WriteParameters;

/**
 * A channel's on-chain state, decoded: the slot (`status`, flags, deposits while open, `closesAt` and the
 * commitment after a close), the withdrawal totals, and the record (while `Closed`) or the pending locks (once
 * `Settled`), rebuilt from events and checked against the commitment.
 *
 * @example
 * ```ts
 * const { status, record, closesAt }: PaymentChannelState = await client.getChannel({ channel });
 * ```
 */
export type PaymentChannelState = {
  channelId: PaymentChannelId;
  status: PaymentChannelStatus;
  withdrawn: boolean;
  key1Changed: boolean;
  key2Changed: boolean;
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  /** 0 while open; the last second a proof may be submitted after a unilateral close. */
  closesAt: number;
  commitment: string;
  record?: PaymentChannelRecord;
  pending?: PendingLocks;
};
