// A payee names its own payTo in the 402 body: one malicious server answering concurrent requests with different
// payees made payingFetch check its budget for each open before any of them was recorded, so every open passed and
// the wallet funded past maxFunding.
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Wallet, ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HttpPaymentError, PAYMENT_HEADERS, encodeHeaderJson, type PaymentRequired } from "../../sdk";
import { httpFixture, payerFetch } from "../http/helpers";

describe("finding: concurrent opens to several payees and maxFunding (HP-C1)", function () {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("HP-C1: two concurrent fetches to two payees whose opens together exceed maxFunding fund one channel, the other is HTTP_BUDGET_EXCEEDED", async function () {
    const f = await loadFixture(httpFixture);
    const payees = [Wallet.createRandom().address, Wallet.createRandom().address];
    // A payee that asks a different payTo per path and serves anything that carries a payment (no receipt).
    server = createServer((req, res) => {
      if (req.headers[PAYMENT_HEADERS.payment] !== undefined) return void res.end("served");
      const body: PaymentRequired = {
        x402Version: 2,
        error: "Payment required",
        code: "HTTP_PAYMENT_REQUIRED",
        resource: { url: req.url ?? "/" },
        accepts: [
          {
            scheme: "peerpay-channel",
            network: `eip155:${f.chainId}`,
            amount: "1000",
            asset: ZeroAddress,
            payTo: payees[Number(req.url!.slice(1))],
            maxTimeoutSeconds: 60,
            extra: { contract: f.contract, minDeposit: "0", minChallengePeriod: 3600, claimMargin: 600 },
          },
        ],
      };
      res.statusCode = 402;
      res.setHeader(PAYMENT_HEADERS.required, encodeHeaderJson(body));
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { fetch, store } = payerFetch(f, { limits: { maxPrice: 1_000n, deposit: 100_000n, maxFunding: 150_000n } });

    const outcomes = await Promise.allSettled([fetch(`${url}/0`), fetch(`${url}/1`)]);

    const funded = (await store.list()).reduce((sum, record) => sum + record.deposit, 0n);
    expect(funded).to.be.at.most(150_000n);
    const refused = outcomes.filter((o) => o.status === "rejected").map((o) => (o as PromiseRejectedResult).reason);
    expect(refused).to.have.length(1);
    expect(refused[0]).to.be.instanceOf(HttpPaymentError);
    expect((refused[0] as HttpPaymentError).code).to.equal("HTTP_BUDGET_EXCEEDED");
    // The chain agrees: one channel opened, not two.
    const balance = await f.payer.provider!.getBalance(f.contract);
    expect(balance).to.equal(100_000n);
  });
});
