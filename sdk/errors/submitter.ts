// The transaction submitter's failures (docs/payment-channels.md §8.8). A call that would revert is not one of them:
// it is refused before a nonce is taken, with the contract's own decoded error.
import { PeerPayError } from "./base";

/**
 * The codes a {@link SubmitterError} carries.
 *
 * @example
 * ```ts
 * const retryLater: SubmitterErrorCode[] = ["SUBMITTER_RPC_UNAVAILABLE", "SUBMITTER_CLOSED"];
 * ```
 */
export type SubmitterErrorCode =
  | "SUBMITTER_REVERTED"
  | "SUBMITTER_DEADLINE_MISSED"
  | "SUBMITTER_FEE_CAP_TOO_LOW"
  | "SUBMITTER_RPC_UNAVAILABLE"
  | "SUBMITTER_SEND_REJECTED"
  | "SUBMITTER_NONCE_CONFLICT"
  | "SUBMITTER_CLOSED";

/**
 * A transaction given to the submitter did not land as asked. `details` holds `label`, and when a nonce was taken,
 * `nonce` and `hashes` (every hash sent for it); `SUBMITTER_REVERTED` adds the mined `hash` and `blockNumber` (its
 * `cause` is the revert decoded by replaying the call, when the node could replay it); `SUBMITTER_DEADLINE_MISSED`
 * adds `deadline`, and the nonce is then filled by a 0-value self-transfer so that later transactions do not stall.
 *
 * @example
 * ```ts
 * try {
 *   await submitter.submit({ to, data, deadline: closesAt - 60, label: "updateFor" });
 * } catch (err) {
 *   if (err instanceof SubmitterError && err.code === "SUBMITTER_DEADLINE_MISSED") alertOperator(err.details);
 *   else throw err;
 * }
 * ```
 */
export class SubmitterError extends PeerPayError<SubmitterErrorCode> {
  override name = "SubmitterError";
}
