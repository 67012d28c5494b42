// Refinance fixtures (docs/lending.md §7): a running loan with a platform fee, and a new lender's signed offer or the
// borrower's signed request for it.
import { ethers } from "hardhat";
import { type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CollateralKind,
  ETH,
  ONE,
  YEAR,
  deployLending,
  now,
  offerOf,
  requestOf,
  signOffer,
  signRequest,
  startLoan,
  termsOf,
  type LendingFixture,
  type Offer,
  type Request,
  type Terms,
} from "./lending";

/** Old terms: fixed 50 interest on 1,000 with a 10% fee on the interest, so owed = 1,050 and the fee is 5. */
export const FEE_BPS = 1_000n;
export const OLD_PRINCIPAL = 1_000n * ONE;
export const OLD_INTEREST = 50n * ONE;
export const OWED = OLD_PRINCIPAL + OLD_INTEREST;
export const FEE = (OLD_INTEREST * FEE_BPS) / 10_000n;

export interface RefiFixture extends LendingFixture {
  loanId: bigint;
  terms: Terms;
}

async function feeLoan(fx: LendingFixture, over: Partial<Terms> = {}): Promise<RefiFixture> {
  const { loanId, terms } = await startLoan(fx, {
    interest: OLD_INTEREST,
    feeBps: FEE_BPS,
    feeRecipient: fx.feeTaker.address,
    ...over,
  });
  return { ...fx, loanId, terms };
}

/** An ERC20 (usd) loan against 2 wbtc, with the fee. */
export async function refiFixture(): Promise<RefiFixture> {
  return feeLoan(await deployLending());
}

/** An ETH loan against 2 wbtc, with the fee; `other` has 2,000 ETH deposited to lend from. */
export async function refiEthFixture(): Promise<RefiFixture> {
  const fx = await feeLoan(await deployLending(), { principalToken: ETH });
  await fx.lending.connect(fx.other).deposit({ value: 2_000n * ONE });
  return fx;
}

/** A usd loan against NFT 1, with the fee. */
export async function refiNftFixture(): Promise<RefiFixture> {
  const fx = await deployLending();
  return feeLoan(fx, {
    collateralToken: fx.nft.target as string,
    collateralKind: CollateralKind.ERC721,
    collateralAmount: 0n,
    collateralId: 1n,
  });
}

/** New terms for the loan: same tokens and collateral, 20 interest, no fee; override any field. */
export function newTermsOf(fx: RefiFixture, over: Partial<Terms> = {}): Terms {
  return termsOf(fx, {
    principalToken: fx.terms.principalToken,
    collateralToken: fx.terms.collateralToken,
    collateralAmount: fx.terms.collateralAmount,
    collateralId: fx.terms.collateralId,
    collateralKind: fx.terms.collateralKind,
    interest: 20n * ONE,
    duration: 60n * 86_400n,
    ...over,
  });
}

/** `lender`'s signed offer of `terms` (default: `other`, nonce 7, refinancing this loan, valid for a year). */
export async function newOffer(
  fx: RefiFixture,
  terms: Terms,
  over: Partial<Offer> = {},
  signer?: Signer,
): Promise<{ offer: Offer; signature: string }> {
  const offer = await offerOf(fx, terms, {
    lender: fx.other.address,
    refinances: fx.loanId,
    nonce: 7n,
    expiry: (await now()) + YEAR,
    ...over,
  });
  const by = signer ?? fx.signers.find((s) => s.address === offer.lender)!;
  return { offer, signature: await signOffer(fx.lending, by, offer) };
}

/** The borrower's signed request of `terms` refinancing this loan (nonce 9, valid for a year). */
export async function newRequest(
  fx: RefiFixture,
  terms: Terms,
  over: Partial<Request> = {},
  signer?: Signer,
): Promise<{ request: Request; signature: string }> {
  const request = await requestOf(fx, terms, {
    refinances: fx.loanId,
    nonce: 9n,
    expiry: (await now()) + YEAR,
    ...over,
  });
  const by = signer ?? fx.signers.find((s) => s.address === request.borrower)!;
  return { request, signature: await signRequest(fx.lending, by, request) };
}

/** The borrower token's holder refinances with `offer`. */
export function refiOffer(
  fx: RefiFixture,
  o: { offer: Offer; signature: string },
  maxPayment = 0n,
  opts: { by?: HardhatEthersSigner; value?: bigint; oldTerms?: Terms } = {},
) {
  return fx.lending
    .connect(opts.by ?? fx.borrower)
    .refinanceWithOffer(opts.oldTerms ?? fx.terms, fx.loanId, o.offer, o.signature, maxPayment, {
      value: opts.value ?? 0n,
    });
}

/** A new lender (default `other`) accepts the borrower's refinancing `request`. */
export function refiRequest(
  fx: RefiFixture,
  r: { request: Request; signature: string },
  opts: { by?: HardhatEthersSigner; value?: bigint; oldTerms?: Terms } = {},
) {
  return fx.lending
    .connect(opts.by ?? fx.other)
    .refinanceWithRequest(opts.oldTerms ?? fx.terms, fx.loanId, r.request, r.signature, { value: opts.value ?? 0n });
}

/** JSON of a test case, bigints as strings (for assertion messages). */
export const show = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? `${v}` : v));

/** The terms as the tuple an event carries, for `withArgs`. */
export function termsTuple(t: Terms): unknown[] {
  return [
    t.principalToken,
    t.principal,
    t.collateralToken,
    t.collateralAmount,
    t.collateralId,
    t.collateralKind,
    t.interestKind,
    t.interest,
    t.duration,
    t.gracePeriod,
    t.feeBps,
    t.feeRecipient,
    t.saleStartBps,
    t.saleFloorBps,
    t.saleDuration,
    t.saleFloorDuration,
  ];
}

/** The block timestamp of a mined transaction. */
export async function timeOf(tx: Promise<{ wait: () => Promise<{ blockNumber: number } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return BigInt(block!.timestamp);
}
