// Full repayment and the collateral (docs/lending.md LN-R4, LN-P2): the loan ends Repaid, both positions are burned,
// the collateral (ERC20 or ERC721) goes to whoever holds the borrower token; a delivery that fails leaves it held with
// the borrower token minted again as the claim, which its holder or an approved account redeems with
// withdrawCollateral to another address.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { ONE, Status, deployLending, termsHash } from "../helpers/lending";
import { expectBurned, nftCollateral } from "../helpers/lending-default";
import { deployRepay, loanFixture } from "../helpers/lending-repay";

const DEBT = 1_050n * ONE;
const fixedLoan = loanFixture(deployLending);
const nftLoan = loanFixture(deployLending, (fx) => nftCollateral(fx.nft, 3n));
const blkCollateralLoan = loanFixture(deployRepay, (fx) => ({ collateralToken: fx.blk.target as string }));
const snftLoan = loanFixture(deployRepay, (fx) => nftCollateral(fx.snft, 1n));

/** The borrower is blocklisted on the ERC20 collateral and the loan is repaid: the collateral is held. */
async function heldErc20() {
  const f = await blkCollateralLoan();
  await f.blk.setBlocked(f.borrower.address, true);
  await f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
  return f;
}

/** The NFT collateral refuses the borrower and the loan is repaid: the NFT is held. */
async function heldNft() {
  const f = await snftLoan();
  await f.snft.setBlocked(f.borrower.address, true);
  await f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
  return f;
}

describe("Lending: full repayment and the collateral", function () {
  describe("LN-R4 the loan ends", function () {
    it("LN-R4, LN-P2: status Repaid, both tokens burned, the ERC20 collateral to the borrower", async function () {
      const f = await loadFixture(fixedLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx)
        .to.emit(f.lending, "Transfer")
        .withArgs(f.lender.address, ZeroAddress, f.loanId)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expect(tx).to.not.emit(f.lending, "CollateralHeld");
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.borrower], [-2n * ONE, 2n * ONE]);
      const loan = await f.lending.loanOf(f.loanId);
      expect(loan.status).to.equal(Status.Repaid);
      expect([loan.lender, loan.borrower]).to.deep.equal([ZeroAddress, ZeroAddress]);
      expect(loan.outstanding).to.equal(0n);
      expect(loan.termsHash).to.equal(termsHash(f.terms));
      await expectBurned(f, f.loanId);
      expect(await f.lending.balanceOf(f.lender.address)).to.equal(0n);
      expect(await f.lending.balanceOf(f.borrower.address)).to.equal(0n);
    });

    it("LN-R4: the ERC20 collateral goes to the borrower token's holder at the time, not to the original borrower", async function () {
      const f = await loadFixture(fixedLoan);
      await f.lending.connect(f.borrower).transferFrom(f.borrower.address, f.other.address, f.loanId + 1n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.other, f.borrower], [-2n * ONE, 2n * ONE, 0n]);
      await expect(tx)
        .to.emit(f.lending, "Transfer")
        .withArgs(f.other.address, ZeroAddress, f.loanId + 1n);
      expect(await f.lending.balanceOf(f.other.address)).to.equal(0n);
    });

    it("LN-R4: an ERC721 collateral goes to the borrower token's new holder when a third party repays", async function () {
      const f = await loadFixture(nftLoan);
      await f.lending.connect(f.borrower).transferFrom(f.borrower.address, f.other.address, f.loanId + 1n);
      await expect(f.lending.connect(f.stranger).repay(f.terms, f.loanId, DEBT))
        .to.emit(f.nft, "Transfer")
        .withArgs(await f.lending.getAddress(), f.other.address, 3n);
      expect(await f.nft.ownerOf(3n)).to.equal(f.other.address);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
      await expectBurned(f, f.loanId);
    });
  });

  describe("LN-R4 a delivery that fails", function () {
    it("LN-R4: a borrower blocklisted on the ERC20 collateral: held, borrower token minted again, CollateralHeld", async function () {
      const f = await loadFixture(blkCollateralLoan);
      await f.blk.setBlocked(f.borrower.address, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx)
        .to.emit(f.lending, "CollateralHeld")
        .withArgs(f.loanId, f.borrower.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(ZeroAddress, f.borrower.address, f.loanId + 1n)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expect(tx).to.changeTokenBalances(f.blk, [f.lending, f.borrower], [0n, 0n]);
      await expect(tx).to.changeTokenBalances(f.usd, [f.borrower, f.lender], [-DEBT, DEBT]);
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.status, loan.lender, loan.borrower]).to.deep.equal([
        BigInt(Status.Repaid),
        ZeroAddress,
        f.borrower.address,
      ]);
      expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
      await expect(f.lending.ownerOf(f.loanId))
        .to.be.revertedWithCustomError(f.lending, "ERC721NonexistentToken")
        .withArgs(f.loanId);
      expect(await f.lending.balanceOf(f.borrower.address)).to.equal(1n);
      expect(await f.lending.balanceOf(f.lender.address)).to.equal(0n);
      expect(await f.blk.balanceOf(await f.lending.getAddress())).to.equal(2n * ONE);
    });

    it("LN-R4: withdrawCollateral: stranger LendingUnauthorized, to 0 or Lending LendingInvalidRecipient, wrong terms LendingTermsMismatch", async function () {
      const f = await loadFixture(heldErc20);
      await expect(
        f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.stranger.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      await expect(
        f.lending.connect(f.lender).withdrawCollateral(f.terms, f.loanId, f.lender.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      for (const to of [ZeroAddress, await f.lending.getAddress()]) {
        await expect(
          f.lending.connect(f.borrower).withdrawCollateral(f.terms, f.loanId, to),
        ).to.be.revertedWithCustomError(f.lending, "LendingInvalidRecipient");
      }
      await expect(
        f.lending
          .connect(f.borrower)
          .withdrawCollateral({ ...f.terms, collateralAmount: 1n }, f.loanId, f.other.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingTermsMismatch");
      expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
    });

    it("LN-R4: the holder withdraws the held ERC20 to another address; the claim token burns; then LendingNothingHeld", async function () {
      const f = await loadFixture(heldErc20);
      const tx = f.lending.connect(f.borrower).withdrawCollateral(f.terms, f.loanId, f.other.address);
      await expect(tx)
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.borrower.address, f.other.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n);
      await expect(tx).to.changeTokenBalances(f.blk, [f.lending, f.other], [-2n * ONE, 2n * ONE]);
      await expectBurned(f, f.loanId);
      expect((await f.lending.loanOf(f.loanId)).borrower).to.equal(ZeroAddress);
      expect(await f.lending.balanceOf(f.borrower.address)).to.equal(0n);
      await expect(f.lending.connect(f.borrower).withdrawCollateral(f.terms, f.loanId, f.other.address))
        .to.be.revertedWithCustomError(f.lending, "LendingNothingHeld")
        .withArgs(f.loanId);
    });

    it("LN-R4, LN-D8: a repaid loan with held collateral refuses another repayment (LendingWrongStatus)", async function () {
      const f = await loadFixture(heldErc20);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
        .withArgs(f.loanId, Status.Repaid);
    });

    it("LN-R4: an NFT that refuses the borrower is held; an account approved for the claim token withdraws it elsewhere", async function () {
      const f = await loadFixture(heldNft);
      const lending = await f.lending.getAddress();
      expect(await f.snft.ownerOf(1n)).to.equal(lending);
      expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
      await f.lending.connect(f.borrower).approve(f.other.address, f.loanId + 1n);
      await expect(f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.stranger.address))
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.borrower.address, f.stranger.address)
        .and.to.emit(f.snft, "Transfer")
        .withArgs(lending, f.stranger.address, 1n);
      expect(await f.snft.ownerOf(1n)).to.equal(f.stranger.address);
      await expectBurned(f, f.loanId);
    });

    it("LN-R4: an operator of the holder withdraws the held NFT", async function () {
      const f = await loadFixture(heldNft);
      await f.lending.connect(f.borrower).setApprovalForAll(f.stranger.address, true);
      await expect(f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.other.address))
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.borrower.address, f.other.address);
      expect(await f.snft.ownerOf(1n)).to.equal(f.other.address);
    });

    it("LN-R4: an approval of the borrower token given before the repayment does not survive its re-mint", async function () {
      const f = await loadFixture(snftLoan);
      await f.snft.setBlocked(f.borrower.address, true);
      await f.lending.connect(f.borrower).approve(f.other.address, f.loanId + 1n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT))
        .to.emit(f.lending, "CollateralHeld")
        .withArgs(f.loanId, f.borrower.address);
      expect(await f.lending.getApproved(f.loanId + 1n)).to.equal(ZeroAddress);
      await expect(
        f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
    });

    it("LN-R4, LN-P3: the held collateral follows the claim token: its new holder withdraws, the old one cannot", async function () {
      const f = await loadFixture(heldErc20);
      await f.lending.connect(f.borrower).transferFrom(f.borrower.address, f.other.address, f.loanId + 1n);
      await expect(
        f.lending.connect(f.borrower).withdrawCollateral(f.terms, f.loanId, f.borrower.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      const tx = f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address);
      await expect(tx).to.emit(f.lending, "CollateralWithdrawn").withArgs(f.loanId, f.other.address, f.other.address);
      await expect(tx).to.changeTokenBalances(f.blk, [f.lending, f.other], [-2n * ONE, 2n * ONE]);
    });

    it("LN-R4: withdrawCollateral with nothing held reverts with LendingNothingHeld (active, delivered, unknown)", async function () {
      const f = await loadFixture(fixedLoan);
      await expect(f.lending.connect(f.borrower).withdrawCollateral(f.terms, f.loanId, f.borrower.address))
        .to.be.revertedWithCustomError(f.lending, "LendingNothingHeld")
        .withArgs(f.loanId);
      await f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      for (const id of [f.loanId, f.loanId + 2n]) {
        await expect(f.lending.connect(f.borrower).withdrawCollateral(f.terms, id, f.borrower.address))
          .to.be.revertedWithCustomError(f.lending, "LendingNothingHeld")
          .withArgs(id);
      }
    });
  });
});
