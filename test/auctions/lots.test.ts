// Lots, creation and the owner (docs/auctions.md AU-L1, AU-L2, AU-L4, AU-L5, AU-X3): escrow at creation measured,
// unsolicited NFTs refused, parameters bounded, the fee capped and snapshotted, fees collected to the recipient.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ENGLISH,
  ETH,
  Kind,
  LotKind,
  MAX_DURATION,
  MAX_EXTENSION,
  MAX_FEE_BPS,
  ONE,
  auctionsFixture,
  createEnglish,
} from "../helpers/auctions";

describe("Auctions: lots, creation and the owner", function () {
  it("AU-L1: creation escrows each kind of lot and announces it (AuctionCreated indexed by seller and lot token)", async function () {
    const f = await loadFixture(auctionsFixture);
    await expect(f.auctions.connect(f.seller).createEnglish(f.nftLot(1n), { bidToken: ETH, ...ENGLISH }))
      .to.emit(f.auctions, "AuctionCreated")
      .withArgs(1n, f.seller.address, Kind.English, f.nftAddress, LotKind.ERC721, 1n, 1n, ETH);
    expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    await createEnglish(f, f.multiLot(30n));
    expect(await f.multi.balanceOf(f.address, 7n)).to.equal(30n);
    await expect(
      f.auctions.connect(f.seller).createEnglish(f.erc20Lot(5n * ONE), { bidToken: ETH, ...ENGLISH }),
    ).to.changeTokenBalance(f.lotToken, f.auctions, 5n * ONE);
    expect(await f.auctions.kindOf(3n)).to.equal(Kind.English);
    const lot = await f.auctions.lotOf(3n);
    expect([lot.token, lot.lotKind, lot.amount]).to.deep.equal([f.lotTokenAddress, BigInt(LotKind.ERC20), 5n * ONE]);
  });

  it("AU-L1: a fee-on-transfer ERC20 lot is refused with AuctionsTransferShortfall", async function () {
    const f = await loadFixture(auctionsFixture);
    const fot = await ethers.deployContract("FeeOnTransferToken", [100n]);
    await fot.mint(f.seller.address, 10n * ONE);
    await fot.connect(f.seller).approve(f.address, ethers.MaxUint256);
    const lot = { kind: LotKind.ERC20, token: await fot.getAddress(), id: 0n, amount: 10n * ONE };
    await expect(f.auctions.connect(f.seller).createEnglish(lot, { bidToken: ETH, ...ENGLISH }))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
      .withArgs(lot.token, 10n * ONE, (10n * ONE * 9_900n) / 10_000n);
  });

  it("AU-L1: an invalid lot (no code, zero amount, ERC721 amount ≠ 1, this contract) reverts with AuctionsInvalidLot", async function () {
    const f = await loadFixture(auctionsFixture);
    const bad = [
      { ...f.nftLot(1n), token: f.stranger.address },
      { ...f.nftLot(1n), amount: 2n },
      f.erc20Lot(0n),
      { ...f.nftLot(1n), token: f.address },
    ];
    for (const lot of bad) {
      await expect(
        f.auctions.connect(f.seller).createEnglish(lot, { bidToken: ETH, ...ENGLISH }),
      ).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidLot");
    }
  });

  it("AU-L5: out-of-bounds parameters and a bid token without code revert with AuctionsInvalidParameters", async function () {
    const f = await loadFixture(auctionsFixture);
    const english = [
      { duration: 0n },
      { duration: MAX_DURATION + 1n },
      { extension: MAX_EXTENSION + 1n, duration: 2n * DAY },
      { extension: 601n, duration: 600n },
      { incrementBps: 10_001n },
      { bidToken: f.stranger.address },
    ];
    for (const o of english) {
      await expect(
        f.auctions.connect(f.seller).createEnglish(f.nftLot(1n), { bidToken: ETH, ...ENGLISH, ...o }),
      ).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidParameters");
    }
    const dutch = { bidToken: ETH, startPrice: 2n, floorPrice: 1n, duration: 10n, floorDuration: 0n };
    for (const o of [{ floorPrice: 0n }, { startPrice: 0n }, { duration: 0n }, { floorDuration: MAX_DURATION + 1n }]) {
      await expect(
        f.auctions.connect(f.seller).createDutch(f.nftLot(1n), { ...dutch, ...o }),
      ).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidParameters");
    }
    const sealed = { bidToken: ETH, reserve: 0n, commitDuration: 10n, revealDuration: 10n };
    for (const o of [{ commitDuration: 0n }, { revealDuration: 0n }, { revealDuration: MAX_DURATION + 1n }]) {
      await expect(
        f.auctions.connect(f.seller).createSealed(f.nftLot(1n), { ...sealed, ...o }),
      ).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidParameters");
    }
    // The bounds themselves are accepted.
    await f.auctions
      .connect(f.seller)
      .createEnglish(f.nftLot(1n), { bidToken: ETH, ...ENGLISH, duration: MAX_DURATION, extension: MAX_EXTENSION });
  });

  it("AU-L2: an NFT or ERC1155 sent with safeTransferFrom by anyone else is refused (AuctionsUnsolicitedTransfer)", async function () {
    const f = await loadFixture(auctionsFixture);
    await expect(
      f.nft.connect(f.seller)["safeTransferFrom(address,address,uint256)"](f.seller.address, f.address, 5n),
    ).to.be.revertedWithCustomError(f.auctions, "AuctionsUnsolicitedTransfer");
    await expect(
      f.multi.connect(f.seller).safeTransferFrom(f.seller.address, f.address, 7n, 1n, "0x"),
    ).to.be.revertedWithCustomError(f.auctions, "AuctionsUnsolicitedTransfer");
    await expect(
      f.multi.connect(f.seller).safeBatchTransferFrom(f.seller.address, f.address, [7n], [1n], "0x"),
    ).to.be.revertedWithCustomError(f.auctions, "AuctionsUnsolicitedTransfer");
    expect(await f.auctions.supportsInterface("0x4e2312e0")).to.equal(true); // IERC1155Receiver
    expect(await f.auctions.supportsInterface("0xffffffff")).to.equal(false);
  });

  it("AU-L2: plain ETH sent to the contract is refused (no receive)", async function () {
    const f = await loadFixture(auctionsFixture);
    await expect(f.alice.sendTransaction({ to: f.address, value: 1n })).to.be.reverted;
  });

  it("AU-X3: setFee is the owner's, capped at MAX_FEE_BPS, with a recipient neither zero nor this contract", async function () {
    const f = await loadFixture(auctionsFixture);
    expect(await f.auctions.fee()).to.deep.equal([0n, f.owner.address]);
    await expect(f.auctions.connect(f.stranger).setFee(1n, f.stranger.address)).to.be.revertedWithCustomError(
      f.auctions,
      "OwnableUnauthorizedAccount",
    );
    await expect(f.auctions.setFee(MAX_FEE_BPS + 1n, f.feeRecipient.address))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsFeeTooHigh")
      .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
    for (const r of [ethers.ZeroAddress, f.address]) {
      await expect(f.auctions.setFee(1n, r)).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidFeeRecipient");
    }
    await expect(f.auctions.setFee(MAX_FEE_BPS, f.feeRecipient.address))
      .to.emit(f.auctions, "FeeUpdated")
      .withArgs(MAX_FEE_BPS, f.feeRecipient.address);
  });

  it("AU-X3: collectFees sends an ERC20's accrued fees to the current recipient, once", async function () {
    const f = await loadFixture(auctionsFixture);
    await f.auctions.setFee(500n, f.feeRecipient.address);
    const id = await createEnglish(f, f.nftLot(1n), { bidToken: f.tokenAddress });
    await f.auctions.connect(f.alice).bid(id, 2n * ONE, 0n);
    await ethers.provider.send("evm_increaseTime", [Number(DAY)]);
    await f.auctions.settle(id);
    await f.auctions.setFee(0n, f.stranger.address);
    await expect(f.auctions.collectFees(f.tokenAddress)).to.changeTokenBalance(f.token, f.stranger, ONE / 10n);
    expect(await f.auctions.feesOf(f.tokenAddress)).to.equal(0n);
    await expect(f.auctions.collectFees(f.tokenAddress)).to.be.revertedWithCustomError(
      f.auctions,
      "AuctionsNothingToClaim",
    );
  });

  it("AU-L4: claimLot with nothing to claim reverts with AuctionsNothingToClaim", async function () {
    const f = await loadFixture(auctionsFixture);
    await expect(f.auctions.connect(f.alice).claimLot(1n, f.alice.address))
      .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
      .withArgs(1n);
  });
});
