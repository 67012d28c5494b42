// `npm run bench:channels`: payments per second between two separate processes (docs/payment-channels.md §8.5), over
// loopback WebSocket (authenticated PeerHello) with the durable FilePeerStore on each side, against a real chain
// (anvil) for the peers' start. Ann (WebSocketTransport) and Ben (WebSocketPeerServer) each run a ChannelPeer in their
// own process (scripts/lib/channel-bench-peer.ts), with their own key and log; this process deploys, opens the
// channel and drives them over IPC.
//
// A payment counts when `pay` resolved: the receiver stored its proof durably (fdatasync) and acknowledged it. Every
// proof is signed inside the timed window (`pay` signs). Runs: Ann → Ben, Ben → Ann, both at once (N each), then
// p50/p99 latency of one payment paced at 1,000/s, then the naive baseline in the same processes: a window of one
// proof, each pay awaited before the next, so each store commits one fdatasync per payment (counted and printed).
// Speed is printed, never asserted; the run fails only if the peers' balances disagree with the payments made.
//
// Environment: BENCH_PAYMENTS (per direction, default 20,000), BENCH_WARMUP (2,000), BENCH_NAIVE_SECONDS (3),
// BENCH_PACED_RATE (1,000), BENCH_PACED_SECONDS (3), BENCH_CPU_PROF (a directory: the peers write --cpu-prof there),
// BENCH_VERIFY_EVERY=1 (the receivers check every proof's signature, not only the last of each frame).
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, parseEther, toBeHex, type Signer } from "ethers";
import { PaymentChannelsClient } from "../sdk";
import { PaymentChannels__factory } from "../typechain-types";
import { startAnvil } from "./lib/anvil";
import { AMOUNT, type PeerCommand, type PeerInit } from "./lib/channel-bench-peer";

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
const NAIVE_SECONDS = Number(process.env.BENCH_NAIVE_SECONDS ?? 3);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 1_000);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 3);
const CPU_PROF = process.env.BENCH_CPU_PROF;
const VERIFY_EVERY = process.env.BENCH_VERIFY_EVERY === "1";
const TARGET = 5_000;
/** A hung peer must not hang the run (or CI): everything is torn down after this. */
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 180_000);

type Done = { start: number; end: number; payments: number } & Record<string, unknown>;
type Stats = { syncs: number; cpuMs: number; paid: number };
type Balances = Record<string, string>;
type Finished = { paid: number; live: Balances; durable: Balances };
type Command = PeerCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

/** One peer process and its pending commands. */
class Peer {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (value: Record<string, unknown>) => void>();
  #next = 0;
  readonly ready: Promise<{ url?: string }>;

  constructor(
    readonly name: string,
    init: PeerInit,
  ) {
    const profile = CPU_PROF === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`];
    this.#child = fork(path.join(__dirname, "lib", "channel-bench-peer.ts"), [], {
      execArgv: ["-r", require.resolve("ts-node/register/transpile-only"), ...profile],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.once("exit", (code) => reject(new Error(`${name} exited (code ${code})`)));
      this.#child.on("message", (raw) => {
        const message = raw as { type: string; id?: number; url?: string };
        if (message.type === "ready") resolve({ url: message.url });
        else if (message.type === "done") {
          this.#pending.get(message.id!)?.(message);
          this.#pending.delete(message.id!);
        }
      });
    });
    this.ready.catch(() => undefined);
    this.#child.on("exit", (code) => {
      if (code !== 0) fail(new Error(`${name} exited with code ${code}`));
    });
    this.#child.send(init);
  }

  call<T>(command: Command): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve) => {
      this.#pending.set(id, resolve as (value: Record<string, unknown>) => void);
      this.#child.send({ ...command, id });
    });
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill("SIGKILL");
  }
}

const peers: Peer[] = [];
let teardown: () => Promise<void> = async () => undefined;
function fail(error: unknown): void {
  console.error(error);
  for (const peer of peers) peer.kill();
  void teardown().finally(() => process.exit(1));
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

/** `syncsPerPayment` counts the fdatasyncs of both logs (a naive payment costs one in each: 2). */
type Row = { name: string; payments: number; seconds: number; syncsPerPayment: number; cpuMsPerPayment: number };

/** Runs `work` on the peers named, and measures it: payments over the wall span of all of them, syncs, CPU. */
async function measure(
  name: string,
  all: Peer[],
  work: { peer: Peer; command: Command }[],
): Promise<Row & { results: Done[] }> {
  const before = await Promise.all(all.map((p) => p.call<Stats>({ type: "stats" })));
  const results = await Promise.all(work.map(({ peer, command }) => peer.call<Done>(command)));
  const after = await Promise.all(all.map((p) => p.call<Stats>({ type: "stats" })));
  const payments = results.reduce((sum, r) => sum + r.payments, 0);
  const seconds = (Math.max(...results.map((r) => r.end)) - Math.min(...results.map((r) => r.start))) / 1_000;
  const syncs = after.reduce((sum, s, i) => sum + s.syncs - before[i].syncs, 0);
  const cpuMs = after.reduce((sum, s, i) => sum + s.cpuMs - before[i].cpuMs, 0);
  return {
    name,
    payments,
    seconds,
    syncsPerPayment: syncs / payments,
    cpuMsPerPayment: cpuMs / payments,
    results,
  };
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => fail(new Error(`no result after ${WATCHDOG_MS} ms`)), WATCHDOG_MS);
  watchdog.unref();
  const loadAtStart = load();
  const anvil = await startAnvil();
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-channels-"));
  teardown = async () => {
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true });
  const [deployer, ann, ben] = [0, 1, 2].map(() => Wallet.createRandom(provider));
  for (const w of [deployer, ann, ben]) await anvil.rpc("anvil_setBalance", [w.address, toBeHex(parseEther("1000"))]);

  // The contract, one channel, both deposits far above what the run pays (one wei per payment).
  const contract = await (await new PaymentChannels__factory(deployer).deploy()).waitForDeployment();
  const address = await contract.getAddress();
  const fromBlock = (await contract.deploymentTransaction()!.wait())!.blockNumber;
  const clientOf = (runner: Signer) => new PaymentChannelsClient({ address, runner, fromBlock });
  const { channel } = await clientOf(ann).open({
    participant2: ben.address,
    amount: parseEther("1"),
    challengePeriod: 86_400,
  });
  await clientOf(ben).deposit({ channel, participant: ben.address, amount: parseEther("1") });
  provider.destroy();

  const common = {
    rpc: anvil.url,
    chainId: String(anvil.chainId),
    contract: address,
    fromBlock,
    channel,
    verifyEvery: VERIFY_EVERY,
  };
  const benPeer = new Peer("Ben", {
    ...common,
    role: "ben",
    privateKey: ben.privateKey,
    counterparty: ann.address,
    dir: path.join(dir, "ben"),
  });
  peers.push(benPeer);
  const { url } = await benPeer.ready;
  const annPeer = new Peer("Ann", {
    ...common,
    role: "ann",
    privateKey: ann.privateKey,
    counterparty: ben.address,
    dir: path.join(dir, "ann"),
    url,
  });
  peers.push(annPeer);
  await annPeer.ready;
  const both = [annPeer, benPeer];

  // Warm-up: JIT, the keys' precomputed tables, the sockets' buffers.
  await measure("warm-up", both, [
    { peer: annPeer, command: { type: "burst", count: WARMUP } },
    { peer: benPeer, command: { type: "burst", count: WARMUP } },
  ]);
  const burst = { type: "burst", count: PAYMENTS } as const;
  const rows: (Row & { load: string })[] = [];
  const run = async (...args: Parameters<typeof measure>) => {
    const row = await measure(...args);
    rows.push({ ...row, load: loadavg()[0].toFixed(2) });
    return row;
  };
  await run("Ann → Ben", both, [{ peer: annPeer, command: burst }]);
  await run("Ben → Ann", both, [{ peer: benPeer, command: burst }]);
  await run("both at once", both, [
    { peer: annPeer, command: burst },
    { peer: benPeer, command: burst },
  ]);
  const paced = await measure("paced", both, [
    { peer: annPeer, command: { type: "paced", rate: PACED_RATE, seconds: PACED_SECONDS } },
  ]);
  // The naive baseline: a window of one proof, each pay awaited before the next.
  await Promise.all(both.map((p) => p.call({ type: "window", window: 1 })));
  const naive = await run("naive: 1 in flight, Ann → Ben", both, [
    { peer: annPeer, command: { type: "serial", seconds: NAIVE_SECONDS, max: 1_000_000 } },
  ]);

  // The balances: what each side holds, live and replayed from its log, against the payments made.
  const annPaid = 2 * PAYMENTS + WARMUP + paced.payments + naive.payments;
  const benPaid = 2 * PAYMENTS + WARMUP;
  const annEnd = await annPeer.call<Finished>({ type: "finish" });
  const benEnd = await benPeer.call<Finished>({ type: "finish" });
  await teardown();

  const rate = (r: Row) => r.payments / r.seconds;
  const naiveRate = rate(naive);
  console.log(
    `\nPayment channel throughput: 2 processes, loopback WebSocket, FilePeerStore (fdatasync), anvil chain` +
      `\nnode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average (1/5/15 min) ` +
      `at start ${loadAtStart}, at end ${load()}` +
      `\neach payment signed by its sender inside the timed window; counted once the receiver stored it durably and ` +
      `acknowledged it; the receiver checks every proof, and ` +
      (VERIFY_EVERY
        ? "every proof's signature (BENCH_VERIFY_EVERY=1)\n"
        : "the signature of the last proof of each frame (the engine's default; BENCH_VERIFY_EVERY=1 checks each)\n"),
  );
  const header = [
    "run".padEnd(32),
    "payments".padStart(9),
    "seconds".padStart(8),
    "payments/s".padStart(11),
    "× naive".padStart(8),
    `≥ ${fmt(TARGET)}/s`.padStart(9),
    "fsyncs/payment (both logs)".padStart(26),
    "CPU ms/payment (both)".padStart(21),
    "load 1m".padStart(8),
  ];
  console.log(header.join(" "));
  for (const row of rows) {
    const isNaive = row === rows[rows.length - 1];
    console.log(
      [
        row.name.padEnd(32),
        fmt(row.payments).padStart(9),
        row.seconds.toFixed(2).padStart(8),
        fmt(rate(row)).padStart(11),
        (isNaive ? "1.0×" : `${(rate(row) / naiveRate).toFixed(1)}×`).padStart(8),
        (isNaive ? "-" : rate(row) >= TARGET ? "pass" : "FAIL").padStart(9),
        row.syncsPerPayment.toFixed(4).padStart(26),
        row.cpuMsPerPayment.toFixed(3).padStart(21),
        row.load.padStart(8),
      ].join(" "),
    );
  }
  const p = paced.results[0] as Done & { p50: number; p99: number; max: number; mean: number };
  console.log(
    `\nlatency of one payment (pay() → acknowledged), Ann → Ben paced at ${fmt(PACED_RATE)}/s for ${PACED_SECONDS} s ` +
      `(${fmt(p.payments)} payments, achieved ${fmt(rate(paced))}/s): p50 ${p.p50.toFixed(2)} ms, ` +
      `p99 ${p.p99.toFixed(2)} ms, max ${p.max.toFixed(2)} ms, mean ${p.mean.toFixed(2)} ms; ` +
      `${paced.syncsPerPayment.toFixed(2)} fsyncs and ${paced.cpuMsPerPayment.toFixed(3)} CPU ms per payment (both)`,
  );

  // Every payment counted exactly once: the sender's proof, the receiver's, live and after replaying each log.
  const checks: [string, string | undefined, bigint][] = [
    ["Ann sent (live)", annEnd.live.sent, BigInt(annPaid) * AMOUNT],
    ["Ann sent nonce (live)", annEnd.live.sentNonce, BigInt(annPaid)],
    ["Ann acked nonce (live)", annEnd.live.ackedNonce, BigInt(annPaid)],
    ["Ben received (live)", benEnd.live.received, BigInt(annPaid) * AMOUNT],
    ["Ben received (replayed log)", benEnd.durable.received, BigInt(annPaid) * AMOUNT],
    ["Ann sent (replayed log)", annEnd.durable.sent, BigInt(annPaid) * AMOUNT],
    ["Ben sent (live)", benEnd.live.sent, BigInt(benPaid) * AMOUNT],
    ["Ben acked nonce (live)", benEnd.live.ackedNonce, BigInt(benPaid)],
    ["Ann received (live)", annEnd.live.received, BigInt(benPaid) * AMOUNT],
    ["Ann received (replayed log)", annEnd.durable.received, BigInt(benPaid) * AMOUNT],
    ["Ben sent (replayed log)", benEnd.durable.sent, BigInt(benPaid) * AMOUNT],
  ];
  const wrong = checks.filter(([, got, want]) => got === undefined || BigInt(got) !== want);
  if (wrong.length > 0) {
    for (const [name, got, want] of wrong) console.log(`balance check FAILED: ${name} = ${got}, expected ${want}`);
    process.exitCode = 1;
  } else {
    console.log(
      `balances agree: Ann paid ${fmt(annPaid)} payments, Ben ${fmt(benPaid)}; both peers' live ledgers and their ` +
        `replayed logs hold exactly those totals (${checks.length} checks)`,
    );
  }
  clearTimeout(watchdog);
}

main().catch(fail);
