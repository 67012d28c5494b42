// The payer's side of paid HTTP keeps its channels here (docs/http-payments.md §5): a port with a memory
// implementation for Node and tests; sdk/browser/ implements it over IndexedDB. Shapes are the lead's shared decision
// (http-design.md, port 1): the browser store and payingFetch must agree on them exactly.
import type { Address } from "../core/types";
import type { Channel, ChannelId } from "../channels/types";
import { StoreError } from "../errors/channels";
import { HttpPaymentError } from "../errors/http";
import { requireAddress, requireBigInt } from "../internal/validate";
import { KeyedLock } from "../internal/keyed-lock";

/**
 * A session key in the form a store keeps it: structured-cloneable (IndexedDB can hold CryptoKey objects).
 *
 * @example
 * ```ts
 * const sealed: SealedSessionKey = { scheme: "plain", privateKey: "0x…" };
 * ```
 */
export type SealedSessionKey = { readonly scheme: string } & Readonly<Record<string, unknown>>;

/**
 * Seals a session key's private key for storage and unseals it when a voucher must be signed.
 *
 * @example
 * ```ts
 * const sealed = await sealer.seal(privateKey);
 * const again = await sealer.unseal(sealed);
 * ```
 */
export interface SessionKeySealer {
  readonly scheme: string;
  seal(privateKey: string): Promise<SealedSessionKey>;
  /** Throws a PeerPayError (stable code) if it cannot. */
  unseal(sealed: SealedSessionKey): Promise<string>;
}

/**
 * What the payer keeps per paid channel (HP-C2, HP-C4).
 *
 * @example
 * ```ts
 * const record = await store.get(paidChannelKey({ chainId, contract, payer, payee, token }));
 * if (record !== undefined && record.signed > record.acknowledged) console.log("a voucher may be in flight");
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
 * Where the payer keeps its paid channels. `put` resolves once durable; `exclusive` runs `fn` with the key held
 * exclusively (in-process mutex; IndexedDB also across tabs via navigator.locks).
 *
 * @example
 * ```ts
 * await store.exclusive(key, async () => {
 *   const record = await store.get(key);
 *   if (record) await store.put({ ...record, signed: record.signed + price, updatedAt: Date.now() });
 * });
 * ```
 */
export interface PayerStateStore {
  get(key: string): Promise<PaidChannelRecord | undefined>;
  put(record: PaidChannelRecord): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<PaidChannelRecord[]>;
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The key of a paid channel record: `eip155:<chainId>:<contract>:<payer>:<payee>:<token>`, addresses lowercase.
 *
 * @throws {InvalidParameterError} an address or the chain id is malformed.
 * @example
 * ```ts
 * const key = paidChannelKey({ chainId: 1n, contract, payer, payee, token: ZeroAddress });
 * ```
 */
export function paidChannelKey(params: {
  chainId: bigint;
  contract: Address;
  payer: Address;
  payee: Address;
  token: Address;
}): string {
  const chainId = requireBigInt("chainId", params.chainId, 1n);
  const parts = (["contract", "payer", "payee", "token"] as const).map((name) =>
    requireAddress(name, params[name]).toLowerCase(),
  );
  return `eip155:${chainId}:${parts.join(":")}`;
}

/**
 * A {@link PayerStateStore} in memory: for Node processes that re-open their channels from the chain on restart, and
 * for tests. Records are copied in and out, so that a caller mutating one does not change the store.
 *
 * @example
 * ```ts
 * const fetchPaid = payingFetch({ payer, store: new MemoryPayerStateStore(), sealer: new PlainSessionKeySealer(), limits });
 * ```
 */
export class MemoryPayerStateStore implements PayerStateStore {
  readonly #records = new Map<string, PaidChannelRecord>();
  readonly #locks = new KeyedLock();
  #closed = false;

  async get(key: string): Promise<PaidChannelRecord | undefined> {
    this.#open();
    const record = this.#records.get(key);
    return record === undefined ? undefined : copy(record);
  }

  async put(record: PaidChannelRecord): Promise<void> {
    this.#open();
    this.#records.set(record.key, copy(record));
  }

  async delete(key: string): Promise<void> {
    this.#open();
    this.#records.delete(key);
  }

  async list(): Promise<PaidChannelRecord[]> {
    this.#open();
    return [...this.#records.values()].map(copy);
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.#open();
    return this.#locks.run(key, fn);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) {
      throw new StoreError({ code: "STORE_UNAVAILABLE", message: "The payer state store is closed" });
    }
  }
}

function copy(record: PaidChannelRecord): PaidChannelRecord {
  return { ...record, channel: { ...record.channel }, sessionKey: { ...record.sessionKey } };
}

/**
 * Keeps session keys as they are (scheme `"plain"`): for Node processes whose store is as private as their memory,
 * and for tests. In a page, seal with a browser sealer instead.
 *
 * @example
 * ```ts
 * const sealer = new PlainSessionKeySealer();
 * const privateKey = await sealer.unseal(await sealer.seal(key.privateKey));
 * ```
 */
export class PlainSessionKeySealer implements SessionKeySealer {
  readonly scheme = "plain";

  async seal(privateKey: string): Promise<SealedSessionKey> {
    return { scheme: this.scheme, privateKey };
  }

  async unseal(sealed: SealedSessionKey): Promise<string> {
    if (sealed?.scheme !== this.scheme || typeof sealed.privateKey !== "string") {
      throw new HttpPaymentError({
        code: "HTTP_SESSION_KEY_UNAVAILABLE",
        message: `Cannot unseal a session key of scheme ${String(sealed?.scheme)} with the plain sealer`,
        details: { scheme: sealed?.scheme },
      });
    }
    return sealed.privateKey;
  }
}
