// `npx ts-node --transpile-only scripts/mutation/merge.ts <report> <other report>`: merges into the first report
// the mutants the second judged (a long run shared by two processes, the second started with --reverse from a copy
// of the first: scripts/mutation/run.ts). Both must be reports of the same sources; a mutant judged by both keeps a
// kill over a survival (the later process may have run tests the earlier one had not loaded yet). The result is
// complete when every mutant is judged, like a report written by one run.
import { readFileSync, writeFileSync } from "node:fs";
import { tally, type MutantResult, type MutationReport } from "./report";

const killing = (r: MutantResult) => r.status === "killed" || r.status === "timeout";

function merge(a: MutationReport, b: MutationReport): MutationReport {
  if (a.contract !== b.contract || a.sourceHash !== b.sourceHash) {
    throw new Error(`not reports of the same sources: ${a.contract} ${a.sourceHash} / ${b.contract} ${b.sourceHash}`);
  }
  const byId = new Map<string, MutantResult>();
  for (const r of [...a.mutants, ...b.mutants]) {
    const seen = byId.get(r.id);
    if (seen === undefined || (!killing(seen) && killing(r))) byId.set(r.id, r);
  }
  // Source order: the file's place among the sources, then the mutated range's offset (ids are file:start-end:text).
  const offset = (r: MutantResult) => Number(r.id.slice(r.file.length + 1).split("-")[0]);
  const mutants = [...byId.values()].sort(
    (x, y) => a.sources.indexOf(x.file) - a.sources.indexOf(y.file) || offset(x) - offset(y) || (x.id < y.id ? -1 : 1),
  );
  return {
    ...a,
    tests: [...new Set([...a.tests, ...b.tests])].sort(),
    complete: mutants.length === a.counts.total,
    ...tally(mutants, a.counts.total),
    seconds: a.seconds + b.seconds,
    mutants,
  };
}

const [first, second] = process.argv.slice(2);
if (first === undefined || second === undefined) throw new Error("usage: merge.ts <report> <other report>");
const read = (p: string) => JSON.parse(readFileSync(p, "utf8")) as MutationReport;
const merged = merge(read(first), read(second));
writeFileSync(first, JSON.stringify(merged, null, 2) + "\n");
console.log(
  `${merged.contract}: ${merged.counts.judged}/${merged.counts.total} judged, score ${(merged.score * 100).toFixed(1)}%, ` +
    `${merged.survivors.length} survivors, ${merged.complete ? "complete" : "incomplete"}`,
);
