// Story 11 of the demo (scripts/demo.ts): an English auction that a reverting bidder cannot stop (docs/auctions.md).
// Sam auctions an NFT. Carl bids through his bidding bot, a contract whose receive() reverts (the AuctionParty mock):
// when Bea outbids it, its refund cannot be pushed, so it is credited and the auction goes on; the bot bids again
// from that credit, only topping it up. Bea bids in the last minute and the end moves (anti-sniping); Dana, a third
// party, settles. Then a short Dutch sale: Bea buys at the falling price, sending more and getting the excess back.
// Each peer runs its own AuctionClient; the story checks every ETH balance to the wei.
import { ethers } from "hardhat";
import type { Signer, TransactionReceipt } from "ethers";
import { AuctionClient, AuctionKind, LotKind, type AuctionWriteReturnType } from "../../sdk";
import { ethBalances, gas, printDeltas, step, type Named } from "./common";

/** ETH to the wei: the story's checks are exact. */
const fmtWei = (value: bigint) => `${ethers.formatEther(value)} ETH`;
const eth = (value: string) => ethers.parseEther(value);

type Party = Named & { fees: bigint };

function paid(party: Party, receipt: TransactionReceipt | null | undefined, what: string): void {
  if (!receipt) return;
  party.fees += receipt.fee;
  gas(receipt, what);
}

function expectEqual(actual: bigint, expected: bigint, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

function endOf(result: AuctionWriteReturnType): bigint {
  const placed = result.events.find((event) => event.type === "BidPlaced");
  if (placed?.type !== "BidPlaced") throw new Error("no BidPlaced event");
  return placed.end;
}

/** Runs the story on the suite's Auctions deployment. */
export async function auctionHouse(
  signers: { seller: Signer; buyer: Signer; botOwner: Signer; keeper: Signer },
  deployment: { address: string; fromBlock: number },
): Promise<void> {
  console.log(
    "\n11. Auction house: a reverting bidder is outbid and the auction goes on; a last-minute bid extends it",
  );
  const { address, fromBlock } = deployment;
  const party = async (name: string, signer: Signer) => ({
    name,
    address: await signer.getAddress(),
    fees: 0n,
    client: new AuctionClient({ address, runner: signer, fromBlock }),
  });
  const Sam = await party("Sam (seller)", signers.seller);
  const Bea = await party("Bea (bidder)", signers.buyer);
  const Carl = await party("Carl (bot's owner)", signers.botOwner);
  const Dana = await party("Dana (keeper)", signers.keeper);

  const nft = await ethers.deployContract("AuctionNFT", [], signers.seller);
  const bot = await ethers.deployContract("AuctionParty", [Carl.address], signers.botOwner);
  paid(Sam, await nft.deploymentTransaction()!.wait(), "deploy the demo NFT collection (Sam)");
  paid(Carl, await bot.deploymentTransaction()!.wait(), "deploy Carl's bidding bot");
  await (await bot.connect(signers.botOwner).setMode(1)).wait().then((r) => paid(Carl, r, "bot: refuse ETH"));
  const Bot: Party = { name: "Carl's bot (reverts)", address: await bot.getAddress(), fees: 0n };
  for (const id of [1n, 2n]) paid(Sam, await (await nft.mint(Sam.address, id)).wait(), `mint NFT #${id} to Sam`);
  step(`Carl's bot at ${Bot.address}: a contract whose receive() reverts, so no refund can be pushed to it`);

  const peers = [Sam, Bea, Carl, Bot];
  const before = await ethBalances(peers);
  for (const p of peers) p.fees = 0n; // the setup's gas is before the balances the story checks
  // A contract bidder sends what the client builds for it: Carl has the bot forward the call with its value.
  const viaBot = async (request: { to: string; data: string; value: bigint }, what: string) => {
    const tx = await bot
      .connect(signers.botOwner)
      .execute(request.to, request.value, request.data, { value: request.value });
    paid(Carl, await tx.wait(), what);
  };

  const lot = { kind: LotKind.ERC721, token: await nft.getAddress(), id: 1n };
  const created = await Sam.client.createEnglish({
    lot,
    reserve: eth("0.1"),
    incrementBps: 500,
    duration: 3_600n,
    extension: 600n,
    approve: true,
  });
  paid(Sam, created.approvalReceipt, "approve NFT #1 to the auctions");
  paid(Sam, created.receipt, "createEnglish (NFT #1 escrowed)");
  const auctionId = created.auctionId;
  step(
    `Sam lists NFT #1 (auction ${auctionId}): reserve 0.1 ETH, +5% a bid, 1 hour from the first bid, 10 min anti-sniping`,
  );

  await viaBot(await Carl.client.buildBid({ auctionId, amount: eth("0.1"), bidder: Bot.address }), "bot bids 0.1 ETH");
  const beaFirst = (await Bea.client.auction({ auctionId })) as { minimumBid: bigint };
  const outbid = await Bea.client.bid({ auctionId, amount: beaFirst.minimumBid });
  paid(Bea, outbid.receipt, `Bea bids ${fmtWei(beaFirst.minimumBid)}`);
  const credited = outbid.events.find((event) => event.type === "PaymentCredited");
  if (credited?.type !== "PaymentCredited") throw new Error("the bot's refund was not credited");
  step(`the push of the bot's 0.1 ETH refund reverts: it is credited (${fmtWei(credited.amount)}); Bea's bid stands`);

  const again = await Carl.client.buildBid({ auctionId, amount: eth("0.12"), bidder: Bot.address });
  await viaBot(again, "bot bids 0.12 ETH from its credit");
  step(
    `the bot bids 0.12 ETH: ${fmtWei(again.fromCredit)} from its credit (computed by the client), ${fmtWei(again.value)} sent`,
  );
  expectEqual(again.fromCredit, eth("0.1"), "credit reused");

  const view = await Bea.client.auction({ auctionId });
  if (view.kind !== AuctionKind.English || view.end === null) throw new Error("the timer did not start");
  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(view.end - 60n)]);
  const snipe = await Bea.client.bid({ auctionId, amount: view.minimumBid });
  paid(Bea, snipe.receipt, `Bea bids ${fmtWei(view.minimumBid)} one minute before the end`);
  const clock = (t: bigint) => `${new Date(Number(t) * 1000).toISOString().slice(11, 19)} UTC`;
  step(
    `the end moves from ${clock(view.end)} to ${clock(endOf(snipe))} (now + 10 min); the bot is outbid again, credited`,
  );

  const credit = await Carl.client.creditOf({ account: Bot.address });
  await viaBot(Carl.client.buildWithdraw({ to: Carl.address }), "bot withdraws its credit to Carl");
  step(`Carl has the bot withdraw its ${fmtWei(credit)} credit to his own address`);

  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(endOf(snipe))]);
  const samBefore = await ethers.provider.getBalance(Sam.address);
  const settled = await Dana.client.settle({ auctionId });
  gas(settled.receipt, "settle, by Dana (a third party)");
  const sale = settled.events.find((event) => event.type === "AuctionSettled");
  if (sale?.type !== "AuctionSettled") throw new Error("not settled");
  expectEqual((await ethers.provider.getBalance(Sam.address)) - samBefore, sale.price - sale.fee, "Sam's proceeds");
  if ((await nft.ownerOf(1n)) !== Bea.address) throw new Error("NFT #1 is not Bea's");
  step(
    `Dana settles at the end: Bea gets NFT #1, Sam ${fmtWei(sale.price - sale.fee)} (price ${fmtWei(sale.price)}, fee ${fmtWei(sale.fee)})`,
  );

  // A short Dutch sale: 1 ETH falling to 0.2 ETH over an hour; Bea buys half-way, sending up to 1 ETH.
  const dutch = await Sam.client.createDutch({
    lot: { ...lot, id: 2n },
    startPrice: eth("1"),
    floorPrice: eth("0.2"),
    duration: 3_600n,
    approve: true,
  });
  paid(Sam, dutch.approvalReceipt, "approve NFT #2");
  paid(Sam, dutch.receipt, "createDutch (NFT #2, 1 → 0.2 ETH over 1 hour)");
  const start = (await Sam.client.auction({ auctionId: dutch.auctionId })) as { start: bigint };
  await ethers.provider.send("evm_setNextBlockTimestamp", [Number(start.start + 1_800n)]);
  const samBeforeBuy = await ethers.provider.getBalance(Sam.address);
  const bought = await Bea.client.buy({ auctionId: dutch.auctionId, maxPrice: eth("1") });
  paid(Bea, bought.receipt, "buy, sending 1 ETH");
  const boughtSale = bought.events.find((event) => event.type === "AuctionSettled");
  const dutchFee = boughtSale?.type === "AuctionSettled" ? boughtSale.fee : 0n;
  expectEqual(bought.price, eth("0.6"), "the Dutch price half-way");
  expectEqual(
    (await ethers.provider.getBalance(Sam.address)) - samBeforeBuy,
    bought.price - dutchFee,
    "Sam's Dutch proceeds",
  );
  step(
    `half-way Bea buys NFT #2 at ${fmtWei(bought.price)}: she sent 1 ETH, the ${fmtWei(eth("1") - bought.price)} excess came back in the same transaction`,
  );

  const after = await ethBalances(peers);
  printDeltas("ETH balances, to the wei (each paid its own gas)", peers, before, after, fmtWei);
  expectEqual(after[0], before[0] + sale.price - sale.fee + bought.price - dutchFee - Sam.fees, "Sam's ETH");
  expectEqual(after[1], before[1] - sale.price - bought.price - Bea.fees, "Bea's ETH");
  expectEqual(after[2], before[2] - Carl.fees, "Carl's ETH (every bot bid came back)");
  expectEqual(after[3], before[3], "the bot's ETH");
  step("checked to the wei: Bea paid the two prices, Sam got them less the fee, Carl got every bot bid back");
}
