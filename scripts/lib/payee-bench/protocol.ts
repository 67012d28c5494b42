// bench:payees: the messages between the driver (scripts/bench-payees.ts) and its payee processes (worker.ts), over
// Node's IPC channel. Vouchers travel in chunks: one message per voucher would measure IPC, not the store.

/** A voucher on the wire: channel id (0x hex), amount (decimal), signature (0x hex). */
export type WireVoucher = [channelId: string, amount: string, signature: string];

export type ToWorker = { t: "vouchers"; chunk: number; items: WireVoucher[] } | { t: "stats" } | { t: "exit" };

export type WorkerStats = {
  /** Group commits: statements (PostgreSQL) or write + fdatasync (file). */
  commits: number;
  vouchers: number;
  largest: number;
};

export type FromWorker =
  | { t: "ready" }
  | {
      t: "acks";
      chunk: number;
      /** Per voucher of the chunk, in order: "1" stored, "0" not higher than the channel's best. */
      stored: string;
      /** Per voucher, microseconds from its arrival in the payee process to `putIfHigher` resolving. */
      micros: number[];
    }
  | { t: "stats"; stats: WorkerStats };

/** How a worker is configured (environment variables, set by the driver). */
export type WorkerEnv = {
  BENCH_KIND: "pg" | "file";
  BENCH_PG_URL?: string;
  BENCH_PG_SCHEMA?: string;
  BENCH_FILE?: string;
  /** "1": verify each voucher's signature before storing it (native libsecp256k1 when installed). */
  BENCH_VERIFY?: string;
  BENCH_CHAIN_ID?: string;
  BENCH_CONTRACT?: string;
  BENCH_SIGNER?: string;
  BENCH_CONCURRENCY?: string;
  BENCH_MAX_BATCH?: string;
};
