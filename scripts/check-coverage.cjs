#!/usr/bin/env node
// The CI coverage gate (issue 4): every contract but the mocks and fuzz harnesses must have 100% of its lines and functions and at least
// 95% of its branches covered, per file. Reads coverage/coverage-summary.json, which `hardhat coverage` writes with
// the json-summary reporter (.solcover.js). Exits 1, naming each file and metric below its floor.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const FLOORS = { lines: 100, functions: 100, branches: 95 };
const root = path.resolve(__dirname, "..");
// The report to check: the first argument, or the one `npm run coverage` writes.
const summaryPath = path.resolve(process.argv[2] ?? path.join(root, "coverage", "coverage-summary.json"));

function main() {
  if (!fs.existsSync(summaryPath)) {
    console.error(`coverage gate: ${path.relative(root, summaryPath)} is missing; run \`npm run coverage\` first`);
    return 1;
  }
  const summary = JSON.parse(fs.readFileSync(summaryPath, "utf8"));
  const files = Object.keys(summary)
    .filter((f) => f !== "total")
    .map((f) => ({ file: path.relative(root, path.resolve(root, f)), metrics: summary[f] }))
    .filter(({ file }) => file.startsWith(`contracts${path.sep}`))
    .filter(
      ({ file }) => !file.includes(`${path.sep}mocks${path.sep}`) && !file.includes(`${path.sep}fuzz${path.sep}`),
    );
  // Every deployable contract must be measured: a gate over nothing would pass.
  const required = fs
    .readdirSync(path.join(root, "contracts"))
    .filter((f) => f.endsWith(".sol"))
    .map((f) => path.join("contracts", f));
  const missing = required.filter((r) => !files.some(({ file }) => file === r));
  const failures = missing.map((m) => `${m}: not in the coverage report`);
  for (const { file, metrics } of files) {
    const cells = [];
    for (const [metric, floor] of Object.entries(FLOORS)) {
      const { total, covered, pct } = metrics[metric];
      // A file with no branches reports 100% (istanbul counts 0 of 0 as covered).
      const percent = total === 0 ? 100 : pct;
      cells.push(`${metric} ${percent}% (${covered}/${total})`);
      if (percent < floor) failures.push(`${file}: ${metric} ${percent}% < ${floor}% (${covered} of ${total})`);
    }
    console.log(`coverage gate: ${file}: ${cells.join(", ")}`);
  }
  if (failures.length > 0) {
    console.error(`coverage gate FAILED:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  console.log(
    `coverage gate: ${files.length} contracts meet lines ${FLOORS.lines}%, functions ${FLOORS.functions}%, branches >= ${FLOORS.branches}%`,
  );
  return 0;
}

process.exitCode = main();
