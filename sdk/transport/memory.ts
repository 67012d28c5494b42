// An in-memory PeerTransport pair for tests and in-process peers (docs/payment-channels.md §8.6), with fault
// injection: frames can be dropped, duplicated, reordered or held back on demand, and the link cut and restored.
import type { Address } from "../core/types";
import type { PeerMessage, PeerSession, PeerTransport } from "../payment-channels/engine/types";
import type { PaymentChannelId } from "../payment-channels/types";

/**
 * What happens to the frames one end sends: each probability is drawn per frame from `random` (default
 * `Math.random`; pass a seeded one for reproducible runs); `hold` keeps every frame until `release`.
 *
 * @example
 * ```ts
 * const faults: MemoryTransportFaults = { drop: 0.05, duplicate: 0.05, reorder: 0.1 };
 * ```
 */
export type MemoryTransportFaults = {
  drop?: number;
  duplicate?: number;
  reorder?: number;
  hold?: boolean;
  random?: () => number;
};

type Link = { connected: boolean; ends: [MemoryTransport, MemoryTransport] };

/**
 * One end of an in-memory link. Frames are delivered asynchronously (on a later microtask), copied through JSON as a
 * socket would, and never to a closed end. Create two connected ends with {@link MemoryTransport.pair}.
 *
 * @example
 * ```ts
 * const [a, b] = MemoryTransport.pair({ peers: [alice, bob], channels: [channelId] });
 * b.faults({ drop: 0.1 });
 * a.disconnect(); a.reconnect();
 * ```
 */
export class MemoryTransport implements PeerTransport {
  readonly #link: Link;
  readonly #session: PeerSession;
  #other!: MemoryTransport;
  #faults: MemoryTransportFaults = {};
  #held: PeerMessage[][] = [];
  #onMessages: (messages: PeerMessage[]) => void = () => {};
  #onOpen: (session: PeerSession) => void = () => {};
  #onClosed: (error?: Error) => void = () => {};
  #ended = false;
  /** Frames this end sent (including those then dropped). */
  sentFrames = 0;

  private constructor(link: Link, session: PeerSession) {
    this.#link = link;
    this.#session = session;
  }

  /**
   * Two connected ends: the first end's session names `peers[1]` as its peer and the second `peers[0]`. The link
   * starts connected; each end's `onOpen` handler fires (on a later microtask) once it is registered.
   *
   * @example
   * ```ts
   * const [aliceEnd, bobEnd] = MemoryTransport.pair({ peers: [alice, bob], channels: [channelId] });
   * ```
   */
  static pair({
    peers,
    channels,
  }: {
    peers: [Address, Address];
    channels: readonly PaymentChannelId[];
  }): [MemoryTransport, MemoryTransport] {
    const link = { connected: true } as Link;
    const a = new MemoryTransport(link, { peer: peers[1], channels: [...channels] });
    const b = new MemoryTransport(link, { peer: peers[0], channels: [...channels] });
    a.#other = b;
    b.#other = a;
    link.ends = [a, b];
    return [a, b];
  }

  /** True while the link is up and this end not closed. @example `if (transport.connected) transport.send(frame);` */
  get connected(): boolean {
    return this.#link.connected && !this.#ended && !this.#other.#ended;
  }

  /** Sends one frame to the other end (subject to the faults set on this end). @example `transport.send([ack]);` */
  send(messages: readonly PeerMessage[]): boolean {
    if (!this.connected) return false;
    this.sentFrames += 1;
    const frame = JSON.parse(JSON.stringify(messages)) as PeerMessage[];
    const faults = this.#faults;
    const random = faults.random ?? Math.random;
    if (faults.hold === true) {
      this.#held.push(frame);
      return true;
    }
    if (random() < (faults.drop ?? 0)) return true;
    if (random() < (faults.reorder ?? 0)) {
      // Held back and delivered after the next frame (or on release).
      this.#held.push(frame);
      return true;
    }
    this.#deliver(frame);
    if (random() < (faults.duplicate ?? 0)) this.#deliver(frame);
    if (this.#held.length > 0) this.#flushHeld();
    return true;
  }

  /** Sets the faults applied to the frames this end sends. @example `transport.faults({ drop: 0.2 });` */
  faults(faults: MemoryTransportFaults): void {
    this.#faults = { ...faults };
  }

  /** Delivers every held frame, in the order held (unless `reverse`). @example `transport.release({ reverse: true });` */
  release(options: { reverse?: boolean } = {}): number {
    const count = this.#held.length;
    if (options.reverse === true) this.#held.reverse();
    this.#flushHeld();
    return count;
  }

  /** Drops every held frame, as a lost connection would. @example `transport.discardHeld();` */
  discardHeld(): number {
    const count = this.#held.length;
    this.#held = [];
    return count;
  }

  /** Cuts the link: both ends' `onClosed` fire; frames held or sent meanwhile are lost. @example `a.disconnect();` */
  disconnect(error?: Error): void {
    if (!this.#link.connected) return;
    this.#link.connected = false;
    for (const end of this.#link.ends) {
      end.#held = [];
      queueMicrotask(() => end.#onClosed(error));
    }
  }

  /** Restores the link: both ends' `onOpen` fire, so peers resend what is unacknowledged. @example `a.reconnect();` */
  reconnect(): void {
    if (this.#link.connected || this.#ended || this.#other.#ended) return;
    this.#link.connected = true;
    for (const end of this.#link.ends) queueMicrotask(() => end.#onOpen(end.#session));
  }

  /** Registers the frame handler. @example `transport.onMessages((frame) => peer.receive(frame));` */
  onMessages(handler: (messages: PeerMessage[]) => void): void {
    this.#onMessages = handler;
  }

  /** Registers the open handler; fires at once (next microtask) if connected. @example `transport.onOpen(() => resend());` */
  onOpen(handler: (session: PeerSession) => void): void {
    this.#onOpen = handler;
    if (this.connected) queueMicrotask(() => this.connected && handler(this.#session));
  }

  /** Registers the closed handler. @example `transport.onClosed((err) => console.warn(err));` */
  onClosed(handler: (error?: Error) => void): void {
    this.#onClosed = handler;
  }

  /** Ends this end for good; the other end sees the link close. @example `await transport.close();` */
  async close(): Promise<void> {
    if (this.#ended) return;
    const wasConnected = this.connected;
    this.#ended = true;
    this.#held = [];
    if (wasConnected) {
      this.#link.connected = false;
      for (const end of this.#link.ends) queueMicrotask(() => end.#onClosed());
    }
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const frame of held) this.#deliver(frame);
  }

  #deliver(frame: PeerMessage[]): void {
    const target = this.#other;
    queueMicrotask(() => {
      if (this.connected) target.#onMessages(frame);
    });
  }
}
