// FilePeerStore, the Node peer log of docs/payment-channels.md §8.4 (PC-E1): group commit, replay and recovery,
// atomic compaction, the lock, failure for good, and a real kill -9 of a writing process.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import fsPromises, { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { crc32 } from "node:zlib";
import { StoreError } from "../../../sdk";
import { MemoryPeerStore } from "../../../sdk/store/memory-peer";
import { FilePeerStore } from "../../../sdk/node";
import type { PeerLogRecord } from "../../../sdk/payment-channels/engine/types";
import { HEADER, encodeFrame, replayPeerLog } from "../../../sdk/store/peer-log-format";
import { expectSdkError } from "../../helpers/sdk";
import { recordOf } from "./fixtures/peer-log-writer";

const ROOT = path.join(__dirname, "../../..");
const WRITER = path.join(__dirname, "fixtures/peer-log-writer.ts");

const acked = (nonce: number): PeerLogRecord => ({
  type: "acked",
  channelId: "0x" + "ab".repeat(32),
  nonce: `${nonce}`,
});

/** The byte offsets where the frames of a log end (the first is the header's end). */
function frameEnds(contents: Buffer): number[] {
  const ends = [HEADER.length];
  while (ends[ends.length - 1] < contents.length) {
    const at = ends[ends.length - 1];
    ends.push(at + 8 + contents.readUInt32BE(at));
  }
  return ends;
}

/** Replaces a method of an object for one test; `restore` puts every original back. */
function patcher() {
  const undo: (() => void)[] = [];
  return {
    patch<T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]) {
      const original = target[key];
      target[key] = replacement;
      undo.push(() => (target[key] = original));
      return original;
    },
    restore() {
      while (undo.length > 0) undo.pop()!();
    },
  };
}

describe("FilePeerStore (docs/payment-channels.md §8.4)", function () {
  let dir: string;
  let logPath: string;
  const patches = patcher();
  /** FileHandle's prototype, whose write, datasync and sync the failure tests replace. */
  let handlePrototype: {
    write: (...args: unknown[]) => Promise<{ bytesWritten: number }>;
    datasync: () => Promise<void>;
    sync: () => Promise<void>;
  };

  before(async function () {
    const probeDir = mkdtempSync(path.join(tmpdir(), "peerpay-peer-log-"));
    const handle = await open(path.join(probeDir, "probe"), "w");
    handlePrototype = Object.getPrototypeOf(handle);
    await handle.close();
    rmSync(probeDir, { recursive: true, force: true });
  });
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-peer-log-"));
    logPath = path.join(dir, "peer.log");
  });
  afterEach(function () {
    patches.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  const reopen = () => FilePeerStore.open({ path: logPath });
  const loadAfterRestart = async () => {
    const store = await reopen();
    const records = await store.load();
    await store.close();
    return records;
  };

  describe("round trip and order", function () {
    it("creates a log holding only its versioned header, and loads no records from it", async function () {
      const store = await reopen();
      expect(await store.load()).to.deep.equal([]);
      await store.close();
      expect(readFileSync(logPath)).to.deep.equal(HEADER);
      expect(HEADER.toString("latin1")).to.equal("PeerPay peer log, format 1\n");
    });

    it("gives back after a restart every record appended, field for field, whatever its strings hold (PC-E1)", async function () {
      const records: PeerLogRecord[] = [
        {
          type: "sent",
          channelId: "0x01",
          change: { kind: "pay", amount: "5" },
          proof: { nonce: "1" },
          signature: "0x",
        },
        { type: "note", text: 'quotes " and \\ and\nnewlines, \u0000 NUL, emoji 💸, ünïcödé' },
        { type: "nested", list: [1, 2.5, null, true, { deep: [[]] }], empty: {} },
        acked(1),
      ];
      const store = await reopen();
      await store.load();
      await store.append(records.slice(0, 2), { durable: true });
      await store.append(records.slice(2), { durable: true });
      await store.close();
      expect(await loadAfterRestart()).to.deep.equal(records);
    });

    it("keeps the call order of concurrent appends, durable or not, and replays each append whole", async function () {
      const store = await reopen();
      await store.load();
      const appends = Array.from({ length: 400 }, (_, i) =>
        store.append([recordOf(2 * i), recordOf(2 * i + 1)], { durable: i % 3 !== 0 }),
      );
      await Promise.all(appends);
      await store.close();
      expect(await loadAfterRestart()).to.deep.equal(Array.from({ length: 800 }, (_, i) => recordOf(i)));
    });

    it("loads what open replayed first, then, after appends, everything appended (non-durable records committed)", async function () {
      let store = await reopen();
      await store.append([acked(1)], { durable: true });
      await store.close();
      store = await reopen();
      expect(await store.load()).to.deep.equal([acked(1)]);
      await store.append([acked(2)], { durable: false });
      const syncs = store.syncCount;
      expect(await store.load()).to.deep.equal([acked(1), acked(2)]);
      expect(store.syncCount).to.equal(syncs + 1);
      await store.close();
    });

    it("refuses a record JSON cannot hold, as MemoryPeerStore does, and stays usable", async function () {
      for (const store of [new MemoryPeerStore(), await reopen()]) {
        const bad = { type: "sent", amount: 5n } as unknown as PeerLogRecord;
        await expectSdkError(store.append([bad], { durable: true }), StoreError, "STORE_UNAVAILABLE");
        await store.append([acked(1)], { durable: true });
        expect(await store.load()).to.deep.equal([acked(1)]);
        await store.close();
      }
    });
  });

  describe("durability and group commit (PC-E1)", function () {
    it("resolves a non-durable append without a sync, and commits it with the next durable append in one sync", async function () {
      const store = await reopen();
      await store.load();
      const syncs = store.syncCount;
      await store.append([acked(1)], { durable: false });
      expect(store.syncCount).to.equal(syncs);
      expect(statSync(logPath).size).to.equal(HEADER.length);
      await store.append([acked(2)], { durable: true });
      expect(store.syncCount).to.equal(syncs + 1);
      const records = replayPeerLog(readFileSync(logPath), logPath).records;
      expect(records).to.deep.equal([acked(1), acked(2)]);
      await store.close();
    });

    it("commits queued non-durable records on close", async function () {
      const store = await reopen();
      await store.append([acked(1)], { durable: false });
      await store.append([acked(2)], { durable: false });
      await store.close();
      expect(await loadAfterRestart()).to.deep.equal([acked(1), acked(2)]);
    });

    it("commits 1,000 concurrent durable appends in at most 3 syncs", async function () {
      const store = await reopen();
      await store.load();
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.append([recordOf(i)], { durable: true })));
      // The first append starts a commit alone; the 999 made meanwhile form the next one.
      expect(store.syncCount).to.be.at.least(1).and.at.most(3);
      await store.close();
      expect(await loadAfterRestart()).to.have.length(1_000);
    });

    it("resolves each durable append only after an fdatasync that covers it and every record before it", async function () {
      const store = await reopen();
      await store.load();
      let syncedSize = 0;
      let completed = 0;
      const datasync = patches.patch(handlePrototype, "datasync", async function (this: unknown) {
        await datasync.call(this);
        completed++;
        syncedSize = statSync(logPath).size;
      });
      const expected = Array.from({ length: 300 }, (_, i) => JSON.stringify(recordOf(i)));
      const appends = Array.from({ length: 300 }, (_, i) => {
        const before = completed;
        return store.append([recordOf(i)], { durable: i % 5 !== 0 }).then(() => {
          if (i % 5 === 0) return;
          expect(completed, `append ${i}`).to.be.greaterThan(before);
          // What the last completed fdatasync covered holds records 0..i in order.
          const synced = replayPeerLog(readFileSync(logPath).subarray(0, syncedSize), logPath).records;
          expect(JSON.stringify(synced.slice(0, i + 1)), `append ${i}`).to.equal(
            `[${expected.slice(0, i + 1).join(",")}]`,
          );
        });
      });
      await Promise.all(appends);
      await store.close();
    });

    it("commits non-durable records without a durable append once 1 MiB of them is queued", async function () {
      const store = await reopen();
      await store.load();
      const big = (i: number): PeerLogRecord => ({ type: "acked", nonce: `${i}`, pad: "x".repeat(64 * 1024) });
      for (let i = 0; i < 15; i++) await store.append([big(i)], { durable: false });
      expect(store.syncCount).to.equal(0);
      await store.append([big(15)], { durable: false });
      // The commit runs in the background: wait for it (a condition, with a timeout), never for a fixed time.
      const deadline = Date.now() + 10_000;
      while (store.syncCount === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect(store.syncCount).to.equal(1);
      expect(replayPeerLog(readFileSync(logPath), logPath).records).to.have.length(16);
      await store.close();
    });

    it("resolves an empty durable append as a barrier: once the records before it are synced", async function () {
      const store = await reopen();
      await store.append([acked(1)], { durable: false });
      await store.append([], { durable: true });
      expect(replayPeerLog(readFileSync(logPath), logPath).records).to.deep.equal([acked(1)]);
      await store.close();
    });
  });

  describe("recovery at open", function () {
    /** A log of three frames (one record, two records, one record), closed. */
    async function threeFrames(): Promise<Buffer> {
      const store = await reopen();
      await store.append([acked(1)], { durable: true });
      await store.append([acked(2), acked(3)], { durable: true });
      await store.append([acked(4)], { durable: true });
      await store.close();
      return readFileSync(logPath);
    }

    it("drops a torn last frame cut at any byte, reports it, cuts it off, and appends after the valid frames", async function () {
      const log = await threeFrames();
      const ends = frameEnds(log);
      expect(ends).to.have.length(4);
      for (let cut = ends[2] + 1; cut < ends[3]; cut++) {
        writeFileSync(logPath, log.subarray(0, cut));
        const store = await reopen();
        expect(await store.load(), `cut at ${cut}`).to.deep.equal([acked(1), acked(2), acked(3)]);
        expect(store.recovery.truncated).to.deep.equal({ offset: ends[2], length: cut - ends[2] });
        expect(statSync(logPath).size).to.equal(ends[2]);
        await store.append([acked(5)], { durable: true });
        await store.close();
        expect(await loadAfterRestart()).to.deep.equal([acked(1), acked(2), acked(3), acked(5)]);
      }
    });

    it("drops a zero-filled tail (a file extended before a power loss) and a last frame whose checksum fails", async function () {
      const log = await threeFrames();
      const ends = frameEnds(log);
      writeFileSync(logPath, Buffer.concat([log, Buffer.alloc(4096)]));
      let store = await reopen();
      expect(await store.load()).to.deep.equal([acked(1), acked(2), acked(3), acked(4)]);
      expect(store.recovery.truncated).to.deep.equal({ offset: log.length, length: 4096 });
      await store.close();
      const flipped = Buffer.from(log);
      flipped[ends[2] + 12] ^= 0x01;
      writeFileSync(logPath, flipped);
      store = await reopen();
      expect(await store.load()).to.deep.equal([acked(1), acked(2), acked(3)]);
      await store.close();
    });

    it("reads a torn last frame whose strings hold the text of a valid frame as torn, and replays nothing of it", async function () {
      const store = await reopen();
      await store.append([acked(1)], { durable: true });
      await store.close();
      // The text of a valid frame of acked(9), in a record: JSON escapes the low bytes of its length field and the
      // quotes of its payload, so the frame never reappears verbatim for the replay's scan to find.
      const planted = encodeFrame([JSON.stringify(acked(9))]).toString("latin1");
      const writer = await reopen();
      await writer.append([{ type: "note", planted }], { durable: true });
      await writer.close();
      const log = readFileSync(logPath);
      const ends = frameEnds(log);
      for (let cut = ends[1] + 1; cut < ends[2]; cut++) {
        writeFileSync(logPath, log.subarray(0, cut));
        expect(await loadAfterRestart(), `cut at ${cut}`).to.deep.equal([acked(1)]);
      }
    });

    it("reports nothing on a log that was closed cleanly", async function () {
      await threeFrames();
      const store = await reopen();
      expect(store.recovery).to.deep.equal({ truncated: null });
      await store.close();
    });

    it("refuses with STORE_CORRUPT a damaged middle frame (a valid one follows), changes nothing and releases the lock", async function () {
      const log = await threeFrames();
      const ends = frameEnds(log);
      for (const at of [ends[1] + 2, ends[1] + 5, ends[1] + 9, ends[2] - 1]) {
        const damaged = Buffer.from(log);
        damaged[at] ^= 0x20;
        writeFileSync(logPath, damaged);
        await expectSdkError(reopen(), StoreError, "STORE_CORRUPT", { path: logPath, offset: ends[1] });
        expect(readFileSync(logPath)).to.deep.equal(damaged);
        expect(existsSync(`${logPath}.lock`)).to.equal(false);
      }
    });

    it("refuses with STORE_CORRUPT a damaged header, another format version, and a file that is no peer log", async function () {
      const log = await threeFrames();
      const variants = [
        Buffer.concat([Buffer.from("PeerPay peer log, format 2\n"), log.subarray(HEADER.length)]),
        Buffer.concat([Buffer.from("PeerPay peer loq, format 1\n"), log.subarray(HEADER.length)]),
        Buffer.from("a plain text file\n"),
      ];
      for (const contents of variants) {
        writeFileSync(logPath, contents);
        await expectSdkError(reopen(), StoreError, "STORE_CORRUPT", { path: logPath, offset: 0 });
        expect(readFileSync(logPath)).to.deep.equal(contents);
      }
    });

    it("refuses with STORE_CORRUPT a frame whose checksum holds but whose payload is not a list of records", async function () {
      const store = await reopen();
      await store.close();
      // Built as the store builds a frame, around a payload it never writes.
      const payload = Buffer.from('[{"no":"type"}]');
      const frame = Buffer.alloc(8 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      payload.copy(frame, 8);
      frame.writeUInt32BE(crc32(payload, crc32(frame.subarray(0, 4))), 4);
      appendFileSync(logPath, frame);
      await expectSdkError(reopen(), StoreError, "STORE_CORRUPT");
    });
  });

  describe("compaction", function () {
    it("commits what was appended before, replaces the log by the snapshot, and keeps appends made after it after it", async function () {
      const store = await reopen();
      await store.append([acked(1), acked(2)], { durable: true });
      void store.append([acked(3)], { durable: false });
      const compacted = store.compact([acked(3)]);
      const after = store.append([acked(4)], { durable: true });
      await Promise.all([compacted, after]);
      expect(await store.load()).to.deep.equal([acked(3), acked(4)]);
      await store.close();
      expect(await loadAfterRestart()).to.deep.equal([acked(3), acked(4)]);
    });

    it("compacts to an empty log", async function () {
      const store = await reopen();
      await store.append([acked(1)], { durable: true });
      await store.compact([]);
      await store.close();
      expect(readFileSync(logPath)).to.deep.equal(HEADER);
    });

    // A crash is simulated by failing one step: the store fails for good and writes nothing more, as a dead process
    // would; the next open sees what the crash would leave.
    const steps: { name: string; keeps: "old" | "new"; arm: () => void }[] = [
      {
        name: "while writing the temporary file",
        keeps: "old",
        arm: () => {
          const write = patches.patch(handlePrototype, "write", async function (this: unknown, ...args: unknown[]) {
            const [buffer, offset, length] = args as [Buffer, number, number];
            // Half of it reaches the file, then the process dies.
            await write.call(this, buffer, offset, Math.ceil(length / 2));
            throw Object.assign(new Error("crash"), { code: "EIO" });
          });
        },
      },
      {
        name: "before the temporary file is synced",
        keeps: "old",
        arm: () => {
          patches.patch(handlePrototype, "datasync", async () => {
            throw Object.assign(new Error("crash"), { code: "EIO" });
          });
        },
      },
      {
        name: "before the rename",
        keeps: "old",
        arm: () => {
          patches.patch(fsPromises, "rename", async () => {
            throw Object.assign(new Error("crash"), { code: "EIO" });
          });
        },
      },
      {
        name: "after the rename, before the directory is synced",
        keeps: "new",
        arm: () => {
          patches.patch(handlePrototype, "sync", async () => {
            throw Object.assign(new Error("crash"), { code: "EIO" });
          });
        },
      },
    ];
    for (const { name, keeps, arm } of steps) {
      it(`leaves the ${keeps} log whole after a crash ${name}, and the store fails for good`, async function () {
        const store = await reopen();
        await store.append([acked(1), acked(2)], { durable: true });
        arm();
        await expectSdkError(store.compact([acked(2)]), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.append([acked(3)], { durable: true }), StoreError, "STORE_UNAVAILABLE");
        await store.close();
        patches.restore();
        expect(await loadAfterRestart()).to.deep.equal(keeps === "old" ? [acked(1), acked(2)] : [acked(2)]);
        // The leftover temporary file is removed at open.
        expect(existsSync(`${logPath}.compact`)).to.equal(false);
      });
    }
  });

  describe("lock, close and failure", function () {
    it("refuses a second open of a held log with STORE_LOCKED, and opens it once the holder closed", async function () {
      const store = await reopen();
      await expectSdkError(reopen(), StoreError, "STORE_LOCKED", { path: logPath, pid: process.pid });
      await store.close();
      const again = await reopen();
      await again.close();
    });

    it("refuses load, append and compact on a closed store with STORE_UNAVAILABLE; a second close does nothing", async function () {
      const store = await reopen();
      await store.close();
      await expectSdkError(store.load(), StoreError, "STORE_UNAVAILABLE");
      await expectSdkError(store.append([acked(1)], { durable: false }), StoreError, "STORE_UNAVAILABLE");
      await expectSdkError(store.compact([]), StoreError, "STORE_UNAVAILABLE");
      await store.close();
    });

    for (const step of ["write", "datasync"] as const) {
      it(`fails for good when ${step} fails: the batch, queued and later calls reject, the log keeps what was acknowledged`, async function () {
        const store = await reopen();
        await store.append([acked(1)], { durable: true });
        let failNext = true;
        const original = patches.patch(handlePrototype, step, async function (this: unknown, ...args: unknown[]) {
          if (failNext) {
            failNext = false;
            throw Object.assign(new Error(`EIO: i/o error, ${step}`), { code: "EIO" });
          }
          return (original as (...a: unknown[]) => Promise<never>).apply(this, args);
        } as never);
        const failing = store.append([acked(2)], { durable: true });
        const queued = store.append([acked(3)], { durable: true });
        await expectSdkError(failing, StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(queued, StoreError, "STORE_UNAVAILABLE");
        expect(failNext).to.equal(false);
        // The next call would succeed on disk: the store refuses it anyway.
        await expectSdkError(store.append([acked(4)], { durable: true }), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.load(), StoreError, "STORE_UNAVAILABLE");
        await expectSdkError(store.compact([]), StoreError, "STORE_UNAVAILABLE");
        await store.close();
        // The failed batch may or may not have reached the file; the acknowledged record must have.
        const records = await loadAfterRestart();
        expect(records[0]).to.deep.equal(acked(1));
        expect(records).to.not.deep.include(acked(3));
      });
    }

    it("rejects close with STORE_UNAVAILABLE when committing queued records fails, and releases the lock", async function () {
      const store = await reopen();
      await store.append([acked(1)], { durable: false });
      patches.patch(handlePrototype, "datasync", async () => {
        throw Object.assign(new Error("EIO"), { code: "EIO" });
      });
      await expectSdkError(store.close(), StoreError, "STORE_UNAVAILABLE");
      expect(existsSync(`${logPath}.lock`)).to.equal(false);
    });
  });

  describe("kill -9 of a writing process (PC-E1)", function () {
    it("keeps every acknowledged record, in order, uncorrupted, over several SIGKILLs at random points", async function () {
      this.timeout(180_000);
      const seed = Number(process.env.PEER_LOG_SEED ?? Date.now() % 1_000_000);
      let state = seed;
      const random = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
      const ROUNDS = 4;
      let highestAck = -1;
      let loaded = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const killAfter = 100 + Math.floor(random() * 2_500);
        // Odd rounds: the child kills itself right after an acknowledgement, so that a record acknowledged before its
        // write was handed to the kernel would be lost; even rounds: the parent kills it, at whatever it is doing.
        const selfKill = round % 2 === 1;
        const context = `seed ${seed} (PEER_LOG_SEED), round ${round}, ${selfKill ? "self-" : ""}kill after ${killAfter} acks`;
        const args = [WRITER, logPath, "32", ...(selfKill ? [String(killAfter)] : [])];
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], {
          stdio: ["ignore", "pipe", "inherit"],
          cwd: ROOT,
        });
        const exited = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on("exit", (_code, signal) => resolve(signal)),
        );
        let acks = 0;
        for await (const line of createInterface({ input: child.stdout })) {
          const [tag, value] = line.split(" ");
          if (tag === "LOADED") {
            // The child checked its records itself; it must have found every one acknowledged before.
            loaded = Number(value);
            expect(loaded, context).to.be.greaterThan(highestAck);
            continue;
          }
          expect(tag, context).to.equal("ACK");
          highestAck = Math.max(highestAck, Number(value));
          if (++acks === killAfter && !selfKill) child.kill("SIGKILL");
        }
        expect(await exited, context).to.equal("SIGKILL");

        const store = await reopen();
        const records = await store.load();
        await store.close();
        expect(records.length, context).to.be.greaterThan(highestAck);
        // Compared as JSON text: chai's deep equality takes seconds over tens of thousands of records.
        records.forEach((record, i) => {
          if (JSON.stringify(record) !== JSON.stringify(recordOf(i))) {
            expect(record, `${context}, record ${i}`).to.deep.equal(recordOf(i));
          }
        });
      }
      expect(highestAck).to.be.greaterThan(ROUNDS * 100 - 1);
    });
  });
});
