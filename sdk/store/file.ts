// Node only: an append-only log of length-prefixed records, made durable by group commit.
import { open as openFile, rename, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { crc32 } from "node:zlib";
import { MAX_SIGNATURE_BYTES, toChannelId, type ChannelId, type Voucher } from "../channels/types";
import { checkVoucher } from "../channels/validate";
import type { VoucherStore } from "../channels/voucher-store";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { bytesToHex, hexInto } from "../internal/bytes";
import { requireInteger } from "../internal/validate";
import { FileLock } from "./lock";

/**
 * Version 1 (written by SDKs before variable-length signatures; still replayed, never written), 134 bytes:
 * `0x01 ‖ channelId (32) ‖ amount (32, big-endian) ‖ signature (65) ‖ CRC-32 of the 130 bytes before it (4, BE)`.
 */
const V1 = 0x01;
const V1_SIZE = 134;
/**
 * Version 2, 71 + L bytes: `0x02 ‖ L (2, BE) ‖ channelId (32) ‖ amount (32, BE) ‖ signature (L) ‖ CRC-32 of the
 * 67 + L bytes before it (4, BE)`, with `L ≤ MAX_SIGNATURE_BYTES`. The CRC covers the length, so a damaged length
 * cannot make a record of other bytes.
 */
const V2 = 0x02;
const V2_OVERHEAD = 71;
const V2_SIGNATURE_OFFSET = 67;

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

type Pending = { record: Buffer; voucher: Voucher; resolve: (stored: boolean) => void; reject: (error: Error) => void };

/**
 * A durable {@link VoucherStore} for Node: an append-only log with group commit. Concurrent `put`s are batched into
 * one `write` and one `fdatasync`; each resolves after the `fdatasync` that covers its record, so an acknowledged
 * voucher survives `kill -9` and power loss. On open the log is replayed (a torn last write is dropped and cut off)
 * and the best voucher of each channel is kept in memory; the log is compacted when mostly superseded records.
 *
 * A failed write or `fdatasync` fails the store for good (`STORE_UNAVAILABLE`): the page cache may have dropped the
 * data, so retrying could acknowledge a voucher that is not on disk. Reopen it to recover from the log.
 *
 * Records are length-prefixed (docs/micropayments.md §5), so signatures of any length up to
 * {@link MAX_SIGNATURE_BYTES} are kept byte for byte; logs written in the older fixed-size format are replayed and
 * appended to. The store is exclusive: a lock file `${path}.lock` names the process holding it; opening a store
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
  readonly #lock: FileLock;
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
    vouchers: Voucher[],
    records: number,
  ) {
    this.path = path;
    this.compactAfter = compactAfter;
    this.lockPath = lock.path;
    this.#lock = lock;
    this.#handle = handle;
    this.#records = records;
    for (const voucher of vouchers) {
      this.#best.set(voucher.channelId, voucher);
      this.#durable.set(voucher.channelId, voucher);
    }
  }

  /**
   * Takes the store's lock, then opens (or creates) the log and replays it.
   *
   * @throws {StoreError} `STORE_LOCKED` if another live process holds the store (a lock left by a dead process is
   * taken over); `STORE_CORRUPT` if an invalid record is followed by valid ones (not a torn tail).
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
      handle = await openFile(path, "a+");
      const contents = await handle.readFile();
      const { vouchers, records, validLength } = replay(contents, path);
      if (validLength !== contents.length) {
        // Cut the torn tail off, so that new records follow valid ones.
        await handle.truncate(validLength);
        await handle.datasync();
      }
      await syncDirectory(path);
      return new FileVoucherStore(path, threshold, lock, handle, vouchers, records);
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
  put(voucher: Voucher): Promise<boolean> {
    try {
      this.#requireUsable();
      const checked = checkVoucher(voucher);
      const best = this.#best.get(checked.channelId);
      if (best !== undefined && best.amount >= checked.amount) return Promise.resolve(false);
      this.#best.set(checked.channelId, checked);
      return new Promise<boolean>((resolve, reject) => {
        this.#queue.push({ record: encode(checked), voucher: checked, resolve, reject });
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
        resolve(true);
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
    const temporary = `${this.path}.compact`;
    const vouchers = [...this.#durable.values()];
    const out = await openFile(temporary, "w");
    try {
      await writeAll(out, Buffer.concat(vouchers.map(encode)));
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(temporary, this.path);
    await syncDirectory(this.path);
    const previous = this.#handle;
    this.#handle = await openFile(this.path, "a+");
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

// ------------------------------------------------------------------ encoding

/** A version-2 record of a checked voucher (lowercase hex, signature within MAX_SIGNATURE_BYTES). */
function encode(voucher: Voucher): Buffer {
  const length = (voucher.signature.length - 2) / 2;
  const size = V2_OVERHEAD + length;
  const record = Buffer.allocUnsafe(size);
  record[0] = V2;
  record.writeUInt16BE(length, 1);
  hexInto(voucher.channelId.slice(2), record, 3, 32);
  hexInto(voucher.amount.toString(16).padStart(64, "0"), record, 35, 32);
  hexInto(voucher.signature.slice(2), record, V2_SIGNATURE_OFFSET, length);
  record.writeUInt32BE(crc32(record.subarray(0, size - 4)), size - 4);
  return record;
}

/** The size of the valid record (version 1 or 2) at `offset`, or 0 if there is none (torn, damaged, or the end). */
function recordSizeAt(contents: Buffer, offset: number): number {
  let size: number;
  if (contents[offset] === V1) {
    size = V1_SIZE;
  } else if (contents[offset] === V2 && offset + 3 <= contents.length) {
    const length = contents.readUInt16BE(offset + 1);
    if (length > MAX_SIGNATURE_BYTES) return 0;
    size = V2_OVERHEAD + length;
  } else {
    return 0;
  }
  if (offset + size > contents.length) return 0;
  const crc = contents.readUInt32BE(offset + size - 4);
  return crc32(contents.subarray(offset, offset + size - 4)) === crc ? size : 0;
}

function decode(contents: Buffer, offset: number, size: number): Voucher {
  // Version 1 has no length field: its fields start two bytes earlier.
  const at = contents[offset] === V1 ? offset + 1 : offset + 3;
  return {
    channelId: bytesToHex(contents.subarray(at, at + 32)) as ChannelId,
    amount: BigInt(bytesToHex(contents.subarray(at + 32, at + 64))),
    signature: bytesToHex(contents.subarray(at + 64, offset + size - 4)),
  };
}

/**
 * The best voucher per channel in the log, and where the valid records end. The log ends at the first invalid
 * record; a valid record starting at any later byte means damage inside the synced part of the log, not a torn
 * last write (records have different lengths, so every offset is tried, not only multiples of a record size).
 */
function replay(contents: Buffer, path: string): { vouchers: Voucher[]; records: number; validLength: number } {
  const best = new Map<ChannelId, Voucher>();
  let offset = 0;
  let records = 0;
  for (let size = recordSizeAt(contents, 0); size > 0; size = recordSizeAt(contents, offset)) {
    const voucher = decode(contents, offset, size);
    const known = best.get(voucher.channelId);
    if (known === undefined || known.amount < voucher.amount) best.set(voucher.channelId, voucher);
    offset += size;
    records++;
  }
  for (let later = offset + 1; later + V2_OVERHEAD <= contents.length; later++) {
    if (recordSizeAt(contents, later) > 0) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_CORRUPT,
        message: `Invalid record at byte ${offset} of ${path}, followed by a valid one at byte ${later}`,
        details: { path, offset, next: later },
      });
    }
  }
  return { vouchers: [...best.values()], records, validLength: offset };
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
    written += bytesWritten;
  }
}

/** Makes the creation or renaming of the log itself durable. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await openFile(dirname(path), "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
