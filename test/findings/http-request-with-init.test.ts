// payingFetch(request, init): fetch builds its request from both, and init's headers replace the Request's. The paid
// retry set the payment header on the Request only, so with init.headers the voucher never left: every paid retry
// was refused as HTTP_PAYMENT_REQUIRED.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Counter, PRICE, httpFixture, payeeClient, payerFetch, startServer } from "../http/helpers";

describe("finding: a Request with an init beside it (HP-C2, HP-C8)", function () {
  it("HP-C2: payingFetch(new Request(url), { headers }) is paid and served, the app's header sent with the voucher", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
    try {
      const seen: (string | null)[] = [];
      const recording: typeof fetch = async (input, init) => {
        const request = new Request(input, init);
        seen.push(request.headers.get("x-app"));
        return fetch(request);
      };
      const { fetch: paying, store } = payerFetch(f, { fetch: recording });
      const response = await paying(new Request(`${server.url}/x`), { headers: { "x-app": "1" } });
      expect(response.status).to.equal(200);
      expect(counter.runs).to.equal(1);
      expect(seen).to.deep.equal(["1", "1"]);
      expect((await store.list())[0].acknowledged).to.equal(PRICE);
    } finally {
      await server.close();
    }
  });
});
