// PC-E1 under real kill -9 (docs/payment-channels.md §8.4): Ann and Ben each run a ChannelPeer in their own process
// (test/integration/fixtures/channel-kill-peer.ts) with a FilePeerStore, over loopback WebSocket, against anvil,
// paying each other continuously. In several rounds the test SIGKILLs Ann, Ben, or both at a random point of the
// stream and restarts them on the same logs. At the end: nothing acknowledged is lost, both sides agree on both
// directions, no nonce of either direction was ever logged with two different (proof, signature)s, and a cooperative
// close pays out exactly the final balances. Three scenarios: logs never compacted (every proof ever logged is
// checked), logs compacted every 300 records, and deposits of 200 wei (each side pays with what the other paid it).
// The random kill points come from a seed printed at the start; CHANNEL_KILL_SEED replays them.
import { expect } from "chai";
import { fork, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { JsonRpcProvider, Wallet, parseEther, toBeHex, type Signer } from "ethers";
import { PaymentChannelsClient, type PaymentChannel } from "../../sdk";
import { FilePeerStore } from "../../sdk/node";
import type { PeerLogRecord } from "../../sdk/payment-channels/engine/types";
import { PaymentChannels__factory } from "../../typechain-types";
import { underCoverage } from "../helpers/coverage";
import { freePort, startAnvil, type Anvil } from "../helpers/anvil";
import type { KillPeerCommand, KillPeerInit } from "./fixtures/channel-kill-peer";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURE = path.join(__dirname, "fixtures", "channel-kill-peer.ts");
const SEED = Number(process.env.CHANNEL_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** A condition not met in this long fails the test (a restart takes about 1 s, a round a few). */
const WAIT_MS = 30_000;

/**
 * Transpiles `entry` and every relative module it reaches into `out` (same layout as the repository) and returns the
 * entry's JavaScript. A restart then costs a plain `node` start instead of ts-node transpiling the SDK again (seconds
 * on a loaded machine, times ten restarts).
 */
function transpileTree(entry: string, out: string): string {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const target = path.join(out, path.relative(ROOT, file));
    mkdirSync(path.dirname(target), { recursive: true });
    if (file.endsWith(".json")) return copyFileSync(file, target);
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    writeFileSync(target.replace(/\.ts$/, ".js"), outputText);
    for (const [, spec] of outputText.matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
      const base = path.resolve(path.dirname(file), spec);
      const found = [base, `${base}.ts`, path.join(base, "index.ts")].find(
        (f) => existsSync(f) && statSync(f).isFile(),
      );
      if (found === undefined) throw new Error(`cannot resolve ${spec} from ${file}`);
      visit(found);
    }
  };
  visit(entry);
  return path.join(out, path.relative(ROOT, entry)).replace(/\.ts$/, ".js");
}

/** A small seeded PRNG (mulberry32): the same seed draws the same kill points. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Balances = Record<"sent" | "received" | "sentNonce" | "ackedNonce" | "receivedNonce", string>;
type Drained = { balances: Balances; overspent: number };

/** One peer's process across its incarnations: what the parent saw acknowledged survives every kill. */
class PeerProcess {
  /** Payments this peer made that the parent saw acknowledged, over every incarnation. */
  acked = 0;
  ackedAmount = 0n;
  incarnations = 0;
  /** The refusals the peer logged, by code (a gap after a reconnect is refused and resent: PEER_OUT_OF_ORDER). */
  refusals = new Map<string, number>();
  /** Refusals that only a PC-E1 violation causes, and exits the test did not cause. */
  forbidden: string[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #pending = new Map<number, (value: Record<string, unknown>) => void>();
  #next = 0;
  #stderr = "";
  #listeners: (() => void)[] = [];
  #killed = false;

  constructor(
    readonly name: string,
    readonly script: string,
    readonly init: Omit<KillPeerInit, "seed">,
    readonly random: () => number,
  ) {}

  /** Starts an incarnation on the same log; resolves once its peer started (replayed its log). */
  async start(): Promise<void> {
    this.incarnations++;
    const child = fork(this.script, [], {
      execArgv: [],
      // The transpiled tree lives in a temporary folder: its packages are the repository's.
      env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.#child = child;
    let partial = "";
    child.stdout!.on("data", (d: Buffer) => {
      const lines = (partial + d.toString()).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match === null) continue;
        this.acked++;
        this.ackedAmount += BigInt(match[1]);
      }
      for (const listener of [...this.#listeners]) listener();
    });
    child.stderr!.on("data", (d: Buffer) => {
      const text = d.toString();
      this.#stderr = (this.#stderr + text).slice(-8_000);
      for (const [, code, message] of text.matchAll(/^\w+: refused (\w+): (.*)$/gm)) {
        this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
        // Never in a correct run: a second state for a stored nonce, or an ack of a nonce the sender never logged.
        if (code === "PEER_EQUIVOCATION" || /^Ack of nonce/.test(message)) this.forbidden.push(`${code}: ${message}`);
      }
      for (const listener of [...this.#listeners]) listener();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    this.#killed = false;
    void exited.then((code) => {
      if (this.#killed) return;
      this.forbidden.push(`${this.name} exited by itself (code ${code})`);
      for (const listener of [...this.#listeners]) listener();
    });
    this.#exited = exited.then(() => undefined);
    child.on("message", (raw) => {
      const message = raw as { type: string; id?: number };
      if (message.type === "done") this.#pending.get(message.id!)?.(message);
    });
    child.send({ ...this.init, seed: Math.floor(this.random() * 2 ** 31) } satisfies KillPeerInit);
    await within(
      `${this.name} to start`,
      new Promise<void>((resolve, reject) => {
        child.on("message", (m) => (m as { type: string }).type === "ready" && resolve());
        void exited.then((code) => reject(new Error(`${this.name} exited (code ${code}): ${this.#stderr}`)));
      }),
    );
  }

  /** SIGKILL, then wait until the process is gone (its lock file stays behind, as after a crash). */
  async kill(): Promise<void> {
    this.#killed = true;
    this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** Resolves once the parent saw `count` more of this peer's payments acknowledged. */
  async acks(count: number): Promise<void> {
    const target = this.acked + count;
    await within(
      `${this.name} to have ${target} payments acknowledged (has ${this.acked})`,
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (this.forbidden.length > 0) reject(new Error(`${this.name} refused: ${this.forbidden.join("; ")}`));
          if (this.acked < target) return;
          this.#listeners.splice(this.#listeners.indexOf(check) >>> 0, 1);
          resolve();
        };
        this.#listeners.push(check);
        check();
      }),
    );
  }

  call<T>(command: Omit<KillPeerCommand, "id">): Promise<T> {
    const id = this.#next++;
    if (command.type === "finish") this.#killed = true;
    const answer = new Promise<T>((resolve) => {
      this.#pending.set(id, resolve as (value: Record<string, unknown>) => void);
      this.#child!.send({ ...command, id });
    });
    return within(`${this.name} to answer ${command.type}`, answer);
  }

  get stderr(): string {
    return this.#stderr;
  }

  async exited(): Promise<void> {
    await within(`${this.name} to exit`, this.#exited);
  }
}

async function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every (proof, signature) logged per nonce, by the records of one type (`sent` or `received`) of one log and the
 * matching direction of its snapshots.
 */
function proofsByNonce(records: PeerLogRecord[], type: "sent" | "received"): Map<bigint, Set<string>> {
  const byNonce = new Map<bigint, Set<string>>();
  for (const raw of records) {
    // A snapshot (compaction) carries the latest proof of each direction.
    const record = (raw.type === "snapshot" ? raw[type === "sent" ? "out" : "in"] : raw) as PeerLogRecord;
    if (raw.type !== type && raw.type !== "snapshot") continue;
    if ((record.proof as { nonce: string }).nonce === "0") continue;
    const proof = record.proof as { nonce: string; transferred: string; locked: string; locksRoot: string };
    const text = JSON.stringify([proof.nonce, proof.transferred, proof.locked, proof.locksRoot, record.signature]);
    const nonce = BigInt(proof.nonce);
    if (!byNonce.has(nonce)) byNonce.set(nonce, new Set());
    byNonce.get(nonce)!.add(text);
  }
  return byNonce;
}

/**
 * Checks one direction: the sender's log and the receiver's hold one and the same proof per nonce, for every nonce
 * 1..last when the logs were never compacted.
 */
function checkDirection(
  name: string,
  sent: Map<bigint, Set<string>>,
  received: Map<bigint, Set<string>>,
  last: bigint,
  complete: boolean,
) {
  for (const [log, byNonce] of [
    ["sender's sent", sent],
    ["receiver's received", received],
  ] as const) {
    const twice = [...byNonce].filter(([, texts]) => texts.size > 1);
    expect(twice, `${name}: nonces of the ${log} records logged with two different proofs`).to.deep.equal([]);
    // A compacted log keeps only the proofs logged since its last snapshot (and the snapshot's latest).
    if (!complete) continue;
    const nonces = [...byNonce.keys()].sort((a, b) => (a < b ? -1 : 1));
    expect(nonces.length, `${name}: ${log} records`).to.equal(Number(last));
    expect(nonces[0], `${name}: first nonce of the ${log} records`).to.equal(1n);
    expect(nonces[nonces.length - 1], `${name}: last nonce of the ${log} records`).to.equal(last);
  }
  const differ = [...received].filter(
    ([nonce, texts]) => sent.has(nonce) && [...texts][0] !== [...sent.get(nonce)!][0],
  );
  expect(differ, `${name}: proofs the receiver stored that differ from what the sender logged`).to.deep.equal([]);
}

describe("ChannelPeer killed with SIGKILL mid-stream, two processes over WebSocket (integration)", function () {
  this.timeout(180_000);
  let anvil: Anvil;
  let dir: string;
  const peers: PeerProcess[] = [];

  before(async function () {
    if (underCoverage()) this.skip();
    anvil = await startAnvil();
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-channel-kill-"));
  });

  after(async () => {
    await Promise.all(peers.map((p) => p.kill()));
    await anvil?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  type Victim = "ann" | "ben" | "both";
  /**
   * One channel, two peer processes, the kills of `rounds`, then every check; `compactEvery` as ChannelPeer's. With a
   * tight `deposit` each side can only go on paying with what the other paid it (and its pays are refused locally,
   * PEER_OVERSPEND, until then): the receiver's funds check (PC-E3, incoming counted up to the acknowledged nonce)
   * then runs on every proof across the restarts.
   */
  async function scenario({
    name,
    compactEvery,
    rounds,
    deposit,
  }: {
    name: string;
    compactEvery: number;
    rounds: Victim[];
    /** Each side's deposit (wei); payments are 1 to 16 wei. */
    deposit: bigint;
  }) {
    // Each scenario draws its own kill points from the one printed seed.
    const seed = [...name].reduce((a, c) => (Math.imul(a, 31) + c.charCodeAt(0)) >>> 0, SEED);
    const random = prng(seed);
    const s = (ms: number) => (ms / 1_000).toFixed(1);
    const compacting = compactEvery < Number.MAX_SAFE_INTEGER;
    const t0 = performance.now();
    const provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true });
    const [deployer, ann, ben] = [0, 1, 2].map(() => Wallet.createRandom(provider));
    for (const w of [deployer, ann, ben]) await anvil.rpc("anvil_setBalance", [w.address, toBeHex(parseEther("10"))]);
    const contract = await (await new PaymentChannels__factory(deployer).deploy()).waitForDeployment();
    const address = await contract.getAddress();
    const fromBlock = (await contract.deploymentTransaction()!.wait())!.blockNumber;
    const clientOf = (runner: Signer) => new PaymentChannelsClient({ address, runner, fromBlock });
    const { channel } = await clientOf(ann).open({
      participant2: ben.address,
      amount: deposit,
      challengePeriod: 86_400,
    });
    await clientOf(ben).deposit({ channel, participant: ben.address, amount: deposit });

    const port = await freePort();
    const common = { rpc: anvil.url, chainId: String(anvil.chainId), contract: address, fromBlock, port, inFlight: 64 };
    const initOf = (role: "ann" | "ben", wallet: { privateKey: string }, other: { address: string }) => ({
      ...common,
      role,
      channel: channel as PaymentChannel,
      privateKey: wallet.privateKey,
      counterparty: other.address,
      logPath: path.join(dir, `${name}-${role}.log`),
      compactEvery,
    });
    const script = transpileTree(FIXTURE, path.join(dir, "js"));
    peers.length = 0;
    const annP = new PeerProcess("Ann", script, initOf("ann", ann, ben), random);
    const benP = new PeerProcess("Ben", script, initOf("ben", ben, ann), random);
    peers.push(annP, benP);
    try {
      await Promise.all([benP.start(), annP.start()]);
      const tStarted = performance.now();

      // Each round lets both directions flow (a random number of acknowledged payments each), then kills.
      const draws: string[] = [];
      for (const victim of rounds) {
        const [a, b] = [50 + Math.floor(random() * 1_500), 50 + Math.floor(random() * 1_500)];
        const r0 = performance.now();
        await Promise.all([annP.acks(a), benP.acks(b)]);
        const r1 = performance.now();
        const killed = victim === "ann" ? [annP] : victim === "ben" ? [benP] : [annP, benP];
        await Promise.all(killed.map((p) => p.kill()));
        await Promise.all(killed.map((p) => p.start()));
        draws.push(`${victim}@${a}/${b} (${s(r1 - r0)}+${s(performance.now() - r1)} s)`);
      }
      await Promise.all([annP.acks(100), benP.acks(100)]);
      const tKills = performance.now();

      // Both stop paying and wait until everything either logged is acknowledged; then both answer again, so each
      // one's view includes the other's last proofs.
      await Promise.all([annP.call({ type: "drain" }), benP.call({ type: "drain" })]);
      const drained = await Promise.all([annP.call<Drained>({ type: "drain" }), benP.call<Drained>({ type: "drain" })]);
      const [annB, benB] = drained.map((d) => d.balances);

      expect([...annP.forbidden, ...benP.forbidden], "equivocations, or acks of nonces never logged").to.deep.equal([]);
      // The premise of the tight scenario: Ann paid more than she deposited (at least 250 acknowledged payments of
      // at least 1 wei each), so Ben's payments funded hers.
      expect(BigInt(annB.sent), "Ann sent more than her deposit").to.be.gt(deposit < 250n ? deposit : 0n);

      // Refusals other than a gap after a reconnect (which the sender answers with a resend): none.
      const refused = [...annP.refusals, ...benP.refusals].filter(([code]) => code !== "PEER_OUT_OF_ORDER");
      expect(refused, "proofs refused by a receiver").to.deep.equal([]);

      // (1) Nothing acknowledged lost; both sides agree on both directions.
      expect(BigInt(benB.received), "Ben received ≥ Ann's acknowledged payments").to.be.gte(annP.ackedAmount);
      expect(BigInt(annB.received), "Ann received ≥ Ben's acknowledged payments").to.be.gte(benP.ackedAmount);
      expect(benB.received, "Ben received = Ann sent").to.equal(annB.sent);
      expect(annB.received, "Ann received = Ben sent").to.equal(benB.sent);
      expect(benB.receivedNonce, "Ben's received nonce = Ann's sent nonce").to.equal(annB.sentNonce);
      expect(annB.receivedNonce, "Ann's received nonce = Ben's sent nonce").to.equal(benB.sentNonce);
      expect(annB.ackedNonce).to.equal(annB.sentNonce);
      expect(benB.ackedNonce).to.equal(benB.sentNonce);

      // (3) A cooperative close pays out exactly the final balances (Ann opened: she is participant1).
      // Read through the node directly: ethers caches identical requests for a moment.
      const ethOf = async (who: string) => BigInt(await anvil.rpc<string>("eth_getBalance", [who, "latest"]));
      const benBefore = await ethOf(ben.address);
      const closed = await annP.call<{ amount1: string; amount2: string }>({ type: "closeCooperatively" });
      const expected1 = deposit - BigInt(annB.sent) + BigInt(annB.received);
      const expected2 = deposit - BigInt(benB.sent) + BigInt(benB.received);
      expect(BigInt(closed.amount1), "paid to Ann").to.equal(expected1);
      expect(BigInt(closed.amount2), "paid to Ben").to.equal(expected2);
      expect((await ethOf(ben.address)) - benBefore, "Ben's ETH balance grew by his payout").to.equal(expected2);
      await Promise.all([annP.call({ type: "finish" }), benP.call({ type: "finish" })]);
      await Promise.all([annP.exited(), benP.exited()]);
      provider.destroy();

      // (2) No nonce logged with two different proofs, and the receiver holds exactly what the sender logged.
      const load = async (role: string) => {
        const store = await FilePeerStore.open({ path: path.join(dir, `${name}-${role}.log`) });
        try {
          return await store.load();
        } finally {
          await store.close();
        }
      };
      const [annLog, benLog] = [await load("ann"), await load("ben")];
      const snapshots = [annLog, benLog].map((log) => log.filter((r) => r.type === "snapshot").length);
      // Compacted logs start with a snapshot; otherwise the second scenario would not test compaction.
      expect(snapshots, "snapshot records in Ann's and Ben's logs").to.deep.equal(compacting ? [1, 1] : [0, 0]);
      checkDirection(
        "Ann → Ben",
        proofsByNonce(annLog, "sent"),
        proofsByNonce(benLog, "received"),
        BigInt(annB.sentNonce),
        !compacting,
      );
      checkDirection(
        "Ben → Ann",
        proofsByNonce(benLog, "sent"),
        proofsByNonce(annLog, "received"),
        BigInt(benB.sentNonce),
        !compacting,
      );

      console.log(
        `      kill points ${draws.join(", ")}; ${annP.incarnations} incarnations of Ann, ${benP.incarnations} of Ben\n` +
          `      acknowledged as seen by the parent: Ann ${annP.acked} payments (${annP.ackedAmount} wei), Ben ` +
          `${benP.acked} (${benP.ackedAmount} wei); refusals Ann ${JSON.stringify([...annP.refusals])}, Ben ` +
          `${JSON.stringify([...benP.refusals])}; final nonces Ann ${annB.sentNonce}, Ben ${benB.sentNonce}; ` +
          `sent Ann ${annB.sent} wei, Ben ${benB.sent} wei; pays refused locally for want of funds (last ` +
          `incarnations) Ann ${drained[0].overspent}, Ben ${drained[1].overspent}\n` +
          `      setup ${s(tStarted - t0)} s, kill rounds ${s(tKills - tStarted)} s, drain+close+logs ` +
          `${s(performance.now() - tKills)} s`,
      );
    } catch (error) {
      for (const p of peers) if (p.stderr !== "") console.error(`--- ${p.name}'s stderr:\n${p.stderr}`);
      throw error;
    }
  }

  it("PC-E1: after kills of the sender, the receiver and both, nothing acknowledged is lost, both sides agree, no nonce is signed twice, and a cooperative close pays the final balances", async () => {
    console.log(`      seed ${SEED} (CHANNEL_KILL_SEED=${SEED} replays these kill points)`);
    await scenario({
      name: "full",
      compactEvery: Number.MAX_SAFE_INTEGER,
      rounds: ["ann", "ben", "both", "ben", "ann", "both"],
      deposit: parseEther("1"),
    });
  });

  it("PC-E1: with the logs compacted every 300 records, kills of the sender, the receiver and both lose nothing acknowledged and reuse no nonce", async () => {
    await scenario({
      name: "compacting",
      compactEvery: 300,
      rounds: ["ann", "ben", "both", "both"],
      deposit: parseEther("1"),
    });
  });

  it("PC-E1, PC-E3: with deposits of 200 wei, so that each side pays on with what the other paid it, kills of the sender, the receiver and both lose nothing acknowledged and no proof is refused (PEER_OVERSPEND or any other refusal but a gap after a reconnect)", async () => {
    await scenario({
      name: "tight",
      compactEvery: Number.MAX_SAFE_INTEGER,
      rounds: ["ann", "ben", "both"],
      deposit: 200n,
    });
  });
});
