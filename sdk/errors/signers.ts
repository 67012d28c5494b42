// Signing as a Safe (docs/signers.md SG-S*): one class, so that an app can tell "get another owner to sign" from a
// wallet problem before anything is sent.
import { PeerPayError } from "./base";

/**
 * Why the SDK refused to produce a Safe signature, before asking any owner to sign: `SAFE_THRESHOLD_NOT_MET` (fewer
 * distinct owners than the threshold), `SAFE_NOT_OWNER` (a signer is not an owner), `SAFE_DUPLICATE_OWNER` (one owner
 * given twice), `SAFE_SIGNATURE_MISMATCH` (an owner's wallet returned a signature that does not recover to it), or
 * `SAFE_UNSUPPORTED` (the address is not a Safe the SDK can read). `details`: `safe`, and `owner`, `threshold`,
 * `signers` as they apply.
 *
 * @example
 * ```ts
 * try {
 *   await signAsSafe({ safe, typedData, owners: [alice] });
 * } catch (err) {
 *   if (err instanceof SafeSignatureError && err.code === "SAFE_THRESHOLD_NOT_MET") askForAnotherOwner();
 * }
 * ```
 */
export class SafeSignatureError extends PeerPayError<
  "SAFE_THRESHOLD_NOT_MET" | "SAFE_NOT_OWNER" | "SAFE_DUPLICATE_OWNER" | "SAFE_SIGNATURE_MISMATCH" | "SAFE_UNSUPPORTED"
> {
  override name = "SafeSignatureError";
}
