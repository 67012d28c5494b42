// Signing PeerPay typed data as a Safe 1.4.1 (docs/signers.md SG-S*): the SafeMessage wrapping its
// CompatibilityFallbackHandler checks, owners' signatures sorted and concatenated, and the on-chain approved-message
// form through SignMessageLib. Browser-safe: ethers only, no Node built-ins, the Safe's ABI as fragments (its code is
// never bundled).
import {
  AbiCoder,
  Interface,
  ZeroAddress,
  concat,
  getAddress,
  type Provider,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import type { Address, PreparedTransaction } from "../core/types";
import { RunnerError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { SafeSignatureError } from "../errors/signers";
import { requireAddress, requireHex, requireInteger } from "../internal/validate";
import { hashTypedData, recoverTypedDataSigner, signTypedData, type TypedData } from "./eip712";

const SAFE_ABI = new Interface([
  "function getOwners() view returns (address[])",
  "function getThreshold() view returns (uint256)",
  "function nonce() view returns (uint256)",
  "function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool)",
]);
const SIGN_MESSAGE_LIB_ABI = new Interface(["function signMessage(bytes _data)"]);

/**
 * The EIP-712 structs Safe 1.4.1 checks: `SafeMessage` (what owners sign for an ERC-1271 signature of the Safe) and
 * `SafeTx` (what owners sign for `execTransaction`), field by field as the Safe's typehashes.
 *
 * @example
 * ```ts
 * const types = { SafeMessage: SAFE_EIP712_TYPES.SafeMessage };
 * ```
 */
export const SAFE_EIP712_TYPES = {
  SafeMessage: [{ name: "message", type: "bytes" }],
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/**
 * Which Safe, on which chain: a Safe's signatures are bound to both through its EIP-712 domain.
 *
 * @example
 * ```ts
 * const where: SafeContext = { safe: "0x5afe…", chainId: 8453n };
 * ```
 */
export type SafeContext = { safe: Address; chainId: bigint | number };

/**
 * The Safe's EIP-712 domain, `{ chainId, verifyingContract: safe }` (Safe ≥ 1.3.0 has no name or version).
 *
 * @example
 * ```ts
 * const domain = safeDomain({ safe, chainId: 1n });
 * ```
 */
export function safeDomain({ safe, chainId }: SafeContext): TypedDataDomain {
  return {
    chainId: BigInt(requireInteger("chainId", chainId, 1, Number.MAX_SAFE_INTEGER)),
    verifyingContract: requireAddress("safe", safe),
  };
}

/**
 * The `SafeMessage` typed data that owners sign for the Safe to accept `hash` through ERC-1271: the fallback handler's
 * `isValidSignature(hash, signature)` wraps `abi.encode(hash)` this way. Signing it with `eth_signTypedData_v4` shows
 * the owner what is signed; its digest is {@link safeMessageHash}.
 *
 * @example
 * ```ts
 * const wrapped = buildSafeMessageTypedData({ safe, chainId, hash: hashTypedData(releaseTypedData) });
 * ```
 */
export function buildSafeMessageTypedData(params: SafeContext & { hash: string }): TypedData<{ message: string }> {
  const message = AbiCoder.defaultAbiCoder().encode(["bytes32"], [requireHex("hash", params.hash, 32)]);
  return {
    domain: safeDomain(params),
    types: { SafeMessage: SAFE_EIP712_TYPES.SafeMessage },
    primaryType: "SafeMessage",
    message: { message },
  };
}

/**
 * The hash the Safe's owners sign for `hash` (an EIP-712 digest the Safe is to approve): Safe 1.4.1's
 * `CompatibilityFallbackHandler.getMessageHashForSafe(safe, abi.encode(hash))`, computed off-chain.
 *
 * @example
 * ```ts
 * const ownersSign = safeMessageHash({ safe, chainId, hash: hashTypedData(voucherTypedData) });
 * ```
 */
export function safeMessageHash(params: SafeContext & { hash: string }): string {
  return hashTypedData(buildSafeMessageTypedData(params));
}

/**
 * One owner's signature, as gathered from several devices before {@link combineSafeSignatures}.
 *
 * @example
 * ```ts
 * const part: SafeOwnerSignature = { owner: alice, signature };
 * ```
 */
export type SafeOwnerSignature = { owner: Address; signature: string };

/**
 * The owners' 65-byte ECDSA signatures in the order Safe requires, ascending by owner address, concatenated.
 *
 * @throws {SafeSignatureError} `SAFE_DUPLICATE_OWNER`: an owner appears twice.
 * @throws {InvalidParameterError} a signature is not 65 bytes.
 * @example
 * ```ts
 * const signature = combineSafeSignatures({ safe, signatures: [{ owner: bob, signature: b }, { owner: alice, signature: a }] });
 * ```
 */
export function combineSafeSignatures({
  safe,
  signatures,
}: {
  safe: Address;
  signatures: readonly SafeOwnerSignature[];
}): string {
  const parts = signatures.map(({ owner, signature }) => ({
    owner: requireAddress("owner", owner),
    signature: requireHex("signature", signature, 65),
  }));
  requireDistinct(
    safe,
    parts.map((part) => part.owner),
  );
  parts.sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1));
  return concat(parts.map((part) => part.signature));
}

/**
 * What {@link signAsSafe} takes: the Safe, what it signs (any PeerPay typed data from the SDK's builders, or an
 * EIP-712 digest), and the owners who sign (ethers signers: a key, or an EIP-1193 wallet through
 * `BrowserProvider.getSigner()`, each asked with `eth_signTypedData_v4`). `provider` reads the Safe's owners and
 * threshold (default: the first owner's); `chainId` defaults to the provider's.
 *
 * @example
 * ```ts
 * const params: SignAsSafeParameters = { safe, typedData: buildReleaseTypedData({ ... }), owners: [alice, bob] };
 * ```
 */
export type SignAsSafeParameters = {
  safe: Address;
  owners: readonly Signer[];
  chainId?: bigint | number;
  provider?: Provider;
} & ({ typedData: TypedData; hash?: undefined } | { hash: string; typedData?: undefined });

/**
 * A Safe's signature: `signature` is what the PeerPay contract (or the SDK's verifier) receives on behalf of `safe`;
 * `hash` the EIP-712 digest it approves; `safeMessageHash` what the owners signed; `owners` who signed, sorted.
 *
 * @example
 * ```ts
 * const { signature, owners }: SafeSignature = await signAsSafe({ ... });
 * ```
 */
export type SafeSignature = { signature: string; hash: string; safeMessageHash: string; owners: Address[] };

/**
 * Signs PeerPay typed data (or a digest) as a Safe 1.4.1 with its `CompatibilityFallbackHandler`: every owner signs
 * the `SafeMessage` wrapping under the Safe's domain, and the signatures are sorted by owner and concatenated (SG-S1,
 * SG-S2). The owners and threshold are checked against the Safe before any owner is asked to sign (SG-S3).
 *
 * @throws {SafeSignatureError} `SAFE_NOT_OWNER`, `SAFE_DUPLICATE_OWNER`, `SAFE_THRESHOLD_NOT_MET`,
 *   `SAFE_SIGNATURE_MISMATCH` or `SAFE_UNSUPPORTED`.
 * @throws {TransactionError} `USER_REJECTED`: an owner declined to sign.
 * @example
 * ```ts
 * const typedData = buildVoucherTypedData({ chainId, contract, channelId, amount: 5_000n });
 * const { signature } = await signAsSafe({ safe, typedData, owners: [alice, bob] });
 * await payee.acceptVoucher({ channel, amount: 5_000n, signature });
 * ```
 */
export async function signAsSafe(params: SignAsSafeParameters): Promise<SafeSignature> {
  const hash = requireHex("hash", params.typedData !== undefined ? hashTypedData(params.typedData) : params.hash, 32);
  const { safe, chainId } = await checkedOwners(params);
  const wrapped = buildSafeMessageTypedData({ safe, chainId, hash });
  const signatures = await ownerSignatures(safe, params.owners, wrapped);
  return {
    signature: combineSafeSignatures({ safe, signatures }),
    hash,
    safeMessageHash: hashTypedData(wrapped),
    owners: signatures.map((part) => part.owner).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
  };
}

/**
 * A Safe transaction as `execTransaction` takes it, without the signatures; `operation` 0 is a call, 1 a delegatecall.
 *
 * @example
 * ```ts
 * const tx: SafeTransaction = { to, value: 0n, data, operation: 1, safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: ZeroAddress, refundReceiver: ZeroAddress, nonce: 7n };
 * ```
 */
export type SafeTransaction = {
  to: Address;
  value: bigint;
  data: string;
  operation: 0 | 1;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: Address;
  refundReceiver: Address;
  nonce: bigint;
};

/**
 * The `SafeTx` typed data owners sign to execute `transaction` from the Safe.
 *
 * @example
 * ```ts
 * const typedData = buildSafeTransactionTypedData({ safe, chainId, transaction });
 * ```
 */
export function buildSafeTransactionTypedData(
  params: SafeContext & { transaction: SafeTransaction },
): TypedData<SafeTransaction> {
  return {
    domain: safeDomain(params),
    types: { SafeTx: SAFE_EIP712_TYPES.SafeTx },
    primaryType: "SafeTx",
    message: params.transaction,
  };
}

/**
 * The Safe transaction that approves `hash` on-chain for the Safe (SG-S4): a delegatecall to Safe's `SignMessageLib`
 * running `signMessage(abi.encode(hash))`, which records `getMessageHash(abi.encode(hash))` (the same
 * {@link safeMessageHash}) in the Safe's `signedMessages`. After it executes, the Safe's signature of `hash` is empty
 * bytes (`"0x"`). `nonce` is the Safe's next nonce (read with `provider` when not given).
 *
 * @throws {RunnerError} `PROVIDER_REQUIRED`: no `nonce` and no `provider`.
 * @example
 * ```ts
 * const transaction = await buildApproveAsSafe({ safe, signMessageLib, typedData: releaseTypedData, provider });
 * ```
 */
export async function buildApproveAsSafe(
  params: { safe: Address; signMessageLib: Address; nonce?: bigint; provider?: Provider } & (
    { typedData: TypedData; hash?: undefined } | { hash: string; typedData?: undefined }
  ),
): Promise<SafeTransaction> {
  const safe = requireAddress("safe", params.safe);
  const hash = requireHex("hash", params.typedData !== undefined ? hashTypedData(params.typedData) : params.hash, 32);
  const nonce = params.nonce ?? (await readSafe(safe, needProvider(params.provider), "nonce"))[0];
  const message = AbiCoder.defaultAbiCoder().encode(["bytes32"], [hash]);
  return {
    to: requireAddress("signMessageLib", params.signMessageLib),
    value: 0n,
    data: SIGN_MESSAGE_LIB_ABI.encodeFunctionData("signMessage", [message]),
    operation: 1,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZeroAddress,
    refundReceiver: ZeroAddress,
    nonce: BigInt(nonce as bigint),
  };
}

/**
 * Has the owners sign `transaction` (`SafeTx` typed data, `eth_signTypedData_v4`) after checking them against the
 * Safe (SG-S3), and returns the `execTransaction` call any account can send: `{ to: safe, data, value: 0n }`.
 *
 * @throws {SafeSignatureError} as {@link signAsSafe}.
 * @example
 * ```ts
 * const request = await buildSafeExecTransaction({ safe, transaction, owners: [alice, bob] });
 * await (await relayer.sendTransaction(request)).wait();
 * ```
 */
export async function buildSafeExecTransaction(params: {
  safe: Address;
  transaction: SafeTransaction;
  owners: readonly Signer[];
  chainId?: bigint | number;
  provider?: Provider;
}): Promise<PreparedTransaction> {
  const { safe, chainId } = await checkedOwners(params);
  const typedData = buildSafeTransactionTypedData({ safe, chainId, transaction: params.transaction });
  const signatures = combineSafeSignatures({ safe, signatures: await ownerSignatures(safe, params.owners, typedData) });
  const t = params.transaction;
  const data = SAFE_ABI.encodeFunctionData("execTransaction", [
    t.to,
    t.value,
    t.data,
    t.operation,
    t.safeTxGas,
    t.baseGas,
    t.gasPrice,
    t.gasToken,
    t.refundReceiver,
    signatures,
  ]);
  return { to: safe, data, value: 0n };
}

// ---------------------------------------------------------------- checks and reads

function needProvider(provider: Provider | null | undefined): Provider {
  if (provider === null || provider === undefined) {
    throw new RunnerError({
      code: PeerPayErrorCode.PROVIDER_REQUIRED,
      message: "Pass provider, or owners connected to a provider, to read the Safe",
    });
  }
  return provider;
}

async function readSafe(safe: Address, provider: Provider, method: "getOwners" | "getThreshold" | "nonce") {
  try {
    const result = await provider.call({ to: safe, data: SAFE_ABI.encodeFunctionData(method) });
    return SAFE_ABI.decodeFunctionResult(method, result);
  } catch (cause) {
    throw new SafeSignatureError({
      code: PeerPayErrorCode.SAFE_UNSUPPORTED,
      message: `${safe} does not answer ${method}() as a Safe does`,
      details: { safe },
      cause,
    });
  }
}

function requireDistinct(safe: string, owners: readonly string[]): void {
  const seen = new Set<string>();
  for (const owner of owners) {
    if (seen.has(owner)) {
      throw new SafeSignatureError({
        code: PeerPayErrorCode.SAFE_DUPLICATE_OWNER,
        message: `Owner ${owner} is given twice: Safe counts each owner once`,
        details: { safe, owner },
      });
    }
    seen.add(owner);
  }
}

/** The Safe and chain, after checking that the signers are distinct owners reaching the threshold (SG-S3). */
async function checkedOwners(params: {
  safe: Address;
  owners: readonly Signer[];
  chainId?: bigint | number;
  provider?: Provider;
}): Promise<{ safe: Address; chainId: bigint }> {
  const safe = requireAddress("safe", params.safe) as Address;
  const provider = needProvider(params.provider ?? params.owners[0]?.provider);
  const chainId = BigInt(params.chainId ?? (await provider.getNetwork()).chainId);
  const signers = await Promise.all(params.owners.map(async (owner) => getAddress(await owner.getAddress())));
  requireDistinct(safe, signers);
  const [owners] = await readSafe(safe, provider, "getOwners");
  const [threshold] = await readSafe(safe, provider, "getThreshold");
  const isOwner = new Set((owners as string[]).map((owner) => getAddress(owner)));
  const stranger = signers.find((signer) => !isOwner.has(signer));
  if (stranger !== undefined) {
    throw new SafeSignatureError({
      code: PeerPayErrorCode.SAFE_NOT_OWNER,
      message: `${stranger} is not an owner of Safe ${safe}`,
      details: { safe, owner: stranger },
    });
  }
  if (BigInt(signers.length) < BigInt(threshold as bigint)) {
    throw new SafeSignatureError({
      code: PeerPayErrorCode.SAFE_THRESHOLD_NOT_MET,
      message: `Safe ${safe} needs ${String(threshold)} owners' signatures, ${signers.length} given`,
      details: { safe, threshold: BigInt(threshold as bigint), signers },
    });
  }
  return { safe, chainId };
}

/** Each owner signs `typedData` in turn (one prompt each); a signature that does not recover to its owner is refused. */
async function ownerSignatures(
  safe: string,
  owners: readonly Signer[],
  typedData: TypedData,
): Promise<SafeOwnerSignature[]> {
  const signatures: SafeOwnerSignature[] = [];
  for (const owner of owners) {
    const address = getAddress(await owner.getAddress()) as Address;
    const { signature } = await signTypedData({ signer: owner, typedData });
    if (recoverTypedDataSigner({ typedData, signature }) !== address) {
      throw new SafeSignatureError({
        code: PeerPayErrorCode.SAFE_SIGNATURE_MISMATCH,
        message: `The signature returned by ${address} is not its own over the Safe's message`,
        details: { safe, owner: address },
      });
    }
    signatures.push({ owner: address, signature });
  }
  return signatures;
}
