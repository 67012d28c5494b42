// The order as EIP-712 typed data (docs/swaps.md): the struct, the deployment's domain, the order hash, signing with
// any ethers Signer (an EIP-1193 browser wallet through BrowserProvider, or the owner of an ERC-1271 maker), and
// verifying in the contract's order: the maker's key, then its delegate's, then its ERC-1271 wallet.
import { Signature, dataLength, recoverAddress, type Provider, type Signer, type TypedDataDomain } from "ethers";
import type { Address } from "../core/types";
import { SwapOrderError } from "../errors/swap";
import { requireAddress } from "../internal/validate";
import { hashTypedData, signTypedData, verifyTypedData, type TypedData } from "../signing/eip712";
import {
  toSwapOrderHash,
  type SignedSwapOrder,
  type SwapDeployment,
  type SwapOrder,
  type SwapOrderHash,
} from "./types";
import { normalizeSwapOrder, requireDeployment, requireOrderTerms } from "./validate";

/**
 * The EIP-712 struct of an order, field by field as the contract's `Order` (one typehash:
 * `Order(address maker,address makerToken,uint256 makerAmount,address takerToken,uint256 takerAmount,address taker,
 * address recipient,uint256 minFill,uint64 expiry,uint256 nonce,uint16 feeBps)`).
 *
 * @example
 * ```ts
 * const types = { Order: SWAP_EIP712_TYPES.Order };
 * ```
 */
export const SWAP_EIP712_TYPES = {
  Order: [
    { name: "maker", type: "address" },
    { name: "makerToken", type: "address" },
    { name: "makerAmount", type: "uint256" },
    { name: "takerToken", type: "address" },
    { name: "takerAmount", type: "uint256" },
    { name: "taker", type: "address" },
    { name: "recipient", type: "address" },
    { name: "minFill", type: "uint256" },
    { name: "expiry", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "feeBps", type: "uint16" },
  ],
} as const;

/**
 * The EIP-712 domain of a Swap deployment: "PeerPay Swap", version "1", the chain id and the contract.
 *
 * @example
 * ```ts
 * const domain = swapDomain({ chainId: 1n, contract: swapAddress });
 * ```
 */
export function swapDomain({ chainId, contract }: SwapDeployment): TypedDataDomain {
  const deployment = requireDeployment({ chainId, contract });
  return { name: "PeerPay Swap", version: "1", chainId: deployment.chainId, verifyingContract: deployment.contract };
}

/**
 * The typed data of an order: what a wallet shows and signs. Each field is checked against its Solidity type (the
 * terms themselves are not: a malformed order still has a hash, which is what `check()` is asked about).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`: a field is missing or out of its type's range.
 * @example
 * ```ts
 * const typedData = buildSwapOrderTypedData({ chainId, contract, order });
 * ```
 */
export function buildSwapOrderTypedData(params: SwapDeployment & { order: SwapOrder }): TypedData<SwapOrder> {
  return {
    domain: swapDomain(params),
    types: { Order: SWAP_EIP712_TYPES.Order },
    primaryType: "Order",
    message: normalizeSwapOrder(params.order),
  };
}

/**
 * An order's hash: the EIP-712 digest the maker signs, equal to the contract's `hashOrder(order)` on that chain.
 *
 * @example
 * ```ts
 * const orderHash = hashSwapOrder({ chainId, contract, order });
 * ```
 */
export function hashSwapOrder(params: SwapDeployment & { order: SwapOrder }): SwapOrderHash {
  return toSwapOrderHash(hashTypedData(buildSwapOrderTypedData(params)));
}

/**
 * What {@link signSwapOrder} takes: the deployment, the order, and the signer: the maker's key, its delegate's, or
 * (for an ERC-1271 maker such as a Safe-like wallet) the key its wallet accepts.
 *
 * @example
 * ```ts
 * const params: SignSwapOrderParameters = { chainId, contract, order, signer: await browserProvider.getSigner() };
 * ```
 */
export type SignSwapOrderParameters = SwapDeployment & { order: SwapOrder; signer: Signer; compact?: boolean };

/**
 * Signs an order with any ethers Signer (a Wallet, an EIP-1193 wallet through `BrowserProvider.getSigner()`, a
 * hardware signer) and returns it bound to its deployment, ready to share. When the signer is the maker the signature
 * is the 64-byte EIP-2098 form (calldata is cheaper: 16 gas a non-zero byte), else 65 bytes (`v` in {27, 28}), which
 * an ERC-1271 wallet's owner needs (wallets rarely read 64 bytes); `compact` forces either. The signer need not be the
 * maker: a delegate or a contract wallet's owner signs for it.
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED` or `SWAP_INVALID_ORDER`: the order is malformed or not one the
 * contract accepts (nothing is signed).
 * @example
 * ```ts
 * const signed = await signSwapOrder({ chainId, contract, order, signer: wallet });
 * ```
 */
export async function signSwapOrder(params: SignSwapOrderParameters): Promise<SignedSwapOrder> {
  const typedData = buildSwapOrderTypedData(params);
  requireOrderTerms(typedData.message);
  const { signature } = await signTypedData({ signer: params.signer, typedData });
  const { chainId, contract } = requireDeployment(params);
  const compact = params.compact ?? (await params.signer.getAddress()) === typedData.message.maker;
  return {
    chainId,
    contract,
    order: typedData.message,
    signature: compact ? Signature.from(signature).compactSerialized : signature,
  };
}

/**
 * The key whose ECDSA signature `signature` is over the order, accepting what the contract's try-recover accepts:
 * 65 bytes (`v` 27/28 or 0/1) or 64 bytes (EIP-2098), low s. `null` when it is not such a signature (an ERC-1271
 * wallet's signature, say): never throws for a bad signature.
 *
 * @example
 * ```ts
 * const signer = recoverSwapOrderSigner({ ...signed });
 * ```
 */
export function recoverSwapOrderSigner(
  params: SwapDeployment & { order: SwapOrder; signature: string },
): Address | null {
  const digest = hashSwapOrder(params);
  try {
    const length = dataLength(params.signature);
    if (length !== 65 && length !== 64) return null;
    return recoverAddress(digest, Signature.from(params.signature));
  } catch {
    // Malformed, high s, bad v, or no point on the curve: what the contract's try-recover reads as address(0).
    return null;
  }
}

/**
 * Who made a signature valid, if anyone: the maker's key, its current delegate's, or its ERC-1271 wallet.
 *
 * @example
 * ```ts
 * const check: SwapSignatureCheck = await verifySwapOrder({ signed, provider });
 * if (!check.valid) throw new Error("bad signature");
 * ```
 */
export type SwapSignatureCheck =
  | { valid: true; by: "maker" | "delegate" | "erc1271"; recovered: Address | null }
  | { valid: false; by: null; recovered: Address | null };

/**
 * What {@link verifySwapOrder} takes: the signed order, and for the checks that need the chain a `provider` (the
 * maker's ERC-1271 wallet) and the maker's `delegate` (read from the contract's `makerState` by
 * `SwapClient.verifyOrder`).
 *
 * @example
 * ```ts
 * const params: VerifySwapOrderParameters = { signed, provider, delegate };
 * ```
 */
export type VerifySwapOrderParameters = { signed: SignedSwapOrder; provider?: Provider; delegate?: Address };

/**
 * Verifies an order's signature as the contract does, in its order: the ECDSA signer is the maker; else it is the
 * maker's `delegate` (when given and not zero); else, with a `provider` and a maker that has code, the maker's
 * ERC-1271 `isValidSignature(orderHash, signature)` accepts it. Offline (no provider, no delegate) only the first rule
 * applies. Never throws for a bad signature: `valid` is false.
 *
 * @throws {SwapOrderError} the order itself is malformed.
 * @example
 * ```ts
 * const { valid, by } = await verifySwapOrder({ signed });
 * ```
 */
export async function verifySwapOrder(params: VerifySwapOrderParameters): Promise<SwapSignatureCheck> {
  const { signed, provider } = params;
  const recovered = recoverSwapOrderSigner(signed);
  const maker = requireAddress("maker", signed.order.maker);
  if (recovered !== null && recovered === maker) return { valid: true, by: "maker", recovered };
  const delegate = params.delegate === undefined ? null : requireAddress("delegate", params.delegate);
  if (recovered !== null && delegate !== null && recovered === delegate && !/^0x0{40}$/.test(delegate)) {
    return { valid: true, by: "delegate", recovered };
  }
  if (provider !== undefined && (await provider.getCode(maker)) !== "0x") {
    // verifyTypedData asks the wallet (it has code), as the contract's last rule does.
    const typedData = buildSwapOrderTypedData(signed);
    if (await verifyTypedData({ typedData, signature: signed.signature, address: maker, provider })) {
      return { valid: true, by: "erc1271", recovered };
    }
  }
  return { valid: false, by: null, recovered };
}

/** Throws the typed error for an order whose signature {@link verifySwapOrder} found invalid. */
export function invalidSignature(signed: SignedSwapOrder, recovered: Address | null): SwapOrderError {
  return new SwapOrderError({
    code: "SWAP_INVALID_SIGNATURE",
    message: `The signature is not ${signed.order.maker}'s, its delegate's, nor accepted by its wallet`,
    details: { maker: signed.order.maker, recovered, signature: signed.signature },
  });
}
