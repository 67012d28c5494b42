// Node only: loads `pg`, the optional peer dependency, at run time. Only sdk/store/postgres/ calls this, so a user
// of any other part of the SDK never needs `pg` installed, and a browser bundle never reaches it.
import type * as Pg from "pg";
import { StoreError } from "../../errors/channels";
import { PeerPayErrorCode } from "../../errors/codes";

/** What the PostgreSQL store takes from `pg`: the pool and the single client (the claimer lease holds one). */
export type PgDriver = { Pool: typeof Pg.Pool; Client: typeof Pg.Client };

let loaded: Promise<PgDriver> | undefined;

/** Imports `pg` once; rejects with `STORE_DRIVER_MISSING` when the package is not installed. */
export function loadPg(): Promise<PgDriver> {
  loaded ??= import("pg").then(
    (module) => {
      // CommonJS `pg` seen through an ES import exposes its exports on `default` as well.
      const pg = ((module as { default?: unknown }).default ?? module) as PgDriver;
      return { Pool: pg.Pool, Client: pg.Client };
    },
    (cause: unknown) => {
      loaded = undefined;
      throw new StoreError({
        code: PeerPayErrorCode.STORE_DRIVER_MISSING,
        message: "The PostgreSQL store needs the `pg` package: npm install pg",
        cause,
      });
    },
  );
  return loaded;
}

/** PostgreSQL error codes (SQLSTATE) the store reacts to. */
export const SQLSTATE = {
  /** A transaction lost a deadlock (rows of one batch locked in another order by another process): retried. */
  DEADLOCK: "40P01",
  SERIALIZATION: "40001",
} as const;

/** The SQLSTATE of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A schema name the store accepts: a plain lowercase identifier, so it can be quoted without escaping. */
export function requireSchemaName(schema: string): string {
  if (typeof schema !== "string" || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: `Invalid schema name ${JSON.stringify(schema)}: lowercase letters, digits and _ only`,
      details: { schema },
    });
  }
  return schema;
}
