// Node only: the exclusive lock of a file store (FileVoucherStore, FilePeerStore). Two processes appending to one log
// would interleave their records and each keep its own view of the state; the lock makes the second one fail at open
// instead.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";

/** What a lock file holds, as one line of JSON. */
type LockOwner = { pid: number; start: string | null; host: string; token: string };

/** Locks held by this process, released by the `exit` handler if the store was not closed. */
const held = new Set<FileLock>();
let exitHandlerInstalled = false;

/**
 * An exclusive lock on a store, held by this process: `path` names the process (pid, start time, host) and holds a
 * random token, so that a lock taken over after this process was judged dead is never removed by it.
 */
export class FileLock {
  readonly path: string;
  readonly #token: string;
  #released = false;

  private constructor(path: string, token: string) {
    this.path = path;
    this.#token = token;
  }

  /**
   * Takes the lock at `path`, taking over a stale one (its process is dead, or its pid now belongs to a process
   * started at another time).
   *
   * The lock is written in full to a file of our own (created with `O_EXCL`) and published with `link(2)`, which
   * fails if `path` exists, atomically as `O_EXCL` would, but never exposes a half-written lock that another process
   * would have to guess about. A stale lock is never removed, only replaced by `rename(2)` (atomic: `path` always
   * exists, so no `link` can slip in), and only by the holder of the takeover marker named after the stale lock's
   * token, a lock taken the same way, after checking under it that `path` still holds that stale lock. Of several
   * processes that find the same stale lock, exactly one takes it over; the others then find its live lock.
   *
   * @throws {StoreError} `STORE_LOCKED` when a live process holds the lock.
   */
  static async acquire(path: string, storePath: string): Promise<FileLock> {
    const token = randomBytes(16).toString("hex");
    const owner: LockOwner = { pid: process.pid, start: startTimeOf(process.pid), host: hostname(), token };
    const mine = `${path}.${token}`;
    await writeFile(mine, JSON.stringify(owner) + "\n", { flag: "wx" });
    try {
      const taken = await take(path, mine, 0);
      if (taken !== true) throw locked(storePath, path, taken);
      const lock = new FileLock(path, token);
      lock.#hold();
      return lock;
    } finally {
      await unlink(mine).catch(() => undefined);
    }
  }

  /** Removes the lock file if it is still ours. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    held.delete(this);
    const raw = await readOrUndefined(this.path);
    if (raw !== undefined && parseOwner(raw)?.token === this.#token) await unlink(this.path).catch(() => undefined);
  }

  /** As `release`, synchronously: for the process's `exit` event, where nothing asynchronous runs. */
  releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this);
    try {
      if (parseOwner(readFileSync(this.path, "utf8"))?.token === this.#token) unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }

  #hold(): void {
    held.add(this);
    if (!exitHandlerInstalled) {
      exitHandlerInstalled = true;
      // `exit` runs on a normal exit and on process.exit(); a process killed by a signal leaves its lock behind,
      // which the next opener finds stale (its pid is dead) and takes over.
      process.on("exit", () => {
        for (const lock of [...held]) lock.releaseSync();
      });
    }
  }
}

/** How often `take` looks again while another process is taking over a stale lock (each takes microseconds). */
const RETRIES = 200;
const RETRY_MS = 5;
/** Nested takeovers (a taker that died while taking over): each level needs one more crash. */
const MAX_DEPTH = 8;

/**
 * Makes `target` hold our lock file `mine` (by hard links, so that `mine` stays for further use): true once it
 * does, or the live owner that holds it (undefined if unknown). A stale `target` is replaced under the takeover
 * marker `${target}.takeover.<stale token>`, itself taken by this function (one level deeper): the marker
 * serialises the processes that judged this same lock stale, and the check that `target` still holds it, made
 * under the marker, makes the replacement safe against a process that judged it stale long ago.
 */
async function take(target: string, mine: string, depth: number): Promise<true | LockOwner | undefined> {
  let holder: LockOwner | undefined;
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      await link(mine, target);
      return true;
    } catch (error) {
      if (!hasCode(error, "EEXIST")) throw error;
    }
    const raw = await readOrUndefined(target);
    if (raw === undefined) continue; // released meanwhile: try again
    holder = parseOwner(raw);
    if (holder !== undefined && isAlive(holder)) return holder;
    if (depth >= MAX_DEPTH) return holder;
    // Stale, or unreadable (which a lock published by link never is): named by its token or its contents.
    const staleId = holder?.token ?? createHash("sha256").update(raw).digest("hex").slice(0, 32);
    const marker = `${target}.takeover.${staleId}`;
    const underMarker = await take(marker, mine, depth + 1);
    if (underMarker === true) {
      try {
        // Nobody else can change `target` now: its owner is dead, a link fails while it exists, and every other
        // taker of this stale lock waits for the marker.
        if ((await readOrUndefined(target)) === raw) {
          await replace(target, mine);
          return true;
        }
      } finally {
        await removeIfOurs(marker, mine);
      }
    } else {
      // Another live process is taking this lock over: it finishes in microseconds.
      await sleep(RETRY_MS);
    }
  }
  return holder;
}

/** Replaces `target` by a hard link of `mine`, atomically (`rename`), leaving `mine` in place. */
async function replace(target: string, mine: string): Promise<void> {
  const staged = `${mine}.${randomBytes(4).toString("hex")}`;
  await link(mine, staged);
  try {
    await rename(staged, target);
  } catch (error) {
    await unlink(staged).catch(() => undefined);
    throw error;
  }
}

/** Removes `path` if it holds our lock (only a process that judged us dead could have replaced it). */
async function removeIfOurs(path: string, mine: string): Promise<void> {
  const [theirs, ours] = await Promise.all([readOrUndefined(path), readOrUndefined(mine)]);
  if (theirs !== undefined && theirs === ours) await unlink(path).catch(() => undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether the lock's process may still run. A lock from another host cannot be checked and counts as alive; a
 * pid that exists but was started at another time than the lock records was reused by an unrelated process.
 */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return !hasCode(error, "ESRCH");
  }
  if (owner.start === null) return true;
  const start = startTimeOf(owner.pid);
  return start === null || start === owner.start;
}

/** The process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot) on Linux; null elsewhere. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return /^\d+$/.test(fields[19] ?? "") ? fields[19] : null;
  } catch {
    return null;
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      (value.start === null || typeof value.start === "string") &&
      typeof value.host === "string" &&
      typeof value.token === "string"
    ) {
      return value as LockOwner;
    }
  } catch {
    // Not a lock this code wrote.
  }
  return undefined;
}

function locked(storePath: string, lockPath: string, holder: LockOwner | undefined): StoreError {
  return new StoreError({
    code: PeerPayErrorCode.STORE_LOCKED,
    message: `The store ${storePath} is locked by process ${holder?.pid ?? "?"} on ${holder?.host ?? "?"}`,
    details: { path: storePath, lockPath, pid: holder?.pid, host: holder?.host },
  });
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (hasCode(error, "ENOENT")) return undefined;
    throw error;
  }
}

function hasCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}
