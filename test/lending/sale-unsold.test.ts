// An unsold collateral sale (docs/lending.md LN-D5, LN-D6) and the terminal states (LN-D8): settleSale before the
// auction's end (t-1) and at it, the lot back to the lender token's holder, held for it when that delivery fails, or
// claimed straight from Auctions when Auctions could not return it; then no call but withdrawCollateral of held
// collateral works on a Repaid, Claimed or Sold loan.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { ONE, SALE, Status, startLoan, type Terms } from "../helpers/lending";
import {
  defaultsAtOf,
  deployDefault,
  expectBurned,
  nftCollateral,
  type DefaultFixture,
} from "../helpers/lending-default";

const STATE_CANCELLED = 3n;

/** A sale-terms loan on `over(fx)`, defaulted and put on sale at due + grace. */
async function onSale(over: (fx: DefaultFixture) => Partial<Terms>) {
  const fx = await deployDefault();
  const { loanId, terms } = await startLoan(fx, { ...SALE, ...over(fx) });
  await time.setNextBlockTimestamp(await defaultsAtOf(fx, loanId, terms));
  await fx.lending.connect(fx.stranger).startSale(terms, loanId);
  const sale = await fx.lending.saleOf(loanId);
  const dutch = await fx.auctions.dutchOf(sale.auctionId);
  return { ...fx, loanId, terms, auctionId: sale.auctionId, end: dutch.end };
}

const erc20OnSale = () => onSale(() => ({}));
const nftOnSale = () => onSale((fx) => nftCollateral(fx.snft, 1n));
const blocklistOnSale = () => onSale((fx) => ({ collateralToken: fx.blk.target as string }));

type OnSale = Awaited<ReturnType<typeof erc20OnSale>>;

async function expectClaimed(f: OnSale) {
  const loan = await f.lending.loanOf(f.loanId);
  expect(loan.status).to.equal(Status.Claimed);
  expect(loan.lender).to.equal(ZeroAddress);
  expect(loan.borrower).to.equal(ZeroAddress);
  await expectBurned(f, f.loanId);
  expect((await f.auctions.dutchOf(f.auctionId)).state).to.equal(STATE_CANCELLED);
}

/** LN-D8: a terminal loan refuses every call; withdrawCollateral finds nothing held. */
async function expectTerminal(f: OnSale, status: Status) {
  const wrong = [f.loanId, status] as const;
  await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, ONE))
    .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
    .withArgs(...wrong);
  await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
    .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
    .withArgs(...wrong);
  await expect(f.lending.startSale(f.terms, f.loanId))
    .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
    .withArgs(...wrong);
  await expect(f.lending.settleSale(f.terms, f.loanId))
    .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
    .withArgs(...wrong);
  for (const s of [f.lender, f.borrower]) {
    await expect(f.lending.connect(s).withdrawCollateral(f.terms, f.loanId, s.address))
      .to.be.revertedWithCustomError(f.lending, "LendingNothingHeld")
      .withArgs(f.loanId);
  }
}

describe("Lending: unsold sale and terminal states", function () {
  describe("LN-D5 unsold", function () {
    it("LN-D5, LN-D6: settleSale at the auction's end - 1 reverts with LendingSaleNotOver(end)", async function () {
      const f = await loadFixture(erc20OnSale);
      await time.setNextBlockTimestamp(f.end - 1n);
      await expect(f.lending.connect(f.lender).settleSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleNotOver")
        .withArgs(f.end);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.OnSale);
    });

    it("LN-D5: at the end the auction is cancelled and the ERC20 lot goes to the lender; status Claimed", async function () {
      const f = await loadFixture(erc20OnSale);
      await time.setNextBlockTimestamp(f.end);
      const tx = f.lending.connect(f.stranger).settleSale(f.terms, f.loanId);
      await expect(tx).to.changeTokenBalances(
        f.wbtc,
        [f.lender, f.auctions, f.lending, f.borrower],
        [2n * ONE, -2n * ONE, 0n, 0n],
      );
      await expect(tx).to.emit(f.auctions, "AuctionCancelled").withArgs(f.auctionId);
      await expect(tx).to.emit(f.lending, "CollateralClaimed").withArgs(f.loanId, f.lender.address, f.lender.address);
      await expect(tx)
        .to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n);
      await expect(tx).not.to.emit(f.lending, "SaleSettled");
      await expect(tx).not.to.emit(f.lending, "CollateralHeld");
      await expectClaimed(f);
      await expectTerminal(f, Status.Claimed);
    });

    it("LN-D5: at end + 1 the ERC721 lot goes to the lender token's current holder", async function () {
      const f = await loadFixture(nftOnSale);
      await f.lending.connect(f.lender).transferFrom(f.lender.address, f.other.address, f.loanId);
      await time.setNextBlockTimestamp(f.end + 1n);
      await expect(f.lending.settleSale(f.terms, f.loanId))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.other.address, f.other.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.other.address, ZeroAddress, f.loanId);
      expect(await f.snft.ownerOf(1n)).to.equal(f.other.address);
      expect(await f.lending.balanceOf(f.other.address)).to.equal(0n);
      await expectClaimed(f);
    });

    it("LN-D5: an ERC20 lot the holder cannot receive is held for it (lender token re-minted) and withdrawn later", async function () {
      const f = await loadFixture(blocklistOnSale);
      await f.blk.setBlocked(f.lender.address, true);
      await time.setNextBlockTimestamp(f.end);
      const tx = f.lending.settleSale(f.terms, f.loanId);
      await expect(tx).to.emit(f.lending, "CollateralHeld").withArgs(f.loanId, f.lender.address);
      await expect(tx).to.emit(f.lending, "Transfer").withArgs(ZeroAddress, f.lender.address, f.loanId);
      await expect(tx).to.changeTokenBalances(f.blk, [f.auctions, f.lending, f.lender], [-2n * ONE, 2n * ONE, 0n]);
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.status, loan.lender, loan.borrower]).to.deep.equal([Status.Claimed, f.lender.address, ZeroAddress]);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.lender.address);
      expect(await f.lending.balanceOf(f.lender.address)).to.equal(1n);
      await expect(f.lending.settleSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Claimed);
      await expect(
        f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.stranger.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      await expect(
        f.lending.connect(f.lender).withdrawCollateral({ ...f.terms, gracePeriod: 0n }, f.loanId, f.other.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingTermsMismatch");
      const w = f.lending.connect(f.lender).withdrawCollateral(f.terms, f.loanId, f.other.address);
      await expect(w).to.changeTokenBalances(f.blk, [f.lending, f.other], [-2n * ONE, 2n * ONE]);
      await expect(w).to.emit(f.lending, "CollateralWithdrawn").withArgs(f.loanId, f.lender.address, f.other.address);
      await expect(w).to.emit(f.lending, "Transfer").withArgs(f.lender.address, ZeroAddress, f.loanId);
      await expectBurned(f, f.loanId);
      await expect(f.lending.connect(f.lender).withdrawCollateral(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingNothingHeld")
        .withArgs(f.loanId);
    });

    it("LN-D5: an ERC721 lot the holder cannot receive is held; an account approved for the token withdraws it", async function () {
      const f = await loadFixture(nftOnSale);
      await f.snft.setBlocked(f.lender.address, true);
      await time.setNextBlockTimestamp(f.end);
      await expect(f.lending.settleSale(f.terms, f.loanId))
        .to.emit(f.lending, "CollateralHeld")
        .withArgs(f.loanId, f.lender.address);
      expect(await f.snft.ownerOf(1n)).to.equal(await f.lending.getAddress());
      await f.lending.connect(f.lender).approve(f.other.address, f.loanId);
      await expect(f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address))
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.lender.address, f.other.address);
      expect(await f.snft.ownerOf(1n)).to.equal(f.other.address);
      expect((await f.lending.loanOf(f.loanId)).lender).to.equal(ZeroAddress);
      await expectTerminal(f, Status.Claimed);
    });

    it("LN-D5, LN-P1: the re-minted lender token of held collateral carries no approval from before its burn", async function () {
      // ERC-721: the burn's Transfer resets the token's approval; the re-mint must not bring it back.
      const f = await loadFixture(nftOnSale);
      await f.lending.connect(f.lender).approve(f.stranger.address, f.loanId);
      await f.snft.setBlocked(f.lender.address, true);
      await time.setNextBlockTimestamp(f.end);
      await f.lending.settleSale(f.terms, f.loanId);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.lender.address);
      expect(await f.lending.getApproved(f.loanId)).to.equal(ZeroAddress);
      await expect(
        f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.stranger.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
    });

    it("LN-D5: a lot Auctions could not return (Lending's claim there) is claimed straight to the lender", async function () {
      const f = await loadFixture(nftOnSale);
      // More than LOT_DELIVERY_GAS: the bounded return fails, the unbounded claim succeeds.
      await f.snft.setHeavy(400_000n);
      await time.setNextBlockTimestamp(f.end);
      const lending = await f.lending.getAddress();
      const tx = f.lending.settleSale(f.terms, f.loanId, { gasLimit: 5_000_000n });
      await expect(tx).to.emit(f.auctions, "LotClaimable").withArgs(f.auctionId, lending);
      await expect(tx).to.emit(f.auctions, "LotClaimed").withArgs(f.auctionId, lending, f.lender.address);
      await expect(tx).to.emit(f.lending, "CollateralClaimed").withArgs(f.loanId, f.lender.address, f.lender.address);
      await expect(tx).not.to.emit(f.lending, "CollateralHeld");
      expect(await f.snft.ownerOf(1n)).to.equal(f.lender.address);
      expect(await f.auctions.lotClaimantOf(f.auctionId)).to.equal(ZeroAddress);
      await expectClaimed(f);
    });
  });

  describe("LN-D8 terminal states", function () {
    it("LN-D8: a Repaid loan refuses repay, claim, startSale, settleSale; nothing held", async function () {
      const f = await loadFixture(deployDefault);
      const { loanId, terms } = await startLoan(f, SALE);
      await f.lending.connect(f.borrower).repay(terms, loanId, 1_050n * ONE);
      await expectTerminal({ ...f, loanId, terms, auctionId: 0n, end: 0n }, Status.Repaid);
    });

    it("LN-D8: a Claimed loan (lender's claim) refuses every call; nothing held", async function () {
      const f = await loadFixture(deployDefault);
      const { loanId, terms } = await startLoan(f);
      await time.setNextBlockTimestamp(await defaultsAtOf(f, loanId, terms));
      await f.lending.connect(f.lender).claim(terms, loanId, f.lender.address);
      await expectTerminal({ ...f, loanId, terms, auctionId: 0n, end: 0n }, Status.Claimed);
    });

    it("LN-D8: a Sold loan refuses every call, a second settleSale included; nothing held", async function () {
      const f = await loadFixture(erc20OnSale);
      await f.usd.connect(f.other).approve(await f.auctions.getAddress(), MaxUint256);
      await f.auctions.connect(f.other).buy(f.auctionId);
      await f.lending.settleSale(f.terms, f.loanId);
      await expectTerminal(f, Status.Sold);
    });
  });
});
