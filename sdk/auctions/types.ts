// The auctions' vocabulary (docs/auctions.md): the branded auction id, the kinds, lots and states as the contract's
// enums and structs, one typed view of an auction whatever its kind, and the contract's bounds. Pure types and
// constants, no chain access.
import type { Address } from "../core/types";
import { InvalidParameterError } from "../errors/base";

/**
 * An auction's id on one Auctions deployment (ids count up from 1 across the three kinds). A bigint branded apart
 * from other bigints, so that an amount cannot be passed for an id; like every id, it names no chain or contract.
 *
 * @example
 * ```ts
 * const { auctionId } = await auctions.createEnglish({ lot, reserve: parseEther("1"), duration: 86_400n });
 * const id: AuctionId = toAuctionId(7n);
 * ```
 */
export type AuctionId = bigint & { readonly __brand: "AuctionId" };

/**
 * Checks and brands an auction id: a positive integer below 2^256 (a bigint, or a decimal string or number).
 *
 * @throws {InvalidParameterError} not a positive integer.
 * @example
 * ```ts
 * const id = toAuctionId(new URL(location.href).searchParams.get("auction") ?? "");
 * ```
 */
export function toAuctionId(value: bigint | number | string): AuctionId {
  let id: bigint | undefined;
  try {
    id =
      typeof value === "bigint"
        ? value
        : typeof value === "number" || /^[0-9]+$/.test(value)
          ? BigInt(value)
          : undefined;
  } catch {
    id = undefined;
  }
  if (id === undefined || id <= 0n || id >= 1n << 256n) {
    throw new InvalidParameterError({ parameter: "auctionId", value, reason: "must be a positive integer" });
  }
  return id as AuctionId;
}

/**
 * The three kinds of auction (`IAuctions.Kind`); `None` is what the contract says of an id it does not have.
 *
 * @example
 * ```ts
 * if (auction.kind === AuctionKind.Dutch) console.log(auction.price);
 * ```
 */
export enum AuctionKind {
  None = 0,
  English = 1,
  Dutch = 2,
  Sealed = 3,
}

/**
 * What a lot is (`IAuctions.LotKind`).
 *
 * @example
 * ```ts
 * const lot: AuctionLotSpec = { kind: LotKind.ERC721, token: nft, id: 42n };
 * ```
 */
export enum LotKind {
  ERC721 = 0,
  ERC1155 = 1,
  ERC20 = 2,
}

/**
 * An auction's state (`IAuctions.State`): `Open`, then exactly one terminal state (docs/auctions.md §3).
 *
 * @example
 * ```ts
 * if (auction.state === AuctionState.Open) await auctions.settle({ auctionId });
 * ```
 */
export enum AuctionState {
  None = 0,
  Open = 1,
  Settled = 2,
  Cancelled = 3,
  Unsold = 4,
}

/**
 * A sealed commit's state (`IAuctions.CommitStatus`): `Closed` once reclaimed or settled.
 *
 * @example
 * ```ts
 * const commit = await auctions.commitOf({ auctionId, bidder: me });
 * if (commit.status === CommitStatus.Committed) await auctions.reveal({ bid: stored });
 * ```
 */
export enum CommitStatus {
  None = 0,
  Committed = 1,
  Revealed = 2,
  Closed = 3,
}

/**
 * The contract's bounds (docs/auctions.md §1, §2, AU-L5): amounts fit 96 bits, durations are at most a year, the
 * anti-sniping extension at most a day, the increment at most 100%, the platform fee at most 5%, the forfeit of an
 * unrevealed commit 10%.
 *
 * @example
 * ```ts
 * if (reserve > AUCTION_LIMITS.maxAmount) throw new Error("too large");
 * ```
 */
export const AUCTION_LIMITS = Object.freeze({
  maxAmount: (1n << 96n) - 1n,
  maxDuration: 365n * 86_400n,
  maxExtension: 86_400n,
  maxIncrementBps: 10_000n,
  maxFeeBps: 500n,
  forfeitBps: 1_000n,
  bps: 10_000n,
});

/**
 * A lot to escrow: an ERC721 token (`amount` 1, the default), an ERC1155 `amount` of token `id`, or an ERC20
 * `amount` (`id` ignored, default 0).
 *
 * @example
 * ```ts
 * const lots: AuctionLotSpec[] = [
 *   { kind: LotKind.ERC721, token: nft, id: 42n },
 *   { kind: LotKind.ERC1155, token: game, id: 7n, amount: 10n },
 *   { kind: LotKind.ERC20, token: dusd, amount: 1_000_000_000n },
 * ];
 * ```
 */
export type AuctionLotSpec = { kind: LotKind; token: Address; id?: bigint; amount?: bigint };

/**
 * A lot as stored, with the platform fee snapshotted at creation.
 *
 * @example
 * ```ts
 * const { lot } = await auctions.auction({ auctionId });
 * console.log(LotKind[lot.kind], lot.token, lot.id, lot.amount, lot.feeBps);
 * ```
 */
export type AuctionLot = { kind: LotKind; token: Address; id: bigint; amount: bigint; feeBps: number };

/** What every kind's view shares. */
type AuctionCommon = {
  auctionId: AuctionId;
  seller: Address;
  lot: AuctionLot;
  /** The bid token; `ZeroAddress` for ETH. */
  bidToken: Address;
  state: AuctionState;
  /** Who may claim the lot after a failed delivery (AU-L3), else `null`. */
  lotClaimant: Address | null;
};

/**
 * One auction, whatever its kind, read at one block (`at`, that block's timestamp), discriminated by `kind`:
 * - English: `reserve`, `incrementBps`, `extension`; `started` (a first bid came), `end` (`null` before the first bid:
 *   the timer has not started, and `duration` is what it will run), the highest `bidder` (`null` without one) and
 *   `highest`, and `minimumBid`, the smallest bid accepted now;
 * - Dutch: `startPrice`, `floorPrice`, `start`, `duration`, `end`, and `price`: at `at` (AU-D1), or once `Settled`
 *   what the taker paid (AU-D4);
 * - Sealed: `reserve`, `commitEnd`, `revealEnd`, `commits`, the leading revealed `bidder` (`null` without one),
 *   `highest`, `second`, and `price`, what the leader pays if the auction settled now: `max(second, reserve)`.
 *
 * @example
 * ```ts
 * const auction = await auctions.auction({ auctionId });
 * if (auction.kind === AuctionKind.English && auction.state === AuctionState.Open) console.log(auction.minimumBid);
 * ```
 */
export type Auction = AuctionCommon &
  (
    | {
        kind: AuctionKind.English;
        reserve: bigint;
        incrementBps: number;
        extension: bigint;
        started: boolean;
        duration: bigint | null;
        end: bigint | null;
        bidder: Address | null;
        highest: bigint;
        minimumBid: bigint;
      }
    | {
        kind: AuctionKind.Dutch;
        startPrice: bigint;
        floorPrice: bigint;
        start: bigint;
        duration: bigint;
        end: bigint;
        price: bigint;
      }
    | {
        kind: AuctionKind.Sealed;
        reserve: bigint;
        commitEnd: bigint;
        revealEnd: bigint;
        commits: number;
        bidder: Address | null;
        highest: bigint;
        second: bigint;
        price: bigint;
      }
  ) & { at: bigint };

/**
 * A bidder's sealed commit as stored: the hash, the deposit, its sequence number (ties go to the lower, AU-V4) and
 * its status.
 *
 * @example
 * ```ts
 * const { deposit, status } = await auctions.commitOf({ auctionId, bidder: me });
 * ```
 */
export type AuctionCommit = { hash: string; deposit: bigint; seq: number; status: CommitStatus };
