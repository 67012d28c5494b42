// Helpers for the default, claim and collateral-sale tests of Lending (docs/lending.md §6): the default time, the
// Dutch price of a sale (AU-D1), the split of its proceeds (LN-D4), and the extra collateral tokens those tests need.
import { ethers } from "hardhat";
import { expect } from "chai";
import { MaxUint256 } from "ethers";
import { BPS, CollateralKind, ONE, deployLending, type LendingFixture, type Terms } from "./lending";
import type { BlocklistToken, FeeOnTransferToken, LendingSaleNFT } from "../../typechain-types";

/** LN-R7: default begins at start + duration + gracePeriod. */
export async function defaultsAtOf(fx: Pick<LendingFixture, "lending">, loanId: bigint, terms: Terms): Promise<bigint> {
  const loan = await fx.lending.loanOf(loanId);
  return loan.start + terms.duration + terms.gracePeriod;
}

/** AU-D1: linear from startPrice to floorPrice over `duration` from `start`, the drop rounded down. */
export function dutchPriceAt(
  t: bigint,
  d: { start: bigint; duration: bigint; startPrice: bigint; floorPrice: bigint },
): bigint {
  if (t <= d.start) return d.startPrice;
  const elapsed = t - d.start;
  if (elapsed >= d.duration) return d.floorPrice;
  return d.startPrice - ((d.startPrice - d.floorPrice) * elapsed) / d.duration;
}

/** LN-D4: what a sale at `price` pays, from the spec's formulas. */
export function saleSplit(
  price: bigint,
  lotFeeBps: bigint,
  debt: bigint,
  interest: bigint,
  feeBps: bigint,
): { proceeds: bigint; toLender: bigint; fee: bigint; toBorrower: bigint } {
  const proceeds = price - (price * lotFeeBps) / BPS;
  const lenderPart = proceeds < debt ? proceeds : debt;
  const fee = ((lenderPart < interest ? lenderPart : interest) * feeBps) / BPS;
  return { proceeds, toLender: lenderPart - fee, fee, toBorrower: proceeds - lenderPart };
}

/** Terms fields for an ERC721 collateral of `token`. */
export function nftCollateral(token: { target: unknown }, id: bigint): Partial<Terms> {
  return {
    collateralToken: token.target as string,
    collateralKind: CollateralKind.ERC721,
    collateralAmount: 0n,
    collateralId: id,
  };
}

/** LN-P2: both position tokens of the loan are gone. */
export async function expectBurned(fx: Pick<LendingFixture, "lending">, loanId: bigint): Promise<void> {
  for (const id of [loanId, loanId + 1n]) {
    await expect(fx.lending.ownerOf(id))
      .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
      .withArgs(id);
  }
}

export interface DefaultFixture extends LendingFixture {
  blk: BlocklistToken;
  fot: FeeOnTransferToken;
  snft: LendingSaleNFT;
}

/**
 * deployLending plus collateral tokens that can stop moving: `blk` (a blocklist, e.g. blocking Lending = paused for
 * it), `fot` (fee-on-transfer, fee 0 until set) and `snft` (LendingSaleNFT ids 1..2), all held by the borrower and
 * approved to Lending.
 */
export async function deployDefault(): Promise<DefaultFixture> {
  const fx = await deployLending();
  const lending = await fx.lending.getAddress();
  const blk = await (await ethers.getContractFactory("BlocklistToken")).deploy();
  const fot = await (await ethers.getContractFactory("FeeOnTransferToken")).deploy(0n);
  const snft = await (await ethers.getContractFactory("LendingSaleNFT")).deploy();
  await blk.mint(fx.borrower.address, 10n * ONE);
  await fot.mint(fx.borrower.address, 10n * ONE);
  await blk.connect(fx.borrower).approve(lending, MaxUint256);
  await fot.connect(fx.borrower).approve(lending, MaxUint256);
  for (const id of [1n, 2n]) await snft.mint(fx.borrower.address, id);
  await snft.connect(fx.borrower).setApprovalForAll(lending, true);
  return { ...fx, blk, fot, snft };
}
