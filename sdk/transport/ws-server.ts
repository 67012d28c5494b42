// The server side of the peer transport (docs/payment-channels.md §8.6, PC-E4), Node only (the `ws` package): listens
// for counterparties, authenticates each connection as the client side does, and hands out one PeerTransport per
// authenticated peer address, which outlives that peer's reconnections.
import type { IncomingMessage } from "node:http";
import { getAddress, type Signer } from "ethers";
import { WebSocketServer, type WebSocket } from "ws";
import type { Address } from "../core/types";
import { TransportError } from "../errors/transport";
import type { PeerMessage, PeerSession, PeerTransport } from "../payment-channels/engine/types";
import { computePaymentChannelId } from "../payment-channels/hashing";
import type { PaymentChannelsDeployment } from "../payment-channels/typed-data";
import type { PaymentChannel, PaymentChannelId } from "../payment-channels/types";
import { requireAddress, requireInteger } from "../internal/validate";
import { PeerConnection } from "./connection";
import {
  CLOSE_CODES,
  admitSigner,
  refuseImpossibleSigner,
  resolveServedChannels,
  type PeerSessionKeys,
} from "./handshake";
import { DEFAULT_MAX_PAYLOAD } from "./websocket";

/**
 * What {@link WebSocketPeerServer.listen} takes. `channels` are the local participant's channels, as a list of terms
 * or a lookup by id (for a hub whose channels change: it is asked at each handshake); a client must be the
 * counterparty of every channel it names. `port` 0 (the default) picks a free port; `host` defaults to 127.0.0.1:
 * set it (e.g. "0.0.0.0") to accept other machines, behind TLS. `heartbeatIntervalMs` (default 30 s, 0 = off):
 * a ping per interval, and a connection that did not answer the previous one is dropped.
 *
 * @example
 * ```ts
 * const params: WebSocketPeerServerParameters = { participant: hub.address, signer: hubKey, deployment, channels: [channel] };
 * ```
 */
export type WebSocketPeerServerParameters = {
  port?: number;
  host?: string;
  participant: Address;
  signer: Signer;
  deployment: PaymentChannelsDeployment;
  channels:
    | readonly PaymentChannel[]
    | ((channelId: PaymentChannelId) => PaymentChannel | undefined | Promise<PaymentChannel | undefined>);
  sessionKeysOf?: PeerSessionKeys;
  maxPayload?: number;
  handshakeTimeoutMs?: number;
  heartbeatIntervalMs?: number;
};

/**
 * An authenticated WebSocket server for the payment channel engine: one {@link PeerTransport} per counterparty.
 * `onPeer` announces a transport at its first authenticated connection (register its handlers there: its `onOpen`
 * fires right after); when that peer reconnects, the new socket replaces the old one in the same transport, which
 * fires `onClosed` then `onOpen` again. Connections refused before authentication go to `onError`.
 *
 * @example
 * ```ts
 * import { WebSocketPeerServer } from "peerpay/node";
 * const server = await WebSocketPeerServer.listen({ port: 8545, participant: hub.address, signer: hub, deployment, channels });
 * server.onPeer((transport, { peer }) => engines.get(peer)!.attach(transport));
 * console.log(`listening on ${server.url}`);
 * ```
 */
export class WebSocketPeerServer {
  /** The port bound (the one chosen when 0 was asked). */
  readonly port: number;
  /** `ws://host:port`, for the clients. */
  readonly url: string;
  readonly #p: WebSocketPeerServerParameters;
  readonly #wss: WebSocketServer;
  readonly #participant: Address;
  readonly #lookup: (channelId: PaymentChannelId) => PaymentChannel | undefined | Promise<PaymentChannel | undefined>;
  readonly #maxPayload: number;
  readonly #handshakeTimeoutMs: number;
  readonly #peers = new Map<Address, ServerPeerTransport>();
  readonly #connections = new Set<PeerConnection>();
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #heartbeat: ReturnType<typeof setInterval> | undefined;
  #onPeer: (transport: PeerTransport, session: PeerSession) => void = () => undefined;
  #onError: (error: TransportError, context: { remoteAddress: string | undefined }) => void = () => undefined;

  private constructor(params: WebSocketPeerServerParameters, wss: WebSocketServer, port: number, host: string) {
    this.#p = params;
    this.#wss = wss;
    this.port = port;
    this.url = `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
    this.#participant = requireAddress("participant", params.participant);
    this.#maxPayload = requireInteger("maxPayload", params.maxPayload ?? DEFAULT_MAX_PAYLOAD, 1_024, 2 ** 30);
    this.#handshakeTimeoutMs = requireInteger("handshakeTimeoutMs", params.handshakeTimeoutMs ?? 10_000, 1, 2 ** 31);
    const { channels, deployment } = params;
    if (typeof channels === "function") {
      this.#lookup = channels;
    } else {
      const byId = new Map(channels.map((channel) => [computePaymentChannelId({ ...deployment, channel }), channel]));
      this.#lookup = (channelId) => byId.get(channelId);
    }
    wss.on("connection", (socket, request) => this.#accept(socket, request));
    const interval = requireInteger("heartbeatIntervalMs", params.heartbeatIntervalMs ?? 30_000, 0, 2 ** 31);
    this.#heartbeat = interval === 0 ? undefined : setInterval(() => this.#ping(), interval);
  }

  /**
   * Starts a server and resolves once it listens.
   *
   * @throws {InvalidParameterError} a malformed parameter. Rejects with Node's error if the port cannot be bound.
   */
  static async listen(params: WebSocketPeerServerParameters): Promise<WebSocketPeerServer> {
    const host = params.host ?? "127.0.0.1";
    const maxPayload = params.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const wss = new WebSocketServer({ host, port: params.port ?? 0, maxPayload });
    await new Promise<void>((resolve, reject) => {
      wss.once("listening", resolve);
      wss.once("error", reject);
    });
    const address = wss.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      return new WebSocketPeerServer(params, wss, port, host);
    } catch (error) {
      wss.close();
      throw error;
    }
  }

  /** Called with each peer's transport at its first authenticated connection. One handler; a second replaces it. */
  onPeer(handler: (transport: PeerTransport, session: PeerSession) => void): void {
    this.#onPeer = handler;
  }

  /** Called for each connection refused or lost before it authenticated, with the error and the remote address. */
  onError(handler: (error: TransportError, context: { remoteAddress: string | undefined }) => void): void {
    this.#onError = handler;
  }

  /** The transport of `peer` (created if it has none yet, connected once that peer authenticates). */
  transportFor(peer: Address): PeerTransport {
    return this.#transportOf(requireAddress("peer", peer));
  }

  /** The peers with a live authenticated connection. */
  get connectedPeers(): Address[] {
    return [...this.#peers.values()].filter((transport) => transport.connected).map(({ peer }) => peer);
  }

  /** Closes every connection (code 1001, going away) and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    await Promise.all([...this.#connections].map((connection) => connection.close(CLOSE_CODES.GOING_AWAY, "shutdown")));
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #transportOf(peer: Address): ServerPeerTransport {
    let transport = this.#peers.get(peer);
    if (transport === undefined) {
      transport = new ServerPeerTransport(peer, () => this.#peers.delete(peer));
      this.#peers.set(peer, transport);
    }
    return transport;
  }

  #accept(socket: WebSocket, request: IncomingMessage): void {
    const remoteAddress = request.socket.remoteAddress;
    this.#alive.set(socket, true);
    socket.on("pong", () => this.#alive.set(socket, true));
    let transport: ServerPeerTransport | undefined;
    const connection: PeerConnection = new PeerConnection({
      socket,
      role: {
        kind: "server",
        admit: async ({ participant, channelIds, signer }) => {
          const claimed = getAddress(String(participant));
          const { sessionKeysOf } = this.#p;
          // A signature that cannot be the claimed participant's costs no channel lookup.
          refuseImpossibleSigner({ participant: claimed, signer, sessionKeysOf });
          const served = await resolveServedChannels({
            deployment: this.#p.deployment,
            local: this.#participant,
            claimed,
            channelIds,
            lookup: this.#lookup,
          });
          return admitSigner({ participant: claimed, signer, served, sessionKeysOf });
        },
      },
      participant: this.#participant,
      signer: this.#p.signer,
      deployment: this.#p.deployment,
      maxPayload: this.#maxPayload,
      handshakeTimeoutMs: this.#handshakeTimeoutMs,
      events: {
        open: (session) => {
          transport = this.#transportOf(session.peer);
          if (transport.attach(connection)) this.#onPeer(transport, session);
          transport.opened(session);
        },
        messages: (messages) => transport?.deliver(connection, messages),
        end: (error, opened) => {
          this.#connections.delete(connection);
          if (opened) transport?.detach(connection, error);
          else if (error !== undefined) this.#onError(error, { remoteAddress });
        },
      },
    });
    this.#connections.add(connection);
  }

  #ping(): void {
    for (const socket of this.#wss.clients) {
      if (this.#alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      this.#alive.set(socket, false);
      socket.ping();
    }
  }
}

/** One peer's transport on the server: its current authenticated connection, replaced when the peer reconnects. */
class ServerPeerTransport implements PeerTransport {
  readonly peer: Address;
  readonly #forget: () => void;
  #connection: PeerConnection | undefined;
  #announced = false;
  #closed = false;
  #onMessages: (messages: PeerMessage[]) => void = () => undefined;
  #onOpen: (session: PeerSession) => void = () => undefined;
  #onClosed: (error?: Error) => void = () => undefined;

  constructor(peer: Address, forget: () => void) {
    this.peer = peer;
    this.#forget = forget;
  }

  get connected(): boolean {
    return this.#connection?.connected ?? false;
  }

  send(messages: readonly PeerMessage[]): boolean {
    return this.#connection?.send(messages) ?? false;
  }

  onMessages(handler: (messages: PeerMessage[]) => void): void {
    this.#onMessages = handler;
  }

  onOpen(handler: (session: PeerSession) => void): void {
    this.#onOpen = handler;
  }

  onClosed(handler: (error?: Error) => void): void {
    this.#onClosed = handler;
  }

  /** Closes the peer's connection; the server forgets this transport (a later connection gets a new one). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#forget();
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection !== undefined) {
      await connection.close();
      this.#onClosed();
    }
  }

  /** Takes `connection` as the current one, closing the one it replaces. True on the first: announce the transport. */
  attach(connection: PeerConnection): boolean {
    const previous = this.#connection;
    this.#connection = connection;
    if (previous !== undefined) {
      void previous.close(CLOSE_CODES.REPLACED, "replaced by a newer connection");
      this.#onClosed(
        new TransportError({
          code: "TRANSPORT_CLOSED",
          message: "The peer's connection was replaced by a newer one",
          details: { reason: "replaced by a newer connection", byPeer: false, peer: this.peer },
        }),
      );
    }
    const first = !this.#announced;
    this.#announced = true;
    return first;
  }

  opened(session: PeerSession): void {
    if (this.#closed) {
      void this.#connection?.close();
      return;
    }
    this.#onOpen(session);
  }

  deliver(connection: PeerConnection, messages: PeerMessage[]): void {
    if (connection === this.#connection) this.#onMessages(messages);
  }

  detach(connection: PeerConnection, error: TransportError | undefined): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    this.#onClosed(error);
  }
}
