import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import { DEFAULT_LOCALHOST_RPC_URL, PUBLIC_NETWORKS, configVariable } from "./scripts/lib/networks";

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

// Deployment networks (docs/deployments.md §4). Nothing has to be set for tests or the demo: a public network without
// its RPC URL gets an empty one, which scripts/deploy.ts and scripts/verify.ts report by the variable's name, and
// without DEPLOYER_PRIVATE_KEY it has no account.
const deployerKey = configVariable("DEPLOYER_PRIVATE_KEY");
const publicNetworks = Object.fromEntries(
  PUBLIC_NETWORKS.map(({ name, chainId, urlVariable }) => [
    name,
    { url: configVariable(urlVariable) ?? "", chainId, accounts: deployerKey === undefined ? [] : [deployerKey] },
  ]),
);

// Slither and medusa (scripts/slither.sh, scripts/fuzz.sh) read Hardhat's build through crytic-compile, which takes
// every build-info as a separate compilation: an abstract base compiled in a job without its child looks like dead
// code. With PEERPAY_ANALYSIS=1 the build is one compilation, in its own directories (code size does not matter there:
// medusa does not check it).
const analysisBuild = process.env.PEERPAY_ANALYSIS === "1";

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        settings: {
          evmVersion: "cancun",
          viaIR: true,
          optimizer: { enabled: true, runs: 10_000 },
        },
      },
    ],
    // Lending's code at 10,000 runs is 27,669 bytes, over the 24 KiB limit; fewer runs trade size for per-call gas.
    // Its fuzz harness (whose market deploys it) shares that profile. Hardhat compiles each such file as a
    // job of its own, so the analysis build (below) leaves the overrides out: one compilation of everything.
    overrides: analysisBuild
      ? {}
      : Object.fromEntries(
          ["contracts/Lending.sol", "contracts/fuzz/LendingFuzz.sol", "contracts/fuzz/LendingFuzzMarket.sol"].map(
            (file) => [
              file,
              {
                version: SOLC_VERSION,
                settings: { evmVersion: "cancun", viaIR: true, optimizer: { enabled: true, runs: 200 } },
              },
            ],
          ),
        ),
  },
  networks: {
    // `npm run mutation` tests unoptimized mutants (scripts/mutation/compile.ts), larger than the 24 KiB limit.
    hardhat: { allowUnlimitedContractSize: process.env.PEERPAY_MUTATION === "1" },
    // The node's unlocked accounts (anvil's or `hardhat node`'s), on whatever chain id the node runs.
    localhost: { url: configVariable("LOCALHOST_RPC_URL") ?? DEFAULT_LOCALHOST_RPC_URL },
    ...publicNetworks,
  },
  etherscan: {
    // One Etherscan v2 key for every chain: hardhat-verify uses the v2 API when apiKey is a single string.
    apiKey: configVariable("ETHERSCAN_API_KEY") ?? "",
    // hardhat-verify 2.1.3 knows sepolia, baseSepolia and arbitrumSepolia but not OP Sepolia (11155420). With a
    // single key the API URL below is replaced by the v2 endpoint; the chain id and browser URL are what count.
    customChains: [
      {
        network: "optimismSepolia",
        chainId: 11_155_420,
        urls: {
          apiURL: "https://api-sepolia-optimistic.etherscan.io/api",
          browserURL: "https://sepolia-optimism.etherscan.io",
        },
      },
    ],
  },
  sourcify: { enabled: false },
  typechain: { outDir: analysisBuild ? "cache/analysis/typechain-types" : "typechain-types", target: "ethers-v6" },
  ...(analysisBuild ? { paths: { artifacts: "cache/analysis/artifacts", cache: "cache/analysis/cache" } } : {}),
  mocha: {
    timeout: 120_000,
    // The spec reporter plus a last line "N passed, N failed" for CI.
    reporter: require.resolve("./scripts/lib/mocha-totals-reporter.cjs"),
  },
};

export default config;
