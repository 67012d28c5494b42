// Node only: the payee's vouchers in PostgreSQL, shared by any number of processes (docs/payee-stores.md).
import type { Pool, PoolConfig } from "pg";
import type { PgConnectionConfig } from "./config";
import { toChannelId, type ChannelId, type Voucher } from "../../channels/types";
import { checkVoucher } from "../../channels/validate";
import type { PutIfHigherResult, VoucherStore } from "../../channels/voucher-store";
import { StoreError } from "../../errors/channels";
import { PeerPayErrorCode } from "../../errors/codes";
import { requireInteger } from "../../internal/validate";
import { SQLSTATE, loadPg, requireSchemaName, sqlState } from "./driver";
import { migrate } from "./migrations";
import { settleBatch, upsertSql, type BatchStats, type Pending } from "./batch";

/**
 * What {@link PostgresVoucherStore.open} takes.
 *
 * @example
 * ```ts
 * const params: PostgresVoucherStoreParameters = { connection: process.env.PEERPAY_PG_URL!, schema: "payee" };
 * ```
 */
export type PostgresVoucherStoreParameters = {
  /** A connection string (`postgres://user:pass@host:5432/db`) or a `pg` pool configuration. */
  connection: string | PgConnectionConfig;
  /** The schema holding the store's tables; created by the first migration if missing. Default `public`. */
  schema?: string;
  /** At most this many vouchers per statement (one group commit). Default 1,000. */
  maxBatch?: number;
  /** At most this many statements in flight at once; `put`s arriving meanwhile wait for the next batch. Default 2. */
  concurrency?: number;
  /** Connections in the pool. Default `concurrency + 2` (reads run beside the writes). */
  poolSize?: number;
  /**
   * The `synchronous_commit` the store's sessions use (PS-D1): `on` (default) waits for the local WAL flush and for
   * synchronous standbys if the server names any; `remote_apply` also waits until they have applied it.
   */
  synchronousCommit?: "on" | "remote_write" | "remote_apply";
  /** Runs the migrations on open (default true). Set false where a deployment step runs them. */
  migrate?: boolean;
};

/**
 * A {@link VoucherStore} in PostgreSQL that any number of payee processes share (docs/payee-stores.md). For one
 * channel, the best voucher wins whatever process receives it, and it never regresses: `putIfHigher` is one
 * conditional upsert that returns the previous best in the same atomic step (PS-A1), so two processes never credit
 * the same range. An acknowledgement means committed (PS-D1): the sessions run with `synchronous_commit` on and the
 * store refuses a server with `fsync` off. Concurrent `put`s of a process are group-committed: batched into one
 * multi-row statement (one transaction, one WAL flush), at most `maxBatch` each, `concurrency` in flight (PS-G1).
 * Amounts are `numeric(78,0)` (exact up to 2^256-1), ids and signatures `bytea`.
 *
 * Needs the `pg` package (an optional peer dependency: `npm install pg`).
 *
 * @example
 * ```ts
 * const store = await PostgresVoucherStore.open({ connection: "postgres://payee@db/peerpay" });
 * const payee = new PayeeClient({ address, runner: wallet, store });
 * ```
 */
export class PostgresVoucherStore implements VoucherStore {
  readonly schema: string;
  readonly maxBatch: number;
  readonly concurrency: number;
  /** Migrations this open applied (empty when the schema was up to date). */
  readonly migrated: readonly number[];
  readonly #pool: Pool;
  readonly #table: string;
  #queue: Pending[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  readonly #stats: BatchStats = { statements: 0, vouchers: 0, largest: 0, retries: 0 };

  private constructor(pool: Pool, schema: string, maxBatch: number, concurrency: number, migrated: number[]) {
    this.#pool = pool;
    this.schema = schema;
    this.#table = `"${schema}".peerpay_vouchers`;
    this.maxBatch = maxBatch;
    this.concurrency = concurrency;
    this.migrated = migrated;
  }

  /**
   * Connects, checks the server is durable (`fsync` on), and migrates the schema (under an advisory lock: safe when
   * many processes start at once).
   *
   * @throws {StoreError} `STORE_DRIVER_MISSING` without `pg`; `STORE_NOT_DURABLE` if the server runs with `fsync`
   * off; `STORE_SCHEMA_TOO_NEW` if a newer SDK migrated the schema; `STORE_UNAVAILABLE` if it cannot connect.
   * @example
   * ```ts
   * const store = await PostgresVoucherStore.open({ connection: process.env.PEERPAY_PG_URL!, schema: "payee" });
   * ```
   */
  static async open(params: PostgresVoucherStoreParameters): Promise<PostgresVoucherStore> {
    const schema = requireSchemaName(params.schema ?? "public");
    const maxBatch = requireInteger("maxBatch", params.maxBatch ?? 1_000, 1, 100_000);
    const concurrency = requireInteger("concurrency", params.concurrency ?? 2, 1, 64);
    const poolSize = requireInteger("poolSize", params.poolSize ?? concurrency + 2, 1, 1_000);
    const synchronous = params.synchronousCommit ?? "on";
    if (!["on", "remote_write", "remote_apply"].includes(synchronous)) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_NOT_DURABLE,
        message: `synchronous_commit ${String(synchronous)} would acknowledge vouchers before they are durable`,
      });
    }
    const { Pool } = await loadPg();
    const base: PgConnectionConfig =
      typeof params.connection === "string" ? { connectionString: params.connection } : params.connection;
    // A startup parameter rather than a SET: it holds on every connection the pool opens, reconnects included.
    const options = [base.options, `-c synchronous_commit=${synchronous}`].filter(Boolean).join(" ");
    const pool = new Pool({ ...base, max: poolSize, options } as PoolConfig);
    // An idle connection the server drops must not crash the process; the next query opens another.
    pool.on("error", () => undefined);
    try {
      const client = await pool.connect();
      try {
        const { rows } = await client.query<{ fsync: string; sync: string }>(
          "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync",
        );
        if (rows[0]?.fsync !== "on" || rows[0]?.sync !== synchronous) {
          throw new StoreError({
            code: PeerPayErrorCode.STORE_NOT_DURABLE,
            message: `The server runs with fsync=${rows[0]?.fsync}, synchronous_commit=${rows[0]?.sync}: a commit would not be durable`,
            details: { fsync: rows[0]?.fsync, synchronousCommit: rows[0]?.sync },
          });
        }
        const migrated = params.migrate === false ? [] : await migrate(client, schema);
        return new PostgresVoucherStore(pool, schema, maxBatch, concurrency, migrated);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error instanceof StoreError ? error : unavailable("Could not open the PostgreSQL voucher store", error);
    }
  }

  /**
   * How the group commit went since open: statements, vouchers, the largest batch, retried deadlocks.
   *
   * @example
   * ```ts
   * const { statements, vouchers } = store.stats;
   * console.log(`${vouchers / statements} vouchers per commit`);
   * ```
   */
  get stats(): Readonly<BatchStats> {
    return { ...this.#stats };
  }

  /**
   * The channel's best committed voucher.
   *
   * @example
   * ```ts
   * const best = await store.get(channelId);
   * ```
   */
  async get(channelId: ChannelId): Promise<Voucher | undefined> {
    this.#requireOpen();
    const id = toChannelId(channelId);
    const { rows } = await this.#query<{ amount: string; signature: string }>(
      `SELECT amount::text AS amount, encode(signature, 'hex') AS signature FROM ${this.#table} WHERE channel_id = $1`,
      [Buffer.from(id.slice(2), "hex")],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { channelId: id, amount: BigInt(row.amount), signature: `0x${row.signature}` };
  }

  /**
   * Stores `voucher` if it beats the channel's best; resolves `true` once committed.
   *
   * @example
   * ```ts
   * if (await store.put(voucher)) deliver();
   * ```
   */
  async put(voucher: Voucher): Promise<boolean> {
    return (await this.putIfHigher(voucher)).stored;
  }

  /**
   * Stores `voucher` if it beats the channel's best, across every process sharing the database, and returns the
   * best before it from the same atomic statement; resolves once committed (PS-A1, PS-D1).
   *
   * @throws {StoreError} `STORE_UNAVAILABLE` if the store is closed or the statement failed (nothing is acknowledged).
   * @example
   * ```ts
   * const { stored, previous } = await store.putIfHigher(voucher);
   * if (stored) credit(voucher.amount - previous);
   * ```
   */
  putIfHigher(voucher: Voucher): Promise<PutIfHigherResult> {
    try {
      this.#requireOpen();
      const checked = checkVoucher(voucher);
      return new Promise<PutIfHigherResult>((resolve, reject) => {
        this.#queue.push({ voucher: checked, resolve, reject });
        this.#kick();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Every channel's best committed voucher, read page by page in channel order.
   *
   * @example
   * ```ts
   * for await (const voucher of store.stream()) console.log(voucher.channelId, voucher.amount);
   * ```
   */
  async *stream(pageSize = 1_000): AsyncGenerator<Voucher> {
    const size = requireInteger("pageSize", pageSize, 1, 100_000);
    let after: Buffer = Buffer.alloc(0);
    for (;;) {
      this.#requireOpen();
      const { rows } = await this.#query<{ id: Buffer; amount: string; signature: string }>(
        `SELECT channel_id AS id, amount::text AS amount, encode(signature, 'hex') AS signature FROM ${this.#table}
         WHERE channel_id > $1 ORDER BY channel_id LIMIT $2`,
        [after, size],
      );
      for (const row of rows) {
        yield {
          channelId: toChannelId(`0x${row.id.toString("hex")}`),
          amount: BigInt(row.amount),
          signature: `0x${row.signature}`,
        };
      }
      if (rows.length < size) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Every channel's best committed voucher (paged under the hood; see {@link PostgresVoucherStore.stream} to avoid
   * holding them all).
   *
   * @example
   * ```ts
   * const vouchers = await store.all();
   * ```
   */
  async all(): Promise<Voucher[]> {
    const vouchers: Voucher[] = [];
    for await (const voucher of this.stream()) vouchers.push(voucher);
    return vouchers;
  }

  /**
   * Waits for the statements in flight and the queued `put`s, then closes the pool.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#inFlight > 0 || this.#queue.length > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    await this.#pool.end();
  }

  #requireOpen(): void {
    if (this.#closed) throw unavailable("The voucher store is closed");
  }

  async #query<R extends object>(text: string, values: unknown[]) {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw unavailable("A PostgreSQL voucher store query failed", error);
    }
  }

  /** Starts batches while statement slots are free: `put`s arriving while all are busy form the next batch. */
  #kick(): void {
    while (this.#inFlight < this.concurrency && this.#queue.length > 0) {
      const batch = this.#queue.length <= this.maxBatch ? this.#queue : this.#queue.slice(0, this.maxBatch);
      this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.maxBatch);
      this.#inFlight++;
      void this.#write(batch).finally(() => {
        this.#inFlight--;
        this.#kick();
        if (this.#inFlight === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  /** One statement for the batch; retried when it lost a deadlock (it was rolled back: nothing was written). */
  async #write(batch: Pending[]): Promise<void> {
    const { sql, values, settle } = upsertSql(this.#table, batch);
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.#pool.query<{ id: string; previous: string }>(sql, values);
        this.#stats.statements++;
        this.#stats.vouchers += batch.length;
        this.#stats.largest = Math.max(this.#stats.largest, batch.length);
        settleBatch(settle, rows);
        return;
      } catch (error) {
        const state = sqlState(error);
        if ((state === SQLSTATE.DEADLOCK || state === SQLSTATE.SERIALIZATION) && attempt < 5) {
          this.#stats.retries++;
          continue;
        }
        const failure = unavailable("A PostgreSQL voucher store write failed; nothing of it was acknowledged", error);
        for (const pending of batch) pending.reject(failure);
        return;
      }
    }
  }
}

function unavailable(message: string, cause?: unknown): StoreError {
  return new StoreError({ code: PeerPayErrorCode.STORE_UNAVAILABLE, message, cause });
}
