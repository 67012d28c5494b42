// A P2P desk trade: the seller locks crypto for the buyer, the buyer marks the fiat paid, the seller releases.
// Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL, PEERPAY_RECORD.
import { readFileSync } from "node:fs";
import { JsonRpcProvider, formatEther, parseEther } from "ethers";
import { EscrowClient, Outcome, PeerPayError, addressBookFromRecord } from "peerpay";

const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record); // on Sepolia, Base Sepolia…: leave it out, the SDK knows them

async function main(): Promise<void> {
  const [seller, buyer, desk] = await Promise.all([1, 2, 3].map((i) => provider.getSigner(i)));
  const sellerEscrow = await EscrowClient.connect({ runner: seller, addressBook });
  const buyerEscrow = await EscrowClient.connect({ runner: buyer, addressBook });

  const { deal } = await sellerEscrow.createDeal({
    beneficiary: buyer.address,
    amount: parseEther("0.5"), // ETH; pass `token` for an ERC20
    deadline: Math.floor(Date.now() / 1000) + 30 * 60, // 30 minutes to pay the fiat
    defaultOutcome: Outcome.Refund, // unpaid: the crypto goes back to the seller
    arbiter: desk.address,
    disputeWindow: 24 * 60 * 60,
    fallbackBps: 5_000,
  });
  await buyerEscrow.markPaid({ deal }); // the fiat is sent: a timeout can no longer refund the seller
  try {
    await buyerEscrow.release({ deal, amount: parseEther("0.5") });
  } catch (error) {
    if (error instanceof PeerPayError) console.log(`the buyer cannot release: ${error.code}`);
  }
  await sellerEscrow.release({ deal, amount: parseEther("0.5") }); // the fiat arrived
  console.log(`deal closed: ${formatEther(parseEther("0.5"))} ETH released to the buyer`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
