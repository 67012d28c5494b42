// The timelock rules of an atomic swap (docs/atomic-swaps.md §6.2). Chain A holds the initiator's lock (timelock
// tA), chain B the counterparty's (tB < tA). The initiator reveals the secret on B at the latest at tB - 1; from then
// the counterparty must see that claim confirmed on B, get its own claim included and confirmed on A, with the two
// chains' clocks apart by up to the skew, all before tA. Hence HT-21:
//   tA - tB >= confirmTimeB + confirmTimeA + claimWindowA + clockSkew,   confirmTime = confirmations * blockTime.
// And the counterparty's lock must leave the initiator time to see it confirmed and claim, on B's own clock (HT-22):
//   tB - now_B >= confirmTimeB + claimWindowB, when C locks and again when I reveals (a reveal mined close to tB and
//   reorganised out by up to confirmations_B blocks would be re-mined after tB, with the secret already public).
// Every estimate is at least 1 s (a block time of 0 makes confirmations free, a claim window of 0 means a transaction
// mined instantly): the margin is then positive, and tB < tA is checked on its own as well.
import { AtomicSwapError } from "../errors/atomic-swaps";
import { PeerPayErrorCode } from "../errors/codes";
import { requireInteger } from "../internal/validate";
import { HASHED_TIMELOCK_LIMITS as LIMITS } from "./types";

/**
 * How long a chain takes to make a transaction final enough to act on: `blockTime` (seconds, the chain's average)
 * times the `confirmations` the parties wait for (reorg safety); and `claimWindow`, the seconds a claim or lock on
 * this chain may take to be included (congestion, fee bumps), when it differs from the swap's default.
 *
 * @example
 * ```ts
 * const ethereum: ChainTiming = { blockTime: 12, confirmations: 3, claimWindow: 1_800 };
 * ```
 */
export type ChainTiming = { blockTime: number; confirmations: number; claimWindow?: number };

/**
 * The estimates an atomic swap's timelocks are planned with: each chain's timing, the default `claimWindow` (seconds
 * a claim or lock transaction may take to be included, fees and congestion included; a chain's own `claimWindow`
 * overrides it) and the `clockSkew` (seconds the two chains' block times may differ by; 2 hours or more with Bitcoin).
 *
 * @example
 * ```ts
 * const timing: AtomicSwapTiming = {
 *   chainA: { blockTime: 12, confirmations: 3 }, chainB: { blockTime: 2, confirmations: 10 }, claimWindow: 900, clockSkew: 120,
 * };
 * ```
 */
export type AtomicSwapTiming = {
  chainA: ChainTiming;
  chainB: ChainTiming;
  claimWindow: number;
  clockSkew: number;
};

/**
 * The durations the rules derive from an {@link AtomicSwapTiming}, in seconds: each chain's confirmation time and
 * claim window, the least `tA - tB` (`margin`, HT-21), the least `tB - now_B` when the counterparty locks and when the
 * initiator reveals (`minTimeB`, HT-22), and the least `tB - now` when the initiator locks
 * (`minDurationB`: A's confirmations and the counterparty's lock on B on top of `minTimeB`).
 *
 * @example
 * ```ts
 * const { margin, minTimeB }: AtomicSwapMargins = atomicSwapMargins(timing);
 * ```
 */
export type AtomicSwapMargins = {
  confirmTimeA: number;
  confirmTimeB: number;
  claimWindowA: number;
  claimWindowB: number;
  margin: number;
  minTimeB: number;
  minDurationB: number;
};

const MAX = LIMITS.maxTimelockDuration;

/**
 * The margins an atomic swap's timelocks must respect (docs/atomic-swaps.md §6.2): see {@link AtomicSwapMargins}.
 *
 * @throws {InvalidParameterError} a block time or claim window below 1 s, confirmations below 1, a clock skew below 0
 * (all whole seconds or blocks).
 * @example
 * ```ts
 * const { margin } = atomicSwapMargins({ chainA: { blockTime: 12, confirmations: 3 }, chainB: { blockTime: 2, confirmations: 10 }, claimWindow: 900, clockSkew: 120 });
 * // margin = 20 + 36 + 900 + 120 = 1,076 s (HT-21)
 * ```
 */
export function atomicSwapMargins(timing: AtomicSwapTiming): AtomicSwapMargins {
  const confirmTime = (name: string, chain: ChainTiming) =>
    requireInteger(`${name}.blockTime`, chain?.blockTime, 1, MAX) *
    requireInteger(`${name}.confirmations`, chain?.confirmations, 1, 10_000);
  const confirmTimeA = confirmTime("timing.chainA", timing.chainA);
  const confirmTimeB = confirmTime("timing.chainB", timing.chainB);
  // No transaction is included in 0 s: a window of 0 would let the margin (and tA - tB) fall to 0.
  const claimWindow = requireInteger("timing.claimWindow", timing.claimWindow, 1, MAX);
  const claimWindowA = requireInteger("timing.chainA.claimWindow", timing.chainA.claimWindow ?? claimWindow, 1, MAX);
  const claimWindowB = requireInteger("timing.chainB.claimWindow", timing.chainB.claimWindow ?? claimWindow, 1, MAX);
  const clockSkew = requireInteger("timing.clockSkew", timing.clockSkew, 0, MAX);
  const minTimeB = confirmTimeB + claimWindowB;
  return {
    confirmTimeA,
    confirmTimeB,
    claimWindowA,
    claimWindowB,
    margin: confirmTimeB + confirmTimeA + claimWindowA + clockSkew,
    minTimeB,
    // C's lock on B must be included (claimWindowB) once I's lock on A is deep enough (confirmTimeA).
    minDurationB: confirmTimeA + claimWindowB + minTimeB,
  };
}

/**
 * Refuses an unsafe pair of timelocks (HT-21): `timelockB >= timelockA` (checked on its own, whatever the estimates),
 * or `timelockA - timelockB` below the margin.
 *
 * @throws {AtomicSwapError} `ATOMIC_SWAP_UNSAFE_TIMELOCKS`, with `details.margin` (what the pair leaves) and
 * `details.required`.
 * @throws {InvalidParameterError} the timing estimates are out of range (see {@link atomicSwapMargins}).
 * @example
 * ```ts
 * checkAtomicSwapTimelocks({ timing, timelockA, timelockB });
 * ```
 */
export function checkAtomicSwapTimelocks(params: {
  timing: AtomicSwapTiming;
  timelockA: number;
  timelockB: number;
}): void {
  const { margin: required } = atomicSwapMargins(params.timing);
  const timelockA = requireInteger("timelockA", params.timelockA, 0, LIMITS.timeMax);
  const timelockB = requireInteger("timelockB", params.timelockB, 0, LIMITS.timeMax);
  const margin = timelockA - timelockB;
  // §6.1: with tB >= tA the initiator could refund A and still claim B. Refused even if the margin were 0.
  if (timelockB >= timelockA || margin < required) {
    throw new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_UNSAFE_TIMELOCKS,
      message: `timelockA - timelockB is ${margin} s; both chains' confirmations, the claim window and the clock skew need ${required} s`,
      details: { timelockA, timelockB, margin, required },
    });
  }
}

/**
 * Refuses a timelock that leaves less than `required` seconds after `now` (each chain's own clock) for `party`.
 *
 * @throws {AtomicSwapError} `ATOMIC_SWAP_TIMELOCK_TOO_SOON`.
 * @example
 * ```ts
 * requireTimeLeft({ timelock: lockA.timelock, now: nowA, required: margin + minTimeB, party: "counterparty" });
 * ```
 */
export function requireTimeLeft(params: { timelock: number; now: number; required: number; party: string }): void {
  const left = params.timelock - params.now;
  if (left < params.required) {
    throw new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_TIMELOCK_TOO_SOON,
      message: `Timelock ${params.timelock} leaves ${left} s after ${params.now}; the ${params.party} needs ${params.required} s`,
      details: { ...params, left },
    });
  }
}

/**
 * Plans a safe pair of timelocks from the chains' clock now (the later of the two): `timelockB = now + durationB`
 * (default: twice the least the initiator's lock must leave, `2 * minDurationB`), `timelockA = timelockB + margin`.
 *
 * @throws {AtomicSwapError} `ATOMIC_SWAP_TIMELOCK_TOO_SOON`: `durationB` below `minDurationB`.
 * @throws {AtomicSwapError} `ATOMIC_SWAP_UNSAFE_TIMELOCKS`: `timelockA` would be more than 30 days ahead.
 * @example
 * ```ts
 * const { timelockA, timelockB } = planAtomicSwapTimelocks({ timing, now: await clientA.chainTime() });
 * ```
 */
export function planAtomicSwapTimelocks(params: { timing: AtomicSwapTiming; now: number; durationB?: number }): {
  timelockA: number;
  timelockB: number;
  margin: number;
} {
  const margins = atomicSwapMargins(params.timing);
  const now = requireInteger("now", params.now, 0, LIMITS.timeMax);
  const durationB = requireInteger("durationB", params.durationB ?? 2 * margins.minDurationB, 0, MAX);
  const timelockB = now + durationB;
  requireTimeLeft({ timelock: timelockB, now, required: margins.minDurationB, party: "swap (durationB)" });
  const timelockA = timelockB + margins.margin;
  if (timelockA - now > MAX) {
    throw new AtomicSwapError({
      code: PeerPayErrorCode.ATOMIC_SWAP_UNSAFE_TIMELOCKS,
      message: `timelockA would be ${timelockA - now} s ahead, beyond the contract's 30 days`,
      details: { timelockA, timelockB, now, max: MAX },
    });
  }
  return { timelockA, timelockB, margin: margins.margin };
}
