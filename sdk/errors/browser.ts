// The browser's errors (docs/browser.md): the payer state's IndexedDB database, and the session-key sealers. A closed
// store and a corrupt record raise the StoreError codes every store shares (STORE_UNAVAILABLE, STORE_CORRUPT), so that
// `payingFetch` switches on one code whatever store it runs on; these classes carry what only a browser can fail at.
import { PeerPayError } from "./base";

/**
 * The payer state's IndexedDB database cannot be used (docs/browser.md BR-S5): `INDEXEDDB_UNAVAILABLE` (no IndexedDB
 * here, or the browser refused to open it: private mode, a sandboxed frame, storage disabled), `INDEXEDDB_BLOCKED`
 * (another tab holds the database open at an older version and did not let go), `INDEXEDDB_VERSION_TOO_NEW` (a newer
 * PeerPay upgraded it in another tab: reload this one), `INDEXEDDB_SCHEMA_MISMATCH` (a database of that name lacks
 * PeerPay's object stores: another library uses the name) or `INDEXEDDB_TRANSACTION_FAILED` (a transaction aborted:
 * quota, I/O; nothing it held was acknowledged). `details`: `database`, `version`, `reason`.
 *
 * @example
 * ```ts
 * try {
 *   await store.list();
 * } catch (err) {
 *   if (err instanceof BrowserStorageError && err.code === "INDEXEDDB_VERSION_TOO_NEW") location.reload();
 *   else throw err;
 * }
 * ```
 */
export class BrowserStorageError extends PeerPayError<
  | "INDEXEDDB_UNAVAILABLE"
  | "INDEXEDDB_BLOCKED"
  | "INDEXEDDB_VERSION_TOO_NEW"
  | "INDEXEDDB_SCHEMA_MISMATCH"
  | "INDEXEDDB_TRANSACTION_FAILED"
> {
  override name = "BrowserStorageError";
}

/**
 * A session key could not be sealed or unsealed (docs/browser.md BR-K*): `WEBCRYPTO_UNAVAILABLE` (no
 * `crypto.subtle`: the page is not a secure context), `SESSION_KEY_MALFORMED` (not a 32-byte private key, or a
 * sealed key missing its fields), `SESSION_KEY_SCHEME_MISMATCH` (sealed by another sealer), `SESSION_KEY_UNSEAL_FAILED`
 * (authentication failed: the wrong key or wallet, another chain, origin or payer, or altered bytes),
 * `SESSION_KEY_SEALING_KEY_MISSING` (the browser's AES key that sealed it is not in this profile's database),
 * `SESSION_KEY_WALLET_NOT_DETERMINISTIC` (the wallet signed the same message twice differently) or
 * `SESSION_KEY_WALLET_FAILED` (the wallet failed to sign). A user's refusal to sign is a TransactionError
 * `USER_REJECTED`, as everywhere in the SDK.
 *
 * @example
 * ```ts
 * try {
 *   privateKey = await sealer.unseal(record.sessionKey);
 * } catch (err) {
 *   if (err instanceof SessionKeySealError && err.code === "SESSION_KEY_UNSEAL_FAILED") askToSwitchAccount();
 *   else throw err;
 * }
 * ```
 */
export class SessionKeySealError extends PeerPayError<
  | "WEBCRYPTO_UNAVAILABLE"
  | "SESSION_KEY_MALFORMED"
  | "SESSION_KEY_SCHEME_MISMATCH"
  | "SESSION_KEY_UNSEAL_FAILED"
  | "SESSION_KEY_SEALING_KEY_MISSING"
  | "SESSION_KEY_WALLET_NOT_DETERMINISTIC"
  | "SESSION_KEY_WALLET_FAILED"
> {
  override name = "SessionKeySealError";
}
