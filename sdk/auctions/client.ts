import type { ContractRunner, TransactionReceipt } from "ethers";
import type { IAuctions } from "../../typechain-types/contracts/interfaces/IAuctions";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import { connectParameters, type ConnectParameters } from "../deployments";
import { decodeAuctionsError } from "./abi";
import * as approvals from "./actions/approve";
import { createAuctionContext, send, type AuctionContext } from "./actions/context";
import * as flows from "./actions/flows";
import * as read from "./actions/read";
import * as write from "./actions/write";
import * as discovery from "./discovery";
import type * as P from "./parameters";
import { createSealedBid, type SealedBid } from "./sealed";
import type { Auction, AuctionCommit, AuctionId, AuctionLotSpec } from "./types";

type Id = { auctionId: AuctionId };
type Sent = Promise<P.AuctionWriteReturnType>;

/**
 * A seller's, bidder's or keeper's client of the auctions (docs/auctions.md, § SDK): create English, Dutch and
 * sealed-bid auctions of an ERC721, ERC1155 or ERC20 lot (the spec's bounds checked before sending, the lot approved
 * when asked), bid (reusing the bidder's credit first), buy at most at a price, seal, commit and reveal a bid,
 * reclaim, settle, cancel, claim a lot, withdraw a credit, collect fees; read an auction as one typed object; list a
 * seller's auctions, a bidder's bids with their status and an account's claimable lots. Every action also exists as
 * `buildX`, returning `{ to, data, value }` without sending, for a multisig or a relayer. Reverts are typed errors
 * (`decodeAuctionsError`); the runner may be a Wallet, an EIP-1193 wallet through `BrowserProvider.getSigner()`, or a
 * Safe through `SafeSigner`.
 *
 * @example
 * ```ts
 * const seller = await AuctionClient.connect({ runner: sellerWallet });
 * const { auctionId } = await seller.createEnglish({
 *   lot: { kind: LotKind.ERC721, token: nft, id: 42n }, reserve: parseEther("1"), incrementBps: 500,
 *   duration: 86_400n, extension: 600n, approve: true,
 * });
 * const bidder = new AuctionClient({ address: seller.address, runner: bidderWallet });
 * await bidder.bid({ auctionId, amount: (await bidder.auction({ auctionId })).minimumBid });
 * ```
 */
export class AuctionClient {
  readonly address: Address;
  readonly runner: ContractRunner | null;
  /** The TypeChain contract, for what the client does not cover. */
  readonly contract: IAuctions;
  readonly fromBlock: number;
  readonly confirmations: number;
  readonly #context: AuctionContext;

  constructor(params: P.AuctionClientParameters) {
    this.#context = createAuctionContext(params);
    this.address = this.#context.address;
    this.runner = this.#context.runner;
    this.contract = this.#context.contract;
    this.fromBlock = this.#context.fromBlock;
    this.confirmations = this.#context.confirmations;
  }

  /**
   * A client for the Auctions deployment on the runner's chain found in the address book, or at `address`.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and no deployment on the chain.
   * @example
   * ```ts
   * const auctions = await AuctionClient.connect({ runner: wallet, addressBook });
   * ```
   */
  static async connect(params: ConnectParameters<P.AuctionClientParameters>): Promise<AuctionClient> {
    return new AuctionClient(await connectParameters("Auctions", params, decodeAuctionsError));
  }

  /** The chain id of the client's provider (read once). @example `const chainId = await auctions.getChainId();` */
  getChainId(): Promise<bigint> {
    return this.#context.chainId();
  }

  // ---------------------------------------------------------------- selling

  /** The lot's approval call (ERC721 `approve`, ERC1155 `setApprovalForAll`, ERC20 `approve` of the amount). @example `const request = auctions.buildApproveLot({ lot });` */
  buildApproveLot(params: { lot: AuctionLotSpec }): PreparedTransaction {
    return approvals.buildApproveLot(this.#context, params);
  }

  /** Approves the lot from the signer unless the contract may already pull it (then `undefined`). @example `await auctions.approveLot({ lot });` */
  approveLot(params: { lot: AuctionLotSpec }): Promise<TransactionReceipt | undefined> {
    return approvals.approveLot(this.#context, params);
  }

  /**
   * The `createEnglish` call, its terms checked against the spec's bounds (AU-L1, AU-L5) and the tokens' code.
   *
   * @throws {AuctionRequestError} `AUCTION_INVALID_LOT`, `AUCTION_INVALID_PARAMETERS` or `AUCTION_AMOUNT_TOO_LARGE`.
   * @example
   * ```ts
   * const request = await auctions.buildCreateEnglish({ lot, reserve: parseEther("1"), duration: 86_400n });
   * ```
   */
  buildCreateEnglish(params: P.CreateEnglishParameters): Promise<PreparedTransaction> {
    return write.buildCreate(this.#context, { ...params, kind: "English" });
  }

  /** Escrows the lot and opens an English auction (`approve: true` approves the lot first). @example `const { auctionId } = await auctions.createEnglish({ lot, duration: 86_400n, approve: true });` */
  createEnglish(params: P.CreateEnglishParameters & P.CreateOptions): Promise<P.CreateAuctionReturnType> {
    return flows.create(this.#context, { ...params, kind: "English" });
  }

  /** The `createDutch` call, checked as {@link AuctionClient.buildCreateEnglish}. @example `const request = await auctions.buildCreateDutch({ lot, startPrice, floorPrice, duration: 3_600n });` */
  buildCreateDutch(params: P.CreateDutchParameters): Promise<PreparedTransaction> {
    return write.buildCreate(this.#context, { ...params, kind: "Dutch" });
  }

  /** Escrows the lot and opens a Dutch auction starting now. @example `const { auctionId } = await auctions.createDutch({ lot, startPrice, floorPrice, duration: 3_600n });` */
  createDutch(params: P.CreateDutchParameters & P.CreateOptions): Promise<P.CreateAuctionReturnType> {
    return flows.create(this.#context, { ...params, kind: "Dutch" });
  }

  /** The `createSealed` call, checked as {@link AuctionClient.buildCreateEnglish}. @example `const request = await auctions.buildCreateSealed({ lot, commitDuration: 86_400n, revealDuration: 86_400n });` */
  buildCreateSealed(params: P.CreateSealedParameters): Promise<PreparedTransaction> {
    return write.buildCreate(this.#context, { ...params, kind: "Sealed" });
  }

  /** Escrows the lot and opens a sealed-bid second-price auction. @example `const { auctionId } = await auctions.createSealed({ lot, commitDuration: 86_400n, revealDuration: 86_400n });` */
  createSealed(params: P.CreateSealedParameters & P.CreateOptions): Promise<P.CreateAuctionReturnType> {
    return flows.create(this.#context, { ...params, kind: "Sealed" });
  }

  // ---------------------------------------------------------------- English

  /** The smallest bid the contract accepts now (`minimumBidOf`). @example `const minimum = await auctions.minimumBid({ auctionId });` */
  minimumBid(params: Id): Promise<bigint> {
    return read.minimumBid(this.#context, params);
  }

  /**
   * The `bid` call: `fromCredit` is the bidder's credit in the bid token, up to the amount (unless `useCredit:
   * false`); `value` is the ETH rest.
   *
   * @throws {AuctionRequestError} `AUCTION_BID_TOO_LOW`, `AUCTION_ENDED`, `AUCTION_NOT_OPEN`, `AUCTION_WRONG_KIND`...
   * @example
   * ```ts
   * const { to, data, value, fromCredit } = await auctions.buildBid({ auctionId, amount, bidder: safeAddress });
   * ```
   */
  buildBid(params: P.BidParameters): Promise<P.BuildBidReturnType> {
    return write.buildBid(this.#context, params);
  }

  /** Bids from the signer (its credit first; `approve: true` approves an ERC20 rest). @example `const { fromCredit } = await auctions.bid({ auctionId, amount: parseEther("1.1") });` */
  bid(params: Omit<P.BidParameters, "bidder"> & WriteParameters & { approve?: boolean }) {
    return flows.bid(this.#context, params);
  }

  // ---------------------------------------------------------------- Dutch

  /** The Dutch price at `at` (default: the latest block's timestamp), by the contract's formula (AU-D1). @example `const price = await auctions.currentPrice({ auctionId });` */
  currentPrice(params: Id & { at?: bigint }): Promise<bigint> {
    return read.currentPrice(this.#context, params);
  }

  /**
   * The `buy` call: sends `maxPrice` in ETH (the contract pays back the excess) after checking that the price at the
   * earliest block the buy can land in is at most `maxPrice`.
   *
   * @throws {AuctionRequestError} `AUCTION_PRICE_ABOVE_MAX` (`details.price`), `AUCTION_ENDED`, `AUCTION_NOT_OPEN`...
   * @example
   * ```ts
   * const { value, price } = await auctions.buildBuy({ auctionId, maxPrice: parseEther("1.5") });
   * ```
   */
  buildBuy(params: P.BuyParameters): Promise<P.BuildBuyReturnType> {
    return write.buildBuy(this.#context, params);
  }

  /** Buys the lot, paying at most `maxPrice`; returns the price paid. @example `const { price } = await auctions.buy({ auctionId, maxPrice });` */
  buy(params: P.BuyParameters & WriteParameters & { approve?: boolean }) {
    return flows.buy(this.#context, params);
  }

  // ---------------------------------------------------------------- sealed bid

  /**
   * A sealed bid for the signer (or `bidder`): a random 32-byte salt from WebCrypto and the commit hash exactly as
   * the contract's `commitHashOf` (AU-V2). Store it (`serializeSealedBid`) before committing: the reveal needs it.
   *
   * @example
   * ```ts
   * const bid = await auctions.sealBid({ auctionId, amount: parseEther("1.2"), deposit: parseEther("2") });
   * ```
   */
  async sealBid(params: P.SealBidParameters): Promise<SealedBid> {
    const bidder = await write.requireBidder(this.#context, params.bidder);
    return createSealedBid({ ...params, bidder, chainId: await this.getChainId(), contract: this.address });
  }

  /** The `commit` call of a sealed bid, `value` its ETH deposit. @example `const request = await auctions.buildCommit({ bid });` */
  buildCommit(params: P.SealedBidParameters): Promise<PreparedTransaction> {
    return write.buildCommit(this.#context, params);
  }

  /** Commits the signer's sealed bid with its deposit. @example `await auctions.commit({ bid });` */
  commit(params: P.SealedBidParameters & WriteParameters & { approve?: boolean }) {
    return flows.commit(this.#context, params);
  }

  /** The `reveal` call of a sealed bid. @example `const request = await auctions.buildReveal({ bid });` */
  buildReveal(params: P.SealedBidParameters): Promise<PreparedTransaction> {
    return write.buildReveal(this.#context, params);
  }

  /** Reveals the signer's sealed bid in the reveal window. @example `await auctions.reveal({ bid: parseSealedBid({ text }) });` */
  reveal(params: P.SealedBidParameters & WriteParameters): Sent {
    return flows.reveal(this.#context, params);
  }

  /** The `reclaim` call. @example `const request = auctions.buildReclaim({ auctionId });` */
  buildReclaim(params: Id): PreparedTransaction {
    return write.buildById(this.#context, "reclaim", params.auctionId);
  }

  /** Takes back the signer's deposit after the reveal window (less 10% if never revealed, AU-V6). @example `await auctions.reclaim({ auctionId });` */
  reclaim(params: Id & WriteParameters): Sent {
    return send(this.#context, this.buildReclaim(params), params.overrides);
  }

  // ---------------------------------------------------------------- ending

  /** The `settle` call. @example `const request = auctions.buildSettle({ auctionId });` */
  buildSettle(params: Id): PreparedTransaction {
    return write.buildById(this.#context, "settle", params.auctionId);
  }

  /** Settles an ended English or sealed-bid auction; anyone may. @example `await auctions.settle({ auctionId });` */
  settle(params: Id & WriteParameters): Sent {
    return send(this.#context, this.buildSettle(params), params.overrides);
  }

  /** The `cancel` call. @example `const request = auctions.buildCancel({ auctionId });` */
  buildCancel(params: Id): PreparedTransaction {
    return write.buildById(this.#context, "cancel", params.auctionId);
  }

  /** The seller cancels before the first bid, taker or commit; the lot goes back. @example `await auctions.cancel({ auctionId });` */
  cancel(params: Id & WriteParameters): Sent {
    return send(this.#context, this.buildCancel(params), params.overrides);
  }

  /** The `claimLot` call. @example `const request = auctions.buildClaimLot({ auctionId, to: me });` */
  buildClaimLot(params: Id & { to: Address }): PreparedTransaction {
    return write.buildClaimLot(this.#context, params);
  }

  /** The claimant of an undelivered lot takes it to `to` (AU-L4). @example `await auctions.claimLot({ auctionId, to: vault });` */
  claimLot(params: Id & { to: Address } & WriteParameters): Sent {
    return send(this.#context, this.buildClaimLot(params), params.overrides);
  }

  /** The `withdraw(token, to)` call of a credit. @example `const request = auctions.buildWithdraw({ to: me });` */
  buildWithdraw(params: { token?: Address; to: Address }): PreparedTransaction {
    return write.buildWithdraw(this.#context, params);
  }

  /** Withdraws the signer's credit (ETH unless `token`) to `to`. @example `await auctions.withdraw({ to: me });` */
  withdraw(params: { token?: Address; to: Address } & WriteParameters): Sent {
    return send(this.#context, this.buildWithdraw(params), params.overrides);
  }

  /** The `collectFees(token)` call. @example `const request = auctions.buildCollectFees({});` */
  buildCollectFees(params: { token?: Address }): PreparedTransaction {
    return write.buildCollectFees(this.#context, params);
  }

  /** Sends the fees accrued in `token` (ETH by default) to the fee recipient; anyone may. @example `await auctions.collectFees({});` */
  collectFees(params: { token?: Address } & WriteParameters): Sent {
    return send(this.#context, this.buildCollectFees(params), params.overrides);
  }

  // ---------------------------------------------------------------- reading

  /**
   * The auction as one typed object (kind, lot, kind-specific state and the derived minimum bid or price), every
   * field read at one block.
   *
   * @throws {AuctionRequestError} `AUCTION_WRONG_KIND`: no such auction.
   * @example
   * ```ts
   * const auction = await auctions.auction({ auctionId });
   * if (auction.kind === AuctionKind.Dutch) console.log(auction.price);
   * ```
   */
  auction(params: Id): Promise<Auction> {
    return read.readAuction(this.#context, params);
  }

  /** A bidder's sealed commit. @example `const { deposit, status } = await auctions.commitOf({ auctionId, bidder: me });` */
  commitOf(params: Id & { bidder: Address }): Promise<AuctionCommit> {
    return read.commitOf(this.#context, params);
  }

  /** Who may claim the lot after a failed delivery, or `null`. @example `const claimant = await auctions.lotClaimantOf({ auctionId });` */
  lotClaimantOf(params: Id): Promise<Address | null> {
    return read.lotClaimantOf(this.#context, params);
  }

  /** A credit left by a refused push (ETH unless `token`). @example `const credit = await auctions.creditOf({ account: me });` */
  creditOf(params: { token?: Address; account: Address }): Promise<bigint> {
    return read.creditOf(this.#context, params);
  }

  /** A seller's auctions from its `AuctionCreated` events, each read now. @example `const { auctions: mine } = await auctions.auctionsOf({ seller: me });` */
  auctionsOf(params: P.AuctionsOfParameters): Promise<P.AuctionsOfReturnType> {
    return discovery.auctionsOf(this.#context, params);
  }

  /** The auctions a bidder bid on, committed to or bought, with its status in each. @example `const { bids } = await auctions.bidsOf({ bidder: me });` */
  bidsOf(params: P.BidsOfParameters): Promise<P.BidsOfReturnType> {
    return discovery.bidsOf(this.#context, params);
  }

  /** The lots an account may still claim. @example `const { lots } = await auctions.claimableLots({ account: me });` */
  claimableLots(params: P.ClaimableLotsParameters): Promise<P.ClaimableLotsReturnType> {
    return discovery.claimableLots(this.#context, params);
  }
}
