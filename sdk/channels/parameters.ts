// The parameter and return types of PayerClient's and PayeeClient's methods.
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address, PreparedTransaction, TransactionOverrides } from "../core/types";
import type { TransactionSubmitter } from "../submitter/types";
import type { ChannelEvent } from "./events";
import type { Channel, ChannelId, ChannelStatus, Voucher } from "./types";
import type { VoucherStore } from "./voucher-store";

/**
 * How to reach a micropayment channels deployment.
 *
 * @example
 * ```ts
 * const params: ChannelsClientParameters = { address: CHANNELS, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type ChannelsClientParameters = {
  /** The MicropaymentChannels contract. */
  address: Address;
  /** An ethers Signer (with a provider) to send and sign, or a Provider to read and build only. */
  runner: ContractRunner | null;
  /** First block searched for `ChannelOpened` events (to rebuild terms from an id). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * A channel given by its terms, or by its id (the terms are then rebuilt from its `ChannelOpened` event and checked
 * against the id).
 *
 * @example
 * ```ts
 * const ref: ChannelRef = channelId;
 * ```
 */
export type ChannelRef = Channel | ChannelId;

/**
 * A channel's on-chain state, with its session keys after a rotation.
 *
 * @example
 * ```ts
 * const { deposit, claimed, status } = await payee.getChannelState({ channelId });
 * ```
 */
export type ChannelState = {
  deposit: bigint;
  claimed: bigint;
  /** 0, or the last second the payee may claim after the payer's close request. */
  closesAt: number;
  status: ChannelStatus;
  signerChanged: boolean;
  /**
   * The key rotation, when `signerChanged`: `current` valid from `changedAt`, `previous` until `changedAt` plus the
   * channel's challenge period.
   */
  signerChange?: { current: Address; previous: Address; changedAt: number };
};

/**
 * Options of every sending method.
 *
 * @example
 * ```ts
 * await payer.topUp({ channel, amount: 10n, overrides: { gasLimit: 120_000n } });
 * ```
 */
export type ChannelWriteParameters = { overrides?: TransactionOverrides };

/**
 * What every sending method returns: the mined receipt and the channel events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: ChannelWriteReturnType = await payer.requestClose({ channel });
 * ```
 */
export type ChannelWriteReturnType = { receipt: TransactionReceipt; events: ChannelEvent[] };

/**
 * A payer's choice of a new channel. `token` omitted for ETH; `signer` the session key's address (or omitted);
 * `salt` random when omitted.
 *
 * @example
 * ```ts
 * const params: OpenChannelParameters = { payee, amount: parseEther("0.1"), challengePeriod: 86_400, signer: key.address };
 * ```
 */
export type OpenChannelParameters = {
  payee: Address;
  amount: bigint;
  /** Seconds, 1 hour to 30 days. */
  challengePeriod: number;
  token?: Address;
  signer?: Address;
  salt?: number;
  /** ERC20 only: use the allowance in place (default), `approve` exactly the amount first, or sign a permit. */
  funding?: "allowance" | "approve" | "permit";
  /** Unix seconds; default one hour after the latest block. */
  permitDeadline?: number;
};

/**
 * What `buildOpen` returns: the transaction, and the terms and id of the channel it opens.
 *
 * @example
 * ```ts
 * const { to, data, value, channel, channelId }: BuildOpenChannelReturnType = await payer.buildOpen({ ... });
 * ```
 */
export type BuildOpenChannelReturnType = PreparedTransaction & { channel: Channel; channelId: ChannelId };

/**
 * What `open` returns.
 *
 * @example
 * ```ts
 * const { channel, channelId, receipt }: OpenChannelReturnType = await payer.open({ payee, amount, challengePeriod });
 * ```
 */
export type OpenChannelReturnType = ChannelWriteReturnType & {
  channel: Channel;
  channelId: ChannelId;
  approvalReceipt?: TransactionReceipt;
};

/**
 * A payment of `amount` more on a channel (the voucher carries the new cumulative total).
 *
 * @example
 * ```ts
 * const voucher = await payer.pay({ channel, amount: 1_000n });
 * ```
 */
export type PayParameters = { channel: Channel; amount: bigint };

/**
 * A voucher to send to the payee.
 *
 * @example
 * ```ts
 * const { channel, amount, signature }: SignedVoucher = await payer.pay({ channel, amount: 5n });
 * ```
 */
export type SignedVoucher = Voucher & { channel: Channel };

/**
 * A voucher as the payee receives it: the channel's terms, the cumulative amount, the signature.
 *
 * @example
 * ```ts
 * const params: AcceptVoucherParameters = JSON.parse(body, bigintReviver);
 * ```
 */
export type AcceptVoucherParameters = { channel: Channel; amount: bigint; signature: string };

/**
 * An accepted voucher: durable in the payee's store when returned.
 *
 * @example
 * ```ts
 * const { increment } = await payee.acceptVoucher(voucher);
 * deliver(increment);
 * ```
 */
export type AcceptVoucherReturnType = {
  channelId: ChannelId;
  amount: bigint;
  /** The key that signed: the payer or a session key. */
  signer: Address;
  /** What this voucher adds to the best one accepted before. */
  increment: bigint;
};

/**
 * The channels to claim in batches (one transaction per token): their best stored vouchers are used.
 *
 * @example
 * ```ts
 * const params: ClaimManyParameters = { channels: [channelA, channelB] };
 * ```
 */
export type ClaimManyParameters = {
  channels: readonly ChannelRef[];
  /**
   * Seconds after the latest block by which the batches are expected to be mined: a channel whose challenge period
   * or signing key's grace period ends before then is left out too (as `challenge-over` or `invalid-signature`).
   * Default 0: what the contract would refuse in the next block.
   */
  margin?: number;
};

/**
 * One `claimMany` transaction: the token it pays in and the channels it claims.
 *
 * @example
 * ```ts
 * for (const { token, channelIds, ...request } of await payee.buildClaimMany({ channels })) await relayer.sendTransaction(request);
 * ```
 */
export type PreparedClaimMany = PreparedTransaction & { token: Address; channelIds: ChannelId[] };

/**
 * Why a channel was left out of the batches of `planClaimMany`: its claim would pay nothing, or the contract would
 * refuse it and revert the whole batch with it (docs/micropayments.md M-C3, §5).
 * - `no-voucher`: the store holds no voucher for it;
 * - `nothing-to-claim`: its best voucher pays nothing more (the contract would skip it; leaving it out saves gas);
 * - `not-found`: no such channel on-chain (`ChannelNotFound`);
 * - `closed`: the channel is closed (`ChannelNotOpen`);
 * - `challenge-over`: a close was requested and its challenge period is over, not yet finalized
 *   (`ChannelChallengeOver`);
 * - `invalid-signature`: the voucher's signer is no longer authorised (a session key past its grace period, a
 *   revoked key) and the payer's wallet, if it is one, does not accept it either (`ChannelInvalidSignature`).
 *
 * @example
 * ```ts
 * const reason: ClaimManySkipReason = "challenge-over";
 * ```
 */
export type ClaimManySkipReason =
  "no-voucher" | "nothing-to-claim" | "not-found" | "closed" | "challenge-over" | "invalid-signature";

/**
 * A channel left out of a batch claim, and why.
 *
 * @example
 * ```ts
 * for (const { channelId, reason } of plan.skipped) log(channelId, reason);
 * ```
 */
export type SkippedClaim = { channelId: ChannelId; reason: ClaimManySkipReason };

/**
 * What `planClaimMany` returns: the `claimMany` transactions (one per token) and the channels left out of them.
 *
 * @example
 * ```ts
 * const { batches, skipped }: ClaimManyPlan = await payee.planClaimMany({ channels });
 * ```
 */
export type ClaimManyPlan = { batches: PreparedClaimMany[]; skipped: SkippedClaim[] };

/**
 * What the payee's watcher takes. `margin`: seconds before a deadline (close or grace end) the watcher claims at the
 * latest; `pollingInterval`: milliseconds between log polls.
 *
 * @example
 * ```ts
 * const watcher = payee.watch({ pollingInterval: 2_000, onClaim: ({ channelId }) => log(channelId) });
 * ```
 */
export type WatchParameters = {
  pollingInterval?: number;
  margin?: number;
  onClaim?: (claim: { channelId: ChannelId; receipt: TransactionReceipt; reason: "close" | "signer" }) => void;
  onError?: (error: unknown) => void;
};

/**
 * A running watcher.
 *
 * @example
 * ```ts
 * const watcher = payee.watch();
 * await watcher.stop();
 * ```
 */
export type Watcher = { stop(): Promise<void> };

/**
 * How to reach a deployment as the payee: the client parameters, the voucher store, acceptance options, and
 * optionally the submitter that sends the payee's claims and closes.
 *
 * @example
 * ```ts
 * const payee = new PayeeClient({ address, runner: wallet, store: await FileVoucherStore.open({ path }) });
 * // Claims that must land before a close deadline: fee bumping, confirmations, a second endpoint.
 * const submitter = new Submitter({ signer: wallet, rpc: [primaryUrl, secondaryUrl], decodeRevert: decodeChannelsError });
 * const onTime = new PayeeClient({ address, runner: provider, payee: wallet.address, store, submitter });
 * ```
 */
export type PayeeClientParameters = ChannelsClientParameters & {
  store: VoucherStore;
  /** The payee's address; defaults to the runner's (a Signer). */
  payee?: Address;
  /** Force ethers' pure-JS recovery even when the native secp256k1 binding is installed. */
  native?: boolean;
  /**
   * Seconds the payee needs to get a claim mined: a voucher is refused when the channel's challenge period, or the
   * signing key's grace period, ends within this margin. Default 600.
   */
  claimMargin?: number;
  /**
   * Milliseconds a channel's cached on-chain state is trusted before it is read again. Default 5,000; at most half
   * the claim margin, so that a close request is always seen in time.
   */
  cacheTtl?: number;
  /**
   * Sends `claim`, `close`, `claimMany` and the watcher's claims (docs/micropayments.md §5) instead of the runner,
   * each with the last second the contract accepts it as its `deadline` (the close request's `closesAt`, or the
   * grace end of the voucher's rotated-out key). Build it with `decodeRevert: decodeChannelsError`, so that a
   * refused claim is decoded as this contract's error, and give it a key of its own (or send nothing else from its
   * key: it counts nonces locally). Its `confirmations` apply to these transactions instead of the client's.
   */
  submitter?: TransactionSubmitter;
};
