// Listing from events through AuctionClient (docs/auctions.md AU-SDK-6): a seller's auctions, a bidder's bids with
// their status, across several auctions, kinds and bidders, in chunks and pages that add up to the whole scan.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { AuctionKind, InvalidParameterError, type AuctionBidRecord } from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { underCoverage } from "../../helpers/coverage";
import { auctionSdkFixture } from "./fixture";

const ONE = parseEther("1");
const DAY = 86_400n;
const HOUR = 3_600n;

/** Five auctions of the seller, one of Alice; bids by Alice, Bob and the reverting party in four of them. */
async function marketFixture() {
  const f = await auctionSdkFixture();
  const english = async (id: bigint) =>
    (await f.sellerClient.createEnglish({ lot: f.nftOf(id), reserve: ONE, incrementBps: 1_000, duration: DAY }))
      .auctionId;
  const e1 = await english(1n); // Alice leads, Bob outbid
  const e2 = await english(2n); // the party outbid by Bob: credited
  const e3 = await english(3n); // Alice wins, Bob loses
  const { auctionId: d } = await f.sellerClient.createDutch({
    lot: f.nftOf(4n),
    startPrice: 2n * ONE,
    floorPrice: ONE,
    duration: HOUR,
  });
  const { auctionId: s } = await f.sellerClient.createSealed({
    lot: f.nftOf(5n),
    commitDuration: HOUR,
    revealDuration: HOUR,
  });
  await f.nft.mint(f.alice.address, 100n);
  await f.nft.connect(f.alice).setApprovalForAll(f.address, true);
  const { auctionId: own } = await f.aliceClient.createEnglish({ lot: f.nftOf(100n), duration: DAY });

  await f.bobClient.bid({ auctionId: e1, amount: ONE });
  await f.aliceClient.bid({ auctionId: e1, amount: 2n * ONE });
  await f.party.setMode(1);
  const partyBid = await f.readClient.buildBid({ auctionId: e2, amount: ONE, bidder: f.partyAddress });
  await f.party.connect(f.carol).execute(partyBid.to, partyBid.value, partyBid.data, { value: partyBid.value });
  await f.bobClient.bid({ auctionId: e2, amount: 2n * ONE });
  await f.bobClient.bid({ auctionId: e3, amount: ONE });
  await f.aliceClient.bid({ auctionId: e3, amount: 3n * ONE });
  const { price: dutchPrice } = await f.bobClient.buy({ auctionId: d, maxPrice: 2n * ONE });
  await f.aliceClient.commit({ bid: await f.aliceClient.sealBid({ auctionId: s, amount: ONE, deposit: 2n * ONE }) });
  // Every English timer runs out; only e3 is settled, so e1 and e2 stay open with their leaders.
  await time.increase(DAY);
  await f.keeperClient.settle({ auctionId: e3 });
  return { ...f, e1, e2, e3, d, s, own, dutchPrice };
}

const byId = (bids: AuctionBidRecord[]) => Object.fromEntries(bids.map((b) => [b.auctionId.toString(), b]));

describe("AuctionClient: listing from events (docs/auctions.md AU-SDK-6)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("AU-SDK-6: auctionsOf lists a seller's auctions of every kind, oldest first, and not another seller's", async function () {
    const f = await loadFixture(marketFixture);
    const { auctions } = await f.readClient.auctionsOf({ seller: f.seller.address });
    expect(auctions.map((a) => a.auctionId)).to.deep.equal([f.e1, f.e2, f.e3, f.d, f.s]);
    expect(auctions.map((a) => a.kind)).to.deep.equal([
      AuctionKind.English,
      AuctionKind.English,
      AuctionKind.English,
      AuctionKind.Dutch,
      AuctionKind.Sealed,
    ]);
    const mine = await f.readClient.auctionsOf({ seller: f.alice.address });
    expect(mine.auctions.map((a) => a.auctionId)).to.deep.equal([f.own]);
    expect((await f.readClient.auctionsOf({ seller: f.bob.address })).auctions).to.deep.equal([]);
  });

  it("AU-SDK-6: bidsOf gives each bidder's auctions with its status: leading, outbid (with its credit), won, lost, committed", async function () {
    const f = await loadFixture(marketFixture);
    const alice = byId((await f.readClient.bidsOf({ bidder: f.alice.address })).bids);
    expect(Object.keys(alice)).to.deep.equal([f.e1, f.e3, f.s].map(String));
    expect(alice[f.e1.toString()]).to.deep.include({ status: "leading", lastBid: 2n * ONE, credit: 0n });
    expect(alice[f.e3.toString()]).to.deep.include({ status: "won", lastBid: 3n * ONE });
    expect(alice[f.s.toString()]).to.deep.include({ status: "reclaimable", lastBid: 2n * ONE });

    const bob = byId((await f.readClient.bidsOf({ bidder: f.bob.address })).bids);
    expect(Object.keys(bob)).to.deep.equal([f.e1, f.e2, f.e3, f.d].map(String));
    expect(bob[f.e1.toString()]).to.deep.include({ status: "outbid", lastBid: ONE, credit: 0n });
    expect(bob[f.e2.toString()]).to.deep.include({ status: "leading", lastBid: 2n * ONE });
    expect(bob[f.e3.toString()]).to.deep.include({ status: "lost", lastBid: ONE });
    expect(bob[f.d.toString()]).to.deep.include({ status: "won", lastBid: f.dutchPrice });

    const party = (await f.readClient.bidsOf({ bidder: f.partyAddress })).bids;
    expect(party.map((b) => [b.auctionId, b.status, b.credit])).to.deep.equal([[f.e2, "outbid", ONE]]);
  });

  it("AU-SDK-6: before the reveal window closes, an unrevealed sealed bid is `committed`", async function () {
    const f = await loadFixture(auctionSdkFixture);
    const { auctionId } = await f.sellerClient.createSealed({
      lot: f.nftOf(1n),
      commitDuration: HOUR,
      revealDuration: HOUR,
    });
    await f.aliceClient.commit({ bid: await f.aliceClient.sealBid({ auctionId, amount: ONE, deposit: 2n * ONE }) });
    const { bids } = await f.readClient.bidsOf({ bidder: f.alice.address });
    expect(bids.map((b) => [b.auctionId, b.status, b.lastBid])).to.deep.equal([[auctionId, "committed", 2n * ONE]]);
  });

  it("AU-SDK-6: scans in one-block chunks and pages of `limit` add up to the whole scan", async function () {
    const f = await loadFixture(marketFixture);
    const whole = await f.readClient.bidsOf({ bidder: f.bob.address });
    const chunked = await f.readClient.bidsOf({ bidder: f.bob.address, blockRange: 1 });
    expect(chunked.bids.map((b) => b.auctionId)).to.deep.equal(whole.bids.map((b) => b.auctionId));
    const ids: bigint[] = [];
    let page = await f.readClient.auctionsOf({ seller: f.seller.address, limit: 2, blockRange: 1 });
    ids.push(...page.auctions.map((a) => a.auctionId));
    let pages = 1;
    while (page.nextFromBlock !== null) {
      page = await f.readClient.auctionsOf({
        seller: f.seller.address,
        limit: 2,
        blockRange: 1,
        fromBlock: page.nextFromBlock,
        toBlock: page.toBlock,
      });
      ids.push(...page.auctions.map((a) => a.auctionId));
      pages += 1;
    }
    expect(ids).to.deep.equal([f.e1, f.e2, f.e3, f.d, f.s]);
    expect(pages).to.be.greaterThan(2);
    const latest = await ethers.provider.getBlockNumber();
    await expectSdkError(
      f.readClient.auctionsOf({ seller: f.seller.address, toBlock: latest + 1 }),
      InvalidParameterError,
      "INVALID_PARAMETER",
    );
  });
});
