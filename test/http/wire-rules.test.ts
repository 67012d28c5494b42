// The wire rules the adversarial review found without a test of their own (docs/http-payments.md §1–§4): each test
// below fails if its rule breaks.
import { expect } from "chai";
import { Wallet, ZeroAddress } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  PAYMENT_HEADERS,
  PEERPAY_CHANNEL_SCHEME,
  computeChannelId,
  decodeHeaderJson,
  encodeHeaderJson,
  signVoucher,
  type PaymentPayload,
  type PaymentReceipt,
  type PaymentRequired,
} from "../../sdk";
import { Counter, PRICE, httpFixture, payeeClient, payerFetch, startServer, type RunningServer } from "./helpers";
import { openChannel, type ChannelsFixture } from "../helpers/channels-sdk";

describe("paid HTTP wire rules (docs/http-payments.md HP-X1, HP-X3, HP-X4, HP-X5, HP-R2, HP-P1)", function () {
  let f: ChannelsFixture;
  let server: RunningServer;
  let channel: Awaited<ReturnType<typeof openChannel>>;
  const key = new Wallet("0x" + "5e".repeat(32));

  beforeEach(async function () {
    f = await loadFixture(httpFixture);
    server = await startServer("node:http", { payee: payeeClient(f), price: PRICE }, new Counter());
    channel = await openChannel(f, { signer: key.address, amount: 100_000n });
  });
  afterEach(() => server.close());

  async function payment(
    amount: bigint,
    signer: { privateKey: string } = key,
    payee = f.payee.address,
  ): Promise<PaymentPayload> {
    const terms = { ...channel.channel, payee };
    const channelId = computeChannelId({ chainId: f.chainId, contract: f.contract, channel: terms });
    const { signature } = await signVoucher({
      chainId: f.chainId,
      contract: f.contract,
      channelId,
      amount,
      privateKey: signer.privateKey,
    });
    return {
      x402Version: 2,
      accepted: {
        scheme: PEERPAY_CHANNEL_SCHEME,
        network: `eip155:${f.chainId}`,
        payTo: payee,
        asset: ZeroAddress,
        amount: PRICE.toString(),
      },
      payload: { contract: f.contract, channel: terms, amount: amount.toString(), signature },
    };
  }

  async function send(header?: string) {
    const response = await fetch(`${server.url}/x`, {
      headers: header === undefined ? {} : { [PAYMENT_HEADERS.payment]: header },
    });
    const body = (await response.json().catch(() => undefined)) as PaymentRequired | undefined;
    const receipt = decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.receipt) ?? "") as PaymentReceipt | undefined;
    return { response, body, receipt };
  }

  it("HP-X1: the 402 and the client's payment both say x402Version 2 and scheme peerpay-channel", async function () {
    expect(PEERPAY_CHANNEL_SCHEME).to.equal("peerpay-channel");
    const { body } = await send();
    expect(body!.x402Version).to.equal(2);
    expect(body!.accepts.map((a) => a.scheme)).to.deep.equal(["peerpay-channel"]);
    const sent: PaymentPayload[] = [];
    const recording: typeof fetch = async (input, init) => {
      const header = new Headers(init?.headers).get(PAYMENT_HEADERS.payment);
      if (header !== null) sent.push(decodeHeaderJson(header) as PaymentPayload);
      return fetch(input, init);
    };
    expect((await payerFetch(f, { fetch: recording }).fetch(`${server.url}/x`)).status).to.equal(200);
    expect(sent.map((p) => [p.x402Version, p.accepted.scheme])).to.deep.equal([[2, "peerpay-channel"]]);
  });

  it("HP-X3: the receipt's transaction is the channel id (computed from the terms), with success and the CAIP-2 network", async function () {
    const { response, receipt } = await send(encodeHeaderJson(await payment(PRICE)));
    expect(response.status).to.equal(200);
    expect(receipt).to.include({ success: true, network: `eip155:${f.chainId}`, cumulative: PRICE.toString() });
    expect(receipt!.transaction).to.equal(channel.channelId);
    expect(receipt!.channelId).to.equal(channel.channelId);
  });

  it("HP-X5: each refusal carries a stable code beside x402's human error, both in the body and the header", async function () {
    await send(encodeHeaderJson(await payment(PRICE)));
    const cases: [string | undefined, string][] = [
      [undefined, "HTTP_PAYMENT_REQUIRED"],
      ["%%%", "HTTP_PAYMENT_MALFORMED"],
      [encodeHeaderJson(await payment(PRICE)), "HTTP_PAYMENT_REPLAYED"],
      [encodeHeaderJson(await payment(2n * PRICE - 1n)), "HTTP_PAYMENT_UNDERPAID"],
      [encodeHeaderJson(await payment(2n * PRICE, Wallet.createRandom())), "VOUCHER_UNAUTHORIZED_SIGNER"],
    ];
    for (const [header, code] of cases) {
      const { response, body } = await send(header);
      expect(response.status).to.equal(402);
      expect(body!.code, code).to.equal(code);
      expect(body!.error).to.be.a("string").that.is.not.empty.and.not.equal(code);
      expect(decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.required)!)).to.deep.equal(body);
    }
  });

  it("HP-X4: a voucher refused by acceptVoucher reports the payee's stored total for its channel", async function () {
    await send(encodeHeaderJson(await payment(PRICE)));
    await send(encodeHeaderJson(await payment(2n * PRICE)));
    const { body } = await send(encodeHeaderJson(await payment(3n * PRICE, Wallet.createRandom())));
    expect(body!.code).to.equal("VOUCHER_UNAUTHORIZED_SIGNER");
    expect(body!.channel).to.deep.equal({ id: channel.channelId, stored: (2n * PRICE).toString() });
  });

  it('HP-R2: channel is reported only for a well-formed voucher to this payee, with stored "0" when none is held', async function () {
    expect((await send()).body!.channel).to.equal(undefined);
    expect((await send("%%%")).body!.channel).to.equal(undefined);
    const foreign = await payment(PRICE, key, Wallet.createRandom().address);
    const refusedForeign = (await send(encodeHeaderJson(foreign))).body!;
    expect(refusedForeign.code).to.equal("HTTP_PAYMENT_FOREIGN");
    expect(refusedForeign.channel).to.equal(undefined);
    const { body } = await send(encodeHeaderJson(await payment(PRICE - 1n)));
    expect(body!.code).to.equal("HTTP_PAYMENT_UNDERPAID");
    expect(body!.channel).to.deep.equal({ id: channel.channelId, stored: "0" });
  });

  it("HP-P1: payload.amount is cumulative: the client sends the running total, and a voucher for the price alone after a payment pays nothing", async function () {
    const sent: bigint[] = [];
    const recording: typeof fetch = async (input, init) => {
      const header = new Headers(init?.headers).get(PAYMENT_HEADERS.payment);
      if (header !== null) sent.push(BigInt((decodeHeaderJson(header) as PaymentPayload).payload.amount));
      return fetch(input, init);
    };
    const { fetch: paying } = payerFetch(f, { fetch: recording });
    for (let i = 0; i < 3; i++) expect((await paying(`${server.url}/x`)).status).to.equal(200);
    expect(sent).to.deep.equal([PRICE, 2n * PRICE, 3n * PRICE]);
    // On the payee's side: once the test's own channel holds PRICE, another voucher of PRICE (a per-request amount) is a replay.
    await send(encodeHeaderJson(await payment(PRICE)));
    const { body } = await send(encodeHeaderJson(await payment(PRICE)));
    expect(body).to.include({ code: "HTTP_PAYMENT_REPLAYED" });
  });
});
