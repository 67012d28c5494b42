// Sealed bids (docs/auctions.md AU-V1…AU-V3, AU-SDK-5): the commit hash exactly as the contract's `commitHashOf`
// (bound to the chain, the contract, the auction and the bidder), a fresh salt from WebCrypto, and the record an app
// stores between commit and reveal, as JSON text. Losing the record before the reveal window costs the forfeit:
// store it before sending the commit.
import { AbiCoder, hexlify, keccak256 } from "ethers";
import type { Address } from "../core/types";
import { AuctionRequestError } from "../errors/auctions";
import { InvalidParameterError } from "../errors/base";
import { requireAddress, requireBigInt, requireHex } from "../internal/validate";
import { toAuctionId, type AuctionId } from "./types";

/**
 * Everything a reveal needs, and where it belongs: the chain and contract, the auction, the bidder, the hidden bid
 * `amount`, the `deposit` sent with the commit (≥ amount; what is over the amount hides the bid), the 32-byte
 * `salt`, and the commit `hash`. Keep it secret until the reveal window: with it, anyone can compute the bid.
 *
 * @example
 * ```ts
 * const bid: SealedBid = await auctions.sealBid({ auctionId, amount: parseEther("1.2"), deposit: parseEther("2") });
 * localStorage.setItem(`bid:${auctionId}`, serializeSealedBid(bid));
 * ```
 */
export type SealedBid = {
  chainId: bigint;
  contract: Address;
  auctionId: AuctionId;
  bidder: Address;
  amount: bigint;
  deposit: bigint;
  salt: string;
  hash: string;
};

const RECORD_TYPE = "peerpay-sealed-bid";
const RECORD_VERSION = 1;

/**
 * The commit hash of AU-V2: `keccak256(abi.encode(chainId, contract, auctionId, bidder, amount, salt))`, what the
 * contract's `commitHashOf` returns.
 *
 * @throws {InvalidParameterError} a malformed field.
 * @example
 * ```ts
 * const hash = sealedBidHash({ chainId: 1n, contract: auctionsAddress, auctionId, bidder: me, amount, salt });
 * ```
 */
export function sealedBidHash(params: Omit<SealedBid, "hash" | "deposit">): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "uint256", "bytes32"],
      [
        requireBigInt("chainId", params.chainId, 1n),
        requireAddress("contract", params.contract),
        toAuctionId(params.auctionId),
        requireAddress("bidder", params.bidder),
        requireBigInt("amount", params.amount, 0n),
        requireHex("salt", params.salt, 32),
      ],
    ),
  );
}

/**
 * A sealed bid ready to commit: a fresh salt from the platform's CSPRNG (WebCrypto `crypto.getRandomValues`, in
 * browsers and Node 20) unless one is given, and the commit hash. `deposit` defaults to `amount`; a larger deposit
 * hides the bid (only the deposit is public until the reveal).
 *
 * @throws {InvalidParameterError} a malformed field, no WebCrypto, or a deposit below the amount.
 * @example
 * ```ts
 * const bid = createSealedBid({ chainId, contract, auctionId, bidder: me, amount: parseEther("1"), deposit: parseEther("3") });
 * ```
 */
export function createSealedBid(
  params: Omit<SealedBid, "hash" | "salt" | "deposit"> & { deposit?: bigint; salt?: string },
): SealedBid {
  const amount = requireBigInt("amount", params.amount, 0n);
  const deposit = requireBigInt("deposit", params.deposit ?? amount, amount === 0n ? 1n : amount);
  const salt = params.salt === undefined ? randomSalt() : requireHex("salt", params.salt, 32);
  const fields = {
    chainId: requireBigInt("chainId", params.chainId, 1n),
    contract: requireAddress("contract", params.contract),
    auctionId: toAuctionId(params.auctionId),
    bidder: requireAddress("bidder", params.bidder),
    amount,
    salt,
  };
  return { ...fields, deposit, hash: sealedBidHash(fields) };
}

function randomSalt(): string {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (bytes: Uint8Array) => Uint8Array } }).crypto;
  if (typeof crypto?.getRandomValues !== "function") {
    throw new InvalidParameterError({
      parameter: "globalThis.crypto",
      value: undefined,
      reason: "WebCrypto is required to draw a salt",
    });
  }
  return hexlify(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * A sealed bid as JSON text (bigints as decimal strings), tagged with its format and version, for an app to store
 * (localStorage, IndexedDB, a file) until the reveal. {@link parseSealedBid} reads it back.
 *
 * @example
 * ```ts
 * await db.put("bids", serializeSealedBid(bid), `${bid.contract}:${bid.auctionId}`);
 * ```
 */
export function serializeSealedBid(bid: SealedBid): string {
  return JSON.stringify({
    type: RECORD_TYPE,
    version: RECORD_VERSION,
    chainId: bid.chainId.toString(),
    contract: bid.contract,
    auctionId: bid.auctionId.toString(),
    bidder: bid.bidder,
    amount: bid.amount.toString(),
    deposit: bid.deposit.toString(),
    salt: bid.salt,
    hash: bid.hash,
  });
}

/**
 * Reads a record written by {@link serializeSealedBid}, checking every field and that the hash is the one its
 * fields give (a record altered or mixed up with another is refused before a reveal would fail on-chain).
 *
 * @throws {AuctionRequestError} `AUCTION_SEALED_BID_MALFORMED`: not such a record, or its hash does not match.
 * @example
 * ```ts
 * const bid = parseSealedBid({ text: localStorage.getItem(`bid:${auctionId}`)! });
 * await auctions.reveal({ bid });
 * ```
 */
export function parseSealedBid(params: { text: string }): SealedBid {
  let bid: SealedBid;
  try {
    const record = JSON.parse(params.text) as Record<string, unknown>;
    if (record.type !== RECORD_TYPE || record.version !== RECORD_VERSION) throw new Error("not a sealed bid v1");
    const big = (name: string) => {
      const value = record[name];
      if (typeof value !== "string" || !/^[0-9]+$/.test(value)) throw new Error(`${name} is not a decimal string`);
      return BigInt(value);
    };
    bid = {
      chainId: big("chainId"),
      contract: requireAddress("contract", record.contract),
      auctionId: toAuctionId(big("auctionId")),
      bidder: requireAddress("bidder", record.bidder),
      amount: big("amount"),
      deposit: big("deposit"),
      salt: requireHex("salt", record.salt, 32),
      hash: requireHex("hash", record.hash, 32),
    };
  } catch (error) {
    throw new AuctionRequestError({
      code: "AUCTION_SEALED_BID_MALFORMED",
      message: "Not a sealed bid record written by serializeSealedBid",
      details: { reason: error instanceof Error ? error.message : String(error) },
      cause: error,
    });
  }
  if (sealedBidHash(bid) !== bid.hash) {
    throw new AuctionRequestError({
      code: "AUCTION_SEALED_BID_MALFORMED",
      message: "The sealed bid record's hash does not match its fields",
      details: { hash: bid.hash },
    });
  }
  return bid;
}
