#!/usr/bin/env node
// Mutation testing of the deployable contracts (issue 9; docs/security.md §7). Our own small runner: SuMo works on
// Hardhat too, but recompiles through via-IR and runs whole suites per mutant, far too slow on two cores.
//
//   npm run mutation                                every deployable contract (hours: run it after contract changes)
//   npm run mutation -- contracts/Escrow.sol        one contract
//   npm run mutation -- --sample 30 contracts/Escrow.sol
//                                                   30 mutants spread over the file, report under mutation/samples/
//   npm run mutation -- --list contracts/Escrow.sol print the mutants only
//
// How: the working tree is copied into a sandbox (node_modules linked), where each mutant replaces the source,
// is compiled with the cheap profile (MUTATION_PROFILE=1 in hardhat.config.ts: no via-IR, optimizer at 200 runs,
// no TypeChain), and runs the contract's own test files with mocha's --bail: the first failure kills the mutant. A
// mutant that does not compile is stillborn; one whose bytecode (metadata stripped) equals the original's is
// equivalent; neither is counted. Score = killed / (killed + survived), timeouts counting as killed.
//
// Operators: relational (< <= > >= == != swapped), arithmetic (+ - * / % swapped), compound assignment (+= -=),
// logical (&& ||), if-condition negation, revert deletion, deletion of expression statements (assignments, calls,
// emits, deletes), numeric constants (n -> 0, n -> n + 1), booleans (true <-> false).
//
// The full run writes mutation/<Contract>.sol.json, which records the sha256 of the source it covers; the test
// test/ci/mutation-report.test.ts fails while a deployable contract has no report for its current source.
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/** The test files that exercise each deployable contract, cheapest first (the property tests last). */
const TESTS = {
  "contracts/Escrow.sol": {
    dirs: ["test/escrow", "test/findings"],
  },
  "contracts/MicropaymentChannels.sol": {
    dirs: ["test/micropayments"],
  },
};
const ENV = { ...process.env, MUTATION_PROFILE: "1", TS_NODE_TRANSPILE_ONLY: "1" };

// ------------------------------------------------------------------ mutant generation

/** The source with comments and string literals blanked (same length), so operators are only found in code. */
function codeOnly(source) {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\])*"/g, (m) => m.replace(/[^\n]/g, " "));
}

const SWAPS = [
  { op: "relational", re: /<=/g, to: ["<", ">"] },
  { op: "relational", re: />=/g, to: [">", "<"] },
  { op: "relational", re: /(?<![<>=!-])<(?![<=])/g, to: ["<=", ">="] },
  { op: "relational", re: /(?<![<>=!-])>(?![>=])/g, to: [">=", "<="] },
  { op: "relational", re: /==/g, to: ["!="] },
  { op: "relational", re: /!=/g, to: ["=="] },
  { op: "arithmetic", re: /(?<![+])\+(?![+=])/g, to: ["-"] },
  { op: "arithmetic", re: /(?<![-])-(?![-=>])(?=\s)/g, to: ["+"] },
  { op: "arithmetic", re: /(?<![*/])\*(?![*=/])/g, to: ["/"] },
  { op: "arithmetic", re: /(?<![/*])\/(?![/*=])/g, to: ["*"] },
  { op: "arithmetic", re: /%(?!=)/g, to: ["*"] },
  { op: "assignment", re: /\+=/g, to: ["-="] },
  { op: "assignment", re: /-=/g, to: ["+="] },
  { op: "logical", re: /&&/g, to: ["||"] },
  { op: "logical", re: /\|\|/g, to: ["&&"] },
  { op: "boolean", re: /\btrue\b/g, to: ["false"] },
  { op: "boolean", re: /\bfalse\b/g, to: ["true"] },
];

/** Every mutant of `source`: { id, line, operator, offset, length, original, mutated }. */
function mutantsOf(source) {
  const code = codeOnly(source);
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lineText = (n) => code.slice(lineStarts[n - 1], lineStarts[n] ?? code.length);
  // Declarations and directives: nothing to mutate there but constants.
  const skipLine = (n) => /^\s*(pragma|import|error|event|using)\b/.test(lineText(n));
  const mutants = [];
  // `matched` is found in the blanked code; the mutant replaces the same span of the real source.
  const add = (operator, offset, matched, mutated) => {
    const line = lineOf(offset);
    if (skipLine(line)) return;
    const original = source.slice(offset, offset + matched.length);
    mutants.push({ operator, offset, length: matched.length, original, mutated, line });
  };
  for (const { op, re, to } of SWAPS) {
    for (const m of code.matchAll(re)) for (const r of to) add(op, m.index, m[0], r);
  }
  // Numeric constants (decimal and hex, with _ separators), not inside type names like uint96.
  for (const m of code.matchAll(/(?<![\w.])(0x[0-9a-fA-F_]+|\d[\d_]*)(?![\w.])/g)) {
    const value = BigInt(m[0].replace(/_/g, ""));
    if (value !== 0n) add("constant", m.index, m[0], "0");
    add("constant", m.index, m[0], (value + 1n).toString());
  }
  // if-condition negation: the balanced parenthesis after `if`.
  for (const m of code.matchAll(/\bif\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = open;
    for (; close < code.length; close++) {
      if (code[close] === "(") depth++;
      else if (code[close] === ")" && --depth === 0) break;
    }
    const cond = source.slice(open + 1, close);
    add("negate-if", open + 1, cond, `!(${cond})`);
  }
  // Statement deletion: every revert, and expression statements (one line each).
  // A deleted statement becomes an empty block, which also stands alone after an `if` without braces.
  for (const m of code.matchAll(/\brevert\s+\w+\([^;]*\);/g)) add("delete-revert", m.index, m[0], "{}");
  for (const m of code.matchAll(
    /^[ \t]*((?:emit\b|delete\b|_\w+\(|[\w.[\]]+\s*(?:[+\-*/]?=|\+\+|--)|\+\+|--|\w+\.\w+\()[^;{}\n]*;)/gm,
  )) {
    const text = m[1];
    if (/^\w+\s+\w+\s*=/.test(text) || /^return\b/.test(text)) continue; // declarations, returns
    add("delete-statement", m.index + m[0].length - text.length, text, "{}");
  }
  mutants.sort(
    (a, b) => a.offset - b.offset || a.operator.localeCompare(b.operator) || a.mutated.localeCompare(b.mutated),
  );
  return mutants.map((mu) => ({
    id: `L${mu.line} ${mu.operator} \`${oneLine(mu.original)}\` -> \`${oneLine(mu.mutated)}\``,
    ...mu,
  }));
}

const oneLine = (s) => s.replace(/\s+/g, " ").trim().slice(0, 80);

function apply(source, mu) {
  return source.slice(0, mu.offset) + mu.mutated + source.slice(mu.offset + mu.length);
}

// ------------------------------------------------------------------ running

function sh(cmd, args, cwd, timeoutMs) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: ENV, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20 });
  return {
    ok: r.status === 0,
    timedOut: r.error?.code === "ETIMEDOUT",
    output: (r.stdout ?? "") + (r.stderr ?? ""),
    seconds: (Date.now() - started) / 1000,
  };
}

/** A copy of the working tree (tracked and new files, no build output), with node_modules linked. */
function makeSandbox() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "peerpay-mutation-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter(
      (f) => f !== "" && !f.startsWith("fuzz/") && !f.startsWith("contracts/fuzz/") && !f.startsWith("test/fuzz/"),
    )
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(dir, "node_modules"));
  return dir;
}

function testFilesOf(target) {
  const files = [];
  for (const d of TESTS[target].dirs) {
    for (const f of fs.readdirSync(path.join(ROOT, d)).sort()) if (f.endsWith(".ts")) files.push(path.join(d, f));
  }
  // Property tests last: they are the slowest to fail.
  return [...files.filter((f) => !f.includes(".property.")), ...files.filter((f) => f.includes(".property."))];
}

/** Creation and runtime bytecode of every contract of the source file, metadata stripped. */
function bytecodeOf(sandbox, target) {
  const dir = path.join(sandbox, "artifacts", target);
  const strip = (hex) => {
    if (hex.length < 6) return hex;
    const metaLength = parseInt(hex.slice(-4), 16);
    return hex.slice(0, hex.length - 4 - metaLength * 2);
  };
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".dbg.json"))
    .sort()
    .map((f) => {
      const a = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
      return `${f}:${strip(a.bytecode)}:${strip(a.deployedBytecode)}`;
    })
    .join("\n");
}

const hardhat = (sandbox) => path.join(sandbox, "node_modules", ".bin", "hardhat");

function compile(sandbox) {
  return sh(hardhat(sandbox), ["compile", "--quiet", "--no-typechain"], sandbox, 600_000);
}

function runTarget(sandbox, target, options) {
  const source = fs.readFileSync(path.join(ROOT, target), "utf8");
  const sha256 = crypto.createHash("sha256").update(source).digest("hex");
  let mutants = mutantsOf(source);
  const all = mutants.length;
  if (options.sample !== undefined && options.sample < mutants.length) {
    const step = mutants.length / options.sample;
    mutants = Array.from({ length: options.sample }, (_, i) => mutants[Math.floor(i * step)]);
  }
  const tests = testFilesOf(target);
  const file = path.join(sandbox, target);
  console.log(`mutation: ${target}: ${all} mutants${options.sample ? `, sampling ${mutants.length}` : ""}`);

  fs.writeFileSync(file, source);
  const base = compile(sandbox);
  if (!base.ok) throw new Error(`the original ${target} does not compile with the cheap profile:\n${base.output}`);
  const original = bytecodeOf(sandbox, target);
  const baseline = sh(hardhat(sandbox), ["test", "--no-compile", ...tests], sandbox, 3_600_000);
  if (!baseline.ok)
    throw new Error(`the tests of ${target} fail on the original source:\n${baseline.output.slice(-4000)}`);
  const timeoutMs = Math.round(baseline.seconds * 2000) + 120_000;
  console.log(`mutation: baseline: ${tests.length} test files pass in ${baseline.seconds.toFixed(0)} s`);

  const counts = { stillborn: 0, equivalent: 0, killed: 0, timedOut: 0, survived: 0 };
  const survivors = [];
  const started = Date.now();
  mutants.forEach((mu, i) => {
    fs.writeFileSync(file, apply(source, mu));
    const c = compile(sandbox);
    let outcome;
    if (!c.ok) outcome = "stillborn";
    else if (bytecodeOf(sandbox, target) === original) outcome = "equivalent";
    else {
      const t = sh(hardhat(sandbox), ["test", "--no-compile", "--bail", ...tests], sandbox, timeoutMs);
      outcome = t.timedOut ? "timedOut" : t.ok ? "survived" : "killed";
    }
    counts[outcome]++;
    if (outcome === "survived") survivors.push({ id: mu.id, line: mu.line, operator: mu.operator });
    const elapsed = (Date.now() - started) / 1000;
    console.log(
      `  [${i + 1}/${mutants.length}] ${outcome.padEnd(10)} ${mu.id} (${(elapsed / (i + 1)).toFixed(1)} s/mutant)`,
    );
  });
  fs.writeFileSync(file, source);
  const seconds = (Date.now() - started) / 1000;
  const scored = counts.killed + counts.timedOut + counts.survived;
  return {
    file: target,
    sha256,
    sample: options.sample !== undefined,
    generated: new Date().toISOString(),
    tool: "scripts/mutation.cjs (MUTATION_PROFILE=1)",
    tests,
    mutants: { generated: all, run: mutants.length, ...counts },
    score: scored === 0 ? 1 : (counts.killed + counts.timedOut) / scored,
    secondsPerMutant: mutants.length === 0 ? 0 : Math.round((seconds / mutants.length) * 10) / 10,
    survivors,
  };
}

function main() {
  const args = process.argv.slice(2);
  const options = {};
  const targets = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--sample") options.sample = Number(args[++i]);
    else if (args[i] === "--list") options.list = true;
    else targets.push(args[i]);
  }
  const chosen = targets.length > 0 ? targets : Object.keys(TESTS);
  for (const t of chosen) if (TESTS[t] === undefined) throw new Error(`no tests configured for ${t} in TESTS`);
  if (options.list) {
    for (const t of chosen) {
      const mutants = mutantsOf(fs.readFileSync(path.join(ROOT, t), "utf8"));
      for (const mu of mutants) console.log(`${t} ${mu.id}`);
      console.log(`${t}: ${mutants.length} mutants`);
    }
    return 0;
  }
  const sandbox = makeSandbox();
  console.log(`mutation: sandbox ${sandbox}`);
  let worst = 1;
  try {
    const full = sh(hardhat(sandbox), ["compile", "--quiet"], sandbox, 1_200_000); // TypeChain for the tests, once
    if (!full.ok) throw new Error(`sandbox does not compile:\n${full.output}`);
    for (const target of chosen) {
      const report = runTarget(sandbox, target, options);
      const out = report.sample
        ? path.join(ROOT, "mutation", "samples", `${path.basename(target)}.json`)
        : path.join(ROOT, "mutation", `${path.basename(target)}.json`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
      console.log(
        `mutation: ${target}: score ${(report.score * 100).toFixed(1)}% ` +
          `(${JSON.stringify(report.mutants)}), ${report.secondsPerMutant} s/mutant -> ${path.relative(ROOT, out)}`,
      );
      worst = Math.min(worst, report.score);
    }
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
  return worst >= 0.85 ? 0 : 1;
}

module.exports = { mutantsOf, apply, codeOnly };
if (require.main === module) process.exitCode = main();
