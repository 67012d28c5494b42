// The watchtower's errors (docs/payment-channels.md §8.7, rule PC-E6): one class, raised by the server (and sent as
// `{ error: { code, message, details } }` with the HTTP status the code maps to) and rebuilt by the client from it.
import { PeerPayError } from "./base";

/**
 * The codes a watchtower answers with, each with its HTTP status.
 *
 * @example
 * ```ts
 * const status = WATCHTOWER_HTTP_STATUS.WATCHTOWER_RATE_LIMITED; // 429
 * ```
 */
export const WATCHTOWER_HTTP_STATUS = {
  WATCHTOWER_MALFORMED_REQUEST: 400,
  WATCHTOWER_REGISTRATION_INVALID: 400,
  WATCHTOWER_INVALID_PROOF: 400,
  WATCHTOWER_INVALID_REWARD: 400,
  WATCHTOWER_NOT_PARTICIPANT: 403,
  WATCHTOWER_NOT_FOUND: 404,
  WATCHTOWER_NOT_REGISTERED: 404,
  WATCHTOWER_CHANNEL_NOT_WATCHABLE: 409,
  WATCHTOWER_STALE_PROOF: 409,
  WATCHTOWER_BODY_TOO_LARGE: 413,
  WATCHTOWER_QUOTA_CHANNELS: 429,
  WATCHTOWER_QUOTA_BYTES: 429,
  WATCHTOWER_RATE_LIMITED: 429,
  WATCHTOWER_UNAVAILABLE: 503,
} as const;

/**
 * A code of {@link WATCHTOWER_HTTP_STATUS}.
 *
 * @example
 * ```ts
 * const code: WatchtowerErrorCode = "WATCHTOWER_STALE_PROOF";
 * ```
 */
export type WatchtowerErrorCode = keyof typeof WATCHTOWER_HTTP_STATUS;

/**
 * A watchtower refused a request, or could not be reached. The code is stable (see
 * {@link WATCHTOWER_HTTP_STATUS} for its HTTP status); `details.status` holds the HTTP status the client received
 * (absent when the watchtower could not be reached: `WATCHTOWER_UNAVAILABLE` with the network error as `cause`).
 * A 429 carries `details.retryAfter` (seconds) for a rate limit.
 *
 * @example
 * ```ts
 * try {
 *   await watchtower.submitProof({ channelId, proof, signature });
 * } catch (err) {
 *   if (err instanceof WatchtowerError && err.code === "WATCHTOWER_RATE_LIMITED") await sleep(1_000);
 *   else throw err;
 * }
 * ```
 */
export class WatchtowerError extends PeerPayError<WatchtowerErrorCode> {
  override name = "WatchtowerError";

  /** The HTTP status this error is answered with. */
  get status(): number {
    return WATCHTOWER_HTTP_STATUS[this.code];
  }
}
