// The deployments' rows, `deploy.<Contract>`: each product created as `npm run deploy` creates it (docs/deployments.md
// §2), through the CREATE2 proxy with the default salt and a fixed owner.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { concat, type ContractTransactionResponse } from "ethers";
import type { Product } from "../product";
import { CREATE2_PROXY, CREATE2_PROXY_RUNTIME, DEFAULT_SALT, loadSuiteArtifacts, planSuite } from "../deploy";
import { BENCH_START_TIME, createGasBench, type GasRow } from "./harness";

/** The key of a product's deployment row. */
export const deploymentKey = (product: Product): string => `deploy.${product.contract}`;

/**
 * Measures the creation of each product, in order, on a chain where the proxy is installed. It may change the
 * network's state: the caller runs it between an evm_snapshot and an evm_revert.
 */
export async function measureDeploymentGas(
  hre: HardhatRuntimeEnvironment,
  products: readonly Product[],
): Promise<GasRow[]> {
  const provider = hre.ethers.provider;
  const bench = await createGasBench(hre, BENCH_START_TIME, "peerpay.gas.deploy.");
  const deployer = bench.wallet("deployer");
  await bench.fund([deployer]);
  if ((await provider.getCode(CREATE2_PROXY)) === "0x") {
    await provider.send("hardhat_setCode", [CREATE2_PROXY, CREATE2_PROXY_RUNTIME]);
  }
  const artifacts = await loadSuiteArtifacts(hre.artifacts, products);
  const plans = planSuite(artifacts, { owner: deployer.address, salt: DEFAULT_SALT }, products);
  for (const [i, plan] of plans.entries()) {
    await bench.step(
      { key: deploymentKey(products[i]), label: `deploy ${plan.name} (CREATE2 proxy)`, asset: "-" },
      () =>
        deployer.sendTransaction({
          to: CREATE2_PROXY,
          data: concat([plan.salt, plan.initcode]),
        }) as Promise<ContractTransactionResponse>,
    );
    if ((await provider.getCode(plan.address)) === "0x") throw new Error(`${plan.name} not created at ${plan.address}`);
  }
  return bench.rows;
}
