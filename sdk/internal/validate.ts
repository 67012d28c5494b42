// Input checks shared by every domain. Each throws an InvalidParameterError naming the parameter, so the caller
// learns which field was wrong before anything is signed or sent.
import { isHexString } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { checksumAddress } from "./address";

const UINT256_BOUND = 1n << 256n;

function invalid(parameter: string, value: unknown, reason: string): InvalidParameterError {
  return new InvalidParameterError({ parameter, value, reason });
}

/** A checksummed address. */
export function requireAddress(parameter: string, value: unknown): string {
  try {
    return checksumAddress(value as string);
  } catch {
    throw invalid(parameter, value, "not an address");
  }
}

/** A bigint in `[min, bound)`. Token amounts must be bigints: a JavaScript number silently loses wei above 2^53. */
export function requireBigInt(parameter: string, value: unknown, min: bigint, bound: bigint = UINT256_BOUND): bigint {
  if (typeof value !== "bigint") throw invalid(parameter, value, "must be a bigint");
  if (value < min || value >= bound) throw invalid(parameter, value, `must be in [${min}, ${bound})`);
  return value;
}

/** A safe integer in `[min, max]`, given as a number or a bigint; returned as a number. */
export function requireInteger(parameter: string, value: unknown, min: number, max: number): number {
  if (typeof value === "bigint") {
    if (value < BigInt(min) || value > BigInt(max)) throw invalid(parameter, value, `must be in [${min}, ${max}]`);
    return Number(value);
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw invalid(parameter, value, "must be an integer");
  if (value < min || value > max) throw invalid(parameter, value, `must be in [${min}, ${max}]`);
  return value;
}

/** A `0x` hex string of whole bytes (`length` bytes if given), lowercased. */
export function requireHex(parameter: string, value: unknown, length?: number): string {
  if (typeof value !== "string" || !isHexString(value, length) || value.length % 2 !== 0) {
    throw invalid(
      parameter,
      value,
      length === undefined ? "must be 0x-prefixed hex bytes" : `must be ${length} hex bytes`,
    );
  }
  return value.toLowerCase();
}

/** Throws unless `condition` holds; for the protocol rules that relate several parameters. */
export function requireThat(condition: boolean, parameter: string, value: unknown, reason: string): void {
  if (!condition) throw invalid(parameter, value, reason);
}
