// Stateful property test of the Escrow against a reference model (test/helpers/property-model.ts): rules §2–§6
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

import { expect } from "chai";
import fc from "fast-check";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Interface, ZeroAddress, parseEther, type ContractTransactionReceipt, type TransactionReceipt } from "ethers";
import { dealIdOf, packTerms, type Deal, type DealParams } from "../helpers/escrow";
import {
  EscrowModel,
  LIMITS,
  STATUS_NAMES,
  Status,
  noPayouts,
  type ModelDeal,
  type Payouts,
  type Prediction,
  type SignedMessage,
} from "../helpers/property-model";
import {
  Mismatch,
  big,
  checkStateful,
  decodeRevert,
  errorsInterface as errorsInterfaceOf,
  propertyEnv,
  revertData,
  tally,
  type ActionStats,
} from "../helpers/property";

const ENV = propertyEnv({ numRuns: 80, maxSteps: 40 });
const MAX_STEPS = ENV.maxSteps;
const VERBOSE = ENV.verbose;
const GAS_LIMIT = 3_000_000n;
const INITIAL_FEE_BPS = 25n;

// ------------------------------------------------------------------ the world

/** Index into the actors: parties, arbiters and callers. */
const ACTOR_NAMES = ["alice", "bob", "carol", "acct", "wallet", "eve"] as const;
const ACTOR_COUNT = ACTOR_NAMES.length;
const ACCT = 3; // MockAccount: refuses ETH while `rejectEth` is set, cannot sign
const WALLET = 4; // MockERC1271Wallet: signs through its owner's key
const CAROL = 2; // starts on the token's blocklist

interface Actor {
  name: string;
  address: string;
  kind: "eoa" | "account" | "wallet";
  /** Sends the actor's transactions: itself, or the owner of the contract account. */
  sender: HardhatEthersSigner;
  /** Signs EIP-712 messages for the actor: itself, or the contract account's owner. */
  signer: HardhatEthersSigner;
}

async function deployWorld() {
  const [owner, alice, bob, carol, eve, dave, acctOwner, walletOwner] = await ethers.getSigners();
  const escrow = await ethers.deployContract("Escrow", [owner.address]);
  const token = await ethers.deployContract("BlocklistToken");
  const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: parseEther("100") });
  const wallet = await ethers.deployContract("MockERC1271Wallet", [walletOwner.address], { value: parseEther("100") });
  const escrowAddress = await escrow.getAddress();
  const tokenAddress = await token.getAddress();
  const units = 10n ** 24n;

  for (const s of [alice, bob, carol, eve]) {
    await token.mint(s.address, units);
    await token.connect(s).approve(escrowAddress, ethers.MaxUint256);
  }
  const approve = token.interface.encodeFunctionData("approve", [escrowAddress, ethers.MaxUint256]);
  await token.mint(await acct.getAddress(), units);
  await acct.connect(acctOwner).execute(tokenAddress, 0n, approve);
  await token.mint(await wallet.getAddress(), units);
  await wallet.connect(walletOwner).execute(tokenAddress, 0n, approve);

  await acct.setRejectEth(true);
  await token.setBlocked(carol.address, true);
  await escrow.setProtocolFee(INITIAL_FEE_BPS, dave.address);

  // Zero base fee and zero gas price from here on: every balance change is a payment, never gas.
  await network.provider.send("hardhat_setNextBlockBaseFeePerGas", ["0x0"]);
  await network.provider.send("evm_mine", []);

  const actors: Actor[] = [
    { name: "alice", address: alice.address, kind: "eoa", sender: alice, signer: alice },
    { name: "bob", address: bob.address, kind: "eoa", sender: bob, signer: bob },
    { name: "carol", address: carol.address, kind: "eoa", sender: carol, signer: carol },
    { name: "acct", address: await acct.getAddress(), kind: "account", sender: acctOwner, signer: acctOwner },
    { name: "wallet", address: await wallet.getAddress(), kind: "wallet", sender: walletOwner, signer: walletOwner },
    { name: "eve", address: eve.address, kind: "eoa", sender: eve, signer: eve },
  ];
  return { escrow, token, acct, wallet, owner, dave, actors, escrowAddress, tokenAddress };
}

type World = Awaited<ReturnType<typeof deployWorld>>;

// ------------------------------------------------------------------ actions

/** A caller: the deal's depositor, beneficiary or arbiter, or any actor by index. */
type Caller = "dep" | "ben" | "arb" | number;
/** An amount as a share of a base (the remainder, or what the arbiter may split): 0 = zero, 1..9999 bps,
 * 10000 = all of it, 10001 = one unit more than all of it. */
type Share = number;
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
  | { t: "withdraw"; by: number | "creditor"; eth: boolean; to: number | "self" | "able" | "zero" } // able: can receive
  | { t: "collectProtocolFees"; by: number; eth: boolean }
  | { t: "setProtocolFee"; bps: number; to: "dave" | "acct" | "zero"; byOwner: boolean }
  | { t: "setCreationPaused"; paused: boolean; byOwner: boolean }
  | { t: "setRejectEth"; on: boolean }
  | { t: "setBurnGas"; on: boolean }
  | { t: "setBlocked"; who: number; on: boolean } // an actor, 6 = dave (fee recipient), 7 = the escrow
  | { t: "warp"; seconds: number }
  | { t: "warpTo"; deal: number; at: "deadline" | "disputeEnd"; offset: -1 | 0 | 1 };

const actorArb = fc.integer({ min: 0, max: ACTOR_COUNT - 1 });
/** Parties: any actor, often the one refusing ETH or the blocklisted one, whose payouts become credits. */
const partyArb = fc.oneof({ weight: 3, arbitrary: actorArb }, { weight: 1, arbitrary: fc.constantFrom(ACCT, CAROL) });
/** A deal reference, resolved by `Run.pickDeal`: mostly an open deal where the action can have an effect. */
const dealArb = fc.nat({ max: 15 });
const shareArb: fc.Arbitrary<Share> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 9_999 }) },
  { weight: 2, arbitrary: fc.constant(10_000) },
  { weight: 1, arbitrary: fc.constantFrom(0, 10_001) },
);
const sigArb: fc.Arbitrary<SigVariant> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<SigVariant>("valid") },
  { weight: 1, arbitrary: fc.constantFrom<SigVariant>("empty", "stale", "wrongValue", "wrongSigner") },
);
const expiryArb = fc.constantFrom(-1, 0, 1, 3_600);
const rarely = fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
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
    flaw: fc.oneof(
      { weight: 14, arbitrary: fc.constant(null) },
      {
        weight: 2,
        arbitrary: fc.constantFrom<CreateFlaw>(
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
      },
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
  withdraw: fc.record({
    t: fc.constant("withdraw" as const),
    by: fc.oneof({ weight: 4, arbitrary: fc.constant("creditor" as const) }, { weight: 1, arbitrary: actorArb }),
    eth: fc.boolean(),
    to: fc.oneof(
      { weight: 3, arbitrary: fc.constant("self" as const) },
      { weight: 3, arbitrary: fc.constant("able" as const) },
      { weight: 2, arbitrary: actorArb },
      { weight: 1, arbitrary: fc.constant("zero" as const) },
    ),
  }),
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

interface Call {
  /** One line for the trace. */
  desc: string;
  from: Actor | HardhatEthersSigner;
  to: string;
  data: string;
  value?: bigint;
  /** The model's prediction, made (and, for a valid call, applied) with the transaction's timestamp. */
  expected: Prediction;
}

/** The arguments each deal was created with, to replay them (`recreate`). */
interface Creation {
  caller: Actor;
  params: DealParams;
  milestones: bigint[];
  value: bigint;
}

const errorsInterface = (world: World): Interface =>
  errorsInterfaceOf(
    [world.escrow.interface, world.token.interface, world.acct.interface, world.wallet.interface],
    [
      "error FailedCall()",
      "error InsufficientBalance(uint256 balance, uint256 needed)",
      "error SafeERC20FailedOperation(address token)",
    ],
  );

class Run {
  readonly model: EscrowModel;
  readonly trace: string[] = [];
  private readonly creations = new Map<string, Creation>();
  /** Per deal, what the contract's events say was paid (compared with the model's `paid`). */
  private readonly observed = new Map<string, Payouts>();
  private readonly initialBalances = new Map<string, bigint>();
  private readonly errors: Interface;
  private readonly tracked: { name: string; address: string }[];
  private readonly assets: { name: string; address: string }[];
  private lastTimestamp = 0n;
  private nextTimestamp: bigint | null = null;
  private stepIndex = 0;

  constructor(private readonly w: World) {
    const contracts = new Set(w.actors.filter((a) => a.kind !== "eoa").map((a) => a.address.toLowerCase()));
    this.model = new EscrowModel({
      escrow: w.escrowAddress,
      owner: w.owner.address,
      blocklistToken: w.tokenAddress,
      erc1271Owners: new Map([[w.actors[WALLET].address.toLowerCase(), w.actors[WALLET].signer.address]]),
      contracts,
    });
    this.model.config.protocolFeeBps = INITIAL_FEE_BPS;
    this.model.config.feeRecipient = w.dave.address;
    this.model.rejectsEth.add(w.actors[ACCT].address.toLowerCase());
    this.model.blocked.add(w.actors[CAROL].address.toLowerCase());
    this.errors = errorsInterface(w);
    this.tracked = [
      ...w.actors.map((a) => ({ name: a.name, address: a.address })),
      { name: "dave", address: w.dave.address },
    ];
    this.assets = [
      { name: "ETH", address: ZeroAddress },
      { name: "BLK", address: w.tokenAddress },
    ];
  }

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

  private async balanceOf(token: string, account: string): Promise<bigint> {
    return token === ZeroAddress ? ethers.provider.getBalance(account) : this.w.token.balanceOf(account);
  }

  private nameOf(address: string): string {
    const a = address.toLowerCase();
    if (a === ZeroAddress) return "0";
    if (a === this.w.escrowAddress.toLowerCase()) return "escrow";
    if (a === this.w.owner.address.toLowerCase()) return "owner";
    if (a === this.w.dave.address.toLowerCase()) return "dave";
    return this.w.actors.find((x) => x.address.toLowerCase() === a)?.name ?? address.slice(0, 10);
  }

  private fail(message: string): never {
    throw new Mismatch(`${message}\n\nSteps executed (the last one failed):\n${this.trace.join("\n")}`);
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
    const open = deals.filter((x) => this.model.isOpen(x));
    const preferred = open.filter(prefers);
    const d =
      index < 8 && preferred.length > 0
        ? preferred[index % preferred.length]
        : index < 12 && open.length > 0
          ? open[index % open.length]
          : deals[index % deals.length];
    const i = deals.indexOf(d);
    if (!tamper) return { terms: d.deal, d, label: `deal#${i}` };
    // Other terms than those the deal was created with (the lowest bit of the amount flipped) must find no deal.
    return { terms: { ...d.deal, terms: d.deal.terms ^ 1n }, label: `deal#${i}(tampered)` };
  }

  private actorAt(terms: Deal, by: Caller): Actor {
    const find = (addr: string): Actor =>
      this.w.actors.find((a) => a.address.toLowerCase() === addr.toLowerCase()) ?? this.w.actors[5];
    if (by === "dep") return find(terms.depositor);
    if (by === "ben") return find(terms.beneficiary);
    if (by === "arb") return terms.arbiter === ZeroAddress ? this.w.actors[5] : find(terms.arbiter);
    return this.w.actors[by];
  }

  private shareOf(base: bigint, share: Share): bigint {
    if (share === 0) return 0n;
    if (share === 10_000) return base;
    if (share === 10_001) return base + 1n;
    return (base * BigInt(share)) / 10_000n;
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

  // -------------------------------------------------------------- one step

  async step(action: Action): Promise<void> {
    const index = this.stepIndex++;
    if (action.t === "warp" || action.t === "warpTo") {
      this.warp(index, action);
      return;
    }
    const now = this.nextTimestamp ?? this.lastTimestamp + 1n;
    const call = await this.build(action, now);
    if (call === null) {
      this.trace.push(`  ${String(index).padStart(2)}. ${action.t}: no-op (no deal yet)`);
      return;
    }
    const line = `  ${String(index).padStart(2)}. t=${now} ${call.desc}`;
    const expected = [...new Set(call.expected)];
    this.trace.push(`${line}\n      model: ${expected.length === 0 ? "succeeds" : `reverts ${expected.join(" | ")}`}`);

    const outcome = await this.send(call, now);
    this.trace[this.trace.length - 1] += `; contract: ${outcome.ok ? "succeeded" : `reverted ${outcome.error}`}`;
    if (VERBOSE) console.log(this.trace[this.trace.length - 1]);

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
    tally(stats, action.t, outcome.ok);
    if (outcome.ok) this.observe(outcome.receipt, action);
    await this.checkInvariants();
  }

  private warp(index: number, action: Extract<Action, { t: "warp" | "warpTo" }>): void {
    let target: bigint | null;
    let desc: string;
    if (action.t === "warp") {
      target = this.lastTimestamp + BigInt(action.seconds);
      desc = `warp +${action.seconds}s`;
    } else {
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
      target = base === null ? null : base + BigInt(action.offset);
      desc = `warp to ${label}.${action.at}${action.offset === 0 ? "" : action.offset > 0 ? "+1" : "-1"}`;
    }
    if (target === null || target <= this.lastTimestamp) {
      this.trace.push(`  ${String(index).padStart(2)}. ${desc}: no-op`);
    } else {
      this.nextTimestamp = target;
      this.trace.push(`  ${String(index).padStart(2)}. ${desc}: next transaction at t=${target}`);
    }
    if (VERBOSE) console.log(this.trace[this.trace.length - 1]);
  }

  private async send(
    call: Call,
    now: bigint,
  ): Promise<{ ok: true; receipt: TransactionReceipt } | { ok: false; error: string; errorName: string }> {
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
    let result: { ok: true; receipt: TransactionReceipt } | { ok: false; error: string; errorName: string };
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

  /** The call for an action, with the model's prediction; null for an action that has nothing to act on. */
  private async build(action: Exclude<Action, { t: "warp" | "warpTo" }>, now: bigint): Promise<Call | null> {
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
        const amount = this.shareOf(this.remainingOf(d), action.share);
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
        const amount = this.shareOf(this.remainingOf(d), action.share);
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
        const amount = this.shareOf(this.remainingOf(d), action.share);
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
        const toBeneficiary = this.shareOf(distributable, action.share);
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
        const toBeneficiary = this.shareOf(this.remainingOf(d), action.share);
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
      case "withdraw": {
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
                : this.w.actors[action.to].address;
        return {
          desc: `${by.name} withdraw(${token === ZeroAddress ? "ETH" : "BLK"}, to ${this.nameOf(to)}) [credit ${m.creditOf(token, by.address)}]`,
          from: by,
          to: target,
          data: ei.encodeFunctionData("withdraw", [token, to]),
          expected: m.withdraw(by.address, token, to),
        };
      }
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
      case "setRejectEth": {
        const acct = this.w.actors[ACCT];
        if (action.on) m.rejectsEth.add(acct.address.toLowerCase());
        else m.rejectsEth.delete(acct.address.toLowerCase());
        return {
          desc: `acct.setRejectEth(${action.on})`,
          from: this.w.owner,
          to: acct.address,
          data: this.w.acct.interface.encodeFunctionData("setRejectEth", [action.on]),
          expected: [],
        };
      }
      case "setBurnGas": {
        const acct = this.w.actors[ACCT];
        if (action.on) m.burnsGas.add(acct.address.toLowerCase());
        else m.burnsGas.delete(acct.address.toLowerCase());
        return {
          desc: `acct.setBurnGas(${action.on})`,
          from: this.w.owner,
          to: acct.address,
          data: this.w.acct.interface.encodeFunctionData("setBurnGas", [action.on]),
          expected: [],
        };
      }
      case "setBlocked": {
        const who =
          action.who < ACTOR_COUNT
            ? this.w.actors[action.who].address
            : action.who === ACTOR_COUNT
              ? this.w.dave.address
              : this.w.escrowAddress;
        if (action.on) m.blocked.add(who.toLowerCase());
        else m.blocked.delete(who.toLowerCase());
        return {
          desc: `BLK.setBlocked(${this.nameOf(who)}, ${action.on})`,
          from: this.w.owner,
          to: this.w.tokenAddress,
          data: this.w.token.interface.encodeFunctionData("setBlocked", [who, action.on]),
          expected: [],
        };
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
  private observe(receipt: TransactionReceipt | ContractTransactionReceipt, action: Action): void {
    const get = (id: string): Payouts => {
      let p = this.observed.get(id);
      if (p === undefined) {
        p = noPayouts();
        this.observed.set(id, p);
      }
      return p;
    };
    let created: string | null = null;
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== this.w.escrowAddress.toLowerCase()) continue;
      const ev = this.w.escrow.interface.parseLog(log);
      if (ev === null) continue;
      const a = ev.args;
      switch (ev.name) {
        case "DealCreated":
          created = a.dealId as string;
          break;
        case "DealReleased":
          get(a.dealId).beneficiary += a.amount as bigint;
          get(a.dealId).protocolFee += a.protocolFee as bigint;
          break;
        case "DealRefunded":
          get(a.dealId).depositor += a.amount as bigint;
          break;
        case "DealResolved": {
          const p = get(a.dealId);
          p.beneficiary += a.toBeneficiary as bigint;
          p.depositor += a.toDepositor as bigint;
          p.arbiterFee += a.arbiterFee as bigint;
          p.protocolFee += a.protocolFee as bigint;
          break;
        }
        case "DealSettled":
        case "DealTimedOut": {
          const p = get(a.dealId);
          p.beneficiary += a.toBeneficiary as bigint;
          p.depositor += a.toDepositor as bigint;
          p.protocolFee += a.protocolFee as bigint;
          break;
        }
      }
    }
    if (action.t === "create" || action.t === "recreate") {
      const expectedId = this.model.order[this.model.order.length - 1]?.id;
      if (created !== expectedId)
        this.fail(`DealCreated id ${created}, the model computed ${expectedId} (docs/escrow.md §1)`);
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
  private async checkInvariants(): Promise<void> {
    const { escrow } = this.w;
    const m = this.model;
    const states = await Promise.all(m.order.map((d) => escrow.getDealState(d.id)));
    const perAsset = await Promise.all(
      this.assets.map(async (asset) => ({
        asset,
        escrowBalance: await this.balanceOf(asset.address, this.w.escrowAddress),
        fees: await escrow.protocolFeesOf(asset.address),
        accounts: await Promise.all(
          this.tracked.map(async (acc) => ({
            acc,
            balance: await this.balanceOf(asset.address, acc.address),
            credit: await escrow.creditOf(asset.address, acc.address),
          })),
        ),
      })),
    );

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
      if (JSON.stringify(chain, big) !== JSON.stringify(model, big)) {
        this.fail(
          `getDealState(deal#${i}) = ${JSON.stringify({ ...chain, status: STATUS_NAMES[chain.status] }, big)}, ` +
            `the model says ${JSON.stringify({ ...model, status: STATUS_NAMES[model.status] }, big)}`,
        );
      }
    });

    for (const { asset, escrowBalance, fees, accounts } of perAsset) {
      // 2. accounts and fees
      if (fees !== m.feesOf(asset.address))
        this.fail(`${asset.name} protocol fees ${fees}, the model says ${m.feesOf(asset.address)}`);
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
      const liabilities = open + credits + fees;
      if (escrowBalance < liabilities) {
        this.fail(
          `INSOLVENT in ${asset.name}: balance ${escrowBalance} < open ${open} + credits ${credits} + fees ${fees}`,
        );
      }
      if (escrowBalance !== liabilities) {
        this.fail(
          `${asset.name} balance ${escrowBalance} != open ${open} + credits ${credits} + fees ${fees} (no stray transfers were made)`,
        );
      }
      if (liabilities !== m.liabilities(asset.address))
        this.fail(`${asset.name} liabilities ${liabilities}, the model says ${m.liabilities(asset.address)}`);
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

/** Outcomes per action type over all runs, printed at the end (to see what the generated sequences exercise). */
const stats: ActionStats = {};

// ------------------------------------------------------------------ the property

describe("Escrow: stateful property test against a reference model (§2–§6, E-M6)", function () {
  // The default budget takes well under a minute; shrinking a failure or a deep run (FC_NUM_RUNS) takes longer.
  this.timeout(0);

  it("every sequence of actions and time jumps keeps chain and model in agreement, solvent, paying nobody more than due", async function () {
    const runs = await checkStateful({
      arbitrary: sequenceArb,
      env: ENV,
      testFile: "test/escrow/Escrow.property.test.ts",
      stats,
      runOne: async (actions) => {
        const world = await loadFixture(deployWorld); // the same deployed world at the start of every run
        const run = new Run(world);
        await run.init();
        for (const action of actions) await run.step(action);
      },
    });
    expect(runs).to.be.greaterThan(0);
  });
});
