import { PeerPayError } from "./base";

/**
 * A payee refused a voucher (docs/micropayments.md §2, §3): bad signature, a key that may not sign for the channel,
 * an amount not above the best one accepted or above the deposit, or a channel that is unknown or not open.
 * Nothing was stored. `details` holds the `channelId` and the facts (`amount`, `best`, `deposit`, `signer`...).
 *
 * @example
 * ```ts
 * try {
 *   await payee.acceptVoucher({ channel, amount, signature });
 * } catch (err) {
 *   if (err instanceof VoucherError && err.code === "VOUCHER_NOT_MONOTONIC") return; // a replay: ignore it
 *   throw err;
 * }
 * ```
 */
export class VoucherError extends PeerPayError<
  | "VOUCHER_INVALID_SIGNATURE"
  | "VOUCHER_SIGNATURE_TOO_LONG"
  | "VOUCHER_UNAUTHORIZED_SIGNER"
  | "VOUCHER_NOT_MONOTONIC"
  | "VOUCHER_EXCEEDS_DEPOSIT"
  | "CHANNEL_UNKNOWN"
  | "CHANNEL_NOT_OPEN"
> {
  override name = "VoucherError";
}

/**
 * A voucher store cannot serve the request: `STORE_UNAVAILABLE` once it is closed or after a failed `fsync` (a
 * write that may not be durable is never acknowledged, and the store refuses further writes rather than guess);
 * `STORE_CORRUPT` when its log holds an invalid record before the end (a torn last record is not corruption: it is
 * dropped on open); `STORE_LOCKED` when another live process holds a `FileVoucherStore`'s lock (`details.pid`
 * names it).
 *
 * @example
 * ```ts
 * try {
 *   await store.put(voucher);
 * } catch (err) {
 *   if (err instanceof StoreError) alertOperator(err.code, err.details);
 *   throw err;
 * }
 * ```
 */
export class StoreError extends PeerPayError<"STORE_UNAVAILABLE" | "STORE_CORRUPT" | "STORE_LOCKED"> {
  override name = "StoreError";
}
