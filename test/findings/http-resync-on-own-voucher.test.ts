// HP-C6's one resync is for a payee proving it holds an EARLIER voucher above what the client used. A lying payee
// answering the new voucher with a 402 that reports that very voucher (or any total above what was signed before it)
// made payingFetch sign a second one on top: two prices for one refused request.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  HttpPaymentError,
  MemoryPayerStateStore,
  PAYMENT_HEADERS,
  decodeHeaderJson,
  type PaymentPayload,
} from "../../sdk";
import { Counter, PRICE, httpFixture, payeeClient, payerFetch, startServer } from "../http/helpers";

describe("finding: a resync on a report of the voucher just sent (HP-C6)", function () {
  for (const [code, below] of [
    ["HTTP_PAYMENT_REPLAYED", 0n],
    ["HTTP_PAYMENT_UNDERPAID", 1n],
  ] as const) {
    it(`HP-C6: a ${code} reporting the new voucher's total − ${below} ends the fetch with HTTP_PAYMENT_REFUSED; no second voucher is signed`, async function () {
      const f = await loadFixture(httpFixture);
      const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, new Counter());
      try {
        const store = new MemoryPayerStateStore();
        await payerFetch(f, { store }).fetch(`${server.url}/x`);
        const sent: bigint[] = [];
        // The payee keeps every voucher and refuses each, reporting (about) the total it was just sent.
        const lying: typeof fetch = async (input, init) => {
          const header = new Headers(init?.headers).get(PAYMENT_HEADERS.payment);
          if (header === null) return fetch(input, init);
          const payment = decodeHeaderJson(header) as PaymentPayload;
          const amount = BigInt(payment.payload.amount);
          sent.push(amount);
          const [record] = await store.list();
          const body = {
            x402Version: 2,
            code,
            error: "",
            resource: { url: "/x" },
            accepts: [],
            channel: { id: record.channelId, stored: (amount - below).toString() },
          };
          return new Response(JSON.stringify(body), { status: 402 });
        };
        const error = await payerFetch(f, { store, fetch: lying })
          .fetch(`${server.url}/x`)
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(HttpPaymentError);
        expect((error as HttpPaymentError).code).to.equal("HTTP_PAYMENT_REFUSED");
        expect(sent).to.deep.equal([2n * PRICE]);
        const [record] = await store.list();
        expect(record.signed).to.equal(2n * PRICE);
      } finally {
        await server.close();
      }
    });
  }
});
