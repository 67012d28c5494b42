// The spec's bounds checked before sending (docs/auctions.md AU-L1, AU-L5, AU-SDK-2): a creation the contract would
// refuse never reaches the wallet. Each refusal is an AuctionRequestError with the contract's code for the same
// condition and the offending field in `details.field`.
import { ZeroAddress } from "ethers";
import type { Address } from "../core/types";
import { AuctionRequestError } from "../errors/auctions";
import { requireAddress } from "../internal/validate";
import type { CreateDutchParameters, CreateEnglishParameters, CreateSealedParameters } from "./parameters";
import { AUCTION_LIMITS, LotKind, type AuctionLotSpec } from "./types";

type Code = "AUCTION_INVALID_LOT" | "AUCTION_INVALID_PARAMETERS" | "AUCTION_AMOUNT_TOO_LARGE";

function refuse(code: Code, field: string, value: unknown, reason: string): never {
  throw new AuctionRequestError({ code, message: `${field} ${reason}`, details: { field, value, reason } });
}

/** An integer (bigint, or a safe integer number) in `[min, max]`, as a bigint. */
function integer(code: Code, field: string, value: unknown, min: bigint, max: bigint): bigint {
  const big =
    typeof value === "bigint" ? value : typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : null;
  if (big === null) return refuse(code, field, value, "must be an integer");
  if (big < min || big > max) {
    const tooLarge = code !== "AUCTION_INVALID_LOT" && big > max && max === AUCTION_LIMITS.maxAmount;
    return refuse(tooLarge ? "AUCTION_AMOUNT_TOO_LARGE" : code, field, value, `must be in [${min}, ${max}]`);
  }
  return big;
}

function amount(field: string, value: unknown, min = 0n): bigint {
  return integer("AUCTION_INVALID_PARAMETERS", field, value, min, AUCTION_LIMITS.maxAmount);
}

function duration(field: string, value: unknown, min = 1n): bigint {
  return integer("AUCTION_INVALID_PARAMETERS", field, value, min, AUCTION_LIMITS.maxDuration);
}

function address(code: Code, field: string, value: unknown, contract: Address): Address {
  let checked: Address;
  try {
    checked = requireAddress(field, value);
  } catch {
    return refuse(code, field, value, "is not an address");
  }
  if (checked === contract) refuse(code, field, value, "cannot be the Auctions contract itself");
  return checked;
}

/** The contract's `LotSpec` (AU-L1): an ERC721 amount defaults to 1 and must be 1; other amounts must be above 0. */
export function normalizeLot(lot: AuctionLotSpec, contract: Address) {
  if (typeof lot !== "object" || lot === null) refuse("AUCTION_INVALID_LOT", "lot", lot, "must be a lot spec");
  if (![LotKind.ERC721, LotKind.ERC1155, LotKind.ERC20].includes(lot.kind)) {
    refuse("AUCTION_INVALID_LOT", "lot.kind", lot.kind, "must be LotKind.ERC721, ERC1155 or ERC20");
  }
  const token = address("AUCTION_INVALID_LOT", "lot.token", lot.token, contract);
  const id = integer("AUCTION_INVALID_LOT", "lot.id", lot.id ?? 0n, 0n, (1n << 256n) - 1n);
  const isNft = lot.kind === LotKind.ERC721;
  const lotAmount = integer(
    "AUCTION_INVALID_LOT",
    "lot.amount",
    lot.amount ?? (isNft ? 1n : undefined),
    1n,
    (1n << 256n) - 1n,
  );
  if (isNft && lotAmount !== 1n) refuse("AUCTION_INVALID_LOT", "lot.amount", lot.amount, "must be 1 for an ERC721");
  return { kind: lot.kind, token, id: lot.kind === LotKind.ERC20 ? 0n : id, amount: lotAmount };
}

function bidToken(value: Address | undefined, contract: Address): Address {
  return address("AUCTION_INVALID_PARAMETERS", "bidToken", value ?? ZeroAddress, contract);
}

/** `EnglishParams` (AU-L5): duration in [1, 1 year], extension ≤ min(duration, 1 day), increment ≤ 10,000 bps. */
export function englishTerms(params: CreateEnglishParameters, contract: Address) {
  const lasting = duration("duration", params.duration);
  const maxExtension = lasting < AUCTION_LIMITS.maxExtension ? lasting : AUCTION_LIMITS.maxExtension;
  return {
    lot: normalizeLot(params.lot, contract),
    terms: {
      bidToken: bidToken(params.bidToken, contract),
      reserve: amount("reserve", params.reserve ?? 0n),
      incrementBps: integer(
        "AUCTION_INVALID_PARAMETERS",
        "incrementBps",
        params.incrementBps ?? 0,
        0n,
        AUCTION_LIMITS.maxIncrementBps,
      ),
      duration: lasting,
      extension: integer("AUCTION_INVALID_PARAMETERS", "extension", params.extension ?? 0n, 0n, maxExtension),
    },
  };
}

/** `DutchParams` (AU-L5): duration in [1, 1 year], floor duration ≤ 1 year, `startPrice ≥ floorPrice > 0`. */
export function dutchTerms(params: CreateDutchParameters, contract: Address) {
  const floorPrice = amount("floorPrice", params.floorPrice, 1n);
  return {
    lot: normalizeLot(params.lot, contract),
    terms: {
      bidToken: bidToken(params.bidToken, contract),
      startPrice: amount("startPrice", params.startPrice, floorPrice),
      floorPrice,
      duration: duration("duration", params.duration),
      floorDuration: duration("floorDuration", params.floorDuration ?? 0n, 0n),
    },
  };
}

/** `SealedParams` (AU-L5): both windows in [1, 1 year]. */
export function sealedTerms(params: CreateSealedParameters, contract: Address) {
  return {
    lot: normalizeLot(params.lot, contract),
    terms: {
      bidToken: bidToken(params.bidToken, contract),
      reserve: amount("reserve", params.reserve ?? 0n),
      commitDuration: duration("commitDuration", params.commitDuration),
      revealDuration: duration("revealDuration", params.revealDuration),
    },
  };
}
