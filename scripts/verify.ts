// Verifies every contract of a deployment record on the network's explorer (docs/deployments.md §4):
// `npm run verify -- --network <name>`, after `npm run deploy -- --network <name>`.
//
// Runs hardhat-verify's `verify:verify` subtask for each contract of deployments/<network>.json (or of
// PEERPAY_DEPLOYMENTS_DIR) with the constructor arguments the record holds. ETHERSCAN_API_KEY (a Hardhat
// configuration variable or environment variable) is one Etherscan v2 key, which serves all four testnets.
import { resolve } from "node:path";
import hre from "hardhat";
import { DeployError, readRecord, recordPath } from "./lib/deploy";
import { configVariable } from "./lib/networks";

async function main(): Promise<void> {
  const network = hre.network.name;
  if (network === "hardhat") throw new Error("the embedded Hardhat network has no explorer: pass --network <name>");
  if (configVariable("ETHERSCAN_API_KEY") === undefined) {
    throw new Error(
      "ETHERSCAN_API_KEY is not set: npx hardhat vars set ETHERSCAN_API_KEY (or export it); " +
        "one Etherscan v2 key (https://etherscan.io/myapikey) serves every chain",
    );
  }
  const dir = resolve(process.env.PEERPAY_DEPLOYMENTS_DIR || resolve(__dirname, "..", "deployments"));
  const path = recordPath(dir, network);
  const record = readRecord(path);
  if (record === undefined) throw new Error(`no record ${path}: deploy first (npm run deploy -- --network ${network})`);
  const { chainId } = await hre.ethers.provider.getNetwork();
  if (BigInt(record.chainId) !== chainId) {
    throw new Error(`${path} records chain id ${record.chainId}, but network "${network}" is chain id ${chainId}`);
  }

  let failed = 0;
  for (const [name, entry] of Object.entries(record.contracts)) {
    if (entry.status !== "deployed") {
      console.log(`${name}: ${entry.status}, not verified (run the deploy again to finish it)`);
      failed++;
      continue;
    }
    const artifact = await hre.artifacts.readArtifact(name);
    console.log(`${name} at ${entry.address}`);
    try {
      await hre.run("verify:verify", {
        address: entry.address,
        constructorArguments: entry.constructorArgs,
        contract: `${artifact.sourceName}:${artifact.contractName}`,
      });
    } catch (error) {
      // Already verified is success; anything else is reported and counted.
      const message = error instanceof Error ? error.message : String(error);
      if (/already verified/i.test(message)) {
        console.log(`${name}: already verified`);
        continue;
      }
      console.error(`${name}: verification failed: ${message}`);
      failed++;
    }
  }
  if (failed > 0) throw new Error(`${failed} contract(s) of ${path} not verified`);
}

main().catch((error: unknown) => {
  if (error instanceof DeployError) console.error(`error [${error.code}]: ${error.message}`);
  else console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
