// A session key sealed by the payer's wallet (docs/browser.md BR-K4..BR-K7): the AES key is derived (HKDF-SHA-256)
// from the wallet's signature over one fixed EIP-712 message bound to the chain, the app and the payer, so nothing
// that can unseal the key is stored anywhere: after a reload the wallet signs the same message again and, being
// deterministic (RFC 6979), gives the same signature back. A wallet that does not is detected at setup and refused.
import {
  Signature,
  getAddress,
  getBytes,
  isError,
  toUtf8Bytes,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import type { SealedSessionKey, SessionKeySealer } from "../http/payer-state";
import { InvalidParameterError, TransactionError } from "../errors/base";
import { SessionKeySealError } from "../errors/browser";
import { PeerPayErrorCode } from "../errors/codes";
import { requireBigInt } from "../internal/validate";
import {
  aesKeyAlgorithm,
  decrypt,
  encrypt,
  malformed,
  privateKeyBytes,
  requireSealed,
  webCrypto,
  type CryptoKeyLike,
  type WebCrypto,
  type WebCryptoLike,
} from "./sealing";

const SCHEME = "wallet-eip712-hkdf-aes-256-gcm-v1";
const PURPOSE =
  "Unlock this app's PeerPay session keys in this browser. Sign this only on the app's own site: the signature is the key.";
const TYPES: Record<string, TypedDataField[]> = {
  SessionKeySealing: [
    { name: "purpose", type: "string" },
    { name: "origin", type: "string" },
    { name: "app", type: "string" },
    { name: "payer", type: "address" },
  ],
};

/**
 * What signs the sealing message: anything with ethers' `signTypedData(domain, types, value)`, such as a
 * `JsonRpcSigner` from `new BrowserProvider(window.ethereum).getSigner()` (`eth_signTypedData_v4`) or a `Wallet`.
 *
 * @example
 * ```ts
 * const signer: TypedDataSigner = await new BrowserProvider(window.ethereum).getSigner();
 * ```
 */
export type TypedDataSigner = {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
};

/**
 * What {@link WalletSessionKeySealer} takes: the wallet (`signer`), the chain and payer the keys belong to, the app's
 * name and its origin (default: the page's `location.origin`), and optionally `crypto`.
 *
 * @example
 * ```ts
 * const params: WalletSessionKeySealerParameters = { signer, chainId: 8453n, payer: signer.address, app: "Files" };
 * ```
 */
export type WalletSessionKeySealerParameters = {
  signer: TypedDataSigner;
  chainId: bigint;
  payer: string;
  app: string;
  origin?: string;
  crypto?: WebCryptoLike;
};

/**
 * Seals session keys under an AES-256-GCM key derived (HKDF-SHA-256, a random salt per sealed key) from the wallet's
 * EIP-712 signature over a fixed message naming the chain, the app's origin and name, and the payer (scheme
 * `"wallet-eip712-hkdf-aes-256-gcm-v1"`). Nothing stored can unseal it: a reloaded page asks the wallet for the one
 * signature again (one prompt per page load; it is then kept in memory as a non-extractable key). The wallet must sign
 * deterministically (RFC 6979, as EOA wallets do): the first `seal` asks twice and refuses a wallet whose two
 * signatures differ, which would lose every key it sealed. Whoever obtains that signature (a phishing page showing
 * the same message) and the stored ciphertext can unseal: see docs/browser.md BR-K6.
 *
 * @throws {SessionKeySealError} `SESSION_KEY_WALLET_NOT_DETERMINISTIC`, `SESSION_KEY_UNSEAL_FAILED` (another wallet,
 * chain, origin, app or payer, or altered bytes), `SESSION_KEY_WALLET_FAILED`, `SESSION_KEY_MALFORMED`,
 * `SESSION_KEY_SCHEME_MISMATCH`, `WEBCRYPTO_UNAVAILABLE`; {@link TransactionError} `USER_REJECTED`.
 * @example
 * ```ts
 * const signer = await new BrowserProvider(window.ethereum).getSigner();
 * const sealer = new WalletSessionKeySealer({ signer, chainId: 8453n, payer: signer.address, app: "Files" });
 * const sealed = await sealer.seal(sessionKey.privateKey); // two wallet prompts the first time
 * const privateKey = await sealer.unseal(sealed); // after a reload: one prompt
 * ```
 */
export class WalletSessionKeySealer implements SessionKeySealer {
  readonly scheme = SCHEME;
  readonly chainId: bigint;
  readonly payer: string;
  readonly app: string;
  readonly origin: string;
  readonly #signer: TypedDataSigner;
  readonly #cryptoParameter: WebCryptoLike | undefined;
  /** The HKDF input key made from the wallet's signature, and the signature's SHA-256 to compare a second one with. */
  #base: Promise<{ key: CryptoKeyLike; fingerprint: string }> | undefined;
  /** Set once two signatures agreed, or one unsealed a key sealed earlier: the wallet is deterministic. */
  #deterministic: Promise<void> | undefined;

  constructor({ signer, chainId, payer, app, origin, crypto }: WalletSessionKeySealerParameters) {
    if (typeof signer?.signTypedData !== "function") {
      throw new InvalidParameterError({ parameter: "signer", value: signer, reason: "must sign EIP-712 typed data" });
    }
    this.chainId = requireBigInt("chainId", chainId, 1n);
    try {
      this.payer = getAddress(payer);
    } catch {
      throw new InvalidParameterError({ parameter: "payer", value: payer, reason: "not an address" });
    }
    if (typeof app !== "string" || app === "") {
      throw new InvalidParameterError({ parameter: "app", value: app, reason: "must name the app" });
    }
    const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
    const resolved = origin ?? pageOrigin;
    if (typeof resolved !== "string" || resolved === "" || resolved === "null") {
      throw new InvalidParameterError({ parameter: "origin", value: resolved, reason: "no origin: pass `origin`" });
    }
    this.app = app;
    this.origin = resolved;
    this.#signer = signer;
    this.#cryptoParameter = crypto;
  }

  /**
   * The EIP-712 message the wallet signs: domain `{ name: "PeerPay", version: "1", chainId }`, primary type
   * `SessionKeySealing(string purpose,string origin,string app,address payer)`.
   */
  typedData(): { domain: TypedDataDomain; types: Record<string, TypedDataField[]>; message: Record<string, unknown> } {
    return {
      domain: { name: "PeerPay", version: "1", chainId: this.chainId },
      types: TYPES,
      message: { purpose: PURPOSE, origin: this.origin, app: this.app, payer: this.payer },
    };
  }

  async seal(privateKey: string): Promise<SealedSessionKey> {
    const crypto = webCrypto(this.#cryptoParameter);
    const bytes = privateKeyBytes(privateKey);
    const base = await this.#baseKey(crypto);
    await this.#checkDeterministic(crypto, base.fingerprint);
    const salt = crypto.random(32);
    const { iv, ciphertext } = await encrypt(crypto, await derive(crypto, base.key, salt), bytes, this.#context());
    return { scheme: SCHEME, ...this.#binding(), salt: hex(salt), iv, ciphertext };
  }

  async unseal(sealed: SealedSessionKey): Promise<string> {
    const crypto = webCrypto(this.#cryptoParameter);
    const fields = requireSealed(sealed, SCHEME, ["chainId", "origin", "app", "payer", "salt", "iv", "ciphertext"]);
    const binding = this.#binding();
    const other = (Object.keys(binding) as (keyof typeof binding)[]).find((name) => fields[name] !== binding[name]);
    if (other !== undefined) {
      // Said before the wallet is asked: the user is not prompted for a signature that cannot help.
      throw new SessionKeySealError({
        code: PeerPayErrorCode.SESSION_KEY_UNSEAL_FAILED,
        message: `Sealed for ${other} ${fields[other]}, this sealer is for ${binding[other]}`,
        details: { field: other, expected: binding[other], actual: fields[other] },
      });
    }
    const base = this.#baseKey(crypto);
    const key = await derive(crypto, (await base).key, getBytes(fields.salt));
    try {
      const privateKey = await decrypt(crypto, key, fields, this.#context());
      // The signature reproduced the one made when sealing: the wallet is deterministic, no second prompt needed.
      this.#deterministic ??= Promise.resolve();
      return privateKey;
    } catch (error) {
      // Maybe the user signed with another account: the next call asks the wallet again rather than reuse it.
      if (this.#base === base) this.#base = undefined;
      throw error;
    }
  }

  /** What the sealed key is bound to, as stored (the payer lowercase, the chain id in decimal). */
  #binding(): { chainId: string; origin: string; app: string; payer: string } {
    return { chainId: this.chainId.toString(), origin: this.origin, app: this.app, payer: this.payer.toLowerCase() };
  }

  #context(): string {
    const { chainId, origin, app, payer } = this.#binding();
    return JSON.stringify(["peerpay:session-key", SCHEME, chainId, origin, app, payer]);
  }

  #baseKey(crypto: WebCrypto): Promise<{ key: CryptoKeyLike; fingerprint: string }> {
    if (this.#base === undefined) {
      const signing = (async () => {
        const signature = await this.#sign();
        try {
          const fingerprint = await this.#fingerprint(crypto, signature);
          return { key: await crypto.subtle.importKey("raw", signature, "HKDF", false, ["deriveKey"]), fingerprint };
        } finally {
          signature.fill(0);
        }
      })();
      this.#base = signing;
      signing.catch(() => {
        if (this.#base === signing) this.#base = undefined;
      });
    }
    return this.#base;
  }

  /** Before the first seal, a second signature must equal the first: else the key would be lost at the next load. */
  #checkDeterministic(crypto: WebCrypto, fingerprint: string): Promise<void> {
    if (this.#deterministic === undefined) {
      const checking = (async () => {
        const again = await this.#sign();
        const second = await this.#fingerprint(crypto, again);
        again.fill(0);
        if (second !== fingerprint) {
          this.#base = undefined;
          throw new SessionKeySealError({
            code: PeerPayErrorCode.SESSION_KEY_WALLET_NOT_DETERMINISTIC,
            message: "The wallet signed the same message twice differently: it cannot seal session keys",
            details: { payer: this.payer },
          });
        }
      })();
      this.#deterministic = checking;
      checking.catch(() => {
        if (this.#deterministic === checking) this.#deterministic = undefined;
      });
    }
    return this.#deterministic;
  }

  async #fingerprint(crypto: WebCrypto, signature: Uint8Array): Promise<string> {
    return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", signature)));
  }

  /** The wallet's signature, as the HKDF input: an ECDSA one in its 64-byte form, so that `v` 0/1 or 27/28 agree. */
  async #sign(): Promise<Uint8Array> {
    const { domain, types, message } = this.typedData();
    let signature: string;
    try {
      signature = await this.#signer.signTypedData(domain, types, message);
    } catch (error) {
      const code = (error as { code?: unknown; error?: { code?: unknown } } | null)?.code;
      if (isError(error, "ACTION_REJECTED") || code === 4001) {
        throw new TransactionError({
          code: PeerPayErrorCode.USER_REJECTED,
          message: "Signing refused by the user",
          cause: error,
        });
      }
      throw new SessionKeySealError({
        code: PeerPayErrorCode.SESSION_KEY_WALLET_FAILED,
        message: "The wallet failed to sign the session-key sealing message",
        cause: error,
      });
    }
    if (typeof signature !== "string" || !/^0x([0-9a-fA-F]{2}){64,}$/.test(signature)) {
      throw malformed("the wallet returned no signature");
    }
    if (signature.length === 132) {
      try {
        return getBytes(Signature.from(signature).compactSerialized);
      } catch {
        // Not an ECDSA signature after all (a contract wallet's 65 bytes): its bytes as they are.
      }
    }
    return getBytes(signature);
  }
}

function hex(bytes: Uint8Array): string {
  return "0x" + Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The AES key for one sealed key: HKDF-SHA-256 of the signature, with the sealed key's salt. */
function derive(crypto: WebCrypto, base: CryptoKeyLike, salt: Uint8Array): Promise<CryptoKeyLike> {
  const info = toUtf8Bytes(`peerpay:session-key:${SCHEME}`);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info }, base, aesKeyAlgorithm, false, [
    "encrypt",
    "decrypt",
  ]);
}
