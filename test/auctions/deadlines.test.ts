// Deadlines the first suites did not pin at t-1, t, t+1 (docs/auctions.md §4, AU-E3, AU-E4, AU-E7, AU-D1, AU-D2,
// AU-V5, AU-V6): an English end moved by the anti-sniping extension, the Dutch price at its start and at the end of its
// fall, a Dutch auction without a floor period, the sealed settle with a winner and the reclaim at revealEnd.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DUTCH,
  ENGLISH,
  ETH,
  HOUR,
  ONE,
  State,
  auctionsFixture,
  bidEth,
  commitEth,
  createDutch,
  createEnglish,
  createSealed,
  dutchPriceAt,
} from "../helpers/auctions";

const AROUND = [
  ["t-1", -1n],
  ["t", 0n],
  ["t+1", 1n],
] as const;

/** An English auction whose end a bid in the extension window moved: `end` is the moved end. */
async function withExtendedEnd() {
  const f = await auctionsFixture();
  const id = await createEnglish(f, f.nftLot(1n));
  await bidEth(f.auctions, f.alice, id, ONE);
  const first = (await f.auctions.englishOf(id)).end;
  await time.setNextBlockTimestamp(first - 1n);
  await bidEth(f.auctions, f.bob, id, 2n * ONE);
  const end = (await f.auctions.englishOf(id)).end;
  return { ...f, id, first, end };
}

/** A sealed auction with a revealed winner (alice, 3 ETH of a 5 ETH deposit) and bob's 2 ETH as the second price. */
async function withRevealedWinner() {
  const f = await auctionsFixture();
  const s = await createSealed(f, f.nftLot(1n));
  const sa = await commitEth(f, f.alice, s.id, 3n * ONE, 5n * ONE);
  const sb = await commitEth(f, f.bob, s.id, 2n * ONE, 4n * ONE);
  await commitEth(f, f.carol, s.id, 4n * ONE, 4n * ONE); // never revealed
  await time.setNextBlockTimestamp(s.commitEnd);
  await f.auctions.connect(f.alice).reveal(s.id, 3n * ONE, sa);
  await f.auctions.connect(f.bob).reveal(s.id, 2n * ONE, sb);
  return { ...f, ...s };
}

describe("Auctions: deadlines at t-1, t, t+1", function () {
  describe("AU-E3/AU-E4/AU-E7: an English end moved by the extension", function () {
    it("AU-E4: a bid at first end - 1 moved the end to that time + extension", async function () {
      const f = await loadFixture(withExtendedEnd);
      expect(f.end).to.equal(f.first - 1n + ENGLISH.extension);
    });

    for (const [label, offset] of AROUND) {
      const ok = offset < 0n;
      it(`AU-E3/AU-E4: a bid at the moved end's ${label} is ${ok ? "accepted and moves it again" : "refused with AuctionsEnded(moved end)"}`, async function () {
        const f = await loadFixture(withExtendedEnd);
        const t = f.end + offset;
        await time.setNextBlockTimestamp(t);
        const tx = bidEth(f.auctions, f.carol, f.id, 3n * ONE);
        if (ok) {
          await expect(tx)
            .to.emit(f.auctions, "BidPlaced")
            .withArgs(f.id, f.carol.address, 3n * ONE, t + ENGLISH.extension);
        } else {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsEnded").withArgs(f.end);
          expect((await f.auctions.englishOf(f.id)).bidder).to.equal(f.bob.address);
        }
      });

      it(`AU-E7: settle at the moved end's ${label} ${ok ? "reverts with AuctionsNotEnded(moved end)" : "sells to the last bidder"}`, async function () {
        const f = await loadFixture(withExtendedEnd);
        await time.setNextBlockTimestamp(f.end + offset);
        const tx = f.auctions.connect(f.keeper).settle(f.id);
        if (ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded").withArgs(f.end);
          return;
        }
        await expect(tx).to.changeEtherBalances([f.seller, f.auctions], [2n * ONE, -2n * ONE]);
        expect(await f.nft.ownerOf(1n)).to.equal(f.bob.address);
      });
    }
  });

  describe("AU-D1/AU-D2: the Dutch price at its start and at the end of its fall", function () {
    it("AU-D2: a buy in the creation block (t = start) pays startPrice", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await f.auctions.nextAuctionId();
      await network.provider.send("evm_setAutomine", [false]);
      try {
        // Explicit gas limits: the default (the block gas limit) would push the buy into the next block.
        await f.auctions
          .connect(f.seller)
          .createDutch(f.nftLot(1n), { bidToken: ETH, ...DUTCH }, { gasLimit: 1_000_000n });
        await f.auctions.connect(f.bob).buy(id, { value: DUTCH.startPrice + ONE, gasLimit: 1_000_000n });
        await network.provider.send("evm_mine");
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const logs = await f.auctions.queryFilter(f.auctions.filters.AuctionSettled(id));
      expect(logs.map((l) => l.args.price)).to.deep.equal([DUTCH.startPrice]);
      expect((await f.auctions.dutchOf(id)).start).to.equal(
        BigInt((await ethers.provider.getBlock("latest"))!.timestamp),
      );
      expect(await f.auctions.creditOf(ETH, f.bob.address)).to.equal(0n); // the excess ONE was pushed back
      expect(await f.nft.ownerOf(1n)).to.equal(f.bob.address);
    });

    for (const [label, offset] of [["start+1", 1n], ...AROUND] as const) {
      const at = label === "start+1" ? "start + 1" : `start + duration (${label})`;
      it(`AU-D1/AU-D2: a buy at ${at} pays exactly the price of that second`, async function () {
        const f = await loadFixture(auctionsFixture);
        const { id, start } = await createDutch(f, f.nftLot(1n));
        const t = label === "start+1" ? start + 1n : start + DUTCH.duration + offset;
        const price = dutchPriceAt(t, { start, ...DUTCH });
        if (label === "t-1") expect(price).to.be.greaterThan(DUTCH.floorPrice);
        if (label === "t" || label === "t+1") expect(price).to.equal(DUTCH.floorPrice);
        await time.setNextBlockTimestamp(t);
        const tx = f.auctions.connect(f.bob).buy(id, { value: DUTCH.startPrice });
        await expect(tx).to.changeEtherBalances([f.bob, f.seller, f.auctions], [-price, price, 0n]);
        await expect(tx).to.emit(f.auctions, "AuctionSettled").withArgs(id, f.bob.address, price, 0n);
      });
    }

    for (const [label, offset] of AROUND) {
      const ok = offset < 0n;
      it(`AU-D2: without a floor period (end = start + duration) a buy at end's ${label} ${ok ? "pays the last price above the floor" : "reverts with AuctionsEnded(end)"}`, async function () {
        const f = await loadFixture(auctionsFixture);
        const { id, start } = await createDutch(f, f.nftLot(1n), { floorDuration: 0n });
        const end = start + DUTCH.duration;
        expect((await f.auctions.dutchOf(id)).end).to.equal(end);
        await time.setNextBlockTimestamp(end + offset);
        const tx = f.auctions.connect(f.bob).buy(id, { value: DUTCH.startPrice });
        if (!ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsEnded").withArgs(end);
          return;
        }
        const price = dutchPriceAt(end - 1n, { start, ...DUTCH });
        expect(price).to.be.greaterThan(DUTCH.floorPrice);
        await expect(tx).to.changeEtherBalances([f.bob, f.seller], [-price, price]);
      });
    }

    it("AU-D2: a buyer refusing ETH has its excess credited; the sale completes and the lot becomes its claim", async function () {
      const f = await loadFixture(auctionsFixture);
      const [, , , , , , , , acctOwner] = await ethers.getSigners();
      const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: 20n * ONE });
      const acctAddress = await acct.getAddress();
      await acct.setRejectEth(true);
      const { id, start } = await createDutch(f, f.nftLot(1n));
      const t = start + HOUR / 2n;
      const price = dutchPriceAt(t, { start, ...DUTCH });
      await time.setNextBlockTimestamp(t);
      const buy = f.auctions.interface.encodeFunctionData("buy", [id]);
      const tx = acct.connect(acctOwner).execute(f.address, DUTCH.startPrice, buy, { value: DUTCH.startPrice });
      await expect(tx)
        .to.emit(f.auctions, "PaymentCredited")
        .withArgs(acctAddress, ETH, DUTCH.startPrice - price);
      await expect(tx).to.emit(f.auctions, "LotClaimable").withArgs(id, acctAddress);
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(DUTCH.startPrice - price);
      expect((await f.auctions.dutchOf(id)).state).to.equal(State.Settled);
    });
  });

  describe("AU-V5/AU-V6: the sealed settle and reclaim at revealEnd", function () {
    for (const [label, offset] of AROUND) {
      const ok = offset >= 0n;
      it(`AU-V5: settle with a revealed winner at revealEnd's ${label} ${ok ? "sells at the second price" : "reverts with AuctionsNotEnded(revealEnd)"}`, async function () {
        const f = await loadFixture(withRevealedWinner);
        await time.setNextBlockTimestamp(f.revealEnd + offset);
        const tx = f.auctions.connect(f.keeper).settle(f.id);
        if (!ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded").withArgs(f.revealEnd);
          return;
        }
        // alice: 5 ETH deposit - 2 ETH price back; the contract keeps bob's and carol's deposits.
        await expect(tx).to.changeEtherBalances([f.alice, f.seller, f.auctions], [3n * ONE, 2n * ONE, -5n * ONE]);
        await expect(tx)
          .to.emit(f.auctions, "AuctionSettled")
          .withArgs(f.id, f.alice.address, 2n * ONE, 0n);
        expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
      });

      it(`AU-V6: reclaim of an unrevealed deposit at revealEnd's ${label} ${ok ? "pays 90% back and 10% to the winner" : "reverts with AuctionsNotEnded(revealEnd)"}`, async function () {
        const f = await loadFixture(withRevealedWinner);
        await time.setNextBlockTimestamp(f.revealEnd + offset);
        const tx = f.auctions.connect(f.carol).reclaim(f.id);
        if (!ok) {
          await expect(tx).to.be.revertedWithCustomError(f.auctions, "AuctionsNotEnded").withArgs(f.revealEnd);
          return;
        }
        const forfeit = (4n * ONE) / 10n;
        await expect(tx).to.changeEtherBalances(
          [f.carol, f.alice, f.seller, f.auctions],
          [4n * ONE - forfeit, forfeit, 0n, -4n * ONE],
        );
      });
    }
  });
});
