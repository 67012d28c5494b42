// The contract's arithmetic, offline (docs/auctions.md AU-D1, AU-E3, AU-V5, AU-V6): the Dutch price at a timestamp,
// the next minimum English bid, and the sealed-bid forfeit, each to the unit as the contract rounds, so that an app
// shows the number the contract will use.
import { requireBigInt } from "../internal/validate";
import { AUCTION_LIMITS } from "./types";

const { bps: BPS } = AUCTION_LIMITS;

/**
 * A Dutch auction's price at timestamp `at` (AU-D1), exactly as the contract's `priceOf` computes it at a block of
 * that timestamp: `startPrice` until `start`, then falling linearly (the drop rounded down, so the price rounds up)
 * to `floorPrice` at `start + duration`, and `floorPrice` after.
 *
 * @throws {InvalidParameterError} a negative value, a zero duration, or `floorPrice > startPrice`.
 * @example
 * ```ts
 * const price = dutchPriceAt({ at: now + 60n, start, duration, startPrice, floorPrice });
 * ```
 */
export function dutchPriceAt(params: {
  at: bigint;
  start: bigint;
  duration: bigint;
  startPrice: bigint;
  floorPrice: bigint;
}): bigint {
  const at = requireBigInt("at", params.at, 0n);
  const start = requireBigInt("start", params.start, 0n);
  const duration = requireBigInt("duration", params.duration, 1n);
  const floorPrice = requireBigInt("floorPrice", params.floorPrice, 0n);
  const startPrice = requireBigInt("startPrice", params.startPrice, floorPrice);
  if (at <= start) return startPrice;
  const elapsed = at - start;
  if (elapsed >= duration) return floorPrice;
  return startPrice - ((startPrice - floorPrice) * elapsed) / duration;
}

/**
 * The smallest English bid the contract accepts (AU-E1, AU-E3): without a bid, the reserve (at least 1); after one,
 * `highest + max(1, ceil(highest · incrementBps / 10,000))`.
 *
 * @throws {InvalidParameterError} a negative amount or an increment above 10,000 bps.
 * @example
 * ```ts
 * const minimum = nextMinimumBid({ highest: parseEther("1"), incrementBps: 500, reserve: 0n, hasBid: true }); // 1.05 ETH
 * ```
 */
export function nextMinimumBid(params: {
  highest: bigint;
  incrementBps: number | bigint;
  reserve: bigint;
  hasBid: boolean;
}): bigint {
  const reserve = requireBigInt("reserve", params.reserve, 0n);
  if (!params.hasBid) return reserve === 0n ? 1n : reserve;
  const highest = requireBigInt("highest", params.highest, 0n);
  const incrementBps = requireBigInt("incrementBps", BigInt(params.incrementBps), 0n, BPS + 1n);
  const step = (highest * incrementBps + BPS - 1n) / BPS;
  return highest + (step === 0n ? 1n : step);
}

/**
 * What an unrevealed sealed commit loses when reclaimed (AU-V6): `deposit · 1,000 / 10,000`, rounded down.
 *
 * @example
 * ```ts
 * const forfeit = sealedForfeitOf({ deposit: parseEther("2") }); // 0.2 ETH
 * ```
 */
export function sealedForfeitOf(params: { deposit: bigint }): bigint {
  return (requireBigInt("deposit", params.deposit, 0n) * AUCTION_LIMITS.forfeitBps) / BPS;
}
