// IndexedDbPayerStateStore over fake-indexeddb (docs/browser.md §2, rules BR-S*). The same store in real Chromium,
// across a page reload, is test/browser/payer-state.test.ts.
import { expect } from "chai";
import { IDBDatabase as FakeDatabase } from "fake-indexeddb";
import {
  BrowserStorageError,
  IndexedDbPayerStateStore,
  InvalidParameterError,
  StoreError,
  type LockManagerLike,
} from "../../../sdk";
import { MIGRATIONS, openDatabase, type IndexedDbFactory } from "../../../sdk/browser/idb";
import {
  MAX_UINT256,
  drain,
  freshIndexedDb,
  openRaw,
  putRaw,
  rawRow,
  recordOf,
  rejects,
  type RawFactory,
} from "./fixtures";

/** A store on `factory` (fake-indexeddb), with the in-page mutex unless `locks` is given. */
function storeOn(factory: RawFactory, locks: LockManagerLike | null = null, databaseName = "peerpay") {
  return new IndexedDbPayerStateStore({ indexedDB: factory as IndexedDbFactory, locks, databaseName });
}

describe("IndexedDbPayerStateStore (fake-indexeddb)", function () {
  let factory: RawFactory;
  let store: IndexedDbPayerStateStore;

  beforeEach(function () {
    factory = freshIndexedDb();
    store = storeOn(factory);
  });

  afterEach(async function () {
    await store.close();
  });

  describe("records (BR-S1, BR-S3)", function () {
    it("BR-S1: get returns what put stored, equal field by field; an unknown key reads undefined", async function () {
      const record = recordOf();
      expect(await store.get(record.key)).to.equal(undefined);
      await store.put(record);
      expect(await store.get(record.key)).to.deep.equal(record);
    });

    it("BR-S1: put replaces the record of the same key; list returns every record; delete removes one", async function () {
      const a = recordOf();
      const b = recordOf();
      await store.put(a);
      await store.put(b);
      await store.put({ ...a, signed: 80n, acknowledged: 80n, updatedAt: a.updatedAt + 1 });
      const listed = await store.list();
      expect(listed.map((r) => r.key).sort()).to.deep.equal([a.key, b.key].sort());
      expect(listed.find((r) => r.key === a.key)).to.deep.include({ signed: 80n, acknowledged: 80n });
      await store.delete(a.key);
      expect(await store.get(a.key)).to.equal(undefined);
      expect((await store.list()).map((r) => r.key)).to.deep.equal([b.key]);
    });

    it("BR-S3: amounts and the chain id at 2^256 - 1 come back exact, stored as decimal strings", async function () {
      const record = recordOf({
        chainId: MAX_UINT256,
        deposit: MAX_UINT256,
        acknowledged: MAX_UINT256 - 1n,
        signed: MAX_UINT256,
      });
      await store.put(record);
      expect(await store.get(record.key)).to.deep.equal(record);
      const row = (await rawRow(factory, "peerpay", "channels", record.key)) as Record<string, unknown>;
      expect(row).to.deep.include({ format: 1, deposit: MAX_UINT256.toString(), chainId: MAX_UINT256.toString() });
    });

    it("BR-S1: a new store on the same database (a reloaded page) reads what the last resolved put wrote", async function () {
      const record = recordOf();
      await store.put(record);
      await store.put({ ...record, signed: 61n });
      await store.close();
      store = storeOn(factory);
      expect(await store.get(record.key)).to.deep.equal({ ...record, signed: 61n });
    });

    it("BR-S3: a malformed record is refused with InvalidParameterError before anything is written", async function () {
      const record = recordOf();
      const bad: [string, unknown][] = [
        ["signed", -1n],
        ["deposit", 2n ** 256n],
        ["acknowledged", 5],
        ["chainId", 0n],
        ["channelId", "0x12"],
        ["updatedAt", Number.NaN],
        ["sessionKey", { privateKey: "0x01" }],
        ["channel", { ...record.channel, payee: "0xnot" }],
        ["key", ""],
      ];
      for (const [field, value] of bad) {
        await rejects(store.put({ ...record, [field]: value }), InvalidParameterError, "INVALID_PARAMETER");
      }
      expect(await store.list()).to.deep.equal([]);
    });

    it("BR-S3: an unreadable row is reported as STORE_CORRUPT, never returned as a guess", async function () {
      const record = recordOf();
      await store.put(record);
      const row = (await rawRow(factory, "peerpay", "channels", record.key)) as Record<string, unknown>;
      await putRaw(factory, "peerpay", "channels", { ...row, signed: "12abc" });
      const error = await rejects(store.get(record.key), StoreError, "STORE_CORRUPT");
      expect(error.details.key).to.equal(record.key);
      await rejects(store.list(), StoreError, "STORE_CORRUPT");
      await putRaw(factory, "peerpay", "channels", { ...row, format: 2 });
      await rejects(store.get(record.key), StoreError, "STORE_CORRUPT");
    });

    it("BR-S5: a value IndexedDB cannot clone fails the put with INDEXEDDB_TRANSACTION_FAILED, nothing written", async function () {
      const record = recordOf();
      const sessionKey = { scheme: "odd", sign: () => "functions are not cloneable" };
      const error = await rejects(
        store.put({ ...record, sessionKey }),
        BrowserStorageError,
        "INDEXEDDB_TRANSACTION_FAILED",
      );
      expect((error.cause as Error).name).to.equal("DataCloneError");
      expect(await store.get(record.key)).to.equal(undefined);
    });
  });

  describe("exclusive (BR-S6)", function () {
    it("BR-S6: a second caller on the same key enters only after the first returns; another key is not held", async function () {
      const key = recordOf().key;
      const events: string[] = [];
      let releaseFirst!: () => void;
      const first = store.exclusive(key, async () => {
        events.push("first in");
        await new Promise<void>((resolve) => (releaseFirst = resolve));
        events.push("first out");
        return 1;
      });
      await drain();
      const second = store.exclusive(key, async () => {
        events.push("second in");
        return 2;
      });
      const other = store.exclusive("another-key", async () => {
        events.push("other in");
        return 3;
      });
      expect(await other).to.equal(3);
      await drain();
      expect(events).to.deep.equal(["first in", "other in"]);
      releaseFirst();
      expect(await Promise.all([first, second])).to.deep.equal([1, 2]);
      expect(events).to.deep.equal(["first in", "other in", "first out", "second in"]);
    });

    it("BR-S6: 25 concurrent read-modify-write increments across two store instances lose none", async function () {
      const record = recordOf({ signed: 0n });
      await store.put(record);
      const twin = storeOn(factory);
      const bump = (on: IndexedDbPayerStateStore) =>
        on.exclusive(record.key, async () => {
          const current = (await on.get(record.key))!;
          await drain(2); // let the other callers run between the read and the write, as a page would
          await on.put({ ...current, signed: current.signed + 1n });
        });
      await Promise.all(Array.from({ length: 25 }, (_, i) => bump(i % 2 === 0 ? store : twin)));
      expect((await store.get(record.key))!.signed).to.equal(25n);
      await twin.close();
    });

    it("BR-S6: a throwing section releases the key and its error reaches the caller", async function () {
      const key = recordOf().key;
      let failure: unknown;
      await store
        .exclusive(key, async () => {
          throw new Error("boom");
        })
        .catch((error) => (failure = error));
      expect((failure as Error).message).to.equal("boom");
      expect(await store.exclusive(key, async () => "next")).to.equal("next");
    });

    it("BR-S6: with Web Locks, the section runs under an exclusive lock named after the database and key", async function () {
      const requests: { name: string; mode: string }[] = [];
      const locks: LockManagerLike = {
        request: async (name, options, callback) => {
          requests.push({ name, mode: options.mode });
          return callback();
        },
      };
      const locked = storeOn(factory, locks, "peerpay-app");
      expect(locked.crossTab).to.equal(true);
      expect(store.crossTab).to.equal(false);
      expect(await locked.exclusive("k1", async () => 42)).to.equal(42);
      expect(requests).to.deep.equal([{ name: "peerpay:peerpay-app:k1", mode: "exclusive" }]);
      await locked.close();
    });
  });

  describe("schema and connection (BR-S4, BR-S5)", function () {
    it("BR-S4: from no database, the first call creates it at the current version with both object stores", async function () {
      await store.list();
      const db = await openRaw(factory, "peerpay", MIGRATIONS.length);
      expect(db.version).to.equal(1);
      expect(["channels", "sealing-keys"].map((name) => db.objectStoreNames.contains(name))).to.deep.equal([
        true,
        true,
      ]);
      db.close();
    });

    it("BR-S4: an upgrade runs only the steps past the old version and keeps every record", async function () {
      const record = recordOf();
      await store.put(record);
      let ran = 0;
      const next = [...MIGRATIONS, () => void ran++];
      // The store's connection lets go on `versionchange`, so the newer schema is not blocked by it.
      const upgraded = await openDatabase(factory as IndexedDbFactory, "peerpay", next);
      expect([upgraded.version, ran]).to.deep.equal([2, 1]);
      upgraded.close();
      const reopened = await openDatabase(factory as IndexedDbFactory, "peerpay", next);
      expect(ran, "no step runs twice").to.equal(1);
      reopened.close();
      expect(await rawRow(factory, "peerpay", "channels", record.key)).to.deep.include({ signed: "60", format: 1 });
      const newer = storeOn(factory);
      // This SDK (version 1) meets a database a newer SDK upgraded: a typed error, and the old store says so too.
      await rejects(newer.get(record.key), BrowserStorageError, "INDEXEDDB_VERSION_TOO_NEW");
      await rejects(store.get(record.key), BrowserStorageError, "INDEXEDDB_VERSION_TOO_NEW");
      await newer.close();
    });

    it("BR-S4: an older connection that does not close makes the upgrade fail with INDEXEDDB_BLOCKED", async function () {
      const stubborn = await openRaw(factory, "peerpay", 1, (db) => {
        for (const name of ["channels", "sealing-keys"]) db.createObjectStore(name, { keyPath: "key" });
      });
      stubborn.onversionchange = () => undefined; // another library's tab that ignores the request
      await rejects(
        openDatabase(factory as IndexedDbFactory, "peerpay", [...MIGRATIONS, () => undefined]),
        BrowserStorageError,
        "INDEXEDDB_BLOCKED",
      );
      stubborn.close();
    });

    it("BR-S4: a database of that name without PeerPay's stores is INDEXEDDB_SCHEMA_MISMATCH", async function () {
      const foreign = await openRaw(factory, "peerpay", 1, (db) => db.createObjectStore("todos", { keyPath: "id" }));
      foreign.close();
      await rejects(store.list(), BrowserStorageError, "INDEXEDDB_SCHEMA_MISMATCH");
    });

    it("BR-S5: without any IndexedDB the first call fails with INDEXEDDB_UNAVAILABLE", async function () {
      // Node has no indexedDB global unless a test installed one (fake-indexeddb/auto): hide it for this test.
      const global = globalThis as { indexedDB?: unknown };
      const installed = global.indexedDB;
      delete global.indexedDB;
      try {
        const nowhere = new IndexedDbPayerStateStore({ locks: null });
        const error = await rejects(nowhere.get("k"), BrowserStorageError, "INDEXEDDB_UNAVAILABLE");
        expect(error.details.database).to.equal("peerpay");
        await nowhere.close();
      } finally {
        if (installed !== undefined) global.indexedDB = installed;
      }
    });

    it("BR-S5: an open the browser refuses (a SecurityError) is INDEXEDDB_UNAVAILABLE with the cause", async function () {
      const refusing = {
        open: () => {
          throw Object.assign(new Error("access denied"), { name: "SecurityError" });
        },
        deleteDatabase: () => ({}),
      };
      const denied = new IndexedDbPayerStateStore({ indexedDB: refusing, locks: null });
      const error = await rejects(denied.list(), BrowserStorageError, "INDEXEDDB_UNAVAILABLE");
      expect((error.cause as Error).name).to.equal("SecurityError");
    });
  });

  describe("transactions (BR-S2)", function () {
    type Transact = (this: { close(): void }, store: string, mode?: string, options?: object) => unknown;
    const prototype = (FakeDatabase as unknown as { prototype: { transaction: Transact } }).prototype;
    const original = prototype.transaction;
    let seen: { mode?: string; options?: object; db: { close(): void } }[];

    beforeEach(function () {
      seen = [];
      prototype.transaction = function (this: { close(): void }, store, mode, options) {
        // fake-indexeddb runs its upgrade through this method too: only the store's own transactions count.
        if (mode !== "versionchange") seen.push({ mode, options, db: this });
        return original.call(this, store, mode, options);
      };
    });

    afterEach(function () {
      prototype.transaction = original;
    });

    it("BR-S2: put and delete run in readwrite transactions opened with durability strict; reads in readonly ones", async function () {
      const record = recordOf();
      await store.put(record);
      await store.get(record.key);
      await store.list();
      await store.delete(record.key);
      expect(seen.map(({ mode, options }) => [mode, options])).to.deep.equal([
        ["readwrite", { durability: "strict" }],
        ["readonly", { durability: "default" }],
        ["readonly", { durability: "default" }],
        ["readwrite", { durability: "strict" }],
      ]);
    });

    it("BR-S4: a connection closed under the store (site data cleared, a forced close) is reopened on the next call", async function () {
      const record = recordOf();
      await store.put(record);
      seen[0].db.close();
      expect(await store.get(record.key)).to.deep.equal(record);
      expect(seen.map(({ db }) => db === seen[0].db)).to.deep.equal([true, true, false]);
    });
  });

  describe("close (BR-S7)", function () {
    it("BR-S7: a put in flight when close is called still resolves durable; later calls are STORE_UNAVAILABLE", async function () {
      const record = recordOf();
      await store.get(record.key); // the connection is open
      const writing = store.put(record);
      const closing = store.close();
      await writing;
      await closing;
      await rejects(store.get(record.key), StoreError, "STORE_UNAVAILABLE");
      await rejects(store.put(record), StoreError, "STORE_UNAVAILABLE");
      await rejects(store.delete(record.key), StoreError, "STORE_UNAVAILABLE");
      await rejects(store.list(), StoreError, "STORE_UNAVAILABLE");
      await rejects(
        store.exclusive(record.key, async () => 1),
        StoreError,
        "STORE_UNAVAILABLE",
      );
      await store.close(); // idempotent
      const reloaded = storeOn(factory);
      expect(await reloaded.get(record.key)).to.deep.equal(record);
      await reloaded.close();
    });

    it("BR-S7: closing the store releases the database: another tab's upgrade is not blocked", async function () {
      await store.list();
      await store.close();
      const upgraded = await openDatabase(factory as IndexedDbFactory, "peerpay", [...MIGRATIONS, () => undefined]);
      expect(upgraded.version).to.equal(2);
      upgraded.close();
    });
  });
});
