// The escrow's revert families, and the table tying each of its Solidity errors to one of them.
import { PeerPayErrorCode } from "./codes";
import {
  ContractRevertError,
  SHARED_REVERTS,
  TransferError,
  UnauthorizedError,
  spec,
  type ContractErrorSpec,
} from "./revert";

/**
 * Creation was refused (docs/escrow.md §2, rules E-C1…E-C9).
 *
 * @example
 * ```ts
 * if (err instanceof DealCreationError && err.code === "ESCROW_CREATION_PAUSED") retryLater();
 * ```
 */
export class DealCreationError extends ContractRevertError<
  | "ESCROW_CREATION_PAUSED"
  | "ESCROW_INVALID_BENEFICIARY"
  | "ESCROW_INVALID_ARBITER"
  | "ESCROW_INVALID_ARBITER_TERMS"
  | "ESCROW_INVALID_DISPUTE_WINDOW"
  | "ESCROW_INVALID_DEADLINE"
  | "ESCROW_INVALID_AMOUNT"
  | "ESCROW_INVALID_SALT"
  | "ESCROW_VALUE_MISMATCH"
  | "ESCROW_TOKEN_NOT_CONTRACT"
  | "ESCROW_TOKEN_TRANSFER_MISMATCH"
  | "ESCROW_DEAL_EXISTS"
> {
  override name = "DealCreationError";
}

/**
 * No deal has the terms the call passed (`EscrowDealNotFound`): the terms differ in some field from the creation's.
 *
 * @example
 * ```ts
 * if (err instanceof DealNotFoundError) console.log("no deal", err.details.dealId);
 * ```
 */
export class DealNotFoundError extends ContractRevertError<"ESCROW_DEAL_NOT_FOUND"> {
  override name = "DealNotFoundError";
}

/**
 * The deal is not in a state or at a time that allows the action (§3, §4): wrong status, deadline passed or not
 * reached, no arbiter, default outcome not `Refund`, nonce exhausted.
 *
 * @example
 * ```ts
 * if (err instanceof DealStateError && err.code === "ESCROW_TIMEOUT_NOT_REACHED") retryAt(err.details.opensAt);
 * ```
 */
export class DealStateError extends ContractRevertError<
  | "ESCROW_INVALID_STATUS"
  | "ESCROW_NONCE_EXHAUSTED"
  | "ESCROW_DEADLINE_PASSED"
  | "ESCROW_TIMEOUT_NOT_REACHED"
  | "ESCROW_NO_ARBITER"
  | "ESCROW_NOT_REFUND_DEFAULT"
> {
  override name = "DealStateError";
}

/**
 * An amount or milestone is out of bounds: zero, more than the remainder, a wrong milestone list or index, or a
 * milestone already released (§3, §5).
 *
 * @example
 * ```ts
 * if (err instanceof AmountError && err.code === "ESCROW_AMOUNT_EXCEEDS_REMAINING") console.log(err.details.remaining);
 * ```
 */
export class AmountError extends ContractRevertError<
  | "ESCROW_ZERO_AMOUNT"
  | "ESCROW_AMOUNT_EXCEEDS_REMAINING"
  | "ESCROW_INVALID_MILESTONES"
  | "ESCROW_MILESTONE_OUT_OF_RANGE"
  | "ESCROW_MILESTONE_ALREADY_RELEASED"
> {
  override name = "AmountError";
}

/**
 * A signed action's signature was refused: expired, or not valid for the expected signer (§8).
 *
 * @example
 * ```ts
 * if (err instanceof SignatureError) console.log("bad signature from", err.details.signer);
 * ```
 */
export class SignatureError extends ContractRevertError<"ESCROW_INVALID_SIGNATURE" | "ESCROW_SIGNATURE_EXPIRED"> {
  override name = "SignatureError";
}

/**
 * An owner-only setting was refused: fee too high, no fee recipient, invalid owner.
 *
 * @example
 * ```ts
 * if (err instanceof AdminError) console.log(err.code, err.details);
 * ```
 */
export class AdminError extends ContractRevertError<
  "ESCROW_PROTOCOL_FEE_TOO_HIGH" | "ESCROW_INVALID_FEE_RECIPIENT" | "OWNABLE_INVALID_OWNER"
> {
  override name = "AdminError";
}

// ------------------------------------------------------------------ the decoding table

const STATUS_NAMES = ["None", "Active", "Paid", "Disputed", "Closed"];
const C = PeerPayErrorCode;

/** Every custom error the escrow can revert with, by Solidity name. */
export const ESCROW_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
  EscrowCreationPaused: spec(DealCreationError, C.ESCROW_CREATION_PAUSED, () => "Deal creation is paused"),
  EscrowInvalidBeneficiary: spec(
    DealCreationError,
    C.ESCROW_INVALID_BENEFICIARY,
    (a) => `Invalid beneficiary ${a.beneficiary}: zero, the depositor or the escrow`,
  ),
  EscrowInvalidArbiter: spec(DealCreationError, C.ESCROW_INVALID_ARBITER, (a) => `Arbiter ${a.arbiter} is a party`),
  EscrowInvalidArbiterTerms: spec(
    DealCreationError,
    C.ESCROW_INVALID_ARBITER_TERMS,
    () => "Arbiter terms out of range, or set without an arbiter",
  ),
  EscrowInvalidDisputeWindow: spec(
    DealCreationError,
    C.ESCROW_INVALID_DISPUTE_WINDOW,
    (a) => `Dispute window ${a.disputeWindow}s out of range`,
  ),
  EscrowInvalidDeadline: spec(
    DealCreationError,
    C.ESCROW_INVALID_DEADLINE,
    (a) => `Deadline ${a.deadline} out of range`,
  ),
  EscrowInvalidAmount: spec(DealCreationError, C.ESCROW_INVALID_AMOUNT, (a) => `Amount ${a.amount} out of range`),
  EscrowInvalidSalt: spec(DealCreationError, C.ESCROW_INVALID_SALT, (a) => `Salt ${a.salt} does not fit 32 bits`),
  EscrowValueMismatch: spec(
    DealCreationError,
    C.ESCROW_VALUE_MISMATCH,
    (a) => `Sent ${a.sent} wei, expected ${a.expected}`,
  ),
  EscrowTokenNotContract: spec(DealCreationError, C.ESCROW_TOKEN_NOT_CONTRACT, (a) => `Token ${a.token} has no code`),
  EscrowTokenTransferMismatch: spec(
    DealCreationError,
    C.ESCROW_TOKEN_TRANSFER_MISMATCH,
    (a) => `Escrow received ${a.received} tokens, expected ${a.expected} (fee-on-transfer token?)`,
  ),
  EscrowDealExists: spec(DealCreationError, C.ESCROW_DEAL_EXISTS, (a) => `Deal ${a.dealId} already exists`),
  EscrowDealNotFound: spec(DealNotFoundError, C.ESCROW_DEAL_NOT_FOUND, (a) => `No deal ${a.dealId} with these terms`),
  EscrowUnauthorized: spec(
    UnauthorizedError,
    C.ESCROW_UNAUTHORIZED,
    (a) => `${a.caller} may not do this on deal ${a.dealId}`,
  ),
  EscrowInvalidStatus: spec(
    DealStateError,
    C.ESCROW_INVALID_STATUS,
    (a) => `Deal ${a.dealId} is ${STATUS_NAMES[Number(a.current)] ?? a.current}`,
  ),
  EscrowNonceExhausted: spec(DealStateError, C.ESCROW_NONCE_EXHAUSTED, (a) => `Deal ${a.dealId} nonce exhausted`),
  EscrowZeroAmount: spec(AmountError, C.ESCROW_ZERO_AMOUNT, () => "Amount is zero"),
  EscrowAmountExceedsRemaining: spec(
    AmountError,
    C.ESCROW_AMOUNT_EXCEEDS_REMAINING,
    (a) => `Amount ${a.amount} exceeds the remaining ${a.remaining}`,
  ),
  EscrowDeadlinePassed: spec(
    DealStateError,
    C.ESCROW_DEADLINE_PASSED,
    (a) => `Deal ${a.dealId}: deadline ${a.deadline} passed`,
  ),
  EscrowTimeoutNotReached: spec(
    DealStateError,
    C.ESCROW_TIMEOUT_NOT_REACHED,
    (a) => `Deal ${a.dealId}: timeout opens at ${a.opensAt}`,
  ),
  EscrowNoArbiter: spec(DealStateError, C.ESCROW_NO_ARBITER, (a) => `Deal ${a.dealId} has no arbiter`),
  EscrowNotRefundDefault: spec(
    DealStateError,
    C.ESCROW_NOT_REFUND_DEFAULT,
    (a) => `Deal ${a.dealId}'s default outcome is not Refund`,
  ),
  EscrowInvalidMilestones: spec(AmountError, C.ESCROW_INVALID_MILESTONES, () => "Invalid milestone list"),
  EscrowMilestoneOutOfRange: spec(
    AmountError,
    C.ESCROW_MILESTONE_OUT_OF_RANGE,
    (a) => `Milestone ${a.index} out of range (${a.count} milestones)`,
  ),
  EscrowMilestoneAlreadyReleased: spec(
    AmountError,
    C.ESCROW_MILESTONE_ALREADY_RELEASED,
    (a) => `Milestone ${a.index} already released`,
  ),
  EscrowSignatureExpired: spec(SignatureError, C.ESCROW_SIGNATURE_EXPIRED, (a) => `Signature expired at ${a.expiry}`),
  EscrowInvalidSignature: spec(SignatureError, C.ESCROW_INVALID_SIGNATURE, (a) => `Invalid signature of ${a.signer}`),
  EscrowProtocolFeeTooHigh: spec(
    AdminError,
    C.ESCROW_PROTOCOL_FEE_TOO_HIGH,
    (a) => `Protocol fee ${a.bps} bps above the maximum ${a.max}`,
  ),
  EscrowInvalidFeeRecipient: spec(AdminError, C.ESCROW_INVALID_FEE_RECIPIENT, () => "No protocol fee recipient"),
  EscrowNothingToCollect: spec(
    TransferError,
    C.ESCROW_NOTHING_TO_COLLECT,
    (a) => `No protocol fees accrued in ${a.token}`,
  ),
  OwnableUnauthorizedAccount: spec(
    UnauthorizedError,
    C.OWNABLE_UNAUTHORIZED_ACCOUNT,
    (a) => `${a.account} is not the owner`,
  ),
  OwnableInvalidOwner: spec(AdminError, C.OWNABLE_INVALID_OWNER, (a) => `Invalid owner ${a.owner}`),
  ...SHARED_REVERTS,
};
