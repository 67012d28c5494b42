// Rules whose less travelled paths no other suite reaches (docs/auctions.md AU-L1, AU-L2, AU-L4, AU-L5, AU-E6, AU-V4, AU-D1,
// AU-X1, AU-S2): NFTs that call the receiver hook in transferFrom, a token whose balance shrinks on transfer, a bid
// wholly from credit, a zero-reserve sealed auction, the wrong kind of auction, and a token re-entering every guarded
// function of the contract.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DUTCH,
  ENGLISH,
  ETH,
  LotKind,
  MAX_DURATION,
  ONE,
  SEALED,
  auctionsFixture,
  commitEth,
  createDutch,
  createEnglish,
  createSealed,
} from "../helpers/auctions";

async function withMocks() {
  const f = await auctionsFixture();
  const hookNft = await ethers.deployContract("CoverageHookNFT");
  const shrinking = await ethers.deployContract("CoverageShrinkingToken");
  const reentrant = await ethers.deployContract("ReentrantToken");
  const blocklist = await ethers.deployContract("BlocklistToken");
  for (const t of [shrinking, reentrant, blocklist]) {
    for (const who of [f.seller, f.alice, f.bob]) {
      await t.mint(who.address, 1_000n * ONE);
      await t.connect(who).approve(f.address, ethers.MaxUint256);
    }
  }
  await hookNft.mint(f.seller.address, 1n);
  await hookNft.mint(f.stranger.address, 2n);
  await hookNft.connect(f.seller).setApprovalForAll(f.address, true);
  return { ...f, hookNft, shrinking, reentrant, blocklist };
}

describe("Auctions: coverage gaps", function () {
  describe("AU-L1, AU-L2: lots", function () {
    it("AU-L1/AU-L2: an ERC721 that calls onERC721Received in transferFrom is escrowed (the contract is the operator)", async function () {
      const f = await loadFixture(withMocks);
      const lot = { kind: LotKind.ERC721, token: await f.hookNft.getAddress(), id: 1n, amount: 1n };
      const id = await createEnglish(f, lot);
      expect(await f.hookNft.ownerOf(1n)).to.equal(f.address);
      expect((await f.auctions.lotOf(id)).token).to.equal(lot.token);
    });

    it("AU-L2: the same hook NFT sent by another operator's transferFrom reverts AuctionsUnsolicitedTransfer", async function () {
      const f = await loadFixture(withMocks);
      await expect(
        f.hookNft.connect(f.stranger).transferFrom(f.stranger.address, f.address, 2n),
      ).to.be.revertedWithCustomError(f.auctions, "AuctionsUnsolicitedTransfer");
      expect(await f.hookNft.ownerOf(2n)).to.equal(f.stranger.address);
    });

    it("AU-L2: supportsInterface answers true for IERC1155Receiver and IERC165, false for anything else", async function () {
      const f = await loadFixture(withMocks);
      expect(await f.auctions.supportsInterface("0x4e2312e0")).to.equal(true); // IERC1155Receiver
      expect(await f.auctions.supportsInterface("0x01ffc9a7")).to.equal(true); // IERC165
      expect(await f.auctions.supportsInterface("0xffffffff")).to.equal(false); // ERC-165's reserved "invalid" id
      expect(await f.auctions.supportsInterface("0x80ac58cd")).to.equal(false); // IERC721: never a lot holder by it
    });

    it("AU-L1: an ERC20 lot whose transferFrom leaves the contract's balance lower reverts TransferShortfall(received 0)", async function () {
      const f = await loadFixture(withMocks);
      const token = await f.shrinking.getAddress();
      const lot = (amount: bigint) => ({ kind: LotKind.ERC20, token, id: 0n, amount });
      await createEnglish(f, lot(10n * ONE)); // the contract now holds 10 of it
      await f.shrinking.setShrink(ONE);
      await expect(f.auctions.connect(f.seller).createEnglish(lot(5n * ONE), { bidToken: ETH, ...ENGLISH }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
        .withArgs(token, 5n * ONE, 0n);
      expect(await f.shrinking.balanceOf(f.address)).to.equal(10n * ONE);
    });
  });

  describe("AU-L4: claimLot", function () {
    it("AU-L4: a call from address(0) on an auction without a claimant reverts NothingToClaim (the lot stays held)", async function () {
      const f = await loadFixture(withMocks);
      const id = await createEnglish(f, f.nftLot(1n));
      expect(await f.auctions.lotClaimantOf(id)).to.equal(ethers.ZeroAddress);
      // An unset claimant reads as address(0): only the explicit check stops a zero-sender call from taking the lot.
      const data = f.auctions.interface.encodeFunctionData("claimLot", [id, f.stranger.address]);
      const call = ethers.provider.call({ from: ethers.ZeroAddress, to: f.address, data });
      await expect(call).to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim").withArgs(id);
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    });
  });

  describe("AU-E6: a bid wholly from credit", function () {
    it("AU-E6: an ERC20 bid with fromCredit = amount pulls nothing from the bidder and spends the credit", async function () {
      const f = await loadFixture(withMocks);
      const token = await f.blocklist.getAddress();
      const first = await createEnglish(f, f.nftLot(1n), { bidToken: token });
      await f.auctions.connect(f.alice).bid(first, ONE, 0n);
      // Alice cannot receive her refund: it becomes her credit.
      await f.blocklist.setBlocked(f.alice.address, true);
      await f.auctions.connect(f.bob).bid(first, 2n * ONE, 0n);
      await f.blocklist.setBlocked(f.alice.address, false);
      expect(await f.auctions.creditOf(token, f.alice.address)).to.equal(ONE);
      const second = await createEnglish(f, f.nftLot(2n), { bidToken: token });
      const before = await f.blocklist.balanceOf(f.alice.address);
      await expect(f.auctions.connect(f.alice).bid(second, ONE, ONE))
        .to.emit(f.auctions, "CreditUsed")
        .withArgs(f.alice.address, token, ONE);
      expect(await f.blocklist.balanceOf(f.alice.address)).to.equal(before);
      expect(await f.auctions.creditOf(token, f.alice.address)).to.equal(0n);
      const e = await f.auctions.englishOf(second);
      expect([e.bidder, e.amount]).to.deep.equal([f.alice.address, ONE]);
    });
  });

  describe("AU-V4: a zero reserve", function () {
    it("AU-V4: with reserve 0 a revealed 0 does not compete; a revealed 1 wei becomes the highest", async function () {
      const f = await loadFixture(withMocks);
      const { id, commitEnd } = await createSealed(f, f.nftLot(1n), { reserve: 0n });
      const aliceSalt = await commitEth(f, f.alice, id, 0n, ONE);
      const bobSalt = await commitEth(f, f.bob, id, 1n, ONE);
      await time.increaseTo(commitEnd);
      await f.auctions.connect(f.alice).reveal(id, 0n, aliceSalt);
      let s = await f.auctions.sealedOf(id);
      expect(s.bidder).to.equal(ethers.ZeroAddress);
      await f.auctions.connect(f.bob).reveal(id, 1n, bobSalt);
      s = await f.auctions.sealedOf(id);
      expect([s.bidder, s.highest, s.second]).to.deep.equal([f.bob.address, 1n, 0n]);
    });
  });

  describe("AU-L5: Dutch parameters", function () {
    it("AU-L5: createDutch refuses each out-of-range parameter with AuctionsInvalidParameters; the bounds themselves pass", async function () {
      const f = await loadFixture(withMocks);
      const bad: Partial<typeof DUTCH>[] = [
        { duration: 0n },
        { duration: MAX_DURATION + 1n },
        { floorDuration: MAX_DURATION + 1n },
        { floorPrice: 0n, startPrice: ONE },
        { startPrice: ONE, floorPrice: ONE + 1n },
      ];
      for (const o of bad) {
        await expect(
          f.auctions.connect(f.seller).createDutch(f.nftLot(1n), { bidToken: ETH, ...DUTCH, ...o }),
          Object.keys(o).join(","),
        ).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidParameters");
      }
      const edge = { duration: MAX_DURATION, floorDuration: MAX_DURATION, startPrice: ONE, floorPrice: ONE };
      await expect(f.auctions.connect(f.seller).createDutch(f.nftLot(1n), { bidToken: ETH, ...edge })).to.emit(
        f.auctions,
        "AuctionCreated",
      );
    });
  });

  describe("AU-X1, AU-D1: the wrong kind of auction", function () {
    it("AU-X1: cancel of an id that was never created reverts AuctionsWrongKind", async function () {
      const f = await loadFixture(withMocks);
      const id = await f.auctions.nextAuctionId();
      await expect(f.auctions.connect(f.seller).cancel(id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind")
        .withArgs(id);
    });

    it("AU-D1: priceOf an English auction or of a missing id reverts AuctionsWrongKind", async function () {
      const f = await loadFixture(withMocks);
      const english = await createEnglish(f, f.nftLot(1n));
      for (const id of [english, english + 1n]) {
        await expect(f.auctions.priceOf(id))
          .to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind")
          .withArgs(id);
      }
    });
  });

  describe("AU-S2: every value-moving function is guarded", function () {
    it("AU-S2: a bid token re-entering createEnglish, createDutch, createSealed, buy, commit, reclaim, claimLot or collectFees from the bid's pull is stopped by the guard", async function () {
      const f = await loadFixture(withMocks);
      const token = await f.reentrant.getAddress();
      const dutch = (await createDutch(f, f.nftLot(2n))).id;
      const sealed = (await createSealed(f, f.nftLot(3n))).id;
      const erc20 = f.erc20Lot(ONE);
      const calls: [string, unknown[]][] = [
        ["createEnglish", [erc20, { bidToken: ETH, ...ENGLISH }]],
        ["createDutch", [erc20, { bidToken: ETH, ...DUTCH }]],
        ["createSealed", [erc20, { bidToken: ETH, ...SEALED }]],
        ["buy", [dutch]],
        ["commit", [sealed, ethers.ZeroHash, ONE]],
        ["reclaim", [sealed]],
        ["claimLot", [dutch, f.alice.address]],
        ["collectFees", [ETH]],
      ];
      const guard = f.auctions.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      let nft = 10n;
      const firstId = await f.auctions.nextAuctionId();
      for (const [name, args] of calls) {
        const id = await createEnglish(f, f.nftLot(nft++), { bidToken: token });
        await f.reentrant.arm(f.address, f.auctions.interface.encodeFunctionData(name as never, args as never), true);
        await f.auctions.connect(f.alice).bid(id, ONE, 0n);
        expect(await f.reentrant.attempted(), name).to.equal(true);
        expect(await f.reentrant.reentrySucceeded(), name).to.equal(false);
        expect(await f.reentrant.reentryReturn(), name).to.equal(guard);
        // The outer bid still went through whole.
        expect((await f.auctions.englishOf(id)).bidder, name).to.equal(f.alice.address);
      }
      // Only the eight outer auctions exist: no re-entered creation survived.
      expect(await f.auctions.nextAuctionId()).to.equal(firstId + BigInt(calls.length));
    });
  });
});
