// Acceptance, terms and signature helpers (docs/lending.md §2, §3): signed offers and requests with their digest and
// loan id, signature encodings (EIP-2098, the high-s twin), the LoanStarted log, and a fixture with an ERC-1271 wallet.
import { expect } from "chai";
import { ethers } from "hardhat";
import { Signature, type ContractTransactionResponse, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { LendingAcceptWallet } from "../../typechain-types";
import {
  ONE,
  deployLending,
  loanIdOf,
  offerDigest,
  offerOf,
  requestDigest,
  requestOf,
  signOffer,
  signRequest,
  signerFor,
  termsOf,
  type LendingFixture,
  type Offer,
  type Request,
  type Terms,
} from "./lending";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** LN-O6: the 64-byte EIP-2098 form (r, yParity ‖ s) of a 65-byte signature. */
export const compactOf = (signature: string): string => Signature.from(signature).compactSerialized;

/** LN-O6: the malleable twin (s' = n − s, the other v), which plain ecrecover accepts and Lending must not. */
export function highSOf(signature: string): string {
  const sig = Signature.from(signature);
  const s = ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32);
  return ethers.concat([sig.r, s, ethers.toBeHex(sig.v === 27 ? 28 : 27, 1)]);
}

export const parityOf = (signature: string): number => Signature.from(signature).yParity;

export interface SignedOffer {
  offer: Offer;
  signature: string;
  digest: string;
  loanId: bigint;
}
export interface SignedRequest {
  request: Request;
  signature: string;
  digest: string;
  loanId: bigint;
}

/** An offer of plain terms (`over`) by the fixture's lender (or `offerOver.lender`), signed by `signer` or it. */
export async function signedOffer(
  fx: LendingFixture,
  over: Partial<Terms> = {},
  offerOver: Partial<Offer> = {},
  signer?: Signer,
): Promise<SignedOffer> {
  const offer = await offerOf(fx, termsOf(fx, over), offerOver);
  const signature = await signOffer(fx.lending, signer ?? (await signerFor(fx, offer.lender)), offer);
  const digest = await offerDigest(fx.lending, offer);
  return { offer, signature, digest, loanId: loanIdOf(digest) };
}

/** A request of plain terms (`over`) by the fixture's borrower (or `requestOver.borrower`), signed by `signer` or it. */
export async function signedRequest(
  fx: LendingFixture,
  over: Partial<Terms> = {},
  requestOver: Partial<Request> = {},
  signer?: Signer,
): Promise<SignedRequest> {
  const request = await requestOf(fx, termsOf(fx, over), requestOver);
  const signature = await signRequest(fx.lending, signer ?? (await signerFor(fx, request.borrower)), request);
  const digest = await requestDigest(fx.lending, request);
  return { request, signature, digest, loanId: loanIdOf(digest) };
}

/** The borrower (or `by`) accepts `s` with the signed collateral id (or `collateralId`). */
export function accept(
  fx: LendingFixture,
  s: SignedOffer,
  by: HardhatEthersSigner = fx.borrower,
  collateralId: bigint = s.offer.terms.collateralId,
): Promise<ContractTransactionResponse> {
  return fx.lending.connect(by).acceptOffer(s.offer, s.signature, collateralId);
}

/** The terms as the ABI returns them: a tuple in field order, enums as numbers widened to bigint. */
export function termsTuple(t: Terms): unknown[] {
  return [
    t.principalToken,
    t.principal,
    t.collateralToken,
    t.collateralAmount,
    t.collateralId,
    BigInt(t.collateralKind),
    BigInt(t.interestKind),
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

/** LN-A7: the one LoanStarted log of `tx`, checked field by field against what the acceptance should carry. */
export async function expectLoanStarted(
  fx: LendingFixture,
  tx: ContractTransactionResponse,
  expected: { loanId: bigint; lender: string; borrower: string; digest: string; terms: Terms; collateralId: bigint },
): Promise<void> {
  const receipt = await tx.wait();
  const logs = receipt!.logs
    .filter((l) => l.address === fx.lending.target)
    .map((l) => fx.lending.interface.parseLog(l))
    .filter((l) => l?.name === "LoanStarted");
  expect(logs).to.have.length(1);
  const args = logs[0]!.args;
  expect(args.loanId).to.equal(expected.loanId);
  expect(args.lender).to.equal(expected.lender);
  expect(args.borrower).to.equal(expected.borrower);
  expect(args.digest).to.equal(expected.digest);
  expect([...args.terms]).to.deep.equal(termsTuple(expected.terms));
  expect(args.collateralId).to.equal(expected.collateralId);
}

export interface WalletFixture extends LendingFixture {
  wallet: LendingAcceptWallet;
  walletAddress: string;
  walletOwner: HardhatEthersSigner;
}

/** deployLending plus an ERC-1271 wallet (owned by signer 6) holding usd and wbtc, both approved to Lending. */
export async function deployWithWallet(): Promise<WalletFixture> {
  const fx = await deployLending();
  const walletOwner = fx.signers[6];
  const wallet = (await ethers.deployContract("LendingAcceptWallet", [
    walletOwner.address,
  ])) as unknown as LendingAcceptWallet;
  const walletAddress = await wallet.getAddress();
  const lendingAddress = await fx.lending.getAddress();
  for (const token of [fx.usd, fx.wbtc]) {
    await token.mint(walletAddress, 10_000n * ONE);
    const data = token.interface.encodeFunctionData("approve", [lendingAddress, ethers.MaxUint256]);
    await wallet.connect(walletOwner).execute(token.target, 0n, data);
  }
  return { ...fx, wallet, walletAddress, walletOwner };
}
