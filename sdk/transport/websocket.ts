// The client side of the peer transport (docs/payment-channels.md §8.6, PC-E4): connects to the counterparty's
// WebSocket server, authenticates both ends over fresh challenges, and reconnects with exponential backoff and
// jitter when the connection is lost. Browser-safe: it uses the page's WebSocket, or the one it is given (`ws` on
// Node).
import { getAddress, type Signer } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { TransportError } from "../errors/transport";
import type { PeerMessage, PeerSession, PeerTransport } from "../payment-channels/engine/types";
import { computePaymentChannelId } from "../payment-channels/hashing";
import type { PaymentChannelsDeployment } from "../payment-channels/typed-data";
import type { PaymentChannel, PaymentChannelId } from "../payment-channels/types";
import { requireAddress, requireInteger } from "../internal/validate";
import { PeerConnection, type WebSocketLike } from "./connection";
import { CLOSE_CODES, admitSigner, counterpartyOf, type PeerSessionKeys, type ServedChannel } from "./handshake";

/**
 * A WebSocket class: the browser's `WebSocket`, or the `ws` package's on Node. The transport calls it as
 * `new WebSocket(url, [], { maxPayload })`; browsers ignore the options, `ws` enforces the limit while reading.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const ctor: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (
  url: string,
  protocols: string[],
  options: { maxPayload: number },
) => WebSocketLike;

/**
 * The default largest frame, 1 MiB: a frame of 1,000 proofs is about 450 KB.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ ...params, maxPayload: 4 * DEFAULT_MAX_PAYLOAD });
 * ```
 */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * What a {@link WebSocketTransport} takes. `participant` is the local participant of every channel in `channels`
 * (their terms), and `signer` signs for it: its own wallet, or its session key. Every channel must have the same
 * counterparty: the server must prove it is that address (or, through `sessionKeysOf`, one of its session keys).
 * `reconnect` delays grow from `initialDelayMs` by `factor` up to `maxDelayMs`, each drawn in [d/2, d] (jitter);
 * `false` disables reconnecting.
 *
 * @example
 * ```ts
 * const params: WebSocketTransportParameters = {
 *   url: "wss://hub.example/peer", WebSocket, participant: alice.address, signer: alice,
 *   deployment: { chainId: 1n, contract }, channels: [channel],
 * };
 * ```
 */
export type WebSocketTransportParameters = {
  url: string;
  /** Default: `globalThis.WebSocket` (browsers, Node 22+). On Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  participant: Address;
  signer: Signer;
  deployment: PaymentChannelsDeployment;
  channels: readonly PaymentChannel[];
  /** The counterparty's session keys: without it, only the counterparty's own key may answer the challenge. */
  sessionKeysOf?: PeerSessionKeys;
  /** The largest frame sent or accepted, in bytes. Default 1 MiB. */
  maxPayload?: number;
  /** How long a connection may take from opening to authenticated. Default 10 s. */
  handshakeTimeoutMs?: number;
  reconnect?: false | { initialDelayMs?: number; maxDelayMs?: number; factor?: number };
};

type Backoff = { initialDelayMs: number; maxDelayMs: number; factor: number };

/**
 * The client side of the authenticated peer transport: a {@link PeerTransport} over a WebSocket. It connects on
 * construction (register the handlers right away, before awaiting anything), fires `onOpen` after each authenticated
 * (re)connection and `onClosed` when one ends; connection attempts that fail before authentication (unreachable,
 * refused, timed out) go to `onError`, and the transport retries after a backoff until {@link close}. No frame is
 * delivered before both ends are authenticated; frames sent while disconnected are dropped (`send` returns false).
 * A connection the server replaced by a newer one of the same participant (another instance) is not retried.
 * Use `wss://` across networks: the handshake proves who the peer is, TLS keeps others off the connection.
 *
 * @example
 * ```ts
 * import WebSocket from "ws";
 * const transport = new WebSocketTransport({ url, WebSocket, participant: alice.address, signer: aliceKey, deployment, channels: [channel] });
 * transport.onOpen(({ peer }) => console.log("connected to", peer));
 * transport.onMessages((messages) => engine.receive(messages));
 * ```
 */
export class WebSocketTransport implements PeerTransport {
  /** The counterparty the server must prove to be. */
  readonly peer: Address;
  /** The connection's channel ids, sorted. */
  readonly channelIds: readonly PaymentChannelId[];
  readonly #p: WebSocketTransportParameters;
  readonly #WebSocket: WebSocketConstructor;
  readonly #served: ServedChannel[];
  readonly #maxPayload: number;
  readonly #handshakeTimeoutMs: number;
  readonly #backoff: Backoff | undefined;
  #connection: PeerConnection | undefined;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #onMessages: (messages: PeerMessage[]) => void = () => undefined;
  #onOpen: (session: PeerSession) => void = () => undefined;
  #onClosed: (error?: Error) => void = () => undefined;
  #onError: (error: TransportError) => void = () => undefined;

  /** @throws {InvalidParameterError} no WebSocket class, no channel, or channels with different counterparties. */
  constructor(params: WebSocketTransportParameters) {
    this.#p = params;
    const ctor = params.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (ctor === undefined) {
      throw new InvalidParameterError({
        parameter: "WebSocket",
        value: undefined,
        reason: "this platform has no global WebSocket: pass one (on Node 20, the ws package's)",
      });
    }
    this.#WebSocket = ctor;
    const participant = requireAddress("participant", params.participant);
    if (params.channels.length === 0) {
      throw new InvalidParameterError({ parameter: "channels", value: params.channels, reason: "must not be empty" });
    }
    this.#served = params.channels.map((channel, i) => {
      const counterparty = counterpartyOf(channel, participant);
      if (counterparty === undefined) {
        throw new InvalidParameterError({
          parameter: `channels[${i}]`,
          value: channel,
          reason: `${participant} is not one of its participants`,
        });
      }
      return { channel, channelId: computePaymentChannelId({ ...params.deployment, channel }), counterparty };
    });
    this.peer = this.#served[0].counterparty;
    const stranger = this.#served.find(({ counterparty }) => counterparty !== this.peer);
    if (stranger !== undefined) {
      throw new InvalidParameterError({
        parameter: "channels",
        value: stranger.channelId,
        reason: `one connection serves one counterparty: ${stranger.counterparty} is not ${this.peer}`,
      });
    }
    this.channelIds = [...new Set(this.#served.map(({ channelId }) => channelId))].sort();
    this.#maxPayload = requireInteger("maxPayload", params.maxPayload ?? DEFAULT_MAX_PAYLOAD, 1_024, 2 ** 30);
    this.#handshakeTimeoutMs = requireInteger("handshakeTimeoutMs", params.handshakeTimeoutMs ?? 10_000, 1, 2 ** 31);
    const r = params.reconnect === false ? undefined : (params.reconnect ?? {});
    this.#backoff = r && {
      initialDelayMs: requireInteger("reconnect.initialDelayMs", r.initialDelayMs ?? 250, 1, 2 ** 31),
      maxDelayMs: requireInteger("reconnect.maxDelayMs", r.maxDelayMs ?? 30_000, 1, 2 ** 31),
      factor: r.factor ?? 2,
    };
    this.#connect();
  }

  /** True between an `open` and the next `closed`. */
  get connected(): boolean {
    return this.#connection?.connected ?? false;
  }

  /**
   * Sends one frame; returns false (and drops it) when not connected.
   *
   * @throws {TransportError} `TRANSPORT_FRAME_TOO_LARGE`: the frame is over `maxPayload` (nothing sent; split it).
   */
  send(messages: readonly PeerMessage[]): boolean {
    return this.#connection?.send(messages) ?? false;
  }

  /** Every frame received, in order. One handler; a second call replaces it. */
  onMessages(handler: (messages: PeerMessage[]) => void): void {
    this.#onMessages = handler;
  }

  /** Called after every authenticated (re)connection. */
  onOpen(handler: (session: PeerSession) => void): void {
    this.#onOpen = handler;
  }

  /** Called when an authenticated connection ends: a {@link TransportError} says why, none after `close()`. */
  onClosed(handler: (error?: Error) => void): void {
    this.#onClosed = handler;
  }

  /** Called when a connection attempt fails before authentication (the transport retries after a backoff). */
  onError(handler: (error: TransportError) => void): void {
    this.#onError = handler;
  }

  /** Ends the transport for good: closes the connection, cancels any reconnect. Resolves once the socket is closed. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#connection?.close();
  }

  #connect(): void {
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#p.url, [], { maxPayload: this.#maxPayload });
    } catch (cause) {
      this.#onError(
        new TransportError({
          code: "TRANSPORT_CLOSED",
          message: `Cannot open a WebSocket to ${this.#p.url}`,
          details: { reason: "socket not created", byPeer: false },
          cause,
        }),
      );
      return this.#scheduleReconnect();
    }
    const connection: PeerConnection = new PeerConnection({
      socket,
      role: {
        kind: "client",
        peer: this.peer,
        channelIds: this.channelIds,
        admit: ({ signer }) =>
          admitSigner({ participant: this.peer, signer, served: this.#served, sessionKeysOf: this.#p.sessionKeysOf }),
      },
      participant: getAddress(this.#p.participant),
      signer: this.#p.signer,
      deployment: this.#p.deployment,
      maxPayload: this.#maxPayload,
      handshakeTimeoutMs: this.#handshakeTimeoutMs,
      events: {
        open: (session) => {
          this.#attempt = 0;
          this.#onOpen(session);
        },
        messages: (messages) => this.#onMessages(messages),
        end: (error, opened) => {
          if (this.#connection === connection) this.#connection = undefined;
          // The server dropped this connection for a newer one of the same participant: another instance of this
          // client took over. Coming back would only push it out in turn, for ever.
          if (error?.details.closeCode === CLOSE_CODES.REPLACED) this.#closed = true;
          if (opened) this.#onClosed(error);
          else if (error !== undefined) this.#onError(error);
          this.#scheduleReconnect();
        },
      },
    });
    this.#connection = connection;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#backoff === undefined) return;
    const { initialDelayMs, maxDelayMs, factor } = this.#backoff;
    const delay = Math.min(maxDelayMs, initialDelayMs * factor ** this.#attempt);
    this.#attempt += 1;
    // Jitter in [d/2, d]: clients cut off together (a hub restart) do not all come back in the same instant.
    this.#timer = setTimeout(() => this.#connect(), delay / 2 + (Math.random() * delay) / 2);
  }
}
