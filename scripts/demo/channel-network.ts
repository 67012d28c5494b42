// Story 6 of the demo (scripts/demo.ts): the payment channel engine between processes (docs/payment-channels.md §8).
// Ann, Ben, Hal (a hub) and Cat each run in a process of their own (scripts/demo/channel-peer.ts) with their own key,
// durable log and WebSocket endpoints; Ben's watchtower is `scripts/watchtower.ts`, as `npm run watchtower` runs it.
// They reach the chain through a loopback JSON-RPC bridge to this process's network, as they would reach a node.
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers, network } from "hardhat";
import { Wallet, type Signer } from "ethers";
import { PaymentChannelsClient, type PaymentChannel } from "../../sdk";
import type { ChannelSpec, Command, PeerConfig } from "./channel-peer";
import { advanceTime, ethBalances, fmtEth, gas, gasUsed, printDeltas, step, type Named } from "./common";
import { serveRpc } from "./rpc-bridge";

const ROOT = join(__dirname, "..", "..");
const PAYMENTS = 1_000; // each way, at once
const ANN_PRICE = ethers.parseEther("0.0001");
const BEN_PRICE = ethers.parseEther("0.00006");
const ROUTED = ethers.parseEther("0.05");
const HUB_FEE = ethers.parseEther("0.0005");
const REWARD = ethers.parseEther("0.001");
const CHALLENGE = 24 * 60 * 60;

type Answer = { id: number; ok: boolean; result?: Record<string, string>; error?: string };

/** A peer process and the commands the story sends it. */
class PeerProcess {
  #next = 0;
  readonly #waiting = new Map<number, (answer: Answer) => void>();

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly url: string | undefined,
  ) {
    child.on("message", (answer: Answer) => this.#waiting.get(answer.id)?.(answer));
    // A process that is gone answers nothing more: every command still waiting fails instead of hanging.
    child.once("exit", (code, signal) => {
      this.#exited = true;
      for (const [id, answer] of this.#waiting) answer({ id, ok: false, error: `exited (${signal ?? code})` });
    });
  }

  #exited = false;

  static start(config: PeerConfig): Promise<PeerProcess> {
    const child = fork(join(__dirname, "channel-peer.ts"), [], {
      cwd: ROOT,
      execArgv: ["-r", "ts-node/register/transpile-only"],
      env: { ...process.env, PEERPAY_DEMO_PEER: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      child.once("message", (ready: { ready: boolean; url?: string }) =>
        resolve(new PeerProcess(config.name, child, ready.url)),
      );
      child.once("exit", (code) => reject(new Error(`${config.name}'s process exited with code ${code}`)));
    });
  }

  async run(command: Record<string, unknown> & { cmd: Command["cmd"] }): Promise<Record<string, string>> {
    if (this.#exited) throw new Error(`${this.name}: ${command.cmd} failed: the process has exited`);
    const id = ++this.#next;
    const answer = await new Promise<Answer>((resolve) => {
      this.#waiting.set(id, resolve);
      this.child.send({ ...command, id });
    });
    this.#waiting.delete(id);
    if (!answer.ok) throw new Error(`${this.name}: ${command.cmd} failed: ${answer.error}`);
    return answer.result!;
  }

  /** Goes offline at once: no goodbye, no flush (kill -9); resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }

  /** Stops the peer cleanly (its logs closed); one that does not answer within 10 s is killed. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.run({ cmd: "stop" }).catch(() => this.child.kill("SIGKILL"));
    await exited;
    clearTimeout(timer);
  }
}

/** `npm run watchtower` as a process of its own; resolves with its URL once it listens. */
function startWatchtower(args: string[], key: string): Promise<{ child: ChildProcess; url: string; log: string[] }> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(ROOT, "scripts", "watchtower.ts"), ...args],
    { cwd: ROOT, env: { ...process.env, WATCHTOWER_KEY: key }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n").filter(Boolean)) {
        log.push(line);
        const match = /listening on (http:\/\/\S+?):?\s/.exec(`${line} `);
        if (match) resolve({ child, url: match[1], log });
      }
    };
    child.stdout!.on("data", onLine);
    child.stderr!.on("data", onLine);
    child.once("exit", (code) => reject(new Error(`the watchtower exited with code ${code}:\n${log.join("\n")}`)));
  });
}

const eth = (v: string | bigint) => fmtEth(BigInt(v));

/** Story 6: four peer processes over WebSocket, a routed payment through a hub, and a watchtower process. */
export async function channelNetwork(funder: Signer, deployment: { address: string; fromBlock: number }) {
  console.log("\n6. Channel network: four peer processes pay over WebSocket, through a hub, guarded by a watchtower");
  const { address: contract, fromBlock } = deployment;
  const { chainId } = await ethers.provider.getNetwork();
  const dataDir = await mkdtemp(join(tmpdir(), "peerpay-demo-network-"));
  const rpc = await serveRpc(network.provider);
  const processes: PeerProcess[] = [];
  let tower: ChildProcess | undefined;
  try {
    // Fresh keys, funded: each process gets its own key and nobody else's.
    const wallet = () => new Wallet(Wallet.createRandom().privateKey, ethers.provider);
    const [ann, ben, hal, cat, watchtower] = [wallet(), wallet(), wallet(), wallet(), wallet()];
    for (const w of [ann, ben, hal, cat, watchtower]) {
      await (await funder.sendTransaction({ to: w.address, value: ethers.parseEther("3") })).wait();
    }
    const client = (w: Wallet) => new PaymentChannelsClient({ address: contract, runner: w, fromBlock });
    const open = async (from: Wallet, to: Wallet, amount: bigint, theirs: bigint, label: string) => {
      const opened = await client(from).open({ participant2: to.address, amount, challengePeriod: CHALLENGE });
      gas(opened.receipt, `${label}: open`);
      if (theirs > 0n)
        gas((await client(to).deposit({ channel: opened.channel, amount: theirs })).receipt, `${label}: deposit`);
      return opened.channel;
    };
    const one = ethers.parseEther("1");
    const annBen = await open(ann, ben, one, one, "Ann–Ben");
    const annHal = await open(ann, hal, one, 0n, "Ann–Hal");
    const halCat = await open(hal, cat, one, 0n, "Hal–Cat");
    step("channels opened: Ann–Ben (1 ETH each side), Ann–Hal (1 ETH from Ann), Hal–Cat (1 ETH from Hal)");

    const towerRun = await startWatchtower(
      ["--rpc", rpc.url, "--contract", contract, "--from-block", String(fromBlock), "--port", "0"].concat([
        "--data",
        join(dataDir, "watchtower"),
        "--poll",
        "250",
        "--safety-margin",
        "3600",
      ]),
      watchtower.privateKey,
    );
    tower = towerRun.child;
    step(`Ben's watchtower runs as its own process (npm run watchtower) at ${towerRun.url}`);

    const base = { rpc: rpc.url, chainId: chainId.toString(), contract, fromBlock, dataDir };
    const spec = (name: string, terms: PaymentChannel, counterparty: Wallet, connect?: string): ChannelSpec => ({
      name,
      terms,
      counterparty: counterparty.address,
      ...(connect === undefined ? {} : { connect }),
    });
    const start = (name: string, w: Wallet, channels: ChannelSpec[], extra: Partial<PeerConfig> = {}) =>
      PeerProcess.start({ ...base, name, privateKey: w.privateKey, channels, ...extra }).then((p) => {
        processes.push(p);
        return p;
      });
    const [Ben, Cat] = await Promise.all([
      start("Ben", ben, [spec("annBen", annBen, ann)], {
        watchtower: {
          url: towerRun.url,
          address: watchtower.address,
          channel: "annBen",
          reward: REWARD.toString(),
          every: 100,
        },
      }),
      start("Cat", cat, [spec("halCat", halCat, hal)]),
    ]);
    const Hal = await start("Hal", hal, [spec("annHal", annHal, ann), spec("halCat", halCat, cat, Cat.url)], {
      hub: { incoming: "annHal", outgoing: "halCat", fee: HUB_FEE.toString(), margin: 600 },
    });
    const Ann = await start("Ann", ann, [spec("annBen", annBen, ben, Ben.url), spec("annHal", annHal, hal, Hal.url)]);
    step("Ann, Ben, Hal and Cat run as four processes, each with its own key and durable log, over WebSocket");

    // Both ways at once: each side's proofs are pipelined, and a payment counts once its receiver stored it.
    const t0 = performance.now();
    await Promise.all([
      Ann.run({ cmd: "pay", channel: "annBen", amount: ANN_PRICE.toString(), count: PAYMENTS }),
      Ben.run({ cmd: "pay", channel: "annBen", amount: BEN_PRICE.toString(), count: PAYMENTS }),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    step(
      `${(2 * PAYMENTS).toLocaleString("en-US")} payments, ${PAYMENTS.toLocaleString("en-US")} each way at once, ` +
        `each acknowledged only once its receiver stored it durably, in ${seconds.toFixed(2)} s: ` +
        `${Math.round((2 * PAYMENTS) / seconds).toLocaleString("en-US")} payments/s (npm run bench:channels measures more)`,
    );
    const annView = await Ann.run({ cmd: "balances", channel: "annBen" });
    const benView = await Ben.run({ cmd: "balances", channel: "annBen" });
    step(
      `Ann's view: sent ${eth(annView.sent)}, received ${eth(annView.received)}; Ben's view: sent ${eth(benView.sent)}, ` +
        `received ${eth(benView.received)}`,
    );
    if (annView.sent !== benView.received || benView.sent !== annView.received) {
      throw new Error("Ann's and Ben's views of their channel disagree");
    }

    // A routed payment: Cat's invoice is a SHA-256 hash; Ann locks 0.05 ETH + fee to Hal, Hal locks 0.05 ETH to Cat.
    const { secretHash } = await Cat.run({ cmd: "invoice" });
    await Ann.run({
      cmd: "payLocked",
      channel: "annHal",
      amount: (ROUTED + HUB_FEE).toString(),
      secretHash,
      expiresIn: 7_200,
    });
    const annHalView = await Ann.run({ cmd: "waitSettledLocks", channel: "annHal" });
    const catView = await Cat.run({ cmd: "waitSettledLocks", channel: "halCat" });
    step(
      `Ann pays Cat ${fmtEth(ROUTED)} through Hal: Cat reveals the secret to Hal, Hal pays Cat, then Ann pays Hal; ` +
        `Ann has sent Hal ${eth(annHalView.sent)} (Hal's fee ${fmtEth(HUB_FEE)}), Cat has received ${eth(catView.received)}`,
    );
    const closed = await Hal.run({ cmd: "closeCooperatively", channel: "halCat" });
    gasUsed(BigInt(closed.gasUsed), "Hal–Cat cooperative close");
    step("Hal and Cat close their channel together: one transaction pays both");

    // Ben goes offline; Ann closes alone, recording what Ben paid her but nothing of what she paid him.
    const peers: Named[] = [
      { name: "Ann", address: ann.address },
      { name: "Ben", address: ben.address },
      { name: "Ben's watchtower", address: watchtower.address },
    ];
    const before = await ethBalances(peers);
    await Ben.run({ cmd: "syncWatchtower" });
    await Ben.kill();
    const annClose = await Ann.run({ cmd: "close", channel: "annBen" });
    gasUsed(BigInt(annClose.gasUsed), "Ann's unilateral close");
    step(
      "Ben hands his watchtower every 100th proof Ann sent him and the latest one, then his process is killed " +
        "(offline); Ann closes alone, leaving her own direction unrecorded",
    );
    const annBenClient = client(ann);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { record } = await annBenClient.getChannel({ channel: annBen });
      if (record !== undefined && record.d12.nonce > 0n) {
        step(
          `Ben's watchtower records Ann's latest proof (nonce ${record.d12.nonce}, ` +
            `transferred ${fmtEth(record.d12.transferred)}) before the challenge ends`,
        );
        break;
      }
      if (Date.now() > deadline) throw new Error(`the watchtower did not answer:\n${towerRun.log.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await advanceTime(CHALLENGE + 1);
    const settled = await client(watchtower).settle({ channel: annBen });
    gas(settled.receipt, "settle (sent by the watchtower; anyone may)");
    const after = await ethBalances(peers);
    printDeltas("Settlement (balances include each one's gas):", peers, before, after, fmtEth);
    const owedToBen = one + BigInt(annView.sent) - BigInt(benView.sent) - REWARD;
    // Ben sent nothing since: his balance moves by his payout alone. The watchtower's also pays its two transactions.
    if (after[1] - before[1] !== owedToBen) {
      throw new Error("the settlement does not pay Ben what the latest proofs say");
    }
    step(
      `Ben gets ${fmtEth(owedToBen)} without being online, exactly 1 ETH + ${eth(annView.sent)} from Ann − ` +
        `${eth(benView.sent)} to Ann − the ${fmtEth(REWARD)} reward his watchtower earned (its gas is its own); ` +
        "Ann's close won her nothing",
    );
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    if (tower !== undefined && tower.exitCode === null && tower.signalCode === null) {
      const exited = new Promise((resolve) => tower!.once("exit", resolve));
      const timer = setTimeout(() => tower!.kill("SIGKILL"), 10_000);
      tower.kill("SIGTERM");
      await exited;
      clearTimeout(timer);
    }
    await rpc.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
