// The SDK's offline arithmetic against the contract, for random orders (fast-check): quoteSwapFill equals the
// contract's quote (or both refuse with the same code), the SDK's fill-amount rule agrees with check(), and a fill
// that check() passes moves exactly the local quote, to the unit, on every balance (docs/swaps.md §5, SW-P1..P3,
// SW-F1, SW-C1).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { ZeroAddress } from "ethers";
import { PeerPayError, quoteSwapFill, type SwapOrder } from "../../../sdk";
import { swapSdkFixture } from "./fixture";

const RUNS = 40;

type Case = {
  makerAmount: bigint;
  takerAmount: bigint;
  partial: boolean;
  minFillSeed: bigint;
  priorSeed: bigint;
  fillKind: "min" | "belowMin" | "rest" | "aboveRest" | "zero" | "random";
  fillSeed: bigint;
  bps: number;
  signedBps: number;
  eth: boolean;
};

const arbCase: fc.Arbitrary<Case> = fc.record({
  makerAmount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
  takerAmount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: 10n ** 20n })),
  partial: fc.boolean(),
  minFillSeed: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  priorSeed: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  fillKind: fc.constantFrom("min", "belowMin", "rest", "aboveRest", "zero", "random"),
  fillSeed: fc.bigInt({ min: 0n, max: 10n ** 30n }),
  bps: fc.integer({ min: 0, max: 100 }),
  signedBps: fc.integer({ min: 0, max: 120 }),
  eth: fc.boolean(),
});

/** The code a call threw, or null if it returned. */
async function codeOf(call: () => Promise<unknown> | unknown): Promise<string | null> {
  try {
    await call();
    return null;
  } catch (error) {
    if (error instanceof PeerPayError) return error.code;
    throw error;
  }
}

describe("swap SDK arithmetic against the contract (random orders)", function () {
  it("SW-P3, SW-C1: quote, the fill-amount rule and the money moved agree with the contract, to the unit", async function () {
    this.timeout(600_000);
    const f = await loadFixture(swapSdkFixture);
    const maker = f.client(f.maker);
    let nonce = 1_000n;
    let filledRuns = 0;
    let refusedRuns = 0;

    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        nonce += 1n;
        await f.swap.connect(f.owner).setProtocolFee(c.bps, f.feeRecipient.address);
        const minFill = c.partial ? (c.minFillSeed % c.makerAmount) + 1n : c.makerAmount;
        const order: SwapOrder = await maker.makeOrder({
          makerToken: f.dusdAddress,
          makerAmount: c.makerAmount,
          takerToken: c.eth ? ZeroAddress : f.wethAddress,
          takerAmount: c.takerAmount,
          minFill,
          // SW-N1: a partial order's nonce has bit 255 set.
          nonce: minFill < c.makerAmount ? nonce | (1n << 255n) : nonce,
          feeBps: c.signedBps,
          expiresIn: 86_400,
        });
        const signed = await maker.signOrder({ order });
        // Part of a partial order may already be filled (by another taker, at the current fee).
        let filled = 0n;
        if (c.partial && c.priorSeed % 3n !== 0n && c.makerAmount > minFill && c.signedBps >= c.bps) {
          filled = minFill + (c.priorSeed % (c.makerAmount - minFill));
          await f.taker2Client.fill({ order: signed, makerFill: filled });
        }
        const remaining = c.makerAmount - filled;
        const makerFill = {
          min: minFill,
          belowMin: minFill - 1n,
          rest: remaining,
          aboveRest: remaining + 1n,
          zero: 0n,
          random: (c.fillSeed % (c.makerAmount + 1n)) + 0n,
        }[c.fillKind];

        // quote: the contract's and the SDK's agree, or both refuse with the same code.
        const local = await codeOf(() => quoteSwapFill({ order, makerFill, filled, feeBps: c.bps }));
        const onChain = await codeOf(() => f.takerClient.quote({ order, makerFill }));
        expect(onChain, "quote refusal").to.equal(local);
        if (local === null) {
          expect(await f.takerClient.quote({ order, makerFill })).to.deep.equal(
            quoteSwapFill({ order, makerFill, filled, feeBps: c.bps }),
          );
        }

        // check: the SDK's fill-amount rule and fee rule are the contract's.
        const { reasons } = await f.takerClient.check({ order: signed, makerFill });
        const codes = reasons.map((r) => r.code);
        expect(codes.includes("SWAP_INVALID_FILL_AMOUNT"), "fill amount").to.equal(local !== null);
        expect(codes.includes("SWAP_FEE_TOO_LOW"), "fee").to.equal(c.signedBps < c.bps);
        if (codes.length > 0) {
          refusedRuns += 1;
          return;
        }

        // A fill check() passes moves exactly the local quote.
        const q = quoteSwapFill({ order, makerFill, filled, feeBps: c.bps });
        const balances = async () => ({
          makerDusd: await f.dusd.balanceOf(f.maker.address),
          takerDusd: await f.dusd.balanceOf(f.taker.address),
          feeDusd: await f.dusd.balanceOf(f.feeRecipient.address),
          makerPaid: c.eth
            ? await ethers.provider.getBalance(f.maker.address)
            : await f.weth.balanceOf(f.maker.address),
        });
        const before = await balances();
        const { takerFill } = await f.takerClient.fill({ order: signed, makerFill, check: false });
        const after = await balances();
        expect(takerFill).to.equal(q.takerFill);
        expect(after.takerDusd - before.takerDusd).to.equal(makerFill);
        expect(before.makerDusd - after.makerDusd).to.equal(makerFill + q.fee);
        expect(after.feeDusd - before.feeDusd).to.equal(q.fee);
        expect(after.makerPaid - before.makerPaid).to.equal(q.takerFill);
        expect(await f.readClient.orderStatus({ order: signed })).to.deep.include({
          filled: c.partial ? filled + makerFill : makerFill,
          remaining: q.remaining,
        });
        filledRuns += 1;
      }),
      { numRuns: RUNS, seed: 20261207, verbose: 1 },
    );
    // Both outcomes were exercised, or the property says little.
    expect(filledRuns, "runs that filled").to.be.greaterThan(5);
    expect(refusedRuns, "runs that check() refused").to.be.greaterThan(5);
  });
});
