// The base of every decoded revert, the revert families both contracts share, and how a Solidity error is tied to
// its SDK class (the tables themselves live with each domain's errors; the decoder is sdk/internal/revert.ts).
import { PeerPayError, type ErrorDetails } from "./base";
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
 * The caller may not do this (`EscrowUnauthorized(dealId, caller)`, or Ownable's for admin functions).
 *
 * @example
 * ```ts
 * if (err instanceof UnauthorizedError) console.log(err.details.caller, "may not act on", err.details.dealId);
 * ```
 */
export class UnauthorizedError extends ContractRevertError<
  "ESCROW_UNAUTHORIZED" | "OWNABLE_UNAUTHORIZED_ACCOUNT" | "CHANNEL_UNAUTHORIZED" | "PAYMENT_CHANNEL_NOT_PARTICIPANT"
> {
  override name = "UnauthorizedError";
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

// ------------------------------------------------------------------ the decoding tables

/** A decoded error's named arguments. */
export type Args = Record<string, unknown>;

/** How one Solidity error becomes an SDK error: its class, code and message. */
export type ContractErrorSpec = {
  create: (params: ContractRevertErrorParameters) => ContractRevertError;
  code: PeerPayErrorCode;
  message: (args: Args) => string;
};

/**
 * Ties a Solidity error to its SDK class, code and message. Typed so that a code the class does not declare is a
 * compile error: the class unions and the tables cannot drift apart.
 */
export function spec<TCode extends PeerPayErrorCode>(
  Family: new (params: ContractRevertErrorParameters<TCode>) => ContractRevertError<TCode>,
  code: NoInfer<TCode>,
  message: (args: Args) => string,
): ContractErrorSpec {
  return { create: (params) => new Family({ ...params, code }), code, message };
}

const C = PeerPayErrorCode;

/** The errors of OpenZeppelin and of `PullPayments` that every PeerPay contract can revert with. */
export const SHARED_REVERTS: Readonly<Record<string, ContractErrorSpec>> = {
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
