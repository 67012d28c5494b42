// The watchtower PROCESS end to end (docs/payment-channels.md §6, §8.7 PC-E6, §8.8 PC-E7): `scripts/watchtower.ts`
// runs as a child process against anvil with automine off; the test mines the blocks itself, raising the base fee
// at every block while a defence is due. Bob registers his channels over HTTP (WatchtowerClient), hands in Alice's
// proofs with a Reward and goes offline; Alice closes with nothing of her own direction recorded; the process must
// land updateFor before closesAt, through a fee bump, a SIGKILL and restart on its --data dir, and the death of its
// primary RPC endpoint. Every wait is on a condition with a timeout; nothing asserts a duration.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, ZeroHash, toBeHex, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import { PaymentChannelsClient, WatchtowerClient, type BalanceProof, type PaymentChannelEvent } from "../../sdk";
import { PaymentChannels__factory } from "../../typechain-types";
import { startAnvil, type Anvil } from "../helpers/anvil";
import { underCoverage } from "../helpers/coverage";
import { waitFor } from "../helpers/deploy";
import { startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy";
import { account, anvilProvider } from "../helpers/submitter";

const ROOT = join(__dirname, "..", "..");
const TS_NODE = join(ROOT, "node_modules", ".bin", "ts-node");
const HOUR = 3_600;
const SAFETY_MARGIN = 600;
const REWARD = 10n;
const MAX_BASE_FEE = 10n ** 15n;

type Sent = { type: "sent"; nonce: number; hash: string; attempt: number; label?: string; maxFeePerGas: string };

// Every watchtower process this test started and has not seen exit: killed when the test process exits, however it
// exits (they are detached, in their own process groups, so nothing else would stop them).
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) process.kill(-child.pid!, "SIGKILL");
});

/** One run of the watchtower process: its output lines as they come, its URL once it listens. */
class TowerProcess {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor({ args, key }: { args: string[]; key: string }) {
    this.child = spawn(TS_NODE, ["--transpile-only", "scripts/watchtower.ts", ...args], {
      cwd: ROOT,
      // The key only in the environment, as an operator runs it (no --key flag: its default is env:WATCHTOWER_KEY).
      env: { ...process.env, WATCHTOWER_KEY: key },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let partial = "";
    const take = (d: Buffer) => {
      const text = partial + d.toString();
      const parts = text.split("\n");
      partial = parts.pop()!;
      this.lines.push(...parts);
    };
    this.child.stdout!.on("data", take);
    this.child.stderr!.on("data", (d: Buffer) => this.lines.push(`stderr: ${d.toString().trim()}`));
    running.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once("exit", () => {
        running.delete(this.child);
        resolve();
      }),
    );
  }

  async url(): Promise<string> {
    const line = await this.waitForLine(/listening on (http:\/\/\S+):/, "the process to listen", 60_000);
    return /listening on (http:\/\/\S+):/.exec(line)![1];
  }

  waitForLine(pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      () => {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          throw new Error(`the watchtower exited while waiting for ${what}:\n${this.lines.join("\n")}`);
        }
        return this.lines.find((l) => pattern.test(l));
      },
      (line) => line !== undefined,
      { timeoutMs, intervalMs: 50, what: `${what}; output:\n${this.lines.join("\n")}` },
    ) as Promise<string>;
  }

  /** The submitter's `sent` events (every signed attempt) as the process printed them. */
  sent(): Sent[] {
    return this.lines
      .map((l) => /submitter (\{"type":"sent".*\})$/.exec(l)?.[1])
      .filter((json): json is string => json !== undefined)
      .map((json) => JSON.parse(json) as Sent);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    process.kill(-this.child.pid!, signal);
    await this.exited;
  }
}

// The three tests run in order on one node and one --data dir: the second SIGKILLs the process the first started and
// restarts it, the third kills the primary endpoint under the restarted one.
describe("Watchtower process against anvil, automine off, rising base fee (PC-E6, PC-E7; test/integration)", function () {
  this.timeout(120_000);
  let node: Anvil;
  let proxy: RpcProxy;
  let provider: JsonRpcProvider;
  let dataDir: string;
  let contract: string;
  let fromBlock: number;
  let tower: TowerProcess | undefined;
  let towerUrl: string;
  const processes: TowerProcess[] = [];
  const deployer = account(0);
  const alice = account(1);
  const bob = account(2);
  const towerKey = account(3);

  // The miner: a block every 150 ms. While `rising` (from a close to its defence), each block's base fee is 12.5%
  // above the last; once the watchtower's first updateFor attempt is in the pool, the next block is priced 1 wei above
  // it (it cannot be mined at its first price: only a bump lands it).
  let mining = true;
  let miner: Promise<void> | undefined;
  let rising = false;
  let baseFee = 10n ** 9n;
  let spikedAbove: bigint | undefined;
  const minerErrors: string[] = [];
  const mineLoop = async () => {
    while (mining) {
      await mineOne().catch((error: unknown) => minerErrors.push(String(error)));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  };
  const mineOne = async () => {
    if (rising) {
      // Capped where anvil's u64 base fee is still far away (a runaway fee would crash it if a test hangs).
      if (baseFee < MAX_BASE_FEE) baseFee = (baseFee * 9n) / 8n;
      if (spikedAbove === undefined) {
        const pool = await node.rpc<{ pending: Record<string, Record<string, { maxFeePerGas: string }>> }>(
          "txpool_content",
        );
        const ours = Object.entries(pool.pending).find(
          ([from]) => from.toLowerCase() === towerKey.address.toLowerCase(),
        );
        const first = ours === undefined ? undefined : Object.values(ours[1])[0];
        // No block until the first attempt is seen: one mined between this read and the spike would take it at
        // the old price, and no bump would ever be needed.
        if (first === undefined) return;
        spikedAbove = BigInt(first.maxFeePerGas);
        if (baseFee <= spikedAbove) baseFee = spikedAbove + 1n;
      }
      await node.rpc("anvil_setNextBlockBaseFeePerGas", [toBeHex(baseFee)]);
    }
    await node.rpc("evm_mine");
  };

  const client = (wallet: HDNodeWallet) =>
    new PaymentChannelsClient({ address: contract, runner: new Wallet(wallet.privateKey, provider) });
  const open = async (salt: number) => {
    const opened = await client(alice).open({ participant2: bob.address, amount: 1_000n, challengePeriod: HOUR, salt });
    await client(bob).deposit({ channel: opened.channelId, amount: 500n });
    return opened;
  };
  const proof = async (channel: Awaited<ReturnType<typeof open>>["channel"], nonce: bigint, transferred: bigint) => {
    const p: BalanceProof = { nonce, transferred, locked: 0n, locksRoot: ZeroHash };
    return { proof: p, signature: (await client(alice).signBalanceProof({ channel, proof: p })).signature };
  };
  /** Bob registers the channel at `url` and hands in Alice's proofs 1 (100) and 2 (300), the Reward on the last. */
  const bobHandsIn = async (url: string, opened: Awaited<ReturnType<typeof open>>) => {
    const bobTower = new WatchtowerClient({
      chainId: BigInt(node.chainId),
      contract,
      url,
      watchtower: towerKey.address,
      signer: new Wallet(bob.privateKey),
    });
    await bobTower.register({ channel: opened.channel, role: "participant2" });
    await bobTower.submitProof({ channelId: opened.channelId, ...(await proof(opened.channel, 1n, 100n)) });
    const p2 = await proof(opened.channel, 2n, 300n);
    const { answer } = await bobTower.submitProof({ channelId: opened.channelId, ...p2, reward: { amount: REWARD } });
    return answer;
  };
  /** Alice closes without any proof of her own direction (Bob's incoming one): the stalest close. */
  const aliceClosesStale = async (opened: Awaited<ReturnType<typeof open>>) => {
    const { events } = await client(alice).close({ channel: opened.channel });
    const closed = events.find((e) => e.type === "ChannelClosed") as Extract<
      PaymentChannelEvent,
      { type: "ChannelClosed" }
    >;
    return Number(closed.closesAt);
  };
  const recordedNonce = async (opened: Awaited<ReturnType<typeof open>>) =>
    (await client(deployer).getChannel({ channel: opened.channel })).record?.d12.nonce;
  const defended = (opened: Awaited<ReturnType<typeof open>>, what: string) =>
    waitFor(
      () => recordedNonce(opened),
      (nonce) => nonce === 2n,
      { timeoutMs: 30_000, intervalMs: 100, what },
    );
  const startTower = async (rpc: string[]) => {
    const args = ["--contract", contract, "--from-block", String(fromBlock), "--data", dataDir, "--port", "0"];
    tower = new TowerProcess({ args: [...rpc, ...args, "--poll", "200"], key: towerKey.privateKey });
    processes.push(tower);
    towerUrl = await tower.url();
    return tower;
  };

  before(async function () {
    if (underCoverage()) this.skip();
    node = await startAnvil();
    provider = anvilProvider(node, { pollingInterval: 50 });
    const deployed = await new PaymentChannels__factory(new Wallet(deployer.privateKey, provider)).deploy();
    contract = await deployed.getAddress();
    fromBlock = (await deployed.deploymentTransaction()!.wait())!.blockNumber;
    await node.rpc("evm_setAutomine", [false]);
    expect(await node.rpc("anvil_getAutomine")).to.equal(false);
    miner = mineLoop();
    proxy = await startRpcProxy(node.url);
    dataDir = mkdtempSync(join(tmpdir(), "peerpay-watchtower-"));
  });

  after(async function () {
    for (const p of processes) await p.kill("SIGKILL");
    mining = false;
    await miner?.catch(() => undefined);
    provider?.destroy();
    await proxy?.stop();
    await node?.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(function () {
    rising = false;
    if (this.currentTest?.state === "failed" && tower !== undefined) console.log(tower.lines.join("\n"), minerErrors);
  });

  it("PC-E6 PC-E7 lands updateFor for offline Bob before closesAt through a bump past a rising base fee; settle pays Bob per the newest proof and the watchtower its reward", async function () {
    // Reads and sends go to the primary (a proxy of the node) while it lives; the node itself is the secondary.
    await startTower(["--rpc", proxy.url, "--rpc2", node.url]);
    const opened = await open(1);
    expect(await bobHandsIn(towerUrl, opened)).to.deep.equal({ channelId: opened.channelId, nonce: "2" });

    const closesAt = await aliceClosesStale(opened);
    rising = true;
    expect(await recordedNonce(opened)).to.equal(0n);
    await defended(opened, "the watchtower's updateFor");
    rising = false;

    const minedLine = await tower!.waitForLine(/updateFor mined in 0x/, "the mined line");
    const hash = /mined in (0x[0-9a-f]{64})/.exec(minedLine)![1];
    const tx = (await provider.getTransaction(hash))!;
    const receipt = (await provider.getTransactionReceipt(hash))!;
    const block = (await provider.getBlock(receipt.blockNumber))!;
    expect(tx.from).to.equal(towerKey.address);
    expect(block.timestamp).to.be.lessThan(closesAt - SAFETY_MARGIN);
    // The first attempt was priced out by the spike; a replacement on the same nonce, above the spike, landed.
    const attempts = tower!.sent().filter((e) => e.label === "updateFor" && e.nonce === tx.nonce);
    expect(attempts.length, tower!.lines.join("\n")).to.be.greaterThan(1);
    expect(attempts[attempts.length - 1].hash).to.equal(hash);
    expect(BigInt(attempts[0].maxFeePerGas)).to.equal(spikedAbove);
    expect(block.baseFeePerGas! > spikedAbove!).to.equal(true);
    expect(tx.maxFeePerGas! > spikedAbove!).to.equal(true);

    await node.rpc("evm_setNextBlockTimestamp", [closesAt + 1]);
    const { events } = await client(deployer).settle({ channel: opened.channel });
    const settled = events.find((e) => e.type === "ChannelSettled") as Extract<
      PaymentChannelEvent,
      { type: "ChannelSettled" }
    >;
    const rewarded = events.filter((e) => e.type === "WatchtowerRewarded") as Extract<
      PaymentChannelEvent,
      { type: "WatchtowerRewarded" }
    >[];
    // Total 1,500: Alice 1,000 − 300 = 700; Bob 500 + 300 = 800, of which 10 to the watchtower.
    expect([settled.amount1, settled.amount2]).to.deep.equal([700n, 800n - REWARD]);
    expect(rewarded.map((r) => [r.watchtower, r.amount])).to.deep.equal([[towerKey.address, REWARD]]);
  });

  it("PC-E6 a watchtower SIGKILLed after storing Bob's proofs and restarted on the same --data dir still defends (its log replays)", async function () {
    const opened = await open(2);
    await bobHandsIn(towerUrl, opened);
    await tower!.kill("SIGKILL");
    expect(tower!.child.signalCode).to.equal("SIGKILL");

    // The new process learns of the channel and its proofs from nothing but its log.
    await startTower(["--rpc", proxy.url, "--rpc2", node.url]);
    await tower!.waitForLine(/opened: [1-9]\d* registrations/, "the replayed registrations");
    await aliceClosesStale(opened);
    rising = true;
    await defended(opened, "the restarted watchtower's updateFor");
    const { record } = await client(deployer).getChannel({ channel: opened.channel });
    expect([record!.d12.transferred, record!.d12.rewardee, record!.d12.reward]).to.deep.equal([
      300n,
      towerKey.address,
      REWARD,
    ]);
  });

  it("PC-E7 the watchtower's primary RPC dies: it sees the close and lands updateFor through --rpc2", async function () {
    const opened = await open(3);
    await bobHandsIn(towerUrl, opened);
    await proxy.stop();
    const forwarded = proxy.forwarded;

    await aliceClosesStale(opened);
    rising = true;
    await defended(opened, "the updateFor through the secondary endpoint");
    expect(proxy.forwarded).to.equal(forwarded);
    expect(
      tower!.lines.some((l) => /submitter \{"type":"failover","from":"primary","to":"secondary"/.test(l)),
    ).to.equal(true);
    expect(tower!.lines.some((l) => /reads: primary -> secondary/.test(l))).to.equal(true);
  });
});
