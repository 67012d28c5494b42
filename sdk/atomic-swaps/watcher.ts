// The counterparty's watcher (docs/atomic-swaps.md §6.3): it follows chain B's `Claimed` events for the swap's hashlock
// and, as soon as the initiator's claim reveals the secret, claims the initiator's lock on chain A with it. Its cursor
// (the next block of B to scan) is reported after every poll, so a watcher that was offline resumes from the block it
// stored and catches up. If tB passes with no secret revealed, nothing can reveal it on B any more (claims need
// block.timestamp < tB): it refunds the counterparty's own lock. The loss window is a watcher back after tA with the
// secret revealed: the counterparty's lock on B was claimed and the initiator may refund A. HT-21 leaves the watcher
// down until `AtomicSwap.watchDeadline` (tA - confirmTimeA - claimWindowA), at least confirmTimeB + clockSkew after
// tB, the latest reveal: a watcher back by then always claims in time.
import { AtomicSwapError } from "../errors/atomic-swaps";
import { PeerPayError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { requireInteger } from "../internal/validate";
import type { HashedTimelocksClient } from "./client";
import type { HashedTimelockRef, HashedTimelockWriteReturnType, RevealedSecret } from "./parameters";
import { HashedTimelockStatus, type HashedTimelock, type HashedTimelockId } from "./types";

/**
 * What `AtomicSwap.watch` takes: the initiator's lock on A (the watcher's party receives it), the counterparty's own
 * lock on B, and where to resume: `fromBlock` (B's next block to scan, as stored by `onProgress`; default the block
 * of B's `Locked` event). `pollIntervalMs` (default 1,000) paces `start`; `refundOnExpiry` (default true) refunds
 * B's lock once tB has passed with no secret revealed.
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
  onProgress?: (progress: { nextFromBlock: number }) => void | Promise<void>;
  /** Told of each provider failure (`PROVIDER_ERROR`) that `start` rides out by polling again. */
  onError?: (error: PeerPayError) => void;
};

/**
 * How a watch ended: `claimed` (the watcher claimed A with the revealed secret), `already-claimed` (A was claimed by
 * someone else, e.g. a public claimer after `publicClaimAt`: the counterparty is paid all the same), or `refunded`
 * (no secret by tB; B's lock went back to the counterparty, `receipt` set if the watcher refunded it).
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

/**
 * A running watch of one swap, for its counterparty: `poll()` does one round (scan B, then claim A or refund B when
 * due) and returns the outcome once there is one; `start()` polls every `pollIntervalMs` until then; `stop()` ends
 * the loop (the promise of `start` then resolves to undefined). `nextFromBlock` is the cursor to store.
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
  readonly #params: AtomicSwapWatchParameters;
  #locks: { a: Lock; b: Lock } | undefined;
  #revealed: RevealedSecret | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  /** The next block of chain B to scan (undefined until the first poll when no `fromBlock` was given). */
  nextFromBlock: number | undefined;

  constructor(params: AtomicSwapWatchParameters & { clientA: HashedTimelocksClient; clientB: HashedTimelocksClient }) {
    const { clientA, clientB, ...rest } = params;
    this.#clientA = clientA;
    this.#clientB = clientB;
    this.#params = rest;
    if (rest.fromBlock !== undefined) {
      this.nextFromBlock = requireInteger("fromBlock", rest.fromBlock, 0, Number.MAX_SAFE_INTEGER);
    }
    requireInteger("pollIntervalMs", rest.pollIntervalMs ?? 1_000, 1, 3_600_000);
  }

  /**
   * One round: scans B from the cursor to the latest block for the secret; with it, claims A (or finds A already
   * claimed); without it and past tB, refunds B. Returns undefined while there is nothing to do yet.
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_CLAIM_TOO_LATE`: the secret is public but A can no longer be claimed
   * (tA passed, or A was refunded): the documented loss window.
   */
  async poll(): Promise<AtomicSwapWatchOutcome | undefined> {
    const { a, b } = await this.#resolve();
    const head = await this.#clientB.head();
    if (this.#revealed === undefined && this.nextFromBlock! <= head.number) {
      const found = await this.#clientB.findSecret({
        hashlock: b.lock.hashlock,
        fromBlock: this.nextFromBlock,
        toBlock: head.number,
      });
      this.#revealed = found.revealed;
      this.nextFromBlock = head.number + 1;
      await this.#params.onProgress?.({ nextFromBlock: this.nextFromBlock });
    }
    if (this.#revealed !== undefined) return this.#claimA(a, this.#revealed);
    const statusB = await this.#clientB.status({ lock: b.lockId });
    if (statusB === HashedTimelockStatus.Refunded) return { outcome: "refunded", refund: undefined };
    // Every later block has a timestamp at or above the head's: from tB on, no claim on B can reveal the secret.
    if (
      statusB === HashedTimelockStatus.Locked &&
      head.timestamp >= b.lock.timelock &&
      this.#params.refundOnExpiry !== false
    ) {
      return { outcome: "refunded", refund: await this.#clientB.refund({ lock: b.lock }) };
    }
    return undefined;
  }

  /**
   * Polls until an outcome (or `stop()`). A provider failure (`PROVIDER_ERROR`: a node down, a timeout) is reported
   * to `onError` and the next round tries again; any other failure (e.g. `ATOMIC_SWAP_CLAIM_TOO_LATE`) ends it.
   */
  async start(): Promise<AtomicSwapWatchOutcome | undefined> {
    const interval = this.#params.pollIntervalMs ?? 1_000;
    while (!this.#stopped) {
      let outcome: AtomicSwapWatchOutcome | undefined;
      try {
        outcome = await this.poll();
      } catch (error) {
        if (!(error instanceof PeerPayError) || error.code !== PeerPayErrorCode.PROVIDER_ERROR) throw error;
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
  }

  /** Ends the `start` loop after the current round. */
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
    this.#locks = { a, b: { lock: stateB.lock, lockId: stateB.lockId } };
    return this.#locks;
  }

  async #claimA(a: Lock, revealed: RevealedSecret): Promise<AtomicSwapWatchOutcome> {
    const statusA = await this.#clientA.status({ lock: a.lockId });
    if (statusA === HashedTimelockStatus.Claimed) return { outcome: "already-claimed", revealed };
    const nowA = await this.#clientA.chainTime();
    const tooLate = (cause?: unknown) =>
      new AtomicSwapError({
        code: PeerPayErrorCode.ATOMIC_SWAP_CLAIM_TOO_LATE,
        message: `The secret is public (block ${revealed.log.blockNumber} of chain B) but lock ${a.lockId} on chain A ${
          statusA === HashedTimelockStatus.Refunded ? "was refunded" : `expired at ${a.lock.timelock}`
        }`,
        details: { lockId: a.lockId, timelock: a.lock.timelock, now: nowA, status: statusA, secret: revealed.secret },
        cause,
      });
    if (statusA !== HashedTimelockStatus.Locked || nowA >= a.lock.timelock) throw tooLate();
    try {
      return {
        outcome: "claimed",
        revealed,
        claim: await this.#clientA.claim({ lock: a.lock, secret: revealed.secret }),
      };
    } catch (error) {
      // The next block reached tA, or the initiator's refund landed first.
      const code = error instanceof PeerPayError ? error.code : undefined;
      if (code === PeerPayErrorCode.HASHED_TIMELOCK_EXPIRED || code === PeerPayErrorCode.HASHED_TIMELOCK_NOT_LOCKED) {
        throw tooLate(error);
      }
      throw error;
    }
  }
}
