// The watchtower process (docs/payment-channels.md §8.7, rule PC-E6):
//
//   WATCHTOWER_KEY=0x… npm run watchtower -- --port 8546 --rpc http://127.0.0.1:8545 --key env:WATCHTOWER_KEY \
//     --data ./watchtower-data [--contract 0x…] [--from-block N] [--safety-margin 600] [--poll 4000]
//
// Every flag but --key also reads from the environment (WATCHTOWER_PORT, WATCHTOWER_RPC, ...): WATCHTOWER_KEY holds
// the key itself, not a --key value. The key is only ever taken from the environment (`env:NAME`), never from the
// command line, where `ps` would show it. Reads and sends both fail over to --rpc2 when given. It prints what it does.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  JsonRpcApiProvider,
  Network,
  Wallet,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";
import { Submitter, getDeployment } from "../sdk";
import { FilePeerStore, WatchtowerServer } from "../sdk/node";
import type { PeerStore } from "../sdk/payment-channels/engine/types";
import { FailoverRpc, RpcResponseError } from "../sdk/submitter/rpc";
import type { TransactionSubmitter } from "../sdk/submitter/types";

const FLAGS = {
  port: { type: "string", default: "8546" },
  host: { type: "string", default: "127.0.0.1" },
  rpc: { type: "string" },
  rpc2: { type: "string" },
  confirmations: { type: "string", default: "1" },
  key: { type: "string", default: "env:WATCHTOWER_KEY" },
  data: { type: "string", default: "./watchtower-data" },
  contract: { type: "string" },
  "from-block": { type: "string" },
  "safety-margin": { type: "string", default: "600" },
  poll: { type: "string", default: "4000" },
  "max-channels": { type: "string", default: "100" },
  "max-bytes": { type: "string", default: String(256 * 1024) },
  rps: { type: "string", default: "10" },
  burst: { type: "string", default: "20" },
} as const;

type Options = { [K in keyof typeof FLAGS]: string | undefined };

function options(): Options {
  const { values } = parseArgs({ options: FLAGS, strict: true });
  const read = (name: keyof typeof FLAGS): string | undefined => {
    // WATCHTOWER_KEY is where the key itself lives (the default `env:WATCHTOWER_KEY`), so it is no --key value.
    const env = name === "key" ? undefined : process.env[`WATCHTOWER_${name.toUpperCase().replace(/-/g, "_")}`];
    return process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
      ? values[name]
      : (env ?? values[name]);
  };
  return Object.fromEntries(Object.keys(FLAGS).map((name) => [name, read(name as keyof typeof FLAGS)])) as Options;
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

function privateKey(spec: string): string {
  if (!spec.startsWith("env:")) throw new Error("--key must be env:NAME (a key on the command line shows in ps)");
  const value = process.env[spec.slice(4)];
  if (value === undefined || value === "") throw new Error(`${spec.slice(4)} is not set`);
  return value;
}

/** The watchtower's durable log (docs/payment-channels.md §8.4): kept across restarts, one process at a time. */
async function openStore({ path: file }: { path: string }): Promise<PeerStore> {
  const store = await FilePeerStore.open({ path: file });
  console.log(`store: ${file}`);
  return store;
}

/**
 * The submitter sending the watchtower's transactions (docs/payment-channels.md §8.8): EIP-1559 fees bumped until
 * mined, confirmations, and failover to `--rpc2` when given.
 */
function createSubmitter({ wallet, o }: { wallet: Wallet; o: Options }): TransactionSubmitter {
  const rpc = o.rpc2 === undefined ? ([o.rpc!] as const) : ([o.rpc!, o.rpc2] as const);
  return new Submitter({
    signer: wallet,
    rpc,
    confirmations: integer("confirmations", o.confirmations),
    onEvent: (event) =>
      console.log(
        `${new Date().toISOString()} submitter ${
          event.type === "error" ? `error: ${String(event.error)}` : JSON.stringify(event, jsonSafe)
        }`,
      ),
  });
}

/**
 * The watchtower's reads (blocks, logs, channel state) through the same failover as the submitter's sends: with only
 * the submitter failing over, a dead primary would leave the process blind to the very close it must answer.
 */
class FailoverProvider extends JsonRpcApiProvider {
  readonly #rpc: FailoverRpc;

  private constructor(rpc: FailoverRpc, network: Network) {
    super(network, { staticNetwork: network, batchMaxCount: 1 });
    this.#rpc = rpc;
  }

  static async connect({ urls }: { urls: readonly string[] }): Promise<FailoverProvider> {
    const rpc = new FailoverRpc({
      endpoints: urls,
      timeoutMs: 10_000,
      failbackAfterMs: 30_000,
      onSwitch: ({ from, to, reason }) =>
        console.log(`${new Date().toISOString()} reads: ${from} -> ${to} (${reason})`),
    });
    return new FailoverProvider(rpc, Network.from(await rpc.chainId()));
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<(JsonRpcResult | JsonRpcError)[]> {
    const calls = Array.isArray(payload) ? payload : [payload];
    return Promise.all(
      calls.map(async ({ id, method, params }) => {
        try {
          return { id, result: await this.#rpc.call(method, params as unknown[]) };
        } catch (err) {
          // The node's verdict (a revert...) goes back as a JSON-RPC error; no endpoint answering stays a throw.
          if (!(err instanceof RpcResponseError)) throw err;
          return { id, error: { code: err.code, message: err.message, data: err.data } };
        }
      }),
    );
  }

  override destroy(): void {
    this.#rpc.destroy();
    super.destroy();
  }
}

const jsonSafe = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

async function main(): Promise<void> {
  const o = options();
  if (o.rpc === undefined) throw new Error("--rpc (or WATCHTOWER_RPC) is required");
  const provider = await FailoverProvider.connect({ urls: o.rpc2 === undefined ? [o.rpc] : [o.rpc, o.rpc2] });
  const { chainId } = await provider.getNetwork();
  const wallet = new Wallet(privateKey(o.key!), provider);
  const deployment = o.contract === undefined ? getDeployment(chainId, "PaymentChannels") : undefined;
  const contract = o.contract ?? deployment!.address;
  const fromBlock = integer("from-block", o["from-block"]) ?? deployment?.fromBlock;
  const dir = path.resolve(o.data!);
  mkdirSync(dir, { recursive: true });
  const store = await openStore({ path: path.join(dir, "watchtower.log") });
  const submitter = createSubmitter({ wallet, o });
  const balance = await provider.getBalance(wallet.address);
  console.log(`watchtower ${wallet.address} (balance ${balance} wei) on chain ${chainId}, PaymentChannels ${contract}`);
  const server = await WatchtowerServer.start({
    contract,
    provider,
    submitter,
    store,
    fromBlock,
    port: integer("port", o.port),
    host: o.host,
    safetyMargin: integer("safety-margin", o["safety-margin"]),
    pollInterval: integer("poll", o.poll),
    quotas: { maxChannels: integer("max-channels", o["max-channels"]), maxBytes: integer("max-bytes", o["max-bytes"]) },
    rate: { requestsPerSecond: integer("rps", o.rps), burst: integer("burst", o.burst) },
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  console.log(`listening on ${server.url}: POST /register, POST /proofs, GET /info`);
  const stop = async (signal: string) => {
    console.log(`${signal}: stopping (waiting for transactions in flight)`);
    await server.close();
    await submitter.close();
    provider.destroy();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
