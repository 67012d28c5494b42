// Default and claim (docs/lending.md LN-D1, LN-D2, LN-D6a, LN-D7): who may claim and when (t-1, t, t+1), where the
// collateral goes, how a sale is listed on Auctions with the debt frozen at its second, what a collateral that no
// longer moves does, and the ETH and NFTs Lending refuses.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import {
  DAY,
  InterestKind,
  ONE,
  SALE,
  Status,
  UINT96_MAX,
  deployLending,
  owedAt,
  salePrice,
  startLoan,
  termsHash,
} from "../helpers/lending";
import { defaultsAtOf, deployDefault, expectBurned, nftCollateral } from "../helpers/lending-default";

const LOT_ERC721 = 0n;
const LOT_ERC20 = 2n;
const KIND_DUTCH = 2n;
const STATE_OPEN = 1n;

async function noSaleLoan() {
  const fx = await deployLending();
  const loan = await startLoan(fx);
  return { ...fx, ...loan, defaultsAt: await defaultsAtOf(fx, loan.loanId, loan.terms) };
}

async function noSaleNftLoan() {
  const fx = await deployLending();
  const loan = await startLoan(fx, nftCollateral(fx.nft, 3n));
  return { ...fx, ...loan, defaultsAt: await defaultsAtOf(fx, loan.loanId, loan.terms) };
}

async function saleLoan() {
  const fx = await deployLending();
  const loan = await startLoan(fx, SALE);
  return { ...fx, ...loan, defaultsAt: await defaultsAtOf(fx, loan.loanId, loan.terms) };
}

describe("Lending: default and claim", function () {
  describe("LN-D1 claim", function () {
    it("LN-D1: reverts with LendingNotDefaulted(defaultsAt) at due + grace - 1", async function () {
      const f = await loadFixture(noSaleLoan);
      expect(f.defaultsAt).to.equal((await f.lending.loanOf(f.loanId)).start + 33n * DAY);
      await time.setNextBlockTimestamp(f.defaultsAt - 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingNotDefaulted")
        .withArgs(f.defaultsAt);
    });

    it("LN-D1: at due + grace the holder claims the ERC20 collateral to `to`; both tokens burned, status Claimed", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      const tx = f.lending.connect(f.lender).claim(f.terms, f.loanId, f.other.address);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.other, f.lender], [-2n * ONE, 2n * ONE, 0n]);
      await expect(tx)
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.other.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.lender.address, ZeroAddress, f.loanId)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.status).to.equal(Status.Claimed);
      expect(loan.lender).to.equal(ZeroAddress);
      expect(loan.borrower).to.equal(ZeroAddress);
      expect(loan.termsHash).to.equal(termsHash(f.terms));
      await expectBurned(f, f.loanId);
      expect(await f.lending.balanceOf(f.lender.address)).to.equal(0n);
      expect(await f.lending.balanceOf(f.borrower.address)).to.equal(0n);
    });

    it("LN-D1: at due + grace + 1 the holder claims an ERC721 collateral to itself", async function () {
      const f = await loadFixture(noSaleNftLoan);
      expect(await f.nft.ownerOf(3n)).to.equal(await f.lending.getAddress());
      await time.setNextBlockTimestamp(f.defaultsAt + 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.lender.address);
      expect(await f.nft.ownerOf(3n)).to.equal(f.lender.address);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Claimed);
      await expectBurned(f, f.loanId);
    });

    it("LN-D1: a stranger, the borrower, or an account approved for the borrower token gets LendingUnauthorized", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.connect(f.borrower).approve(f.stranger.address, f.loanId + 1n);
      for (const s of [f.stranger, f.borrower, f.other]) {
        await expect(f.lending.connect(s).claim(f.terms, f.loanId, s.address)).to.be.revertedWithCustomError(
          f.lending,
          "LendingUnauthorized",
        );
      }
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Active);
    });

    it("LN-D1: an account approved for the lender token claims; the event names the holder", async function () {
      const f = await loadFixture(noSaleLoan);
      await f.lending.connect(f.lender).approve(f.other.address, f.loanId);
      await time.setNextBlockTimestamp(f.defaultsAt);
      const tx = f.lending.connect(f.other).claim(f.terms, f.loanId, f.other.address);
      await expect(tx).to.emit(f.lending, "CollateralClaimed").withArgs(f.loanId, f.lender.address, f.other.address);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.other, f.lending], [2n * ONE, -2n * ONE]);
    });

    it("LN-D1: an operator of the holder claims", async function () {
      const f = await loadFixture(noSaleLoan);
      await f.lending.connect(f.lender).setApprovalForAll(f.stranger.address, true);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await expect(f.lending.connect(f.stranger).claim(f.terms, f.loanId, f.stranger.address))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.stranger.address);
      expect(await f.wbtc.balanceOf(f.stranger.address)).to.equal(1_002n * ONE);
    });

    it("LN-D1: after a transfer of the lender token only the new holder may claim", async function () {
      const f = await loadFixture(noSaleLoan);
      await f.lending.connect(f.lender).transferFrom(f.lender.address, f.other.address, f.loanId);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await expect(
        f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      await expect(f.lending.connect(f.other).claim(f.terms, f.loanId, f.other.address))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.other.address, f.other.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.other.address, ZeroAddress, f.loanId);
    });

    it("LN-D1: `to` = 0 or Lending reverts with LendingInvalidRecipient", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      for (const to of [ZeroAddress, await f.lending.getAddress()]) {
        await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, to)).to.be.revertedWithCustomError(
          f.lending,
          "LendingInvalidRecipient",
        );
      }
    });

    it("LN-D1, LN-D1a: sale terms revert with LendingSaleTerms(true) after default, while a sale could still run", async function () {
      const f = await loadFixture(saleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt + 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleTerms")
        .withArgs(true);
    });

    it("LN-D1: terms other than the stored ones revert with LendingTermsMismatch", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      const wrong = { ...f.terms, gracePeriod: 0n };
      await expect(f.lending.connect(f.lender).claim(wrong, f.loanId, f.lender.address)).to.be.revertedWithCustomError(
        f.lending,
        "LendingTermsMismatch",
      );
    });

    it("LN-D1, LN-D8: a second claim and a repayment after the claim revert with LendingWrongStatus(Claimed)", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Claimed);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Claimed);
    });
  });

  describe("LN-D2 startSale", function () {
    it("LN-D2: no-sale terms revert with LendingSaleTerms(false)", async function () {
      const f = await loadFixture(noSaleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt + 1n);
      await expect(f.lending.connect(f.stranger).startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleTerms")
        .withArgs(false);
    });

    it("LN-D2: reverts with LendingNotDefaulted(defaultsAt) at due + grace - 1", async function () {
      const f = await loadFixture(saleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt - 1n);
      await expect(f.lending.connect(f.lender).startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingNotDefaulted")
        .withArgs(f.defaultsAt);
    });

    it("LN-D2: terms other than the stored ones revert with LendingTermsMismatch", async function () {
      const f = await loadFixture(saleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      const wrong = { ...f.terms, saleFloorBps: f.terms.saleFloorBps - 1n };
      await expect(f.lending.startSale(wrong, f.loanId)).to.be.revertedWithCustomError(
        f.lending,
        "LendingTermsMismatch",
      );
    });

    it("LN-D2: at due + grace a stranger lists the ERC20 collateral as a Dutch auction priced from the fixed debt", async function () {
      const f = await loadFixture(saleLoan);
      const auctionId = await f.auctions.nextAuctionId();
      const debt = 1_050n * ONE;
      await time.setNextBlockTimestamp(f.defaultsAt);
      const tx = f.lending.connect(f.stranger).startSale(f.terms, f.loanId);
      await expect(tx).to.emit(f.lending, "SaleStarted").withArgs(f.loanId, auctionId, debt);
      await expect(tx)
        .to.emit(f.auctions, "AuctionCreated")
        .withArgs(
          auctionId,
          await f.lending.getAddress(),
          KIND_DUTCH,
          f.wbtc.target,
          LOT_ERC20,
          0n,
          2n * ONE,
          f.usd.target,
        );
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.auctions], [-2n * ONE, 2n * ONE]);
      const sale = await f.lending.saleOf(f.loanId);
      expect([sale.auctionId, sale.debt, sale.interest]).to.deep.equal([auctionId, debt, 50n * ONE]);
      const d = await f.auctions.dutchOf(auctionId);
      expect(d.startPrice)
        .to.equal(salePrice(debt, 15_000n))
        .and.to.equal(1_575n * ONE);
      expect(d.floorPrice)
        .to.equal(salePrice(debt, 8_000n))
        .and.to.equal(840n * ONE);
      expect(d.bidToken).to.equal(f.usd.target);
      expect(d.seller).to.equal(await f.lending.getAddress());
      expect(d.start).to.equal(f.defaultsAt);
      expect(d.duration).to.equal(DAY);
      expect(d.end).to.equal(f.defaultsAt + 2n * DAY);
      expect(d.state).to.equal(STATE_OPEN);
      const lot = await f.auctions.lotOf(auctionId);
      expect([lot.token, lot.lotKind, lot.kind, lot.id, lot.amount]).to.deep.equal([
        f.wbtc.target,
        LOT_ERC20,
        KIND_DUTCH,
        0n,
        2n * ONE,
      ]);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.status).to.equal(Status.OnSale);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.lender.address);
      expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
    });

    it("LN-D2: at due + grace + 1 the pro-rated debt is owedAt at that second (after a partial payment), prices rounded up, ERC721 lot", async function () {
      const fx = await loadFixture(deployLending);
      const over = { ...SALE, ...nftCollateral(fx.nft, 2n), interestKind: InterestKind.ProRated, interest: 1_234n };
      const { loanId, terms } = await startLoan(fx, { ...over, saleStartBps: 12_345n, saleFloorBps: 777n });
      const start = (await fx.lending.loanOf(loanId)).start;
      await time.setNextBlockTimestamp(start + 10n * DAY);
      await fx.lending.connect(fx.borrower).repay(terms, loanId, 200n * ONE);
      const loan = await fx.lending.loanOf(loanId);
      expect(loan.checkpoint).to.equal(start + 10n * DAY);
      const t = start + 33n * DAY + 1n;
      const owed = owedAt(terms, loan.outstanding, loan.checkpoint, t);
      expect((await fx.lending.owedAt(terms, loanId, t)).total).to.equal(owed.total);
      await time.setNextBlockTimestamp(t);
      await expect(fx.lending.connect(fx.other).startSale(terms, loanId))
        .to.emit(fx.lending, "SaleStarted")
        .withArgs(loanId, 1n, owed.total);
      const sale = await fx.lending.saleOf(loanId);
      expect([sale.auctionId, sale.debt, sale.interest]).to.deep.equal([1n, owed.total, owed.interestPart]);
      const d = await fx.auctions.dutchOf(1n);
      expect(d.startPrice).to.equal(salePrice(owed.total, 12_345n));
      expect(d.floorPrice).to.equal(salePrice(owed.total, 777n));
      // Both prices are rounded up: the products are not multiples of 10,000.
      expect((owed.total * 12_345n) % 10_000n).to.not.equal(0n);
      expect(d.floorPrice * 10_000n).to.be.greaterThan(owed.total * 777n);
      expect(d.bidToken).to.equal(fx.usd.target);
      const lot = await fx.auctions.lotOf(1n);
      expect([lot.token, lot.lotKind, lot.id, lot.amount]).to.deep.equal([fx.nft.target, LOT_ERC721, 2n, 1n]);
      expect(await fx.nft.ownerOf(2n)).to.equal(await fx.auctions.getAddress());
    });

    it("LN-D2: the start price is capped at 2^96 - 1", async function () {
      const fx = await loadFixture(deployLending);
      const principal = 2n ** 95n;
      await fx.usd.mint(fx.lender.address, principal);
      const { loanId, terms } = await startLoan(fx, { ...SALE, principal, interest: 0n, saleStartBps: 30_000n });
      await time.setNextBlockTimestamp(await defaultsAtOf(fx, loanId, terms));
      await expect(fx.lending.startSale(terms, loanId))
        .to.emit(fx.lending, "SaleStarted")
        .withArgs(loanId, 1n, principal);
      const d = await fx.auctions.dutchOf(1n);
      expect(d.startPrice).to.equal(UINT96_MAX);
      expect(d.floorPrice)
        .to.equal(salePrice(principal, 8_000n))
        .and.to.equal((principal * 8_000n) / 10_000n + 1n);
    });

    it("LN-D2: while OnSale, repay, claim and a second startSale revert with LendingWrongStatus(OnSale)", async function () {
      const f = await loadFixture(saleLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.startSale(f.terms, f.loanId);
      const onSale = [f.loanId, Status.OnSale] as const;
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...onSale);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...onSale);
      await expect(f.lending.startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...onSale);
    });
  });

  describe("LN-D6a collateral that no longer moves", function () {
    it("LN-D6a: a paused ERC20 collateral makes startSale revert; the loan stays Active and repayable", async function () {
      const f = await loadFixture(deployDefault);
      const { loanId, terms } = await startLoan(f, { ...SALE, collateralToken: f.blk.target as string });
      await f.blk.setBlocked(await f.lending.getAddress(), true);
      await time.setNextBlockTimestamp(await defaultsAtOf(f, loanId, terms));
      await expect(f.lending.startSale(terms, loanId))
        .to.be.revertedWithCustomError(f.blk, "Blocked")
        .withArgs(await f.lending.getAddress());
      expect((await f.lending.loanOf(loanId)).status).to.equal(Status.Active);
      expect((await f.lending.saleOf(loanId)).auctionId).to.equal(0n);
      await expect(f.lending.connect(f.borrower).repay(terms, loanId, 50n * ONE))
        .to.emit(f.lending, "Repaid")
        .withArgs(loanId, f.borrower.address, 50n * ONE, 50n * ONE, 0n, 1_000n * ONE);
      await f.blk.setBlocked(await f.lending.getAddress(), false);
      const tx = f.lending.connect(f.borrower).repay(terms, loanId, 1_000n * ONE);
      await expect(tx).to.changeTokenBalances(f.blk, [f.borrower, f.lending], [2n * ONE, -2n * ONE]);
      expect((await f.lending.loanOf(loanId)).status).to.equal(Status.Repaid);
    });

    it("LN-D6a: a collateral turned fee-on-transfer makes startSale revert (Auctions refuses the lot); still repayable", async function () {
      const f = await loadFixture(deployDefault);
      const { loanId, terms } = await startLoan(f, { ...SALE, collateralToken: f.fot.target as string });
      await f.fot.setFeeBps(100n);
      await time.setNextBlockTimestamp(await defaultsAtOf(f, loanId, terms));
      await expect(f.lending.startSale(terms, loanId))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
        .withArgs(f.fot.target, 2n * ONE, (2n * ONE * 99n) / 100n);
      expect((await f.lending.loanOf(loanId)).status).to.equal(Status.Active);
      await f.lending.connect(f.borrower).repay(terms, loanId, 1_050n * ONE);
      expect((await f.lending.loanOf(loanId)).status).to.equal(Status.Repaid);
    });

    it("LN-D6a: a paused ERC721 collateral makes startSale and claim revert with the token's error", async function () {
      const f = await loadFixture(deployDefault);
      const sale = await startLoan(f, { ...SALE, ...nftCollateral(f.snft, 1n) });
      const plain = await startLoan(f, nftCollateral(f.snft, 2n), { nonce: 2n });
      await f.snft.setPaused(true);
      await time.setNextBlockTimestamp(await defaultsAtOf(f, sale.loanId, sale.terms));
      await expect(f.lending.startSale(sale.terms, sale.loanId)).to.be.revertedWithCustomError(
        f.snft,
        "LendingSaleNFTPaused",
      );
      await expect(
        f.lending.connect(f.lender).claim(plain.terms, plain.loanId, f.lender.address),
      ).to.be.revertedWithCustomError(f.snft, "LendingSaleNFTPaused");
      expect((await f.lending.loanOf(sale.loanId)).status).to.equal(Status.Active);
      expect((await f.lending.loanOf(plain.loanId)).status).to.equal(Status.Active);
      await f.snft.setPaused(false);
      await f.lending.connect(f.borrower).repay(sale.terms, sale.loanId, 1_050n * ONE);
      expect(await f.snft.ownerOf(1n)).to.equal(f.borrower.address);
    });
  });

  describe("LN-D7 unsolicited transfers", function () {
    it("LN-D7: plain ETH from anyone but Auctions reverts with LendingUnsolicitedTransfer", async function () {
      const f = await loadFixture(noSaleLoan);
      for (const s of [f.stranger, f.lender, f.borrower]) {
        await expect(s.sendTransaction({ to: f.lending.target, value: 1n })).to.be.revertedWithCustomError(
          f.lending,
          "LendingUnsolicitedTransfer",
        );
      }
      expect(await ethers.provider.getBalance(f.lending.target)).to.equal(0n);
    });

    it("LN-D7: an ERC721 safeTransferFrom to Lending, by its owner or an operator, reverts with LendingUnsolicitedTransfer", async function () {
      const f = await loadFixture(noSaleLoan);
      const lending = await f.lending.getAddress();
      await expect(
        f.nft.connect(f.borrower)["safeTransferFrom(address,address,uint256)"](f.borrower.address, lending, 1n),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnsolicitedTransfer");
      await f.nft.connect(f.borrower).setApprovalForAll(f.stranger.address, true);
      const byOperator = f.nft.connect(f.stranger);
      await expect(
        byOperator["safeTransferFrom(address,address,uint256,bytes)"](f.borrower.address, lending, 1n, "0x01"),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnsolicitedTransfer");
      expect(await f.nft.ownerOf(1n)).to.equal(f.borrower.address);
    });
  });
});
