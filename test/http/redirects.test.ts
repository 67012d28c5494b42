// HP-C11: the payment header is a bearer token (HP-T1) and goes only to the URL that answered 402: a redirect
// answering the paid request is not followed, and a paywall reached through redirects is paid there directly.
import { expect } from "chai";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PAYMENT_HEADERS } from "../../sdk";
import { paywall } from "../../sdk/node";
import { PRICE, httpFixture, payeeClient, payerFetch } from "./helpers";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Another origin (another port) that records the payment headers it receives. */
async function recorder() {
  const payments: string[] = [];
  const { url, server } = await serve((req, res) => {
    const header = req.headers[PAYMENT_HEADERS.payment];
    if (typeof header === "string") payments.push(header);
    res.end("elsewhere");
  });
  return { url, server, payments };
}

function stop(...servers: Server[]): Promise<unknown> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}

describe("payingFetch and redirects (docs/http-payments.md HP-C11)", function () {
  it("HP-C11: a paid response redirecting to another origin is returned, not followed: the other origin never gets the voucher", async function () {
    const f = await loadFixture(httpFixture);
    const other = await recorder();
    const pay = paywall({ payee: payeeClient(f), price: PRICE });
    const payee = await serve((req, res) =>
      pay(req, res, (error) => {
        res.statusCode = error ? 500 : 302;
        if (!error) res.setHeader("location", `${other.url}/steal`);
        res.end();
      }),
    );
    try {
      const { fetch, store } = payerFetch(f);
      const response = await fetch(`${payee.url}/x`);
      expect(response.status).to.equal(302);
      expect(response.headers.get("location")).to.equal(`${other.url}/steal`);
      expect(other.payments).to.deep.equal([]);
      // The receipt on the redirect was read: the payment is acknowledged, nothing in flight.
      const [record] = await store.list();
      expect(record.acknowledged).to.equal(PRICE);
      expect(record.signed).to.equal(PRICE);
    } finally {
      await stop(payee.server, other.server);
    }
  });

  it("HP-C11: a paywall reached through a redirect from another origin is paid at the URL that answered 402; the first origin never gets the voucher", async function () {
    const f = await loadFixture(httpFixture);
    const pay = paywall({ payee: payeeClient(f), price: PRICE });
    let runs = 0;
    const payee = await serve((req, res) =>
      pay(req, res, (error) => (error ? res.writeHead(500).end() : res.end(`paid ${++runs}`))),
    );
    const payments: string[] = [];
    const front = await serve((req, res) => {
      const header = req.headers[PAYMENT_HEADERS.payment];
      if (typeof header === "string") payments.push(header);
      res.writeHead(302, { location: `${payee.url}/x` }).end();
    });
    try {
      const { fetch } = payerFetch(f);
      const response = await fetch(`${front.url}/old`);
      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal("paid 1");
      expect(payments).to.deep.equal([]);
    } finally {
      await stop(payee.server, front.server);
    }
  });
});
