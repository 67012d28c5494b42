import {
  Signature,
  TypedDataEncoder,
  dataLength,
  isError,
  recoverAddress,
  type Provider,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { IERC1271__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC1271__factory";
import { InvalidParameterError, TransactionError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { requireAddress, requireHex } from "../internal/validate";

/**
 * A complete EIP-712 payload: what a wallet shows and signs. Generic so that each protocol message (escrow actions,
 * permits, later channel vouchers) keeps its message type.
 *
 * @example
 * ```ts
 * const voucher: TypedData<{ channelId: string; amount: bigint }> = {
 *   domain: { name: "PeerPay Channels", version: "1", chainId: 1, verifyingContract },
 *   types: { Voucher: [{ name: "channelId", type: "bytes32" }, { name: "amount", type: "uint256" }] },
 *   primaryType: "Voucher",
 *   message: { channelId, amount: 5n },
 * };
 * ```
 */
export type TypedData<TMessage extends Record<string, unknown> = Record<string, unknown>> = {
  domain: TypedDataDomain;
  /** The struct types, without `EIP712Domain` (ethers derives it from the domain). */
  types: Record<string, readonly TypedDataField[]>;
  primaryType: string;
  message: TMessage;
};

/**
 * A signature and what it signs.
 *
 * @example
 * ```ts
 * const { signature, typedData }: SignedTypedData<ReleaseMessage> = await signRelease({ ... });
 * ```
 */
export type SignedTypedData<TMessage extends Record<string, unknown> = Record<string, unknown>> = {
  /** 65 bytes, `r ‖ s ‖ v` with `v` in {27, 28}, as `SignatureChecker` expects. */
  signature: string;
  typedData: TypedData<TMessage>;
};

function mutableTypes(types: TypedData["types"]): Record<string, TypedDataField[]> {
  return Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, [...fields]]));
}

/**
 * The EIP-712 digest (`keccak256("\x19\x01" ‖ domainSeparator ‖ structHash)`) the signer signs and the contract
 * checks.
 *
 * @example
 * ```ts
 * const digest = hashTypedData(typedData);
 * ```
 */
export function hashTypedData(typedData: TypedData): string {
  return TypedDataEncoder.hash(typedData.domain, mutableTypes(typedData.types), typedData.message);
}

/**
 * Signs typed data with an ethers signer (a wallet, a browser wallet, a hardware signer) and normalises the
 * signature to 65 bytes with `v` in {27, 28}: some wallets return `v` in {0, 1}, which OpenZeppelin's `ECDSA`
 * rejects. A user who declines the prompt (EIP-1193 error 4001, ethers' `ACTION_REJECTED`) gets a
 * `TransactionError` with code `USER_REJECTED`, as a declined transaction does (docs/signers.md SG-W3).
 *
 * @throws {TransactionError} `USER_REJECTED`: the user declined to sign.
 * @example
 * ```ts
 * const { signature } = await signTypedData({ signer, typedData: voucher });
 * ```
 */
export async function signTypedData<TMessage extends Record<string, unknown>>({
  signer,
  typedData,
}: {
  signer: Signer;
  typedData: TypedData<TMessage>;
}): Promise<SignedTypedData<TMessage>> {
  let raw: string;
  try {
    raw = await signer.signTypedData(typedData.domain, mutableTypes(typedData.types), typedData.message);
  } catch (error) {
    if (isUserRejection(error)) {
      throw new TransactionError({
        code: PeerPayErrorCode.USER_REJECTED,
        message: "Signature rejected by the user",
        cause: error,
      });
    }
    throw error;
  }
  // Only an ECDSA signature is normalised: a smart account's signature (a SafeSigner's concatenated owner signatures)
  // is whatever its ERC-1271 check expects, and passes as is.
  const ecdsa = dataLength(raw) === 65 || dataLength(raw) === 64;
  return { signature: ecdsa ? Signature.from(raw).serialized : raw, typedData };
}

/**
 * A declined prompt, in the shapes wallets report it: ethers' `ACTION_REJECTED` (what `BrowserProvider` makes of an
 * EIP-1193 4001), or a raw EIP-1193 error with code 4001 from a signer that passes it through, possibly nested.
 */
function isUserRejection(error: unknown, depth = 0): boolean {
  if (isError(error, "ACTION_REJECTED")) return true;
  if (depth > 3 || error === null || typeof error !== "object") return false;
  const record = error as Record<string, unknown>;
  if (record.code === 4001) return true;
  return ["error", "info", "cause"].some((key) => isUserRejection(record[key], depth + 1));
}

/**
 * The address whose ECDSA key made `signature` over `typedData`. Rejects what the contract rejects: signatures
 * that are not 65 bytes, and high-s (malleable) ones.
 *
 * @throws {InvalidParameterError} the signature is malformed, malleable or does not recover.
 * @example
 * ```ts
 * const signer = recoverTypedDataSigner({ typedData, signature });
 * ```
 */
export function recoverTypedDataSigner({ typedData, signature }: { typedData: TypedData; signature: string }): string {
  const bytes = requireHex("signature", signature);
  if (dataLength(bytes) !== 65) {
    throw new InvalidParameterError({ parameter: "signature", value: signature, reason: "must be 65 bytes" });
  }
  try {
    return recoverAddress(hashTypedData(typedData), Signature.from(bytes));
  } catch (cause) {
    throw new InvalidParameterError({
      parameter: "signature",
      value: signature,
      reason: `not a valid ECDSA signature (${(cause as Error).message})`,
    });
  }
}

/**
 * Whether `signature` over `typedData` is valid for `address`, as OpenZeppelin's `SignatureChecker` decides on-chain:
 * an account without code must have made it with its ECDSA key (65 bytes, low s); an account with code (a smart
 * wallet, an EIP-7702 account) must accept it through ERC-1271 `isValidSignature`. Without a `provider`, only the
 * ECDSA rule is applied, so a smart wallet's signature reads as invalid.
 *
 * @example
 * ```ts
 * const ok = await verifyTypedData({ typedData, signature, address: depositor, provider });
 * ```
 */
export async function verifyTypedData({
  typedData,
  signature,
  address,
  provider,
}: {
  typedData: TypedData;
  signature: string;
  address: string;
  provider?: Provider;
}): Promise<boolean> {
  const expected = requireAddress("address", address);
  if (provider !== undefined && (await provider.getCode(expected)) !== "0x") {
    return isValidErc1271Signature(provider, expected, hashTypedData(typedData), signature);
  }
  try {
    return recoverTypedDataSigner({ typedData, signature }) === expected;
  } catch {
    return false;
  }
}

const ERC1271_MAGIC_VALUE = "0x1626ba7e";

async function isValidErc1271Signature(provider: Provider, wallet: string, digest: string, signature: string) {
  try {
    const result = await IERC1271__factory.connect(wallet, provider).isValidSignature(digest, signature);
    return result.toLowerCase() === ERC1271_MAGIC_VALUE;
  } catch {
    // A wallet that reverts or returns garbage makes the contract's check fail too.
    return false;
  }
}
