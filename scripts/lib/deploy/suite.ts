// The suite: the registered products (scripts/products/index.ts), planned for one deployment (§1).
import { getAddress, isAddress } from "ethers";
import { PRODUCTS } from "../../products";
import type { DeployableContract } from "../../../sdk/deployments";
import type { Product } from "../product";
import { loadArtifact, type ArtifactSource, type DeployableArtifact } from "./artifacts";
import { normalizeSalt, planCreation, type CreationPlan } from "./create2";
import { DeployError, DeployErrorCode } from "./errors";

/** A deployable contract's name. */
export type SuiteContract = DeployableContract;

/** The deployed contracts, in deployment order (§1). */
export const SUITE: readonly SuiteContract[] = PRODUCTS.map((product) => product.contract);

/** The compiled contracts of a suite, by name. */
export type SuiteArtifacts = Readonly<Record<string, DeployableArtifact>>;

/** The artifacts of the products (default: the suite, §1), by contract name. */
export async function loadSuiteArtifacts(
  artifacts: ArtifactSource,
  products: readonly Product[] = PRODUCTS,
): Promise<SuiteArtifacts> {
  const loaded: Record<string, DeployableArtifact> = {};
  for (const { contract } of products) loaded[contract] = await loadArtifact(artifacts, contract);
  return loaded;
}

/** The plans of the products (default: the suite), in their order, for an owner and salt (§1). */
export function planSuite(
  artifacts: SuiteArtifacts,
  options: { owner: string; salt: string },
  products: readonly Product[] = PRODUCTS,
): CreationPlan[] {
  if (!isAddress(options.owner)) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `owner ${JSON.stringify(options.owner)} is not an address`, {
      owner: options.owner,
    });
  }
  const salt = normalizeSalt(options.salt);
  const owner = getAddress(options.owner);
  // Planned in order, so that a product's arguments can name an earlier product's address (§1).
  const planned = new Map<DeployableContract, string>();
  const addressOf = (contract: DeployableContract): string => {
    const address = planned.get(contract);
    if (address === undefined) throw new Error(`${contract} is not deployed before the product that names it (§1)`);
    return address;
  };
  return products.map((product) => {
    const artifact = artifacts[product.contract];
    if (artifact === undefined) throw new Error(`no artifact of ${product.contract}: load it with loadSuiteArtifacts`);
    const plan = planCreation(product.contract, artifact, product.constructorArgs({ owner, addressOf }), salt);
    planned.set(product.contract, plan.address);
    return plan;
  });
}
