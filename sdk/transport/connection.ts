// One WebSocket connection of the peer transport, from its first byte to its close: the handshake (either role),
// then frames of messages checked just enough to route them. The client transport and the Node server both drive
// their sockets through this class, so the two ends cannot drift apart. Browser-safe: it sees the socket only
// through the small interface that both the browser's WebSocket and the `ws` package's implement.
import type { Signer } from "ethers";
import type { Address } from "../core/types";
import { TransportError } from "../errors/transport";
import type { PeerMessage, PeerSession } from "../payment-channels/engine/types";
import type { PaymentChannelsDeployment } from "../payment-channels/typed-data";
import type { PaymentChannelId } from "../payment-channels/types";
import {
  CLOSE_CODES,
  PEER_PROTOCOL_VERSION,
  authFailed,
  helloChannelIds,
  newChallenge,
  parseHandshakeMessage,
  recoverPeerHelloSigner,
  signPeerHello,
  type HandshakeMessage,
} from "./handshake";

/**
 * What the transport needs of a WebSocket: the browser's and the `ws` package's both fit. The event handlers are
 * typed with a `never` event so that either class's own handler types are accepted; the transport reads only
 * `data` (messages), `code` and `reason` (close) and `error` (ws's error events).
 *
 * @example
 * ```ts
 * const socket: WebSocketLike = new WebSocket("wss://hub.example/peer");
 * ```
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drops the TCP connection at once, without the closing handshake. */
  terminate?(): void;
}

const OPEN = 1;
const CLOSED = 3;
/** How long `close()` waits for the peer's close frame before dropping the connection (where the socket can). */
const CLOSE_GRACE_MS = 1_000;

/** Which end of the handshake, and what it needs to play it. */
export type ConnectionRole =
  | {
      kind: "client";
      /** The participant the client expects, and the channels it asks for. */
      peer: Address;
      channelIds: readonly PaymentChannelId[];
      /** Checks the server's proof (the signer of its `welcome`) and gives the session. */
      admit: (claim: { signer: Address | undefined }) => Promise<PeerSession>;
    }
  | {
      kind: "server";
      /** Checks a client's claim (who it says it is, its channels, who signed) and gives the session. */
      admit: (claim: {
        participant: Address;
        channelIds: PaymentChannelId[];
        signer: Address | undefined;
      }) => Promise<PeerSession>;
    };

/** What a connection reports: authenticated, a frame, and its end (once), with whether it had been authenticated. */
export type ConnectionEvents = {
  open(session: PeerSession): void;
  messages(messages: PeerMessage[]): void;
  end(error: TransportError | undefined, opened: boolean): void;
};

/** Everything a {@link PeerConnection} needs. */
export type PeerConnectionParameters = {
  socket: WebSocketLike;
  role: ConnectionRole;
  /** The local participant's address, and the wallet or session key that signs for it. */
  participant: Address;
  signer: Signer;
  deployment: PaymentChannelsDeployment;
  maxPayload: number;
  handshakeTimeoutMs: number;
  events: ConnectionEvents;
};

type State = "connecting" | "await-challenge" | "await-hello" | "await-welcome" | "open" | "ended";

/** One socket's handshake and frames. Ends exactly once; after that, nothing it receives is delivered. */
export class PeerConnection {
  readonly #p: PeerConnectionParameters;
  #state: State;
  /** Our challenge: the other end must sign it. */
  readonly #challenge = newChallenge();
  #channels = new Set<string>();
  #session: PeerSession | undefined;
  /** Frames that arrived while a handshake step was signing or verifying, delivered in order after it. */
  #queue: string[] | undefined;
  #queuedChars = 0;
  /** The first error seen (ws reports an oversized frame as an error event before the close event). */
  #pending: TransportError | undefined;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #socketClosed: Promise<void>;
  #resolveSocketClosed!: () => void;

  constructor(params: PeerConnectionParameters) {
    this.#p = params;
    const { socket } = params;
    this.#socketClosed = new Promise((resolve) => (this.#resolveSocketClosed = resolve));
    socket.onopen = () => this.#onSocketOpen();
    socket.onmessage = (event: { data: unknown }) => this.#onData(event.data);
    socket.onerror = (event: { error?: unknown }) => this.#onSocketError(event);
    socket.onclose = (event: { code: number; reason: string }) => this.#onSocketClose(event);
    this.#timer = setTimeout(
      () =>
        this.#fail(
          new TransportError({
            code: "TRANSPORT_TIMEOUT",
            message: `No complete handshake within ${params.handshakeTimeoutMs} ms`,
            details: { reason: "handshake timeout", byPeer: false },
          }),
          CLOSE_CODES.TIMEOUT,
        ),
      params.handshakeTimeoutMs,
    );
    this.#state = "connecting";
    if (socket.readyState === OPEN) this.#onSocketOpen();
  }

  /** The authenticated session, once open. */
  get session(): PeerSession | undefined {
    return this.#session;
  }

  get connected(): boolean {
    return this.#state === "open";
  }

  /** Sends one frame if authenticated; false (dropped) otherwise. Throws `TRANSPORT_FRAME_TOO_LARGE` before sending. */
  send(messages: readonly PeerMessage[]): boolean {
    if (this.#state !== "open" || this.#p.socket.readyState !== OPEN) return false;
    const data = JSON.stringify(messages);
    // A UTF-16 unit is at most 3 UTF-8 bytes: encode only frames that might be over the limit.
    const bytes = data.length * 3 <= this.#p.maxPayload ? data.length : new TextEncoder().encode(data).length;
    if (bytes > this.#p.maxPayload) {
      throw new TransportError({
        code: "TRANSPORT_FRAME_TOO_LARGE",
        message: `A frame of ${bytes} bytes is over the transport's maxPayload (${this.#p.maxPayload})`,
        details: { reason: "frame too large", byPeer: false, bytes, maxPayload: this.#p.maxPayload },
      });
    }
    this.#p.socket.send(data);
    return true;
  }

  /** Closes the connection (no error reported) and resolves once the socket is closed. */
  async close(code: number = CLOSE_CODES.NORMAL, reason = "closed"): Promise<void> {
    this.#end(undefined, code, reason);
    await this.closed();
  }

  /** Resolves once the socket itself is closed, dropping it if the peer does not answer the close in time. */
  async closed(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)));
    const closed = await Promise.race([this.#socketClosed.then(() => true), grace]);
    clearTimeout(timer);
    if (!closed) this.#p.socket.terminate?.();
  }

  #onSocketOpen(): void {
    if (this.#state !== "connecting") return;
    if (this.#p.role.kind === "client") {
      this.#state = "await-challenge";
      return;
    }
    this.#state = "await-hello";
    this.#sendHandshake({ type: "challenge", version: PEER_PROTOCOL_VERSION, challenge: this.#challenge });
  }

  #onData(data: unknown): void {
    if (this.#state === "ended") return;
    if (typeof data !== "string") return this.#fail(protocolError("a binary frame"), CLOSE_CODES.PROTOCOL);
    // The browser's WebSocket has no size limit of its own (ws enforces maxPayload before this).
    if (data.length > this.#p.maxPayload) return this.#fail(tooLarge(), CLOSE_CODES.FRAME_TOO_LARGE);
    if (this.#queue !== undefined) {
      this.#queuedChars += data.length;
      // A peer may send frames right after its `welcome`; more than a few frames' worth during one step is abuse.
      if (this.#queuedChars > 4 * this.#p.maxPayload) {
        return this.#fail(protocolError("too much data during the handshake"), CLOSE_CODES.PROTOCOL);
      }
      this.#queue.push(data);
      return;
    }
    if (this.#state === "open") return this.#deliver(data);
    const message = parseHandshakeMessage(data);
    if (message === undefined) return this.#fail(protocolError("not a handshake message"), CLOSE_CODES.PROTOCOL);
    this.#step(message);
  }

  /** Runs one asynchronous handshake step; frames arriving meanwhile are queued, then handled in order. */
  #step(message: HandshakeMessage): void {
    this.#queue = [];
    this.#handshake(message).then(
      () => {
        const queued = this.#queue ?? [];
        this.#queue = undefined;
        this.#queuedChars = 0;
        for (const data of queued) this.#onData(data);
      },
      (error: unknown) => {
        const failure =
          error instanceof TransportError
            ? error
            : authFailed(`the handshake failed: ${(error as Error)?.message ?? String(error)}`);
        this.#fail(failure, failure.code === "TRANSPORT_PROTOCOL" ? CLOSE_CODES.PROTOCOL : CLOSE_CODES.AUTH_FAILED);
      },
    );
  }

  async #handshake(message: HandshakeMessage): Promise<void> {
    const { role, deployment, participant, signer } = this.#p;
    if (role.kind === "client" && this.#state === "await-challenge" && message.type === "challenge") {
      if (message.version !== PEER_PROTOCOL_VERSION) throw protocolError(`protocol version ${message.version}`);
      const signature = await signPeerHello({
        deployment,
        signer,
        challenge: message.challenge,
        peer: role.peer,
        channelIds: role.channelIds,
      });
      if (this.#state !== "await-challenge") return;
      this.#state = "await-welcome";
      this.#sendHandshake({
        type: "hello",
        version: PEER_PROTOCOL_VERSION,
        participant,
        channels: [...role.channelIds],
        challenge: this.#challenge,
        signature,
      });
      return;
    }
    if (role.kind === "client" && this.#state === "await-welcome" && message.type === "welcome") {
      const recovered = recoverPeerHelloSigner({
        deployment,
        challenge: this.#challenge,
        peer: participant,
        channelIds: role.channelIds,
        signature: message.signature,
      });
      return this.#open(await role.admit({ signer: recovered }));
    }
    if (role.kind === "server" && this.#state === "await-hello" && message.type === "hello") {
      if (message.version !== PEER_PROTOCOL_VERSION) throw protocolError(`protocol version ${message.version}`);
      const channelIds = helloChannelIds(message.channels);
      const claimed = message.participant;
      const recovered = recoverPeerHelloSigner({
        deployment,
        challenge: this.#challenge,
        peer: participant,
        channelIds,
        signature: message.signature,
      });
      const session = await role.admit({ participant: claimed, channelIds, signer: recovered });
      const signature = await signPeerHello({
        deployment,
        signer,
        challenge: message.challenge,
        peer: session.peer,
        channelIds,
      });
      if (this.#state !== "await-hello") return;
      this.#sendHandshake({ type: "welcome", signature });
      return this.#open(session);
    }
    throw protocolError(`unexpected "${message.type}" message`);
  }

  #open(session: PeerSession): void {
    if (this.#state === "ended") return;
    clearTimeout(this.#timer);
    this.#state = "open";
    this.#session = session;
    this.#channels = new Set(session.channels);
    this.#p.events.open(session);
  }

  /** Checks a frame's shape (an array of messages of this session's channels) and hands it over whole, or fails. */
  #deliver(data: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return this.#fail(protocolError("malformed JSON"), CLOSE_CODES.PROTOCOL);
    }
    if (!Array.isArray(frame)) return this.#fail(protocolError("a frame that is not an array"), CLOSE_CODES.PROTOCOL);
    for (const message of frame as unknown[]) {
      if (typeof message !== "object" || message === null || Array.isArray(message)) {
        return this.#fail(protocolError("a message that is not an object"), CLOSE_CODES.PROTOCOL);
      }
      const { type, channelId } = message as { type?: unknown; channelId?: unknown };
      if (typeof type !== "string" || typeof channelId !== "string") {
        return this.#fail(protocolError("a message without a type or channelId"), CLOSE_CODES.PROTOCOL);
      }
      if (!this.#channels.has(channelId) && !this.#channels.has(channelId.toLowerCase())) {
        return this.#fail(
          protocolError(`a message of channel ${channelId.slice(0, 66)}, not served`),
          CLOSE_CODES.PROTOCOL,
        );
      }
    }
    if (frame.length > 0) this.#p.events.messages(frame as PeerMessage[]);
  }

  #sendHandshake(message: HandshakeMessage): void {
    if (this.#p.socket.readyState === OPEN) this.#p.socket.send(JSON.stringify(message));
  }

  #onSocketError(event: { error?: unknown }): void {
    const error = event.error as { code?: unknown; message?: unknown } | undefined;
    if (error?.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      this.#pending ??= tooLarge();
      return;
    }
    this.#pending ??= new TransportError({
      code: "TRANSPORT_CLOSED",
      message: `The connection failed${typeof error?.message === "string" ? `: ${error.message}` : ""}`,
      details: { reason: "socket error", byPeer: false },
      cause: error,
    });
  }

  #onSocketClose({ code, reason }: { code: number; reason: string }): void {
    this.#resolveSocketClosed();
    if (this.#state === "ended") return;
    this.#end(this.#pending ?? closeError(code, reason));
  }

  /** Refuses the peer: tells it why in the close frame, and reports the error locally. */
  #fail(error: TransportError, code: number): void {
    this.#end(error, code, String(error.details.reason));
  }

  #end(error: TransportError | undefined, code?: number, reason?: string): void {
    if (this.#state === "ended") return;
    const opened = this.#state === "open";
    this.#state = "ended";
    this.#queue = undefined;
    clearTimeout(this.#timer);
    if (code !== undefined && this.#p.socket.readyState !== CLOSED) {
      try {
        this.#p.socket.close(code, truncateReason(reason ?? ""));
      } catch {
        this.#p.socket.terminate?.();
      }
    }
    this.#p.events.end(error, opened);
  }
}

function protocolError(reason: string): TransportError {
  return new TransportError({
    code: "TRANSPORT_PROTOCOL",
    message: `Peer protocol violation: ${reason}`,
    details: { reason, byPeer: false },
  });
}

function tooLarge(): TransportError {
  return new TransportError({
    code: "TRANSPORT_FRAME_TOO_LARGE",
    message: "A received frame is over the transport's maxPayload",
    details: { reason: "frame too large", byPeer: false },
  });
}

/** The error a close frame from the peer means: its refusal of us (4001-4005, 1009), or the connection's loss. */
function closeError(code: number, reason: string): TransportError {
  const details = { reason: reason === "" ? `closed with code ${code}` : reason, byPeer: true, closeCode: code };
  switch (code) {
    case CLOSE_CODES.AUTH_FAILED:
      return new TransportError({ code: "TRANSPORT_AUTH_FAILED", message: `The peer refused us: ${reason}`, details });
    case CLOSE_CODES.PROTOCOL:
      return new TransportError({ code: "TRANSPORT_PROTOCOL", message: `The peer refused us: ${reason}`, details });
    case CLOSE_CODES.TIMEOUT:
      return new TransportError({ code: "TRANSPORT_TIMEOUT", message: `The peer timed us out: ${reason}`, details });
    case CLOSE_CODES.MESSAGE_TOO_BIG:
    case CLOSE_CODES.FRAME_TOO_LARGE:
      return new TransportError({ code: "TRANSPORT_FRAME_TOO_LARGE", message: "The peer refused a frame", details });
    default:
      return new TransportError({ code: "TRANSPORT_CLOSED", message: `The connection closed (${code})`, details });
  }
}

/** Browsers refuse a close reason over 123 bytes; ours are ASCII. */
function truncateReason(reason: string): string {
  return reason.length <= 120 ? reason : `${reason.slice(0, 117)}...`;
}
