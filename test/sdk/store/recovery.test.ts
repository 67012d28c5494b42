// Recovery of the FileVoucherStore log after a crash (docs/micropayments.md §5, "Recovery"): whatever bytes a
// contract payer puts in its signatures, and wherever a crash tears the last write, the store opens again, keeps
// every record that was made durable, reports what it cut or skipped, and never replays a record planted inside a
// signature.
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StoreError, type ChannelId, type Voucher } from "../../../sdk";
import { FileVoucherStore } from "../../../sdk/node";
import { expectSdkError } from "../../helpers/sdk";
import { channelOf, signatureOf } from "./fixtures/store-writer";
import {
  HEADER_SIZE,
  V3_RECORD_SIZE,
  crcFramed,
  keyOf,
  v1Record,
  v2Record,
  v3Log,
  v3Record,
} from "./fixtures/log-format";

function voucher(channel: number, amount: bigint): Voucher {
  return { channelId: channelOf(channel), amount, signature: signatureOf(channel, amount) };
}

function sorted(vouchers: Voucher[]): Voucher[] {
  return [...vouchers].sort((a, b) => (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0));
}

/** The channel the planted records name: one the payee really has, so that a replayed fake would displace its best. */
const VICTIM = 1;
const FAKE_AMOUNT = (1n << 200n) + 7n;

/**
 * What a contract payer can send as an ERC-1271 signature (its wallet accepts any bytes): records of every version
 * that pass every check but a key the payer does not have (a v1 and a v2 record with valid CRCs; a v3 record tagged
 * under a guessed key), naming the victim channel with a huge amount, between filler bytes. Returns the bytes and
 * where each planted record ends inside them.
 */
function plantedSignature(): { signature: string; ends: number[] } {
  const fake = { channelId: channelOf(VICTIM), amount: FAKE_AMOUNT, signature: signatureOf(VICTIM, 1n) };
  const parts = [
    Buffer.alloc(9, 0xab),
    v1Record(fake),
    Buffer.alloc(5, 0xcd),
    v2Record(fake),
    Buffer.alloc(3, 0xef),
    v3Record(fake, Buffer.alloc(32)),
    Buffer.alloc(200, 0x5a),
  ];
  const ends: number[] = [];
  let at = 0;
  for (const [i, part] of parts.entries()) {
    at += part.length;
    if (i % 2 === 1) ends.push(at);
  }
  return { signature: "0x" + Buffer.concat(parts).toString("hex"), ends };
}

describe("FileVoucherStore recovery", function () {
  let dir: string;
  let logPath: string;
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-recovery-"));
    logPath = path.join(dir, "vouchers.log");
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const honest = [voucher(0, 5n), voucher(VICTIM, 9n)];
  const { signature, ends } = plantedSignature();
  const attack: Voucher = { channelId: channelOf(2), amount: 3n, signature };
  const attackSize = V3_RECORD_SIZE - 65 + (signature.length - 2) / 2;

  /** A log with the honest vouchers, then the attacker's record (written by the store), and its key. */
  async function logWithAttack(after: Voucher[] = []): Promise<Buffer> {
    const store = await FileVoucherStore.open({ path: logPath });
    for (const v of honest) await store.put(v);
    await Promise.all([store.put(attack), ...after.map((v) => store.put(v))]);
    await store.close();
    const contents = readFileSync(logPath);
    expect(contents.length).to.equal(HEADER_SIZE + (honest.length + after.length) * V3_RECORD_SIZE + attackSize);
    return contents;
  }

  it("opens a log whose last record, a signature with planted records, was torn after them", async function () {
    const contents = await logWithAttack();
    const start = HEADER_SIZE + honest.length * V3_RECORD_SIZE;
    // Cut inside the signature after each planted record (where the old format refused to open: STORE_CORRUPT),
    // and at a few other bytes of the record.
    const signatureAt = start + 67;
    const cuts = [
      1,
      40,
      ...ends.map((end) => signatureAt - start + end),
      ...ends.map((end) => signatureAt - start + end + 1),
    ];
    for (const cut of [...cuts, attackSize - 1]) {
      writeFileSync(logPath, contents.subarray(0, start + cut));
      const store = await FileVoucherStore.open({ path: logPath });
      expect(sorted(await store.all()), `cut at ${cut}`).to.deep.equal(sorted(honest));
      expect(store.recovery, `cut at ${cut}`).to.deep.equal({
        skipped: [],
        truncated: { offset: start, length: cut },
        upgradedFrom: null,
      });
      expect(statSync(logPath).size).to.equal(start);
      await store.close();
    }
  });

  it("skips a record with planted ones whose tail a crash zeroed, keeping the records written after it", async function () {
    // One batch: the attacker's record, then two honest ones. The crash reached the disk with the batch's later
    // pages but not the one holding the end of the attacker's record (a hole of zeros).
    const later = [voucher(0, 6n), voucher(3, 1n)];
    const contents = await logWithAttack(later);
    const start = HEADER_SIZE + honest.length * V3_RECORD_SIZE;
    contents.fill(0, start + attackSize - 150, start + attackSize);
    writeFileSync(logPath, contents);
    for (let open = 0; open < 2; open++) {
      const store = await FileVoucherStore.open({ path: logPath });
      expect(sorted(await store.all())).to.deep.equal(sorted([voucher(0, 6n), voucher(VICTIM, 9n), voucher(3, 1n)]));
      // Reported on every open, until a compaction drops it; nothing is cut.
      expect(store.recovery).to.deep.equal({
        skipped: [{ offset: start, length: attackSize }],
        truncated: null,
        upgradedFrom: null,
      });
      expect(statSync(logPath).size).to.equal(contents.length);
      await store.close();
    }
    const store = await FileVoucherStore.open({ path: logPath });
    await store.compact();
    await store.close();
    const compacted = await FileVoucherStore.open({ path: logPath });
    expect(compacted.recovery).to.deep.equal({ skipped: [], truncated: null, upgradedFrom: null });
    expect(sorted(await compacted.all())).to.deep.equal(sorted([voucher(0, 6n), voucher(VICTIM, 9n), voucher(3, 1n)]));
    await compacted.close();
  });

  it("skips a damaged record between valid ones and reports it, instead of refusing to open", async function () {
    const store = await FileVoucherStore.open({ path: logPath });
    for (let i = 1n; i <= 3n; i++) await store.put(voucher(0, i));
    await store.close();
    const contents = readFileSync(logPath);
    contents[HEADER_SIZE + V3_RECORD_SIZE + 100] ^= 0x01;
    writeFileSync(logPath, contents);
    const reopened = await FileVoucherStore.open({ path: logPath });
    expect(await reopened.all()).to.deep.equal([voucher(0, 3n)]);
    expect(reopened.recovery.skipped).to.deep.equal([{ offset: HEADER_SIZE + V3_RECORD_SIZE, length: V3_RECORD_SIZE }]);
    // New records follow the last valid one.
    expect(await reopened.put(voucher(0, 4n))).to.equal(true);
    await reopened.close();
    expect(statSync(logPath).size).to.equal(HEADER_SIZE + 4 * V3_RECORD_SIZE);
  });

  it("opens a version-2 log torn inside a signature with planted records, and rewrites it in version 3", async function () {
    const old = Buffer.concat(honest.map(v2Record));
    const record = v2Record(attack);
    for (const end of ends) {
      writeFileSync(logPath, Buffer.concat([old, record.subarray(0, 67 + end + 1)]));
      const store = await FileVoucherStore.open({ path: logPath });
      expect(sorted(await store.all())).to.deep.equal(sorted(honest));
      expect(store.recovery).to.deep.equal({
        skipped: [],
        truncated: { offset: old.length, length: 67 + end + 1 },
        upgradedFrom: 2,
      });
      await store.close();
      expect(readFileSync(logPath)).to.deep.equal(v3Log(keyOf(logPath), await sortedBest(honest)));
    }
  });

  it("fails closed with STORE_CORRUPT when the log header is damaged, cutting nothing", async function () {
    const store = await FileVoucherStore.open({ path: logPath });
    await store.put(voucher(0, 1n));
    await store.close();
    const contents = readFileSync(logPath);
    for (const at of [0, 70, HEADER_SIZE - 1]) {
      const damaged = Buffer.from(contents);
      damaged[at] ^= 0x10;
      writeFileSync(logPath, damaged);
      await expectSdkError(FileVoucherStore.open({ path: logPath }), StoreError, "STORE_CORRUPT", { offset: 0 });
      expect(readFileSync(logPath)).to.deep.equal(damaged);
    }
  });

  it("starts a version-3 log with a byte that starts no record, then a valid version-2 record (older SDKs refuse it)", async function () {
    const store = await FileVoucherStore.open({ path: logPath });
    await store.close();
    const header = readFileSync(logPath);
    expect(header.length).to.equal(HEADER_SIZE);
    expect(header[0]).to.equal(0x00);
    // What a version-2 reader checks at byte 1: version 2, a length within bounds, a valid CRC.
    expect(header[1]).to.equal(0x02);
    expect(header.readUInt16BE(2)).to.equal(32);
    expect(crcFramed(header.subarray(1, HEADER_SIZE - 4))).to.deep.equal(header.subarray(1));
    expect(header.subarray(4, 36).toString("latin1")).to.equal("PeerPay voucher log, version 3.\n");
    // Two logs, two keys.
    const other = path.join(dir, "other.log");
    await (await FileVoucherStore.open({ path: other })).close();
    expect(keyOf(other)).to.not.deep.equal(keyOf(logPath));
  });

  it("after any crash of the last write, keeps every durable voucher and replays no planted or torn one", async function () {
    this.timeout(120_000);
    const key = Buffer.alloc(32, 7);
    const plain = (c: number, a: bigint): Voucher => voucher(c, a);
    const planted = (c: number, a: bigint): Voucher => ({ channelId: channelOf(c), amount: a, signature });
    const entry = fc.record({ channel: fc.integer({ min: 0, max: 3 }), planted: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 6 }),
        fc.array(entry, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (durableEntries, batchEntries, cutAt, holes) => {
          let amount = 0n;
          const make = (e: { channel: number; planted: boolean }) => (e.planted ? planted : plain)(e.channel, ++amount);
          const durable = durableEntries.map(make);
          const batch = batchEntries.map(make);
          const synced = v3Log(key, durable);
          const tail = Buffer.concat(batch.map((v) => v3Record(v, key)));
          // The last write, torn: a prefix of it reached the file, with 512-byte sectors of zeros in it.
          const torn = Buffer.from(tail.subarray(0, Math.floor(cutAt * tail.length)));
          for (const hole of holes) {
            const sector = (hole % Math.max(1, Math.ceil(torn.length / 512))) * 512;
            torn.fill(0, sector, Math.min(torn.length, sector + 512));
          }
          writeFileSync(logPath, Buffer.concat([synced, torn]));
          const store = await FileVoucherStore.open({ path: logPath });
          const best = new Map<ChannelId, Voucher>();
          for (const v of await store.all()) best.set(v.channelId, v);
          await store.close();
          // Every durable voucher is kept (or beaten by a later one that was written).
          for (const v of durable) expect(best.get(v.channelId)!.amount >= v.amount).to.equal(true);
          // Everything replayed was written as it is, by the store.
          const written = [...durable, ...batch];
          for (const v of best.values()) expect(written).to.deep.include(v);
          expect(statSync(logPath).size).to.be.at.least(synced.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

async function sortedBest(vouchers: Voucher[]): Promise<Voucher[]> {
  const best = new Map<string, Voucher>();
  for (const v of vouchers) if ((best.get(v.channelId)?.amount ?? -1n) < v.amount) best.set(v.channelId, v);
  return [...best.values()];
}
