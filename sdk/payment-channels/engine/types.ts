// The payment channel engine's contracts between its parts (docs/payment-channels.md §8): the changes a proof
// carries, the JSON messages peers exchange, the durable log a peer keeps, and the transport that moves messages.
// Pure types, browser-safe: the Node store and the WebSocket transport implement these interfaces elsewhere.
import type { Address } from "../../core/types";
import type { PeerPayErrorCode } from "../../errors/codes";
import type { BalanceProof, Lock, PaymentChannelId } from "../types";

/**
 * The one change that turns a direction's proof `n` into proof `n + 1` (docs/payment-channels.md §8.2). It travels
 * with the proof, so the receiver recomputes the proof it expects instead of trusting the sender's arithmetic.
 *
 * @example
 * ```ts
 * const change: ProofChange = { kind: "lock", lock: { amount: 100n, expiry: now + 600, secretHash } };
 * ```
 */
export type ProofChange =
  | { kind: "pay"; amount: bigint }
  | { kind: "lock"; lock: Lock }
  | { kind: "unlock"; secretHash: string; secret: string }
  | { kind: "expire"; secretHash: string };

/**
 * A signed proof of one direction with the change that produced it: what a sender logs before sending and a
 * receiver logs before acknowledging.
 *
 * @example
 * ```ts
 * const sent: SignedProof = { channelId, change: { kind: "pay", amount: 5n }, proof, signature };
 * ```
 */
export type SignedProof = {
  channelId: PaymentChannelId;
  change: ProofChange;
  proof: BalanceProof;
  signature: string;
};

/**
 * A {@link ProofChange} on the wire: amounts as decimal strings, hashes and secrets as `0x`-hex.
 *
 * @example
 * ```ts
 * const wire: WireChange = { kind: "pay", amount: "5" };
 * ```
 */
export type WireChange =
  | { kind: "pay"; amount: string }
  | { kind: "lock"; lock: { amount: string; expiry: number; secretHash: string } }
  | { kind: "unlock"; secretHash: string; secret: string }
  | { kind: "expire"; secretHash: string };

/**
 * A {@link BalanceProof} on the wire: nonce and amounts as decimal strings.
 *
 * @example
 * ```ts
 * const wire: WireProof = { nonce: "7", transferred: "1500", locked: "0", locksRoot: ZeroHash };
 * ```
 */
export type WireProof = { nonce: string; transferred: string; locked: string; locksRoot: string };

/**
 * The JSON messages of docs/payment-channels.md §8.3. A transport frame carries an array of them. Every message
 * names its channel; `id` on a request is echoed by its answer.
 *
 * @example
 * ```ts
 * const ack: PeerMessage = { type: "ack", channelId, nonce: "42" };
 * ```
 */
export type PeerMessage =
  | { type: "proof"; channelId: string; change: WireChange; proof: WireProof; signature: string }
  | { type: "ack"; channelId: string; nonce: string }
  | { type: "secret"; channelId: string; secret: string }
  | {
      type: "withdraw-request";
      channelId: string;
      id: string;
      participant: string;
      totalWithdrawn: string;
      expiry: string;
      signature: string;
    }
  | { type: "withdraw-signature"; channelId: string; id: string; signature: string }
  | {
      type: "close-request";
      channelId: string;
      id: string;
      balance1: string;
      balance2: string;
      expiry: string;
      signature: string;
    }
  | { type: "close-signature"; channelId: string; id: string; signature: string }
  | { type: "error"; channelId: string; code: PeerPayErrorCode; message: string; ref?: string };

/**
 * One record of a peer's durable log, JSON-safe (bigints as decimal strings, as on the wire). The engine defines the
 * record kinds (`type`); a store keeps them opaque, in order, and gives them back on open.
 *
 * @example
 * ```ts
 * const record: PeerLogRecord = { type: "acked", channelId, nonce: "42" };
 * ```
 */
export type PeerLogRecord = { type: string; [field: string]: unknown };

/**
 * A peer's durable, append-only log (docs/payment-channels.md §8.4). Records are kept in the order appended.
 *
 * - `append(records, { durable: true })` resolves only once every record is on stable storage (and every record
 *   appended before it); concurrent appends are committed in groups, one sync per group. With `durable: false` it
 *   resolves once the records are queued in order (a later durable append, or close, makes them durable too).
 * - `load()` gives back every record appended before, in order, once, before the first append; a torn last record
 *   is dropped (it was never acknowledged as durable).
 * - `compact(snapshot)` replaces the whole log by `snapshot` atomically (a crash leaves the old log or the new one).
 * - After a failed write or sync the store fails every later call (it cannot know what reached the disk).
 *
 * Implementations: `MemoryPeerStore` (tests, browsers without persistence), `FilePeerStore` (Node, `peerpay/node`).
 *
 * @example
 * ```ts
 * await store.append([{ type: "sent", channelId, ...wireProof }], { durable: true });
 * ```
 */
export interface PeerStore {
  load(): Promise<PeerLogRecord[]>;
  append(records: readonly PeerLogRecord[], options: { durable: boolean }): Promise<void>;
  compact(snapshot: readonly PeerLogRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Who is at the other end of an authenticated transport: the participant address it proved, and the channels that
 * both ends share on this connection.
 *
 * @example
 * ```ts
 * transport.onOpen(({ peer, channels }) => console.log(`${peer} serves ${channels.length} channels`));
 * ```
 */
export type PeerSession = { peer: Address; channels: readonly PaymentChannelId[] };

/**
 * Moves arrays of {@link PeerMessage}s between two authenticated peers (docs/payment-channels.md §8.6). Delivery is
 * best effort: frames sent while disconnected, or lost with a connection, are gone, and the engine resends what is
 * unacknowledged on the next `open`. A transport never delivers a frame from an unauthenticated peer.
 *
 * Implementations: `MemoryTransport` (tests: drop, duplicate, reorder, delay), `WebSocketTransport` (Node's `ws` or
 * the browser's WebSocket).
 *
 * @example
 * ```ts
 * transport.onMessages((messages) => peer.receive(messages));
 * transport.send([{ type: "ack", channelId, nonce: "3" }]);
 * ```
 */
export interface PeerTransport {
  /** True between an `open` and the next `closed`. */
  readonly connected: boolean;
  /** Sends one frame; returns false (and drops it) when not connected. */
  send(messages: readonly PeerMessage[]): boolean;
  /** Every frame received, in the order received. One handler; a second call replaces it. */
  onMessages(handler: (messages: PeerMessage[]) => void): void;
  /** Called on every (re)connection, after authentication. */
  onOpen(handler: (session: PeerSession) => void): void;
  /** Called when a connection ends; `error` says why if it failed. */
  onClosed(handler: (error?: Error) => void): void;
  /** Ends the transport for good: no reconnect. */
  close(): Promise<void>;
}
