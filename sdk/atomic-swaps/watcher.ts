// The counterparty's watcher (docs/atomic-swaps.md §6.3): it follows chain B's `Claimed` events for the swap's hashlock
// and, as soon as the initiator's claim reveals the secret, claims the initiator's lock on chain A with it. Its cursor
// (the next block of B to scan) is reported after every poll, so a watcher that was offline resumes from the block it
// stored and catches up. The cursor stays `confirmations_B - 1` blocks behind B's head and that window is scanned
// again on every poll: a claim that a reorganisation moved into a block already scanned, or that a lagging log index
// did not serve the first time, is still found. And a lock B that reads Claimed is proof of a reveal: its `Claimed`
// event is then looked up by the lock's id (and, failing that, in the receipts of the block where its status turned),
// and the watcher never sits idle while B is Claimed and the secret unknown. The claim on A goes through a
// fee-bumping submitter (sdk/submitter) with the deadline `tA - 1`, and no poll waits for it longer than
// `sendWaitMs`: the next poll waits again for the same transaction. If tB passes with no secret revealed, nothing can
// reveal it on B any more (claims need block.timestamp < tB): it refunds the counterparty's own lock. The loss window
// is a watcher back after tA with the secret revealed: the counterparty's lock on B was claimed and the initiator may
// refund A. HT-21 leaves the watcher down until `AtomicSwap.watchDeadline` (tA - confirmTimeA - claimWindowA), at least
// confirmTimeB + clockSkew after tB, the latest reveal: a watcher back by then always claims in time.
import { AtomicSwapError } from "../errors/atomic-swaps";
import { PeerPayError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { guarded } from "../internal/transactions";
import { requireInteger } from "../internal/validate";
import { decodeHashedTimelocksError } from "./abi";
import type { HashedTimelocksClient } from "./client";
import type { HashedTimelockRef, HashedTimelockWriteReturnType, RevealedSecret } from "./parameters";
import { findRevealOf } from "./reveal";
import { HashedTimelockStatus, type HashedTimelock, type HashedTimelockId } from "./types";

/**
 * What `AtomicSwap.watch` takes: the initiator's lock on A (the watcher's party receives it), the counterparty's own
 * lock on B, and where to resume: `fromBlock` (B's next block to scan, as stored by `onProgress`; default the block
 * of B's `Locked` event). `pollIntervalMs` (default 1,000) paces `start`; `refundOnExpiry` (default true) refunds
 * B's lock once tB has passed with no secret revealed; `sendWaitMs` (default 5,000) bounds how long one poll waits
 * for the claim or refund it sent (the next poll waits again for the same transaction).
 *
 * @example
 * ```ts
 * const params: AtomicSwapWatchParameters = { lockA, lockB, fromBlock: stored, onProgress: ({ nextFromBlock }) => save(nextFromBlock) };
 * ```
 */
export type AtomicSwapWatchParameters = {
  lockA: HashedTimelockRef;
  lockB: HashedTimelockRef;
  fromBlock?: number;
  pollIntervalMs?: number;
  refundOnExpiry?: boolean;
  sendWaitMs?: number;
  onProgress?: (progress: { nextFromBlock: number }) => void | Promise<void>;
  /**
   * Told of each transient failure `start` rides out by polling again: a provider failure (`PROVIDER_ERROR`,
   * `SUBMITTER_RPC_UNAVAILABLE`) or a lock B that reads Claimed before any node serves its event
   * (`ATOMIC_SWAP_SECRET_NOT_FOUND`).
   */
  onError?: (error: PeerPayError) => void;
};

/**
 * How a watch ended: `claimed` (the watcher claimed A with the revealed secret), `already-claimed` (A was claimed by
 * someone else, e.g. a public claimer after `publicClaimAt`: the counterparty is paid all the same), or `refunded`
 * (no secret by tB; B's lock went back to the counterparty, `receipt` set if the watcher refunded it, undefined if
 * someone else's refund landed first).
 *
 * @example
 * ```ts
 * const result: AtomicSwapWatchOutcome = await watcher.start();
 * if (result.outcome === "claimed") console.log("got paid with secret", result.revealed.secret);
 * ```
 */
export type AtomicSwapWatchOutcome =
  | { outcome: "claimed"; revealed: RevealedSecret; claim: HashedTimelockWriteReturnType }
  | { outcome: "already-claimed"; revealed: RevealedSecret | undefined }
  | { outcome: "refunded"; refund: HashedTimelockWriteReturnType | undefined };

type Lock = { lock: HashedTimelock; lockId: HashedTimelockId };
type Sending = {
  kind: "claim" | "refund";
  settled: Promise<{ ok: HashedTimelockWriteReturnType } | { error: unknown }>;
};

const RETRYABLE: readonly string[] = [
  PeerPayErrorCode.PROVIDER_ERROR,
  PeerPayErrorCode.SUBMITTER_RPC_UNAVAILABLE,
  PeerPayErrorCode.ATOMIC_SWAP_SECRET_NOT_FOUND,
];

/**
 * A running watch of one swap, for its counterparty: `poll()` does one round (scan B, then claim A or refund B when
 * due, waiting at most `sendWaitMs` for the transaction) and returns the outcome once there is one; `start()` polls
 * every `pollIntervalMs` until then; `stop()` ends the loop (the promise of `start` then resolves to undefined).
 * `nextFromBlock` is the cursor to store. The claim on A is sent through chain A's client's submitter, re-priced until
 * it lands by `tA - 1` (`AtomicSwap.watch` supplies one).
 *
 * @example
 * ```ts
 * const watcher = swap.watch({ lockA, lockB, fromBlock: await store.get("cursor"), onProgress: (p) => store.put("cursor", p.nextFromBlock) });
 * const outcome = await watcher.start();
 * ```
 */
export class AtomicSwapWatcher {
  readonly #clientA: HashedTimelocksClient;
  readonly #clientB: HashedTimelocksClient;
  readonly #confirmationsB: number;
  readonly #onEnd: () => Promise<void>;
  readonly #params: AtomicSwapWatchParameters;
  #locks: { a: Lock; b: Lock } | undefined;
  #revealed: RevealedSecret | undefined;
  /** The block of lock B's `Locked` event: where a lookup of its claim starts. */
  #lockBlockB = 0;
  #scannedTo: number | undefined;
  #sending: Sending | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  /**
   * The next block of chain B to scan (undefined until the first poll when no `fromBlock` was given): kept
   * `confirmations_B - 1` blocks behind the last block scanned, and never past the block that revealed the secret, so
   * that a watcher restarted from it scans again whatever a reorganisation may still change.
   */
  nextFromBlock: number | undefined;

  constructor(
    params: AtomicSwapWatchParameters & {
      clientA: HashedTimelocksClient;
      clientB: HashedTimelocksClient;
      confirmationsB: number;
      /** Called once when the watch ends (an outcome, a fatal error, or `stop()`): closes a submitter it owns. */
      onEnd?: () => Promise<void>;
    },
  ) {
    const { clientA, clientB, confirmationsB, onEnd, ...rest } = params;
    this.#clientA = clientA;
    this.#clientB = clientB;
    this.#confirmationsB = requireInteger("confirmationsB", confirmationsB, 1, 10_000);
    let ended = false;
    this.#onEnd = async () => {
      if (ended) return;
      ended = true;
      await onEnd?.();
    };
    this.#params = rest;
    if (rest.fromBlock !== undefined) {
      this.nextFromBlock = requireInteger("fromBlock", rest.fromBlock, 0, Number.MAX_SAFE_INTEGER);
    }
    requireInteger("pollIntervalMs", rest.pollIntervalMs ?? 1_000, 1, 3_600_000);
    requireInteger("sendWaitMs", rest.sendWaitMs ?? 5_000, 0, 3_600_000);
  }

  /**
   * One round: scans B from the cursor to the latest block for the secret (and, with lock B Claimed, looks its claim
   * up by id); with the secret, claims A (or finds A already claimed); without it and past tB, refunds B. A claim or
   * refund in flight is waited for at most `sendWaitMs`. Returns undefined while there is nothing to do yet or the
   * transaction has not landed.
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_CLAIM_TOO_LATE`: the secret is public but A can no longer be claimed
   * (tA passed, or A was refunded): the documented loss window. `ATOMIC_SWAP_SECRET_NOT_FOUND` (retryable): lock B
   * reads Claimed but no node served its claim yet.
   */
  async poll(): Promise<AtomicSwapWatchOutcome | undefined> {
    const { a, b } = await this.#resolve();
    if (this.#sending !== undefined) return this.#await(a, b);
    if (this.#revealed === undefined) await this.#scan(b);
    const statusB = await this.#clientB.status({ lock: b.lockId });
    if (this.#revealed === undefined && statusB === HashedTimelockStatus.Claimed) await this.#lookUp(b);
    if (this.#revealed !== undefined) return this.#claimA(a, b, this.#revealed);
    if (statusB === HashedTimelockStatus.Refunded) return { outcome: "refunded", refund: undefined };
    if (statusB !== HashedTimelockStatus.Locked || this.#params.refundOnExpiry === false) return undefined;
    // Every block after the last one scanned has a timestamp at or above its own: once that reaches tB, no claim on B
    // can reveal the secret any more, and none did up to it.
    const scanned = await this.#clientB.head({ blockNumber: this.#scannedTo! });
    if (scanned.timestamp < b.lock.timelock) return undefined;
    this.#send("refund", this.#clientB.refund({ lock: b.lock }));
    return this.#await(a, b);
  }

  /**
   * Polls until an outcome (or `stop()`). A transient failure (`PROVIDER_ERROR` or `SUBMITTER_RPC_UNAVAILABLE`: a
   * node down, a timeout; `ATOMIC_SWAP_SECRET_NOT_FOUND`: an index behind its head) is reported to `onError` and the
   * next round tries again; any other failure (e.g. `ATOMIC_SWAP_CLAIM_TOO_LATE`) ends it.
   */
  async start(): Promise<AtomicSwapWatchOutcome | undefined> {
    const interval = this.#params.pollIntervalMs ?? 1_000;
    try {
      while (!this.#stopped) {
        let outcome: AtomicSwapWatchOutcome | undefined;
        try {
          outcome = await this.poll();
        } catch (error) {
          if (!(error instanceof PeerPayError) || !RETRYABLE.includes(error.code)) throw error;
          this.#params.onError?.(error);
        }
        if (outcome !== undefined) return outcome;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return undefined;
    } finally {
      await this.#onEnd();
    }
  }

  /** Ends the `start` loop after the current round (and closes the submitter `AtomicSwap.watch` made for it). */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  async #resolve(): Promise<{ a: Lock; b: Lock }> {
    if (this.#locks !== undefined) return this.#locks;
    const a = await this.#clientA.resolveLock({ lock: this.#params.lockA });
    const stateB = await this.#clientB.getLock({ lock: this.#params.lockB });
    if (a.lock.hashlock !== stateB.lock.hashlock) {
      throw new AtomicSwapError({
        code: PeerPayErrorCode.ATOMIC_SWAP_TERMS_MISMATCH,
        message: "The two locks watched do not share a hashlock",
        details: { field: "hashlock", expected: stateB.lock.hashlock, actual: a.lock.hashlock },
      });
    }
    this.nextFromBlock ??= stateB.log.blockNumber;
    this.#lockBlockB = stateB.log.blockNumber;
    this.#locks = { a, b: { lock: stateB.lock, lockId: stateB.lockId } };
    return this.#locks;
  }

  /** Scans B from the cursor to its head; the cursor then stays `confirmations_B - 1` blocks behind that head. */
  async #scan(b: Lock): Promise<void> {
    const latest = await this.#clientB.blockNumber();
    const from = this.nextFromBlock!;
    if (from <= latest) {
      // `toBlock` is clamped to the head of the node that answers the logs, which may lag the one asked above.
      const found = await this.#clientB.findSecret({ hashlock: b.lock.hashlock, fromBlock: from, toBlock: latest });
      this.#revealed = found.revealed;
      this.#scannedTo = found.scannedTo;
    } else {
      this.#scannedTo = Math.max(this.#scannedTo ?? from - 1, from - 1);
    }
    const behind = Math.max(from, this.#scannedTo - this.#confirmationsB + 1);
    // The stored cursor never passes the reveal: a watcher that dies before its claim lands finds it again.
    this.nextFromBlock = Math.min(behind, this.#revealed?.log.blockNumber ?? behind);
    await this.#params.onProgress?.({ nextFromBlock: this.nextFromBlock });
  }

  /** Lock B is Claimed: a reveal exists. Its event by the lock id, else the receipts of the block that claimed it. */
  async #lookUp(b: Lock): Promise<void> {
    const toBlock = await this.#clientB.blockNumber();
    const target = { lockId: b.lockId, hashlock: b.lock.hashlock, fromBlock: this.#lockBlockB, toBlock };
    this.#revealed = await guarded(decodeHashedTimelocksError, () => findRevealOf(this.#clientB, target));
    if (this.#revealed === undefined) {
      throw new AtomicSwapError({
        code: PeerPayErrorCode.ATOMIC_SWAP_SECRET_NOT_FOUND,
        message: `Lock ${b.lockId} on chain B is Claimed but no Claimed event for it was served up to block ${toBlock}`,
        details: { lockId: b.lockId, fromBlock: this.#lockBlockB, toBlock },
      });
    }
    this.nextFromBlock = Math.min(this.nextFromBlock!, this.#revealed.log.blockNumber);
    await this.#params.onProgress?.({ nextFromBlock: this.nextFromBlock });
  }

  #send(kind: Sending["kind"], sent: Promise<HashedTimelockWriteReturnType>): void {
    this.#sending = {
      kind,
      settled: sent.then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      ),
    };
  }

  /** The claim or refund in flight, waited for at most `sendWaitMs`; its failure decided from the chain's state. */
  async #await(a: Lock, b: Lock): Promise<AtomicSwapWatchOutcome | undefined> {
    const sending = this.#sending!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#params.sendWaitMs ?? 5_000);
    });
    const result = await Promise.race([sending.settled, waited]);
    clearTimeout(timer);
    if (result === undefined) return undefined;
    this.#sending = undefined;
    if (sending.kind === "refund") {
      if ("ok" in result) return this.#end({ outcome: "refunded", refund: result.ok });
      // Someone else's refund (anyone may refund) or a claim got there first: an outcome, not a failure.
      const statusB = await this.#clientB.status({ lock: b.lockId });
      if (statusB === HashedTimelockStatus.Refunded) return this.#end({ outcome: "refunded", refund: undefined });
      if (statusB === HashedTimelockStatus.Claimed) return undefined; // the next poll finds the secret
      throw result.error;
    }
    if ("ok" in result) return this.#end({ outcome: "claimed", revealed: this.#revealed!, claim: result.ok });
    // The next block reached tA, the initiator's refund landed first, someone else claimed, or the submitter gave up.
    const statusA = await this.#clientA.status({ lock: a.lockId });
    if (statusA === HashedTimelockStatus.Claimed) {
      return this.#end({ outcome: "already-claimed", revealed: this.#revealed });
    }
    const nowA = await this.#clientA.chainTime();
    if (statusA !== HashedTimelockStatus.Locked || nowA >= a.lock.timelock) {
      throw this.#tooLate(a, statusA, nowA, result.error);
    }
    throw result.error; // still claimable: a retryable error lets `start` send it again
  }

  async #claimA(a: Lock, b: Lock, revealed: RevealedSecret): Promise<AtomicSwapWatchOutcome | undefined> {
    const statusA = await this.#clientA.status({ lock: a.lockId });
    if (statusA === HashedTimelockStatus.Claimed) return this.#end({ outcome: "already-claimed", revealed });
    const nowA = await this.#clientA.chainTime();
    if (statusA !== HashedTimelockStatus.Locked || nowA >= a.lock.timelock) throw this.#tooLate(a, statusA, nowA);
    this.#send("claim", this.#clientA.claim({ lock: a.lock, secret: revealed.secret }));
    return this.#await(a, b);
  }

  #tooLate(a: Lock, statusA: HashedTimelockStatus, nowA: number, cause?: unknown): AtomicSwapError {
    const revealed = this.#revealed!;
    return new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_CLAIM_TOO_LATE,
      message: `The secret is public (block ${revealed.log.blockNumber} of chain B) but lock ${a.lockId} on chain A ${
        statusA === HashedTimelockStatus.Refunded ? "was refunded" : `expired at ${a.lock.timelock}`
      }`,
      details: { lockId: a.lockId, timelock: a.lock.timelock, now: nowA, status: statusA, secret: revealed.secret },
      cause,
    });
  }

  async #end(outcome: AtomicSwapWatchOutcome): Promise<AtomicSwapWatchOutcome> {
    await this.#onEnd();
    return outcome;
  }
}
