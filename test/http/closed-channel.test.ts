// HP-C10: a channel the payee closed, or whose close was requested, must not leave payingFetch stuck on it: the
// record is retired (its deposit still counted in maxFunding) and a new channel opened, once the chain confirms it.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  HttpPaymentError,
  MemoryPayerStateStore,
  MemoryVoucherStore,
  PayeeClient,
  type PaidChannelEvent,
} from "../../sdk";
import { Counter, LIMITS, PRICE, httpFixture, payerClient, payerFetch, startServer } from "./helpers";
import { PlainSessionKeySealer, computeChannelId, decodeHeaderJson, payingFetch, type PaymentPayload } from "../../sdk";
import type { ChannelsFixture } from "../helpers/channels-sdk";

function observedFetch(f: ChannelsFixture, store: MemoryPayerStateStore, limits = LIMITS) {
  const events: PaidChannelEvent[] = [];
  const fetch = payingFetch({
    payer: payerClient(f),
    store,
    sealer: new PlainSessionKeySealer(),
    limits,
    onChannel: (event) => events.push(event),
  });
  return { fetch, events };
}

describe("payingFetch on a closed or closing channel (docs/http-payments.md HP-C10)", function () {
  it("HP-C10: a channel the payee closed is retired and a new one (new salt) opened and paid; the retired deposit still counts", async function () {
    const f = await loadFixture(httpFixture);
    const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
    const counter = new Counter();
    const server = await startServer("node:http", { payee, price: PRICE }, counter);
    try {
      const store = new MemoryPayerStateStore();
      const { fetch, events } = observedFetch(f, store);
      expect((await fetch(`${server.url}/a`)).status).to.equal(200);
      const [old] = await store.list();
      await payee.close({ channel: old.channelId });
      const response = await fetch(`${server.url}/b`);
      expect(response.status).to.equal(200);
      expect(counter.runs).to.equal(2);
      const records = await store.list();
      const live = records.find((r) => r.key === old.key)!;
      expect(live.channelId).to.not.equal(old.channelId);
      expect(live.channel.salt).to.not.equal(old.channel.salt);
      expect(live.acknowledged).to.equal(PRICE);
      expect(records.find((r) => r.channelId === old.channelId)?.key).to.equal(`${old.key}#retired:${old.channelId}`);
      expect(events.map((e) => [e.type, e.channelId, e.reason])).to.deep.equal([
        ["opened", old.channelId, undefined],
        ["retired", old.channelId, "closed"],
        ["opened", live.channelId, undefined],
      ]);
      // A reload over the same store pays on the new channel, neither stuck nor reopening.
      expect((await observedFetch(f, store).fetch(`${server.url}/c`)).status).to.equal(200);
      expect((await store.get(old.key))?.channelId).to.equal(live.channelId);
    } finally {
      await server.close();
    }
  });

  it("HP-C10, HP-C5: a voucher in flight on a closed channel is sent again there once; refused CHANNEL_NOT_OPEN, no new amount is signed on it", async function () {
    const f = await loadFixture(httpFixture);
    const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
    const server = await startServer("node:http", { payee, price: PRICE }, new Counter());
    try {
      const store = new MemoryPayerStateStore();
      const sent: [string, bigint][] = [];
      let lose = true;
      const recording: typeof fetch = async (input, init) => {
        const header = new Headers(init?.headers).get("payment-signature");
        if (header !== null) {
          const payment = decodeHeaderJson(header) as PaymentPayload;
          const channelId = computeChannelId({
            chainId: f.chainId,
            contract: f.contract,
            channel: payment.payload.channel,
          });
          sent.push([channelId, BigInt(payment.payload.amount)]);
        }
        if (header !== null && lose) {
          lose = false;
          throw new TypeError("request lost before the payee");
        }
        return fetch(input, init);
      };
      const { fetch: paying } = payerFetch(f, { store, fetch: recording });
      expect((await paying(`${server.url}/a`).catch((e: unknown) => e)) instanceof TypeError).to.equal(true);
      const [old] = await store.list();
      expect([old.signed, old.acknowledged]).to.deep.equal([PRICE, 0n]);
      await payee.close({ channel: old.channelId });
      expect((await paying(`${server.url}/b`)).status).to.equal(200);
      const live = await store.get(old.key);
      expect(sent).to.deep.equal([
        [old.channelId, PRICE],
        [old.channelId, PRICE],
        [live!.channelId, PRICE],
      ]);
    } finally {
      await server.close();
    }
  });

  it("HP-C10: a channel whose close was requested is retired once the payee refuses it (CHANNEL_NOT_OPEN)", async function () {
    const f = await loadFixture(httpFixture);
    const payee = new PayeeClient({
      address: f.contract,
      runner: f.payee,
      store: new MemoryVoucherStore(),
      cacheTtl: 0,
    });
    const server = await startServer("node:http", { payee, price: PRICE }, new Counter());
    try {
      const store = new MemoryPayerStateStore();
      const { fetch, events } = observedFetch(f, store);
      expect((await fetch(`${server.url}/a`)).status).to.equal(200);
      const [old] = await store.list();
      await payerClient(f).requestClose({ channel: old.channel });
      const { closesAt } = await payee.getChannelState({ channelId: old.channelId });
      await time.increaseTo(closesAt - payee.claimMargin + 1);
      expect((await fetch(`${server.url}/b`)).status).to.equal(200);
      expect(events.map((e) => e.type + ":" + (e.reason ?? ""))).to.deep.equal([
        "opened:",
        "retired:closing",
        "opened:",
      ]);
    } finally {
      await server.close();
    }
  });

  it("HP-C10: a payee claiming CHANNEL_NOT_OPEN for an open channel gets HTTP_PAYMENT_REFUSED; nothing is reopened", async function () {
    const f = await loadFixture(httpFixture);
    const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
    const server = await startServer("node:http", { payee, price: PRICE }, new Counter());
    try {
      const store = new MemoryPayerStateStore();
      await payerFetch(f, { store }).fetch(`${server.url}/a`);
      const lying: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (!new Headers(init?.headers).has("payment-signature")) return response;
        const body = { x402Version: 2, code: "CHANNEL_NOT_OPEN", error: "", resource: { url: "/" }, accepts: [] };
        return new Response(JSON.stringify(body), { status: 402 });
      };
      const error = await payerFetch(f, { store, fetch: lying })
        .fetch(`${server.url}/b`)
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HttpPaymentError);
      expect((error as HttpPaymentError).code).to.equal("HTTP_PAYMENT_REFUSED");
      expect((error as HttpPaymentError).details.code).to.equal("CHANNEL_NOT_OPEN");
      expect(await store.list()).to.have.length(1);
    } finally {
      await server.close();
    }
  });

  it("HP-C10, HP-C1: a retired channel's deposit counts in maxFunding: no room for another open is HTTP_BUDGET_EXCEEDED", async function () {
    const f = await loadFixture(httpFixture);
    const payee = new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() });
    const server = await startServer("node:http", { payee, price: PRICE }, new Counter());
    try {
      const store = new MemoryPayerStateStore();
      const limits = { ...LIMITS, maxFunding: LIMITS.deposit };
      const { fetch } = observedFetch(f, store, limits);
      await fetch(`${server.url}/a`);
      const [old] = await store.list();
      await payee.close({ channel: old.channelId });
      const error = await fetch(`${server.url}/b`).catch((e: unknown) => e);
      expect((error as HttpPaymentError).code).to.equal("HTTP_BUDGET_EXCEEDED");
    } finally {
      await server.close();
    }
  });
});
