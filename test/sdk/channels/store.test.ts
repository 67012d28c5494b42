import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { keccak256, toBeHex } from "ethers";
import {
  InvalidParameterError,
  MemoryVoucherStore,
  StoreError,
  toChannelId,
  type Voucher,
  type VoucherStore,
} from "../../../sdk";
import { FileVoucherStore } from "../../../sdk/node";
import { expectSdkError } from "../../helpers/sdk";
import { channelOf, signatureOf } from "./fixtures/store-writer";

const RECORD_SIZE = 134;
const WRITER = path.join(__dirname, "fixtures/store-writer.ts");

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
        await expectSdkError(
          store.put({ ...upper, amount: 4n, signature: upper.signature.slice(0, 130) }),
          InvalidParameterError,
          "INVALID_PARAMETER",
          { parameter: "signature" },
        );
        await expectSdkError(
          store.put({ ...upper, channelId: "0x12" as Voucher["channelId"] }),
          InvalidParameterError,
          "INVALID_PARAMETER",
          { parameter: "channelId" },
        );
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
      expect(statSync(logPath()).size).to.equal(6 * RECORD_SIZE);
      const reopened = await FileVoucherStore.open({ path: logPath() });
      expect(sortVouchers(await reopened.all())).to.deep.equal(sortVouchers([voucher(0, 5n), voucher(1, 7n)]));
      expect(await reopened.put(voucher(0, 5n))).to.equal(false);
      expect(await reopened.put(voucher(0, 6n))).to.equal(true);
      await reopened.close();
    });

    it("batches concurrent puts into few syncs, each resolving once durable", async function () {
      const store = await FileVoucherStore.open({ path: logPath() });
      const puts = Array.from({ length: 2_000 }, (_, i) => store.put(voucher(i % 100, BigInt(i + 1))));
      expect(await Promise.all(puts)).to.deep.equal(puts.map(() => true));
      // The first put is written alone; the rest queue up behind its sync, and so on.
      expect(store.syncCount).to.be.at.least(2).and.at.most(20);
      expect(statSync(logPath()).size).to.equal(2_000 * RECORD_SIZE);
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
      const record = readFileSync(logPath()).subarray(RECORD_SIZE, 2 * RECORD_SIZE);
      appendFileSync(logPath(), record.subarray(0, 50));
      store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 2n));
      expect(statSync(logPath()).size).to.equal(2 * RECORD_SIZE);
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
      contents[RECORD_SIZE + 40] ^= 0xff;
      writeFileSync(logPath(), contents);
      store = await FileVoucherStore.open({ path: logPath() });
      expect(await store.get(channelOf(0))).to.deep.equal(voucher(0, 1n));
      await store.close();
    });

    it("refuses to open with STORE_CORRUPT when a damaged record is followed by valid ones", async function () {
      const store = await FileVoucherStore.open({ path: logPath() });
      for (let i = 1n; i <= 3n; i++) await store.put(voucher(0, i));
      await store.close();
      const contents = readFileSync(logPath());
      contents[RECORD_SIZE + 100] ^= 0x01;
      writeFileSync(logPath(), contents);
      await expectSdkError(FileVoucherStore.open({ path: logPath() }), StoreError, "STORE_CORRUPT", {
        offset: RECORD_SIZE,
      });
    });

    it("compacts to one record per channel, automatically and on demand, keeping the best vouchers", async function () {
      const store = await FileVoucherStore.open({ path: logPath(), compactAfter: 100 });
      for (let round = 1n; round <= 60n; round++) {
        await Promise.all([store.put(voucher(0, round)), store.put(voucher(1, round * 2n))]);
      }
      // 120 records written; compaction ran once the log passed 100 records.
      expect(statSync(logPath()).size).to.be.below(120 * RECORD_SIZE);
      await store.compact();
      expect(statSync(logPath()).size).to.equal(2 * RECORD_SIZE);
      expect(await store.put(voucher(0, 61n))).to.equal(true);
      await store.close();
      const reopened = await FileVoucherStore.open({ path: logPath() });
      expect(sortVouchers(await reopened.all())).to.deep.equal(sortVouchers([voucher(0, 61n), voucher(1, 120n)]));
      expect(statSync(logPath()).size).to.equal(3 * RECORD_SIZE);
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
        expect(statSync(logPath()).size % RECORD_SIZE).to.equal(0);
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
