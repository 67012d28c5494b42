// An API paid per call over HTTP (docs/http-payments.md): a node:http server behind PeerPay's 402 paywall, and an app
// whose payingFetch opens a channel on the first 402 (one transaction of its wallet) and pays every call with a
// voucher its session key signs. Runs against a node with PeerPay deployed (README, "Quickstart"): PEERPAY_RPC_URL,
// PEERPAY_RECORD.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, formatEther, parseEther } from "ethers";
import {
  MemoryPayerStateStore,
  PAYMENT_HEADERS,
  PayeeClient,
  PayerClient,
  PlainSessionKeySealer,
  addressBookFromRecord,
  decodeHeaderJson,
  payingFetch,
  type PaymentReceipt,
} from "peerpay";
import { FileVoucherStore, paywall } from "peerpay/node";

const provider = new JsonRpcProvider(process.env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
const record = JSON.parse(readFileSync(process.env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
const addressBook = addressBookFromRecord(record); // on Sepolia, Base Sepolia…: leave it out, the SDK knows them

async function main(): Promise<void> {
  const [app, api] = await Promise.all([provider.getSigner(1), provider.getSigner(2)]);
  const dir = mkdtempSync(join(tmpdir(), "peerpay-paid-api-"));

  // The API: every request behind the paywall; the handler runs only once the request's voucher is stored durably.
  const store = await FileVoucherStore.open({ path: join(dir, "vouchers.log") });
  const payee = await PayeeClient.connect({ runner: api, addressBook, store });
  const pay = paywall({ payee, price: parseEther("0.0001"), minDeposit: parseEther("0.001") });
  const server = createServer((req, res) =>
    pay(req, res, (error) => {
      if (error) return void res.writeHead(500).end();
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ city: "Lisbon", forecast: "sunny" }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)); // a free port
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/weather`;

  // The app: a fetch that pays 402s; the first one opens a channel to the API through the app's wallet.
  const fetchPaid = payingFetch({
    payer: await PayerClient.connect({ runner: app, addressBook }),
    store: new MemoryPayerStateStore(), // in a page: IndexedDbPayerStateStore, which survives a reload
    sealer: new PlainSessionKeySealer(), // the session key as is, in this process's memory
    limits: { maxPrice: parseEther("0.0002"), deposit: parseEther("0.01"), maxFunding: parseEther("0.02") },
  });
  let receipt: PaymentReceipt | undefined;
  for (let call = 1; call <= 5; call++) {
    const response = await fetchPaid(url); // on a 402: a voucher signed by the session key, and the request again
    const { forecast } = (await response.json()) as { forecast: string };
    receipt = decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.receipt)!) as PaymentReceipt;
    console.log(
      `call ${call}: ${response.status} ${forecast}, paid ${formatEther(receipt.amount)} ETH ` +
        `(${formatEther(receipt.cumulative)} ETH in all)`,
    );
  }
  const channel = receipt!.channelId;
  const stored = await payee.bestVoucher({ channel });
  console.log(`the API stored ${formatEther(stored!.amount)} ETH for the channel`);

  await payee.close({ channel }); // the API takes what it earned, the app gets the rest of its deposit back
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`5 calls paid over HTTP; the API closed with ${formatEther(stored!.amount)} ETH`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
