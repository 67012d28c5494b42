// Test-side helpers for contracts/Auctions.sol, written against docs/auctions.md and independent of the contract's
// code: the commit hash (AU-V2) and the Dutch price (AU-D1) are computed here from the spec, so a test comparing
// them with the contract's views checks the contract, not a copy of it.
import { ethers } from "hardhat";
import { AbiCoder, keccak256, toUtf8Bytes, ZeroAddress, type AddressLike } from "ethers";
import type { Auctions } from "../../typechain-types";
import { now } from "./escrow";

export const ETH = ZeroAddress;
export const HOUR = 3_600n;
export const DAY = 86_400n;
export const BPS = 10_000n;
export const MAX_FEE_BPS = 500n;
export const FORFEIT_BPS = 1_000n;
export const MAX_DURATION = 365n * DAY;
export const MAX_EXTENSION = DAY;
export const LOT_DELIVERY_GAS = 300_000n;
export const ONE = 10n ** 18n;
export const UINT96_MAX = 2n ** 96n - 1n;

export enum Kind {
  None = 0,
  English = 1,
  Dutch = 2,
  Sealed = 3,
}
export enum LotKind {
  ERC721 = 0,
  ERC1155 = 1,
  ERC20 = 2,
}
export enum State {
  None = 0,
  Open = 1,
  Settled = 2,
  Cancelled = 3,
  Unsold = 4,
}
export enum CommitStatus {
  None = 0,
  Committed = 1,
  Revealed = 2,
  Closed = 3,
}

export interface LotSpec {
  kind: LotKind;
  token: string;
  id: bigint;
  amount: bigint;
}

/** AU-V2: keccak256(abi.encode(chainid, auctions, auctionId, bidder, amount, salt)). */
export async function commitHash(
  auctions: string,
  auctionId: bigint,
  bidder: string,
  amount: bigint,
  salt: string,
): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "uint256", "bytes32"],
      [chainId, auctions, auctionId, bidder, amount, salt],
    ),
  );
}

export const saltOf = (label: string): string => keccak256(toUtf8Bytes(`peerpay.test.auctions.${label}`));

/** AU-D1 at time `t`. */
export function dutchPriceAt(
  t: bigint,
  p: { start: bigint; duration: bigint; startPrice: bigint; floorPrice: bigint },
): bigint {
  if (t <= p.start) return p.startPrice;
  const elapsed = t - p.start;
  if (elapsed >= p.duration) return p.floorPrice;
  return p.startPrice - ((p.startPrice - p.floorPrice) * elapsed) / p.duration;
}

/** AU-E3: the next minimum bid. */
export function nextMinimum(highest: bigint, incrementBps: bigint): bigint {
  const step = (highest * incrementBps + BPS - 1n) / BPS;
  return highest + (step === 0n ? 1n : step);
}

/**
 * Auctions (owner: `owner`), an ERC721, an ERC1155 and two ERC20s (bid token, ERC20 lot), with the seller holding and
 * having approved every lot, and the bidders holding and having approved the bid token.
 */
export async function auctionsFixture() {
  const [owner, seller, alice, bob, carol, keeper, stranger, feeRecipient] = await ethers.getSigners();
  const auctions = await ethers.deployContract("Auctions", [owner.address]);
  const nft = await ethers.deployContract("AuctionNFT");
  const multi = await ethers.deployContract("AuctionMultiToken");
  const token = await ethers.deployContract("MockERC20", ["Bid Token", "BID", 18]);
  const lotToken = await ethers.deployContract("MockERC20", ["Lot Token", "LOT", 18]);
  const address = await auctions.getAddress();
  for (let i = 1n; i <= 20n; i++) await nft.mint(seller.address, i);
  await multi.mint(seller.address, 7n, 1_000n);
  await lotToken.mint(seller.address, 10n ** 24n);
  await nft.connect(seller).setApprovalForAll(address, true);
  await multi.connect(seller).setApprovalForAll(address, true);
  await lotToken.connect(seller).approve(address, ethers.MaxUint256);
  for (const b of [alice, bob, carol, seller, stranger]) {
    await token.mint(b.address, 10n ** 24n);
    await token.connect(b).approve(address, ethers.MaxUint256);
  }
  const nftAddress = await nft.getAddress();
  const multiAddress = await multi.getAddress();
  const lotTokenAddress = await lotToken.getAddress();
  const nftLot = (id: bigint): LotSpec => ({ kind: LotKind.ERC721, token: nftAddress, id, amount: 1n });
  const multiLot = (amount: bigint): LotSpec => ({ kind: LotKind.ERC1155, token: multiAddress, id: 7n, amount });
  const erc20Lot = (amount: bigint): LotSpec => ({ kind: LotKind.ERC20, token: lotTokenAddress, id: 0n, amount });
  return {
    auctions,
    nft,
    multi,
    token,
    lotToken,
    address,
    owner,
    seller,
    alice,
    bob,
    carol,
    keeper,
    stranger,
    feeRecipient,
    nftLot,
    multiLot,
    erc20Lot,
    nftAddress,
    multiAddress,
    lotTokenAddress,
    tokenAddress: await token.getAddress(),
  };
}

export type Fixture = Awaited<ReturnType<typeof auctionsFixture>>;

export interface EnglishOptions {
  bidToken?: string;
  reserve?: bigint;
  incrementBps?: bigint;
  duration?: bigint;
  extension?: bigint;
}

export const ENGLISH = { reserve: ONE, incrementBps: 500n, duration: DAY, extension: 600n };

/** Creates an English auction of `lot` by `seller`; returns its id. */
export async function createEnglish(f: Fixture, lot: LotSpec, o: EnglishOptions = {}): Promise<bigint> {
  const params = { bidToken: o.bidToken ?? ETH, ...ENGLISH, ...o };
  await f.auctions.connect(f.seller).createEnglish(lot, params);
  return (await f.auctions.nextAuctionId()) - 1n;
}

export const DUTCH = { startPrice: 10n * ONE, floorPrice: 2n * ONE, duration: HOUR, floorDuration: HOUR };

export async function createDutch(
  f: Fixture,
  lot: LotSpec,
  o: Partial<typeof DUTCH> & { bidToken?: string } = {},
): Promise<{ id: bigint; start: bigint }> {
  const params = { bidToken: o.bidToken ?? ETH, ...DUTCH, ...o };
  await f.auctions.connect(f.seller).createDutch(lot, params);
  return { id: (await f.auctions.nextAuctionId()) - 1n, start: await now() };
}

export const SEALED = { reserve: ONE, commitDuration: HOUR, revealDuration: HOUR };

export async function createSealed(
  f: Fixture,
  lot: LotSpec,
  o: Partial<typeof SEALED> & { bidToken?: string } = {},
): Promise<{ id: bigint; commitEnd: bigint; revealEnd: bigint }> {
  const params = { bidToken: o.bidToken ?? ETH, ...SEALED, ...o };
  await f.auctions.connect(f.seller).createSealed(lot, params);
  const t = await now();
  return {
    id: (await f.auctions.nextAuctionId()) - 1n,
    commitEnd: t + params.commitDuration,
    revealEnd: t + params.commitDuration + params.revealDuration,
  };
}

/** An ETH bid of `amount` by `who`. */
export function bidEth(auctions: Auctions, who: { address: string } & object, id: bigint, amount: bigint) {
  return (auctions.connect(who as never) as Auctions).bid(id, amount, 0n, { value: amount });
}

/** A sealed commit in ETH of `amount` with `deposit`. */
export async function commitEth(
  f: Fixture,
  who: AddressLike & { address: string },
  id: bigint,
  amount: bigint,
  deposit: bigint,
  salt = saltOf(`${who.address}-${id}`),
) {
  const hash = await commitHash(f.address, id, who.address, amount, salt);
  await (f.auctions.connect(who as never) as Auctions).commit(id, hash, deposit, { value: deposit });
  return salt;
}
