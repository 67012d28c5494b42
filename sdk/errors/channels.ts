// The micropayment channels' errors: the payee's and the store's refusals, the contract's revert families, and the
// table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ContractRevertError, SHARED_REVERTS, UnauthorizedError, spec, type ContractErrorSpec } from "./revert";

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
export class StoreError extends PeerPayError<
  | "STORE_UNAVAILABLE"
  | "STORE_CORRUPT"
  | "STORE_LOCKED"
  | "STORE_DRIVER_MISSING"
  | "STORE_NOT_DURABLE"
  | "STORE_SCHEMA_TOO_NEW"
> {
  override name = "StoreError";
}

/**
 * Opening or topping up a channel was refused (docs/micropayments.md §4, rules M-O1, M-O2).
 *
 * @example
 * ```ts
 * if (err instanceof ChannelOpenError && err.code === "CHANNEL_EXISTS") await payer.open({ ...params, salt: salt + 1 });
 * ```
 */
export class ChannelOpenError extends ContractRevertError<
  | "CHANNEL_INVALID_PAYEE"
  | "CHANNEL_INVALID_SIGNER"
  | "CHANNEL_INVALID_AMOUNT"
  | "CHANNEL_INVALID_CHALLENGE_PERIOD"
  | "CHANNEL_INVALID_SALT"
  | "CHANNEL_VALUE_MISMATCH"
  | "CHANNEL_TOKEN_NOT_CONTRACT"
  | "CHANNEL_TOKEN_TRANSFER_MISMATCH"
  | "CHANNEL_EXISTS"
> {
  override name = "ChannelOpenError";
}

/**
 * The channel is not in a state or at a time that allows the action: unknown, closed, closing, challenge period
 * over or not over, a key rotation pending (docs/micropayments.md §3, §4).
 *
 * @example
 * ```ts
 * if (err instanceof ChannelStateError && err.code === "CHANNEL_CHALLENGE_NOT_OVER") retryAt(err.details.closesAt);
 * ```
 */
export class ChannelStateError extends ContractRevertError<
  | "CHANNEL_NOT_FOUND"
  | "CHANNEL_NOT_OPEN"
  | "CHANNEL_CLOSING"
  | "CHANNEL_CHALLENGE_OVER"
  | "CHANNEL_CHALLENGE_NOT_OVER"
  | "CHANNEL_SIGNER_CHANGE_PENDING"
> {
  override name = "ChannelStateError";
}

/**
 * A claim was refused: the voucher's signature is invalid, it pays nothing beyond what was claimed, or the batch is
 * empty (rules M-C1, M-C3).
 *
 * @example
 * ```ts
 * if (err instanceof ChannelClaimError && err.code === "CHANNEL_NOTHING_TO_CLAIM") console.log(err.details.claimed);
 * ```
 */
export class ChannelClaimError extends ContractRevertError<
  "CHANNEL_NOTHING_TO_CLAIM" | "CHANNEL_INVALID_SIGNATURE" | "CHANNEL_EMPTY_BATCH"
> {
  override name = "ChannelClaimError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;

/** Every custom error the micropayment channels can revert with, by Solidity name. */
export const CHANNEL_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  ChannelInvalidPayee: spec(
    ChannelOpenError,
    C.CHANNEL_INVALID_PAYEE,
    (a) => `Invalid payee ${a.payee}: zero, the payer or the contract`,
  ),
  ChannelInvalidSigner: spec(
    ChannelOpenError,
    C.CHANNEL_INVALID_SIGNER,
    (a) => `Invalid session key ${a.signer}: the payee may not sign vouchers`,
  ),
  ChannelInvalidAmount: spec(ChannelOpenError, C.CHANNEL_INVALID_AMOUNT, (a) => `Amount ${a.amount} out of range`),
  ChannelInvalidChallengePeriod: spec(
    ChannelOpenError,
    C.CHANNEL_INVALID_CHALLENGE_PERIOD,
    (a) => `Challenge period ${a.challengePeriod}s out of range`,
  ),
  ChannelInvalidSalt: spec(ChannelOpenError, C.CHANNEL_INVALID_SALT, (a) => `Salt ${a.salt} does not fit 32 bits`),
  ChannelValueMismatch: spec(
    ChannelOpenError,
    C.CHANNEL_VALUE_MISMATCH,
    (a) => `Sent ${a.sent} wei, expected ${a.expected}`,
  ),
  ChannelTokenNotContract: spec(ChannelOpenError, C.CHANNEL_TOKEN_NOT_CONTRACT, (a) => `Token ${a.token} has no code`),
  ChannelTokenTransferMismatch: spec(
    ChannelOpenError,
    C.CHANNEL_TOKEN_TRANSFER_MISMATCH,
    (a) => `Received ${a.received} tokens, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  ChannelExists: spec(ChannelOpenError, C.CHANNEL_EXISTS, (a) => `Channel ${a.channelId} already exists`),
  ChannelNotFound: spec(ChannelStateError, C.CHANNEL_NOT_FOUND, (a) => `No channel ${a.channelId} with these terms`),
  ChannelNotOpen: spec(ChannelStateError, C.CHANNEL_NOT_OPEN, (a) => `Channel ${a.channelId} is closed`),
  ChannelUnauthorized: spec(
    UnauthorizedError,
    C.CHANNEL_UNAUTHORIZED,
    (a) => `${a.caller} may not do this on channel ${a.channelId}`,
  ),
  ChannelClosing: spec(
    ChannelStateError,
    C.CHANNEL_CLOSING,
    (a) => `Channel ${a.channelId} is closing (closes at ${a.closesAt})`,
  ),
  ChannelChallengeOver: spec(
    ChannelStateError,
    C.CHANNEL_CHALLENGE_OVER,
    (a) => `Channel ${a.channelId}: the challenge period ended at ${a.closesAt}`,
  ),
  ChannelChallengeNotOver: spec(
    ChannelStateError,
    C.CHANNEL_CHALLENGE_NOT_OVER,
    (a) => `Channel ${a.channelId}: no close requested, or the challenge period runs until ${a.closesAt}`,
  ),
  ChannelNothingToClaim: spec(
    ChannelClaimError,
    C.CHANNEL_NOTHING_TO_CLAIM,
    (a) => `Channel ${a.channelId}: the voucher pays ${a.claimable} in all, ${a.claimed} already claimed`,
  ),
  ChannelInvalidSignature: spec(
    ChannelClaimError,
    C.CHANNEL_INVALID_SIGNATURE,
    (a) => `Channel ${a.channelId}: invalid voucher signature`,
  ),
  ChannelSignerChangePending: spec(
    ChannelStateError,
    C.CHANNEL_SIGNER_CHANGE_PENDING,
    (a) => `Channel ${a.channelId}: the previous key's grace period runs until ${a.graceEndsAt}`,
  ),
  ChannelEmptyBatch: spec(ChannelClaimError, C.CHANNEL_EMPTY_BATCH, () => "The claim batch is empty"),
  ...SHARED_REVERTS,
};
