// Stateful property test of HashedTimelocks against a reference model (test/helpers/hashed-timelocks-model.ts):
// docs/atomic-swaps.md §3-§4 (HT-2..HT-16, HT-20) and the invariants of §5 (HT-13, HT-17, HT-18).
//
// fast-check generates sequences of locks (ETH and an ERC20 with a blocklist; with and without a safety deposit; a
// few secrets, so that many locks share a hashlock), claims with the right or a wrong secret by the receiver or
// anyone, refunds by anyone, between EOAs, a contract account that refuses ETH or burns the gas, an ERC-1271 wallet
// and a blocklisted party; invalid locks too (wrong msg.value either way, a caller who is not the sender, zero
// terms, timelocks now, past or too far, public times out of order, the terms of an existing lock again),
// withdrawals of credits, donated tokens and ETH forced in by self-destruction, and time jumps landing on a lock's
// timelock or public times (and one second either side). After every step the contract must have done exactly what
// the model predicts (reverted iff the model says invalid, with the predicted error), and `checkInvariants` compares
// every status, every tracked balance and credit, and each asset's solvency with the model.
//
// Environment variables (test/helpers/property.ts; the defaults take well under a minute on 2 cores):
//   FC_NUM_RUNS    number of generated sequences (default 50; with 20 or more, coverage is checked)
//   FC_MAX_STEPS   maximum actions per sequence (default 40)
//   FC_SEED / FC_PATH   replay a failure; FC_VERBOSE=1 prints every step
// A deeper local run: FC_NUM_RUNS=500 FC_MAX_STEPS=80 npx hardhat test test/atomic-swaps/HashedTimelocks.property.test.ts
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { ZeroAddress, ZeroHash, type TransactionReceipt } from "ethers";
import type { HashedTimelocks } from "../../typechain-types";
import { errorsInterface, propertyEnv, type ActionStats } from "../helpers/property";
import {
  ACTOR_COUNT,
  PropertyRun,
  actorArb,
  deployParties,
  describeProperty,
  freeGas,
  partyArb,
  withdrawArb,
  type Call,
  type EnvAction,
  type WarpTarget,
} from "../helpers/property-runner";
import { HOUR, HtStatus, MAX_TIMELOCK_DURATION, hashlockOf, secretOf, type Lock } from "../helpers/hashed-timelocks";
import { HT_STATUS_NAMES, HashedTimelocksModel, type ModelLock } from "../helpers/hashed-timelocks-model";

const ENV = propertyEnv({ numRuns: 50, maxSteps: 40 });
const TEST_FILE = "test/atomic-swaps/HashedTimelocks.property.test.ts";
const SECRETS = [0, 1, 2].map((i) => secretOf(`property.${i}`));

// ------------------------------------------------------------------ the world

async function deployWorld() {
  const [owner, alice, bob, carol, eve, acctOwner, walletOwner] = await ethers.getSigners();
  const htlc = (await ethers.deployContract("HashedTimelocks")) as unknown as HashedTimelocks;
  const htlcAddress = await htlc.getAddress();
  const parties = await deployParties(htlcAddress, { alice, bob, carol, eve, acctOwner, walletOwner });
  // The donor of tokens and forced ETH: owed to nobody (HT-18).
  await parties.token.mint(owner.address, 10n ** 24n);
  await freeGas();
  return {
    htlc,
    owner,
    htlcAddress,
    ...parties,
    target: htlcAddress,
    creditOf: (token: string, account: string) => htlc.creditOf(token, account),
  };
}

type World = Awaited<ReturnType<typeof deployWorld>>;

// ------------------------------------------------------------------ actions

type LockFlaw =
  | "valueLow"
  | "valueHigh"
  | "notSender"
  | "zeroAmount"
  | "zeroReceiver"
  | "zeroHashlock"
  | "timelockNow"
  | "timelockFar"
  | "publicClaimLate"
  | "publicRefundEarly"
  | "publicWithoutDeposit";

type Action =
  | {
      t: "lock";
      sender: number;
      receiver: number;
      eth: boolean;
      amount: bigint;
      secret: number;
      timelockIn: number;
      deposit: boolean;
      salt: number;
      flaw: LockFlaw | null;
    }
  | { t: "relock"; ref: number }
  | { t: "claim"; ref: number | "warped"; by: number | "receiver"; wrongSecret: boolean }
  | { t: "refund"; ref: number | "warped"; by: number | "sender" }
  | EnvAction
  | { t: "setBlocked"; who: number; on: boolean } // ACTOR_COUNT: the contract itself
  | { t: "donate"; eth: boolean; amount: bigint }
  | { t: "warp"; seconds: number }
  | { t: "warpTo"; ref: number; at: "timelock" | "publicClaimAt" | "publicRefundAt"; offset: -1 | 0 | 1 };

const refArb = fc.nat({ max: 15 });

const lockArb: fc.Arbitrary<Action> = fc.record({
  t: fc.constant("lock" as const),
  sender: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1) }, { weight: 2, arbitrary: partyArb }),
  receiver: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1) }, { weight: 2, arbitrary: partyArb }),
  eth: fc.boolean(),
  amount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 10n ** 15n, max: 10n ** 18n })),
  secret: fc.nat({ max: SECRETS.length - 1 }),
  timelockIn: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 3_600, max: 3 * 86_400 })),
  deposit: fc.boolean(),
  salt: fc.nat({ max: 3 }), // small, so that identical terms recur (HT-8)
  flaw: fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<LockFlaw>(
        "valueLow",
        "valueHigh",
        "notSender",
        "zeroAmount",
        "zeroReceiver",
        "zeroHashlock",
        "timelockNow",
        "timelockFar",
        "publicClaimLate",
        "publicRefundEarly",
        "publicWithoutDeposit",
      ),
    },
  ),
});

const ACTIONS: Record<Exclude<Action["t"], "lock">, fc.Arbitrary<Action>> = {
  relock: fc.record({ t: fc.constant("relock" as const), ref: refArb }),
  claim: fc.record({
    t: fc.constant("claim" as const),
    ref: refArb,
    by: fc.oneof({ weight: 3, arbitrary: fc.constant("receiver" as const) }, { weight: 2, arbitrary: actorArb }),
    wrongSecret: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }),
  refund: fc.record({
    t: fc.constant("refund" as const),
    ref: refArb,
    by: fc.oneof({ weight: 3, arbitrary: fc.constant("sender" as const) }, { weight: 2, arbitrary: actorArb }),
  }),
  withdraw: withdrawArb,
  setRejectEth: fc.record({ t: fc.constant("setRejectEth" as const), on: fc.boolean() }),
  setBurnGas: fc.record({ t: fc.constant("setBurnGas" as const), on: fc.boolean() }),
  setBlocked: fc.record({
    t: fc.constant("setBlocked" as const),
    who: fc.oneof({ weight: 4, arbitrary: actorArb }, { weight: 1, arbitrary: fc.constant(ACTOR_COUNT) }),
    on: fc.boolean(),
  }),
  donate: fc.record({
    t: fc.constant("donate" as const),
    eth: fc.boolean(),
    amount: fc.bigInt({ min: 1n, max: 10n ** 15n }),
  }),
  warp: fc.record({ t: fc.constant("warp" as const), seconds: fc.integer({ min: 1, max: 2 * 86_400 }) }),
  warpTo: fc.record({
    t: fc.constant("warpTo" as const),
    ref: refArb,
    at: fc.constantFrom("timelock" as const, "publicClaimAt" as const, "publicRefundAt" as const),
    offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
  }),
};

const WEIGHTS: Record<Action["t"], number> = {
  lock: 10,
  relock: 1,
  claim: 8,
  refund: 6,
  withdraw: 3,
  setRejectEth: 1,
  setBurnGas: 1,
  setBlocked: 1,
  donate: 2,
  warp: 2,
  warpTo: 6,
};

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  ...Object.entries(WEIGHTS).map(([t, weight]) => ({
    weight,
    arbitrary: t === "lock" ? lockArb : ACTIONS[t as keyof typeof ACTIONS],
  })),
);

/**
 * A boundary: a jump to a lock's timelock or public time (or one second either side), then a claim or refund of that
 * very lock by anyone, so that every boundary of HT-9..HT-12 is hit with its neighbours.
 */
const boundaryArb: fc.Arbitrary<Action[]> = fc
  .record({
    ref: refArb,
    at: fc.constantFrom("timelock" as const, "publicClaimAt" as const, "publicRefundAt" as const),
    offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
    claim: fc.boolean(),
    by: actorArb,
  })
  .map(({ ref, at, offset, claim, by }): Action[] => [
    { t: "warpTo", ref, at, offset },
    claim ? { t: "claim", ref: "warped", by, wrongSecret: false } : { t: "refund", ref: "warped", by },
  ]);

/** A few locks first, then anything; credited accounts take their credits at the end. */
const sequenceArb: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(lockArb, { minLength: 1, maxLength: 4 }),
    fc.array(fc.oneof({ weight: 8, arbitrary: actionArb.map((a) => [a]) }, { weight: 2, arbitrary: boundaryArb }), {
      maxLength: ENV.maxSteps - 1,
      size: "max",
    }),
  )
  .map(([locks, rest]) => [
    ...locks,
    ...rest.flat(),
    ...[true, false].map((eth): Action => ({ t: "withdraw", by: "creditor", eth, to: "able" })),
  ]);

// ------------------------------------------------------------------ the run

const stats: ActionStats = {};
const EXTRA_ERRORS = [
  "error Blocked(address account)",
  "error SafeERC20FailedOperation(address token)",
  "error FailedCall()",
  "error MockAccountRejected()",
  "error PullPaymentsInvalidRecipient()",
  "error PullPaymentsNothingToWithdraw(address account, address token)",
];

class Run extends PropertyRun<Action, World, HashedTimelocksModel> {
  protected readonly targetName = "htlc";
  private readonly donated = new Map<string, bigint>();
  /** The lock the last warpTo landed on, which a boundary's claim or refund acts on. */
  private warped: ModelLock | null = null;

  constructor(w: World) {
    const errors = errorsInterface([w.htlc.interface, w.token.interface, w.acct.interface], EXTRA_ERRORS);
    super(w, new HashedTimelocksModel(w.htlcAddress, w.tokenAddress), errors, ENV, stats, "lock");
  }

  private pickLock(ref: number | "warped", prefers: (l: ModelLock) => boolean): ModelLock | null {
    if (ref === "warped") return this.warped;
    const all = this.model.locks;
    if (all.length === 0) return null;
    return this.pickIndexed(all, (l) => l.status === HtStatus.Locked, prefers, ref);
  }

  protected warpTarget(action: Action): WarpTarget | null {
    if (action.t === "warp")
      return { target: this.lastTimestamp + BigInt(action.seconds), desc: `warp ${action.seconds}s` };
    if (action.t !== "warpTo") return null;
    const lock = this.pickLock(action.ref, (l) => l.terms.safetyDeposit > 0n || action.at === "timelock");
    this.warped = lock;
    if (lock === null) return { target: null, desc: "warpTo (no lock)" };
    const at = lock.terms[action.at];
    if (at === 0n) return { target: null, desc: `warpTo ${action.at} of a lock without one` };
    return {
      target: at + BigInt(action.offset),
      desc: `warpTo ${action.at}${action.offset >= 0 ? "+" : ""}${action.offset} of ${lock.id.slice(0, 10)}`,
    };
  }

  private termsFor(action: Extract<Action, { t: "lock" }>, now: bigint): Lock {
    const sender = this.w.actors[action.sender].address;
    const timelock = now + BigInt(action.timelockIn);
    const deposit = action.deposit ? 10n ** 14n + BigInt(action.salt) : 0n;
    const terms: Lock = {
      sender,
      receiver: this.w.actors[action.receiver].address,
      token: action.eth ? ZeroAddress : this.w.tokenAddress,
      amount: action.amount,
      hashlock: hashlockOf(SECRETS[action.secret]),
      timelock,
      safetyDeposit: deposit,
      publicClaimAt: action.deposit ? now + 1n + (timelock - now - 1n) / 2n : 0n,
      publicRefundAt: action.deposit ? timelock + HOUR : 0n,
      salt: BigInt(action.salt),
    };
    switch (action.flaw) {
      case "zeroAmount":
        return { ...terms, amount: 0n };
      case "zeroReceiver":
        return { ...terms, receiver: ZeroAddress };
      case "zeroHashlock":
        return { ...terms, hashlock: ZeroHash };
      case "timelockNow":
        return {
          ...terms,
          timelock: now,
          publicClaimAt: action.deposit ? now : 0n,
          publicRefundAt: action.deposit ? now : 0n,
        };
      case "timelockFar":
        return { ...terms, timelock: now + MAX_TIMELOCK_DURATION + 1n };
      case "publicClaimLate":
        return action.deposit ? { ...terms, publicClaimAt: timelock + 1n } : terms;
      case "publicRefundEarly":
        return action.deposit ? { ...terms, publicRefundAt: timelock - 1n } : terms;
      case "publicWithoutDeposit":
        return { ...terms, safetyDeposit: 0n, publicClaimAt: now + 1n, publicRefundAt: timelock };
      default:
        return terms;
    }
  }

  private lockCall(terms: Lock, value: bigint, callerIndex: number, now: bigint, desc: string): Call {
    const caller = this.w.actors[callerIndex];
    return {
      desc,
      from: caller,
      to: this.w.htlcAddress,
      data: this.w.htlc.interface.encodeFunctionData("lock", [terms]),
      value,
      expected: this.model.lock(caller.address, terms, value, now),
      role: terms.token === ZeroAddress ? "ETH" : "ERC20",
    };
  }

  protected async build(action: Action, now: bigint): Promise<Call | null> {
    const m = this.model;
    switch (action.t) {
      case "lock": {
        const terms = this.termsFor(action, now);
        const right = (terms.token === ZeroAddress ? terms.amount : 0n) + terms.safetyDeposit;
        const value =
          action.flaw === "valueLow"
            ? right === 0n
              ? 1n
              : right - 1n
            : action.flaw === "valueHigh"
              ? right + 1n
              : right;
        const caller = action.flaw === "notSender" ? (action.sender + 1) % ACTOR_COUNT : action.sender;
        return this.lockCall(
          terms,
          value,
          caller,
          now,
          `${this.w.actors[caller].name} lock ${terms.amount} ${terms.token === ZeroAddress ? "ETH" : "BLK"} ` +
            `${this.nameOf(terms.sender)}->${this.nameOf(terms.receiver)} secret#${action.secret} tl=+${terms.timelock - now}` +
            `${terms.safetyDeposit > 0n ? ` deposit ${terms.safetyDeposit}` : ""} value ${value}${action.flaw ? ` [${action.flaw}]` : ""}`,
        );
      }
      case "relock": {
        // The terms of an existing lock again, by its sender (HT-8: Exists, or its timelock has passed).
        const lock = this.pickLock(action.ref, () => true);
        if (lock === null) return null;
        const t = lock.terms;
        const senderIndex = this.w.actors.findIndex((a) => a.address === t.sender);
        const value = (t.token === ZeroAddress ? t.amount : 0n) + t.safetyDeposit;
        return this.lockCall(
          t,
          value,
          senderIndex,
          now,
          `relock ${lock.id.slice(0, 10)} (${HT_STATUS_NAMES[lock.status]})`,
        );
      }
      case "claim": {
        const lock = this.pickLock(action.ref, (l) => now < l.terms.timelock);
        if (lock === null) return null;
        const by = action.by === "receiver" ? this.actorOf(lock.terms.receiver) : this.w.actors[action.by];
        const right = SECRETS.find((s) => hashlockOf(s) === lock.terms.hashlock)!;
        const secret = action.wrongSecret ? SECRETS.find((s) => s !== right)! : right;
        return {
          desc: `${by.name} claim ${lock.id.slice(0, 10)} (${HT_STATUS_NAMES[lock.status]}, tl ${lock.terms.timelock})${action.wrongSecret ? " with a wrong secret" : ""}`,
          from: by,
          to: this.w.htlcAddress,
          data: this.w.htlc.interface.encodeFunctionData("claim", [lock.terms, secret]),
          expected: m.claim(by.address, lock.terms, secret, now),
          role: lock.terms.safetyDeposit > 0n ? (now >= lock.terms.publicClaimAt ? "public" : "private") : "plain",
        };
      }
      case "refund": {
        const lock = this.pickLock(action.ref, (l) => now >= l.terms.timelock);
        if (lock === null) return null;
        const by = action.by === "sender" ? this.actorOf(lock.terms.sender) : this.w.actors[action.by];
        return {
          desc: `${by.name} refund ${lock.id.slice(0, 10)} (${HT_STATUS_NAMES[lock.status]}, tl ${lock.terms.timelock})`,
          from: by,
          to: this.w.htlcAddress,
          data: this.w.htlc.interface.encodeFunctionData("refund", [lock.terms]),
          expected: m.refund(by.address, lock.terms, now),
          role: lock.terms.safetyDeposit > 0n ? (now >= lock.terms.publicRefundAt ? "public" : "private") : "plain",
        };
      }
      case "withdraw":
      case "setRejectEth":
      case "setBurnGas":
        return this.buildEnvCall(action);
      case "setBlocked":
        return this.buildSetBlocked(
          action.who === ACTOR_COUNT ? this.w.htlcAddress : this.w.actors[action.who].address,
          action.on,
        );
      case "donate": {
        const asset = action.eth ? ZeroAddress : this.w.tokenAddress;
        if (!action.eth && m.blocked.has(this.w.htlcAddress.toLowerCase())) return null;
        this.donated.set(asset, (this.donated.get(asset) ?? 0n) + action.amount);
        if (action.eth) {
          const factory = await ethers.getContractFactory("ForceSend");
          const tx = await factory.getDeployTransaction(this.w.htlcAddress);
          return {
            desc: `ForceSend ${action.amount} wei into the contract`,
            from: this.w.owner,
            to: null as never,
            data: tx.data,
            value: action.amount,
            expected: [],
          };
        }
        return {
          desc: `the donor sends ${action.amount} BLK to the contract`,
          from: this.w.owner,
          to: this.w.tokenAddress,
          data: this.w.token.interface.encodeFunctionData("transfer", [this.w.htlcAddress, action.amount]),
          expected: [],
        };
      }
      default:
        return null;
    }
  }

  protected observe(receipt: TransactionReceipt, action: Action): void {
    if (action.t !== "lock" && action.t !== "claim") return;
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.w.htlcAddress.toLowerCase()) continue;
      const ev = this.w.htlc.interface.parseLog(log);
      if (ev === null) continue;
      if (ev.name === "Locked") {
        const last = this.model.locks[this.model.locks.length - 1];
        this.checkCreatedId("Locked", ev.args.id as string, last?.id, "HT-1");
      }
      if (ev.name === "Claimed") {
        // HT-15: the secret is published and opens the hashlock.
        if (hashlockOf(ev.args.secret as string) !== ev.args.hashlock)
          this.fail("Claimed carries a secret that does not open its hashlock");
      }
    }
  }

  protected async checkInvariants(): Promise<void> {
    const m = this.model;
    const statuses = await Promise.all(m.locks.map((l) => this.w.htlc.statusOf(l.id)));
    m.locks.forEach((l, i) => {
      this.compareState(
        `statusOf(${l.id.slice(0, 10)})`,
        { status: Number(statuses[i]) },
        { status: l.status },
        HT_STATUS_NAMES,
      );
    });
    for (const { asset, balance, accounts } of await this.readBalances()) {
      const credits = this.checkAccounts(asset, accounts);
      const owed = m.owed(asset.address);
      if (credits !== owed.credits) this.fail(`${asset.name} credits ${credits}, the model says ${owed.credits}`);
      const donated = this.donated.get(asset.address) ?? 0n;
      this.checkSolvency(
        asset,
        balance - donated,
        [
          ["locked", owed.locked],
          ["deposits", owed.deposits],
          ["credits", credits],
        ],
        owed.locked + owed.deposits + owed.credits,
      );
    }
  }
}

// ------------------------------------------------------------------ coverage

/** Outcomes every default run must reach, so that a regression of the generators cannot go unnoticed. */
function checkCoverage(s: ActionStats, runs: number): void {
  if (runs < 20) return;
  const ok = (k: string) => s[k]?.ok ?? 0;
  const reverted = (k: string) => s[k]?.reverted ?? 0;
  for (const k of [
    "lock by ETH",
    "lock by ERC20",
    "claim by plain",
    "claim by private",
    "claim by public",
    "refund by plain",
    "refund by private",
    "refund by public",
    "withdraw",
  ]) {
    expect(ok(k), `${k} never succeeded`).to.be.greaterThan(0);
  }
  for (const k of ["lock", "relock", "claim", "refund"])
    expect(reverted(k), `${k} never reverted`).to.be.greaterThan(0);
}

describeProperty({
  suite: "HashedTimelocks: stateful property test against a reference model (HT-2..HT-20)",
  title: "every sequence keeps statuses, balances and credits equal to the model's, and every asset solvent (HT-17)",
  arbitrary: sequenceArb,
  env: ENV,
  testFile: TEST_FILE,
  stats,
  deploy: deployWorld,
  newRun: (world) => new Run(world),
  after: checkCoverage,
});
