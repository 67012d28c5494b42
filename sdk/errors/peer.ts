// The payment channel engine's errors (docs/payment-channels.md §8): a message from the counterparty that the engine
// refused (nothing changed, an `error` message went back), and a local request the engine could not carry out.
import { PeerPayError } from "./base";

/**
 * A message from the counterparty was refused (rules PC-E3, §8.3): wrong channel, malformed, a nonce gap, an
 * equivocation, a bad signature, a proof its change does not produce, an over-spend, or a lock it does not know.
 * Nothing was stored or changed, and the counterparty was answered with an `error` message of the same code.
 * `details` holds the `channelId`, the message `type` and the facts (`nonce`, `expected`...).
 *
 * @example
 * ```ts
 * peer.on("refused", (err: PeerMessageError) => {
 *   if (err.code === "PEER_EQUIVOCATION") reportFraud(err.details);
 * });
 * ```
 */
export class PeerMessageError extends PeerPayError<
  | "PEER_WRONG_CHANNEL"
  | "PEER_MALFORMED_MESSAGE"
  | "PEER_OUT_OF_ORDER"
  | "PEER_EQUIVOCATION"
  | "PEER_INVALID_SIGNATURE"
  | "PEER_INVALID_CHANGE"
  | "PEER_OVERSPEND"
  | "PEER_UNKNOWN_LOCK"
  | "PEER_UNSAFE_EXPIRY"
  | "PEER_REQUEST_REFUSED"
> {
  override name = "PeerMessageError";
}

/**
 * A local request to a `ChannelPeer` or a `Hub` failed: the amount exceeds what this peer may spend, a lock is unknown
 * or unsafe, the counterparty refused (`PEER_REMOTE_ERROR`, its code in `details.remoteCode`), or the peer is stopped.
 * A refused request consumed no nonce and signed nothing.
 *
 * @example
 * ```ts
 * try {
 *   await peer.pay({ amount: 10n });
 * } catch (err) {
 *   if (err instanceof PeerRequestError && err.code === "PEER_OVERSPEND") await topUp();
 * }
 * ```
 */
export class PeerRequestError extends PeerPayError<
  | "PEER_OVERSPEND"
  | "PEER_UNKNOWN_LOCK"
  | "PEER_UNSAFE_EXPIRY"
  | "PEER_INVALID_CHANGE"
  | "PEER_REQUEST_REFUSED"
  | "PEER_REMOTE_ERROR"
  | "PEER_STOPPED"
> {
  override name = "PeerRequestError";
}
