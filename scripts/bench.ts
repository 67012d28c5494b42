// `npm run bench`: throughput of a payee verifying and durably storing vouchers from many concurrent payers.
//
// Our path: VoucherVerifier (precomputed domain, native secp256k1 when installed) on worker threads, then
// FileVoucherStore (group commit: one write + fdatasync per batch of puts). Baseline, in the same run: ethers'
// verifyTypedData and one appendFileSync + fsync per voucher. Vouchers are signed before timing (the payer's cost).
// No chain is needed: vouchers are checked against a fixed deployment (chain id, contract address).
import { appendFileSync, closeSync, fsyncSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { Wallet, keccak256, toBeHex, verifyTypedData } from "ethers";
import {
  VOUCHER_EIP712_TYPES,
  VoucherVerifier,
  micropaymentsDomain,
  signVoucher,
  toChannelId,
  type ChannelId,
} from "../sdk";
import { FileVoucherStore } from "../sdk/node";

const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 200);
const VOUCHERS = Number(process.env.BENCH_VOUCHERS ?? 80_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const BATCH = 1_000;
const BASELINE_SECONDS = 3;
const CONTEXT = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

type Data = { channelIds: ChannelId[]; keys: string[]; signers: string[] };
/** Voucher i is on channel i % CHANNELS, for the cumulative amount floor(i / CHANNELS) + 1: payers interleaved. */
const channelOf = (i: number) => i % CHANNELS;
const amountOf = (i: number) => BigInt(Math.floor(i / CHANNELS) + 1) * 1_000n;

type Task = { kind: "sign" | "verify"; id: number; start: number; end: number; signatures?: string[] };

function workerMain(): void {
  const { data } = workerData as { data: Data };
  const verifier = new VoucherVerifier(CONTEXT);
  let signatures: string[] = [];
  parentPort!.on("message", async (task: Task) => {
    if (task.kind === "sign") {
      const out: string[] = [];
      for (let i = task.start; i < task.end; i++) {
        const c = channelOf(i);
        const signed = await signVoucher({
          ...CONTEXT,
          channelId: data.channelIds[c],
          amount: amountOf(i),
          privateKey: data.keys[c],
        });
        out.push(signed.signature);
      }
      parentPort!.postMessage({ id: task.id, signatures: out });
      return;
    }
    if (task.signatures) {
      signatures = task.signatures;
      parentPort!.postMessage({ id: task.id });
      return;
    }
    const ok = new Uint8Array(task.end - task.start);
    for (let i = task.start; i < task.end; i++) {
      const c = channelOf(i);
      try {
        const signer = verifier.recoverLowercase({
          channelId: data.channelIds[c],
          amount: amountOf(i),
          signature: signatures[i],
        });
        ok[i - task.start] = signer === data.signers[c] ? 1 : 0;
      } catch {
        ok[i - task.start] = 0;
      }
    }
    parentPort!.postMessage({ id: task.id, ok }, [ok.buffer]);
  });
}

class Pool {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, (value: { signatures?: string[]; ok?: Uint8Array }) => void>();
  #next = 0;

  constructor(size: number, data: Data) {
    this.#workers = Array.from({ length: size }, () => {
      const worker = new Worker(__filename, {
        workerData: { data },
        execArgv: ["-r", "ts-node/register/transpile-only"],
      });
      worker.on("message", (message: { id: number; signatures?: string[]; ok?: Uint8Array }) => {
        this.#pending.get(message.id)!(message);
        this.#pending.delete(message.id);
      });
      worker.on("error", (error) => {
        console.error(error);
        process.exit(1);
      });
      return worker;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  run(worker: number, task: Omit<Task, "id">): Promise<{ signatures?: string[]; ok?: Uint8Array }> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#workers[worker].postMessage({ ...task, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "peerpay-bench-"));
  const wallets = Array.from({ length: CHANNELS }, (_, c) => new Wallet(keccak256(toBeHex(c + 1, 32))));
  const data: Data = {
    channelIds: wallets.map((_, c) => toChannelId(keccak256(toBeHex(0xc0ffee00 + c, 32)))),
    keys: wallets.map((wallet) => wallet.privateKey),
    signers: wallets.map((wallet) => wallet.address.toLowerCase()),
  };
  const pool = new Pool(WORKERS, data);
  const native = new VoucherVerifier(CONTEXT).native;
  console.log(
    `${CHANNELS} channels, ${VOUCHERS} vouchers interleaved, ${WORKERS} verification workers, ` +
      `secp256k1: ${native ? "native" : "ethers (pure JS)"}`,
  );

  // ---------------------------------------------------------------- pre-signing (not measured)
  let started = performance.now();
  const share = Math.ceil(VOUCHERS / pool.size);
  const parts = await Promise.all(
    Array.from({ length: pool.size }, (_, w) =>
      pool.run(w, { kind: "sign", start: w * share, end: Math.min(VOUCHERS, (w + 1) * share) }),
    ),
  );
  const signatures = parts.flatMap((part) => part.signatures!);
  await Promise.all(
    Array.from({ length: pool.size }, (_, w) => pool.run(w, { kind: "verify", start: 0, end: 0, signatures })),
  );
  console.log(`pre-signed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // ---------------------------------------------------------------- our path
  const store = await FileVoucherStore.open({ path: path.join(dir, "vouchers.log") });
  started = performance.now();
  const batches: Promise<{ ok?: Uint8Array }>[] = [];
  const inFlight: Promise<boolean>[] = [];
  let rejected = 0;
  for (let start = 0, b = 0; start < VOUCHERS; start += BATCH, b++) {
    batches.push(pool.run(b % pool.size, { kind: "verify", start, end: Math.min(VOUCHERS, start + BATCH) }));
  }
  // Results are applied in voucher order, so that each channel's amounts reach the store in increasing order.
  for (let b = 0; b < batches.length; b++) {
    const { ok } = await batches[b];
    const start = b * BATCH;
    for (let k = 0; k < ok!.length; k++) {
      const i = start + k;
      if (ok![k] !== 1) {
        rejected++;
        continue;
      }
      inFlight.push(
        store.put({ channelId: data.channelIds[channelOf(i)], amount: amountOf(i), signature: signatures[i] }),
      );
    }
  }
  const stored = (await Promise.all(inFlight)).filter(Boolean).length;
  const fastSeconds = (performance.now() - started) / 1000;
  const fastRate = VOUCHERS / fastSeconds;
  const syncs = store.syncCount;
  await store.close();
  if (rejected !== 0 || stored !== VOUCHERS) throw new Error(`our path: ${rejected} rejected, ${stored} stored`);
  const reopened = await FileVoucherStore.open({ path: path.join(dir, "vouchers.log") });
  for (let c = 0; c < CHANNELS; c++) {
    const last = VOUCHERS - 1 - ((VOUCHERS - 1 - c) % CHANNELS);
    if ((await reopened.get(data.channelIds[c]))?.amount !== amountOf(last))
      throw new Error(`channel ${c} lost vouchers`);
  }
  await reopened.close();
  await pool.close();
  console.log(
    `ours:     ${VOUCHERS} vouchers in ${fastSeconds.toFixed(2)} s = ${Math.round(fastRate)} vouchers/s ` +
      `(${syncs} fdatasyncs, ${Math.round(VOUCHERS / syncs)} vouchers per group commit)`,
  );

  // ---------------------------------------------------------------- naive baseline
  const domain = micropaymentsDomain(CONTEXT);
  const types = { Voucher: [...VOUCHER_EIP712_TYPES.Voucher] };
  const fd = openSync(path.join(dir, "naive.log"), "a");
  started = performance.now();
  let naive = 0;
  while (performance.now() - started < BASELINE_SECONDS * 1000 && naive < VOUCHERS) {
    const i = naive;
    const c = channelOf(i);
    const message = { channelId: data.channelIds[c], amount: amountOf(i) };
    if (verifyTypedData(domain, types, message, signatures[i]).toLowerCase() !== data.signers[c]) {
      throw new Error("baseline rejected a valid voucher");
    }
    appendFileSync(fd, `${message.channelId} ${message.amount} ${signatures[i]}\n`);
    fsyncSync(fd);
    naive++;
  }
  const naiveSeconds = (performance.now() - started) / 1000;
  closeSync(fd);
  const naiveRate = naive / naiveSeconds;
  console.log(`baseline: ${naive} vouchers in ${naiveSeconds.toFixed(2)} s = ${Math.round(naiveRate)} vouchers/s`);
  console.log(`ratio:    ${(fastRate / naiveRate).toFixed(1)}x`);
  rmSync(dir, { recursive: true, force: true });
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  workerMain();
}
