// The app's limits on whom and on what terms payingFetch pays (HP-C1: limits.payees, limits.maxChallengePeriod),
// and which 402s are its to pay at all (HP-C9).
import { expect } from "chai";
import { Wallet, ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  HttpPaymentError,
  InvalidParameterError,
  MemoryPayerStateStore,
  PAYMENT_HEADERS,
  encodeHeaderJson,
} from "../../sdk";
import { Counter, LIMITS, PRICE, httpFixture, payeeClient, payerFetch, startServer } from "./helpers";
import type { ChannelsFixture } from "../helpers/channels-sdk";

const DAY = 86_400;

/** A 402 answered by `fetch` until a payment header arrives; counts paid attempts. */
function fake402(body: unknown) {
  const seen = { paid: 0 };
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    if (new Headers(init?.headers).has(PAYMENT_HEADERS.payment)) seen.paid++;
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status: 402 });
  };
  return { fetch, seen };
}

function requirement(f: ChannelsFixture, overrides: Record<string, unknown> = {}) {
  return {
    scheme: "peerpay-channel",
    network: `eip155:${f.chainId}`,
    amount: PRICE.toString(),
    asset: ZeroAddress,
    payTo: f.payee.address,
    maxTimeoutSeconds: 60,
    extra: { contract: f.contract, minDeposit: "0", minChallengePeriod: 3600, claimMargin: 600 },
    ...overrides,
  };
}

const required = (accepts: unknown[]) => ({
  x402Version: 2,
  error: "",
  code: "HTTP_PAYMENT_REQUIRED",
  resource: { url: "/" },
  accepts,
});

describe("payingFetch: payees, challenge periods and foreign 402s (docs/http-payments.md HP-C1, HP-C9)", function () {
  it("HP-C1: with limits.payees set, a 402 naming another payTo is HTTP_REQUIREMENTS_UNSUPPORTED; nothing is opened or signed", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
    try {
      const other = Wallet.createRandom().address;
      const refused = payerFetch(f, { limits: { ...LIMITS, payees: [other] } });
      const error = await refused.fetch(`${server.url}/x`).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HttpPaymentError);
      expect((error as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
      expect((error as HttpPaymentError).details.payTo).to.equal(f.payee.address);
      expect(await refused.store.list()).to.deep.equal([]);
      expect(counter.runs).to.equal(0);
      // The payee in the list, in any case, is paid.
      const allowed = payerFetch(f, { limits: { ...LIMITS, payees: [other, f.payee.address.toLowerCase()] } });
      expect((await allowed.fetch(`${server.url}/x`)).status).to.equal(200);
      expect(counter.runs).to.equal(1);
    } finally {
      await server.close();
    }
  });

  it("HP-C1: limits.payees with a non-address is INVALID_PARAMETER at payingFetch()", async function () {
    const f = await loadFixture(httpFixture);
    expect(() => payerFetch(f, { limits: { ...LIMITS, payees: ["0x1234"] } })).to.throw(InvalidParameterError);
  });

  for (const [minChallengePeriod, paid] of [
    [7 * DAY - 1, true],
    [7 * DAY, true],
    [7 * DAY + 1, false],
  ] as const) {
    it(`HP-C1: a payee asking a minChallengePeriod of 7 days ${minChallengePeriod - 7 * DAY >= 0 ? "+" : "−"} ${Math.abs(minChallengePeriod - 7 * DAY)} s is ${paid ? "paid" : "HTTP_REQUIREMENTS_UNSUPPORTED before opening"} (default maxChallengePeriod)`, async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer(
        "node:http",
        { payee: payeeClient(f), price: PRICE, minChallengePeriod },
        counter,
      );
      try {
        const { fetch, store } = payerFetch(f);
        const outcome = await fetch(`${server.url}/x`).catch((e: unknown) => e);
        if (paid) {
          expect((outcome as Response).status).to.equal(200);
          expect((await store.list())[0].channel.challengePeriod).to.equal(minChallengePeriod);
        } else {
          expect((outcome as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
          expect((outcome as HttpPaymentError).details).to.include({ minChallengePeriod, limit: 7 * DAY });
          expect(await store.list()).to.deep.equal([]);
          expect(counter.runs).to.equal(0);
        }
      } finally {
        await server.close();
      }
    });
  }

  it("HP-C1: an app's own maxChallengePeriod (2 hours) refuses 2 hours + 1 s, and bounds its challengePeriod", async function () {
    const f = await loadFixture(httpFixture);
    const limits = { ...LIMITS, maxChallengePeriod: 7_200 };
    const { fetch, seen } = fake402(
      required([
        requirement(f, {
          extra: { contract: f.contract, minDeposit: "0", minChallengePeriod: 7_201, claimMargin: 600 },
        }),
      ]),
    );
    const error = await payerFetch(f, { limits, fetch })
      .fetch("http://payee.invalid/x")
      .catch((e: unknown) => e);
    expect((error as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
    expect(seen.paid).to.equal(0);
    const server = await startServer(
      "node:http",
      { payee: payeeClient(f), price: PRICE, minChallengePeriod: 7_200 },
      new Counter(),
    );
    try {
      const store = new MemoryPayerStateStore();
      expect((await payerFetch(f, { limits, store }).fetch(`${server.url}/x`)).status).to.equal(200);
      // The default one day is lowered to the app's 2 hours.
      expect((await store.list())[0].channel.challengePeriod).to.equal(7_200);
    } finally {
      await server.close();
    }
  });

  it("HP-C9: a 402 offering no peerpay-channel payment (another x402 scheme, an API's own 402) is returned untouched", async function () {
    const f = await loadFixture(httpFixture);
    for (const body of [
      required([{ ...requirement(f), scheme: "exact" }]),
      required([]),
      { error: "quota exceeded" },
      "Payment Required",
    ]) {
      const { fetch, seen } = fake402(body);
      const { fetch: paying, store } = payerFetch(f, { fetch });
      const response = await paying("http://payee.invalid/x");
      expect(response.status).to.equal(402);
      expect(await response.text()).to.equal(typeof body === "string" ? body : JSON.stringify(body));
      expect(seen.paid).to.equal(0);
      expect(await store.list()).to.deep.equal([]);
    }
  });

  it("HP-C9: a PeerPay 402 it cannot satisfy (another network, contract or asset) is HTTP_REQUIREMENTS_UNSUPPORTED, in the header too", async function () {
    const f = await loadFixture(httpFixture);
    for (const entry of [
      requirement(f, { network: "eip155:1" }),
      requirement(f, { asset: f.tokenAddress }),
      requirement(f, {
        extra: { contract: Wallet.createRandom().address, minDeposit: "0", minChallengePeriod: 3600, claimMargin: 600 },
      }),
    ]) {
      const header = encodeHeaderJson(required([{ ...requirement(f), scheme: "exact" }, entry]));
      const fetch: typeof globalThis.fetch = async () =>
        new Response("", { status: 402, headers: { [PAYMENT_HEADERS.required]: header } });
      const { fetch: paying, store } = payerFetch(f, { fetch });
      const error = await paying("http://payee.invalid/x").catch((e: unknown) => e);
      expect((error as HttpPaymentError).code).to.equal("HTTP_REQUIREMENTS_UNSUPPORTED");
      expect(await store.list()).to.deep.equal([]);
    }
  });
});
