// The parameter and return types of HashedTimelocksClient's methods.
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { TransactionSubmitter } from "../submitter/types";
import type { Address, EventLocation, PreparedTransaction, WriteParameters } from "../core/types";
import type { ScanPage, ScanRangeParameters } from "../internal/scan";
import type { HashedTimelockEvent } from "./events";
import type { HashedTimelock, HashedTimelockId, HashedTimelockStatus } from "./types";

/**
 * How to reach a hashed timelocks deployment.
 *
 * @example
 * ```ts
 * const params: HashedTimelocksClientParameters = { address: HASHED_TIMELOCKS, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type HashedTimelocksClientParameters = {
  /** The HashedTimelocks contract. */
  address: Address;
  /** An ethers Signer (with a provider) to send, or a Provider to read and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (terms from an id, secrets, a user's locks). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
  /**
   * Sends `claim` (deadline: the lock's `timelock - 1`, the last second the contract accepts it) and `refund` instead
   * of the runner, re-pricing them until they land (sdk/submitter). Without one a claim goes out once at the
   * provider's fee estimate and is awaited with no deadline: fine for a test or a quiet chain, but only the submitter
   * meets the protocol's assumption that a claim lands within its claim window (docs/atomic-swaps.md §6.2). Its
   * `confirmations` apply to those transactions instead of the client's; give it a key of its own, or send nothing
   * else from its key (it counts nonces locally).
   */
  submitter?: TransactionSubmitter;
};

/**
 * A lock given by its terms, or by its id (the terms are then rebuilt from its `Locked` event and checked against
 * the id).
 *
 * @example
 * ```ts
 * const ref: HashedTimelockRef = lockId;
 * ```
 */
export type HashedTimelockRef = HashedTimelock | HashedTimelockId;

/**
 * What every sending method returns: the mined receipt and the contract's events in it.
 *
 * @example
 * ```ts
 * const { receipt, events }: HashedTimelockWriteReturnType = await client.refund({ lock });
 * ```
 */
export type HashedTimelockWriteReturnType = { receipt: TransactionReceipt; events: HashedTimelockEvent[] };

/**
 * A new lock's terms as its sender chooses them: the receiver, the amount of `token` (omitted for ETH), the hashlock
 * (`sha256(secret)`), the timelock (unix seconds), an optional safety deposit with its public-completion times, and
 * a salt (random when omitted). An ERC20 is funded by the allowance in place, an exact `approve` first, or an
 * EIP-2612 `permit`.
 *
 * @example
 * ```ts
 * const params: LockParameters = { receiver: bob, amount: parseEther("1"), hashlock, timelock: now + 7_200 };
 * ```
 */
export type LockParameters = {
  receiver: Address;
  amount: bigint;
  hashlock: string;
  timelock: number;
  token?: Address;
  /** Wei on top of the amount, paid to whoever finishes the lock after the public times; default 0. */
  safetyDeposit?: bigint;
  /** With a deposit: from when a claim pays the deposit to its caller (<= timelock). */
  publicClaimAt?: number;
  /** With a deposit: from when a refund pays the deposit to its caller (>= timelock). */
  publicRefundAt?: number;
  salt?: bigint;
  funding?: "allowance" | "approve" | "permit";
  /** Unix seconds; default one hour after the latest block. */
  permitDeadline?: number;
} & WriteParameters;

/**
 * A signed EIP-2612 permit for the hashed timelocks contract, for `lockWithPermit`.
 *
 * @example
 * ```ts
 * const permit: HashedTimelockPermit = { deadline, v, r, s };
 * ```
 */
export type HashedTimelockPermit = { deadline: number; v: number; r: string; s: string };

/**
 * What `buildLock` takes: the terms, the sender (default: the client's signer) and, for `lockWithPermit`, a permit.
 *
 * @example
 * ```ts
 * const params: BuildLockParameters = { sender: alice, receiver: bob, amount: 10n, hashlock, timelock, salt: 1n };
 * ```
 */
export type BuildLockParameters = Omit<LockParameters, "funding" | "overrides" | "permitDeadline"> & {
  sender?: Address;
  permit?: HashedTimelockPermit;
};

/**
 * What `buildLock` returns: the transaction, and the terms and id of the lock it makes.
 *
 * @example
 * ```ts
 * const { to, data, value, lock, lockId }: BuildLockReturnType = await client.buildLock({ ... });
 * ```
 */
export type BuildLockReturnType = PreparedTransaction & { lock: HashedTimelock; lockId: HashedTimelockId };

/**
 * What `lock` returns: the receipt and events, the terms and id, and the approval's receipt if one was sent.
 *
 * @example
 * ```ts
 * const { lock, lockId }: LockReturnType = await client.lock({ receiver: bob, amount, hashlock, timelock });
 * ```
 */
export type LockReturnType = HashedTimelockWriteReturnType & {
  lock: HashedTimelock;
  lockId: HashedTimelockId;
  approvalReceipt?: TransactionReceipt;
};

/**
 * A claim: the lock and its 32-byte secret. Anyone may send it; the amount always goes to the lock's receiver.
 *
 * @example
 * ```ts
 * const params: ClaimParameters = { lock, secret };
 * ```
 */
export type ClaimParameters = { lock: HashedTimelockRef; secret: string } & WriteParameters;

/**
 * A refund: the lock. Anyone may send it at or after the timelock; the amount always goes back to the sender.
 *
 * @example
 * ```ts
 * const params: RefundParameters = { lock: lockId };
 * ```
 */
export type RefundParameters = { lock: HashedTimelockRef } & WriteParameters;

/**
 * A lock read from the chain: its terms and id, its status now, and where its `Locked` event is.
 *
 * @example
 * ```ts
 * const { lock, status, log }: HashedTimelockState = await client.getLock({ lock: lockId });
 * ```
 */
export type HashedTimelockState = {
  lock: HashedTimelock;
  lockId: HashedTimelockId;
  status: HashedTimelockStatus;
  log: EventLocation;
};

/**
 * The side an address takes in a lock: `sender` locked it, `receiver` is paid on a claim.
 *
 * @example
 * ```ts
 * const roles: HashedTimelockRole[] = ["receiver"];
 * ```
 */
export type HashedTimelockRole = "sender" | "receiver";

/**
 * `locksOf`: the locks in which `account` is the sender or the receiver (or the `roles` given), made in a block
 * range scanned in chunks; with `withStatus`, each lock's status too.
 *
 * @example
 * ```ts
 * const params: HashedTimelocksOfParameters = { account: me, roles: ["receiver"], withStatus: true };
 * ```
 */
export type HashedTimelocksOfParameters = ScanRangeParameters & {
  account: Address;
  roles?: readonly HashedTimelockRole[];
  withStatus?: boolean;
};

/**
 * A lock found by `locksOf`: its id and terms, where it was made, the roles the account holds, and (with
 * `withStatus`) its status at the time of the read.
 *
 * @example
 * ```ts
 * const open = locks.filter((l: AccountHashedTimelock) => l.status === HashedTimelockStatus.Locked);
 * ```
 */
export type AccountHashedTimelock = {
  lockId: HashedTimelockId;
  lock: HashedTimelock;
  log: EventLocation;
  roles: HashedTimelockRole[];
  status?: HashedTimelockStatus;
};

/**
 * What `locksOf` returns: the locks, oldest first, and where the scan stopped.
 *
 * @example
 * ```ts
 * const { locks, nextFromBlock }: HashedTimelocksOfReturnType = await client.locksOf({ account: me });
 * ```
 */
export type HashedTimelocksOfReturnType = ScanPage & { locks: AccountHashedTimelock[] };

/**
 * `findSecret`: the first claim under `hashlock` in a block range (default: from the client's `fromBlock` to the
 * latest block).
 *
 * @example
 * ```ts
 * const params: FindSecretParameters = { hashlock, fromBlock: lastSeen + 1 };
 * ```
 */
export type FindSecretParameters = ScanRangeParameters & { hashlock: string };

/**
 * A secret revealed on-chain: the secret, the lock whose claim revealed it, who claimed, and where.
 *
 * @example
 * ```ts
 * const found: RevealedSecret | undefined = (await client.findSecret({ hashlock })).revealed;
 * ```
 */
export type RevealedSecret = {
  secret: string;
  hashlock: string;
  lockId: HashedTimelockId;
  caller: Address;
  log: EventLocation;
};

/**
 * What `findSecret` returns: the secret if a claim revealed it in the range, and where the scan stopped (poll again
 * from `scannedTo + 1`).
 *
 * @example
 * ```ts
 * const { revealed, scannedTo }: FindSecretReturnType = await client.findSecret({ hashlock, fromBlock });
 * ```
 */
export type FindSecretReturnType = ScanPage & { revealed: RevealedSecret | undefined };
