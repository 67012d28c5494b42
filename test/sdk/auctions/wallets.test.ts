// AuctionClient with the wallets apps use (docs/auctions.md AU-SDK-1): a BrowserProvider signer over a bare EIP-1193
// object (an injected browser wallet), and a Safe (SafeSigner, ERC-1271 wallet) as the bidder.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { AuctionClient, CommitStatus, SafeSigner } from "../../../sdk";
import { underCoverage } from "../../helpers/coverage";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { createSafe, safeContracts } from "../../helpers/safe";
import { auctionSdkFixture } from "./fixture";

const ONE = parseEther("1");
const HOUR = 3_600n;

async function walletsFixture() {
  const f = await auctionSdkFixture();
  const [o1, o2, o3] = (await ethers.getSigners()).slice(14, 17);
  const { safe } = await createSafe(await safeContracts(), {
    owners: [o1.address, o2.address, o3.address],
    threshold: 2,
  });
  await f.owner.sendTransaction({ to: safe, value: parseEther("10") });
  return { ...f, o1, o2, safe };
}

describe("AuctionClient with an EIP-1193 wallet and a Safe (docs/auctions.md AU-SDK-1)", function () {
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("AU-SDK-1: a bid and a sealed commit go through a BrowserProvider signer over a bare EIP-1193 object, one eth_sendTransaction each", async function () {
    const f = await loadFixture(walletsFixture);
    const { auctionId: english } = await f.sellerClient.createEnglish({
      lot: f.nftOf(1n),
      reserve: ONE,
      duration: HOUR,
    });
    const { auctionId: sealed } = await f.sellerClient.createSealed({
      lot: f.nftOf(2n),
      commitDuration: HOUR,
      revealDuration: HOUR,
    });
    const page = await pageSigner(f.bob.address);
    const bob = new AuctionClient({ address: f.address, runner: page.signer });
    const from = page.wallet.seen.length;
    await bob.bid({ auctionId: english, amount: ONE });
    expect(countSince(page.wallet, "eth_sendTransaction", from)).to.equal(1);
    const bid = await bob.sealBid({ auctionId: sealed, amount: ONE, deposit: 2n * ONE });
    expect(bid.bidder).to.equal(f.bob.address);
    await bob.commit({ bid });
    expect(countSince(page.wallet, "eth_sendTransaction", from)).to.equal(2);
    // Nothing was signed besides the two transactions: a sealed bid is a hash, not a signature.
    expect(countSince(page.wallet, "eth_signTypedData_v4", from)).to.equal(0);
    expect((await f.auctions.englishOf(english)).bidder).to.equal(f.bob.address);
    expect((await bob.commitOf({ auctionId: sealed, bidder: f.bob.address })).status).to.equal(CommitStatus.Committed);
  });

  it("AU-SDK-1, AU-E5: a Safe bids through SafeSigner, is outbid, and gets its refund pushed back", async function () {
    const f = await loadFixture(walletsFixture);
    const { auctionId } = await f.sellerClient.createEnglish({ lot: f.nftOf(1n), reserve: ONE, duration: HOUR });
    const asSafe = new SafeSigner({ safe: f.safe, owners: [f.o1, f.o2], provider: ethers.provider });
    const safeClient = new AuctionClient({ address: f.address, runner: asSafe });
    const before = await ethers.provider.getBalance(f.safe);
    const { events } = await safeClient.bid({ auctionId, amount: ONE });
    expect(events.find((e) => e.type === "BidPlaced")).to.deep.include({ bidder: f.safe, amount: ONE });
    expect(before - (await ethers.provider.getBalance(f.safe))).to.equal(ONE); // the relayer paid the gas
    const outbid = await f.aliceClient.bid({ auctionId, amount: 2n * ONE });
    // The refund was pushed (no PaymentCredited): the Safe holds its ETH again, and no credit.
    expect(outbid.events.map((e) => e.type)).to.deep.equal(["BidPlaced"]);
    expect(await ethers.provider.getBalance(f.safe)).to.equal(before);
    expect(await safeClient.creditOf({ account: f.safe })).to.equal(0n);
    const { bids } = await f.readClient.bidsOf({ bidder: f.safe });
    expect(bids.map((b) => [b.status, b.lastBid])).to.deep.equal([["outbid", ONE]]);
  });
});
