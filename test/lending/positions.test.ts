// Position tokens (docs/lending.md LN-P1, LN-P2): metadata and ERC-165, owners and balances over the loan's fields,
// approvals, and transferFrom rewriting the loan's lender or borrower. Safe transfers and who is paid (LN-P3) are in
// positions-safe.test.ts.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ONE } from "../helpers/lending";
import { positionsFixture } from "../helpers/lending-positions";

describe("Lending: position tokens", function () {
  describe("metadata (LN-P1)", function () {
    it('LN-P1: name "PeerPay Loan Positions", symbol "PPLOAN"', async function () {
      const fx = await loadFixture(positionsFixture);
      expect(await fx.lending.name()).to.equal("PeerPay Loan Positions");
      expect(await fx.lending.symbol()).to.equal("PPLOAN");
    });

    it("LN-P1: supportsInterface is true for ERC-721, its metadata and ERC-165, false for anything else", async function () {
      const fx = await loadFixture(positionsFixture);
      for (const id of ["0x80ac58cd", "0x5b5e139f", "0x01ffc9a7"]) {
        expect(await fx.lending.supportsInterface(id), id).to.equal(true);
      }
      // Random, the ERC-165 invalid id, ERC-721 Enumerable, ERC-1155, ERC-721 Receiver.
      for (const id of ["0x12345678", "0xffffffff", "0x780e9d63", "0xd9b67a26", "0x150b7a02", "0x00000000"]) {
        expect(await fx.lending.supportsInterface(id), id).to.equal(false);
      }
    });

    it("LN-P1: tokenURI is empty for both positions and reverts with ERC721NonexistentToken for other ids", async function () {
      const fx = await loadFixture(positionsFixture);
      expect(await fx.lending.tokenURI(fx.lenderToken)).to.equal("");
      expect(await fx.lending.tokenURI(fx.borrowerToken)).to.equal("");
      for (const id of [fx.loanId + 2n, fx.loanId + 3n, 0n]) {
        await expect(fx.lending.tokenURI(id))
          .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
          .withArgs(id);
      }
    });
  });

  describe("owners and balances (LN-P1, LN-P2)", function () {
    it("LN-P1: ownerOf is the loan's lender for the even id and its borrower for the odd id; balances count them", async function () {
      const fx = await loadFixture(positionsFixture);
      const loan = await fx.lending.loanOf(fx.loanId);
      expect(await fx.lending.ownerOf(fx.lenderToken))
        .to.equal(loan.lender)
        .and.to.equal(fx.lender.address);
      expect(await fx.lending.ownerOf(fx.borrowerToken))
        .to.equal(loan.borrower)
        .and.to.equal(fx.borrower.address);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(1n);
      expect(await fx.lending.balanceOf(fx.stranger.address)).to.equal(0n);
    });

    it("LN-P1: balanceOf(0) reverts with ERC721InvalidOwner(0)", async function () {
      const fx = await loadFixture(positionsFixture);
      await expect(fx.lending.balanceOf(ZeroAddress))
        .to.be.revertedWithCustomError(fx.lending, "ERC721InvalidOwner")
        .withArgs(ZeroAddress);
    });

    it("LN-P2: ownerOf and getApproved of a never-minted id revert with ERC721NonexistentToken", async function () {
      const fx = await loadFixture(positionsFixture);
      for (const id of [0n, 1n, fx.loanId + 2n, fx.loanId + 3n, fx.loanId - 1n]) {
        await expect(fx.lending.ownerOf(id))
          .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
          .withArgs(id);
        await expect(fx.lending.getApproved(id))
          .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
          .withArgs(id);
      }
    });

    it("LN-P2, LN-R4: a full repayment burns both tokens: Transfer to 0, ownerOf reverts, balances drop", async function () {
      const fx = await loadFixture(positionsFixture);
      const tx = fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, 1_050n * ONE);
      await expect(tx)
        .to.emit(fx.lending, "Transfer")
        .withArgs(fx.lender.address, ZeroAddress, fx.lenderToken)
        .and.to.emit(fx.lending, "Transfer")
        .withArgs(fx.borrower.address, ZeroAddress, fx.borrowerToken);
      for (const id of [fx.lenderToken, fx.borrowerToken]) {
        await expect(fx.lending.ownerOf(id))
          .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
          .withArgs(id);
        await expect(fx.lending.tokenURI(id)).to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken");
      }
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(0n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(0n);
      await expect(
        fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.stranger.address, fx.lenderToken),
      ).to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken");
    });

    it("LN-P2, LN-D1: a claim burns both tokens", async function () {
      const fx = await loadFixture(positionsFixture);
      await time.increase(33n * DAY);
      await fx.lending.connect(fx.lender).claim(fx.terms, fx.loanId, fx.lender.address);
      await expect(fx.lending.ownerOf(fx.lenderToken)).to.be.revertedWithCustomError(
        fx.lending,
        "ERC721NonexistentToken",
      );
      await expect(fx.lending.ownerOf(fx.borrowerToken)).to.be.revertedWithCustomError(
        fx.lending,
        "ERC721NonexistentToken",
      );
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(0n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(0n);
    });
  });

  describe("approvals (LN-P1)", function () {
    it("LN-P1: the owner approves an account (Approval event) and clears it with 0", async function () {
      const fx = await loadFixture(positionsFixture);
      expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(ZeroAddress);
      await expect(fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken))
        .to.emit(fx.lending, "Approval")
        .withArgs(fx.lender.address, fx.other.address, fx.lenderToken);
      expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(fx.other.address);
      expect(await fx.lending.getApproved(fx.borrowerToken)).to.equal(ZeroAddress);
      await expect(fx.lending.connect(fx.lender).approve(ZeroAddress, fx.lenderToken))
        .to.emit(fx.lending, "Approval")
        .withArgs(fx.lender.address, ZeroAddress, fx.lenderToken);
      expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(ZeroAddress);
    });

    it("LN-P1: an operator approves for the owner; the Approval names the owner", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).setApprovalForAll(fx.other.address, true);
      await expect(fx.lending.connect(fx.other).approve(fx.stranger.address, fx.borrowerToken))
        .to.emit(fx.lending, "Approval")
        .withArgs(fx.borrower.address, fx.stranger.address, fx.borrowerToken);
      expect(await fx.lending.getApproved(fx.borrowerToken)).to.equal(fx.stranger.address);
    });

    it("LN-P1: a stranger, the other side of the loan or an approved account approving reverts with ERC721InvalidApprover", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken);
      for (const by of [fx.stranger, fx.borrower, fx.other]) {
        await expect(fx.lending.connect(by).approve(by.address, fx.lenderToken))
          .to.be.revertedWithCustomError(fx.lending, "ERC721InvalidApprover")
          .withArgs(by.address);
      }
    });

    it("LN-P1: approving a nonexistent token reverts with ERC721NonexistentToken", async function () {
      const fx = await loadFixture(positionsFixture);
      await expect(fx.lending.connect(fx.lender).approve(fx.other.address, fx.loanId + 2n))
        .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
        .withArgs(fx.loanId + 2n);
    });

    it("LN-P1: setApprovalForAll sets and revokes an operator (ApprovalForAll event); operator 0 reverts with ERC721InvalidOperator", async function () {
      const fx = await loadFixture(positionsFixture);
      await expect(fx.lending.connect(fx.lender).setApprovalForAll(ZeroAddress, true))
        .to.be.revertedWithCustomError(fx.lending, "ERC721InvalidOperator")
        .withArgs(ZeroAddress);
      await expect(fx.lending.connect(fx.lender).setApprovalForAll(fx.other.address, true))
        .to.emit(fx.lending, "ApprovalForAll")
        .withArgs(fx.lender.address, fx.other.address, true);
      expect(await fx.lending.isApprovedForAll(fx.lender.address, fx.other.address)).to.equal(true);
      expect(await fx.lending.isApprovedForAll(fx.other.address, fx.lender.address)).to.equal(false);
      await expect(fx.lending.connect(fx.lender).setApprovalForAll(fx.other.address, false))
        .to.emit(fx.lending, "ApprovalForAll")
        .withArgs(fx.lender.address, fx.other.address, false);
      expect(await fx.lending.isApprovedForAll(fx.lender.address, fx.other.address)).to.equal(false);
      await expect(fx.lending.connect(fx.other).transferFrom(fx.lender.address, fx.other.address, fx.lenderToken))
        .to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval")
        .withArgs(fx.other.address, fx.lenderToken);
    });
  });

  describe("transferFrom (LN-P1)", function () {
    it("LN-P1, LN-S2: the owner moves the lender token: Transfer, balances, ownerOf and loanOf.lender rewritten", async function () {
      const fx = await loadFixture(positionsFixture);
      await expect(fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.stranger.address, fx.lenderToken))
        .to.emit(fx.lending, "Transfer")
        .withArgs(fx.lender.address, fx.stranger.address, fx.lenderToken);
      const loan = await fx.lending.loanOf(fx.loanId);
      expect([loan.lender, loan.borrower]).to.deep.equal([fx.stranger.address, fx.borrower.address]);
      expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.stranger.address);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(0n);
      expect(await fx.lending.balanceOf(fx.stranger.address)).to.equal(1n);
    });

    it("LN-P1, LN-S2: the owner moves the borrower token: loanOf.borrower rewritten, the lender untouched", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.lender.address, fx.borrowerToken);
      const loan = await fx.lending.loanOf(fx.loanId);
      expect([loan.lender, loan.borrower]).to.deep.equal([fx.lender.address, fx.lender.address]);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(2n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(0n);
    });

    it("LN-P1: the approved account moves the token; the approval is cleared by the transfer", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken);
      await fx.lending.connect(fx.other).transferFrom(fx.lender.address, fx.stranger.address, fx.lenderToken);
      expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.stranger.address);
      expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(ZeroAddress);
      await expect(fx.lending.connect(fx.other).transferFrom(fx.stranger.address, fx.other.address, fx.lenderToken))
        .to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval")
        .withArgs(fx.other.address, fx.lenderToken);
    });

    it("LN-P1: an owner's transfer also clears an approval it did not use", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).approve(fx.other.address, fx.borrowerToken);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.borrowerToken);
      expect(await fx.lending.getApproved(fx.borrowerToken)).to.equal(ZeroAddress);
    });

    it("LN-P1: an operator moves the owner's token", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).setApprovalForAll(fx.other.address, true);
      await expect(
        fx.lending.connect(fx.other).transferFrom(fx.borrower.address, fx.stranger.address, fx.borrowerToken),
      )
        .to.emit(fx.lending, "Transfer")
        .withArgs(fx.borrower.address, fx.stranger.address, fx.borrowerToken);
      expect((await fx.lending.loanOf(fx.loanId)).borrower).to.equal(fx.stranger.address);
    });

    it("LN-P1: anyone else reverts with ERC721InsufficientApproval(caller, id)", async function () {
      const fx = await loadFixture(positionsFixture);
      for (const by of [fx.stranger, fx.borrower]) {
        await expect(fx.lending.connect(by).transferFrom(fx.lender.address, by.address, fx.lenderToken))
          .to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval")
          .withArgs(by.address, fx.lenderToken);
      }
      // An operator of the borrower has no hold on the lender's token.
      await fx.lending.connect(fx.borrower).setApprovalForAll(fx.other.address, true);
      await expect(fx.lending.connect(fx.other).transferFrom(fx.lender.address, fx.other.address, fx.lenderToken))
        .to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval")
        .withArgs(fx.other.address, fx.lenderToken);
    });

    it("LN-P1: a wrong from reverts with ERC721IncorrectOwner(from, id, owner)", async function () {
      const fx = await loadFixture(positionsFixture);
      await expect(fx.lending.connect(fx.lender).transferFrom(fx.borrower.address, fx.stranger.address, fx.lenderToken))
        .to.be.revertedWithCustomError(fx.lending, "ERC721IncorrectOwner")
        .withArgs(fx.borrower.address, fx.lenderToken, fx.lender.address);
    });

    it("LN-P1: a transfer to 0 or to the Lending contract reverts with LendingInvalidRecipient", async function () {
      const fx = await loadFixture(positionsFixture);
      for (const to of [ZeroAddress, fx.lending.target as string]) {
        await expect(
          fx.lending.connect(fx.lender).transferFrom(fx.lender.address, to, fx.lenderToken),
        ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidRecipient");
        await expect(
          fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, to, fx.borrowerToken),
        ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidRecipient");
      }
      expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.lender.address);
    });

    it("LN-P1: a transfer to oneself keeps the balance and clears the approval", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken);
      await expect(fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.lender.address, fx.lenderToken))
        .to.emit(fx.lending, "Transfer")
        .withArgs(fx.lender.address, fx.lender.address, fx.lenderToken);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
      expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(ZeroAddress);
    });
  });
});
