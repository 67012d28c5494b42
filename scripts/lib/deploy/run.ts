// The deploy run (docs/deployments.md §4): each product of the suite created through the CREATE2 proxy, with the
// record written atomically after every step, so that a run killed at any point can be started again and finishes
// the deployment without creating anything twice. The ids in the comments name the rules.
//
// The run talks to the chain through an RPC `send` (rpc.ts) and an ethers Signer that sends the creations: it works
// the same in-process on the embedded Hardhat network (hre.ethers.provider and its signers) and against a node over
// HTTP (JsonRpcProvider and a Wallet, or the node's unlocked accounts through `--network localhost`).
import { mkdirSync } from "node:fs";
import { concat, getAddress, type Signer } from "ethers";
import type { Product } from "../product";
import { matchesRuntime } from "./artifacts";
import { nodeFs, writeFileAtomic, type AtomicFs } from "./atomic-write";
import { CREATE2_PROXY, DEFAULT_SALT, type CreationPlan } from "./create2";
import { DeployError, DeployErrorCode } from "./errors";
import { ensureProxy } from "./proxy";
import {
  NETWORK_NAME_RE,
  SCHEMA_FILE_RE,
  readRecord,
  recordCorrupt,
  recordPath,
  serializeRecord,
  type ContractRecord,
  type DeploymentRecord,
} from "./record";
import {
  findCreationBlock,
  getBlockNumber,
  getChainId,
  getCode,
  waitForReceipt,
  type RpcProvider,
  type RpcReceipt,
} from "./rpc";
import { planSuite, type SuiteArtifacts, type SuiteContract } from "./suite";

export type DeployAction = "deployed" | "resumed" | "adopted" | "unchanged";

/** What happened to one contract. */
export interface ContractOutcome {
  name: SuiteContract;
  action: DeployAction;
  address: string;
  transactionHash: string | null;
  blockNumber: number | null;
  /** Gas of the creation transaction (also for a resumed one); null when nothing was created (adopted, unchanged). */
  gasUsed: bigint | null;
}

export interface DeploySuiteParameters {
  /** The chain. */
  provider: RpcProvider;
  /** The account that sends the creations (and the default owner). */
  signer: Signer;
  /** The Hardhat network name: the record is `<deploymentsDir>/<network>.json`. */
  network: string;
  /** Where records live (default `deployments`). */
  deploymentsDir?: string;
  /** The compiled contracts (`loadSuiteArtifacts(hre.artifacts)`). */
  artifacts: SuiteArtifacts;
  /** What to deploy, in order (default: the registered products, scripts/products/index.ts). */
  products?: readonly Product[];
  /** CREATE2 salt, 32 bytes of hex (default `DEFAULT_SALT`). */
  salt?: string;
  /** The owner the products' constructors receive (default: the signer's address). */
  owner?: string;
  /** Receives one line per event worth telling the operator. */
  logger?: (line: string) => void;
  /** How often a receipt is polled for (default 1 s). */
  pollIntervalMs?: number;
  /** How long to wait for a sent or pending creation to be mined (default 10 min). */
  receiptTimeoutMs?: number;
  /** The record's file operations (tests). */
  fs?: AtomicFs;
}

export interface DeploySuiteReturnType {
  recordPath: string;
  chainId: number;
  record: DeploymentRecord;
  contracts: ContractOutcome[];
  /** Whether the run installed the CREATE2 proxy (local chains only, D-A2). */
  proxyInstalled: boolean;
}

/** Deploys the suite (§4) and returns what was done. */
export async function deploySuite(params: DeploySuiteParameters): Promise<DeploySuiteReturnType> {
  const { provider, signer, network } = params;
  const log = params.logger ?? (() => undefined);
  const fs = params.fs ?? nodeFs;
  const polling = {
    pollIntervalMs: params.pollIntervalMs ?? 1_000,
    receiptTimeoutMs: params.receiptTimeoutMs ?? 600_000,
  };
  const recordFile = `${network}.json`;
  if (!NETWORK_NAME_RE.test(network) || SCHEMA_FILE_RE.test(recordFile)) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `network name ${JSON.stringify(network)} cannot name a file`);
  }
  const dir = params.deploymentsDir ?? "deployments";
  const path = recordPath(dir, network);

  const sender = getAddress(await signer.getAddress());
  const plans = planSuite(
    params.artifacts,
    { owner: params.owner ?? sender, salt: params.salt ?? DEFAULT_SALT },
    params.products,
  );
  const chainId = await getChainId(provider);

  // D-C1, before anything is sent or installed.
  const existing = readRecord(path);
  if (existing !== undefined && existing.chainId !== chainId) {
    throw new DeployError(
      DeployErrorCode.CHAIN_MISMATCH,
      `${path} records chain id ${existing.chainId}, but network "${network}" is connected to chain id ${chainId}: ` +
        `wrong RPC URL, or a record of another chain (move it away to start a new one)`,
      { path, recordChainId: existing.chainId, chainId },
    );
  }
  if (existing !== undefined && existing.network !== network) {
    throw recordCorrupt(path, `it names network "${existing.network}", not "${network}"`);
  }

  // D-A2 / D-A3, before anything is sent.
  const proxyInstalled = await ensureProxy(provider, chainId, network, log);

  const record: DeploymentRecord = existing ?? { network, chainId, deployer: sender, contracts: {} };
  let written = existing === undefined ? undefined : serializeRecord(existing);
  // D-R2: called after every step that changes the record; writes only when the text changed.
  const save = (): void => {
    const text = serializeRecord(record);
    if (text === written) return;
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(path, text, fs);
    written = text;
  };

  const checkRuntime = async (plan: CreationPlan): Promise<void> => {
    const code = await getCode(provider, plan.address);
    if (!matchesRuntime(code, plan.artifact)) {
      throw new DeployError(
        DeployErrorCode.CODE_MISMATCH,
        `the code at ${plan.address} (${plan.name}) is not the artifact's runtime code` +
          (code === "0x" ? " (there is no code)" : ""),
        { contract: plan.name, address: plan.address },
      );
    }
  };

  /** Sets the plan's entry, with the fields in the order of §3, and saves the record. */
  const recordEntry = (
    plan: CreationPlan,
    fields: Pick<ContractRecord, "transactionHash" | "blockNumber" | "status">,
  ): void => {
    record.contracts[plan.name] = {
      address: plan.address,
      transactionHash: fields.transactionHash,
      blockNumber: fields.blockNumber,
      constructorArgs: plan.constructorArgs,
      salt: plan.salt,
      bytecodeHash: plan.bytecodeHash,
      status: fields.status,
    };
    record.deployer = sender;
    save();
  };

  const adopt = async (plan: CreationPlan): Promise<ContractOutcome> => {
    await checkRuntime(plan);
    const blockNumber = await findCreationBlock(provider, plan.address, await getBlockNumber(provider));
    recordEntry(plan, { transactionHash: null, blockNumber, status: "deployed" });
    return {
      name: plan.name,
      action: "adopted",
      address: plan.address,
      transactionHash: null,
      blockNumber,
      gasUsed: null,
    };
  };

  /** Records a mined creation as deployed, after checking that it succeeded and left the expected code. */
  const finish = async (
    plan: CreationPlan,
    hash: string,
    receipt: RpcReceipt,
    action: DeployAction,
  ): Promise<ContractOutcome> => {
    if (BigInt(receipt.status) !== 1n) {
      throw new DeployError(DeployErrorCode.TRANSACTION_FAILED, `the creation of ${plan.name} (${hash}) reverted`, {
        contract: plan.name,
        transactionHash: hash,
      });
    }
    await checkRuntime(plan);
    const blockNumber = Number(BigInt(receipt.blockNumber));
    recordEntry(plan, { transactionHash: hash, blockNumber, status: "deployed" });
    return {
      name: plan.name,
      action,
      address: plan.address,
      transactionHash: hash,
      blockNumber,
      gasUsed: BigInt(receipt.gasUsed),
    };
  };

  const create = async (plan: CreationPlan): Promise<ContractOutcome> => {
    const data = concat([plan.salt, plan.initcode]);
    const response = await signer.sendTransaction({ to: CREATE2_PROXY, data });
    log(`${plan.name}: sent ${response.hash}`);
    // D-R2: the record knows the transaction before we wait for it, so a killed run can pick it up (D-S2).
    recordEntry(plan, { transactionHash: response.hash, blockNumber: null, status: "pending" });
    const receipt = await waitForReceipt(provider, response.hash, polling);
    return finish(plan, response.hash, receipt, "deployed");
  };

  const outcomes: ContractOutcome[] = [];
  for (const plan of plans) {
    const entry = record.contracts[plan.name];
    const sameBuild =
      entry !== undefined &&
      entry.bytecodeHash.toLowerCase() === plan.bytecodeHash &&
      entry.salt.toLowerCase() === plan.salt &&
      JSON.stringify(entry.constructorArgs) === JSON.stringify(plan.constructorArgs);
    if (sameBuild && getAddress(entry.address) !== plan.address) {
      throw recordCorrupt(
        path,
        `contracts.${plan.name}.address is ${entry.address}, but its build, arguments and salt give ${plan.address}`,
      );
    }

    // D-S2: a creation sent by an earlier run that did not see it mined.
    if (sameBuild && entry.status === "pending" && entry.transactionHash !== null) {
      const hash = entry.transactionHash;
      const known = (await provider.send("eth_getTransactionByHash", [hash])) as { blockNumber: string | null } | null;
      const receipt = known === null ? null : await waitForReceipt(provider, hash, polling);
      if (receipt !== null && BigInt(receipt.status) === 1n) {
        outcomes.push(await finish(plan, hash, receipt, "resumed"));
        continue;
      }
      if ((await getCode(provider, plan.address)) !== "0x") {
        outcomes.push(await adopt(plan));
        continue;
      }
      log(`${plan.name}: pending ${hash} ${receipt === null ? "is unknown to the node" : "reverted"}; sending again`);
      outcomes.push(await create(plan));
      continue;
    }

    const code = await getCode(provider, plan.address);
    // D-S1: deployed, same build, and the chain has it.
    if (sameBuild && entry.status === "deployed" && code !== "0x") {
      await checkRuntime(plan);
      outcomes.push({
        name: plan.name,
        action: "unchanged",
        address: plan.address,
        transactionHash: entry.transactionHash,
        blockNumber: entry.blockNumber,
        gasUsed: null,
      });
      continue;
    }
    // D-S3: created already (by a run whose record was lost, or by anyone else): record it without sending.
    if (code !== "0x") {
      outcomes.push(await adopt(plan));
      continue;
    }
    // D-S4 (another build, arguments or salt: a new address, the old contract stays) and D-S5 (recorded but gone,
    // a restarted local chain), or simply new: create it, replacing any entry.
    if (entry !== undefined) {
      log(
        sameBuild
          ? `${plan.name}: recorded at ${entry.address}, but there is no code there (a restarted chain?); deploying again`
          : `${plan.name}: the record has another build, arguments or salt (at ${entry.address}); deploying the new one`,
      );
    }
    outcomes.push(await create(plan));
  }
  // A first run that only adopted or found nothing to do still leaves a record.
  save();
  return { recordPath: path, chainId, record, contracts: outcomes, proxyInstalled };
}
