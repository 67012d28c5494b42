// deployments/record.schema.json (deployments/README.md): the records the deploy run writes, the committed records
// and sdk/address-book.json are checked against it, and the deploy script's parser agrees with it on valid and
// malformed records, so that the schema and the code cannot drift apart.
import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifacts, ethers, network } from "hardhat";
import {
  CREATE2_PROXY,
  SCHEMA_FILE_RE,
  SUITE,
  buildAddressBook,
  deploySuite,
  loadSuiteArtifacts,
  parseRecord,
  readRecords,
  type DeploymentRecord,
} from "../../scripts/lib/deploy";
import {
  RECORD_SCHEMA,
  schemaErrors,
  validateAddressBook as validateBook,
  validateRecord,
} from "../helpers/record-schema";

const ROOT = join(__dirname, "..", "..");
const DEPLOYMENTS = join(ROOT, "deployments");
/** Whether the deploy script's parser accepts the record's text. */
function parserAccepts(value: unknown): boolean {
  try {
    parseRecord(JSON.stringify(value), "test.json");
    return true;
  } catch {
    return false;
  }
}

const ADDRESS = "0x77FE285Fd0b327eA583be3d41386BCa13f5116Fe";
const HASH = "0x" + "ab".repeat(32);
const deployed = {
  address: ADDRESS,
  transactionHash: HASH,
  blockNumber: 12,
  constructorArgs: [ADDRESS],
  salt: HASH,
  bytecodeHash: HASH,
  status: "deployed",
};
const base = { network: "sepolia", chainId: 11_155_111, deployer: ADDRESS, contracts: { Escrow: deployed } };
/** `base` with its Escrow entry changed. */
const withEntry = (entry: Record<string, unknown>) => ({ ...base, contracts: { Escrow: { ...deployed, ...entry } } });
const without = <T extends object>(value: T, key: keyof T) => {
  const copy = { ...value };
  delete copy[key];
  return copy;
};

const VALID: Record<string, unknown> = {
  "a deployed contract": base,
  "no contracts yet": { ...base, contracts: {} },
  "a pending creation": withEntry({ status: "pending", blockNumber: null }),
  "an adopted contract with a known block": withEntry({ transactionHash: null }),
  "an adopted contract on a node without history": withEntry({ transactionHash: null, blockNumber: null }),
  "lower-case addresses": { ...withEntry({ address: ADDRESS.toLowerCase() }), deployer: ADDRESS.toLowerCase() },
  "a dotted network name and block 0": { ...withEntry({ blockNumber: 0 }), network: "anvil-fork.1" },
};

const INVALID: Record<string, unknown> = {
  "an array": [],
  "no network": without(base, "network"),
  "an empty network name": { ...base, network: "" },
  "a network name with a slash": { ...base, network: "../sepolia" },
  "chain id 0": { ...base, chainId: 0 },
  "a fractional chain id": { ...base, chainId: 1.5 },
  "a chain id as a string": { ...base, chainId: "11155111" },
  "a chain id beyond 2^53": { ...base, chainId: 2 ** 53 },
  "a deployer that is not an address": { ...base, deployer: "0x1234" },
  "contracts as an array": { ...base, contracts: [] },
  "an unknown top-level field": { ...base, notes: "hello" },
  "a key that is not a contract name": { ...base, contracts: { "Escrow v2": deployed } },
  "an entry that is not an object": { ...base, contracts: { Escrow: "0x" } },
  "an entry without its salt": { ...base, contracts: { Escrow: without(deployed, "salt") } },
  "an entry without blockNumber": { ...base, contracts: { Escrow: without(deployed, "blockNumber") } },
  "an unknown entry field": withEntry({ verified: true }),
  "a short address": withEntry({ address: "0x1234" }),
  "a short transaction hash": withEntry({ transactionHash: "0x1234" }),
  "a negative block": withEntry({ blockNumber: -1 }),
  "a block as a string": withEntry({ blockNumber: "12" }),
  "constructor arguments as an object": withEntry({ constructorArgs: {} }),
  "a 20-byte salt": withEntry({ salt: ADDRESS }),
  "a bytecode hash without 0x": withEntry({ bytecodeHash: "ab".repeat(32) }),
  "an unknown status": withEntry({ status: "failed" }),
  "a pending entry without its transaction": withEntry({ status: "pending", transactionHash: null, blockNumber: null }),
  "a pending entry with a block": withEntry({ status: "pending" }),
};

describe("deployments/record.schema.json (deployments/README.md)", function () {
  it("is a strict draft 2020-12 schema that ajv compiles, with the address book under $defs", function () {
    expect(RECORD_SCHEMA.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
    expect(validateRecord).to.be.a("function");
    expect(validateBook).to.be.a("function");
  });

  for (const [name, value] of Object.entries(VALID)) {
    it(`accepts ${name}, as the deploy script's parser does`, function () {
      expect(schemaErrors(validateRecord, value)).to.deep.equal([]);
      expect(parserAccepts(value), "parseRecord").to.equal(true);
    });
  }

  for (const [name, value] of Object.entries(INVALID)) {
    it(`refuses ${name}, as the deploy script's parser does`, function () {
      expect(schemaErrors(validateRecord, value), "schema").to.not.deep.equal([]);
      expect(parserAccepts(value), "parseRecord").to.equal(false);
    });
  }

  it("leaves EIP-55 checksums to the parser: a mixed-case address with a wrong checksum", function () {
    const badChecksum = ADDRESS.replace("FE", "fE");
    const value = withEntry({ address: badChecksum });
    expect(schemaErrors(validateRecord, value)).to.deep.equal([]);
    expect(parserAccepts(value)).to.equal(false);
  });

  it("holds the records the deploy run writes: deployed, then pending while a creation is unmined", async function () {
    const dir = mkdtempSync(join(tmpdir(), "peerpay-schema-"));
    const snapshot = await network.provider.send("evm_snapshot", []);
    try {
      await network.provider.send("hardhat_setCode", [CREATE2_PROXY, "0x"]);
      const [deployer] = await ethers.getSigners();
      const params = {
        provider: ethers.provider,
        signer: deployer,
        network: "hardhat",
        deploymentsDir: dir,
        artifacts: await loadSuiteArtifacts(artifacts),
        pollIntervalMs: 10,
      };
      await deploySuite(params);
      const written = JSON.parse(readFileSync(join(dir, "hardhat.json"), "utf8")) as DeploymentRecord;
      // Every product's entry, each a key the schema accepts.
      expect(Object.keys(written.contracts)).to.deep.equal([...SUITE]);
      expect(schemaErrors(validateRecord, written)).to.deep.equal([]);

      // A run with another salt whose first creation is left unmined: the record on disk says pending.
      await network.provider.send("evm_setAutomine", [false]);
      const running = deploySuite({ ...params, salt: "0x" + "11".repeat(32), receiptTimeoutMs: 300 });
      const outcome = await running.then(
        () => "finished",
        (error: Error) => error.message,
      );
      expect(outcome).to.match(/was not mined/);
      const pending = JSON.parse(readFileSync(join(dir, "hardhat.json"), "utf8")) as DeploymentRecord;
      expect(Object.values(pending.contracts).map((c) => c.status)).to.include("pending");
      expect(schemaErrors(validateRecord, pending)).to.deep.equal([]);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
      await network.provider.send("evm_revert", [snapshot]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holds every record in deployments/ (the schema itself is not one)", function () {
    const files = readdirSync(DEPLOYMENTS).filter((n) => n.endsWith(".json"));
    expect(files).to.include("record.schema.json");
    const records = files.filter((n) => !SCHEMA_FILE_RE.test(n));
    for (const file of records) {
      const value = JSON.parse(readFileSync(join(DEPLOYMENTS, file), "utf8")) as unknown;
      expect(schemaErrors(validateRecord, value), file).to.deep.equal([]);
    }
    expect(readRecords(DEPLOYMENTS)).to.have.length(records.length);
  });

  it("$defs/addressBook holds sdk/address-book.json and the books the generator builds", function () {
    const bundled = JSON.parse(readFileSync(join(ROOT, "sdk", "address-book.json"), "utf8")) as unknown;
    expect(schemaErrors(validateBook, bundled)).to.deep.equal([]);
    const book = buildAddressBook([
      parseRecord(JSON.stringify(base), "sepolia.json"),
      parseRecord(JSON.stringify({ ...withEntry({ transactionHash: null, blockNumber: null }), chainId: 84_532 }), "b"),
    ]);
    expect(Object.keys(book)).to.deep.equal(["84532", "11155111"]);
    expect(schemaErrors(validateBook, book)).to.deep.equal([]);
    for (const bad of [{ "0": {} }, { "1": { Escrow: { address: ADDRESS } } }, { "1": { Escrow: "0x" } }, []]) {
      expect(schemaErrors(validateBook, bad), JSON.stringify(bad)).to.not.deep.equal([]);
    }
  });
});
