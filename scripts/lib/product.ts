// What a product (a deployable contract of the suite) registers: how it is deployed and how its gas is measured.
// Each product does so from its own folder, scripts/products/<product>/, and scripts/products/index.ts lists them in
// deployment order; the deploy run, the demo's deployment, `npm run gas` and test/gas iterate over that list
// (docs/deployments.md §1).
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeployableContract } from "../../sdk/deployments";
import type { GasRow } from "./gas/harness";

/** What a deployment tells each product's constructor arguments. */
export interface DeployContext {
  /** The deployment's owner, checksummed: PEERPAY_OWNER, or the deploying account. */
  owner: string;
  /**
   * The address of a product deployed before this one in the same deployment (CREATE2: known before anything is
   * sent), for a contract that takes another's address; throws for a product that is not earlier in the list.
   */
  addressOf(contract: DeployableContract): string;
}

/** A product of the suite. */
export interface Product {
  /**
   * The contract's artifact name: the key of its entry in records and address books. The SDK must know it
   * (`DeployableContract` in sdk/deployments.ts), so that `getDeployment` can look it up.
   */
  readonly contract: DeployableContract;
  /** Its constructor arguments (ABI values) in a deployment (docs/deployments.md §1). */
  constructorArgs(context: DeployContext): unknown[];
  readonly gas: {
    /** The issues' gas ceilings of its operations, by snapshot key; a miss fails `npm run gas` and the gas test. */
    readonly targets: Readonly<Record<string, number>>;
    /**
     * Measures every operation of the contract, one row per operation and asset, with keys no other product uses,
     * deterministically (fixed keys, fixed clock: scripts/lib/gas/harness.ts). It may change the network's state:
     * the caller runs it between an evm_snapshot and an evm_revert.
     */
    measure(hre: HardhatRuntimeEnvironment): Promise<GasRow[]>;
  };
}
