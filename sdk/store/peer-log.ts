// Node only: a payment channel peer's durable log (docs/payment-channels.md §8.4, PC-E1), an append-only file of
// checksummed frames made durable by group commit.
import { open as openFile, rm, type FileHandle } from "node:fs/promises";
import { StoreError } from "../errors/channels";
import { InvalidParameterError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import type { PeerLogRecord, PeerStore } from "../payment-channels/engine/types";
import { readOrEmpty, replaceFile, temporaryOf, writeAll } from "./durable-file";
import { FileLock } from "./lock";
import {
  HEADER,
  MAX_PAYLOAD_BYTES,
  encodeFrame,
  payloadSize,
  replayPeerLog,
  serialize,
  type FilePeerStoreRecovery,
} from "./peer-log-format";

export type { FilePeerStoreRange, FilePeerStoreRecovery } from "./peer-log-format";

/**
 * What {@link FilePeerStore.open} takes.
 *
 * @example
 * ```ts
 * const params: FilePeerStoreParameters = { path: "/var/lib/peer/channels.log" };
 * ```
 */
export type FilePeerStoreParameters = {
  /**
   * The log file; created if missing. Its directory must exist. One process at a time may open it: the store holds
   * the lock file `${path}.lock` until it is closed, and compacts through `${path}.compact`.
   */
  path: string;
};

/** Queued non-durable bytes that start a group commit even though no caller waits for one (bounds memory). */
const NON_DURABLE_FLUSH_BYTES = 1024 * 1024;

type Waiter = { resolve: () => void; reject: (error: Error) => void };
/** What the writer does, in call order: append records (a caller waits only if durable), compact, or flush. */
type Entry =
  | { kind: "records"; texts: string[]; bytes: number; waiter: Waiter | null }
  | { kind: "compact"; frames: Buffer[]; waiter: Waiter }
  | { kind: "flush"; waiter: Waiter };

/**
 * A durable {@link PeerStore} for Node (docs/payment-channels.md §8.4, PC-E1): an append-only file of frames, each
 * `length ‖ CRC-32 ‖ JSON array of records`, after a one-line header naming the format version.
 *
 * - Group commit: the records of every append made while a commit runs are written, in call order, as one frame by
 *   one `write`, then one `fdatasync`. A durable append resolves after the `fdatasync` that covers its records (and
 *   every record appended before them); a non-durable append resolves at once, queued in order, and is written by
 *   the next commit (a durable append, `compact`, `close`, or 1 MiB of queued records). An append is atomic: its
 *   records are in one frame, all replayed or none.
 * - Open replays the log. A torn last frame (a commit whose sync never completed) is cut off and reported in
 *   {@link FilePeerStore.recovery}; an invalid frame followed by a valid one is refused with `STORE_CORRUPT` (the
 *   disk lost synced, acknowledged records: see `replayPeerLog` for why skipping it would be unsafe).
 * - `compact(snapshot)` first commits what was appended before it, then writes the snapshot to a temporary file,
 *   syncs it, renames it over the log and syncs the directory: a crash leaves the old log or the new one.
 * - A failed write, sync or compaction fails the store for good (`STORE_UNAVAILABLE`): the page cache may have
 *   dropped the data, so going on could acknowledge records that are not on disk. Reopen it to recover.
 * - Exclusive: opening a log that a live process holds fails with `STORE_LOCKED`; a lock left by a dead process is
 *   taken over.
 *
 * @example
 * ```ts
 * const store = await FilePeerStore.open({ path: "channels.log" });
 * const records = await store.load();
 * await store.append([{ type: "sent", channelId, nonce: "7" }], { durable: true }); // on disk once resolved
 * await store.close();
 * ```
 */
export class FilePeerStore implements PeerStore {
  readonly path: string;
  /** The lock file, `${path}.lock`, held from open to close. */
  readonly lockPath: string;
  /** What open found torn and cut off: nothing, on a log that was closed or synced before it stopped. */
  readonly recovery: FilePeerStoreRecovery;
  readonly #lock: FileLock;
  #handle: FileHandle;
  /** The records replayed at open, handed out by the first `load` if nothing was written since. */
  #replayed: PeerLogRecord[] | null;
  #queue: Entry[] = [];
  /** Queued entries someone waits for (durable appends, compactions, flushes): they make the writer run. */
  #waiting = 0;
  #queuedBytes = 0;
  /** The running writer; at most one touches the file at a time. */
  #writer: Promise<void> | null = null;
  #syncs = 0;
  #failure: Error | null = null;
  #closed = false;

  private constructor(
    path: string,
    lock: FileLock,
    handle: FileHandle,
    records: PeerLogRecord[],
    recovery: FilePeerStoreRecovery,
  ) {
    this.path = path;
    this.lockPath = lock.path;
    this.recovery = recovery;
    this.#lock = lock;
    this.#handle = handle;
    this.#replayed = records;
  }

  /**
   * Takes the store's lock, then opens (or creates) the log and replays it. A torn last frame is cut off and
   * reported in {@link FilePeerStore.recovery}.
   *
   * @throws {StoreError} `STORE_LOCKED` if another live process holds the store; `STORE_CORRUPT` if the file is not a
   * peer log of this format, or an invalid frame is followed by a valid one (nothing is changed on disk then).
   * @example
   * ```ts
   * const store = await FilePeerStore.open({ path: "channels.log" });
   * ```
   */
  static async open({ path }: FilePeerStoreParameters): Promise<FilePeerStore> {
    const lock = await FileLock.acquire(`${path}.lock`, path);
    let handle: FileHandle | undefined;
    try {
      // A compaction that crashed before its rename left this behind; the log itself is whole.
      await rm(temporaryOf(path), { force: true });
      const contents = await readOrEmpty(path);
      const replayed = replayPeerLog(contents, path);
      let recovery: FilePeerStoreRecovery = { truncated: null };
      if (contents.length === 0) {
        await replaceFile(path, HEADER);
        handle = await openFile(path, "a");
      } else {
        handle = await openFile(path, "a");
        if (replayed.validLength < contents.length) {
          // Cut the torn frame off, so that new frames follow valid ones.
          recovery = { truncated: { offset: replayed.validLength, length: contents.length - replayed.validLength } };
          await handle.truncate(replayed.validLength);
          await handle.datasync();
        }
      }
      return new FilePeerStore(path, lock, handle, replayed.records, recovery);
    } catch (error) {
      await handle?.close();
      await lock.release();
      throw error;
    }
  }

  /**
   * How many group commits (`write` + `fdatasync`) the store made since it was opened: with many concurrent
   * durable appends, far fewer than the appends.
   *
   * @example
   * ```ts
   * console.log(`${appends} appends in ${store.syncCount} syncs`);
   * ```
   */
  get syncCount(): number {
    return this.#syncs;
  }

  /**
   * Every record in the log, in order. The first call before any write returns what open replayed; a later one
   * commits what is queued and reads the log again.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or failed.
   * @example
   * ```ts
   * for (const record of await store.load()) engine.replay(record);
   * ```
   */
  async load(): Promise<PeerLogRecord[]> {
    this.#requireUsable();
    const replayed = this.#replayed;
    if (replayed !== null) {
      this.#replayed = null;
      return replayed;
    }
    await this.#enqueueAndWait((waiter) => ({ kind: "flush", waiter }));
    return replayPeerLog(await readOrEmpty(this.path), this.path).records;
  }

  /**
   * Appends `records` in order after every record appended before. Durable: resolves after the `fdatasync` that
   * covers them. Not durable: resolves once queued; the next commit writes them.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or failed, or a record is not JSON-safe.
   * @throws {InvalidParameterError} if the records exceed 64 MiB of JSON.
   * @example
   * ```ts
   * await store.append([{ type: "received", channelId, ...wireProof }], { durable: true });
   * void store.append([{ type: "acked", channelId, nonce: "7" }], { durable: false });
   * ```
   */
  async append(records: readonly PeerLogRecord[], { durable }: { durable: boolean }): Promise<void> {
    this.#requireUsable();
    const texts = records.map(serialize);
    const bytes = payloadSize(texts);
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw new InvalidParameterError({
        parameter: "records",
        value: bytes,
        reason: "exceed 64 MiB of JSON in one append",
      });
    }
    this.#replayed = null;
    if (durable) {
      await this.#enqueueAndWait((waiter) => ({ kind: "records", texts, bytes, waiter }));
      return;
    }
    this.#queue.push({ kind: "records", texts, bytes, waiter: null });
    this.#queuedBytes += bytes;
    if (this.#queuedBytes >= NON_DURABLE_FLUSH_BYTES) this.#kick();
  }

  /**
   * Commits every record appended before, then replaces the whole log by `snapshot`, atomically (temporary file,
   * `fdatasync`, rename, directory `fsync`). Appends made after the call follow the snapshot.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or failed, or a record is not JSON-safe.
   * @example
   * ```ts
   * await store.compact(engine.snapshot());
   * ```
   */
  async compact(snapshot: readonly PeerLogRecord[]): Promise<void> {
    this.#requireUsable();
    const frames: Buffer[] = [];
    let texts: string[] = [];
    for (const text of snapshot.map(serialize)) {
      if (payloadSize([text]) > MAX_PAYLOAD_BYTES) {
        throw new InvalidParameterError({
          parameter: "snapshot",
          value: text.length,
          reason: "holds a record over 64 MiB",
        });
      }
      // The temporary file is synced whole before it replaces the log: several frames are safe here.
      if (payloadSize([...texts, text]) > MAX_PAYLOAD_BYTES) {
        frames.push(encodeFrame(texts));
        texts = [];
      }
      texts.push(text);
    }
    if (texts.length > 0) frames.push(encodeFrame(texts));
    this.#replayed = null;
    await this.#enqueueAndWait((waiter) => ({ kind: "compact", frames, waiter }));
  }

  /**
   * Commits what is queued (non-durable appends become durable), closes the file and releases the lock. Closing a
   * failed store only releases it.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the last commit fails (the lock is released all the same).
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    // Refuse new calls at once: what was queued before this call is committed below, nothing after it.
    this.#closed = true;
    let failure: unknown;
    if (this.#failure === null) {
      try {
        await this.#enqueueAndWait((waiter) => ({ kind: "flush", waiter }));
      } catch (error) {
        failure = error;
      }
    }
    while (this.#writer !== null) await this.#writer.catch(() => undefined);
    try {
      await this.#handle.close();
    } finally {
      await this.#lock.release();
    }
    if (failure !== undefined) throw failure;
  }

  #requireUsable(): void {
    if (this.#closed || this.#failure !== null) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_UNAVAILABLE,
        message: this.#failure
          ? "The peer store failed to write and refuses further calls"
          : "The peer store is closed",
        details: { path: this.path },
        cause: this.#failure ?? undefined,
      });
    }
  }

  /** Queues the entry `make` builds around a waiter and starts the writer; resolves when the writer is done with it. */
  #enqueueAndWait(make: (waiter: Waiter) => Entry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry = make({ resolve, reject });
      this.#queue.push(entry);
      this.#waiting++;
      if (entry.kind === "records") this.#queuedBytes += entry.bytes;
      this.#kick();
    });
  }

  #mustWrite(): boolean {
    return this.#failure === null && (this.#waiting > 0 || this.#queuedBytes >= NON_DURABLE_FLUSH_BYTES);
  }

  /** Starts the writer unless it runs (it takes what is queued meanwhile before it stops). */
  #kick(): void {
    if (this.#writer !== null) return;
    this.#writer = this.#write().finally(() => {
      this.#writer = null;
      if (this.#mustWrite()) this.#kick();
    });
  }

  /** Runs the queue in order: each run of appends is one group commit, then a compaction or flush if one is next. */
  async #write(): Promise<void> {
    while (this.#queue.length > 0 && this.#mustWrite()) {
      const head = this.#queue[0];
      if (head.kind !== "records") {
        this.#queue.shift();
        this.#waiting--;
        if (head.kind === "compact") {
          try {
            await this.#compactNow(head.frames);
          } catch (cause) {
            this.#fail(cause, [head.waiter]);
            return;
          }
        }
        // A flush has nothing left to do: every record queued before it was committed by an earlier iteration.
        head.waiter.resolve();
        continue;
      }
      const batch = this.#takeBatch();
      const texts = batch.flatMap((entry) => entry.texts);
      const waiters = batch.flatMap((entry) => (entry.waiter ? [entry.waiter] : []));
      if (texts.length > 0) {
        try {
          await writeAll(this.#handle, encodeFrame(texts));
          await this.#handle.datasync();
          this.#syncs++;
        } catch (cause) {
          this.#fail(cause, waiters);
          return;
        }
      }
      // An empty durable append only waits for the records before it, all committed by now.
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /** Takes the leading appends of the queue that fit in one frame (at least one: each fits alone). */
  #takeBatch(): Extract<Entry, { kind: "records" }>[] {
    const batch: Extract<Entry, { kind: "records" }>[] = [];
    let bytes = 2;
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (head.kind !== "records" || (batch.length > 0 && bytes + head.bytes - 1 > MAX_PAYLOAD_BYTES)) break;
      this.#queue.shift();
      batch.push(head);
      bytes += head.bytes - 1;
      this.#queuedBytes -= head.bytes;
      if (head.waiter !== null) this.#waiting--;
    }
    return batch;
  }

  async #compactNow(frames: Buffer[]): Promise<void> {
    await replaceFile(this.path, Buffer.concat([HEADER, ...frames]));
    const previous = this.#handle;
    this.#handle = await openFile(this.path, "a");
    await previous.close();
  }

  /** Fails the store for good, rejecting `waiters` (taken from the queue) and everything still queued. */
  #fail(cause: unknown, waiters: Waiter[]): void {
    this.#failure = cause instanceof Error ? cause : new Error(String(cause));
    const error = new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: "The peer store could not make a write durable",
      details: { path: this.path },
      cause,
    });
    for (const waiter of waiters) waiter.reject(error);
    for (const entry of this.#queue) entry.waiter?.reject(error);
    this.#queue = [];
    this.#waiting = 0;
    this.#queuedBytes = 0;
  }
}
