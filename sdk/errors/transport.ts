// The peer transport's errors (docs/payment-channels.md §8.6): one class, five codes, so that an engine or an app can
// tell a peer that failed to authenticate from one that broke the protocol or simply went away.
import { PeerPayError } from "./base";

/**
 * Why a peer connection was refused or ended: `TRANSPORT_AUTH_FAILED` (the handshake's signature, peer or channels
 * are wrong), `TRANSPORT_PROTOCOL` (malformed or unexpected frame), `TRANSPORT_FRAME_TOO_LARGE`, `TRANSPORT_TIMEOUT`
 * (no complete handshake in time) or `TRANSPORT_CLOSED` (lost, closed by the peer, or never reached). `details`:
 * `reason`, `byPeer` (true when the other end refused us and told us why in its close frame), `closeCode`, `peer`.
 *
 * @example
 * ```ts
 * transport.onClosed((error) => {
 *   if (error instanceof TransportError && error.code === "TRANSPORT_AUTH_FAILED") alert(error.details.reason);
 * });
 * ```
 */
export class TransportError extends PeerPayError<
  | "TRANSPORT_AUTH_FAILED"
  | "TRANSPORT_PROTOCOL"
  | "TRANSPORT_FRAME_TOO_LARGE"
  | "TRANSPORT_TIMEOUT"
  | "TRANSPORT_CLOSED"
> {
  override name = "TransportError";
}
