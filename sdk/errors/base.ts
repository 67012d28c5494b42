import { PeerPayErrorCode } from "./codes";

/**
 * Structured, machine-readable facts about a failure: decoded revert arguments by name, or the offending parameter.
 *
 * @example
 * ```ts
 * const details: ErrorDetails = { dealId, caller: "0x15d3…6A65" }; // an ESCROW_UNAUTHORIZED revert
 * ```
 */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/**
 * What every PeerPay error is built from.
 *
 * @example
 * ```ts
 * const params: PeerPayErrorParameters<"INVALID_PARAMETER"> = {
 *   code: "INVALID_PARAMETER",
 *   message: "amount must be positive",
 *   details: { parameter: "amount" },
 * };
 * ```
 */
export type PeerPayErrorParameters<TCode extends PeerPayErrorCode = PeerPayErrorCode> = {
  code: TCode;
  message: string;
  details?: ErrorDetails;
  cause?: unknown;
};

/**
 * Base class of every error the SDK throws. `code` is stable (see {@link PeerPayErrorCode}); `message` is short and
 * for humans; `details` holds the facts (decoded revert arguments, the offending parameter); `cause` the underlying
 * error, if any.
 *
 * @example
 * ```ts
 * try {
 *   await escrow.refund({ deal, amount: 1n });
 * } catch (err) {
 *   if (err instanceof PeerPayError) console.error(err.code, err.details);
 *   else throw err;
 * }
 * ```
 */
export class PeerPayError<TCode extends PeerPayErrorCode = PeerPayErrorCode> extends Error {
  override name = "PeerPayError";
  readonly code: TCode;
  readonly details: ErrorDetails;

  constructor({ code, message, details = {}, cause }: PeerPayErrorParameters<TCode>) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = Object.freeze({ ...details });
  }

  /** A JSON-safe view: `JSON.stringify` cannot serialise the bigints that `details` usually holds. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, details: toJsonSafe(this.details) };
  }
}

function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonSafe(inner)]));
  }
  return value;
}

/**
 * An input breaks the protocol's rules (docs/escrow.md §2, §3) or is malformed. Thrown before anything is signed or
 * sent, so no gas is spent and no signature leaks. `details`: `parameter`, `value`, `reason`.
 *
 * @example
 * ```ts
 * try {
 *   await escrow.createDeal({ beneficiary, amount: 0n, deadline });
 * } catch (err) {
 *   if (err instanceof InvalidParameterError) console.log(err.details.parameter); // "amount"
 * }
 * ```
 */
export class InvalidParameterError extends PeerPayError<"INVALID_PARAMETER"> {
  override name = "InvalidParameterError";

  constructor({ parameter, value, reason }: { parameter: string; value: unknown; reason: string }) {
    super({
      code: PeerPayErrorCode.INVALID_PARAMETER,
      message: `Invalid ${parameter}: ${reason}`,
      details: { parameter, value, reason },
    });
  }
}

/**
 * The client's runner cannot do what was asked: `SIGNER_REQUIRED` to sign or send, `PROVIDER_REQUIRED` to read.
 *
 * @example
 * ```ts
 * const readOnly = new EscrowClient({ address, runner: provider });
 * await readOnly.release({ deal, amount: 1n }); // throws RunnerError, code "SIGNER_REQUIRED"
 * ```
 */
export class RunnerError extends PeerPayError<"SIGNER_REQUIRED" | "PROVIDER_REQUIRED"> {
  override name = "RunnerError";
}

/**
 * A deal given by id could not be found: `DEAL_NOT_FOUND` when no deal has that id on-chain,
 * `DEAL_TERMS_UNAVAILABLE` when it exists but its `DealCreated` event (or milestone list) could not be found or did
 * not hash to the id. In the second case pass the `Deal` itself, or configure `fromBlock` on the client.
 *
 * @example
 * ```ts
 * try {
 *   await escrow.getDeal({ dealId });
 * } catch (err) {
 *   if (err instanceof DealLookupError && err.code === "DEAL_NOT_FOUND") showNotFound();
 * }
 * ```
 */
export class DealLookupError extends PeerPayError<"DEAL_NOT_FOUND" | "DEAL_TERMS_UNAVAILABLE"> {
  override name = "DealLookupError";
}

/**
 * The address book (the bundled one, with the caller's extra entries) has no deployment of `details.contract` on
 * chain `details.chainId` (a bigint): the contracts are not deployed there, or not yet published in this version of
 * the package. Pass the address yourself, or an `addressBook` with the entry.
 *
 * @example
 * ```ts
 * try {
 *   escrow = await EscrowClient.connect({ runner: signer });
 * } catch (err) {
 *   if (err instanceof UnknownDeploymentError) showUnsupportedNetwork(err.details.chainId);
 *   else throw err;
 * }
 * ```
 */
export class UnknownDeploymentError extends PeerPayError<"UNKNOWN_DEPLOYMENT"> {
  override name = "UnknownDeploymentError";

  constructor({ chainId, contract }: { chainId: bigint; contract: string }) {
    super({
      code: PeerPayErrorCode.UNKNOWN_DEPLOYMENT,
      message: `No ${contract} deployment is known on chain ${chainId}`,
      details: { chainId, contract },
    });
  }
}

/**
 * The token cannot be paid into a deal with an EIP-2612 permit: it has no `permit`/`nonces`, or its EIP-712 domain
 * could not be determined and checked against its `DOMAIN_SEPARATOR()`. Use an approval instead.
 *
 * @example
 * ```ts
 * try {
 *   await escrow.createDeal({ ...params, funding: "permit" });
 * } catch (err) {
 *   if (err instanceof PermitError) await escrow.createDeal({ ...params, funding: "approve" });
 * }
 * ```
 */
export class PermitError extends PeerPayError<"PERMIT_UNSUPPORTED"> {
  override name = "PermitError";
}

/**
 * The wallet or provider failed for a reason other than a contract revert: `USER_REJECTED`, `INSUFFICIENT_FUNDS`,
 * `TRANSACTION_REPLACED` or `PROVIDER_ERROR`. The original error is in `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await escrow.dispute({ deal });
 * } catch (err) {
 *   if (err instanceof TransactionError && err.code === "USER_REJECTED") return;
 *   throw err;
 * }
 * ```
 */
export class TransactionError extends PeerPayError<
  "USER_REJECTED" | "INSUFFICIENT_FUNDS" | "TRANSACTION_REPLACED" | "PROVIDER_ERROR"
> {
  override name = "TransactionError";
}
