// `npm run bench:peer-log`: durable appends per second of FilePeerStore on this machine, with group commit (many
// appends in flight, as a peer with many channels has) against one fdatasync per record (each append awaited before
// the next, the same store and records). Records look like the engine's `sent` records (~330 bytes of JSON).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FilePeerStore } from "../sdk/node";
import type { PeerLogRecord } from "../sdk/payment-channels/engine/types";

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 256);
const GROUP_RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const SERIAL_SECONDS = Number(process.env.BENCH_SERIAL_SECONDS ?? 5);

function sent(nonce: number): PeerLogRecord {
  return {
    type: "sent",
    channelId: "0x" + "c4".repeat(32),
    change: { kind: "pay", amount: "1000" },
    proof: { nonce: String(nonce), transferred: String(nonce * 1000), locked: "0", locksRoot: "0x" + "00".repeat(32) },
    signature: "0x" + "5a".repeat(65),
  };
}

async function groupCommit(dir: string): Promise<{ perSecond: number; syncs: number; records: number }> {
  const store = await FilePeerStore.open({ path: path.join(dir, "group.log") });
  await store.load();
  let next = 0;
  const start = process.hrtime.bigint();
  const appender = async () => {
    while (next < GROUP_RECORDS) await store.append([sent(next++)], { durable: true });
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, appender));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const syncs = store.syncCount;
  await store.close();
  return { perSecond: GROUP_RECORDS / seconds, syncs, records: GROUP_RECORDS };
}

async function oneSyncPerRecord(dir: string): Promise<{ perSecond: number; syncs: number; records: number }> {
  const store = await FilePeerStore.open({ path: path.join(dir, "serial.log") });
  await store.load();
  let records = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SERIAL_SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) await store.append([sent(records++)], { durable: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const syncs = store.syncCount;
  await store.close();
  return { perSecond: records / seconds, syncs, records };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-peer-log-"));
  try {
    const serial = await oneSyncPerRecord(dir);
    const group = await groupCommit(dir);
    const line = (name: string, r: { perSecond: number; syncs: number; records: number }) =>
      `${name.padEnd(38)} ${Math.round(r.perSecond).toLocaleString("en-US").padStart(9)} durable appends/s` +
      `  (${r.records.toLocaleString("en-US")} records, ${r.syncs.toLocaleString("en-US")} fdatasyncs,` +
      ` ${(r.records / Math.max(1, r.syncs)).toFixed(1)} records per sync)`;
    console.log(`FilePeerStore in ${dir} (node ${process.version}, ${process.platform})`);
    console.log(line("one fdatasync per record (serial)", serial));
    console.log(line(`group commit (${IN_FLIGHT} appends in flight)`, group));
    console.log(`speed-up: ${(group.perSecond / serial.perSecond).toFixed(1)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
