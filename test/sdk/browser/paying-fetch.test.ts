// payingFetch over the browser's store and sealers (docs/browser.md "Reload semantics", BR-S1, BR-S2, BR-K2, BR-K5):
// each "reload" is a new IndexedDbPayerStateStore, a new sealer and a new payingFetch on the same database (fake-
// indexeddb), with nothing carried in memory, against a real paywall on the Hardhat network.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  IndexedDbPayerStateStore,
  PAYMENT_HEADERS,
  WalletSessionKeySealer,
  WebCryptoSessionKeySealer,
  decodeHeaderJson,
  payingFetch,
  type IndexedDbFactory,
  type PaymentReceipt,
  type SessionKeySealer,
} from "../../../sdk";
import {
  Counter,
  LIMITS,
  PRICE,
  httpFixture,
  payeeClient,
  payerClient,
  startServer,
  type RunningServer,
} from "../../http/helpers";
import type { ChannelsFixture } from "../../helpers/channels-sdk";
import { freshIndexedDb, type RawFactory } from "./fixtures";

const cumulativeOf = (response: Response) =>
  (decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.receipt) ?? "") as PaymentReceipt | undefined)?.cumulative;

/** A page load: a store and a sealer on the profile's database, and a paying fetch over them. */
function load(f: ChannelsFixture, factory: RawFactory, sealer: () => SessionKeySealer, fetchImpl?: typeof fetch) {
  const store = new IndexedDbPayerStateStore({ indexedDB: factory as IndexedDbFactory, locks: null });
  const fetchPaid = payingFetch({ payer: payerClient(f), store, sealer: sealer(), limits: LIMITS, fetch: fetchImpl });
  return { store, fetch: fetchPaid };
}

describe("payingFetch over IndexedDbPayerStateStore across page reloads (Hardhat network)", function () {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const sealers: [string, (f: ChannelsFixture, factory: RawFactory) => SessionKeySealer][] = [
    [
      "WebCryptoSessionKeySealer",
      (_f, factory) => new WebCryptoSessionKeySealer({ indexedDB: factory as IndexedDbFactory }),
    ],
    [
      "WalletSessionKeySealer",
      (f) =>
        new WalletSessionKeySealer({
          signer: f.payer,
          chainId: f.chainId,
          payer: f.payer.address,
          app: "test",
          origin: "http://127.0.0.1",
        }),
    ],
  ];

  for (const [name, makeSealer] of sealers) {
    it(`reload semantics, BR-S2, ${name}: a response lost before a reload is neither paid twice nor stuck after it`, async function () {
      const f = await loadFixture(httpFixture);
      const factory = freshIndexedDb();
      const counter = new Counter();
      const payee = payeeClient(f);
      server = await startServer("node:http", { payee, price: PRICE }, counter);
      const url = `${server.url}/file/chunk`;

      const first = load(f, factory, () => makeSealer(f, factory));
      expect(cumulativeOf(await first.fetch(url))).to.equal(PRICE.toString());
      await first.store.close();

      // Second load: the paid request reaches the payee, its response is lost on the way back.
      const dropping: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (new Headers(init?.headers).has(PAYMENT_HEADERS.payment)) throw new TypeError("connection reset");
        return response;
      };
      const second = load(f, factory, () => makeSealer(f, factory), dropping);
      expect(await second.fetch(url).catch((error: unknown) => error)).to.be.instanceOf(TypeError);
      const [inFlight] = await second.store.list();
      expect([inFlight.acknowledged, inFlight.signed]).to.deep.equal([PRICE, 2n * PRICE]);
      await second.store.close();

      // Third load: the record (and its sealed key) come from IndexedDB only; the payee's report settles the voucher.
      const third = load(f, factory, () => makeSealer(f, factory));
      expect(cumulativeOf(await third.fetch(url))).to.equal((3n * PRICE).toString());
      const records = await third.store.list();
      expect(records).to.have.length(1);
      expect([records[0].acknowledged, records[0].signed]).to.deep.equal([3n * PRICE, 3n * PRICE]);
      expect(records[0].sessionKey.scheme).to.equal(makeSealer(f, factory).scheme);
      expect(counter.runs).to.equal(3);
      expect((await payee.store.get(inFlight.channelId))?.amount).to.equal(3n * PRICE);
      await third.store.close();
    });
  }
});
