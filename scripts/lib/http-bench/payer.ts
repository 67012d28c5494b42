// The payer of `npm run bench:http`, in its own process: one sequential loop per channel (payments on a channel are
// sequential by design, HP-C3), all loops concurrent over one keep-alive agent. In a paid run each request carries a
// voucher signed here, inside the timed window, with the channel's session key (docs/http-payments.md §3).
import { Agent, request } from "node:http";
import {
  PAYMENT_HEADERS,
  encodeHeaderJson,
  signVoucher,
  type Channel,
  type ChannelId,
  type PaymentPayload,
} from "../../../sdk";

export type PayerInit = {
  type: "init";
  url: string;
  chainId: string;
  contract: string;
  payee: string;
  price: string;
  channels: { channel: Channel; channelId: ChannelId; privateKey: string }[];
};
export type PayerRun = { type: "run"; id: number; mode: "paid" | "unpaid"; requests: number };
export type PayerDone = {
  type: "done";
  id: number;
  elapsedMs: number;
  /** CPU time of this (payer) process during the run. */
  cpuMs: number;
  ok: number;
  failed: number;
  p50: number;
  p99: number;
  perChannel: string[];
  firstError?: string;
};

let init: PayerInit;
let agent: Agent;
const totals: bigint[] = [];

function get(path: string, headers: Record<string, string>): Promise<{ status: number; receipt?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(init.url + path, { agent, headers }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => {
        const receipt = res.headers[PAYMENT_HEADERS.receipt];
        resolve({ status: res.statusCode ?? 0, receipt: typeof receipt === "string" ? receipt : undefined });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

async function run({ id, mode, requests }: PayerRun): Promise<PayerDone> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const chainId = BigInt(init.chainId);
  const price = BigInt(init.price);
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    init.channels.map(async ({ channel, channelId, privateKey }, index) => {
      while (next < requests) {
        next++;
        const t0 = performance.now();
        let headers: Record<string, string> = {};
        if (mode === "paid") {
          const amount = totals[index] + price;
          const { signature } = await signVoucher({ chainId, contract: init.contract, channelId, amount, privateKey });
          const payment: PaymentPayload = {
            x402Version: 2,
            accepted: {
              scheme: "peerpay-channel",
              network: `eip155:${init.chainId}`,
              payTo: init.payee,
              asset: channel.token,
              amount: init.price,
            },
            payload: { contract: init.contract, channel, amount: amount.toString(), signature },
          };
          headers = { [PAYMENT_HEADERS.payment]: encodeHeaderJson(payment) };
        }
        const { status, receipt } = await get(mode === "paid" ? "/paid" : "/free", headers);
        if (status === 200 && (mode === "unpaid" || receipt !== undefined)) {
          ok++;
          if (mode === "paid") totals[index] += price;
        } else {
          failed++;
          firstError ??= `status ${status}`;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    type: "done",
    id,
    elapsedMs,
    cpuMs,
    ok,
    failed,
    p50: at(0.5),
    p99: at(0.99),
    perChannel: totals.map(String),
    ...(firstError ? { firstError } : {}),
  };
}

process.on("message", (raw) => {
  const message = raw as PayerInit | PayerRun | { type: "exit" };
  if (message.type === "init") {
    init = message;
    agent = new Agent({ keepAlive: true, maxSockets: message.channels.length });
    for (let i = 0; i < message.channels.length; i++) totals.push(0n);
    process.send!({ type: "ready" });
  } else if (message.type === "run") {
    run(message).then(
      (done) => process.send!(done),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  } else {
    agent.destroy();
    process.exit(0);
  }
});
