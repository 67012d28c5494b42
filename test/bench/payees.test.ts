// bench:payees, run briefly: its accounting, not its speed (docs/payee-stores.md, PS-D1, PS-A1). Every voucher a
// payee process acknowledged as stored is in the database (or the file) at the amount acknowledged, per channel.
import { expect } from "chai";
import { runBench } from "../../scripts/lib/payee-bench";
import "../helpers/postgres";
import { underCoverage } from "../helpers/coverage";

describe("bench:payees, briefly (accounting only)", function () {
  this.timeout(300_000);
  // Nothing here measures the contracts: the instrumented run (npm run coverage) skips it.
  before(function () {
    if (underCoverage()) this.skip();
  });

  it("PS-D1: four payee processes on one PostgreSQL and one on a file store keep every acknowledged voucher", async function () {
    const { postgres, file } = await runBench({ channels: 200, rounds: 3, processes: 4, window: 200, chunk: 20 });
    for (const phase of [postgres, file]) {
      expect(phase.acknowledged, phase.name).to.equal(600);
      expect(phase.mismatches, phase.name).to.equal(0);
      expect(phase.channels, phase.name).to.equal(200);
      // A channel's highest voucher is never refused: every channel ends at its final amount.
      expect(phase.complete, phase.name).to.equal(200);
      expect(phase.stored, phase.name).to.be.at.least(200);
    }
    expect(postgres.processes).to.equal(4);
    expect(postgres.commits).to.be.at.least(1);
  });
});
