import { ZeroAddress, type ContractRunner } from "ethers";
import type { IHashedTimelocks } from "../../typechain-types/contracts/interfaces/IHashedTimelocks";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import type { TransactionSubmitter } from "../submitter/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodeHashedTimelocksError } from "./abi";
import {
  chainHead,
  createHashedTimelocksContext,
  resolveLock,
  send,
  type HashedTimelocksContext,
} from "./actions/context";
import * as finish from "./actions/finish";
import * as locking from "./actions/lock";
import * as read from "./actions/read";
import type * as P from "./parameters";
import type { HashedTimelock, HashedTimelockId, HashedTimelockStatus } from "./types";

/**
 * A client of the hashed timelocks (docs/atomic-swaps.md): lock ETH or an ERC20 for a receiver under a SHA-256
 * hashlock and a timelock (with or without a safety deposit, with an approval or a permit), claim with the secret,
 * refund after the timelock, read a lock's status and terms, list an account's locks, and find the secret a claim
 * revealed. Every action also exists as `buildX`, returning `{ to, data, value }` without sending. The swap protocol
 * between two chains is {@link AtomicSwap}'s.
 *
 * @example
 * ```ts
 * const alice = new HashedTimelocksClient({ address: HASHED_TIMELOCKS, runner: aliceWallet });
 * const { secret, hashlock } = createSecret();
 * const { lock } = await alice.lock({ receiver: bob, amount: parseEther("1"), hashlock, timelock: now + 7_200 });
 * await bobClient.claim({ lock, secret });
 * ```
 */
export class HashedTimelocksClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IHashedTimelocks;
  readonly fromBlock: number;
  readonly confirmations: number;
  /** Sends claims and refunds when given; see `HashedTimelocksClientParameters.submitter`. */
  readonly submitter: TransactionSubmitter | undefined;
  readonly #context: HashedTimelocksContext;

  constructor(params: P.HashedTimelocksClientParameters) {
    this.#context = createHashedTimelocksContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
    this.submitter = this.#context.submitter;
  }

  /**
   * A client for the deployment on the runner's chain found in the address book (the bundled book, with
   * `addressBook`'s entries added or replacing), or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const client = await HashedTimelocksClient.connect({ runner: wallet });
   * ```
   */
  static async connect(params: ConnectParameters<P.HashedTimelocksClientParameters>): Promise<HashedTimelocksClient> {
    return new HashedTimelocksClient(await connectParameters("HashedTimelocks", params, decodeHashedTimelocksError));
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await client.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  /** The latest block's timestamp, the clock timelocks are compared with. @example `const now = await client.chainTime();` */
  chainTime(): Promise<number> {
    return chainHead(this.#context).then((head) => head.timestamp);
  }

  /** The latest block number. @example `const head = await client.blockNumber();` */
  blockNumber(): Promise<number> {
    return this.#context.tx.guard(() => this.#context.tx.provider().getBlockNumber());
  }

  /**
   * The latest block's number and timestamp, read together (or those of block `blockNumber`).
   *
   * @example
   * ```ts
   * const { number, timestamp } = await client.head();
   * ```
   */
  head(params: { blockNumber?: number } = {}): Promise<{ number: number; timestamp: number }> {
    return chainHead(this.#context, params.blockNumber);
  }

  /**
   * A lock's id, computed locally (`keccak256(abi.encode(lock))`) and checked against the deployment's `lockId`.
   *
   * @throws {AtomicSwapError} `HASHED_TIMELOCK_ID_MISMATCH`: the deployment hashes the terms differently.
   * @example
   * ```ts
   * const lockId = await client.lockId({ lock });
   * ```
   */
  lockId(params: { lock: HashedTimelock }): Promise<HashedTimelockId> {
    return read.lockIdOf(this.#context, params.lock);
  }

  /**
   * A lock's terms and id, given its terms or its id (rebuilt from `Locked` and checked).
   *
   * @example
   * ```ts
   * const { lock } = await client.resolveLock({ lock: lockId });
   * ```
   */
  resolveLock(params: { lock: P.HashedTimelockRef }): Promise<{ lock: HashedTimelock; lockId: HashedTimelockId }> {
    return resolveLock(this.#context, params.lock);
  }

  /**
   * The `lock` (or `lockWithPermit`) transaction with the lock's terms and id; the sender defaults to the signer.
   *
   * @throws {InvalidParameterError} the terms break rules HT-3 or HT-5 (zero receiver, amount or hashlock; public times).
   * @example
   * ```ts
   * const { lockId, ...request } = await client.buildLock({ sender: alice, receiver: bob, amount, hashlock, timelock, salt: 1n });
   * ```
   */
  buildLock(params: P.BuildLockParameters): Promise<P.BuildLockReturnType> {
    return locking.buildLock(this.#context, params);
  }

  /**
   * Locks from the client's signer (ETH by value; an ERC20 by allowance, approval or permit), with a random salt
   * unless one is given.
   *
   * @throws {HashedTimelockLockError} the contract refused (e.g. `HASHED_TIMELOCK_INVALID_TIMELOCK`).
   * @example
   * ```ts
   * const { lock, lockId } = await client.lock({ receiver: bob, token: usdc, amount: 10_000_000n, hashlock, timelock, funding: "permit" });
   * ```
   */
  lock(params: P.LockParameters): Promise<P.LockReturnType> {
    return locking.lock(this.#context, params);
  }

  /**
   * The `claim` call; refused locally if the secret does not hash to the hashlock.
   *
   * @throws {AtomicSwapError} `ATOMIC_SWAP_WRONG_SECRET`.
   * @example
   * ```ts
   * const request = await client.buildClaim({ lock, secret });
   * ```
   */
  buildClaim(params: Omit<P.ClaimParameters, "overrides">): Promise<PreparedTransaction> {
    return finish.buildClaim(this.#context, params);
  }

  /**
   * Sends {@link HashedTimelocksClient.buildClaim}: pays the receiver and reveals the secret on-chain. Through the
   * client's `submitter`, if any, re-priced until it lands by `timelock - 1`.
   *
   * @throws {HashedTimelockStateError} e.g. `HASHED_TIMELOCK_EXPIRED` at or after the timelock.
   * @throws {SubmitterError} through a submitter: e.g. `SUBMITTER_DEADLINE_MISSED` when it could not land in time.
   * @example
   * ```ts
   * await client.claim({ lock: lockId, secret });
   * ```
   */
  claim(params: P.ClaimParameters): Promise<P.HashedTimelockWriteReturnType> {
    return finish.claim(this.#context, params);
  }

  /** The `refund` call. @example `const request = await client.buildRefund({ lock });` */
  buildRefund(params: Omit<P.RefundParameters, "overrides">): Promise<PreparedTransaction> {
    return finish.buildRefund(this.#context, params);
  }

  /**
   * Sends {@link HashedTimelocksClient.buildRefund}: at or after the timelock, back to the sender (through the
   * client's `submitter`, if any).
   *
   * @throws {HashedTimelockStateError} e.g. `HASHED_TIMELOCK_NOT_EXPIRED` before the timelock.
   * @example
   * ```ts
   * await client.refund({ lock });
   * ```
   */
  refund(params: P.RefundParameters): Promise<P.HashedTimelockWriteReturnType> {
    return finish.refund(this.#context, params);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = await client.buildWithdrawCredit({ to: me });` */
  buildWithdrawCredit(params: { token?: Address; to?: Address }): Promise<PreparedTransaction> {
    return finish.buildWithdrawCredit(this.#context, params);
  }

  /** Sends {@link HashedTimelocksClient.buildWithdrawCredit}. @example `await client.withdrawCredit({});` */
  async withdrawCredit(
    params: { token?: Address; to?: Address } & WriteParameters,
  ): Promise<P.HashedTimelockWriteReturnType> {
    return send(this.#context, await finish.buildWithdrawCredit(this.#context, params), params.overrides);
  }

  /** A lock's status now. @example `const status = await client.status({ lock: lockId });` */
  status(params: { lock: P.HashedTimelockRef }): Promise<HashedTimelockStatus> {
    return read.status(this.#context, params.lock);
  }

  /**
   * A lock's terms, status and `Locked` event (by terms or id).
   *
   * @throws {AtomicSwapError} `HASHED_TIMELOCK_NOT_FOUND`: no `Locked` event with this id from `fromBlock`.
   * @example
   * ```ts
   * const { lock, status, log } = await client.getLock({ lock: lockId });
   * ```
   */
  getLock(params: { lock: P.HashedTimelockRef }): Promise<P.HashedTimelockState> {
    return read.getLock(this.#context, params.lock);
  }

  /** `account`'s withdrawable credit in `token` (ETH when omitted). @example `const credit = await client.creditOf({ account: me });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return this.#context.tx.guard(() => this.contract.creditOf(params.token ?? ZeroAddress, params.account));
  }

  /**
   * The locks `account` sent or receives, from `Locked` events, scanned in chunks from the client's `fromBlock`.
   *
   * @example
   * ```ts
   * const { locks, nextFromBlock } = await client.locksOf({ account: me, roles: ["receiver"], withStatus: true });
   * ```
   */
  locksOf(params: P.HashedTimelocksOfParameters): Promise<P.HashedTimelocksOfReturnType> {
    return read.locksOf(this.#context, params);
  }

  /**
   * The secret a claim under `hashlock` revealed on this chain, if any, from `Claimed` events.
   *
   * @example
   * ```ts
   * const { revealed } = await client.findSecret({ hashlock });
   * if (revealed) await otherChainClient.claim({ lock, secret: revealed.secret });
   * ```
   */
  findSecret(params: P.FindSecretParameters): Promise<P.FindSecretReturnType> {
    return read.findSecret(this.#context, params);
  }
}
