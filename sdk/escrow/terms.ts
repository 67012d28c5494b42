import { AbiCoder, ZeroHash, concat, keccak256, toBeHex } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { requireAddress, requireBigInt, requireHex } from "../internal/validate";
import { Outcome, type Deal, type DealId, type DealTerms } from "./types";

/** Bit offset and width of each field of `Terms`, from the least significant bit (contracts/libraries/DealLib.sol). */
const LAYOUT = {
  amount: { offset: 0n, bits: 96n },
  deadline: { offset: 96n, bits: 40n },
  disputeWindow: { offset: 136n, bits: 32n },
  defaultOutcome: { offset: 168n, bits: 8n },
  fallbackBps: { offset: 176n, bits: 16n },
  arbiterFeeBps: { offset: 192n, bits: 16n },
  protocolFeeBps: { offset: 208n, bits: 16n },
  salt: { offset: 224n, bits: 32n },
} as const satisfies Record<keyof DealTerms, { offset: bigint; bits: bigint }>;

const FIELDS = Object.keys(LAYOUT) as (keyof DealTerms)[];

/**
 * Packs terms into the contract's `Terms` word. Checks only that each field fits its width (and that the outcome is
 * `Release` or `Refund`); the protocol's business rules (deadline in the future, arbiter terms...) are checked by
 * the client before creation.
 *
 * @throws {InvalidParameterError} a field is not an integer or does not fit its width.
 * @example
 * ```ts
 * const word = packTerms({ amount: 10n ** 18n, deadline: 1_767_225_600, disputeWindow: 0, defaultOutcome: Outcome.Release,
 *   fallbackBps: 0, arbiterFeeBps: 0, protocolFeeBps: 0, salt: 7 });
 * unpackTerms(word).salt; // 7
 * ```
 */
export function packTerms(terms: DealTerms): bigint {
  if (terms.defaultOutcome !== Outcome.Release && terms.defaultOutcome !== Outcome.Refund) {
    throw new InvalidParameterError({
      parameter: "defaultOutcome",
      value: terms.defaultOutcome,
      reason: "must be Outcome.Release (0) or Outcome.Refund (1)",
    });
  }
  let word = 0n;
  for (const field of FIELDS) {
    const { offset, bits } = LAYOUT[field];
    word |= fieldValue(field, terms[field], bits) << offset;
  }
  return word;
}

function fieldValue(field: keyof DealTerms, value: bigint | number, bits: bigint): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new InvalidParameterError({ parameter: field, value, reason: "must be a safe integer" });
  }
  const big = BigInt(value);
  if (big < 0n || big >> bits !== 0n) {
    throw new InvalidParameterError({ parameter: field, value, reason: `must fit ${bits} unsigned bits` });
  }
  return big;
}

/**
 * Unpacks the contract's `Terms` word (`deal.terms`). Lossless: `packTerms(unpackTerms(w)) === w` for every word
 * whose outcome byte is 0 or 1, which every created deal's is.
 *
 * @throws {InvalidParameterError} the value is not a 256-bit unsigned integer.
 * @example
 * ```ts
 * const { amount, deadline } = unpackTerms(deal.terms);
 * ```
 */
export function unpackTerms(terms: bigint): DealTerms {
  requireBigInt("terms", terms, 0n);
  const read = (field: keyof DealTerms): bigint => {
    const { offset, bits } = LAYOUT[field];
    return (terms >> offset) & ((1n << bits) - 1n);
  };
  return {
    amount: read("amount"),
    deadline: Number(read("deadline")),
    disputeWindow: Number(read("disputeWindow")),
    defaultOutcome: Number(read("defaultOutcome")) as Outcome,
    fallbackBps: Number(read("fallbackBps")),
    arbiterFeeBps: Number(read("arbiterFeeBps")),
    protocolFeeBps: Number(read("protocolFeeBps")),
    salt: Number(read("salt")),
  };
}

const DEAL_ABI_TYPES = ["address", "address", "address", "address", "uint256", "bytes32"];

/**
 * A deal's id: `keccak256(abi.encode(deal))`, as the contract computes it. `Deal` is a static struct, so its
 * encoding is the six words of its fields.
 *
 * @throws {InvalidParameterError} an address, the terms or the milestones hash is malformed.
 * @example
 * ```ts
 * const dealId = computeDealId(deal);
 * const state = await escrow.getDealState({ dealId });
 * ```
 */
export function computeDealId(deal: Deal): DealId {
  const normalized = normalizeDeal(deal);
  const encoded = AbiCoder.defaultAbiCoder().encode(DEAL_ABI_TYPES, [
    normalized.depositor,
    normalized.beneficiary,
    normalized.arbiter,
    normalized.token,
    normalized.terms,
    normalized.milestonesHash,
  ]);
  return keccak256(encoded) as DealId;
}

/**
 * The `milestonesHash` of a milestone list: keccak256 of the amounts as 32-byte words, `ZeroHash` for an empty
 * list (one milestone of the whole amount).
 *
 * @throws {InvalidParameterError} an amount is negative or above 2^256 - 1.
 * @example
 * ```ts
 * milestonesHash([]); // ZeroHash
 * milestonesHash([600n, 400n]); // keccak256(abi.encodePacked(uint256[]([600, 400])))
 * ```
 */
export function milestonesHash(milestones: readonly bigint[]): string {
  if (milestones.length === 0) return ZeroHash;
  milestones.forEach((amount, i) => requireBigInt(`milestones[${i}]`, amount, 0n));
  return keccak256(concat(milestones.map((amount) => toBeHex(amount, 32))));
}

/**
 * Brands a 32-byte hex string as a {@link DealId} after checking its shape (lowercased, so ids compare with `===`).
 * It cannot check that a deal exists; use it for ids from your own storage or a URL.
 *
 * @throws {InvalidParameterError} not a 32-byte hex string.
 * @example
 * ```ts
 * const dealId = toDealId(new URL(location.href).searchParams.get("deal") ?? "");
 * ```
 */
export function toDealId(value: string): DealId {
  return requireHex("dealId", value, 32) as DealId;
}

/**
 * Checks a `Deal`'s shape and returns it with checksummed addresses and a lowercase hash, so that deals compare
 * field by field. Internal: the public entry points call it.
 */
export function normalizeDeal(deal: Deal): Deal {
  return {
    depositor: requireAddress("deal.depositor", deal.depositor),
    beneficiary: requireAddress("deal.beneficiary", deal.beneficiary),
    arbiter: requireAddress("deal.arbiter", deal.arbiter),
    token: requireAddress("deal.token", deal.token),
    terms: requireBigInt("deal.terms", deal.terms, 0n),
    milestonesHash: requireHex("deal.milestonesHash", deal.milestonesHash, 32),
  };
}
