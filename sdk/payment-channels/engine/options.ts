// The parameters and events of a ChannelPeer (docs/payment-channels.md §8).
import type { Address } from "../../core/types";
import type { PeerMessageError, PeerRequestError } from "../../errors/peer";
import type { PaymentChannelsClient } from "../client";
import type { PaymentChannel } from "../types";
import type { ProofEntry } from "./ledger";
import type { PeerSigner } from "./proofs";
import type { PeerStore, PeerTransport } from "./types";

/**
 * What a {@link ChannelPeer} is built from. `window` bounds the unacknowledged proofs in flight (default 1,024);
 * `now` gives unix seconds (default the system clock; pass the chain's time in tests); `minLockSeconds` the shortest
 * lock this peer accepts or sends (default 600); `maxLockSeconds` the longest (default 7 days: on-chain, a direction's
 * locks are unlocked together, only once each is registered or expired, so one far-off expiry would hold every other
 * lock of that direction); `resendMs` how long unacknowledged proofs wait before a resend
 * (default 2,000); `compactEvery` how many records between log compactions (default 20,000); `counterpartyKeys`
 * session keys accepted for the counterparty besides those read from the chain at `start`. `verifyEvery` checks the
 * signature of every incoming proof; by default a frame of consecutive proofs has its last proof's signature checked
 * (it commits to the cumulative result of every change before it, each of which is still recomputed and checked), and
 * the others' only when the run stops before that proof.
 *
 * @example
 * ```ts
 * const params: ChannelPeerParameters = { client, channel, self: me, signer: { privateKey }, store, transport };
 * ```
 */
export type ChannelPeerParameters = {
  client: PaymentChannelsClient;
  channel: PaymentChannel;
  self: Address;
  signer: PeerSigner;
  store: PeerStore;
  transport: PeerTransport;
  window?: number;
  now?: () => number;
  minLockSeconds?: number;
  maxLockSeconds?: number;
  resendMs?: number;
  compactEvery?: number;
  counterpartyKeys?: readonly Address[];
  verifyEvery?: boolean;
};

/**
 * The events a {@link ChannelPeer} emits: a message it refused (`refused`), an `error` message from the counterparty
 * (`remoteError`), a proof it stored durably and acknowledged (`received`), a secret it learnt from the receiver of
 * one of its locks (`secret`), and a store failure after which it stops (`failed`).
 *
 * @example
 * ```ts
 * peer.on("received", ({ change }) => console.log(change.kind));
 * ```
 */
export type ChannelPeerEvents = {
  refused: PeerMessageError;
  remoteError: PeerRequestError;
  received: ProofEntry;
  secret: { secret: string; secretHash: string };
  failed: unknown;
};
