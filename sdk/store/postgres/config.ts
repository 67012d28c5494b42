// The connection settings the PostgreSQL store and lease accept, declared here rather than imported from `pg`: `pg`
// is an optional peer dependency, so the SDK's published types must not need its typings.

/**
 * `pg`'s connection settings (its `ClientConfig` / `PoolConfig`), passed to `pg` as given. The common ones are named;
 * any other `pg` setting is accepted as is.
 *
 * @example
 * ```ts
 * const connection: PgConnectionConfig = { host: "db.internal", port: 5432, user: "payee", database: "peerpay", ssl: true };
 * ```
 */
export type PgConnectionConfig = {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  ssl?: boolean | Readonly<Record<string, unknown>>;
  /** Command-line options sent at connection start (`-c name=value ...`). */
  options?: string;
  [setting: string]: unknown;
};
