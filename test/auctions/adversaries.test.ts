// Adversaries (docs/auctions.md AU-E5, AU-E6, AU-L3, AU-L4, AU-S1, AU-S2): reverting, re-entering and gas-burning
// bidders never block a later bid; a winner that cannot receive the lot never blocks the settle; fee-on-transfer,
// no-return and blocklisting tokens; forced ETH and donations never counted.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { AuctionParty, MockAccount } from "../../typechain-types";
import { underCoverage } from "../helpers/coverage";
import { DAY, ENGLISH, ETH, LotKind, ONE, auctionsFixture, bidEth, createEnglish } from "../helpers/auctions";

async function withAccounts() {
  const f = await auctionsFixture();
  const [, , , , , , , , acctOwner] = await ethers.getSigners();
  const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: 100n * ONE });
  const party = await ethers.deployContract("AuctionParty", [acctOwner.address], { value: 100n * ONE });
  const lean = await ethers.deployContract("LeanReentrantReceiver", [], { value: 0n });
  const id = await createEnglish(f, f.nftLot(1n));
  const as = (c: MockAccount | AuctionParty, value: bigint, data: string) =>
    c.connect(acctOwner).execute(f.address, value, data, { value });
  const bidData = (auctionId: bigint, amount: bigint, fromCredit = 0n) =>
    f.auctions.interface.encodeFunctionData("bid", [auctionId, amount, fromCredit]);
  return { ...f, acct, party, lean, acctOwner, id, as, bidData };
}

describe("Auctions: adversaries", function () {
  describe("AU-E5: bidders that refuse their refund", function () {
    it("AU-E5: a reverting outbid bidder is credited and the later bid goes through; it withdraws the credit", async function () {
      const f = await loadFixture(withAccounts);
      await f.acct.setRejectEth(true);
      await f.as(f.acct, ONE, f.bidData(f.id, ONE));
      await expect(bidEth(f.auctions, f.bob, f.id, 2n * ONE))
        .to.emit(f.auctions, "PaymentCredited")
        .withArgs(await f.acct.getAddress(), ETH, ONE);
      expect(await f.auctions.creditOf(ETH, await f.acct.getAddress())).to.equal(ONE);
      await f.acct.setRejectEth(false);
      const withdraw = f.auctions.interface.encodeFunctionData("withdraw", [ETH, f.carol.address]);
      await expect(f.as(f.acct, 0n, withdraw)).to.changeEtherBalance(f.carol, ONE);
    });

    it("AU-E5: a credit withdrawn to address(0) or to the Auctions contract itself reverts (InvalidRecipient); it stays", async function () {
      const f = await loadFixture(withAccounts);
      await f.acct.setRejectEth(true);
      await f.as(f.acct, ONE, f.bidData(f.id, ONE));
      await bidEth(f.auctions, f.bob, f.id, 2n * ONE);
      for (const to of [ethers.ZeroAddress, await f.auctions.getAddress()]) {
        const withdraw = f.auctions.interface.encodeFunctionData("withdraw", [ETH, to]);
        await expect(f.as(f.acct, 0n, withdraw)).to.be.revertedWithCustomError(
          f.auctions,
          "PullPaymentsInvalidRecipient",
        );
      }
      expect(await f.auctions.creditOf(ETH, await f.acct.getAddress())).to.equal(ONE);
    });

    it("AU-E6: an outbid bidder bids again from its credit plus msg.value in one transaction", async function () {
      const f = await loadFixture(withAccounts);
      await f.acct.setRejectEth(true);
      await f.as(f.acct, ONE, f.bidData(f.id, ONE));
      await bidEth(f.auctions, f.bob, f.id, 2n * ONE);
      const acct = await f.acct.getAddress();
      // 3 ETH = 1 ETH of credit + 2 ETH sent.
      await expect(f.as(f.acct, 2n * ONE, f.bidData(f.id, 3n * ONE, ONE)))
        .to.emit(f.auctions, "CreditUsed")
        .withArgs(acct, ETH, ONE);
      expect(await f.auctions.creditOf(ETH, acct)).to.equal(0n);
      expect((await f.auctions.englishOf(f.id)).bidder).to.equal(acct);
    });

    it("AU-E5: a gas-burning outbid bidder costs the later bidder at most the 50,000-gas push", async function () {
      const f = await loadFixture(withAccounts);
      await f.acct.setBurnGas(true);
      await f.as(f.acct, ONE, f.bidData(f.id, ONE));
      const tx = await bidEth(f.auctions, f.bob, f.id, 2n * ONE);
      const receipt = await tx.wait();
      // The instrumented build (coverage, mutation) adds gas of its own: the bound holds on the real build only; the
      // credit still proves the burning bidder did not block the bid.
      if (!underCoverage()) expect(receipt!.gasUsed).to.be.lessThan(120_000n);
      expect(await f.auctions.creditOf(ETH, await f.acct.getAddress())).to.equal(ONE);
    });

    it("AU-S2: a bidder re-entering bid, settle or withdraw from its refund is stopped by the guard; its push still lands", async function () {
      const f = await loadFixture(withAccounts);
      const lean = await f.lean.getAddress();
      for (const data of [
        f.bidData(f.id, 5n * ONE),
        f.auctions.interface.encodeFunctionData("settle", [f.id]),
        f.auctions.interface.encodeFunctionData("withdraw", [ETH, lean]),
      ]) {
        const fresh = await ethers.deployContract("LeanReentrantReceiver");
        const addr = await fresh.getAddress();
        const high = (await f.auctions.englishOf(f.id)).amount;
        const mine = high === 0n ? ONE : high * 2n;
        await fresh.execute(f.address, mine, f.bidData(f.id, mine), { value: mine });
        await fresh.arm(f.address, data);
        const guard = f.auctions.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
        const before = await ethers.provider.getBalance(addr);
        await expect(bidEth(f.auctions, f.bob, f.id, mine * 2n))
          .to.emit(fresh, "Reentered")
          .withArgs(false, guard);
        expect(await ethers.provider.getBalance(addr)).to.equal(before + mine);
        expect(await f.auctions.creditOf(ETH, addr)).to.equal(0n);
      }
    });
  });

  describe("AU-L3/AU-L4: a winner that cannot receive the lot", function () {
    it("AU-L3: a contract winner without onERC721Received: the seller is paid, the lot becomes its claim; AU-L4 it claims it elsewhere", async function () {
      const f = await loadFixture(withAccounts);
      const acct = await f.acct.getAddress();
      await f.as(f.acct, ONE, f.bidData(f.id, ONE));
      await time.increase(DAY);
      const tx = f.auctions.connect(f.keeper).settle(f.id);
      await expect(tx).to.changeEtherBalance(f.seller, ONE);
      await expect(tx).to.emit(f.auctions, "LotClaimable").withArgs(f.id, acct);
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
      expect(await f.auctions.lotClaimantOf(f.id)).to.equal(acct);
      await expect(f.auctions.connect(f.alice).claimLot(f.id, f.alice.address)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsNothingToClaim",
      );
      const claim = f.auctions.interface.encodeFunctionData("claimLot", [f.id, f.carol.address]);
      await expect(f.as(f.acct, 0n, claim))
        .to.emit(f.auctions, "LotClaimed")
        .withArgs(f.id, acct, f.carol.address);
      expect(await f.nft.ownerOf(1n)).to.equal(f.carol.address);
      await expect(f.as(f.acct, 0n, claim)).to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim");
    });

    it("AU-L3: a winner whose callback burns the gas: settle with enough gas falls back to a claim; with too little reverts AuctionsInsufficientGas", async function () {
      const f = await loadFixture(withAccounts);
      await f.as(f.party, ONE, f.bidData(f.id, ONE));
      await f.party.setMode(2);
      await time.increase(DAY);
      await expect(f.auctions.connect(f.keeper).settle(f.id, { gasLimit: 250_000n })).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsInsufficientGas",
      );
      await expect(f.auctions.connect(f.keeper).settle(f.id, { gasLimit: 1_000_000n }))
        .to.emit(f.auctions, "LotClaimable")
        .withArgs(f.id, await f.party.getAddress());
    });

    it("AU-S2: a winner re-entering from onERC721Received is stopped by the guard and still gets the lot", async function () {
      const f = await loadFixture(withAccounts);
      await f.as(f.party, ONE, f.bidData(f.id, ONE));
      await f.party.arm(f.address, f.auctions.interface.encodeFunctionData("cancel", [f.id]));
      await time.increase(DAY);
      const guard = f.auctions.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      await expect(f.auctions.settle(f.id)).to.emit(f.party, "Reentered").withArgs(false, guard);
      expect(await f.nft.ownerOf(1n)).to.equal(await f.party.getAddress());
    });

    it("AU-L3: an ERC20 lot to a blocklisted winner becomes its claim; a blocklisted seller's ERC20 proceeds are credited", async function () {
      const f = await loadFixture(withAccounts);
      const blk = await ethers.deployContract("BlocklistToken");
      const blkAddr = await blk.getAddress();
      await blk.mint(f.seller.address, 10n * ONE);
      await blk.mint(f.bob.address, 10n * ONE);
      await blk.connect(f.seller).approve(f.address, ethers.MaxUint256);
      await blk.connect(f.bob).approve(f.address, ethers.MaxUint256);
      const lotId = await createEnglish(f, { kind: LotKind.ERC20, token: blkAddr, id: 0n, amount: 5n * ONE });
      await bidEth(f.auctions, f.alice, lotId, ONE);
      const bidId = await createEnglish(f, f.nftLot(2n), { bidToken: blkAddr });
      await f.auctions.connect(f.bob).bid(bidId, 2n * ONE, 0n);
      await blk.setBlocked(f.alice.address, true);
      await blk.setBlocked(f.seller.address, true);
      await time.increase(DAY);
      await expect(f.auctions.settle(lotId)).to.emit(f.auctions, "LotClaimable").withArgs(lotId, f.alice.address);
      await expect(f.auctions.settle(bidId))
        .to.emit(f.auctions, "PaymentCredited")
        .withArgs(f.seller.address, blkAddr, 2n * ONE);
      expect(await f.nft.ownerOf(2n)).to.equal(f.bob.address);
      await f.auctions.connect(f.alice).claimLot(lotId, f.carol.address);
      expect(await blk.balanceOf(f.carol.address)).to.equal(5n * ONE);
    });
  });

  describe("AU-E6/AU-S1: tokens and balances the contract does not count", function () {
    it("AU-E6: a fee-on-transfer bid token is refused with AuctionsTransferShortfall", async function () {
      const f = await loadFixture(auctionsFixture);
      const fot = await ethers.deployContract("FeeOnTransferToken", [100n]);
      await fot.mint(f.alice.address, 10n * ONE);
      await fot.connect(f.alice).approve(f.address, ethers.MaxUint256);
      const id = await createEnglish(f, f.nftLot(1n), { bidToken: await fot.getAddress() });
      await expect(f.auctions.connect(f.alice).bid(id, ONE, 0n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
        .withArgs(await fot.getAddress(), ONE, (ONE * 9_900n) / 10_000n);
    });

    it("AU-E5: a no-return (USDT-style) bid token: bids pulled, refunds and proceeds paid", async function () {
      const f = await loadFixture(auctionsFixture);
      const nrt = await ethers.deployContract("NoReturnToken");
      for (const b of [f.alice, f.bob]) {
        await nrt.mint(b.address, 10n * ONE);
        await nrt.connect(b).approve(f.address, ethers.MaxUint256);
      }
      const id = await createEnglish(f, f.nftLot(1n), { bidToken: await nrt.getAddress() });
      await f.auctions.connect(f.alice).bid(id, ONE, 0n);
      await f.auctions.connect(f.bob).bid(id, 2n * ONE, 0n);
      expect(await nrt.balanceOf(f.alice.address)).to.equal(10n * ONE);
      await time.increase(DAY);
      await f.auctions.settle(id);
      expect(await nrt.balanceOf(f.seller.address)).to.equal(2n * ONE);
      expect(await nrt.balanceOf(f.address)).to.equal(0n);
    });

    it("AU-S1: forced ETH and donated tokens change no record: exact values still required, exact amounts paid", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n), { reserve: ONE, ...{ incrementBps: ENGLISH.incrementBps } });
      await (await ethers.getContractFactory("ForceSend")).deploy(f.address, { value: 5n * ONE });
      await f.token.connect(f.stranger).transfer(f.address, 7n * ONE);
      expect(await ethers.provider.getBalance(f.address)).to.equal(5n * ONE);
      await expect(f.auctions.connect(f.alice).bid(id, ONE, 0n)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsValueMismatch",
      );
      await bidEth(f.auctions, f.alice, id, ONE);
      await time.increase(DAY);
      await expect(f.auctions.settle(id)).to.changeEtherBalance(f.seller, ONE);
      expect(await ethers.provider.getBalance(f.address)).to.equal(5n * ONE);
      expect(await f.auctions.feesOf(ETH)).to.equal(0n);
      expect(await f.auctions.creditOf(f.tokenAddress, f.stranger.address)).to.equal(0n);
      expect(await f.token.balanceOf(f.address)).to.equal(7n * ONE);
    });
  });
});
