// Shared by the browser tests: a paid-channel record, a fresh fake-indexeddb per test, raw IndexedDB access and an
// assertion on typed errors.
import { expect } from "chai";
import { IDBFactory } from "fake-indexeddb";
import { Wallet, ZeroAddress } from "ethers";
import { PeerPayError, computeChannelId } from "../../../sdk";
import type { PaidChannelRecord } from "../../../sdk/http/payer-state";

export const MAX_UINT256 = 2n ** 256n - 1n;
export const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A record as payingFetch would keep it, with a plain sealed key (the store does not look inside it). */
export function recordOf(overrides: Partial<PaidChannelRecord> = {}): PaidChannelRecord {
  const payer = Wallet.createRandom().address;
  const payee = Wallet.createRandom().address;
  const sessionKey = Wallet.createRandom();
  const channel = { payer, payee, token: ZeroAddress, signer: sessionKey.address, challengePeriod: 3_600, salt: 7 };
  const chainId = 31_337n;
  return {
    key: `eip155:${chainId}:${CONTRACT}:${payer}:${payee}:${ZeroAddress}`.toLowerCase(),
    chainId,
    contract: CONTRACT,
    channel,
    channelId: computeChannelId({ chainId, contract: CONTRACT, channel }),
    deposit: 1_000_000n,
    acknowledged: 40n,
    signed: 60n,
    sessionKey: { scheme: "plain", privateKey: sessionKey.privateKey },
    updatedAt: 1_765_000_000_000,
    ...overrides,
  };
}

/** The raw IndexedDB calls the tests make (the project compiles without the DOM's typings). */
export type RawDb = {
  readonly version: number;
  readonly objectStoreNames: { contains(name: string): boolean };
  close(): void;
  createObjectStore(name: string, options?: { keyPath: string }): unknown;
  transaction(store: string, mode?: "readonly" | "readwrite"): RawTransaction;
  onversionchange: (() => void) | null;
};
type RawTransaction = {
  readonly error: unknown;
  objectStore(name: string): { get(key: string): RawRequest<unknown>; put(value: unknown): RawRequest<unknown> };
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
};
type RawRequest<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null };
export type RawFactory = {
  open(
    name: string,
    version?: number,
  ): RawRequest<RawDb> & { onupgradeneeded: (() => void) | null; onblocked: (() => void) | null };
  deleteDatabase(name: string): RawRequest<unknown>;
};

/** A fresh, empty IndexedDB (as a new browser profile). */
export function freshIndexedDb(): RawFactory {
  return new IDBFactory() as unknown as RawFactory;
}

/** Awaits `work`, expecting a PeerPayError of `type` with `code`; returns it. */
export async function rejects<E extends PeerPayError>(
  work: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  code: string,
): Promise<E> {
  let failure: unknown;
  try {
    await work;
  } catch (error) {
    failure = error;
  }
  expect(failure, `expected ${type.name} ${code}`).to.be.instanceOf(type);
  expect((failure as E).code).to.equal(code);
  return failure as E;
}

/** Resolves an IDBRequest. */
export function settle<T>(request: RawRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Opens `name` raw, at `version`, with `upgrade` run on a version change: what another library or tab would do. */
export function openRaw(
  factory: RawFactory,
  name: string,
  version: number,
  upgrade: (db: RawDb) => void = () => undefined,
): Promise<RawDb> {
  const request = factory.open(name, version);
  request.onupgradeneeded = () => upgrade(request.result);
  return settle(request);
}

/** One row of an object store, raw (what a script reading the database sees). */
export async function rawRow(factory: RawFactory, name: string, store: string, key: string): Promise<unknown> {
  const db = await settle(factory.open(name));
  try {
    return await settle(db.transaction(store).objectStore(store).get(key));
  } finally {
    db.close();
  }
}

/** Writes one row raw (a corrupt or foreign record). */
export async function putRaw(factory: RawFactory, name: string, store: string, value: unknown): Promise<void> {
  const db = await settle(factory.open(name));
  try {
    const transaction = db.transaction(store, "readwrite");
    transaction.objectStore(store).put(value);
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** Lets every pending promise callback and IndexedDB event run (fake-indexeddb schedules with setImmediate). */
export async function drain(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
