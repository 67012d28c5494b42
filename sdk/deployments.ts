// Where the contracts are (docs/deployments.md §6): the address book bundled with the package, the caller's extra
// or replacement entries, and the conversion of a deploy script's record into a book.
import type { ContractRunner } from "ethers";
import bundled from "./address-book.json";
import { InvalidParameterError, UnknownDeploymentError } from "./errors/base";
import type { Address } from "./core/types";
import { TransactionRunner, type ErrorDecoder } from "./internal/transactions";
import { requireAddress, requireInteger, requireThat } from "./internal/validate";

/**
 * The contracts PeerPay deploys, by their artifact name: the keys of an address book's chain entries.
 *
 * @example
 * ```ts
 * const contract: DeployableContract = "MicropaymentChannels";
 * ```
 */
export type DeployableContract =
  | "Auctions"
  | "Crowdfunding"
  | "Escrow"
  | "HashedTimelocks"
  | "Lending"
  | "MicropaymentChannels"
  | "PaymentChannels"
  | "Swap";

/**
 * One contract's entry in an address book: its address and the block it was created in (`null` when unknown, e.g.
 * a contract found already created by someone else on a node without historical state).
 *
 * @example
 * ```ts
 * const entry: AddressBookEntry = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", blockNumber: 1 };
 * ```
 */
export type AddressBookEntry = { address: Address; blockNumber: number | null };

/**
 * Chain id (decimal string) → contract name → entry: the format of `sdk/address-book.json`, which the package
 * bundles for every public deployment, and of the `addressBook` option that adds or replaces entries.
 *
 * @example
 * ```ts
 * const book: AddressBook = {
 *   "31337": { Escrow: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", blockNumber: 1 } },
 * };
 * ```
 */
export type AddressBook = { readonly [chainId: string]: { readonly [contract: string]: AddressBookEntry } };

/**
 * Where a contract is on a chain: its address, and the first block worth scanning for its events (its deployment
 * block; 0 when the book does not know it), the clients' `fromBlock`.
 *
 * @example
 * ```ts
 * const { address, fromBlock }: Deployment = getDeployment(11155111n, "Escrow");
 * ```
 */
export type Deployment = { address: Address; fromBlock: number };

/**
 * Options of {@link getDeployment}.
 *
 * @example
 * ```ts
 * const options: GetDeploymentOptions = { addressBook: addressBookFromRecord(localRecord) };
 * ```
 */
export type GetDeploymentOptions = {
  /** Entries that add to, or replace (per chain and contract), the bundled address book. */
  addressBook?: AddressBook;
};

/**
 * One contract of a {@link DeploymentRecord}: where the deploy script created it, how, and whether its creation is
 * confirmed (docs/deployments.md §3).
 *
 * @example
 * ```ts
 * const entry: DeploymentRecordEntry = record.contracts.Escrow;
 * if (entry.status === "deployed") console.log(entry.address, entry.blockNumber);
 * ```
 */
export type DeploymentRecordEntry = {
  address: string;
  /** The creation transaction; `null` when the contract was found already created at its address (adopted). */
  transactionHash: string | null;
  /** The creation block: `null` while pending, and for an adopted contract whose creation block is unknown. */
  blockNumber: number | null;
  /** The constructor arguments as JSON (addresses checksummed, integers as decimal strings). */
  constructorArgs: unknown[];
  /** The CREATE2 salt, 32 bytes of hex. */
  salt: string;
  /** keccak256 of the creation bytecode without arguments. */
  bytecodeHash: string;
  /** `"pending"` between sending the creation and seeing its receipt, then `"deployed"`. */
  status: "pending" | "deployed";
};

/**
 * A deploy script's record, `deployments/<network>.json` (docs/deployments.md §3, JSON schema
 * deployments/record.schema.json): what the package publishes for public chains
 * (`peerpay/deployments/<network>.json`) and what {@link addressBookFromRecord} reads. The deploy script
 * (scripts/lib/deploy/) writes and reads this very type.
 *
 * @example
 * ```ts
 * const record = JSON.parse(await readFile("deployments/localhost.json", "utf8")) as DeploymentRecord;
 * ```
 */
export type DeploymentRecord = {
  /** The Hardhat network name. */
  network: string;
  chainId: number;
  /** The account that ran the deployment that last changed the record (it sent the creations and paid for them). */
  deployer: string;
  /** Contract name (artifact name) → entry. */
  contracts: { [contract: string]: DeploymentRecordEntry };
};

/**
 * The parameters of a client's static `connect`: the constructor's, with `address` optional. Without it, the
 * address and `fromBlock` are looked up for the runner's chain in the bundled address book and `addressBook`.
 *
 * @example
 * ```ts
 * const params: ConnectParameters<EscrowClientParameters> = { runner: signer, addressBook: localBook };
 * ```
 */
export type ConnectParameters<TParameters extends { address: Address; fromBlock?: number }> = Omit<
  TParameters,
  "address"
> & {
  /** The contract's address; default: the address book's entry for the runner's chain. */
  address?: Address;
  /** Entries that add to, or replace, the bundled address book. */
  addressBook?: AddressBook;
};

const BUNDLED: AddressBook = bundled as unknown as AddressBook;

/**
 * Where `contract` is deployed on chain `chainId` (rule P-A2): the caller's `addressBook` entry if it has one, else
 * the bundled book's (every public deployment this version of the package knows).
 *
 * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: neither book has the contract on that chain.
 * @throws {InvalidParameterError} the chain id is not a positive integer, or the entry found is malformed.
 * @example
 * ```ts
 * import { EscrowClient, getDeployment } from "peerpay";
 *
 * const { chainId } = await provider.getNetwork();
 * const { address, fromBlock } = getDeployment(chainId, "Escrow");
 * const escrow = new EscrowClient({ address, fromBlock, runner: provider });
 * ```
 */
export function getDeployment(
  chainId: bigint | number,
  contract: DeployableContract,
  options: GetDeploymentOptions = {},
): Deployment {
  const id = requireChainId("chainId", chainId);
  requireThat(typeof contract === "string", "contract", contract, "must be a contract name");
  const { addressBook } = options;
  requireThat(
    addressBook === undefined || (typeof addressBook === "object" && addressBook !== null),
    "addressBook",
    addressBook,
    "must be an object",
  );
  const key = id.toString();
  for (const [name, book] of [
    ["addressBook", addressBook],
    ["bundled address book", BUNDLED],
  ] as const) {
    const chain = book !== undefined && Object.hasOwn(book, key) ? book[key] : undefined;
    if (chain === undefined || chain === null || !Object.hasOwn(chain, contract)) continue;
    const entry = normalizeEntry(`${name}[${key}].${contract}`, chain[contract]);
    return { address: entry.address, fromBlock: entry.blockNumber ?? 0 };
  }
  throw new UnknownDeploymentError({ chainId: id, contract });
}

/**
 * The address book of one deploy script's record (`deployments/<network>.json`, docs/deployments.md §3): its
 * `deployed` contracts under its chain id. Pending entries (sent, no receipt seen yet) are left out.
 *
 * @throws {InvalidParameterError} the record is malformed (no positive `chainId`, a bad address or block).
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { PayerClient, addressBookFromRecord } from "peerpay";
 *
 * const addressBook = addressBookFromRecord(JSON.parse(readFileSync("deployments/localhost.json", "utf8")));
 * const payer = await PayerClient.connect({ runner: wallet, addressBook });
 * ```
 */
export function addressBookFromRecord(record: DeploymentRecord): AddressBook {
  requireThat(typeof record === "object" && record !== null, "record", record, "must be a deployment record");
  const chainId = requireChainId("record.chainId", record.chainId);
  const { contracts } = record;
  requireThat(typeof contracts === "object" && contracts !== null, "record.contracts", contracts, "must be an object");
  const entries: Record<string, AddressBookEntry> = {};
  for (const [contract, entry] of Object.entries(contracts)) {
    requireThat(typeof entry === "object" && entry !== null, `record.contracts.${contract}`, entry, "not an object");
    if (entry.status !== "deployed") continue;
    entries[contract] = normalizeEntry(`record.contracts.${contract}`, {
      address: entry.address,
      // A record written by hand may leave the block out: unknown, as null.
      blockNumber: entry.blockNumber ?? null,
    });
  }
  return { [chainId.toString()]: entries };
}

/**
 * What the clients' `connect` share: their constructor's parameters, with the address and `fromBlock` given or looked
 * up for the runner's chain. A given address without `fromBlock` takes the book's block when the book has that same
 * address.
 */
export async function connectParameters<
  TParameters extends { runner: ContractRunner | null; address: Address; fromBlock?: number },
>(contract: DeployableContract, params: ConnectParameters<TParameters>, decode: ErrorDecoder): Promise<TParameters> {
  const { address, fromBlock, addressBook, ...rest } = params;
  const deployment = await resolveDeployment(
    contract,
    { runner: params.runner, address, fromBlock, addressBook },
    decode,
  );
  return { ...rest, ...deployment } as unknown as TParameters;
}

async function resolveDeployment(
  contract: DeployableContract,
  params: { runner: ContractRunner | null; address?: Address; fromBlock?: number; addressBook?: AddressBook },
  decode: ErrorDecoder,
): Promise<{ address: Address; fromBlock?: number }> {
  const { runner, address, fromBlock, addressBook } = params;
  if (address !== undefined && fromBlock !== undefined) return { address, fromBlock };
  const tx = new TransactionRunner(runner, 1, decode);
  const provider = tx.provider();
  const { chainId } = await tx.guard(() => provider.getNetwork());
  if (address === undefined) {
    const found = getDeployment(chainId, contract, { addressBook });
    return { address: found.address, fromBlock: fromBlock ?? found.fromBlock };
  }
  const given = requireAddress("address", address);
  let found: Deployment | undefined;
  try {
    found = getDeployment(chainId, contract, { addressBook });
  } catch (error) {
    if (!(error instanceof UnknownDeploymentError)) throw error;
  }
  return { address: given, fromBlock: found?.address === given ? found.fromBlock : undefined };
}

function requireChainId(parameter: string, value: unknown): bigint {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return BigInt(value);
  if (typeof value === "bigint" && value > 0n) return value;
  throw new InvalidParameterError({ parameter, value, reason: "must be a positive integer" });
}

function normalizeEntry(parameter: string, entry: unknown): AddressBookEntry {
  requireThat(typeof entry === "object" && entry !== null, parameter, entry, "must be { address, blockNumber }");
  const { address, blockNumber } = entry as Partial<AddressBookEntry>;
  return {
    address: requireAddress(`${parameter}.address`, address),
    blockNumber:
      blockNumber === null || blockNumber === undefined
        ? null
        : requireInteger(`${parameter}.blockNumber`, blockNumber, 0, Number.MAX_SAFE_INTEGER),
  };
}
