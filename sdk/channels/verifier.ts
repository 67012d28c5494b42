// The payee's side of a voucher, its hot path: recovering who signed it, as the contract's `_recover` would.
import { Signature, recoverAddress } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { VoucherError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { checksumAddress } from "../internal/address";
import { bytesToHex, compare32, hexInto } from "../internal/bytes";
import { keccak256Into } from "../internal/keccak";
import { loadNativeSecp256k1, type NativeSecp256k1 } from "../internal/secp256k1";
import { VoucherDigest, type ChannelContext } from "./typed-data";

/** secp256k1's n / 2: OpenZeppelin's `ECDSA` rejects signatures with a larger s (malleable). */
const HALF_N = new Uint8Array(32);
hexInto("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", HALF_N, 0, 32);

/**
 * What {@link VoucherVerifier} takes: the deployment, and `native: false` to force ethers' pure-JS recovery.
 *
 * @example
 * ```ts
 * const params: VoucherVerifierParameters = { chainId: 31_337n, contract, native: false };
 * ```
 */
export type VoucherVerifierParameters = ChannelContext & { native?: boolean };

/**
 * Recovers voucher signers fast, for a payee checking thousands of vouchers a second. The domain separator and the
 * typehash are computed once; each voucher costs two keccaks into preallocated buffers and one recovery (native
 * libsecp256k1 when the `secp256k1` package is installed, else ethers) plus the keccak of the public key. Rejects
 * what the contract's `_recover` rejects: signatures that are neither 65 bytes (`r ‖ s ‖ v`) nor 64 bytes (EIP-2098
 * `r ‖ yParity·2^255 + s`), `v` other than 27/28, high s, r or s zero or out of range.
 *
 * Not safe to share across worker threads (each thread makes its own); calls are synchronous.
 *
 * @example
 * ```ts
 * const verifier = new VoucherVerifier({ chainId, contract });
 * const signer = verifier.recover({ channelId, amount, signature }); // throws VoucherError on a malformed signature
 * ```
 */
export class VoucherVerifier {
  /** Whether recovery uses the native libsecp256k1 binding. */
  readonly native: boolean;
  readonly domainSeparator: string;
  readonly #secp: NativeSecp256k1 | null;
  /** Its own digest buffers: a verifier on the payee's thread never shares them with a signer. */
  readonly #digest: VoucherDigest;
  readonly #rs = new Uint8Array(64);
  readonly #publicKey = new Uint8Array(65);
  readonly #hash = new Uint8Array(32);
  /**
   * Addresses of recently recovered public keys, keyed by 48 bits of X and checked against all 64 bytes: a payee sees
   * few distinct keys (one per payer or session key), so this saves the public key's keccak on almost every voucher.
   */
  readonly #addresses = new Map<number, { publicKey: Uint8Array; address: string }>();

  static readonly #shared = new Map<string, VoucherVerifier>();

  constructor({ chainId, contract, native = true }: VoucherVerifierParameters) {
    this.#secp = native ? loadNativeSecp256k1() : null;
    this.native = this.#secp !== null;
    this.#digest = new VoucherDigest({ chainId, contract });
    this.domainSeparator = this.#digest.domainSeparator;
  }

  /** A verifier per deployment, kept for reuse. */
  static for(context: ChannelContext): VoucherVerifier {
    const key = `${BigInt(context.chainId)}:${context.contract.toLowerCase()}`;
    let verifier = VoucherVerifier.#shared.get(key);
    if (verifier === undefined) {
      verifier = new VoucherVerifier(context);
      VoucherVerifier.#shared.set(key, verifier);
    }
    return verifier;
  }

  /**
   * The EIP-712 digest of a voucher, equal to the contract's `voucherDigest(channelId, amount)`. The returned array is
   * reused by the next call: copy it to keep it.
   *
   * @example
   * ```ts
   * const digest = verifier.digest({ channelId, amount });
   * ```
   */
  digest(voucher: { channelId: string; amount: bigint }): Uint8Array {
    return this.#digest.digest(voucher);
  }

  /**
   * The address (checksummed) whose key signed the voucher.
   *
   * @throws {VoucherError} `VOUCHER_INVALID_SIGNATURE`: not 64 or 65 bytes, malleable, or recovering no key.
   * @example
   * ```ts
   * const signer = verifier.recover({ channelId, amount, signature });
   * ```
   */
  recover(voucher: { channelId: string; amount: bigint; signature: string }): Address {
    return checksumAddress(this.recoverLowercase(voucher));
  }

  /**
   * As {@link VoucherVerifier.recover}, the address lowercased (skips the checksum's keccak on the hot path).
   *
   * @example
   * ```ts
   * const allowed = new Set([payer.toLowerCase()]);
   * if (!allowed.has(verifier.recoverLowercase(voucher))) reject();
   * ```
   */
  recoverLowercase({ channelId, amount, signature }: { channelId: string; amount: bigint; signature: string }): string {
    const digest = this.digest({ channelId, amount });
    const rs = this.#rs;
    const invalid = (reason: string) =>
      new VoucherError({
        code: PeerPayErrorCode.VOUCHER_INVALID_SIGNATURE,
        message: `Invalid voucher signature: ${reason}`,
        details: { channelId, amount, signature, reason },
      });
    const length = typeof signature === "string" ? signature.length : 0;
    if (
      (length !== 132 && length !== 130) ||
      !signature.startsWith("0x") ||
      !hexInto(signature.slice(2, 130), rs, 0, 64)
    ) {
      throw invalid("must be 64 or 65 bytes of hex");
    }
    let recid: number;
    if (length === 132) {
      const v = parseInt(signature.slice(130, 132), 16);
      if (v !== 27 && v !== 28) throw invalid("v must be 27 or 28");
      recid = v - 27;
    } else {
      // EIP-2098, as the contract reads it: the top bit of the second word is yParity, the rest is s.
      recid = rs[32] >> 7;
      rs[32] &= 0x7f;
    }
    if (compare32(rs, 32, HALF_N) > 0) throw invalid("s is above n/2 (malleable)");
    if (this.#secp !== null) {
      try {
        this.#secp.ecdsaRecover(rs, recid, digest, false, this.#publicKey);
      } catch {
        throw invalid("recovers no key");
      }
      return this.#addressOf(this.#publicKey);
    }
    try {
      const r = signature.slice(0, 66);
      const s = bytesToHex(rs.subarray(32));
      return recoverAddress(digest, Signature.from({ r, s, v: 27 + recid })).toLowerCase();
    } catch {
      throw invalid("recovers no key");
    }
  }

  #addressOf(publicKey: Uint8Array): string {
    const key = publicKey[1] * 2 ** 40 + publicKey[2] * 2 ** 32 + readUint32(publicKey, 3);
    const known = this.#addresses.get(key);
    if (known !== undefined && equalBytes(known.publicKey, publicKey)) return known.address;
    keccak256Into(publicKey.subarray(1), 64, this.#hash, 0);
    const address = bytesToHex(this.#hash.subarray(12));
    if (this.#addresses.size >= ADDRESS_CACHE_SIZE) this.#addresses.clear();
    this.#addresses.set(key, { publicKey: publicKey.slice(), address });
    return address;
  }
}

/**
 * The EIP-2098 form (64 bytes, `r ‖ yParity·2^255 + s`) of a 65-byte low-s ECDSA signature, lowercase; a 64-byte
 * signature is returned lowercased. Both forms recover the same signer in the contract's `_recover` and in
 * {@link VoucherVerifier}. Only for signatures a verifier accepted: a high s would collide with the yParity bit.
 *
 * @example
 * ```ts
 * verifier.recoverLowercase({ channelId, amount, signature }); // throws unless a valid low-s ECDSA signature
 * const compact = compactSignature(signature); // 64 bytes, recovering the same key
 * ```
 */
export function compactSignature(signature: string): string {
  if (signature.length === 130) return signature.toLowerCase();
  const rs = signature.slice(0, 130).toLowerCase();
  const v = signature.slice(130, 132).toLowerCase();
  const top = parseInt(rs[66], 16);
  if (signature.length !== 132 || (v !== "1b" && v !== "1c") || !(top < 8)) {
    throw new InvalidParameterError({
      parameter: "signature",
      value: signature,
      reason: "not a low-s ECDSA signature",
    });
  }
  return v === "1b" ? rs : rs.slice(0, 66) + (top | 8).toString(16) + rs.slice(67);
}

/** Distinct keys remembered per verifier; beyond it the cache restarts (cheaply) rather than grow without bound. */
const ADDRESS_CACHE_SIZE = 65_536;

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
}
