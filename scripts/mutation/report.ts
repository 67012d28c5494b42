// The committed mutation reports, mutation/<Contract>.json: their shape, where they live, and how a survivor is named
// in docs/security.md.
import path from "node:path";
import type { Operator } from "./mutants";

export type MutantStatus = "killed" | "timeout" | "survived" | "equivalent" | "stillborn";

export interface MutantResult {
  id: string;
  file: string;
  line: number;
  operator: Operator;
  original: string;
  replacement: string;
  status: MutantStatus;
  /** sha256 prefix of the mutant's deployed code (absent when it did not compile). */
  codeHash?: string;
  /** The first test that failed, for a killed mutant. */
  killedBy?: string;
  detail?: string;
  seconds?: number;
}

export interface MutationReport {
  contract: string;
  /** sha256 of the covered sources (scripts/mutation/sources.ts): the report is valid for exactly this code. */
  sourceHash: string;
  sources: string[];
  tests: string[];
  profile: string;
  /** Every mutant judged. */
  complete: boolean;
  counts: {
    total: number;
    judged: number;
    stillborn: number;
    equivalent: number;
    killed: number;
    timeout: number;
    survived: number;
  };
  /** (killed + timeout) / (killed + timeout + survived): equivalent and stillborn mutants are not counted. */
  score: number;
  survivors: string[];
  seconds: number;
  mutants: MutantResult[];
}

export const MUTATION_DIR = path.join(__dirname, "../../mutation");
export const MIN_SCORE = 0.85;

export function reportPath(contract: string): string {
  return path.join(MUTATION_DIR, `${contract}.json`);
}

/** How docs/security.md names a surviving mutant: `Escrow.sol:123 [a < b] -> [a <= b]` (the changed text only). */
export function survivorKey(r: Pick<MutantResult, "file" | "line" | "original" | "replacement">): string {
  const clip = (s: string) => s.replace(/\s+/g, " ").slice(0, 60);
  return `${path.basename(r.file)}:${r.line} [${clip(r.original)}] -> [${clip(r.replacement)}]`;
}

/** The counts, score and survivors of a report holding `mutants` (judged) out of `total`. */
export function tally(
  mutants: MutantResult[],
  total: number,
): Pick<MutationReport, "counts" | "score" | "survivors"> {
  const count = (s: MutantStatus) => mutants.filter((r) => r.status === s).length;
  const killed = count("killed") + count("timeout");
  const judged = killed + count("survived");
  return {
    counts: {
      total,
      judged: mutants.length,
      stillborn: count("stillborn"),
      equivalent: count("equivalent"),
      killed: count("killed"),
      timeout: count("timeout"),
      survived: count("survived"),
    },
    score: judged === 0 ? 0 : Number((killed / judged).toFixed(4)),
    survivors: mutants.filter((r) => r.status === "survived").map(survivorKey),
  };
}
