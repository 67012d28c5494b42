import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

// The compiler version is pinned three times and must agree: the `pragma` of every contract,
// SOLC_VERSION here, and the exact `solc` version in package.json.
const SOLC_VERSION = "0.8.37";

// Hardhat downloads compilers from a host these machines cannot reach; the npm `solc` package
// ships the same compiler as soljson.js, so we hand that to Hardhat instead (coverage uses it too).
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  const longVersion = solc.version().replace(/\.Emscripten\.clang$/, "");
  if (!longVersion.startsWith(SOLC_VERSION)) {
    throw new Error(`npm package solc is ${longVersion}, expected ${SOLC_VERSION}: run npm ci`);
  }
  return { compilerPath: require.resolve("solc/soljson.js"), isSolcJs: true, version: SOLC_VERSION, longVersion };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      evmVersion: "cancun",
      viaIR: true,
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: {
    timeout: 120_000,
    // The spec reporter plus a last line "N passed, N failed" for CI.
    reporter: require.resolve("./scripts/lib/mocha-totals-reporter.cjs"),
  },
};

export default config;
