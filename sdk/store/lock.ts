// Node only: the exclusive lock of a FileVoucherStore. Two processes appending to one log would interleave their
// records and each keep its own view of the best vouchers; the lock makes the second one fail at open instead.
import { randomBytes } from "node:crypto";
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
   * would have to guess about. A stale lock is renamed aside (atomic), and removed only if it is still the lock that
   * was judged stale; otherwise (another process took it over meanwhile) it is put back.
   *
   * @throws {StoreError} `STORE_LOCKED` when a live process holds the lock.
   */
  static async acquire(path: string, storePath: string): Promise<FileLock> {
    const token = randomBytes(16).toString("hex");
    const owner: LockOwner = { pid: process.pid, start: startTimeOf(process.pid), host: hostname(), token };
    const mine = `${path}.${token}`;
    await writeFile(mine, JSON.stringify(owner) + "\n", { flag: "wx" });
    try {
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          await link(mine, path);
          const lock = new FileLock(path, token);
          lock.#hold();
          return lock;
        } catch (error) {
          if (!hasCode(error, "EEXIST")) throw error;
        }
        const raw = await readOrUndefined(path);
        if (raw === undefined) continue; // released meanwhile: try again
        const holder = parseOwner(raw);
        if (holder !== undefined && isAlive(holder)) throw locked(storePath, path, holder);
        // Stale (or unreadable, which a lock published by link never is): move it aside, then check what was moved.
        const aside = `${path}.stale.${token}`;
        try {
          await rename(path, aside);
        } catch (error) {
          if (hasCode(error, "ENOENT")) continue;
          throw error;
        }
        const moved = await readOrUndefined(aside);
        if (moved !== raw) {
          // Another process took the stale lock over between our read and our rename: give it back.
          await link(aside, path).catch(() => undefined);
        }
        await unlink(aside).catch(() => undefined);
      }
      const raw = await readOrUndefined(path);
      const holder = raw === undefined ? undefined : parseOwner(raw);
      throw locked(storePath, path, holder);
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
    message: `The voucher store ${storePath} is locked by process ${holder?.pid ?? "?"} on ${holder?.host ?? "?"}`,
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
