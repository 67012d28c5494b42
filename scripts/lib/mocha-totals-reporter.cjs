// Mocha's spec reporter, followed by the totals alone on one line ("N passed, N failed[, N skipped]"),
// the form CI's reader understands. Used by `npm test` through hardhat.config.ts.
"use strict";
const Mocha = require("mocha");

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class TotalsReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : "";
      // After the spec epilogue, which mocha prints on the same event.
      process.nextTick(() => console.log(`${passes} passed, ${failures} failed${skipped}`));
    });
  }
}

module.exports = TotalsReporter;
