// Deploys PeerPay (docs/deployments.md §4): `npm run deploy -- --network <name>`.
//
//   PEERPAY_SALT              CREATE2 salt, 32 bytes of hex (default keccak256("PeerPay v1"))
//   PEERPAY_OWNER             the Escrow's initial owner (default: the deploying account)
//   PEERPAY_DEPLOYMENTS_DIR   where records are read and written (default deployments/)
//
// PEERPAY_SALT and PEERPAY_OWNER are Hardhat configuration variables or environment variables, like the RPC URLs and
// DEPLOYER_PRIVATE_KEY (hardhat.config.ts). Prints one line per contract (deployed / resumed / adopted / unchanged,
// address, gas), then the record's path; after a deployment to a public network with the repository's deployments/,
// regenerates sdk/address-book.json. Exits with 1 and `error [CODE]: …` on any failure.
import { join, relative, resolve } from "node:path";
import hre from "hardhat";
import type { HttpNetworkConfig } from "hardhat/types";
import {
  DEFAULT_SALT,
  DeployError,
  addressBookText,
  deploySuite,
  isPublicRecord,
  loadSuiteArtifacts,
  writeFileAtomic,
  type ContractOutcome,
} from "./lib/deploy";
import { PUBLIC_NETWORKS, configVariable } from "./lib/networks";

const REPO_ROOT = resolve(__dirname, "..");
const REPO_DEPLOYMENTS = join(REPO_ROOT, "deployments");
const ADDRESS_BOOK = join(REPO_ROOT, "sdk", "address-book.json");

/** One line of the report: contract, action, address, gas. */
export function formatOutcome(outcome: ContractOutcome): string {
  const gas = outcome.gasUsed === null ? "-" : outcome.gasUsed.toLocaleString("en-US");
  return `${outcome.name.padEnd(21)} ${outcome.action.padEnd(9)} ${outcome.address}  gas ${gas}`;
}

/** A path relative to the working folder when it is inside it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

async function main(): Promise<void> {
  const network = hre.network.name;
  const publicNetwork = PUBLIC_NETWORKS.find((n) => n.name === network);
  if (publicNetwork !== undefined) {
    if ((hre.network.config as HttpNetworkConfig).url === "") {
      throw new Error(
        `${publicNetwork.urlVariable} is not set: npx hardhat vars set ${publicNetwork.urlVariable} (or export it)`,
      );
    }
    if (configVariable("DEPLOYER_PRIVATE_KEY") === undefined) {
      throw new Error("DEPLOYER_PRIVATE_KEY is not set: npx hardhat vars set DEPLOYER_PRIVATE_KEY (or export it)");
    }
  }
  const [signer] = await hre.ethers.getSigners();
  if (signer === undefined) throw new Error(`network "${network}" has no account to deploy from`);

  const deploymentsDir = resolve(process.env.PEERPAY_DEPLOYMENTS_DIR || REPO_DEPLOYMENTS);
  const result = await deploySuite({
    provider: hre.ethers.provider,
    signer,
    network,
    deploymentsDir,
    artifacts: await loadSuiteArtifacts(hre.artifacts),
    salt: configVariable("PEERPAY_SALT") ?? DEFAULT_SALT,
    owner: configVariable("PEERPAY_OWNER"),
    logger: (line) => console.log(`  ${line}`),
    pollIntervalMs: 500,
  });
  for (const outcome of result.contracts) console.log(formatOutcome(outcome));
  console.log(`record: ${shortPath(result.recordPath)}`);

  // P-A1: the SDK's address book follows the committed records of public chains.
  if (isPublicRecord(result.record)) {
    if (deploymentsDir === REPO_DEPLOYMENTS) {
      writeFileAtomic(ADDRESS_BOOK, await addressBookText(deploymentsDir));
      console.log(`address book: ${shortPath(ADDRESS_BOOK)}`);
    } else {
      console.log(`address book: not regenerated (records in ${deploymentsDir}, not the repository's deployments/)`);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof DeployError) console.error(`error [${error.code}]: ${error.message}`);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
