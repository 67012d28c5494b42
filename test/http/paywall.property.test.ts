// Stateful property test of payingFetch against the paywall (docs/http-payments.md §4, §5), on the Hardhat network:
// random sequences of requests at random prices, responses dropped after the payee stored the voucher, requests lost
// before reaching it, payee restarts over its store and client reloads over the payer's store, checked after every
// step against a reference model of cumulative totals.
import { expect } from "chai";
import fc from "fast-check";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  MemoryPayerStateStore,
  MemoryVoucherStore,
  PAYMENT_HEADERS,
  decodeHeaderJson,
  type ChannelId,
  type PaymentReceipt,
} from "../../sdk";
import { paywall, type PaywallMiddleware } from "../../sdk/node";
import { checkStateful, propertyEnv, type ActionStats } from "../helpers/property";
import { httpFixture, payeeClient, payerFetch } from "./helpers";

type Action =
  | { type: "request"; price: number }
  | { type: "dropResponse"; price: number }
  | { type: "loseRequest"; price: number }
  | { type: "restartPayee" }
  | { type: "reloadClient" };

const priceArb = fc.constantFrom(1_000, 2_000, 3_000);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: priceArb.map((price) => ({ type: "request" as const, price })) },
  { weight: 1, arbitrary: priceArb.map((price) => ({ type: "dropResponse" as const, price })) },
  { weight: 1, arbitrary: priceArb.map((price) => ({ type: "loseRequest" as const, price })) },
  { weight: 1, arbitrary: fc.constant({ type: "restartPayee" as const }) },
  { weight: 1, arbitrary: fc.constant({ type: "reloadClient" as const }) },
);

describe("payingFetch and the paywall against a model of cumulative totals (property)", function () {
  this.timeout(600_000);
  const env = propertyEnv({ numRuns: 30, maxSteps: 16 });

  it("HP-S2, HP-C4, HP-C5, HP-C6: the payee holds exactly what the served requests were credited, none paid twice, none stuck", async function () {
    const f = await loadFixture(httpFixture);
    const stats: ActionStats = {};
    await checkStateful({
      arbitrary: fc.array(actionArb, { minLength: 1, maxLength: env.maxSteps }),
      env,
      testFile: "test/http/paywall.property.test.ts",
      stats,
      runOne: async (actions) => {
        const vouchers = new MemoryVoucherStore();
        const priceOf = (url: string | undefined) => BigInt(url!.split("/")[2]);
        let pay: PaywallMiddleware = paywall({ payee: payeeClient(f, vouchers), price: (req) => priceOf(req.url) });
        // The model: what each handler run was credited, and the price of every request sent.
        const credited: bigint[] = [];
        const served: bigint[] = [];
        let attempted = 0n;
        // The reference model: what each handler run must be credited, and the client's voucher in flight (signed,
        // not acknowledged): stored by the payee (its response was dropped) or not (its request was lost). The next
        // payment re-sends it first (HP-C5), and a dropped response drops that answer too.
        const expected: bigint[] = [];
        let inFlight: { landed: boolean; price: bigint } | undefined;
        const server: Server = createServer((req, res: ServerResponse) =>
          pay(req, res, () => {
            const receipt = decodeHeaderJson(String(res.getHeader(PAYMENT_HEADERS.receipt))) as PaymentReceipt;
            credited.push(BigInt(receipt.credited));
            served.push(priceOf(req.url));
            res.end("ok");
          }),
        );
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const store = new MemoryPayerStateStore();
        const limits = { maxPrice: 5_000n, deposit: 20_000n, maxFunding: 10n ** 9n };
        const faulty =
          (mode: "dropResponse" | "loseRequest"): typeof fetch =>
          async (input, init) => {
            const paid = new Headers(init?.headers).has(PAYMENT_HEADERS.payment);
            if (paid && mode === "loseRequest") throw new TypeError("lost on the way");
            const response = await fetch(input, init);
            if (paid) throw new TypeError("response lost");
            return response;
          };
        let client = payerFetch(f, { store, limits });
        let n = 0;
        try {
          for (const action of actions) {
            n++;
            if (action.type === "restartPayee") {
              pay = paywall({ payee: payeeClient(f, vouchers), price: (req) => priceOf(req.url) });
            } else if (action.type === "reloadClient") {
              client = payerFetch(f, { store, limits });
            } else if (action.type === "request") {
              const price = BigInt(action.price);
              attempted += price;
              // A re-sent voucher that was never stored pays if it adds at least the price; else a new one pays.
              const resent = inFlight !== undefined && !inFlight.landed && inFlight.price >= price;
              expected.push(resent ? inFlight!.price : price);
              inFlight = undefined;
              const response = await client.fetch(`${url}/p/${action.price}/${n}`);
              expect(response.status, "not stuck").to.equal(200);
            } else {
              const price = BigInt(action.price);
              attempted += price;
              if (inFlight === undefined) {
                // A new voucher: stored and served (its response dropped), or lost on the way.
                if (action.type === "dropResponse") expected.push(price);
                inFlight = { landed: action.type === "dropResponse", price };
              } else if (action.type === "dropResponse" && !inFlight.landed && inFlight.price >= price) {
                expected.push(inFlight.price); // the re-sent voucher lands and serves; its answer is dropped
                inFlight = { landed: true, price: inFlight.price };
              } // else the re-sent voucher is lost, or refused (replayed, under-paying) and that answer is dropped
              const broken = payerFetch(f, { store, limits, fetch: faulty(action.type) });
              const error = await broken.fetch(`${url}/p/${action.price}/${n}`).catch((e: unknown) => e);
              expect(error).to.be.instanceOf(TypeError);
            }
            stats[action.type] ??= { ok: 0, reverted: 0 };
            stats[action.type].ok++;
            // Invariants, after every step.
            const [record] = await store.list();
            const stored =
              record === undefined ? 0n : ((await vouchers.get(record.channelId as ChannelId))?.amount ?? 0n);
            const total = credited.reduce((a, b) => a + b, 0n);
            expect(stored, "the payee holds exactly what served requests were credited").to.equal(total);
            expect(credited, "each served request is credited as the model says").to.deep.equal(expected);
            expect(total <= attempted, "nothing is paid twice: at most what was asked").to.equal(true);
            for (let i = 0; i < credited.length; i++) expect(credited[i] >= served[i]).to.equal(true);
            if (record !== undefined) {
              expect(record.acknowledged <= stored && stored <= record.signed).to.equal(true);
              expect(record.signed <= record.deposit).to.equal(true);
            }
          }
        } finally {
          server.closeAllConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      },
    });
  });
});
