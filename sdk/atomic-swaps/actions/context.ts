// What every hashed timelock action works on: the deployment, the runner (decoding the contract's reverts), and the
// terms already checked against their ids. HashedTimelocksClient is a façade over one context.
import type { Interface } from "ethers";
import type { IHashedTimelocks } from "../../../typechain-types/contracts/interfaces/IHashedTimelocks";
import { IHashedTimelocks__factory } from "../../../typechain-types/factories/contracts/interfaces/IHashedTimelocks__factory";
import type { PreparedTransaction, TransactionOverrides } from "../../core/types";
import { AtomicSwapError } from "../../errors/atomic-swaps";
import { PeerPayErrorCode } from "../../errors/codes";
import { createContractContextBase, type ContractContextBase } from "../../internal/context";
import { requireSubmitter, submitPrepared } from "../../submitter/prepared";
import type { TransactionSubmitter } from "../../submitter/types";
import { requireInteger } from "../../internal/validate";
import { decodeHashedTimelocksError, hashedTimelocksInterface } from "../abi";
import { decodeHashedTimelockEvents } from "../events";
import { computeHashedTimelockId, normalizeHashedTimelock } from "../hashing";
import type { HashedTimelockRef, HashedTimelockWriteReturnType, HashedTimelocksClientParameters } from "../parameters";
import { toHashedTimelockId, type HashedTimelock, type HashedTimelockId } from "../types";

/** A hashed timelocks client's context. */
export type HashedTimelocksContext = ContractContextBase & {
  readonly contract: IHashedTimelocks;
  /** Terms by id: immutable, and kept only once checked against their id. */
  readonly terms: Map<HashedTimelockId, HashedTimelock>;
  /** Sends claims and refunds, when given (`HashedTimelocksClientParameters.submitter`). */
  readonly submitter?: TransactionSubmitter;
};

/** Checks the client parameters and builds the context of a client. */
export function createHashedTimelocksContext(params: HashedTimelocksClientParameters): HashedTimelocksContext {
  const base = createContractContextBase({ ...params, decodeError: decodeHashedTimelocksError });
  return {
    ...base,
    contract: IHashedTimelocks__factory.connect(base.address, base.runner),
    terms: new Map(),
    submitter: requireSubmitter(params.submitter),
  };
}

/** A call of the hashed timelocks contract, as every `build*` action returns it. */
export function encodeCall(
  context: HashedTimelocksContext,
  name: "lock" | "lockWithPermit" | "claim" | "refund" | "withdraw",
  args: readonly unknown[],
  value = 0n,
): PreparedTransaction {
  return { to: context.address, data: (hashedTimelocksInterface as Interface).encodeFunctionData(name, args), value };
}

/** Estimates (decoding a revert), sends, waits for the client's confirmations, decodes the receipt's events. */
export async function send(
  context: HashedTimelocksContext,
  request: PreparedTransaction,
  overrides?: TransactionOverrides,
): Promise<HashedTimelockWriteReturnType> {
  const receipt = await context.tx.send(request, overrides);
  return { receipt, events: decodeHashedTimelockEvents({ receipt, address: context.address }) };
}

/**
 * Sends a claim or a refund: through the context's submitter when there is one (fees bumped until it lands by
 * `deadline`, its confirmations), else with {@link send}.
 */
export async function sendOnTime(
  context: HashedTimelocksContext,
  params: { request: PreparedTransaction; overrides?: TransactionOverrides; label: string; deadline?: number },
): Promise<HashedTimelockWriteReturnType> {
  const { submitter } = context;
  if (submitter === undefined) return send(context, params.request, params.overrides);
  const receipt = await submitPrepared(submitter, params);
  return { receipt, events: decodeHashedTimelockEvents({ receipt, address: context.address }) };
}

/** The latest block's (or block `blockNumber`'s) number and timestamp: the clock timelocks are compared with. */
export async function chainHead(
  context: HashedTimelocksContext,
  blockNumber?: number,
): Promise<{ number: number; timestamp: number }> {
  const tag =
    blockNumber === undefined ? "latest" : requireInteger("blockNumber", blockNumber, 0, Number.MAX_SAFE_INTEGER);
  const block = await context.tx.guard(async () => {
    const found = await context.tx.provider().getBlock(tag);
    if (found === null) throw new Error(`The provider returned no block ${tag}`);
    return found;
  });
  return { number: block.number, timestamp: block.timestamp };
}

/**
 * The terms and id of a lock given by terms or by id. Terms given by id are rebuilt from the lock's `Locked` event
 * (from the context's `fromBlock`) and checked against the id; both are kept.
 *
 * @throws {AtomicSwapError} `HASHED_TIMELOCK_NOT_FOUND`: no `Locked` event with this id hashes to it.
 */
export async function resolveLock(
  context: HashedTimelocksContext,
  ref: HashedTimelockRef,
): Promise<{ lock: HashedTimelock; lockId: HashedTimelockId }> {
  if (typeof ref !== "string") {
    const lock = normalizeHashedTimelock(ref);
    const lockId = computeHashedTimelockId(lock);
    context.terms.set(lockId, lock);
    return { lock, lockId };
  }
  const lockId = toHashedTimelockId(ref);
  const known = context.terms.get(lockId);
  if (known) return { lock: known, lockId };
  const found = await findLockedEvent(context, lockId);
  context.terms.set(lockId, found.lock);
  return { lock: found.lock, lockId };
}

/** The `Locked` event of `lockId` from the context's `fromBlock`, checked against the id. */
export async function findLockedEvent(context: HashedTimelocksContext, lockId: HashedTimelockId) {
  const provider = context.tx.provider();
  const logs = await context.tx.guard(() =>
    provider.getLogs({
      address: context.address,
      topics: hashedTimelocksInterface.encodeFilterTopics("Locked", [lockId]),
      fromBlock: context.fromBlock,
      toBlock: "latest",
    }),
  );
  for (const event of decodeHashedTimelockEvents({ logs, address: context.address })) {
    // A forged topic cannot pass: the id is recomputed from the terms the event carries.
    if (event.type === "Locked" && computeHashedTimelockId(event.lock) === lockId) return event;
  }
  throw new AtomicSwapError({
    code: PeerPayErrorCode.HASHED_TIMELOCK_NOT_FOUND,
    message: `No Locked event for lock ${lockId} from block ${context.fromBlock}`,
    details: { lockId, fromBlock: context.fromBlock },
  });
}
