// Finding (docs/auctions.md AU-L4, AU-L2): claimLot(id, to) accepted `to` = the auctions contract itself. Its own
// safeTransferFrom has `operator == this`, so onERC721Received accepts it, the claim is deleted, and the lot sits in
// the contract with no record left to release it: stranded for good. A claim to this contract must revert.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ONE, auctionsFixture, createEnglish } from "../helpers/auctions";

async function claimableLot() {
  const f = await auctionsFixture();
  const [, , , , , , , , acctOwner] = await ethers.getSigners();
  const acct = await ethers.deployContract("MockAccount", [acctOwner.address], { value: 10n * ONE });
  const id = await createEnglish(f, f.nftLot(1n));
  const bid = f.auctions.interface.encodeFunctionData("bid", [id, ONE, 0n]);
  await acct.connect(acctOwner).execute(f.address, ONE, bid, { value: ONE });
  await time.increase(DAY);
  await f.auctions.connect(f.keeper).settle(id); // the account has no onERC721Received: the lot becomes its claim
  const claimTo = (to: string) =>
    acct.connect(acctOwner).execute(f.address, 0n, f.auctions.interface.encodeFunctionData("claimLot", [id, to]));
  return { ...f, acct, id, claimTo };
}

describe("Finding: claimLot to the auctions contract strands the lot (AU-L4)", function () {
  it("AU-L4: claimLot with to = the auctions contract reverts AuctionsInvalidParameters and the claim stays", async function () {
    const f = await loadFixture(claimableLot);
    const acct = await f.acct.getAddress();
    expect(await f.auctions.lotClaimantOf(f.id)).to.equal(acct);
    await expect(f.claimTo(f.address)).to.be.revertedWithCustomError(f.auctions, "AuctionsInvalidParameters");
    expect(await f.auctions.lotClaimantOf(f.id)).to.equal(acct);
    await expect(f.claimTo(f.carol.address)).to.emit(f.auctions, "LotClaimed").withArgs(f.id, acct, f.carol.address);
    expect(await f.nft.ownerOf(1n)).to.equal(f.carol.address);
  });
});
