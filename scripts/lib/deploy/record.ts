// The record of a network's deployment, `deployments/<network>.json` (docs/deployments.md §3). Its type is the SDK's
// (the published package reads the same files); its JSON schema is deployments/record.schema.json, and
// test/deploy/schema.test.ts holds this parser and that schema to the same verdicts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isAddress } from "ethers";
import type { DeploymentRecord, DeploymentRecordEntry } from "../../../sdk/deployments";
import { DeployError, DeployErrorCode } from "./errors";

export type { DeploymentRecord };
/** One contract of a record (§3). */
export type ContractRecord = DeploymentRecordEntry;
export type ContractStatus = ContractRecord["status"];

/** Files of deployments/ that are not records: the schema of the records. */
export const SCHEMA_FILE_RE = /\.schema\.json$/;

/** A Hardhat network name that can name a record's file. */
export const NETWORK_NAME_RE = /^[A-Za-z0-9_.-]+$/;
/** A Solidity contract name: the key of an entry. */
export const CONTRACT_NAME_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const RECORD_FIELDS: readonly (keyof DeploymentRecord)[] = ["network", "chainId", "deployer", "contracts"];
/** The fields of an entry, in the order of §3 (the order the deploy run writes them in). */
export const ENTRY_FIELDS: readonly (keyof ContractRecord)[] = [
  "address",
  "transactionHash",
  "blockNumber",
  "constructorArgs",
  "salt",
  "bytecodeHash",
  "status",
];

/** The error of a record that cannot be trusted; `path` is the file's. */
export function recordCorrupt(path: string, why: string, cause?: unknown): DeployError {
  return new DeployError(
    DeployErrorCode.RECORD_CORRUPT,
    `deployment record ${path} is corrupt: ${why}; fix or move the file away (it is the only record of what was deployed)`,
    { path },
    cause === undefined ? undefined : { cause },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The first field of `value` that a record does not have; a field the deploy run would drop on its next write. */
function unknownField(value: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !known.includes(key));
}

function checkContractRecord(path: string, name: string, value: unknown): ContractRecord {
  const bad = (why: string) => recordCorrupt(path, `contracts.${name}: ${why}`);
  if (!isObject(value)) throw bad("not an object");
  const c = value;
  const extra = unknownField(c, ENTRY_FIELDS);
  if (extra !== undefined) throw bad(`unknown field ${JSON.stringify(extra)}`);
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
    throw recordCorrupt(path, "not valid JSON", error);
  }
  if (!isObject(value)) throw recordCorrupt(path, "not a JSON object");
  const r = value;
  const extra = unknownField(r, RECORD_FIELDS);
  if (extra !== undefined) throw recordCorrupt(path, `unknown field ${JSON.stringify(extra)}`);
  if (typeof r.network !== "string" || !NETWORK_NAME_RE.test(r.network))
    throw recordCorrupt(path, "network is not a network name");
  if (!Number.isSafeInteger(r.chainId) || (r.chainId as number) <= 0)
    throw recordCorrupt(path, "chainId is not a chain id");
  if (typeof r.deployer !== "string" || !isAddress(r.deployer)) throw recordCorrupt(path, "deployer is not an address");
  if (!isObject(r.contracts)) throw recordCorrupt(path, "contracts is not an object");
  const contracts: Record<string, ContractRecord> = {};
  for (const [name, entry] of Object.entries(r.contracts)) {
    if (!CONTRACT_NAME_RE.test(name)) throw recordCorrupt(path, `contracts.${name}: not a contract name`);
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

/** The record's path for a network. */
export function recordPath(deploymentsDir: string, network: string): string {
  return join(deploymentsDir, `${network}.json`);
}

/** Every record in a folder (`*.json` but the schema, sorted by file name); none when the folder does not exist. */
export function readRecords(deploymentsDir: string): DeploymentRecord[] {
  let names: string[];
  try {
    names = readdirSync(deploymentsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .filter((n) => n.endsWith(".json") && !SCHEMA_FILE_RE.test(n))
    .sort()
    .map((n) => readRecord(join(deploymentsDir, n))!);
}
