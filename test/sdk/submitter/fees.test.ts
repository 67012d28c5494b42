// The submitter's pricing rules (docs/payment-channels.md §8.8, PC-E7) without a node: the first price, the
// replacement that pools accept (both fees +12.5%) and the market mines, the cap, and the deadline's bump schedule.
import { expect } from "chai";
import fc from "fast-check";
import { MIN_BUMP_BPS, bumpSchedule, bumpedFees, initialFees, raise } from "../../../sdk/submitter/fees";

const GWEI = 10n ** 9n;

describe("submitter fees (PC-E7)", function () {
  it("prices a first attempt at 2 × base fee + tip, clamped with its tip to the cap", function () {
    expect(initialFees({ baseFee: 10n * GWEI, tip: GWEI })).to.deep.equal({
      maxFeePerGas: 21n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    expect(initialFees({ baseFee: 10n * GWEI, tip: GWEI, cap: 15n * GWEI }).maxFeePerGas).to.equal(15n * GWEI);
    expect(initialFees({ baseFee: 10n * GWEI, tip: 3n * GWEI, cap: 2n * GWEI })).to.deep.equal({
      maxFeePerGas: 2n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
  });

  it("rounds a raise up, so a replacement is never a wei under the 12.5% rule", function () {
    expect(raise(8n, MIN_BUMP_BPS)).to.equal(9n);
    expect(raise(9n, MIN_BUMP_BPS)).to.equal(11n); // 10.125 → 11
    expect(raise(GWEI, MIN_BUMP_BPS)).to.equal(1_125_000_000n);
  });

  it("raises both fees by ≥ 12.5% on a quiet market, and to the market's price after a base-fee jump", function () {
    const previous = { maxFeePerGas: 21n * GWEI, maxPriorityFeePerGas: GWEI };
    expect(bumpedFees({ previous, baseFee: GWEI, tip: GWEI, bumpBps: MIN_BUMP_BPS })).to.deep.equal({
      maxFeePerGas: raise(21n * GWEI, MIN_BUMP_BPS),
      maxPriorityFeePerGas: raise(GWEI, MIN_BUMP_BPS),
    });
    expect(bumpedFees({ previous, baseFee: 100n * GWEI, tip: GWEI, bumpBps: MIN_BUMP_BPS })?.maxFeePerGas).to.equal(
      201n * GWEI,
    );
  });

  it("gives no replacement when the cap leaves no room for +12.5%, and stops at the cap when it does", function () {
    const previous = { maxFeePerGas: 20n * GWEI, maxPriorityFeePerGas: GWEI };
    const bump = { previous, baseFee: 100n * GWEI, tip: GWEI, bumpBps: MIN_BUMP_BPS };
    expect(bumpedFees({ ...bump, cap: 22n * GWEI })).to.equal(undefined);
    expect(bumpedFees({ ...bump, cap: 30n * GWEI })?.maxFeePerGas).to.equal(30n * GWEI);
  });

  it("property: a replacement beats the last attempt by the raise on both fees, stays under the cap, tip ≤ max fee", function () {
    const gwei = fc.bigInt({ min: 1n, max: 10_000n * GWEI });
    fc.assert(
      fc.property(
        gwei,
        gwei,
        gwei,
        gwei,
        fc.option(gwei),
        fc.integer({ min: 1_250, max: 10_000 }),
        (a, b, base, tip, cap, bps) => {
          const previous = { maxFeePerGas: a > b ? a : b, maxPriorityFeePerGas: a > b ? b : a };
          const fees = bumpedFees({ previous, baseFee: base, tip, bumpBps: BigInt(bps), cap: cap ?? undefined });
          if (fees === undefined) {
            expect(cap === null, "only a cap can forbid a replacement").to.equal(false);
            return;
          }
          expect(fees.maxFeePerGas >= raise(previous.maxFeePerGas, BigInt(bps))).to.equal(true);
          expect(fees.maxPriorityFeePerGas >= raise(previous.maxPriorityFeePerGas, BigInt(bps))).to.equal(true);
          expect(fees.maxPriorityFeePerGas <= fees.maxFeePerGas).to.equal(true);
          if (cap !== null) expect(fees.maxFeePerGas <= cap).to.equal(true);
          else expect(fees.maxFeePerGas >= 2n * base + tip).to.equal(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("bumps harder as a deadline nears: a third of the time left, every block, twice the raise", function () {
    const base = { bumpAfterMs: 30_000, bumpAfterBlocks: 3, pollingIntervalMs: 1_000, bumpBps: MIN_BUMP_BPS };
    expect(bumpSchedule({ ...base, leftMs: Infinity })).to.deep.equal({
      intervalMs: 30_000,
      blocks: 3,
      bumpBps: MIN_BUMP_BPS,
    });
    expect(bumpSchedule({ ...base, leftMs: 60_000 })).to.deep.equal({
      intervalMs: 20_000,
      blocks: 1,
      bumpBps: 2n * MIN_BUMP_BPS,
    });
    expect(bumpSchedule({ ...base, leftMs: 1_500 }).intervalMs).to.equal(1_000);
  });
});
