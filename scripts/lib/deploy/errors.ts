// Every way a deployment can stop (docs/deployments.md §2–§4): one error class with a stable code.

/** Stable codes of every way a deployment can stop. */
export const DeployErrorCode = {
  /** D-C1: the record belongs to another chain than the connected one. */
  CHAIN_MISMATCH: "CHAIN_MISMATCH",
  /** D-A3: a non-local chain without the CREATE2 proxy. */
  PROXY_MISSING: "PROXY_MISSING",
  /** Something other than the proxy's code sits at the proxy's address, or installing it did not take. */
  PROXY_CODE_MISMATCH: "PROXY_CODE_MISMATCH",
  /** The code at a contract's address is not the artifact's runtime code. */
  CODE_MISMATCH: "CODE_MISMATCH",
  /** The record is not valid JSON or not a record of this shape. */
  RECORD_CORRUPT: "RECORD_CORRUPT",
  /** Writing the record failed (the previous record is left as it was). */
  RECORD_WRITE_FAILED: "RECORD_WRITE_FAILED",
  /** A creation transaction was mined but reverted, or mined without creating the contract. */
  TRANSACTION_FAILED: "TRANSACTION_FAILED",
  /** A creation transaction was not mined before the deadline. */
  RECEIPT_TIMEOUT: "RECEIPT_TIMEOUT",
  /** An option (salt, owner, network name) is malformed. */
  INVALID_OPTION: "INVALID_OPTION",
} as const;
export type DeployErrorCode = (typeof DeployErrorCode)[keyof typeof DeployErrorCode];

/** Every failure of a deployment: a stable `code`, a message for the operator, the facts in `details`. */
export class DeployError extends Error {
  override readonly name = "DeployError";
  constructor(
    readonly code: DeployErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
