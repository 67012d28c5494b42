// Sealed bids through AuctionClient (docs/auctions.md AU-SDK-5, AU-V1…AU-V6): the hash equal to the contract's
// `commitHashOf`, the salt from WebCrypto, the storable record, refusals of a record for another deployment or
// bidder, and a whole sealed-bid second-price auction driven by the client only.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import {
  AuctionBidError,
  AuctionKind,
  AuctionRequestError,
  AuctionStateError,
  CommitStatus,
  createSealedBid,
  parseSealedBid,
  sealedBidHash,
  sealedForfeitOf,
  serializeSealedBid,
  toAuctionId,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { underCoverage } from "../../helpers/coverage";
import { auctionSdkFixture, type AuctionSdkFixture } from "./fixture";

const ONE = parseEther("1");
const HOUR = 3_600n;

async function sealedAuction(f: AuctionSdkFixture) {
  const { auctionId } = await f.sellerClient.createSealed({
    lot: f.nftOf(1n),
    reserve: ONE,
    commitDuration: HOUR,
    revealDuration: HOUR,
  });
  const s = await f.auctions.sealedOf(auctionId);
  return { auctionId, commitEnd: s.commitEnd, revealEnd: s.revealEnd };
}

describe("AuctionClient: sealed bids (docs/auctions.md AU-SDK-5)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("AU-SDK-5, AU-V2: sealBid's hash equals the contract's commitHashOf, with a fresh 32-byte salt each time", async function () {
    const f = await loadFixture(auctionSdkFixture);
    const { auctionId } = await sealedAuction(f);
    const salts = new Set<string>();
    for (const amount of [0n, 1n, ONE, 12_345_678_901_234_567_890n]) {
      const bid = await f.aliceClient.sealBid({ auctionId, amount, deposit: amount + 1n });
      expect(ethers.dataLength(bid.salt)).to.equal(32);
      salts.add(bid.salt);
      expect(bid).to.deep.include({ bidder: f.alice.address, contract: f.address, chainId: 31337n, auctionId });
      expect(bid.hash).to.equal(await f.auctions.commitHashOf(auctionId, f.alice.address, amount, bid.salt));
    }
    expect(salts.size).to.equal(4);
    // Bound to the bidder, the auction and the contract: any of them changed, the hash changes.
    const bid = await f.aliceClient.sealBid({ auctionId, amount: ONE, salt: `0x${"11".repeat(32)}` });
    expect(bid.deposit).to.equal(ONE);
    const other = (changes: object) => sealedBidHash({ ...bid, ...changes });
    expect(other({})).to.equal(bid.hash);
    expect(other({ bidder: f.bob.address })).to.not.equal(bid.hash);
    expect(other({ auctionId: toAuctionId(auctionId + 1n) })).to.not.equal(bid.hash);
    expect(other({ contract: f.tokenAddress })).to.not.equal(bid.hash);
    expect(other({ chainId: 1n })).to.not.equal(bid.hash);
    expect(() => createSealedBid({ ...bid, deposit: ONE - 1n })).to.throw(/deposit/);
  });

  it("AU-SDK-5: a record survives serializeSealedBid/parseSealedBid; altered or foreign text is AUCTION_SEALED_BID_MALFORMED", async function () {
    const f = await loadFixture(auctionSdkFixture);
    const { auctionId } = await sealedAuction(f);
    const bid = await f.aliceClient.sealBid({ auctionId, amount: ONE, deposit: 2n * ONE });
    const text = serializeSealedBid(bid);
    expect(JSON.parse(text)).to.deep.include({ type: "peerpay-sealed-bid", version: 1, amount: ONE.toString() });
    expect(parseSealedBid({ text })).to.deep.equal(bid);
    const altered = JSON.stringify({ ...JSON.parse(text), amount: "2" });
    for (const bad of [altered, "{}", "not json", JSON.stringify({ ...JSON.parse(text), version: 2 })]) {
      await expectSdkError(() => parseSealedBid({ text: bad }), AuctionRequestError, "AUCTION_SEALED_BID_MALFORMED");
    }
  });

  it("AU-SDK-5: commit and reveal refuse a record of another bidder or contract before sending", async function () {
    const f = await loadFixture(auctionSdkFixture);
    const { auctionId } = await sealedAuction(f);
    const alices = await f.aliceClient.sealBid({ auctionId, amount: ONE });
    const nonce = await ethers.provider.getTransactionCount(f.bob.address);
    await expectSdkError(f.bobClient.commit({ bid: alices }), AuctionRequestError, "AUCTION_SEALED_BID_MISMATCH", {
      field: "bidder",
    });
    const foreign = { ...alices, contract: f.tokenAddress };
    await expectSdkError(f.aliceClient.commit({ bid: foreign }), AuctionRequestError, "AUCTION_SEALED_BID_MISMATCH", {
      field: "contract",
    });
    await expectSdkError(
      f.aliceClient.reveal({ bid: { ...alices, chainId: 1n } }),
      AuctionRequestError,
      "AUCTION_SEALED_BID_MISMATCH",
      {
        field: "chainId",
      },
    );
    expect(await ethers.provider.getTransactionCount(f.bob.address)).to.equal(nonce);
  });

  it("AU-SDK-5, AU-V1…AU-V6: a full sealed auction through the client: commits, reveals (a wrong one decoded), second price, reclaims with the forfeit", async function () {
    const f = await loadFixture(auctionSdkFixture);
    const { auctionId, commitEnd, revealEnd } = await sealedAuction(f);
    // Alice bids 3 hidden behind 5, Bob 2 behind 4, Carol 9 behind 10 but never reveals.
    const alice = await f.aliceClient.sealBid({ auctionId, amount: 3n * ONE, deposit: 5n * ONE });
    const bob = await f.bobClient.sealBid({ auctionId, amount: 2n * ONE, deposit: 4n * ONE });
    const carolClient = f.client(f.carol);
    const carol = await carolClient.sealBid({ auctionId, amount: 9n * ONE, deposit: 10n * ONE });
    // The app stores each record before committing, and reads it back for the reveal.
    const stored = [alice, bob, carol].map(serializeSealedBid);
    const built = await f.aliceClient.buildCommit({ bid: alice });
    expect(built.value).to.equal(5n * ONE);
    await f.aliceClient.commit({ bid: alice });
    await f.bobClient.commit({ bid: bob });
    await carolClient.commit({ bid: carol });
    await expectSdkError(f.aliceClient.commit({ bid: alice }), AuctionBidError, "AUCTION_ALREADY_COMMITTED");
    expect(await f.readClient.commitOf({ auctionId, bidder: f.alice.address })).to.deep.equal({
      hash: alice.hash,
      deposit: 5n * ONE,
      seq: 1,
      status: CommitStatus.Committed,
    });
    await expectSdkError(f.aliceClient.reveal({ bid: alice }), AuctionStateError, "AUCTION_REVEAL_CLOSED");
    await expectSdkError(f.sellerClient.cancel({ auctionId }), AuctionStateError, "AUCTION_HAS_BIDS");

    await time.increaseTo(commitEnd - 1n); // the next block is at commitEnd: commits are closed
    await expectSdkError(
      f.keeperClient.commit({ bid: await f.keeperClient.sealBid({ auctionId, amount: ONE }) }),
      AuctionRequestError,
      "AUCTION_COMMIT_CLOSED",
    );
    const wrong = { ...parseSealedBid({ text: stored[0] }), amount: 4n * ONE };
    await expectSdkError(f.aliceClient.reveal({ bid: wrong }), AuctionBidError, "AUCTION_INVALID_REVEAL");
    await f.aliceClient.reveal({ bid: parseSealedBid({ text: stored[0] }) });
    await f.bobClient.reveal({ bid: parseSealedBid({ text: stored[1] }) });
    const view = await f.readClient.auction({ auctionId });
    if (view.kind !== AuctionKind.Sealed) throw new Error("expected sealed");
    expect(view).to.deep.include({
      bidder: f.alice.address,
      highest: 3n * ONE,
      second: 2n * ONE,
      price: 2n * ONE,
      commits: 3,
    });

    await time.increaseTo(revealEnd);
    await expectSdkError(f.aliceClient.reclaim({ auctionId }), AuctionStateError, "AUCTION_WINNER_MUST_SETTLE");
    const sellerBefore = await ethers.provider.getBalance(f.seller.address);
    const aliceBefore = await ethers.provider.getBalance(f.alice.address);
    const { events } = await f.keeperClient.settle({ auctionId });
    expect(events.find((e) => e.type === "AuctionSettled")).to.deep.include({
      winner: f.alice.address,
      price: 2n * ONE,
    });
    expect((await ethers.provider.getBalance(f.seller.address)) - sellerBefore).to.equal(2n * ONE);
    expect((await ethers.provider.getBalance(f.alice.address)) - aliceBefore).to.equal(3n * ONE); // 5 - 2
    expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);

    const bobBefore = await ethers.provider.getBalance(f.bob.address);
    const bobReclaim = await f.bobClient.reclaim({ auctionId });
    expect((await ethers.provider.getBalance(f.bob.address)) - bobBefore + bobReclaim.receipt.fee).to.equal(4n * ONE);
    const forfeit = sealedForfeitOf({ deposit: 10n * ONE });
    const carolReclaim = await carolClient.reclaim({ auctionId });
    expect(carolReclaim.events.find((e) => e.type === "DepositReclaimed")).to.deep.include({
      refund: 10n * ONE - forfeit,
      forfeit,
    });
    await expectSdkError(carolClient.reclaim({ auctionId }), AuctionStateError, "AUCTION_NOTHING_TO_CLAIM");
  });
});
