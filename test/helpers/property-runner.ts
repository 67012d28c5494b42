// The machinery the stateful property tests (test/escrow/Escrow.property.test.ts,
// test/micropayments/MicropaymentChannels.property.test.ts) share: the parties and their contract accounts, the
// clock (each transaction mined at the timestamp the model predicted for), sending a call as an actor (contract
// accounts forward through their owner) and decoding its revert, comparing the outcome with the model's
// prediction, the trace of a run, and the checks of balances, credits and solvency every model of
// contracts/base/PullPayments.sol allows. Each test extends `PropertyRun` with its own actions, calls and
// invariants.
import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Interface, ZeroAddress, parseEther, type Result, type TransactionReceipt } from "ethers";
import type { BlocklistToken, MockAccount, MockERC1271Wallet } from "../../typechain-types";
import {
  Mismatch,
  big,
  checkStateful,
  decodeRevert,
  revertData,
  tally,
  type ActionStats,
  type PropertyEnv,
} from "./property";
import type { PullPaymentsModel } from "./pull-payments-model";

// ------------------------------------------------------------------ the parties

/** The actors of both tests, by index: parties, callers, arbiters. */
export const ACTOR_NAMES = ["alice", "bob", "carol", "acct", "wallet", "eve"] as const;
export const ACTOR_COUNT = ACTOR_NAMES.length;
/** Starts on the token's blocklist. */
export const CAROL = 2;
/** MockAccount: refuses ETH while `rejectEth` is set, burns the gas while `burnGas` is set; cannot sign. */
export const ACCT = 3;
/** MockERC1271Wallet: signs through its owner's key (ERC-1271). */
export const WALLET = 4;

export interface Actor {
  name: string;
  address: string;
  kind: "eoa" | "account" | "wallet";
  /** Sends the actor's transactions: itself, or the owner of the contract account. */
  sender: HardhatEthersSigner;
  /** Signs EIP-712 messages for the actor: itself, or the contract account's owner. */
  signer: HardhatEthersSigner;
}

/** The part of a test's world the runner uses: the contract under test, the token and the actors. */
export interface PartyWorld {
  owner: HardhatEthersSigner;
  token: BlocklistToken;
  acct: MockAccount;
  wallet: MockERC1271Wallet;
  actors: Actor[];
  tokenAddress: string;
  /** The contract under test. */
  target: string;
  /** Credits of PullPayments. */
  creditOf(token: string, account: string): Promise<bigint>;
}

/**
 * Deploys the blocklist token and the two contract accounts (in this order, after the contract under test), funds
 * and approves every party for `spender`, makes `acct` refuse ETH and blocks carol.
 */
export async function deployParties(
  spender: string,
  s: Record<"alice" | "bob" | "carol" | "eve" | "acctOwner" | "walletOwner", HardhatEthersSigner>,
) {
  const token = await ethers.deployContract("BlocklistToken");
  const acct = await ethers.deployContract("MockAccount", [s.acctOwner.address], { value: parseEther("100") });
  const wallet = await ethers.deployContract("MockERC1271Wallet", [s.walletOwner.address], {
    value: parseEther("100"),
  });
  const tokenAddress = await token.getAddress();
  const units = 10n ** 24n;
  for (const eoa of [s.alice, s.bob, s.carol, s.eve]) {
    await token.mint(eoa.address, units);
    await token.connect(eoa).approve(spender, ethers.MaxUint256);
  }
  const approve = token.interface.encodeFunctionData("approve", [spender, ethers.MaxUint256]);
  await token.mint(await acct.getAddress(), units);
  await acct.connect(s.acctOwner).execute(tokenAddress, 0n, approve);
  await token.mint(await wallet.getAddress(), units);
  await wallet.connect(s.walletOwner).execute(tokenAddress, 0n, approve);

  await acct.setRejectEth(true);
  await token.setBlocked(s.carol.address, true);

  const eoa = (name: string, x: HardhatEthersSigner): Actor => ({
    name,
    address: x.address,
    kind: "eoa",
    sender: x,
    signer: x,
  });
  const actors: Actor[] = [
    eoa("alice", s.alice),
    eoa("bob", s.bob),
    eoa("carol", s.carol),
    { name: "acct", address: await acct.getAddress(), kind: "account", sender: s.acctOwner, signer: s.acctOwner },
    {
      name: "wallet",
      address: await wallet.getAddress(),
      kind: "wallet",
      sender: s.walletOwner,
      signer: s.walletOwner,
    },
    eoa("eve", s.eve),
  ];
  return { token, acct, wallet, tokenAddress, actors };
}

/** Zero base fee and zero gas price from here on: every balance change is a payment, never gas. */
export async function freeGas(): Promise<void> {
  await network.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await network.provider.send("evm_mine", []);
}

// ------------------------------------------------------------------ generators both tests use

/** Any actor. */
export const actorArb = fc.integer({ min: 0, max: ACTOR_COUNT - 1 });
/** Parties: any actor, often the one refusing ETH or the blocklisted one, whose payouts become credits. */
export const partyArb = fc.oneof(
  { weight: 3, arbitrary: actorArb },
  { weight: 1, arbitrary: fc.constantFrom(ACCT, CAROL) },
);
/** An amount as a share of a base: 0 = zero, 1..9999 bps, 10000 = all of it, 10001 = one unit more. */
export type Share = number;
/** Shares, mostly in between; all of it with weight `fullWeight` (against 5 for in between, 1 for 0 or 10001). */
export const shareArbWith = (fullWeight: number): fc.Arbitrary<Share> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 9_999 }) },
    { weight: fullWeight, arbitrary: fc.constant(10_000) },
    { weight: 1, arbitrary: fc.constantFrom(0, 10_001) },
  );
/** No flaw most of the time (14 in 16), else one of `flaws`. */
export const flawArb = <F>(...flaws: F[]): fc.Arbitrary<F | null> =>
  fc.oneof({ weight: 14, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.constantFrom(...flaws) });
/** True once in sixteen. */
export const rarely = fc.oneof(
  { weight: 15, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);

export function shareOf(base: bigint, share: Share): bigint {
  if (share === 0) return 0n;
  if (share === 10_000) return base;
  if (share === 10_001) return base + 1n;
  return (base * BigInt(share)) / 10_000n;
}

/** The actions on the payout environment both tests generate; `build` resolves them with `buildEnvCall`. */
export type EnvAction =
  | { t: "withdraw"; by: number | "creditor"; eth: boolean; to: number | "self" | "able" | "zero" | "contract" }
  | { t: "setRejectEth"; on: boolean }
  | { t: "setBurnGas"; on: boolean };

export const withdrawArb: fc.Arbitrary<Extract<EnvAction, { t: "withdraw" }>> = fc.record({
  t: fc.constant("withdraw" as const),
  by: fc.oneof({ weight: 4, arbitrary: fc.constant("creditor" as const) }, { weight: 1, arbitrary: actorArb }),
  eth: fc.boolean(),
  to: fc.oneof(
    { weight: 3, arbitrary: fc.constant("self" as const) },
    { weight: 3, arbitrary: fc.constant("able" as const) },
    { weight: 2, arbitrary: actorArb },
    { weight: 1, arbitrary: fc.constant("zero" as const) },
    // The contract itself: refused like address(0), the credit stays.
    { weight: 1, arbitrary: fc.constant("contract" as const) },
  ),
});

// ------------------------------------------------------------------ running a sequence

export interface Call {
  /** One line for the trace. */
  desc: string;
  from: Actor | HardhatEthersSigner;
  to: string;
  data: string;
  value?: bigint;
  /** The model's prediction, made (and, for a valid call, applied) with the transaction's timestamp. */
  expected: string[];
  /** A finer class of the action for the statistics (tallied as `<action> by <role>`). */
  role?: string;
}

export type Outcome = { ok: true; receipt: TransactionReceipt } | { ok: false; error: string; errorName: string };

/** Where a time jump lands: the next transaction's timestamp (null: nowhere ahead, a no-op), and its description. */
export interface WarpTarget {
  target: bigint | null;
  desc: string;
}

const GAS_LIMIT = 3_000_000n;
const PULL_PAYMENTS = new Interface(["function withdraw(address token, address to)"]);

/**
 * One run of a sequence against the chain and the model. The clock: every transaction is mined one second after
 * the last one, or at the time a warp set; a reverted transaction is mined too. After each transaction the outcome
 * must be the model's prediction (reverted iff the model says invalid, and then with one of the predicted errors),
 * then `observe` reads the receipt and `checkInvariants` runs.
 */
export abstract class PropertyRun<A extends { t: string }, W extends PartyWorld, M extends PullPaymentsModel> {
  readonly trace: string[] = [];
  protected lastTimestamp = 0n;
  protected nextTimestamp: bigint | null = null;
  protected readonly initialBalances = new Map<string, bigint>();
  protected readonly assets: { name: string; address: string }[];
  private stepIndex = 0;

  /**
   * @param noun What the test's actions act on ("deal", "channel"), for the trace.
   * @param tracked Accounts whose balances and credits are checked: the actors and any others.
   */
  protected constructor(
    protected readonly w: W,
    readonly model: M,
    protected readonly errors: Interface,
    protected readonly env: PropertyEnv,
    protected readonly stats: ActionStats,
    private readonly noun: string,
    protected readonly tracked: readonly { name: string; address: string }[] = w.actors,
  ) {
    this.model.rejectsEth.add(w.actors[ACCT].address.toLowerCase());
    this.model.blocked.add(w.actors[CAROL].address.toLowerCase());
    this.assets = [
      { name: "ETH", address: ZeroAddress },
      { name: "BLK", address: w.tokenAddress },
    ];
  }

  /** The call for an action, with the model's prediction; null for an action that has nothing to act on. */
  protected abstract build(action: A, now: bigint): Promise<Call | null>;
  /** A time jump's landing, or null when `action` is no time jump. */
  protected abstract warpTarget(action: A): WarpTarget | null;
  /** Reads what a successful transaction's events say. */
  protected abstract observe(receipt: TransactionReceipt, action: A): void;
  protected abstract checkInvariants(): Promise<void>;
  /** A step that sends nothing (an off-chain signature); false when `action` is not one. */
  protected async offChain(_index: number, _action: A): Promise<boolean> {
    return false;
  }
  /** Names of addresses other than the actors and the contract under test, or undefined. */
  protected otherName(_address: string): string | undefined {
    return undefined;
  }
  protected abstract readonly targetName: string;

  async init(): Promise<void> {
    const block = await ethers.provider.getBlock("latest");
    this.lastTimestamp = BigInt(block!.timestamp);
    for (const asset of this.assets) {
      for (const acc of this.tracked) {
        this.initialBalances.set(`${asset.address}|${acc.address}`, await this.balanceOf(asset.address, acc.address));
      }
    }
    await this.checkInvariants();
  }

  protected async balanceOf(token: string, account: string): Promise<bigint> {
    return token === ZeroAddress ? ethers.provider.getBalance(account) : this.w.token.balanceOf(account);
  }

  protected nameOf(address: string): string {
    const a = address.toLowerCase();
    if (a === ZeroAddress) return "0";
    if (a === this.w.target.toLowerCase()) return this.targetName;
    return this.otherName(a) ?? this.w.actors.find((x) => x.address.toLowerCase() === a)?.name ?? address.slice(0, 10);
  }

  protected fail(message: string): never {
    throw new Mismatch(`${message}\n\nSteps executed (the last one failed):\n${this.trace.join("\n")}`);
  }

  /** Adds a line to the trace (printed at once with FC_VERBOSE=1). */
  protected note(index: number, line: string): void {
    this.trace.push(`  ${String(index).padStart(2)}. ${line}`);
    if (this.env.verbose) console.log(this.trace[this.trace.length - 1]);
  }

  /** The actor at `address`, or eve for an address no actor has. */
  protected actorOf(address: string): Actor {
    return this.w.actors.find((a) => a.address.toLowerCase() === address.toLowerCase()) ?? this.w.actors[5];
  }

  /**
   * References 0..7 pick among the open items the action `prefers` (where it can have an effect), 8..11 among all
   * open items, 12..15 among all items.
   */
  protected pickIndexed<T>(all: readonly T[], isOpen: (x: T) => boolean, prefers: (x: T) => boolean, index: number): T {
    const open = all.filter(isOpen);
    const preferred = open.filter(prefers);
    return index < 8 && preferred.length > 0
      ? preferred[index % preferred.length]
      : index < 12 && open.length > 0
        ? open[index % open.length]
        : all[index % all.length];
  }

  // -------------------------------------------------------------- one step

  async step(action: A): Promise<void> {
    const index = this.stepIndex++;
    const warp = this.warpTarget(action);
    if (warp !== null) {
      if (warp.target === null || warp.target <= this.lastTimestamp) {
        this.note(index, `${warp.desc}: no-op`);
      } else {
        this.nextTimestamp = warp.target;
        this.note(index, `${warp.desc}: next transaction at t=${warp.target}`);
      }
      return;
    }
    if (await this.offChain(index, action)) return;
    const now = this.nextTimestamp ?? this.lastTimestamp + 1n;
    const call = await this.build(action, now);
    if (call === null) {
      this.trace.push(`  ${String(index).padStart(2)}. ${action.t}: no-op (no ${this.noun} yet)`);
      return;
    }
    const expected = [...new Set(call.expected)];
    this.trace.push(
      `  ${String(index).padStart(2)}. t=${now} ${call.desc}\n      model: ${expected.length === 0 ? "succeeds" : `reverts ${expected.join(" | ")}`}`,
    );

    const outcome = await this.send(call, now);
    this.trace[this.trace.length - 1] += `; contract: ${outcome.ok ? "succeeded" : `reverted ${outcome.error}`}`;
    if (this.env.verbose) console.log(this.trace[this.trace.length - 1]);

    // Reverted iff the model says invalid, and then with one of the errors of the rules the call breaks.
    if (outcome.ok && expected.length > 0) {
      this.fail(`the contract accepted a call the model says must revert with ${expected.join(" | ")}`);
    }
    if (!outcome.ok && expected.length === 0) {
      this.fail(`the contract reverted ${outcome.error}; the model says the call is valid`);
    }
    if (!outcome.ok && !expected.includes(outcome.errorName)) {
      this.fail(`the contract reverted ${outcome.error}; the model expected ${expected.join(" | ")}`);
    }
    tally(this.stats, action.t, outcome.ok);
    if (call.role !== undefined) tally(this.stats, `${action.t} by ${call.role}`, outcome.ok);
    if (outcome.ok) this.observe(outcome.receipt, action);
    await this.checkInvariants();
  }

  /** Sends `call` as its actor, mined at `now`; a revert is decoded with the test's errors. */
  private async send(call: Call, now: bigint): Promise<Outcome> {
    const actor = "kind" in call.from ? (call.from as Actor) : null;
    const sender = actor ? actor.sender : (call.from as HardhatEthersSigner);
    let to = call.to;
    let data = call.data;
    if (actor !== null && actor.kind !== "eoa") {
      // Contract accounts act through their owner; they pay any value from their own balance.
      const iface = actor.kind === "account" ? this.w.acct.interface : this.w.wallet.interface;
      data = iface.encodeFunctionData("execute", [call.to, call.value ?? 0n, call.data]);
      to = actor.address;
    }
    await network.provider.send("evm_setNextBlockTimestamp", [Number(now)]);
    let result: Outcome;
    try {
      const tx = await sender.sendTransaction({
        to,
        data,
        value: actor !== null && actor.kind !== "eoa" ? 0n : (call.value ?? 0n),
        gasLimit: GAS_LIMIT,
        gasPrice: 0n,
      });
      const receipt = await tx.wait();
      if (receipt === null) throw new Error("no receipt");
      result = { ok: true, receipt };
    } catch (e) {
      const rd = revertData(e);
      if (rd === undefined) throw e;
      result = { ok: false, ...decodeRevert(this.errors, rd) };
    }
    // Reverted transactions are mined too: the clock moved to `now` either way.
    const block = await ethers.provider.getBlock("latest");
    if (BigInt(block!.timestamp) !== now) this.fail(`block timestamp ${block!.timestamp}, expected ${now}`);
    this.lastTimestamp = now;
    this.nextTimestamp = null;
    return result;
  }

  /**
   * Cumulates into `paid` (per id: the first argument of each event) what the events of the contract under test in
   * `receipt` say was paid, by the `payouts` table of event name to effect; returns the id the `created` event
   * carries, if the receipt has one.
   */
  protected tallyPayouts<P>(
    receipt: TransactionReceipt,
    iface: Interface,
    paid: Map<string, P>,
    fresh: () => P,
    payouts: Readonly<Record<string, (p: P, args: Result) => void>>,
    created: string,
  ): string | null {
    let id: string | null = null;
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.w.target.toLowerCase()) continue;
      const ev = iface.parseLog(log);
      if (ev === null) continue;
      if (ev.name === created) id = ev.args[0] as string;
      const apply = payouts[ev.name];
      if (apply === undefined) continue;
      const key = ev.args[0] as string;
      if (!paid.has(key)) paid.set(key, fresh());
      apply(paid.get(key)!, ev.args);
    }
    return id;
  }

  /** A successful creation must have created the item the model computed last (ids are hashes of the terms). */
  protected checkCreatedId(event: string, id: string | null, expected: string | undefined, rule: string): void {
    if (id !== expected) this.fail(`${event} id ${id}, the model computed ${expected} (${rule})`);
  }

  // -------------------------------------------------------------- the payout environment (PullPayments)

  /** A withdrawal of a credit, or a change of what `acct` does with ETH it receives. */
  protected buildEnvCall(action: EnvAction): Call {
    const m = this.model;
    if (action.t !== "withdraw") {
      const acct = this.w.actors[ACCT].address.toLowerCase();
      const set = action.t === "setRejectEth" ? m.rejectsEth : m.burnsGas;
      if (action.on) set.add(acct);
      else set.delete(acct);
      return {
        desc: `acct.${action.t}(${action.on})`,
        from: this.w.owner,
        to: this.w.actors[ACCT].address,
        data: (this.w.acct.interface as Interface).encodeFunctionData(action.t, [action.on]),
        expected: [],
      };
    }
    let token = action.eth ? ZeroAddress : this.w.tokenAddress;
    let by = this.w.actors[action.by === "creditor" ? 0 : action.by];
    if (action.by === "creditor") {
      // An account holding a credit, in the asset drawn if there is one, else in the other.
      const other = action.eth ? this.w.tokenAddress : ZeroAddress;
      const creditor = (t: string) => this.w.actors.find((a) => m.creditOf(t, a.address) > 0n);
      const found = creditor(token) ?? creditor(other);
      if (found !== undefined) {
        if (creditor(token) === undefined) token = other;
        by = found;
      }
    }
    // "able": another actor that can receive the asset now (not refusing ETH or burning gas, not blocked).
    const canReceive = (a: Actor): boolean => {
      const x = a.address.toLowerCase();
      return token === ZeroAddress ? !m.rejectsEth.has(x) && !m.burnsGas.has(x) : !m.blocked.has(x);
    };
    const able = this.w.actors.find((a) => a !== by && canReceive(a)) ?? by;
    const to =
      action.to === "self"
        ? by.address
        : action.to === "able"
          ? able.address
          : action.to === "zero"
            ? ZeroAddress
            : action.to === "contract"
              ? this.w.target
              : this.w.actors[action.to].address;
    return {
      desc: `${by.name} withdraw(${token === ZeroAddress ? "ETH" : "BLK"}, to ${this.nameOf(to)}) [credit ${m.creditOf(token, by.address)}]`,
      from: by,
      to: this.w.target,
      data: PULL_PAYMENTS.encodeFunctionData("withdraw", [token, to]),
      expected: m.withdraw(by.address, token, to),
    };
  }

  /** The token's blocklist entry of `who` set to `on`. */
  protected buildSetBlocked(who: string, on: boolean): Call {
    if (on) this.model.blocked.add(who.toLowerCase());
    else this.model.blocked.delete(who.toLowerCase());
    return {
      desc: `BLK.setBlocked(${this.nameOf(who)}, ${on})`,
      from: this.w.owner,
      to: this.w.tokenAddress,
      data: this.w.token.interface.encodeFunctionData("setBlocked", [who, on]),
      expected: [],
    };
  }

  // -------------------------------------------------------------- invariants both contracts share

  /** The on-chain state of an item equals the model's (compared as JSON, statuses named in the message). */
  protected compareState(
    what: string,
    chain: { status: number },
    model: { status: number },
    statusNames: readonly string[],
  ): void {
    if (JSON.stringify(chain, big) !== JSON.stringify(model, big)) {
      this.fail(
        `${what} = ${JSON.stringify({ ...chain, status: statusNames[chain.status] }, big)}, ` +
          `the model says ${JSON.stringify({ ...model, status: statusNames[model.status] }, big)}`,
      );
    }
  }

  /** The contract's balance and every tracked account's balance and credit, per asset. */
  protected async readBalances() {
    return Promise.all(
      this.assets.map(async (asset) => ({
        asset,
        balance: await this.balanceOf(asset.address, this.w.target),
        accounts: await Promise.all(
          this.tracked.map(async (acc) => ({
            acc,
            balance: await this.balanceOf(asset.address, acc.address),
            credit: await this.w.creditOf(asset.address, acc.address),
          })),
        ),
      })),
    );
  }

  /**
   * Each tracked account's balance change and credit in `asset` equal the model's: nobody received more (or less)
   * than it is due. Returns the sum of the credits.
   */
  protected checkAccounts(
    asset: { name: string; address: string },
    accounts: readonly { acc: { name: string; address: string }; balance: bigint; credit: bigint }[],
  ): bigint {
    const m = this.model;
    let credits = 0n;
    for (const { acc, balance, credit } of accounts) {
      credits += credit;
      const delta = balance - this.initialBalances.get(`${asset.address}|${acc.address}`)!;
      const expectedDelta = m.balanceDeltaOf(asset.address, acc.address);
      if (delta !== expectedDelta) {
        this.fail(`${acc.name}'s ${asset.name} balance changed by ${delta}, the model says ${expectedDelta}`);
      }
      if (credit !== m.creditOf(asset.address, acc.address)) {
        this.fail(
          `${acc.name}'s ${asset.name} credit is ${credit}, the model says ${m.creditOf(asset.address, acc.address)}`,
        );
      }
    }
    return credits;
  }

  /**
   * Solvency from the chain's own numbers: the contract's balance in `asset` is at least the sum of what it owes
   * (`owed`, named parts), and, with no stray transfers, exactly that; the sum is the model's liabilities.
   */
  protected checkSolvency(
    asset: { name: string; address: string },
    balance: bigint,
    owed: readonly [string, bigint][],
    modelLiabilities: bigint,
  ): void {
    const liabilities = owed.reduce((sum, [, x]) => sum + x, 0n);
    const parts = owed.map(([name, x]) => `${name} ${x}`).join(" + ");
    if (balance < liabilities) this.fail(`INSOLVENT in ${asset.name}: balance ${balance} < ${parts}`);
    if (balance !== liabilities) {
      this.fail(`${asset.name} balance ${balance} != ${parts} (no stray transfers were made)`);
    }
    if (liabilities !== modelLiabilities) {
      this.fail(`${asset.name} liabilities ${liabilities}, the model says ${modelLiabilities}`);
    }
  }
}

/**
 * The mocha test of a stateful property (test/helpers/property.ts `checkStateful`): every generated sequence
 * starts from the same deployed world (loadFixture) in a fresh run.
 */
export function describeProperty<A extends { t: string }, W>(params: {
  suite: string;
  title: string;
  arbitrary: fc.Arbitrary<A[]>;
  env: PropertyEnv;
  testFile: string;
  stats: ActionStats;
  deploy: () => Promise<W>;
  newRun: (world: W) => { init(): Promise<void>; step(action: A): Promise<void> };
  /** Checks on the statistics of the whole run (coverage that must not silently regress). */
  after?: (stats: ActionStats, runs: number) => void;
}): void {
  const { suite, title, deploy, newRun, after, ...rest } = params;
  describe(suite, function () {
    // The default budget takes well under a minute; shrinking a failure or a deep run (FC_NUM_RUNS) takes longer.
    this.timeout(0);

    it(title, async function () {
      const runs = await checkStateful({
        ...rest,
        runOne: async (actions) => {
          const run = newRun(await loadFixture(deploy));
          await run.init();
          for (const action of actions) await run.step(action);
        },
      });
      expect(runs).to.be.greaterThan(0);
      after?.(rest.stats, runs);
    });
  });
}
