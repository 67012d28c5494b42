// Gas regression test: measures every Escrow operation as `npm run gas` does (scripts/lib/gas.ts) and compares
// with the committed gas/snapshot.json. Gas is deterministic here (fixed keys, fixed clock, RFC 6979
// signatures), so the comparison is exact: any increase fails; a decrease passes with a hint to refresh the
// snapshot.
import { readFileSync } from "node:fs";
import hre from "hardhat";
import { expect } from "chai";
import {
  GAS_TARGETS,
  SNAPSHOT_PATH,
  formatGasTable,
  measureEscrowGas,
  type GasRow,
  type GasSnapshot,
} from "../../scripts/lib/gas";

describe("Escrow gas (docs/escrow.md §10, gas/snapshot.json)", function () {
  let rows: GasRow[];
  let snapshot: GasSnapshot;

  before(async function () {
    rows = await measureEscrowGas(hre);
    snapshot = JSON.parse(readFileSync(SNAPSHOT_PATH, "utf8")) as GasSnapshot;
  });

  it("measures exactly the operations of the committed snapshot", function () {
    const measured = rows.map((r) => r.key).sort();
    const committed = Object.keys(snapshot).sort();
    const missing = measured.filter((k) => !committed.includes(k));
    const extra = committed.filter((k) => !measured.includes(k));
    expect(
      { missing, extra },
      `measured operations missing from ${SNAPSHOT_PATH}, or in it but no longer measured (run npm run gas)`,
    ).to.deep.equal({ missing: [], extra: [] });
    expect(new Set(measured).size, "duplicate operation keys").to.equal(measured.length);
  });

  it("costs no more gas than the committed snapshot for any operation", function () {
    const over: string[] = [];
    const under: string[] = [];
    for (const r of rows) {
      const committed = snapshot[r.key];
      if (committed === undefined) continue; // reported by the test above
      if (r.gas > committed.gas) over.push(`${r.key}: ${r.gas} > ${committed.gas} (+${r.gas - committed.gas})`);
      if (r.gas < committed.gas) under.push(`${r.key}: ${r.gas} < ${committed.gas} (-${committed.gas - r.gas})`);
    }
    if (under.length > 0) {
      console.log(
        `      cheaper than ${SNAPSHOT_PATH}; run \`npm run gas\` to update it:\n        ${under.join("\n        ")}`,
      );
    }
    if (over.length > 0) console.log(formatGasTable(rows));
    expect(over, `operations costing more gas than ${SNAPSHOT_PATH}`).to.deep.equal([]);
  });

  it("meets the issue's targets: create+fund ETH <= 55,000, ERC20 <= 80,000; full release ETH <= 45,000, ERC20 <= 50,000", function () {
    for (const [key, target] of Object.entries(GAS_TARGETS)) {
      const row = rows.find((r) => r.key === key);
      expect(row, `${key} not measured`).to.not.equal(undefined);
      expect(row!.gas, `${key}`).to.be.at.most(target);
    }
  });

  it("is deterministic: a second measurement gives the same gas and calldata", async function () {
    const again = await measureEscrowGas(hre);
    expect(again).to.deep.equal(rows);
  });
});
