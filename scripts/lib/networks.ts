// The networks PeerPay deploys to (docs/deployments.md §4, "Configuration"), shared by hardhat.config.ts and the
// deploy and verify scripts so that the chain ids and variable names are written once.
import { vars } from "hardhat/config";

/** A public testnet: its Hardhat network name, chain id and the variable that holds its RPC URL. */
export interface PublicNetwork {
  name: string;
  chainId: number;
  urlVariable: string;
}

export const PUBLIC_NETWORKS: readonly PublicNetwork[] = [
  { name: "sepolia", chainId: 11_155_111, urlVariable: "SEPOLIA_RPC_URL" },
  { name: "baseSepolia", chainId: 84_532, urlVariable: "BASE_SEPOLIA_RPC_URL" },
  { name: "arbitrumSepolia", chainId: 421_614, urlVariable: "ARBITRUM_SEPOLIA_RPC_URL" },
  { name: "optimismSepolia", chainId: 11_155_420, urlVariable: "OPTIMISM_SEPOLIA_RPC_URL" },
];

/** Chain ids of local development chains (embedded Hardhat network, `hardhat node`, anvil). */
export const LOCAL_CHAIN_IDS: readonly number[] = [31_337, 1_337];

export const DEFAULT_LOCALHOST_RPC_URL = "http://127.0.0.1:8545";

/**
 * A Hardhat configuration variable (`npx hardhat vars set NAME`) or, when it is not set, the environment variable of
 * the same name; `undefined` when neither is set or the value is empty.
 */
export function configVariable(name: string): string | undefined {
  const value = vars.has(name) ? vars.get(name) : process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
