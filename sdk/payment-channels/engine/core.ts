// The engine of a ChannelPeer (docs/payment-channels.md §8): it signs its own direction's proofs (pipelined, batched,
// durably logged before they leave, PC-E1/PC-E2), checks and stores the counterparty's before acknowledging them
// (PC-E3), resends what is unacknowledged, and compacts its log. The public acts live in ChannelPeer (peer.ts).
import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import type { PeerPayError } from "../../errors/base";
import { PeerMessageError, PeerRequestError } from "../../errors/peer";
import type { PaymentChannelsClient } from "../client";
import { computePaymentChannelId, normalizePaymentChannel } from "../hashing";
import type { Lock, PaymentChannel, PaymentChannelId } from "../types";
import { CooperativeDesk } from "./cooperative";
import { checkIncomingProof, signerOf, trustedBelow } from "./inbound";
import { PeerLedger, type PeerBalances, type ProofEntry } from "./ledger";
import type { ChannelPeerEvents, ChannelPeerParameters } from "./options";
import { applyChange, ProofSigner } from "./proofs";
import type { PeerLogRecord, PeerMessage, PeerStore, PeerTransport, ProofChange } from "./types";

type Request = { change: ProofChange; resolve: () => void; reject: (error: unknown) => void };
type Listener<E extends keyof ChannelPeerEvents> = (event: ChannelPeerEvents[E]) => void;

const MAX_BATCH = 512;

/** The engine shared by every ChannelPeer; see {@link ChannelPeer} (peer.ts) for the public acts. */
export abstract class ChannelPeerCore {
  readonly client: PaymentChannelsClient;
  readonly channel: PaymentChannel;
  readonly self: Address;
  readonly store: PeerStore;
  readonly transport: PeerTransport;
  readonly window: number;
  readonly now: () => number;
  readonly minLockSeconds: number;
  readonly maxLockSeconds: number;
  #params: ChannelPeerParameters;
  protected ledger!: PeerLedger;
  #signer!: ProofSigner;
  protected desk!: CooperativeDesk;
  #keys = new Set<Address>();
  protected queue: Request[] = [];
  protected waiting = new Map<bigint, Request>();
  #flushing = false;
  #flushScheduled = false;
  #durableSent = 0n;
  #durableIn = 0n;
  #inbox: Promise<void> = Promise.resolve();
  #writes: Promise<void> = Promise.resolve();
  #sinceCompaction = 0;
  #state: "new" | "running" | "stopped" = "new";
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastProgress = 0;
  #listeners: { [E in keyof ChannelPeerEvents]?: Listener<E>[] } = {};

  constructor(params: ChannelPeerParameters) {
    this.#params = params;
    this.client = params.client;
    this.channel = normalizePaymentChannel(params.channel);
    this.self = params.self;
    this.store = params.store;
    this.transport = params.transport;
    this.window = params.window ?? 1_024;
    this.now = params.now ?? (() => Math.floor(Date.now() / 1_000));
    this.minLockSeconds = params.minLockSeconds ?? 600;
    this.maxLockSeconds = params.maxLockSeconds ?? 7 * 86_400;
  }

  /** The channel id (after `start`). @example `const id = peer.channelId;` */
  get channelId(): PaymentChannelId {
    return this.ledger.channelId;
  }

  /** The counterparty's address. @example `const bob = peer.counterparty;` */
  get counterparty(): Address {
    return this.ledger.other;
  }

  /**
   * Replays the store (PC-E1), reads deposits, withdrawals and the counterparty's session keys from the chain, and
   * starts serving the transport (resending unacknowledged proofs on every open).
   *
   * @example
   * ```ts
   * await peer.start();
   * ```
   */
  async start(): Promise<void> {
    if (this.#state !== "new") throw this.stopped();
    const chainId = await this.client.getChainId();
    const channelId = computePaymentChannelId({ chainId, contract: this.client.address, channel: this.channel });
    this.ledger = new PeerLedger({ channel: this.channel, channelId, me: this.self, recentLimit: 4 * this.window });
    if (this.ledger.me !== this.channel.participant1 && this.ledger.me !== this.channel.participant2) {
      throw new PeerRequestError({ code: "PEER_REQUEST_REFUSED", message: "self is not a participant" });
    }
    const deployment = { chainId, contract: this.client.address, channelId };
    this.#signer = new ProofSigner({ ...deployment, signer: this.#params.signer });
    this.ledger.replay(await this.store.load());
    this.#durableSent = this.ledger.out.proof.nonce;
    this.#durableIn = this.ledger.in.proof.nonce;
    this.#keys = new Set([this.ledger.other, ...(this.#params.counterpartyKeys ?? [])]);
    if (!this.ledger.isFirst && this.channel.key1 !== ZeroAddress) {
      this.#keys.add(this.channel.key1);
    }
    await this.refresh();
    this.desk = new CooperativeDesk({
      peer: this,
      ledger: this.ledger,
      deployment,
      signer: this.#params.signer,
      keys: () => [...this.#keys],
      send: (messages) => this.send(messages),
      append: (records, durable) => this.append(records, durable),
      idle: () => this.queue.length === 0 && this.ledger.unacked.length === 0 && !this.#flushing,
    });
    this.#state = "running";
    this.transport.onMessages((frame) => this.#enqueueFrame(frame));
    this.transport.onOpen(() => this.resend());
    this.transport.onClosed(() => {});
    this.#arm();
  }

  /** Reads deposits, withdrawals and the counterparty's session keys from the chain. @example `await peer.refresh();` */
  async refresh(): Promise<void> {
    const state = await this.client.getChannel({ channel: this.channel });
    this.ledger.setOnChain(state);
    const keys = await this.client.sessionKeysOf({ channel: this.channel, participant: this.ledger.other });
    // Rebuilt, not accumulated: a key rotated out more than a challenge period ago signs nothing the contract takes.
    this.#keys = new Set([this.ledger.other, ...(this.#params.counterpartyKeys ?? []), ...keys]);
  }

  /**
   * Stops serving: timers end, queued and unacknowledged requests are rejected with `PEER_STOPPED`; the store and
   * transport stay open (their owner closes them). A new peer on the same store resumes where this one stopped, and
   * resends the proofs already logged: a pay rejected here may still complete then (read `balances()`).
   *
   * @example
   * ```ts
   * await peer.stop();
   * ```
   */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.transport.onMessages(() => {});
    this.transport.onOpen(() => {});
    this.#rejectAll(this.stopped());
    this.desk?.rejectAll(this.stopped());
    await this.#writes.catch(() => {});
  }

  /** Subscribes to an event; returns the unsubscriber. @example `const off = peer.on("refused", (e) => log(e.code));` */
  on<E extends keyof ChannelPeerEvents>(event: E, listener: Listener<E>): () => void {
    const listeners = (this.#listeners[event] ??= []) as Listener<E>[];
    listeners.push(listener);
    return () => void listeners.splice(listeners.indexOf(listener) >>> 0, 1);
  }

  /** Both directions' balances as this peer sees them (§8.1). @example `const { spendable } = peer.balances();` */
  balances(): PeerBalances {
    return this.ledger.balances();
  }

  /** The latest proof stored from the counterparty, with its locks and signature. @example `const { proof } = peer.incoming();` */
  incoming(): { proof: ProofEntry["proof"]; locks: Lock[]; signature: string } {
    return this.ledger.in;
  }

  /** This peer's latest signed proof, with its locks. @example `const { locks } = peer.outgoing();` */
  outgoing(): { proof: ProofEntry["proof"]; locks: Lock[]; signature: string } {
    return this.ledger.out;
  }

  /** The secret of `secretHash` if this peer knows it. @example `const secret = peer.secretOf(hash);` */
  secretOf(secretHash: string): string | undefined {
    return this.ledger.secrets.get(secretHash);
  }

  protected request(change: ProofChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#state !== "running") return reject(this.stopped());
      this.queue.push({ change, resolve, reject });
      this.scheduleFlush();
    });
  }

  protected scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      void this.#flush();
    });
  }

  /** Turns queued requests into signed proofs, one batch per pass: logged durably, then sent in one frame. */
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#state === "running" && this.queue.length > 0 && this.#room() > 0) {
        const records: PeerLogRecord[] = [];
        const messages: PeerMessage[] = [];
        while (this.queue.length > 0 && this.#room() > 0 && records.length < MAX_BATCH) {
          const request = this.queue.shift()!;
          let next: ReturnType<typeof applyChange>;
          try {
            next = this.#checkOwnChange(request.change);
          } catch (error) {
            request.reject(error);
            continue;
          }
          const signed = this.#signer.sign(next.proof);
          const signature = typeof signed === "string" ? signed : await signed;
          if (this.#state !== "running") {
            request.reject(this.stopped());
            break;
          }
          const entry = { nonce: next.proof.nonce, change: request.change, proof: next.proof, signature };
          const { message, record } = this.ledger.recordSent(entry, next.locks);
          this.waiting.set(entry.nonce, request);
          records.push(record);
          messages.push(message);
        }
        if (records.length === 0) continue;
        const last = BigInt((messages[messages.length - 1] as { proof: { nonce: string } }).proof.nonce);
        // The proofs leave only once logged durably: after a crash the nonces are known used (PC-E1).
        void this.append(records, true).then(() => {
          this.#durableSent = last;
          this.send([this.#ackMessage(), ...messages]);
        });
      }
    } finally {
      this.#flushing = false;
    }
  }

  #room(): number {
    return this.window - this.ledger.unacked.length;
  }

  #checkOwnChange(change: ProofChange): ReturnType<typeof applyChange> {
    const closing = this.ledger.closing;
    if (closing !== undefined && BigInt(this.now()) <= closing.expiry) {
      throw new PeerRequestError({ code: "PEER_STOPPED", message: "A cooperative close was signed" });
    }
    let next: ReturnType<typeof applyChange>;
    try {
      const { minLockSeconds, maxLockSeconds } = this;
      next = applyChange({ previous: this.ledger.out, change, now: this.now(), minLockSeconds, maxLockSeconds });
    } catch (error) {
      const e = error as PeerMessageError;
      throw new PeerRequestError({ code: e.code as "PEER_INVALID_CHANGE", message: e.message, details: e.details });
    }
    const out = this.ledger.out.proof;
    const committed = next.proof.transferred + next.proof.locked - (out.transferred + out.locked);
    if (committed > 0n && committed > this.ledger.spendable()) {
      throw new PeerRequestError({
        code: "PEER_OVERSPEND",
        message: `${committed} exceeds the spendable ${this.ledger.spendable()}`,
        details: { amount: committed, spendable: this.ledger.spendable() },
      });
    }
    return next;
  }

  #ackMessage(): PeerMessage {
    return { type: "ack", channelId: this.channelId, nonce: this.#durableIn.toString() };
  }

  /** Resends every durable unacknowledged proof and every pending revealed secret. */
  protected resend(): void {
    if (this.#state !== "running") return;
    this.#lastProgress = Date.now();
    const proofs = this.ledger.unacked.filter((m) => BigInt(m.proof.nonce) <= this.#durableSent);
    for (let i = 0; i < proofs.length; i += MAX_BATCH) {
      this.send([this.#ackMessage(), ...proofs.slice(i, i + MAX_BATCH)]);
    }
    const secrets = [...this.ledger.revealed].map((hash) => this.ledger.secrets.get(hash)!);
    const frame: PeerMessage[] = secrets.map((secret) => ({ type: "secret", channelId: this.channelId, secret }));
    if (this.#durableIn > 0n) frame.unshift(this.#ackMessage());
    if (frame.length > 0) this.send(frame);
    this.desk?.resend();
  }

  /** A timer that resends when nothing was acknowledged for `resendMs` while proofs wait. */
  #arm(): void {
    const every = this.#params.resendMs ?? 2_000;
    this.#timer = setTimeout(() => {
      const pending = this.ledger.unacked.length > 0 || this.ledger.revealed.size > 0 || this.desk.pending();
      if (pending && Date.now() - this.#lastProgress >= every) this.resend();
      if (this.#state === "running") this.#arm();
    }, every);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  // ---------------------------------------------------------------- receiving (PC-E3)

  /**
   * Handles one frame from the counterparty (the transport calls this; tests may too). Resolves, once the frame is
   * handled, with the refusals it caused (each also answered with an `error` message and emitted as `refused`).
   *
   * @example
   * ```ts
   * const refused = await peer.receive([{ type: "ack", channelId, nonce: "1" }]);
   * ```
   */
  receive(messages: PeerMessage[]): Promise<PeerMessageError[]> {
    const done = this.#inbox.then(() => this.#handleFrame(messages));
    this.#inbox = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  #enqueueFrame(frame: PeerMessage[]): void {
    void this.receive(frame).catch((error) => this.#fail(error));
  }

  async #handleFrame(frame: PeerMessage[]): Promise<PeerMessageError[]> {
    this.requireRunning();
    const refusals: PeerMessageError[] = [];
    const replies: PeerMessage[] = [];
    const records: PeerLogRecord[] = [];
    const accepted: ProofEntry[] = [];
    let ackRepeat = false;
    let gap = false;
    let acked = false;
    const savedIn = this.ledger.in;
    const context = {
      ledger: this.ledger,
      digest: (proof: ProofEntry["proof"]) => this.#signer.digest(proof),
      keys: this.#keys,
      now: 0,
      minLockSeconds: this.minLockSeconds,
      maxLockSeconds: this.maxLockSeconds,
      client: this.client,
      trustedBelow: 0n,
    };
    if (this.#params.verifyEvery !== true) context.trustedBelow = trustedBelow(context, this.channelId, frame);
    const refuse = (error: unknown, ref?: string) => {
      if (!(error instanceof PeerMessageError)) throw error;
      refusals.push(error);
      replies.push({ type: "error", channelId: this.channelId, code: error.code, message: error.message, ref });
    };
    for (const message of Array.isArray(frame) ? frame : []) {
      const ref = message?.type === "proof" ? String((message.proof as { nonce?: unknown })?.nonce) : undefined;
      try {
        if (message?.channelId !== this.channelId) {
          throw new PeerMessageError({
            code: "PEER_WRONG_CHANNEL",
            message: "The message names another channel",
            details: { named: message?.channelId, channelId: this.channelId },
          });
        }
        switch (message.type) {
          case "proof": {
            if (gap) break;
            const outcome = await checkIncomingProof({ ...context, now: this.now() }, message);
            if (outcome === "repeat") ackRepeat = true;
            else {
              records.push(this.ledger.recordReceived(outcome.entry, outcome.locks));
              accepted.push(outcome.entry);
            }
            break;
          }
          case "ack":
            acked = this.#onAck(message.nonce) || acked;
            break;
          case "secret":
            this.onSecret(message.secret);
            break;
          case "error":
            this.onRemoteError(message);
            break;
          default:
            await this.desk.handle(message);
        }
      } catch (error) {
        if (error instanceof PeerMessageError && error.code === "PEER_OUT_OF_ORDER") gap = true;
        refuse(error, ref ?? (message as { id?: string }).id);
      }
    }
    const last = accepted[accepted.length - 1];
    if (last !== undefined && last.nonce < context.trustedBelow) {
      // The run stopped before the proof whose signature vouched for it: check the last one kept, or keep none.
      const signer = signerOf(context, last.proof, last.signature);
      if (signer === undefined || !this.#keys.has(signer)) {
        this.ledger.in = savedIn;
        for (const entry of accepted) this.ledger.recentIn.delete(entry.nonce);
        refuse(
          new PeerMessageError({ code: "PEER_INVALID_SIGNATURE", message: "A proof of the frame is not signed" }),
          last.nonce.toString(),
        );
        accepted.length = 0;
        records.length = 0;
      }
    }
    if (acked) {
      this.#lastProgress = Date.now();
      void this.append([{ type: "acked", channelId: this.channelId, nonce: this.ledger.acked.toString() }], false);
      if (this.queue.length > 0) this.scheduleFlush();
    }
    if (records.length > 0) {
      const lastNonce = accepted[accepted.length - 1].nonce;
      // Acknowledged only once stored durably: an ack means the payment is done (PC-E1).
      void this.append(records, true).then(() => {
        this.#durableIn = lastNonce;
        this.send([this.#ackMessage()]);
        for (const entry of accepted) this.emit("received", entry);
      });
    } else if (ackRepeat) replies.unshift(this.#ackMessage());
    if (replies.length > 0) this.send(replies);
    for (const error of refusals) this.emit("refused", error);
    return refusals;
  }

  #onAck(nonceText: string): boolean {
    if (typeof nonceText !== "string" || !/^[0-9]{1,20}$/.test(nonceText)) {
      throw new PeerMessageError({ code: "PEER_MALFORMED_MESSAGE", message: "ack.nonce must be a decimal string" });
    }
    const nonce = BigInt(nonceText);
    if (nonce > this.#durableSent) {
      throw new PeerMessageError({
        code: "PEER_OUT_OF_ORDER",
        message: `Ack of nonce ${nonce}, above the ${this.#durableSent} sent`,
        details: { nonce },
      });
    }
    const before = this.ledger.acked;
    if (!this.ledger.recordAck(nonce)) return false;
    for (let n = before + 1n; n <= nonce; n++) {
      const request = this.waiting.get(n);
      this.waiting.delete(n);
      request?.resolve();
    }
    return true;
  }

  /** A secret revealed by the receiver of one of this peer's locks. */
  protected abstract onSecret(secret: string): void;

  /** An `error` message from the counterparty. */
  protected abstract onRemoteError(message: Extract<PeerMessage, { type: "error" }>): void;

  // ---------------------------------------------------------------- store, transport, events

  protected append(records: readonly PeerLogRecord[], durable: boolean): Promise<void> {
    const write = this.store.append(records, { durable });
    this.#sinceCompaction += records.length;
    this.#writes = write.catch(() => {});
    write.catch((error) => this.#fail(error));
    if (this.#sinceCompaction >= (this.#params.compactEvery ?? 20_000)) void this.#compact(write);
    return write;
  }

  /**
   * Replaces the log by one snapshot once the writes before it landed (the snapshot covers them), taken between
   * frames: inside one, the ledger may hold an unchecked proof the frame may still roll back (PC-E3).
   */
  async #compact(after: Promise<void>): Promise<void> {
    this.#sinceCompaction = 0;
    await after;
    let compaction: Promise<void> | undefined;
    const taken = this.#inbox.then(() => {
      if (this.#state === "running") compaction = this.store.compact([this.ledger.snapshot()]);
    });
    this.#inbox = taken;
    await taken;
    await compaction?.catch((error) => this.#fail(error));
  }

  protected send(messages: PeerMessage[]): void {
    if (this.#state === "running" && messages.length > 0) this.transport.send(messages);
  }

  protected emit<E extends keyof ChannelPeerEvents>(event: E, value: ChannelPeerEvents[E]): void {
    for (const listener of (this.#listeners[event] ?? []) as Listener<E>[]) listener(value);
  }

  #fail(error: unknown): void {
    if (this.#state === "stopped") return;
    this.emit("failed", error);
    void this.stop();
  }

  #rejectAll(error: PeerPayError): void {
    for (const request of [...this.queue, ...this.waiting.values()]) request.reject(error);
    this.queue = [];
    this.waiting.clear();
  }

  protected requireRunning(): void {
    if (this.#state !== "running") throw this.stopped();
  }

  protected stopped(): PeerRequestError {
    return new PeerRequestError({ code: "PEER_STOPPED", message: "The peer is not running" });
  }
}
