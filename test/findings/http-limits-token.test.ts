// The app's limits are amounts in base units, but the 402 body chose the token: a payee could ask for the payer's
// most valuable token (or one with fewer decimals), and payingFetch approved and deposited `limits.deposit` units of
// it and paid `maxPrice` units per request. Limits are now bound to one asset (ETH by default).
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HttpPaymentError } from "../../sdk";
import { Counter, LIMITS, PRICE, httpFixture, payeeClient, payerFetch, startServer } from "../http/helpers";

describe("finding: the token of a paid channel is the payee's choice (HP-C1)", function () {
  it("HP-C1: limits set for ETH do not pay a 402 asking for a token: HTTP_REQUIREMENTS_UNSUPPORTED, nothing approved, opened or signed", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const server = await startServer(
      "node:http",
      { payee: payeeClient(f), price: PRICE, asset: f.tokenAddress },
      counter,
    );
    try {
      const { fetch, store } = payerFetch(f); // LIMITS name no asset: ETH
      const error = await fetch(`${server.url}/t`).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HttpPaymentError);
      expect((error as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
      expect(await store.list()).to.deep.equal([]);
      expect(await f.token.allowance(f.payer.address, f.contract)).to.equal(0n);
      expect(await f.token.balanceOf(f.contract)).to.equal(0n);
      expect(counter.runs).to.equal(0);

      // Limits stated in the token's units pay it.
      const inToken = payerFetch(f, { limits: { ...LIMITS, asset: f.tokenAddress } });
      expect((await inToken.fetch(`${server.url}/t`)).status).to.equal(200);
      expect(counter.runs).to.equal(1);
    } finally {
      await server.close();
    }
  });
});
