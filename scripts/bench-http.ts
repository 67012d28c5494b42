// `npm run bench:http`: paid requests per second through the 402 paywall (docs/http-payments.md) beside the same
// handler unpaid, in one run, both on plain node:http over loopback with keep-alive.
//
// The payee (this process) verifies each voucher and stores it durably (FileVoucherStore: fdatasync, group commit)
// before the handler runs (HP-S1); its channel-state cache keeps the chain (anvil) off the hot path. The payer runs in
// its own process (scripts/lib/http-bench/payer.ts, child_process.fork) and signs every voucher inside the timed
// window with the channel's session key. Payments on one channel are sequential by design (one voucher in flight per
// channel, HP-C3), so the payer drives BENCH_CHANNELS channels at once, one keep-alive connection each.
//
// Speed is printed, never asserted; the run fails if the payee's stored totals disagree with the paid requests.
// Environment: BENCH_REQUESTS (per run, default 20,000), BENCH_WARMUP (2,000), BENCH_CHANNELS (32),
// BENCH_CPU_PROF (a directory: both processes write --cpu-prof there), BENCH_WATCHDOG_MS (180,000).
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, NonceManager, Wallet, parseEther, toBeHex } from "ethers";
import { PayeeClient, PayerClient, type ChannelId } from "../sdk";
import { loadNativeSecp256k1 } from "../sdk/internal/secp256k1";
import { FileVoucherStore, paywall } from "../sdk/node";
import { MicropaymentChannels__factory } from "../typechain-types";
import { startAnvil } from "./lib/anvil";
import type { PayerDone, PayerInit, PayerRun } from "./lib/http-bench/payer";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 32);
const CPU_PROF = process.env.BENCH_CPU_PROF;
const WATCHDOG_MS = Number(process.env.BENCH_WATCHDOG_MS ?? 180_000);
const PRICE = 1_000n;
const TARGET = 3_000;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`FAILED: no result within ${WATCHDOG_MS} ms`);
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();
  const anvil = await startAnvil();
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-http-"));
  let store: FileVoucherStore | undefined;
  try {
    const provider = new JsonRpcProvider(anvil.url, anvil.chainId, { staticNetwork: true });
    const [deployer, payerWallet, payeeWallet] = [0, 1, 2].map(() => Wallet.createRandom(provider));
    for (const w of [deployer, payerWallet, payeeWallet]) {
      await anvil.rpc("anvil_setBalance", [w.address, toBeHex(parseEther("1000"))]);
    }
    const channels = await (await new MicropaymentChannels__factory(deployer).deploy()).waitForDeployment();
    const contract = await channels.getAddress();

    // The payer opens its channels through its wallet, each with a session key (before the timed window).
    // A nonce manager: anvil may answer the next nonce before it counted the last transaction.
    const payer = new PayerClient({ address: contract, runner: new NonceManager(payerWallet) });
    const opened: PayerInit["channels"] = [];
    for (let salt = 0; salt < CHANNELS; salt++) {
      const key = PayerClient.createSessionKey();
      const { channel, channelId } = await payer.open({
        payee: payeeWallet.address,
        amount: 10n ** 15n,
        challengePeriod: 86_400,
        signer: key.address,
        salt,
      });
      opened.push({ channel, channelId, privateKey: key.privateKey });
    }

    store = await FileVoucherStore.open({ path: path.join(dir, "vouchers.log") });
    const payee = new PayeeClient({ address: contract, runner: payeeWallet, store, cacheTtl: 60_000 });
    const pay = paywall({ payee, price: PRICE });
    const body = "ok\n";
    const handler = (res: import("node:http").ServerResponse) => res.end(body);
    const server = createServer((req, res) => {
      if (req.url === "/free") handler(res);
      else pay(req, res, (error) => (error ? ((res.statusCode = 500), res.end()) : handler(res)));
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const profile = CPU_PROF === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`];
    const child = fork(path.join(__dirname, "lib", "http-bench", "payer.ts"), [], {
      execArgv: ["-r", require.resolve("ts-node/register/transpile-only"), ...profile],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let nextId = 0;
    const waiting = new Map<number, (done: PayerDone) => void>();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    child.on("message", (raw) => {
      const message = raw as { type: "ready" } | PayerDone;
      if (message.type === "ready") ready();
      else waiting.get(message.id)?.(message);
    });
    child.once("exit", (code) => {
      if (code !== 0) {
        console.error(`FAILED: the payer process exited with code ${code}`);
        process.exit(1);
      }
    });
    const init: PayerInit = {
      type: "init",
      url,
      chainId: String(anvil.chainId),
      contract,
      payee: payeeWallet.address,
      price: PRICE.toString(),
      channels: opened,
    };
    child.send(init);
    await isReady;
    // The payee's CPU time per run (this process serves; orchestration costs nothing while a run is on).
    const run = async (mode: PayerRun["mode"], requests: number) => {
      const cpu = process.cpuUsage();
      const syncs = store!.syncCount;
      const done = await new Promise<PayerDone>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.send({ type: "run", id, mode, requests } satisfies PayerRun);
      });
      const used = process.cpuUsage(cpu);
      return { ...done, payeeCpuMs: (used.user + used.system) / 1000, syncs: store!.syncCount - syncs };
    };

    await run("unpaid", WARMUP);
    const warm = await run("paid", WARMUP);
    const unpaid = await run("unpaid", REQUESTS);
    const paid = await run("paid", REQUESTS);
    child.send({ type: "exit" });

    // Accounting: every paid request (warm-up and timed) is in the payee's store, exactly once per price.
    let stored = 0n;
    for (const { channelId } of opened) stored += (await store.get(channelId as ChannelId))?.amount ?? 0n;
    const paidCount = BigInt(warm.ok + paid.ok);
    const childTotal = paid.perChannel.reduce((sum, t) => sum + BigInt(t), 0n);
    const accountingOk =
      stored === paidCount * PRICE && childTotal === stored && paid.failed === 0 && warm.failed === 0;

    const paidRate = (paid.ok / paid.elapsedMs) * 1000;
    const unpaidRate = (unpaid.ok / unpaid.elapsedMs) * 1000;
    const cpu = cpus();
    console.log(
      `machine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    console.log(`node ${process.version}; secp256k1 native binding: ${loadNativeSecp256k1() ? "yes" : "no (pure JS)"}`);
    console.log(
      `${CHANNELS} channels, one keep-alive connection each (payments on one channel are sequential by design); ` +
        `${fmt(REQUESTS)} requests per run`,
    );
    console.log(`unpaid: ${fmt(unpaidRate)} req/s, p50 ${unpaid.p50.toFixed(2)} ms, p99 ${unpaid.p99.toFixed(2)} ms`);
    console.log(`paid:   ${fmt(paidRate)} req/s, p50 ${paid.p50.toFixed(2)} ms, p99 ${paid.p99.toFixed(2)} ms`);
    const perRequest = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(0)} µs`;
    console.log(
      `CPU per request: payee ${perRequest(unpaid.payeeCpuMs, unpaid.ok)} unpaid, ${perRequest(paid.payeeCpuMs, paid.ok)} paid; ` +
        `payer ${perRequest(unpaid.cpuMs, unpaid.ok)} unpaid, ${perRequest(paid.cpuMs, paid.ok)} paid (signing included)`,
    );
    const bound = 1e6 / Math.max((paid.payeeCpuMs * 1000) / paid.ok, (paid.cpuMs * 1000) / paid.ok);
    console.log(
      `paid rate bound by CPU alone (each process on a core of its own): ${fmt(bound)} req/s; ` +
        `group commits: ${paid.syncs} fdatasyncs for ${fmt(paid.ok)} paid requests (${(paid.ok / Math.max(1, paid.syncs)).toFixed(1)} per sync)`,
    );
    console.log(
      `ratio paid/unpaid: ${(paidRate / unpaidRate).toFixed(3)}; target ${fmt(TARGET)} paid req/s: ${paidRate >= TARGET ? "met" : "NOT met"}`,
    );
    console.log(
      `accounting: ${paidCount} paid requests, payee stored ${stored} = ${paidCount} × ${PRICE}: ${accountingOk ? "OK" : "FAILED"}`,
    );
    if (paid.firstError || warm.firstError) console.log(`first error: ${paid.firstError ?? warm.firstError}`);
    server.closeAllConnections();
    server.close();
    if (!accountingOk) process.exitCode = 1;
  } finally {
    await store?.close();
    await anvil.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error("FAILED:", error);
  process.exit(1);
});
