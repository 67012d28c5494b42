// What one peer knows of one channel (docs/payment-channels.md §8.1), kept in memory and rebuilt from the peer's log:
// the on-chain deposits and withdrawals seen, the latest proof of each direction with its locks, the acknowledged
// nonce, the unacknowledged proofs to resend, the secrets known and the withdrawal reservations signed. No I/O here.
import type { Address } from "../../core/types";
import type { BalanceProof, Lock, PaymentChannel, PaymentChannelId } from "../types";
import {
  applyChange,
  changeFromWire,
  changeToWire,
  EMPTY_DIRECTION,
  proofFromWire,
  proofToWire,
  type DirectionState,
} from "./proofs";
import type { PeerLogRecord, PeerMessage, ProofChange, WireChange, WireProof } from "./types";
import { secretHash as sha256Of } from "../hashing";

/**
 * A proof as sent or received, parsed: its nonce, the change that produced it, the proof and its signature.
 *
 * @example
 * ```ts
 * peer.on("received", ({ nonce, change }: ProofEntry) => console.log(nonce, change.kind));
 * ```
 */
export type ProofEntry = { nonce: bigint; change: ProofChange; proof: BalanceProof; signature: string };

type ProofMessage = Extract<PeerMessage, { type: "proof" }>;

/**
 * One peer's view of both directions' balances (§8.1), all in the channel's token's base units.
 *
 * @example
 * ```ts
 * const { spendable, received, sent }: PeerBalances = peer.balances();
 * ```
 */
export type PeerBalances = {
  /** The most this peer's next proof may commit in all (the §8.1 rule). */
  spendable: bigint;
  /** The counterparty's latest stored proof: transferred to this peer, and locked towards it. */
  received: bigint;
  lockedIn: bigint;
  /** This peer's latest signed proof: transferred and locked towards the counterparty. */
  sent: bigint;
  lockedOut: bigint;
  /** This peer's sent nonce and the highest the counterparty acknowledged; the latest nonce stored from it. */
  sentNonce: bigint;
  ackedNonce: bigint;
  receivedNonce: bigint;
};

/** The canonical text of a proof message: two messages are "byte-equal" repeats when these are equal (§8.3). */
export function canonicalProof(entry: ProofEntry): string {
  const p = entry.proof;
  return [
    p.nonce,
    p.transferred,
    p.locked,
    p.locksRoot,
    entry.signature.toLowerCase(),
    JSON.stringify(changeToWire(entry.change)),
  ].join("|");
}

export class PeerLedger {
  readonly channel: PaymentChannel;
  readonly channelId: PaymentChannelId;
  readonly me: Address;
  readonly other: Address;
  readonly isFirst: boolean;
  depositMe = 0n;
  depositOther = 0n;
  withdrawnMe = 0n;
  withdrawnOther = 0n;
  /** The highest withdrawal totals signed for each side (reserved until the chain shows them withdrawn). */
  reservedTotalMe = 0n;
  reservedTotalOther = 0n;
  out: DirectionState = EMPTY_DIRECTION;
  acked = 0n;
  /** `transferred` of this peer's proof at `acked`: what the counterparty can record and so spend (§8.1). */
  ackedTransferred = 0n;
  /** Sent proofs above `acked`, in nonce order, as their wire messages. */
  unacked: ProofMessage[] = [];
  /** Unacknowledged transferred amounts by nonce, to learn `ackedTransferred` from an ack. */
  readonly #unackedTransferred = new Map<bigint, bigint>();
  in: DirectionState = EMPTY_DIRECTION;
  /** Canonical texts of recently stored incoming proofs by nonce, to tell a repeat from an equivocation. */
  readonly recentIn = new Map<bigint, string>();
  readonly secrets = new Map<string, string>();
  /** Secrets this peer revealed to the counterparty whose lock is still pending towards it. */
  readonly revealed = new Set<string>();
  /** Set once this peer signed a cooperative close: it signs no more proofs. */
  closing: { balance1: bigint; balance2: bigint; expiry: bigint } | undefined;
  readonly #recentLimit: number;

  constructor(params: { channel: PaymentChannel; channelId: PaymentChannelId; me: Address; recentLimit: number }) {
    this.channel = params.channel;
    this.channelId = params.channelId;
    this.me = params.me;
    this.isFirst = params.me === params.channel.participant1;
    this.other = this.isFirst ? params.channel.participant2 : params.channel.participant1;
    this.#recentLimit = params.recentLimit;
  }

  /** Deposits and withdrawals as the chain shows them (participant1's first). */
  setOnChain(state: { deposit1: bigint; deposit2: bigint; withdrawn1: bigint; withdrawn2: bigint }): void {
    this.depositMe = this.isFirst ? state.deposit1 : state.deposit2;
    this.depositOther = this.isFirst ? state.deposit2 : state.deposit1;
    this.withdrawnMe = this.isFirst ? state.withdrawn1 : state.withdrawn2;
    this.withdrawnOther = this.isFirst ? state.withdrawn2 : state.withdrawn1;
  }

  /** The §8.1 spendable amount of this peer. */
  spendable(): bigint {
    const reserved = max(0n, this.reservedTotalMe - this.withdrawnMe);
    const outgoing = this.out.proof.transferred + this.out.proof.locked;
    return this.depositMe - this.withdrawnMe - reserved + this.in.proof.transferred - outgoing;
  }

  /** What the counterparty may commit in all, counting this peer's payments only up to the nonce it acknowledged. */
  counterpartyAllowance(): bigint {
    const reserved = max(0n, this.reservedTotalOther - this.withdrawnOther);
    return this.depositOther - this.withdrawnOther - reserved + this.ackedTransferred;
  }

  balances(): PeerBalances {
    return {
      spendable: this.spendable(),
      received: this.in.proof.transferred,
      lockedIn: this.in.proof.locked,
      sent: this.out.proof.transferred,
      lockedOut: this.out.proof.locked,
      sentNonce: this.out.proof.nonce,
      ackedNonce: this.acked,
      receivedNonce: this.in.proof.nonce,
    };
  }

  /** Records a proof this peer signed; returns its wire message and log record. */
  recordSent(entry: ProofEntry, locks: Lock[]): { message: ProofMessage; record: PeerLogRecord } {
    this.out = { proof: entry.proof, locks, signature: entry.signature };
    const message = this.#message(entry);
    this.unacked.push(message);
    this.#unackedTransferred.set(entry.nonce, entry.proof.transferred);
    if (entry.change.kind === "unlock") this.secrets.set(entry.change.secretHash, entry.change.secret);
    return { message, record: { ...message, type: "sent" } };
  }

  /** Applies an acknowledgement; returns the nonces it newly covers (first, last) or undefined if it adds none. */
  recordAck(nonce: bigint): boolean {
    if (nonce <= this.acked || nonce > this.out.proof.nonce) return false;
    this.ackedTransferred = this.#unackedTransferred.get(nonce) ?? this.ackedTransferred;
    for (let n = this.acked + 1n; n <= nonce; n++) this.#unackedTransferred.delete(n);
    this.acked = nonce;
    let drop = 0;
    while (drop < this.unacked.length && BigInt(this.unacked[drop].proof.nonce) <= nonce) drop++;
    this.unacked.splice(0, drop);
    return true;
  }

  /** Records a proof received and checked; returns its log record. */
  recordReceived(entry: ProofEntry, locks: Lock[]): PeerLogRecord {
    this.in = { proof: entry.proof, locks, signature: entry.signature };
    this.recentIn.set(entry.nonce, canonicalProof(entry));
    if (this.recentIn.size > this.#recentLimit) this.recentIn.delete(this.recentIn.keys().next().value as bigint);
    if (entry.change.kind === "unlock") {
      this.secrets.set(entry.change.secretHash, entry.change.secret);
      this.revealed.delete(entry.change.secretHash);
    }
    if (entry.change.kind === "expire") this.revealed.delete(entry.change.secretHash);
    return { ...this.#message(entry), type: "received" };
  }

  #message(entry: ProofEntry): ProofMessage {
    return {
      type: "proof",
      channelId: this.channelId,
      change: changeToWire(entry.change),
      proof: proofToWire(entry.proof),
      signature: entry.signature,
    };
  }

  // ---------------------------------------------------------------- log replay and compaction

  /** Rebuilds the state from the log (§8.4): records of other channels are skipped, repeats ignored. */
  replay(records: readonly PeerLogRecord[]): void {
    for (const record of records) {
      if (record.channelId !== this.channelId) continue;
      switch (record.type) {
        case "snapshot":
          this.#restore(record);
          break;
        case "sent":
        case "received": {
          const entry = parseEntry(record as unknown as ProofMessage);
          const direction = record.type === "sent" ? this.out : this.in;
          if (entry.nonce !== direction.proof.nonce + 1n) break;
          // The change was checked when first logged: replay it without the time rules.
          const next = applyChange({ previous: direction, change: entry.change, now: 0, minLockSeconds: -Infinity });
          if (record.type === "sent") this.recordSent(entry, next.locks);
          else this.recordReceived(entry, next.locks);
          break;
        }
        case "acked":
          this.recordAck(BigInt(record.nonce as string));
          break;
        case "secret":
          this.secrets.set(sha256Of(record.secret as string), record.secret as string);
          if (record.revealed === true) this.revealed.add(sha256Of(record.secret as string));
          break;
        case "withdraw":
          this.reserve(record.participant as Address, BigInt(record.totalWithdrawn as string));
          break;
        case "closing":
          this.closing = {
            balance1: BigInt(record.balance1 as string),
            balance2: BigInt(record.balance2 as string),
            expiry: BigInt(record.expiry as string),
          };
          break;
      }
    }
  }

  /** Remembers a withdrawal total signed for `participant`. */
  reserve(participant: Address, totalWithdrawn: bigint): void {
    if (participant === this.me) this.reservedTotalMe = max(this.reservedTotalMe, totalWithdrawn);
    else this.reservedTotalOther = max(this.reservedTotalOther, totalWithdrawn);
  }

  /** One record that replaces the whole log: everything replay needs, and the unacknowledged proofs to resend. */
  snapshot(): PeerLogRecord {
    const direction = (d: DirectionState) => ({
      proof: proofToWire(d.proof),
      locks: d.locks.map((l) => ({ amount: l.amount.toString(), expiry: l.expiry, secretHash: l.secretHash })),
      signature: d.signature,
    });
    return {
      type: "snapshot",
      channelId: this.channelId,
      out: direction(this.out),
      in: direction(this.in),
      acked: this.acked.toString(),
      ackedTransferred: this.ackedTransferred.toString(),
      unacked: this.unacked,
      recentIn: [...this.recentIn.entries()].map(([nonce, text]) => [nonce.toString(), text]),
      secrets: [...this.secrets.values()],
      revealed: [...this.revealed],
      reservedTotalMe: this.reservedTotalMe.toString(),
      reservedTotalOther: this.reservedTotalOther.toString(),
      closing:
        this.closing === undefined
          ? null
          : {
              balance1: this.closing.balance1.toString(),
              balance2: this.closing.balance2.toString(),
              expiry: this.closing.expiry.toString(),
            },
    };
  }

  #restore(record: PeerLogRecord): void {
    type WireDirection = { proof: WireProof; locks: { amount: string; expiry: number; secretHash: string }[] };
    const direction = (d: WireDirection & { signature: string }): DirectionState => ({
      proof: proofFromWire(d.proof),
      locks: d.locks.map((l) => ({ amount: BigInt(l.amount), expiry: l.expiry, secretHash: l.secretHash })),
      signature: d.signature,
    });
    this.out = direction(record.out as WireDirection & { signature: string });
    this.in = direction(record.in as WireDirection & { signature: string });
    this.acked = BigInt(record.acked as string);
    this.ackedTransferred = BigInt(record.ackedTransferred as string);
    this.unacked = [...(record.unacked as ProofMessage[])];
    this.#unackedTransferred.clear();
    for (const m of this.unacked) this.#unackedTransferred.set(BigInt(m.proof.nonce), BigInt(m.proof.transferred));
    this.recentIn.clear();
    for (const [nonce, text] of record.recentIn as [string, string][]) this.recentIn.set(BigInt(nonce), text);
    for (const secret of record.secrets as string[]) this.secrets.set(sha256Of(secret), secret);
    for (const hash of record.revealed as string[]) this.revealed.add(hash);
    this.reservedTotalMe = BigInt(record.reservedTotalMe as string);
    this.reservedTotalOther = BigInt(record.reservedTotalOther as string);
    const closing = record.closing as { balance1: string; balance2: string; expiry: string } | null;
    this.closing =
      closing === null
        ? undefined
        : { balance1: BigInt(closing.balance1), balance2: BigInt(closing.balance2), expiry: BigInt(closing.expiry) };
  }
}

/** A `proof` message or a `sent`/`received` record parsed (throws `PEER_MALFORMED_MESSAGE` on a bad shape). */
export function parseEntry(message: { change: WireChange; proof: WireProof; signature: unknown }): ProofEntry {
  const proof = proofFromWire(message.proof);
  const change = changeFromWire(message.change);
  const signature = typeof message.signature === "string" ? message.signature : "";
  return { nonce: proof.nonce, change, proof, signature };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
