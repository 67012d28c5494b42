// solidity-coverage: mocks are test-only and are not measured. json-summary feeds the CI gate
// (scripts/check-coverage.cjs); text prints the table; html and lcov are for reading.
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["html", "lcov", "text", "json-summary"],
};
