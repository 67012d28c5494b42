// Paid HTTP's errors (docs/http-payments.md §6): one class for the paywall's refusals as a client sees them and for
// payingFetch's own refusals, so that an app catches one type around a paid request.
import { PeerPayError } from "./base";

/**
 * The codes of {@link HttpPaymentError}: the paywall's (`HTTP_PAYMENT_*`) and the paying client's.
 *
 * @example
 * ```ts
 * const retryLater: HttpPaymentErrorCode = "HTTP_PAYMENT_UNAVAILABLE";
 * ```
 */
export type HttpPaymentErrorCode =
  | "HTTP_PAYMENT_REQUIRED"
  | "HTTP_PAYMENT_TOO_LARGE"
  | "HTTP_PAYMENT_MALFORMED"
  | "HTTP_PAYMENT_FOREIGN"
  | "HTTP_PAYMENT_REPLAYED"
  | "HTTP_PAYMENT_UNDERPAID"
  | "HTTP_PAYMENT_UNAVAILABLE"
  | "HTTP_REQUIREMENTS_UNSUPPORTED"
  | "HTTP_PRICE_ABOVE_LIMIT"
  | "HTTP_BUDGET_EXCEEDED"
  | "HTTP_PAYMENT_REFUSED"
  | "HTTP_PAYEE_REPORT_INVALID"
  | "HTTP_SESSION_KEY_UNAVAILABLE";

/**
 * A paid HTTP request failed. On the client: `HTTP_PRICE_ABOVE_LIMIT` and `HTTP_BUDGET_EXCEEDED` are raised before
 * anything is signed (HP-C1); `HTTP_PAYMENT_REFUSED` carries the payee's code in `details.code` and its report in
 * `details.stored`; `HTTP_PAYEE_REPORT_INVALID` means the payee claimed a total never signed (HP-C7). On the server,
 * the paywall writes the same codes into its 402 bodies. `details` holds `url`, `price`, `limit`, `channelId`... as
 * relevant.
 *
 * @example
 * ```ts
 * try {
 *   await pay("https://api.example/data");
 * } catch (err) {
 *   if (err instanceof HttpPaymentError && err.code === "HTTP_PRICE_ABOVE_LIMIT") console.warn(err.details.price);
 * }
 * ```
 */
export class HttpPaymentError extends PeerPayError<HttpPaymentErrorCode> {
  override name = "HttpPaymentError";
}
