import { requireThat } from "../internal/validate";
import type { HashedTimelocksClient } from "./client";
import { createSecret } from "./hashing";
import type {
  HashedTimelockRef,
  HashedTimelockState,
  HashedTimelockWriteReturnType,
  LockParameters,
  LockReturnType,
} from "./parameters";
import {
  atomicSwapMargins,
  checkAtomicSwapTimelocks,
  planAtomicSwapTimelocks,
  requireTimeLeft,
  type AtomicSwapMargins,
  type AtomicSwapTiming,
  type ChainTiming,
} from "./planner";
import type { HashedTimelockId } from "./types";
import { requireUnrevealedHashlock, verifyHashedTimelock, type AtomicSwapLegTerms } from "./verify";
import { claimingClient, withSubmitter } from "./submitting";
import { AtomicSwapWatcher, type AtomicSwapWatchParameters } from "./watcher";
import type { TransactionSubmitter } from "../submitter/types";

/**
 * One chain of an atomic swap, as one party reaches it: its own client (its signer on that chain), the chain's
 * timing estimates, and optionally the fee-bumping `submitter` (sdk/submitter) its claims on that chain go through:
 * the initiator's claim on B (deadline `tB - 1`) and the watcher's claim on A (deadline `tA - 1`). Default: the
 * client's own submitter. Without either, the initiator's claim goes out once at the provider's estimate (which does
 * not meet the claim-window assumption under congestion), and the watcher makes a `Submitter` from the client's
 * runner (a Wallet on a JSON-RPC provider) or refuses to start.
 *
 * @example
 * ```ts
 * const chainA: AtomicSwapChain = { client: new HashedTimelocksClient({ address, runner: walletOnA }), timing: { blockTime: 12, confirmations: 3 } };
 * ```
 */
export type AtomicSwapChain = { client: HashedTimelocksClient; timing: ChainTiming; submitter?: TransactionSubmitter };

/**
 * What an {@link AtomicSwap} is made of: chain A (the initiator's lock, the longer timelock), chain B (the
 * counterparty's lock, the shorter), the claim window and the clock skew, in seconds (see {@link AtomicSwapTiming}).
 *
 * @example
 * ```ts
 * const params: AtomicSwapParameters = { chainA, chainB, claimWindow: 900, clockSkew: 120 };
 * ```
 */
export type AtomicSwapParameters = {
  chainA: AtomicSwapChain;
  chainB: AtomicSwapChain;
  claimWindow: number;
  clockSkew: number;
};

/**
 * The initiator's lock on chain A: a lock's parameters with the swap's hashlock and both planned timelocks (the
 * pair is checked, and `timelockB` must leave the counterparty time to lock).
 *
 * @example
 * ```ts
 * const params: InitiatorLockParameters = { receiver: bobOnA, token: dUSD, amount, hashlock, timelockA, timelockB };
 * ```
 */
export type InitiatorLockParameters = Omit<LockParameters, "timelock"> & { timelockA: number; timelockB: number };

/**
 * The counterparty's lock on chain B: the initiator's lock on A (`lockIdA`) and the terms agreed for it
 * (`expectedA`), then this lock's receiver (the initiator's address on B), amount and token; `timelockB` defaults to
 * the latest safe one, `timelockA - margin`.
 *
 * @example
 * ```ts
 * const params: CounterpartyLockParameters = { lockIdA, expectedA, receiver: aliceOnB, amount: parseEther("0.5") };
 * ```
 */
export type CounterpartyLockParameters = Omit<LockParameters, "timelock" | "hashlock"> & {
  lockIdA: HashedTimelockId;
  expectedA: AtomicSwapLegTerms;
  timelockB?: number;
};

/**
 * The protocol of a hashed-timelock atomic swap between two chains (docs/atomic-swaps.md), for either party:
 * 1. the initiator draws a secret ({@link AtomicSwap.createSecret}), plans the timelocks and locks on A
 *    (`lockInitiator`, tA);
 * 2. the counterparty verifies that lock from chain A (`verifyCounterpartyLock`) and locks on B (`lockCounterparty`,
 *    tB <= tA - margin);
 * 3. the initiator verifies B's lock and claims it (`claim`), which reveals the secret on B;
 * 4. the counterparty's watcher (`watch`) reads the secret from B and claims A before tA.
 * If the swap stalls each refunds after its own timelock (`refund`). Every refusal is an `AtomicSwapError`.
 *
 * @example
 * ```ts
 * const alice = new AtomicSwap({ chainA: { client: aliceOnA, timing: timingA }, chainB: { client: aliceOnB, timing: timingB }, claimWindow: 900, clockSkew: 120 });
 * const { secret, hashlock } = AtomicSwap.createSecret();
 * const { timelockA, timelockB } = await alice.planTimelocks({});
 * const { lockId } = await alice.lockInitiator({ receiver: bob, token: dUSD, amount, hashlock, timelockA, timelockB });
 * ```
 */
export class AtomicSwap {
  readonly chainA: AtomicSwapChain;
  readonly chainB: AtomicSwapChain;
  readonly timing: AtomicSwapTiming;
  readonly margins: AtomicSwapMargins;

  constructor(params: AtomicSwapParameters) {
    this.chainA = params.chainA;
    this.chainB = params.chainB;
    this.timing = {
      chainA: params.chainA.timing,
      chainB: params.chainB.timing,
      claimWindow: params.claimWindow,
      clockSkew: params.clockSkew,
    };
    this.margins = atomicSwapMargins(this.timing);
  }

  /**
   * A fresh 32-byte secret (WebCrypto) and its SHA-256 hashlock.
   *
   * @example
   * ```ts
   * const { secret, hashlock } = AtomicSwap.createSecret();
   * ```
   */
  static createSecret(): { secret: string; hashlock: string } {
    return createSecret();
  }

  /**
   * A safe pair of timelocks from now (the later of the two chains' clocks): see `planAtomicSwapTimelocks`.
   *
   * @example
   * ```ts
   * const { timelockA, timelockB } = await swap.planTimelocks({ durationB: 3_600 });
   * ```
   */
  async planTimelocks(
    params: { durationB?: number } = {},
  ): Promise<{ timelockA: number; timelockB: number; margin: number }> {
    const [nowA, nowB] = await Promise.all([this.chainA.client.chainTime(), this.chainB.client.chainTime()]);
    return planAtomicSwapTimelocks({ timing: this.timing, now: Math.max(nowA, nowB), durationB: params.durationB });
  }

  /**
   * Refuses an unsafe pair (`tA - tB` below the margin).
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_UNSAFE_TIMELOCKS`.
   * @example
   * ```ts
   * swap.checkTimelocks({ timelockA, timelockB });
   * ```
   */
  checkTimelocks(params: { timelockA: number; timelockB: number }): void {
    checkAtomicSwapTimelocks({ timing: this.timing, ...params });
  }

  /**
   * The last moment (chain A's clock) the counterparty's watcher can come back, see the secret and still claim A
   * safely (docs/atomic-swaps.md §6.3): `tA - confirmTimeA - claimWindowA`. HT-21 puts it at least
   * `confirmTimeB + clockSkew` after tB, the latest reveal.
   *
   * @example
   * ```ts
   * const deadline = swap.watchDeadline({ timelockA: lockA.timelock });
   * ```
   */
  watchDeadline(params: { timelockA: number }): number {
    return params.timelockA - this.margins.confirmTimeA - this.margins.claimWindowA;
  }

  /**
   * Step 1, the initiator: checks the pair of timelocks (HT-21), that tB leaves the counterparty time to verify and
   * lock (`minDurationB` on B's clock), and that the hashlock's secret is public on neither chain (HT-24); then locks
   * on A with timelock tA.
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_UNSAFE_TIMELOCKS`, `ATOMIC_SWAP_TIMELOCK_TOO_SOON`, `ATOMIC_SWAP_SECRET_REVEALED`.
   * @example
   * ```ts
   * const { lock, lockId } = await alice.lockInitiator({ receiver: bobOnA, token: dUSD, amount, hashlock, timelockA, timelockB, funding: "permit" });
   * ```
   */
  async lockInitiator(params: InitiatorLockParameters): Promise<LockReturnType> {
    const { timelockA, timelockB, ...rest } = params;
    this.checkTimelocks({ timelockA, timelockB });
    const nowB = await this.chainB.client.chainTime();
    requireTimeLeft({ timelock: timelockB, now: nowB, required: this.margins.minDurationB, party: "counterparty" });
    await requireUnrevealedHashlock({ hashlock: params.hashlock, clients: [this.chainA.client, this.chainB.client] });
    return this.chainA.client.lock({ ...rest, timelock: timelockA });
  }

  /**
   * Step 2a, the counterparty: reads the initiator's lock on A and checks it (HT-23): status Locked, each agreed field,
   * chain A's confirmations, enough time before tA for the margin and the initiator's claim (`margin + minTimeB`), and
   * a hashlock whose secret is public on neither chain (HT-24). Returns the lock and the latest safe tB.
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_TERMS_MISMATCH` (`details.field`), `ATOMIC_SWAP_LOCK_NOT_ACTIVE`,
   * `ATOMIC_SWAP_LOCK_UNCONFIRMED`, `ATOMIC_SWAP_TIMELOCK_TOO_SOON`, `ATOMIC_SWAP_SECRET_REVEALED`, `HASHED_TIMELOCK_NOT_FOUND`.
   * @example
   * ```ts
   * const { state, timelockB } = await bob.verifyCounterpartyLock({ lockId, expected: { sender: alice, receiver: bob, token: dUSD, amount, hashlock } });
   * ```
   */
  async verifyCounterpartyLock(params: {
    lockId: HashedTimelockId;
    expected: AtomicSwapLegTerms;
  }): Promise<{ state: HashedTimelockState; timelockB: number }> {
    const state = await verifyHashedTimelock({
      client: this.chainA.client,
      lockId: params.lockId,
      expected: params.expected,
      confirmations: this.chainA.timing.confirmations,
    });
    const nowA = await this.chainA.client.chainTime();
    requireTimeLeft({
      timelock: state.lock.timelock,
      now: nowA,
      required: this.margins.margin + this.margins.minTimeB,
      party: "counterparty",
    });
    await requireUnrevealedHashlock({
      hashlock: state.lock.hashlock,
      clients: [this.chainA.client, this.chainB.client],
    });
    return { state, timelockB: state.lock.timelock - this.margins.margin };
  }

  /**
   * Step 2b, the counterparty: verifies the initiator's lock (as `verifyCounterpartyLock`), checks tB (default the
   * latest safe one) against tA (HT-21) and that it leaves the initiator time to claim (`minTimeB` on B's clock,
   * HT-22), then locks on B under the same hashlock.
   *
   * @throws {AtomicSwapError} as `verifyCounterpartyLock`, and `ATOMIC_SWAP_UNSAFE_TIMELOCKS`, `ATOMIC_SWAP_TIMELOCK_TOO_SOON`.
   * @example
   * ```ts
   * const { lock: lockB } = await bob.lockCounterparty({ lockIdA, expectedA, receiver: aliceOnB, amount: parseEther("0.5") });
   * ```
   */
  async lockCounterparty(params: CounterpartyLockParameters): Promise<LockReturnType & { lockA: HashedTimelockState }> {
    const { lockIdA, expectedA, timelockB: chosen, ...rest } = params;
    const { state, timelockB: latest } = await this.verifyCounterpartyLock({ lockId: lockIdA, expected: expectedA });
    const timelockB = chosen ?? latest;
    this.checkTimelocks({ timelockA: state.lock.timelock, timelockB });
    const nowB = await this.chainB.client.chainTime();
    requireTimeLeft({ timelock: timelockB, now: nowB, required: this.margins.minTimeB, party: "initiator" });
    const made = await this.chainB.client.lock({ ...rest, hashlock: state.lock.hashlock, timelock: timelockB });
    return { ...made, lockA: state };
  }

  /**
   * Step 3a, the initiator: reads the counterparty's lock on B and checks it (HT-23 with the roles swapped: status
   * Locked, each agreed field, B's confirmations; with `timelockA`, its own tA, HT-21 against it) and that a claim
   * sent now can still be confirmed before tB (HT-22: `tB - now_B >= confirmTimeB + claimWindowB`, i.e. `minTimeB`).
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_TERMS_MISMATCH`, `ATOMIC_SWAP_LOCK_NOT_ACTIVE`, `ATOMIC_SWAP_LOCK_UNCONFIRMED`,
   * `ATOMIC_SWAP_UNSAFE_TIMELOCKS`, `ATOMIC_SWAP_TIMELOCK_TOO_SOON`.
   * @example
   * ```ts
   * await alice.verifyLockB({ lockId: lockIdB, expected: { sender: bobOnB, receiver: alice, amount: parseEther("0.5"), hashlock }, timelockA });
   * ```
   */
  async verifyLockB(params: {
    lockId: HashedTimelockId;
    expected: AtomicSwapLegTerms;
    timelockA?: number;
  }): Promise<HashedTimelockState> {
    const state = await verifyHashedTimelock({
      client: this.chainB.client,
      lockId: params.lockId,
      expected: params.expected,
      confirmations: this.chainB.timing.confirmations,
    });
    if (params.timelockA !== undefined) {
      this.checkTimelocks({ timelockA: params.timelockA, timelockB: state.lock.timelock });
    }
    await this.#requireRevealTime(state.lock.timelock);
    return state;
  }

  /**
   * HT-22 at the reveal: a claim mined close to tB and reorganised out by up to confirmations_B blocks would be
   * re-mined after tB and revert, with the secret already public; so B's confirmation time counts here too.
   */
  async #requireRevealTime(timelockB: number): Promise<void> {
    const nowB = await this.chainB.client.chainTime();
    requireTimeLeft({ timelock: timelockB, now: nowB, required: this.margins.minTimeB, party: "initiator" });
  }

  /**
   * Step 3b, the initiator: always verifies the counterparty's lock on B against the agreed terms first
   * (`verifyLockB`: HT-23 and HT-22), then claims it with the secret, which reveals the secret on B. Nothing is
   * revealed to a lock that pays someone else, pays less, in another token, under another hashlock, that is not
   * confirmed, or with less than `minTimeB` left before tB. (The contract itself accepts any claim mined before tB:
   * `HashedTimelocksClient.claim` is the unchecked path.) With a `submitter` on chain B's client the claim is
   * re-priced until it lands by `tB - 1`; without one it goes out once at the provider's estimate, which does not
   * meet the claim-window assumption of HT-22 under congestion (docs/atomic-swaps.md §6.2).
   *
   * @throws {AtomicSwapError} as `verifyLockB`.
   * @throws {HashedTimelockStateError} `HASHED_TIMELOCK_EXPIRED` if the claim still lands at or after tB.
   * @throws {SubmitterError} through a submitter: `SUBMITTER_DEADLINE_MISSED` if it did not land by `tB - 1`.
   * @example
   * ```ts
   * await alice.claim({ lockIdB, secret, expected: { sender: bobOnB, receiver: alice, amount: parseEther("0.5"), hashlock }, timelockA });
   * ```
   */
  async claim(params: {
    lockIdB: HashedTimelockId;
    secret: string;
    expected: AtomicSwapLegTerms;
    timelockA?: number;
  }): Promise<HashedTimelockWriteReturnType> {
    // HT-22 first, from the terms of B's `Locked` event: too late is refused as such, whatever else is wrong.
    const { lock } = await this.chainB.client.resolveLock({ lock: params.lockIdB });
    await this.#requireRevealTime(lock.timelock);
    // Untyped callers: the agreed terms are not optional (HT-23), nothing is revealed to an unverified lock.
    requireThat(params.expected !== undefined, "expected", params.expected, "the agreed terms of lock B are required");
    const state = await this.verifyLockB({
      lockId: params.lockIdB,
      expected: params.expected,
      timelockA: params.timelockA,
    });
    const client = withSubmitter(this.chainB.client, this.chainB.submitter);
    return client.claim({ lock: state.lock, secret: params.secret });
  }

  /**
   * Step 4, the counterparty: a watcher that follows B's claims for the secret and claims A with it, catching up
   * from `fromBlock` after downtime, and refunds B if tB passes with no secret. See {@link AtomicSwapWatcher}. Its
   * claim on A goes through chain A's `submitter` (or the client's); with neither, through a `Submitter` made from the
   * client's runner, closed when the watch ends.
   *
   * @throws {InvalidParameterError} no submitter for chain A and the runner cannot make one (see {@link AtomicSwapChain}).
   * @example
   * ```ts
   * const outcome = await bob.watch({ lockA: lockIdA, lockB: lockIdB }).start();
   * ```
   */
  watch(params: AtomicSwapWatchParameters): AtomicSwapWatcher {
    const { client: clientA, owned } = claimingClient(this.chainA.client, {
      submitter: this.chainA.submitter,
      pollingIntervalMs: Math.min(params.pollIntervalMs ?? 1_000, 1_000),
      parameter: "chainA.submitter",
    });
    return new AtomicSwapWatcher({
      ...params,
      clientA,
      clientB: withSubmitter(this.chainB.client, this.chainB.submitter),
      confirmationsB: this.chainB.timing.confirmations,
      onEnd: async () => owned?.close(),
    });
  }

  /**
   * Refunds a stalled leg once its timelock has passed: the initiator its lock on `"A"` (from tA), the counterparty
   * its lock on `"B"` (from tB).
   *
   * @throws {HashedTimelockStateError} `HASHED_TIMELOCK_NOT_EXPIRED` before the timelock, `HASHED_TIMELOCK_NOT_LOCKED` once finished.
   * @example
   * ```ts
   * await alice.refund({ chain: "A", lock: lockIdA });
   * ```
   */
  refund(params: { chain: "A" | "B"; lock: HashedTimelockRef }): Promise<HashedTimelockWriteReturnType> {
    requireThat(params.chain === "A" || params.chain === "B", "chain", params.chain, 'must be "A" or "B"');
    return (params.chain === "A" ? this.chainA : this.chainB).client.refund({ lock: params.lock });
  }
}
