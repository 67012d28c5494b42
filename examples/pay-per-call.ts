// An app pays an API per call through a micropayment channel: 100 payments off-chain, one transaction to cash in.
// Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL, PEERPAY_RECORD.
import { readFileSync } from "node:fs";
import { JsonRpcProvider, Wallet, formatEther, parseEther } from "ethers";
import { MemoryVoucherStore, PayeeClient, PayerClient, addressBookFromRecord } from "peerpay";

const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record); // on Sepolia, Base Sepolia…: leave it out, the SDK knows them

async function main(): Promise<void> {
  const [app, api] = await Promise.all([provider.getSigner(1), provider.getSigner(2)]);
  const payer = await PayerClient.connect({ runner: app, addressBook });
  const payee = await PayeeClient.connect({ runner: api, addressBook, store: new MemoryVoucherStore() });

  const session = Wallet.createRandom(); // signs every payment: no wallet prompt per call
  const { channel } = await payer.open({
    payee: api.address,
    amount: parseEther("0.01"),
    challengePeriod: 3_600,
    signer: session.address,
  });
  await payer.useSessionKey({ channel, privateKey: session.privateKey });
  for (let call = 1; call <= 100; call++) {
    const voucher = await payer.pay({ channel, amount: parseEther("0.00001") }); // sent along with the request
    await payee.acceptVoucher(voucher); // the API checks and stores it before it serves the call
  }
  const best = await payee.bestVoucher({ channel });
  await payee.close({ channel }); // the API takes what it earned, the app gets the rest back
  console.log(`100 calls paid off-chain; the API closed with ${formatEther(best!.amount)} ETH`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
