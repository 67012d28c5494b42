// docs/lending.md §3: the collateral comes in, measured (LN-A3); the principal goes straight from the lender to the
// borrower, or from the lender's ETH deposit or msg.value (LN-A4); a token that refuses either side reverts the whole
// acceptance and leaves the nonce unused (LN-A5).
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type {
  AuctionFrozenNFT,
  BlocklistToken,
  FeeOnTransferToken,
  LendingAcceptNFT,
  NoReturnToken,
} from "../../typechain-types";
import { CollateralKind, ETH, ONE, Status, deployLending, type Terms } from "../helpers/lending";
import { accept, deployWithWallet, signedOffer, signedRequest } from "../helpers/lending-accept";

const P = 1_000n * ONE;

/** deployLending plus odd tokens, funded and approved: fee-on-transfer, no-return, blocklisting, frozen and lockable NFTs. */
async function oddTokens() {
  const fx = await deployLending();
  const lendingAddress = await fx.lending.getAddress();
  const fot = (await ethers.deployContract("FeeOnTransferToken", [100n])) as unknown as FeeOnTransferToken;
  const nrt = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
  const blk = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
  const frozen = (await ethers.deployContract("AuctionFrozenNFT")) as unknown as AuctionFrozenNFT;
  const locked = (await ethers.deployContract("LendingAcceptNFT")) as unknown as LendingAcceptNFT;
  for (const s of [fx.lender, fx.borrower]) {
    for (const token of [fot, nrt, blk]) {
      await token.mint(s.address, 10_000n * ONE);
      await token.connect(s).approve(lendingAddress, ethers.MaxUint256);
    }
  }
  await frozen.mint(fx.borrower.address, 1n);
  await frozen.setFrozen(true);
  await locked.mint(fx.borrower.address, 1n);
  for (const nft of [frozen, locked]) await nft.connect(fx.borrower).setApprovalForAll(lendingAddress, true);
  return { ...fx, fot, nrt, blk, frozen, locked };
}

const nft = (token: { target: unknown }, id = 1n): Partial<Terms> => ({
  collateralToken: token.target as string,
  collateralKind: CollateralKind.ERC721,
  collateralAmount: 0n,
  collateralId: id,
});

describe("Lending: acceptance moves (LN-A3, LN-A4, LN-A5)", function () {
  describe("LN-A3 collateral", function () {
    it("LN-A3: ERC20 collateral moves from the borrower to Lending", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      await expect(accept(fx, s)).to.changeTokenBalances(
        fx.wbtc,
        [fx.borrower, fx.lending, fx.lender],
        [-2n * ONE, 2n * ONE, 0n],
      );
    });

    it("LN-A3: fee-on-transfer collateral reverts LendingTransferShortfall and the nonce stays unused", async function () {
      const fx = await loadFixture(oddTokens);
      const s = await signedOffer(fx, { collateralToken: fx.fot.target as string });
      await expect(accept(fx, s))
        .to.be.revertedWithCustomError(fx.lending, "LendingTransferShortfall")
        .withArgs(fx.fot.target, 2n * ONE, (2n * ONE * 9_900n) / 10_000n);
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
    });

    it("LN-A3, LN-A4: a token whose transfers return nothing works as collateral and as principal", async function () {
      const fx = await loadFixture(oddTokens);
      const asCollateral = await signedOffer(fx, { collateralToken: fx.nrt.target as string, collateralAmount: 5n });
      await expect(accept(fx, asCollateral)).to.changeTokenBalances(fx.nrt, [fx.borrower, fx.lending], [-5n, 5n]);
      const asPrincipal = await signedOffer(
        fx,
        { principalToken: fx.nrt.target as string, principal: 7n },
        { nonce: 2n },
      );
      await expect(accept(fx, asPrincipal)).to.changeTokenBalances(fx.nrt, [fx.lender, fx.borrower], [-7n, 7n]);
      expect((await fx.lending.loanOf(asPrincipal.loanId)).status).to.equal(Status.Active);
    });

    it("LN-A3: ERC721 collateral moves to Lending (ownerOf)", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, nft(fx.nft, 2n));
      await accept(fx, s);
      expect(await fx.nft.ownerOf(2n)).to.equal(await fx.lending.getAddress());
      expect(await fx.nft.balanceOf(fx.borrower.address)).to.equal(3n);
    });

    it("LN-A3: an NFT the borrower does not own, or has not approved, reverts with the collection's error", async function () {
      const fx = await loadFixture(deployLending);
      const lendingAddress = await fx.lending.getAddress();
      await fx.nft.mint(fx.other.address, 9n);
      await fx.nft.connect(fx.other).setApprovalForAll(lendingAddress, true);
      const notOwned = await signedOffer(fx, nft(fx.nft, 9n), { nonce: 1n });
      await expect(accept(fx, notOwned))
        .to.be.revertedWithCustomError(fx.nft, "ERC721IncorrectOwner")
        .withArgs(fx.borrower.address, 9n, fx.other.address);
      await fx.nft.connect(fx.borrower).setApprovalForAll(lendingAddress, false);
      const notApproved = await signedOffer(fx, nft(fx.nft, 1n), { nonce: 2n });
      await expect(accept(fx, notApproved))
        .to.be.revertedWithCustomError(fx.nft, "ERC721InsufficientApproval")
        .withArgs(lendingAddress, 1n);
      expect(await fx.nft.ownerOf(9n)).to.equal(fx.other.address);
      expect(await fx.lending.nonceUsed(fx.lender.address, 1n)).to.equal(false);
    });

    it("LN-A3: an NFT whose transferFrom succeeds without moving it reverts LendingTransferShortfall(token, 1, 0)", async function () {
      const fx = await loadFixture(oddTokens);
      const s = await signedOffer(fx, nft(fx.frozen));
      await expect(accept(fx, s))
        .to.be.revertedWithCustomError(fx.lending, "LendingTransferShortfall")
        .withArgs(fx.frozen.target, 1n, 0n);
    });
  });

  describe("LN-A4 principal", function () {
    it("LN-A4: an ERC20 principal goes straight from the lender to the borrower", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      const tx = accept(fx, s);
      await expect(tx).to.changeTokenBalances(fx.usd, [fx.lender, fx.borrower, fx.lending], [-P, P, 0n]);
      await expect(tx).to.emit(fx.usd, "Transfer").withArgs(fx.lender.address, fx.borrower.address, P);
    });

    it("LN-A4: a fee-on-transfer principal reverts LendingTransferShortfall, measured on the borrower's balance", async function () {
      const fx = await loadFixture(oddTokens);
      const s = await signedOffer(fx, { principalToken: fx.fot.target as string });
      await expect(accept(fx, s))
        .to.be.revertedWithCustomError(fx.lending, "LendingTransferShortfall")
        .withArgs(fx.fot.target, P, (P * 9_900n) / 10_000n);
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
    });

    it("LN-A4: an ETH offer lends from the lender's deposit, which keeps the rest", async function () {
      const fx = await loadFixture(deployLending);
      await expect(fx.lending.connect(fx.lender).deposit({ value: P + 5n }))
        .to.emit(fx.lending, "Deposited")
        .withArgs(fx.lender.address, P + 5n);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(P + 5n);
      const s = await signedOffer(fx, { principalToken: ETH });
      await expect(accept(fx, s)).to.changeEtherBalances([fx.borrower, fx.lending, fx.lender], [P, -P, 0n]);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(5n);
    });

    it("LN-A4: an ETH offer beyond the deposit reverts LendingInsufficientDeposit and the nonce stays unused", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, { principalToken: ETH });
      await expect(accept(fx, s))
        .to.be.revertedWithCustomError(fx.lending, "LendingInsufficientDeposit")
        .withArgs(0n, P);
      await fx.lending.connect(fx.lender).deposit({ value: P - 1n });
      await expect(accept(fx, s))
        .to.be.revertedWithCustomError(fx.lending, "LendingInsufficientDeposit")
        .withArgs(P - 1n, P);
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
      await fx.lending.connect(fx.lender).deposit({ value: 1n });
      await accept(fx, s);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(0n);
    });

    it("LN-A4: a deposit of 0 reverts LendingZeroAmount", async function () {
      const fx = await loadFixture(deployLending);
      await expect(fx.lending.connect(fx.lender).deposit({ value: 0n })).to.be.revertedWithCustomError(
        fx.lending,
        "LendingZeroAmount",
      );
    });

    it("LN-A4: withdrawDeposit refuses 0 and this contract as recipient, 0 amounts and more than the deposit", async function () {
      const fx = await loadFixture(deployLending);
      await fx.lending.connect(fx.lender).deposit({ value: 100n });
      const w = (amount: bigint, to: string) => fx.lending.connect(fx.lender).withdrawDeposit(amount, to);
      for (const to of [ZeroAddress, await fx.lending.getAddress()]) {
        await expect(w(1n, to)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidRecipient");
      }
      await expect(w(0n, fx.other.address)).to.be.revertedWithCustomError(fx.lending, "LendingZeroAmount");
      await expect(w(101n, fx.other.address))
        .to.be.revertedWithCustomError(fx.lending, "LendingInsufficientDeposit")
        .withArgs(100n, 101n);
      await expect(fx.lending.connect(fx.other).withdrawDeposit(1n, fx.other.address))
        .to.be.revertedWithCustomError(fx.lending, "LendingInsufficientDeposit")
        .withArgs(0n, 1n);
    });

    it("LN-A4: withdrawDeposit sends the amount to the recipient and lowers the deposit", async function () {
      const fx = await loadFixture(deployLending);
      await fx.lending.connect(fx.lender).deposit({ value: 100n });
      const tx = fx.lending.connect(fx.lender).withdrawDeposit(60n, fx.other.address);
      await expect(tx).to.emit(fx.lending, "DepositWithdrawn").withArgs(fx.lender.address, fx.other.address, 60n);
      await expect(tx).to.changeEtherBalances([fx.other, fx.lending], [60n, -60n]);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(40n);
      await fx.lending.connect(fx.lender).withdrawDeposit(40n, fx.lender.address);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(0n);
    });

    it("LN-A4: an ETH request is funded by msg.value == principal, not from the lender's deposit", async function () {
      const fx = await loadFixture(deployLending);
      await fx.lending.connect(fx.lender).deposit({ value: 7n });
      const r = await signedRequest(fx, { principalToken: ETH });
      const tx = fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature, { value: P });
      await expect(tx).to.changeEtherBalances([fx.lender, fx.borrower, fx.lending], [-P, P, 0n]);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(7n);
    });

    it("LN-A4: an ETH request with msg.value other than the principal reverts LendingValueMismatch", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx, { principalToken: ETH });
      for (const value of [0n, P - 1n, P + 1n]) {
        await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature, { value }))
          .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
          .withArgs(value, P);
      }
    });

    it("LN-A4: an ERC20 request with msg.value reverts LendingValueMismatch(value, 0)", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx);
      await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature, { value: 1n }))
        .to.be.revertedWithCustomError(fx.lending, "LendingValueMismatch")
        .withArgs(1n, 0n);
    });

    it("LN-A4: a borrower that refuses ETH is credited the principal, which it withdraws later", async function () {
      const fx = await loadFixture(deployWithWallet);
      await fx.wallet.setRejectEth(true);
      await fx.lending.connect(fx.lender).deposit({ value: P });
      const s = await signedOffer(fx, { principalToken: ETH });
      const data = fx.lending.interface.encodeFunctionData("acceptOffer", [s.offer, s.signature, 0n]);
      const tx = fx.wallet.connect(fx.walletOwner).execute(fx.lending.target, 0n, data);
      await expect(tx).to.emit(fx.lending, "PaymentCredited").withArgs(fx.walletAddress, ETH, P);
      await expect(tx).to.changeEtherBalances([fx.walletAddress, fx.lending], [0n, 0n]);
      expect(await fx.lending.creditOf(ETH, fx.walletAddress)).to.equal(P);
      expect(await fx.lending.depositOf(fx.lender.address)).to.equal(0n);
      expect((await fx.lending.loanOf(s.loanId)).borrower).to.equal(fx.walletAddress);
      const withdraw = fx.lending.interface.encodeFunctionData("withdraw", [ETH, fx.other.address]);
      await expect(fx.wallet.connect(fx.walletOwner).execute(fx.lending.target, 0n, withdraw)).to.changeEtherBalances(
        [fx.other, fx.lending],
        [P, -P],
      );
    });
  });

  describe("LN-A5 a token that refuses", function () {
    it("LN-A5: a principal token blocklisting the borrower reverts the acceptance: nothing happened, the nonce is unused", async function () {
      const fx = await loadFixture(oddTokens);
      await fx.blk.setBlocked(fx.borrower.address, true);
      const s = await signedOffer(fx, { principalToken: fx.blk.target as string });
      await expect(accept(fx, s)).to.be.revertedWithCustomError(fx.blk, "Blocked").withArgs(fx.borrower.address);
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
      expect((await fx.lending.loanOf(s.loanId)).status).to.equal(Status.None);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(0n);
      expect(await fx.wbtc.balanceOf(await fx.lending.getAddress())).to.equal(0n);
      await expect(fx.lending.ownerOf(s.loanId))
        .to.be.revertedWithCustomError(fx.lending, "ERC721NonexistentToken")
        .withArgs(s.loanId);
      // Once unblocked, the same signature opens the loan.
      await fx.blk.setBlocked(fx.borrower.address, false);
      await expect(accept(fx, s)).to.changeTokenBalances(fx.blk, [fx.lender, fx.borrower], [-P, P]);
      expect((await fx.lending.loanOf(s.loanId)).status).to.equal(Status.Active);
    });

    it("LN-A5: a collateral token refusing Lending reverts the acceptance and the nonce stays unused", async function () {
      const fx = await loadFixture(oddTokens);
      const lendingAddress = await fx.lending.getAddress();
      await fx.blk.setBlocked(lendingAddress, true);
      const erc20 = await signedOffer(fx, { collateralToken: fx.blk.target as string }, { nonce: 1n });
      await expect(accept(fx, erc20)).to.be.revertedWithCustomError(fx.blk, "Blocked").withArgs(lendingAddress);
      await fx.locked.setLocked(true);
      const erc721 = await signedOffer(fx, nft(fx.locked), { nonce: 2n });
      await expect(accept(fx, erc721)).to.be.revertedWithCustomError(fx.locked, "LendingAcceptNFTLocked").withArgs(1n);
      for (const nonce of [1n, 2n]) expect(await fx.lending.nonceUsed(fx.lender.address, nonce)).to.equal(false);
      expect(await fx.usd.balanceOf(fx.borrower.address)).to.equal(1_000_000n * ONE);
      await fx.locked.setLocked(false);
      await accept(fx, erc721);
      expect(await fx.locked.ownerOf(1n)).to.equal(lendingAddress);
    });
  });
});
