import { isError, isHexString, type ErrorDescription, type Interface, type ParamType } from "ethers";
import { channelsRevertInterface, revertInterface } from "../internal/abi";
import { PeerPayError, TransactionError, type ErrorDetails } from "./base";
import { PeerPayErrorCode } from "./codes";

/**
 * What a decoded revert is built from.
 *
 * @example
 * ```ts
 * const params: ContractRevertErrorParameters = { code: "CONTRACT_REVERT", message: "reverted", data: "0x" };
 * ```
 */
export type ContractRevertErrorParameters<TCode extends PeerPayErrorCode = PeerPayErrorCode> = {
  code: TCode;
  message: string;
  /** The raw revert data (`"0x"` when the node returned none). */
  data: string;
  /** The Solidity error's name, when the SDK recognised it. */
  errorName?: string;
  /** The decoded arguments, by name. */
  details?: ErrorDetails;
  cause?: unknown;
};

/**
 * The chain reverted. Base class of every decoded contract error; thrown as itself, with code `CONTRACT_REVERT`,
 * when the revert data matches no error the SDK knows (`data` then keeps it raw, and `details.reason` or
 * `details.panicCode` hold a `require` message or a panic code).
 *
 * @example
 * ```ts
 * try {
 *   await escrow.withdraw({ token, to });
 * } catch (err) {
 *   if (err instanceof ContractRevertError) console.log(err.errorName, err.data);
 * }
 * ```
 */
export class ContractRevertError<TCode extends PeerPayErrorCode = PeerPayErrorCode> extends PeerPayError<TCode> {
  override name = "ContractRevertError";
  readonly data: string;
  readonly errorName: string | undefined;

  constructor({ data, errorName, ...rest }: ContractRevertErrorParameters<TCode>) {
    super(rest);
    this.data = data;
    this.errorName = errorName;
  }
}

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
 * The caller may not do this (`EscrowUnauthorized(dealId, caller)`, or Ownable's for admin functions).
 *
 * @example
 * ```ts
 * if (err instanceof UnauthorizedError) console.log(err.details.caller, "may not act on", err.details.dealId);
 * ```
 */
export class UnauthorizedError extends ContractRevertError<
  "ESCROW_UNAUTHORIZED" | "OWNABLE_UNAUTHORIZED_ACCOUNT" | "CHANNEL_UNAUTHORIZED"
> {
  override name = "UnauthorizedError";
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
 * Moving funds failed: nothing to withdraw or collect, a zero recipient, a recipient refusing ETH, or a token
 * transfer failing (insufficient balance or allowance of the depositor included).
 *
 * @example
 * ```ts
 * if (err instanceof TransferError && err.code === "ERC20_INSUFFICIENT_ALLOWANCE") await approveFirst();
 * ```
 */
export class TransferError extends ContractRevertError<
  | "PULL_PAYMENTS_NOTHING_TO_WITHDRAW"
  | "PULL_PAYMENTS_INVALID_RECIPIENT"
  | "ESCROW_NOTHING_TO_COLLECT"
  | "SAFE_ERC20_FAILED_OPERATION"
  | "FAILED_CALL"
  | "INSUFFICIENT_BALANCE"
  | "ERC20_INSUFFICIENT_BALANCE"
  | "ERC20_INSUFFICIENT_ALLOWANCE"
> {
  override name = "TransferError";
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

/**
 * A call re-entered the escrow during a payout (only contract callers can cause this).
 *
 * @example
 * ```ts
 * if (err instanceof ReentrancyError) console.log("re-entrant call refused");
 * ```
 */
export class ReentrancyError extends ContractRevertError<"REENTRANCY_GUARD_REENTRANT_CALL"> {
  override name = "ReentrancyError";
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

type Args = Record<string, unknown>;

type ContractErrorSpec = {
  create: (params: ContractRevertErrorParameters) => ContractRevertError;
  code: PeerPayErrorCode;
  message: (args: Args) => string;
};

/**
 * Ties a Solidity error to its SDK class, code and message. Typed so that a code the class does not declare is a
 * compile error: the class unions above and this table cannot drift apart.
 */
function spec<TCode extends PeerPayErrorCode>(
  Family: new (params: ContractRevertErrorParameters<TCode>) => ContractRevertError<TCode>,
  code: NoInfer<TCode>,
  message: (args: Args) => string,
): ContractErrorSpec {
  return { create: (params) => new Family({ ...params, code }), code, message };
}

const STATUS_NAMES = ["None", "Active", "Paid", "Disputed", "Closed"];
const C = PeerPayErrorCode;

/** The errors of OpenZeppelin and of `PullPayments` that every PeerPay contract can revert with. */
const SHARED_ERRORS: Readonly<Record<string, ContractErrorSpec>> = {
  PullPaymentsNothingToWithdraw: spec(
    TransferError,
    C.PULL_PAYMENTS_NOTHING_TO_WITHDRAW,
    (a) => `${a.account} has no credit in ${a.token}`,
  ),
  PullPaymentsInvalidRecipient: spec(TransferError, C.PULL_PAYMENTS_INVALID_RECIPIENT, () => "Recipient is zero"),
  ReentrancyGuardReentrantCall: spec(ReentrancyError, C.REENTRANCY_GUARD_REENTRANT_CALL, () => "Reentrant call"),
  SafeERC20FailedOperation: spec(
    TransferError,
    C.SAFE_ERC20_FAILED_OPERATION,
    (a) => `Token ${a.token} transfer failed`,
  ),
  FailedCall: spec(TransferError, C.FAILED_CALL, () => "ETH transfer to the recipient failed"),
  InsufficientBalance: spec(
    TransferError,
    C.INSUFFICIENT_BALANCE,
    (a) => `Balance ${a.balance} below the ${a.needed} needed`,
  ),
  ERC20InsufficientBalance: spec(
    TransferError,
    C.ERC20_INSUFFICIENT_BALANCE,
    (a) => `${a.sender} holds ${a.balance} tokens, needs ${a.needed}`,
  ),
  ERC20InsufficientAllowance: spec(
    TransferError,
    C.ERC20_INSUFFICIENT_ALLOWANCE,
    (a) => `Allowance of ${a.spender} is ${a.allowance}, needs ${a.needed}`,
  ),
};

/** Every custom error the escrow can revert with, by Solidity name. */
const CONTRACT_ERRORS: Readonly<Record<string, ContractErrorSpec>> = {
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
  ...SHARED_ERRORS,
};

/** Every custom error the micropayment channels can revert with, by Solidity name. */
const CHANNEL_ERRORS: Readonly<Record<string, ContractErrorSpec>> = {
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
  ...SHARED_ERRORS,
};

/**
 * The names of the Solidity errors {@link decodeEscrowError} turns into typed errors. Exposed for tooling and for
 * the test that checks it covers the escrow's whole ABI.
 *
 * @example
 * ```ts
 * KNOWN_CONTRACT_ERRORS.includes("EscrowUnauthorized"); // true
 * ```
 */
export const KNOWN_CONTRACT_ERRORS: readonly string[] = Object.freeze(Object.keys(CONTRACT_ERRORS));

/** The names of the Solidity errors {@link decodeChannelsError} turns into typed errors (for its coverage test). */
export const KNOWN_CHANNEL_ERRORS: readonly string[] = Object.freeze(Object.keys(CHANNEL_ERRORS));

// ------------------------------------------------------------------ decoding

/**
 * Turns anything a call, an estimate or a transaction of the escrow threw into a {@link PeerPayError}:
 * - revert data of a known error → its family class (`DealStateError`, `SignatureError`...) with its code and the
 *   decoded arguments in `details` (uint256 as bigint, enums as number, addresses checksummed);
 * - other revert data, or a revert without data → `ContractRevertError` with code `CONTRACT_REVERT` and the raw
 *   `data`;
 * - a wallet or provider failure → `TransactionError`;
 * - a `PeerPayError` → itself.
 *
 * Accepts the error objects of ethers v6, Hardhat and common wallets (the data is looked for in nested `error`,
 * `info` and `cause` fields), or the revert data itself as a hex string.
 *
 * @example
 * ```ts
 * try {
 *   await escrowContract.release(deal, 1n);
 * } catch (err) {
 *   const error = decodeEscrowError(err);
 *   if (error.code === PeerPayErrorCode.ESCROW_UNAUTHORIZED) console.log(error.details.caller);
 * }
 * ```
 */
export function decodeEscrowError(error: unknown): PeerPayError {
  return decodeError(error, ESCROW_DECODING);
}

/**
 * As {@link decodeEscrowError}, for anything a call to the micropayment channels contract threw: its `Channel*`
 * errors become {@link ChannelOpenError}, {@link ChannelStateError}, {@link ChannelClaimError} or
 * {@link UnauthorizedError} (code `CHANNEL_UNAUTHORIZED`), with the decoded arguments in `details`.
 *
 * @example
 * ```ts
 * try {
 *   await channelsContract.claim(channel, amount, signature);
 * } catch (err) {
 *   const error = decodeChannelsError(err);
 *   if (error.code === PeerPayErrorCode.CHANNEL_NOTHING_TO_CLAIM) console.log(error.details.claimed);
 * }
 * ```
 */
export function decodeChannelsError(error: unknown): PeerPayError {
  return decodeError(error, CHANNELS_DECODING);
}

type Decoding = { errors: Readonly<Record<string, ContractErrorSpec>>; revert: Interface };

const ESCROW_DECODING: Decoding = { errors: CONTRACT_ERRORS, revert: revertInterface };
const CHANNELS_DECODING: Decoding = { errors: CHANNEL_ERRORS, revert: channelsRevertInterface };

function decodeError(error: unknown, decoding: Decoding): PeerPayError {
  if (error instanceof PeerPayError) return error;
  const data = findRevertData(error);
  if (data !== undefined) return decodeRevertData(data, error, decoding);
  if (isError(error, "CALL_EXCEPTION")) {
    return new ContractRevertError({
      code: C.CONTRACT_REVERT,
      message: "Execution reverted without data",
      data: "0x",
      cause: error,
    });
  }
  return wrapProviderError(error);
}

function decodeRevertData(data: string, cause: unknown, decoding: Decoding): ContractRevertError {
  const description = parseRevert(data, decoding.revert);
  const known = description ? decoding.errors[description.name] : undefined;
  if (description && known) {
    const details = argsOf(description);
    return known.create({
      code: known.code,
      message: known.message(details),
      data,
      errorName: description.name,
      details,
      cause,
    });
  }
  const details =
    description?.name === "Error"
      ? { reason: description.args[0] }
      : description?.name === "Panic"
        ? { panicCode: description.args[0] }
        : {};
  return new ContractRevertError({
    code: C.CONTRACT_REVERT,
    message: description?.name === "Error" ? `Reverted: ${String(description.args[0])}` : "Execution reverted",
    data,
    errorName: description?.name,
    details,
    cause,
  });
}

function parseRevert(data: string, revert: Interface): ErrorDescription | null {
  try {
    return revert.parseError(data);
  } catch {
    // Data with a known selector but a malformed body: report it raw rather than guess.
    return null;
  }
}

function argsOf(description: ErrorDescription): Args {
  const inputs: readonly ParamType[] = description.fragment.inputs;
  return Object.fromEntries(inputs.map((input, i) => [input.name, normalizeArg(input, description.args[i])]));
}

/** `uint8` is how the ABI carries Solidity enums (`Status`): a number compares directly with `DealStatus`. */
function normalizeArg(input: ParamType, value: unknown): unknown {
  return input.type === "uint8" && typeof value === "bigint" ? Number(value) : value;
}

const NESTED_ERROR_KEYS = ["error", "info", "cause", "data"] as const;

/**
 * Finds revert data in the shapes providers use: ethers' `CALL_EXCEPTION.data`, Hardhat's `SolidityError.data`,
 * JSON-RPC `error.data`, MetaMask's `error.data.data`. Never looks at `transaction.data`, which is the calldata.
 */
function findRevertData(error: unknown, depth = 0): string | undefined {
  if (typeof error === "string") return isHexString(error) ? error : undefined;
  if (depth > 4 || error === null || typeof error !== "object") return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.data === "string" && isHexString(record.data)) return record.data;
  for (const key of NESTED_ERROR_KEYS) {
    const nested = record[key];
    if (nested !== null && typeof nested === "object") {
      const found = findRevertData(nested, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function wrapProviderError(error: unknown): TransactionError {
  if (isError(error, "ACTION_REJECTED")) {
    return new TransactionError({ code: C.USER_REJECTED, message: "Request rejected by the user", cause: error });
  }
  if (isError(error, "INSUFFICIENT_FUNDS")) {
    return new TransactionError({
      code: C.INSUFFICIENT_FUNDS,
      message: "Insufficient funds for value and gas",
      cause: error,
    });
  }
  if (isError(error, "TRANSACTION_REPLACED")) {
    return new TransactionError({
      code: C.TRANSACTION_REPLACED,
      message: `Transaction replaced (${error.reason})`,
      details: { reason: error.reason, replacementHash: error.replacement.hash },
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransactionError({ code: C.PROVIDER_ERROR, message: `Provider error: ${message}`, cause: error });
}
