import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { underCoverage } from "../helpers/coverage";

const ROOT = path.join(__dirname, "..", "..");

/** Runs `npm run bench:channels`'s script with tiny counts; resolves with its exit code and output. */
function runBench(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), "scripts/bench-channels.ts"],
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

// Speed is printed by `npm run bench:channels`, never asserted: this only checks that the benchmark runs end to end
// (anvil, two peer processes over WebSocket with file logs) and that every payment is counted exactly once.
describe("npm run bench:channels (smoke run with tiny counts)", function () {
  this.timeout(180_000);

  it("PC-E1, PC-E2: exits 0 and both peers' live and replayed balances equal the payments made", async function () {
    if (underCoverage()) this.skip();
    const { code, stdout, stderr } = await runBench({
      BENCH_PAYMENTS: "60",
      BENCH_WARMUP: "20",
      BENCH_NAIVE_SECONDS: "0.3",
      BENCH_PACED_RATE: "200",
      BENCH_PACED_SECONDS: "0.3",
      BENCH_WATCHDOG_MS: "150000",
    });
    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).to.equal(0);
    for (const row of ["Ann → Ben", "Ben → Ann", "both at once", "naive: 1 in flight"]) expect(stdout).to.include(row);
    // Ben paid 60 one way, 60 in the two-way run and 20 in the warm-up; Ann also paced and naive payments.
    const agree = /balances agree: Ann paid ([\d,]+) payments, Ben ([\d,]+);/.exec(stdout);
    expect(agree, stdout).to.not.equal(null);
    expect(agree![2]).to.equal("140");
    expect(Number(agree![1].replace(/,/g, ""))).to.be.greaterThan(140 + 60);
    expect(stdout).to.not.include("FAILED");
  });
});
