// Stateful property test of the Escrow against a reference model (test/helpers/escrow-model.ts): rules §2–§6
// of docs/escrow.md and E-M6 (solvency).
//
// fast-check generates sequences of actions over several deals at once: ETH and an ERC20 with a blocklist;
// arbiter and no-arbiter deals; milestones; protocol fees changed between creations; a contract account that
// rejects ETH or burns the gas it gets, and blocklisted accounts (parties, the fee recipient, even the escrow),
// so that payouts become credits; signed actions with valid and broken signatures (EOA and ERC-1271); and time
// jumps, some landing exactly on deadlines and dispute-window ends (or one second either side). Invalid actions
// are generated too: the model predicts the errors a call may revert with, and the test requires the contract to
// revert iff the model says the call is invalid, and then with one of the predicted errors. After every step it
// checks the invariants listed at `checkInvariants`. Every run starts from the same snapshot (loadFixture).
//
// Environment variables (the defaults take 25-35 s on 2 cores; the CI budget is 90 s):
//   FC_NUM_RUNS    number of generated sequences (default 80)
//   FC_MAX_STEPS   maximum actions per sequence (default 40); part of the generator, so replays need the same value
//   FC_SEED        replay: the seed printed by a failure
//   FC_PATH        replay: the path printed by a failure (with FC_SEED, runs the shrunk counterexample only)
//   FC_VERBOSE=1   print every step of every run
// A deeper local run: FC_NUM_RUNS=1000 FC_MAX_STEPS=60 npx hardhat test test/escrow/Escrow.property.test.ts
//
// A failure prints fast-check's seed, path and shrunk counterexample, the command that replays it, and, as the
// cause, the broken rule or invariant followed by every step of the counterexample as executed (actors, amounts,
// timestamps, the model's prediction and the contract's outcome).

import fc from "fast-check";
import { ethers } from "hardhat";
import { ZeroAddress, parseEther, type Result, type TransactionReceipt } from "ethers";
import { dealIdOf, packTerms, type Deal, type DealParams } from "../helpers/escrow";
import {
  EscrowModel,
  LIMITS,
  STATUS_NAMES,
  Status,
  noPayouts,
  type ModelDeal,
  type Payouts,
  type SignedMessage,
} from "../helpers/escrow-model";
import { big, errorsInterface as errorsInterfaceOf, propertyEnv, type ActionStats } from "../helpers/property";
import {
  ACCT,
  ACTOR_COUNT,
  PropertyRun,
  WALLET,
  actorArb,
  deployParties,
  flawArb,
  freeGas,
  partyArb,
  rarely,
  describeProperty,
  shareArbWith,
  shareOf,
  withdrawArb,
  type Actor,
  type Call,
  type EnvAction,
  type Share,
  type WarpTarget,
} from "../helpers/property-runner";

const ENV = propertyEnv({ numRuns: 80, maxSteps: 40 });
const MAX_STEPS = ENV.maxSteps;
const INITIAL_FEE_BPS = 25n;

// ------------------------------------------------------------------ the world

/** The actors (test/helpers/property-runner.ts) around an escrow; dave is the protocol fee recipient. */
async function deployWorld() {
  const [owner, alice, bob, carol, eve, dave, acctOwner, walletOwner] = await ethers.getSigners();
  const escrow = await ethers.deployContract("Escrow", [owner.address]);
  const escrowAddress = await escrow.getAddress();
  const parties = await deployParties(escrowAddress, { alice, bob, carol, eve, acctOwner, walletOwner });
  await escrow.setProtocolFee(INITIAL_FEE_BPS, dave.address);
  await freeGas();
  return {
    escrow,
    owner,
    dave,
    escrowAddress,
    ...parties,
    target: escrowAddress,
    creditOf: (token: string, account: string) => escrow.creditOf(token, account),
  };
}

type World = Awaited<ReturnType<typeof deployWorld>>;

// ------------------------------------------------------------------ actions

/** A caller: the deal's depositor, beneficiary or arbiter, or any actor by index. */
type Caller = "dep" | "ben" | "arb" | number;
type SigVariant = "valid" | "empty" | "stale" | "wrongValue" | "wrongSigner";
type CreateFlaw =
  | "value"
  | "zeroAmount"
  | "hugeAmount"
  | "pastDeadline"
  | "farDeadline"
  | "maxDeadline"
  | "milestoneSum"
  | "zeroMilestone"
  | "arbiterTerms"
  | "window"
  | "salt";

type Action =
  | {
      t: "create";
      dep: number;
      ben: number; // if equal to dep, the next actor, unless `sameParties` (invalid)
      sameParties: boolean;
      arb: number; // -1 none; 0..3 the k-th actor that is not a party; 10/11 the depositor/beneficiary (invalid)
      eth: boolean;
      amount: bigint;
      cuts: number[] | null; // milestones: null none; [] one of `amount`; else cut points in bps
      deadlineIn: number;
      window: number;
      outcome: 0 | 1;
      fallbackBps: number;
      arbiterFeeBps: number;
      salt: number;
      flaw: CreateFlaw | null;
    }
  | { t: "recreate"; deal: number }
  | { t: "release"; deal: number; by: Caller; share: Share; tamper: boolean }
  | { t: "releaseMilestone"; deal: number; by: Caller; index: number; wrongList: boolean } // index 4: out of range
  | { t: "refund"; deal: number; by: Caller; share: Share; tamper: boolean }
  | { t: "releaseWithSig"; deal: number; by: number; share: Share; sig: SigVariant; expiryIn: number }
  | { t: "refundWithSig"; deal: number; by: number; share: Share; sig: SigVariant; expiryIn: number }
  | { t: "markPaid"; deal: number; by: Caller }
  | { t: "dispute"; deal: number; by: Caller; tamper: boolean }
  | { t: "resolve"; deal: number; by: Caller; share: Share }
  | {
      t: "settle";
      deal: number;
      by: Caller;
      share: Share;
      depSig: SigVariant;
      benSig: SigVariant;
      expiryIn: number;
    }
  | { t: "triggerTimeout"; deal: number; by: number; tamper: boolean }
  | { t: "revokeSignatures"; deal: number; by: Caller }
  | EnvAction // withdraw (to: "able" = an actor that can receive), setRejectEth, setBurnGas
  | { t: "collectProtocolFees"; by: number; eth: boolean }
  | { t: "setProtocolFee"; bps: number; to: "dave" | "acct" | "zero"; byOwner: boolean }
  | { t: "setCreationPaused"; paused: boolean; byOwner: boolean }
  | { t: "setBlocked"; who: number; on: boolean } // an actor, 6 = dave (fee recipient), 7 = the escrow
  | { t: "warp"; seconds: number }
  | { t: "warpTo"; deal: number; at: "deadline" | "disputeEnd"; offset: -1 | 0 | 1 };

/** A deal reference, resolved by `Run.pickDeal`: mostly an open deal where the action can have an effect. */
const dealArb = fc.nat({ max: 15 });
/** A share of the remainder, or of what the arbiter may split; all of it twice as often as in `shareArbWith(1)`. */
const shareArb = shareArbWith(2);
const sigArb: fc.Arbitrary<SigVariant> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<SigVariant>("valid") },
  { weight: 1, arbitrary: fc.constantFrom<SigVariant>("empty", "stale", "wrongValue", "wrongSigner") },
);
const expiryArb = fc.constantFrom(-1, 0, 1, 3_600);
const callerArb = (...natural: ("dep" | "ben" | "arb")[]): fc.Arbitrary<Caller> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<Caller>(...natural) },
    { weight: 1, arbitrary: actorArb as fc.Arbitrary<Caller> },
  );

/** A creation; `withArbiter` is the weight of deals with a valid arbiter against 2 without and 1 invalid. */
const createArb = (withArbiter: number): fc.Arbitrary<Action> =>
  fc.record({
    t: fc.constant("create" as const),
    dep: partyArb,
    ben: partyArb,
    sameParties: rarely,
    arb: fc.oneof(
      { weight: 2, arbitrary: fc.constant(-1) },
      { weight: withArbiter, arbitrary: fc.integer({ min: 0, max: 3 }) },
      { weight: 1, arbitrary: fc.constantFrom(10, 11) },
    ),
    eth: fc.boolean(),
    amount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 10n ** 15n, max: 10n ** 18n })),
    cuts: fc.option(fc.array(fc.integer({ min: 1, max: 9_999 }), { maxLength: 3 }), { nil: null, freq: 2 }),
    deadlineIn: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }) },
      { weight: 2, arbitrary: fc.integer({ min: 3_600, max: 4 * 86_400 }) },
    ),
    window: fc.constantFrom(3_600, 3_601, 7_200, 86_400),
    outcome: fc.constantFrom<0 | 1>(0, 1),
    fallbackBps: fc.oneof(fc.constantFrom(0, 5_000, 10_000), fc.integer({ min: 0, max: 10_000 })),
    arbiterFeeBps: fc.oneof(fc.constantFrom(0, 1_000), fc.integer({ min: 0, max: 1_000 })),
    salt: fc.integer({ min: 0, max: 0xffffffff }),
    flaw: flawArb<CreateFlaw>(
      "value",
      "zeroAmount",
      "hugeAmount",
      "pastDeadline",
      "farDeadline",
      "maxDeadline",
      "milestoneSum",
      "zeroMilestone",
      "arbiterTerms",
      "window",
      "salt",
    ),
  });

const ACTIONS: Record<Exclude<Action["t"], "create">, fc.Arbitrary<Action>> = {
  recreate: fc.record({ t: fc.constant("recreate" as const), deal: dealArb }),
  release: fc.record({
    t: fc.constant("release" as const),
    deal: dealArb,
    by: callerArb("dep"),
    share: shareArb,
    tamper: rarely,
  }),
  releaseMilestone: fc.record({
    t: fc.constant("releaseMilestone" as const),
    deal: dealArb,
    by: callerArb("dep"),
    index: fc.nat({ max: 4 }),
    wrongList: rarely,
  }),
  refund: fc.record({
    t: fc.constant("refund" as const),
    deal: dealArb,
    by: callerArb("ben"),
    share: shareArb,
    tamper: rarely,
  }),
  releaseWithSig: fc.record({
    t: fc.constant("releaseWithSig" as const),
    deal: dealArb,
    by: actorArb,
    share: shareArb,
    sig: sigArb,
    expiryIn: expiryArb,
  }),
  refundWithSig: fc.record({
    t: fc.constant("refundWithSig" as const),
    deal: dealArb,
    by: actorArb,
    share: shareArb,
    sig: sigArb,
    expiryIn: expiryArb,
  }),
  markPaid: fc.record({ t: fc.constant("markPaid" as const), deal: dealArb, by: callerArb("ben") }),
  dispute: fc.record({
    t: fc.constant("dispute" as const),
    deal: dealArb,
    by: callerArb("dep", "ben"),
    tamper: rarely,
  }),
  resolve: fc.record({
    t: fc.constant("resolve" as const),
    deal: dealArb,
    by: callerArb("arb"),
    share: shareArb,
  }),
  settle: fc.record({
    t: fc.constant("settle" as const),
    deal: dealArb,
    by: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom<Caller>("dep", "ben") },
      { weight: 3, arbitrary: actorArb as fc.Arbitrary<Caller> },
    ),
    share: shareArb,
    depSig: sigArb,
    benSig: sigArb,
    expiryIn: expiryArb,
  }),
  triggerTimeout: fc.record({ t: fc.constant("triggerTimeout" as const), deal: dealArb, by: actorArb, tamper: rarely }),
  revokeSignatures: fc.record({
    t: fc.constant("revokeSignatures" as const),
    deal: dealArb,
    by: callerArb("dep", "ben"),
  }),
  withdraw: withdrawArb,
  collectProtocolFees: fc.record({ t: fc.constant("collectProtocolFees" as const), by: actorArb, eth: fc.boolean() }),
  setProtocolFee: fc.record({
    t: fc.constant("setProtocolFee" as const),
    bps: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 1, 30, 100) }, { weight: 1, arbitrary: fc.constant(101) }),
    to: fc.oneof(
      { weight: 5, arbitrary: fc.constant("dave" as const) },
      { weight: 1, arbitrary: fc.constantFrom("acct" as const, "zero" as const) },
    ),
    byOwner: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
  setCreationPaused: fc.record({
    t: fc.constant("setCreationPaused" as const),
    paused: fc.boolean(),
    byOwner: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
  setRejectEth: fc.record({ t: fc.constant("setRejectEth" as const), on: fc.boolean() }),
  setBurnGas: fc.record({ t: fc.constant("setBurnGas" as const), on: fc.boolean() }),
  setBlocked: fc.record({
    t: fc.constant("setBlocked" as const),
    who: fc.oneof({ weight: 6, arbitrary: actorArb }, { weight: 1, arbitrary: fc.constantFrom(6, 7) }),
    on: fc.boolean(),
  }),
  warp: fc.record({
    t: fc.constant("warp" as const),
    seconds: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 3_000, max: 90_000 })),
  }),
  warpTo: fc.record({
    t: fc.constant("warpTo" as const),
    deal: dealArb,
    at: fc.constantFrom("deadline" as const, "disputeEnd" as const),
    offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
  }),
};

type Profile = "mixed" | "disputes";
/** Weights of the actions: a mixed profile, and one where disputes, rulings and timeouts dominate. */
const PROFILES: Record<Profile, Record<Action["t"], number>> = {
  mixed: {
    create: 14,
    recreate: 1,
    release: 8,
    releaseMilestone: 4,
    refund: 6,
    releaseWithSig: 2,
    refundWithSig: 2,
    markPaid: 5,
    dispute: 9,
    resolve: 7,
    settle: 6,
    triggerTimeout: 6,
    revokeSignatures: 2,
    withdraw: 6,
    collectProtocolFees: 3,
    setProtocolFee: 3,
    setCreationPaused: 1,
    setRejectEth: 3,
    setBurnGas: 1,
    setBlocked: 3,
    warp: 5,
    warpTo: 8,
  },
  disputes: {
    create: 12,
    recreate: 1,
    release: 4,
    releaseMilestone: 2,
    refund: 3,
    releaseWithSig: 2,
    refundWithSig: 2,
    markPaid: 7,
    dispute: 12,
    resolve: 12,
    settle: 4,
    triggerTimeout: 8,
    revokeSignatures: 2,
    withdraw: 4,
    collectProtocolFees: 3,
    setProtocolFee: 3,
    setCreationPaused: 1,
    setRejectEth: 3,
    setBurnGas: 1,
    setBlocked: 3,
    warp: 5,
    warpTo: 12,
  },
};
const ARBITER_WEIGHT: Record<Profile, number> = { mixed: 6, disputes: 12 };

const actionArb = (profile: Profile): fc.Arbitrary<Action> =>
  fc.oneof(
    ...Object.entries(PROFILES[profile]).map(([t, weight]) => ({
      weight,
      arbitrary: t === "create" ? createArb(ARBITER_WEIGHT[profile]) : ACTIONS[t as Exclude<Action["t"], "create">],
    })),
  );

/**
 * A sequence: a few creations first, so that most actions have deals to act on (and, in the disputes profile, a
 * few disputes, so that rulings and fallbacks have disputed deals); then anything.
 */
const sequenceOf = (profile: Profile): fc.Arbitrary<Action[]> =>
  fc
    .tuple(
      fc.array(createArb(ARBITER_WEIGHT[profile]), { minLength: 1, maxLength: 4 }),
      fc.array(ACTIONS.dispute, { maxLength: profile === "disputes" ? 3 : 0 }),
      fc.array(actionArb(profile), { maxLength: MAX_STEPS - 1, size: "max" }),
    )
    .map(([creates, disputes, rest]) => [...creates, ...disputes, ...rest].slice(0, MAX_STEPS));

const sequenceArb: fc.Arbitrary<Action[]> = fc.oneof(
  { weight: 2, arbitrary: sequenceOf("mixed") },
  { weight: 1, arbitrary: sequenceOf("disputes") },
);

// ------------------------------------------------------------------ running a sequence against chain and model

/** Outcomes per action type over all runs, printed at the end (to see what the generated sequences exercise). */
const stats: ActionStats = {};

/** What each payout event pays to whom (test/helpers/escrow-model.ts `Payouts`). */
const DEAL_PAYOUTS: Record<string, (p: Payouts, a: Result) => void> = {
  DealReleased: (p, a) => {
    p.beneficiary += a.amount as bigint;
    p.protocolFee += a.protocolFee as bigint;
  },
  DealRefunded: (p, a) => {
    p.depositor += a.amount as bigint;
  },
  DealResolved: (p, a) => {
    p.beneficiary += a.toBeneficiary as bigint;
    p.depositor += a.toDepositor as bigint;
    p.arbiterFee += a.arbiterFee as bigint;
    p.protocolFee += a.protocolFee as bigint;
  },
  DealSettled: (p, a) => {
    p.beneficiary += a.toBeneficiary as bigint;
    p.depositor += a.toDepositor as bigint;
    p.protocolFee += a.protocolFee as bigint;
  },
};
DEAL_PAYOUTS.DealTimedOut = DEAL_PAYOUTS.DealSettled;

/** The arguments each deal was created with, to replay them (`recreate`). */
interface Creation {
  caller: Actor;
  params: DealParams;
  milestones: bigint[];
  value: bigint;
}

class Run extends PropertyRun<Action, World, EscrowModel> {
  protected readonly targetName = "escrow";
  private readonly creations = new Map<string, Creation>();
  /** Per deal, what the contract's events say was paid (compared with the model's `paid`). */
  private readonly observed = new Map<string, Payouts>();

  constructor(w: World) {
    const contracts = new Set(w.actors.filter((a) => a.kind !== "eoa").map((a) => a.address.toLowerCase()));
    const model = new EscrowModel({
      escrow: w.escrowAddress,
      owner: w.owner.address,
      blocklistToken: w.tokenAddress,
      erc1271Owners: new Map([[w.actors[WALLET].address.toLowerCase(), w.actors[WALLET].signer.address]]),
      contracts,
    });
    model.config.protocolFeeBps = INITIAL_FEE_BPS;
    model.config.feeRecipient = w.dave.address;
    const errors = errorsInterfaceOf(
      [w.escrow.interface, w.token.interface, w.acct.interface, w.wallet.interface],
      [
        "error FailedCall()",
        "error InsufficientBalance(uint256 balance, uint256 needed)",
        "error SafeERC20FailedOperation(address token)",
      ],
    );
    super(w, model, errors, ENV, stats, "deal", [
      ...w.actors.map((a) => ({ name: a.name, address: a.address })),
      { name: "dave", address: w.dave.address },
    ]);
  }

  protected override otherName(a: string): string | undefined {
    if (a === this.w.owner.address.toLowerCase()) return "owner";
    if (a === this.w.dave.address.toLowerCase()) return "dave";
    return undefined;
  }

  // -------------------------------------------------------------- resolving generated references

  /**
   * A deal by index, or, before the first creation, terms that name no deal. References 0..7 pick among the open
   * deals the action `prefers` (where it can have an effect), 8..11 among all open deals, 12..15 among all deals.
   */
  private pickDeal(
    index: number,
    tamper = false,
    prefers: (d: ModelDeal) => boolean = () => true,
  ): { terms: Deal; d?: ModelDeal; label: string } {
    const deals = this.model.order;
    if (deals.length === 0) {
      const a = this.w.actors;
      const terms: Deal = {
        depositor: a[0].address,
        beneficiary: a[1].address,
        arbiter: ZeroAddress,
        token: ZeroAddress,
        terms: packTerms({
          amount: 1n,
          deadline: this.lastTimestamp + 100n,
          disputeWindow: 0n,
          defaultOutcome: 0n,
          fallbackBps: 0n,
          arbiterFeeBps: 0n,
          protocolFeeBps: 0n,
          salt: 0n,
        }),
        milestonesHash: "0x" + "00".repeat(32),
      };
      return { terms, label: "deal(none)" };
    }
    const d = this.pickIndexed(deals, (x) => this.model.isOpen(x), prefers, index);
    const i = deals.indexOf(d);
    if (!tamper) return { terms: d.deal, d, label: `deal#${i}` };
    // Other terms than those the deal was created with (the lowest bit of the amount flipped) must find no deal.
    return { terms: { ...d.deal, terms: d.deal.terms ^ 1n }, label: `deal#${i}(tampered)` };
  }

  private actorAt(terms: Deal, by: Caller): Actor {
    if (by === "dep") return this.actorOf(terms.depositor);
    if (by === "ben") return this.actorOf(terms.beneficiary);
    if (by === "arb") return terms.arbiter === ZeroAddress ? this.w.actors[5] : this.actorOf(terms.arbiter);
    return this.w.actors[by];
  }

  private remainingOf(d: ModelDeal | undefined): bigint {
    return d === undefined ? 1n : this.model.remaining(d);
  }

  private async sign(
    type: SignedMessage["type"],
    party: Actor,
    variant: SigVariant,
    dealId: string,
    value: bigint,
    nonce: bigint,
    expiry: bigint,
  ): Promise<{ bytes: string; message: SignedMessage | null }> {
    if (variant === "empty") return { bytes: "0x", message: null };
    const key =
      variant === "wrongSigner"
        ? party.signer === this.w.actors[5].signer
          ? this.w.actors[0].signer
          : this.w.actors[5].signer
        : party.signer;
    const message: SignedMessage = {
      type,
      key: key.address,
      dealId,
      value: variant === "wrongValue" ? value + 1n : value,
      nonce: variant === "stale" ? nonce + 1n : nonce,
      expiry,
    };
    const valueName = type === "Settle" ? "toBeneficiary" : "amount";
    const bytes = await key.signTypedData(
      { name: "PeerPay Escrow", version: "1", chainId: 31337n, verifyingContract: this.w.escrowAddress },
      {
        [type]: [
          { name: "dealId", type: "bytes32" },
          { name: valueName, type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "expiry", type: "uint256" },
        ],
      },
      { dealId, [valueName]: message.value, nonce: message.nonce, expiry },
    );
    return { bytes, message };
  }

  // -------------------------------------------------------------- time

  protected warpTarget(action: Action): WarpTarget | null {
    if (action.t === "warp")
      return { target: this.lastTimestamp + BigInt(action.seconds), desc: `warp +${action.seconds}s` };
    if (action.t !== "warpTo") return null;
    const { d, label } = this.pickDeal(action.deal, false, (x) =>
      action.at === "deadline" ? x.status === Status.Active : x.status === Status.Disputed,
    );
    const base =
      d === undefined
        ? null
        : action.at === "deadline"
          ? d.deadline
          : d.status === Status.Disputed
            ? d.disputedAt + d.disputeWindow
            : null;
    return {
      target: base === null ? null : base + BigInt(action.offset),
      desc: `warp to ${label}.${action.at}${action.offset === 0 ? "" : action.offset > 0 ? "+1" : "-1"}`,
    };
  }

  // -------------------------------------------------------------- calls

  /** The call for an action, with the model's prediction; null for an action that has nothing to act on. */
  protected async build(action: Action, now: bigint): Promise<Call | null> {
    const { escrow } = this.w;
    const ei = escrow.interface;
    const m = this.model;
    const target = this.w.escrowAddress;
    switch (action.t) {
      case "create":
        return this.buildCreate(action, now);
      case "recreate": {
        const { d, label } = this.pickDeal(action.deal);
        if (d === undefined) return null; // nothing to repeat yet
        const c = this.creations.get(d.id)!;
        // The same arguments: EscrowDealExists, unless the protocol fee changed since (other terms, a new deal).
        const { errors, deal } = m.create(c.caller.address, c.params, c.milestones, c.value, now);
        if (deal !== undefined) this.creations.set(deal.id, c);
        return {
          desc: `${c.caller.name} createDeal again with the terms of ${label}`,
          from: c.caller,
          to: target,
          data: ei.encodeFunctionData("createDeal", [c.params, c.milestones]),
          value: c.value,
          expected: errors,
        };
      }
      case "release": {
        const { terms, d, label } = this.pickDeal(action.deal, action.tamper);
        const by = this.actorAt(terms, action.by);
        const amount = shareOf(this.remainingOf(d), action.share);
        return {
          desc: `${by.name} release(${label}, ${amount})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("release", [terms, amount]),
          expected: m.release(by.address, terms, amount),
        };
      }
      case "releaseMilestone": {
        const { terms, d, label } = this.pickDeal(action.deal, false, (x) => x.milestones.length > 0);
        const by = this.actorAt(terms, action.by);
        let list = d?.milestones ?? [];
        if (action.wrongList) list = list.length === 0 ? [d?.amount ?? 1n] : list.slice(0, -1);
        const count = Math.max(1, list.length);
        const index = BigInt(action.index === 4 ? count : action.index % count);
        return {
          desc: `${by.name} releaseMilestone(${label}, [${list.join(",")}], ${index})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("releaseMilestone", [terms, list, index]),
          expected: m.releaseMilestone(by.address, terms, list, index),
        };
      }
      case "refund": {
        const { terms, d, label } = this.pickDeal(action.deal, action.tamper);
        const by = this.actorAt(terms, action.by);
        const amount = shareOf(this.remainingOf(d), action.share);
        return {
          desc: `${by.name} refund(${label}, ${amount})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("refund", [terms, amount]),
          expected: m.refund(by.address, terms, amount),
        };
      }
      case "releaseWithSig":
      case "refundWithSig": {
        const { terms, d, label } = this.pickDeal(action.deal);
        const by = this.w.actors[action.by];
        const amount = shareOf(this.remainingOf(d), action.share);
        const expiry = now + BigInt(action.expiryIn);
        const isRelease = action.t === "releaseWithSig";
        const party = this.actorAt(terms, isRelease ? "dep" : "ben");
        const id = dealIdOf(terms);
        const sig = await this.sign(
          isRelease ? "Release" : "Refund",
          party,
          action.sig,
          id,
          amount,
          BigInt(d?.nonce ?? 0),
          expiry,
        );
        return {
          desc: `${by.name} ${action.t}(${label}, ${amount}, expiry now${action.expiryIn >= 0 ? "+" : ""}${action.expiryIn}, ${party.name}'s ${action.sig} signature)`,
          from: by,
          to: target,
          data: isRelease
            ? ei.encodeFunctionData("releaseWithSig", [terms, amount, expiry, sig.bytes])
            : ei.encodeFunctionData("refundWithSig", [terms, amount, expiry, sig.bytes]),
          expected: isRelease
            ? m.releaseWithSig(terms, amount, expiry, sig.message, now)
            : m.refundWithSig(terms, amount, expiry, sig.message, now),
        };
      }
      case "markPaid": {
        const { terms, label } = this.pickDeal(
          action.deal,
          false,
          (x) => x.status === Status.Active && x.deal.arbiter !== ZeroAddress && x.defaultOutcome === 1n,
        );
        const by = this.actorAt(terms, action.by);
        return {
          desc: `${by.name} markPaid(${label})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("markPaid", [terms]),
          expected: m.markPaid(by.address, terms, now),
        };
      }
      case "dispute": {
        const { terms, label } = this.pickDeal(
          action.deal,
          action.tamper,
          (x) => x.deal.arbiter !== ZeroAddress && (x.status === Status.Active || x.status === Status.Paid),
        );
        const by = this.actorAt(terms, action.by);
        return {
          desc: `${by.name} dispute(${label})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("dispute", [terms]),
          expected: m.dispute(by.address, terms, now),
        };
      }
      case "resolve": {
        const { terms, d, label } = this.pickDeal(action.deal, false, (x) => x.status === Status.Disputed);
        const by = this.actorAt(terms, action.by);
        const remaining = this.remainingOf(d);
        const distributable = remaining - (remaining * (d?.arbiterFeeBps ?? 0n)) / LIMITS.BPS;
        const toBeneficiary = shareOf(distributable, action.share);
        return {
          desc: `${by.name} resolve(${label}, toBeneficiary ${toBeneficiary})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("resolve", [terms, toBeneficiary]),
          expected: m.resolve(by.address, terms, toBeneficiary, now),
        };
      }
      case "settle": {
        const { terms, d, label } = this.pickDeal(action.deal);
        const by = this.actorAt(terms, action.by);
        const toBeneficiary = shareOf(this.remainingOf(d), action.share);
        const expiry = now + BigInt(action.expiryIn);
        const id = dealIdOf(terms);
        const nonce = BigInt(d?.nonce ?? 0);
        const dep = this.actorAt(terms, "dep");
        const ben = this.actorAt(terms, "ben");
        const depSig = await this.sign("Settle", dep, action.depSig, id, toBeneficiary, nonce, expiry);
        const benSig = await this.sign("Settle", ben, action.benSig, id, toBeneficiary, nonce, expiry);
        return {
          desc:
            `${by.name} settle(${label}, toBeneficiary ${toBeneficiary}, expiry now${action.expiryIn >= 0 ? "+" : ""}${action.expiryIn}, ` +
            `${dep.name}'s ${action.depSig} and ${ben.name}'s ${action.benSig} signatures)`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("settle", [terms, toBeneficiary, expiry, depSig.bytes, benSig.bytes]),
          expected: m.settle(by.address, terms, toBeneficiary, expiry, depSig.message, benSig.message, now),
        };
      }
      case "triggerTimeout": {
        const { terms, label } = this.pickDeal(action.deal, action.tamper, (x) => x.status !== Status.Paid);
        const by = this.w.actors[action.by];
        return {
          desc: `${by.name} triggerTimeout(${label})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("triggerTimeout", [terms]),
          expected: m.triggerTimeout(terms, now),
        };
      }
      case "revokeSignatures": {
        const { terms, label } = this.pickDeal(action.deal);
        const by = this.actorAt(terms, action.by);
        return {
          desc: `${by.name} revokeSignatures(${label})`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("revokeSignatures", [terms]),
          expected: m.revokeSignatures(by.address, terms),
        };
      }
      case "withdraw":
      case "setRejectEth":
      case "setBurnGas":
        return this.buildEnvCall(action);
      case "warp":
      case "warpTo":
        return null; // not a call: `warpTarget`
      case "collectProtocolFees": {
        const token = action.eth ? ZeroAddress : this.w.tokenAddress;
        const by = this.w.actors[action.by];
        return {
          desc: `${by.name} collectProtocolFees(${action.eth ? "ETH" : "BLK"}) [accrued ${m.feesOf(token)}, to ${this.nameOf(m.config.feeRecipient)}]`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("collectProtocolFees", [token]),
          expected: m.collectProtocolFees(token),
        };
      }
      case "setProtocolFee": {
        const recipient =
          action.to === "dave" ? this.w.dave.address : action.to === "acct" ? this.w.actors[ACCT].address : ZeroAddress;
        const from = action.byOwner ? this.w.owner : this.w.actors[0];
        const fromAddress = action.byOwner ? this.w.owner.address : this.w.actors[0].address;
        return {
          desc: `${action.byOwner ? "owner" : "alice"} setProtocolFee(${action.bps}, ${this.nameOf(recipient)})`,
          from,
          to: target,
          data: ei.encodeFunctionData("setProtocolFee", [action.bps, recipient]),
          expected: m.setProtocolFee(fromAddress, BigInt(action.bps), recipient),
        };
      }
      case "setCreationPaused": {
        const from = action.byOwner ? this.w.owner : this.w.actors[0];
        const fromAddress = action.byOwner ? this.w.owner.address : this.w.actors[0].address;
        return {
          desc: `${action.byOwner ? "owner" : "alice"} setCreationPaused(${action.paused})`,
          from,
          to: target,
          data: ei.encodeFunctionData("setCreationPaused", [action.paused]),
          expected: m.setCreationPaused(fromAddress, action.paused),
        };
      }
      case "setBlocked": {
        const who =
          action.who < ACTOR_COUNT
            ? this.w.actors[action.who].address
            : action.who === ACTOR_COUNT
              ? this.w.dave.address
              : this.w.escrowAddress;
        return this.buildSetBlocked(who, action.on);
      }
    }
  }

  private buildCreate(a: Extract<Action, { t: "create" }>, now: bigint): Call {
    const actors = this.w.actors;
    const dep = actors[a.dep];
    const ben = actors[a.ben === a.dep && !a.sameParties ? (a.ben + 1) % ACTOR_COUNT : a.ben];
    let arbiter = ZeroAddress;
    if (a.arb === 10) arbiter = dep.address;
    else if (a.arb === 11) arbiter = ben.address;
    else if (a.arb >= 0) arbiter = actors.filter((x) => x !== dep && x !== ben)[a.arb].address;
    const hasArbiter = arbiter !== ZeroAddress;
    const token = a.eth ? ZeroAddress : this.w.tokenAddress;
    let amount = a.amount;
    if (a.flaw === "zeroAmount") amount = 0n;
    if (a.flaw === "hugeAmount") amount = LIMITS.UINT96;
    let milestones: bigint[] = [];
    if (a.cuts !== null) {
      const cuts = [...new Set(a.cuts)].sort((x, y) => x - y).map((c) => (amount * BigInt(c)) / 10_000n);
      const bounds = [0n, ...cuts, amount];
      milestones = bounds.slice(1).map((b, i) => b - bounds[i]);
    }
    if (a.flaw === "milestoneSum")
      milestones =
        milestones.length === 0 ? [amount + 1n] : [...milestones.slice(0, -1), milestones[milestones.length - 1] + 1n];
    if (a.flaw === "zeroMilestone") milestones = [0n, ...(milestones.length === 0 ? [amount] : milestones)];
    let deadline = now + BigInt(a.deadlineIn);
    if (a.flaw === "pastDeadline") deadline = now;
    if (a.flaw === "farDeadline") deadline = now + LIMITS.MAX_DURATION + 1n;
    if (a.flaw === "maxDeadline") deadline = now + LIMITS.MAX_DURATION; // the last valid deadline
    let disputeWindow = hasArbiter ? BigInt(a.window) : 0n;
    let fallbackBps = hasArbiter ? BigInt(a.fallbackBps) : 0n;
    let arbiterFeeBps = hasArbiter ? BigInt(a.arbiterFeeBps) : 0n;
    if (a.flaw === "window")
      disputeWindow = hasArbiter ? (a.window === 3_600 ? 3_599n : LIMITS.MAX_DISPUTE_WINDOW + 1n) : 3_600n;
    if (a.flaw === "arbiterTerms") {
      if (!hasArbiter) fallbackBps = 1n;
      else if (a.outcome === 0) fallbackBps = 10_001n;
      else arbiterFeeBps = 1_001n;
    }
    const salt = a.flaw === "salt" ? LIMITS.UINT32 : BigInt(a.salt);
    let value = a.eth ? amount : 0n;
    if (a.flaw === "value") value = a.eth ? amount + 1n : 1n;
    if (a.eth && amount > parseEther("10")) value = 0n; // unaffordable: send nothing (a value mismatch as well)
    const params: DealParams = {
      beneficiary: ben.address,
      arbiter,
      token,
      amount,
      deadline,
      disputeWindow,
      defaultOutcome: BigInt(a.outcome),
      fallbackBps,
      arbiterFeeBps,
      salt,
    };
    const { errors, deal } = this.model.create(dep.address, params, milestones, value, now);
    if (deal !== undefined) this.creations.set(deal.id, { caller: dep, params, milestones, value });
    const label = deal !== undefined ? `deal#${this.model.order.length - 1}` : "createDeal";
    return {
      desc:
        `${dep.name} createDeal → ${label}: ${a.eth ? "ETH" : "BLK"} ${amount} to ${ben.name}, arbiter ${this.nameOf(arbiter)}, ` +
        `deadline now+${deadline - now}, window ${disputeWindow}, default ${a.outcome === 0 ? "Release" : "Refund"}, ` +
        `fallback ${fallbackBps}, arbiterFee ${arbiterFeeBps}, protocolFee ${this.model.config.protocolFeeBps}, ` +
        `milestones [${milestones.join(",")}], salt ${salt}, value ${value}${a.flaw !== null ? ` (flaw: ${a.flaw})` : ""}`,
      from: dep,
      to: this.w.escrowAddress,
      data: this.w.escrow.interface.encodeFunctionData("createDeal", [params, milestones]),
      value,
      expected: errors,
    };
  }

  // -------------------------------------------------------------- events and invariants

  /** Cumulates, per deal, what the contract's events say it paid; checks creations got the model's id. */
  protected observe(receipt: TransactionReceipt, action: Action): void {
    const created = this.tallyPayouts(
      receipt,
      this.w.escrow.interface,
      this.observed,
      noPayouts,
      DEAL_PAYOUTS,
      "DealCreated",
    );
    if (action.t === "create" || action.t === "recreate") {
      const expected = this.model.order[this.model.order.length - 1]?.id;
      this.checkCreatedId("DealCreated", created, expected, "docs/escrow.md §1");
    }
  }

  /**
   * After every step:
   * 1. every deal's on-chain state (getDealState) equals the model's;
   * 2. each account's balance change and credit, in ETH and the token, equal the model's: nobody received more
   *    (or less) than it is due; the accrued protocol fees equal the model's;
   * 3. per deal, what the events say was paid to each side equals what the model says it is due, the parts
   *    match the state (net + protocol fee = released, depositor = refunded), never exceed the amount, and at
   *    close beneficiary + depositor + arbiter fee + protocol fee == amount;
   * 4. solvency (E-M6), from on-chain values only: for ETH and the token, the escrow's balance >= Σ open deals'
   *    remainders + Σ credits + accrued fees, and with no stray transfers, equality.
   */
  protected async checkInvariants(): Promise<void> {
    const { escrow } = this.w;
    const m = this.model;
    const states = await Promise.all(m.order.map((d) => escrow.getDealState(d.id)));
    const [perAsset, allFees] = await Promise.all([
      this.readBalances(),
      Promise.all(this.assets.map((asset) => escrow.protocolFeesOf(asset.address))),
    ]);

    // 1. deal states
    m.order.forEach((d, i) => {
      const s = states[i];
      const chain = {
        status: Number(s.status),
        nonce: Number(s.nonce),
        disputedAt: s.disputedAt,
        released: s.released,
        refunded: s.refunded,
      };
      const model = {
        status: d.status,
        nonce: d.nonce,
        disputedAt: d.disputedAt,
        released: d.released,
        refunded: d.refunded,
      };
      this.compareState(`getDealState(deal#${i})`, chain, model, STATUS_NAMES);
    });

    for (const [a, { asset, balance: escrowBalance, accounts }] of perAsset.entries()) {
      // 2. accounts and fees
      const fees = allFees[a];
      if (fees !== m.feesOf(asset.address))
        this.fail(`${asset.name} protocol fees ${fees}, the model says ${m.feesOf(asset.address)}`);
      const credits = this.checkAccounts(asset, accounts);
      // 4. solvency, from the chain's own numbers
      let open = 0n;
      m.order.forEach((d, i) => {
        const s = states[i];
        const status = Number(s.status);
        if (
          d.deal.token.toLowerCase() === asset.address.toLowerCase() &&
          status >= Status.Active &&
          status <= Status.Disputed
        ) {
          open += d.amount - s.released - s.refunded;
        }
      });
      this.checkSolvency(
        asset,
        escrowBalance,
        [
          ["open", open],
          ["credits", credits],
          ["fees", fees],
        ],
        m.liabilities(asset.address),
      );
    }

    // 3. per deal payouts
    m.order.forEach((d, i) => {
      const seen = this.observed.get(d.id) ?? noPayouts();
      const s = states[i];
      if (JSON.stringify(seen, big) !== JSON.stringify(d.paid, big)) {
        this.fail(
          `deal#${i}: the events paid ${JSON.stringify(seen, big)}, the model says it is due ${JSON.stringify(d.paid, big)}`,
        );
      }
      if (seen.beneficiary + seen.protocolFee !== s.released) {
        this.fail(
          `deal#${i}: beneficiary ${seen.beneficiary} + protocol fee ${seen.protocolFee} != released ${s.released}`,
        );
      }
      if (seen.depositor !== s.refunded)
        this.fail(`deal#${i}: paid to the depositor ${seen.depositor} != refunded ${s.refunded}`);
      const total = seen.beneficiary + seen.protocolFee + seen.depositor + seen.arbiterFee;
      if (total > d.amount) this.fail(`deal#${i}: paid out ${total} > amount ${d.amount}`);
      if (Number(s.status) === Status.Closed && total !== d.amount) {
        this.fail(
          `deal#${i} closed: beneficiary + depositor + arbiter fee + protocol fee = ${total} != amount ${d.amount}`,
        );
      }
    });
  }
}

// ------------------------------------------------------------------ the property

describeProperty({
  suite: "Escrow: stateful property test against a reference model (§2–§6, E-M6)",
  title:
    "every sequence of actions and time jumps keeps chain and model in agreement, solvent, paying nobody more than due",
  arbitrary: sequenceArb,
  env: ENV,
  testFile: "test/escrow/Escrow.property.test.ts",
  stats,
  deploy: deployWorld,
  newRun: (world) => new Run(world),
});
