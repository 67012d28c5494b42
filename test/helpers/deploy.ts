// Helpers of the deployment tests (test/deploy/, test/integration/).
import { expect } from "chai";
import { DeployError, type DeployErrorCode, type DeployableArtifact } from "../../scripts/lib/deploy";

/** Awaits `action` and asserts it failed with a DeployError of `code`; returns the error. */
export async function expectDeployError(action: Promise<unknown>, code: DeployErrorCode): Promise<DeployError> {
  let failure: unknown;
  try {
    await action;
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) expect.fail(`expected DeployError ${code}, but nothing was thrown`);
  expect(failure, String(failure)).to.be.instanceOf(DeployError);
  expect((failure as DeployError).code, (failure as Error).message).to.equal(code);
  return failure as DeployError;
}

/**
 * The same contract as another build would give: the IPFS hash of the compiler metadata, which the runtime code
 * carries at its end and the creation code carries with it, replaced in both. It behaves the same, but its bytecode
 * hash, initcode and address differ, as after a recompilation with other sources or settings.
 */
export function alterBuild(artifact: DeployableArtifact): DeployableArtifact {
  const marker = "a2646970667358221220"; // CBOR { "ipfs": bytes(34) } with the multihash prefix 0x1220
  const at = artifact.deployedBytecode.lastIndexOf(marker);
  if (at < 0) throw new Error(`no metadata hash in ${artifact.contractName}'s runtime code`);
  const hash = artifact.deployedBytecode.slice(at + marker.length, at + marker.length + 64);
  const other = hash.replace(/^../, (b) => (parseInt(b, 16) ^ 0xff).toString(16).padStart(2, "0"));
  const swap = (code: string) => code.split(hash).join(other);
  if (!artifact.bytecode.includes(hash)) throw new Error(`the creation code does not carry the runtime's metadata`);
  return { ...artifact, bytecode: swap(artifact.bytecode), deployedBytecode: swap(artifact.deployedBytecode) };
}

/** Polls `read` until `done` holds of its value (or fails after `timeoutMs`); returns that value. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 20, what = "the condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
