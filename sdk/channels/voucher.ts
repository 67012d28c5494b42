// A channel's identity (its normalised terms and id) and the payer's side of a voucher: signing it. The payee's side,
// recovering signers, is sdk/channels/verifier.ts; the typed data both share is sdk/channels/typed-data.ts.
import { AbiCoder, SigningKey, keccak256, type Signer } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { bytesToHex, hexInto } from "../internal/bytes";
import { loadNativeSecp256k1 } from "../internal/secp256k1";
import { requireAddress, requireBigInt, requireHex, requireInteger } from "../internal/validate";
import { signTypedData, type SignedTypedData } from "../signing/eip712";
import { VoucherDigest, buildVoucherTypedData, type ChannelContext, type VoucherMessage } from "./typed-data";
import { toChannelId, type Channel, type ChannelId } from "./types";

const UINT32_MAX = 2 ** 32 - 1;

/**
 * Checks a channel's terms and returns them normalised (checksummed addresses, integer widths as the contract's).
 *
 * @throws {InvalidParameterError} a field is malformed or out of its Solidity type's range.
 * @example
 * ```ts
 * const channel = normalizeChannel(event.channel);
 * ```
 */
export function normalizeChannel(channel: Channel): Channel {
  if (channel === null || typeof channel !== "object") {
    throw new InvalidParameterError({ parameter: "channel", value: channel, reason: "must be a Channel" });
  }
  return {
    payer: requireAddress("channel.payer", channel.payer),
    payee: requireAddress("channel.payee", channel.payee),
    token: requireAddress("channel.token", channel.token),
    signer: requireAddress("channel.signer", channel.signer),
    challengePeriod: requireInteger("channel.challengePeriod", channel.challengePeriod, 0, UINT32_MAX),
    salt: requireInteger("channel.salt", channel.salt, 0, UINT32_MAX),
  };
}

const CHANNEL_ABI = ["uint256", "address", "tuple(address,address,address,address,uint32,uint32)"];

/**
 * A channel's id, as the contract computes it: `keccak256(abi.encode(chainId, contract, channel))`.
 *
 * @example
 * ```ts
 * const channelId = computeChannelId({ chainId: 31_337n, contract, channel });
 * ```
 */
export function computeChannelId({ chainId, contract, channel }: ChannelContext & { channel: Channel }): ChannelId {
  const c = normalizeChannel(channel);
  const encoded = AbiCoder.defaultAbiCoder().encode(CHANNEL_ABI, [
    requireBigInt("chainId", BigInt(chainId), 1n),
    requireAddress("contract", contract),
    [c.payer, c.payee, c.token, c.signer, c.challengePeriod, c.salt],
  ]);
  return toChannelId(keccak256(encoded));
}

/**
 * What {@link signVoucher} takes: the voucher, and either an ethers `signer` (a wallet: one prompt per voucher) or
 * the raw `privateKey` of a session key (no prompt, no chain call). `native: false` forces ethers' pure-JS signing
 * even when the native `secp256k1` binding is installed.
 *
 * @example
 * ```ts
 * const params: SignVoucherParameters = { chainId, contract, channelId, amount: 5n, privateKey: sessionKey.privateKey };
 * ```
 */
export type SignVoucherParameters = ChannelContext &
  VoucherMessage &
  ({ signer: Signer; privateKey?: undefined } | { privateKey: string; signer?: undefined }) & { native?: boolean };

/**
 * Signs a voucher. With `privateKey` the signature is computed locally (libsecp256k1 when available, else ethers),
 * deterministic (RFC 6979) and low-s, exactly as a wallet would produce it.
 *
 * @throws {InvalidParameterError} a field is malformed.
 * @example
 * ```ts
 * const { signature } = await signVoucher({ chainId, contract, channelId, amount: 25n, privateKey });
 * ```
 */
export async function signVoucher(params: SignVoucherParameters): Promise<SignedTypedData<VoucherMessage>> {
  const typedData = buildVoucherTypedData(params);
  if (params.signer !== undefined) return signTypedData({ signer: params.signer, typedData });
  const key = requireHex("privateKey", params.privateKey, 32);
  const digest = VoucherDigest.for(params).digest(typedData.message);
  const native = params.native === false ? null : loadNativeSecp256k1();
  let signature: string;
  if (native !== null) {
    const privateKey = new Uint8Array(32);
    hexInto(key.slice(2), privateKey, 0, 32);
    const { signature: rs, recid } = native.ecdsaSign(digest, privateKey);
    signature = bytesToHex(rs) + (27 + recid).toString(16);
  } else {
    signature = new SigningKey(key).sign(digest).serialized;
  }
  return { signature, typedData };
}
