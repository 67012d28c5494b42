// A loan of ETH against an NFT: the lender deposits ETH and signs an offer, shares it as JSON; the borrower accepts it,
// the NFT is held; a claim before the default is refused; ten days later the borrower repays and gets the NFT back.
// Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL, PEERPAY_RECORD, and
// PEERPAY_NFT, an ERC721 contract in which the borrower (account 2) holds token PEERPAY_NFT_ID (default 1). A fresh
// deployment has no NFT: the package test mints one for it. The program moves the node's clock ten days ahead (anvil
// and Hardhat only); on a real chain you wait instead.
import { readFileSync } from "node:fs";
import { Contract, JsonRpcProvider, ZeroAddress, formatEther, parseEther } from "ethers";
import {
  CollateralKind,
  InterestKind,
  LendingClient,
  PeerPayError,
  addressBookFromRecord,
  serializeSignedOffer,
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
const DAY = 86_400n;

async function main(): Promise<void> {
  const [lenderWallet, borrowerWallet] = await Promise.all([1, 2].map((i) => provider.getSigner(i)));

  // The lender: an ETH offer lends from the lender's deposit, taken when the offer is accepted.
  const lender = await LendingClient.connect({ runner: lenderWallet, addressBook });
  await lender.deposit({ amount: parseEther("0.5") });
  const offer = await lender.signOffer({
    terms: {
      principalToken: ZeroAddress, // ETH; an ERC20's address otherwise
      principal: parseEther("0.5"),
      collateralToken: nft,
      collateralAmount: 0n,
      collateralId: tokenId,
      collateralKind: CollateralKind.ERC721,
      interestKind: InterestKind.Fixed, // or ProRated: `interest` is then a yearly rate in bps, accruing by the second
      interest: parseEther("0.01"),
      duration: 30n * DAY, // due in 30 days
      gracePeriod: 3n * DAY, // in default 3 days after that: the lender may then claim the NFT
      feeBps: 0n,
      feeRecipient: ZeroAddress,
      saleStartBps: 0n, // no sale terms: a default hands the collateral to the lender
      saleFloorBps: 0n,
      saleDuration: 0n,
      saleFloorDuration: 0n,
    },
  });
  const text = serializeSignedOffer(offer); // JSON: post it, mail it, put it in a QR code

  // The borrower reads the offer (checked field by field, and that it is for this deployment), then accepts it.
  const borrower = new LendingClient({ address: lender.address, runner: borrowerWallet });
  const signed = await borrower.parseOffer({ text });
  const collection = new Contract(nft, ["function approve(address to, uint256 tokenId)"], borrowerWallet);
  await (await collection.getFunction("approve")(borrower.address, tokenId)).wait(); // to Lending: the client's address
  const { loanId } = await borrower.acceptOffer({ offer: signed }); // 0.5 ETH to the borrower
  const terms = await borrower.termsOf({ loanId }); // rebuilt from the LoanStarted event

  try {
    await lender.claim({ loanId, terms }); // the NFT is the lender's only after the due time and the grace period
  } catch (error) {
    if (error instanceof PeerPayError) console.log(`the lender cannot claim before the default: ${error.code}`);
  }

  // Stands in for waiting ten days: a dev node's clock jumps ahead and a block is mined at the new time.
  await provider.send("evm_increaseTime", [10 * 86_400]);
  await provider.send("evm_mine", []);

  const { total } = await borrower.owedAt({ loanId }); // computed offline from the loan, to the unit
  const { events } = await borrower.repay({ loanId, terms, amount: total }); // a payment of the total ends the loan
  const repaid = events.find((event) => event.type === "Repaid");
  const paid = repaid?.type === "Repaid" ? repaid.payment : 0n;
  const owner = await new Contract(nft, ["function ownerOf(uint256) view returns (address)"], provider).ownerOf(
    tokenId,
  );
  const back = owner === borrowerWallet.address ? "back to the borrower" : "not returned";
  console.log(`loan repaid: ${formatEther(paid)} ETH to the lender, NFT #${tokenId} ${back}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
