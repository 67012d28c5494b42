// The four off-chain messages of the two-way channels as EIP-712 typed data (docs/payment-channels.md §3): their
// structs, the deployment's domain, signing with a wallet (any ethers Signer, an EIP-1193 browser wallet included) or
// a session key, and verifying as the contract does (the participant, one of its keys, or its ERC-1271 wallet).
import {
  AbiCoder,
  Signature,
  SigningKey,
  ZeroAddress,
  dataLength,
  getAddress,
  getBytes,
  keccak256,
  recoverAddress,
  toUtf8Bytes,
  type Provider,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import { IERC1271__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC1271__factory";
import type { Address } from "../core/types";
import { loadNativeSecp256k1 } from "../internal/secp256k1";
import { requireAddress, requireBigInt, requireHex } from "../internal/validate";
import { hashTypedData, signTypedData, type SignedTypedData, type TypedData } from "../signing/eip712";
import { normalizeBalanceProof } from "./hashing";
import { toPaymentChannelId, type BalanceProof, type PaymentChannelId } from "./types";

/**
 * A deployment of `PaymentChannels`: the chain and the contract. Channel ids and every signature are bound to both.
 *
 * @example
 * ```ts
 * const deployment: PaymentChannelsDeployment = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
 * ```
 */
export type PaymentChannelsDeployment = { chainId: bigint | number; contract: Address };

/**
 * The EIP-712 structs of the two-way channels, one typehash per action, field by field as the contract's.
 *
 * @example
 * ```ts
 * const types = { BalanceProof: PAYMENT_CHANNELS_EIP712_TYPES.BalanceProof };
 * ```
 */
export const PAYMENT_CHANNELS_EIP712_TYPES = {
  BalanceProof: [
    { name: "channelId", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "transferred", type: "uint256" },
    { name: "locked", type: "uint256" },
    { name: "locksRoot", type: "bytes32" },
  ],
  Withdraw: [
    { name: "channelId", type: "bytes32" },
    { name: "participant", type: "address" },
    { name: "totalWithdrawn", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
  CooperativeClose: [
    { name: "channelId", type: "bytes32" },
    { name: "balance1", type: "uint256" },
    { name: "balance2", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
  Reward: [
    { name: "channelId", type: "bytes32" },
    { name: "balanceProofHash", type: "bytes32" },
    { name: "watchtower", type: "address" },
    { name: "amount", type: "uint256" },
  ],
} as const;

/**
 * What each message signs, by primary type.
 *
 * @example
 * ```ts
 * const message: PaymentChannelMessages["Withdraw"] = { channelId, participant, totalWithdrawn: 10n, expiry: 1_800_000_000n };
 * ```
 */
export type PaymentChannelMessages = {
  BalanceProof: { channelId: PaymentChannelId } & BalanceProof;
  Withdraw: { channelId: PaymentChannelId; participant: Address; totalWithdrawn: bigint; expiry: bigint };
  CooperativeClose: { channelId: PaymentChannelId; balance1: bigint; balance2: bigint; expiry: bigint };
  Reward: { channelId: PaymentChannelId; balanceProofHash: string; watchtower: Address; amount: bigint };
};

/**
 * One of the four messages, as the typed data builders and signers take it: the primary type and its message.
 *
 * @example
 * ```ts
 * const payload: PaymentChannelPayload = { primaryType: "CooperativeClose", message: { channelId, balance1, balance2, expiry } };
 * ```
 */
export type PaymentChannelPayload<K extends keyof PaymentChannelMessages = keyof PaymentChannelMessages> = {
  [P in K]: { primaryType: P; message: PaymentChannelMessages[P] };
}[K];

const UINT256_BOUND = 1n << 256n;
const ERC1271_MAGIC_VALUE = "0x1626ba7e";
/** The gas an ERC-1271 wallet's check may use off-chain (as the micropayment payee's check). */
const ERC1271_CHECK_GAS = 1_000_000n;
/** secp256k1's n / 2: the contract refuses signatures with a larger s (malleable). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const BALANCE_PROOF_TYPEHASH = keccak256(
  toUtf8Bytes("BalanceProof(bytes32 channelId,uint64 nonce,uint256 transferred,uint256 locked,bytes32 locksRoot)"),
);

/**
 * The EIP-712 domain of a deployment: "PeerPay PaymentChannels", version "1".
 *
 * @example
 * ```ts
 * const domain = paymentChannelsDomain({ chainId: 1n, contract });
 * ```
 */
export function paymentChannelsDomain({ chainId, contract }: PaymentChannelsDeployment): TypedDataDomain {
  return {
    name: "PeerPay PaymentChannels",
    version: "1",
    chainId: requireBigInt("chainId", BigInt(chainId), 1n),
    verifyingContract: requireAddress("contract", contract),
  };
}

/**
 * The typed data of one message: what a wallet shows and signs. Fields are checked against their Solidity types.
 *
 * @throws {InvalidParameterError} a field is malformed or out of range.
 * @example
 * ```ts
 * const typedData = buildPaymentChannelTypedData({ chainId, contract, primaryType: "BalanceProof", message: { channelId, ...proof } });
 * ```
 */
export function buildPaymentChannelTypedData<K extends keyof PaymentChannelMessages>(
  params: PaymentChannelsDeployment & PaymentChannelPayload<K>,
): TypedData<PaymentChannelMessages[K]> {
  const { primaryType } = params;
  return {
    domain: paymentChannelsDomain(params),
    types: { [primaryType]: PAYMENT_CHANNELS_EIP712_TYPES[primaryType] },
    primaryType,
    message: normalizeMessage(params as PaymentChannelPayload) as PaymentChannelMessages[K],
  };
}

function normalizeMessage(payload: PaymentChannelPayload): PaymentChannelMessages[keyof PaymentChannelMessages] {
  const m = payload.message;
  const channelId = toPaymentChannelId(m.channelId);
  const uint = (name: string, value: unknown) => requireBigInt(`message.${name}`, value, 0n, UINT256_BOUND);
  switch (payload.primaryType) {
    case "BalanceProof":
      return { channelId, ...normalizeBalanceProof(payload.message, "message") };
    case "Withdraw": {
      const { participant, totalWithdrawn, expiry } = payload.message;
      return {
        channelId,
        participant: requireAddress("message.participant", participant),
        totalWithdrawn: uint("totalWithdrawn", totalWithdrawn),
        expiry: uint("expiry", expiry),
      };
    }
    case "CooperativeClose": {
      const { balance1, balance2, expiry } = payload.message;
      return {
        channelId,
        balance1: uint("balance1", balance1),
        balance2: uint("balance2", balance2),
        expiry: uint("expiry", expiry),
      };
    }
    case "Reward": {
      const { balanceProofHash: hash, watchtower, amount } = payload.message;
      return {
        channelId,
        balanceProofHash: requireHex("message.balanceProofHash", hash, 32),
        watchtower: requireAddress("message.watchtower", watchtower),
        amount: uint("amount", amount),
      };
    }
  }
}

/**
 * A balance proof's EIP-712 struct hash, `keccak256(abi.encode(BALANCE_PROOF_TYPEHASH, channelId, nonce,
 * transferred, locked, locksRoot))`: what a `Reward` names, binding a watchtower's authorisation to this exact proof.
 *
 * @example
 * ```ts
 * const hash = balanceProofHash({ channelId, proof });
 * const reward = await signPaymentChannelMessage({ chainId, contract, signer, primaryType: "Reward", message: { channelId, balanceProofHash: hash, watchtower, amount: 0n } });
 * ```
 */
export function balanceProofHash({ channelId, proof }: { channelId: PaymentChannelId; proof: BalanceProof }): string {
  const p = normalizeBalanceProof(proof);
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "uint64", "uint256", "uint256", "bytes32"],
      [BALANCE_PROOF_TYPEHASH, toPaymentChannelId(channelId), p.nonce, p.transferred, p.locked, p.locksRoot],
    ),
  );
}

/**
 * What {@link signPaymentChannelMessage} takes: the deployment, the message, and either an ethers `signer` (a
 * wallet, an EIP-1193 browser wallet through `BrowserProvider.getSigner()`, or the owner of an ERC-1271 wallet that
 * accepts its owner's signatures) or the raw `privateKey` of a session key (no prompt, no chain call).
 *
 * @example
 * ```ts
 * const params: SignPaymentChannelMessageParameters = { chainId, contract, privateKey, primaryType: "BalanceProof", message };
 * ```
 */
export type SignPaymentChannelMessageParameters<K extends keyof PaymentChannelMessages = keyof PaymentChannelMessages> =
  PaymentChannelsDeployment &
    PaymentChannelPayload<K> &
    ({ signer: Signer; privateKey?: undefined } | { privateKey: string; signer?: undefined });

/**
 * Signs one message. A wallet's signature is normalised to 65 bytes with `v` in {27, 28}; a session key's is computed
 * locally, deterministic (RFC 6979) and low-s, as a wallet would produce it.
 *
 * @throws {InvalidParameterError} a field is malformed.
 * @example
 * ```ts
 * const { signature } = await signPaymentChannelMessage({
 *   chainId, contract, signer, primaryType: "CooperativeClose", message: { channelId, balance1, balance2, expiry },
 * });
 * ```
 */
export async function signPaymentChannelMessage<K extends keyof PaymentChannelMessages>(
  params: SignPaymentChannelMessageParameters<K>,
): Promise<SignedTypedData<PaymentChannelMessages[K]>> {
  const typedData = buildPaymentChannelTypedData<K>(params);
  if (params.signer !== undefined) return signTypedData({ signer: params.signer, typedData });
  const key = requireHex("privateKey", params.privateKey, 32);
  return { signature: new SigningKey(key).sign(hashTypedData(typedData)).serialized, typedData };
}

/**
 * Who signed a message, as the contract's recovery reads a signature: 65 bytes `r ‖ s ‖ v` (v 27 or 28) or 64 bytes
 * EIP-2098, with a low s; `undefined` for anything else (another length, a high s, a bad v, no key recovered).
 *
 * @example
 * ```ts
 * const signer = recoverPaymentChannelSigner({ digest: hashTypedData(typedData), signature });
 * ```
 */
export function recoverPaymentChannelSigner({
  digest,
  signature,
}: {
  digest: string;
  signature: string;
}): Address | undefined {
  try {
    const bytes = requireHex("signature", signature);
    const length = dataLength(bytes);
    let r: string;
    let s: bigint;
    let v: number;
    if (length === 65) {
      r = bytes.slice(0, 66);
      s = BigInt("0x" + bytes.slice(66, 130));
      v = parseInt(bytes.slice(130, 132), 16);
    } else if (length === 64) {
      r = bytes.slice(0, 66);
      const vs = BigInt("0x" + bytes.slice(66, 130));
      s = vs & ((1n << 255n) - 1n);
      v = 27 + Number(vs >> 255n);
    } else {
      return undefined;
    }
    if (s > HALF_N || s === 0n || BigInt(r) === 0n || (v !== 27 && v !== 28)) return undefined;
    const native = loadNativeSecp256k1();
    if (native !== null) {
      // libsecp256k1 when installed (Node): the same signer, at a fraction of ethers' pure-JS cost per recovery.
      const rs = getBytes(r + s.toString(16).padStart(64, "0"));
      const publicKey = native.ecdsaRecover(rs, v - 27, getBytes(digest), false, new Uint8Array(65));
      return getAddress("0x" + keccak256(publicKey.subarray(1)).slice(26)) as Address;
    }
    return recoverAddress(digest, Signature.from({ r, s: "0x" + s.toString(16).padStart(64, "0"), v }));
  } catch {
    return undefined;
  }
}

/**
 * How a signature was accepted: by the participant's own key, by one of its session keys, or by its ERC-1271
 * wallet; or refused.
 *
 * @example
 * ```ts
 * const check: PaymentChannelSignatureCheck = await verifyPaymentChannelSignature({ ... });
 * if (!check.valid) throw new Error("bad signature");
 * ```
 */
export type PaymentChannelSignatureCheck =
  | { valid: true; by: "participant" | "sessionKey"; signer: Address }
  | { valid: true; by: "erc1271"; signer: Address }
  | { valid: false };

/**
 * Whether `signature` over `typedData` is `participant`'s, as the contract decides: ECDSA (64 or 65 bytes, low s) by
 * the participant or one of `keys` (its session keys valid now: the caller reads them, e.g. with
 * `PaymentChannelsClient.sessionKeysOf`), or, when a `provider` is given and the participant has code, its ERC-1271
 * `isValidSignature` returning the magic value (the call capped at 1,000,000 gas).
 *
 * @example
 * ```ts
 * const check = await verifyPaymentChannelSignature({ typedData, signature, participant: channel.participant1, keys: [channel.key1], provider });
 * ```
 */
export async function verifyPaymentChannelSignature({
  typedData,
  signature,
  participant,
  keys = [],
  provider,
}: {
  typedData: TypedData;
  signature: string;
  participant: Address;
  keys?: readonly Address[];
  provider?: Provider;
}): Promise<PaymentChannelSignatureCheck> {
  const expected = requireAddress("participant", participant);
  const digest = hashTypedData(typedData);
  const recovered = recoverPaymentChannelSigner({ digest, signature });
  if (recovered === expected) return { valid: true, by: "participant", signer: recovered };
  const allowed = keys.map((key, i) => requireAddress(`keys[${i}]`, key)).filter((key) => key !== ZeroAddress);
  if (recovered !== undefined && allowed.includes(recovered))
    return { valid: true, by: "sessionKey", signer: recovered };
  if (provider === undefined || (await provider.getCode(expected)) === "0x") return { valid: false };
  try {
    const wallet = IERC1271__factory.connect(expected, provider);
    const result = await wallet.isValidSignature(digest, signature, { gasLimit: ERC1271_CHECK_GAS });
    if (result.toLowerCase() === ERC1271_MAGIC_VALUE) return { valid: true, by: "erc1271", signer: expected };
  } catch {
    // A wallet that reverts or returns garbage makes the contract's check fail too.
  }
  return { valid: false };
}
