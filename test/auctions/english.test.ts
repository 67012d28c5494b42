// English auctions (docs/auctions.md AU-E1…AU-E7, AU-X1): reserve, increment, the timer from the first bid, the
// anti-sniping extension, pushed refunds, bids from credit, settle and cancel, every deadline at t-1, t, t+1.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ENGLISH,
  ETH,
  ONE,
  State,
  auctionsFixture,
  bidEth,
  createEnglish,
  nextMinimum,
  type Fixture,
} from "../helpers/auctions";
import { now } from "../helpers/escrow";

async function withFirstBid() {
  const f = await auctionsFixture();
  const id = await createEnglish(f, f.nftLot(1n));
  await bidEth(f.auctions, f.alice, id, ONE);
  const end = (await f.auctions.englishOf(id)).end;
  return { ...f, id, end };
}

describe("Auctions: English", function () {
  describe("AU-E1/AU-E2: the first bid", function () {
    it("AU-E1: reverts with AuctionsBidTooLow when the first bid is below the reserve", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await expect(bidEth(f.auctions, f.alice, id, ONE - 1n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsBidTooLow")
        .withArgs(ONE - 1n, ONE);
    });

    it("AU-E1: a zero reserve still refuses a bid of 0 (minimum 1)", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n), { reserve: 0n });
      await expect(bidEth(f.auctions, f.alice, id, 0n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsBidTooLow")
        .withArgs(0n, 1n);
      expect(await f.auctions.minimumBidOf(id)).to.equal(1n);
      await bidEth(f.auctions, f.alice, id, 1n);
    });

    it("AU-E2: the timer starts with the first bid: end = its block's time + duration", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      expect((await f.auctions.englishOf(id)).end).to.equal(DAY); // the duration, before any bid
      await time.increase(10n * DAY); // no bid: the auction does not end
      const t = (await now()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(bidEth(f.auctions, f.alice, id, ONE))
        .to.emit(f.auctions, "BidPlaced")
        .withArgs(id, f.alice.address, ONE, t + DAY);
      expect((await f.auctions.englishOf(id)).end).to.equal(t + DAY);
    });
  });

  describe("AU-E3/AU-E4: later bids, increment and deadline", function () {
    it("AU-E3: a bid below highest + ceil(5%) reverts; exactly the minimum is accepted", async function () {
      const f = await loadFixture(withFirstBid);
      const minimum = nextMinimum(ONE, ENGLISH.incrementBps);
      expect(await f.auctions.minimumBidOf(f.id)).to.equal(minimum);
      await expect(bidEth(f.auctions, f.bob, f.id, minimum - 1n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsBidTooLow")
        .withArgs(minimum - 1n, minimum);
      await bidEth(f.auctions, f.bob, f.id, minimum);
      expect((await f.auctions.englishOf(f.id)).bidder).to.equal(f.bob.address);
    });

    it("AU-E3: the increment rounds up and is at least 1 unit", async function () {
      expect(nextMinimum(1n, 500n)).to.equal(2n);
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n), { reserve: 3n, incrementBps: 0n });
      await bidEth(f.auctions, f.alice, id, 3n);
      expect(await f.auctions.minimumBidOf(id)).to.equal(4n);
      await expect(bidEth(f.auctions, f.bob, id, 3n)).to.be.revertedWithCustomError(f.auctions, "AuctionsBidTooLow");
      await bidEth(f.auctions, f.bob, id, 4n);
    });

    for (const [label, offset, accepted] of [
      ["end-1", -1n, true],
      ["end", 0n, false],
      ["end+1", 1n, false],
    ] as const) {
      it(`AU-E3: a bid at ${label} is ${accepted ? "accepted (and extends the end)" : "refused with AuctionsEnded"}`, async function () {
        const f = await loadFixture(withFirstBid);
        await time.setNextBlockTimestamp(f.end + offset);
        const tx = bidEth(f.auctions, f.bob, f.id, 2n * ONE);
        if (accepted) {
          await expect(tx)
            .to.emit(f.auctions, "BidPlaced")
            .withArgs(f.id, f.bob.address, 2n * ONE, f.end - 1n + ENGLISH.extension);
        } else {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsEnded").withArgs(f.end);
        }
      });
    }

    for (const [label, offset, moved] of [
      ["end - extension - 1", -1n, false],
      ["end - extension", 0n, false],
      ["end - extension + 1", 1n, true],
    ] as const) {
      it(`AU-E4: a bid at ${label} ${moved ? "pushes the end to now + extension" : "leaves the end"}`, async function () {
        const f = await loadFixture(withFirstBid);
        const t = f.end - ENGLISH.extension + offset;
        await time.setNextBlockTimestamp(t);
        await bidEth(f.auctions, f.bob, f.id, 2n * ONE);
        expect((await f.auctions.englishOf(f.id)).end).to.equal(moved ? t + ENGLISH.extension : f.end);
      });
    }
  });

  describe("AU-E5/AU-E6: refunds and credit", function () {
    it("AU-E5: the outbid bidder's ETH is pushed back in the same transaction", async function () {
      const f = await loadFixture(withFirstBid);
      await expect(bidEth(f.auctions, f.bob, f.id, 2n * ONE)).to.changeEtherBalances(
        [f.alice, f.bob, f.auctions],
        [ONE, -2n * ONE, ONE],
      );
      expect(await f.auctions.creditOf(ETH, f.alice.address)).to.equal(0n);
    });

    it("AU-E5: ERC20 bids are pulled, and the outbid one transferred back", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n), { bidToken: f.tokenAddress });
      await f.auctions.connect(f.alice).bid(id, ONE, 0n);
      await expect(f.auctions.connect(f.bob).bid(id, 2n * ONE, 0n)).to.changeTokenBalances(
        f.token,
        [f.alice, f.bob, f.auctions],
        [ONE, -2n * ONE, ONE],
      );
    });

    it("AU-E6: reverts with AuctionsValueMismatch when msg.value + fromCredit is not the bid, or ETH comes with an ERC20 bid", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await expect(f.auctions.connect(f.alice).bid(id, ONE, 0n, { value: ONE - 1n }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
        .withArgs(ONE - 1n, ONE);
      const id20 = await createEnglish(f, f.nftLot(2n), { bidToken: f.tokenAddress });
      await expect(f.auctions.connect(f.alice).bid(id20, ONE, 0n, { value: 1n }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
        .withArgs(1n, 0n);
    });

    it("AU-E6: reverts with AuctionsInsufficientCredit when the credit is short, AuctionsInvalidParameters when fromCredit > amount", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await expect(f.auctions.connect(f.alice).bid(id, ONE, 1n, { value: ONE - 1n }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsInsufficientCredit")
        .withArgs(0n, 1n);
      await expect(f.auctions.connect(f.alice).bid(id, ONE, ONE + 1n)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsInvalidParameters",
      );
    });

    it("AU-E6: an amount above 96 bits reverts with AuctionsAmountTooLarge", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n), { bidToken: f.tokenAddress });
      await expect(f.auctions.connect(f.alice).bid(id, 2n ** 96n, 0n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsAmountTooLarge")
        .withArgs(2n ** 96n);
    });
  });

  describe("AU-E7: settle", function () {
    for (const [label, offset, ok] of [
      ["end-1", -1n, false],
      ["end", 0n, true],
      ["end+1", 1n, true],
    ] as const) {
      it(`AU-E7: settle at ${label} ${ok ? "pays the seller, accrues the fee, delivers the lot" : "reverts with AuctionsNotEnded"}`, async function () {
        const f = await loadFixture(auctionsFixture);
        await f.auctions.connect(f.owner).setFee(250n, f.feeRecipient.address);
        const id = await createEnglish(f, f.nftLot(1n));
        await bidEth(f.auctions, f.alice, id, 3n * ONE);
        const end = (await f.auctions.englishOf(id)).end;
        await time.setNextBlockTimestamp(end + offset);
        const tx = f.auctions.connect(f.keeper).settle(id);
        if (!ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded").withArgs(end);
          return;
        }
        const fee = (3n * ONE * 250n) / 10_000n;
        await expect(tx).to.changeEtherBalances([f.seller, f.auctions], [3n * ONE - fee, -(3n * ONE - fee)]);
        await expect(tx)
          .to.emit(f.auctions, "AuctionSettled")
          .withArgs(id, f.alice.address, 3n * ONE, fee);
        expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
        expect(await f.auctions.feesOf(ETH)).to.equal(fee);
        expect((await f.auctions.englishOf(id)).state).to.equal(State.Settled);
        await expect(f.auctions.settle(id)).to.be.revertedWithCustomError(f.auctions, "AuctionsNotOpen").withArgs(id);
      });
    }

    it("AU-E7: settle without a bid reverts with AuctionsNoBids; a Dutch id with AuctionsWrongKind", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await expect(f.auctions.settle(id)).to.be.revertedWithCustomError(f.auctions, "AuctionsNoBids").withArgs(id);
      await expect(f.auctions.settle(99n)).to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind");
    });

    it("AU-E7: ERC1155 and ERC20 lots go to the winner; ERC20 bids pay the seller in the token", async function () {
      const f = await loadFixture(auctionsFixture);
      const a = await createEnglish(f, f.multiLot(40n), { bidToken: f.tokenAddress });
      const b = await createEnglish(f, f.erc20Lot(5n * ONE));
      await f.auctions.connect(f.bob).bid(a, 2n * ONE, 0n);
      await bidEth(f.auctions, f.carol, b, ONE);
      await time.increase(DAY);
      await expect(f.auctions.settle(a)).to.changeTokenBalances(f.token, [f.seller, f.auctions], [2n * ONE, -2n * ONE]);
      await f.auctions.settle(b);
      expect(await f.multi.balanceOf(f.bob.address, 7n)).to.equal(40n);
      expect(await f.lotToken.balanceOf(f.carol.address)).to.equal(5n * ONE);
    });
  });

  describe("AU-X1: cancel", function () {
    it("AU-X1: the seller cancels before the first bid: the lot goes back, state Cancelled, bids refused", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await expect(f.auctions.connect(f.stranger).cancel(id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNotSeller")
        .withArgs(id);
      await expect(f.auctions.connect(f.seller).cancel(id)).to.emit(f.auctions, "AuctionCancelled").withArgs(id);
      expect(await f.nft.ownerOf(1n)).to.equal(f.seller.address);
      expect((await f.auctions.englishOf(id)).state).to.equal(State.Cancelled);
      await expect(bidEth(f.auctions, f.alice, id, ONE)).to.be.revertedWithCustomError(f.auctions, "AuctionsNotOpen");
      await expect(f.auctions.connect(f.seller).cancel(id)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsNotOpen",
      );
    });

    it("AU-X1: the seller cannot cancel after a bid (AuctionsHasBids) nor take the lot by settling early", async function () {
      const f: Fixture & { id: bigint; end: bigint } = await loadFixture(withFirstBid);
      await expect(f.auctions.connect(f.seller).cancel(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsHasBids")
        .withArgs(f.id);
      await expect(f.auctions.connect(f.seller).settle(f.id)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsNotEnded",
      );
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    });
  });
});
