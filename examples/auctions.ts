// An NFT sold for ETH twice: by English auction (the outbid bidder refunded at once, anyone settles after the end),
// then resold by its buyer in a sealed-bid second-price auction (commit, reveal, settle, the loser reclaims).
// Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL, PEERPAY_RECORD, and
// PEERPAY_NFT, an ERC721 contract in which the seller (account 1) holds token PEERPAY_NFT_ID (default 1). A fresh
// deployment has no NFT: the package test mints one for it. The program moves the node's clock past each phase's end
// (anvil and Hardhat only); on a real chain you wait instead.
import { readFileSync } from "node:fs";
import { Contract, JsonRpcProvider, formatEther, parseEther } from "ethers";
import {
  AuctionClient,
  AuctionKind,
  LotKind,
  PeerPayError,
  addressBookFromRecord,
  parseSealedBid,
  serializeSealedBid,
} from "peerpay";

// ethers answers an identical call from a 250 ms cache; a dev node mines faster, so a read right after a write could
// see the block before it. Off here; on a real chain the default is harmless.
const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545", undefined, {
  cacheTimeout: -1,
});
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record); // on Sepolia, Base Sepolia…: leave it out, the SDK knows them
const nft = process.env.PEERPAY_NFT ?? "";
const tokenId = BigInt(process.env.PEERPAY_NFT_ID ?? "1");
const NAMES = ["the seller", "Alice", "Bob", "Carol"];

async function main(): Promise<void> {
  const [sellerWallet, aliceWallet, bobWallet, carolWallet] = await Promise.all(
    [1, 2, 3, 4].map((i) => provider.getSigner(i)),
  );
  const erc721 = new Contract(nft, ["function ownerOf(uint256) view returns (address)"], provider);
  const names = new Map([sellerWallet, aliceWallet, bobWallet, carolWallet].map((w, i) => [w.address, NAMES[i]]));
  const ownerName = async () => names.get(await erc721.ownerOf(tokenId)) ?? "someone else";

  const seller = await AuctionClient.connect({ runner: sellerWallet, addressBook });
  const { auctionId } = await seller.createEnglish({
    lot: { kind: LotKind.ERC721, token: nft, id: tokenId },
    reserve: parseEther("0.1"),
    incrementBps: 500, // each bid at least 5% above the last
    duration: 3_600n, // one hour from the first bid
    extension: 600n, // a bid in the last 10 minutes moves the end to now + 10 minutes
    approve: true, // approves the NFT to the contract first, if needed
  });

  const alice = new AuctionClient({ address: seller.address, runner: aliceWallet });
  const bob = new AuctionClient({ address: seller.address, runner: bobWallet });
  await alice.bid({ auctionId, amount: parseEther("0.1") }); // the first bid starts the hour
  const auction = await bob.auction({ auctionId });
  if (auction.kind === AuctionKind.English) {
    await bob.bid({ auctionId, amount: auction.minimumBid }); // Alice's 0.1 ETH goes back to her in this transaction
  }
  try {
    await alice.bid({ auctionId, amount: parseEther("0.106") }); // below Bob's bid + 5%
  } catch (error) {
    if (error instanceof PeerPayError) console.log(`a 0.106 ETH bid is refused: ${error.code}`);
  }

  await elapse(3_600); // the hour passes
  // After the end, anyone settles: the lot goes to the highest bidder, the price less the fee to the seller.
  const carol = new AuctionClient({ address: seller.address, runner: carolWallet });
  await carol.settle({ auctionId });
  const english = await carol.auction({ auctionId });
  const price = english.kind === AuctionKind.English ? english.highest : 0n;
  console.log(`English auction settled: NFT #${tokenId} to ${await ownerName()} for ${formatEther(price)} ETH`);

  // Bob resells it by sealed bids: a day to commit, then a day to reveal; the winner pays the second price.
  const { auctionId: sealedId } = await bob.createSealed({
    lot: { kind: LotKind.ERC721, token: nft, id: tokenId },
    reserve: parseEther("0.12"),
    commitDuration: 86_400n,
    revealDuration: 86_400n,
    approve: true,
  });
  const stored = new Map<string, string>(); // a file, a database or localStorage in a real app
  // A sealed bid: store its record before committing; losing it before the reveal costs 10% of the deposit.
  const aliceBid = await alice.sealBid({ auctionId: sealedId, amount: parseEther("0.3"), deposit: parseEther("0.5") });
  stored.set(`bid:${sealedId}:alice`, serializeSealedBid(aliceBid));
  await alice.commit({ bid: aliceBid }); // the deposit hides the amount
  const carolBid = await carol.sealBid({ auctionId: sealedId, amount: parseEther("0.2"), deposit: parseEther("0.5") });
  stored.set(`bid:${sealedId}:carol`, serializeSealedBid(carolBid));
  await carol.commit({ bid: carolBid });

  await elapse(86_400); // the commit phase is over: each bidder reveals from the stored record
  await alice.reveal({ bid: parseSealedBid({ text: stored.get(`bid:${sealedId}:alice`)! }) });
  await carol.reveal({ bid: parseSealedBid({ text: stored.get(`bid:${sealedId}:carol`)! }) });
  await elapse(86_400); // the reveal phase is over
  await bob.settle({ auctionId: sealedId }); // the winner's deposit beyond the price goes back to them
  await carol.reclaim({ auctionId: sealedId }); // a losing bidder takes back their deposit
  const sealed = await bob.auction({ auctionId: sealedId });
  const paid = sealed.kind === AuctionKind.Sealed ? sealed.price : 0n;
  console.log(`sealed-bid resale settled: NFT #${tokenId} to ${await ownerName()} for ${formatEther(paid)} ETH`);
}

/** Stands in for waiting: a dev node's clock jumps `seconds` ahead and a block is mined at the new time. */
async function elapse(seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
