// Pure functions that mirror the contract's views (docs/payment-channels.md §2, §3, §5): channel ids, the lock root,
// secret hashes, the record commitment and the settlement arithmetic, and the lock-list edits a sender makes.
import { AbiCoder, ZeroAddress, ZeroHash, keccak256, sha256 } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { requireAddress, requireBigInt, requireHex, requireInteger, requireThat } from "../internal/validate";
import type { PaymentChannelsDeployment } from "./typed-data";
import {
  PAYMENT_CHANNEL_LIMITS as LIMITS,
  toPaymentChannelId,
  type BalanceProof,
  type Direction,
  type Lock,
  type PaymentChannel,
  type PaymentChannelId,
  type PaymentChannelRecord,
  type PendingLocks,
  type Settlement,
} from "./types";

const UINT32_MAX = 2 ** 32 - 1;
const UINT256_BOUND = 1n << 256n;
const coder = AbiCoder.defaultAbiCoder();

const CHANNEL_TUPLE = "tuple(address,address,address,address,uint32,uint32)";
const DIRECTION_TUPLE = "tuple(uint64,uint256,uint256,bytes32,address,uint256)";
const RECORD_TUPLE = `tuple(uint256,uint256,uint256,uint256,${DIRECTION_TUPLE},${DIRECTION_TUPLE})`;
const LOCKS_ARRAY = "tuple(uint96,uint40,bytes32)[]";
const PENDING_TUPLE = "tuple(bytes32,uint256,bytes32,uint256)";
/** The low 56 bits of a commitment, cleared: the slot keeps them for status, flags and closesAt. */
const COMMITMENT_MASK = ((1n << 256n) - 1n) ^ ((1n << 56n) - 1n);

/**
 * Checks a channel's terms and returns them normalised (checksummed addresses, integer widths as the contract's).
 *
 * @throws {InvalidParameterError} a field is malformed or out of its Solidity type's range.
 * @example
 * ```ts
 * const channel = normalizePaymentChannel(event.channel);
 * ```
 */
export function normalizePaymentChannel(channel: PaymentChannel): PaymentChannel {
  if (channel === null || typeof channel !== "object") {
    throw new InvalidParameterError({ parameter: "channel", value: channel, reason: "must be a PaymentChannel" });
  }
  return {
    participant1: requireAddress("channel.participant1", channel.participant1),
    participant2: requireAddress("channel.participant2", channel.participant2),
    token: requireAddress("channel.token", channel.token),
    key1: requireAddress("channel.key1", channel.key1),
    challengePeriod: requireInteger("channel.challengePeriod", channel.challengePeriod, 0, UINT32_MAX),
    salt: requireInteger("channel.salt", channel.salt, 0, UINT32_MAX),
  };
}

/** The terms as the ABI tuple the contract takes. */
export function channelTuple(c: PaymentChannel): unknown[] {
  return [c.participant1, c.participant2, c.token, c.key1, c.challengePeriod, c.salt];
}

/**
 * A channel's id, as the contract's `computeChannelId`: `keccak256(abi.encode(chainId, contract, channel))`.
 *
 * @example
 * ```ts
 * const channelId = computePaymentChannelId({ chainId: 31_337n, contract, channel });
 * ```
 */
export function computePaymentChannelId({
  chainId,
  contract,
  channel,
}: PaymentChannelsDeployment & { channel: PaymentChannel }): PaymentChannelId {
  const encoded = coder.encode(
    ["uint256", "address", CHANNEL_TUPLE],
    [
      requireBigInt("chainId", BigInt(chainId), 1n),
      requireAddress("contract", contract),
      channelTuple(normalizePaymentChannel(channel)),
    ],
  );
  return toPaymentChannelId(keccak256(encoded));
}

/**
 * Checks a lock (amount a uint96, expiry a uint40, a 32-byte secret hash) and returns it normalised.
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const lock = normalizeLock({ amount: 10n, expiry: now + 600, secretHash: hash });
 * ```
 */
export function normalizeLock(lock: Lock, parameter = "lock"): Lock {
  requireThat(lock !== null && typeof lock === "object", parameter, lock, "must be a Lock");
  return {
    amount: requireBigInt(`${parameter}.amount`, lock.amount, 0n, LIMITS.lockAmountBound),
    expiry: requireInteger(`${parameter}.expiry`, lock.expiry, 0, LIMITS.lockExpiryMax),
    secretHash: requireHex(`${parameter}.secretHash`, lock.secretHash, 32),
  };
}

function normalizeLocks(locks: readonly Lock[]): Lock[] {
  requireThat(Array.isArray(locks), "locks", locks, "must be an array of locks");
  return locks.map((lock, i) => normalizeLock(lock, `locks[${i}]`));
}

/**
 * The contract's `hashLocks`: `keccak256(abi.encode(locks))`, what `unlock` checks a lock list against. For a
 * proof's root use {@link locksRootOf}, which is `ZeroHash` for no locks.
 *
 * @example
 * ```ts
 * if (hashLocks(locks) !== pending.locksRoot12) throw new Error("not the pending locks");
 * ```
 */
export function hashLocks(locks: readonly Lock[]): string {
  const checked = normalizeLocks(locks);
  return keccak256(coder.encode([LOCKS_ARRAY], [checked.map((l) => [l.amount, l.expiry, l.secretHash])]));
}

/**
 * A proof's `locksRoot` for its pending locks: {@link hashLocks} of them, or `ZeroHash` when there are none (docs/
 * payment-channels.md §2: "0 for none"; nothing is held, so nothing is ever unlocked against it).
 *
 * @example
 * ```ts
 * const proof = { nonce, transferred, locked: lockedAmount(locks), locksRoot: locksRootOf(locks) };
 * ```
 */
export function locksRootOf(locks: readonly Lock[]): string {
  return normalizeLocks(locks).length === 0 ? ZeroHash : hashLocks(locks);
}

/**
 * The SHA-256 of a 32-byte secret: what a lock names, and what `registerSecret(secret)` registers. SHA-256, so that
 * one secret can also unlock a Bitcoin HTLC.
 *
 * @throws {InvalidParameterError} the secret is not 32 bytes.
 * @example
 * ```ts
 * const secret = hexlify(randomBytes(32));
 * const lock = { amount: 50n, expiry: now + 3_600, secretHash: secretHash(secret) };
 * ```
 */
export function secretHash(secret: string): string {
  return sha256(requireHex("secret", secret, 32));
}

/**
 * The sum of the locks' amounts: a proof's `locked`.
 *
 * @example
 * ```ts
 * const locked = lockedAmount(locks);
 * ```
 */
export function lockedAmount(locks: readonly Lock[]): bigint {
  return normalizeLocks(locks).reduce((sum, lock) => sum + lock.amount, 0n);
}

/**
 * A new lock list with `lock` appended, as a sender builds its next proof. Refuses a 33rd lock (`MAX_LOCKS`, which a
 * receiver refuses too) and a second lock with the same secret hash (a lock is removed by its hash).
 *
 * @throws {InvalidParameterError} the lock is malformed, the list full, or its secret hash already pending.
 * @example
 * ```ts
 * const locks = addLock({ locks: current, lock: { amount: 100n, expiry: now + 3_600, secretHash: hash } });
 * ```
 */
export function addLock({ locks, lock }: { locks: readonly Lock[]; lock: Lock }): Lock[] {
  const checked = normalizeLocks(locks);
  const added = normalizeLock(lock);
  requireThat(checked.length < LIMITS.maxLocks, "locks", locks.length, `holds ${LIMITS.maxLocks} locks already`);
  requireThat(
    checked.every((l) => l.secretHash !== added.secretHash),
    "lock.secretHash",
    added.secretHash,
    "is already locked in this direction",
  );
  return [...checked, added];
}

/**
 * A new lock list without the lock of `secretHash` (resolved: paid as a transfer, or expired back), and that lock.
 *
 * @throws {InvalidParameterError} no lock has this secret hash.
 * @example
 * ```ts
 * const { locks: rest, removed } = removeLock({ locks, secretHash: hash });
 * const next = { nonce: proof.nonce + 1n, transferred: proof.transferred + removed.amount, locked: lockedAmount(rest), locksRoot: locksRootOf(rest) };
 * ```
 */
export function removeLock({ locks, secretHash: hash }: { locks: readonly Lock[]; secretHash: string }): {
  locks: Lock[];
  removed: Lock;
} {
  const checked = normalizeLocks(locks);
  const target = requireHex("secretHash", hash, 32);
  const index = checked.findIndex((l) => l.secretHash === target);
  requireThat(index >= 0, "secretHash", hash, "no pending lock has this secret hash");
  return { locks: checked.filter((_, i) => i !== index), removed: checked[index] };
}

/**
 * Checks a balance proof's field widths (nonce a uint64, amounts uint256, a 32-byte root) and normalises it.
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const proof = normalizeBalanceProof(message.proof);
 * ```
 */
export function normalizeBalanceProof(proof: BalanceProof, parameter = "proof"): BalanceProof {
  requireThat(proof !== null && typeof proof === "object", parameter, proof, "must be a BalanceProof");
  return {
    nonce: requireBigInt(`${parameter}.nonce`, proof.nonce, 0n, LIMITS.nonceBound),
    transferred: requireBigInt(`${parameter}.transferred`, proof.transferred, 0n, UINT256_BOUND),
    locked: requireBigInt(`${parameter}.locked`, proof.locked, 0n, UINT256_BOUND),
    locksRoot: requireHex(`${parameter}.locksRoot`, proof.locksRoot, 32),
  };
}

function normalizeDirection(direction: Direction, parameter: string): Direction {
  return {
    ...normalizeBalanceProof(direction, parameter),
    rewardee: requireAddress(`${parameter}.rewardee`, direction.rewardee),
    reward: requireBigInt(`${parameter}.reward`, direction.reward, 0n, UINT256_BOUND),
  };
}

/**
 * Checks a record's field widths and normalises it.
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const record = normalizeRecord(event.record);
 * ```
 */
export function normalizeRecord(record: PaymentChannelRecord): PaymentChannelRecord {
  requireThat(record !== null && typeof record === "object", "record", record, "must be a PaymentChannelRecord");
  return {
    deposit1: requireBigInt("record.deposit1", record.deposit1, 0n, UINT256_BOUND),
    deposit2: requireBigInt("record.deposit2", record.deposit2, 0n, UINT256_BOUND),
    withdrawn1: requireBigInt("record.withdrawn1", record.withdrawn1, 0n, UINT256_BOUND),
    withdrawn2: requireBigInt("record.withdrawn2", record.withdrawn2, 0n, UINT256_BOUND),
    d12: normalizeDirection(record.d12, "record.d12"),
    d21: normalizeDirection(record.d21, "record.d21"),
  };
}

/** A direction as the ABI tuple the contract takes. */
function directionTuple(d: Direction): unknown[] {
  return [d.nonce, d.transferred, d.locked, d.locksRoot, d.rewardee, d.reward];
}

/** A record as the ABI tuple the contract takes. */
export function recordTuple(record: PaymentChannelRecord): unknown[] {
  const r = normalizeRecord(record);
  return [r.deposit1, r.deposit2, r.withdrawn1, r.withdrawn2, directionTuple(r.d12), directionTuple(r.d21)];
}

/**
 * The commitment a closed channel's slot holds for `record`, as the contract's `hashRecord`:
 * `keccak256(abi.encode(record))` with its low 56 bits cleared.
 *
 * @example
 * ```ts
 * if (hashRecord(record) !== info.commitment) throw new Error("not this channel's record");
 * ```
 */
export function hashRecord(record: PaymentChannelRecord): string {
  return commitment(keccak256(coder.encode([RECORD_TUPLE], [recordTuple(record)])));
}

/**
 * The commitment a settled channel's slot holds for its pending locks: `keccak256(abi.encode(pending))`, low 56 bits
 * cleared; `ZeroHash` when nothing is held in either direction.
 *
 * @example
 * ```ts
 * if (hashPendingLocks(pending) !== info.commitment) throw new Error("stale pending locks");
 * ```
 */
export function hashPendingLocks(pending: PendingLocks): string {
  const p = normalizePendingLocks(pending);
  if (p.held12 === 0n && p.held21 === 0n) return ZeroHash;
  return commitment(keccak256(coder.encode([PENDING_TUPLE], [pendingTuple(p)])));
}

/**
 * Checks the pending locks' fields and normalises them.
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const pending = normalizePendingLocks(event.pending);
 * ```
 */
export function normalizePendingLocks(pending: PendingLocks): PendingLocks {
  requireThat(pending !== null && typeof pending === "object", "pending", pending, "must be PendingLocks");
  return {
    locksRoot12: requireHex("pending.locksRoot12", pending.locksRoot12, 32),
    held12: requireBigInt("pending.held12", pending.held12, 0n, UINT256_BOUND),
    locksRoot21: requireHex("pending.locksRoot21", pending.locksRoot21, 32),
    held21: requireBigInt("pending.held21", pending.held21, 0n, UINT256_BOUND),
  };
}

/** Pending locks as the ABI tuple the contract takes. */
export function pendingTuple(p: PendingLocks): unknown[] {
  return [p.locksRoot12, p.held12, p.locksRoot21, p.held21];
}

function commitment(hash: string): string {
  return "0x" + (BigInt(hash) & COMMITMENT_MASK).toString(16).padStart(64, "0");
}

/**
 * What settling `record` pays, exactly as the contract's `settlementOf` view (docs/payment-channels.md §5): the
 * balances clamped to what the channel holds, the locked amounts held back from their sender's share, and each
 * watchtower's reward taken from the share of the receiver who signed it, capped at that share.
 *
 * @throws {InvalidParameterError} the record is malformed, or withdraws more than it deposits.
 * @example
 * ```ts
 * const { amount1, amount2 } = settlementOf(record);
 * ```
 */
export function settlementOf(record: PaymentChannelRecord): Settlement {
  const r = normalizeRecord(record);
  const total = r.deposit1 + r.deposit2 - r.withdrawn1 - r.withdrawn2;
  requireThat(total >= 0n, "record", record, "withdraws more than it deposits");
  const a1 = r.deposit1 - r.withdrawn1 + r.d21.transferred - r.d12.transferred;
  const share1 = a1 < 0n ? 0n : a1 > total ? total : a1;
  const share2 = total - share1;
  const held12 = min(r.d12.locked, share1);
  const held21 = min(r.d21.locked, share2);
  // d12's reward was signed by participant2 (the receiver of 1→2): it comes out of participant2's share.
  const reward12 = r.d12.rewardee === ZeroAddress ? 0n : min(r.d12.reward, share2 - held21);
  const reward21 = r.d21.rewardee === ZeroAddress ? 0n : min(r.d21.reward, share1 - held12);
  return {
    amount1: share1 - held12 - reward21,
    amount2: share2 - held21 - reward12,
    reward12,
    reward21,
    held12,
    held21,
  };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
