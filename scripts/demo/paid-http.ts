// Story 9 of the demo (scripts/demo.ts): an API paid per request over real HTTP (docs/http-payments.md). Max runs a
// weather API on node:http behind PeerPay's 402 paywall, his vouchers in a durable file log; Ivy's app calls it with
// payingFetch: the first 402 opens a channel through her wallet with a session key, then every call is paid by a
// voucher the session key signs. A replayed voucher is refused with its code and the handler never runs; Max closes
// the channel with his best voucher at the end. Both balances are checked to the wei.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import {
  MemoryPayerStateStore,
  PayeeClient,
  PayerClient,
  PlainSessionKeySealer,
  payingFetch,
  toChannelId,
  type PaymentRequired,
} from "../../sdk";
import { FileVoucherStore, paywall } from "../../sdk/node";
import { ethBalances, gas, printDeltas, progress, step, type Named } from "./common";

const CALLS = 40;
const PRICE = ethers.parseEther("0.0001"); // per call
/** ETH to the wei: the story's checks are exact. */
const fmtWei = (value: bigint) => `${ethers.formatEther(value)} ETH`;

function expectEqual(actual: bigint, expected: bigint, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

/** Max's API: node:http, every request behind the paywall; the handler runs only for a paid request. */
async function startApi(payee: PayeeClient, served: { count: number }): Promise<{ url: string; server: Server }> {
  const pay = paywall({ payee, price: PRICE, minDeposit: ethers.parseEther("0.001"), description: "one forecast" });
  const server = createServer((req, res) =>
    pay(req, res, (error) => {
      if (error) {
        res.statusCode = 500;
        return res.end();
      }
      served.count++;
      const city = new URL(req.url ?? "/", "http://localhost").searchParams.get("city") ?? "Lisbon";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ city, forecast: "sunny", call: served.count }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Runs the story on the suite's MicropaymentChannels. */
export async function paidHttpApi(
  signers: { app: Signer; api: Signer },
  contract: { address: string; fromBlock: number },
): Promise<void> {
  console.log(
    `\n9. Paid HTTP API: Ivy's app calls Max's weather API ${CALLS} times over HTTP, each call paid on a 402`,
  );
  const { address, fromBlock } = contract;
  const Ivy: Named = { name: "Ivy (app)", address: await signers.app.getAddress() };
  const Max: Named = { name: "Max (API)", address: await signers.api.getAddress() };
  const before = await ethBalances([Ivy, Max]);
  const startBlock = await ethers.provider.getBlockNumber();
  const dir = await mkdtemp(join(tmpdir(), "peerpay-demo-http-"));
  const store = await FileVoucherStore.open({ path: join(dir, "vouchers.log") });
  const payee = new PayeeClient({ address, runner: signers.api, fromBlock, store });
  const served = { count: 0 };
  const { url, server } = await startApi(payee, served);
  try {
    step(`Max's API listens on ${url}: ${fmtWei(PRICE)} a call, each voucher stored durably before the call runs`);
    const unpaid = await fetch(`${url}/weather?city=Porto`);
    const required = (await unpaid.json()) as PaymentRequired;
    step(
      `an unpaid call gets ${unpaid.status} ${required.code}, scheme ${required.accepts[0].scheme} on ${required.accepts[0].network}`,
    );

    // Ivy's app: her wallet opens the channel (one transaction); a session key in memory signs every voucher.
    const payer = new PayerClient({ address, runner: signers.app, fromBlock });
    let lastPayment = "";
    const fetchPaid = payingFetch({
      payer,
      store: new MemoryPayerStateStore(),
      sealer: new PlainSessionKeySealer(),
      limits: { maxPrice: 2n * PRICE, deposit: ethers.parseEther("0.01"), maxFunding: ethers.parseEther("0.02") },
      // Only to show a replay below: the app keeps the last payment header it sent.
      fetch: (input, init) => {
        lastPayment = new Headers(init?.headers).get("payment-signature") ?? lastPayment;
        return fetch(input, init);
      },
    });
    const t0 = performance.now();
    let receipt: { cumulative?: string } = {};
    for (let call = 1; call <= CALLS; call++) {
      const response = await fetchPaid(`${url}/weather?city=Lisbon`);
      if (response.status !== 200) throw new Error(`call ${call}: HTTP ${response.status}`);
      await response.json();
      receipt = JSON.parse(Buffer.from(response.headers.get("payment-response") ?? "", "base64").toString());
      progress(call, CALLS, "paid calls");
    }
    const elapsed = (performance.now() - t0) / 1000;
    const total = BigInt(CALLS) * PRICE;
    step(
      `${CALLS} calls paid over HTTP in ${elapsed.toFixed(2)} s (${Math.round(CALLS / elapsed)} calls/s, opening ` +
        `included): the last receipt says ${fmtWei(BigInt(receipt.cumulative ?? "0"))} in all`,
    );
    const opens = await payer.contract.queryFilter(
      payer.contract.filters.ChannelOpened(undefined, Ivy.address, Max.address),
      startBlock + 1,
    );
    if (opens.length !== 1) throw new Error(`Ivy's wallet opened ${opens.length} channels, expected 1`);
    const [opened] = opens;
    const channelId = toChannelId(opened.args.channelId);
    const openReceipt = (await opened.getTransactionReceipt())!;
    step(`the first 402 opened Ivy's channel ${channelId.slice(0, 10)}… with 0.01 ETH through her wallet`);
    gas(openReceipt, "open (Ivy's wallet, the only transaction she signs)");
    expectEqual(BigInt(served.count), BigInt(CALLS), "calls served");
    expectEqual((await payee.bestVoucher({ channel: channelId }))?.amount ?? 0n, total, "Max's stored total");

    // A replay: the last call's payment header sent again. Refused with its code; the handler does not run.
    const replay = await fetch(`${url}/weather?city=Lisbon`, { headers: { "payment-signature": lastPayment } });
    const refusal = (await replay.json()) as PaymentRequired;
    step(
      `the last call's voucher replayed gets ${replay.status} ${refusal.code} (Max holds ` +
        `${fmtWei(BigInt(refusal.channel?.stored ?? "0"))}); the handler did not run: ${served.count} calls served`,
    );
    if (refusal.code !== "HTTP_PAYMENT_REPLAYED" || served.count !== CALLS) throw new Error("the replay was served");

    step(`Max closes the channel with his best voucher (${fmtWei(total)}); Ivy gets the rest of her deposit back`);
    const closed = await payee.close({ channel: channelId });
    gas(closed.receipt, "close (Max)");
    const after = await ethBalances([Ivy, Max]);
    printDeltas("ETH balances, to the wei (each paid their own gas)", [Ivy, Max], before, after, fmtWei);
    expectEqual(after[0], before[0] - total - openReceipt.fee, "Ivy's ETH");
    expectEqual(after[1], before[1] + total - closed.receipt.fee, "Max's ETH");
    step(`checked to the wei: Max +${fmtWei(total)} less his close's gas, Ivy -${fmtWei(total)} less her open's gas`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
