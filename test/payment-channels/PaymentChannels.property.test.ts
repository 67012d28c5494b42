// Stateful property test of PaymentChannels against a reference model (test/helpers/payment-channels-model.ts):
// docs/payment-channels.md §4–§7 and the invariants of §9.
//
// fast-check generates sequences of actions over a few channels at once, in ETH and an ERC20 with a blocklist,
// between EOAs, an ERC-1271 wallet, a contract account that cannot sign (it signs through a session key, or not at
// all) and a blocklisted party. The model plays both peers off-chain: each signs balance proofs of its own
// direction (transfers, new hash locks, locks settled off-chain by their secret, expired locks removed, and now and
// then a rogue proof promising more than the sender has), the receiver acknowledges them; on-chain: deposits by
// anyone, cooperative withdrawals and closes (signed by the participants or their session keys, submitted by either
// or a third party), unilateral closes with the latest, an older or no proof, updates by the receiver and by a
// watchtower holding a Reward signature (and by the wrong callers), secrets registered before or after a lock's
// expiry, settlements, unlocks, session-key rotations, withdrawals of credits, a receiver refusing ETH or burning
// its gas, blocklisted accounts (even the contract), donated tokens and ETH forced in by self-destruction, and time
// jumps landing on a channel's closesAt, a lock's expiry or the end of a key's grace (and one second either side).
// Invalid calls are generated too: the contract must revert iff the model says the call is invalid, and then with
// one of the predicted errors. After every step `checkInvariants` compares the chain with the model exactly.
//
// Every sequence ends by driving every channel to settlement as honest peers would (acknowledge everything, close,
// answer with the latest proofs, settle after the challenge, unlock both directions), then checks §9's last
// invariant: every channel is settled with nothing pending, and each participant of a channel whose latest
// acknowledged proofs were recorded was paid exactly what those proofs say (`expectedTotals`, computed off-chain).
//
// Environment variables (test/helpers/property.ts; the defaults take about 20-30 s on 2 cores):
//   FC_NUM_RUNS    number of generated sequences (default 60; with 20 or more, coverage is checked)
//   FC_MAX_STEPS   maximum random actions per sequence before the closing drive (default 30)
//   FC_SEED        replay: the seed printed by a failure
//   FC_PATH        replay: the path printed by a failure (with FC_SEED, runs the shrunk counterexample only)
//   FC_VERBOSE=1   print every step of every run
// A deeper local run: FC_NUM_RUNS=500 FC_MAX_STEPS=60 npx hardhat test test/payment-channels/PaymentChannels.property.test.ts

import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { Wallet, ZeroAddress, id as hashId, type Interface, type Signer, type TransactionReceipt } from "ethers";
import {
  balanceProofHash,
  signPaymentChannelMessage,
  toPaymentChannelId,
  type PaymentChannelMessages,
  type PaymentChannelPayload,
  type PaymentChannelsDeployment,
} from "../../sdk";
import {
  PaymentChannelsModel,
  STATUS_NAMES,
  Status,
  locksRootOf,
  locksTuple,
  pendingTuple,
  recordTuple,
  secretHashOf,
  secretOf,
  termsTuple,
  type Lock,
  type ModelChannel,
  type RewardAuth,
  type SignedProof,
  type Terms,
} from "../helpers/payment-channels-model";
import { big, errorsInterface, propertyEnv, tally, type ActionStats } from "../helpers/property";
import {
  ACCT,
  ACTOR_COUNT,
  PropertyRun,
  WALLET,
  actorArb,
  deployParties,
  describeProperty,
  freeGas,
  partyArb,
  rarely,
  shareArbWith,
  shareOf,
  withdrawArb,
  type Actor,
  type Call,
  type EnvAction,
  type Share,
  type WarpTarget,
} from "../helpers/property-runner";

const ENV = propertyEnv({ numRuns: 60, maxSteps: 30 });
const TEST_FILE = "test/payment-channels/PaymentChannels.property.test.ts";
const MAX_CHANNELS = 4;
const KEY_COUNT = 2;
const SECRET_COUNT = 6;
const EVE = 5;

// ------------------------------------------------------------------ the world

async function deployWorld() {
  const [owner, alice, bob, carol, eve, acctOwner, walletOwner] = await ethers.getSigners();
  const channels = await ethers.deployContract("PaymentChannels");
  const channelsAddress = await channels.getAddress();
  const parties = await deployParties(channelsAddress, { alice, bob, carol, eve, acctOwner, walletOwner });
  // The donor of tokens and forced ETH: owed to nobody (§9).
  await parties.token.mint(owner.address, 10n ** 24n);
  await freeGas();
  const keys = Array.from({ length: KEY_COUNT }, (_, i) => new Wallet(hashId(`peerpay.pc-property.sessionKey.${i}`)));
  const { chainId } = await ethers.provider.getNetwork();
  return {
    channels,
    owner,
    keys,
    walletOwner,
    channelsAddress,
    chainId,
    ...parties,
    target: channelsAddress,
    creditOf: (token: string, account: string) => channels.creditOf(token, account),
  };
}

type World = Awaited<ReturnType<typeof deployWorld>>;

// ------------------------------------------------------------------ actions

/** A channel reference, resolved by `Run.pickChannel`. */
const chArb = fc.nat({ max: 15 });
const sideArb = fc.constantFrom<0 | 1>(0, 1);
const shareArb = shareArbWith(1);
/** A caller: a side of the channel, or any actor. */
type Caller = 0 | 1 | { actor: number };
const callerArb = (weightSides = 6): fc.Arbitrary<Caller> =>
  fc.oneof(
    { weight: weightSides, arbitrary: sideArb as fc.Arbitrary<Caller> },
    { weight: 1, arbitrary: actorArb.map((actor) => ({ actor })) },
  );
type Pick = "latest" | "acked" | "stale" | "none" | "rogue";
type PayKind = "transfer" | "lock" | "claimLock" | "expireLock" | "rogue";
type DriveStep = "ackAll" | "close" | "update0" | "update1" | "warp" | "settle" | "warpLocks" | "unlock0" | "unlock1";
type OpenFlaw = "value" | "zeroAmount" | "same" | "periodLow" | "key1IsP2" | "notP1";

type Action =
  | {
      t: "open";
      p1: number;
      p2: number;
      eth: boolean;
      amount: bigint;
      key1: number; // -1 none, else a session key
      period: number;
      salt: number;
      flaw: OpenFlaw | null;
    }
  | { t: "reopen"; ch: number }
  | { t: "deposit"; ch: number; side: 0 | 1; by: Caller; share: Share; stranger: boolean }
  | { t: "pay"; ch: number; dir: 0 | 1; kind: PayKind; share: Share; secret: number; expiresIn: number }
  | { t: "ack"; ch: number; dir: 0 | 1 }
  | {
      t: "coopWithdraw";
      ch: number;
      side: 0 | 1;
      by: Caller;
      share: Share;
      flaw: "expired" | "unsigned" | "session" | null;
    }
  | { t: "coopClose"; ch: number; by: Caller; flaw: "sum" | "expired" | "unsigned" | null }
  | { t: "close"; ch: number; by: Caller; pick: Pick }
  | { t: "update"; ch: number; dir: 0 | 1; by: "receiver" | Caller; pick: Pick; tamper: boolean }
  | {
      t: "updateFor";
      ch: number;
      dir: 0 | 1;
      tower: number;
      share: Share;
      pick: Pick;
      flaw: "otherTower" | "otherAmount" | "otherProof" | "senderSigned" | null;
    }
  | { t: "register"; secret: number }
  | { t: "settle"; ch: number; by: number; tamper: boolean }
  | { t: "unlock"; ch: number; dir: 0 | 1; by: number; flaw: "wrongLocks" | "tamper" | null }
  | { t: "setKey"; ch: number; by: Caller; key: number } // KEY_COUNT: the counterparty's address, -1: revoke
  | EnvAction
  | { t: "setBlocked"; who: number; on: boolean } // ACTOR_COUNT: the contract itself
  | { t: "donate"; eth: boolean; amount: bigint }
  | { t: "warp"; seconds: number }
  | { t: "warpTo"; ch: number; at: "closesAt" | "lockExpiry" | "graceEnd"; offset: -1 | 0 | 1 }
  | { t: "drive"; step: DriveStep }
  | { t: "finish" };

const openArb: fc.Arbitrary<Action> = fc.record({
  t: fc.constant("open" as const),
  p1: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1) }, { weight: 2, arbitrary: partyArb }),
  p2: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, WALLET) }, { weight: 2, arbitrary: partyArb }),
  eth: fc.boolean(),
  amount: fc.oneof(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 10n ** 15n, max: 10n ** 18n })),
  key1: fc.oneof({ weight: 2, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: KEY_COUNT - 1 }) }),
  period: fc.constantFrom(3_600, 7_200, 86_400),
  salt: fc.nat(),
  flaw: fc.oneof(
    { weight: 14, arbitrary: fc.constant(null) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<OpenFlaw>("value", "zeroAmount", "same", "periodLow", "key1IsP2", "notP1"),
    },
  ),
});

const pickArb: fc.Arbitrary<Pick> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Pick>("latest") },
  { weight: 2, arbitrary: fc.constantFrom<Pick>("acked", "stale") },
  { weight: 1, arbitrary: fc.constantFrom<Pick>("none", "rogue") },
);

const ACTIONS: Record<Exclude<Action["t"], "open" | "drive" | "finish">, fc.Arbitrary<Action>> = {
  reopen: fc.record({ t: fc.constant("reopen" as const), ch: chArb }),
  deposit: fc.record({
    t: fc.constant("deposit" as const),
    ch: chArb,
    side: sideArb,
    by: callerArb(),
    share: shareArb,
    stranger: rarely,
  }),
  pay: fc.record({
    t: fc.constant("pay" as const),
    ch: chArb,
    dir: sideArb,
    kind: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<PayKind>("transfer", "lock") },
      { weight: 2, arbitrary: fc.constantFrom<PayKind>("claimLock", "expireLock") },
      { weight: 1, arbitrary: fc.constant<PayKind>("rogue") },
    ),
    share: fc.integer({ min: 1, max: 5_000 }),
    secret: fc.nat({ max: SECRET_COUNT - 1 }),
    expiresIn: fc.oneof(fc.integer({ min: 60, max: 600 }), fc.integer({ min: 3_600, max: 90_000 })),
  }),
  ack: fc.record({ t: fc.constant("ack" as const), ch: chArb, dir: sideArb }),
  coopWithdraw: fc.record({
    t: fc.constant("coopWithdraw" as const),
    ch: chArb,
    side: sideArb,
    by: callerArb(),
    share: shareArbWith(2),
    flaw: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom("expired" as const, "unsigned" as const, "session" as const) },
    ),
  }),
  coopClose: fc.record({
    t: fc.constant("coopClose" as const),
    ch: chArb,
    by: callerArb(),
    flaw: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom("sum" as const, "expired" as const, "unsigned" as const) },
    ),
  }),
  close: fc.record({ t: fc.constant("close" as const), ch: chArb, by: callerArb(), pick: pickArb }),
  update: fc.record({
    t: fc.constant("update" as const),
    ch: chArb,
    dir: sideArb,
    by: fc.oneof(
      { weight: 6, arbitrary: fc.constant<"receiver" | Caller>("receiver") },
      { weight: 1, arbitrary: callerArb(1) as fc.Arbitrary<"receiver" | Caller> },
    ),
    pick: pickArb,
    tamper: rarely,
  }),
  updateFor: fc.record({
    t: fc.constant("updateFor" as const),
    ch: chArb,
    dir: sideArb,
    tower: fc.oneof({ weight: 3, arbitrary: fc.constant(EVE) }, { weight: 1, arbitrary: actorArb }),
    share: fc.integer({ min: 0, max: 2_000 }),
    pick: pickArb,
    flaw: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          "otherTower" as const,
          "otherAmount" as const,
          "otherProof" as const,
          "senderSigned" as const,
        ),
      },
    ),
  }),
  register: fc.record({ t: fc.constant("register" as const), secret: fc.nat({ max: SECRET_COUNT - 1 }) }),
  settle: fc.record({ t: fc.constant("settle" as const), ch: chArb, by: actorArb, tamper: rarely }),
  unlock: fc.record({
    t: fc.constant("unlock" as const),
    ch: chArb,
    dir: sideArb,
    by: actorArb,
    flaw: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom("wrongLocks" as const, "tamper" as const) },
    ),
  }),
  setKey: fc.record({
    t: fc.constant("setKey" as const),
    ch: chArb,
    by: callerArb(),
    key: fc.oneof(
      { weight: 4, arbitrary: fc.nat({ max: KEY_COUNT - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(-1, KEY_COUNT) },
    ),
  }),
  withdraw: withdrawArb,
  setRejectEth: fc.record({ t: fc.constant("setRejectEth" as const), on: fc.boolean() }),
  setBurnGas: fc.record({ t: fc.constant("setBurnGas" as const), on: fc.boolean() }),
  setBlocked: fc.record({
    t: fc.constant("setBlocked" as const),
    who: fc.oneof({ weight: 6, arbitrary: actorArb }, { weight: 1, arbitrary: fc.constant(ACTOR_COUNT) }),
    on: fc.boolean(),
  }),
  donate: fc.record({
    t: fc.constant("donate" as const),
    eth: fc.boolean(),
    amount: fc.bigInt({ min: 1n, max: 10n ** 16n }),
  }),
  warp: fc.record({
    t: fc.constant("warp" as const),
    seconds: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1_800, max: 90_000 })),
  }),
  warpTo: fc.record({
    t: fc.constant("warpTo" as const),
    ch: chArb,
    at: fc.constantFrom("closesAt" as const, "lockExpiry" as const, "graceEnd" as const),
    offset: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
  }),
};

const WEIGHTS: Record<Exclude<Action["t"], "drive" | "finish">, number> = {
  open: 5,
  reopen: 1,
  deposit: 4,
  pay: 16,
  ack: 6,
  coopWithdraw: 5,
  coopClose: 2,
  close: 5,
  update: 6,
  updateFor: 5,
  register: 5,
  settle: 4,
  unlock: 4,
  setKey: 3,
  withdraw: 3,
  setRejectEth: 1,
  setBurnGas: 1,
  setBlocked: 2,
  donate: 2,
  warp: 3,
  warpTo: 6,
};

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  ...Object.entries(WEIGHTS).map(([t, weight]) => ({
    weight,
    arbitrary: t === "open" ? openArb : ACTIONS[t as keyof typeof ACTIONS],
  })),
);

/** A watched close: one side closes with a stale proof, the other (or its watchtower) answers, time passes, settle. */
const watchedCloseArb: fc.Arbitrary<Action[]> = fc
  .record({
    ch: chArb,
    closer: sideArb,
    tower: fc.boolean(),
    share: fc.integer({ min: 0, max: 1_000 }),
    secret: fc.nat({ max: SECRET_COUNT - 1 }),
  })
  .map(({ ch, closer, tower, share, secret }) => {
    const dir = closer; // the closer's outgoing direction, which the other side must record
    return [
      { t: "pay", ch, dir, kind: "lock", share: 1_000, secret, expiresIn: 600 },
      { t: "pay", ch, dir, kind: "transfer", share: 2_000, secret: 0, expiresIn: 600 },
      { t: "ack", ch, dir },
      // Balances that do not add up to what the channel holds: a cooperative close is refused (PC-C1).
      { t: "coopClose", ch, by: closer, flaw: "sum" },
      { t: "close", ch, by: closer, pick: "stale" },
      tower
        ? { t: "updateFor", ch, dir, tower: EVE, share, pick: "latest", flaw: null }
        : { t: "update", ch, dir, by: "receiver", pick: "latest", tamper: false },
      // The same proof again, from the receiver and from a watchtower: an equal nonce is refused (PC-U2).
      { t: "update", ch, dir, by: "receiver", pick: "latest", tamper: false },
      { t: "updateFor", ch, dir, tower: EVE, share, pick: "latest", flaw: null },
      { t: "warpTo", ch, at: "closesAt", offset: 1 },
      { t: "settle", ch, by: EVE, tamper: false },
      // Anyone unlocks at once, before the lock's expiry: an unregistered lock goes back to its sender.
      { t: "unlock", ch, dir, by: EVE, flaw: null },
    ] as Action[];
  });

/** A hash-locked payment resolved on-chain: a lock, its secret registered (or not) before expiry, then the drive. */
const lockedPaymentArb: fc.Arbitrary<Action[]> = fc
  .record({ ch: chArb, dir: sideArb, secret: fc.nat({ max: SECRET_COUNT - 1 }), late: fc.boolean() })
  .map(({ ch, dir, secret, late }) => [
    { t: "pay", ch, dir, kind: "lock", share: 3_000, secret, expiresIn: 300 },
    { t: "ack", ch, dir },
    { t: "warpTo", ch, at: "lockExpiry", offset: late ? 1 : 0 },
    { t: "register", secret },
  ]);

const DRIVE: Action[] = (
  ["ackAll", "close", "update0", "update1", "warp", "settle", "warpLocks", "unlock0", "unlock1"] as const
).map((step) => ({ t: "drive", step }));

/** A sequence: a few opens, then anything and chunks, then the drive of every channel to settlement. */
const sequenceArb: fc.Arbitrary<Action[]> = fc
  .tuple(
    fc.array(openArb, { minLength: 1, maxLength: 3 }),
    fc.array(
      fc.oneof(
        { weight: 20, arbitrary: actionArb.map((a) => [a]) },
        { weight: 2, arbitrary: watchedCloseArb },
        { weight: 2, arbitrary: lockedPaymentArb },
      ),
      { maxLength: ENV.maxSteps - 1, size: "max" },
    ),
  )
  .map(([opens, rest]) => [
    ...opens,
    ...rest.flat(),
    ...Array.from({ length: MAX_CHANNELS }, () => DRIVE).flat(),
    // Credited accounts take their credits, to an address that can receive them.
    ...[true, false].map((eth): Action => ({ t: "withdraw", by: "creditor", eth, to: "able" })),
    { t: "finish" } as Action,
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

class Run extends PropertyRun<Action, World, PaymentChannelsModel> {
  protected readonly targetName = "channels";
  private readonly deployment: PaymentChannelsDeployment;
  /** Per actor: the EOA that signs for it (null: the contract account, which cannot sign). */
  private readonly ownKeys: (string | null)[];
  private readonly donated = new Map<string, bigint>();

  constructor(w: World) {
    const errors = errorsInterface([w.channels.interface, w.token.interface, w.acct.interface], EXTRA_ERRORS);
    const model = new PaymentChannelsModel({
      contract: w.channelsAddress,
      chainId: w.chainId,
      blocklistToken: w.tokenAddress,
      erc1271Owners: new Map([[w.actors[WALLET].address.toLowerCase(), w.walletOwner.address]]),
      contracts: new Set(
        [w.tokenAddress, w.actors[ACCT].address, w.actors[WALLET].address].map((a) => a.toLowerCase()),
      ),
    });
    super(w, model, errors, ENV, stats, "channel");
    this.deployment = { chainId: w.chainId, contract: w.channelsAddress };
    this.ownKeys = w.actors.map((a) => (a.kind === "account" ? null : a.signer.address));
  }

  // -------------------------------------------------------------- helpers

  private get m(): PaymentChannelsModel {
    return this.model;
  }

  private label(c: ModelChannel): string {
    const i = this.m.order.indexOf(c);
    return `ch#${i}(${this.nameOf(c.terms.participant1)}↔${this.nameOf(c.terms.participant2)} ${c.terms.token === ZeroAddress ? "ETH" : "BLK"})`;
  }

  /** Channels not finished (open, closed, or settled with locks pending), preferably where `prefers` holds. */
  private pickChannel(ref: number, prefers: (c: ModelChannel) => boolean): ModelChannel | undefined {
    if (this.m.order.length === 0) return undefined;
    return this.pickIndexed(this.m.order, (c) => c.status !== Status.Settled || c.pending !== null, prefers, ref);
  }

  private party(c: ModelChannel, side: 0 | 1): Actor {
    return this.actorOf(this.m.participant(c, side));
  }

  private caller(c: ModelChannel, by: Caller): Actor {
    return typeof by === "number" ? this.party(c, by) : this.w.actors[by.actor];
  }

  private ownKeyOf(address: string): string | null {
    const i = this.w.actors.findIndex((a) => a.address.toLowerCase() === address.toLowerCase());
    return i < 0 ? null : this.ownKeys[i];
  }

  private signerFor(key: string): Signer {
    const k = key.toLowerCase();
    const session = this.w.keys.find((x) => x.address.toLowerCase() === k);
    if (session !== undefined) return session;
    const actor = this.w.actors.find((a) => a.signer.address.toLowerCase() === k);
    if (actor === undefined) throw new Error(`no signer for ${key}`);
    return actor.signer;
  }

  /** The key `side` signs with now, or, when it has none, its contract's owner (whose signature is refused). */
  private keyOf(c: ModelChannel, side: 0 | 1): { key: string; valid: boolean } {
    const participant = this.m.participant(c, side);
    const k = this.m.signingKey(c, side, this.ownKeyOf(participant));
    if (k !== null) return { key: k, valid: true };
    return { key: this.party(c, side).signer.address, valid: false };
  }

  /** Signs as the SDK does (its EIP-712 types and domain), with the key's signer. */
  private async sign<K extends keyof PaymentChannelMessages>(
    key: string,
    primaryType: K,
    message: PaymentChannelMessages[K],
  ): Promise<string> {
    const payload = { primaryType, message } as PaymentChannelPayload<K>;
    const signed = await signPaymentChannelMessage<K>({ ...this.deployment, ...payload, signer: this.signerFor(key) });
    return signed.signature;
  }

  private async signProof(
    c: ModelChannel,
    dir: 0 | 1,
    nonce: bigint,
    transferred: bigint,
    locks: Lock[],
    lockedOverride: bigint | null,
    rogue: boolean,
    key: string,
  ): Promise<SignedProof> {
    const locked = lockedOverride ?? locks.reduce((s, l) => s + l.amount, 0n);
    const locksRoot = locksRootOf(locks);
    const channelId = toPaymentChannelId(c.id);
    const signature = await this.sign(key, "BalanceProof", { channelId, nonce, transferred, locked, locksRoot });
    const hash = balanceProofHash({ channelId, proof: { nonce, transferred, locked, locksRoot } });
    return { dir, nonce, transferred, locked, locksRoot, locks, key, rogue, hash, signature };
  }

  private proofTuple(p: SignedProof | null): unknown[] {
    return p === null ? [0n, 0n, 0n, locksRootOf([])] : [p.nonce, p.transferred, p.locked, p.locksRoot];
  }

  /** A proof of `dir` the receiver holds, by `pick`; null for none. */
  private pickProof(c: ModelChannel, dir: 0 | 1, pick: Pick): SignedProof | null {
    const all = c.sent[dir];
    const honest = all.filter((p) => !p.rogue);
    if (pick === "none") return null;
    if (pick === "rogue") return all.filter((p) => p.rogue).pop() ?? honest[honest.length - 1] ?? null;
    if (pick === "acked") return this.m.latestAcked(c, dir);
    if (pick === "stale") return honest.length >= 2 ? honest[honest.length - 2] : null;
    return honest[honest.length - 1] ?? null;
  }

  /** The newest proof of `dir` whose signature the contract accepts at `now` (what an honest receiver submits). */
  private bestValidProof(c: ModelChannel, dir: 0 | 1, now: bigint): SignedProof | null {
    const honest = c.sent[dir].filter((p) => !p.rogue && p.nonce <= c.acked[dir]);
    for (let i = honest.length - 1; i >= 0; i--) if (this.m.accepts(c, dir, honest[i].key, now)) return honest[i];
    return null;
  }

  private describeProof(p: SignedProof | null): string {
    if (p === null) return "no proof";
    return `proof n${p.nonce} T${p.transferred} L${p.locked}${p.rogue ? " (rogue)" : ""} by ${this.keyName(p.key)}`;
  }

  private keyName(key: string): string {
    const i = this.w.keys.findIndex((k) => k.address.toLowerCase() === key.toLowerCase());
    if (i >= 0) return `key${i}`;
    const a = this.w.actors.find((x) => x.signer.address.toLowerCase() === key.toLowerCase());
    return a === undefined ? key.slice(0, 8) : a.kind === "eoa" ? a.name : `${a.name}'s owner`;
  }

  private channelCall(
    desc: string,
    from: Actor,
    fn: string,
    args: unknown[],
    expected: string[],
    value = 0n,
    role?: string,
  ): Call {
    return {
      desc,
      from,
      to: this.w.channelsAddress,
      data: (this.w.channels.interface as Interface).encodeFunctionData(fn, args),
      value,
      expected,
      ...(role !== undefined ? { role } : {}),
    };
  }

  /** The locks behind a settled channel's pending root of `dir`. */
  private pendingOnChain(c: ModelChannel, dir: 0 | 1): Lock[] {
    const p = c.pending;
    if (p === null) return [];
    const held = dir === 0 ? p.held12 : p.held21;
    return held === 0n ? [] : (c.lockLists.get(dir === 0 ? p.locksRoot12 : p.locksRoot21) ?? []);
  }

  /** The drive's target: the first channel not yet settled with nothing pending. */
  private driveTarget(): ModelChannel | undefined {
    return this.m.order.find((c) => c.status !== Status.Settled || c.pending !== null);
  }

  // -------------------------------------------------------------- off-chain steps

  protected override async offChain(index: number, action: Action): Promise<boolean> {
    const now = this.nextTimestamp ?? this.lastTimestamp + 1n;
    if (action.t === "pay") {
      const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
      // Peers pay only over an open channel: once closed, new proofs could not be recorded by both sides.
      if (c === undefined || c.status !== Status.Open) this.note(index, "pay: no-op (no open channel)");
      else await this.pay(index, c, action, now);
      return true;
    }
    if (action.t === "ack") {
      const c = this.pickChannel(action.ch, (x) => this.m.latest(x, action.dir) !== null);
      const p = c === undefined ? null : this.m.latest(c, action.dir);
      // After settlement an acknowledgement changes nothing: what was recorded was paid.
      if (c === undefined || p === null || c.status === Status.Settled) {
        this.note(index, "ack: no-op (nothing to acknowledge)");
      } else {
        c.acked[action.dir] = p.nonce;
        this.note(index, `${this.label(c)}: ${this.party(c, action.dir === 0 ? 1 : 0).name} acknowledges n${p.nonce}`);
      }
      return true;
    }
    if (action.t === "drive" && action.step === "ackAll") {
      const c = this.driveTarget();
      if (c !== undefined && c.status !== Status.Settled) await this.ackAll(index, c, now);
      else this.note(index, "drive ackAll: no-op (every channel settled)");
      return true;
    }
    if (action.t === "finish") {
      this.finish(index);
      return true;
    }
    return false;
  }

  /** One off-chain payment step of `action.dir`'s sender, within what it has (PC-E3) unless rogue. */
  private async pay(index: number, c: ModelChannel, action: Extract<Action, { t: "pay" }>, now: bigint): Promise<void> {
    const dir = action.dir;
    const { key, valid } = this.keyOf(c, dir);
    // A sender without a key the contract accepts cannot pay: the receiver refuses its proofs (PC-E3).
    if (!valid) return this.note(index, `${this.label(c)}: ${this.party(c, dir).name} cannot sign: no-op`);
    const latest = this.m.latest(c, dir);
    let transferred = latest?.transferred ?? 0n;
    let locks = [...(latest?.locks ?? [])];
    const available = this.m.available(c, dir);
    const amount = shareOf(available, action.share);
    let lockedOverride: bigint | null = null;
    let desc: string;
    switch (action.kind) {
      case "transfer":
        if (amount === 0n) return this.note(index, `${this.label(c)} pay: no-op (nothing available)`);
        transferred += amount;
        desc = `transfers ${amount}`;
        break;
      case "lock": {
        if (amount === 0n || locks.length >= 32) return this.note(index, `${this.label(c)} lock: no-op`);
        const l: Lock = {
          amount,
          expiry: now + BigInt(action.expiresIn),
          secretHash: secretHashOf(secretOf(action.secret)),
        };
        locks.push(l);
        desc = `locks ${amount} on secret ${action.secret} until t=${l.expiry}`;
        break;
      }
      case "claimLock": {
        if (locks.length === 0) return this.note(index, `${this.label(c)} claimLock: no-op (no lock)`);
        const l = locks[action.secret % locks.length];
        locks = locks.filter((x) => x !== l);
        transferred += l.amount;
        desc = `settles a lock of ${l.amount} off-chain (secret revealed)`;
        break;
      }
      case "expireLock": {
        // Only a lock the receiver can no longer claim: expired, its secret not registered in time.
        const gone = locks.filter((l) => {
          const at = this.m.secrets.get(l.secretHash.toLowerCase());
          return now > l.expiry && (at === undefined || at > l.expiry);
        });
        if (gone.length === 0) return this.note(index, `${this.label(c)} expireLock: no-op (no expired lock)`);
        locks = locks.filter((x) => x !== gone[0]);
        desc = `removes an expired lock of ${gone[0].amount}`;
        break;
      }
      case "rogue":
        // More than the sender has, or beyond the proof range (§2: below 2^128).
        transferred += available + 1n + BigInt(action.share) * 10n ** 18n;
        if (action.share % 3 === 0) lockedOverride = 2n ** 128n;
        desc = `signs a rogue proof T${transferred}${lockedOverride !== null ? " L2^128" : ""}`;
        break;
    }
    const p = await this.signProof(
      c,
      dir,
      this.m.nextNonce(c, dir),
      transferred,
      locks,
      lockedOverride,
      action.kind === "rogue",
      key,
    );
    this.m.addProof(c, p);
    this.note(index, `${this.label(c)}: ${this.party(c, dir).name} ${desc}: ${this.describeProof(p)}`);
  }

  /** The drive: re-sign (with the sender's current key) proofs the contract would no longer accept, ack all. */
  private async ackAll(index: number, c: ModelChannel, now: bigint): Promise<void> {
    for (const dir of [0, 1] as const) {
      const latest = this.m.latest(c, dir);
      if (latest === null) continue;
      const { key, valid } = this.keyOf(c, dir);
      // Checked against the latest time the drive submits it (close, then updates within a few seconds).
      if (c.status === Status.Open && valid && !this.m.accepts(c, dir, latest.key, now + 10n)) {
        const p = await this.signProof(
          c,
          dir,
          this.m.nextNonce(c, dir),
          latest.transferred,
          latest.locks,
          null,
          false,
          key,
        );
        this.m.addProof(c, p);
      }
      c.acked[dir] = this.m.latest(c, dir)!.nonce;
    }
    this.note(index, `drive ${this.label(c)}: both peers acknowledge everything (n${c.acked[0]}, n${c.acked[1]})`);
  }

  // -------------------------------------------------------------- time

  protected warpTarget(action: Action): WarpTarget | null {
    if (action.t === "warp")
      return { target: this.lastTimestamp + BigInt(action.seconds), desc: `warp +${action.seconds}s` };
    if (action.t === "drive" && action.step === "warp") {
      const c = this.driveTarget();
      if (c === undefined || c.status !== Status.Closed) return { target: null, desc: "drive warp" };
      return { target: c.closesAt + 1n, desc: `drive ${this.label(c)}: warp past closesAt` };
    }
    if (action.t === "drive" && action.step === "warpLocks") {
      // An honest unlocker waits until every pending lock has expired (an earlier unlock forfeits the unregistered
      // ones to their senders).
      const c = this.driveTarget();
      const locks =
        c === undefined || c.pending === null ? [] : [0, 1].flatMap((d) => this.pendingOnChain(c, d as 0 | 1));
      if (locks.length === 0) return { target: null, desc: "drive warp past the locks" };
      const last = locks.reduce((a, l) => (l.expiry > a ? l.expiry : a), 0n);
      return { target: last + 1n, desc: `drive ${this.label(c!)}: warp past the last lock's expiry` };
    }
    if (action.t !== "warpTo") return null;
    let base: bigint | null = null;
    const c = this.pickChannel(action.ch, (x) =>
      action.at === "closesAt"
        ? x.status === Status.Closed && x.closesAt >= this.lastTimestamp
        : action.at === "graceEnd"
          ? x.keyChanged.some((k, i) => k && x.keys[i].changedAt + x.terms.challengePeriod >= this.lastTimestamp)
          : [0, 1].some((d) => this.m.pendingLocks(x, d as 0 | 1).some((l) => l.expiry >= this.lastTimestamp)),
    );
    if (c !== undefined) {
      if (action.at === "closesAt" && c.status === Status.Closed) base = c.closesAt;
      if (action.at === "graceEnd") {
        const ends = [0, 1]
          .filter((i) => c.keyChanged[i])
          .map((i) => c.keys[i].changedAt + c.terms.challengePeriod)
          .filter((t) => t >= this.lastTimestamp);
        if (ends.length > 0) base = ends[0];
      }
      if (action.at === "lockExpiry") {
        const expiries = [...this.m.pendingLocks(c, 0), ...this.m.pendingLocks(c, 1)]
          .map((l) => l.expiry)
          .filter((t) => t >= this.lastTimestamp)
          .sort((a, b) => (a < b ? -1 : 1));
        if (expiries.length > 0) base = expiries[0];
      }
    }
    const desc = `warp to ${c === undefined ? "?" : this.label(c)}'s ${action.at}${action.offset === 0 ? "" : action.offset > 0 ? "+1" : "-1"}`;
    return { target: base === null ? null : base + BigInt(action.offset), desc };
  }

  // -------------------------------------------------------------- on-chain calls

  protected async build(action: Action, now: bigint): Promise<Call | null> {
    const m = this.m;
    switch (action.t) {
      case "open":
        return this.buildOpen(action);
      case "reopen": {
        // The same terms again: refused while the id exists (PC-O3), whatever the channel's status.
        const c = this.pickChannel(action.ch, () => true);
        if (c === undefined) return null;
        const from = this.actorOf(c.terms.participant1);
        const value = c.terms.token === ZeroAddress ? 1n : 0n;
        const res = m.open(from.address, c.terms, 1n, value);
        return this.channelCall(
          `${from.name} reopens ${this.label(c)}`,
          from,
          "open",
          [termsTuple(c.terms), 1n],
          res.errors,
          value,
        );
      }
      case "deposit": {
        const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
        if (c === undefined) return null;
        const from = this.caller(c, action.by);
        const participant = action.stranger ? this.w.actors[EVE].address : m.participant(c, action.side);
        const amount = shareOf(c.deposit[action.side] + 1n, action.share);
        const value = c.terms.token === ZeroAddress ? amount : 0n;
        const expected = m.deposit(from.address, c, participant, amount, value);
        return this.channelCall(
          `${from.name} deposits ${amount} for ${this.nameOf(participant)} into ${this.label(c)}`,
          from,
          "deposit",
          [termsTuple(c.terms), participant, amount],
          expected,
          value,
        );
      }
      case "coopWithdraw":
        return this.buildWithdraw(action, now);
      case "coopClose":
        return this.buildCoopClose(action, now);
      case "close": {
        const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
        if (c === undefined) return null;
        const from = this.caller(c, action.by);
        const side = m.sideOf(c, from.address);
        // The closer's incoming direction: the counterparty's proofs.
        const proof = this.pickProof(c, side === 1 ? 0 : 1, action.pick);
        const expected = m.close(from.address, c, proof, now);
        return this.channelCall(
          `${from.name} closes ${this.label(c)} with ${this.describeProof(proof)}`,
          from,
          "close",
          [termsTuple(c.terms), this.proofTuple(proof), proof?.signature ?? "0x"],
          expected,
          0n,
          side === null ? "stranger" : action.pick,
        );
      }
      case "update":
        return this.buildUpdate(action, now);
      case "updateFor":
        return this.buildUpdateFor(action, now);
      case "register": {
        const secret = secretOf(action.secret);
        const expected = m.registerSecret(secret, now);
        const eve = this.w.actors[EVE];
        return this.channelCall(`eve registers secret ${action.secret}`, eve, "registerSecret", [secret], expected);
      }
      case "settle": {
        const c = this.pickChannel(action.ch, (x) => x.status === Status.Closed);
        if (c === undefined) return null;
        return this.buildSettle(c, this.w.actors[action.by], action.tamper, now);
      }
      case "unlock": {
        const c = this.pickChannel(action.ch, (x) => x.pending !== null);
        if (c === undefined) return null;
        return this.buildUnlock(c, action.dir, this.w.actors[action.by], action.flaw, now);
      }
      case "setKey": {
        const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
        if (c === undefined) return null;
        const from = this.caller(c, action.by);
        const side = m.sideOf(c, from.address) ?? 0;
        const key =
          action.key === -1
            ? ZeroAddress
            : action.key === KEY_COUNT
              ? m.participant(c, side === 0 ? 1 : 0)
              : this.w.keys[action.key].address;
        const expected = m.setSessionKey(from.address, c, key, now);
        return this.channelCall(
          `${from.name} sets its session key of ${this.label(c)} to ${key === ZeroAddress ? "none" : this.keyName(key)}`,
          from,
          "setSessionKey",
          [termsTuple(c.terms), key],
          expected,
        );
      }
      case "withdraw":
      case "setRejectEth":
      case "setBurnGas":
        return this.buildEnvCall(action);
      case "setBlocked":
        return this.buildSetBlocked(
          action.who === ACTOR_COUNT ? this.w.channelsAddress : this.w.actors[action.who].address,
          action.on,
        );
      case "donate": {
        // Owed to nobody: the solvency check allows for it (§9).
        const asset = action.eth ? ZeroAddress : this.w.tokenAddress;
        if (!action.eth && m.blocked.has(this.w.channelsAddress.toLowerCase())) return null;
        this.donated.set(asset, (this.donated.get(asset) ?? 0n) + action.amount);
        if (action.eth) {
          const factory = await ethers.getContractFactory("ForceSend");
          const tx = await factory.getDeployTransaction(this.w.channelsAddress);
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
          data: this.w.token.interface.encodeFunctionData("transfer", [this.w.channelsAddress, action.amount]),
          expected: [],
        };
      }
      case "drive":
        return this.buildDrive(action.step, now);
      default:
        return null; // not a call: `warpTarget`, `offChain`
    }
  }

  private buildOpen(action: Extract<Action, { t: "open" }>): Call | null {
    if (this.m.order.length >= MAX_CHANNELS) return null;
    const f = action.flaw;
    const p1 = this.w.actors[action.p1];
    let p2 = this.w.actors[action.p2 === action.p1 ? (action.p1 + 1) % ACTOR_COUNT : action.p2];
    if (p2.kind === "account" && p1.kind === "account") p2 = this.w.actors[0];
    if (f === "same") p2 = p1;
    // The contract account cannot sign: as participant1 it gets a session key at open, so that it can pay.
    const key1 =
      f === "key1IsP2"
        ? p2.address
        : action.key1 >= 0 || p1.kind === "account"
          ? this.w.keys[Math.max(action.key1, 0)].address
          : ZeroAddress;
    const terms: Terms = {
      participant1: p1.address,
      participant2: p2.address,
      token: action.eth ? ZeroAddress : this.w.tokenAddress,
      key1,
      challengePeriod: f === "periodLow" ? 3_599n : BigInt(action.period),
      salt: BigInt(action.salt),
    };
    const amount = f === "zeroAmount" ? 0n : action.amount;
    const value = action.eth ? (f === "value" ? amount + 1n : amount) : 0n;
    const from = f === "notP1" ? p2 : p1;
    const res = this.m.open(from.address, terms, amount, value);
    return this.channelCall(
      `${from.name} opens ${p1.name}↔${p2.name} ${action.eth ? "ETH" : "BLK"} with ${amount}${key1 !== ZeroAddress ? ` key1 ${this.keyName(key1)}` : ""} period ${terms.challengePeriod}${f !== null ? ` [${f}]` : ""}`,
      from,
      "open",
      [termsTuple(terms), amount],
      res.errors,
      value,
    );
  }

  private async buildWithdraw(action: Extract<Action, { t: "coopWithdraw" }>, now: bigint): Promise<Call | null> {
    const m = this.m;
    const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
    if (c === undefined) return null;
    // The side drawn, or the other when the drawn one has nothing to withdraw.
    const side = m.available(c, action.side) > 0n ? action.side : action.side === 0 ? 1 : 0;
    const from = this.caller(c, action.by);
    const participant = m.participant(c, side);
    const available = m.available(c, side);
    const total = c.withdrawn[side] + shareOf(available, action.share);
    const expiry = action.flaw === "expired" ? now - 1n : now + 600n;
    const keys: [string | null, string | null] = [null, null];
    const sigs: string[] = ["0x", "0x"];
    for (const s of [0, 1] as const) {
      let { key } = this.keyOf(c, s);
      if (action.flaw === "unsigned" && s !== side) key = this.w.actors[EVE].signer.address;
      if (action.flaw === "session" && s === 0) key = this.w.keys[KEY_COUNT - 1].address;
      keys[s] = key;
      sigs[s] = await this.sign(key, "Withdraw", {
        channelId: toPaymentChannelId(c.id),
        participant,
        totalWithdrawn: total,
        expiry,
      });
    }
    const overdraw = total - c.withdrawn[side] > available;
    const expected = m.cooperativeWithdraw(from.address, c, participant, total, expiry, keys, now);
    if (expected.length === 0 && overdraw) c.rogue = true; // a co-signer failed its duty (PC-W1): no exact check
    return this.channelCall(
      `${from.name} withdraws for ${this.nameOf(participant)} from ${this.label(c)}: total ${total} (available ${available})${action.flaw !== null ? ` [${action.flaw}]` : ""}`,
      from,
      "cooperativeWithdraw",
      [termsTuple(c.terms), participant, total, expiry, sigs[0], sigs[1]],
      expected,
    );
  }

  private async buildCoopClose(action: Extract<Action, { t: "coopClose" }>, now: bigint): Promise<Call | null> {
    const m = this.m;
    const c = this.pickChannel(action.ch, (x) => x.status === Status.Open);
    if (c === undefined) return null;
    const from = this.caller(c, action.by);
    // What both agree on: the latest proofs, pending locks back to their senders.
    const t12 = m.latest(c, 0)?.transferred ?? 0n;
    const t21 = m.latest(c, 1)?.transferred ?? 0n;
    const total = c.deposit[0] + c.deposit[1] - c.withdrawn[0] - c.withdrawn[1];
    let b1 = c.deposit[0] - c.withdrawn[0] + t21 - t12;
    if (b1 < 0n) b1 = 0n;
    if (b1 > total) b1 = total;
    const b2 = total - b1 + (action.flaw === "sum" ? 1n : 0n);
    const expiry = action.flaw === "expired" ? now - 1n : now + 600n;
    const keys: [string | null, string | null] = [null, null];
    const sigs = ["0x", "0x"];
    for (const s of [0, 1] as const) {
      let { key } = this.keyOf(c, s);
      if (action.flaw === "unsigned" && s === 1) key = this.w.actors[EVE].signer.address;
      keys[s] = key;
      sigs[s] = await this.sign(key, "CooperativeClose", {
        channelId: toPaymentChannelId(c.id),
        balance1: b1,
        balance2: b2,
        expiry,
      });
    }
    const expected = m.cooperativeClose(from.address, c, b1, b2, expiry, keys, now);
    return this.channelCall(
      `${from.name} closes ${this.label(c)} cooperatively: ${b1} / ${b2}${action.flaw !== null ? ` [${action.flaw}]` : ""}`,
      from,
      "cooperativeClose",
      [termsTuple(c.terms), b1, b2, expiry, sigs[0], sigs[1]],
      expected,
    );
  }

  private recordArg(c: ModelChannel, tamper: boolean): unknown[] {
    const r = c.record!;
    return recordTuple(tamper ? { ...r, withdrawn1: r.withdrawn1 + 1n } : r);
  }

  private buildUpdate(action: Extract<Action, { t: "update" }>, now: bigint): Call | null {
    const m = this.m;
    const c = this.pickChannel(action.ch, (x) => x.status === Status.Closed && now <= x.closesAt);
    if (c === undefined || c.record === null) return null;
    const dir = action.dir;
    const from = this.caller(c, action.by === "receiver" ? (dir === 0 ? 1 : 0) : action.by);
    const proof = this.pickProof(c, dir, action.pick);
    if (proof === null) return null;
    const sender = m.participant(c, dir);
    const record = this.recordArg(c, action.tamper); // before the model applies the update
    const expected = m.update(from.address, c, !action.tamper, sender, proof, now, null);
    return this.channelCall(
      `${from.name} updates ${this.label(c)} with ${this.nameOf(sender)}'s ${this.describeProof(proof)}${action.tamper ? " [tampered record]" : ""}`,
      from,
      "update",
      [termsTuple(c.terms), record, sender, this.proofTuple(proof), proof.signature],
      expected,
      0n,
      m.sideOf(c, from.address) === (dir === 0 ? 1 : 0) ? "receiver" : "other",
    );
  }

  private async buildUpdateFor(action: Extract<Action, { t: "updateFor" }>, now: bigint): Promise<Call | null> {
    const m = this.m;
    const c = this.pickChannel(action.ch, (x) => x.status === Status.Closed && now <= x.closesAt);
    if (c === undefined || c.record === null) return null;
    const dir = action.dir;
    const proof = this.pickProof(c, dir, action.pick);
    if (proof === null) return null;
    const tower = this.w.actors[action.tower];
    const receiverSide = dir === 0 ? 1 : 0;
    const amount = shareOf(c.deposit[0] + c.deposit[1], action.share) / 10n;
    const f = action.flaw;
    const other = c.sent[dir].find((p) => p !== proof);
    const auth: RewardAuth = {
      key: f === "senderSigned" ? this.keyOf(c, dir).key : this.keyOf(c, receiverSide).key,
      proofHash: f === "otherProof" && other !== undefined ? other.hash : proof.hash,
      watchtower: f === "otherTower" ? this.w.actors[(action.tower + 1) % ACTOR_COUNT].address : tower.address,
      amount: f === "otherAmount" ? amount + 1n : amount,
    };
    const rewardSig = await this.sign(auth.key, "Reward", {
      channelId: toPaymentChannelId(c.id),
      balanceProofHash: auth.proofHash,
      watchtower: auth.watchtower,
      amount: auth.amount,
    });
    const sender = m.participant(c, dir);
    const record = this.recordArg(c, false);
    const expected = m.update(tower.address, c, true, sender, proof, now, { auth, amount });
    return this.channelCall(
      `watchtower ${tower.name} updates ${this.label(c)} with ${this.nameOf(sender)}'s ${this.describeProof(proof)} for a reward of ${amount}${f !== null ? ` [${f}]` : ""}`,
      tower,
      "updateFor",
      [termsTuple(c.terms), record, sender, this.proofTuple(proof), proof.signature, amount, rewardSig],
      expected,
    );
  }

  private buildSettle(c: ModelChannel, from: Actor, tamper: boolean, now: bigint): Call | null {
    if (c.record === null) return null;
    const record = this.recordArg(c, tamper);
    const expected = this.m.settle(c, !tamper, now);
    return this.channelCall(
      `${from.name} settles ${this.label(c)}${tamper ? " [tampered record]" : ""}`,
      from,
      "settle",
      [termsTuple(c.terms), record],
      expected,
    );
  }

  private buildUnlock(
    c: ModelChannel,
    dir: 0 | 1,
    from: Actor,
    flaw: "wrongLocks" | "tamper" | null,
    now: bigint,
  ): Call | null {
    const p = c.pending ?? { locksRoot12: locksRootOf([]), held12: 0n, locksRoot21: locksRootOf([]), held21: 0n };
    const root = dir === 0 ? p.locksRoot12 : p.locksRoot21;
    let locks = c.lockLists.get(root) ?? [];
    if (flaw === "wrongLocks") locks = [...locks, { amount: 1n, expiry: 1n, secretHash: secretHashOf(secretOf(0)) }];
    const pendingArg = flaw === "tamper" ? { ...p, held12: p.held12 + 1n } : p;
    const sender = this.m.participant(c, dir);
    const expected = this.m.unlock(c, sender, locks, flaw !== "tamper", now);
    return this.channelCall(
      `${from.name} unlocks ${this.nameOf(sender)}'s ${locks.length} locks of ${this.label(c)}${flaw !== null ? ` [${flaw}]` : ""}`,
      from,
      "unlock",
      [termsTuple(c.terms), sender, locksTuple(locks), pendingTuple(pendingArg)],
      expected,
    );
  }

  /** The honest drive to settlement (§9's last invariant), one step at a time on the first unfinished channel. */
  private buildDrive(step: DriveStep, now: bigint): Call | null {
    const m = this.m;
    const c = this.driveTarget();
    if (c === undefined) return null;
    if (step === "close") {
      if (c.status !== Status.Open) return null;
      const from = this.party(c, 0);
      const proof = this.bestValidProof(c, 1, now);
      const expected = m.close(from.address, c, proof, now);
      return this.channelCall(
        `drive: ${from.name} closes ${this.label(c)} with ${this.describeProof(proof)}`,
        from,
        "close",
        [termsTuple(c.terms), this.proofTuple(proof), proof?.signature ?? "0x"],
        expected,
        0n,
        "drive",
      );
    }
    if (step === "update0" || step === "update1") {
      const dir = step === "update0" ? 0 : 1;
      if (c.status !== Status.Closed || now > c.closesAt) return null;
      const proof = this.bestValidProof(c, dir, now);
      const recorded = dir === 0 ? c.record!.d12.nonce : c.record!.d21.nonce;
      if (proof === null || proof.nonce <= recorded) return null;
      const from = this.party(c, dir === 0 ? 1 : 0);
      const sender = m.participant(c, dir);
      const record = this.recordArg(c, false);
      const expected = m.update(from.address, c, true, sender, proof, now, null);
      return this.channelCall(
        `drive: ${from.name} updates ${this.label(c)} with ${this.describeProof(proof)}`,
        from,
        "update",
        [termsTuple(c.terms), record, sender, this.proofTuple(proof), proof.signature],
        expected,
        0n,
        "drive",
      );
    }
    if (step === "settle") {
      if (c.status !== Status.Closed) return null;
      return { ...this.buildSettle(c, this.w.actors[EVE], false, now)!, role: "settle" };
    }
    if (step === "unlock0" || step === "unlock1") {
      const dir = step === "unlock0" ? 0 : 1;
      const held = c.pending === null ? 0n : dir === 0 ? c.pending.held12 : c.pending.held21;
      if (held === 0n) return null;
      return { ...this.buildUnlock(c, dir, this.w.actors[EVE], null, now)!, role: "unlock" };
    }
    return null;
  }

  // -------------------------------------------------------------- after each step

  protected observe(_receipt: TransactionReceipt, action: Action): void {
    if (action.t === "open") {
      const c = this.m.order[this.m.order.length - 1];
      const opened = _receipt.logs
        .map((l) =>
          l.address.toLowerCase() === this.w.channelsAddress.toLowerCase()
            ? this.w.channels.interface.parseLog(l)
            : null,
        )
        .find((e) => e?.name === "ChannelOpened");
      this.checkCreatedId("ChannelOpened", (opened?.args[0] as string | undefined) ?? null, c?.id, "§1 channel ids");
    }
  }

  /** §9's last invariant, at the end of every sequence. */
  private finish(index: number): void {
    const m = this.m;
    let exact = 0;
    for (const c of m.order) {
      if (c.status !== Status.Settled || c.pending !== null) {
        this.fail(
          `${this.label(c)} was not driven to settlement: status ${STATUS_NAMES[c.status]}, pending ${JSON.stringify(c.pending, big)}`,
        );
      }
      if (c.cooperative !== null || !c.honest) continue;
      const expected = m.expectedTotals(c);
      for (const side of [0, 1] as const) {
        const got = c.paid[side] + c.rewardFrom[side];
        if (got !== expected[side]) {
          this.fail(
            `${this.label(c)}: ${this.party(c, side).name} was paid ${c.paid[side]} (+ ${c.rewardFrom[side]} to watchtowers), ` +
              `its latest acknowledged proofs say ${expected[side]}`,
          );
        }
      }
      exact++;
    }
    tally(stats, "channels settled exactly per their latest acknowledged proofs", exact > 0);
    this.note(
      index,
      `finish: ${m.order.length} channels settled, ${exact} checked against their latest acknowledged proofs`,
    );
  }

  /**
   * After every step:
   * 1. every channel's `channelInfo` (status, flags, deposits while open, closesAt and the commitment of the record
   *    or of the pending locks after), `withdrawnOf` and `keyChangeOf` equal the model's;
   * 2. each actor's balance change and credit, in ETH and the token, equal the model's;
   * 3. solvency (§9), from on-chain values: for each asset the contract's balance >= Σ open and closed channels'
   *    deposits − withdrawals + Σ settled channels' held amounts + Σ credits, and equals it plus the donations;
   *    the sum is the model's.
   */
  protected async checkInvariants(): Promise<void> {
    const { channels } = this.w;
    const m = this.model;
    const infos = await Promise.all(m.order.map((c) => channels.channelInfo(c.id)));
    const withdrawn = await Promise.all(m.order.map((c) => channels.withdrawnOf(c.id)));
    const keys = await Promise.all(
      m.order.flatMap((c) => [
        channels.keyChangeOf(c.id, c.terms.participant1),
        channels.keyChangeOf(c.id, c.terms.participant2),
      ]),
    );
    const perAsset = await this.readBalances();

    m.order.forEach((c, i) => {
      const s = infos[i];
      const chain = {
        status: Number(s.status),
        withdrawn: s.withdrawn,
        key1Changed: s.key1Changed,
        key2Changed: s.key2Changed,
        deposit1: s.deposit1,
        deposit2: s.deposit2,
        closesAt: s.closesAt,
        commitment: BigInt(s.commitment),
        withdrawn1: withdrawn[i][0],
        withdrawn2: withdrawn[i][1],
      };
      const open = c.status === Status.Open;
      const model = {
        status: c.status as number,
        withdrawn: c.withdrawnFlag,
        key1Changed: c.keyChanged[0],
        key2Changed: c.keyChanged[1],
        deposit1: open ? c.deposit[0] : 0n,
        deposit2: open ? c.deposit[1] : 0n,
        closesAt: c.closesAt,
        commitment: m.commitment(c),
        withdrawn1: c.withdrawn[0],
        withdrawn2: c.withdrawn[1],
      };
      this.compareState(`channelInfo(ch#${i}) + withdrawnOf`, chain, model, STATUS_NAMES);
      for (const side of [0, 1] as const) {
        const k = keys[2 * i + side];
        const chainKey = {
          current: k.current.toLowerCase(),
          changedAt: k.changedAt,
          previous: k.previous.toLowerCase(),
        };
        const mk = c.keyChanged[side] ? c.keys[side] : { current: ZeroAddress, changedAt: 0n, previous: ZeroAddress };
        const modelKey = {
          current: mk.current.toLowerCase(),
          changedAt: mk.changedAt,
          previous: mk.previous.toLowerCase(),
        };
        if (JSON.stringify(chainKey, big) !== JSON.stringify(modelKey, big)) {
          this.fail(
            `keyChangeOf(ch#${i}, side ${side + 1}) = ${JSON.stringify(chainKey, big)}, the model says ${JSON.stringify(modelKey, big)}`,
          );
        }
      }
    });

    for (const { asset, balance, accounts } of perAsset) {
      const credits = this.checkAccounts(asset, accounts);
      let live = 0n;
      let held = 0n;
      // From the chain's numbers: deposits while open from channelInfo; the record's and the pending locks' amounts
      // are behind commitments the model's values were just checked against.
      m.order.forEach((c, i) => {
        if (c.terms.token.toLowerCase() !== asset.address.toLowerCase()) return;
        const s = infos[i];
        const status = Number(s.status);
        if (status === Status.Open) live += s.deposit1 + s.deposit2 - withdrawn[i][0] - withdrawn[i][1];
        if (status === Status.Closed) {
          const r = c.record!;
          live += r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
        }
        if (status === Status.Settled && c.pending !== null) held += c.pending.held12 + c.pending.held21;
      });
      const donated = this.donated.get(asset.address) ?? 0n;
      this.checkSolvency(
        asset,
        balance - donated,
        [
          ["open and closed", live],
          ["held locks", held],
          ["credits", credits],
        ],
        m.liabilities(asset.address),
      );
    }
  }
}

// ------------------------------------------------------------------ coverage

/** Outcomes that every default run must reach, so that a regression of the generators cannot go unnoticed. */
function checkCoverage(s: ActionStats, runs: number): void {
  if (runs < 20) return;
  const ok = (k: string) => s[k]?.ok ?? 0;
  const reverted = (k: string) => s[k]?.reverted ?? 0;
  for (const k of [
    "open",
    "deposit",
    "coopWithdraw",
    "coopClose",
    "close",
    "close by stale",
    "update",
    "updateFor",
    "settle",
    "drive by settle",
    "drive by unlock",
    "unlock",
    "register",
    "setKey",
    "withdraw",
  ]) {
    expect(ok(k), `${k} never succeeded`).to.be.greaterThan(0);
  }
  for (const k of ["close", "update", "updateFor", "settle", "unlock", "coopWithdraw", "coopClose"]) {
    expect(reverted(k), `${k} never reverted`).to.be.greaterThan(0);
  }
  expect(ok("channels settled exactly per their latest acknowledged proofs")).to.be.greaterThan(runs / 2);
}

describeProperty({
  suite: "PaymentChannels: stateful property test against a reference model (§4–§7, §9)",
  title:
    "every sequence keeps chain and model in agreement and solvent, and drives every channel to settlement as its latest acknowledged proofs say",
  arbitrary: sequenceArb,
  env: ENV,
  testFile: TEST_FILE,
  stats,
  deploy: deployWorld,
  newRun: (world) => new Run(world),
  after: checkCoverage,
});
