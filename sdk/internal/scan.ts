// Chunked event scans for the discovery functions (sdk/escrow/discovery.ts, sdk/channels/discovery.ts,
// sdk/payment-channels/discovery.ts), and the roles they take. Public RPC
// endpoints cap the block span (and result size) of `eth_getLogs`, so a scan walks its range in chunks of at most
// `blockRange` blocks, and may stop early (`limit`) so that an app pages through a long history.
import type { Log, Provider } from "ethers";
import type { PeerPayError } from "../errors/base";
import { guarded } from "./transactions";
import { requireInteger, requireThat } from "./validate";

/** Blocks per `eth_getLogs` call unless told otherwise: within the caps of common public endpoints. */
export const DEFAULT_BLOCK_RANGE = 10_000;
/** The largest chunk accepted: far above any public endpoint's cap, low enough to catch a unit mistake. */
export const MAX_BLOCK_RANGE = 1_000_000;

/**
 * The block range of a discovery scan, and how it is cut. `fromBlock` defaults to the client's `fromBlock` (the
 * deployment block from the address book) and `toBlock` to the latest block; `blockRange` (default 10,000) is the
 * most blocks one `eth_getLogs` call covers; with `limit`, the scan stops after the chunk in which the `limit`-th
 * item was found (the page then holds all the items of that chunk, so it may hold more than `limit`).
 *
 * @example
 * ```ts
 * const range: ScanRangeParameters = { fromBlock: 21_000_000, blockRange: 2_000, limit: 20 };
 * ```
 */
export type ScanRangeParameters = {
  fromBlock?: number;
  toBlock?: number | "latest";
  blockRange?: number;
  limit?: number;
};

/**
 * Where a discovery scan looked: the range asked for (`toBlock` resolved to a number), the last block it scanned,
 * and where the next page starts (`null` when the range is done). Items of one scan are sorted oldest first; pages
 * do not overlap, so their concatenation is the scan of the whole range.
 *
 * @example
 * ```ts
 * let page = await escrow.dealsOf({ account: me, limit: 20 });
 * while (page.nextFromBlock !== null) {
 *   page = await escrow.dealsOf({ account: me, limit: 20, fromBlock: page.nextFromBlock, toBlock: page.toBlock });
 * }
 * ```
 */
export type ScanPage = {
  fromBlock: number;
  toBlock: number;
  /** The last block scanned: `fromBlock - 1` when nothing was. */
  scannedTo: number;
  /** `scannedTo + 1` while the range is not done, else `null`. */
  nextFromBlock: number | null;
};

type ResolvedRange = { fromBlock: number; toBlock: number; blockRange: number; limit: number };

/** Checks the range against the chain head; every failure is an InvalidParameterError naming the parameter. */
async function resolveRange(
  provider: Provider,
  params: ScanRangeParameters,
  defaultFromBlock: number,
  decode: (error: unknown) => PeerPayError,
): Promise<ResolvedRange> {
  const fromBlock = requireInteger("fromBlock", params.fromBlock ?? defaultFromBlock, 0, Number.MAX_SAFE_INTEGER);
  const blockRange = requireInteger("blockRange", params.blockRange ?? DEFAULT_BLOCK_RANGE, 1, MAX_BLOCK_RANGE);
  const limit = requireInteger("limit", params.limit ?? Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
  const requested = params.toBlock ?? "latest";
  if (requested !== "latest") requireInteger("toBlock", requested, 0, Number.MAX_SAFE_INTEGER);
  const latest = await guarded(decode, () => provider.getBlockNumber());
  if (requested === "latest") {
    // Polling from the block after the last one seen: nothing new yet is an empty, finished page.
    requireThat(fromBlock <= latest + 1, "fromBlock", fromBlock, `is past the latest block (${latest}) + 1`);
    return { fromBlock, toBlock: latest, blockRange, limit };
  }
  const toBlock = requested as number;
  requireThat(toBlock >= fromBlock, "toBlock", toBlock, `must be at least fromBlock (${fromBlock})`);
  requireThat(toBlock <= latest, "toBlock", toBlock, `is past the latest block (${latest})`);
  return { fromBlock, toBlock, blockRange, limit };
}

/**
 * Scans `address`'s logs matching any of `topicSets` (one `eth_getLogs` call per set per chunk), chunk by chunk;
 * `take` receives each chunk's logs, sorted by position in the chain, and returns how many items it kept, so the
 * scan can stop at `limit`.
 */
export async function scanLogs(params: {
  provider: Provider;
  address: string;
  topicSets: readonly (readonly (string | null)[])[];
  range: ScanRangeParameters;
  defaultFromBlock: number;
  decode: (error: unknown) => PeerPayError;
  take: (logs: Log[]) => Promise<number> | number;
}): Promise<ScanPage> {
  const { provider, address, topicSets, decode } = params;
  const { fromBlock, toBlock, blockRange, limit } = await resolveRange(
    provider,
    params.range,
    params.defaultFromBlock,
    decode,
  );
  let scannedTo = fromBlock - 1;
  let found = 0;
  while (scannedTo < toBlock && found < limit) {
    const chunkFrom = scannedTo + 1;
    const chunkTo = Math.min(toBlock, scannedTo + blockRange);
    const results = await Promise.all(
      topicSets.map((topics) =>
        guarded(decode, () =>
          provider.getLogs({ address, topics: [...topics], fromBlock: chunkFrom, toBlock: chunkTo }),
        ),
      ),
    );
    const logs = results.flat().sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
    found += await params.take(logs);
    scannedTo = chunkTo;
  }
  return { fromBlock, toBlock, scannedTo, nextFromBlock: scannedTo < toBlock ? scannedTo + 1 : null };
}

/**
 * The roles a discovery call asks for, among `all`: every one when `roles` is not given, else those listed, in the
 * order of `all` and once each.
 *
 * @throws {InvalidParameterError} `roles` is not a non-empty array, or names a role not in `all`.
 */
export function requireRoles<Role extends string>({
  roles,
  all,
}: {
  roles: readonly Role[] | undefined;
  all: readonly Role[];
}): Role[] {
  if (roles === undefined) return [...all];
  requireThat(Array.isArray(roles) && roles.length > 0, "roles", roles, "must be a non-empty array of roles");
  for (const role of roles) {
    requireThat(all.includes(role), "roles", roles, `unknown role ${String(role)}; use ${all}`);
  }
  return all.filter((role) => roles.includes(role));
}
