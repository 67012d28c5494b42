// Reference model of PaymentChannels (docs/payment-channels.md §2–§7, §9), for the stateful property test
// (test/payment-channels/PaymentChannels.property.test.ts). Written from the spec, not from the contract: for every
// call it predicts either the set of errors the call may revert with (every rule the call breaks; the spec does not
// order the checks) or success, in which case it applies the call's effects: the channel's slot (status, flags,
// deposits, closesAt, the commitment of the record or of the pending locks), the withdrawal totals, the session
// keys, the secret registry, and the payouts pushed or credited.
//
// It also plays both peers off-chain: per channel and direction the balance proofs the sender signed (cumulative
// `transferred`, the pending locks and their root, the nonce), which of them the receiver acknowledged, and the
// sender's pending locks; and it computes what each participant must end up with (§5) from the latest acknowledged
// proofs alone, independently of what was recorded on-chain.
import { AbiCoder, ZeroAddress, keccak256, sha256, solidityPacked, toBeHex, zeroPadValue } from "ethers";
import { PullPaymentsModel } from "./pull-payments-model";

export const Status = { None: 0, Open: 1, Closed: 2, Settled: 3 } as const;
export type StatusValue = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ["None", "Open", "Closed", "Settled"] as const;

export const LIMITS = {
  MIN_CHALLENGE_PERIOD: 3_600n,
  MAX_CHALLENGE_PERIOD: 30n * 86_400n,
  MAX_AMOUNT: 2n ** 104n - 1n,
  MAX_PROOF_AMOUNT: 2n ** 128n - 1n,
} as const;

const coder = AbiCoder.defaultAbiCoder();
const lc = (a: string): string => a.toLowerCase();
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const COMMITMENT_MASK = ((1n << 256n) - 1n) ^ ((1n << 56n) - 1n);
const ZERO32 = zeroPadValue("0x", 32);

/** The immutable terms (§2 `Channel`). */
export interface Terms {
  participant1: string;
  participant2: string;
  token: string;
  key1: string;
  challengePeriod: bigint;
  salt: bigint;
}

export interface Lock {
  amount: bigint;
  expiry: bigint;
  secretHash: string;
}

export interface BalanceProof {
  nonce: bigint;
  transferred: bigint;
  locked: bigint;
  locksRoot: string;
}

export interface Direction extends BalanceProof {
  rewardee: string;
  reward: bigint;
}

export interface ChannelRecord {
  deposit1: bigint;
  deposit2: bigint;
  withdrawn1: bigint;
  withdrawn2: bigint;
  d12: Direction;
  d21: Direction;
}

export interface PendingLocks {
  locksRoot12: string;
  held12: bigint;
  locksRoot21: string;
  held21: bigint;
}

export interface KeyChange {
  current: string;
  changedAt: bigint;
  previous: string;
}

/** A balance proof the sender signed, as the receiver holds it. */
export interface SignedProof extends BalanceProof {
  /** 0: participant1 → participant2, 1: participant2 → participant1. */
  dir: 0 | 1;
  locks: Lock[];
  /** The key that signed (an EOA address: the participant, its session key, or a wallet's owner). */
  key: string;
  /** Signed beyond what the sender had (the receiver never acknowledges it; it may still submit it). */
  rogue: boolean;
  /** The EIP-712 struct hash, which a Reward names. */
  hash: string;
  signature: string;
}

/** A receiver's `Reward` authorisation for a watchtower. */
export interface RewardAuth {
  key: string;
  proofHash: string;
  watchtower: string;
  amount: bigint;
}

export interface ModelChannel {
  id: string;
  terms: Terms;
  status: StatusValue;
  deposit: [bigint, bigint];
  withdrawn: [bigint, bigint];
  withdrawnFlag: boolean;
  keyChanged: [boolean, boolean];
  keys: [KeyChange, KeyChange];
  closesAt: bigint;
  record: ChannelRecord | null;
  pending: PendingLocks | null;
  /** Per direction, the proofs signed, in signing order (the last is the sender's current state). */
  sent: [SignedProof[], SignedProof[]];
  /** Per direction, the highest nonce the receiver acknowledged. */
  acked: [bigint, bigint];
  /** Per direction, the locks of each lock list ever signed, by root (unlock needs the list). */
  lockLists: Map<string, Lock[]>;
  /** What each participant was paid by this channel (pushed or credited), and what watchtowers were. */
  paid: [bigint, bigint];
  rewardsPaid: bigint;
  /** Per participant, the watchtower rewards settlement took out of its share. */
  rewardFrom: [bigint, bigint];
  /** Per direction, when its locks were unlocked (a lock whose secret was registered later is lost, §5). */
  unlockedAt: [bigint | null, bigint | null];
  /** Settled by `settle` with both directions' latest acknowledged proofs recorded (§9's last invariant applies). */
  honest: boolean;
  /** A rogue proof (more than the sender had) was recorded: the exact end-to-end check does not apply. */
  rogue: boolean;
  /** Closed cooperatively: paid what both signed, not what the proofs say. */
  cooperative: [bigint, bigint] | null;
}

export interface ModelEnv {
  contract: string;
  chainId: bigint;
  blocklistToken: string;
  /** ERC-1271 wallets and the EOA whose signatures each accepts. */
  erc1271Owners: ReadonlyMap<string, string>;
  /** Addresses with code. */
  contracts: ReadonlySet<string>;
}

export type Prediction = string[];

const EMPTY_DIRECTION: Direction = {
  nonce: 0n,
  transferred: 0n,
  locked: 0n,
  locksRoot: ZERO32,
  rewardee: ZeroAddress,
  reward: 0n,
};
const NO_KEY: KeyChange = { current: ZeroAddress, changedAt: 0n, previous: ZeroAddress };

// ------------------------------------------------------------------ encodings (§2, §3)

const TERMS_TYPE = "tuple(address,address,address,address,uint32,uint32)";
const DIRECTION_TYPE = "tuple(uint64,uint256,uint256,bytes32,address,uint256)";
const RECORD_TYPE = `tuple(uint256,uint256,uint256,uint256,${DIRECTION_TYPE},${DIRECTION_TYPE})`;

export function termsTuple(t: Terms): unknown[] {
  return [t.participant1, t.participant2, t.token, t.key1, t.challengePeriod, t.salt];
}

export function channelIdOf(chainId: bigint, contract: string, t: Terms): string {
  return keccak256(coder.encode(["uint256", "address", TERMS_TYPE], [chainId, contract, termsTuple(t)]));
}

const dirTuple = (d: Direction): unknown[] => [d.nonce, d.transferred, d.locked, d.locksRoot, d.rewardee, d.reward];

export function recordTuple(r: ChannelRecord): unknown[] {
  return [r.deposit1, r.deposit2, r.withdrawn1, r.withdrawn2, dirTuple(r.d12), dirTuple(r.d21)];
}

/** keccak256(abi.encode(record)) with its low 56 bits cleared. */
export function commitRecord(r: ChannelRecord): bigint {
  return BigInt(keccak256(coder.encode([RECORD_TYPE], [recordTuple(r)]))) & COMMITMENT_MASK;
}

export function pendingTuple(p: PendingLocks): unknown[] {
  return [p.locksRoot12, p.held12, p.locksRoot21, p.held21];
}

export function commitPending(p: PendingLocks): bigint {
  if (p.held12 === 0n && p.held21 === 0n) return 0n;
  return (
    BigInt(keccak256(coder.encode(["tuple(bytes32,uint256,bytes32,uint256)"], [pendingTuple(p)]))) & COMMITMENT_MASK
  );
}

export function locksTuple(locks: readonly Lock[]): unknown[] {
  return locks.map((l) => [l.amount, l.expiry, l.secretHash]);
}

/** keccak256(abi.encode(Lock[])); the root of no locks is 0 (§2). */
export function locksRootOf(locks: readonly Lock[]): string {
  if (locks.length === 0) return ZERO32;
  return keccak256(coder.encode(["tuple(uint96,uint40,bytes32)[]"], [locksTuple(locks)]));
}

/** sha256 of the 32-byte secret (§3). */
export function secretHashOf(secret: string): string {
  return sha256(solidityPacked(["bytes32"], [secret]));
}

export function secretOf(index: number): string {
  return zeroPadValue(toBeHex(0x5ec7e7n * 1_000n + BigInt(index)), 32);
}

/** §5: what settlement pays from a record. */
export function settlementOf(r: ChannelRecord) {
  const total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
  let a1 = r.deposit1 - r.withdrawn1 + r.d21.transferred - r.d12.transferred;
  if (a1 < 0n) a1 = 0n;
  if (a1 > total) a1 = total;
  const a2 = total - a1;
  const held12 = min(r.d12.locked, a1);
  const held21 = min(r.d21.locked, a2);
  const rest1 = a1 - held12;
  const rest2 = a2 - held21;
  // A direction's reward comes out of its receiver's share, capped at it.
  const reward21 = r.d21.rewardee !== ZeroAddress ? min(r.d21.reward, rest1) : 0n;
  const reward12 = r.d12.rewardee !== ZeroAddress ? min(r.d12.reward, rest2) : 0n;
  return { amount1: rest1 - reward21, amount2: rest2 - reward12, reward12, reward21, held12, held21 };
}

// ------------------------------------------------------------------ the model

export class PaymentChannelsModel extends PullPaymentsModel {
  readonly channels = new Map<string, ModelChannel>();
  readonly order: ModelChannel[] = [];
  /** secretHash → time of its first registration. */
  readonly secrets = new Map<string, bigint>();

  constructor(readonly env: ModelEnv) {
    super(env.contract, env.blocklistToken);
  }

  idOf(t: Terms): string {
    return channelIdOf(this.env.chainId, this.env.contract, t);
  }

  participant(c: ModelChannel, side: 0 | 1): string {
    return side === 0 ? c.terms.participant1 : c.terms.participant2;
  }

  sideOf(c: ModelChannel, account: string): 0 | 1 | null {
    if (lc(account) === lc(c.terms.participant1)) return 0;
    if (lc(account) === lc(c.terms.participant2)) return 1;
    return null;
  }

  /** §9: what the contract must hold in `token`: open and closed channels' deposits − withdrawals, settled
   * channels' held lock amounts, and every credit. */
  liabilities(token: string): bigint {
    let total = 0n;
    for (const c of this.order) {
      if (lc(c.terms.token) !== lc(token)) continue;
      if (c.status === Status.Open || c.status === Status.Closed) {
        total += c.deposit[0] + c.deposit[1] - c.withdrawn[0] - c.withdrawn[1];
      } else if (c.status === Status.Settled && c.pending !== null) {
        total += c.pending.held12 + c.pending.held21;
      }
    }
    return total + this.creditsIn(token);
  }

  /** The slot's commitment as `channelInfo` shows it (0 while open). */
  commitment(c: ModelChannel): bigint {
    if (c.status === Status.Closed) return commitRecord(c.record!);
    if (c.status === Status.Settled) return c.pending === null ? 0n : commitPending(c.pending);
    return 0n;
  }

  // -------------------------------------------------------------- signatures (§3, §7)

  /** Whether an ECDSA signature by `key` counts as `side`'s at `now`; a wallet participant's owner via ERC-1271. */
  accepts(c: ModelChannel, side: 0 | 1, key: string | null, now: bigint): boolean {
    if (key === null) return false;
    const participant = lc(this.participant(c, side));
    const k = lc(key);
    if (k === participant) return true;
    if (k !== lc(ZeroAddress)) {
      if (!c.keyChanged[side]) {
        if (side === 0 && k === lc(c.terms.key1)) return true;
      } else {
        const change = c.keys[side];
        if (k === lc(change.current)) return true;
        // Once closed, keys are judged as of the close (§7).
        const asOf = c.status === Status.Closed ? c.closesAt - c.terms.challengePeriod : now;
        if (k === lc(change.previous) && asOf <= change.changedAt + c.terms.challengePeriod) return true;
      }
    }
    const owner = this.env.erc1271Owners.get(participant);
    return owner !== undefined && lc(owner) === k;
  }

  // -------------------------------------------------------------- off-chain: the peers' ledger

  /** The latest proof of direction `dir`, or null. */
  latest(c: ModelChannel, dir: 0 | 1): SignedProof | null {
    const list = c.sent[dir].filter((p) => !p.rogue);
    return list.length === 0 ? null : list[list.length - 1];
  }

  /** The latest proof of `dir` the receiver acknowledged, or null. */
  latestAcked(c: ModelChannel, dir: 0 | 1): SignedProof | null {
    const list = c.sent[dir].filter((p) => !p.rogue && p.nonce <= c.acked[dir]);
    return list.length === 0 ? null : list[list.length - 1];
  }

  /** The next nonce of `dir`: one above every nonce the sender ever signed. */
  nextNonce(c: ModelChannel, dir: 0 | 1): bigint {
    return c.sent[dir].reduce((n, p) => (p.nonce > n ? p.nonce : n), 0n) + 1n;
  }

  /**
   * What `side` can still send or withdraw (PC-E3, PC-W1's co-signer duty): its deposit less its withdrawals, plus
   * what the other side's acknowledged proofs transferred to it, less everything its own latest proof sent or
   * locked.
   */
  available(c: ModelChannel, side: 0 | 1): bigint {
    const out = this.latest(c, side);
    const inc = this.latestAcked(c, side === 0 ? 1 : 0);
    return (
      c.deposit[side] - c.withdrawn[side] + (inc?.transferred ?? 0n) - (out?.transferred ?? 0n) - (out?.locked ?? 0n)
    );
  }

  /** The current pending locks of `dir` (the sender's latest proof's). */
  pendingLocks(c: ModelChannel, dir: 0 | 1): Lock[] {
    return this.latest(c, dir)?.locks ?? [];
  }

  /** Records a signed proof (the receiver holds it at once). */
  addProof(c: ModelChannel, p: SignedProof): void {
    c.sent[p.dir].push(p);
    c.lockLists.set(p.locksRoot, p.locks);
  }

  /**
   * §5 from the latest acknowledged proofs alone: what each side must end up with from the channel (its
   * withdrawals included), with every lock resolved by the registry (paid to the receiver iff its secret was
   * registered at or before its expiry). Valid when no proof over-promised (the peers' checks, PC-E3).
   */
  expectedTotals(c: ModelChannel): [bigint, bigint] {
    const p12 = this.latestAcked(c, 0);
    const p21 = this.latestAcked(c, 1);
    // A lock pays its receiver iff its secret was registered by its expiry, and before the unlock that resolved it:
    // an unlock before a lock's expiry returns an unregistered lock to its sender for good (see the report).
    const inTime = (locks: readonly Lock[], unlockedAt: bigint | null) =>
      locks.reduce((s, l) => {
        const at = this.secrets.get(lc(l.secretHash));
        const ok = at !== undefined && at <= l.expiry && (unlockedAt === null || at <= unlockedAt);
        return ok ? s + l.amount : s;
      }, 0n);
    const t12 = (p12?.transferred ?? 0n) + inTime(p12?.locks ?? [], c.unlockedAt[0]);
    const t21 = (p21?.transferred ?? 0n) + inTime(p21?.locks ?? [], c.unlockedAt[1]);
    return [c.deposit[0] + t21 - t12, c.deposit[1] + t12 - t21];
  }

  // -------------------------------------------------------------- on-chain: opening and funding (PC-O*, PC-D1)

  private pullErrors(caller: string, token: string, value: bigint, amount: bigint): string[] {
    if (token === ZeroAddress) return value !== amount ? ["PaymentChannelValueMismatch"] : [];
    const e: string[] = [];
    if (value !== 0n) e.push("PaymentChannelValueMismatch");
    if (this.blockedWithContract(token, caller)) e.push("Blocked", "SafeERC20FailedOperation");
    return e;
  }

  open(caller: string, t: Terms, amount: bigint, value: bigint): { errors: Prediction; ch?: ModelChannel } {
    const e: string[] = [];
    const id = this.idOf(t);
    if (lc(caller) !== lc(t.participant1)) e.push("PaymentChannelNotParticipant");
    if (
      t.participant2 === ZeroAddress ||
      lc(t.participant2) === lc(t.participant1) ||
      lc(t.participant2) === lc(this.env.contract)
    ) {
      e.push("PaymentChannelInvalidParticipants");
    }
    if (lc(t.key1) === lc(t.participant2)) e.push("PaymentChannelInvalidKey");
    if (t.challengePeriod < LIMITS.MIN_CHALLENGE_PERIOD || t.challengePeriod > LIMITS.MAX_CHALLENGE_PERIOD) {
      e.push("PaymentChannelInvalidChallengePeriod");
    }
    if (amount === 0n || amount > LIMITS.MAX_AMOUNT) e.push("PaymentChannelInvalidAmount");
    e.push(...this.pullErrors(caller, t.token, value, amount));
    if (this.channels.has(id)) e.push("PaymentChannelExists");
    if (e.length > 0) return { errors: e };
    const ch: ModelChannel = {
      id,
      terms: t,
      status: Status.Open,
      deposit: [amount, 0n],
      withdrawn: [0n, 0n],
      withdrawnFlag: false,
      keyChanged: [false, false],
      keys: [{ ...NO_KEY }, { ...NO_KEY }],
      closesAt: 0n,
      record: null,
      pending: null,
      sent: [[], []],
      acked: [0n, 0n],
      lockLists: new Map(),
      paid: [0n, 0n],
      rewardsPaid: 0n,
      rewardFrom: [0n, 0n],
      unlockedAt: [null, null],
      honest: false,
      rogue: false,
      cooperative: null,
    };
    this.channels.set(id, ch);
    this.order.push(ch);
    this.addBalance(t.token, caller, -amount);
    return { errors: [], ch };
  }

  private load(c: ModelChannel, expected: StatusValue): string[] {
    if (c.status === expected) return [];
    return c.status === Status.None ? ["PaymentChannelNotFound"] : ["PaymentChannelInvalidStatus"];
  }

  deposit(caller: string, c: ModelChannel, participant: string, amount: bigint, value: bigint): Prediction {
    const e = this.load(c, Status.Open);
    if (e.length > 0) return e;
    const side = this.sideOf(c, participant);
    if (side === null) return ["PaymentChannelNotParticipant"];
    if (amount === 0n || amount > LIMITS.MAX_AMOUNT - c.deposit[side]) e.push("PaymentChannelInvalidAmount");
    e.push(...this.pullErrors(caller, c.terms.token, value, amount));
    if (e.length > 0) return e;
    c.deposit[side] += amount;
    this.addBalance(c.terms.token, caller, -amount);
    return [];
  }

  // -------------------------------------------------------------- while open (PC-W1, PC-C1)

  private bothSigned(c: ModelChannel, caller: string, keys: [string | null, string | null], now: bigint): string[] {
    const e: string[] = [];
    for (const side of [0, 1] as const) {
      if (lc(caller) === lc(this.participant(c, side))) continue;
      if (!this.accepts(c, side, keys[side], now)) e.push("PaymentChannelInvalidSignature");
    }
    return e;
  }

  private pay(c: ModelChannel, to: string, amount: bigint, side: 0 | 1 | null): void {
    if (amount === 0n) return;
    this.payout(c.terms.token, to, amount);
    if (side !== null) c.paid[side] += amount;
    else c.rewardsPaid += amount;
  }

  cooperativeWithdraw(
    caller: string,
    c: ModelChannel,
    participant: string,
    total: bigint,
    expiry: bigint,
    keys: [string | null, string | null],
    now: bigint,
  ): Prediction {
    const e = this.load(c, Status.Open);
    if (e.length > 0) return e;
    const side = this.sideOf(c, participant);
    if (side === null) return ["PaymentChannelNotParticipant"];
    if (now > expiry) e.push("PaymentChannelExpired");
    const previous = c.withdrawn[side];
    const limit = c.deposit[0] + c.deposit[1] - c.withdrawn[side === 0 ? 1 : 0];
    if (total <= previous || total > limit) e.push("PaymentChannelInvalidWithdrawal");
    e.push(...this.bothSigned(c, caller, keys, now));
    if (e.length > 0) return e;
    c.withdrawn[side] = total;
    c.withdrawnFlag = true;
    this.pay(c, participant, total - previous, side);
    return [];
  }

  cooperativeClose(
    caller: string,
    c: ModelChannel,
    balance1: bigint,
    balance2: bigint,
    expiry: bigint,
    keys: [string | null, string | null],
    now: bigint,
  ): Prediction {
    const e = this.load(c, Status.Open);
    if (e.length > 0) return e;
    if (now > expiry) e.push("PaymentChannelExpired");
    const total = c.deposit[0] + c.deposit[1] - c.withdrawn[0] - c.withdrawn[1];
    if (balance1 + balance2 !== total) e.push("PaymentChannelInvalidBalances");
    e.push(...this.bothSigned(c, caller, keys, now));
    if (e.length > 0) return e;
    c.status = Status.Settled;
    c.pending = null;
    c.closesAt = 0n;
    c.cooperative = [balance1, balance2];
    this.pay(c, c.terms.participant1, balance1, 0);
    this.pay(c, c.terms.participant2, balance2, 1);
    return [];
  }

  // -------------------------------------------------------------- unilateral close (PC-U*, PC-S1)

  private proofErrors(c: ModelChannel, p: SignedProof, now: bigint): string[] {
    const e: string[] = [];
    if (p.transferred > LIMITS.MAX_PROOF_AMOUNT || p.locked > LIMITS.MAX_PROOF_AMOUNT) {
      e.push("PaymentChannelInvalidProof");
    }
    if (!this.accepts(c, p.dir, p.key, now)) e.push("PaymentChannelInvalidSignature");
    return e;
  }

  private direction(p: SignedProof, rewardee: string, reward: bigint): Direction {
    return {
      nonce: p.nonce,
      transferred: p.transferred,
      locked: p.locked,
      locksRoot: p.locksRoot,
      rewardee,
      reward,
    };
  }

  /** `proof` null: the closer records nothing (nonce 0). */
  close(caller: string, c: ModelChannel, proof: SignedProof | null, now: bigint): Prediction {
    const e = this.load(c, Status.Open);
    if (e.length > 0) return e;
    const closer = this.sideOf(c, caller);
    if (closer === null) return ["PaymentChannelNotParticipant"];
    // The proof is of the closer's incoming direction: the counterparty's.
    if (proof !== null && proof.nonce !== 0n) {
      if (proof.dir === closer) e.push("PaymentChannelInvalidSignature");
      else e.push(...this.proofErrors(c, proof, now));
    }
    if (e.length > 0) return e;
    const record: ChannelRecord = {
      deposit1: c.deposit[0],
      deposit2: c.deposit[1],
      withdrawn1: c.withdrawn[0],
      withdrawn2: c.withdrawn[1],
      d12: { ...EMPTY_DIRECTION },
      d21: { ...EMPTY_DIRECTION },
    };
    if (proof !== null && proof.nonce !== 0n) {
      if (closer === 0) record.d21 = this.direction(proof, ZeroAddress, 0n);
      else record.d12 = this.direction(proof, ZeroAddress, 0n);
      if (proof.rogue) c.rogue = true;
    }
    c.record = record;
    c.status = Status.Closed;
    c.closesAt = now + c.terms.challengePeriod;
    return [];
  }

  /**
   * `update` (reward null) or `updateFor` (with the receiver's reward authorisation, `rewardAmount` as submitted).
   * `recordValid`: the caller passed the channel's current record (else the commitment check fails).
   */
  update(
    caller: string,
    c: ModelChannel,
    recordValid: boolean,
    sender: string,
    proof: SignedProof,
    now: bigint,
    reward: { auth: RewardAuth | null; amount: bigint } | null,
  ): Prediction {
    const e = this.load(c, Status.Closed);
    if (e.length > 0) return e;
    if (!recordValid) e.push("PaymentChannelInvalidRecord");
    if (now > c.closesAt) e.push("PaymentChannelChallengeOver");
    const senderSide = this.sideOf(c, sender);
    if (senderSide === null) return [...e, "PaymentChannelNotParticipant"];
    const receiverSide = senderSide === 0 ? 1 : 0;
    if (reward === null && lc(caller) !== lc(this.participant(c, receiverSide))) {
      e.push("PaymentChannelNotParticipant");
    }
    const recorded = senderSide === 0 ? c.record!.d12.nonce : c.record!.d21.nonce;
    if (proof.nonce <= recorded) e.push("PaymentChannelStaleProof");
    // A proof of the other direction is "signed" by the wrong side.
    if (proof.dir !== senderSide) e.push("PaymentChannelInvalidSignature");
    else e.push(...this.proofErrors(c, proof, now));
    if (reward !== null) {
      const a = reward.auth;
      const ok =
        a !== null &&
        this.accepts(c, receiverSide, a.key, now) &&
        lc(a.watchtower) === lc(caller) &&
        a.amount === reward.amount &&
        a.proofHash === proof.hash;
      if (!ok) e.push("PaymentChannelInvalidSignature");
    }
    if (e.length > 0) return e;
    const d = this.direction(proof, reward !== null ? caller : ZeroAddress, reward !== null ? reward.amount : 0n);
    if (senderSide === 0) c.record!.d12 = d;
    else c.record!.d21 = d;
    if (proof.rogue) c.rogue = true;
    return [];
  }

  settle(c: ModelChannel, recordValid: boolean, now: bigint): Prediction {
    const e = this.load(c, Status.Closed);
    if (e.length > 0) return e;
    if (!recordValid) e.push("PaymentChannelInvalidRecord");
    if (now <= c.closesAt) e.push("PaymentChannelChallengeNotOver");
    if (e.length > 0) return e;
    const r = c.record!;
    const s = settlementOf(r);
    c.pending =
      s.held12 === 0n && s.held21 === 0n
        ? null
        : {
            locksRoot12: s.held12 === 0n ? ZERO32 : r.d12.locksRoot,
            held12: s.held12,
            locksRoot21: s.held21 === 0n ? ZERO32 : r.d21.locksRoot,
            held21: s.held21,
          };
    c.status = Status.Settled;
    c.closesAt = 0n;
    c.rewardFrom = [s.reward21, s.reward12];
    c.honest =
      !c.rogue &&
      r.d12.nonce === (this.latestAcked(c, 0)?.nonce ?? 0n) &&
      r.d21.nonce === (this.latestAcked(c, 1)?.nonce ?? 0n);
    this.pay(c, c.terms.participant1, s.amount1, 0);
    this.pay(c, c.terms.participant2, s.amount2, 1);
    this.pay(c, r.d12.rewardee, s.reward12, null);
    this.pay(c, r.d21.rewardee, s.reward21, null);
    return [];
  }

  // -------------------------------------------------------------- hash locks (PC-L*)

  registerSecret(secret: string, now: bigint): Prediction {
    const h = lc(secretHashOf(secret));
    if (this.secrets.has(h)) return ["PaymentChannelSecretKnown"];
    this.secrets.set(h, now);
    return [];
  }

  /** `locks` as submitted; `pendingValid`: the caller passed the channel's current pending locks. */
  unlock(c: ModelChannel, sender: string, locks: readonly Lock[], pendingValid: boolean, now: bigint): Prediction {
    const e = this.load(c, Status.Settled);
    if (e.length > 0) return e;
    const side = this.sideOf(c, sender);
    if (side === null) return ["PaymentChannelNotParticipant"];
    const p = c.pending;
    const held = p === null ? 0n : side === 0 ? p.held12 : p.held21;
    if (p === null || held === 0n) return ["PaymentChannelNothingToUnlock"];
    if (!pendingValid) e.push("PaymentChannelInvalidRecord");
    const root = side === 0 ? p.locksRoot12 : p.locksRoot21;
    if (locksRootOf(locks) !== root) e.push("PaymentChannelInvalidLocks");
    if (e.length > 0) return e;
    let toReceiver = 0n;
    for (const l of locks) {
      const at = this.secrets.get(lc(l.secretHash));
      if (at !== undefined && at <= l.expiry) toReceiver += l.amount;
      // A lock that did not pay may still pay until its expiry (PC-L1).
      else if (now <= l.expiry) return ["PaymentChannelLockNotExpired"];
    }
    toReceiver = min(toReceiver, held);
    const next = { ...p };
    if (side === 0) {
      next.locksRoot12 = ZERO32;
      next.held12 = 0n;
    } else {
      next.locksRoot21 = ZERO32;
      next.held21 = 0n;
    }
    c.pending = next.held12 === 0n && next.held21 === 0n ? null : next;
    c.unlockedAt[side] = now;
    const receiver = side === 0 ? 1 : 0;
    this.pay(c, this.participant(c, receiver), toReceiver, receiver);
    this.pay(c, sender, held - toReceiver, side);
    return [];
  }

  // -------------------------------------------------------------- session keys (§7)

  setSessionKey(caller: string, c: ModelChannel, key: string, now: bigint): Prediction {
    const e = this.load(c, Status.Open);
    if (e.length > 0) return e;
    const side = this.sideOf(c, caller);
    if (side === null) return ["PaymentChannelNotParticipant"];
    if (lc(key) === lc(this.participant(c, side === 0 ? 1 : 0))) e.push("PaymentChannelInvalidKey");
    let previous = side === 0 ? c.terms.key1 : ZeroAddress;
    if (c.keyChanged[side]) {
      const last = c.keys[side];
      if (now <= last.changedAt + c.terms.challengePeriod) e.push("PaymentChannelKeyChangePending");
      previous = last.current;
    }
    if (e.length > 0) return e;
    c.keyChanged[side] = true;
    c.keys[side] = { current: key, changedAt: now, previous };
    return [];
  }

  /** The key `side` signs with now: its own (an EOA), its wallet's owner, or its current session key; null if none. */
  signingKey(c: ModelChannel, side: 0 | 1, ownKey: string | null): string | null {
    if (c.keyChanged[side] && c.keys[side].current !== ZeroAddress) return c.keys[side].current;
    if (ownKey !== null) return ownKey;
    if (!c.keyChanged[side] && side === 0 && c.terms.key1 !== ZeroAddress) return c.terms.key1;
    return null;
  }
}
