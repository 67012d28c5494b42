import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  HttpPaymentError,
  MemoryPayerStateStore,
  MemoryVoucherStore,
  PAYMENT_HEADERS,
  StoreError,
  decodeHeaderJson,
  encodeHeaderJson,
  signVoucher,
  type PaymentPayload,
  type PaymentReceipt,
  type PaymentRequired,
} from "../../sdk";
import { FileVoucherStore, PaywallCore } from "../../sdk/node";
import {
  Counter,
  LIMITS,
  PRICE,
  httpFixture,
  payeeClient,
  payerFetch,
  startServer,
  type Framework,
  type RunningServer,
  paymentPayload,
} from "./helpers";
import { openChannel, type ChannelsFixture } from "../helpers/channels-sdk";

const receiptOf = (response: Response) =>
  decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.receipt) ?? "") as PaymentReceipt | undefined;

describe("paywall and payingFetch end to end on the Hardhat network (docs/http-payments.md)", function () {
  let servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  for (const framework of ["node:http", "express", "fastify"] as Framework[]) {
    it(`HP-S1, HP-S3, HP-C2: ${framework} serves paid requests after the voucher is stored, receipts carry the new total`, async function () {
      const f = await loadFixture(httpFixture);
      const payee = payeeClient(f);
      const counter = new Counter();
      const server = await startServer(framework, { payee, price: PRICE, minDeposit: 10_000n }, counter);
      servers.push(server);
      const { fetch, store } = payerFetch(f);
      for (let i = 1n; i <= 3n; i++) {
        const response = await fetch(`${server.url}/item/${i}`);
        expect(response.status).to.equal(200);
        expect(await response.text()).to.equal(`content ${i}`);
        const receipt = receiptOf(response)!;
        expect(receipt.cumulative).to.equal((PRICE * i).toString());
        expect(receipt.amount).to.equal(PRICE.toString());
        const best = await payee.store.get(receipt.channelId);
        expect(best?.amount).to.equal(PRICE * i);
      }
      expect(counter.runs).to.equal(3);
      const records = await store.list();
      expect(records).to.have.length(1);
      expect(records[0].acknowledged).to.equal(3n * PRICE);
      expect(records[0].signed).to.equal(3n * PRICE);
    });
  }

  describe("bad input: a 402 with a stable code, the handler never runs", function () {
    let f: ChannelsFixture;
    let server: RunningServer;
    let counter: Counter;
    let channel: Awaited<ReturnType<typeof openChannel>>;
    const key = new Wallet("0x" + "5e".repeat(32));

    beforeEach(async function () {
      f = await loadFixture(httpFixture);
      counter = new Counter();
      server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
      servers.push(server);
      channel = await openChannel(f, { signer: key.address, amount: 100_000n });
    });

    async function payment(amount: bigint, overrides: Partial<PaymentPayload["accepted"]> = {}, contract = f.contract) {
      const { signature } = await signVoucher({
        chainId: f.chainId,
        contract,
        channelId: channel.channelId,
        amount,
        privateKey: key.privateKey,
      });
      return paymentPayload(f, { contract, channel: channel.channel, amount: amount.toString(), signature }, overrides);
    }

    async function send(header: string | undefined) {
      const response = await fetch(`${server.url}/x`, {
        headers: header === undefined ? {} : { [PAYMENT_HEADERS.payment]: header },
      });
      const body = (await response.json().catch(() => undefined)) as PaymentRequired | undefined;
      return { response, body };
    }

    it("HP-R1: no payment header is HTTP_PAYMENT_REQUIRED, the header and the body carry the same requirements", async function () {
      const { response, body } = await send(undefined);
      expect(response.status).to.equal(402);
      expect(body!.code).to.equal("HTTP_PAYMENT_REQUIRED");
      expect(decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.required)!)).to.deep.equal(body);
      expect(body!.accepts[0]).to.include({
        scheme: "peerpay-channel",
        network: `eip155:${f.chainId}`,
        amount: "1000",
      });
      expect(body!.accepts[0].payTo).to.equal(f.payee.address);
      expect(body!.accepts[0].extra.contract).to.equal(f.contract);
      expect(body!.channel).to.equal(undefined);
      expect(counter.runs).to.equal(0);
    });

    it("HP-P3: not base64, not JSON, a missing or extra field, a bad amount are HTTP_PAYMENT_MALFORMED", async function () {
      const good = await payment(PRICE);
      const variants: string[] = [
        "%%%not-base64%%%",
        Buffer.from("{not json").toString("base64"),
        encodeHeaderJson({ ...good, extra: 1 }),
        encodeHeaderJson({ x402Version: 2, accepted: good.accepted }),
        encodeHeaderJson({ ...good, payload: { ...good.payload, amount: "-1" } }),
        encodeHeaderJson({ ...good, payload: { ...good.payload, amount: "01000" } }),
        encodeHeaderJson({ ...good, payload: { ...good.payload, signature: "0xzz" } }),
        encodeHeaderJson({ ...good, payload: { ...good.payload, channel: { ...good.payload.channel, salt: -1 } } }),
      ];
      for (const header of variants) {
        const { response, body } = await send(header);
        expect(response.status, header).to.equal(402);
        expect(body!.code, header).to.equal("HTTP_PAYMENT_MALFORMED");
      }
      expect(counter.runs).to.equal(0);
    });

    it("HP-P2: a payment header above 32 KiB is HTTP_PAYMENT_TOO_LARGE before decoding; 32 KiB exactly is decoded", async function () {
      // Node's own header limit (16 KiB by default) answers 431 before any middleware: the core is asked directly.
      const core = new PaywallCore({ payee: payeeClient(f), price: PRICE });
      const ask = (value: string) => core.evaluate({ url: "/x", headers: { [PAYMENT_HEADERS.payment]: value } });
      const over = await ask("A".repeat(32 * 1024 + 4));
      expect(over.paid ? "paid" : over.body.code).to.equal("HTTP_PAYMENT_TOO_LARGE");
      const at = await ask("A".repeat(32 * 1024));
      expect(at.paid ? "paid" : at.body.code).to.equal("HTTP_PAYMENT_MALFORMED");
      expect(counter.runs).to.equal(0);
    });

    it("HP-S2: a replayed voucher is HTTP_PAYMENT_REPLAYED with the stored total reported", async function () {
      const header = encodeHeaderJson(await payment(PRICE));
      expect((await send(header)).response.status).to.equal(200);
      expect(counter.runs).to.equal(1);
      const { response, body } = await send(header);
      expect(response.status).to.equal(402);
      expect(body!.code).to.equal("HTTP_PAYMENT_REPLAYED");
      expect(body!.channel).to.deep.equal({ id: channel.channelId, stored: PRICE.toString() });
      expect(counter.runs).to.equal(1);
    });

    it("HP-S2: a voucher adding price − 1 is HTTP_PAYMENT_UNDERPAID and is not stored; price exactly is paid", async function () {
      const under = await send(encodeHeaderJson(await payment(PRICE - 1n)));
      expect(under.body!.code).to.equal("HTTP_PAYMENT_UNDERPAID");
      expect(under.body!.channel).to.deep.equal({ id: channel.channelId, stored: "0" });
      expect(counter.runs).to.equal(0);
      expect((await send(encodeHeaderJson(await payment(PRICE)))).response.status).to.equal(200);
      const again = await send(encodeHeaderJson(await payment(2n * PRICE - 1n)));
      expect(again.body!.code).to.equal("HTTP_PAYMENT_UNDERPAID");
      expect(again.body!.channel!.stored).to.equal(PRICE.toString());
      expect(counter.runs).to.equal(1);
    });

    it("HP-P4: another network, payee, token or contract is HTTP_PAYMENT_FOREIGN", async function () {
      const good = await payment(PRICE);
      const variants = [
        await payment(PRICE, { network: "eip155:1" }),
        await payment(PRICE, { scheme: "exact" }),
        await payment(PRICE, { payTo: f.stranger.address }),
        await payment(PRICE, { asset: f.tokenAddress }),
        await payment(PRICE, {}, f.tokenAddress),
        { ...good, payload: { ...good.payload, channel: { ...good.payload.channel, payee: f.stranger.address } } },
        { ...good, payload: { ...good.payload, channel: { ...good.payload.channel, token: f.tokenAddress } } },
      ];
      for (const variant of variants) {
        const { body } = await send(encodeHeaderJson(variant));
        expect(body!.code).to.equal("HTTP_PAYMENT_FOREIGN");
      }
      expect(counter.runs).to.equal(0);
    });

    it("HP-S5: a voucher signed by a key that is not the channel's is refused with VOUCHER_UNAUTHORIZED_SIGNER", async function () {
      const good = await payment(PRICE);
      const { signature } = await signVoucher({
        chainId: f.chainId,
        contract: f.contract,
        channelId: channel.channelId,
        amount: PRICE,
        privateKey: Wallet.createRandom().privateKey,
      });
      const { body } = await send(encodeHeaderJson({ ...good, payload: { ...good.payload, signature } }));
      expect(body!.code).to.equal("VOUCHER_UNAUTHORIZED_SIGNER");
      expect(body!.channel).to.deep.equal({ id: channel.channelId, stored: "0" });
      const over = await send(encodeHeaderJson(await payment(100_001n)));
      expect(over.body!.code).to.equal("VOUCHER_EXCEEDS_DEPOSIT");
      expect(counter.runs).to.equal(0);
    });
  });

  describe("the client's limits (HP-C1)", function () {
    it("HP-C1: a price above maxPrice is HTTP_PRICE_ABOVE_LIMIT; nothing is opened or signed, the handler never runs", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer("express", { payee: payeeClient(f), price: 20_000n }, counter);
      servers.push(server);
      const { fetch, store } = payerFetch(f);
      const error = await fetch(`${server.url}/x`).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HttpPaymentError);
      expect((error as HttpPaymentError).code).to.equal("HTTP_PRICE_ABOVE_LIMIT");
      expect(await store.list()).to.deep.equal([]);
      expect(counter.runs).to.equal(0);
    });

    it("HP-C1: an open beyond maxFunding, or a minDeposit above the app's deposit, is HTTP_BUDGET_EXCEEDED before opening", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer(
        "node:http",
        { payee: payeeClient(f), price: PRICE, minDeposit: 200_000n },
        counter,
      );
      servers.push(server);
      const tooBig = payerFetch(f);
      const error = await tooBig.fetch(`${server.url}/x`).catch((e: unknown) => e);
      expect((error as HttpPaymentError).code).to.equal("HTTP_BUDGET_EXCEEDED");
      const poor = payerFetch(f, { limits: { ...LIMITS, deposit: 300_000n, maxFunding: 299_999n } });
      const again = await poor.fetch(`${server.url}/x`).catch((e: unknown) => e);
      expect((again as HttpPaymentError).code).to.equal("HTTP_BUDGET_EXCEEDED");
      expect(await tooBig.store.list()).to.deep.equal([]);
      expect(await poor.store.list()).to.deep.equal([]);
      expect(counter.runs).to.equal(0);
    });

    it("HP-C2: when the deposit runs out the channel is topped up once, within maxFunding", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
      servers.push(server);
      const { fetch, store } = payerFetch(f, {
        limits: { maxPrice: PRICE, deposit: 2n * PRICE, maxFunding: 4n * PRICE },
      });
      for (let i = 0; i < 4; i++) expect((await fetch(`${server.url}/x`)).status).to.equal(200);
      const [record] = await store.list();
      expect(record.deposit).to.equal(4n * PRICE);
      const error = await fetch(`${server.url}/x`).catch((e: unknown) => e);
      expect((error as HttpPaymentError).code).to.equal("HTTP_BUDGET_EXCEEDED");
      expect(counter.runs).to.equal(4);
    });
  });

  it("HP-C3: concurrent fetches to one payee open one channel and pay one voucher after the other", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const payee = payeeClient(f);
    const server = await startServer("node:http", { payee, price: PRICE }, counter);
    servers.push(server);
    const { fetch, store } = payerFetch(f);
    const responses = await Promise.all([1, 2, 3, 4, 5].map((i) => fetch(`${server.url}/c/${i}`)));
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
    const totals = responses.map((r) => receiptOf(r)!.cumulative).sort();
    expect(totals).to.deep.equal(["1000", "2000", "3000", "4000", "5000"]);
    const records = await store.list();
    expect(records).to.have.length(1);
    expect((await payee.store.get(records[0].channelId))?.amount).to.equal(5n * PRICE);
    expect(counter.runs).to.equal(5);
  });

  it("HP-R3: a payee whose store fails answers 503 HTTP_PAYMENT_UNAVAILABLE; the client keeps the voucher in flight", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const vouchers = new MemoryVoucherStore();
    const failures: unknown[] = [];
    const onError = (error: unknown) => failures.push(error);
    const server = await startServer("express", { payee: payeeClient(f, vouchers), price: PRICE, onError }, counter);
    servers.push(server);
    const { fetch, store } = payerFetch(f);
    await vouchers.close();
    const error = await fetch(`${server.url}/x`).catch((e: unknown) => e);
    expect((error as HttpPaymentError).code).to.equal("HTTP_PAYMENT_REFUSED");
    expect((error as HttpPaymentError).details).to.include({ code: "HTTP_PAYMENT_UNAVAILABLE", status: 503 });
    const [record] = await store.list();
    expect([record.acknowledged, record.signed]).to.deep.equal([0n, PRICE]);
    expect(failures).to.have.length(1);
    expect((failures[0] as StoreError).code).to.equal("STORE_UNAVAILABLE");
    expect(counter.runs).to.equal(0);
  });

  it("HP-C2: an ERC20 paywall gets a token channel opened (the allowance approved through the wallet) and paid", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const payee = payeeClient(f);
    const server = await startServer("fastify", { payee, price: PRICE, asset: f.tokenAddress }, counter);
    servers.push(server);
    const { fetch, store } = payerFetch(f, { limits: { ...LIMITS, asset: f.tokenAddress } });
    for (let i = 1n; i <= 2n; i++)
      expect(receiptOf(await fetch(`${server.url}/t`))!.cumulative).to.equal((PRICE * i).toString());
    const [record] = await store.list();
    expect(record.channel.token).to.equal(f.tokenAddress);
    expect(await f.token.balanceOf(f.contract)).to.equal(LIMITS.deposit);
    expect(counter.runs).to.equal(2);
  });

  it("HP-R1: a price computed per request is charged per request", async function () {
    const f = await loadFixture(httpFixture);
    const counter = new Counter();
    const price = (req: { url?: string }) => (req.url!.startsWith("/big/") ? 5n * PRICE : PRICE);
    const server = await startServer("fastify", { payee: payeeClient(f), price }, counter);
    servers.push(server);
    const { fetch } = payerFetch(f);
    const totals: string[] = [];
    for (const url of ["/small/1", "/big/1", "/small/2"])
      totals.push(receiptOf(await fetch(server.url + url))!.cumulative);
    expect(totals).to.deep.equal(["1000", "6000", "7000"]);
    expect(counter.runs).to.equal(3);
  });

  it("HP-S4: a payee restarted over its FileVoucherStore loses nothing it acknowledged", async function () {
    const f = await loadFixture(httpFixture);
    const dir = mkdtempSync(path.join(tmpdir(), "peerpay-http-"));
    try {
      const file = path.join(dir, "vouchers.log");
      const counter = new Counter();
      let store = await FileVoucherStore.open({ path: file });
      let server = await startServer("node:http", { payee: payeeClient(f, store), price: PRICE }, counter);
      const { fetch, store: payerStore } = payerFetch(f);
      const receipts: PaymentReceipt[] = [];
      for (let i = 0; i < 3; i++) receipts.push(receiptOf(await fetch(`${server.url}/x`))!);
      await server.close();
      await store.close();
      store = await FileVoucherStore.open({ path: file });
      expect((await store.get(receipts[2].channelId))?.amount).to.equal(3n * PRICE);
      server = await startServer("node:http", { payee: payeeClient(f, store), price: PRICE }, counter);
      servers.push(server);
      const next = receiptOf(await fetch(`${server.url}/x`))!;
      expect(next.cumulative).to.equal((4n * PRICE).toString());
      expect(counter.runs).to.equal(4);
      expect((await payerStore.list())[0].acknowledged).to.equal(4n * PRICE);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("reload and lost responses (HP-C4, HP-C5, HP-C7)", function () {
    it("HP-C4: a new payingFetch over the same store reuses the channel and pays on top of the acknowledged total", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const payee = payeeClient(f);
      const server = await startServer("node:http", { payee, price: PRICE }, counter);
      servers.push(server);
      const store = new MemoryPayerStateStore();
      await payerFetch(f, { store }).fetch(`${server.url}/x`);
      const reloaded = payerFetch(f, { store });
      expect(receiptOf(await reloaded.fetch(`${server.url}/x`))!.cumulative).to.equal("2000");
      expect(await store.list()).to.have.length(1);
      expect(counter.runs).to.equal(2);
    });

    it("HP-C5: the response to a paid request is lost after the payee stored it: after reload, nothing is paid twice", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const payee = payeeClient(f);
      const server = await startServer("node:http", { payee, price: PRICE }, counter);
      servers.push(server);
      const store = new MemoryPayerStateStore();
      await payerFetch(f, { store }).fetch(`${server.url}/x`);
      // The paid attempt reaches the payee, its response is dropped on the way back.
      const dropping: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (new Headers(init?.headers).has(PAYMENT_HEADERS.payment)) throw new TypeError("connection reset");
        return response;
      };
      const lost = await payerFetch(f, { store, fetch: dropping })
        .fetch(`${server.url}/x`)
        .catch((e: unknown) => e);
      expect(lost).to.be.instanceOf(TypeError);
      const [inFlight] = await store.list();
      expect([inFlight.acknowledged, inFlight.signed]).to.deep.equal([PRICE, 2n * PRICE]);
      expect(counter.runs).to.equal(2);
      const reloaded = payerFetch(f, { store });
      const response = await reloaded.fetch(`${server.url}/x`);
      expect(receiptOf(response)!.cumulative).to.equal((3n * PRICE).toString());
      expect(counter.runs).to.equal(3);
      expect((await payee.store.get(inFlight.channelId))?.amount).to.equal(3n * PRICE);
    });

    it("HP-C5: the paid request never reached the payee: the in-flight voucher pays for the next request, once", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const payee = payeeClient(f);
      const server = await startServer("node:http", { payee, price: PRICE }, counter);
      servers.push(server);
      const store = new MemoryPayerStateStore();
      const unreachable: typeof fetch = async (input, init) => {
        if (new Headers(init?.headers).has(PAYMENT_HEADERS.payment)) throw new TypeError("network down");
        return fetch(input, init);
      };
      await payerFetch(f, { store, fetch: unreachable })
        .fetch(`${server.url}/x`)
        .catch(() => undefined);
      const [inFlight] = await store.list();
      expect([inFlight.acknowledged, inFlight.signed]).to.deep.equal([0n, PRICE]);
      const response = await payerFetch(f, { store }).fetch(`${server.url}/x`);
      expect(receiptOf(response)!.cumulative).to.equal(PRICE.toString());
      expect(counter.runs).to.equal(1);
      const [after] = await store.list();
      expect([after.acknowledged, after.signed]).to.deep.equal([PRICE, PRICE]);
    });

    it("HP-C7: a payee reporting a total never signed is HTTP_PAYEE_REPORT_INVALID and nothing more is signed", async function () {
      const f = await loadFixture(httpFixture);
      const counter = new Counter();
      const server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, counter);
      servers.push(server);
      const store = new MemoryPayerStateStore();
      await payerFetch(f, { store }).fetch(`${server.url}/x`);
      // A lying payee: every 402 that names our channel claims a huge stored total.
      const lying: typeof fetch = async (input, init) => {
        const paid = new Headers(init?.headers).has(PAYMENT_HEADERS.payment);
        if (!paid) return fetch(input, init);
        const [record] = await store.list();
        const body = {
          x402Version: 2,
          code: "HTTP_PAYMENT_REPLAYED",
          error: "",
          resource: { url: "/x" },
          accepts: [],
          channel: { id: record.channelId, stored: "999999" },
        };
        return new Response(JSON.stringify(body), { status: 402 });
      };
      const error = await payerFetch(f, { store, fetch: lying })
        .fetch(`${server.url}/x`)
        .catch((e: unknown) => e);
      expect((error as HttpPaymentError).code).to.equal("HTTP_PAYEE_REPORT_INVALID");
      const [record] = await store.list();
      expect(record.signed).to.equal(2n * PRICE);
      expect(record.acknowledged).to.equal(PRICE);
    });
  });
});
