// `npm run gas`: measures every operation and the deployment of every registered product (scripts/products/), prints
// the table, writes gas/snapshot.json, and exits non-zero if an operation misses its target (the products' gas
// targets). Scenario and determinism: scripts/lib/gas/harness.ts.
import hre from "hardhat";
import { SNAPSHOT_PATH, formatGasTable, measureGas, overTarget, writeSnapshot } from "./lib/gas";

async function main(): Promise<void> {
  const rows = await measureGas(hre);
  console.log(formatGasTable(rows));
  writeSnapshot(rows);
  console.log(`\nWrote ${SNAPSHOT_PATH} (${rows.length} operations).`);
  const over = overTarget(rows);
  if (over.length > 0) {
    for (const r of over) console.error(`OVER TARGET: ${r.key} uses ${r.gas} gas, target ${r.target}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
