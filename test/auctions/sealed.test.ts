// Sealed-bid second-price auctions (docs/auctions.md AU-V1…AU-V6): commits bound to chain, contract, auction and
// bidder; reveals in [commitEnd, revealEnd) at t-1, t, t+1; the second price; the earliest-commit tie-break; deposits
// reclaimed, an unrevealed one forfeiting 10% to the winner (or the seller).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CommitStatus,
  FORFEIT_BPS,
  BPS,
  ONE,
  State,
  auctionsFixture,
  commitEth,
  commitHash,
  createSealed,
  saltOf,
} from "../helpers/auctions";

async function withSealed() {
  const f = await auctionsFixture();
  const s = await createSealed(f, f.nftLot(1n));
  return { ...f, ...s };
}

describe("Auctions: sealed bid, second price", function () {
  describe("AU-V1/AU-V2: commits", function () {
    it("AU-V2: commitHashOf binds chain id, contract, auction, bidder, amount and salt", async function () {
      const f = await loadFixture(withSealed);
      const salt = saltOf("x");
      const expected = await commitHash(f.address, f.id, f.alice.address, ONE, salt);
      expect(await f.auctions.commitHashOf(f.id, f.alice.address, ONE, salt)).to.equal(expected);
      expect(await f.auctions.commitHashOf(f.id, f.bob.address, ONE, salt)).to.not.equal(expected);
      expect(await f.auctions.commitHashOf(f.id + 1n, f.alice.address, ONE, salt)).to.not.equal(expected);
    });

    for (const [label, offset, ok] of [
      ["commitEnd-1", -1n, true],
      ["commitEnd", 0n, false],
      ["commitEnd+1", 1n, false],
    ] as const) {
      it(`AU-V1: a commit at ${label} is ${ok ? "accepted" : "refused with AuctionsCommitClosed"}`, async function () {
        const f = await loadFixture(withSealed);
        await time.setNextBlockTimestamp(f.commitEnd + offset);
        const tx = f.auctions.connect(f.alice).commit(f.id, saltOf("h"), ONE, { value: ONE });
        if (ok) await expect(tx).to.emit(f.auctions, "Committed").withArgs(f.id, f.alice.address, ONE);
        else await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsCommitClosed").withArgs(f.commitEnd);
      });
    }

    it("AU-V1: one commit per bidder; a zero deposit or a value mismatch is refused", async function () {
      const f = await loadFixture(withSealed);
      await expect(f.auctions.connect(f.alice).commit(f.id, saltOf("h"), 0n)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsInvalidParameters",
      );
      await expect(f.auctions.connect(f.alice).commit(f.id, saltOf("h"), ONE, { value: 1n }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
        .withArgs(1n, ONE);
      await commitEth(f, f.alice, f.id, ONE, ONE);
      await expect(f.auctions.connect(f.alice).commit(f.id, saltOf("h"), ONE, { value: ONE }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsAlreadyCommitted")
        .withArgs(f.id, f.alice.address);
    });
  });

  describe("AU-V3: reveals", function () {
    for (const [label, at, ok] of [
      ["commitEnd-1", "commitEnd-1", false],
      ["commitEnd", "commitEnd", true],
      ["revealEnd-1", "revealEnd-1", true],
      ["revealEnd", "revealEnd", false],
      ["revealEnd+1", "revealEnd+1", false],
    ] as const) {
      it(`AU-V3: a reveal at ${label} is ${ok ? "accepted" : "refused with AuctionsRevealClosed"}`, async function () {
        const f = await loadFixture(withSealed);
        const salt = await commitEth(f, f.alice, f.id, ONE, 2n * ONE);
        const t =
          { "commitEnd-1": f.commitEnd - 1n, commitEnd: f.commitEnd, "revealEnd-1": f.revealEnd - 1n }[at as string] ??
          (at === "revealEnd" ? f.revealEnd : f.revealEnd + 1n);
        await time.setNextBlockTimestamp(t);
        const tx = f.auctions.connect(f.alice).reveal(f.id, ONE, salt);
        if (ok) await expect(tx).to.emit(f.auctions, "Revealed").withArgs(f.id, f.alice.address, ONE);
        else {
          await expect(tx)
            .to.be.revertedWithCustomError(f.auctions, "AuctionsRevealClosed")
            .withArgs(f.commitEnd, f.revealEnd);
        }
      });
    }

    it("AU-V3: a wrong salt, another amount or another bidder's preimage is AuctionsInvalidReveal; twice is AuctionsAlreadyRevealed", async function () {
      const f = await loadFixture(withSealed);
      const salt = await commitEth(f, f.alice, f.id, ONE, 2n * ONE);
      await commitEth(f, f.bob, f.id, ONE, 2n * ONE, salt);
      await time.setNextBlockTimestamp(f.commitEnd);
      await expect(f.auctions.connect(f.alice).reveal(f.id, ONE, saltOf("wrong")))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidReveal")
        .withArgs(f.id, f.alice.address);
      await expect(f.auctions.connect(f.alice).reveal(f.id, ONE + 1n, salt)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsInvalidReveal",
      );
      await expect(f.auctions.connect(f.stranger).reveal(f.id, ONE, salt))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNoCommit")
        .withArgs(f.id, f.stranger.address);
      await f.auctions.connect(f.alice).reveal(f.id, ONE, salt);
      await expect(f.auctions.connect(f.alice).reveal(f.id, ONE, salt)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsAlreadyRevealed",
      );
    });

    it("AU-V3: a bid above the deposit reverts with AuctionsBidExceedsDeposit", async function () {
      const f = await loadFixture(withSealed);
      const salt = await commitEth(f, f.alice, f.id, 3n * ONE, 2n * ONE);
      await time.setNextBlockTimestamp(f.commitEnd);
      await expect(f.auctions.connect(f.alice).reveal(f.id, 3n * ONE, salt))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsBidExceedsDeposit")
        .withArgs(3n * ONE, 2n * ONE);
    });
  });

  describe("AU-V4/AU-V5: ranking and settle", function () {
    it("AU-V5: the highest bidder pays the second-highest bid, gets the rest of its deposit and the lot; losers reclaim in full", async function () {
      const f = await loadFixture(withSealed);
      const sa = await commitEth(f, f.alice, f.id, 3n * ONE, 5n * ONE);
      const sb = await commitEth(f, f.bob, f.id, 2n * ONE, 4n * ONE);
      const sc = await commitEth(f, f.carol, f.id, ONE / 2n, ONE); // below the reserve: counts for nothing
      await time.setNextBlockTimestamp(f.commitEnd);
      await f.auctions.connect(f.bob).reveal(f.id, 2n * ONE, sb);
      await f.auctions.connect(f.alice).reveal(f.id, 3n * ONE, sa);
      await f.auctions.connect(f.carol).reveal(f.id, ONE / 2n, sc);
      const s = await f.auctions.sealedOf(f.id);
      expect([s.bidder, s.highest, s.second]).to.deep.equal([f.alice.address, 3n * ONE, 2n * ONE]);
      await expect(f.auctions.settle(f.id)).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded");
      await time.setNextBlockTimestamp(f.revealEnd);
      await expect(f.auctions.connect(f.alice).reclaim(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWinnerMustSettle")
        .withArgs(f.id);
      const tx = f.auctions.connect(f.keeper).settle(f.id);
      await expect(tx).to.changeEtherBalances([f.alice, f.seller], [3n * ONE, 2n * ONE]);
      await expect(tx)
        .to.emit(f.auctions, "AuctionSettled")
        .withArgs(f.id, f.alice.address, 2n * ONE, 0n);
      expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
      await expect(f.auctions.connect(f.alice).reclaim(f.id)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsNothingToClaim",
      );
      await expect(f.auctions.connect(f.bob).reclaim(f.id)).to.changeEtherBalance(f.bob, 4n * ONE);
      await expect(f.auctions.connect(f.carol).reclaim(f.id)).to.changeEtherBalance(f.carol, ONE);
      await expect(f.auctions.connect(f.bob).reclaim(f.id)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsNothingToClaim",
      );
    });

    it("AU-V5: a lone bidder pays the reserve", async function () {
      const f = await loadFixture(withSealed);
      const sa = await commitEth(f, f.alice, f.id, 3n * ONE, 5n * ONE);
      await time.setNextBlockTimestamp(f.commitEnd);
      await f.auctions.connect(f.alice).reveal(f.id, 3n * ONE, sa);
      await time.setNextBlockTimestamp(f.revealEnd);
      await expect(f.auctions.settle(f.id)).to.changeEtherBalances([f.alice, f.seller], [4n * ONE, ONE]);
    });

    for (const revealOrder of ["earlier commit first", "later commit first"] as const) {
      it(`AU-V4: equal bids: the earliest commit wins at that price (${revealOrder})`, async function () {
        const f = await loadFixture(withSealed);
        const sa = await commitEth(f, f.alice, f.id, 2n * ONE, 2n * ONE);
        const sb = await commitEth(f, f.bob, f.id, 2n * ONE, 2n * ONE);
        await time.setNextBlockTimestamp(f.commitEnd);
        const reveals = [
          () => f.auctions.connect(f.alice).reveal(f.id, 2n * ONE, sa),
          () => f.auctions.connect(f.bob).reveal(f.id, 2n * ONE, sb),
        ];
        if (revealOrder === "later commit first") reveals.reverse();
        for (const r of reveals) await r();
        const s = await f.auctions.sealedOf(f.id);
        expect([s.bidder, s.highest, s.second]).to.deep.equal([f.alice.address, 2n * ONE, 2n * ONE]);
      });
    }

    for (const [label, offset, ok] of [
      ["revealEnd-1", -1n, false],
      ["revealEnd", 0n, true],
      ["revealEnd+1", 1n, true],
    ] as const) {
      it(`AU-V5: without a revealed bid, settle at ${label} ${ok ? "returns the lot (Unsold)" : "reverts with AuctionsNotEnded"}`, async function () {
        const f = await loadFixture(withSealed);
        await time.setNextBlockTimestamp(f.revealEnd + offset);
        const tx = f.auctions.settle(f.id);
        if (!ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded").withArgs(f.revealEnd);
          return;
        }
        await expect(tx).to.emit(f.auctions, "AuctionUnsold").withArgs(f.id);
        expect(await f.nft.ownerOf(1n)).to.equal(f.seller.address);
        expect((await f.auctions.sealedOf(f.id)).state).to.equal(State.Unsold);
        await expect(f.auctions.settle(f.id)).to.be.revertedWithCustomError(f.auctions, "AuctionsNotOpen");
      });
    }
  });

  describe("AU-V6/AU-X1: reclaim, forfeit, cancel", function () {
    it("AU-V6: an unrevealed deposit forfeits 10% to the winner; reclaim before revealEnd is AuctionsNotEnded", async function () {
      const f = await loadFixture(withSealed);
      const sa = await commitEth(f, f.alice, f.id, 3n * ONE, 3n * ONE);
      await commitEth(f, f.bob, f.id, 5n * ONE, 6n * ONE); // never revealed
      await time.setNextBlockTimestamp(f.commitEnd);
      await f.auctions.connect(f.alice).reveal(f.id, 3n * ONE, sa);
      await time.setNextBlockTimestamp(f.revealEnd - 1n);
      await expect(f.auctions.connect(f.bob).reclaim(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded")
        .withArgs(f.revealEnd);
      const forfeit = (6n * ONE * FORFEIT_BPS) / BPS;
      const tx = f.auctions.connect(f.bob).reclaim(f.id);
      await expect(tx).to.changeEtherBalances([f.bob, f.alice], [6n * ONE - forfeit, forfeit]);
      await expect(tx)
        .to.emit(f.auctions, "DepositReclaimed")
        .withArgs(f.id, f.bob.address, 6n * ONE - forfeit, forfeit);
      expect((await f.auctions.commitOf(f.id, f.bob.address)).status).to.equal(CommitStatus.Closed);
    });

    it("AU-V6: with no winner the forfeit goes to the seller", async function () {
      const f = await loadFixture(withSealed);
      await commitEth(f, f.bob, f.id, 5n * ONE, 6n * ONE);
      await time.setNextBlockTimestamp(f.revealEnd);
      const forfeit = (6n * ONE * FORFEIT_BPS) / BPS;
      await expect(f.auctions.connect(f.bob).reclaim(f.id)).to.changeEtherBalances(
        [f.bob, f.seller],
        [6n * ONE - forfeit, forfeit],
      );
    });

    it("AU-X1: the seller may cancel before the first commit only", async function () {
      const f = await loadFixture(withSealed);
      const other = await createSealed(f, f.nftLot(2n));
      await f.auctions.connect(f.seller).cancel(other.id);
      expect(await f.nft.ownerOf(2n)).to.equal(f.seller.address);
      await commitEth(f, f.alice, f.id, ONE, ONE);
      await expect(f.auctions.connect(f.seller).cancel(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsHasBids")
        .withArgs(f.id);
    });
  });
});
