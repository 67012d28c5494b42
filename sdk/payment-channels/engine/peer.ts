// One participant's side of one two-way channel (docs/payment-channels.md §8): the public acts of the engine. Paying
// and locking go through the engine's queue (consecutive nonces, pipelined); reveals, expiries and the on-chain acts
// (cooperative withdraw and close, unilateral close, update, settle, unlock) are built on it.
import { PeerMessageError, PeerRequestError } from "../../errors/peer";
import type { PaymentChannelWriteReturnType } from "../parameters";
import { secretHash as sha256Of } from "../hashing";
import { ChannelPeerCore } from "./core";
import type { PeerMessage } from "./types";

/**
 * One participant's side of one two-way payment channel, browser-safe: pays and receives over a `PeerTransport`,
 * logs to a `PeerStore` (which it owns: one store per peer), and acts on-chain through its `PaymentChannelsClient`.
 * Concurrent `pay` calls get consecutive nonces; the proofs of one tick share one durable append and one frame.
 *
 * @example
 * ```ts
 * const peer = new ChannelPeer({ client, channel, self: alice, signer: { privateKey: aliceKey }, store, transport });
 * await peer.start();
 * await peer.pay({ amount: 5n }); // resolves once Bob stored and acknowledged it
 * ```
 */
export class ChannelPeer extends ChannelPeerCore {
  #resendQueued = false;

  // ---------------------------------------------------------------- sending (PC-E1, PC-E2)

  /**
   * Pays `amount` unconditionally; resolves once the counterparty stored the proof durably and acknowledged it.
   *
   * @throws {PeerRequestError} `PEER_OVERSPEND` above the spendable amount (no nonce used); `PEER_STOPPED`.
   * @example
   * ```ts
   * await Promise.all([peer.pay({ amount: 1n }), peer.pay({ amount: 2n })]); // nonces n + 1 and n + 2
   * ```
   */
  pay({ amount }: { amount: bigint }): Promise<void> {
    return this.request({ kind: "pay", amount });
  }

  /**
   * Locks `amount` to the counterparty under `secretHash` until `expiry` (unix seconds); resolves when acknowledged.
   *
   * @example
   * ```ts
   * await peer.payWithLock({ amount: 100n, secretHash: secretHash(secret), expiry: now + 3_600 });
   * ```
   */
  payWithLock({ amount, secretHash, expiry }: { amount: bigint; secretHash: string; expiry: number }): Promise<void> {
    return this.request({ kind: "lock", lock: { amount, expiry, secretHash: secretHash.toLowerCase() } });
  }

  /**
   * Takes back an expired lock of this peer's direction (the receiver checks the secret was not registered in time).
   *
   * @example
   * ```ts
   * await peer.expireLock({ secretHash });
   * ```
   */
  expireLock({ secretHash }: { secretHash: string }): Promise<void> {
    return this.request({ kind: "expire", secretHash: secretHash.toLowerCase() });
  }

  /**
   * As the receiver of a lock, reveals its secret to the sender; resolves once the sender's unlock proof is stored.
   *
   * @throws {PeerRequestError} `PEER_UNKNOWN_LOCK`: no incoming lock has this secret's hash.
   * @example
   * ```ts
   * await peer.reveal({ secret });
   * ```
   */
  async reveal({ secret: given }: { secret: string }): Promise<void> {
    this.requireRunning();
    const secret = given.toLowerCase();
    const hash = sha256Of(secret);
    if (!this.ledger.in.locks.some((lock) => lock.secretHash === hash)) {
      if (this.ledger.secrets.get(hash) !== undefined && !this.ledger.revealed.has(hash)) return;
      throw new PeerRequestError({ code: "PEER_UNKNOWN_LOCK", message: "No incoming lock has this secret hash" });
    }
    this.ledger.secrets.set(hash, secret);
    this.ledger.revealed.add(hash);
    await this.append([{ type: "secret", channelId: this.channelId, secret, revealed: true }], true);
    const unlocked = new Promise<void>((resolve, reject) => {
      const off = this.on("received", ({ change }) => {
        if ((change.kind !== "unlock" && change.kind !== "expire") || change.secretHash !== hash) return;
        off();
        if (change.kind === "unlock") resolve();
        else reject(new PeerRequestError({ code: "PEER_UNKNOWN_LOCK", message: "The lock expired unrevealed" }));
      });
    });
    this.send([{ type: "secret", channelId: this.channelId, secret }]);
    return unlocked;
  }

  // ---------------------------------------------------------------- on-chain acts

  /**
   * Deposits `amount` more for this peer on-chain (through the client), then reads the new deposit: the spendable
   * amount grows at once, and the counterparty's view once it refreshes.
   *
   * @example
   * ```ts
   * await peer.deposit({ amount: 1_000n });
   * ```
   */
  async deposit({ amount, approve }: { amount: bigint; approve?: boolean }): Promise<PaymentChannelWriteReturnType> {
    const result = await this.client.deposit({ channel: this.channel, participant: this.self, amount, approve });
    await this.refresh();
    return result;
  }

  /**
   * Withdraws `amount` while the channel stays open: the counterparty co-signs (withdraw-request / -signature), then
   * `cooperativeWithdraw` runs from the client's signer.
   *
   * @throws {PeerRequestError} `PEER_OVERSPEND` above the spendable amount; `PEER_REMOTE_ERROR` if refused.
   * @example
   * ```ts
   * await peer.withdraw({ amount: 100n });
   * ```
   */
  withdraw(params: { amount: bigint; validFor?: number }): Promise<PaymentChannelWriteReturnType> {
    this.requireRunning();
    return this.desk.withdraw(params);
  }

  /**
   * Closes at both sides' current balances in one transaction (close-request / -signature, then `cooperativeClose`).
   * Needs no payment in flight and no pending lock; after signing, this peer signs no proof until the request expires.
   *
   * @example
   * ```ts
   * await peer.closeCooperatively();
   * ```
   */
  closeCooperatively(params: { validFor?: number } = {}): Promise<PaymentChannelWriteReturnType> {
    this.requireRunning();
    return this.desk.close(params);
  }

  /**
   * Closes alone, recording the latest proof stored from the counterparty; settle after the challenge period.
   *
   * @example
   * ```ts
   * await peer.close();
   * ```
   */
  close(): Promise<PaymentChannelWriteReturnType> {
    const { proof, signature } = this.ledger.in;
    this.ledger.closing ??= { balance1: 0n, balance2: 0n, expiry: BigInt(Number.MAX_SAFE_INTEGER) };
    return this.client.close({
      channel: this.channel,
      ...(proof.nonce > 0n ? { proof, signature } : {}),
    });
  }

  /**
   * Answers the counterparty's close with the latest proof stored from it, when the recorded one is older.
   *
   * @returns undefined when the recorded proof is already the latest.
   * @example
   * ```ts
   * await peer.update();
   * ```
   */
  async update(): Promise<PaymentChannelWriteReturnType | undefined> {
    const { record } = await this.client.getChannel({ channel: this.channel });
    const recorded = this.ledger.isFirst ? record?.d21 : record?.d12;
    const { proof, signature } = this.ledger.in;
    if (recorded !== undefined && recorded.nonce >= proof.nonce) return undefined;
    return this.client.update({ channel: this.channel, sender: this.ledger.other, proof, signature });
  }

  /** Settles a closed channel after its challenge period. @example `await peer.settle();` */
  settle(): Promise<PaymentChannelWriteReturnType> {
    return this.client.settle({ channel: this.channel });
  }

  /**
   * After settlement, pays out one direction's pending locks (`incoming`: the counterparty's locks to this peer).
   *
   * @example
   * ```ts
   * await peer.registerSecret({ secret }); // before the lock's expiry
   * await peer.unlock({ direction: "incoming" });
   * ```
   */
  unlock({ direction }: { direction: "incoming" | "outgoing" }): Promise<PaymentChannelWriteReturnType> {
    const incoming = direction === "incoming";
    return this.client.unlock({
      channel: this.channel,
      sender: incoming ? this.ledger.other : this.self,
      locks: incoming ? this.ledger.in.locks : this.ledger.out.locks,
    });
  }

  /** Registers a secret on-chain (so its locks pay at unlock). @example `await peer.registerSecret({ secret });` */
  registerSecret({ secret }: { secret: string }): Promise<PaymentChannelWriteReturnType> {
    return this.client.registerSecret({ secret });
  }

  // ---------------------------------------------------------------- messages the engine hands over

  protected onSecret(secret: string): void {
    if (typeof secret !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(secret)) {
      throw new PeerMessageError({ code: "PEER_MALFORMED_MESSAGE", message: "secret must be 32 bytes of hex" });
    }
    secret = secret.toLowerCase();
    const hash = sha256Of(secret);
    const known = this.ledger.secrets.has(hash);
    const lock = this.ledger.out.locks.find((pending) => pending.secretHash === hash);
    if (lock === undefined) {
      if (known) return; // Already unlocked: the unlock proof is resent until acknowledged.
      throw new PeerMessageError({ code: "PEER_UNKNOWN_LOCK", message: "No outgoing lock has this secret's hash" });
    }
    const queued = this.queue.some((r) => r.change.kind === "unlock" && r.change.secretHash === hash);
    if (queued) return;
    this.ledger.secrets.set(hash, secret);
    if (this.now() > lock.expiry) {
      // Past its expiry the receiver can no longer claim the lock on-chain, so an unlock would be a gift; for a hub,
      // a loss, its own lock upstream having expired too (PC-E5). The secret is still learnt (a hub asks upstream).
      this.emit("secret", { secret, secretHash: hash });
      throw new PeerMessageError({
        code: "PEER_UNSAFE_EXPIRY",
        message: `The lock expired at ${lock.expiry}: its secret comes too late to be paid off-chain`,
        details: { expiry: lock.expiry },
      });
    }
    // The unlock's own `sent` record carries the secret durably before the proof leaves.
    this.request({ kind: "unlock", secretHash: hash, secret }).catch((error) => this.emit("failed", error));
    this.emit("secret", { secret, secretHash: hash });
  }

  protected onRemoteError(message: Extract<PeerMessage, { type: "error" }>): void {
    const error = new PeerRequestError({
      code: "PEER_REMOTE_ERROR",
      message: `The counterparty refused: ${message.message}`,
      details: { remoteCode: message.code, ref: message.ref },
    });
    this.emit("remoteError", error);
    if (message.code === "PEER_OUT_OF_ORDER") {
      // Coalesced: a burst of out-of-order errors (one per frame of a reordered window) causes one resend.
      if (!this.#resendQueued) {
        this.#resendQueued = true;
        setTimeout(() => {
          this.#resendQueued = false;
          this.resend();
        }, 0);
      }
      return;
    }
    if (this.desk.reject(message.ref, error)) return;
    if (message.ref !== undefined && /^[0-9]+$/.test(message.ref)) {
      // The counterparty will never store this proof: whoever waits on it, or on a later one, learns why.
      for (const [nonce, request] of this.waiting) {
        if (nonce >= BigInt(message.ref)) {
          this.waiting.delete(nonce);
          request.reject(error);
        }
      }
    }
  }
}
