// The port a payee writes its vouchers through. Declared here, by its consumer (PayeeClient); sdk/store/ holds the
// implementations (memory, file).
import type { ChannelId, Voucher } from "./types";

/**
 * Where a payee keeps the best (highest cumulative amount) voucher of each channel: the only one it will ever need
 * to claim. Implementations must not acknowledge a `put` before the voucher would survive a crash of the process
 * (and, for a file, of the machine): the payee delivers the goods once `put` resolves.
 *
 * @example
 * ```ts
 * const store: VoucherStore = new MemoryVoucherStore();
 * if (await store.put({ channelId, amount, signature })) deliver();
 * const best = await store.get(channelId);
 * ```
 */
export interface VoucherStore {
  /** The best durable voucher of the channel, if any. */
  get(channelId: ChannelId): Promise<Voucher | undefined>;
  /**
   * Stores `voucher` if its amount is above the channel's best (durable or being made durable). Resolves `true` once
   * it is durable, `false` at once if it is not better (nothing is written). Rejects with a `StoreError` if the
   * store is closed or the write could not be made durable.
   */
  put(voucher: Voucher): Promise<boolean>;
  /** The best durable voucher of every channel, in no particular order. */
  all(): Promise<Voucher[]>;
  /** Waits for pending writes, then releases the store; further calls reject with `STORE_UNAVAILABLE`. */
  close(): Promise<void>;
}
