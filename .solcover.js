// solidity-coverage: mocks and fuzz harnesses are test-only and are not measured. json-summary feeds the CI gate
// (scripts/check-coverage.cjs); text prints the table; html and lcov are for reading.
module.exports = {
  skipFiles: ["mocks/", "fuzz/"],
  istanbulReporter: ["html", "lcov", "text", "json-summary"],
};
