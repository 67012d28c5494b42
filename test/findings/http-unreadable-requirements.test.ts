// A 402 is the payee's text: `accepts` that is not an array, or a `payTo` that is not an address, made payingFetch
// throw a bare TypeError (from `find` or ethers' getAddress) instead of the typed HTTP_REQUIREMENTS_UNSUPPORTED.
// Since HP-C9, a 402 whose accepts is not an array offers no peerpay-channel entry: it is returned as it came.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { HttpPaymentError } from "../../sdk";
import { httpFixture, payerFetch } from "../http/helpers";

describe("finding: unreadable 402 requirements (HP-C1, §6)", function () {
  it("HP-C1, HP-C9: a 402 whose accepts is not an array is returned untouched; a payTo that is not an address is HTTP_REQUIREMENTS_UNSUPPORTED; nothing is opened", async function () {
    const f = await loadFixture(httpFixture);
    const requirement = {
      scheme: "peerpay-channel",
      network: `eip155:${f.chainId}`,
      amount: "1000",
      asset: ZeroAddress,
      payTo: "0x1234",
      maxTimeoutSeconds: 60,
      extra: { contract: f.contract, minDeposit: "0", minChallengePeriod: 3600, claimMargin: 600 },
    };
    for (const accepts of ["peerpay-channel", [requirement]]) {
      const body = { x402Version: 2, error: "", code: "HTTP_PAYMENT_REQUIRED", resource: { url: "/" }, accepts };
      const lying: typeof fetch = async () => new Response(JSON.stringify(body), { status: 402 });
      const { fetch, store } = payerFetch(f, { fetch: lying });
      const outcome = await fetch("http://payee.invalid/x").catch((e: unknown) => e);
      if (typeof accepts === "string") {
        expect(outcome).to.be.instanceOf(Response);
        expect((outcome as Response).status).to.equal(402);
      } else {
        expect(outcome).to.be.instanceOf(HttpPaymentError);
        expect((outcome as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
      }
      expect(await store.list()).to.deep.equal([]);
    }
  });
});
