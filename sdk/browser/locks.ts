// Mutual exclusion per paid channel (docs/browser.md BR-S6): the Web Locks API where the browser has it, which holds
// across every tab and worker of the origin, else a promise chain that holds within this page (or process).
import { KeyedLock } from "../internal/keyed-lock";

/**
 * The part of the Web Locks API (`navigator.locks`) the store uses.
 *
 * @example
 * ```ts
 * const store = new IndexedDbPayerStateStore({ locks: navigator.locks });
 * ```
 */
export type LockManagerLike = {
  request(name: string, options: { mode: "exclusive" }, callback: () => Promise<unknown>): Promise<unknown>;
};

/** The browser's `navigator.locks`, or undefined (Node 20, old browsers, some sandboxed frames). */
export function defaultLocks(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return typeof locks?.request === "function" ? locks : undefined;
}

/** This realm's in-page lock: shared by every store instance, so two instances exclude each other. */
const inPage = new KeyedLock();

/**
 * Runs `fn` once no other holder of `name` runs, then lets the next one in, whether `fn` resolves or throws. Not
 * reentrant: calling it again for the same name from inside `fn` waits for itself forever.
 */
export async function withLock<T>(locks: LockManagerLike | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  if (locks !== undefined) {
    // The callback's promise is what the lock waits on; its outcome is passed through, rejections included.
    return (await locks.request(name, { mode: "exclusive" }, fn)) as T;
  }
  return inPage.run(name, fn);
}
