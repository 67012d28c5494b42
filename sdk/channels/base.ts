import type { ContractRunner, Provider } from "ethers";
import type { IMicropaymentChannels } from "../../typechain-types/contracts/interfaces/IMicropaymentChannels";
import type { PreparedTransaction } from "../core/types";
import type { Address } from "../core/types";
import type { TransactionRunner } from "../internal/transactions";
import { channelIdOf } from "./actions/channelIdOf";
import { createChannelsContext, encodeCall, type ChannelsContext } from "./actions/context";
import { creditOf } from "./actions/creditOf";
import { findChannelsOf, type ChannelsOfParameters, type ChannelsOfReturnType } from "./discovery";
import { getChannelState } from "./actions/getChannelState";
import { resolveChannel } from "./actions/resolveChannel";
import { send } from "./actions/send";
import type {
  ChannelRef,
  ChannelState,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ChannelsClientParameters,
} from "./parameters";
import type { Channel, ChannelId } from "./types";

/**
 * What the payer's and the payee's clients share: the contract, reads, terms by id, sending.
 *
 * @example
 * ```ts
 * const state = await payer.getChannelState({ channelId });
 * ```
 */
export abstract class ChannelsClientBase {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IMicropaymentChannels;
  readonly fromBlock: number;
  readonly confirmations: number;
  protected readonly tx: TransactionRunner;
  /** What the actions (`./actions/`) work on; the subclasses derive theirs from it. */
  protected readonly context: ChannelsContext;

  constructor(params: ChannelsClientParameters) {
    this.context = createChannelsContext(params);
    this.address = this.context.address;
    this.runner = this.context.runner;
    this.contract = this.context.contract;
    this.fromBlock = this.context.fromBlock;
    this.confirmations = this.context.confirmations;
    this.tx = this.context.tx;
  }

  /**
   * The chain id of the client's provider (read once).
   *
   * @example
   * ```ts
   * const chainId = await payer.getChainId();
   * ```
   */
  getChainId(): Promise<bigint> {
    return this.context.chainId();
  }

  /**
   * A channel's id on this deployment.
   *
   * @example
   * ```ts
   * const channelId = await payer.channelIdOf({ channel });
   * ```
   */
  async channelIdOf(params: { channel: Channel }): Promise<ChannelId> {
    return channelIdOf(this.context, params);
  }

  /**
   * A channel's state and, after a rotation, its session keys.
   *
   * @example
   * ```ts
   * const { deposit, claimed, closesAt } = await payee.getChannelState({ channelId });
   * ```
   */
  async getChannelState(params: { channelId: ChannelId }): Promise<ChannelState> {
    return getChannelState(this.context, params);
  }

  /**
   * The channels in which `account` is payer or payee, oldest first with its roles, scanned in chunks from the
   * client's `fromBlock` unless told otherwise; page with `nextFromBlock` ({@link findChannelsOf}).
   *
   * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
   * @example
   * ```ts
   * const { channels, nextFromBlock } = await payee.channelsOf({ account: me, withState: true, limit: 20 });
   * ```
   */
  async channelsOf(params: ChannelsOfParameters): Promise<ChannelsOfReturnType> {
    return findChannelsOf({
      ...params,
      fromBlock: params.fromBlock ?? this.fromBlock,
      provider: this.provider(),
      address: this.address,
    });
  }

  /**
   * `account`'s withdrawable credit in `token` (ETH when omitted): payouts that could not be pushed.
   *
   * @example
   * ```ts
   * const credit = await payee.creditOf({ account: me });
   * ```
   */
  async creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return creditOf(this.context, params);
  }

  /** The terms and id of a channel given by terms or by id. */
  protected async resolve(ref: ChannelRef): Promise<{ channel: Channel; channelId: ChannelId }> {
    return resolveChannel(this.context, ref);
  }

  protected request(data: string, value = 0n): PreparedTransaction {
    return { to: this.address, data, value };
  }

  protected async send(
    request: PreparedTransaction,
    params: ChannelWriteParameters = {},
  ): Promise<ChannelWriteReturnType> {
    return send(this.context, { ...params, request });
  }

  protected provider(): Provider {
    return this.tx.provider();
  }

  protected encode(name: string, args: readonly unknown[]): string {
    return encodeCall(this.context, name, args).data;
  }
}
