// The mutation reports (docs/security.md §7): every deployable contract (every .sol at the root of contracts/) must
// have a full report, mutation/<Contract>.sol.json, made from its current source (same sha256), with at least 85%
// of its non-equivalent mutants killed, and every survivor listed in docs/security.md §7. Rerun
// `npm run mutation -- contracts/<Contract>.sol` after changing a contract, and commit the report.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const MIN_SCORE = 0.85;

interface MutationReport {
  file: string;
  sha256: string;
  sample: boolean;
  score: number;
  mutants: { run: number; killed: number; timedOut: number; survived: number };
  survivors: { id: string }[];
}

const deployables = readdirSync(path.join(ROOT, "contracts"))
  .filter((f) => f.endsWith(".sol"))
  .sort();

describe("mutation reports (mutation/, docs/security.md §7)", function () {
  it("finds the deployable contracts", function () {
    expect(deployables).to.include.members(["Escrow.sol", "MicropaymentChannels.sol"]);
  });

  for (const name of deployables) {
    it(`contracts/${name} has a full report for its current source, scoring at least 85%, survivors documented`, function () {
      const reportPath = path.join(ROOT, "mutation", `${name}.json`);
      expect(existsSync(reportPath), `no mutation/${name}.json: run npm run mutation -- contracts/${name}`).to.equal(
        true,
      );
      const report = JSON.parse(readFileSync(reportPath, "utf8")) as MutationReport;
      const sha256 = createHash("sha256")
        .update(readFileSync(path.join(ROOT, "contracts", name)))
        .digest("hex");
      expect(report.file).to.equal(`contracts/${name}`);
      expect(report.sample, "a sample run is not a report").to.equal(false);
      expect(
        report.sha256,
        `contracts/${name} changed since its report: rerun npm run mutation -- contracts/${name}`,
      ).to.equal(sha256);
      expect(report.mutants.killed + report.mutants.timedOut + report.mutants.survived).to.be.greaterThan(0);
      expect(report.score).to.be.at.least(MIN_SCORE);
      const security = readFileSync(path.join(ROOT, "docs", "security.md"), "utf8");
      const undocumented = report.survivors.map((s) => s.id).filter((id) => !security.includes(id));
      expect(undocumented, "surviving mutants not listed in docs/security.md §7").to.deep.equal([]);
    });
  }
});
