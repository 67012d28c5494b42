// Sealed-bid, Dutch, English and cancel rules the first suites left without a failing test (docs/auctions.md AU-V1,
// AU-V4, AU-V5, AU-V6, AU-D2, AU-X1, AU-E6, AU-E7): the forfeit of an unrevealed commit to the exact wei (with and
// without a winner, rounded down, credited when it cannot be pushed, in ERC20), commit sequence numbers and measured
// ERC20 deposits, the second price whatever the reveal order, a fee-on-transfer Dutch buy, a contract seller whose lot
// comes back as a claim, the highest bidder raising its own bid, and the fee rounded down.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { AuctionParty } from "../../typechain-types";
import {
  BPS,
  CommitStatus,
  DAY,
  DUTCH,
  ETH,
  FORFEIT_BPS,
  ONE,
  State,
  UINT96_MAX,
  auctionsFixture,
  bidEth,
  commitEth,
  commitHash,
  createDutch,
  createEnglish,
  createSealed,
  saltOf,
  type Fixture,
} from "../helpers/auctions";

const forfeitOf = (deposit: bigint) => (deposit * FORFEIT_BPS) / BPS;

async function withSealed() {
  const f = await auctionsFixture();
  const s = await createSealed(f, f.nftLot(1n));
  return { ...f, ...s };
}

/** Reveals `amount` (committed with the default salt) for `who` at the current time. */
async function reveal(f: Fixture & { id: bigint }, who: { address: string }, amount: bigint) {
  const signer = [f.alice, f.bob, f.carol, f.stranger, f.seller].find((s) => s.address === who.address)!;
  return f.auctions.connect(signer).reveal(f.id, amount, saltOf(`${who.address}-${f.id}`));
}

describe("Auctions: sealed-bid and English rules", function () {
  describe("AU-V6: the forfeit of an unrevealed commit", function () {
    it("AU-V6: with a winner, each unrevealed deposit pays exactly floor(10%) to the winner and the rest back, before and after the settle", async function () {
      const f = await loadFixture(withSealed);
      const odd = 7n * ONE + 9n; // 10% of it is 0.7 ETH + 0.9 wei: rounded down
      await commitEth(f, f.alice, f.id, 3n * ONE, 3n * ONE);
      await commitEth(f, f.bob, f.id, 5n * ONE, odd); // never revealed
      await commitEth(f, f.carol, f.id, 2n * ONE, 2n * ONE + 19n); // never revealed
      await time.setNextBlockTimestamp(f.commitEnd);
      await reveal(f, f.alice, 3n * ONE);
      await time.setNextBlockTimestamp(f.revealEnd);
      const bobForfeit = forfeitOf(odd);
      expect(bobForfeit).to.equal((7n * ONE) / 10n);
      const before = f.auctions.connect(f.bob).reclaim(f.id);
      await expect(before).to.changeEtherBalances(
        [f.bob, f.alice, f.seller, f.auctions],
        [odd - bobForfeit, bobForfeit, 0n, -odd],
      );
      await expect(before)
        .to.emit(f.auctions, "DepositReclaimed")
        .withArgs(f.id, f.bob.address, odd - bobForfeit, bobForfeit);
      // The winner settles (pays the reserve: no second bid), then carol reclaims: the forfeit still goes to alice.
      await expect(f.auctions.settle(f.id)).to.changeEtherBalances([f.alice, f.seller], [2n * ONE, ONE]);
      const carolDeposit = 2n * ONE + 19n;
      const carolForfeit = forfeitOf(carolDeposit);
      expect(carolForfeit).to.equal((2n * ONE) / 10n + 1n);
      await expect(f.auctions.connect(f.carol).reclaim(f.id)).to.changeEtherBalances(
        [f.carol, f.alice, f.seller, f.auctions],
        [carolDeposit - carolForfeit, carolForfeit, 0n, -carolDeposit],
      );
      expect(await ethers.provider.getBalance(f.address)).to.equal(0n);
      for (const who of [f.bob, f.carol]) {
        expect((await f.auctions.commitOf(f.id, who.address)).status).to.equal(CommitStatus.Closed);
        await expect(f.auctions.connect(who).reclaim(f.id))
          .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
          .withArgs(f.id);
      }
    });

    it("AU-V6: without a winner (nothing revealed), the forfeit goes to the seller, also after the Unsold settle", async function () {
      const f = await loadFixture(withSealed);
      await commitEth(f, f.alice, f.id, ONE, 3n * ONE + 1n);
      await commitEth(f, f.bob, f.id, ONE, 4n * ONE);
      await time.setNextBlockTimestamp(f.revealEnd);
      const fa = forfeitOf(3n * ONE + 1n);
      await expect(f.auctions.connect(f.alice).reclaim(f.id))
        .to.emit(f.auctions, "DepositReclaimed")
        .withArgs(f.id, f.alice.address, 3n * ONE + 1n - fa, fa);
      await f.auctions.settle(f.id); // Unsold: the lot goes back
      expect((await f.auctions.sealedOf(f.id)).state).to.equal(State.Unsold);
      await expect(f.auctions.connect(f.bob).reclaim(f.id)).to.changeEtherBalances(
        [f.bob, f.seller, f.auctions],
        [4n * ONE - forfeitOf(4n * ONE), forfeitOf(4n * ONE), -4n * ONE],
      );
    });

    it("AU-V6: a revealed bid below the reserve makes no winner: it reclaims in full and an unrevealed deposit's forfeit goes to the seller", async function () {
      const f = await loadFixture(withSealed);
      await commitEth(f, f.alice, f.id, ONE - 1n, 2n * ONE); // below the reserve (1 ETH)
      await commitEth(f, f.bob, f.id, 2n * ONE, 2n * ONE);
      await time.setNextBlockTimestamp(f.commitEnd);
      await reveal(f, f.alice, ONE - 1n);
      await time.setNextBlockTimestamp(f.revealEnd);
      await expect(f.auctions.connect(f.alice).reclaim(f.id))
        .to.emit(f.auctions, "DepositReclaimed")
        .withArgs(f.id, f.alice.address, 2n * ONE, 0n);
      await expect(f.auctions.connect(f.bob).reclaim(f.id)).to.changeEtherBalances(
        [f.bob, f.seller, f.alice],
        [(18n * ONE) / 10n, (2n * ONE) / 10n, 0n],
      );
    });

    it("AU-V6: a deposit too small for a forfeit (9 wei) comes back whole; 10 wei forfeits 1", async function () {
      const f = await loadFixture(withSealed);
      await commitEth(f, f.alice, f.id, 3n * ONE, 3n * ONE);
      await commitEth(f, f.bob, f.id, 9n, 9n);
      await commitEth(f, f.carol, f.id, 10n, 10n);
      await time.setNextBlockTimestamp(f.commitEnd);
      await reveal(f, f.alice, 3n * ONE);
      await time.setNextBlockTimestamp(f.revealEnd);
      const tx = f.auctions.connect(f.bob).reclaim(f.id);
      await expect(tx).to.changeEtherBalances([f.bob, f.alice], [9n, 0n]);
      await expect(tx).to.emit(f.auctions, "DepositReclaimed").withArgs(f.id, f.bob.address, 9n, 0n);
      await expect(f.auctions.connect(f.carol).reclaim(f.id)).to.changeEtherBalances([f.carol, f.alice], [9n, 1n]);
    });

    it("AU-V6: a winner that refuses ETH has the forfeit credited; the committer still gets the rest", async function () {
      const f = await loadFixture(withSealed);
      const [, , , , , , , , partyOwner] = await ethers.getSigners();
      const party = (await ethers.deployContract("AuctionParty", [partyOwner.address], {
        value: 10n * ONE,
      })) as unknown as AuctionParty;
      const winner = await party.getAddress();
      const salt = saltOf("party");
      const hash = await commitHash(f.address, f.id, winner, 3n * ONE, salt);
      const commitData = f.auctions.interface.encodeFunctionData("commit", [f.id, hash, 3n * ONE]);
      await party.connect(partyOwner).execute(f.address, 3n * ONE, commitData, { value: 3n * ONE });
      await commitEth(f, f.bob, f.id, 5n * ONE, 5n * ONE);
      await time.setNextBlockTimestamp(f.commitEnd);
      const revealData = f.auctions.interface.encodeFunctionData("reveal", [f.id, 3n * ONE, salt]);
      await party.connect(partyOwner).execute(f.address, 0n, revealData);
      await party.setMode(1); // refuses ETH from now on
      await time.setNextBlockTimestamp(f.revealEnd);
      const tx = f.auctions.connect(f.bob).reclaim(f.id);
      await expect(tx).to.changeEtherBalances([f.bob, party], [(45n * ONE) / 10n, 0n]);
      await expect(tx)
        .to.emit(f.auctions, "PaymentCredited")
        .withArgs(winner, ETH, (5n * ONE) / 10n);
      expect(await f.auctions.creditOf(ETH, winner)).to.equal((5n * ONE) / 10n);
    });

    it("AU-V6: ERC20 deposits: the unrevealed one forfeits 10% to the winner in the token; the revealed loser gets all back", async function () {
      const f = await loadFixture(auctionsFixture);
      const s = await createSealed(f, f.nftLot(1n), { bidToken: f.tokenAddress });
      const commit20 = async (who: typeof f.alice, amount: bigint, deposit: bigint) => {
        const salt = saltOf(`${who.address}-erc20`);
        const hash = await commitHash(f.address, s.id, who.address, amount, salt);
        await expect(f.auctions.connect(who).commit(s.id, hash, deposit)).to.changeTokenBalances(
          f.token,
          [who, f.auctions],
          [-deposit, deposit],
        );
        return salt;
      };
      const sa = await commit20(f.alice, 3n * ONE, 4n * ONE);
      const sb = await commit20(f.bob, 2n * ONE, 2n * ONE);
      await commit20(f.carol, 9n * ONE, 10n * ONE);
      await time.setNextBlockTimestamp(s.commitEnd);
      await f.auctions.connect(f.alice).reveal(s.id, 3n * ONE, sa);
      await f.auctions.connect(f.bob).reveal(s.id, 2n * ONE, sb);
      await time.setNextBlockTimestamp(s.revealEnd);
      await expect(f.auctions.connect(f.carol).reclaim(s.id)).to.changeTokenBalances(
        f.token,
        [f.carol, f.alice, f.auctions],
        [9n * ONE, ONE, -10n * ONE],
      );
      await expect(f.auctions.connect(f.bob).reclaim(s.id)).to.changeTokenBalance(f.token, f.bob, 2n * ONE);
      await expect(f.auctions.settle(s.id)).to.changeTokenBalances(
        f.token,
        [f.alice, f.seller, f.auctions],
        [2n * ONE, 2n * ONE, -4n * ONE],
      );
    });

    it("AU-V6: reclaim by a non-committer is AuctionsNothingToClaim, by the winner AuctionsWinnerMustSettle, on another kind AuctionsWrongKind", async function () {
      const f = await loadFixture(withSealed);
      await commitEth(f, f.alice, f.id, 2n * ONE, 2n * ONE);
      await time.setNextBlockTimestamp(f.commitEnd);
      await reveal(f, f.alice, 2n * ONE);
      await time.setNextBlockTimestamp(f.revealEnd);
      await expect(f.auctions.connect(f.stranger).reclaim(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
        .withArgs(f.id);
      await expect(f.auctions.connect(f.alice).reclaim(f.id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWinnerMustSettle")
        .withArgs(f.id);
      const english = await createEnglish(f, f.nftLot(2n));
      await expect(f.auctions.connect(f.alice).reclaim(english))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind")
        .withArgs(english);
    });
  });

  describe("AU-V1/AU-V4/AU-V5: commits, ranking, the winner's change", function () {
    it("AU-V1: each commit gets the auction's next sequence number; the deposit is recorded", async function () {
      const f = await loadFixture(withSealed);
      const other = await createSealed(f, f.nftLot(2n));
      await commitEth(f, f.alice, f.id, ONE, ONE);
      await commitEth(f, f.bob, other.id, ONE, 2n * ONE); // another auction counts on its own
      await commitEth(f, f.bob, f.id, ONE, 3n * ONE);
      const a = await f.auctions.commitOf(f.id, f.alice.address);
      const b = await f.auctions.commitOf(f.id, f.bob.address);
      expect([a.seq, b.seq, (await f.auctions.commitOf(other.id, f.bob.address)).seq]).to.deep.equal([1n, 2n, 1n]);
      expect([a.deposit, b.deposit, b.status]).to.deep.equal([ONE, 3n * ONE, BigInt(CommitStatus.Committed)]);
      expect((await f.auctions.sealedOf(f.id)).commits).to.equal(2n);
    });

    it("AU-V1: an ERC20 deposit is a measured pull: a fee-on-transfer token is refused; ETH sent along is refused", async function () {
      const f = await loadFixture(auctionsFixture);
      const fot = await ethers.deployContract("FeeOnTransferToken", [100n]);
      const token = await fot.getAddress();
      await fot.mint(f.alice.address, 10n * ONE);
      await fot.connect(f.alice).approve(f.address, ethers.MaxUint256);
      const s = await createSealed(f, f.nftLot(1n), { bidToken: token });
      await expect(f.auctions.connect(f.alice).commit(s.id, saltOf("h"), ONE))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
        .withArgs(token, ONE, (ONE * 9_900n) / 10_000n);
      const t = await createSealed(f, f.nftLot(2n), { bidToken: f.tokenAddress });
      await expect(f.auctions.connect(f.alice).commit(t.id, saltOf("h"), ONE, { value: 1n }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
        .withArgs(1n, 0n);
      expect((await f.auctions.sealedOf(s.id)).commits).to.equal(0n);
    });

    it("AU-V1: a deposit above 96 bits is AuctionsAmountTooLarge; a commit on an English id is AuctionsWrongKind", async function () {
      const f = await loadFixture(withSealed);
      await expect(f.auctions.connect(f.alice).commit(f.id, saltOf("h"), UINT96_MAX + 1n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsAmountTooLarge")
        .withArgs(UINT96_MAX + 1n);
      const english = await createEnglish(f, f.nftLot(2n));
      await expect(f.auctions.connect(f.alice).commit(english, saltOf("h"), ONE, { value: ONE }))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind")
        .withArgs(english);
    });

    const bids = { alice: 5n * ONE, bob: 3n * ONE, carol: 2n * ONE };
    for (const order of [
      ["alice", "bob", "carol"],
      ["alice", "carol", "bob"],
      ["carol", "alice", "bob"],
      ["bob", "carol", "alice"],
    ] as const) {
      it(`AU-V4: bids 5, 3, 2 revealed in the order ${order.join(", ")}: 5 is highest, 3 the second price`, async function () {
        const f = await loadFixture(withSealed);
        for (const who of ["alice", "bob", "carol"] as const) await commitEth(f, f[who], f.id, bids[who], bids[who]);
        await time.setNextBlockTimestamp(f.commitEnd);
        for (const who of order) await reveal(f, f[who], bids[who]);
        const s = await f.auctions.sealedOf(f.id);
        expect([s.bidder, s.highest, s.second]).to.deep.equal([f.alice.address, 5n * ONE, 3n * ONE]);
      });
    }

    it("AU-V5: a winner that refuses ETH has the rest of its deposit credited; the seller is paid and the lot becomes its claim", async function () {
      const f = await loadFixture(withSealed);
      const [, , , , , , , , partyOwner] = await ethers.getSigners();
      const party = await ethers.deployContract("AuctionParty", [partyOwner.address], { value: 10n * ONE });
      const winner = await party.getAddress();
      const salt = saltOf("party");
      const hash = await commitHash(f.address, f.id, winner, 4n * ONE, salt);
      await party
        .connect(partyOwner)
        .execute(f.address, 6n * ONE, f.auctions.interface.encodeFunctionData("commit", [f.id, hash, 6n * ONE]), {
          value: 6n * ONE,
        });
      await time.setNextBlockTimestamp(f.commitEnd);
      await party
        .connect(partyOwner)
        .execute(f.address, 0n, f.auctions.interface.encodeFunctionData("reveal", [f.id, 4n * ONE, salt]));
      await party.setMode(1);
      await time.setNextBlockTimestamp(f.revealEnd);
      const tx = f.auctions.settle(f.id);
      await expect(tx).to.changeEtherBalances([f.seller, party], [ONE, 0n]); // a lone bidder pays the reserve
      await expect(tx)
        .to.emit(f.auctions, "PaymentCredited")
        .withArgs(winner, ETH, 5n * ONE);
      await expect(tx).to.emit(f.auctions, "LotClaimable").withArgs(f.id, winner);
    });
  });

  describe("AU-D2/AU-X1/AU-V5: the buy's pull and a seller that cannot take its lot back", function () {
    it("AU-D2: a Dutch buy in a fee-on-transfer token is refused with AuctionsTransferShortfall and the auction stays open", async function () {
      const f = await loadFixture(auctionsFixture);
      const fot = await ethers.deployContract("FeeOnTransferToken", [100n]);
      const token = await fot.getAddress();
      await fot.mint(f.bob.address, 100n * ONE);
      await fot.connect(f.bob).approve(f.address, ethers.MaxUint256);
      const { id } = await createDutch(f, f.nftLot(1n), { bidToken: token });
      await time.setNextBlockTimestamp((await f.auctions.dutchOf(id)).start + 3_600n);
      await expect(f.auctions.connect(f.bob).buy(id))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
        .withArgs(token, DUTCH.floorPrice, (DUTCH.floorPrice * 9_900n) / 10_000n);
      expect((await f.auctions.dutchOf(id)).state).to.equal(State.Open);
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    });

    it("AU-X1/AU-V5: a contract seller without onERC721Received: cancel and an Unsold settle complete, the lot becomes its claim", async function () {
      const f = await loadFixture(auctionsFixture);
      const [, , , , , , , , acctOwner] = await ethers.getSigners();
      const acct = await ethers.deployContract("MockAccount", [acctOwner.address]);
      const seller = await acct.getAddress();
      const run = (to: string, data: string) => acct.connect(acctOwner).execute(to, 0n, data);
      for (const n of [50n, 51n]) await f.nft.mint(seller, n);
      await run(f.nftAddress, f.nft.interface.encodeFunctionData("setApprovalForAll", [f.address, true]));
      const english = { bidToken: ETH, reserve: ONE, incrementBps: 500n, duration: DAY, extension: 600n };
      await run(f.address, f.auctions.interface.encodeFunctionData("createEnglish", [f.nftLot(50n), english]));
      const sealed = { bidToken: ETH, reserve: ONE, commitDuration: 3_600n, revealDuration: 3_600n };
      await run(f.address, f.auctions.interface.encodeFunctionData("createSealed", [f.nftLot(51n), sealed]));
      await expect(run(f.address, f.auctions.interface.encodeFunctionData("cancel", [1n])))
        .to.emit(f.auctions, "LotClaimable")
        .withArgs(1n, seller);
      await time.increase(7_200n);
      await expect(f.auctions.connect(f.keeper).settle(2n)).to.emit(f.auctions, "LotClaimable").withArgs(2n, seller);
      expect((await f.auctions.sealedOf(2n)).state).to.equal(State.Unsold);
      for (const [id, n] of [
        [1n, 50n],
        [2n, 51n],
      ] as const) {
        expect(await f.nft.ownerOf(n)).to.equal(f.address);
        await run(f.address, f.auctions.interface.encodeFunctionData("claimLot", [id, acctOwner.address]));
        expect(await f.nft.ownerOf(n)).to.equal(acctOwner.address);
      }
    });
  });

  describe("AU-E6/AU-E7: English extras", function () {
    it("AU-E6: the highest bidder raises its own bid: its previous bid comes back like anyone's", async function () {
      const f = await loadFixture(auctionsFixture);
      const id = await createEnglish(f, f.nftLot(1n));
      await bidEth(f.auctions, f.alice, id, ONE);
      const tx = bidEth(f.auctions, f.alice, id, 2n * ONE);
      await expect(tx).to.changeEtherBalances([f.alice, f.auctions], [-ONE, ONE]);
      await expect(tx).to.emit(f.auctions, "BidPlaced");
      const e = await f.auctions.englishOf(id);
      expect([e.bidder, e.amount]).to.deep.equal([f.alice.address, 2n * ONE]);
      expect(await f.auctions.creditOf(ETH, f.alice.address)).to.equal(0n);
    });

    it("AU-E6: a bid paid wholly from credit (msg.value 0) spends exactly that credit and moves no ETH", async function () {
      const f = await loadFixture(auctionsFixture);
      const [, , , , , , , , acctOwner] = await ethers.getSigners();
      const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: 5n * ONE });
      const acctAddress = await acct.getAddress();
      const first = await createEnglish(f, f.nftLot(1n));
      const second = await createEnglish(f, f.nftLot(2n));
      const bid = (id: bigint, amount: bigint, fromCredit: bigint, value: bigint) =>
        acct
          .connect(acctOwner)
          .execute(f.address, value, f.auctions.interface.encodeFunctionData("bid", [id, amount, fromCredit]), {
            value,
          });
      await bid(first, 2n * ONE, 0n, 2n * ONE);
      await acct.setRejectEth(true);
      await bidEth(f.auctions, f.bob, first, 3n * ONE); // the account's 2 ETH is credited
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(2n * ONE);
      await expect(bid(second, 2n * ONE, ONE, 0n))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsValueMismatch")
        .withArgs(0n, ONE);
      const tx = bid(second, 2n * ONE, 2n * ONE, 0n);
      await expect(tx).to.changeEtherBalances([f.auctions, acct], [0n, 0n]);
      await expect(tx)
        .to.emit(f.auctions, "CreditUsed")
        .withArgs(acctAddress, ETH, 2n * ONE);
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(0n);
      const e = await f.auctions.englishOf(second);
      expect([e.bidder, e.amount]).to.deep.equal([acctAddress, 2n * ONE]);
    });

    it("AU-E7: the fee is amount · feeBps / 10,000 rounded down; the seller gets the rest to the wei", async function () {
      const f = await loadFixture(auctionsFixture);
      await f.auctions.setFee(250n, f.feeRecipient.address);
      const id = await createEnglish(f, f.nftLot(1n), { reserve: 0n });
      await bidEth(f.auctions, f.alice, id, 399n); // 399 · 2.5% = 9.975
      await time.increase(DAY);
      const tx = f.auctions.settle(id);
      await expect(tx).to.changeEtherBalances([f.seller, f.auctions], [390n, -390n]);
      await expect(tx).to.emit(f.auctions, "AuctionSettled").withArgs(id, f.alice.address, 399n, 9n);
      expect(await f.auctions.feesOf(ETH)).to.equal(9n);
    });
  });
});
