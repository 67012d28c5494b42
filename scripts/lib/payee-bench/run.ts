// bench:payees: one timed phase. The driver forks the payee processes, deals them their vouchers in chunks with a
// bounded window in flight each, and collects acknowledgements, latencies and group-commit statistics.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { FromWorker, ToWorker, WireVoucher, WorkerEnv, WorkerStats } from "./protocol";

const WORKER = path.join(__dirname, "worker.ts");
const ROOT = path.join(__dirname, "../../..");

export type PhaseOptions = {
  /** The vouchers of each process, in sending order (one process for the file store). */
  perProcess: WireVoucher[][];
  env: WorkerEnv;
  /** Vouchers per IPC message. */
  chunk: number;
  /** Vouchers in flight (sent, not acknowledged) per process at most. */
  window: number;
};

export type PhaseResult = {
  seconds: number;
  acknowledged: number;
  stored: number;
  /** Per channel id, the highest amount acknowledged as stored. */
  best: Map<string, bigint>;
  /** Acknowledgement latency of every voucher, microseconds, sorted. */
  micros: number[];
  stats: WorkerStats[];
};

type Worker = { child: ChildProcess; queue: WireVoucher[]; next: number; inFlight: number; exited: Promise<unknown> };

function message<T extends FromWorker["t"]>(child: ChildProcess, t: T): Promise<Extract<FromWorker, { t: T }>> {
  return new Promise((resolve) => {
    const listener = (m: FromWorker) => {
      if (m.t !== t) return;
      child.off("message", listener);
      resolve(m as Extract<FromWorker, { t: T }>);
    };
    child.on("message", listener);
  });
}

/** Runs one phase to completion: every voucher sent and acknowledged. */
export async function runPhase({ perProcess, env, chunk, window }: PhaseOptions): Promise<PhaseResult> {
  const workers: Worker[] = perProcess.map((queue) => {
    const child = fork(WORKER, [], {
      cwd: ROOT,
      // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the payee processes.
      execArgv: [
        "-r",
        "ts-node/register/transpile-only",
        ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
      ],
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    return { child, queue, next: 0, inFlight: 0, exited };
  });
  try {
    await Promise.all(workers.map((w) => message(w.child, "ready")));
    const chunks = new Map<number, WireVoucher[]>();
    const best = new Map<string, bigint>();
    const latencies: number[][] = [];
    let acknowledged = 0;
    let stored = 0;
    let chunkId = 0;
    const total = perProcess.reduce((sum, q) => sum + q.length, 0);
    const pump = (w: Worker) => {
      while (w.inFlight + chunk <= window && w.next < w.queue.length) {
        const items = w.queue.slice(w.next, w.next + chunk);
        w.next += items.length;
        w.inFlight += items.length;
        const id = chunkId++;
        chunks.set(id, items);
        w.child.send({ t: "vouchers", chunk: id, items } satisfies ToWorker);
      }
    };
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      for (const w of workers) {
        w.child.on("exit", (code) => code !== 0 && reject(new Error(`a payee process exited with ${code}`)));
        w.child.on("message", (m: FromWorker) => {
          if (m.t !== "acks") return;
          const items = chunks.get(m.chunk)!;
          chunks.delete(m.chunk);
          w.inFlight -= items.length;
          acknowledged += items.length;
          latencies.push(m.micros);
          items.forEach(([id, amount], i) => {
            if (m.stored[i] !== "1") return;
            stored++;
            const value = BigInt(amount);
            if (value > (best.get(id) ?? 0n)) best.set(id, value);
          });
          if (acknowledged === total) resolve();
          else pump(w);
        });
        pump(w);
      }
    });
    const seconds = (performance.now() - start) / 1_000;
    const stats = await Promise.all(
      workers.map(async (w) => {
        const reply = message(w.child, "stats");
        w.child.send({ t: "stats" } satisfies ToWorker);
        return (await reply).stats;
      }),
    );
    const micros = latencies.flat().sort((a, b) => a - b);
    return { seconds, acknowledged, stored, best, micros, stats };
  } finally {
    for (const w of workers) if (w.child.connected) w.child.send({ t: "exit" } satisfies ToWorker);
    await Promise.all(workers.map((w) => w.exited));
  }
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
