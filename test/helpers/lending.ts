// Test-side helpers for contracts/Lending.sol, written against docs/lending.md and independent of the contract's code:
// the EIP-712 types, the terms hash (LN-S1), the loan id (LN-S3) and what a loan owes (LN-I1, LN-I2) are computed
// here from the spec, so a test comparing them with the contract checks the contract, not a copy of it.
import { ethers } from "hardhat";
import { TypedDataEncoder, ZeroAddress, type Signer, type TypedDataField } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Auctions, AuctionNFT, Lending, MockERC20 } from "../../typechain-types";

export const ETH = ZeroAddress;
export const DAY = 86_400n;
export const YEAR = 365n * DAY;
export const BPS = 10_000n;
export const ONE = 10n ** 18n;
export const UINT96_MAX = 2n ** 96n - 1n;
export const MAX_DURATION = 5n * YEAR;
export const MAX_GRACE = 90n * DAY;
export const MAX_RATE_BPS = 100_000n;
export const MAX_FEE_BPS = 2_500n;
export const MAX_SALE_DURATION = YEAR;
export const WALLET_GAS = 100_000n;

/** LN-O7: the reasons of LendingInvalidTerms. */
export enum TermsReason {
  Principal = 1,
  PrincipalToken = 2,
  CollateralToken = 3,
  Collateral = 4,
  Duration = 5,
  Grace = 6,
  Interest = 7,
  Fee = 8,
  Sale = 9,
  CollateralId = 10,
}
export enum CollateralKind {
  ERC20 = 0,
  ERC721 = 1,
}
export enum InterestKind {
  Fixed = 0,
  ProRated = 1,
}
export enum Status {
  None = 0,
  Active = 1,
  OnSale = 2,
  Repaid = 3,
  Claimed = 4,
  Sold = 5,
}

export interface Terms {
  principalToken: string;
  principal: bigint;
  collateralToken: string;
  collateralAmount: bigint;
  collateralId: bigint;
  collateralKind: CollateralKind;
  interestKind: InterestKind;
  interest: bigint;
  duration: bigint;
  gracePeriod: bigint;
  feeBps: bigint;
  feeRecipient: string;
  saleStartBps: bigint;
  saleFloorBps: bigint;
  saleDuration: bigint;
  saleFloorDuration: bigint;
}
export interface Offer {
  lender: string;
  borrower: string;
  terms: Terms;
  anyCollateralId: boolean;
  refinances: bigint;
  nonce: bigint;
  expiry: bigint;
}
export interface Request {
  borrower: string;
  lender: string;
  terms: Terms;
  refinances: bigint;
  nonce: bigint;
  expiry: bigint;
}

const TERMS_FIELDS: TypedDataField[] = [
  { name: "principalToken", type: "address" },
  { name: "principal", type: "uint96" },
  { name: "collateralToken", type: "address" },
  { name: "collateralAmount", type: "uint96" },
  { name: "collateralId", type: "uint256" },
  { name: "collateralKind", type: "uint8" },
  { name: "interestKind", type: "uint8" },
  { name: "interest", type: "uint96" },
  { name: "duration", type: "uint32" },
  { name: "gracePeriod", type: "uint32" },
  { name: "feeBps", type: "uint16" },
  { name: "feeRecipient", type: "address" },
  { name: "saleStartBps", type: "uint16" },
  { name: "saleFloorBps", type: "uint16" },
  { name: "saleDuration", type: "uint32" },
  { name: "saleFloorDuration", type: "uint32" },
];
export const OFFER_TYPES: Record<string, TypedDataField[]> = {
  Offer: [
    { name: "lender", type: "address" },
    { name: "borrower", type: "address" },
    { name: "terms", type: "Terms" },
    { name: "anyCollateralId", type: "bool" },
    { name: "refinances", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint40" },
  ],
  Terms: TERMS_FIELDS,
};
export const REQUEST_TYPES: Record<string, TypedDataField[]> = {
  Request: [
    { name: "borrower", type: "address" },
    { name: "lender", type: "address" },
    { name: "terms", type: "Terms" },
    { name: "refinances", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint40" },
  ],
  Terms: TERMS_FIELDS,
};

export async function domainOf(lending: Lending | string) {
  const { chainId } = await ethers.provider.getNetwork();
  const verifyingContract = typeof lending === "string" ? lending : await lending.getAddress();
  return { name: "PeerPay Lending", version: "1", chainId, verifyingContract };
}

/** LN-S1: the EIP-712 struct hash of the terms, which the loan stores. */
export function termsHash(terms: Terms): string {
  return TypedDataEncoder.from({ Terms: TERMS_FIELDS }).hash(terms);
}

export async function offerDigest(lending: Lending | string, offer: Offer): Promise<string> {
  return TypedDataEncoder.hash(await domainOf(lending), OFFER_TYPES, offer);
}

export async function requestDigest(lending: Lending | string, request: Request): Promise<string> {
  return TypedDataEncoder.hash(await domainOf(lending), REQUEST_TYPES, request);
}

/** LN-S3: the loan id is the accepted digest with its lowest bit cleared. */
export const loanIdOf = (digest: string): bigint => BigInt(digest) & ~1n;

export async function signOffer(lending: Lending | string, signer: Signer, offer: Offer): Promise<string> {
  return signer.signTypedData(await domainOf(lending), OFFER_TYPES, offer);
}

export async function signRequest(lending: Lending | string, signer: Signer, request: Request): Promise<string> {
  return signer.signTypedData(await domainOf(lending), REQUEST_TYPES, request);
}

/** LN-I1, LN-I2: a full repayment at `at` of a loan with `outstanding` left, accruing from `checkpoint`. */
export function owedAt(
  terms: Terms,
  outstanding: bigint,
  checkpoint: bigint,
  at: bigint,
): { principalPart: bigint; interestPart: bigint; total: bigint } {
  if (terms.interestKind === InterestKind.Fixed) {
    const interestPart = outstanding > terms.principal ? outstanding - terms.principal : 0n;
    return { principalPart: outstanding - interestPart, interestPart, total: outstanding };
  }
  const elapsed = at > checkpoint ? at - checkpoint : 0n;
  const numerator = outstanding * terms.interest * elapsed;
  const denominator = BPS * YEAR;
  const interestPart = (numerator + denominator - 1n) / denominator;
  return { principalPart: outstanding, interestPart, total: outstanding + interestPart };
}

/** LN-D2: `bps` of `debt`, rounded up, capped below 2^96. */
export function salePrice(debt: bigint, bps: bigint): bigint {
  const p = (debt * bps + BPS - 1n) / BPS;
  return p > UINT96_MAX ? UINT96_MAX : p;
}

export async function now(): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/** Plain ERC20/ERC20 fixed-interest terms; override any field. */
export function termsOf(fx: Pick<LendingFixture, "usd" | "wbtc">, over: Partial<Terms> = {}): Terms {
  return {
    principalToken: fx.usd.target as string,
    principal: 1_000n * ONE,
    collateralToken: fx.wbtc.target as string,
    collateralAmount: 2n * ONE,
    collateralId: 0n,
    collateralKind: CollateralKind.ERC20,
    interestKind: InterestKind.Fixed,
    interest: 50n * ONE,
    duration: 30n * DAY,
    gracePeriod: 3n * DAY,
    feeBps: 0n,
    feeRecipient: ZeroAddress,
    saleStartBps: 0n,
    saleFloorBps: 0n,
    saleDuration: 0n,
    saleFloorDuration: 0n,
    ...over,
  };
}

/** Sale terms (LN-D2): start at 150% of the debt, floor at 80%, a day's descent, a day at the floor. */
export const SALE: Partial<Terms> = {
  saleStartBps: 15_000n,
  saleFloorBps: 8_000n,
  saleDuration: DAY,
  saleFloorDuration: DAY,
};

export async function offerOf(
  fx: Pick<LendingFixture, "lender">,
  terms: Terms,
  over: Partial<Offer> = {},
): Promise<Offer> {
  return {
    lender: fx.lender.address,
    borrower: ZeroAddress,
    terms,
    anyCollateralId: false,
    refinances: 0n,
    nonce: 1n,
    expiry: (await now()) + DAY,
    ...over,
  };
}

export async function requestOf(
  fx: Pick<LendingFixture, "borrower">,
  terms: Terms,
  over: Partial<Request> = {},
): Promise<Request> {
  return {
    borrower: fx.borrower.address,
    lender: ZeroAddress,
    terms,
    refinances: 0n,
    nonce: 1n,
    expiry: (await now()) + DAY,
    ...over,
  };
}

export interface LendingFixture {
  lending: Lending;
  auctions: Auctions;
  usd: MockERC20;
  wbtc: MockERC20;
  nft: AuctionNFT;
  lender: HardhatEthersSigner;
  borrower: HardhatEthersSigner;
  other: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  feeTaker: HardhatEthersSigner;
  signers: HardhatEthersSigner[];
}

/**
 * Auctions (fee off) and Lending selling on it; `usd` (principal) and `wbtc` (collateral) funded and approved for
 * every named signer; NFTs 1..4 minted to the borrower and approved. Use with loadFixture.
 */
export async function deployLending(): Promise<LendingFixture> {
  const signers = await ethers.getSigners();
  const [deployer, lender, borrower, other, stranger, feeTaker] = signers;
  const auctions = await (await ethers.getContractFactory("Auctions")).deploy(deployer.address);
  const lending = await (await ethers.getContractFactory("Lending")).deploy(await auctions.getAddress());
  const token = await ethers.getContractFactory("MockERC20");
  const usd = await token.deploy("USD Coin", "USD", 18);
  const wbtc = await token.deploy("Wrapped BTC", "WBTC", 18);
  const nft = await (await ethers.getContractFactory("AuctionNFT")).deploy();
  for (const s of [lender, borrower, other, stranger, feeTaker]) {
    await usd.mint(s.address, 1_000_000n * ONE);
    await wbtc.mint(s.address, 1_000n * ONE);
    await usd.connect(s).approve(await lending.getAddress(), ethers.MaxUint256);
    await wbtc.connect(s).approve(await lending.getAddress(), ethers.MaxUint256);
  }
  for (const id of [1n, 2n, 3n, 4n]) await nft.mint(borrower.address, id);
  await nft.connect(borrower).setApprovalForAll(await lending.getAddress(), true);
  return { lending, auctions, usd, wbtc, nft, lender, borrower, other, stranger, feeTaker, signers };
}

/** Signs `offer` as its lender (from the fixture's signers) and has `by` (default: the borrower) accept it. */
export async function acceptOffer(
  fx: LendingFixture,
  offer: Offer,
  opts: { by?: HardhatEthersSigner; signer?: Signer; collateralId?: bigint } = {},
): Promise<{ loanId: bigint; digest: string; signature: string }> {
  const signer = opts.signer ?? fx.signers.find((s) => s.address === offer.lender)!;
  const signature = await signOffer(fx.lending, signer, offer);
  const collateralId = opts.collateralId ?? offer.terms.collateralId;
  await fx.lending.connect(opts.by ?? fx.borrower).acceptOffer(offer, signature, collateralId);
  const digest = await offerDigest(fx.lending, offer);
  return { loanId: loanIdOf(digest), digest, signature };
}

/** Starts a loan with plain terms (or `over`) from an offer of the fixture's lender to its borrower. */
export async function startLoan(
  fx: LendingFixture,
  over: Partial<Terms> = {},
  offerOver: Partial<Offer> = {},
): Promise<{ loanId: bigint; terms: Terms; offer: Offer; digest: string }> {
  const terms = termsOf(fx, over);
  const offer = await offerOf(fx, terms, offerOver);
  if (terms.principalToken === ETH && offer.lender === fx.lender.address) {
    const deposit = await fx.lending.depositOf(fx.lender.address);
    if (deposit < terms.principal) await fx.lending.connect(fx.lender).deposit({ value: terms.principal - deposit });
  }
  const { loanId, digest } = await acceptOffer(fx, offer);
  return { loanId, terms, offer, digest };
}

/** The terms a loan stores for an offer open to any id (LN-O2): the signed terms with the borrower's id. */
export const withId = (terms: Terms, collateralId: bigint): Terms => ({ ...terms, collateralId });

export async function signerFor(fx: LendingFixture, address: string): Promise<Signer> {
  return fx.signers.find((s) => s.address === address) ?? (await ethers.getSigner(address));
}
