// Signing offers and requests with any ethers Signer (a key, an EIP-1193 wallet through BrowserProvider, a session
// key, the owner of an ERC-1271 wallet) and verifying them as the contract does (LN-O6): the signer's low-s ECDSA key
// in 65 bytes (v 27 or 28) or 64 (EIP-2098), else, for a signer with code, ERC-1271 `isValidSignature(digest,
// signature)` answering the magic value in a 32-byte word within 100,000 gas.
import { Interface, Signature, dataLength, getBytes, recoverAddress, type Provider, type Signer } from "ethers";
import type { Address } from "../core/types";
import { requireAddress, requireHex } from "../internal/validate";
import { signTypedData } from "../signing/eip712";
import { buildOfferTypedData, buildRequestTypedData, hashLoanOffer, hashLoanRequest } from "./typed-data";
import {
  LENDING_LIMITS,
  type LendingDeployment,
  type LoanOffer,
  type LoanRequest,
  type SignedLoanOffer,
  type SignedLoanRequest,
} from "./types";
import { checkCollateralId, checkLoanTerms } from "./validate";

const MAX_LOW_S = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const ERC1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);
const MAGIC_WORD = `0x1626ba7e${"0".repeat(56)}`;

/**
 * Signs an offer as its lender with any ethers Signer, after checking its terms offline (LN-O7) and its collateral id
 * (LN-O2); the chain checks (tokens' code, ERC-777) are `LendingClient.signOffer`'s.
 *
 * @throws {LendingRequestError} `LENDING_INVALID_TERMS`: terms the contract would refuse (nothing is signed).
 * @throws {TransactionError} `USER_REJECTED`: the user declined the prompt.
 * @example
 * ```ts
 * const signed = await signLoanOffer({ chainId, contract, offer, signer: wallet });
 * ```
 */
export async function signLoanOffer(
  params: LendingDeployment & { offer: LoanOffer; signer: Signer },
): Promise<SignedLoanOffer> {
  const typedData = buildOfferTypedData(params);
  checkLoanTerms(typedData.message.terms);
  checkCollateralId(typedData.message);
  const { signature } = await signTypedData({ signer: params.signer, typedData });
  return {
    chainId: BigInt(params.chainId),
    contract: requireAddress("contract", params.contract),
    offer: typedData.message,
    signature,
  };
}

/**
 * Signs a request as its borrower with any ethers Signer, after checking its terms offline (LN-O7).
 *
 * @throws {LendingRequestError} `LENDING_INVALID_TERMS`: terms the contract would refuse (nothing is signed).
 * @throws {TransactionError} `USER_REJECTED`: the user declined the prompt.
 * @example
 * ```ts
 * const signed = await signLoanRequest({ chainId, contract, request, signer: wallet });
 * ```
 */
export async function signLoanRequest(
  params: LendingDeployment & { request: LoanRequest; signer: Signer },
): Promise<SignedLoanRequest> {
  const typedData = buildRequestTypedData(params);
  checkLoanTerms(typedData.message.terms);
  const { signature } = await signTypedData({ signer: params.signer, typedData });
  return {
    chainId: BigInt(params.chainId),
    contract: requireAddress("contract", params.contract),
    request: typedData.message,
    signature,
  };
}

/**
 * The address whose ECDSA key made `signature` over `digest`, read as the contract's `Signatures.recover` reads it:
 * 65 bytes with v 27 or 28, or 64 bytes (EIP-2098), low s. `null` for anything else (never throws).
 *
 * @example
 * ```ts
 * const signer = recoverLendingSigner(hashLoanOffer(signed), signed.signature);
 * ```
 */
export function recoverLendingSigner(digest: string, signature: string): Address | null {
  try {
    const bytes = getBytes(signature);
    let sig: Signature;
    if (bytes.length === 65) {
      if (bytes[64] !== 27 && bytes[64] !== 28) return null;
      sig = Signature.from(signature);
    } else if (bytes.length === 64) {
      sig = Signature.from(signature);
    } else {
      return null;
    }
    if (BigInt(sig.s) > MAX_LOW_S) return null;
    return recoverAddress(digest, sig);
  } catch {
    return null;
  }
}

/**
 * How a signature was found valid, if it was: by the signer's key or by its ERC-1271 wallet.
 *
 * @example
 * ```ts
 * const check: LendingSignatureCheck = await verifyLoanOffer({ signed, provider });
 * if (!check.valid) throw new Error("not the lender's signature");
 * ```
 */
export type LendingSignatureCheck = { valid: true; by: "ecdsa" | "erc1271" } | { valid: false; by: null };

/**
 * Verifies `signature` of `digest` by `signer` as the contract does (LN-O6): the key first, then, with a `provider`
 * and a signer with code, its ERC-1271 answer within 100,000 gas. Never throws for a bad signature.
 *
 * @example
 * ```ts
 * const { valid } = await verifyLendingSignature({ digest, signature, signer: lender, provider });
 * ```
 */
export async function verifyLendingSignature(params: {
  digest: string;
  signature: string;
  signer: Address;
  provider?: Provider;
}): Promise<LendingSignatureCheck> {
  const signer = requireAddress("signer", params.signer);
  const signature = requireHex("signature", params.signature);
  if (recoverLendingSigner(params.digest, signature) === signer) return { valid: true, by: "ecdsa" };
  const { provider } = params;
  if (provider === undefined || (await provider.getCode(signer)) === "0x") return { valid: false, by: null };
  const data = ERC1271.encodeFunctionData("isValidSignature", [params.digest, signature]);
  // eth_call's gas covers the intrinsic cost; the wallet itself gets what the contract gives it.
  const calldataGas = getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
  try {
    const answer = await provider.call({
      to: signer,
      data,
      gasLimit: 21_000n + calldataGas + LENDING_LIMITS.walletGas,
    });
    const valid = dataLength(answer) >= 32 && answer.slice(0, 66).toLowerCase() === MAGIC_WORD;
    return valid ? { valid: true, by: "erc1271" } : { valid: false, by: null };
  } catch {
    return { valid: false, by: null };
  }
}

/**
 * Verifies a signed offer's signature against its lender (offline unless `provider`).
 *
 * @example
 * ```ts
 * const { valid, by } = await verifyLoanOffer({ signed, provider });
 * ```
 */
export function verifyLoanOffer(params: { signed: SignedLoanOffer; provider?: Provider }) {
  const { signed, provider } = params;
  const digest = hashLoanOffer(signed);
  return verifyLendingSignature({ digest, signature: signed.signature, signer: signed.offer.lender, provider });
}

/**
 * Verifies a signed request's signature against its borrower (offline unless `provider`).
 *
 * @example
 * ```ts
 * const { valid } = await verifyLoanRequest({ signed, provider });
 * ```
 */
export function verifyLoanRequest(params: { signed: SignedLoanRequest; provider?: Provider }) {
  const { signed, provider } = params;
  const digest = hashLoanRequest(signed);
  return verifyLendingSignature({ digest, signature: signed.signature, signer: signed.request.borrower, provider });
}
