// D-A2 / D-A3 (docs/deployments.md §2): the CREATE2 proxy must be on the chain before anything is created.
import { LOCAL_CHAIN_IDS } from "../networks";
import { CREATE2_PROXY, CREATE2_PROXY_RUNTIME } from "./create2";
import { DeployError, DeployErrorCode } from "./errors";
import { getCode, type RpcProvider } from "./rpc";

/**
 * D-A2 / D-A3: makes sure the CREATE2 proxy is there. On a local chain it is installed (hardhat_setCode, or
 * anvil_setCode on a node that only knows that name) and checked; on any other chain its absence stops the run.
 * Returns whether it was installed.
 */
export async function ensureProxy(
  provider: RpcProvider,
  chainId: number,
  network: string,
  log: (line: string) => void,
): Promise<boolean> {
  const code = await getCode(provider, CREATE2_PROXY);
  if (code === CREATE2_PROXY_RUNTIME) return false;
  if (code !== "0x") {
    throw new DeployError(
      DeployErrorCode.PROXY_CODE_MISMATCH,
      `chain id ${chainId} (network "${network}") has other code than the CREATE2 proxy at ${CREATE2_PROXY}`,
      { chainId, network, proxy: CREATE2_PROXY },
    );
  }
  if (!LOCAL_CHAIN_IDS.includes(chainId)) {
    throw new DeployError(
      DeployErrorCode.PROXY_MISSING,
      `chain id ${chainId} (network "${network}") has no CREATE2 proxy at ${CREATE2_PROXY}; nothing was sent. ` +
        `Broadcast the proxy's keyless deployment transaction on that chain first ` +
        `(https://github.com/Arachnid/deterministic-deployment-proxy), then run the deploy again.`,
      { chainId, network, proxy: CREATE2_PROXY },
    );
  }
  try {
    await provider.send("hardhat_setCode", [CREATE2_PROXY, CREATE2_PROXY_RUNTIME]);
  } catch (hardhatError) {
    try {
      await provider.send("anvil_setCode", [CREATE2_PROXY, CREATE2_PROXY_RUNTIME]);
    } catch (anvilError) {
      throw new DeployError(
        DeployErrorCode.PROXY_MISSING,
        `local chain id ${chainId} (network "${network}") has no CREATE2 proxy at ${CREATE2_PROXY} and refused ` +
          `both hardhat_setCode and anvil_setCode`,
        { chainId, network, proxy: CREATE2_PROXY },
        { cause: new AggregateError([hardhatError, anvilError]) },
      );
    }
  }
  if ((await getCode(provider, CREATE2_PROXY)) !== CREATE2_PROXY_RUNTIME) {
    throw new DeployError(
      DeployErrorCode.PROXY_CODE_MISMATCH,
      `installing the CREATE2 proxy at ${CREATE2_PROXY} on chain id ${chainId} did not take`,
      { chainId, network, proxy: CREATE2_PROXY },
    );
  }
  log(`installed the CREATE2 proxy at ${CREATE2_PROXY} (local chain id ${chainId})`);
  return true;
}
