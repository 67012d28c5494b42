import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { keccak256, toBeHex } from "ethers";
import {
  InvalidParameterError,
  MAX_SIGNATURE_BYTES,
  MemoryVoucherStore,
  StoreError,
  VoucherError,
  toChannelId,
  type Voucher,
  type VoucherStore,
} from "../../../sdk";
import { FileVoucherStore } from "../../../sdk/node";
import { expectSdkError } from "../../helpers/sdk";
import {
  HEADER_SIZE,
  V1_RECORD_SIZE,
  V3_RECORD_SIZE,
  bytesOf,
  crcFramed,
  keyOf,
  v1Record,
  v2Record,
  v3Log,
} from "./fixtures/log-format";
import { channelOf, signatureOf } from "./fixtures/store-writer";

const RECORD_SIZE = V3_RECORD_SIZE;
const WRITER = path.join(__dirname, "fixtures/store-writer.ts");
const HOLDER = path.join(__dirname, "fixtures/store-holder.ts");
const ROOT = path.join(__dirname, "../../..");

/** Spawns the lock tests' child (fixtures/store-holder.ts) and reads its output lines. */
function holder(mode: "hold" | "try", file: string) {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", HOLDER, mode, file], {
    stdio: ["pipe", "pipe", "inherit"],
    cwd: ROOT,
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the ${mode} child ended without output`);
    return value as string;
  };
  return { child, next, exited };
}

function voucher(channel: number, amount: bigint): Voucher {
  return { channelId: channelOf(channel), amount, signature: signatureOf(channel, amount) };
}

function sortVouchers(vouchers: Voucher[]): Voucher[] {
  return [...vouchers].sort((a, b) => (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0));
}

describe("Voucher stores", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-store-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const KINDS: { name: string; open: () => Promise<VoucherStore> }[] = [
    { name: "MemoryVoucherStore", open: async () => new MemoryVoucherStore() },
    { name: "FileVoucherStore", open: () => FileVoucherStore.open({ path: path.join(dir, "vouchers.log") }) },
  ];

  for (const kind of KINDS) {
    describe(kind.name, function () {
      it("keeps the best voucher per channel and refuses those that are not better", async function () {
        const store = await kind.open();
        expect(await store.get(channelOf(0))).to.equal(undefined);
        expect(await store.put(voucher(0, 10n))).to.equal(true);
        expect(await store.put(voucher(1, 5n))).to.equal(true);
        expect(await store.put(voucher(0, 10n))).to.equal(false);
        expect(await store.put(voucher(0, 9n))).to.equal(false);
        expect(await store.put(voucher(0, 11n))).to.equal(true);
        expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 11n));
        expect(sortVouchers(await store.all())).to.deep.equal(sortVouchers([voucher(0, 11n), voucher(1, 5n)]));
        await store.close();
      });

      it("normalises hex to lowercase and rejects malformed vouchers", async function () {
        const store = await kind.open();
        const upper = voucher(2, 3n);
        expect(await store.put({ ...upper, signature: "0x" + upper.signature.slice(2).toUpperCase() })).to.equal(true);
        expect(await store.get(channelOf(2))).to.deep.equal(upper);
        await expectSdkError(store.put({ ...upper, amount: 0n }), InvalidParameterError, "INVALID_PARAMETER", {
          parameter: "amount",
        });
        for (const signature of [upper.signature.slice(0, 131), upper.signature.slice(2), "0x" + "zz".repeat(65)]) {
          await expectSdkError(
            store.put({ ...upper, amount: 4n, signature }),
            InvalidParameterError,
            "INVALID_PARAMETER",
            { parameter: "signature" },
          );
        }
        await expectSdkError(
          store.put({ ...upper, channelId: "0x12" as Voucher["channelId"] }),
          InvalidParameterError,
          "INVALID_PARAMETER",
          { parameter: "channelId" },
        );
        await store.close();
      });

      it("keeps signatures of 0 to MAX_SIGNATURE_BYTES bytes byte for byte, across a reopen", async function () {
        const lengths = [0, 1, 64, 65, 66, 300, 4_097, MAX_SIGNATURE_BYTES];
        const expected = lengths.map((length, c) => ({
          channelId: channelOf(100 + c),
          amount: BigInt(length + 1),
          signature: bytesOf(c, BigInt(length + 1), length),
        }));
        let store = await kind.open();
        for (const v of expected) expect(await store.put(v)).to.equal(true);
        for (const v of expected) expect(await store.get(v.channelId)).to.deep.equal(v);
        if (store instanceof FileVoucherStore) {
          await store.close();
          store = await kind.open();
        }
        expect(sortVouchers(await store.all())).to.deep.equal(sortVouchers(expected));
        await store.close();
      });

      it("refuses a signature above MAX_SIGNATURE_BYTES with VOUCHER_SIGNATURE_TOO_LONG, storing nothing", async function () {
        const store = await kind.open();
        for (const length of [MAX_SIGNATURE_BYTES + 1, 1_000_000]) {
          await expectSdkError(
            store.put({ channelId: channelOf(3), amount: 1n, signature: "0x" + "5a".repeat(length) }),
            VoucherError,
            "VOUCHER_SIGNATURE_TOO_LONG",
            { length, max: 8_192 },
          );
        }
        expect(await store.all()).to.deep.equal([]);
        await store.close();
      });

      it("refuses every call after close with STORE_UNAVAILABLE", async function () {
        const store = await kind.open();
        await store.put(voucher(0, 1n));
        await store.close();
        await expectSdkError(store.put(voucher(0, 2n)), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.get(channelOf(0)), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.all(), StoreError, "STORE_UNAVAILABLE");
      });
    });
  }

  describe("FileVoucherStore", function () {
    const logPath = () => path.join(dir, "vouchers.log");

    it("replays the log on open", async function () {
      const store = await FileVoucherStore.open({ path: logPath() });
      for (let i = 1n; i <= 5n; i++) await store.put(voucher(0, i));
      await store.put(voucher(1, 7n));
      await store.close();
      expect(statSync(logPath()).size).to.equal(HEADER_SIZE + 6 * RECORD_SIZE);
      const reopened = await FileVoucherStore.open({ path: logPath() });
      expect(sortVouchers(await reopened.all())).to.deep.equal(sortVouchers([voucher(0, 5n), voucher(1, 7n)]));
      expect(await reopened.put(voucher(0, 5n))).to.equal(false);
      expect(await reopened.put(voucher(0, 6n))).to.equal(true);
      await reopened.close();
    });

    it("writes a header with the log's key, then version-3 records: 0x03, signature length, channel id, amount, signature, tag", async function () {
      const store = await FileVoucherStore.open({ path: logPath() });
      const written = [
        voucher(0, 1n),
        { channelId: channelOf(1), amount: 2n, signature: bytesOf(1, 2n, 64) },
        { channelId: channelOf(2), amount: (1n << 256n) - 1n, signature: bytesOf(2, 3n, 1_234) },
        { channelId: channelOf(3), amount: 4n, signature: "0x" },
      ];
      for (const v of written) await store.put(v);
      await store.close();
      expect(readFileSync(logPath())).to.deep.equal(v3Log(keyOf(logPath()), written));
    });

    it("replays a version-1 log written as the fixed-size format wrote it, and rewrites it in version 3", async function () {
      const old = [voucher(0, 1n), voucher(1, 9n), voucher(0, 2n), voucher(2, 5n), voucher(0, 3n)];
      const v1 = Buffer.concat(old.map(v1Record));
      expect(v1.length).to.equal(old.length * V1_RECORD_SIZE);
      // The last version-1 record was torn by a crash: 60 of its 134 bytes reached the file.
      writeFileSync(logPath(), Buffer.concat([v1, v1Record(voucher(1, 10n)).subarray(0, 60)]));
      let store = await FileVoucherStore.open({ path: logPath() });
      const best = [voucher(0, 3n), voucher(1, 9n), voucher(2, 5n)];
      expect(sortVouchers(await store.all())).to.deep.equal(sortVouchers(best));
      expect(store.recovery).to.deep.equal({
        skipped: [],
        truncated: { offset: v1.length, length: 60 },
        upgradedFrom: 1,
      });
      // Rewritten at open (one record per channel, as a compaction), under a key of its own.
      const key = keyOf(logPath());
      expect(readFileSync(logPath())).to.deep.equal(v3Log(key, await store.all()));
      expect(await store.put(voucher(0, 3n))).to.equal(false);
      const long = { channelId: channelOf(1), amount: 11n, signature: bytesOf(1, 11n, 700) };
      expect(await store.put(long)).to.equal(true);
      await store.close();
      store = await FileVoucherStore.open({ path: logPath() });
      expect(store.recovery).to.deep.equal({ skipped: [], truncated: null, upgradedFrom: null });
      expect(sortVouchers(await store.all())).to.deep.equal(sortVouchers([voucher(0, 3n), long, voucher(2, 5n)]));
      await store.close();
    });

    it("replays a version-2 log and a log of both older versions, and rewrites them in version 3", async function () {
      const long = { channelId: channelOf(1), amount: 4n, signature: bytesOf(1, 4n, 1_000) };
      const v2 = [voucher(0, 1n), long, { channelId: channelOf(2), amount: 2n, signature: "0x" }, voucher(0, 7n)];
      for (const [contents, version] of [
        [Buffer.concat(v2.map(v2Record)), 2],
        [Buffer.concat([v1Record(voucher(0, 1n)), v1Record(voucher(3, 1n)), ...v2.map(v2Record)]), 2],
        [Buffer.concat([v1Record(voucher(0, 9n))]), 1],
      ] as const) {
        writeFileSync(logPath(), contents);
        const store = await FileVoucherStore.open({ path: logPath() });
        expect(store.recovery.upgradedFrom).to.equal(version);
        const best = await store.all();
        expect(readFileSync(logPath())).to.deep.equal(v3Log(keyOf(logPath()), best));
        await store.close();
        const reopened = await FileVoucherStore.open({ path: logPath() });
        expect(sortVouchers(await reopened.all())).to.deep.equal(sortVouchers(best));
        await reopened.close();
      }
    });

    it("drops a version-3 record torn at any byte, whatever the signature's length", async function () {
      const kept = [voucher(0, 1n), { channelId: channelOf(1), amount: 1n, signature: bytesOf(1, 1n, 300) }];
      let store = await FileVoucherStore.open({ path: logPath() });
      for (const v of kept) await store.put(v);
      await store.put({ channelId: channelOf(0), amount: 2n, signature: bytesOf(0, 2n, 200) });
      await store.close();
      const contents = readFileSync(logPath());
      const valid = HEADER_SIZE + 2 * RECORD_SIZE + 300 - 65;
      for (let cut = 1; valid + cut < contents.length; cut += cut < 80 ? 1 : 37) {
        writeFileSync(logPath(), contents.subarray(0, valid + cut));
        store = await FileVoucherStore.open({ path: logPath() });
        expect(sortVouchers(await store.all()), `cut at ${cut}`).to.deep.equal(sortVouchers(kept));
        expect(store.recovery.truncated, `cut at ${cut}`).to.deep.equal({ offset: valid, length: cut });
        expect(statSync(logPath()).size, `cut at ${cut}`).to.equal(valid);
        await store.close();
      }
    });

    it("treats a length field above MAX_SIGNATURE_BYTES as the end of the log", async function () {
      const first = v2Record(voucher(0, 1n));
      const huge = v2Record({ channelId: channelOf(0), amount: 2n, signature: bytesOf(0, 2n, MAX_SIGNATURE_BYTES) });
      // A record with a valid checksum but a length the store would never write: not replayed.
      const body = Buffer.concat([
        Buffer.from([0x02, 0x20, 0x01]),
        huge.subarray(3, huge.length - 4),
        Buffer.from([0x00]),
      ]);
      writeFileSync(logPath(), Buffer.concat([first, crcFramed(body)]));
      const store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.all()).to.deep.equal([voucher(0, 1n)]);
      expect(store.recovery.truncated).to.deep.equal({ offset: first.length, length: body.length + 4 });
      await store.close();
    });

    it("refuses to open a version-2 log with STORE_CORRUPT when a damaged length is followed by valid records", async function () {
      const records = [
        v2Record(voucher(0, 1n)),
        v2Record({ channelId: channelOf(0), amount: 2n, signature: bytesOf(0, 2n, 500) }),
        v2Record(voucher(0, 3n)),
      ];
      const contents = Buffer.concat(records);
      // The second record's length, 500, becomes 244: the record now ends inside its own signature.
      contents[records[0].length + 1] ^= 0x01;
      writeFileSync(logPath(), contents);
      await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_CORRUPT", {
        offset: records[0].length,
        next: records[0].length + records[1].length,
      });
      // A damaged version-1 record before version-1 records is corruption too.
      const v1 = Buffer.concat([voucher(0, 1n), voucher(0, 2n), voucher(0, 3n)].map(v1Record));
      v1[V1_RECORD_SIZE + 100] ^= 0x01;
      writeFileSync(logPath(), v1);
      await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_CORRUPT", {
        offset: V1_RECORD_SIZE,
        next: 2 * V1_RECORD_SIZE,
      });
    });

    describe("exclusive lock", function () {
      const lockPath = () => `${logPath()}.lock`;
      const lockOf = () => JSON.parse(readFileSync(lockPath(), "utf8")) as { pid: number; start: string | null };

      it("holds a lock file naming this process while open, and removes it on close", async function () {
        const store = await FileVoucherStore.open({ path: logPath() });
        expect(store.lockPath).to.equal(lockPath());
        expect(lockOf().pid).to.equal(process.pid);
        await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_LOCKED", {
          path: logPath(),
          lockPath: lockPath(),
          pid: process.pid,
          host: hostname(),
        });
        // The refused open left the holder's lock alone.
        expect(lockOf().pid).to.equal(process.pid);
        await store.close();
        expect(existsSync(lockPath())).to.equal(false);
        const again = await FileVoucherStore.open({ path: logPath() });
        await again.close();
      });

      it("refuses a second process with STORE_LOCKED while another process holds the store, until it closes", async function () {
        this.timeout(60_000);
        // The child holds the store; this process is refused, then opens once the child closed it.
        const held = holder("hold", logPath());
        expect(await held.next()).to.equal(`HELD ${held.child.pid}`);
        await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_LOCKED", {
          pid: held.child.pid,
        });
        held.child.stdin.end("close\n");
        expect(await held.next()).to.equal("CLOSED");
        expect((await held.exited).code).to.equal(0);
        const store = await FileVoucherStore.open({ path: logPath() });
        expect(await store.get(channelOf(7))).to.deep.equal(voucher(7, 70n));
        // This process holds it: a child is refused, naming this process; after close, the child opens it.
        const refused = holder("try", logPath());
        expect(await refused.next()).to.equal(`LOCKED ${process.pid}`);
        expect((await refused.exited).code).to.equal(0);
        await store.close();
        const opened = holder("try", logPath());
        expect(await opened.next()).to.equal("OPENED 1");
        expect((await opened.exited).code).to.equal(0);
      });

      it("takes over the lock of a process killed with SIGKILL, and releases its lock on exit", async function () {
        this.timeout(60_000);
        const held = holder("hold", logPath());
        expect(await held.next()).to.equal(`HELD ${held.child.pid}`);
        held.child.kill("SIGKILL");
        expect((await held.exited).signal).to.equal("SIGKILL");
        expect(lockOf().pid).to.equal(held.child.pid);
        const store = await FileVoucherStore.open({ path: logPath() });
        expect(lockOf().pid).to.equal(process.pid);
        expect(await store.get(channelOf(7))).to.deep.equal(voucher(7, 70n));
        await store.close();
        // A process that exits without closing the store: the exit handler removes its lock.
        const exiting = holder("hold", logPath());
        expect(await exiting.next()).to.equal(`HELD ${exiting.child.pid}`);
        expect(lockOf().pid).to.equal(exiting.child.pid);
        exiting.child.stdin.end("exit\n");
        expect((await exiting.exited).code).to.equal(0);
        expect(existsSync(lockPath())).to.equal(false);
      });

      it("takes over a lock whose pid now belongs to a process started at another time", async function () {
        const store = await FileVoucherStore.open({ path: logPath() });
        const mine = lockOf();
        await store.close();
        // This very process, as the lock records it (pid and start time), is alive: the lock is held.
        writeFileSync(lockPath(), JSON.stringify({ ...mine, token: "other" }) + "\n");
        await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_LOCKED");
        // Same pid, another start time: the pid was reused after the holder died.
        expect(mine.start, "Linux records the start time").to.match(/^\d+$/);
        writeFileSync(lockPath(), JSON.stringify({ ...mine, start: String(BigInt(mine.start!) + 1n), token: "old" }));
        const reopened = await FileVoucherStore.open({ path: logPath() });
        expect(lockOf().start).to.equal(mine.start);
        await reopened.close();
      });

      it("counts a lock from another host as held, and never removes a lock it no longer owns", async function () {
        writeFileSync(
          lockPath(),
          JSON.stringify({ pid: 1, start: null, host: `not-${hostname()}`, token: "remote" }) + "\n",
        );
        await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_LOCKED", {
          pid: 1,
          host: `not-${hostname()}`,
        });
        rmSync(lockPath());
        const store = await FileVoucherStore.open({ path: logPath() });
        // Someone (an operator, or a process that judged this one dead) replaced the lock: close leaves it.
        const replaced = JSON.stringify({ pid: 1, start: null, host: hostname(), token: "theirs" }) + "\n";
        writeFileSync(lockPath(), replaced);
        await store.close();
        expect(readFileSync(lockPath(), "utf8")).to.equal(replaced);
      });
    });

    it("batches concurrent puts into few syncs, each resolving once durable", async function () {
      const store = await FileVoucherStore.open({ path: logPath() });
      const puts = Array.from({ length: 2_000 }, (_, i) => store.put(voucher(i % 100, BigInt(i + 1))));
      expect(await Promise.all(puts)).to.deep.equal(puts.map(() => true));
      // The first put is written alone; the rest queue up behind its sync, and so on.
      expect(store.syncCount).to.be.at.least(2).and.at.most(20);
      expect(statSync(logPath()).size).to.equal(HEADER_SIZE + 2_000 * RECORD_SIZE);
      await store.close();
    });

    describe("with fdatasync instrumented", function () {
      let prototype: { datasync: () => Promise<void> };
      let original: () => Promise<void>;
      let completed = 0;
      let failNext = false;
      beforeEach(async function () {
        const handle = await open(path.join(dir, "probe"), "w");
        prototype = Object.getPrototypeOf(handle);
        await handle.close();
        original = prototype.datasync;
        completed = 0;
        failNext = false;
        prototype.datasync = async function (this: unknown) {
          if (failNext) {
            failNext = false;
            throw Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
          }
          await original.call(this);
          completed++;
        };
      });
      afterEach(function () {
        prototype.datasync = original;
      });

      it("resolves each put only after an fdatasync that completed after the put was made", async function () {
        const store = await FileVoucherStore.open({ path: logPath() });
        const puts = Array.from({ length: 300 }, (_, i) => {
          const before = completed;
          return store.put(voucher(i % 7, BigInt(i + 1))).then((stored) => ({ stored, before, after: completed }));
        });
        for (const { stored, before, after } of await Promise.all(puts)) {
          expect(stored).to.equal(true);
          expect(after).to.be.greaterThan(before);
        }
        await store.close();
      });

      it("fails for good when fdatasync fails: the batch and later puts reject, the log keeps what was acknowledged", async function () {
        const store = await FileVoucherStore.open({ path: logPath() });
        expect(await store.put(voucher(0, 1n))).to.equal(true);
        failNext = true;
        await expectSdkError(store.put(voucher(0, 2n)), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.put(voucher(0, 3n)), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.get(channelOf(0)), StoreError, "STORE_UNAVAILABLE");
        await store.close();
        const reopened = await FileVoucherStore.open({ path: logPath() });
        // The unacknowledged record may or may not have reached the file; the acknowledged one must have.
        expect((await reopened.get(channelOf(0)))!.amount >= 1n).to.equal(true);
        await reopened.close();
      });
    });

    it("drops a torn last record, cuts it off, and appends after the valid records", async function () {
      let store = await FileVoucherStore.open({ path: logPath() });
      await store.put(voucher(0, 1n));
      await store.put(voucher(0, 2n));
      await store.close();
      // A torn write: the first 50 bytes of a record for amount 3.
      const record = readFileSync(logPath()).subarray(HEADER_SIZE + RECORD_SIZE, HEADER_SIZE + 2 * RECORD_SIZE);
      appendFileSync(logPath(), record.subarray(0, 50));
      store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 2n));
      expect(store.recovery.truncated).to.deep.equal({ offset: HEADER_SIZE + 2 * RECORD_SIZE, length: 50 });
      expect(statSync(logPath()).size).to.equal(HEADER_SIZE + 2 * RECORD_SIZE);
      expect(await store.put(voucher(0, 3n))).to.equal(true);
      await store.close();
      store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 3n));
      await store.close();
    });

    it("drops a whole last record whose checksum fails", async function () {
      let store = await FileVoucherStore.open({ path: logPath() });
      await store.put(voucher(0, 1n));
      await store.put(voucher(0, 2n));
      await store.close();
      const contents = readFileSync(logPath());
      contents[HEADER_SIZE + RECORD_SIZE + 40] ^= 0xff;
      writeFileSync(logPath(), contents);
      store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 1n));
      await store.close();
    });

    it("compacts to one record per channel, automatically and on demand, keeping the best vouchers", async function () {
      const store = await FileVoucherStore.open({ path: logPath(), compactAfter: 100 });
      for (let round = 1n; round <= 60n; round++) {
        await Promise.all([store.put(voucher(0, round)), store.put(voucher(1, round * 2n))]);
      }
      // 120 records written; compaction ran once the log passed 100 records.
      expect(statSync(logPath()).size).to.be.below(HEADER_SIZE + 120 * RECORD_SIZE);
      await store.compact();
      expect(statSync(logPath()).size).to.equal(HEADER_SIZE + 2 * RECORD_SIZE);
      expect(await store.put(voucher(0, 61n))).to.equal(true);
      await store.close();
      const reopened = await FileVoucherStore.open({ path: logPath() });
      expect(sortVouchers(await reopened.all())).to.deep.equal(sortVouchers([voucher(0, 61n), voucher(1, 120n)]));
      expect(statSync(logPath()).size).to.equal(HEADER_SIZE + 3 * RECORD_SIZE);
      await reopened.close();
    });

    it("keeps every acknowledged voucher when the writing process is killed with SIGKILL, twice", async function () {
      this.timeout(120_000);
      const CHANNELS = 50;
      const acked = new Map<number, bigint>();
      for (let run = 0; run < 2; run++) {
        const child = spawn(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", WRITER, logPath(), String(CHANNELS), "64"],
          { stdio: ["ignore", "pipe", "inherit"], cwd: path.join(__dirname, "../../..") },
        );
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on("exit", (_code, signal) => resolve(signal)),
        );
        let count = 0;
        for await (const line of createInterface({ input: child.stdout })) {
          const [tag, channel, amount] = line.split(" ");
          if (tag !== "ACK") continue;
          const c = Number(channel);
          const a = BigInt(amount);
          if ((acked.get(c) ?? 0n) < a) acked.set(c, a);
          // Kill mid-stream, with puts in flight and a batch probably being written.
          if (++count === 3_000) child.kill("SIGKILL");
        }
        expect(await exited).to.equal("SIGKILL");
        expect(count).to.be.at.least(3_000);

        const store = await FileVoucherStore.open({ path: logPath() });
        expect((statSync(logPath()).size - HEADER_SIZE) % RECORD_SIZE).to.equal(0);
        for (const [c, amount] of acked) {
          const best = await store.get(channelOf(c));
          expect(best, `channel ${c}`).to.not.equal(undefined);
          expect(best!.amount >= amount, `channel ${c}: stored ${best!.amount} < acknowledged ${amount}`).to.equal(
            true,
          );
          expect(best).to.deep.equal(voucher(c, best!.amount));
        }
        expect(acked.size).to.equal(CHANNELS);
        await store.close();
      }
    });
  });

  it("derives distinct test channels (sanity of the fixture)", function () {
    expect(channelOf(1)).to.equal(toChannelId(keccak256(toBeHex(1, 32))));
    expect(channelOf(1)).to.not.equal(channelOf(2));
  });
});
