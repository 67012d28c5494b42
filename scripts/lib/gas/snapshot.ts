// gas/snapshot.json and the printed table of `npm run gas`.
import { writeFileSync } from "node:fs";
import type { GasRow } from "./harness";

/** The snapshot's entry for one operation. */
export interface GasSnapshotEntry {
  gas: number;
  calldataBytes: number;
  calldataZeroBytes: number;
  calldataNonZeroBytes: number;
}

export type GasSnapshot = Record<string, GasSnapshotEntry>;

export const SNAPSHOT_PATH = "gas/snapshot.json";

/** The rows as a snapshot: keys sorted, so that the file's order never depends on the measurement's. */
export function toSnapshot(rows: readonly GasRow[]): GasSnapshot {
  const snapshot: GasSnapshot = {};
  for (const row of [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    snapshot[row.key] = {
      gas: row.gas,
      calldataBytes: row.calldataBytes,
      calldataZeroBytes: row.calldataZeroBytes,
      calldataNonZeroBytes: row.calldataNonZeroBytes,
    };
  }
  return snapshot;
}

export function writeSnapshot(rows: readonly GasRow[], path = SNAPSHOT_PATH): void {
  writeFileSync(path, JSON.stringify(toSnapshot(rows), null, 2) + "\n");
}

/** Rows whose gas exceeds its target. */
export function overTarget(rows: readonly GasRow[]): GasRow[] {
  return rows.filter((r) => r.target !== undefined && r.gas > r.target);
}

/** A plain-text table: operation, asset, gas, calldata bytes (zero / non-zero), target, OK/OVER. */
export function formatGasTable(rows: readonly GasRow[]): string {
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const header = ["operation", "asset", "gas", "calldata (zero/non-zero)", "target", ""];
  const body = rows.map((r) => [
    r.label,
    r.asset,
    fmt(r.gas),
    `${r.calldataBytes} (${r.calldataZeroBytes}/${r.calldataNonZeroBytes})`,
    r.target === undefined ? "" : fmt(r.target),
    r.target === undefined ? "" : r.gas <= r.target ? "OK" : "OVER",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = [false, false, true, true, true, false];
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
