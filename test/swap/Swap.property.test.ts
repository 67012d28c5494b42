// Stateful property test of contracts/Swap.sol against the reference model in test/helpers/swap-model.ts
// (docs/swaps.md §9). Random sequences of orders (whole and partial, ERC20 or ETH taker legs, named takers and
// recipients, signed by the maker, its delegate, an ERC-1271 wallet's owner or someone else), fills of random
// amounts with right and wrong values, cancels, cancelRange, delegate changes (a retired delegate refused), fee changes (up and down around open
// orders), token donations, forced ETH, a recipient that starts and stops refusing ETH, withdrawals of its credits,
// and time warps. After every step the contract and the model agree on every balance (both tokens and ETH, gas is
// free), every order's filled amount and nonce state, every maker's delegate, every credit, and
// the fee; and the contract is solvent (ETH balance >= credits; it holds exactly the tokens donated to it).
// FC_NUM_RUNS / FC_MAX_STEPS / FC_SEED / FC_PATH / FC_VERBOSE as test/helpers/property.ts describes.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, type ContractTransactionResponse } from "ethers";
import { MockERC20__factory, Swap__factory } from "../../typechain-types";
import type { MockAccount, MockERC1271Wallet, MockERC20, Swap } from "../../typechain-types";
import {
  Mismatch,
  big,
  checkStateful,
  decodeRevert,
  errorsInterface,
  propertyEnv,
  revertData,
  tally,
} from "../helpers/property";
import type { ActionStats } from "../helpers/property";
import { ETH, PARTIAL_NONCE, SwapModel, type ModelOrder } from "../helpers/swap-model";
import { ORDER_TYPES, orderDigest, swapDomain } from "../helpers/swap";

const env = propertyEnv({ numRuns: 20, maxSteps: 30 });
const EOAS = 4; // alice, bob, carol, dave
const WALLET = 4; // MockERC1271Wallet, owned by walletOwner: a maker only
const ACCT = 5; // MockAccount, refuses ETH while `rejectEth`: a recipient only
const UNITS = 10n ** 24n;

type Action =
  | {
      t: "order";
      maker: number;
      signer: number; // 0..3 an EOA, 4 the wallet's owner
      makerToken: number;
      takerEth: boolean;
      makerAmount: bigint;
      takerAmount: bigint;
      minShare: number; // 10_000 = fill-or-kill
      taker: number; // -1 anyone
      recipient: number; // -1 the maker
      expiry: number; // seconds from now (may be past)
      nonce: bigint;
      feeBps: bigint;
    }
  | { t: "fill"; order: number; caller: number; share: number; valueFlaw: number }
  | { t: "cancel"; maker: number; picks: number[] }
  | { t: "cancelRange"; maker: number; from: bigint; span: number; partial: boolean }
  | { t: "setDelegate"; maker: number; delegate: number }
  | { t: "setFee"; bps: bigint; recipient: number }
  | { t: "donate"; from: number; token: number; amount: bigint }
  | { t: "force"; amount: bigint }
  | { t: "rejectEth"; on: boolean }
  | { t: "withdraw"; to: number }
  | { t: "warp"; seconds: number };

const nonceArb = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 12n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 256n, max: 260n }) },
  // Fill-or-kill orders with these nonces have the wrong kind (bit 255 set): SwapInvalidOrder.
  { weight: 1, arbitrary: fc.constantFrom(PARTIAL_NONCE - 1n, PARTIAL_NONCE, 2n ** 256n - 1n) },
);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("order" as const),
      maker: fc.integer({ min: 0, max: WALLET }),
      signer: fc.oneof(
        { weight: 8, arbitrary: fc.constant(-1) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) },
      ),
      makerToken: fc.integer({ min: 0, max: 1 }),
      takerEth: fc.boolean(),
      makerAmount: fc.oneof(fc.bigInt({ min: 1n, max: 10n }), fc.bigInt({ min: 1n, max: 10n ** 21n })),
      takerAmount: fc.oneof(fc.bigInt({ min: 1n, max: 10n }), fc.bigInt({ min: 1n, max: 10n ** 21n })),
      minShare: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 9_999 })),
      taker: fc.oneof(
        { weight: 3, arbitrary: fc.constant(-1) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: EOAS - 1 }) },
      ),
      // Often the account that refuses ETH, so that ETH legs get credited and withdrawn.
      recipient: fc.oneof(
        { weight: 3, arbitrary: fc.constant(-1) },
        { weight: 2, arbitrary: fc.constant(ACCT) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: ACCT }) },
      ),
      expiry: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 5, max: 500 }) },
        { weight: 1, arbitrary: fc.integer({ min: -3, max: 4 }) },
      ),
      nonce: nonceArb,
      feeBps: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 100n })),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      t: fc.constant("fill" as const),
      order: fc.nat(),
      // -1: the order's named taker when it has one (else alice).
      caller: fc.oneof(
        { weight: 2, arbitrary: fc.constant(-1) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: EOAS - 1 }) },
      ),
      share: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 1, max: 9_999 }) },
        { weight: 3, arbitrary: fc.constant(10_000) },
        { weight: 1, arbitrary: fc.constantFrom(0, 10_001, -1) },
      ),
      valueFlaw: fc.oneof({ weight: 12, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("cancel" as const),
      maker: fc.integer({ min: 0, max: EOAS - 1 }),
      picks: fc.array(fc.nat(), { maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("cancelRange" as const),
      maker: fc.integer({ min: 0, max: EOAS - 1 }),
      from: nonceArb,
      // Negative: an empty or reversed range (SwapInvalidNonceRange); up to 300, crossing a word.
      span: fc.integer({ min: -2, max: 300 }),
      partial: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("setDelegate" as const),
      maker: fc.integer({ min: 0, max: EOAS - 1 }),
      delegate: fc.integer({ min: -1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("setFee" as const),
      bps: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 101n })),
      recipient: fc.integer({ min: -2, max: EOAS - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("donate" as const),
      from: fc.integer({ min: 0, max: EOAS - 1 }),
      token: fc.integer({ min: 0, max: 1 }),
      amount: fc.bigInt({ min: 1n, max: 10n ** 18n }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("force" as const), amount: fc.bigInt({ min: 1n, max: 10n ** 18n }) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("rejectEth" as const), on: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("withdraw" as const), to: fc.integer({ min: 0, max: EOAS - 1 }) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("warp" as const), seconds: fc.integer({ min: 1, max: 200 }) }) },
);

/** A partial ETH order to the account refusing ETH, filled twice (credited twice), replayed, then withdrawn. */
const SCRIPTED: Action[] = [
  {
    t: "order",
    maker: 0,
    signer: -1,
    makerToken: 0,
    takerEth: true,
    makerAmount: 1_000n,
    takerAmount: 999n,
    minShare: 1_000,
    taker: -1,
    recipient: ACCT,
    expiry: 100,
    nonce: 1n,
    feeBps: 0n,
  },
  { t: "fill", order: 1, caller: 1, share: 3_333, valueFlaw: 0 },
  { t: "fill", order: 1, caller: 2, share: 10_000, valueFlaw: 0 },
  { t: "fill", order: 1, caller: 2, share: 10_000, valueFlaw: 0 },
  { t: "withdraw", to: 3 },
];

async function world() {
  const signers = await ethers.getSigners();
  const [owner, alice, bob, carol, dave, walletOwner, acctOwner] = signers;
  const swap = (await ethers.deployContract("Swap", [owner.address])) as unknown as Swap;
  const swapAddress = await swap.getAddress();
  const tokens = [
    (await ethers.deployContract("MockERC20", ["A", "A", 18])) as unknown as MockERC20,
    (await ethers.deployContract("MockERC20", ["B", "B", 18])) as unknown as MockERC20,
  ];
  const wallet = (await ethers.deployContract("MockERC1271Wallet", [
    walletOwner.address,
  ])) as unknown as MockERC1271Wallet;
  const acct = (await ethers.deployContract("MockAccount", [acctOwner.address])) as unknown as MockAccount;
  const eoas = [alice, bob, carol, dave];
  const addresses = [...eoas.map((e) => e.address), await wallet.getAddress(), await acct.getAddress()];
  for (const t of tokens) {
    for (const e of eoas) {
      await t.mint(e.address, UNITS);
      // Finite, far above anything a run spends.
      await t.connect(e).approve(swapAddress, UNITS * 10n);
    }
    await t.mint(addresses[WALLET], UNITS);
    await wallet
      .connect(walletOwner)
      .execute(t.target, 0n, t.interface.encodeFunctionData("approve", [swapAddress, UNITS * 10n]));
    await t.mint(addresses[ACCT], 1n);
  }
  await acct.connect(acctOwner).setRejectEth(true);
  await network.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await network.provider.send("evm_mine", []);
  const domain = await swapDomain(swap);
  return { owner, eoas, walletOwner, acctOwner, swap, swapAddress, tokens, wallet, acct, addresses, domain };
}

type World = Awaited<ReturnType<typeof world>>;
type Pooled = { order: ModelOrder; hash: string; signature: string; signedBy: string };

const errors = errorsInterface([Swap__factory.createInterface(), MockERC20__factory.createInterface()]);

class Run {
  readonly model = new SwapModel();
  readonly pool: Pooled[] = [];
  readonly trace: string[] = [];
  now = 0n;
  donated = [0n, 0n];

  constructor(
    readonly w: World,
    readonly stats: ActionStats,
  ) {}

  async init(): Promise<void> {
    this.model.refusesEth.add(this.w.addresses[ACCT].toLowerCase());
    this.now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    for (const a of [...this.w.addresses, this.w.swapAddress]) {
      const who = a === this.w.swapAddress ? "swap" : a;
      for (const t of this.w.tokens) this.model.setBalance(String(t.target), who, await t.balanceOf(a));
      this.model.setBalance(ETH, who, await ethers.provider.getBalance(a));
    }
  }

  fail(message: string): never {
    throw new Mismatch(`${message}\n${this.trace.join("\n")}`);
  }

  /** Sends `tx` at the next second; returns the decoded error name, or null when it succeeded. */
  async send(desc: string, tx: () => Promise<ContractTransactionResponse>): Promise<string | null> {
    this.now += 1n;
    await network.provider.send("evm_setNextBlockTimestamp", [Number(this.now)]);
    try {
      await (await tx()).wait();
      this.trace.push(`  t=${this.now} ${desc}: ok`);
      return null;
    } catch (e) {
      const data = revertData(e);
      if (data === undefined) throw e;
      const { errorName, error } = decodeRevert(errors, data);
      this.trace.push(`  t=${this.now} ${desc}: reverted ${error}`);
      return errorName;
    }
  }

  expectOutcome(action: string, got: string | null, want: string | null): void {
    tally(this.stats, action, got === null);
    if (got !== null) tally(this.stats, `${action} ${got}`, false);
    if (got !== want) this.fail(`${action}: contract ${got ?? "succeeded"}, model ${want ?? "succeeds"}`);
  }

  private readonly gas = { gasPrice: 0n, gasLimit: 3_000_000n };

  async step(a: Action): Promise<void> {
    const { w, model } = this;
    switch (a.t) {
      case "order": {
        const maker = w.addresses[a.maker];
        const signerWallet =
          a.signer === -1
            ? a.maker === WALLET
              ? w.walletOwner
              : w.eoas[a.maker]
            : a.signer === 4
              ? w.walletOwner
              : w.eoas[a.signer];
        const minFill = a.minShare === 10_000 ? a.makerAmount : (a.makerAmount * BigInt(a.minShare)) / 10_000n || 1n;
        const order: ModelOrder = {
          maker,
          makerToken: String(w.tokens[a.makerToken].target),
          makerAmount: a.makerAmount,
          takerToken: a.takerEth ? ETH : String(w.tokens[1 - a.makerToken].target),
          // ETH legs stay within what the test accounts hold (10,000 ETH each).
          takerAmount: a.takerEth ? (a.takerAmount % 10n ** 19n) + 1n : a.takerAmount,
          taker: a.taker === -1 ? ZeroAddress : w.addresses[a.taker],
          recipient: a.recipient === -1 ? ZeroAddress : w.addresses[a.recipient],
          minFill,
          expiry: this.now + BigInt(a.expiry),
          // A partial order's nonce gets bit 255 (SW-N1); fill-or-kill nonces are kept as drawn (some are wrong).
          nonce: minFill < a.makerAmount ? a.nonce | PARTIAL_NONCE : a.nonce,
          feeBps: a.feeBps,
        };
        const signature = await signerWallet.signTypedData(w.domain, ORDER_TYPES, order);
        this.pool.push({ order, hash: orderDigest(w.domain, order), signature, signedBy: signerWallet.address });
        this.trace.push(
          `  order #${this.pool.length - 1} ${JSON.stringify(order, big)} signed by ${signerWallet.address}`,
        );
        return;
      }
      case "fill": {
        if (this.pool.length === 0) return;
        // Mostly an order that can still fill (unexpired, nonce alive), sometimes any.
        const live = this.pool.filter(
          (x) => x.order.expiry > this.now + 1n && !model.bitSet(x.order.maker, x.order.nonce),
        );
        const p =
          a.order % 4 !== 0 && live.length > 0 ? live[a.order % live.length] : this.pool[a.order % this.pool.length];
        const o = p.order;
        const remaining = model.remainingOf(o);
        const fok = o.minFill === o.makerAmount;
        const makerFill =
          a.share === -1
            ? o.minFill - 1n
            : a.share === 10_001
              ? remaining + 1n
              : fok && a.share !== 0
                ? o.makerAmount
                : (remaining * BigInt(a.share)) / 10_000n;
        const named = w.addresses.slice(0, EOAS).findIndex((x) => x.toLowerCase() === o.taker.toLowerCase());
        const caller = w.eoas[a.caller === -1 ? Math.max(named, 0) : a.caller];
        const walletAccepts =
          o.maker.toLowerCase() === w.addresses[WALLET].toLowerCase() && p.signedBy === w.walletOwner.address;
        const takerFill =
          makerFill === o.makerAmount
            ? o.takerAmount
            : (makerFill * o.takerAmount + o.makerAmount - 1n) / o.makerAmount;
        const rightValue = o.takerToken === ETH ? takerFill : 0n;
        const value = rightValue + BigInt(a.valueFlaw) < 0n ? 0n : rightValue + BigInt(a.valueFlaw);
        const prediction = model.predictFill({
          ...p,
          walletAccepts,
          caller: caller.address,
          makerFill,
          value,
          now: this.now + 1n,
        });
        const got = await this.send(
          `fill #${this.pool.indexOf(p)} of ${makerFill} by ${caller.address} value ${value}`,
          () => w.swap.connect(caller).fill(o, p.signature, makerFill, { value, ...this.gas }),
        );
        this.expectOutcome("fill", got, prediction.error);
        if (prediction.error === null) {
          const credits = model.totalCredits();
          model.applyFill({
            order: o,
            hash: p.hash,
            caller: caller.address,
            makerFill,
            takerFill: prediction.takerFill,
            fee: prediction.fee,
          });
          if (model.totalCredits() > credits) tally(this.stats, "fill credited", true);
        }
        return;
      }
      case "cancel": {
        const maker = w.eoas[a.maker];
        const nonces = a.picks.map((i) =>
          this.pool.length > 0 && i % 3 !== 0 ? this.pool[i % this.pool.length].order.nonce : BigInt(i % 20),
        );
        const got = await this.send(`cancel ${nonces.join(",")} by ${maker.address}`, () =>
          w.swap.connect(maker).cancel(nonces, this.gas),
        );
        this.expectOutcome("cancel", got, null);
        model.cancel(maker.address, nonces);
        return;
      }
      case "cancelRange": {
        const maker = w.eoas[a.maker];
        const from = (a.partial ? a.from | PARTIAL_NONCE : a.from) % 2n ** 256n;
        const to = from + BigInt(a.span) < 0n ? 0n : from + BigInt(a.span);
        if (to >= 2n ** 256n) return;
        const want = model.predictCancelRange(from, to);
        const got = await this.send(`cancelRange ${from} ${to} by ${maker.address}`, () =>
          w.swap.connect(maker).cancelRange(from, to, this.gas),
        );
        this.expectOutcome("cancelRange", got, want);
        if (want === null) model.cancelRange(maker.address, from, to);
        return;
      }
      case "setDelegate": {
        const maker = w.eoas[a.maker];
        const delegate =
          a.delegate === -1 ? ZeroAddress : a.delegate === 4 ? w.walletOwner.address : w.eoas[a.delegate].address;
        const got = await this.send(`setDelegate ${delegate} by ${maker.address}`, () =>
          w.swap.connect(maker).setDelegate(delegate, this.gas),
        );
        const want = model.predictSetDelegate(maker.address, delegate);
        this.expectOutcome("setDelegate", got, want);
        if (want === null) model.setDelegate(maker.address, delegate);
        return;
      }
      case "setFee": {
        const recipient =
          a.recipient === -1 ? ZeroAddress : a.recipient === -2 ? w.swapAddress : w.eoas[a.recipient].address;
        const want = model.predictSetFee(a.bps, recipient, w.swapAddress);
        const got = await this.send(`setProtocolFee ${a.bps} ${recipient}`, () =>
          w.swap.connect(w.owner).setProtocolFee(a.bps, recipient, this.gas),
        );
        this.expectOutcome("setFee", got, want);
        if (want === null) model.setFee(a.bps, recipient);
        return;
      }
      case "donate": {
        const from = w.eoas[a.from];
        const token = w.tokens[a.token];
        const got = await this.send(`donate ${a.amount} of token ${a.token}`, () =>
          token.connect(from).transfer(w.swapAddress, a.amount, this.gas),
        );
        this.expectOutcome("donate", got, null);
        model.setBalance(
          String(token.target),
          from.address,
          model.balanceOf(String(token.target), from.address) - a.amount,
        );
        model.setBalance(String(token.target), "swap", model.balanceOf(String(token.target), "swap") + a.amount);
        this.donated[a.token] += a.amount;
        return;
      }
      case "force": {
        const from = w.eoas[0];
        this.now += 1n;
        await network.provider.send("evm_setNextBlockTimestamp", [Number(this.now)]);
        const factory = await ethers.getContractFactory("ForceSend", from);
        await (await factory.deploy(w.swapAddress, { value: a.amount, gasPrice: 0n })).waitForDeployment();
        this.trace.push(`  t=${this.now} force ${a.amount} wei`);
        tally(this.stats, "force", true);
        model.setBalance(ETH, from.address, model.balanceOf(ETH, from.address) - a.amount);
        model.setBalance(ETH, "swap", model.balanceOf(ETH, "swap") + a.amount);
        return;
      }
      case "rejectEth": {
        const got = await this.send(`acct rejects ETH: ${a.on}`, () =>
          w.acct.connect(w.acctOwner).setRejectEth(a.on, this.gas),
        );
        this.expectOutcome("rejectEth", got, null);
        if (a.on) model.refusesEth.add(w.addresses[ACCT].toLowerCase());
        else model.refusesEth.delete(w.addresses[ACCT].toLowerCase());
        return;
      }
      case "withdraw": {
        const to = w.eoas[a.to].address;
        const want = model.predictWithdraw(w.addresses[ACCT]);
        const data = w.swap.interface.encodeFunctionData("withdraw", [ETH, to]);
        const got = await this.send(`acct withdraws its credit to ${to}`, () =>
          w.acct.connect(w.acctOwner).execute(w.swapAddress, 0n, data, this.gas),
        );
        this.expectOutcome("withdraw", got, want);
        if (want === null) model.withdraw(w.addresses[ACCT], to);
        return;
      }
      case "warp":
        this.now += BigInt(a.seconds);
        this.trace.push(`  warp ${a.seconds}s`);
        return;
    }
  }

  async checkInvariants(): Promise<void> {
    const { w, model } = this;
    const same = (what: string, got: bigint | string | boolean, want: bigint | string | boolean) => {
      if (String(got).toLowerCase() !== String(want).toLowerCase())
        this.fail(`${what}: contract ${got}, model ${want}`);
    };
    for (const a of [...w.addresses, w.swapAddress]) {
      const who = a === w.swapAddress ? "swap" : a;
      for (const t of w.tokens)
        same(`balance of ${t.target} at ${who}`, await t.balanceOf(a), model.balanceOf(String(t.target), who));
      same(`ETH of ${who}`, await ethers.provider.getBalance(a), model.balanceOf(ETH, who));
      same(`credit of ${who}`, await w.swap.creditOf(ETH, a), model.creditOf(a));
    }
    for (const p of this.pool) {
      same(
        `filledOf ${p.order.maker}/${p.order.nonce}`,
        await w.swap.filledOf(p.order.maker, p.order.nonce),
        model.filledOf(p.order.maker, p.order.nonce),
      );
      same(
        `nonce word ${p.order.maker}/${p.order.nonce >> 8n}`,
        await w.swap.nonceBitmap(p.order.maker, p.order.nonce >> 8n),
        model.word(p.order.maker, p.order.nonce >> 8n),
      );
      same(
        `isNonceUsed ${p.order.maker}/${p.order.nonce}`,
        await w.swap.isNonceUsed(p.order.maker, p.order.nonce),
        model.bitSet(p.order.maker, p.order.nonce),
      );
    }
    for (const m of w.addresses.slice(0, EOAS)) {
      same(`delegate of ${m}`, await w.swap.delegateOf(m), model.delegateOf(m));
    }
    const [bps, recipient] = await w.swap.protocolFee();
    same("fee bps", bps, model.feeBps);
    same("fee recipient", recipient, model.feeRecipient);
    // Solvency (docs/swaps.md §9).
    const ethHeld = await ethers.provider.getBalance(w.swapAddress);
    if (ethHeld < model.totalCredits()) this.fail(`insolvent: holds ${ethHeld} ETH, owes ${model.totalCredits()}`);
    for (const [i, t] of w.tokens.entries())
      same(`token ${i} held beyond donations`, await t.balanceOf(w.swapAddress), this.donated[i]);
  }
}

describe("Swap: property test against the reference model (docs/swaps.md §9)", function () {
  this.timeout(900_000);
  it("SW-P2, SW-P3, SW-N1..N4, SW-F1, SW-V1, SW-V3, SW-S1, SW-D1: contract and model agree after every step; solvency holds", async function () {
    const stats: ActionStats = {};
    const runOne = async (actions: Action[]) => {
      const w = await loadFixture(world);
      const run = new Run(w, stats);
      await run.init();
      for (const a of actions) {
        await run.step(a);
        await run.checkInvariants();
      }
    };
    // One fixed sequence first, so that every run of the test reaches a credited ETH leg, its withdrawal, a fill
    // that succeeds and one that reverts, whatever the random ones do.
    await runOne(SCRIPTED);
    const runs = await checkStateful({
      arbitrary: fc.array(actionArb, { minLength: Math.ceil(env.maxSteps / 2), maxLength: env.maxSteps }),
      env,
      testFile: "test/swap/Swap.property.test.ts",
      stats,
      runOne,
    });
    expect(runs).to.be.greaterThan(0);
    // The sequences must reach both outcomes of a fill, or the property proves little.
    expect(stats.fill?.ok ?? 0, "no fill ever succeeded").to.be.greaterThan(0);
    expect(stats.fill?.reverted ?? 0, "no fill ever reverted").to.be.greaterThan(0);
    expect(stats.withdraw?.ok ?? 0, "no credit was ever withdrawn").to.be.greaterThan(0);
  });
});
