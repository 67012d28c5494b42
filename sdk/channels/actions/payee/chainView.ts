import type { ChannelState } from "../../parameters";
import type { ChannelId } from "../../types";
import type { ChannelsContext } from "../context";
import { getChannelState } from "../getChannelState";

type CachedState = { state: Promise<ChannelState>; fetchedAt: number };

/** Entries each cache keeps before it restarts: both are keyed by what any sender of a voucher chooses. */
const CACHE_SIZE = 65_536;

/**
 * What the payee knows of the chain between calls: channel states cached for `ttl` milliseconds, the chain's clock
 * (measured at each state read), and which accounts have code. Dropped per channel when the client sends or the
 * watcher sees an event of that channel.
 */
export class PayeeChainView {
  readonly #context: ChannelsContext;
  readonly #ttl: number;
  readonly #states = new Map<ChannelId, CachedState>();
  readonly #code = new Map<string, Promise<boolean>>();
  /** Chain time minus local time, in seconds, measured at each state read. */
  #clockOffset = 0;

  constructor(context: ChannelsContext, ttl: number) {
    this.#context = context;
    this.#ttl = ttl;
  }

  /**
   * The channel's state: the cached one if younger than the TTL and `refresh` is false, else read now (with the
   * latest block, to set the clock). `fresh` tells whether it was read by this call.
   */
  async state(channelId: ChannelId, refresh: boolean): Promise<{ state: ChannelState; fresh: boolean }> {
    const cached = this.#states.get(channelId);
    if (!refresh && cached !== undefined && Date.now() - cached.fetchedAt < this.#ttl) {
      try {
        return { state: await cached.state, fresh: false };
      } catch {
        // A failed read is not cached: read again below.
      }
    }
    const { tx } = this.#context;
    const provider = tx.provider();
    const state = Promise.all([
      getChannelState(this.#context, { channelId }),
      tx.guard(() => provider.getBlock("latest")),
    ]).then(([read, block]) => {
      if (block !== null) this.#clockOffset = block.timestamp - Date.now() / 1000;
      return read;
    });
    if (this.#states.size >= CACHE_SIZE) this.#states.clear();
    this.#states.set(channelId, { state, fetchedAt: Date.now() });
    try {
      return { state: await state, fresh: true };
    } catch (error) {
      this.#states.delete(channelId);
      throw error;
    }
  }

  /** Forgets the channel's cached state: the next acceptance reads it again. */
  drop(channelId: ChannelId): void {
    this.#states.delete(channelId);
  }

  /** The chain's time now, in seconds, estimated from the latest block seen. */
  now(): number {
    return Date.now() / 1000 + this.#clockOffset;
  }

  /** Whether `account` has code (an ERC-1271 wallet, or an EIP-7702 account); read once per account. */
  hasCode(account: string): Promise<boolean> {
    let known = this.#code.get(account);
    if (known === undefined) {
      const { tx } = this.#context;
      const provider = tx.provider();
      known = tx.guard(() => provider.getCode(account)).then((code) => code !== "0x");
      known.catch(() => this.#code.delete(account));
      if (this.#code.size >= CACHE_SIZE) this.#code.clear();
      this.#code.set(account, known);
    }
    return known;
  }
}
