// Generic pieces of the stateful property tests (test/escrow/Escrow.property.test.ts,
// test/micropayments/MicropaymentChannels.property.test.ts): the environment variables, decoding a revert, the
// mismatch error, and running a fast-check property that prints the replay command of a failure.
import fc from "fast-check";
import { Interface } from "ethers";

/**
 * The environment variables every property test reads:
 *   FC_NUM_RUNS    number of generated sequences
 *   FC_MAX_STEPS   maximum actions per sequence; part of the generator, so replays need the same value
 *   FC_SEED        replay: the seed printed by a failure
 *   FC_PATH        replay: the path printed by a failure (with FC_SEED, runs the shrunk counterexample only)
 *   FC_VERBOSE=1   print every step of every run
 */
export interface PropertyEnv {
  numRuns: number;
  maxSteps: number;
  verbose: boolean;
  seed?: number;
  path?: string;
}

export function propertyEnv(defaults: { numRuns: number; maxSteps: number }): PropertyEnv {
  return {
    numRuns: Number(process.env.FC_NUM_RUNS ?? defaults.numRuns),
    maxSteps: Math.max(2, Number(process.env.FC_MAX_STEPS ?? defaults.maxSteps)),
    verbose: process.env.FC_VERBOSE === "1",
    ...(process.env.FC_SEED !== undefined ? { seed: Number(process.env.FC_SEED) } : {}),
    ...(process.env.FC_PATH !== undefined ? { path: process.env.FC_PATH } : {}),
  };
}

/** Thrown when the contract and the model disagree, or an invariant breaks. */
export class Mismatch extends Error {}

/** JSON.stringify replacer for bigints. */
export const big = (_k: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

/** One interface with every custom error of `interfaces` (deduplicated) and `extra` fragments. */
export function errorsInterface(interfaces: readonly Interface[], extra: readonly string[] = []): Interface {
  const fragments = new Set<string>();
  for (const iface of interfaces) {
    for (const f of iface.fragments) if (f.type === "error") fragments.add(f.format("full"));
  }
  for (const f of extra) fragments.add(f);
  return new Interface([...fragments]);
}

/** The revert data inside an error thrown by ethers or Hardhat, if there is any. */
export function revertData(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur !== null && typeof cur === "object"; i++) {
    const o = cur as { data?: unknown; error?: unknown; info?: { error?: unknown } };
    if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data;
    if (o.data !== null && typeof o.data === "object") {
      const inner = (o.data as { data?: unknown }).data;
      if (typeof inner === "string" && inner.startsWith("0x")) return inner;
    }
    cur = o.error ?? o.info?.error;
  }
  return undefined;
}

/** A revert decoded for a trace: the error's name (to compare with a prediction) and name with arguments. */
export function decodeRevert(errors: Interface, data: string): { errorName: string; error: string } {
  const parsed = data === "0x" ? null : errors.parseError(data);
  const errorName = parsed?.name ?? (data === "0x" ? "(empty revert)" : `(unknown ${data.slice(0, 10)})`);
  const args = parsed === null ? "" : `(${parsed.args.map((x: unknown) => String(x)).join(", ")})`;
  return { errorName, error: `${errorName}${args}` };
}

/** Outcomes per action type over all runs, printed at the end (to see what the generated sequences exercise). */
export type ActionStats = Record<string, { ok: number; reverted: number }>;

export function tally(stats: ActionStats, action: string, ok: boolean): void {
  const t = (stats[action] ??= { ok: 0, reverted: 0 });
  if (ok) t.ok++;
  else t.reverted++;
}

/**
 * Runs `runOne` on `numRuns` generated sequences (or the replayed one). On failure, throws fast-check's report
 * (seed, path, shrunk counterexample) with the failure as its cause and the command that replays the
 * counterexample; otherwise prints the runs, steps, time and `stats`. Returns the number of runs.
 */
export async function checkStateful<A>(params: {
  arbitrary: fc.Arbitrary<A[]>;
  env: PropertyEnv;
  testFile: string;
  stats: ActionStats;
  runOne: (actions: A[]) => Promise<void>;
}): Promise<number> {
  const { arbitrary, env, testFile, stats, runOne } = params;
  const started = Date.now();
  let runs = 0;
  let steps = 0;
  const property = fc.asyncProperty(arbitrary, async (actions) => {
    runs++;
    steps += actions.length;
    await runOne(actions);
  });
  const details = await fc.check(property, {
    numRuns: env.numRuns,
    ...(env.seed !== undefined ? { seed: env.seed } : {}),
    ...(env.path !== undefined ? { path: env.path } : {}),
  });
  if (details.failed) {
    // The generator depends on FC_MAX_STEPS, so the replay command carries it.
    const replay =
      `FC_SEED=${details.seed} FC_PATH="${details.counterexamplePath}" FC_MAX_STEPS=${env.maxSteps} ` +
      `npx hardhat test ${testFile}`;
    throw new Error(`${fc.defaultReportMessage(details)}\n\nReplay the shrunk counterexample:\n  ${replay}\n`, {
      cause: details.errorInstance,
    });
  }
  console.log(
    `      ${runs} runs, ${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)}s ` +
      `(FC_NUM_RUNS=${env.numRuns}, FC_MAX_STEPS=${env.maxSteps}, seed ${details.seed}); transactions per action, succeeded/reverted:`,
  );
  const entries = Object.entries(stats).sort(([a], [b]) => a.localeCompare(b));
  console.log("        " + entries.map(([t, { ok, reverted }]) => `${t} ${ok}/${reverted}`).join(", "));
  return runs;
}
