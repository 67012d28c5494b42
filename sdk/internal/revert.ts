// Decoding what a provider, a wallet or a node threw into the SDK's typed errors: revert data by each contract's
// table (sdk/errors/escrow.ts, channels.ts, payment-channels.ts), everything else into a TransactionError.
import { isError, isHexString, type ErrorDescription, type Interface, type ParamType } from "ethers";
import { PeerPayError, TransactionError } from "../errors/base";
import { CHANNEL_REVERTS } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { ESCROW_REVERTS } from "../errors/escrow";
import { PAYMENT_CHANNEL_REVERTS } from "../errors/payment-channels";
import { SWAP_REVERTS } from "../errors/swap";
import { ContractRevertError, type Args, type ContractErrorSpec } from "../errors/revert";
import { channelsRevertInterface, paymentChannelsRevertInterface, revertInterface, swapRevertInterface } from "./abi";

const C = PeerPayErrorCode;

/**
 * The names of the Solidity errors {@link decodeEscrowError} turns into typed errors. Exposed for tooling and for
 * the test that checks it covers the escrow's whole ABI.
 *
 * @example
 * ```ts
 * KNOWN_CONTRACT_ERRORS.includes("EscrowUnauthorized"); // true
 * ```
 */
export const KNOWN_CONTRACT_ERRORS: readonly string[] = Object.freeze(Object.keys(ESCROW_REVERTS));

/** The names of the Solidity errors {@link decodeChannelsError} turns into typed errors (for its coverage test). */
export const KNOWN_CHANNEL_ERRORS: readonly string[] = Object.freeze(Object.keys(CHANNEL_REVERTS));

/** The names of the Solidity errors {@link decodePaymentChannelsError} turns into typed errors (for its test). */
export const KNOWN_PAYMENT_CHANNEL_ERRORS: readonly string[] = Object.freeze(Object.keys(PAYMENT_CHANNEL_REVERTS));

/** The names of the Solidity errors {@link decodeSwapError} turns into typed errors (for its coverage test). */
export const KNOWN_SWAP_ERRORS: readonly string[] = Object.freeze(Object.keys(SWAP_REVERTS));

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

/**
 * As {@link decodeEscrowError}, for anything a call to the two-way payment channels contract threw: its
 * `PaymentChannel*` errors become {@link PaymentChannelOpenError}, {@link PaymentChannelStateError},
 * {@link PaymentChannelSignatureError}, {@link PaymentChannelLockError} or {@link UnauthorizedError} (code
 * `PAYMENT_CHANNEL_NOT_PARTICIPANT`), with the decoded arguments in `details`.
 *
 * @example
 * ```ts
 * try {
 *   await paymentChannels.settle(channel, record);
 * } catch (err) {
 *   const error = decodePaymentChannelsError(err);
 *   if (error.code === PeerPayErrorCode.PAYMENT_CHANNEL_CHALLENGE_NOT_OVER) retryAt(error.details.closesAt);
 * }
 * ```
 */
export function decodePaymentChannelsError(error: unknown): PeerPayError {
  return decodeError(error, PAYMENT_CHANNELS_DECODING);
}

/**
 * As {@link decodeEscrowError}, for anything a call to the signed-order swaps contract threw: its `Swap*` errors
 * become {@link SwapOrderStateError}, {@link SwapFillError} or {@link SwapAdminError}, with the decoded arguments in
 * `details`; an ERC20's own errors bubbling through a fill become {@link TransferError}.
 *
 * @example
 * ```ts
 * try {
 *   await swapContract.fill(order, signature, makerFill);
 * } catch (err) {
 *   const error = decodeSwapError(err);
 *   if (error.code === PeerPayErrorCode.SWAP_NONCE_USED) console.log("already filled or cancelled");
 * }
 * ```
 */
export function decodeSwapError(error: unknown): PeerPayError {
  return decodeError(error, SWAP_DECODING);
}

/** A contract's revert table and the interface that parses its errors (for the products' own decoders). */
export type Decoding = { errors: Readonly<Record<string, ContractErrorSpec>>; revert: Interface };

const ESCROW_DECODING: Decoding = { errors: ESCROW_REVERTS, revert: revertInterface };
const CHANNELS_DECODING: Decoding = { errors: CHANNEL_REVERTS, revert: channelsRevertInterface };
const PAYMENT_CHANNELS_DECODING: Decoding = { errors: PAYMENT_CHANNEL_REVERTS, revert: paymentChannelsRevertInterface };
const SWAP_DECODING: Decoding = { errors: SWAP_REVERTS, revert: swapRevertInterface };

/** Decodes `error` with a product's table: see {@link decodeEscrowError} for what becomes what. */
export function decodeError(error: unknown, decoding: Decoding): PeerPayError {
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
