// The port a payee writes its vouchers through. Declared here, by its consumer (PayeeClient); sdk/store/ holds the
// implementations (memory, file).
import type { ChannelId, Voucher } from "./types";

/**
 * What `VoucherStore.putIfHigher` reports: whether the voucher was written, and the channel's best amount just
 * before it (0n for a channel the store knows nothing of).
 *
 * @example
 * ```ts
 * const { stored, previous }: PutIfHigherResult = await store.putIfHigher(voucher);
 * if (stored) credit(voucher.amount - previous);
 * ```
 */
export type PutIfHigherResult = { readonly stored: boolean; readonly previous: bigint };

/**
 * Where a payee keeps the best (highest cumulative amount) voucher of each channel: the only one it will ever need
 * to claim. Implementations must not acknowledge a `put` before the voucher would survive a crash of the process
 * (and, for a file, of the machine): the payee delivers the goods once `put` resolves.
 *
 * @example
 * ```ts
 * const store: VoucherStore = new MemoryVoucherStore();
 * const { stored, previous } = await store.putIfHigher({ channelId, amount, signature });
 * if (stored) deliver(amount - previous);
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
  /**
   * Stores `voucher` if its amount is above the channel's best, atomically (also across processes sharing the
   * store); resolves once durable. `previous` is the best amount before it (0n for none), read in the same atomic
   * step as the write: a payee credits `amount - previous` and no other acceptance can credit the same range.
   * `stored` false means nothing was written (the voucher is not above `previous`).
   */
  putIfHigher(voucher: Voucher): Promise<PutIfHigherResult>;
  /** The best durable voucher of every channel, in no particular order. */
  all(): Promise<Voucher[]>;
  /** Waits for pending writes, then releases the store; further calls reject with `STORE_UNAVAILABLE`. */
  close(): Promise<void>;
}
