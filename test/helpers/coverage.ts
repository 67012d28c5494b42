import hre from "hardhat";

/**
 * Whether the contracts run in a build whose gas means nothing: `npm run coverage` (solidity-coverage instruments
 * them) or `npm run mutation` (unoptimized mutants). Gas figures, and any test whose premise is a gas budget, skip.
 */
export function underCoverage(): boolean {
  return (
    (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true ||
    process.env.PEERPAY_MUTATION === "1"
  );
}
