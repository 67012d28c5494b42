// The gas benchmark, shared by `npm run gas` (scripts/gas.ts) and test/gas/gas.test.ts: every registered product's
// operations (its scenarios: scripts/products/<product>/gas.ts), then every product's deployment, each measured
// between an evm_snapshot and an evm_revert, so that the network is left as it was found. The scenario and the
// determinism every product follows: harness.ts.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { PRODUCTS } from "../../products";
import type { DeployableContract } from "../../../sdk/deployments";
import type { Product } from "../product";
import { deploymentKey, measureDeploymentGas } from "./deployment";
import type { GasRow } from "./harness";

export * from "./harness";
export * from "./snapshot";
export { deploymentKey, measureDeploymentGas };

/** Every product's targets (the issues' ceilings), by snapshot key. */
export function gasTargets(products: readonly Product[] = PRODUCTS): Readonly<Record<string, number>> {
  const targets: Record<string, number> = {};
  for (const product of products) {
    for (const [key, target] of Object.entries(product.gas.targets)) {
      if (key in targets) throw new Error(`gas target ${key} is declared twice (${product.contract})`);
      targets[key] = target;
    }
  }
  return targets;
}

/** The registered products' targets; a miss fails `npm run gas` and the gas test. */
export const GAS_TARGETS = gasTargets();

/** Runs `measure` between an evm_snapshot and an evm_revert. */
async function isolated<T>(hre: HardhatRuntimeEnvironment, measure: () => Promise<T>): Promise<T> {
  const provider = hre.ethers.provider;
  const snapshotId: string = await provider.send("evm_snapshot", []);
  try {
    return await measure();
  } finally {
    await provider.send("evm_revert", [snapshotId]);
  }
}

/** One product's measurement: its operations, with their targets, and its deployment. */
export interface ProductGas {
  contract: DeployableContract;
  operations: GasRow[];
  deployment: GasRow;
}

/** Measures each product (default: the registered ones), in order. Leaves the network's state unchanged. */
export async function measureProducts(
  hre: HardhatRuntimeEnvironment,
  products: readonly Product[] = PRODUCTS,
): Promise<ProductGas[]> {
  const operations: GasRow[][] = [];
  for (const product of products) {
    const rows = await isolated(hre, () => product.gas.measure(hre));
    const { targets } = product.gas;
    operations.push(rows.map((row) => (targets[row.key] === undefined ? row : { ...row, target: targets[row.key] })));
  }
  const deployments = await isolated(hre, () => measureDeploymentGas(hre, products));
  return products.map((product, i) => ({
    contract: product.contract,
    operations: operations[i],
    deployment: deployments.find((row) => row.key === deploymentKey(product))!,
  }));
}

/** Every row of a measurement: each product's operations, then the deployments. */
export function allRows(measured: readonly ProductGas[]): GasRow[] {
  return [...measured.flatMap((m) => m.operations), ...measured.map((m) => m.deployment)];
}

/** Every row of the registered products: their operations, then their deployments. */
export async function measureGas(hre: HardhatRuntimeEnvironment): Promise<GasRow[]> {
  return allRows(await measureProducts(hre));
}
