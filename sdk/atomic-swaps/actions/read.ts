// Reads: a lock's status and terms, its id as the deployment computes it, a user's locks, and a revealed secret.
import { getAddress, toNumber } from "ethers";
import type { Address } from "../../core/types";
import { AtomicSwapError } from "../../errors/atomic-swaps";
import { PeerPayErrorCode } from "../../errors/codes";
import { requireRoles, scanLogs } from "../../internal/scan";
import { requireAddress, requireHex } from "../../internal/validate";
import { hashedTimelocksInterface } from "../abi";
import { decodeHashedTimelockEvents } from "../events";
import { computeHashedTimelockId, hashedTimelockTuple, hashlockOf, normalizeHashedTimelock } from "../hashing";
import type {
  AccountHashedTimelock,
  FindSecretParameters,
  FindSecretReturnType,
  HashedTimelockRef,
  HashedTimelockRole,
  HashedTimelockState,
  HashedTimelocksOfParameters,
  HashedTimelocksOfReturnType,
  RevealedSecret,
} from "../parameters";
import { toHashedTimelockId, type HashedTimelock, type HashedTimelockId, type HashedTimelockStatus } from "../types";
import { findLockedEvent, resolveLock, type HashedTimelocksContext } from "./context";

const ROLES: readonly HashedTimelockRole[] = ["sender", "receiver"];

/** A lock's status now. */
export async function status(context: HashedTimelocksContext, ref: HashedTimelockRef): Promise<HashedTimelockStatus> {
  const lockId = typeof ref === "string" ? toHashedTimelockId(ref) : computeHashedTimelockId(ref);
  return toNumber(await context.tx.guard(() => context.contract.statusOf(lockId))) as HashedTimelockStatus;
}

/** A lock's terms, id, status and `Locked` event, rebuilt from the event and checked against the id. */
export async function getLock(context: HashedTimelocksContext, ref: HashedTimelockRef): Promise<HashedTimelockState> {
  const { lockId } = await resolveLock(context, ref);
  const [event, current] = await Promise.all([findLockedEvent(context, lockId), status(context, lockId)]);
  return { lock: event.lock, lockId, status: current, log: event.log };
}

/**
 * The lock's id, computed locally and checked against the deployment's `lockId` view: a deployment that hashes
 * differently (another build, a proxy) would make every id the SDK shows wrong.
 */
export async function lockIdOf(context: HashedTimelocksContext, lock: HashedTimelock): Promise<HashedTimelockId> {
  const terms = normalizeHashedTimelock(lock);
  const local = computeHashedTimelockId(terms);
  const remote = toHashedTimelockId(
    await context.tx.guard(() => context.contract.lockId(hashedTimelockTuple(terms) as never)),
  );
  if (remote !== local) {
    throw new AtomicSwapError({
      code: PeerPayErrorCode.HASHED_TIMELOCK_ID_MISMATCH,
      message: `The deployment computes lock id ${remote}, the SDK ${local}`,
      details: { local, remote, address: context.address },
    });
  }
  return local;
}

/**
 * The locks in which `account` is the sender or the receiver, from `Locked` events (both are indexed topics), oldest
 * first, de-duplicated; a log whose terms do not hash to its id is ignored.
 */
export async function locksOf(
  context: HashedTimelocksContext,
  params: HashedTimelocksOfParameters,
): Promise<HashedTimelocksOfReturnType> {
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: ROLES });
  const event = hashedTimelocksInterface.getEvent("Locked")!.topicHash;
  const padded = hashedTimelocksInterface.getAbiCoder().encode(["address"], [account]);
  const topicSets = roles.map((role) => (role === "sender" ? [event, null, padded] : [event, null, null, padded]));
  const locks = new Map<string, AccountHashedTimelock>();
  const page = await scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets,
    range: params,
    defaultFromBlock: context.fromBlock,
    decode: context.tx.decode,
    take: (logs) => {
      const before = locks.size;
      for (const e of decodeHashedTimelockEvents({ logs, address: context.address })) {
        if (e.type !== "Locked" || locks.has(e.lockId) || computeHashedTimelockId(e.lock) !== e.lockId) continue;
        const held = roles.filter((role) => getAddress(e.lock[role]) === account);
        if (held.length > 0) locks.set(e.lockId, { lockId: e.lockId, lock: e.lock, log: e.log, roles: held });
      }
      return locks.size - before;
    },
  });
  const found = [...locks.values()];
  if (params.withStatus === true) {
    const statuses = await Promise.all(found.map((item) => status(context, item.lockId)));
    found.forEach((item, i) => (item.status = statuses[i]));
  }
  return { ...page, locks: found };
}

/**
 * The first claim under `hashlock` in the range (a numeric `toBlock` is clamped to the node's latest block): the secret every lock under that hashlock, on any chain, opens. The
 * secret is checked against the hashlock (a log of this contract cannot lie, but the check costs nothing).
 */
export async function findSecret(
  context: HashedTimelocksContext,
  params: FindSecretParameters,
): Promise<FindSecretReturnType> {
  const hashlock = requireHex("hashlock", params.hashlock, 32);
  let range: FindSecretParameters = params;
  if (typeof params.toBlock === "number") {
    // Clamped to the head of the node that answers: behind a load balancer the head a caller read elsewhere may be
    // ahead of it, and a range past its head would be refused.
    const latest = await context.tx.guard(() => context.tx.provider().getBlockNumber());
    const toBlock = Math.min(params.toBlock, latest);
    const fromBlock = params.fromBlock ?? context.fromBlock;
    if (toBlock < fromBlock) {
      return { fromBlock, toBlock, scannedTo: fromBlock - 1, nextFromBlock: fromBlock, revealed: undefined };
    }
    range = { ...params, toBlock };
  }
  const topics = hashedTimelocksInterface.encodeFilterTopics("Claimed", [null, hashlock]) as (string | null)[];
  let revealed: RevealedSecret | undefined;
  const page = await scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets: [topics],
    range: { ...range, limit: 1 },
    defaultFromBlock: context.fromBlock,
    decode: context.tx.decode,
    take: (logs) => {
      for (const e of decodeHashedTimelockEvents({ logs, address: context.address })) {
        if (revealed !== undefined || e.type !== "Claimed" || e.hashlock !== hashlock) continue;
        if (hashlockOf(e.secret) !== hashlock) continue;
        revealed = { secret: e.secret, hashlock, lockId: e.lockId, caller: e.caller as Address, log: e.log };
      }
      return revealed === undefined ? 0 : 1;
    },
  });
  return { ...page, revealed };
}
