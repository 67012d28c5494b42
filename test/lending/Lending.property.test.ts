// Stateful property test of contracts/Lending.sol against the reference model in test/helpers/lending-model.ts
// (docs/lending.md LN-V1, LN-V2). Random sequences over four parties and a fee recipient: offers and requests accepted
// (ETH from a deposit or msg.value, the blocklisting ERC20 principal; ERC20 or ERC721 collateral, an offer open to any
// id; fixed or pro-rated interest; fee on or off; sale or no sale; expired, replayed, self and misaddressed
// signatures), partial and full repayments by anyone (below the interest, the interest alone, above what is owed),
// position transfers, claims, sales started, bought on Auctions at any time and settled (sold and unsold), refinances
// with an offer (with and without a shortfall) and with a request, held collateral withdrawn, deposits, credit
// withdrawals, nonce cancellations, blocklisted parties (credits, held collateral), donations of both tokens and of
// an NFT, forced ETH, and time jumps to due + grace - 1, at it and one after, and to a sale's end. After every step:
// each call succeeded or reverted (with the error) as the model says; every loan's fields, sale and positions'
// owners; every party's positions, deposit, credits and ETH/principal/collateral balance moves; every NFT's owner;
// and per asset Lending's balance is at least what it owes, and exactly that plus what was donated or forced in.
// FC_NUM_RUNS / FC_MAX_STEPS / FC_SEED / FC_PATH / FC_VERBOSE: test/helpers/property.ts.
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { underCoverage } from "../helpers/coverage";
import { checkStateful, propertyEnv, type ActionStats } from "../helpers/property";
import { actionArb, world, ONE, type Action, type TermsChoice } from "../helpers/lending-property";
import { Run } from "../helpers/lending-run";

// Under coverage every call is instrumented and the fixed opening alone takes minutes: three runs there (the rule
// tests cover every branch; this test's job under coverage is only not to fail), ten otherwise.
const env = propertyEnv({ numRuns: underCoverage() ? 3 : 10, maxSteps: 30 });

const plain: TermsChoice = {
  eth: false,
  nft: false,
  pro: false,
  fee: false,
  sale: false,
  principal: 2,
  dur: 0,
  grace: 1,
};
const offer = (signer: number, caller: number, c: Partial<TermsChoice & { anyId: boolean }> = {}): Action => ({
  t: "offer",
  signer,
  caller,
  anyId: false,
  open: true,
  flaw: null,
  fund: true,
  ...plain,
  ...c,
});

describe("Lending: property test against the reference model (docs/lending.md §9)", function () {
  this.timeout(900_000);
  it("LN-V1, LN-V2, LN-A*, LN-R*, LN-D*, LN-F*, LN-P*: contract and model agree after every step; per asset Lending's balance is what it owes plus donations", async function () {
    const stats: ActionStats = {};
    const runOne = async (actions: Action[]) => {
      const run = new Run(await loadFixture(world), stats);
      await run.init();
      for (const a of actions) {
        await run.step(a);
        await run.check();
      }
      if (env.verbose) console.log(run.trace.join("\n"));
    };
    // An opening every sequence shares, so each path happens whatever the random part does: an ETH offer (deposit),
    // a pro-rated fee loan repaid below the interest, in part and in full by a third party; a borrower blocked on
    // the collateral (held, then withdrawn); a sale bought and settled; an unsold sale settled to a blocked lender
    // (held); a refinance with an offer and one with a request; a credit from a blocked lender, withdrawn.
    const opening: Action[] = [
      offer(0, 1, { eth: true, pro: true, fee: true }),
      { t: "repay", pick: -1, payer: 2, mode: "belowInterest", share: 0 },
      { t: "repay", pick: -1, payer: -1, mode: "share", share: 5_000 },
      { t: "request", signer: 2, caller: 0, anyId: false, open: false, flaw: null, fund: true, ...plain, fee: true },
      { t: "block", who: 0, collateral: false, on: true },
      { t: "block", who: 2, collateral: true, on: true },
      { t: "repay", pick: -1, payer: 3, mode: "over", share: 0 },
      { t: "withdrawCollateral", pick: -1, byHolder: true, to: 1 },
      { t: "withdraw", who: 0, eth: false },
      { t: "block", who: 0, collateral: false, on: false },
      offer(1, 3, { sale: true, nft: true, fee: true }),
      { t: "warp", pick: -1, where: 0, secs: 1 },
      { t: "startSale", pick: -1, by: 2 },
      { t: "buy", pick: -1, by: 0, extra: 0n },
      { t: "settleSale", pick: -1, by: 2 },
      offer(3, 0, { sale: true, eth: true }),
      {
        t: "refiOffer",
        pick: -1,
        newLender: 1,
        share: 5_000,
        above: false,
        pay: 10_000,
        flaw: null,
        fund: true,
        ...plain,
      },
      {
        t: "refiRequest",
        pick: -1,
        newLender: 2,
        share: 2_000,
        above: true,
        pay: 0,
        flaw: null,
        fund: true,
        ...plain,
        sale: true,
      },
      { t: "block", who: 2, collateral: true, on: false },
      offer(0, 2, { sale: true }),
      { t: "block", who: 0, collateral: true, on: true },
      { t: "warp", pick: -1, where: 1, secs: 1 },
      { t: "startSale", pick: -1, by: 1 },
      { t: "warp", pick: -1, where: 2, secs: 1 },
      { t: "settleSale", pick: -1, by: 3 },
      { t: "withdrawCollateral", pick: -1, byHolder: true, to: 3 },
      offer(2, 3, { nft: true, anyId: true }),
      { t: "warp", pick: -1, where: -1, secs: 1 },
      { t: "claim", pick: -1, byHolder: true, to: -1 },
      { t: "claim", pick: -1, byHolder: true, to: -1 },
      { t: "donate", what: "P", amount: ONE },
      { t: "donate", what: "ETH", amount: ONE },
    ];
    const runs = await checkStateful({
      arbitrary: fc
        .array(actionArb, { minLength: Math.ceil(env.maxSteps / 2), maxLength: env.maxSteps })
        .map((rest) => [...opening, ...rest]),
      env,
      testFile: "test/lending/Lending.property.test.ts",
      stats,
      runOne,
    });
    expect(runs).to.be.greaterThan(0);
    for (const t of [
      "offer",
      "request",
      "repay",
      "startSale",
      "buy",
      "settleSale",
      "refiOffer",
      "refiRequest",
      "claim",
      "withdrawCollateral",
      "withdraw",
    ]) {
      expect(stats[t]?.ok ?? 0, `no ${t} ever succeeded`).to.be.greaterThan(0);
    }
    for (const t of ["repay", "claim", "offer"])
      expect(stats[t]?.reverted ?? 0, `no ${t} ever reverted`).to.be.greaterThan(0);
  });
});
