// solidity-coverage: mocks and fuzz harnesses are test-only and are not measured. json-summary feeds the CI gate
// (scripts/check-coverage.cjs); text prints the table; html and lcov are for reading.
// scripts/coverage-collector.cjs makes the hit collector count hashes with leading zero bytes under viaIR.
require("./scripts/coverage-collector.cjs");

module.exports = {
  skipFiles: ["mocks/", "fuzz/"],
  istanbulReporter: ["html", "lcov", "text", "json-summary"],
};
