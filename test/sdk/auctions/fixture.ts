// The AuctionClient tests' fixture: the contract and tokens of test/helpers/auctions.ts (lots approved by the seller,
// the bid token approved by the bidders), one AuctionClient per party, a read-only client, and an AuctionParty (a
// contract bidder whose callbacks and `receive` can be made to revert) owned by `carol`.
import { ethers } from "hardhat";
import type { ContractRunner } from "ethers";
import { AuctionClient, LotKind, toAuctionId, type AuctionId, type AuctionLotSpec } from "../../../sdk";
import { auctionsFixture } from "../../helpers/auctions";

export async function auctionSdkFixture() {
  const f = await auctionsFixture();
  const client = (runner: ContractRunner) => new AuctionClient({ address: f.address, runner });
  const party = await ethers.deployContract("AuctionParty", [f.carol.address]);
  const nftOf = (id: bigint): AuctionLotSpec => ({ kind: LotKind.ERC721, token: f.nftAddress, id });
  const multiOf = (amount: bigint): AuctionLotSpec => ({
    kind: LotKind.ERC1155,
    token: f.multiAddress,
    id: 7n,
    amount,
  });
  const erc20Of = (amount: bigint): AuctionLotSpec => ({ kind: LotKind.ERC20, token: f.lotTokenAddress, amount });
  return {
    ...f,
    party,
    partyAddress: await party.getAddress(),
    nftOf,
    multiOf,
    erc20Of,
    sellerClient: client(f.seller),
    aliceClient: client(f.alice),
    bobClient: client(f.bob),
    keeperClient: client(f.keeper),
    readClient: client(ethers.provider),
    client,
  };
}

export type AuctionSdkFixture = Awaited<ReturnType<typeof auctionSdkFixture>>;

/** The id the contract will give the next auction. */
export async function nextId(f: AuctionSdkFixture): Promise<AuctionId> {
  return toAuctionId(await f.auctions.nextAuctionId());
}
