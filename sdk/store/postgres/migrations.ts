// Node only: the PostgreSQL store's schema, as numbered migrations (docs/payee-stores.md, PS-M1..PS-M3).
import type { ClientBase } from "pg";
import { StoreError } from "../../errors/channels";
import { PeerPayErrorCode } from "../../errors/codes";

/** 2^256 - 1: the largest amount a voucher can carry (uint256 on-chain). */
const UINT256_MAX = ((1n << 256n) - 1n).toString();

/**
 * The migrations, in order. Each runs once per schema, in the same transaction as the row recording it; never edit
 * one that has shipped: append a new one.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: (schema: string) => string }[] = [
  {
    version: 1,
    name: "vouchers",
    // amount is exact (numeric, never float); `previous` is scratch space for the conditional upsert: the best
    // amount before the last write to the row, returned by the same statement (PS-A1).
    sql: (s) => `
      CREATE TABLE "${s}".peerpay_vouchers (
        channel_id bytea PRIMARY KEY CHECK (octet_length(channel_id) = 32),
        amount numeric(78, 0) NOT NULL CHECK (amount > 0 AND amount <= ${UINT256_MAX}),
        signature bytea NOT NULL CHECK (octet_length(signature) <= 8192),
        previous numeric(78, 0) NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
  },
];

/** The advisory lock class of migrations (the key's first half; the second is hashtext(schema)). */
const MIGRATION_LOCK_CLASS = 0x50504d31;

/**
 * Brings `schema` up to the newest migration, in one transaction under a transaction-level advisory lock: processes
 * starting at once run it one after the other, and all but the first find nothing to do (PS-M2). Returns the
 * versions it applied.
 */
export async function migrate(client: ClientBase, schema: string): Promise<number[]> {
  const applied: number[] = [];
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK_CLASS, schema]);
    // Checked rather than CREATE SCHEMA IF NOT EXISTS: a role without CREATE on the database can still use a schema
    // an administrator made for it.
    const exists = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".peerpay_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM "${schema}".peerpay_migrations`,
    );
    const current = rows[0]?.version ?? 0;
    const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (current > newest) {
      throw new StoreError({
        code: PeerPayErrorCode.STORE_SCHEMA_TOO_NEW,
        message: `Schema "${schema}" is at version ${current}, newer than this SDK knows (${newest}): upgrade peerpay`,
        details: { schema, version: current, known: newest },
      });
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql(schema));
      await client.query(`INSERT INTO "${schema}".peerpay_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
