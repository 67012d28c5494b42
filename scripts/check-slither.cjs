#!/usr/bin/env node
// The CI Slither gate (issue 9): every finding of Slither's JSON report must have a row in the triage table of
// docs/security.md (between the slither-triage markers), with the same impact; a row no finding matches fails too,
// so the table always describes the code as it is. A high or medium row must name the test that proves the finding
// cannot happen, as `path` "exact test title", and that file must contain that title.
//   node scripts/check-slither.cjs <slither.json> [security.md]
// A finding is identified by its detector and where it is (`Contract.function`, `Contract.function.variable`, or
// `Contract.Event`), not by line numbers, so that unrelated edits do not invalidate the triage.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const START = "<!-- slither-triage:start -->";
const END = "<!-- slither-triage:end -->";
const NEEDS_TEST = new Set(["High", "Medium"]);

/** `Contract.function[.variable]` or `Contract.Event` for the first element of a Slither result. */
function whereOf(element) {
  const parent = element.type_specific_fields?.parent;
  const grandparent = parent?.type_specific_fields?.parent;
  if (parent === undefined) return element.name;
  if (grandparent !== undefined && parent.type === "function") {
    return `${grandparent.name}.${parent.name}.${element.name}`;
  }
  return `${parent.name}.${element.name}`;
}

function findingsOf(report) {
  if (report.success !== true) throw new Error(`slither failed: ${report.error ?? "no error message"}`);
  return (report.results?.detectors ?? []).map((r) => ({
    detector: r.check,
    where: whereOf(r.elements[0]),
    impact: r.impact,
    description: r.description.split("\n")[0],
  }));
}

/** The rows of the triage table: | `detector` | `where` | impact | decision | reason | test |. */
function triageOf(markdown) {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`no triage table between ${START} and ${END}`);
  const rows = [];
  for (const line of markdown.slice(start, end).split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || !cells[1].startsWith("`")) continue;
    rows.push({
      detector: cells[1].replace(/`/g, ""),
      where: cells[2].replace(/`/g, ""),
      impact: cells[3],
      decision: cells[4],
      reason: cells[5],
      test: cells[6],
    });
  }
  return rows;
}

function check(findings, rows) {
  const failures = [];
  const key = (x) => `${x.detector} ${x.where}`;
  const rowByKey = new Map();
  for (const row of rows) {
    if (rowByKey.has(key(row))) failures.push(`triage row listed twice: ${key(row)}`);
    rowByKey.set(key(row), row);
    if (row.reason === "") failures.push(`triage row without a reason: ${key(row)}`);
    if (NEEDS_TEST.has(row.impact)) {
      const m = /^`([^`]+)` "(.+)"$/.exec(row.test);
      if (m === null) {
        failures.push(`${row.impact} triage row must name a test as \`path\` "title": ${key(row)}`);
      } else {
        const file = path.join(root, m[1]);
        if (!fs.existsSync(file) || !fs.readFileSync(file, "utf8").includes(m[2])) {
          failures.push(`${key(row)}: no test "${m[2]}" in ${m[1]}`);
        }
      }
    }
  }
  const found = new Set();
  for (const f of findings) {
    found.add(key(f));
    const row = rowByKey.get(key(f));
    if (row === undefined) failures.push(`untriaged ${f.impact} finding: ${key(f)}: ${f.description}`);
    else if (row.impact !== f.impact) failures.push(`${key(f)}: impact is ${f.impact}, triaged as ${row.impact}`);
  }
  for (const row of rows) {
    if (!found.has(key(row))) failures.push(`triage row matches no finding (remove it): ${key(row)}`);
  }
  return failures;
}

function main() {
  const [reportPath, docPath = path.join(root, "docs", "security.md")] = process.argv.slice(2);
  if (reportPath === undefined) {
    console.error("usage: node scripts/check-slither.cjs <slither.json> [security.md]");
    return 2;
  }
  const findings = findingsOf(JSON.parse(fs.readFileSync(reportPath, "utf8")));
  const rows = triageOf(fs.readFileSync(docPath, "utf8"));
  const failures = check(findings, rows);
  const byDetector = {};
  for (const f of findings) byDetector[f.detector] = (byDetector[f.detector] ?? 0) + 1;
  const counts = Object.entries(byDetector)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([d, n]) => `${d} ${n}`);
  console.log(`slither gate: ${findings.length} findings (${counts.join(", ") || "none"}), ${rows.length} triage rows`);
  if (failures.length > 0) {
    console.error(`slither gate FAILED:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  console.log("slither gate: every finding is triaged in docs/security.md");
  return 0;
}

process.exitCode = main();
