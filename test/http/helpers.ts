// Shared pieces of the paid HTTP tests: a channels deployment on the Hardhat network, a payee and a payer client,
// servers for node:http, Express and Fastify behind the paywall, and a handler that counts its runs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ZeroAddress } from "ethers";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import {
  MemoryPayerStateStore,
  MemoryVoucherStore,
  PayeeClient,
  PayerClient,
  PlainSessionKeySealer,
  payingFetch,
  type PayingFetchLimits,
  type PaymentPayload,
  type VoucherStore,
} from "../../sdk";
import { fastifyPaywall, paywall, type PaywallParameters } from "../../sdk/node";
import { channelsFixture, type ChannelsFixture } from "../helpers/channels-sdk";

export const PRICE = 1_000n;

/**
 * A PAYMENT-SIGNATURE payload for the fixture's deployment as payingFetch builds it: the peerpay-channel requirements
 * an ETH paywall at PRICE answers with (any field overridable through `accepted`), carrying `payload`.
 */
export function paymentPayload(
  f: ChannelsFixture,
  payload: PaymentPayload["payload"],
  accepted: Partial<PaymentPayload["accepted"]> = {},
): PaymentPayload {
  return {
    x402Version: 2,
    accepted: {
      scheme: "peerpay-channel",
      network: `eip155:${f.chainId}`,
      payTo: f.payee.address,
      asset: ZeroAddress,
      amount: PRICE.toString(),
      ...accepted,
    },
    payload,
  };
}
export const LIMITS: PayingFetchLimits = { maxPrice: 10_000n, deposit: 100_000n, maxFunding: 1_000_000n };

export async function httpFixture() {
  const f = await channelsFixture();
  return f;
}

export function payeeClient(f: ChannelsFixture, store: VoucherStore = new MemoryVoucherStore()): PayeeClient {
  return new PayeeClient({ address: f.contract, runner: f.payee, store });
}

export function payerClient(f: ChannelsFixture): PayerClient {
  return new PayerClient({ address: f.contract, runner: f.payer });
}

/** A handler that counts its runs: a test asserting it did not run fails if it did. */
export class Counter {
  runs = 0;
  hit(): string {
    this.runs++;
    return `content ${this.runs}`;
  }
}

export type Framework = "node:http" | "express" | "fastify";

export type RunningServer = { url: string; close(): Promise<void> };

/** Starts `framework` on loopback with `GET /*` behind the paywall; the handler counts its runs. */
export async function startServer(
  framework: Framework,
  params: PaywallParameters,
  counter: Counter,
): Promise<RunningServer> {
  if (framework === "fastify") {
    const app: FastifyInstance = Fastify();
    app.get("/*", { preHandler: fastifyPaywall(params) }, async () => counter.hit());
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  let server: Server;
  if (framework === "express") {
    const app = express();
    app.get("/{*path}", paywall(params), (_req, res) => void res.send(counter.hit()));
    server = createServer(app);
  } else {
    const pay = paywall(params);
    server = createServer((req: IncomingMessage, res: ServerResponse) =>
      pay(req, res, (error) => {
        if (error) {
          res.statusCode = 500;
          res.end();
        } else res.end(counter.hit());
      }),
    );
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A paying fetch for the fixture's payer over `store` (a fresh memory store by default). */
export function payerFetch(
  f: ChannelsFixture,
  {
    store = new MemoryPayerStateStore(),
    limits = LIMITS,
    fetch: base,
  }: {
    store?: MemoryPayerStateStore;
    limits?: PayingFetchLimits;
    fetch?: typeof fetch;
  } = {},
) {
  return {
    store,
    fetch: payingFetch({ payer: payerClient(f), store, sealer: new PlainSessionKeySealer(), limits, fetch: base }),
  };
}
