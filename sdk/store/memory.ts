import type { ChannelId, Voucher } from "../channels/types";
import { checkVoucher } from "../channels/validate";
import type { PutIfHigherResult, VoucherStore } from "../channels/voucher-store";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";

/**
 * A {@link VoucherStore} in memory: for tests, and for payees that can afford to lose unclaimed vouchers on a
 * restart (they must then claim before they stop). Works in browsers.
 *
 * @example
 * ```ts
 * const payee = new PayeeClient({ address, runner: wallet, store: new MemoryVoucherStore() });
 * ```
 */
export class MemoryVoucherStore implements VoucherStore {
  readonly #best = new Map<ChannelId, Voucher>();
  #closed = false;

  /**
   * The best voucher of the channel.
   *
   * @example
   * ```ts
   * const best = await store.get(channelId);
   * ```
   */
  async get(channelId: ChannelId): Promise<Voucher | undefined> {
    this.#requireOpen();
    return this.#best.get(channelId);
  }

  /**
   * Keeps `voucher` if it beats the channel's best.
   *
   * @example
   * ```ts
   * const stored = await store.put({ channelId, amount: 10n, signature });
   * ```
   */
  async put(voucher: Voucher): Promise<boolean> {
    return (await this.putIfHigher(voucher)).stored;
  }

  /**
   * Keeps `voucher` if it beats the channel's best, and says what the best was (one synchronous step: atomic).
   *
   * @example
   * ```ts
   * const { stored, previous } = await store.putIfHigher({ channelId, amount: 10n, signature });
   * ```
   */
  async putIfHigher(voucher: Voucher): Promise<PutIfHigherResult> {
    this.#requireOpen();
    const checked = checkVoucher(voucher);
    const previous = this.#best.get(checked.channelId)?.amount ?? 0n;
    if (previous >= checked.amount) return { stored: false, previous };
    this.#best.set(checked.channelId, checked);
    return { stored: true, previous };
  }

  /**
   * Every channel's best voucher.
   *
   * @example
   * ```ts
   * for (const voucher of await store.all()) console.log(voucher.channelId, voucher.amount);
   * ```
   */
  async all(): Promise<Voucher[]> {
    this.#requireOpen();
    return [...this.#best.values()];
  }

  /**
   * Closes the store.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #requireOpen(): void {
    if (this.#closed) {
      throw new StoreError({ code: PeerPayErrorCode.STORE_UNAVAILABLE, message: "The voucher store is closed" });
    }
  }
}
