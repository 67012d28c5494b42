// The payer state's IndexedDB database (docs/browser.md BR-S1..BR-S5): its schema and upgrade path, and one lazily
// opened connection that lets go when another tab upgrades. The SDK is compiled without the DOM's typings (it also
// runs on Node), so the few IndexedDB shapes it uses are declared here, structurally.
import { StoreError } from "../errors/channels";
import { BrowserStorageError } from "../errors/browser";
import { PeerPayErrorCode } from "../errors/codes";

/** The default database name: one database per origin holds every PeerPay payer's state. */
export const DEFAULT_DATABASE = "peerpay";
/** The object store of paid-channel records, keyed by the record's `key`. */
export const CHANNELS = "channels";
/** The object store of the browser's non-extractable AES keys (WebCryptoSessionKeySealer), keyed by `id`. */
export const SEALING_KEYS = "sealing-keys";

/**
 * An `IDBFactory` (`window.indexedDB`, or fake-indexeddb's on Node), typed loosely so that the DOM's own typings and
 * a polyfill's both fit.
 *
 * @example
 * ```ts
 * const store = new IndexedDbPayerStateStore({ indexedDB: window.indexedDB });
 * ```
 */
export type IndexedDbFactory = { open(name: string, version?: number): object; deleteDatabase(name: string): object };

type Handler<E = never> = ((event: E) => void) | null;
type IdbRequest<T> = {
  readonly result: T;
  readonly error: Error | null;
  onsuccess: Handler;
  onerror: Handler<Cancelable>;
};
type Cancelable = { preventDefault?(): void };
type IdbOpenRequest = IdbRequest<IdbDatabase> & {
  readonly transaction: IdbTransaction | null;
  onupgradeneeded: Handler<{ oldVersion: number }>;
  onblocked: Handler;
};
export type IdbObjectStore = {
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown): IdbRequest<unknown>;
  add(value: unknown): IdbRequest<unknown>;
  delete(key: string): IdbRequest<undefined>;
};
type IdbTransaction = {
  readonly error: Error | null;
  objectStore(name: string): IdbObjectStore;
  oncomplete: Handler;
  onabort: Handler;
  abort(): void;
};
export type IdbDatabase = {
  readonly version: number;
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(
    stores: string,
    mode: "readonly" | "readwrite",
    options?: { durability: "strict" | "relaxed" | "default" },
  ): IdbTransaction;
  close(): void;
  onversionchange: Handler;
  onclose: Handler;
};

/** One schema step: run inside the `versionchange` transaction that takes the database to its index + 1. */
export type Migration = (db: IdbDatabase) => void;

/**
 * The schema, one step per version (version = steps run). Steps are never edited once released: a change appends a
 * step, and `onupgradeneeded` runs only the steps past the database's `oldVersion`, so every older database (or none)
 * reaches the same schema (BR-S4).
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1: the paid-channel records, and the AES keys of WebCryptoSessionKeySealer beside them.
  (db) => {
    db.createObjectStore(CHANNELS, { keyPath: "key" });
    db.createObjectStore(SEALING_KEYS, { keyPath: "id" });
  },
];

/** The browser's `indexedDB`, or a typed error saying there is none. */
export function defaultIndexedDb(database: string): IndexedDbFactory {
  const factory = (globalThis as { indexedDB?: IndexedDbFactory }).indexedDB;
  if (factory === undefined || factory === null) {
    throw new BrowserStorageError({
      code: PeerPayErrorCode.INDEXEDDB_UNAVAILABLE,
      message: "IndexedDB is not available here: pass `indexedDB` (e.g. fake-indexeddb on Node)",
      details: { database, reason: "no indexedDB global" },
    });
  }
  return factory;
}

/**
 * Opens `name` at version `migrations.length`, running the missing steps. Fails fast with a typed error rather than
 * hang: BLOCKED when an older connection in another tab does not close, VERSION_TOO_NEW when a newer SDK upgraded it.
 */
export function openDatabase(factory: IndexedDbFactory, name: string, migrations = MIGRATIONS): Promise<IdbDatabase> {
  const version = migrations.length;
  const fail = (code: BrowserStorageError["code"], reason: string, cause?: unknown) =>
    new BrowserStorageError({
      code,
      message: `IndexedDB "${name}": ${reason}`,
      details: { database: name, version, reason },
      cause,
    });
  return new Promise((resolve, reject) => {
    let request: IdbOpenRequest;
    try {
      request = factory.open(name, version) as IdbOpenRequest;
    } catch (error) {
      reject(fail(PeerPayErrorCode.INDEXEDDB_UNAVAILABLE, "the browser refused to open it", error));
      return;
    }
    let settled = false;
    request.onupgradeneeded = ({ oldVersion }) => {
      for (let step = oldVersion; step < version; step++) migrations[step](request.result);
    };
    request.onblocked = () => {
      settled = true;
      reject(fail(PeerPayErrorCode.INDEXEDDB_BLOCKED, "another tab holds an older version open; close or reload it"));
    };
    request.onsuccess = () => {
      const db = request.result;
      // Opened after we gave up waiting (BLOCKED): nobody holds this connection, so close it.
      if (settled) return db.close();
      settled = true;
      if (![CHANNELS, SEALING_KEYS].every((store) => db.objectStoreNames.contains(store))) {
        db.close();
        return reject(fail(PeerPayErrorCode.INDEXEDDB_SCHEMA_MISMATCH, "it lacks PeerPay's object stores"));
      }
      resolve(db);
    };
    request.onerror = (event) => {
      event.preventDefault?.();
      if (settled) return;
      settled = true;
      const error = request.error;
      reject(
        error?.name === "VersionError"
          ? fail(PeerPayErrorCode.INDEXEDDB_VERSION_TOO_NEW, "a newer PeerPay upgraded it; reload the page", error)
          : fail(PeerPayErrorCode.INDEXEDDB_UNAVAILABLE, `open failed (${error?.name ?? "unknown"})`, error),
      );
    };
  });
}

/**
 * One connection, opened on first use and reopened after the browser or another tab closed it. `write` resolves when
 * the transaction's `complete` fires, with `durability: "strict"` (engines that do not know the option ignore it and
 * flush as their default does).
 */
export class Connection {
  readonly #factory: () => IndexedDbFactory;
  readonly #name: string;
  #db: Promise<IdbDatabase> | undefined;
  #closed = false;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(name: string, factory: () => IndexedDbFactory) {
    this.#name = name;
    this.#factory = factory;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `body` in a readonly transaction of `store`; resolves with its request's result once the transaction ends. */
  read<T>(store: string, body: (objects: IdbObjectStore) => IdbRequest<T>): Promise<T> {
    return this.#track(this.#run(store, "readonly", body));
  }

  /** Runs `body` in a readwrite transaction; resolves once the transaction committed (strict durability). */
  write<T>(store: string, body: (objects: IdbObjectStore) => IdbRequest<T>): Promise<T> {
    return this.#track(this.#run(store, "readwrite", body));
  }

  /** Refuses new work, waits for the transactions already started, then closes the connection. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#pending]);
    const db = this.#db;
    this.#db = undefined;
    if (db !== undefined) (await db.catch(() => undefined))?.close();
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    const done = () => this.#pending.delete(work);
    work.then(done, done);
    return work;
  }

  async #run<T>(
    store: string,
    mode: "readonly" | "readwrite",
    body: (objects: IdbObjectStore) => IdbRequest<T>,
  ): Promise<T> {
    if (this.#closed) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_UNAVAILABLE,
        message: `IndexedDB "${this.#name}": the store is closed`,
        details: { database: this.#name, reason: "closed" },
      });
    }
    const options = { durability: mode === "readwrite" ? ("strict" as const) : ("default" as const) };
    const connection = this.#connect();
    const db = await connection; // a failed open is the caller's answer
    let transaction: IdbTransaction;
    try {
      transaction = db.transaction(store, mode, options);
    } catch {
      // The connection was closed under us (another tab's upgrade, the user clearing site data): reopen once.
      if (this.#db === connection) this.#db = undefined;
      transaction = (await this.#connect()).transaction(store, mode, options);
    }
    return new Promise<T>((resolve, reject) => {
      const failed = (error: Error | null) =>
        new BrowserStorageError({
          code: PeerPayErrorCode.INDEXEDDB_TRANSACTION_FAILED,
          message: `IndexedDB "${this.#name}": the ${mode} transaction on ${store} failed (${error?.name ?? "aborted"})`,
          details: { database: this.#name, store, reason: error?.message ?? "aborted" },
          cause: error,
        });
      let request: IdbRequest<T>;
      try {
        request = body(transaction.objectStore(store));
      } catch (error) {
        // A value the browser cannot clone (DataCloneError) throws here, before any request exists: nothing written.
        transaction.onabort = () => undefined;
        transaction.abort();
        return reject(failed(error as Error));
      }
      transaction.oncomplete = () => resolve(request.result);
      // A failed request aborts the transaction (its error event is not cancelled): `abort` is the one place to reject.
      transaction.onabort = () => reject(failed(transaction.error ?? request.error));
    });
  }

  #connect(): Promise<IdbDatabase> {
    if (this.#db === undefined) {
      const opening = (async () => {
        const db = await openDatabase(this.#factory(), this.#name);
        // Let a newer SDK in another tab upgrade: close at once; the next call reopens (and meets VERSION_TOO_NEW).
        db.onversionchange = () => {
          db.close();
          if (this.#db === opening) this.#db = undefined;
        };
        db.onclose = () => {
          if (this.#db === opening) this.#db = undefined;
        };
        return db;
      })();
      this.#db = opening;
      opening.catch(() => {
        if (this.#db === opening) this.#db = undefined;
      });
    }
    return this.#db;
  }
}
