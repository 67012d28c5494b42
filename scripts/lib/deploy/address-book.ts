// The SDK's address book (docs/deployments.md §6, P-A1): sdk/address-book.json, generated from the committed records
// of public chains.
import { join } from "node:path";
import { getAddress } from "ethers";
import type { AddressBookEntry } from "../../../sdk/deployments";
import { LOCAL_CHAIN_IDS } from "../networks";
import { readRecords, type DeploymentRecord } from "./record";

/** `{ "<chainId>": { "<Contract>": { address, blockNumber } } }`: the SDK's `AddressBook`, built. */
export type AddressBook = Record<string, Record<string, AddressBookEntry>>;

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
  const byChain = new Map<number, Record<string, AddressBookEntry>>();
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

/** The text of sdk/address-book.json for the records in a folder: prettier's JSON, with the repository's config. */
export async function addressBookText(deploymentsDir: string): Promise<string> {
  const prettier = await import("prettier");
  const file = join(__dirname, "..", "..", "..", "sdk", "address-book.json");
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(buildAddressBook(readRecords(deploymentsDir)), null, 2), {
    ...options,
    parser: "json",
  });
}
