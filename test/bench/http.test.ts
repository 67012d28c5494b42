import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { underCoverage } from "../helpers/coverage";

const ROOT = path.join(__dirname, "..", "..");

/** Runs `npm run bench:http`'s script with tiny counts; resolves with its exit code and output. */
function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), "scripts/bench-http.ts"],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

// Speed is printed by `npm run bench:http`, never asserted: this checks that the benchmark runs end to end (anvil, a
// forked payer, the paywall over a FileVoucherStore) and that every paid request is stored exactly once.
describe("npm run bench:http (smoke run with tiny counts)", function () {
  this.timeout(180_000);

  it("HP-S1, HP-S4: exits 0, prints both rates, the ratio and p50/p99, and the payee stored exactly what was paid", async function () {
    if (underCoverage()) this.skip();
    const { code, stdout, stderr } = await runBench({
      BENCH_REQUESTS: "200",
      BENCH_WARMUP: "40",
      BENCH_CHANNELS: "4",
      BENCH_WATCHDOG_MS: "150000",
    });
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).to.equal(0);
    expect(stdout).to.match(/^machine: \d+ × /m);
    expect(stdout).to.match(/^unpaid: [\d,]+ req\/s, p50 [\d.]+ ms, p99 [\d.]+ ms$/m);
    expect(stdout).to.match(/^paid: +[\d,]+ req\/s, p50 [\d.]+ ms, p99 [\d.]+ ms$/m);
    expect(stdout).to.match(/^ratio paid\/unpaid: [\d.]+;/m);
    expect(stdout).to.match(/secp256k1 native binding: (yes|no \(pure JS\))/);
    // 40 warm-up and 200 timed paid requests at 1,000 each: the payee's stored totals sum to exactly that.
    const accounting = /^accounting: (\d+) paid requests, payee stored (\d+) = \d+ × 1000: (OK|FAILED)$/m.exec(stdout);
    expect(accounting, stdout).to.not.equal(null);
    expect(accounting![1]).to.equal("240");
    expect(accounting![2]).to.equal("240000");
    expect(accounting![3]).to.equal("OK");
    expect(stdout).to.not.include("first error");
  });
});
