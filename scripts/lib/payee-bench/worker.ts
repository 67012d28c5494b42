// bench:payees: one payee process. Stores the vouchers the driver sends (optionally verifying each signature
// first), and acknowledges each chunk once every `putIfHigher` of it resolved: committed (PostgreSQL) or synced
// (file). Latency is measured here, from a voucher's arrival to its acknowledgement (the store path).
import { performance } from "node:perf_hooks";
import { VoucherVerifier, toChannelId, type VoucherStore } from "../../../sdk";
import { FileVoucherStore, PostgresVoucherStore } from "../../../sdk/node";
import type { FromWorker, ToWorker, WorkerEnv, WorkerStats } from "./protocol";

async function openStore(env: WorkerEnv): Promise<{ store: VoucherStore; stats: () => WorkerStats }> {
  if (env.BENCH_KIND === "pg") {
    const store = await PostgresVoucherStore.open({
      connection: env.BENCH_PG_URL!,
      schema: env.BENCH_PG_SCHEMA!,
      concurrency: Number(env.BENCH_CONCURRENCY ?? 2),
      maxBatch: Number(env.BENCH_MAX_BATCH ?? 1_000),
      migrate: false,
    });
    return {
      store,
      stats: () => ({ commits: store.stats.statements, vouchers: store.stats.vouchers, largest: store.stats.largest }),
    };
  }
  const store = await FileVoucherStore.open({ path: env.BENCH_FILE! });
  let vouchers = 0;
  const counted: VoucherStore = {
    get: (id) => store.get(id),
    put: (v) => store.put(v),
    putIfHigher: (v) => {
      vouchers++;
      return store.putIfHigher(v);
    },
    all: () => store.all(),
    close: () => store.close(),
  };
  return { store: counted, stats: () => ({ commits: store.syncCount, vouchers, largest: 0 }) };
}

async function main() {
  const env = process.env as WorkerEnv;
  const send = (message: FromWorker) => process.send!(message);
  const { store, stats } = await openStore(env);
  const verifier =
    env.BENCH_VERIFY === "1"
      ? new VoucherVerifier({ chainId: BigInt(env.BENCH_CHAIN_ID!), contract: env.BENCH_CONTRACT! })
      : undefined;
  const signer = env.BENCH_SIGNER?.toLowerCase();
  process.on("message", (message: ToWorker) => {
    if (message.t === "stats") return send({ t: "stats", stats: stats() });
    if (message.t === "exit") return void store.close().then(() => process.exit(0));
    const arrived = performance.now();
    const micros = new Array<number>(message.items.length);
    const stored = new Array<string>(message.items.length);
    void Promise.all(
      message.items.map(async ([id, amount, signature], i) => {
        const voucher = { channelId: toChannelId(id), amount: BigInt(amount), signature };
        if (verifier !== undefined && verifier.recoverLowercase(voucher) !== signer) {
          throw new Error(`voucher ${id} ${amount}: bad signature`);
        }
        stored[i] = (await store.putIfHigher(voucher)).stored ? "1" : "0";
        micros[i] = Math.round((performance.now() - arrived) * 1_000);
      }),
    ).then(
      () => send({ t: "acks", chunk: message.chunk, stored: stored.join(""), micros }),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  send({ t: "ready" });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
