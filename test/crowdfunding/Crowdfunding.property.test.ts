// Stateful property test of contracts/Crowdfunding.sol (direct campaigns) against the reference model in
// test/helpers/crowdfunding-model.ts (docs/crowdfunding.md §7, CF-I1, CF-I2). Random sequences of campaigns in ETH
// and a blocklist token (caps, minimums, fees, delayed starts), pledges, withdrawals, pulled and pushed refunds,
// claims by the creator and by others, cancels, time warps across every deadline, token donations, forced ETH, a
// backer contract that starts and stops refusing ETH, a backer who gets blocklisted, and withdrawals of credits.
// Each call must revert with the model's error or succeed with its effects. After every step: each asset's balance
// equals exactly what the model owes plus what was donated or forced (so balance >= owed), every campaign's total,
// every pledge and every credit equal the model's, and each unclaimed campaign's total is the sum of its pledges.
// FC_NUM_RUNS / FC_MAX_STEPS / FC_SEED / FC_PATH / FC_VERBOSE as test/helpers/property.ts describes.
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  Mismatch,
  big,
  checkStateful,
  decodeRevert,
  errorsInterface,
  propertyEnv,
  revertData,
  tally,
  type ActionStats,
} from "../helpers/property";
import { CrowdfundingModel, ETH, type Prediction } from "../helpers/crowdfunding-model";

const env = propertyEnv({ numRuns: 25, maxSteps: 40 });
const UNIT = 1_000n;
const ACTORS = 4; // alice, bob, carol (may be blocklisted), acct (MockAccount, may refuse ETH)
const CAROL = 2;
const ACCT = 3;

type Action =
  | {
      t: "create";
      token: boolean;
      goal: number;
      capExtra: number;
      delay: number;
      duration: number;
      min: number;
      fee: boolean;
    }
  | { t: "pledge"; actor: number; c: number; units: number }
  | { t: "unpledge"; actor: number; c: number; units: number }
  | { t: "refund"; actor: number; c: number }
  | { t: "refundMany"; c: number; mask: number }
  | { t: "claim"; byCreator: boolean; c: number }
  | { t: "cancel"; byCreator: boolean; c: number }
  | { t: "warp"; seconds: number }
  | { t: "donate"; token: boolean; units: number }
  | { t: "rejectEth"; on: boolean }
  | { t: "block"; on: boolean }
  | { t: "withdraw"; actor: number; token: boolean };

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
// An offset from the newest campaign, mostly the newest one or the one before.
const campaign = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1 }), weight: 4 },
  { arbitrary: fc.integer({ min: 2, max: 7 }), weight: 1 },
);
const createArb: fc.Arbitrary<Action> = fc.record({
  t: fc.constant("create" as const),
  token: fc.boolean(),
  goal: fc.integer({ min: 1, max: 8 }),
  capExtra: fc.oneof(
    { arbitrary: fc.constant(-1), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
  ),
  delay: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 1 }),
  duration: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 },
    { arbitrary: fc.integer({ min: 10, max: 40 }), weight: 3 },
  ),
  min: fc.integer({ min: 0, max: 2 }),
  fee: fc.boolean(),
});
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: createArb, weight: 3 },
  {
    arbitrary: fc.record({
      t: fc.constant("pledge" as const),
      actor,
      c: campaign,
      units: fc.oneof(
        { arbitrary: fc.constant(0), weight: 1 },
        { arbitrary: fc.integer({ min: 1, max: 6 }), weight: 8 },
      ),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("unpledge" as const),
      actor,
      c: campaign,
      units: fc.integer({ min: 0, max: 4 }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant("refund" as const), actor, c: campaign }), weight: 4 },
  {
    arbitrary: fc.record({ t: fc.constant("refundMany" as const), c: campaign, mask: fc.integer({ min: 0, max: 15 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("claim" as const),
      byCreator: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, { arbitrary: fc.constant(false), weight: 1 }),
      c: campaign,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant("cancel" as const), byCreator: fc.boolean(), c: campaign }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant("warp" as const),
      seconds: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 3 },
        { arbitrary: fc.integer({ min: 10, max: 40 }), weight: 1 },
      ),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("donate" as const),
      token: fc.boolean(),
      units: fc.integer({ min: 1, max: 5 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant("rejectEth" as const), on: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("block" as const), on: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("withdraw" as const), actor, token: fc.boolean() }), weight: 2 },
);

async function world() {
  const [owner, creator, platform, alice, bob, carol, acctOwner] = await ethers.getSigners();
  const escrow = await ethers.deployContract("Escrow", [owner.address]);
  const cf = await ethers.deployContract("Crowdfunding", [owner.address, await escrow.getAddress()]);
  const token = await ethers.deployContract("BlocklistToken");
  const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: ethers.parseEther("100") });
  const cfAddress = await cf.getAddress();
  const errors = errorsInterface(
    [cf.interface, token.interface, acct.interface],
    ["error FailedCall()", "error ReentrancyGuardReentrantCall()"],
  );
  for (const s of [alice, bob, carol]) {
    await token.mint(s.address, 10n ** 24n);
    await token.connect(s).approve(cfAddress, ethers.MaxUint256);
  }
  await token.mint(await acct.getAddress(), 10n ** 24n);
  await acct
    .connect(acctOwner)
    .execute(
      await token.getAddress(),
      0n,
      token.interface.encodeFunctionData("approve", [cfAddress, ethers.MaxUint256]),
    );
  // The account starts refusing ETH, so that its ETH payouts are credited from the first step (the rejectEth
  // action turns it off and on).
  await acct.setRejectEth(true);
  return { owner, creator, platform, alice, bob, carol, acctOwner, cf, token, acct, cfAddress, errors };
}

describe("Crowdfunding: property test against the reference model (CF-I1, CF-I2)", function () {
  this.timeout(600_000);

  it("every call matches the model; balances equal owed + donated; totals, pledges and credits agree", async () => {
    const stats: ActionStats = {};
    await checkStateful({
      // Every run starts with a campaign.
      arbitrary: fc
        .tuple(createArb, fc.array(actionArb, { minLength: Math.floor(env.maxSteps / 2), maxLength: env.maxSteps - 1 }))
        .map(([first, rest]) => [first, ...rest]),
      env,
      testFile: "test/crowdfunding/Crowdfunding.property.test.ts",
      stats,
      runOne: async (actions) => {
        const w = await loadFixture(world);
        await run(w, actions, stats);
      },
    });
  });
});

type World = Awaited<ReturnType<typeof world>>;

async function run(w: World, actions: Action[], stats: ActionStats): Promise<void> {
  const { cf, token, acct, creator, platform, acctOwner, cfAddress, errors } = w;
  const tokenAddress = await token.getAddress();
  const acctAddress = await acct.getAddress();
  const actors = [w.alice.address, w.bob.address, w.carol.address, acctAddress];
  const model = new CrowdfundingModel();
  model.refusesEth.add(acctAddress.toLowerCase());
  model.now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const ids: bigint[] = [];
  const trace: string[] = [];
  const assetOf = (isToken: boolean) => (isToken ? tokenAddress : ETH);
  const idOf = (c: number) => (ids.length === 0 ? 999n : ids[ids.length - 1 - (c % ids.length)]);
  // Outcome actions and withdrawals mostly pick where they can succeed (an ended campaign, one the actor backs), so
  // that the interesting paths run often; the offset still reaches any campaign when none qualifies.
  const pick = (c: number, ok: (id: bigint) => boolean) => {
    const fit = ids.filter(ok);
    return fit.length === 0 ? idOf(c) : fit[fit.length - 1 - (c % fit.length)];
  };
  const endedId = (c: number) => pick(c, (id) => model.campaigns.get(id)!.deadline <= model.now + 1n);
  const backedId = (c: number, who: string) => pick(c, (id) => model.pledgeOf(id, who) > 0n);

  /** Sends `data` to the contract as actor `i` (acct through its owner), at the model's next second. */
  const as = (i: number, data: string, value = 0n): Promise<ContractTransactionResponse> =>
    i === ACCT
      ? acct.connect(acctOwner).execute(cfAddress, value, data, { value })
      : ([w.alice, w.bob, w.carol][i].sendTransaction({
          to: cfAddress,
          data,
          value,
        }) as Promise<ContractTransactionResponse>);

  /** The next transaction's second: predictions are made at it. */
  const tick = async () => {
    model.now += 1n;
    await network.provider.send("evm_setNextBlockTimestamp", [Number(model.now)]);
  };
  const send = async (label: string, tx: () => Promise<ContractTransactionResponse>, p: Prediction) => {
    let got = "ok";
    try {
      await (await tx()).wait();
    } catch (e) {
      const data = revertData(e);
      got = data === undefined ? `(no revert data: ${String(e).slice(0, 120)})` : decodeRevert(errors, data).errorName;
      // A revert at gas estimation mines nothing: mine the second anyway, so the clock stays the model's.
      const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
      if (BigInt(latest) < model.now) await network.provider.send("evm_mine", [Number(model.now)]);
    }
    const expected = p.error ?? "ok";
    trace.push(`${label} -> ${got}`);
    tally(stats, label.split("(")[0], got === "ok");
    if (got !== expected) throw new Mismatch(`${label}: expected ${expected}, got ${got}\n${trace.join("\n")}`);
  };

  for (const a of actions) {
    const cf_ = cf.interface;
    switch (a.t) {
      case "create": {
        const asset = assetOf(a.token);
        const goal = BigInt(a.goal) * UNIT;
        const start = a.delay === 0 ? 0n : model.now + 1n + BigInt(a.delay);
        const deadline = (start === 0n ? model.now + 1n : start) + BigInt(a.duration);
        const p = {
          token: asset,
          goal,
          cap: a.capExtra < 0 ? 0n : goal + BigInt(a.capExtra) * UNIT,
          start,
          deadline,
          minPledge: BigInt(Math.min(a.min, a.goal)) * UNIT,
          feeBps: a.fee ? 250n : 0n,
          feeRecipient: a.fee ? platform.address : ethers.ZeroAddress,
          milestoneBps: [],
          arbiter: ethers.ZeroAddress,
          dealDuration: 0n,
          disputeWindow: 0n,
          defaultOutcome: 0n,
          fallbackBps: 0n,
          arbiterFeeBps: 0n,
        };
        model.now += 1n;
        await network.provider.send("evm_setNextBlockTimestamp", [Number(model.now)]);
        await (await cf.connect(creator).createCampaign(p)).wait();
        ids.push(
          model.create({
            asset,
            creator: creator.address,
            goal,
            cap: p.cap,
            start: start === 0n ? model.now : start,
            deadline,
            minPledge: p.minPledge,
            feeBps: p.feeBps,
            feeRecipient: p.feeRecipient,
          }),
        );
        trace.push(`create(${JSON.stringify(a)}) -> ${ids[ids.length - 1]}`);
        break;
      }
      case "pledge": {
        const id = idOf(a.c);
        const amount = BigInt(a.units) * UNIT;
        const isEth = id >> 96n === 0n;
        const data = isEth
          ? cf_.encodeFunctionData("pledge", [id])
          : cf_.encodeFunctionData("pledgeToken", [id, amount]);
        await tick();
        const p = model.pledge(id, actors[a.actor], amount);
        await send(`pledge(${a.actor},${id},${amount})`, () => as(a.actor, data, isEth ? amount : 0n), p);
        break;
      }
      case "unpledge": {
        const id = backedId(a.c, actors[a.actor]);
        const amount = BigInt(a.units) * UNIT;
        await tick();
        const p = model.unpledge(id, actors[a.actor], amount);
        await send(
          `unpledge(${a.actor},${id},${amount})`,
          () => as(a.actor, cf_.encodeFunctionData("unpledge", [id, amount])),
          p,
        );
        break;
      }
      case "refund": {
        const id = pick(
          a.c,
          (x) => model.campaigns.get(x)!.deadline <= model.now + 1n && model.pledgeOf(x, actors[a.actor]) > 0n,
        );
        await tick();
        const p = model.refund(id, actors[a.actor]);
        await send(`refund(${a.actor},${id})`, () => as(a.actor, cf_.encodeFunctionData("refund", [id])), p);
        break;
      }
      case "refundMany": {
        const id = endedId(a.c);
        const list = actors.filter((_, i) => (a.mask >> i) & 1);
        await tick();
        const p = model.refundMany(id, list);
        await send(`refundMany(${id},${a.mask})`, () => cf.connect(platform).refundMany(id, list), p);
        break;
      }
      case "claim": {
        const id = endedId(a.c);
        const caller = a.byCreator ? creator : platform;
        await tick();
        const p = model.claim(id, caller.address);
        await send(`claim(${a.byCreator},${id})`, () => cf.connect(caller).claim(id), p);
        break;
      }
      case "cancel": {
        const id = idOf(a.c);
        const caller = a.byCreator ? creator : platform;
        await tick();
        const p = model.cancel(id, caller.address);
        await send(`cancel(${a.byCreator},${id})`, () => cf.connect(caller).cancel(id), p);
        break;
      }
      case "warp":
        model.now += BigInt(a.seconds);
        trace.push(`warp(${a.seconds})`);
        break;
      case "donate": {
        const amount = BigInt(a.units) * UNIT;
        model.now += 1n;
        await network.provider.send("evm_setNextBlockTimestamp", [Number(model.now)]);
        if (a.token) await (await token.mint(cfAddress, amount)).wait();
        else await ethers.deployContract("ForceSend", [cfAddress], { value: amount });
        model.donate(assetOf(a.token), amount);
        trace.push(`donate(${a.token},${amount})`);
        break;
      }
      case "rejectEth":
        model.now += 1n;
        await network.provider.send("evm_setNextBlockTimestamp", [Number(model.now)]);
        await (await acct.setRejectEth(a.on)).wait();
        if (a.on) model.refusesEth.add(acctAddress.toLowerCase());
        else model.refusesEth.delete(acctAddress.toLowerCase());
        trace.push(`rejectEth(${a.on})`);
        break;
      case "block":
        model.now += 1n;
        await network.provider.send("evm_setNextBlockTimestamp", [Number(model.now)]);
        await (await token.setBlocked(actors[CAROL], a.on)).wait();
        if (a.on) model.blocked.add(actors[CAROL].toLowerCase());
        else model.blocked.delete(actors[CAROL].toLowerCase());
        trace.push(`block(${a.on})`);
        break;
      case "withdraw": {
        // The asset the actor holds a credit in, if any.
        const credited = [ETH, tokenAddress].filter((x) => model.creditOf(x, actors[a.actor]) > 0n);
        const asset = credited.length === 0 ? assetOf(a.token) : credited[a.token ? credited.length - 1 : 0];
        // An account withdraws to its owner's EOA (its own receive may refuse ETH); an EOA to itself.
        const to = a.actor === ACCT ? acctOwner.address : actors[a.actor];
        await tick();
        const p = model.withdraw(asset, actors[a.actor], to);
        await send(
          `withdraw(${a.actor},${a.token})`,
          () => as(a.actor, cf_.encodeFunctionData("withdraw", [asset, to])),
          p,
        );
        break;
      }
    }
    if (env.verbose) console.log(trace[trace.length - 1]);
    await check(w, model, ids, actors, tokenAddress, trace);
  }
}

async function check(
  w: World,
  model: CrowdfundingModel,
  ids: bigint[],
  actors: string[],
  tokenAddress: string,
  trace: string[],
): Promise<void> {
  const { cf, token, cfAddress } = w;
  const fail = (what: string, got: unknown, want: unknown) => {
    throw new Mismatch(
      `${what}: contract ${JSON.stringify(got, big)}, model ${JSON.stringify(want, big)}\n${trace.join("\n")}`,
    );
  };
  // CF-I1 / CF-I2: balances are exactly owed + donated (so never below owed).
  const ethBalance = await ethers.provider.getBalance(cfAddress);
  if (ethBalance !== model.expectedBalance(ETH)) fail("ETH balance", ethBalance, model.expectedBalance(ETH));
  const tokenBalance = await token.balanceOf(cfAddress);
  if (tokenBalance !== model.expectedBalance(tokenAddress))
    fail("token balance", tokenBalance, model.expectedBalance(tokenAddress));
  for (const id of ids) {
    const c = model.campaigns.get(id)!;
    const view = await cf.campaign(id);
    if (view.total !== c.total) fail(`total of ${id}`, view.total, c.total);
    let sum = 0n;
    for (const a of actors) {
      const [amount] = await cf.pledgeOf(id, a);
      if (amount !== model.pledgeOf(id, a)) fail(`pledge of ${a} in ${id}`, amount, model.pledgeOf(id, a));
      sum += amount;
    }
    if (!c.claimed && sum !== view.total) fail(`sum of pledges of ${id}`, sum, view.total);
  }
  for (const a of [...actors, w.creator.address, w.platform.address]) {
    for (const asset of [ETH, tokenAddress]) {
      const credit = await cf.creditOf(asset, a);
      if (credit !== model.creditOf(asset, a)) fail(`credit of ${a} in ${asset}`, credit, model.creditOf(asset, a));
    }
  }
}
