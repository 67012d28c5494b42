// Tests on PostgreSQL: one server for the whole mocha run (PEERPAY_PG_URL, or one embedded server started by the
// first test that asks and stopped after all), a schema of its own per test.
import { dropSchema, freshSchema, postgresUrl, stopPostgres } from "../../scripts/lib/postgres";

export { PG_URL_ENV, postgresUrl } from "../../scripts/lib/postgres";

/** A schema for one test on the shared server; dropped by the returned `drop`. */
export async function testSchema(): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const url = await postgresUrl();
  const schema = freshSchema();
  return { url, schema, drop: () => dropSchema(url, schema) };
}

// A root-level hook (this file is loaded by the test files that need PostgreSQL): the embedded server, if one was
// started, stops after the last test of the run. `done` is called from a macrotask, not a promise continuation:
// otherwise hardhat's process.exit, chained on promises, runs before the totals reporter's nextTick line.
after(function (done) {
  this.timeout(60_000);
  stopPostgres().then(
    () => setImmediate(done),
    (error: unknown) => setImmediate(done, error),
  );
});
