// A voucher as EIP-712 typed data: its struct, the deployment's domain, the typed data a wallet signs, and the digest
// computed into preallocated buffers for the hot paths (a session key signing, a payee verifying).
import { TypedDataEncoder, keccak256, toUtf8Bytes, type TypedDataDomain } from "ethers";
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import { hexInto } from "../internal/bytes";
import { keccak256Into } from "../internal/keccak";
import { requireAddress, requireBigInt } from "../internal/validate";
import type { TypedData } from "../signing/eip712";
import { toChannelId, type ChannelId } from "./types";

/**
 * The EIP-712 struct of a voucher, as `VOUCHER_TYPEHASH` in the contract: `Voucher(bytes32 channelId,uint256 amount)`.
 *
 * @example
 * ```ts
 * await signer.signTypedData(micropaymentsDomain({ chainId, contract }), VOUCHER_EIP712_TYPES, { channelId, amount });
 * ```
 */
export const VOUCHER_EIP712_TYPES = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "amount", type: "uint256" },
  ],
} as const;

/**
 * What a voucher signs: the payer owes `amount` in all on `channelId`.
 *
 * @example
 * ```ts
 * const message: VoucherMessage = { channelId, amount: 1_000n };
 * ```
 */
export type VoucherMessage = { channelId: ChannelId; amount: bigint };

/**
 * A deployment of `MicropaymentChannels`: the chain and the contract address. Channel ids and voucher signatures are
 * bound to both.
 *
 * @example
 * ```ts
 * const context: ChannelContext = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
 * ```
 */
export type ChannelContext = { chainId: bigint | number; contract: Address };

const UINT256_BOUND = 1n << 256n;
const VOUCHER_TYPEHASH = keccak256(toUtf8Bytes("Voucher(bytes32 channelId,uint256 amount)"));

/**
 * The EIP-712 domain of a channels deployment: "PeerPay Micropayments", version "1".
 *
 * @example
 * ```ts
 * const domain = micropaymentsDomain({ chainId: 1n, contract });
 * ```
 */
export function micropaymentsDomain({ chainId, contract }: ChannelContext): TypedDataDomain {
  return {
    name: "PeerPay Micropayments",
    version: "1",
    chainId: requireBigInt("chainId", BigInt(chainId), 1n),
    verifyingContract: requireAddress("contract", contract),
  };
}

/**
 * The typed data of a voucher: what a wallet shows and signs.
 *
 * @example
 * ```ts
 * const typedData = buildVoucherTypedData({ chainId, contract, channelId, amount: 10n });
 * ```
 */
export function buildVoucherTypedData(params: ChannelContext & VoucherMessage): TypedData<VoucherMessage> {
  return {
    domain: micropaymentsDomain(params),
    types: VOUCHER_EIP712_TYPES,
    primaryType: "Voucher",
    message: {
      channelId: toChannelId(params.channelId),
      amount: requireBigInt("amount", params.amount, 0n, UINT256_BOUND),
    },
  };
}

/**
 * The EIP-712 digest of vouchers of one deployment, computed with no allocation: the domain separator and the
 * typehash are hashed once, each voucher costs two keccaks into preallocated buffers. Shared by the raw-key signer and
 * the payee's {@link VoucherVerifier}; not safe to share across worker threads, calls are synchronous.
 */
export class VoucherDigest {
  readonly domainSeparator: string;
  /** `typehash ‖ channelId ‖ amount`, the struct-hash preimage; the typehash never changes. */
  readonly #struct = new Uint8Array(96);
  /** `0x1901 ‖ domainSeparator ‖ structHash`, the digest preimage; the first 34 bytes never change. */
  readonly #typed = new Uint8Array(66);
  readonly #digest = new Uint8Array(32);

  static readonly #shared = new Map<string, VoucherDigest>();

  constructor(context: ChannelContext) {
    this.domainSeparator = TypedDataEncoder.hashDomain(micropaymentsDomain(context));
    hexInto(VOUCHER_TYPEHASH.slice(2), this.#struct, 0, 32);
    this.#typed[0] = 0x19;
    this.#typed[1] = 0x01;
    hexInto(this.domainSeparator.slice(2), this.#typed, 2, 32);
  }

  /** A digest per deployment, kept for reuse (by {@link signVoucher} with a raw key). */
  static for(context: ChannelContext): VoucherDigest {
    const key = `${BigInt(context.chainId)}:${context.contract.toLowerCase()}`;
    let digest = VoucherDigest.#shared.get(key);
    if (digest === undefined) {
      digest = new VoucherDigest(context);
      VoucherDigest.#shared.set(key, digest);
    }
    return digest;
  }

  /**
   * The EIP-712 digest of a voucher, equal to the contract's `voucherDigest(channelId, amount)`. The returned array is
   * reused by the next call: copy it to keep it.
   */
  digest({ channelId, amount }: { channelId: string; amount: bigint }): Uint8Array {
    if (
      typeof channelId !== "string" ||
      channelId.length !== 66 ||
      !hexInto(channelId.slice(2), this.#struct, 32, 32)
    ) {
      throw new InvalidParameterError({ parameter: "channelId", value: channelId, reason: "must be 32 bytes of hex" });
    }
    if (typeof amount !== "bigint" || amount < 0n || amount >= UINT256_BOUND) {
      throw new InvalidParameterError({ parameter: "amount", value: amount, reason: "must be a uint256 bigint" });
    }
    hexInto(amount.toString(16).padStart(64, "0"), this.#struct, 64, 32);
    keccak256Into(this.#struct, 96, this.#typed, 34);
    keccak256Into(this.#typed, 66, this.#digest, 0);
    return this.#digest;
  }
}
