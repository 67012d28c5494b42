import hre from "hardhat";

/**
 * Whether the run is `npm run coverage`: solidity-coverage instruments the contracts, so gas figures, and any test
 * whose premise is a gas budget, mean nothing there.
 */
export function underCoverage(): boolean {
  return (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
}
