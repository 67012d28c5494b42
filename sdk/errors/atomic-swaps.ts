// The atomic swaps' errors: what the SDK refuses while running the protocol (unsafe timelocks, a counterparty lock
// that is not as agreed, a secret already public, a claim too late), the hashed timelocks contract's revert
// families, and the table tying each of its Solidity errors to one of them.
import { PeerPayError } from "./base";
import { PeerPayErrorCode } from "./codes";
import { ContractRevertError, SHARED_REVERTS, spec, type ContractErrorSpec } from "./revert";

/**
 * The SDK refused a step of an atomic swap (docs/atomic-swaps.md §6.2), before sending anything:
 * - `ATOMIC_SWAP_UNSAFE_TIMELOCKS`: `timelockA - timelockB` does not cover both chains' confirmation times, the claim
 *   window and the clock skew (`details.required`, `details.margin`);
 * - `ATOMIC_SWAP_TIMELOCK_TOO_SOON`: too little time is left before a timelock for the party that needs it
 *   (`details.timelock`, `details.now`, `details.required`);
 * - `ATOMIC_SWAP_TERMS_MISMATCH`: the counterparty's lock is not as agreed (`details.field`, `expected`, `actual`);
 * - `ATOMIC_SWAP_LOCK_NOT_ACTIVE`: the lock is not in status Locked (`details.status`);
 * - `ATOMIC_SWAP_LOCK_UNCONFIRMED`: the lock has fewer confirmations than required (`details.confirmations`);
 * - `ATOMIC_SWAP_SECRET_REVEALED`: the hashlock's secret is already public on a chain (a reused hashlock);
 * - `ATOMIC_SWAP_WRONG_SECRET`: the secret does not hash to the lock's hashlock;
 * - `ATOMIC_SWAP_CLAIM_TOO_LATE`: the secret was found, but the lock's timelock (or the watcher's deadline) is past;
 * - `ATOMIC_SWAP_SECRET_NOT_FOUND`: a lock reads Claimed but no node answer shows its `Claimed` event yet (retryable:
 *   the watcher's `start` polls again);
 * - `HASHED_TIMELOCK_NOT_FOUND`: no `Locked` event with this id from the client's `fromBlock`;
 * - `HASHED_TIMELOCK_ID_MISMATCH`: the id computed locally is not the one the deployment computes.
 *
 * @example
 * ```ts
 * try {
 *   await swap.verifyCounterpartyLock({ lockId, expected });
 * } catch (err) {
 *   if (err instanceof AtomicSwapError && err.code === "ATOMIC_SWAP_TERMS_MISMATCH") console.log(err.details.field);
 * }
 * ```
 */
export class AtomicSwapError extends PeerPayError<
  | "ATOMIC_SWAP_UNSAFE_TIMELOCKS"
  | "ATOMIC_SWAP_TIMELOCK_TOO_SOON"
  | "ATOMIC_SWAP_TERMS_MISMATCH"
  | "ATOMIC_SWAP_LOCK_NOT_ACTIVE"
  | "ATOMIC_SWAP_LOCK_UNCONFIRMED"
  | "ATOMIC_SWAP_SECRET_REVEALED"
  | "ATOMIC_SWAP_WRONG_SECRET"
  | "ATOMIC_SWAP_CLAIM_TOO_LATE"
  | "ATOMIC_SWAP_SECRET_NOT_FOUND"
  | "HASHED_TIMELOCK_NOT_FOUND"
  | "HASHED_TIMELOCK_ID_MISMATCH"
> {
  override name = "AtomicSwapError";
}

/**
 * Making a lock was refused on-chain: malformed terms (zero receiver, amount or hashlock; public times that do not
 * fit), a caller that is not the sender, a timelock not in (now, now + 30 days], a token without code, ETH not
 * matching, a token delivering less than the amount (fee on transfer), or an id already used.
 *
 * @example
 * ```ts
 * if (err instanceof HashedTimelockLockError && err.code === "HASHED_TIMELOCK_EXISTS") await lockAgain({ salt: salt + 1n });
 * ```
 */
export class HashedTimelockLockError extends ContractRevertError<
  | "HASHED_TIMELOCK_INVALID_TERMS"
  | "HASHED_TIMELOCK_NOT_SENDER"
  | "HASHED_TIMELOCK_INVALID_TIMELOCK"
  | "HASHED_TIMELOCK_TOKEN_NOT_CONTRACT"
  | "HASHED_TIMELOCK_VALUE_MISMATCH"
  | "HASHED_TIMELOCK_TRANSFER_MISMATCH"
  | "HASHED_TIMELOCK_EXISTS"
> {
  override name = "HashedTimelockLockError";
}

/**
 * A claim or refund was refused on-chain: the lock is not Locked (unknown, claimed or refunded), the secret is
 * wrong, the claim came at or after the timelock, or the refund before it.
 *
 * @example
 * ```ts
 * if (err instanceof HashedTimelockStateError && err.code === "HASHED_TIMELOCK_NOT_EXPIRED") retryAt(err.details.timelock);
 * ```
 */
export class HashedTimelockStateError extends ContractRevertError<
  | "HASHED_TIMELOCK_NOT_LOCKED"
  | "HASHED_TIMELOCK_WRONG_SECRET"
  | "HASHED_TIMELOCK_EXPIRED"
  | "HASHED_TIMELOCK_NOT_EXPIRED"
> {
  override name = "HashedTimelockStateError";
}

// ------------------------------------------------------------------ the decoding table

const C = PeerPayErrorCode;

/** Every custom error the hashed timelocks can revert with, by Solidity name. */
export const HASHED_TIMELOCK_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  HashedTimelockInvalidTerms: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_INVALID_TERMS,
    () => "Invalid lock terms: a zero receiver, amount or hashlock, or public times that do not fit the deposit",
  ),
  HashedTimelockNotSender: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_NOT_SENDER,
    (a) => `Only the lock's sender ${a.sender} may lock it, not ${a.caller}`,
  ),
  HashedTimelockInvalidTimelock: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_INVALID_TIMELOCK,
    (a) => `Timelock ${a.timelock} is not in the future, or more than 30 days ahead`,
  ),
  HashedTimelockTokenNotContract: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_TOKEN_NOT_CONTRACT,
    (a) => `Token ${a.token} has no code`,
  ),
  HashedTimelockValueMismatch: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_VALUE_MISMATCH,
    (a) => `Sent ${a.sent} wei, expected ${a.expected}`,
  ),
  HashedTimelockTransferMismatch: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_TRANSFER_MISMATCH,
    (a) => `Received ${a.received} tokens, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  HashedTimelockExists: spec(
    HashedTimelockLockError,
    C.HASHED_TIMELOCK_EXISTS,
    (a) => `Lock ${a.id} already exists (or existed)`,
  ),
  HashedTimelockNotLocked: spec(
    HashedTimelockStateError,
    C.HASHED_TIMELOCK_NOT_LOCKED,
    (a) => `Lock ${a.id} is in status ${a.status}, not Locked`,
  ),
  HashedTimelockWrongSecret: spec(
    HashedTimelockStateError,
    C.HASHED_TIMELOCK_WRONG_SECRET,
    (a) => `The secret does not hash to lock ${a.id}'s hashlock`,
  ),
  HashedTimelockExpired: spec(
    HashedTimelockStateError,
    C.HASHED_TIMELOCK_EXPIRED,
    (a) => `Lock ${a.id} expired at ${a.timelock}: it can only be refunded`,
  ),
  HashedTimelockNotExpired: spec(
    HashedTimelockStateError,
    C.HASHED_TIMELOCK_NOT_EXPIRED,
    (a) => `Lock ${a.id} can be refunded from ${a.timelock}`,
  ),
  ...SHARED_REVERTS,
};
