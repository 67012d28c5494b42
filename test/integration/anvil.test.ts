// The deploy CLI and the SDK against real anvil nodes over HTTP (docs/deployments.md §2–§4): the CLI runs as a
// subprocess (`hardhat run scripts/deploy.ts --network localhost`) with its records in a temporary folder, the SDK
// talks to the node through an ethers JsonRpcProvider with wallets of anvil's funded accounts.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet, parseEther, type TransactionReceipt } from "ethers";
import {
  CREATE2_PROXY,
  CREATE2_PROXY_RUNTIME,
  SUITE,
  readRecord,
  type DeploymentRecord,
} from "../../scripts/lib/deploy";
import { EscrowClient, MemoryVoucherStore, Outcome, PayeeClient, PayerClient } from "../../sdk";
import { underCoverage } from "../helpers/coverage";
import { AnvilStartError, startAnvil, type Anvil } from "../helpers/anvil";
import { waitFor } from "../helpers/deploy";
import { schemaErrors, validateRecord } from "../helpers/record-schema";

const ROOT = join(__dirname, "..", "..");
const HARDHAT = join(ROOT, "node_modules", ".bin", "hardhat");
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
/** Anvil's default accounts (funded with 10,000 ETH each); account 0 is the node's first unlocked account. */
const account = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);
const DEPLOYER = account(0).address;
const LINE_RE = new RegExp(
  `^(${SUITE.join("|")})\\s+(deployed|resumed|adopted|unchanged)\\s+(0x[0-9a-fA-F]{40})\\s+gas ([\\d,]+|-)$`,
);

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: { name: string; action: string; address: string; gas: string }[];
}

/** The deploy CLI against `node`, with records in `dir`. */
function deployCli(node: Anvil, dir: string): { child: ReturnType<typeof spawn>; done: Promise<CliRun> } {
  const child = spawn(HARDHAT, ["run", "scripts/deploy.ts", "--network", "localhost"], {
    cwd: ROOT,
    env: { ...process.env, LOCALHOST_RPC_URL: node.url, PEERPAY_DEPLOYMENTS_DIR: dir },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that a kill reaches Hardhat and anything it starts.
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(new Error(`the deploy CLI did not finish in 60 s:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const lines = stdout
        .split("\n")
        .map((l) => LINE_RE.exec(l.trim()))
        .filter((m) => m !== null)
        .map((m) => ({ name: m[1], action: m[2], address: m[3], gas: m[4] }));
      resolve({ code, stdout, stderr, lines });
    });
  });
  return { child, done };
}

async function runCli(node: Anvil, dir: string): Promise<CliRun> {
  const run = await deployCli(node, dir).done;
  return run;
}

function expectSuccess(run: CliRun): void {
  expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).to.equal(0);
}

const nonceOf = async (node: Anvil, address: string) =>
  Number(BigInt(await node.rpc<string>("eth_getTransactionCount", [address, "latest"])));
const blockOf = async (node: Anvil) => Number(BigInt(await node.rpc<string>("eth_blockNumber")));
const gasCost = (r: TransactionReceipt) => r.gasUsed * r.gasPrice;

describe("Deployment against anvil over HTTP (test/integration)", function () {
  this.timeout(120_000);
  const nodes: Anvil[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), "peerpay-anvil-"));
    dirs.push(d);
    return d;
  };
  const anvil = async (chainId?: number) => {
    const node = await startAnvil({ chainId });
    nodes.push(node);
    return node;
  };

  before(function () {
    if (underCoverage()) this.skip();
  });

  after(async function () {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describe("a deployment, then the SDK on it", function () {
    let node: Anvil;
    let dir: string;
    let record: DeploymentRecord;
    let provider: JsonRpcProvider;

    before(async function () {
      if (underCoverage()) this.skip();
      node = await anvil();
      dir = tempDir();
      provider = new JsonRpcProvider(node.url, undefined, {
        staticNetwork: true,
        pollingInterval: 50,
        // ethers caches identical calls for 250 ms by default: two sends in a row would get the same nonce.
        cacheTimeout: -1,
      });
    });
    after(() => provider?.destroy());

    it("the CLI deploys every product and prints one line each, then the record's path", async function () {
      const run = await runCli(node, dir);
      expectSuccess(run);
      expect(run.lines.map((l) => [l.name, l.action])).to.deep.equal(SUITE.map((name) => [name, "deployed"]));
      const path = join(dir, "localhost.json");
      expect(run.stdout).to.include(`record: ${path}`);
      // The file as written holds deployments/record.schema.json.
      expect(schemaErrors(validateRecord, JSON.parse(readFileSync(path, "utf8")))).to.deep.equal([]);
      record = readRecord(path)!;
      expect(record).to.include({ network: "localhost", chainId: 31337, deployer: DEPLOYER });
      for (const line of run.lines) {
        const entry = record.contracts[line.name];
        expect(entry).to.include({ address: line.address, status: "deployed" });
        const receipt = await provider.getTransactionReceipt(entry.transactionHash!);
        expect(receipt!.gasUsed.toLocaleString("en-US")).to.equal(line.gas);
        expect(receipt!.blockNumber).to.equal(entry.blockNumber);
        expect(await provider.getCode(line.address)).to.not.equal("0x");
      }
      expect(await nonceOf(node, DEPLOYER)).to.equal(SUITE.length);
    });

    it("an escrow deal over the SDK: the depositor locks 1 ETH, releases it, the beneficiary gets it", async function () {
      const depositor = new Wallet(account(1).privateKey, provider);
      const beneficiary = account(2).address;
      const client = new EscrowClient({ address: record.contracts.Escrow.address, runner: depositor });
      const escrowAddress = record.contracts.Escrow.address;
      const [d0, b0] = await Promise.all([provider.getBalance(depositor.address), provider.getBalance(beneficiary)]);
      const latest = (await provider.getBlock("latest"))!.timestamp;
      const created = await client.createDeal({
        beneficiary,
        amount: parseEther("1"),
        deadline: latest + 7 * 86_400,
        defaultOutcome: Outcome.Release,
      });
      expect(await provider.getBalance(escrowAddress)).to.equal(parseEther("1"));
      const released = await client.release({ deal: created.deal, amount: parseEther("1") });
      const [d1, b1] = await Promise.all([provider.getBalance(depositor.address), provider.getBalance(beneficiary)]);
      expect(b1 - b0).to.equal(parseEther("1"));
      expect(d0 - d1).to.equal(parseEther("1") + gasCost(created.receipt) + gasCost(released.receipt));
      expect(await provider.getBalance(escrowAddress)).to.equal(0n);
    });

    it("a micropayment stream over the SDK: open, 50 vouchers accepted, claim, close", async function () {
      const channels = record.contracts.MicropaymentChannels.address;
      const payerWallet = new Wallet(account(3).privateKey, provider);
      const payeeWallet = new Wallet(account(4).privateKey, provider);
      const payer = new PayerClient({ address: channels, runner: payerWallet });
      const payee = new PayeeClient({ address: channels, runner: payeeWallet, store: new MemoryVoucherStore() });
      const [p0, q0] = await Promise.all([
        provider.getBalance(payerWallet.address),
        provider.getBalance(payeeWallet.address),
      ]);
      const deposit = parseEther("0.05");
      const price = parseEther("0.0001");
      const session = Wallet.createRandom();
      const opened = await payer.open({
        payee: payeeWallet.address,
        amount: deposit,
        challengePeriod: 3_600,
        signer: session.address,
      });
      await payer.useSessionKey({ channel: opened.channel, privateKey: session.privateKey });
      expect(await provider.getBalance(channels)).to.equal(deposit);
      const receipts: TransactionReceipt[] = [];
      for (let call = 1; call <= 50; call++) {
        const voucher = await payer.pay({ channel: opened.channel, amount: price });
        const { increment } = await payee.acceptVoucher(voucher);
        expect(increment).to.equal(price);
        if (call === 25) receipts.push((await payee.claim({ channel: opened.channelId })).receipt);
      }
      receipts.push((await payee.close({ channel: opened.channelId })).receipt);
      const paid = 50n * price;
      const [p1, q1] = await Promise.all([
        provider.getBalance(payerWallet.address),
        provider.getBalance(payeeWallet.address),
      ]);
      expect(q1 - q0).to.equal(paid - receipts.reduce((sum, r) => sum + gasCost(r), 0n));
      expect(p0 - p1).to.equal(paid + gasCost(opened.receipt));
      expect(await provider.getBalance(channels)).to.equal(0n);
    });

    it("D-S1 a second CLI run sends nothing: nonce, block and record unchanged", async function () {
      const path = join(dir, "localhost.json");
      const text = readFileSync(path, "utf8");
      const [nonce, block] = [await nonceOf(node, DEPLOYER), await blockOf(node)];
      const run = await runCli(node, dir);
      expectSuccess(run);
      expect(run.lines.map((l) => [l.action, l.address, l.gas])).to.deep.equal(
        SUITE.map((name) => ["unchanged", record.contracts[name].address, "-"]),
      );
      expect([await nonceOf(node, DEPLOYER), await blockOf(node)]).to.deep.equal([nonce, block]);
      expect(readFileSync(path, "utf8")).to.equal(text);
    });
  });

  it("D-S2 a CLI killed (-9) with its creation pending resumes it on the next run: each contract created once", async function () {
    const node = await anvil();
    const dir = tempDir();
    const path = join(dir, "localhost.json");
    await node.rpc("evm_setAutomine", [false]);
    const { child, done } = deployCli(node, dir);
    const pending = await waitFor(
      () => (existsSync(path) ? readRecord(path) : undefined),
      (r) => r?.contracts.Escrow?.status === "pending",
      { timeoutMs: 45_000, intervalMs: 50, what: "the pending record" },
    );
    const hash = pending!.contracts.Escrow.transactionHash!;
    const tx = await node.rpc<{ blockNumber: string | null } | null>("eth_getTransactionByHash", [hash]);
    expect(tx, "the pending transaction").to.not.equal(null);
    expect(tx!.blockNumber).to.equal(null);
    process.kill(-child.pid!, "SIGKILL");
    const killed = await done;
    expect(killed.code).to.equal(null); // killed, not finished
    await node.rpc("evm_mine");
    await node.rpc("evm_setAutomine", [true]);

    const run = await runCli(node, dir);
    expectSuccess(run);
    // Escrow is the first product: the one the killed run left pending.
    expect(SUITE[0]).to.equal("Escrow");
    expect(run.lines.map((l) => [l.name, l.action])).to.deep.equal([
      ["Escrow", "resumed"],
      ...SUITE.slice(1).map((name) => [name, "deployed"]),
    ]);
    const record = readRecord(path)!;
    expect(record.contracts.Escrow).to.include({ status: "deployed", transactionHash: hash });
    for (const name of SUITE) expect(record.contracts[name].status, name).to.equal("deployed");
    // Exactly one transaction from the deployer per contract in all: one creation each.
    expect(await nonceOf(node, DEPLOYER)).to.equal(SUITE.length);
    for (const name of SUITE) {
      const receipt = await node.rpc<{ status: string }>("eth_getTransactionReceipt", [
        record.contracts[name].transactionHash,
      ]);
      expect(receipt.status, name).to.equal("0x1");
    }
  });

  describe("a node with a public chain id (11155111)", function () {
    let node: Anvil;
    before(async function () {
      if (underCoverage()) this.skip();
      node = await anvil(11_155_111);
    });

    it("D-A1 gives the same addresses as on chain id 31337", async function () {
      const local = await anvil();
      const [a, b] = await Promise.all([runCli(local, tempDir()), runCli(node, tempDir())]);
      expectSuccess(a);
      expectSuccess(b);
      expect(b.lines.map((l) => l.action)).to.deep.equal(SUITE.map(() => "deployed"));
      expect(b.lines.map((l) => l.address)).to.deep.equal(a.lines.map((l) => l.address));
      expect(await node.rpc("eth_chainId")).to.equal("0xaa36a7");
    });

    it("D-A3 a chain without the CREATE2 proxy: the CLI fails naming chain and proxy, having sent nothing", async function () {
      expect(await node.rpc("eth_getCode", [CREATE2_PROXY, "latest"])).to.equal(CREATE2_PROXY_RUNTIME);
      await node.rpc("anvil_setCode", [CREATE2_PROXY, "0x"]);
      const dir = tempDir();
      const [nonce, block] = [await nonceOf(node, DEPLOYER), await blockOf(node)];
      const run = await runCli(node, dir);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/error \[PROXY_MISSING\]/);
      expect(run.stderr).to.include("11155111").and.to.include(CREATE2_PROXY);
      expect([await nonceOf(node, DEPLOYER), await blockOf(node)]).to.deep.equal([nonce, block]);
      expect(await node.rpc("eth_getCode", [CREATE2_PROXY, "latest"])).to.equal("0x");
      expect(existsSync(join(dir, "localhost.json"))).to.equal(false);
    });
  });

  describe("a node that fails to start", function () {
    it("reports a taken port with anvil's own error, not a hang", async function () {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = (server.address() as { port: number }).port;
      try {
        const started = Date.now();
        const error = await startAnvil({ port }).then(
          () => expect.fail("anvil started on a taken port"),
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(AnvilStartError);
        expect((error as Error).message).to.match(/exited before answering.*already in use/is);
        expect(Date.now() - started).to.be.lessThan(15_000);
      } finally {
        server.close();
      }
    });

    it("reports a missing binary", async function () {
      const error = await startAnvil({ binary: join(tmpdir(), "no-such-anvil") }).then(
        () => expect.fail("started a missing binary"),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AnvilStartError);
      expect((error as Error).message).to.include("not found");
    });

    it("reports a binary that is not anvil (exits at once) with its exit code", async function () {
      const error = await startAnvil({ binary: process.execPath, args: ["--definitely-not-a-node-flag"] }).then(
        () => expect.fail("started"),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AnvilStartError);
      expect((error as Error).message).to.match(/exited before answering \(code 9/);
    });
  });
});
