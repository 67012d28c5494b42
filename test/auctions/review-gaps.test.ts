// Review gaps (docs/auctions.md AU-L2, AU-L3, AU-V4): rules whose break no other auctions test noticed (found by mutating the code).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { FalseReturnToken } from "../../typechain-types";
import {
  DAY,
  LotKind,
  ONE,
  State,
  auctionsFixture,
  bidEth,
  commitEth,
  createEnglish,
  createSealed,
} from "../helpers/auctions";

describe("Auctions: review gaps", function () {
  it("AU-L3: an ERC20 lot whose transfer returns false is not delivered: it becomes the winner's claim", async function () {
    const f = await loadFixture(auctionsFixture);
    const frt = (await ethers.deployContract("FalseReturnToken")) as unknown as FalseReturnToken;
    const frtAddr = await frt.getAddress();
    await frt.mint(f.seller.address, 5n * ONE);
    await frt.connect(f.seller).approve(f.address, ethers.MaxUint256);
    const id = await createEnglish(f, { kind: LotKind.ERC20, token: frtAddr, id: 0n, amount: 5n * ONE });
    await bidEth(f.auctions, f.alice, id, ONE);
    await time.increase(DAY);
    await frt.setFailTransfers(true);
    await expect(f.auctions.settle(id)).to.emit(f.auctions, "LotClaimable").withArgs(id, f.alice.address);
    expect(await f.auctions.lotClaimantOf(id)).to.equal(f.alice.address);
    expect(await frt.balanceOf(f.address)).to.equal(5n * ONE);
    await frt.setFailTransfers(false);
    await f.auctions.connect(f.alice).claimLot(id, f.carol.address);
    expect(await frt.balanceOf(f.carol.address)).to.equal(5n * ONE);
  });

  it("AU-L2: an ERC1155 batch of two sent by anyone else is refused (onERC1155BatchReceived reverts)", async function () {
    const f = await loadFixture(auctionsFixture);
    // A batch of one is checked through onERC1155Received by OpenZeppelin's ERC1155; two reach the batch hook.
    await expect(
      f.multi.connect(f.seller).safeBatchTransferFrom(f.seller.address, f.address, [7n, 7n], [1n, 1n], "0x"),
    ).to.be.revertedWithCustomError(f.auctions, "AuctionsUnsolicitedTransfer");
  });

  it("AU-V4: a lone revealed bid below the reserve does not win: settle returns the lot (Unsold), the deposit comes back whole", async function () {
    const f = await loadFixture(auctionsFixture);
    const { id, commitEnd, revealEnd } = await createSealed(f, f.nftLot(3n));
    const salt = await commitEth(f, f.bob, id, ONE / 2n, ONE);
    await time.setNextBlockTimestamp(commitEnd);
    await f.auctions.connect(f.bob).reveal(id, ONE / 2n, salt);
    await time.setNextBlockTimestamp(revealEnd);
    await expect(f.auctions.settle(id)).to.emit(f.auctions, "AuctionUnsold").withArgs(id);
    expect((await f.auctions.sealedOf(id)).state).to.equal(State.Unsold);
    expect(await f.nft.ownerOf(3n)).to.equal(f.seller.address);
    await expect(f.auctions.connect(f.bob).reclaim(id)).to.changeEtherBalance(f.bob, ONE);
  });
});
