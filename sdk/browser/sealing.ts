// What both session-key sealers share (docs/browser.md §3): WebCrypto found or refused with a typed error, the private
// key checked, and AES-256-GCM with a fresh random 96-bit IV per seal and the sealed key's context as associated data,
// so that a ciphertext moved to another scheme, key id, chain, origin or payer fails authentication.
import { getBytes, hexlify, toUtf8Bytes } from "ethers";
import { SessionKeySealError } from "../errors/browser";
import { PeerPayErrorCode } from "../errors/codes";
import type { SealedSessionKey } from "../http/payer-state";

/** A WebCrypto key (`CryptoKey`); opaque to the SDK, which only hands it back to `crypto.subtle`. */
export type CryptoKeyLike = { readonly type: string; readonly extractable: boolean };

/**
 * The part of WebCrypto the sealers use (`globalThis.crypto` in browsers and Node 20).
 *
 * @example
 * ```ts
 * const sealer = new WebCryptoSessionKeySealer({ crypto: globalThis.crypto });
 * ```
 */
export type WebCryptoLike = { readonly subtle: object; getRandomValues<T extends Uint8Array>(array: T): T };

/** The SubtleCrypto calls the sealers make, typed as they use them. */
export type Subtle = {
  generateKey(algorithm: object, extractable: boolean, usages: string[]): Promise<CryptoKeyLike>;
  importKey(
    format: "raw",
    data: Uint8Array,
    algorithm: string,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  deriveKey(
    algorithm: object,
    base: CryptoKeyLike,
    derived: object,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  encrypt(algorithm: object, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: object, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
};

export type WebCrypto = { subtle: Subtle; random(length: number): Uint8Array };

/** `crypto.subtle`, or WEBCRYPTO_UNAVAILABLE: browsers expose it only in secure contexts (https, localhost). */
export function webCrypto(crypto?: WebCryptoLike): WebCrypto {
  const found = crypto ?? (globalThis as { crypto?: WebCryptoLike }).crypto;
  if (found?.subtle === undefined || typeof found.getRandomValues !== "function") {
    throw new SessionKeySealError({
      code: PeerPayErrorCode.WEBCRYPTO_UNAVAILABLE,
      message: "WebCrypto (crypto.subtle) is not available: serve the page over https (or from localhost)",
    });
  }
  return { subtle: found.subtle as Subtle, random: (length) => found.getRandomValues(new Uint8Array(length)) };
}

/** secp256k1's group order: a private key is in [1, n). */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The 32 bytes of a private key given as `0x` + 64 hex digits, or SESSION_KEY_MALFORMED. */
export function privateKeyBytes(privateKey: string): Uint8Array {
  const valid = typeof privateKey === "string" && /^0x[0-9a-fA-F]{64}$/.test(privateKey);
  const scalar = valid ? BigInt(privateKey) : 0n;
  if (scalar === 0n || scalar >= N) {
    throw new SessionKeySealError({
      code: PeerPayErrorCode.SESSION_KEY_MALFORMED,
      message: "A session key must be a secp256k1 private key: 0x and 64 hex digits, in [1, n)",
    });
  }
  return getBytes(privateKey);
}

export const aesKeyAlgorithm = { name: "AES-GCM", length: 256 } as const;

/** Encrypts the 32 key bytes under `key`; the IV is fresh from the CSPRNG, never reused under one key. */
export async function encrypt(
  crypto: WebCrypto,
  key: CryptoKeyLike,
  plaintext: Uint8Array,
  context: string,
): Promise<{ iv: string; ciphertext: string }> {
  const iv = crypto.random(12);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: toUtf8Bytes(context), tagLength: 128 },
    key,
    plaintext,
  );
  plaintext.fill(0);
  return { iv: hexlify(iv), ciphertext: hexlify(new Uint8Array(ciphertext)) };
}

/** Decrypts and authenticates; any failure (wrong key, altered bytes or context) is SESSION_KEY_UNSEAL_FAILED. */
export async function decrypt(
  crypto: WebCrypto,
  key: CryptoKeyLike,
  sealed: { iv: string; ciphertext: string },
  context: string,
): Promise<string> {
  let plaintext: Uint8Array;
  try {
    const iv = getBytes(sealed.iv);
    const data = getBytes(sealed.ciphertext);
    const algorithm = { name: "AES-GCM", iv, additionalData: toUtf8Bytes(context), tagLength: 128 };
    plaintext = new Uint8Array(await crypto.subtle.decrypt(algorithm, key, data));
  } catch (error) {
    throw new SessionKeySealError({
      code: PeerPayErrorCode.SESSION_KEY_UNSEAL_FAILED,
      message: "The sealed session key does not authenticate: another key, or altered bytes",
      cause: error,
    });
  }
  if (plaintext.length !== 32) throw malformed("the plaintext is not 32 bytes");
  const privateKey = hexlify(plaintext);
  plaintext.fill(0);
  return privateKey;
}

export function malformed(reason: string): SessionKeySealError {
  return new SessionKeySealError({
    code: PeerPayErrorCode.SESSION_KEY_MALFORMED,
    message: `Malformed sealed session key: ${reason}`,
    details: { reason },
  });
}

/** The sealed key's fields, checked: the scheme is this sealer's, and every named field is a string (hex ones hex). */
export function requireSealed<F extends string>(
  sealed: SealedSessionKey,
  scheme: string,
  fields: readonly F[],
): Record<F, string> {
  if (sealed === null || typeof sealed !== "object") throw malformed("not an object");
  if (sealed.scheme !== scheme) {
    throw new SessionKeySealError({
      code: PeerPayErrorCode.SESSION_KEY_SCHEME_MISMATCH,
      message: `Sealed with "${String(sealed.scheme)}", not "${scheme}": unseal it with the sealer that sealed it`,
      details: { expected: scheme, actual: sealed.scheme },
    });
  }
  for (const field of fields) {
    const value = sealed[field];
    if (typeof value !== "string") throw malformed(`${field} is missing`);
    if ((field === "iv" || field === "ciphertext" || field === "salt") && !/^0x([0-9a-f]{2})+$/.test(value)) {
      throw malformed(`${field} is not hex`);
    }
  }
  return sealed as unknown as Record<F, string>;
}
