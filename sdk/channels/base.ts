import { ZeroAddress, toNumber, type ContractRunner, type Interface, type Provider } from "ethers";
import type { IMicropaymentChannels } from "../../typechain-types/contracts/interfaces/IMicropaymentChannels";
import { IMicropaymentChannels__factory } from "../../typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory";
import { InvalidParameterError } from "../errors/base";
import type { Address, PreparedTransaction } from "../core/types";
import { decodeChannelsError } from "../internal/revert";
import { channelsInterface } from "../internal/abi";
import { TransactionRunner } from "../internal/transactions";
import { requireAddress, requireInteger } from "../internal/validate";
import { decodeChannelEvents } from "./events";
import type {
  ChannelRef,
  ChannelState,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ChannelsClientParameters,
} from "./parameters";
import { ChannelStatus, toChannelId, type Channel, type ChannelId } from "./types";
import { computeChannelId, normalizeChannel } from "./voucher";

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
  #chainId: Promise<bigint> | undefined;
  /** Terms are immutable and checked against their id before they are kept. */
  readonly #terms = new Map<ChannelId, Channel>();

  constructor({ address, runner, fromBlock = 0, confirmations = 1 }: ChannelsClientParameters) {
    this.address = requireAddress("address", address);
    this.runner = runner;
    this.contract = IMicropaymentChannels__factory.connect(this.address, runner);
    this.fromBlock = requireInteger("fromBlock", fromBlock, 0, Number.MAX_SAFE_INTEGER);
    this.confirmations = requireInteger("confirmations", confirmations, 1, 1_000);
    this.tx = new TransactionRunner(runner, this.confirmations, decodeChannelsError);
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
    this.#chainId ??= this.tx.guard(() => this.tx.provider().getNetwork()).then((network) => network.chainId);
    return this.#chainId;
  }

  /**
   * A channel's id on this deployment.
   *
   * @example
   * ```ts
   * const channelId = await payer.channelIdOf({ channel });
   * ```
   */
  async channelIdOf({ channel }: { channel: Channel }): Promise<ChannelId> {
    return computeChannelId({ chainId: await this.getChainId(), contract: this.address, channel });
  }

  /**
   * A channel's state and, after a rotation, its session keys.
   *
   * @example
   * ```ts
   * const { deposit, claimed, closesAt } = await payee.getChannelState({ channelId });
   * ```
   */
  async getChannelState({ channelId }: { channelId: ChannelId }): Promise<ChannelState> {
    const id = toChannelId(channelId);
    const raw = await this.tx.guard(() => this.contract.getChannelState(id));
    const state: ChannelState = {
      deposit: raw.deposit,
      claimed: raw.claimed,
      closesAt: toNumber(raw.closesAt),
      status: toNumber(raw.status) as ChannelStatus,
      signerChanged: raw.signerChanged,
    };
    if (state.signerChanged) {
      const change = await this.tx.guard(() => this.contract.signerChangeOf(id));
      state.signerChange = {
        current: change.current,
        previous: change.previous,
        changedAt: toNumber(change.changedAt),
      };
    }
    return state;
  }

  /**
   * `account`'s withdrawable credit in `token` (ETH when omitted): payouts that could not be pushed.
   *
   * @example
   * ```ts
   * const credit = await payee.creditOf({ account: me });
   * ```
   */
  async creditOf({ token, account }: { token?: Address; account: Address }): Promise<bigint> {
    const tokenAddress = requireAddress("token", token ?? ZeroAddress);
    return this.tx.guard(() => this.contract.creditOf(tokenAddress, requireAddress("account", account)));
  }

  /** The terms and id of a channel given by terms or by id. */
  protected async resolve(ref: ChannelRef): Promise<{ channel: Channel; channelId: ChannelId }> {
    if (typeof ref !== "string") {
      const channel = normalizeChannel(ref);
      const channelId = await this.channelIdOf({ channel });
      this.#terms.set(channelId, channel);
      return { channel, channelId };
    }
    const channelId = toChannelId(ref);
    const known = this.#terms.get(channelId);
    if (known) return { channel: known, channelId };
    const provider = this.tx.provider();
    const logs = await this.tx.guard(() =>
      provider.getLogs({
        address: this.address,
        topics: channelsInterface.encodeFilterTopics("ChannelOpened", [channelId]),
        fromBlock: this.fromBlock,
        toBlock: "latest",
      }),
    );
    for (const event of decodeChannelEvents({ logs, address: this.address })) {
      if (event.type === "ChannelOpened" && (await this.channelIdOf({ channel: event.channel })) === channelId) {
        this.#terms.set(channelId, event.channel);
        return { channel: event.channel, channelId };
      }
    }
    throw new InvalidParameterError({
      parameter: "channel",
      value: ref,
      reason: `no ChannelOpened event for this id from block ${this.fromBlock}; pass the channel's terms`,
    });
  }

  protected request(data: string, value = 0n): PreparedTransaction {
    return { to: this.address, data, value };
  }

  protected async send(
    request: PreparedTransaction,
    { overrides }: ChannelWriteParameters = {},
  ): Promise<ChannelWriteReturnType> {
    const receipt = await this.tx.send(request, overrides);
    return { receipt, events: decodeChannelEvents({ receipt, address: this.address }) };
  }

  protected provider(): Provider {
    return this.tx.provider();
  }

  protected encode(name: string, args: readonly unknown[]): string {
    return (channelsInterface as Interface).encodeFunctionData(name, args);
  }
}
