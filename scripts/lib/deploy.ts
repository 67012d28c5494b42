// PeerPay's deployment (docs/deployments.md §2–§4): CREATE2 through the deterministic deployment proxy, so that a
// build, its arguments and a salt give the same address on every chain, with a record per network that is written
// atomically after every step, so that a run killed at any point can be started again and finishes the deployment
// without creating anything twice.
//
// The library talks to the chain through two things only: an RPC `send` (eth_getCode, receipts, the local chains'
// setCode) and an ethers Signer that sends the creations. It works the same in-process on the embedded Hardhat
// network (hre.ethers.provider and its signers) and against a node over HTTP (JsonRpcProvider and a Wallet, or the
// node's unlocked accounts through `--network localhost`).
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  AbiCoder,
  ParamType,
  concat,
  dataLength,
  getAddress,
  getCreate2Address,
  isAddress,
  isHexString,
  keccak256,
  toUtf8Bytes,
  type InterfaceAbi,
  type Signer,
} from "ethers";
import { LOCAL_CHAIN_IDS } from "./networks";

// ------------------------------------------------------------------ constants

/** The keyless deterministic deployment proxy ("CREATE2 deployer"), the same address on every chain that has it. */
export const CREATE2_PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";

/**
 * The proxy's runtime code: it takes `salt ‖ initcode` as calldata, CREATE2s the contract with the call's value and
 * returns its 20-byte address (reverting if the creation fails). The same code every chain that has the proxy holds.
 */
export const CREATE2_PROXY_RUNTIME =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/** `keccak256("PeerPay v1")`, the salt when PEERPAY_SALT is not set. */
export const DEFAULT_SALT = keccak256(toUtf8Bytes("PeerPay v1"));

/** The deployed contracts, in deployment order (§1). */
export const SUITE = ["Escrow", "MicropaymentChannels"] as const;
export type SuiteContract = (typeof SUITE)[number];

// ------------------------------------------------------------------ errors

/** Stable codes of every way a deployment can stop. */
export const DeployErrorCode = {
  /** D-C1: the record belongs to another chain than the connected one. */
  CHAIN_MISMATCH: "CHAIN_MISMATCH",
  /** D-A3: a non-local chain without the CREATE2 proxy. */
  PROXY_MISSING: "PROXY_MISSING",
  /** Something other than the proxy's code sits at the proxy's address, or installing it did not take. */
  PROXY_CODE_MISMATCH: "PROXY_CODE_MISMATCH",
  /** The code at a contract's address is not the artifact's runtime code. */
  CODE_MISMATCH: "CODE_MISMATCH",
  /** The record is not valid JSON or not a record of this shape. */
  RECORD_CORRUPT: "RECORD_CORRUPT",
  /** Writing the record failed (the previous record is left as it was). */
  RECORD_WRITE_FAILED: "RECORD_WRITE_FAILED",
  /** A creation transaction was mined but reverted, or mined without creating the contract. */
  TRANSACTION_FAILED: "TRANSACTION_FAILED",
  /** A creation transaction was not mined before the deadline. */
  RECEIPT_TIMEOUT: "RECEIPT_TIMEOUT",
  /** An option (salt, owner, network name) is malformed. */
  INVALID_OPTION: "INVALID_OPTION",
} as const;
export type DeployErrorCode = (typeof DeployErrorCode)[keyof typeof DeployErrorCode];

/** Every failure of a deployment: a stable `code`, a message for the operator, the facts in `details`. */
export class DeployError extends Error {
  override readonly name = "DeployError";
  constructor(
    readonly code: DeployErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// ------------------------------------------------------------------ the record

export type ContractStatus = "pending" | "deployed";

/** One contract of a record (§3). */
export interface ContractRecord {
  address: string;
  /** The creation transaction; null when the contract was found already created (adopted). */
  transactionHash: string | null;
  /** The creation block; null while pending, and for an adopted contract when the node has no historical state. */
  blockNumber: number | null;
  /** JSON form of the constructor arguments: addresses checksummed, integers as decimal strings. */
  constructorArgs: unknown[];
  salt: string;
  /** keccak256 of the artifact's creation bytecode, without arguments. */
  bytecodeHash: string;
  status: ContractStatus;
}

/** `deployments/<network>.json` (§3). */
export interface DeploymentRecord {
  network: string;
  chainId: number;
  /** The account that ran the deployment that last changed the record (it paid for it). */
  deployer: string;
  contracts: Record<string, ContractRecord>;
}

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

function corrupt(path: string, why: string, cause?: unknown): DeployError {
  return new DeployError(
    DeployErrorCode.RECORD_CORRUPT,
    `deployment record ${path} is corrupt: ${why}; fix or move the file away (it is the only record of what was deployed)`,
    { path },
    cause === undefined ? undefined : { cause },
  );
}

function checkContractRecord(path: string, name: string, value: unknown): ContractRecord {
  const bad = (why: string) => corrupt(path, `contracts.${name}: ${why}`);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw bad("not an object");
  const c = value as Record<string, unknown>;
  if (typeof c.address !== "string" || !isAddress(c.address)) throw bad("address is not an address");
  if (c.status !== "pending" && c.status !== "deployed") throw bad(`status ${JSON.stringify(c.status)}`);
  if (!(c.transactionHash === null || (typeof c.transactionHash === "string" && HASH_RE.test(c.transactionHash))))
    throw bad("transactionHash is neither null nor a hash");
  if (!(c.blockNumber === null || (Number.isSafeInteger(c.blockNumber) && (c.blockNumber as number) >= 0)))
    throw bad("blockNumber is neither null nor a block number");
  if (!Array.isArray(c.constructorArgs)) throw bad("constructorArgs is not an array");
  if (typeof c.salt !== "string" || !HASH_RE.test(c.salt)) throw bad("salt is not 32 bytes of hex");
  if (typeof c.bytecodeHash !== "string" || !HASH_RE.test(c.bytecodeHash)) throw bad("bytecodeHash is not a hash");
  if (c.status === "pending" && (c.transactionHash === null || c.blockNumber !== null))
    throw bad("a pending entry has a transactionHash and no blockNumber");
  return {
    address: c.address,
    transactionHash: c.transactionHash,
    blockNumber: c.blockNumber as number | null,
    constructorArgs: c.constructorArgs,
    salt: c.salt,
    bytecodeHash: c.bytecodeHash,
    status: c.status,
  };
}

/** Parses and checks a record's text; `path` is only for messages. Throws DeployError RECORD_CORRUPT. */
export function parseRecord(text: string, path: string): DeploymentRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, "not valid JSON", error);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw corrupt(path, "not a JSON object");
  const r = value as Record<string, unknown>;
  if (typeof r.network !== "string" || r.network === "") throw corrupt(path, "network is not a name");
  if (!Number.isSafeInteger(r.chainId) || (r.chainId as number) <= 0) throw corrupt(path, "chainId is not a chain id");
  if (typeof r.deployer !== "string" || !isAddress(r.deployer)) throw corrupt(path, "deployer is not an address");
  if (r.contracts === null || typeof r.contracts !== "object" || Array.isArray(r.contracts))
    throw corrupt(path, "contracts is not an object");
  const contracts: Record<string, ContractRecord> = {};
  for (const [name, entry] of Object.entries(r.contracts as Record<string, unknown>)) {
    contracts[name] = checkContractRecord(path, name, entry);
  }
  return { network: r.network, chainId: r.chainId as number, deployer: r.deployer, contracts };
}

/** The record at `path`, or undefined when there is no file. */
export function readRecord(path: string): DeploymentRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseRecord(text, path);
}

/** How a record is laid out on disk: two-space JSON and a final newline. */
export function serializeRecord(record: DeploymentRecord): string {
  return JSON.stringify(record, null, 2) + "\n";
}

/** The file operations of the atomic writer; tests substitute failing ones. */
export interface AtomicFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

const nodeFs: AtomicFs = { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync };

/** Temporary files of the atomic writer are named `.<file>.<random>.tmp` beside the file (ignored by git). */
export const TEMP_FILE_RE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * D-R1: writes `text` to `path` atomically: into a new temporary file in the same folder (a rename is atomic only
 * within one file system), flushed to disk, then renamed over `path`, and the folder flushed so that the rename
 * itself survives a crash. A reader sees the old file or the new one, never a torn one. On failure the temporary
 * file is removed and the old file is untouched.
 */
export function writeFileAtomic(path: string, text: string, fs: AtomicFs = nodeFs): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", 0o644);
    const data = Buffer.from(text, "utf8");
    let written = 0;
    // writeSync may write less than asked; loop until every byte is out.
    while (written < data.length) written += fs.writeSync(fd, data.subarray(written));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // The write already failed; that error is the one to report.
      }
    }
    try {
      fs.unlinkSync(temp);
    } catch {
      // Not created, or already renamed.
    }
    throw new DeployError(
      DeployErrorCode.RECORD_WRITE_FAILED,
      `could not write ${path}: ${(error as Error).message}`,
      { path },
      { cause: error },
    );
  }
  // Flush the folder entry of the rename; not every platform can open a folder, and the data is already safe.
  try {
    const dirFd = openSync(dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Best effort only.
  }
}

// ------------------------------------------------------------------ artifacts and prediction

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

/** The artifacts of the suite (§1), in deployment order. */
export async function loadSuiteArtifacts(
  artifacts: ArtifactSource,
): Promise<Record<SuiteContract, DeployableArtifact>> {
  return {
    Escrow: await loadArtifact(artifacts, "Escrow"),
    MicropaymentChannels: await loadArtifact(artifacts, "MicropaymentChannels"),
  };
}

/** JSON form of ABI values (§3): addresses checksummed, integers as decimal strings, arrays and tuples as arrays. */
function jsonArg(type: ParamType, value: unknown): unknown {
  if (type.isArray()) return (value as unknown[]).map((v) => jsonArg(type.arrayChildren, v));
  if (type.isTuple()) return (value as unknown[]).map((v, i) => jsonArg(type.components[i], v));
  if (type.baseType === "address") return getAddress(value as string);
  if (type.baseType.startsWith("uint") || type.baseType.startsWith("int")) return BigInt(value as bigint).toString();
  return value;
}

/** What a contract's creation looks like for given arguments and salt, and where it lands. */
export interface CreationPlan {
  name: SuiteContract;
  artifact: DeployableArtifact;
  constructorArgs: unknown[];
  salt: string;
  initcode: string;
  bytecodeHash: string;
  address: string;
}

/** D-A1: the CREATE2 address of `initcode` with `salt` through the proxy; it does not depend on the chain. */
export function predictAddress(salt: string, initcode: string): string {
  return getCreate2Address(CREATE2_PROXY, salt, keccak256(initcode));
}

/** The creation of `artifact` with `args` (ABI values) and `salt`. */
export function planCreation(
  name: SuiteContract,
  artifact: DeployableArtifact,
  args: unknown[],
  salt: string,
): CreationPlan {
  const coder = AbiCoder.defaultAbiCoder();
  const ctor = (artifact.abi as readonly { type?: string; inputs?: readonly unknown[] }[]).find(
    (f) => f.type === "constructor",
  );
  const types = (ctor?.inputs ?? []).map((input) => ParamType.from(input as ParamType));
  if (types.length !== args.length) {
    throw new DeployError(
      DeployErrorCode.INVALID_OPTION,
      `${name} takes ${types.length} constructor arguments, got ${args.length}`,
    );
  }
  const encodedArgs = coder.encode(types, args);
  const initcode = concat([artifact.bytecode, encodedArgs]);
  return {
    name,
    artifact,
    constructorArgs: types.map((t, i) => jsonArg(t, args[i])),
    salt,
    initcode,
    bytecodeHash: keccak256(artifact.bytecode),
    address: predictAddress(salt, initcode),
  };
}

/** Checks and normalizes a salt: 32 bytes of hex, lower case. */
export function normalizeSalt(salt: string): string {
  if (!isHexString(salt) || dataLength(salt) !== 32) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `salt ${JSON.stringify(salt)} is not 32 bytes of hex`, {
      salt,
    });
  }
  return salt.toLowerCase();
}

/** The plans of the whole suite for an owner and salt (§1). */
export function planSuite(
  artifacts: Record<SuiteContract, DeployableArtifact>,
  options: { owner: string; salt: string },
): CreationPlan[] {
  if (!isAddress(options.owner)) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `owner ${JSON.stringify(options.owner)} is not an address`, {
      owner: options.owner,
    });
  }
  const salt = normalizeSalt(options.salt);
  return [
    planCreation("Escrow", artifacts.Escrow, [getAddress(options.owner)], salt),
    planCreation("MicropaymentChannels", artifacts.MicropaymentChannels, [], salt),
  ];
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

// ------------------------------------------------------------------ the deploy run

/** A JSON-RPC connection: ethers' JsonRpcProvider and Hardhat's HardhatEthersProvider both are one. */
export interface RpcProvider {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ethers' own signature
  send(method: string, params: any[]): Promise<any>;
}

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
  /** The suite's compiled contracts (`loadSuiteArtifacts(hre.artifacts)`). */
  artifacts: Record<SuiteContract, DeployableArtifact>;
  /** CREATE2 salt, 32 bytes of hex (default `DEFAULT_SALT`). */
  salt?: string;
  /** The Escrow's initial owner (default: the signer's address). */
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

interface RpcReceipt {
  status: string;
  blockNumber: string;
  gasUsed: string;
  contractAddress: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The record's path for a network. */
export function recordPath(deploymentsDir: string, network: string): string {
  return join(deploymentsDir, `${network}.json`);
}

async function getCode(provider: RpcProvider, address: string, block: string | number = "latest"): Promise<string> {
  const tag = typeof block === "number" ? "0x" + block.toString(16) : block;
  const code = (await provider.send("eth_getCode", [address, tag])) as string;
  return code.toLowerCase();
}

/**
 * The first block with code at `address`, by binary search over the node's historical state (code, once created,
 * stays: these contracts cannot self-destruct). Null when the node does not serve the state of old blocks.
 */
export async function findCreationBlock(
  provider: RpcProvider,
  address: string,
  latest: number,
): Promise<number | null> {
  try {
    if ((await getCode(provider, address, latest)) === "0x") return null;
    if ((await getCode(provider, address, 0)) !== "0x") return 0;
    // Invariant: no code at `low`, code at `high`.
    let low = 0;
    let high = latest;
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if ((await getCode(provider, address, mid)) === "0x") low = mid;
      else high = mid;
    }
    return high;
  } catch {
    // A pruned node answers old blocks with an error ("missing trie node", "header not found", ...).
    return null;
  }
}

/**
 * Deploys the suite (§4) and returns what was done. Every rule of docs/deployments.md §2–§4 is applied here; the ids
 * in the comments name them.
 */
export async function deploySuite(params: DeploySuiteParameters): Promise<DeploySuiteReturnType> {
  const { provider, signer, network } = params;
  const log = params.logger ?? (() => undefined);
  const fs = params.fs ?? nodeFs;
  const pollIntervalMs = params.pollIntervalMs ?? 1_000;
  const receiptTimeoutMs = params.receiptTimeoutMs ?? 600_000;
  if (!/^[A-Za-z0-9_.-]+$/.test(network)) {
    throw new DeployError(DeployErrorCode.INVALID_OPTION, `network name ${JSON.stringify(network)} cannot name a file`);
  }
  const dir = params.deploymentsDir ?? "deployments";
  const path = recordPath(dir, network);

  const sender = getAddress(await signer.getAddress());
  const plans = planSuite(params.artifacts, { owner: params.owner ?? sender, salt: params.salt ?? DEFAULT_SALT });
  const chainId = Number(BigInt((await provider.send("eth_chainId", [])) as string));

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
    throw corrupt(path, `it names network "${existing.network}", not "${network}"`);
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

  const waitForReceipt = async (hash: string): Promise<RpcReceipt> => {
    const deadline = Date.now() + receiptTimeoutMs;
    for (;;) {
      const receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as RpcReceipt | null;
      if (receipt !== null && receipt.blockNumber !== null) return receipt;
      if (Date.now() > deadline) {
        throw new DeployError(
          DeployErrorCode.RECEIPT_TIMEOUT,
          `transaction ${hash} was not mined within ${receiptTimeoutMs / 1000} s; run the deploy again later ` +
            `(the record marks it pending and the next run picks it up)`,
          { transactionHash: hash },
        );
      }
      await sleep(pollIntervalMs);
    }
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

  // The fields in the order of §3.
  const entryOf = (
    plan: CreationPlan,
    fields: Pick<ContractRecord, "transactionHash" | "blockNumber" | "status">,
  ): ContractRecord => ({
    address: plan.address,
    transactionHash: fields.transactionHash,
    blockNumber: fields.blockNumber,
    constructorArgs: plan.constructorArgs,
    salt: plan.salt,
    bytecodeHash: plan.bytecodeHash,
    status: fields.status,
  });

  const markDeployed = (plan: CreationPlan, hash: string | null, blockNumber: number | null): void => {
    record.contracts[plan.name] = entryOf(plan, { transactionHash: hash, blockNumber, status: "deployed" });
    record.deployer = sender;
    save();
  };

  const adopt = async (plan: CreationPlan): Promise<ContractOutcome> => {
    await checkRuntime(plan);
    const latest = Number(BigInt((await provider.send("eth_blockNumber", [])) as string));
    const blockNumber = await findCreationBlock(provider, plan.address, latest);
    markDeployed(plan, null, blockNumber);
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
  const finish = async (plan: CreationPlan, hash: string, receipt: RpcReceipt, action: DeployAction) => {
    if (BigInt(receipt.status) !== 1n) {
      throw new DeployError(DeployErrorCode.TRANSACTION_FAILED, `the creation of ${plan.name} (${hash}) reverted`, {
        contract: plan.name,
        transactionHash: hash,
      });
    }
    await checkRuntime(plan);
    const blockNumber = Number(BigInt(receipt.blockNumber));
    markDeployed(plan, hash, blockNumber);
    const outcome: ContractOutcome = {
      name: plan.name,
      action,
      address: plan.address,
      transactionHash: hash,
      blockNumber,
      gasUsed: BigInt(receipt.gasUsed),
    };
    return outcome;
  };

  const create = async (plan: CreationPlan): Promise<ContractOutcome> => {
    const data = concat([plan.salt, plan.initcode]);
    const response = await signer.sendTransaction({ to: CREATE2_PROXY, data });
    log(`${plan.name}: sent ${response.hash}`);
    // D-R2: the record knows the transaction before we wait for it, so a killed run can pick it up (D-S2).
    record.contracts[plan.name] = entryOf(plan, {
      transactionHash: response.hash,
      blockNumber: null,
      status: "pending",
    });
    record.deployer = sender;
    save();
    const receipt = await waitForReceipt(response.hash);
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
      throw corrupt(
        path,
        `contracts.${plan.name}.address is ${entry.address}, but its build, arguments and salt give ${plan.address}`,
      );
    }

    // D-S2: a creation sent by an earlier run that did not see it mined.
    if (sameBuild && entry.status === "pending" && entry.transactionHash !== null) {
      const hash = entry.transactionHash;
      const known = (await provider.send("eth_getTransactionByHash", [hash])) as { blockNumber: string | null } | null;
      const receipt = known === null ? null : await waitForReceipt(hash);
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

/**
 * D-A2 / D-A3: makes sure the CREATE2 proxy is there. On a local chain it is installed (hardhat_setCode, or
 * anvil_setCode on a node that only knows that name) and checked; on any other chain its absence stops the run.
 * Returns whether it was installed.
 */
async function ensureProxy(
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

// ------------------------------------------------------------------ the SDK's address book (P-A1)

/** `{ "<chainId>": { "<Contract>": { address, blockNumber } } }`, as sdk/address-book.json. */
export type AddressBook = Record<string, Record<string, { address: string; blockNumber: number | null }>>;

/** Whether a record is of a public chain: not a local chain id, and not one of the local networks' files. */
export function isPublicRecord(record: DeploymentRecord): boolean {
  return (
    !LOCAL_CHAIN_IDS.includes(record.chainId) &&
    record.network !== "hardhat" &&
    record.network !== "localhost" &&
    !record.network.startsWith("anvil")
  );
}

/**
 * The address book of `records` (P-A1): public chains only, deployed contracts only, keys sorted (chain ids
 * numerically, contracts by name) so that the generated file does not depend on the order of the records.
 */
export function buildAddressBook(records: readonly DeploymentRecord[]): AddressBook {
  const byChain = new Map<number, Record<string, { address: string; blockNumber: number | null }>>();
  for (const record of records) {
    if (!isPublicRecord(record)) continue;
    const chain = byChain.get(record.chainId) ?? {};
    for (const [name, entry] of Object.entries(record.contracts)) {
      if (entry.status !== "deployed") continue;
      if (chain[name] !== undefined && chain[name].address !== getAddress(entry.address)) {
        throw new Error(`two records of chain id ${record.chainId} disagree on the address of ${name}`);
      }
      chain[name] = { address: getAddress(entry.address), blockNumber: entry.blockNumber };
    }
    byChain.set(record.chainId, chain);
  }
  const book: AddressBook = {};
  for (const chainId of [...byChain.keys()].sort((a, b) => a - b)) {
    const contracts = byChain.get(chainId)!;
    const names = Object.keys(contracts).sort();
    if (names.length === 0) continue;
    book[String(chainId)] = Object.fromEntries(names.map((n) => [n, contracts[n]]));
  }
  return book;
}

/** Every record in a folder (`*.json`, sorted by file name); none when the folder does not exist. */
export function readRecords(deploymentsDir: string): DeploymentRecord[] {
  let names: string[];
  try {
    names = readdirSync(deploymentsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .map((n) => readRecord(join(deploymentsDir, n))!);
}

/** The text of sdk/address-book.json for the records in a folder: prettier's JSON, with the repository's config. */
export async function addressBookText(deploymentsDir: string): Promise<string> {
  const prettier = await import("prettier");
  const file = join(__dirname, "..", "..", "sdk", "address-book.json");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(buildAddressBook(readRecords(deploymentsDir)), null, 2), {
    ...options,
    parser: "json",
  });
}
