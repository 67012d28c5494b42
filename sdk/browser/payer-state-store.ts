// The payer's state in a page (docs/browser.md §2, BR-S*): paid-channel records in IndexedDB, so that a reloaded page
// knows what it signed and what the payee acknowledged, and neither pays twice nor gets stuck.
import { normalizeChannel } from "../channels/voucher";
import { toChannelId } from "../channels/types";
import { InvalidParameterError } from "../errors/base";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import type { PaidChannelRecord, PayerStateStore, SealedSessionKey } from "../http/payer-state";
import { requireBigInt } from "../internal/validate";
import { CHANNELS, Connection, DEFAULT_DATABASE, defaultIndexedDb, type IndexedDbFactory } from "./idb";
import { defaultLocks, withLock, type LockManagerLike } from "./locks";

/**
 * What {@link IndexedDbPayerStateStore} takes; every field is optional in a page. `databaseName` defaults to
 * `"peerpay"`; `indexedDB` to the page's (pass fake-indexeddb's on Node); `locks` to `navigator.locks` when the
 * browser has it (`null` forces the in-page mutex).
 *
 * @example
 * ```ts
 * const params: IndexedDbPayerStateStoreParameters = { databaseName: "peerpay-myapp" };
 * ```
 */
export type IndexedDbPayerStateStoreParameters = {
  databaseName?: string;
  indexedDB?: IndexedDbFactory;
  locks?: LockManagerLike | null;
};

/**
 * A record as IndexedDB keeps it (row format 1): amounts as decimal strings, which every engine's structured clone
 * keeps exactly (BigInt values in IndexedDB are newer than the API, BR-S3); the sealed key as the sealer made it.
 */
type Row = {
  key: string;
  format: 1;
  chainId: string;
  contract: string;
  channel: PaidChannelRecord["channel"];
  channelId: string;
  deposit: string;
  acknowledged: string;
  signed: string;
  sessionKey: SealedSessionKey;
  updatedAt: number;
};

/**
 * The payer-state port ({@link PayerStateStore}) over IndexedDB: one database per origin (`"peerpay"` unless named),
 * with a versioned schema that an older database is upgraded from. `put` and `delete` resolve once their readwrite
 * transaction has completed with `durability: "strict"` (flushed where the browser supports the option), so `signed`
 * is on disk before a voucher leaves the page. `exclusive` holds a Web Lock named after the record (across tabs and
 * workers of the origin) or, without `navigator.locks`, an in-page mutex. Amounts up to 2^256 - 1 are kept exactly.
 *
 * @throws {BrowserStorageError} IndexedDB unavailable, blocked by another tab, upgraded by a newer SDK, or a
 * transaction aborted; {@link StoreError} `STORE_UNAVAILABLE` after `close()`, `STORE_CORRUPT` for an unreadable row.
 * @example
 * ```ts
 * const store = new IndexedDbPayerStateStore();
 * const sealer = new WebCryptoSessionKeySealer();
 * await store.exclusive(record.key, async () => {
 *   const current = await store.get(record.key);
 *   await store.put({ ...current!, signed: current!.signed + price, updatedAt: Date.now() });
 * });
 * ```
 */
export class IndexedDbPayerStateStore implements PayerStateStore {
  readonly databaseName: string;
  readonly #connection: Connection;
  readonly #locks: LockManagerLike | undefined;

  constructor({ databaseName = DEFAULT_DATABASE, indexedDB, locks }: IndexedDbPayerStateStoreParameters = {}) {
    if (typeof databaseName !== "string" || databaseName === "") {
      throw new InvalidParameterError({ parameter: "databaseName", value: databaseName, reason: "must be a name" });
    }
    this.databaseName = databaseName;
    this.#connection = new Connection(databaseName, () => indexedDB ?? defaultIndexedDb(databaseName));
    this.#locks = locks === null ? undefined : (locks ?? defaultLocks());
  }

  /** Whether `exclusive` holds across tabs (Web Locks) rather than within this page only. */
  get crossTab(): boolean {
    return this.#locks !== undefined;
  }

  async get(key: string): Promise<PaidChannelRecord | undefined> {
    requireKey(key);
    const row = await this.#connection.read(CHANNELS, (objects) => objects.get(key));
    return row === undefined ? undefined : this.#decode(row);
  }

  async put(record: PaidChannelRecord): Promise<void> {
    const row = encode(record);
    await this.#connection.write(CHANNELS, (objects) => objects.put(row));
  }

  async delete(key: string): Promise<void> {
    requireKey(key);
    await this.#connection.write(CHANNELS, (objects) => objects.delete(key));
  }

  async list(): Promise<PaidChannelRecord[]> {
    const rows = await this.#connection.read(CHANNELS, (objects) => objects.getAll());
    return rows.map((row) => this.#decode(row));
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    requireKey(key);
    if (this.#connection.closed) throw this.#closedError();
    return withLock(this.#locks, `peerpay:${this.databaseName}:${key}`, fn);
  }

  /**
   * Refuses new calls (`STORE_UNAVAILABLE`), waits for the reads and writes already started (a `put` in flight still
   * resolves once durable), then closes the connection. Idempotent.
   */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  #closedError(): StoreError {
    return new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: `IndexedDB "${this.databaseName}": the store is closed`,
      details: { database: this.databaseName, reason: "closed" },
    });
  }

  #decode(value: unknown): PaidChannelRecord {
    try {
      return decode(value);
    } catch (error) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_CORRUPT,
        message: `IndexedDB "${this.databaseName}": an unreadable payer-state record`,
        details: { database: this.databaseName, key: (value as { key?: unknown } | null)?.key },
        cause: error,
      });
    }
  }
}

function requireKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key === "") {
    throw new InvalidParameterError({ parameter: "key", value: key, reason: "must be a non-empty string" });
  }
}

/** Checks a record before anything is written: a bad field is the caller's error, not a corrupt database later. */
function encode(record: PaidChannelRecord): Row {
  if (record === null || typeof record !== "object") {
    throw new InvalidParameterError({ parameter: "record", value: record, reason: "must be a PaidChannelRecord" });
  }
  requireKey(record.key);
  normalizeChannel(record.channel);
  const { sessionKey, updatedAt } = record;
  if (sessionKey === null || typeof sessionKey !== "object" || typeof sessionKey.scheme !== "string") {
    throw new InvalidParameterError({ parameter: "sessionKey", value: sessionKey, reason: "must be a sealed key" });
  }
  if (typeof updatedAt !== "number" || !Number.isFinite(updatedAt)) {
    throw new InvalidParameterError({ parameter: "updatedAt", value: updatedAt, reason: "must be a finite number" });
  }
  return {
    key: record.key,
    format: 1,
    chainId: requireBigInt("chainId", record.chainId, 1n).toString(),
    contract: requireString("contract", record.contract),
    channel: { ...record.channel },
    channelId: toChannelId(record.channelId),
    deposit: requireBigInt("deposit", record.deposit, 0n).toString(),
    acknowledged: requireBigInt("acknowledged", record.acknowledged, 0n).toString(),
    signed: requireBigInt("signed", record.signed, 0n).toString(),
    sessionKey,
    updatedAt,
  };
}

function requireString(parameter: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidParameterError({ parameter, value, reason: "must be a string" });
  return value;
}

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

function amount(row: Record<string, unknown>, field: string): bigint {
  const value = row[field];
  if (typeof value !== "string" || !DECIMAL.test(value)) throw new Error(`${field} is not a decimal amount`);
  return BigInt(value);
}

function decode(value: unknown): PaidChannelRecord {
  if (value === null || typeof value !== "object") throw new Error("not an object");
  const row = value as Record<string, unknown>;
  if (row.format !== 1) throw new Error(`unknown row format ${String(row.format)}`);
  const channel = row.channel as PaidChannelRecord["channel"];
  normalizeChannel(channel);
  const sessionKey = row.sessionKey as SealedSessionKey;
  if (sessionKey === null || typeof sessionKey !== "object" || typeof sessionKey.scheme !== "string") {
    throw new Error("no sealed session key");
  }
  if (typeof row.key !== "string" || typeof row.contract !== "string" || typeof row.updatedAt !== "number") {
    throw new Error("a field is missing");
  }
  return {
    key: row.key,
    chainId: amount(row, "chainId"),
    contract: row.contract,
    channel: { ...channel },
    channelId: toChannelId(row.channelId as string),
    deposit: amount(row, "deposit"),
    acknowledged: amount(row, "acknowledged"),
    signed: amount(row, "signed"),
    sessionKey,
    updatedAt: row.updatedAt,
  };
}
