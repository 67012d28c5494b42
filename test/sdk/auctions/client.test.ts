// AuctionClient against the real Auctions contract on the Hardhat network (docs/auctions.md § SDK): creation of the
// three kinds with the three kinds of lot, the spec's bounds refused before sending, English bids from credit with a
// reverting contract bidder, the Dutch price and buy, settle, cancel, claims, credits and fees, each revert decoded.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import {
  AUCTION_LIMITS,
  AuctionAdminError,
  AuctionBidError,
  AuctionClient,
  AuctionKind,
  AuctionRequestError,
  AuctionState,
  AuctionLotError,
  AuctionStateError,
  LotKind,
  decodeAuctionsError,
  TransferError,
  dutchPriceAt,
  toAuctionId,
  type CreateEnglishParameters,
} from "../../../sdk";
import { expectSdkError } from "../../helpers/sdk";
import { underCoverage } from "../../helpers/coverage";
import { auctionSdkFixture, type AuctionSdkFixture } from "./fixture";

const ONE = parseEther("1");
const DAY = 86_400n;
const HOUR = 3_600n;

async function english(f: AuctionSdkFixture, tokenId = 1n, extra: Partial<CreateEnglishParameters> = {}) {
  const { auctionId } = await f.sellerClient.createEnglish({
    lot: f.nftOf(tokenId),
    reserve: ONE,
    incrementBps: 500,
    duration: DAY,
    extension: 600n,
    ...extra,
  });
  return auctionId;
}

/** The party contract sends a call the read-only client built for it (the builder path, for a contract bidder). */
async function asParty(f: AuctionSdkFixture, request: { to: string; data: string; value: bigint }) {
  return (
    await f.party.connect(f.carol).execute(request.to, request.value, request.data, { value: request.value })
  ).wait();
}

describe("AuctionClient (docs/auctions.md § SDK)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  describe("creating", function () {
    it("AU-SDK-1, AU-L1: English, Dutch and sealed auctions of an ERC721, an ERC1155 amount and an ERC20 amount are escrowed and read back as typed objects", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const e = await english(f, 3n);
      const { auctionId: d } = await f.sellerClient.createDutch({
        lot: f.multiOf(40n),
        startPrice: 2n * ONE,
        floorPrice: ONE,
        duration: HOUR,
      });
      const { auctionId: s } = await f.sellerClient.createSealed({
        lot: f.erc20Of(5n * ONE),
        bidToken: f.tokenAddress,
        reserve: ONE,
        commitDuration: HOUR,
        revealDuration: HOUR,
      });
      expect([e, d, s]).to.deep.equal([1n, 2n, 3n]);
      expect(await f.nft.ownerOf(3n)).to.equal(f.address);
      expect(await f.multi.balanceOf(f.address, 7n)).to.equal(40n);
      expect(await f.lotToken.balanceOf(f.address)).to.equal(5n * ONE);

      const a = await f.readClient.auction({ auctionId: e });
      expect(a.kind).to.equal(AuctionKind.English);
      if (a.kind !== AuctionKind.English) throw new Error("unreachable");
      expect(a).to.deep.include({ seller: f.seller.address, bidToken: ZeroAddress, state: AuctionState.Open });
      expect(a).to.deep.include({ reserve: ONE, incrementBps: 500, extension: 600n, started: false, end: null });
      expect(a).to.deep.include({ duration: DAY, bidder: null, highest: 0n, minimumBid: ONE, lotClaimant: null });
      expect(a.lot).to.deep.equal({ kind: LotKind.ERC721, token: f.nftAddress, id: 3n, amount: 1n, feeBps: 0 });
      const b = await f.readClient.auction({ auctionId: d });
      expect(b.kind).to.equal(AuctionKind.Dutch);
      expect(b.lot).to.deep.include({ kind: LotKind.ERC1155, id: 7n, amount: 40n });
      const c = await f.readClient.auction({ auctionId: s });
      if (c.kind !== AuctionKind.Sealed) throw new Error("expected a sealed auction");
      expect(c).to.deep.include({ bidToken: f.tokenAddress, reserve: ONE, commits: 0, price: ONE, bidder: null });
      expect(c.revealEnd - c.commitEnd).to.equal(HOUR);
      expect(c.lot).to.deep.include({ kind: LotKind.ERC20, id: 0n, amount: 5n * ONE });
      await expectSdkError(
        f.readClient.auction({ auctionId: toAuctionId(4n) }),
        AuctionRequestError,
        "AUCTION_WRONG_KIND",
      );
    });

    it("AU-SDK-2: `approve: true` approves exactly the lot (ERC721 token, ERC1155 collection, ERC20 amount) only when missing", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const nft = await ethers.deployContract("AuctionNFT");
      await nft.mint(f.stranger.address, 1n);
      await nft.mint(f.stranger.address, 2n);
      const stranger = f.client(f.stranger);
      const lot = { kind: LotKind.ERC721, token: await nft.getAddress(), id: 1n };
      const first = await stranger.createEnglish({ lot, duration: DAY, approve: true });
      expect(first.approvalReceipt?.status).to.equal(1);
      expect(await nft.ownerOf(1n)).to.equal(f.address);
      // The seller approved the whole collection in the fixture: nothing more to send.
      const second = await f.sellerClient.createEnglish({ lot: f.nftOf(2n), duration: DAY, approve: true });
      expect(second.approvalReceipt).to.equal(undefined);

      const iface = new ethers.Interface([
        "function approve(address,uint256)",
        "function setApprovalForAll(address,bool)",
      ]);
      const erc20 = f.readClient.buildApproveLot({ lot: f.erc20Of(5n) });
      expect(erc20.to).to.equal(f.lotTokenAddress);
      expect(iface.decodeFunctionData("approve", erc20.data).toArray()).to.deep.equal([f.address, 5n]);
      const multi = f.readClient.buildApproveLot({ lot: f.multiOf(3n) });
      expect(iface.decodeFunctionData("setApprovalForAll", multi.data).toArray()).to.deep.equal([f.address, true]);
      const token = f.readClient.buildApproveLot({ lot: { ...lot, id: 2n } });
      expect(iface.decodeFunctionData("approve", token.data).toArray()).to.deep.equal([f.address, 2n]);
    });

    it("AU-SDK-2, AU-L1, AU-L5: terms out of the spec's bounds are refused with the contract's code before anything is sent", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const lot = f.nftOf(1n);
      const cases: [string, () => Promise<unknown>, string, string][] = [
        [
          "duration 0",
          () => f.sellerClient.createEnglish({ lot, duration: 0n }),
          "AUCTION_INVALID_PARAMETERS",
          "duration",
        ],
        [
          "duration above a year",
          () => f.sellerClient.createEnglish({ lot, duration: AUCTION_LIMITS.maxDuration + 1n }),
          "AUCTION_INVALID_PARAMETERS",
          "duration",
        ],
        [
          "extension above the duration",
          () => f.sellerClient.createEnglish({ lot, duration: 60n, extension: 61n }),
          "AUCTION_INVALID_PARAMETERS",
          "extension",
        ],
        [
          "extension above a day",
          () => f.sellerClient.createEnglish({ lot, duration: 2n * DAY, extension: DAY + 1n }),
          "AUCTION_INVALID_PARAMETERS",
          "extension",
        ],
        [
          "increment above 100%",
          () => f.sellerClient.createEnglish({ lot, duration: DAY, incrementBps: 10_001 }),
          "AUCTION_INVALID_PARAMETERS",
          "incrementBps",
        ],
        [
          "reserve above 96 bits",
          () => f.sellerClient.createEnglish({ lot, duration: DAY, reserve: AUCTION_LIMITS.maxAmount + 1n }),
          "AUCTION_AMOUNT_TOO_LARGE",
          "reserve",
        ],
        [
          "an ERC721 amount of 2",
          () => f.sellerClient.createEnglish({ lot: { ...lot, amount: 2n }, duration: DAY }),
          "AUCTION_INVALID_LOT",
          "lot.amount",
        ],
        [
          "an ERC20 amount of 0",
          () => f.sellerClient.createEnglish({ lot: f.erc20Of(0n), duration: DAY }),
          "AUCTION_INVALID_LOT",
          "lot.amount",
        ],
        [
          "the contract as the lot token",
          () => f.sellerClient.createEnglish({ lot: { ...lot, token: f.address }, duration: DAY }),
          "AUCTION_INVALID_LOT",
          "lot.token",
        ],
        [
          "a lot token without code",
          () => f.sellerClient.createEnglish({ lot: { ...lot, token: f.stranger.address }, duration: DAY }),
          "AUCTION_INVALID_LOT",
          "lot.token",
        ],
        [
          "a bid token without code",
          () => f.sellerClient.createEnglish({ lot, duration: DAY, bidToken: f.stranger.address }),
          "AUCTION_INVALID_PARAMETERS",
          "bidToken",
        ],
        [
          "a Dutch floor of 0",
          () => f.sellerClient.createDutch({ lot, startPrice: ONE, floorPrice: 0n, duration: HOUR }),
          "AUCTION_INVALID_PARAMETERS",
          "floorPrice",
        ],
        [
          "a Dutch start below the floor",
          () => f.sellerClient.createDutch({ lot, startPrice: ONE, floorPrice: 2n * ONE, duration: HOUR }),
          "AUCTION_INVALID_PARAMETERS",
          "startPrice",
        ],
        [
          "a sealed reveal window of 0",
          () => f.sellerClient.createSealed({ lot, commitDuration: HOUR, revealDuration: 0n }),
          "AUCTION_INVALID_PARAMETERS",
          "revealDuration",
        ],
      ];
      const nonce = await ethers.provider.getTransactionCount(f.seller.address);
      for (const [name, action, code, field] of cases) {
        const error = await expectSdkError(action, AuctionRequestError, code);
        expect(error.details.field, name).to.equal(field);
      }
      expect(await ethers.provider.getTransactionCount(f.seller.address)).to.equal(nonce);
      // The same terms sent around the client: the contract refuses them with the same code (AU-SDK-7).
      const raw = { bidToken: ZeroAddress, reserve: 0n, incrementBps: 0n, duration: 60n, extension: 61n };
      const reverted = await f.auctions
        .connect(f.seller)
        .createEnglish({ kind: 0, token: f.nftAddress, id: 1n, amount: 1n }, raw)
        .then(() => undefined, decodeAuctionsError);
      expect(reverted).to.be.instanceOf(AuctionLotError);
      expect(reverted?.code).to.equal("AUCTION_INVALID_PARAMETERS");
    });
  });

  describe("English", function () {
    it("AU-SDK-2, AU-SDK-3, AU-E3: a bid below the minimum is refused before sending; the view's minimum equals minimumBidOf", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await english(f);
      const nonce = await ethers.provider.getTransactionCount(f.alice.address);
      await expectSdkError(
        f.aliceClient.bid({ auctionId, amount: ONE - 1n }),
        AuctionRequestError,
        "AUCTION_BID_TOO_LOW",
        {
          minimum: ONE,
        },
      );
      expect(await ethers.provider.getTransactionCount(f.alice.address)).to.equal(nonce);
      await f.aliceClient.bid({ auctionId, amount: ONE });
      const view = await f.readClient.auction({ auctionId });
      if (view.kind !== AuctionKind.English) throw new Error("expected English");
      expect(view.minimumBid).to.equal(await f.auctions.minimumBidOf(auctionId));
      expect(view.minimumBid).to.equal(ONE + ONE / 20n);
      expect(await f.readClient.minimumBid({ auctionId })).to.equal(view.minimumBid);
      expect(view).to.deep.include({ started: true, bidder: f.alice.address, highest: ONE, duration: null });
      await expectSdkError(
        f.bobClient.bid({ auctionId, amount: view.minimumBid - 1n }),
        AuctionRequestError,
        "AUCTION_BID_TOO_LOW",
        { minimum: view.minimumBid },
      );
      // Sent around the client's check, the contract's own refusal decodes to the same code.
      const reverted = await f.auctions
        .connect(f.bob)
        .bid(auctionId, ONE, 0n, { value: ONE })
        .then(() => undefined, decodeAuctionsError);
      expect(reverted).to.be.instanceOf(AuctionBidError);
      expect(reverted?.code).to.equal("AUCTION_BID_TOO_LOW");
    });

    it("AU-SDK-4, AU-E5, AU-E6: a reverting contract bidder is outbid, its refund credited; it bids again from the credit computed by the client", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await english(f);
      await f.party.setMode(1); // its receive() reverts
      const first = await f.readClient.buildBid({ auctionId, amount: ONE, bidder: f.partyAddress });
      expect(first).to.deep.include({ fromCredit: 0n, paid: ONE, value: ONE, bidToken: ZeroAddress });
      await asParty(f, first);
      const { events } = await f.aliceClient.bid({ auctionId, amount: 2n * ONE });
      expect(events.map((e) => e.type)).to.deep.equal(["BidPlaced", "PaymentCredited"]);
      expect(await f.readClient.creditOf({ account: f.partyAddress })).to.equal(ONE);

      // 2.5 ETH in all: 1 ETH from the credit, 1.5 ETH sent.
      const again = await f.readClient.buildBid({ auctionId, amount: (5n * ONE) / 2n, bidder: f.partyAddress });
      expect(again).to.deep.include({ fromCredit: ONE, paid: (3n * ONE) / 2n, value: (3n * ONE) / 2n });
      const receipt = await asParty(f, again);
      const used = receipt!.logs
        .filter((log) => log.address === f.address)
        .map((log) => f.auctions.interface.parseLog(log)!)
        .find((log) => log.name === "CreditUsed");
      expect(used?.args.amount).to.equal(ONE);
      expect(await f.readClient.creditOf({ account: f.partyAddress })).to.equal(0n);
      // Alice's 2 ETH were pushed back to her; `useCredit: false` leaves a credit alone.
      const plain = await f.readClient.buildBid({
        auctionId,
        amount: 3n * ONE,
        bidder: f.partyAddress,
        useCredit: false,
      });
      expect(plain).to.deep.include({ fromCredit: 0n, value: 3n * ONE });
    });

    it("AU-SDK-2, AU-E4: a bid in the extension window moves the end; a bid that can only land at the end is refused before sending", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await english(f);
      const { events } = await f.aliceClient.bid({ auctionId, amount: ONE });
      const end = (events[0] as { end: bigint }).end;
      await time.setNextBlockTimestamp(end - 100n);
      const late = await f.bobClient.bid({ auctionId, amount: 2n * ONE });
      const moved = (late.events[0] as { end: bigint }).end;
      expect(moved).to.equal(end - 100n + 600n);
      await time.increaseTo(moved - 1n); // the latest block is at end - 1: the next one is at the end
      await expectSdkError(f.aliceClient.bid({ auctionId, amount: 3n * ONE }), AuctionRequestError, "AUCTION_ENDED", {
        end: moved,
      });
    });

    it("AU-SDK-7, AU-E7: settle before the end decodes AUCTION_NOT_ENDED; a keeper settles after it: the seller is paid, the lot delivered", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await english(f);
      await expectSdkError(f.keeperClient.settle({ auctionId }), AuctionStateError, "AUCTION_NO_BIDS");
      const { events } = await f.aliceClient.bid({ auctionId, amount: ONE });
      const end = (events[0] as { end: bigint }).end;
      await time.setNextBlockTimestamp(end - 1n);
      await expectSdkError(f.keeperClient.settle({ auctionId }), AuctionStateError, "AUCTION_NOT_ENDED", { end });
      await time.setNextBlockTimestamp(end);
      const before = await ethers.provider.getBalance(f.seller.address);
      const settled = await f.keeperClient.settle({ auctionId });
      expect(settled.events.find((e) => e.type === "AuctionSettled")).to.deep.include({
        winner: f.alice.address,
        price: ONE,
        fee: 0n,
      });
      expect((await ethers.provider.getBalance(f.seller.address)) - before).to.equal(ONE);
      expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
      expect((await f.readClient.auction({ auctionId })).state).to.equal(AuctionState.Settled);
      await expectSdkError(f.keeperClient.settle({ auctionId }), AuctionStateError, "AUCTION_NOT_OPEN");
      await expectSdkError(f.aliceClient.bid({ auctionId, amount: 5n * ONE }), AuctionRequestError, "AUCTION_NOT_OPEN");
    });

    it("AU-SDK-7, AU-X1: cancel by another decodes AUCTION_NOT_SELLER, after a bid AUCTION_HAS_BIDS; the seller's cancel returns the lot", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const open = await english(f, 1n);
      const bidOn = await english(f, 2n);
      await expectSdkError(f.aliceClient.cancel({ auctionId: open }), AuctionAdminError, "AUCTION_NOT_SELLER");
      await f.aliceClient.bid({ auctionId: bidOn, amount: ONE });
      await expectSdkError(f.sellerClient.cancel({ auctionId: bidOn }), AuctionStateError, "AUCTION_HAS_BIDS");
      const { events } = await f.sellerClient.cancel({ auctionId: open });
      expect(events.map((e) => e.type)).to.deep.equal(["AuctionCancelled"]);
      expect(await f.nft.ownerOf(1n)).to.equal(f.seller.address);
      expect(f.readClient.buildCancel({ auctionId: open }).data).to.equal(
        f.auctions.interface.encodeFunctionData("cancel", [open]),
      );
    });

    it("AU-SDK-6, AU-L3, AU-L4: a contract winner refusing the NFT gets a claim, listed by claimableLots; the builder's claimLot sends it on", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await english(f);
      await f.party.setMode(1);
      await asParty(f, await f.readClient.buildBid({ auctionId, amount: ONE, bidder: f.partyAddress }));
      await time.increase(DAY);
      const { events } = await f.keeperClient.settle({ auctionId });
      expect(events.map((e) => e.type)).to.include("LotClaimable");
      expect(await f.readClient.lotClaimantOf({ auctionId })).to.equal(f.partyAddress);
      const { lots } = await f.readClient.claimableLots({ account: f.partyAddress });
      expect(lots).to.deep.equal([
        { auctionId, lot: { kind: LotKind.ERC721, token: f.nftAddress, id: 1n, amount: 1n, feeBps: 0 } },
      ]);
      const { bids } = await f.readClient.bidsOf({ bidder: f.partyAddress });
      expect(bids.map((b) => b.status)).to.deep.equal(["lotClaimable"]);
      await expectSdkError(
        () => f.readClient.buildClaimLot({ auctionId, to: f.address }),
        AuctionRequestError,
        "AUCTION_INVALID_PARAMETERS",
      );
      await asParty(f, f.readClient.buildClaimLot({ auctionId, to: f.alice.address }));
      expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
      expect((await f.readClient.claimableLots({ account: f.partyAddress })).lots).to.deep.equal([]);
      await expectSdkError(
        f.aliceClient.claimLot({ auctionId, to: f.alice.address }),
        AuctionStateError,
        "AUCTION_NOTHING_TO_CLAIM",
      );
    });

    it("AU-SDK-6, AU-L3, AU-L4: a winner blocked by the lot token gets a claim; claimLot sends it to another address", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const blk = await ethers.deployContract("BlocklistToken");
      await blk.mint(f.seller.address, 10n * ONE);
      const lot = { kind: LotKind.ERC20, token: await blk.getAddress(), amount: 10n * ONE };
      const { auctionId } = await f.sellerClient.createEnglish({ lot, duration: DAY, approve: true });
      await f.aliceClient.bid({ auctionId, amount: ONE });
      await blk.setBlocked(f.alice.address, true);
      await time.increase(DAY);
      await f.keeperClient.settle({ auctionId });
      const { lots } = await f.aliceClient.claimableLots({ account: f.alice.address });
      expect(lots.map((l) => [l.auctionId, l.lot.amount])).to.deep.equal([[auctionId, 10n * ONE]]);
      const { events } = await f.aliceClient.claimLot({ auctionId, to: f.bob.address });
      expect(events.find((e) => e.type === "LotClaimed")).to.deep.include({
        claimant: f.alice.address,
        to: f.bob.address,
      });
      expect(await blk.balanceOf(f.bob.address)).to.equal(10n * ONE);
      expect(await f.readClient.lotClaimantOf({ auctionId })).to.equal(null);
    });

    it("AU-SDK-7, AU-X2, AU-X3: credits are withdrawn through the builder, nothing to withdraw decodes; fees are collected by anyone once", async function () {
      const f = await loadFixture(auctionSdkFixture);
      await f.auctions.connect(f.owner).setFee(250n, f.feeRecipient.address);
      const auctionId = await english(f);
      await f.party.setMode(1);
      await asParty(f, await f.readClient.buildBid({ auctionId, amount: ONE, bidder: f.partyAddress }));
      await f.aliceClient.bid({ auctionId, amount: 2n * ONE });
      const before = await ethers.provider.getBalance(f.bob.address);
      await asParty(f, f.readClient.buildWithdraw({ to: f.bob.address }));
      expect((await ethers.provider.getBalance(f.bob.address)) - before).to.equal(ONE);
      await expectSdkError(
        f.aliceClient.withdraw({ to: f.alice.address }),
        TransferError,
        "PULL_PAYMENTS_NOTHING_TO_WITHDRAW",
      );

      await time.increase(DAY);
      await f.keeperClient.settle({ auctionId });
      const fee = (2n * ONE * 250n) / 10_000n;
      const recipientBefore = await ethers.provider.getBalance(f.feeRecipient.address);
      const { events } = await f.keeperClient.collectFees({});
      expect(events.find((e) => e.type === "FeesCollected")).to.deep.include({ amount: fee });
      expect((await ethers.provider.getBalance(f.feeRecipient.address)) - recipientBefore).to.equal(fee);
      await expectSdkError(f.keeperClient.collectFees({}), AuctionStateError, "AUCTION_NOTHING_TO_CLAIM");
    });
  });

  describe("ERC20 bids", function () {
    it("AU-SDK-2, AU-E6, AU-D2, AU-V1: with `approve: true` a bid, a buy and a commit approve exactly what is pulled; without it the revert decodes", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const bidToken = f.tokenAddress;
      await f.token.connect(f.alice).approve(f.address, 0n);
      const { auctionId: e } = await f.sellerClient.createEnglish({
        lot: f.nftOf(1n),
        bidToken,
        reserve: ONE,
        duration: DAY,
      });
      await expectSdkError(
        f.aliceClient.bid({ auctionId: e, amount: ONE }),
        TransferError,
        "ERC20_INSUFFICIENT_ALLOWANCE",
      );
      const built = await f.aliceClient.buildBid({ auctionId: e, amount: ONE });
      expect(built).to.deep.include({ value: 0n, paid: ONE, fromCredit: 0n, bidToken });
      const placed = await f.aliceClient.bid({ auctionId: e, amount: ONE, approve: true });
      expect(placed.approvalReceipt?.status).to.equal(1);
      expect(await f.token.allowance(f.alice.address, f.address)).to.equal(0n); // exactly the bid, all pulled
      expect(await f.token.balanceOf(f.address)).to.equal(ONE);

      const { auctionId: d } = await f.sellerClient.createDutch({
        lot: f.nftOf(2n),
        bidToken,
        startPrice: 2n * ONE,
        floorPrice: ONE,
        duration: HOUR,
      });
      const before = await f.token.balanceOf(f.alice.address);
      const bought = await f.aliceClient.buy({ auctionId: d, maxPrice: 2n * ONE, approve: true });
      expect(bought.approvalReceipt?.status).to.equal(1);
      expect(before - (await f.token.balanceOf(f.alice.address))).to.equal(bought.price);

      const { auctionId: s } = await f.sellerClient.createSealed({
        lot: f.nftOf(3n),
        bidToken,
        commitDuration: HOUR,
        revealDuration: HOUR,
      });
      const sealed = await f.aliceClient.sealBid({ auctionId: s, amount: ONE, deposit: 3n * ONE });
      expect((await f.aliceClient.buildCommit({ bid: sealed })).value).to.equal(0n);
      const committed = await f.aliceClient.commit({ bid: sealed, approve: true });
      expect(committed.approvalReceipt?.status).to.equal(1);
      expect((await f.readClient.commitOf({ auctionId: s, bidder: f.alice.address })).deposit).to.equal(3n * ONE);
    });
  });

  describe("Dutch", function () {
    async function dutch(f: AuctionSdkFixture) {
      const { auctionId } = await f.sellerClient.createDutch({
        lot: f.nftOf(1n),
        startPrice: 10n * ONE,
        floorPrice: 2n * ONE,
        duration: 7_777n,
        floorDuration: HOUR,
      });
      return auctionId;
    }

    it("AU-SDK-3, AU-D1: currentPrice and the view's price equal priceOf at every tested timestamp, and dutchPriceAt at any `at`", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await dutch(f);
      const d = await f.auctions.dutchOf(auctionId);
      for (const dt of [0n, 1n, 3n, 1_000n, 7_776n, 7_777n, 7_778n, 7_777n + HOUR - 1n]) {
        if (dt > 0n) {
          await time.setNextBlockTimestamp(d.start + dt);
          await mine();
        }
        const onChain = await f.auctions.priceOf(auctionId);
        expect(await f.readClient.currentPrice({ auctionId }), `t = start + ${dt}`).to.equal(onChain);
        const view = await f.readClient.auction({ auctionId });
        if (view.kind !== AuctionKind.Dutch) throw new Error("expected Dutch");
        expect(view.price).to.equal(onChain);
        expect(view.at).to.equal(d.start + dt);
      }
      const at = d.start + 1_234n;
      const terms = { start: d.start, duration: d.duration, startPrice: d.startPrice, floorPrice: d.floorPrice };
      expect(await f.readClient.currentPrice({ auctionId, at })).to.equal(dutchPriceAt({ at, ...terms }));
      // Not a Dutch auction.
      const e = await english(f, 2n);
      await expectSdkError(f.readClient.currentPrice({ auctionId: e }), AuctionRequestError, "AUCTION_WRONG_KIND");
    });

    it("AU-SDK-4, AU-D2: a buy sends maxPrice, pays exactly the price of its block (the excess refunded); above maxPrice it is refused before sending", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await dutch(f);
      const d = await f.auctions.dutchOf(auctionId);
      const nonce = await ethers.provider.getTransactionCount(f.alice.address);
      await expectSdkError(
        f.aliceClient.buy({ auctionId, maxPrice: 2n * ONE }),
        AuctionRequestError,
        "AUCTION_PRICE_ABOVE_MAX",
      );
      expect(await ethers.provider.getTransactionCount(f.alice.address)).to.equal(nonce);
      const built = await f.aliceClient.buildBuy({ auctionId, maxPrice: 10n * ONE });
      expect(built.value).to.equal(10n * ONE);
      const at = d.start + 2_000n;
      await time.setNextBlockTimestamp(at);
      const before = await ethers.provider.getBalance(f.alice.address);
      const { price, receipt } = await f.aliceClient.buy({ auctionId, maxPrice: 10n * ONE });
      const expected = dutchPriceAt({
        at,
        start: d.start,
        duration: d.duration,
        startPrice: d.startPrice,
        floorPrice: d.floorPrice,
      });
      expect(price).to.equal(expected);
      expect(before - (await ethers.provider.getBalance(f.alice.address))).to.equal(expected + receipt.fee);
      expect(await f.nft.ownerOf(1n)).to.equal(f.alice.address);
      // AU-D4: once sold, the view's price is what was paid, not the price of a later second.
      await time.increase(1_000n);
      const sold = await f.readClient.auction({ auctionId });
      if (sold.kind !== AuctionKind.Dutch) throw new Error("expected Dutch");
      expect([sold.state, sold.price]).to.deep.equal([AuctionState.Settled, expected]);
      await expectSdkError(
        f.bobClient.buy({ auctionId, maxPrice: 10n * ONE }),
        AuctionRequestError,
        "AUCTION_NOT_OPEN",
      );
    });

    it("AU-SDK-2: a buy that can only land at the end is refused as AUCTION_ENDED; a bid on a Dutch auction as AUCTION_WRONG_KIND", async function () {
      const f = await loadFixture(auctionSdkFixture);
      const auctionId = await dutch(f);
      const d = await f.auctions.dutchOf(auctionId);
      await expectSdkError(f.aliceClient.bid({ auctionId, amount: ONE }), AuctionRequestError, "AUCTION_WRONG_KIND");
      await time.increaseTo(d.end - 1n);
      await expectSdkError(
        f.aliceClient.buy({ auctionId, maxPrice: 10n * ONE }),
        AuctionRequestError,
        "AUCTION_ENDED",
        {
          end: d.end,
        },
      );
      expect(new AuctionClient({ address: f.address, runner: ethers.provider }).address).to.equal(f.address);
    });
  });
});
