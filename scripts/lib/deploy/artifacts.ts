// What the deployment needs of a compiled contract, and the check that the code on chain is that contract's (§2).
import type { InterfaceAbi } from "ethers";

/** What the deployment needs of a compiled contract. */
export interface DeployableArtifact {
  contractName: string;
  abi: InterfaceAbi;
  /** Creation bytecode, without constructor arguments. */
  bytecode: string;
  /** Runtime bytecode, with zeros where the constructor writes immutables. */
  deployedBytecode: string;
  /** Byte ranges of the runtime code that hold immutables (their values are the constructor's). */
  immutableRanges: { start: number; length: number }[];
}

/** The part of Hardhat's `hre.artifacts` the deployment reads. */
export interface ArtifactSource {
  readArtifact(
    name: string,
  ): Promise<{ contractName: string; sourceName: string; abi: unknown[]; bytecode: string; deployedBytecode: string }>;
  getBuildInfo(fullyQualifiedName: string): Promise<
    | {
        output: {
          contracts: Record<
            string,
            Record<
              string,
              {
                evm?: {
                  deployedBytecode?: { immutableReferences?: Record<string, { start: number; length: number }[]> };
                };
              }
            >
          >;
        };
      }
    | undefined
  >;
}

/** Reads a contract's artifact and the immutable ranges of its runtime code from the build info. */
export async function loadArtifact(artifacts: ArtifactSource, name: string): Promise<DeployableArtifact> {
  const artifact = await artifacts.readArtifact(name);
  const buildInfo = await artifacts.getBuildInfo(`${artifact.sourceName}:${artifact.contractName}`);
  if (buildInfo === undefined) throw new Error(`no build info for ${name}: run npx hardhat compile`);
  const references =
    buildInfo.output.contracts[artifact.sourceName]?.[artifact.contractName]?.evm?.deployedBytecode
      ?.immutableReferences ?? {};
  return {
    contractName: artifact.contractName,
    abi: artifact.abi as InterfaceAbi,
    bytecode: artifact.bytecode,
    deployedBytecode: artifact.deployedBytecode,
    immutableRanges: Object.values(references).flat(),
  };
}

/**
 * Whether `code` (at a contract's address) is the artifact's runtime code. The bytes where the constructor wrote
 * immutables (the EIP-712 domain's cached chain id and address, hashed name and version) are not compared; every
 * other byte, the metadata hash at the end included, must be equal.
 */
export function matchesRuntime(code: string, artifact: DeployableArtifact): boolean {
  const expected = artifact.deployedBytecode.toLowerCase();
  const actual = code.toLowerCase();
  if (actual.length !== expected.length) return false;
  const ignored = new Uint8Array((expected.length - 2) / 2);
  for (const { start, length } of artifact.immutableRanges) ignored.fill(1, start, start + length);
  for (let i = 0; i < ignored.length; i++) {
    if (ignored[i] === 1) continue;
    const at = 2 + 2 * i;
    if (actual[at] !== expected[at] || actual[at + 1] !== expected[at + 1]) return false;
  }
  return true;
}
