// Node only: the claimer lease. Exactly one process of those sharing a PostgreSQL voucher store claims and watches
// at a time: the one whose session holds an advisory lock (docs/payee-stores.md, PS-L1..PS-L3).
import type { Client, ClientConfig } from "pg";
import type { PgConnectionConfig } from "./config";
import type { Watcher, WatchParameters } from "../../channels/parameters";
import { requireInteger } from "../../internal/validate";
import { loadPg } from "./driver";

/**
 * What {@link PostgresClaimerLease.start} takes.
 *
 * @example
 * ```ts
 * const params: PostgresClaimerLeaseParameters = { connection: url, name: "payee-1:claimer", retryInterval: 2_000 };
 * ```
 */
export type PostgresClaimerLeaseParameters = {
  /** A connection string or a `pg` client configuration: the lease holds one dedicated session. */
  connection: string | PgConnectionConfig;
  /** Which lease: processes with the same name compete for it. Default `peerpay:claimer`. */
  name?: string;
  /** How often a process that does not hold the lease tries again, and the holder checks its session (ms). Default 1,000. */
  retryInterval?: number;
  /** Called when this process takes the lease. */
  onAcquired?: () => void | Promise<void>;
  /** Called when this process loses the lease (its session failed) or releases it on `stop`. */
  onLost?: (error?: unknown) => void | Promise<void>;
};

/** The advisory lock class of claimer leases (the key's first half; the second is hashtext(name)). */
const LEASE_LOCK_CLASS = 0x50504c31;

/**
 * A lease held as a PostgreSQL session advisory lock (`pg_try_advisory_lock`) on a connection of its own. The
 * server releases the lock when the session ends, so when the holder dies (SIGKILL, crash, lost network) the next
 * try of another process takes it over (PS-L2). The holder runs `SELECT 1` every `retryInterval` on its session:
 * if that fails, it stops acting as the holder at once (PS-L3), before the server has necessarily noticed.
 *
 * @example
 * ```ts
 * const lease = PostgresClaimerLease.start({ connection: url, onAcquired: () => log("claiming"), onLost: stopAll });
 * await lease.stop();
 * ```
 */
export class PostgresClaimerLease {
  readonly name: string;
  readonly retryInterval: number;
  readonly #params: PostgresClaimerLeaseParameters;
  #client: Client | undefined;
  #held = false;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #loop: Promise<void> = Promise.resolve();
  #waiters: (() => void)[] = [];

  private constructor(params: PostgresClaimerLeaseParameters) {
    this.#params = params;
    this.name = params.name ?? "peerpay:claimer";
    this.retryInterval = requireInteger("retryInterval", params.retryInterval ?? 1_000, 1, 3_600_000);
  }

  /**
   * Starts competing for the lease in the background: tries at once, then every `retryInterval`.
   *
   * @example
   * ```ts
   * const lease = PostgresClaimerLease.start({ connection: process.env.PEERPAY_PG_URL! });
   * ```
   */
  static start(params: PostgresClaimerLeaseParameters): PostgresClaimerLease {
    const lease = new PostgresClaimerLease(params);
    lease.#schedule(0);
    return lease;
  }

  /**
   * Whether this process holds the lease now.
   *
   * @example
   * ```ts
   * if (lease.held) console.log("this process claims");
   * ```
   */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Resolves once this process holds the lease.
   *
   * @example
   * ```ts
   * await lease.acquired();
   * ```
   */
  acquired(): Promise<void> {
    return this.#held ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Stops competing; releases the lease (ends the session) if held, after `onLost` ran.
   *
   * @example
   * ```ts
   * await lease.stop();
   * ```
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#loop;
    await this.#drop(undefined);
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#loop = this.#tick().finally(() => this.#schedule(this.retryInterval));
    }, delay);
  }

  /** One step: the holder checks its session; the others try to take the lock. */
  async #tick(): Promise<void> {
    try {
      if (this.#held) {
        await this.#client!.query("SELECT 1");
        return;
      }
      if (this.#client === undefined) this.#client = await this.#connect();
      const { rows } = await this.#client.query<{ taken: boolean }>(
        "SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken",
        [LEASE_LOCK_CLASS, this.name],
      );
      if (rows[0]?.taken === true && !this.#stopped) {
        this.#held = true;
        for (const resolve of this.#waiters.splice(0)) resolve();
        await this.#params.onAcquired?.();
      }
    } catch (error) {
      await this.#drop(error);
    }
  }

  async #connect(): Promise<Client> {
    const { Client } = await loadPg();
    const config = this.#params.connection;
    const client = new Client({
      ...(typeof config === "string" ? { connectionString: config } : config),
      keepAlive: true,
    } as ClientConfig);
    // A session that fails between two checks: dropped at once, not at the next check.
    client.on("error", (error) => void this.#drop(error));
    client.on("end", () => void this.#drop(new Error("The lease session ended")));
    await client.connect();
    return client;
  }

  /** Forgets the session (its end releases the lock on the server) and, if it held the lease, reports the loss. */
  async #drop(error: unknown): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    const wasHeld = this.#held;
    this.#held = false;
    if (client !== undefined) {
      client.removeAllListeners("end");
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
    if (wasHeld) await this.#params.onLost?.(error);
  }
}

/**
 * What {@link runClaimer} takes: the lease, and the payee whose watcher runs while this process holds it.
 *
 * @example
 * ```ts
 * const params: RunClaimerParameters = { lease: { connection: url }, payee, watch: { onError: console.error } };
 * ```
 */
export type RunClaimerParameters = {
  lease: Omit<PostgresClaimerLeaseParameters, "onAcquired" | "onLost">;
  /** A `PayeeClient` (or anything that watches like one). */
  payee: { watch(params?: WatchParameters): Watcher };
  watch?: WatchParameters;
  /** Told when the role moves to or away from this process. */
  onRole?: (role: "claimer" | "standby") => void;
};

/**
 * Runs `payee.watch()` only while this process holds the claimer lease, and stops it as soon as the lease is lost
 * (PS-L1): across any number of payee processes on one store, one watches and claims; when it dies, another takes
 * over within about `retryInterval`.
 *
 * @example
 * ```ts
 * const claimer = runClaimer({ lease: { connection: process.env.PEERPAY_PG_URL! }, payee });
 * process.on("SIGTERM", () => void claimer.stop());
 * ```
 */
export function runClaimer({ lease, payee, watch, onRole }: RunClaimerParameters): PostgresClaimerLease {
  let watcher: Watcher | undefined;
  return PostgresClaimerLease.start({
    ...lease,
    onAcquired: () => {
      watcher = payee.watch(watch);
      onRole?.("claimer");
    },
    onLost: async () => {
      const running = watcher;
      watcher = undefined;
      await running?.stop();
      onRole?.("standby");
    },
  });
}
