// A payee process killed with SIGKILL mid-stream (docs/payee-stores.md, PS-D1, PS-L2): every voucher a process
// acknowledged is in the database, and the claimer role moves to a live process.
import { expect } from "chai";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Client } from "pg";
import { testSchema } from "../../helpers/postgres";
import type { FromPayee, ToPayee } from "./fixtures/pg-payee";
import { channelOf } from "./fixtures/store-writer";
import { underCoverage } from "../../helpers/coverage";

const PAYEE = path.join(__dirname, "fixtures/pg-payee.ts");
const ROOT = path.join(__dirname, "../../..");

type Payee = {
  child: ChildProcess;
  index: number;
  sent: number;
  acked: number;
  roles: string[];
  exited: Promise<unknown>;
};

describe("PostgresVoucherStore: a payee process killed with SIGKILL (PS-D1, PS-L2)", function () {
  this.timeout(180_000);
  // Nothing here measures the contracts: the instrumented run (npm run coverage) skips it.
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("keeps every acknowledged voucher, and the claimer role moves to a live process", async function () {
    const { url, schema, drop } = await testSchema();
    const lease = `kill-${schema}`;
    const acked = new Map<number, bigint>();
    let changed: () => void = () => undefined;
    const nextChange = () => new Promise<void>((resolve) => (changed = resolve));
    const payees: Payee[] = [0, 1, 2].map((index) => {
      const child = fork(PAYEE, [], {
        cwd: ROOT,
        execArgv: ["-r", "ts-node/register/transpile-only"],
        env: { ...process.env, PG_URL: url, PG_SCHEMA: schema, PG_LEASE: lease },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const payee: Payee = {
        child,
        index,
        sent: 0,
        acked: 0,
        roles: [],
        exited: new Promise((r) => child.on("exit", r)),
      };
      child.on("message", (message: FromPayee) => {
        if (message.type === "role") payee.roles.push(message.role);
        if (message.type === "ready") payee.roles.push("ready");
        if (message.type === "acks") {
          for (const [channel, amount, stored] of message.items) {
            payee.acked++;
            const value = BigInt(amount);
            if (stored && value > (acked.get(channel) ?? 0n)) acked.set(channel, value);
          }
        }
        changed();
      });
      return payee;
    });
    const until = async (condition: () => boolean) => {
      while (!condition()) await nextChange();
    };
    try {
      await until(() => payees.every((p) => p.roles.includes("ready")));
      await until(() => payees.filter((p) => p.roles.at(-1) === "claimer").length === 1);
      const victim = payees.find((p) => p.roles.at(-1) === "claimer")!;
      const survivors = payees.filter((p) => p !== victim);
      // Vouchers for 20 channels, ever higher, sent round-robin (one channel's successive vouchers go to
      // different processes), 10 per message, until the victim has acknowledged 300 and still has some in flight.
      const CHANNELS = 20;
      const next = new Map<number, bigint>();
      let turn = 0;
      const sendTo = (p: Payee) => {
        const items: [number, string][] = [];
        for (let i = 0; i < 10; i++) {
          const channel = turn++ % CHANNELS;
          const amount = (next.get(channel) ?? 0n) + 1n;
          next.set(channel, amount);
          items.push([channel, amount.toString()]);
        }
        p.sent += items.length;
        p.child.send({ type: "vouchers", items } satisfies ToPayee);
      };
      let round = 0;
      while (victim.acked < 300 || victim.sent === victim.acked) {
        const p = payees[round++ % payees.length]!;
        if (p.sent - p.acked < 100) sendTo(p);
        else await nextChange();
      }
      victim.child.kill("SIGKILL");
      await victim.exited;
      expect(victim.sent).to.be.greaterThan(victim.acked);
      // The stream goes on through the survivors; one of them takes the claimer role.
      for (let i = 0; i < 40; i++) sendTo(survivors[i % 2]!);
      await until(() => survivors.every((p) => p.acked === p.sent));
      await until(() => survivors.some((p) => p.roles.at(-1) === "claimer"));
      expect(survivors.filter((p) => p.roles.at(-1) === "claimer").length).to.equal(1);

      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ id: Buffer; amount: string }>(
        `SELECT channel_id AS id, amount::text AS amount FROM "${schema}".peerpay_vouchers`,
      );
      await client.end();
      const inDb = new Map(rows.map((r) => ["0x" + r.id.toString("hex"), BigInt(r.amount)]));
      expect(acked.size).to.equal(CHANNELS);
      for (const [channel, amount] of acked) {
        expect(inDb.get(channelOf(channel)), `channel ${channel}`).to.be.at.least(amount);
      }
    } finally {
      for (const p of payees)
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.send({ type: "exit" });
      await Promise.all(payees.map((p) => p.exited));
      await drop();
    }
  });
});
