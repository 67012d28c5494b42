// solidity-coverage: mocks are test-only and are not measured.
module.exports = {
  skipFiles: ["mocks/"],
};
