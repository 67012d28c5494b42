// The parameter and return types of AuctionClient's methods (docs/auctions.md § SDK).
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import type { ScanPage, ScanRangeParameters } from "../internal/scan";
import type { AuctionEvent } from "./events";
import type { SealedBid } from "./sealed";
import type { Auction, AuctionId, AuctionLot, AuctionLotSpec } from "./types";

/**
 * How to reach an Auctions deployment.
 *
 * @example
 * ```ts
 * const params: AuctionClientParameters = { address: auctionsAddress, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type AuctionClientParameters = {
  /** The Auctions contract. */
  address: Address;
  /** An ethers Signer (with a provider) to create, bid and settle, or a Provider to read and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (listing). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * What every sending method returns: the mined receipt and the Auctions events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: AuctionWriteReturnType = await auctions.settle({ auctionId });
 * ```
 */
export type AuctionWriteReturnType = { receipt: TransactionReceipt; events: AuctionEvent[] };

/**
 * An English auction's terms (AU-E1…AU-E4, bounds AU-L5): `bidToken` (default ETH), `reserve` (default 0: any bid
 * of at least 1 unit), `incrementBps` (default 0: at least 1 unit more), `duration` of the timer that starts with the
 * first bid, `extension` (default 0) of the anti-sniping window. Durations in seconds.
 *
 * @example
 * ```ts
 * const params: CreateEnglishParameters = {
 *   lot: { kind: LotKind.ERC721, token: nft, id: 42n }, reserve: parseEther("1"), incrementBps: 500,
 *   duration: 86_400n, extension: 600n,
 * };
 * ```
 */
export type CreateEnglishParameters = {
  lot: AuctionLotSpec;
  bidToken?: Address;
  reserve?: bigint;
  incrementBps?: number;
  duration: bigint | number;
  extension?: bigint | number;
};

/**
 * A Dutch auction's terms (AU-D1): the price falls from `startPrice` to `floorPrice` (> 0) over `duration` seconds
 * from creation, then stays at the floor `floorDuration` (default 0) more seconds.
 *
 * @example
 * ```ts
 * const params: CreateDutchParameters = { lot, startPrice: parseEther("2"), floorPrice: parseEther("1"), duration: 3_600n };
 * ```
 */
export type CreateDutchParameters = {
  lot: AuctionLotSpec;
  bidToken?: Address;
  startPrice: bigint;
  floorPrice: bigint;
  duration: bigint | number;
  floorDuration?: bigint | number;
};

/**
 * A sealed-bid second-price auction's terms (AU-V1…AU-V5): `reserve` (default 0), commits for `commitDuration`
 * seconds from creation, then reveals for `revealDuration`.
 *
 * @example
 * ```ts
 * const params: CreateSealedParameters = { lot, reserve: parseEther("1"), commitDuration: 86_400n, revealDuration: 86_400n };
 * ```
 */
export type CreateSealedParameters = {
  lot: AuctionLotSpec;
  bidToken?: Address;
  reserve?: bigint;
  commitDuration: bigint | number;
  revealDuration: bigint | number;
};

/**
 * What a creation returns: the new auction's id (from its `AuctionCreated` event) and the approval's receipt when
 * `approve` sent one.
 *
 * @example
 * ```ts
 * const { auctionId }: CreateAuctionReturnType = await auctions.createDutch(params);
 * ```
 */
export type CreateAuctionReturnType = AuctionWriteReturnType & {
  auctionId: AuctionId;
  approvalReceipt?: TransactionReceipt;
};

/**
 * Sending options of a creation: with `approve`, the lot is first approved to the contract when it is not yet (the
 * ERC721 token, all of an ERC1155 collection, exactly the ERC20 amount).
 *
 * @example
 * ```ts
 * await auctions.createEnglish({ ...params, approve: true });
 * ```
 */
export type CreateOptions = WriteParameters & { approve?: boolean };

/**
 * An English bid of `amount` in all. `useCredit` (default true): the part taken from the bidder's credit in the bid
 * token (a refund the bidder could not take, AU-E6) is computed by the client, `min(credit, amount)`, and the rest is
 * sent (ETH) or pulled (ERC20); `false` spends none. `bidder` is who will send it (default: the client's signer).
 *
 * @example
 * ```ts
 * const params: BidParameters = { auctionId, amount: parseEther("1.05") };
 * ```
 */
export type BidParameters = { auctionId: AuctionId; amount: bigint; useCredit?: boolean; bidder?: Address };

/**
 * The bid transaction and its split: `fromCredit` from the credit, `paid` sent as `value` (ETH) or pulled (ERC20).
 *
 * @example
 * ```ts
 * const { to, data, value, fromCredit }: BuildBidReturnType = await auctions.buildBid({ auctionId, amount });
 * ```
 */
export type BuildBidReturnType = PreparedTransaction & { fromCredit: bigint; paid: bigint; bidToken: Address };

/**
 * A Dutch buy: `maxPrice` is the most the buyer pays. ETH: `maxPrice` is sent and the contract pays back the excess
 * in the same transaction; ERC20: the contract pulls the price, which the client checks is at most `maxPrice`.
 *
 * @example
 * ```ts
 * const params: BuyParameters = { auctionId, maxPrice: parseEther("1.5") };
 * ```
 */
export type BuyParameters = { auctionId: AuctionId; maxPrice: bigint };

/**
 * The buy transaction, and the price at the earliest block it can be mined in (`at`): the most it can cost, since
 * the price only falls.
 *
 * @example
 * ```ts
 * const { value, price }: BuildBuyReturnType = await auctions.buildBuy({ auctionId, maxPrice });
 * ```
 */
export type BuildBuyReturnType = PreparedTransaction & { price: bigint; at: bigint; bidToken: Address };

/**
 * A sealed bid to prepare: `amount` hidden behind `deposit` (default `amount`), for `bidder` (default the client's
 * signer); `salt` only to reproduce a bid (default: 32 fresh random bytes).
 *
 * @example
 * ```ts
 * const params: SealBidParameters = { auctionId, amount: parseEther("1.2"), deposit: parseEther("2") };
 * ```
 */
export type SealBidParameters = {
  auctionId: AuctionId;
  amount: bigint;
  deposit?: bigint;
  bidder?: Address;
  salt?: string;
};

/**
 * One sealed bid to commit or reveal, as `AuctionClient.sealBid` made it (or `parseSealedBid` read it).
 *
 * @example
 * ```ts
 * const params: SealedBidParameters = { bid: parseSealedBid({ text: stored }) };
 * ```
 */
export type SealedBidParameters = { bid: SealedBid };

/**
 * The status of one auction for a bidder (docs/auctions.md AU-SDK-6): `leading` (highest English or revealed sealed
 * bid of an open auction), `outbid` (another bid leads; an ETH refund the bidder refused waits in `credit`),
 * `committed` (a sealed bid not revealed yet), `won`, `lost`, `reclaimable` (a sealed deposit to take back),
 * `closed` (a sealed deposit already taken back, the auction not won), `lotClaimable` (won, but the delivery failed:
 * `claimLot`).
 *
 * @example
 * ```ts
 * const status: AuctionBidStatus = "outbid";
 * ```
 */
export type AuctionBidStatus =
  "leading" | "outbid" | "committed" | "won" | "lost" | "reclaimable" | "closed" | "lotClaimable";

/**
 * One auction a bidder bid on, committed to or bought, with its current view, the bidder's status, its last bid
 * (English: its last `BidPlaced`; sealed: the revealed amount, or the deposit before the reveal; Dutch: the price
 * paid), and its credit in the auction's bid token (a credit is per token, shared by every auction in that token).
 *
 * @example
 * ```ts
 * const { auction, status, credit }: AuctionBidRecord = page.bids[0];
 * ```
 */
export type AuctionBidRecord = {
  auctionId: AuctionId;
  auction: Auction;
  status: AuctionBidStatus;
  lastBid: bigint;
  credit: bigint;
};

/**
 * `auctionsOf`: a seller and the block range ({@link ScanRangeParameters}).
 *
 * @example
 * ```ts
 * const params: AuctionsOfParameters = { seller: me, fromBlock: 21_000_000 };
 * ```
 */
export type AuctionsOfParameters = ScanRangeParameters & { seller: Address };

/**
 * What `auctionsOf` returns: the seller's auctions created in the range, oldest first, each as read now.
 *
 * @example
 * ```ts
 * const { auctions: mine, nextFromBlock }: AuctionsOfReturnType = await auctions.auctionsOf({ seller: me });
 * ```
 */
export type AuctionsOfReturnType = ScanPage & { auctions: Auction[] };

/**
 * `bidsOf`: a bidder and the block range.
 *
 * @example
 * ```ts
 * const params: BidsOfParameters = { bidder: me, limit: 20 };
 * ```
 */
export type BidsOfParameters = ScanRangeParameters & { bidder: Address };

/**
 * What `bidsOf` returns: one record per auction the bidder acted on in the range, in the order of its first action.
 *
 * @example
 * ```ts
 * const { bids }: BidsOfReturnType = await auctions.bidsOf({ bidder: me });
 * ```
 */
export type BidsOfReturnType = ScanPage & { bids: AuctionBidRecord[] };

/**
 * `claimableLots`: the account that may claim and the block range.
 *
 * @example
 * ```ts
 * const params: ClaimableLotsParameters = { account: me };
 * ```
 */
export type ClaimableLotsParameters = ScanRangeParameters & { account: Address };

/**
 * What `claimableLots` returns: the lots the account may still claim (`claimLot`), by auction.
 *
 * @example
 * ```ts
 * const { lots }: ClaimableLotsReturnType = await auctions.claimableLots({ account: me });
 * for (const { auctionId } of lots) await auctions.claimLot({ auctionId, to: me });
 * ```
 */
export type ClaimableLotsReturnType = ScanPage & { lots: { auctionId: AuctionId; lot: AuctionLot }[] };
