// Node only: an append-only log of length-prefixed, tagged records, made durable by group commit.
import { randomBytes } from "node:crypto";
import { open as openFile, type FileHandle } from "node:fs/promises";
import { toChannelId, type ChannelId, type Voucher } from "../channels/types";
import { checkVoucher } from "../channels/validate";
import type { PutIfHigherResult, VoucherStore } from "../channels/voucher-store";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { requireInteger } from "../internal/validate";
import { readOrEmpty, replaceFile, writeAll } from "./durable-file";
import { FileLock } from "./lock";
import { KEY_SIZE, encode, encodeHeader, replay, type FileVoucherStoreRecovery, type Replayed } from "./log-format";

export type { FileVoucherStoreRange, FileVoucherStoreRecovery } from "./log-format";

/**
 * What {@link FileVoucherStore.open} takes.
 *
 * @example
 * ```ts
 * const params: FileVoucherStoreParameters = { path: "/var/lib/payee/vouchers.log", compactAfter: 100_000 };
 * ```
 */
export type FileVoucherStoreParameters = {
  /**
   * The log file; created if missing. Its directory must exist. One process at a time may open it: the store holds
   * the lock file `${path}.lock` until it is closed.
   */
  path: string;
  /**
   * Compacts the log (rewrites it with one record per channel) once it holds more than this many records and at
   * least four times as many as there are channels. Default 100,000 (13 MB).
   */
  compactAfter?: number;
};

type Pending = { record: Buffer; voucher: Voucher; resolve: () => void; reject: (error: Error) => void };

/**
 * A durable {@link VoucherStore} for Node: an append-only log with group commit. Concurrent `put`s are batched into
 * one `write` and one `fdatasync`; each resolves after the `fdatasync` that covers its record, so an acknowledged
 * voucher survives `kill -9` and power loss. On open the log is replayed and the best voucher of each channel is kept
 * in memory: a torn last write is cut off, damaged bytes between valid records are skipped, and both are reported
 * in {@link FileVoucherStore.recovery}. The log is compacted when mostly superseded records.
 *
 * A failed write or `fdatasync` fails the store for good (`STORE_UNAVAILABLE`): the page cache may have dropped the
 * data, so retrying could acknowledge a voucher that is not on disk. Reopen it to recover from the log.
 *
 * Records are length-prefixed and tagged with a key of the log's own (docs/micropayments.md §5), so signatures of any
 * length up to `MAX_SIGNATURE_BYTES` (8,192) are kept byte for byte and none can pass for a record; logs written in
 * the older formats (versions 1 and 2) are replayed and rewritten in version 3. The store is exclusive: a lock file `${path}.lock` names the process holding it; opening a store
 * that a live process holds fails with `STORE_LOCKED`, and a lock left by a dead process is taken over.
 *
 * @example
 * ```ts
 * const store = await FileVoucherStore.open({ path: "vouchers.log" });
 * await store.put({ channelId, amount, signature }); // durable once resolved
 * await store.close();
 * ```
 */
export class FileVoucherStore implements VoucherStore {
  readonly path: string;
  readonly compactAfter: number;
  /** The lock file, `${path}.lock`, held from open to close. */
  readonly lockPath: string;
  /** What open found damaged and repaired: nothing, on a log that was closed or synced before it stopped. */
  readonly recovery: FileVoucherStoreRecovery;
  readonly #lock: FileLock;
  readonly #key: Buffer;
  #handle: FileHandle;
  /** The best voucher per channel, including those whose write is in flight (decides what `put` accepts). */
  readonly #best = new Map<ChannelId, Voucher>();
  /** The best durable voucher per channel (what `get` and `all` return). */
  readonly #durable = new Map<ChannelId, Voucher>();
  #queue: Pending[] = [];
  /** The running flush or compaction; at most one touches the file at a time. */
  #busy: Promise<void> | null = null;
  #records: number;
  #syncs = 0;
  #failure: Error | null = null;
  #closed = false;

  private constructor(
    path: string,
    compactAfter: number,
    lock: FileLock,
    handle: FileHandle,
    key: Buffer,
    replayed: Replayed,
  ) {
    this.path = path;
    this.compactAfter = compactAfter;
    this.lockPath = lock.path;
    this.recovery = replayed.recovery;
    this.#lock = lock;
    this.#handle = handle;
    this.#key = key;
    this.#records = replayed.records;
    for (const voucher of replayed.vouchers) {
      this.#best.set(voucher.channelId, voucher);
      this.#durable.set(voucher.channelId, voucher);
    }
  }

  /**
   * Takes the store's lock, then opens (or creates) the log and replays it. A torn last write is cut off and damaged
   * bytes between valid records are skipped, both reported in {@link FileVoucherStore.recovery}; a log of an older
   * version is rewritten in version 3.
   *
   * @throws {StoreError} `STORE_LOCKED` if another live process holds the store (a lock left by a dead process is
   * taken over); `STORE_CORRUPT` if the log header is damaged, or a log of an older version has an invalid record
   * followed by valid ones that the extent of the invalid one does not explain (only the disk can do either).
   * @example
   * ```ts
   * const store = await FileVoucherStore.open({ path: "vouchers.log" });
   * ```
   */
  static async open({ path, compactAfter = 100_000 }: FileVoucherStoreParameters): Promise<FileVoucherStore> {
    const threshold = requireInteger("compactAfter", compactAfter, 1, Number.MAX_SAFE_INTEGER);
    const lock = await FileLock.acquire(`${path}.lock`, path);
    let handle: FileHandle | undefined;
    try {
      const contents = await readOrEmpty(path);
      const replayed = replay(contents, path);
      let key = replayed.key;
      if (key === null) {
        // A new log, or one of an older version: written afresh under a new key, atomically.
        key = randomBytes(KEY_SIZE);
        await writeLog(path, key, replayed.vouchers);
        replayed.records = replayed.vouchers.length;
        handle = await openFile(path, "a");
      } else {
        handle = await openFile(path, "a");
        if (replayed.validLength !== contents.length) {
          // Cut the torn tail off, so that new records follow valid ones.
          await handle.truncate(replayed.validLength);
          await handle.datasync();
        }
      }
      return new FileVoucherStore(path, threshold, lock, handle, key, replayed);
    } catch (error) {
      await handle?.close();
      await lock.release();
      throw error;
    }
  }

  /**
   * How many group commits (`write` + `fdatasync`) the store made since it was opened: with many concurrent `put`s,
   * far fewer than the vouchers stored.
   *
   * @example
   * ```ts
   * console.log(`${stored} vouchers in ${store.syncCount} syncs`);
   * ```
   */
  get syncCount(): number {
    return this.#syncs;
  }

  /**
   * The channel's best durable voucher.
   *
   * @example
   * ```ts
   * const best = await store.get(channelId);
   * ```
   */
  async get(channelId: ChannelId): Promise<Voucher | undefined> {
    this.#requireUsable();
    return this.#durable.get(toChannelId(channelId));
  }

  /**
   * Appends `voucher` if it beats the channel's best; resolves `true` after the `fdatasync` covering it.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or failed.
   * @example
   * ```ts
   * if (await store.put(voucher)) deliver();
   * ```
   */
  async put(voucher: Voucher): Promise<boolean> {
    return (await this.putIfHigher(voucher)).stored;
  }

  /**
   * Appends `voucher` if it beats the channel's best (durable or in flight: the process is the store's only writer,
   * so the check and the queueing are one synchronous step); resolves after the `fdatasync` covering it.
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or failed.
   * @example
   * ```ts
   * const { stored, previous } = await store.putIfHigher(voucher);
   * ```
   */
  putIfHigher(voucher: Voucher): Promise<PutIfHigherResult> {
    try {
      this.#requireUsable();
      const checked = checkVoucher(voucher);
      const previous = this.#best.get(checked.channelId)?.amount ?? 0n;
      if (previous >= checked.amount) return Promise.resolve({ stored: false, previous });
      this.#best.set(checked.channelId, checked);
      return new Promise<PutIfHigherResult>((resolve, reject) => {
        const acknowledge = () => resolve({ stored: true, previous });
        this.#queue.push({ record: encode(checked, this.#key), voucher: checked, resolve: acknowledge, reject });
        this.#kick();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Every channel's best durable voucher.
   *
   * @example
   * ```ts
   * const vouchers = await store.all();
   * ```
   */
  async all(): Promise<Voucher[]> {
    this.#requireUsable();
    return [...this.#durable.values()];
  }

  /**
   * Rewrites the log with one record per channel (written to a temporary file, synced, renamed over the log).
   *
   * @example
   * ```ts
   * await store.compact();
   * ```
   */
  async compact(): Promise<void> {
    this.#requireUsable();
    await this.#exclusive(() => this.#compactNow());
  }

  /**
   * Waits for the writes in flight, then closes the file and releases the lock.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#busy !== null) await this.#busy;
    try {
      await this.#handle.close();
    } finally {
      await this.#lock.release();
    }
  }

  #requireUsable(): void {
    if (this.#closed || this.#failure !== null) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_UNAVAILABLE,
        message: this.#failure ? "The voucher store failed to write and refuses further writes" : "The store is closed",
        details: { path: this.path },
        cause: this.#failure ?? undefined,
      });
    }
  }

  /** Starts a flush unless one (or a compaction, which flushes after it) is running. */
  #kick(): void {
    if (this.#busy !== null) return;
    this.#busy = this.#flush().finally(() => {
      this.#busy = null;
      if (this.#queue.length > 0 && this.#failure === null) this.#kick();
    });
  }

  /** Runs `task` when no flush or compaction runs, then resumes flushing. */
  async #exclusive(task: () => Promise<void>): Promise<void> {
    while (this.#busy !== null) await this.#busy;
    const run = task();
    this.#busy = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      await run;
    } finally {
      this.#busy = null;
      if (this.#queue.length > 0 && this.#failure === null) this.#kick();
    }
  }

  /** Writes every queued record in one batch, syncs, acknowledges; repeats while `put`s arrived meanwhile. */
  async #flush(): Promise<void> {
    while (this.#queue.length > 0 && this.#failure === null) {
      const batch = this.#queue;
      this.#queue = [];
      let size = 0;
      for (const pending of batch) size += pending.record.length;
      const buffer = Buffer.concat(
        batch.map((pending) => pending.record),
        size,
      );
      try {
        await writeAll(this.#handle, buffer);
        await this.#handle.datasync();
        this.#syncs++;
      } catch (cause) {
        this.#fail(cause, batch);
        return;
      }
      this.#records += batch.length;
      for (const { voucher, resolve } of batch) {
        const durable = this.#durable.get(voucher.channelId);
        if (durable === undefined || durable.amount < voucher.amount) this.#durable.set(voucher.channelId, voucher);
        resolve();
      }
      if (this.#records > this.compactAfter && this.#records >= 4 * this.#durable.size) {
        try {
          await this.#compactNow();
        } catch (cause) {
          this.#fail(cause, []);
          return;
        }
      }
    }
  }

  async #compactNow(): Promise<void> {
    const vouchers = [...this.#durable.values()];
    await writeLog(this.path, this.#key, vouchers);
    const previous = this.#handle;
    this.#handle = await openFile(this.path, "a");
    this.#records = vouchers.length;
    await previous.close();
  }

  #fail(cause: unknown, batch: Pending[]): void {
    this.#failure = cause instanceof Error ? cause : new Error(String(cause));
    const error = new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: "The voucher store could not make a write durable",
      details: { path: this.path },
      cause,
    });
    for (const pending of [...batch, ...this.#queue]) pending.reject(error);
    this.#queue = [];
  }
}

/** Writes a version-3 log of `vouchers` to a temporary file, syncs it and renames it over `path` (atomic). */
async function writeLog(path: string, key: Buffer, vouchers: readonly Voucher[]): Promise<void> {
  await replaceFile(path, Buffer.concat([encodeHeader(key), ...vouchers.map((voucher) => encode(voucher, key))]));
}
