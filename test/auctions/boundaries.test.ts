// Bounds and views the other suites checked on one side only (the mutation run found them, docs/security.md §8): the
// 96-bit bounds at the bound itself (a bid and a deposit of exactly 2^96 − 1 are accepted and recorded whole; the
// tests beside them refuse 2^96), the minimum bid before the first bid and the increment's rounding, the event of a
// withdrawn credit, and an ERC20 lot's delivery judged from what the token answered.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  LOT_DELIVERY_GAS,
  LotKind,
  ONE,
  UINT96_MAX,
  auctionsFixture,
  bidEth,
  commitEth,
  createDutch,
  createEnglish,
  createSealed,
} from "../helpers/auctions";

describe("Auctions: bounds and views", function () {
  it("AU-E6: an English bid of exactly 2^96 − 1 tokens is accepted and recorded whole", async function () {
    const f = await loadFixture(auctionsFixture);
    const id = await createEnglish(f, f.nftLot(1n), { bidToken: f.tokenAddress });
    await f.token.mint(f.alice.address, UINT96_MAX);
    const tx = f.auctions.connect(f.alice).bid(id, UINT96_MAX, 0n);
    await expect(tx).to.changeTokenBalances(f.token, [f.alice, f.auctions], [-UINT96_MAX, UINT96_MAX]);
    await expect(tx).to.emit(f.auctions, "BidPlaced");
    const english = await f.auctions.englishOf(id);
    expect(english.bidder).to.equal(f.alice.address);
    expect(english.amount).to.equal(UINT96_MAX);
  });

  it("AU-V1: a sealed-bid deposit of exactly 2^96 − 1 wei is accepted and recorded whole", async function () {
    const f = await loadFixture(auctionsFixture);
    const { id } = await createSealed(f, f.nftLot(1n));
    await ethers.provider.send("hardhat_setBalance", [f.alice.address, ethers.toQuantity(2n * UINT96_MAX)]);
    await commitEth(f, f.alice, id, 1n, UINT96_MAX);
    const c = await f.auctions.commitOf(id, f.alice.address);
    expect(c.deposit).to.equal(UINT96_MAX);
    expect(await ethers.provider.getBalance(f.address)).to.equal(UINT96_MAX);
  });

  it("AU-E3: before the first bid the minimum is the reserve; minimumBidOf of a Dutch or unknown id is AuctionsWrongKind", async function () {
    const f = await loadFixture(auctionsFixture);
    const id = await createEnglish(f, f.nftLot(1n), { reserve: 5n * ONE });
    expect(await f.auctions.minimumBidOf(id)).to.equal(5n * ONE);
    const { id: dutch } = await createDutch(f, f.nftLot(2n));
    for (const other of [dutch, 999n]) {
      await expect(f.auctions.minimumBidOf(other))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsWrongKind")
        .withArgs(other);
    }
  });

  it("AU-E5: an outbid bidder refusing ETH is credited; its withdrawal emits CreditWithdrawn(account, token, to, amount)", async function () {
    const f = await loadFixture(auctionsFixture);
    const id = await createEnglish(f, f.nftLot(1n));
    const account = await ethers.deployContract("MockAccount", [f.alice.address]);
    const accountAddress = await account.getAddress();
    const bid = f.auctions.interface.encodeFunctionData("bid", [id, ONE, 0n]);
    await account.connect(f.alice).execute(f.address, ONE, bid, { value: ONE });
    await account.setRejectEth(true);
    await bidEth(f.auctions, f.bob, id, 2n * ONE);
    expect(await f.auctions.creditOf(ETH, accountAddress)).to.equal(ONE);
    const withdraw = f.auctions.interface.encodeFunctionData("withdraw", [ETH, f.carol.address]);
    await expect(account.connect(f.alice).execute(f.address, 0n, withdraw))
      .to.emit(f.auctions, "CreditWithdrawn")
      .withArgs(accountAddress, ETH, f.carol.address, ONE);
    expect(await f.auctions.creditOf(ETH, accountAddress)).to.equal(0n);
  });

  it("AU-E3: the increment rounds up: 1 bp of 10,001 is 2 units, so the next minimum is 10,003", async function () {
    const f = await loadFixture(auctionsFixture);
    const id = await createEnglish(f, f.nftLot(1n), { reserve: 1n, incrementBps: 1n });
    await bidEth(f.auctions, f.alice, id, 10_001n);
    expect(await f.auctions.minimumBidOf(id)).to.equal(10_003n);
    await expect(bidEth(f.auctions, f.bob, id, 10_002n))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsBidTooLow")
      .withArgs(10_002n, 10_003n);
  });

  it("AU-L3: an ERC20 lot the token delivers (returning true) leaves no claim behind", async function () {
    const f = await loadFixture(auctionsFixture);
    const lot = f.erc20Lot(5n * ONE);
    const id = await createEnglish(f, lot);
    await bidEth(f.auctions, f.alice, id, ONE);
    await time.increase(DAY + 1n);
    const lotToken = await ethers.getContractAt("MockERC20", lot.token);
    const tx = f.auctions.connect(f.stranger).settle(id);
    await expect(tx).to.changeTokenBalances(lotToken, [f.alice, f.auctions], [5n * ONE, -5n * ONE]);
    await expect(tx).to.not.emit(f.auctions, "LotClaimable");
    expect(await f.auctions.lotClaimantOf(id)).to.equal(ethers.ZeroAddress);
  });

  it("AU-L3: an ERC20 lot whose transfer reverts with no data becomes the winner's claim", async function () {
    const f = await loadFixture(auctionsFixture);
    const silent = await ethers.deployContract("SilentRevertToken");
    const silentAddress = await silent.getAddress();
    await silent.mint(f.seller.address, 5n * ONE);
    await silent.connect(f.seller).approve(f.address, 5n * ONE);
    const id = await createEnglish(f, { kind: LotKind.ERC20, token: silentAddress, id: 0n, amount: 5n * ONE });
    await bidEth(f.auctions, f.alice, id, ONE);
    await time.increase(DAY + 1n);
    await silent.setBlocked(f.alice.address, true);
    await expect(f.auctions.connect(f.stranger).settle(id))
      .to.emit(f.auctions, "LotClaimable")
      .withArgs(id, f.alice.address);
    expect(await silent.balanceOf(f.address)).to.equal(5n * ONE);
    await f.auctions.connect(f.alice).claimLot(id, f.bob.address);
    expect(await silent.balanceOf(f.bob.address)).to.equal(5n * ONE);
  });

  it("AU-L1: an ERC20 lot is recorded with id 0 whatever id its spec carried; the delivery gas cap is 300,000", async function () {
    const f = await loadFixture(auctionsFixture);
    const id = await createEnglish(f, { ...f.erc20Lot(ONE), id: 7n });
    const lot = await f.auctions.lotOf(id);
    expect([lot.lotKind, lot.id, lot.amount]).to.deep.equal([BigInt(LotKind.ERC20), 0n, ONE]);
    expect(await f.auctions.LOT_DELIVERY_GAS()).to.equal(LOT_DELIVERY_GAS);
  });

  it("AU-E7: a fee of exactly one unit is accrued for the fee recipient and kept from the seller", async function () {
    const f = await loadFixture(auctionsFixture);
    await f.auctions.connect(f.owner).setFee(1n, f.feeRecipient.address);
    // 10,000 wei at 1 bp: a fee of 1 wei.
    const id = await createEnglish(f, f.nftLot(1n), { reserve: 10_000n });
    await bidEth(f.auctions, f.alice, id, 10_000n);
    await time.increase(DAY + 1n);
    await expect(f.auctions.connect(f.stranger).settle(id)).to.changeEtherBalance(f.seller, 9_999n);
    expect(await f.auctions.feesOf(ETH)).to.equal(1n);
    await expect(f.auctions.collectFees(ETH)).to.changeEtherBalance(f.feeRecipient, 1n);
  });
});
