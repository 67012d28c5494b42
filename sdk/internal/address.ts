// EIP-55 checksums, remembered per exact input string. A payee checks the same few addresses on every request (seven
// in a payment header, the recovered signer, its own address): each check is a keccak of 40 characters in pure JS,
// which cost more than recovering the voucher's signer. Only what ethers' getAddress accepted is remembered, under
// the exact string it was given, so an input is accepted or refused exactly as without the memo.
import { getAddress } from "ethers";

/** Distinct inputs remembered; beyond it the memo restarts (cheaply) rather than grow without bound. */
const CHECKSUM_MEMO_SIZE = 65_536;
const memo = new Map<string, string>();

/**
 * ethers' `getAddress`: the checksummed form of `value`, throwing on anything that is not an address or carries a bad
 * mixed-case checksum; a repeated input costs one map lookup.
 */
export function checksumAddress(value: string): string {
  const known = typeof value === "string" ? memo.get(value) : undefined;
  if (known !== undefined) return known;
  const checksummed = getAddress(value);
  if (memo.size >= CHECKSUM_MEMO_SIZE) memo.clear();
  // The checksummed form is its own key too: the common input (already checksummed) then keeps one string alive.
  memo.set(value, value === checksummed ? value : checksummed);
  return checksummed;
}

/** ethers' `isAddress`, through the memo of {@link checksumAddress}. */
export function isChecksumValid(value: unknown): value is string {
  if (typeof value !== "string") return false;
  if (memo.has(value)) return true;
  try {
    checksumAddress(value);
    return true;
  } catch {
    return false;
  }
}
