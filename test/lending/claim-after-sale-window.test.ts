// The lender's claim on sale terms (docs/lending.md LN-D1a): refused with LendingSaleTerms(true) until the sale could
// have ended unstarted, at due + grace + saleDuration + saleFloorDuration (t-1 refused, t and t+1 accepted), and only
// while the loan is still Active: a sale started before it (even at t-1) is the lender's claim, and a claim ends the
// loan for startSale. The motivating case: a collection that refuses transfers by Auctions (an operator blocklist)
// makes startSale revert for good, and the lender takes the NFT once the window has passed.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { DAY, ONE, Status, deployLending, startLoan, termsHash, type Terms } from "../helpers/lending";
import { defaultsAtOf, expectBurned, nftCollateral } from "../helpers/lending-default";

const GATED_ID = 7n;

/** Sale terms whose two durations differ, so that a window built from one of them twice is told apart. */
const SALE_WINDOW: Partial<Terms> = {
  saleStartBps: 15_000n,
  saleFloorBps: 8_000n,
  saleDuration: 2n * DAY,
  saleFloorDuration: 5n * 3_600n,
};

/** deployLending, an operator-gated collection (id 7 to the borrower, approved) and one sale-terms loan of `over`. */
async function windowLoan(over: (gated: { target: unknown }) => Partial<Terms>) {
  const fx = await deployLending();
  const gated = await (await ethers.getContractFactory("LendingHookGatedNFT")).deploy();
  await gated.mint(fx.borrower.address, GATED_ID);
  await gated.connect(fx.borrower).setApprovalForAll(await fx.lending.getAddress(), true);
  const { loanId, terms } = await startLoan(fx, { ...SALE_WINDOW, ...over(gated) });
  const defaultsAt = await defaultsAtOf(fx, loanId, terms);
  const claimableAt = defaultsAt + terms.saleDuration + terms.saleFloorDuration;
  return { ...fx, gated, loanId, terms, defaultsAt, claimableAt };
}

const erc20Loan = () => windowLoan(() => ({}));
const nftLoan = () => windowLoan((gated) => nftCollateral(gated, GATED_ID));

/** The collection refuses every transfer Auctions makes (its operator blocklist names Auctions). */
async function gatedLoan() {
  const f = await nftLoan();
  await f.gated.setOperatorBlocked(await f.auctions.getAddress(), true);
  return f;
}

type WindowLoan = Awaited<ReturnType<typeof erc20Loan>>;

/** The loan is untouched: Active, both positions with their holders, the ERC20 collateral in Lending. */
async function expectActive(f: WindowLoan) {
  const loan = await f.lending.loanOf(f.loanId);
  expect([loan.status, loan.lender, loan.borrower]).to.deep.equal([
    BigInt(Status.Active),
    f.lender.address,
    f.borrower.address,
  ]);
  expect(await f.lending.ownerOf(f.loanId)).to.equal(f.lender.address);
  expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
}

async function expectClaimed(f: WindowLoan) {
  const loan = await f.lending.loanOf(f.loanId);
  expect([loan.status, loan.lender, loan.borrower]).to.deep.equal([BigInt(Status.Claimed), ZeroAddress, ZeroAddress]);
  expect(loan.termsHash).to.equal(termsHash(f.terms));
  await expectBurned(f, f.loanId);
  expect(await f.lending.balanceOf(f.lender.address)).to.equal(0n);
  expect(await f.lending.balanceOf(f.borrower.address)).to.equal(0n);
}

describe("Lending: the lender's claim on sale terms after the sale window", function () {
  describe("LN-D1a when the holder may claim", function () {
    it("LN-D1a, LN-D1: at due + grace - 1 the holder's claim reverts with LendingNotDefaulted(defaultsAt)", async function () {
      const f = await loadFixture(erc20Loan);
      expect(f.defaultsAt).to.equal((await f.lending.loanOf(f.loanId)).start + 33n * DAY);
      await time.setNextBlockTimestamp(f.defaultsAt - 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingNotDefaulted")
        .withArgs(f.defaultsAt);
    });

    it("LN-D1a: at due + grace, defaulted with no sale started, the holder's claim reverts with LendingSaleTerms(true)", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleTerms")
        .withArgs(true);
      await expectActive(f);
    });

    it("LN-D1a: at due + grace + saleDuration + saleFloorDuration - 1 the holder's claim reverts with LendingSaleTerms(true)", async function () {
      const f = await loadFixture(erc20Loan);
      expect(f.claimableAt).to.equal(f.defaultsAt + 2n * DAY + 18_000n);
      await time.setNextBlockTimestamp(f.claimableAt - 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.other.address))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleTerms")
        .withArgs(true);
      await expectActive(f);
      expect(await f.wbtc.balanceOf(await f.lending.getAddress())).to.equal(2n * ONE);
    });

    it("LN-D1a: at due + grace + saleDuration + saleFloorDuration the holder claims the ERC20 collateral to `to`", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt);
      const tx = f.lending.connect(f.lender).claim(f.terms, f.loanId, f.other.address);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.other, f.lender], [-2n * ONE, 2n * ONE, 0n]);
      await expect(tx)
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.other.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.lender.address, ZeroAddress, f.loanId)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n);
      await expect(tx).to.not.emit(f.auctions, "AuctionCreated");
      await expectClaimed(f);
      expect((await f.lending.saleOf(f.loanId)).auctionId).to.equal(0n);
    });

    it("LN-D1a: one second after the window the holder claims an ERC721 collateral to itself", async function () {
      const f = await loadFixture(nftLoan);
      expect(await f.gated.ownerOf(GATED_ID)).to.equal(await f.lending.getAddress());
      await time.setNextBlockTimestamp(f.claimableAt + 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.lender.address)
        .and.to.emit(f.gated, "Transfer")
        .withArgs(await f.lending.getAddress(), f.lender.address, GATED_ID);
      expect(await f.gated.ownerOf(GATED_ID)).to.equal(f.lender.address);
      await expectClaimed(f);
    });

    it("LN-D1a, LN-D1: after the window a stranger and the borrower get LendingUnauthorized; the loan stays Active", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt);
      for (const s of [f.stranger, f.borrower]) {
        await expect(f.lending.connect(s).claim(f.terms, f.loanId, s.address)).to.be.revertedWithCustomError(
          f.lending,
          "LendingUnauthorized",
        );
      }
      await expectActive(f);
    });

    it("LN-D1a, LN-D1: after the window an account approved for the lender token claims; the event names the holder", async function () {
      const f = await loadFixture(erc20Loan);
      await f.lending.connect(f.lender).approve(f.stranger.address, f.loanId);
      await time.setNextBlockTimestamp(f.claimableAt);
      const tx = f.lending.connect(f.stranger).claim(f.terms, f.loanId, f.stranger.address);
      await expect(tx).to.emit(f.lending, "CollateralClaimed").withArgs(f.loanId, f.lender.address, f.stranger.address);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.stranger], [-2n * ONE, 2n * ONE]);
      await expectClaimed(f);
    });

    it("LN-D1a, LN-R1: until the holder claims, the borrower may still repay after the window; the claim is then refused", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt + 1n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE);
      await expect(tx).to.emit(f.lending, "LoanRepaid").withArgs(f.loanId);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.borrower], [-2n * ONE, 2n * ONE]);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Repaid);
    });
  });

  describe("LN-D1a the claim and the sale exclude each other", function () {
    it("LN-D1a, LN-D8: after the window's claim, startSale and a second claim revert with LendingWrongStatus(Claimed)", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt);
      await f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address);
      const claimed = [f.loanId, Status.Claimed] as const;
      await expect(f.lending.connect(f.stranger).startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...claimed);
      await expect(f.lending.connect(f.borrower).startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...claimed);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(...claimed);
      expect((await f.lending.saleOf(f.loanId)).auctionId).to.equal(0n);
    });

    it("LN-D1a, LN-D3: a sale started at the window's last second (t - 1) makes the holder's claim at t revert with LendingWrongStatus(OnSale)", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt - 1n);
      await expect(f.lending.connect(f.stranger).startSale(f.terms, f.loanId)).to.emit(f.lending, "SaleStarted");
      await time.setNextBlockTimestamp(f.claimableAt);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.OnSale);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.status).to.equal(Status.OnSale);
      expect(await f.wbtc.balanceOf(await f.auctions.getAddress())).to.equal(2n * ONE);
    });

    it("LN-D1a, LN-D3: startSale has no deadline: at the window's end anyone may still start it, and the claim is refused once it has", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.claimableAt);
      await expect(f.lending.connect(f.borrower).startSale(f.terms, f.loanId)).to.emit(f.lending, "SaleStarted");
      await time.setNextBlockTimestamp(f.claimableAt + 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.OnSale);
    });

    it("LN-D1a, LN-D5: a sale started at due + grace and left unsold is settled, never claimed: the claim reverts with LendingWrongStatus(OnSale)", async function () {
      const f = await loadFixture(erc20Loan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await f.lending.connect(f.stranger).startSale(f.terms, f.loanId);
      const { end } = await f.auctions.dutchOf((await f.lending.saleOf(f.loanId)).auctionId);
      expect(end).to.equal(f.claimableAt);
      await time.setNextBlockTimestamp(end + 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.OnSale);
      await expect(f.lending.settleSale(f.terms, f.loanId))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.lender.address);
      expect(await f.wbtc.balanceOf(f.lender.address)).to.equal(1_002n * ONE);
    });
  });

  describe("LN-D1a a collection Auctions cannot move", function () {
    it("LN-D1a, LN-D6a: an operator blocklist naming Auctions makes startSale revert with the collection's error; the loan stays Active", async function () {
      const f = await loadFixture(gatedLoan);
      const auctions = await f.auctions.getAddress();
      for (const at of [f.defaultsAt, f.claimableAt - 1n]) {
        await time.setNextBlockTimestamp(at);
        await expect(f.lending.connect(f.stranger).startSale(f.terms, f.loanId))
          .to.be.revertedWithCustomError(f.gated, "LendingHookNFTOperatorBlocked")
          .withArgs(auctions);
      }
      await expectActive(f);
      expect(await f.gated.ownerOf(GATED_ID)).to.equal(await f.lending.getAddress());
      expect((await f.lending.saleOf(f.loanId)).auctionId).to.equal(0n);
    });

    it("LN-D1a: after the failed startSale the holder's claim is refused at t - 1 and takes the NFT at t", async function () {
      const f = await loadFixture(gatedLoan);
      await time.setNextBlockTimestamp(f.defaultsAt);
      await expect(f.lending.connect(f.borrower).startSale(f.terms, f.loanId)).to.be.revertedWithCustomError(
        f.gated,
        "LendingHookNFTOperatorBlocked",
      );
      await time.setNextBlockTimestamp(f.claimableAt - 1n);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.other.address))
        .to.be.revertedWithCustomError(f.lending, "LendingSaleTerms")
        .withArgs(true);
      await time.setNextBlockTimestamp(f.claimableAt);
      await expect(f.lending.connect(f.lender).claim(f.terms, f.loanId, f.other.address))
        .to.emit(f.lending, "CollateralClaimed")
        .withArgs(f.loanId, f.lender.address, f.other.address)
        .and.to.emit(f.gated, "Transfer")
        .withArgs(await f.lending.getAddress(), f.other.address, GATED_ID);
      expect(await f.gated.ownerOf(GATED_ID)).to.equal(f.other.address);
      await expectClaimed(f);
    });

    it("LN-D1a: one second after the window the holder of the gated NFT's loan claims it; startSale then reverts with LendingWrongStatus(Claimed)", async function () {
      const f = await loadFixture(gatedLoan);
      await time.setNextBlockTimestamp(f.claimableAt + 1n);
      await f.lending.connect(f.lender).claim(f.terms, f.loanId, f.lender.address);
      expect(await f.gated.ownerOf(GATED_ID)).to.equal(f.lender.address);
      await expect(f.lending.connect(f.stranger).startSale(f.terms, f.loanId))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Claimed);
    });
  });
});
