// bench:payees: the whole run, shared by scripts/bench-payees.ts (prints it) and test/bench/payees.test.ts (checks
// its accounting). Four payee processes on one PostgreSQL, then one process on a FileVoucherStore, same vouchers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FileVoucherStore, PostgresVoucherStore } from "../../../sdk/node";
import { dropSchema, freshSchema, postgresUrl } from "../postgres";
import type { WorkerStats } from "./protocol";
import { quantile, runPhase, type PhaseResult } from "./run";
import { presign } from "./vouchers";

export type BenchOptions = {
  channels: number;
  rounds: number;
  processes: number;
  /** Vouchers per IPC message. */
  chunk: number;
  /** Vouchers in flight per process. */
  window: number;
  /** Payees verify each signature before storing it (default false: the store path alone is measured). */
  verify: boolean;
  /** Statements in flight per PostgreSQL store. */
  concurrency: number;
  maxBatch: number;
};

export const DEFAULT_OPTIONS: BenchOptions = {
  channels: 1_000,
  rounds: 40,
  processes: 4,
  chunk: 50,
  window: 800,
  verify: false,
  concurrency: 2,
  maxBatch: 1_000,
};

export type PhaseReport = {
  name: string;
  processes: number;
  perSecond: number;
  seconds: number;
  acknowledged: number;
  stored: number;
  p50: number;
  p99: number;
  commits: number;
  meanBatch: number;
  largestBatch: number;
  /** Channels whose stored amount differs from the highest acknowledged as stored (must be 0). */
  mismatches: number;
  /** Channels stored, and channels whose final (highest) voucher is stored. */
  channels: number;
  complete: number;
};

export type BenchReport = { options: BenchOptions; signSeconds: number; postgres: PhaseReport; file: PhaseReport };

function report(
  name: string,
  processes: number,
  phase: PhaseResult,
  stored: Map<string, bigint>,
  final: bigint,
): PhaseReport {
  const sum = (pick: (s: WorkerStats) => number) => phase.stats.reduce((total, s) => total + pick(s), 0);
  let mismatches = 0;
  for (const [id, amount] of phase.best) if (stored.get(id) !== amount) mismatches++;
  for (const id of stored.keys()) if (!phase.best.has(id)) mismatches++;
  const commits = sum((s) => s.commits);
  return {
    name,
    processes,
    perSecond: phase.acknowledged / phase.seconds,
    seconds: phase.seconds,
    acknowledged: phase.acknowledged,
    stored: phase.stored,
    p50: quantile(phase.micros, 0.5),
    p99: quantile(phase.micros, 0.99),
    commits,
    meanBatch: sum((s) => s.vouchers) / Math.max(1, commits),
    largestBatch: Math.max(...phase.stats.map((s) => s.largest)),
    mismatches,
    channels: stored.size,
    complete: [...stored.values()].filter((amount) => amount === final).length,
  };
}

/** Runs both phases; the caller stops the embedded PostgreSQL (stopPostgres) when done. */
export async function runBench(overrides: Partial<BenchOptions> = {}): Promise<BenchReport> {
  const options = { ...DEFAULT_OPTIONS, ...overrides };
  const url = await postgresUrl();
  const schema = freshSchema("bench");
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-payees-"));
  try {
    // Migrated once here; the payee processes open it with migrate: false.
    await (await PostgresVoucherStore.open({ connection: url, schema })).close();
    const signStart = performance.now();
    const signed = await presign(options);
    const signSeconds = (performance.now() - signStart) / 1_000;
    const final = BigInt(options.rounds) * 1_000_000n;
    const common = {
      BENCH_VERIFY: options.verify ? "1" : "0",
      BENCH_CHAIN_ID: signed.chainId.toString(),
      BENCH_CONTRACT: signed.contract,
      BENCH_SIGNER: signed.signer,
    };
    const pg = await runPhase({
      perProcess: signed.perProcess,
      chunk: options.chunk,
      window: options.window,
      env: {
        ...common,
        BENCH_KIND: "pg",
        BENCH_PG_URL: url,
        BENCH_PG_SCHEMA: schema,
        BENCH_CONCURRENCY: String(options.concurrency),
        BENCH_MAX_BATCH: String(options.maxBatch),
      },
    });
    const reader = await PostgresVoucherStore.open({ connection: url, schema, migrate: false });
    const inDb = new Map((await reader.all()).map((v) => [v.channelId as string, v.amount]));
    await reader.close();

    const file = path.join(dir, "vouchers.log");
    const single = await runPhase({
      perProcess: [signed.all],
      chunk: options.chunk,
      window: options.window * options.processes,
      env: { ...common, BENCH_KIND: "file", BENCH_FILE: file },
    });
    const reopened = await FileVoucherStore.open({ path: file });
    const inFile = new Map((await reopened.all()).map((v) => [v.channelId as string, v.amount]));
    await reopened.close();
    return {
      options,
      signSeconds,
      postgres: report("PostgresVoucherStore", options.processes, pg, inDb, final),
      file: report("FileVoucherStore", 1, single, inFile, final),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(url, schema);
  }
}
