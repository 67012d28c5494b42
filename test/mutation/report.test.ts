// The mutation gate (docs/security.md, "Mutation testing"): `npm run mutation` is too slow for CI, so its reports are
// committed, and this test fails when a deployable contract has no complete report for its current sources, scores
// under 85%, or has a surviving mutant that docs/security.md does not account for.
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MIN_SCORE, reportPath, survivorKey, type MutationReport } from "../../scripts/mutation/report";
import { ROOT, deployableContracts, hasCode, sourceHash, sourcesOf } from "../../scripts/mutation/sources";
import { MUTATION_TARGETS } from "../../scripts/mutation/targets";

const SECURITY = readFileSync(path.join(ROOT, "docs/security.md"), "utf8");

describe("mutation reports (docs/security.md)", function () {
  it("has a mutation target for every deployable contract (every .sol at the root of contracts/)", function () {
    expect(MUTATION_TARGETS.map((t) => t.contract).sort()).to.deep.equal(deployableContracts());
  });

  for (const contract of deployableContracts()) {
    describe(contract, function () {
      const file = reportPath(contract);
      const report = (): MutationReport => JSON.parse(readFileSync(file, "utf8")) as MutationReport;

      it("has a complete report for its current sources (rerun `npm run mutation` after any change)", function () {
        expect(existsSync(file), `${path.relative(ROOT, file)} missing`).to.equal(true);
        const r = report();
        expect(r.sources, "the sources with code that the report mutated").to.deep.equal(
          sourcesOf(contract).filter((f) => hasCode(f)),
        );
        expect(
          r.sourceHash,
          `sources changed since the report: rerun npm run mutation -- --contract ${contract}`,
        ).to.equal(sourceHash(contract));
        expect(r.complete, "every mutant judged").to.equal(true);
        expect(r.mutants).to.have.length(r.counts.total);
      });

      it(`kills at least ${MIN_SCORE * 100}% of the non-equivalent mutants, and counts them right`, function () {
        const r = report();
        const by = (s: string) => r.mutants.filter((m) => m.status === s).length;
        expect(by("killed")).to.equal(r.counts.killed);
        expect(by("survived")).to.equal(r.counts.survived);
        expect(by("equivalent")).to.equal(r.counts.equivalent);
        const killed = by("killed") + by("timeout");
        expect(r.score).to.be.closeTo(killed / (killed + by("survived")), 1e-4);
        expect(r.score).to.be.at.least(MIN_SCORE);
      });

      it("lists every surviving mutant in docs/security.md, with why it survives", function () {
        const missing = report()
          .mutants.filter((m) => m.status === "survived")
          .map(survivorKey)
          .filter((key) => !SECURITY.includes(key));
        expect(missing, "survivors not accounted for in docs/security.md").to.deep.equal([]);
      });
    });
  }
});
