// EIP-1559 pricing of the submitter's transactions (docs/payment-channels.md §8.8): the first price, and the price of
// a replacement that a node accepts (both fees raised by at least the replacement rule) and that the market mines.
// Pure functions of bigints, so the rules are tested without a node.

/** The two EIP-1559 fees of one signed attempt. */
export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/** The replacement rule of geth's and anvil's pools: 12.5% in basis points (an attempt must beat the last by it). */
export const MIN_BUMP_BPS = 1_250n;

/**
 * The first price: `2 × base fee + tip`, which stays includable through six blocks of +12.5% base fee. Clamped to the
 * cap when there is one (the tip with it, as a tip above the max fee is invalid).
 */
export function initialFees({ baseFee, tip, cap }: { baseFee: bigint; tip: bigint; cap?: bigint }): Fees {
  let maxFeePerGas = 2n * baseFee + tip;
  if (cap !== undefined && maxFeePerGas > cap) maxFeePerGas = cap;
  return { maxFeePerGas, maxPriorityFeePerGas: tip < maxFeePerGas ? tip : maxFeePerGas };
}

/** `value × (1 + bps / 10,000)`, rounded up: rounding down could land a wei under the node's rule. */
export function raise(value: bigint, bps: bigint): bigint {
  return (value * (10_000n + bps) + 9_999n) / 10_000n;
}

/**
 * The price of a replacement of `previous`: both fees raised by at least `bumpBps`, and at least to the market's
 * `2 × base fee + tip`. Undefined when the cap leaves no room for a valid replacement (the previous attempt then
 * stays in the pool as it is).
 */
export function bumpedFees({
  previous,
  baseFee,
  tip,
  bumpBps,
  cap,
}: {
  previous: Fees;
  baseFee: bigint;
  tip: bigint;
  bumpBps: bigint;
  cap?: bigint;
}): Fees | undefined {
  const minMax = raise(previous.maxFeePerGas, bumpBps);
  const minTip = raise(previous.maxPriorityFeePerGas, bumpBps);
  const market = initialFees({ baseFee, tip });
  let maxFeePerGas = minMax > market.maxFeePerGas ? minMax : market.maxFeePerGas;
  let maxPriorityFeePerGas = minTip > tip ? minTip : tip;
  if (cap !== undefined && maxFeePerGas > cap) maxFeePerGas = cap;
  if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas;
  if (maxFeePerGas < minMax || maxPriorityFeePerGas < minTip) return undefined;
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/** When the lowest unmined transaction is bumped next, and by how much. */
export type BumpSchedule = { intervalMs: number; blocks: number; bumpBps: bigint };

/**
 * The bump schedule for a transaction with `leftMs` until its deadline (Infinity without one). Far from the deadline
 * it is the configured one; within `3 × bumpAfterMs` of it the raise doubles, every block counts and the interval
 * shrinks to a third of the time left (never under the polling interval). The caller adds the rule that bounds the
 * compounding: a scheduled bump needs a new block since the last attempt.
 */
export function bumpSchedule({
  leftMs,
  bumpAfterMs,
  bumpAfterBlocks,
  pollingIntervalMs,
  bumpBps,
}: {
  leftMs: number;
  bumpAfterMs: number;
  bumpAfterBlocks: number;
  pollingIntervalMs: number;
  bumpBps: bigint;
}): BumpSchedule {
  const urgent = leftMs < 3 * bumpAfterMs;
  return {
    intervalMs: Math.max(pollingIntervalMs, Math.min(bumpAfterMs, leftMs / 3)),
    blocks: urgent ? 1 : bumpAfterBlocks,
    bumpBps: urgent ? 2n * bumpBps : bumpBps,
  };
}
