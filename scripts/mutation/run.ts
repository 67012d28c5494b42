// `npm run mutation [-- --contract Escrow] [--limit N] [--fresh | --rejudge] [--reverse]`: mutation testing of every
// deployable contract (docs/security.md, "Mutation testing"). For each contract of scripts/mutation/targets.ts:
// 1. every mutant of its sources (scripts/mutation/mutants.ts) is compiled in the cheap profile (compile.ts), on a
//    pool of worker threads; a mutant that does not compile is stillborn, one whose code equals the original's is
//    equivalent, one whose code equals an earlier mutant's shares that mutant's fate;
// 2. the contract's own tests run in this one process against each remaining mutant, the artifact swapped in memory
//    and the network reset, stopping at the first failure (a kill) or a timeout (counted as a kill);
// 3. mutation/<Contract>.json records each mutant's fate, the score and the hash of the sources, written after every
//    mutant so that an interrupted run resumes where it stopped (unless --fresh).
// --reverse judges the pending mutants from the last: a second process (in another worktree, from a copy of the
// report) then shares a long run with the first, and the two reports are merged (scripts/mutation/merge.ts).
// The run refuses to start unless the suite passes on the unmutated code in the same profile.
process.env.PEERPAY_MUTATION = "1";
process.env.FC_NUM_RUNS ??= "30";
// A fixed seed: the property tests check that each outcome was reached, which a short random run can miss by chance;
// a kill must come from the mutant, never from such a miss (the run on the unmutated code uses the same sequences).
process.env.FC_SEED ??= "571450208";

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import Mocha from "mocha";
import hre from "hardhat";
import { clearSnapshots } from "@nomicfoundation/hardhat-network-helpers/dist/src/loadFixture";
import { CompilePool, type CompiledContract } from "./compile";
import { applyMutant, generateMutants, type Mutant } from "./mutants";
import { MUTATION_TARGETS, type MutationTarget } from "./targets";
import { ROOT, hasCode, sourceHash, sourcesOf } from "./sources";
import { reportPath, tally, type MutantResult, type MutationReport } from "./report";

const MUTANT_TEST_TIMEOUT_MS = 60_000;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

/** The test files of a target: a folder's .ts files, or the files a path prefix names. */
function testFiles(target: MutationTarget): string[] {
  const files: string[] = [];
  for (const entry of target.tests) {
    const absolute = path.join(ROOT, entry);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      for (const name of readdirSync(absolute).sort()) if (name.endsWith(".ts")) files.push(path.join(absolute, name));
      continue;
    }
    const dir = path.dirname(absolute);
    const prefix = path.basename(absolute).replace(/\.test\.ts$|\.ts$/, "");
    const matches = readdirSync(dir).filter((n) => n.endsWith(".ts") && n.replace(/\.test\.ts$|\.ts$/, "") === prefix);
    if (matches.length !== 1) throw new Error(`${entry} names ${matches.length} test files`);
    files.push(path.join(dir, matches[0]));
  }
  // The property tests last: they kill most mutants that get past the rule tests, but cost the most.
  return files.sort((a, b) => Number(a.includes(".property.")) - Number(b.includes(".property.")));
}

// ------------------------------------------------------------------ running the suite in this process

/**
 * Reloading the test files for every mutant re-runs their top-level code (mocha registers their tests then), but need
 * not transpile them again: this keeps ts-node's output per file and hands it straight to the module loader.
 */
function memoizeTranspiledTests(): void {
  type Loader = (module: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => void;
  const extensions = require.extensions as unknown as Record<string, Loader>;
  const transpile = extensions[".ts"];
  const memo = new Map<string, string>();
  extensions[".ts"] = (module, file) => {
    const code = memo.get(file);
    if (code !== undefined) return module._compile(code, file);
    const compile = module._compile.bind(module);
    module._compile = (output: string, name: string) => {
      memo.set(name, output);
      return compile(output, name);
    };
    transpile(module, file);
  };
}

type Artifact = Awaited<ReturnType<typeof hre.artifacts.readArtifact>>;
let swapped: { name: string; compiled: CompiledContract } | undefined;

/** Makes every artifact read of the swapped contract (as hardhat-ethers' deployContract does) return its code. */
function patchArtifacts(): void {
  const artifacts = hre.artifacts as unknown as {
    readArtifact(name: string): Promise<Artifact>;
    readArtifactSync(name: string): Artifact;
  };
  const read = artifacts.readArtifact.bind(artifacts);
  const readSync = artifacts.readArtifactSync.bind(artifacts);
  const swap = (name: string, artifact: Artifact): Artifact => {
    if (swapped === undefined || name.replace(/^.*:/, "") !== swapped.name) return artifact;
    return { ...artifact, bytecode: swapped.compiled.bytecode, deployedBytecode: swapped.compiled.deployedBytecode };
  };
  artifacts.readArtifact = async (name) => swap(name, await read(name));
  artifacts.readArtifactSync = (name) => swap(name, readSync(name));
}

interface SuiteOutcome {
  passed: boolean;
  /** The first failing test's full title, and the first line of its error. */
  failure?: string;
  timedOut: boolean;
  tests: number;
}

async function runSuite(files: string[], bail: boolean): Promise<SuiteOutcome> {
  await hre.network.provider.request({ method: "hardhat_reset", params: [] });
  await clearSnapshots();
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(path.join(ROOT, "test") + path.sep)) delete require.cache[key];
  }
  const mocha = new Mocha({ bail, timeout: MUTANT_TEST_TIMEOUT_MS, reporter: class {} as unknown as string });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    let failure: string | undefined;
    let timedOut = false;
    let tests = 0;
    const runner = mocha.run(() => {
      mocha.dispose();
      resolve({ passed: failure === undefined, failure, timedOut, tests });
    });
    runner.on("test end", () => tests++);
    runner.on("fail", (test: Mocha.Test, error: Error) => {
      if (failure !== undefined) return;
      timedOut = /Timeout of \d+ms exceeded/.test(error.message);
      failure = `${test.fullTitle()}: ${error.message.split("\n")[0].slice(0, 200)}`;
    });
  });
}

// ------------------------------------------------------------------ one contract

function writeAtomically(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + "\n");
  renameSync(temporary, file);
}

async function mutateContract(
  target: MutationTarget,
  pool: CompilePool,
  limit: number,
  fresh: boolean,
  rejudge: boolean,
  reverse: boolean,
): Promise<MutationReport> {
  const started = Date.now();
  const contract = target.contract;
  const hash = sourceHash(contract);
  const files = testFiles(target);
  const sources = sourcesOf(contract).filter((f) => hasCode(f));
  const contractFile = `contracts/${contract}.sol`;

  const viaIR = target.viaIR === true;
  const original = await pool.compile({ overrides: {}, targets: [contractFile], viaIR });
  if (!original.ok) throw new Error(`${contract} does not compile in the mutation profile: ${original.error}`);
  const originalCode = original.contracts[contract].deployedBytecode;

  console.log(`\n${contract}: ${files.length} test files; checking that they pass on the unmutated code ...`);
  swapped = { name: contract, compiled: original.contracts[contract] };
  const baseline = await runSuite(files, false);
  if (!baseline.passed) throw new Error(`${contract}: the suite fails on the unmutated code: ${baseline.failure}`);
  console.log(
    `${contract}: baseline ${baseline.tests} tests passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const mutants: Mutant[] = sources.flatMap((file) =>
    generateMutants(file, readFileSync(path.join(ROOT, file), "utf8")),
  );
  const previous = reportPath(contract);
  const done = new Map<string, MutantResult>();
  // Fates of the previous report's mutants by their compiled code, for a report of other sources (below).
  const earlier = new Map<string, MutantResult>();
  if (!fresh && existsSync(previous)) {
    const old = JSON.parse(readFileSync(previous, "utf8")) as MutationReport;
    // --rejudge: survivors are tested again (after tests were added to kill them); everything else is kept.
    const kept = old.mutants.filter((r) => !(rejudge && r.status === "survived"));
    if (old.sourceHash === hash) {
      for (const r of kept) done.set(r.id, r);
    } else {
      // Sources changed (a reformat, a comment, a change elsewhere): every mutant is compiled again, and one whose
      // deployed code is byte for byte a mutant judged before (no metadata, so only the code counts) takes its fate.
      for (const r of kept) if (r.codeHash !== undefined) earlier.set(r.codeHash, r);
    }
  }
  const selected = mutants.slice(0, limit);
  console.log(`${contract}: ${mutants.length} mutants of ${sources.join(", ")}; ${done.size} already judged`);

  // Compile every mutant not judged yet, in parallel, in source order.
  const pending = selected.filter((m) => !done.has(m.id));
  if (reverse) pending.reverse();
  const compiled = pending.map((m) =>
    pool.compile({
      overrides: { [m.file]: applyMutant(readFileSync(path.join(ROOT, m.file), "utf8"), m) },
      targets: [contractFile],
      viaIR,
    }),
  );

  const byCode = new Map<string, MutantResult>();
  for (const r of done.values()) if (r.codeHash) byCode.set(r.codeHash, r);
  const results: MutantResult[] = [];
  const report = (complete: boolean): MutationReport => {
    const all = selected.map((m) => done.get(m.id)).filter((r): r is MutantResult => r !== undefined);
    return {
      contract,
      sourceHash: hash,
      sources,
      tests: files.map((f) => path.relative(ROOT, f)),
      profile: "solc-js 0.8.37, optimizer off, no via-IR, no metadata; FC_NUM_RUNS=" + process.env.FC_NUM_RUNS,
      complete: complete && all.length === mutants.length,
      ...tally(all, mutants.length),
      seconds: Math.round((Date.now() - started) / 1000),
      mutants: all,
    };
  };

  for (let i = 0; i < pending.length; i++) {
    const mutant = pending[i];
    const build = await compiled[i];
    const base = {
      id: mutant.id,
      file: mutant.file,
      line: mutant.line,
      operator: mutant.operator,
      original: mutant.original,
      replacement: mutant.replacement,
    };
    let result: MutantResult;
    if (!build.ok) {
      result = { ...base, status: "stillborn", detail: build.error.slice(0, 200) };
    } else {
      const code = build.contracts[contract].deployedBytecode;
      const codeHash = createHash("sha256").update(code).digest("hex").slice(0, 16);
      const twin = byCode.get(codeHash) ?? earlier.get(codeHash);
      if (code === originalCode) {
        result = { ...base, status: "equivalent", codeHash, detail: "same deployed code as the original" };
      } else if (twin !== undefined) {
        result = { ...base, status: twin.status, codeHash, detail: `same code as ${twin.id}`, killedBy: twin.killedBy };
      } else {
        swapped = { name: contract, compiled: build.contracts[contract] };
        const t = Date.now();
        const outcome = await runSuite(files, true);
        const status = outcome.passed ? "survived" : outcome.timedOut ? "timeout" : "killed";
        result = {
          ...base,
          status,
          codeHash,
          killedBy: outcome.failure,
          seconds: Math.round((Date.now() - t) / 100) / 10,
        };
        byCode.set(codeHash, result);
      }
    }
    done.set(mutant.id, result);
    results.push(result);
    writeAtomically(previous, report(false));
    const r = report(false);
    console.log(
      `${contract} ${i + 1}/${pending.length} ${result.status.padEnd(10)} ${mutant.file}:${mutant.line} ${mutant.operator} ` +
        `[${mutant.original.slice(0, 40)}] -> [${mutant.replacement.slice(0, 40)}]  score so far ${(r.score * 100).toFixed(1)}%`,
    );
  }
  swapped = undefined;
  const final = report(true);
  writeAtomically(previous, final);
  return final;
}

async function main(): Promise<void> {
  const only = argument("contract");
  const limit = Number(argument("limit") ?? Number.MAX_SAFE_INTEGER);
  const fresh = process.argv.includes("--fresh");
  const rejudge = process.argv.includes("--rejudge");
  const reverse = process.argv.includes("--reverse");
  const workers = Number(argument("workers") ?? Math.max(1, os.cpus().length - 1));
  patchArtifacts();
  memoizeTranspiledTests();
  const pool = new CompilePool(workers);
  try {
    for (const target of MUTATION_TARGETS) {
      if (only !== undefined && target.contract !== only) continue;
      const report = await mutateContract(target, pool, limit, fresh, rejudge, reverse);
      const c = report.counts;
      console.log(
        `\n${report.contract}: score ${(report.score * 100).toFixed(1)}% (${c.killed + c.timeout} killed of ` +
          `${c.killed + c.timeout + c.survived}); ${c.equivalent} equivalent, ${c.stillborn} stillborn; ` +
          `${report.complete ? "complete" : "incomplete"}; ${report.seconds} s`,
      );
      for (const s of report.survivors) console.log(`  survived: ${s}`);
    }
  } finally {
    await pool.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
