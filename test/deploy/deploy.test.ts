// The deployment rules of docs/deployments.md §2–§4 on the embedded Hardhat network, each test named by its rule.
// Every test runs between an evm_snapshot and an evm_revert, with its records in a fresh temporary folder.
//
// The products, their order and their constructor arguments come from their registration (scripts/products/), so that
// a new product is covered here without editing this file: "each contract" is each product, "the first" and "the
// second" are positions in that list, and a product's arguments are what it registers for the deployment's owner.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers, artifacts, network } from "hardhat";
import { Interface, concat, getAddress, isAddress, keccak256, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CREATE2_PROXY,
  CREATE2_PROXY_RUNTIME,
  DEFAULT_SALT,
  DeployErrorCode,
  SUITE,
  deploySuite,
  loadSuiteArtifacts,
  matchesRuntime,
  planSuite,
  readRecord,
  serializeRecord,
  type DeploySuiteParameters,
  type DeploymentRecord,
  type RpcProvider,
  type SuiteArtifacts,
  type SuiteContract,
} from "../../scripts/lib/deploy";
import type { Product } from "../../scripts/lib/product";
import { PRODUCTS } from "../../scripts/products";
import { alterBuild, expectDeployError, waitFor } from "../helpers/deploy";

type Artifacts = SuiteArtifacts;

describe("Deployment (docs/deployments.md §2–§4)", function () {
  let suiteArtifacts: Artifacts;
  let deployer: HardhatEthersSigner;
  let other: HardhatEthersSigner;
  let stranger: HardhatEthersSigner;
  let dir: string;
  let snapshot: string;

  before(async function () {
    suiteArtifacts = await loadSuiteArtifacts(artifacts);
    [deployer, other, stranger] = await ethers.getSigners();
  });

  beforeEach(async function () {
    snapshot = await network.provider.send("evm_snapshot", []);
    dir = mkdtempSync(join(tmpdir(), "peerpay-deploy-"));
    // The embedded network has no CREATE2 proxy; make sure of it, whatever ran before.
    await network.provider.send("hardhat_setCode", [CREATE2_PROXY, "0x"]);
  });

  afterEach(async function () {
    await network.provider.send("evm_setAutomine", [true]);
    await network.provider.send("evm_revert", [snapshot]);
    rmSync(dir, { recursive: true, force: true });
  });

  const path = () => join(dir, "hardhat.json");
  /** What a run reports when it does the same for every contract of the suite, in deployment order. */
  const each = (action: string) => SUITE.map(() => action);
  /**
   * A product's constructor arguments for a deployment owned by `owner`, in the record's JSON form (§3: addresses
   * checksummed, integers as decimal strings).
   */
  /** A product's arguments as the suite plans them (a product may name an earlier one's address, §1). */
  const argsOf = (product: Product, owner: string): unknown[] =>
    planSuite(suiteArtifacts, { owner, salt: DEFAULT_SALT }).find((plan) => plan.name === product.contract)!
      .constructorArgs;
  const jsonArgs = (product: Product, owner: string): unknown =>
    JSON.parse(
      JSON.stringify(argsOf(product, owner), (_key, value: unknown) => {
        if (typeof value === "bigint" || typeof value === "number") return value.toString();
        if (typeof value === "string" && isAddress(value)) return getAddress(value);
        return value;
      }),
    );
  /** Whether the product's arguments (so its initcode and address) change when the deployment's owner does. */
  const takesOwner = (product: Product) =>
    JSON.stringify(jsonArgs(product, deployer.address)) !== JSON.stringify(jsonArgs(product, stranger.address));
  const run = (overrides: Partial<DeploySuiteParameters> = {}) =>
    deploySuite({
      provider: ethers.provider,
      signer: deployer,
      network: "hardhat",
      deploymentsDir: dir,
      artifacts: suiteArtifacts,
      pollIntervalMs: 10,
      ...overrides,
    });
  /** The deployer's nonce and the chain's height: every transaction moves both (automine). */
  const chainState = async (account: Signer = deployer) => ({
    nonce: await ethers.provider.getTransactionCount(await account.getAddress()),
    block: await ethers.provider.getBlockNumber(),
  });
  const code = (address: string) => ethers.provider.getCode(address);
  /** A provider that reports another chain id and otherwise forwards to the embedded network, logging calls. */
  const reportingChainId = (chainId: number, calls: string[] = []): RpcProvider => ({
    send: async (method: string, params: unknown[]) => {
      calls.push(method);
      if (method === "eth_chainId") return "0x" + chainId.toString(16);
      return ethers.provider.send(method, params);
    },
  });
  const installProxy = () => network.provider.send("hardhat_setCode", [CREATE2_PROXY, CREATE2_PROXY_RUNTIME]);
  /** Creates a contract through the proxy from `from`, as anyone could; returns the transaction's receipt. */
  const createThroughProxy = async (from: Signer, initcode: string, salt: string) => {
    // Mined by hand, so that a creation that reverts is mined too instead of throwing at the send. The gas limit is
    // just under Osaka's 2^24 cap per transaction: coverage's instrumented Escrow needs more than 8,000,000.
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const tx = await from.sendTransaction({
        to: CREATE2_PROXY,
        data: concat([salt, initcode]),
        gasLimit: 16_000_000,
      });
      await network.provider.send("evm_mine", []);
      const receipt = await ethers.provider.getTransactionReceipt(tx.hash);
      if (receipt === null) throw new Error(`no receipt for ${tx.hash}`);
      return receipt;
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
  };

  // ------------------------------------------------------------------ §2 addresses

  describe("same address on every chain", function () {
    it("D-A1 creates each contract at keccak256(0xff ‖ proxy ‖ salt ‖ keccak256(initcode))[12:]", async function () {
      const result = await run();
      expect(result.contracts.map((c) => c.name)).to.deep.equal([...SUITE]);
      // The initcode: the creation bytecode followed by the ABI encoding of the product's arguments for the owner.
      const initcodes = new Map<SuiteContract, string>();
      for (const product of PRODUCTS) {
        const artifact = suiteArtifacts[product.contract];
        const args = argsOf(product, deployer.address);
        initcodes.set(product.contract, concat([artifact.bytecode, new Interface(artifact.abi).encodeDeploy(args)]));
      }
      for (const outcome of result.contracts) {
        const initcode = initcodes.get(outcome.name)!;
        const digest = keccak256(concat(["0xff", CREATE2_PROXY, DEFAULT_SALT, keccak256(initcode)]));
        const expected = getAddress("0x" + digest.slice(-40));
        expect(outcome.address, outcome.name).to.equal(expected);
        expect(await code(expected), outcome.name).to.not.equal("0x");
        expect(result.record.contracts[outcome.name].address).to.equal(expected);
      }
    });

    it("D-A1 gives the same addresses whichever account deploys, at whatever nonce", async function () {
      const first = await run({ owner: stranger.address });
      await network.provider.send("evm_revert", [snapshot]);
      snapshot = await network.provider.send("evm_snapshot", []);
      rmSync(path());
      // Another account, with a nonce far from the first one's.
      for (let i = 0; i < 3; i++) await other.sendTransaction({ to: other.address, value: 1n });
      const second = await run({ signer: other, owner: stranger.address });
      expect(second.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      expect(second.contracts.map((c) => c.address)).to.deep.equal(first.contracts.map((c) => c.address));
      // and the address does depend on the initcode and the salt: another owner moves exactly the contracts whose
      // arguments it changes (at least the Escrow's, whose argument is its owner).
      const plans = planSuite(suiteArtifacts, { owner: other.address, salt: DEFAULT_SALT });
      expect(PRODUCTS.some(takesOwner), "no product takes the owner").to.equal(true);
      for (const [i, product] of PRODUCTS.entries()) {
        const moved = plans[i].address !== first.contracts[i].address;
        expect(moved, product.contract).to.equal(takesOwner(product));
      }
      const salted = planSuite(suiteArtifacts, { owner: stranger.address, salt: "0x" + "11".repeat(32) });
      expect(salted.map((p) => p.address)).to.not.include.members(first.contracts.map((c) => c.address));
    });
  });

  describe("the CREATE2 proxy", function () {
    it("D-A2 installs the proxy's runtime code on a local chain (31337) that lacks it, then deploys", async function () {
      expect(await code(CREATE2_PROXY)).to.equal("0x");
      const result = await run();
      expect(result.proxyInstalled).to.equal(true);
      expect(await code(CREATE2_PROXY)).to.equal(CREATE2_PROXY_RUNTIME);
      expect(result.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      // Present now: not installed again.
      rmSync(path());
      expect((await run()).proxyInstalled).to.equal(false);
    });

    it("D-A2 installs it on chain id 1337 too", async function () {
      const calls: string[] = [];
      const result = await run({ provider: reportingChainId(1337, calls) });
      expect(result.proxyInstalled).to.equal(true);
      expect(calls).to.include("hardhat_setCode");
      expect(await code(CREATE2_PROXY)).to.equal(CREATE2_PROXY_RUNTIME);
      expect(result.record.chainId).to.equal(1337);
    });

    it("D-A3 stops on a public chain without the proxy, naming chain and proxy, before sending anything", async function () {
      const calls: string[] = [];
      const before = await chainState();
      const error = await expectDeployError(
        run({ provider: reportingChainId(11_155_111, calls), network: "sepolia" }),
        DeployErrorCode.PROXY_MISSING,
      );
      expect(error.message).to.include("11155111").and.to.include(CREATE2_PROXY);
      expect(await chainState()).to.deep.equal(before);
      expect(calls.filter((m) => /setCode|sendTransaction|sendRawTransaction/.test(m))).to.deep.equal([]);
      expect(await code(CREATE2_PROXY)).to.equal("0x");
      expect(existsSync(join(dir, "sepolia.json"))).to.equal(false);
    });

    it("D-A3 deploys on that public chain once the proxy is there (the refusal is about the proxy)", async function () {
      await installProxy();
      const result = await run({ provider: reportingChainId(11_155_111), network: "sepolia" });
      expect(result.proxyInstalled).to.equal(false);
      expect(result.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
    });

    it("§2 refuses a proxy address that holds other code", async function () {
      await network.provider.send("hardhat_setCode", [CREATE2_PROXY, "0x00"]);
      const before = await chainState();
      await expectDeployError(run(), DeployErrorCode.PROXY_CODE_MISMATCH);
      expect(await chainState()).to.deep.equal(before);
    });

    it("§2 checks the runtime code after each creation: code other than the artifact's is an error", async function () {
      for (const [i, name] of SUITE.entries()) {
        // The creation bytecode is the real one, but the expected runtime code differs in one metadata byte. Each
        // product in its own folder and with its own salt, so that the contracts before it are created anew.
        const expectedOther = {
          ...suiteArtifacts[name],
          deployedBytecode: alterBuild(suiteArtifacts[name]).deployedBytecode,
        };
        const error = await expectDeployError(
          run({
            artifacts: { ...suiteArtifacts, [name]: expectedOther },
            salt: keccak256(concat([DEFAULT_SALT, "0x" + i.toString(16).padStart(2, "0")])),
            deploymentsDir: mkdtempSync(join(dir, "mismatch-")),
          }),
          DeployErrorCode.CODE_MISMATCH,
        );
        expect(error.details, name).to.include({ contract: name });
      }
    });

    it("§2 the runtime check ignores only the immutables' bytes", async function () {
      const result = await run();
      const flip = (hex: string, byte: number) => {
        const at = 2 + 2 * byte;
        const b = (parseInt(hex.slice(at, at + 2), 16) ^ 0xff).toString(16).padStart(2, "0");
        return hex.slice(0, at) + b + hex.slice(at + 2);
      };
      // The Escrow's EIP-712 domain makes at least one contract of the suite hold immutables.
      expect(SUITE.some((name) => suiteArtifacts[name].immutableRanges.length > 0)).to.equal(true);
      for (const { name, address } of result.contracts) {
        const onChain = (await code(address)).toLowerCase();
        const artifact = suiteArtifacts[name];
        expect(matchesRuntime(onChain, artifact), name).to.equal(true);
        expect(matchesRuntime(flip(onChain, 0), artifact), name).to.equal(false);
        expect(matchesRuntime(onChain + "00", artifact), name).to.equal(false);
        const ranges = artifact.immutableRanges;
        if (ranges.length === 0) {
          expect(onChain, name).to.equal(artifact.deployedBytecode.toLowerCase());
          continue;
        }
        // The immutables do differ from the artifact's zeros (e.g. the EIP-712 domain's cached values).
        expect(onChain, name).to.not.equal(artifact.deployedBytecode.toLowerCase());
        const ignored = (byte: number) => ranges.some(({ start, length }) => byte >= start && byte < start + length);
        for (const { start, length } of ranges) {
          expect(matchesRuntime(flip(onChain, start), artifact), `${name} @${start}`).to.equal(true);
          expect(
            matchesRuntime(flip(onChain, start + length - 1), artifact),
            `${name} @${start + length - 1}`,
          ).to.equal(true);
        }
        // The byte just after an immutable is compared.
        const after = ranges.map(({ start, length }) => start + length).find((byte) => !ignored(byte));
        expect(after, `${name}: every immutable is followed by another`).to.not.equal(undefined);
        expect(matchesRuntime(flip(onChain, after!), artifact), `${name} @${after}`).to.equal(false);
      }
    });
  });

  // ------------------------------------------------------------------ §3 the record

  describe("the record", function () {
    it("§3 records every contract with address, transaction, block, JSON arguments, salt and bytecode hash", async function () {
      const owner = stranger.address.toLowerCase();
      const result = await run({ owner });
      const record = readRecord(path())!;
      expect(record).to.deep.equal(result.record);
      expect(record).to.include({ network: "hardhat", chainId: 31337, deployer: deployer.address });
      expect(Object.keys(record.contracts)).to.deep.equal([...SUITE]);
      for (const outcome of result.contracts) {
        const entry = record.contracts[outcome.name];
        const receipt = await ethers.provider.getTransactionReceipt(entry.transactionHash!);
        expect(receipt?.status).to.equal(1);
        expect(entry).to.deep.equal({
          address: outcome.address,
          transactionHash: receipt!.hash,
          blockNumber: receipt!.blockNumber,
          constructorArgs: jsonArgs(PRODUCTS[SUITE.indexOf(outcome.name)], owner),
          salt: DEFAULT_SALT,
          bytecodeHash: keccak256(suiteArtifacts[outcome.name].bytecode),
          status: "deployed",
        });
        expect(outcome.gasUsed).to.equal(receipt!.gasUsed);
      }
      // The owner given in lower case is checksummed in the record, and is the Escrow's owner.
      const escrow = await ethers.getContractAt("Escrow", record.contracts.Escrow.address);
      expect(await escrow.owner()).to.equal(stranger.address);
    });

    it("§3 a corrupt record stops the run before anything is sent", async function () {
      const before = await chainState();
      for (const text of ["{ not json", "[]", JSON.stringify({ network: "hardhat", chainId: 31337 })]) {
        writeFileSync(path(), text);
        await expectDeployError(run(), DeployErrorCode.RECORD_CORRUPT);
        expect(readFileSync(path(), "utf8")).to.equal(text);
      }
      // A pending entry without its transaction cannot be resumed: corrupt.
      const result = await run({ deploymentsDir: mkdtempSync(join(tmpdir(), "peerpay-deploy-")) });
      const record = structuredClone(result.record);
      const [firstName] = SUITE;
      record.contracts[firstName] = {
        ...record.contracts[firstName],
        status: "pending",
        transactionHash: null,
        blockNumber: null,
      };
      writeFileSync(path(), serializeRecord(record));
      const after = await chainState();
      await expectDeployError(run(), DeployErrorCode.RECORD_CORRUPT);
      expect(await chainState()).to.deep.equal(after);
      expect(after.nonce).to.equal(before.nonce + SUITE.length);
    });

    it("D-R2 rewrites the record after each send and each receipt: pending, then deployed", async function () {
      await installProxy();
      await network.provider.send("evm_setAutomine", [false]);
      const running = run();
      running.catch(() => undefined);
      const read = () => (existsSync(path()) ? readRecord(path()) : undefined);

      // Each contract in turn. After its send: pending with its transaction, which is in the mempool, not mined; the
      // contracts before it deployed, each in the block that mined it; none after it in the record yet. Then its
      // receipt, once a block mines it.
      const hashes: string[] = [];
      const minedAt: number[] = [];
      for (const [i, name] of SUITE.entries()) {
        const sent = await waitFor(
          () => read(),
          (r) => r?.contracts[name]?.status === "pending",
          { what: `${name} pending` },
        );
        const hash = sent!.contracts[name].transactionHash!;
        expect(sent!.contracts[name].blockNumber, name).to.equal(null);
        for (const [j, earlier] of SUITE.slice(0, i).entries()) {
          expect(sent!.contracts[earlier], earlier).to.include({
            status: "deployed",
            transactionHash: hashes[j],
            blockNumber: minedAt[j],
          });
        }
        for (const later of SUITE.slice(i + 1)) expect(sent!.contracts[later], later).to.equal(undefined);
        const pendingTx = await network.provider.send("eth_getTransactionByHash", [hash]);
        expect(pendingTx.blockNumber, name).to.equal(null);
        hashes.push(hash);
        await network.provider.send("evm_mine", []);
        minedAt.push(await ethers.provider.getBlockNumber());
      }

      const result = await running;
      expect(result.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      const record = readRecord(path())!;
      for (const [i, name] of SUITE.entries()) {
        expect(record.contracts[name], name).to.include({
          status: "deployed",
          transactionHash: hashes[i],
          blockNumber: minedAt[i],
        });
      }
    });
  });

  // ------------------------------------------------------------------ §4 the run

  describe("the deploy run", function () {
    it("D-C1 stops when the record's chain id differs, naming both ids and the file, before sending anything", async function () {
      const result = await run();
      const record: DeploymentRecord = { ...result.record, chainId: 11_155_111 };
      writeFileSync(path(), serializeRecord(record));
      await network.provider.send("hardhat_setCode", [CREATE2_PROXY, "0x"]);
      const before = await chainState();
      const error = await expectDeployError(run(), DeployErrorCode.CHAIN_MISMATCH);
      expect(error.message).to.include("11155111").and.to.include("31337").and.to.include(path());
      expect(await chainState()).to.deep.equal(before);
      // Not even the proxy was installed, and the record is as it was.
      expect(await code(CREATE2_PROXY)).to.equal("0x");
      expect(readFileSync(path(), "utf8")).to.equal(serializeRecord(record));
    });

    it("§3 refuses a network name that cannot name a record: a path, or the schema's file", async function () {
      const before = await chainState();
      for (const name of ["../sepolia", "", "record.schema"]) {
        const error = await expectDeployError(run({ network: name }), DeployErrorCode.INVALID_OPTION);
        expect(error.message).to.include(JSON.stringify(name));
      }
      expect(await chainState()).to.deep.equal(before);
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it("D-S1 a second run sends nothing, reports unchanged and leaves the record byte for byte", async function () {
      const first = await run();
      const text = readFileSync(path(), "utf8");
      const before = await chainState();
      const lines: string[] = [];
      const second = await run({ logger: (l) => lines.push(l) });
      expect(await chainState()).to.deep.equal(before);
      expect(second.contracts.map((c) => c.action)).to.deep.equal(each("unchanged"));
      expect(second.contracts.map((c) => c.address)).to.deep.equal(first.contracts.map((c) => c.address));
      expect(readFileSync(path(), "utf8")).to.equal(text);
      expect(lines).to.deep.equal([]);
    });

    it("D-S2 a pending creation that was mined is recorded as deployed (resumed) without sending it again", async function () {
      await installProxy();
      const [firstPlan] = planSuite(suiteArtifacts, { owner: deployer.address, salt: DEFAULT_SALT });
      // What an interrupted run leaves: its transaction mined, the record still saying pending.
      const receipt = await createThroughProxy(deployer, firstPlan.initcode, DEFAULT_SALT);
      writeFileSync(path(), serializeRecord(pendingRecord(firstPlan, receipt.hash)));
      const before = await chainState();
      const result = await run();
      expect(result.contracts[0]).to.include({
        action: "resumed",
        transactionHash: receipt.hash,
        blockNumber: receipt.blockNumber,
      });
      expect(result.contracts[0].gasUsed).to.equal(receipt.gasUsed);
      expect(result.contracts.slice(1).map((c) => c.action)).to.deep.equal(each("deployed").slice(1));
      // Only the contracts after the first were sent.
      expect((await chainState()).nonce).to.equal(before.nonce + SUITE.length - 1);
      expect(readRecord(path())!.contracts[firstPlan.name]).to.include({
        status: "deployed",
        transactionHash: receipt.hash,
      });
    });

    it("D-S2 a pending creation unknown to the node (dropped), with no code at the address, is sent again", async function () {
      await installProxy();
      const [firstPlan] = planSuite(suiteArtifacts, { owner: deployer.address, salt: DEFAULT_SALT });
      const dropped = keccak256("0x1234");
      writeFileSync(path(), serializeRecord(pendingRecord(firstPlan, dropped)));
      const before = await chainState();
      const result = await run();
      expect(result.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      expect(result.contracts[0].transactionHash).to.not.equal(dropped);
      expect((await chainState()).nonce).to.equal(before.nonce + SUITE.length);
      expect(await code(firstPlan.address)).to.not.equal("0x");
    });

    it("D-S2 a pending creation that reverted, with the code created by someone else, is adopted", async function () {
      await installProxy();
      const [firstPlan] = planSuite(suiteArtifacts, { owner: deployer.address, salt: DEFAULT_SALT });
      const theirs = await createThroughProxy(stranger, firstPlan.initcode, DEFAULT_SALT);
      // Ours came second: the proxy reverts on the taken address.
      const ours = await createThroughProxy(deployer, firstPlan.initcode, DEFAULT_SALT);
      expect(ours.status).to.equal(0);
      writeFileSync(path(), serializeRecord(pendingRecord(firstPlan, ours.hash)));
      const before = await chainState();
      const result = await run();
      expect(result.contracts[0]).to.include({
        action: "adopted",
        transactionHash: null,
        blockNumber: theirs.blockNumber,
      });
      expect(result.contracts.slice(1).map((c) => c.action)).to.deep.equal(each("deployed").slice(1));
      expect((await chainState()).nonce).to.equal(before.nonce + SUITE.length - 1);
    });

    it("D-S2 a pending creation still in the mempool is waited for, not sent again", async function () {
      await installProxy();
      await network.provider.send("evm_setAutomine", [false]);
      const [firstPlan] = planSuite(suiteArtifacts, { owner: deployer.address, salt: DEFAULT_SALT });
      const tx = await deployer.sendTransaction({
        to: CREATE2_PROXY,
        data: concat([DEFAULT_SALT, firstPlan.initcode]),
      });
      writeFileSync(path(), serializeRecord(pendingRecord(firstPlan, tx.hash)));
      const running = run();
      running.catch(() => undefined);
      // Give the run time to (wrongly) send; the pending nonce must stay one past the mined one.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const mined = await ethers.provider.getTransactionCount(deployer.address, "latest");
      expect(await ethers.provider.getTransactionCount(deployer.address, "pending")).to.equal(mined + 1);
      await network.provider.send("evm_mine", []);
      // Once the first is mined, the run sends each of the others in turn.
      for (const name of SUITE.slice(1)) {
        await waitFor(
          () => (existsSync(path()) ? readRecord(path()) : undefined),
          (r) => r?.contracts[name]?.status === "pending",
          { what: `${name} pending` },
        );
        await network.provider.send("evm_mine", []);
      }
      const result = await running;
      expect(result.contracts.map((c) => c.action)).to.deep.equal(["resumed", ...each("deployed").slice(1)]);
      expect(result.contracts[0].transactionHash).to.equal(tx.hash);
      expect(await ethers.provider.getTransactionCount(deployer.address, "latest")).to.equal(mined + SUITE.length);
    });

    it("D-S3 a lost record: the contracts at their addresses are adopted without sending, with their creation blocks", async function () {
      const first = await run();
      // Move the chain on, so that finding the creation block is a real search.
      for (let i = 0; i < 40; i++) await network.provider.send("evm_mine", []);
      rmSync(path());
      const before = await chainState();
      const second = await run();
      expect(await chainState()).to.deep.equal(before);
      for (const [i, outcome] of second.contracts.entries()) {
        expect(outcome).to.include({
          action: "adopted",
          address: first.contracts[i].address,
          transactionHash: null,
          blockNumber: first.contracts[i].blockNumber,
          gasUsed: null,
        });
        expect(readRecord(path())!.contracts[outcome.name]).to.include({ status: "deployed", transactionHash: null });
      }
    });

    it("D-S3 contracts created by someone else are recorded without sending", async function () {
      await installProxy();
      const plans = planSuite(suiteArtifacts, { owner: deployer.address, salt: DEFAULT_SALT });
      const blocks: number[] = [];
      for (const plan of plans) blocks.push((await createThroughProxy(stranger, plan.initcode, plan.salt)).blockNumber);
      const before = await chainState();
      const result = await run();
      expect(await chainState()).to.deep.equal(before);
      expect(blocks).to.have.length(SUITE.length);
      expect(result.contracts.map((c) => [c.action, c.blockNumber])).to.deep.equal(
        blocks.map((block) => ["adopted", block]),
      );
    });

    it("D-S4 other arguments (another owner): each contract whose arguments change is deployed at a new address, its entry replaced; the old one stays untouched", async function () {
      const first = await run();
      const before = await chainState();
      const second = await run({ owner: stranger.address });
      const changed = PRODUCTS.map(takesOwner);
      expect(changed, "no product takes the owner").to.include(true);
      expect(second.contracts.map((c) => c.action)).to.deep.equal(
        changed.map((moved) => (moved ? "deployed" : "unchanged")),
      );
      expect((await chainState()).nonce).to.equal(before.nonce + changed.filter(Boolean).length);
      const record = readRecord(path())!;
      for (const [i, product] of PRODUCTS.entries()) {
        const { name, address } = second.contracts[i];
        if (changed[i]) {
          expect(address, name).to.not.equal(first.contracts[i].address);
          expect(await code(first.contracts[i].address), name).to.not.equal("0x");
        } else {
          expect(address, name).to.equal(first.contracts[i].address);
        }
        expect(record.contracts[name], name).to.include({ address, status: "deployed" });
        expect(record.contracts[name].constructorArgs, name).to.deep.equal(jsonArgs(product, stranger.address));
      }
      // The Escrow's argument is its owner: the old one keeps the first owner, the new one has the other.
      const escrowAt = (result: typeof first) => result.contracts.find((c) => c.name === "Escrow")!.address;
      const old = await ethers.getContractAt("Escrow", escrowAt(first));
      expect(await old.owner()).to.equal(deployer.address);
      const fresh = await ethers.getContractAt("Escrow", escrowAt(second));
      expect(await fresh.owner()).to.equal(stranger.address);
    });

    it("D-S4 another salt: every contract is deployed again at a new address", async function () {
      const first = await run();
      const salt = "0x" + "ab".repeat(32);
      const second = await run({ salt });
      expect(second.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      for (const [i, c] of second.contracts.entries()) {
        expect(c.address).to.not.equal(first.contracts[i].address);
        expect(await code(first.contracts[i].address)).to.not.equal("0x");
        expect(readRecord(path())!.contracts[c.name]).to.include({ salt, address: c.address });
      }
    });

    it("D-S4 a new build (other bytecode hash): deployed at a new address, the entry replaced", async function () {
      const first = await run();
      // The second contract is rebuilt: the ones before and after it are not.
      const name = SUITE[1];
      const rebuilt = { ...suiteArtifacts, [name]: alterBuild(suiteArtifacts[name]) };
      const second = await run({ artifacts: rebuilt });
      expect(second.contracts.map((c) => c.action)).to.deep.equal(
        SUITE.map((n) => (n === name ? "deployed" : "unchanged")),
      );
      expect(second.contracts[1].address).to.not.equal(first.contracts[1].address);
      expect(await code(first.contracts[1].address)).to.not.equal("0x");
      expect(readRecord(path())!.contracts[name]).to.include({
        address: second.contracts[1].address,
        bytecodeHash: keccak256(rebuilt[name].bytecode),
      });
    });

    it("D-S5 a record of a restarted chain (no code at the addresses) is stale: deployed again, entries replaced", async function () {
      const fresh = await network.provider.send("evm_snapshot", []);
      const first = await run();
      const stale = readFileSync(path(), "utf8");
      // The chain "restarts": back to before the deployment; the record stays.
      await network.provider.send("evm_revert", [fresh]);
      for (const c of first.contracts) expect(await code(c.address)).to.equal("0x");
      // The new chain's history differs (else the same transactions would come out byte for byte).
      await deployer.sendTransaction({ to: other.address, value: 1n });
      const before = await chainState();
      const second = await run();
      expect(second.contracts.map((c) => c.action)).to.deep.equal(each("deployed"));
      expect((await chainState()).nonce).to.equal(before.nonce + SUITE.length);
      expect(second.contracts.map((c) => c.address)).to.deep.equal(first.contracts.map((c) => c.address));
      for (const c of second.contracts) expect(await code(c.address)).to.not.equal("0x");
      const record = readRecord(path())!;
      expect(serializeRecord(record)).to.not.equal(stale);
      for (const c of second.contracts) expect(record.contracts[c.name].transactionHash).to.equal(c.transactionHash);
    });
  });

  /** The record an interrupted run leaves after sending `plan`'s creation as `hash`. */
  function pendingRecord(plan: ReturnType<typeof planSuite>[number], hash: string): DeploymentRecord {
    return {
      network: "hardhat",
      chainId: 31337,
      deployer: deployer.address,
      contracts: {
        [plan.name]: {
          address: plan.address,
          transactionHash: hash,
          blockNumber: null,
          constructorArgs: plan.constructorArgs,
          salt: plan.salt,
          bytecodeHash: plan.bytecodeHash,
          status: "pending",
        },
      },
    };
  }
});
