// Where the watcher finds the secret of a lock it knows is Claimed (docs/atomic-swaps.md §6.3). The status is proof
// that a claim revealed the secret; the log index is not always there to show it (a node whose index lags its head,
// a reorganisation that moved the claim into a block the watcher already scanned). So: first the `Claimed` event by
// the lock's indexed id from the lock's own block on; failing that, the block where the status turned Claimed (found
// by bisection on `statusOf` at past blocks) and the receipts of its transactions, which no log index serves.
import { hashedTimelocksInterface } from "./abi";
import type { HashedTimelocksClient } from "./client";
import { decodeHashedTimelockEvents } from "./events";
import { hashlockOf } from "./hashing";
import type { RevealedSecret } from "./parameters";
import { HashedTimelockStatus, type HashedTimelockId } from "./types";
import type { Address } from "../core/types";

type Target = { lockId: HashedTimelockId; hashlock: string; fromBlock: number; toBlock: number };

/** The secret the claim of `lockId` revealed, looked up as above; undefined if neither way shows it (yet). */
export async function findRevealOf(client: HashedTimelocksClient, target: Target): Promise<RevealedSecret | undefined> {
  return (await byLockId(client, target)) ?? (await byReceipts(client, target));
}

function pick(logs: Parameters<typeof decodeHashedTimelockEvents>[0], target: Target): RevealedSecret | undefined {
  for (const e of decodeHashedTimelockEvents(logs)) {
    if (e.type !== "Claimed" || e.lockId !== target.lockId || hashlockOf(e.secret) !== target.hashlock) continue;
    return { secret: e.secret, hashlock: target.hashlock, lockId: e.lockId, caller: e.caller as Address, log: e.log };
  }
  return undefined;
}

async function byLockId(client: HashedTimelocksClient, target: Target): Promise<RevealedSecret | undefined> {
  const provider = client.contract.runner!.provider!;
  const logs = await provider.getLogs({
    address: client.address,
    topics: hashedTimelocksInterface.encodeFilterTopics("Claimed", [target.lockId]),
    fromBlock: target.fromBlock,
    toBlock: target.toBlock,
  });
  return pick({ logs, address: client.address }, target);
}

async function byReceipts(client: HashedTimelocksClient, target: Target): Promise<RevealedSecret | undefined> {
  const provider = client.contract.runner!.provider!;
  const claimedAt = async (block: number) =>
    Number(await client.contract.statusOf(target.lockId, { blockTag: block })) !== HashedTimelockStatus.Locked;
  // The first block at whose end the lock is no longer Locked: it holds the claim.
  let [low, high] = [target.fromBlock, target.toBlock];
  if (!(await claimedAt(high))) return undefined;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await claimedAt(middle)) high = middle;
    else low = middle + 1;
  }
  const block = await provider.getBlock(high, true);
  for (const tx of block?.prefetchedTransactions ?? []) {
    const receipt = await provider.getTransactionReceipt(tx.hash);
    const found = receipt === null ? undefined : pick({ receipt, address: client.address }, target);
    if (found !== undefined) return found;
  }
  return undefined;
}
