// Port 1 of issue 12 (the lead's /work/wt/_notes/http-design.md): the payer's state, as `payingFetch` keeps it.
// The http helper owns this file; this is the browser branch's copy of the shape in the design, so that
// IndexedDbPayerStateStore builds against it until the http branch lands (then that version replaces this one).
import type { Address } from "../core/types";
import type { Channel, ChannelId } from "../channels/types";

/**
 * A session key in the form a store keeps it: structured-cloneable (IndexedDB can hold CryptoKey objects).
 *
 * @example
 * ```ts
 * const sealed: SealedSessionKey = await sealer.seal(sessionKey.privateKey);
 * ```
 */
export type SealedSessionKey = { readonly scheme: string } & Readonly<Record<string, unknown>>;

/**
 * Turns a session key's private key into what a {@link PayerStateStore} keeps, and back.
 *
 * @example
 * ```ts
 * const privateKey = await sealer.unseal(record.sessionKey);
 * ```
 */
export interface SessionKeySealer {
  readonly scheme: string;
  seal(privateKey: string): Promise<SealedSessionKey>;
  unseal(sealed: SealedSessionKey): Promise<string>; // throws a PeerPayError (stable code) if it cannot
}

/**
 * One channel a payer pays through, as a {@link PayerStateStore} keeps it.
 *
 * @example
 * ```ts
 * await store.put({ ...record, signed: record.signed + price, updatedAt: Date.now() });
 * ```
 */
export type PaidChannelRecord = {
  /** paidChannelKey(...): "eip155:<chainId>:<contract>:<payer>:<payee>:<token>", addresses lowercase. */
  key: string;
  chainId: bigint;
  contract: Address;
  channel: Channel;
  channelId: ChannelId;
  /** What the payer funded through this record (open + top-ups). */
  deposit: bigint;
  /** Highest cumulative total a payee receipt (or 402 report) confirmed. */
  acknowledged: bigint;
  /** Highest cumulative total ever signed; made durable BEFORE the voucher leaves the process/page. */
  signed: bigint;
  sessionKey: SealedSessionKey;
  updatedAt: number;
};

/**
 * Where a payer keeps its {@link PaidChannelRecord}s.
 *
 * @example
 * ```ts
 * await store.exclusive(key, async () => store.put(next));
 * ```
 */
export interface PayerStateStore {
  get(key: string): Promise<PaidChannelRecord | undefined>;
  put(record: PaidChannelRecord): Promise<void>; // resolves once durable
  delete(key: string): Promise<void>;
  list(): Promise<PaidChannelRecord[]>;
  /** Runs fn with the record's key held exclusively (in-process mutex; IndexedDB also across tabs via navigator.locks). */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
