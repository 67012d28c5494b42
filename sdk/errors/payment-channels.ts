// The two-way payment channels' errors: a receiver's refusal of a balance proof, a record that cannot be rebuilt, the
// contract's revert families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ContractRevertError, SHARED_REVERTS, UnauthorizedError, spec, type ContractErrorSpec } from "./revert";

/**
 * A received balance proof was refused (docs/payment-channels.md §8, rule PC-E3): wrong channel, a signature that is
 * not the sender's (nor its key's, nor its wallet's), a nonce gap or a replay, an amount out of range, `transferred`
 * going down, or a lock list that does not match `locked` and `locksRoot`. Nothing was stored. `details` holds the
 * `channelId` and the facts (`nonce`, `expected`, `locked`, `sum`...).
 *
 * @example
 * ```ts
 * try {
 *   validateBalanceProof({ ... });
 * } catch (err) {
 *   if (err instanceof BalanceProofError && err.code === "BALANCE_PROOF_REPLAYED") return ack(lastNonce);
 *   throw err;
 * }
 * ```
 */
export class BalanceProofError extends PeerPayError<
  | "BALANCE_PROOF_WRONG_CHANNEL"
  | "BALANCE_PROOF_INVALID_SIGNATURE"
  | "BALANCE_PROOF_NONCE_GAP"
  | "BALANCE_PROOF_REPLAYED"
  | "BALANCE_PROOF_AMOUNT_OUT_OF_RANGE"
  | "BALANCE_PROOF_TRANSFERRED_DECREASED"
  | "BALANCE_PROOF_LOCKED_MISMATCH"
  | "BALANCE_PROOF_LOCKS_ROOT_MISMATCH"
  | "BALANCE_PROOF_TOO_MANY_LOCKS"
> {
  override name = "BalanceProofError";
}

/**
 * A closed or settled channel's record, or its pending locks, could not be rebuilt from its events so that they
 * match the commitment in its slot (`PAYMENT_CHANNEL_RECORD_UNAVAILABLE`): the events lie before the client's
 * `fromBlock`, or the provider returned logs that do not hash to the commitment. Pass the record yourself.
 *
 * @example
 * ```ts
 * if (err instanceof RecordUnavailableError) await client.settle({ channel, record: myRecord });
 * ```
 */
export class RecordUnavailableError extends PeerPayError<"PAYMENT_CHANNEL_RECORD_UNAVAILABLE"> {
  override name = "RecordUnavailableError";
}

/**
 * Opening or funding a two-way channel was refused (rules PC-O1..O3, PC-D1): bad terms, a bad amount, a token without
 * code, ETH or tokens not matching the amount, or an id already used.
 *
 * @example
 * ```ts
 * if (err instanceof PaymentChannelOpenError && err.code === "PAYMENT_CHANNEL_EXISTS") await client.open({ ...params, salt: salt + 1 });
 * ```
 */
export class PaymentChannelOpenError extends ContractRevertError<
  | "PAYMENT_CHANNEL_INVALID_PARTICIPANTS"
  | "PAYMENT_CHANNEL_INVALID_KEY"
  | "PAYMENT_CHANNEL_INVALID_CHALLENGE_PERIOD"
  | "PAYMENT_CHANNEL_INVALID_AMOUNT"
  | "PAYMENT_CHANNEL_TOKEN_NOT_CONTRACT"
  | "PAYMENT_CHANNEL_VALUE_MISMATCH"
  | "PAYMENT_CHANNEL_TOKEN_TRANSFER_MISMATCH"
  | "PAYMENT_CHANNEL_EXISTS"
> {
  override name = "PaymentChannelOpenError";
}

/**
 * The channel is not in a status or at a time that allows the action: unknown, not open, not closed, the challenge
 * period over or not over, a key rotation's grace pending, or a record that is not the channel's commitment.
 *
 * @example
 * ```ts
 * if (err instanceof PaymentChannelStateError && err.code === "PAYMENT_CHANNEL_CHALLENGE_NOT_OVER") retryAt(err.details.closesAt);
 * ```
 */
export class PaymentChannelStateError extends ContractRevertError<
  | "PAYMENT_CHANNEL_NOT_FOUND"
  | "PAYMENT_CHANNEL_INVALID_STATUS"
  | "PAYMENT_CHANNEL_INVALID_RECORD"
  | "PAYMENT_CHANNEL_CHALLENGE_OVER"
  | "PAYMENT_CHANNEL_CHALLENGE_NOT_OVER"
  | "PAYMENT_CHANNEL_KEY_CHANGE_PENDING"
> {
  override name = "PaymentChannelStateError";
}

/**
 * A signed message was refused on-chain: a bad or expired signature, a stale proof (nonce not above the recorded
 * one), a malformed proof, a withdrawal that replays or overdraws, or cooperative-close balances that do not add up.
 *
 * @example
 * ```ts
 * if (err instanceof PaymentChannelSignatureError && err.code === "PAYMENT_CHANNEL_STALE_PROOF") console.log(err.details.recorded);
 * ```
 */
export class PaymentChannelSignatureError extends ContractRevertError<
  | "PAYMENT_CHANNEL_INVALID_SIGNATURE"
  | "PAYMENT_CHANNEL_EXPIRED"
  | "PAYMENT_CHANNEL_INVALID_WITHDRAWAL"
  | "PAYMENT_CHANNEL_INVALID_BALANCES"
  | "PAYMENT_CHANNEL_STALE_PROOF"
  | "PAYMENT_CHANNEL_INVALID_PROOF"
> {
  override name = "PaymentChannelSignatureError";
}

/**
 * A hash-lock action was refused: a secret already registered, a lock list that is not the direction's root, or
 * nothing left to unlock in that direction (rules PC-L1..L3).
 *
 * @example
 * ```ts
 * if (err instanceof PaymentChannelLockError && err.code === "PAYMENT_CHANNEL_SECRET_KNOWN") return; // already revealed
 * ```
 */
export class PaymentChannelLockError extends ContractRevertError<
  | "PAYMENT_CHANNEL_SECRET_KNOWN"
  | "PAYMENT_CHANNEL_INVALID_LOCKS"
  | "PAYMENT_CHANNEL_NOTHING_TO_UNLOCK"
  | "PAYMENT_CHANNEL_LOCK_NOT_EXPIRED"
> {
  override name = "PaymentChannelLockError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;

/** Every custom error the two-way payment channels can revert with, by Solidity name. */
export const PAYMENT_CHANNEL_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  PaymentChannelInvalidParticipants: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_INVALID_PARTICIPANTS,
    (a) => `Invalid participants ${a.participant1} and ${a.participant2}: zero, equal or the contract`,
  ),
  PaymentChannelInvalidKey: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_INVALID_KEY,
    (a) => `Invalid session key ${a.key}: the counterparty may not sign for a participant`,
  ),
  PaymentChannelInvalidChallengePeriod: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_INVALID_CHALLENGE_PERIOD,
    (a) => `Challenge period ${a.challengePeriod}s out of range`,
  ),
  PaymentChannelInvalidAmount: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_INVALID_AMOUNT,
    (a) => `Amount ${a.amount} out of range`,
  ),
  PaymentChannelTokenNotContract: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_TOKEN_NOT_CONTRACT,
    (a) => `Token ${a.token} has no code`,
  ),
  PaymentChannelValueMismatch: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_VALUE_MISMATCH,
    (a) => `Sent ${a.sent} wei, expected ${a.expected}`,
  ),
  PaymentChannelTokenTransferMismatch: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_TOKEN_TRANSFER_MISMATCH,
    (a) => `Received ${a.received} tokens, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  PaymentChannelExists: spec(
    PaymentChannelOpenError,
    C.PAYMENT_CHANNEL_EXISTS,
    (a) => `Channel ${a.channelId} already exists (or existed)`,
  ),
  PaymentChannelNotFound: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_NOT_FOUND,
    (a) => `No channel ${a.channelId} with these terms`,
  ),
  PaymentChannelInvalidStatus: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_INVALID_STATUS,
    (a) => `Channel ${a.channelId} is in status ${a.status}, which does not allow this`,
  ),
  PaymentChannelNotParticipant: spec(
    UnauthorizedError,
    C.PAYMENT_CHANNEL_NOT_PARTICIPANT,
    (a) => `${a.account} may not do this on channel ${a.channelId}`,
  ),
  PaymentChannelInvalidSignature: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_INVALID_SIGNATURE,
    (a) => `Channel ${a.channelId}: invalid signature for ${a.signer}`,
  ),
  PaymentChannelExpired: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_EXPIRED,
    (a) => `The signatures expired at ${a.expiry}`,
  ),
  PaymentChannelInvalidWithdrawal: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_INVALID_WITHDRAWAL,
    (a) => `Withdrawal total ${a.total}: not above ${a.withdrawn} withdrawn, or above the limit ${a.limit}`,
  ),
  PaymentChannelInvalidBalances: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_INVALID_BALANCES,
    (a) => `Balances ${a.balance1} + ${a.balance2} do not add up to the ${a.total} the channel holds`,
  ),
  PaymentChannelInvalidRecord: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_INVALID_RECORD,
    (a) => `Channel ${a.channelId}: the record does not match its commitment`,
  ),
  PaymentChannelStaleProof: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_STALE_PROOF,
    (a) => `Channel ${a.channelId}: proof nonce ${a.nonce} is not above the recorded ${a.recorded}`,
  ),
  PaymentChannelInvalidProof: spec(
    PaymentChannelSignatureError,
    C.PAYMENT_CHANNEL_INVALID_PROOF,
    (a) => `Channel ${a.channelId}: malformed balance proof`,
  ),
  PaymentChannelChallengeOver: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_CHALLENGE_OVER,
    (a) => `Channel ${a.channelId}: the challenge period ended at ${a.closesAt}`,
  ),
  PaymentChannelChallengeNotOver: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_CHALLENGE_NOT_OVER,
    (a) => `Channel ${a.channelId}: the challenge period runs until ${a.closesAt}`,
  ),
  PaymentChannelKeyChangePending: spec(
    PaymentChannelStateError,
    C.PAYMENT_CHANNEL_KEY_CHANGE_PENDING,
    (a) => `Channel ${a.channelId}: the previous key's grace period runs until ${a.graceEndsAt}`,
  ),
  PaymentChannelSecretKnown: spec(
    PaymentChannelLockError,
    C.PAYMENT_CHANNEL_SECRET_KNOWN,
    (a) => `The secret of ${a.secretHash} is already registered`,
  ),
  PaymentChannelInvalidLocks: spec(
    PaymentChannelLockError,
    C.PAYMENT_CHANNEL_INVALID_LOCKS,
    (a) => `Channel ${a.channelId}: the locks do not hash to the pending root`,
  ),
  PaymentChannelNothingToUnlock: spec(
    PaymentChannelLockError,
    C.PAYMENT_CHANNEL_NOTHING_TO_UNLOCK,
    (a) => `Channel ${a.channelId}: nothing of ${a.sender}'s is left to unlock`,
  ),
  PaymentChannelLockNotExpired: spec(
    PaymentChannelLockError,
    C.PAYMENT_CHANNEL_LOCK_NOT_EXPIRED,
    (a) => `Channel ${a.channelId}: a lock without its secret may still pay until its expiry ${a.expiry}`,
  ),
  ...SHARED_REVERTS,
};
