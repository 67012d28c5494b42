// Stateful property test of contracts/Auctions.sol against the reference model in test/helpers/auctions-model.ts
// (docs/auctions.md §8). Random sequences of English, Dutch and sealed auctions in ETH and a blocklisting ERC20,
// created by an EOA seller or a blocklisted one; bids (below and at the minimum, from credit, with a wrong value),
// buys with excess, commits, reveals (right and wrong salt), reclaims, settles, cancels by the seller or a stranger,
// lot claims, withdrawals, fee changes and collection, token and NFT donations, forced ETH, a bidder contract that
// starts and stops refusing ETH (and never accepts NFTs), and time warps across every deadline. After every step:
// every record equals the model's; per asset the contract's balance is exactly what the model says it owes plus what
// was donated or forced, and the sum of its own records (bids, deposits, credits, fees) equals what it owes; every
// lot is where the model says; every party's ETH and token balance moved by exactly what the model paid or took.
// FC_NUM_RUNS / FC_MAX_STEPS / FC_SEED / FC_PATH / FC_VERBOSE: test/helpers/property.ts.
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { checkStateful, propertyEnv, type ActionStats } from "../helpers/property";
import { Kind } from "../helpers/auctions";
import { ACCT, ONE, actionArb, world, type Action } from "../helpers/auctions-property";
import { Run } from "../helpers/auctions-run";

const env = propertyEnv({ numRuns: 12, maxSteps: 40 });

describe("Auctions: property test against the reference model (docs/auctions.md §8)", function () {
  this.timeout(900_000);
  it("AU-S1, AU-S2, AU-E*, AU-D*, AU-V*, AU-L3: contract and model agree after every step; per asset the ledger equals what is owed and the balance covers it", async function () {
    const stats: ActionStats = {};
    const runOne = async (actions: Action[]) => {
      const w = await loadFixture(world);
      const run = new Run(w, stats);
      await run.init();
      for (const a of actions) {
        await run.step(a);
        await run.check();
      }
      if (env.verbose) console.log(run.trace.join("\n"));
    };
    // Every sequence starts with a script that reaches each action's success and a revert whatever the random part
    // does: one auction of each kind, commits, the contract account refusing ETH and outbid (credited), an early
    // settle, a Dutch buy by the account (its lot becomes a claim, then claimed), a withdrawal, a wrong and a right
    // reveal, an early reclaim, the sealed settle at revealEnd, the unrevealed reclaim (forfeit), cancels.
    const opening: Action[] = [
      { t: "create", kind: Kind.English, seller: 0, eth: true, reserve: ONE, step: 500n, d1: 200, d2: 30 },
      { t: "create", kind: Kind.Dutch, seller: 1, eth: false, reserve: ONE, step: 1_000n, d1: 200, d2: 100 },
      { t: "create", kind: Kind.Sealed, seller: 0, eth: true, reserve: ONE / 2n, step: 0n, d1: 100, d2: 100 },
      { t: "cancel", pick: 0, bySeller: false },
      { t: "commit", pick: 0, who: 0, amount: ONE, cover: ONE },
      { t: "commit", pick: 0, who: ACCT, amount: 2n * ONE, cover: 0n },
      { t: "commit", pick: 0, who: 0, amount: ONE, cover: ONE },
      { t: "rejectEth", on: true },
      { t: "bid", pick: 0, who: ACCT, over: 0n, credit: false, badValue: false, jump: 2 },
      { t: "bid", pick: 0, who: 1, over: 0n, credit: false, badValue: false, jump: 2 },
      { t: "bid", pick: 0, who: 0, over: 0n, credit: false, badValue: true, jump: 2 },
      { t: "settle", pick: 1, who: 0, jump: 2 },
      { t: "buy", pick: 0, who: ACCT, extra: 0n, jump: 2 },
      { t: "buy", pick: 0, who: 0, extra: 0n, jump: 2 },
      { t: "claimLot", pick: 0, who: ACCT, jump: 2 },
      { t: "withdraw", who: ACCT, eth: true },
      { t: "reveal", pick: 0, who: 0, wrongSalt: true, jump: 2 },
      { t: "reveal", pick: 0, who: 0, wrongSalt: false, jump: 2 },
      { t: "reclaim", pick: 0, who: ACCT, jump: 2 },
      { t: "settle", pick: 0, who: 1, jump: 0 },
      { t: "reclaim", pick: 0, who: ACCT, jump: 2 },
      { t: "create", kind: Kind.Dutch, seller: 0, eth: true, reserve: ONE, step: 1_000n, d1: 200, d2: 100 },
      { t: "cancel", pick: 4, bySeller: true },
    ];
    const runs = await checkStateful({
      arbitrary: fc
        .array(actionArb, { minLength: Math.ceil(env.maxSteps / 2), maxLength: env.maxSteps })
        .map((rest) => [...opening, ...rest]),
      env,
      testFile: "test/auctions/Auctions.property.test.ts",
      stats,
      runOne,
    });
    expect(runs).to.be.greaterThan(0);
    expect(stats.withdraw?.ok ?? 0, "no credit was ever withdrawn").to.be.greaterThan(0);
    expect(stats.claimLot?.ok ?? 0, "no lot was ever claimed").to.be.greaterThan(0);
    for (const t of ["bid", "buy", "settle", "reveal", "commit", "reclaim", "cancel"]) {
      expect(stats[t]?.ok ?? 0, `no ${t} ever succeeded`).to.be.greaterThan(0);
      expect(stats[t]?.reverted ?? 0, `no ${t} ever reverted`).to.be.greaterThan(0);
    }
  });
});
