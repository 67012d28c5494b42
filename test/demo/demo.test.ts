// The main job as README gives it: `npm run demo` (the embedded Hardhat network) and
// `npm run demo -- --network localhost` against a real node (anvil). Each runs the script in a subprocess, as a user
// would, and checks it exits 0 having told every story with the numbers it promises.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { underCoverage } from "../helpers/coverage";
import { startAnvil, type Anvil } from "../helpers/anvil";
import { schemaErrors, validateRecord } from "../helpers/record-schema";
import { SUITE } from "../../scripts/lib/deploy";

const ROOT = join(__dirname, "..", "..");
const HARDHAT = join(ROOT, "node_modules", ".bin", "hardhat");

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: NodeJS.ProcessEnv, args: string[] = []): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(HARDHAT, ["run", "scripts/demo.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the demo did not finish in 300 s:\n${stdout}\n${stderr}`));
    }, 300_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every story ran to its end and printed its numbers. */
function expectAllStories(run: DemoRun): void {
  expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).to.equal(0);
  const out = run.stdout;
  const headings = [
    "1. P2P trade",
    "2. Freelance job",
    "3. Gasless settlement",
    "4. Pay per call",
    "5. Two-way channel",
    "6. Channel network",
    "7. Swap desk",
    "8. Cross-chain desk trade",
    "9. Paid HTTP API",
    "11. Auction house",
    "12. Lending",
  ];
  for (const heading of headings) {
    expect(out, heading).to.include(heading);
  }
  // The P2P trade: the buyer ends with the 500 dUSD the seller locked.
  expect(out).to.match(/Bea \(buyer\)\s+0\.0 dUSD →\s+500\.0 dUSD\s+\(\+500\.0 dUSD\)/);
  // A timeout cannot refund a deal the buyer marked paid.
  expect(out).to.include("ESCROW_INVALID_STATUS");
  // The gasless settlement cost its signers nothing.
  expect(out).to.include("for the settlement: 0.000000 ETH and 0.000000 ETH");
  // The stream: progress to the end, a throughput figure, and the payee cashing in the 2,000 payments.
  expect(out).to.include("2,000/2,000 payments");
  expect(out).to.match(/2,000 payments signed, verified and stored in [\d.]+ s: [\d,]+ payments\/s/);
  expect(out).to.include("Bob closes with his best voucher (0.020000 ETH)");
  // The two-way channel: 1,000 payments, a lock turned into a transfer, and the watchtower's answer to the stale
  // close paying Ben what the latest proofs say (1 + 0.5 - 0.4 ETH) minus its 0.001 ETH reward.
  expect(out).to.match(/1,000 payments, 500 each way, signed and verified in [\d.]+ s: [\d,]+ payments\/s/);
  expect(out).to.include("transferred 0.400000 ETH, locked 0");
  expect(out).to.include("her own direction at nonce 0");
  expect(out).to.include("Ben gets 1.099000 ETH: exactly 1 + 0.500000 ETH - 0.400000 ETH");
  expect(out).to.include("the watchtower gets its 0.001000 ETH reward");
  // The channel network: separate processes over WebSocket, both ways at once, a routed payment, and the watchtower
  // process answering a stale close while Ben is offline (the story itself checks the payouts to the wei).
  expect(out).to.match(
    /2,000 payments, 1,000 each way at once, each acknowledged only once its receiver stored it durably/,
  );
  expect(out).to.include(
    "Ann's view: sent 0.100000 ETH, received 0.060000 ETH; Ben's view: sent 0.060000 ETH, received 0.100000 ETH",
  );
  expect(out).to.include("Ann has sent Hal 0.050500 ETH (Hal's fee 0.000500 ETH), Cat has received 0.050000 ETH");
  expect(out).to.include("Ben's watchtower records Ann's latest proof (nonce 1000, transferred 0.100000 ETH)");
  expect(out).to.include("Ben gets 1.039000 ETH without being online, exactly 1 ETH + 0.100000 ETH from Ann");
  // The swap desk: a pasted order filled in two parts, checked to the wei by the story itself, and a cancelled order
  // that check() refuses.
  expect(out).to.match(/he pastes it in the desk's chat \(\d+ characters\): ppswap1:/);
  expect(out).to.include(
    "Bea parses it: signature valid (maker), check passes, 250 dUSD cost 0.1 ETH, 750.0 dUSD would remain",
  );
  expect(out).to.include("Carl takes the remaining 750.0 dUSD for 0.3 ETH: order filled");
  expect(out).to.include("Bea checks it too late: SWAP_NONCE_USED; nothing moves");
  expect(out).to.match(/Sam \(maker\)\s+[\d.]+ dUSD →\s+[\d.]+ dUSD\s+\(-1000\.0 dUSD\)/);
  expect(out).to.include("checked to the wei");
  // The cross-chain desk trade: Bea's watcher completes chain A from the secret Sam revealed on chain B, a reused
  // hashlock is refused, and the story's own check of the four balances to the wei passes.
  expect(out).to.match(/Bea's watcher finds the secret in chain B's block \d+ and claims the 1,000 dUSD on chain A/);
  expect(out).to.include("a second swap under the same, now public, hashlock is refused: ATOMIC_SWAP_SECRET_REVEALED");
  expect(out).to.include("checked to the wei: Sam -1,000 dUSD on A and +0.4 ETH on B less his claim's gas");
  // The paid HTTP API: 402 without payment, 40 calls paid through payingFetch on loopback with one channel opened by
  // the wallet, a replayed voucher refused with its code and not served, and the story's own check to the wei.
  expect(out).to.include("an unpaid call gets 402 HTTP_PAYMENT_REQUIRED, scheme peerpay-channel on eip155:");
  expect(out).to.match(
    /40 calls paid over HTTP in [\d.]+ s \([\d,]+ calls\/s, opening included\): the last receipt says 0\.004 ETH in all/,
  );
  expect(out).to.include(
    "the last call's voucher replayed gets 402 HTTP_PAYMENT_REPLAYED (Max holds 0.004 ETH); the handler did not run: 40 calls served",
  );
  expect(out).to.include("checked to the wei: Max +0.004 ETH less his close's gas, Ivy -0.004 ETH less her open's gas");
  // The auction house: the reverting bot's refund credited and reused, the end extended, a third party settling, a
  // Dutch buy half-way with the excess back, and the story's own check to the wei.
  expect(out).to.include("the push of the bot's 0.1 ETH refund reverts: it is credited (0.1 ETH); Bea's bid stands");
  expect(out).to.include("the bot bids 0.12 ETH: 0.1 ETH from its credit (computed by the client), 0.02 ETH sent");
  expect(out).to.match(/the end moves from [\d:]+ UTC to [\d:]+ UTC \(now \+ 10 min\)/);
  expect(out).to.include("Dana settles at the end: Bea gets NFT #1, Sam 0.126 ETH");
  expect(out).to.include("half-way Bea buys NFT #2 at 0.6 ETH: she sent 1 ETH, the 0.4 ETH excess came back");
  expect(out).to.include("checked to the wei: Bea paid the two prices, Sam got them less the fee");
  // The crowdfunding story: a relayed pledge refused the second time before sending, the claim to the unit, the
  // failed campaign's batch refund with a refusing wallet credited, and every backer whole again.
  expect(out).to.include("Rex tries the same signature again: refused before sending (CROWDFUNDING_PLEDGE_NONCE_USED)");
  expect(out).to.include("Sam received 1050.0 dUSD; campaign state Claimed");
  expect(out).to.include(
    "Rex pushes the rest in one batch: Carl gets 1.5 ETH; the wallet refuses, so 0.500000 ETH is credited to it",
  );
  expect(out).to.include("Dana's wallet withdraws its credit to her: every backer has their ETH back");
  // Lending: an offer shared as JSON and accepted, a pro-rated partial repayment with the platform's fee, the lender
  // position sold to Carl who is paid the rest (the story checks every amount to the unit), and an NFT loan whose
  // claim one second before the default is refused and succeeds at the default time.
  expect(out).to.match(/she shares it as JSON \(\d+ characters, nonce \d+\): no transaction, no gas/);
  expect(out).to.include("Bea parses it: signed by Dana (valid), 1000.0 dUSD");
  expect(out).to.include(
    "10 days later Bea repays 400 dUSD: 3.287672 dUSD interest (fee 0.328767 dUSD), 603.287672 dUSD principal left",
  );
  expect(out).to.match(/Dana sells her lender position \(token [0-9a-f]+…\) to Carl for 600\.0 dUSD/);
  expect(out).to.include(
    "Carl's positions from the Transfer logs: 1 lender position of this loan, 603.287672 dUSD owed",
  );
  expect(out).to.include(
    "10 days later Bea repays the rest, 605.271084 dUSD (1.983412 dUSD interest): Carl gets 605.072743 dUSD, the platform 0.198341 dUSD",
  );
  expect(out).to.include("the loan is repaid: Bea has her 0.5 dETH back");
  expect(out).to.match(/the platform \(fee\)\s+[\d.]+ dUSD →\s+[\d.]+ dUSD\s+\(\+0\.527108 dUSD\)/);
  expect(out).to.include("Fay never repays. Carl claims one second early: refused, LENDING_NOT_DEFAULTED");
  expect(out).to.match(/at the default time \([\d-]+ [\d:]+ UTC\) his claim succeeds: NFT #1 is Carl's/);
  expect(out).to.match(
    /Done: 3 deals, 2 micropayment channels \(one paid over HTTP\), 4 two-way channels, 2 signed orders, 1 cross-chain swap, 2 crowdfunding campaigns, 2 auctions and 2 loans, [\d,]+ gas in all/,
  );
}

describe("The demo (README: npm run demo)", function () {
  this.timeout(600_000);
  let dir: string;

  before(function () {
    if (underCoverage()) this.skip();
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "peerpay-demo-test-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every story on the embedded Hardhat network, deploying and recording every product", async function () {
    const run = await runDemo({ PEERPAY_DEPLOYMENTS_DIR: dir });
    expectAllStories(run);
    for (const name of SUITE) expect(run.stdout).to.match(new RegExp(`▸ ${name} deployed at 0x[0-9a-fA-F]{40}`));
    const record = JSON.parse(readFileSync(join(dir, "hardhat.json"), "utf8"));
    expect(schemaErrors(validateRecord, record)).to.deep.equal([]);
    expect(record.chainId).to.equal(31337);
    expect(Object.keys(record.contracts)).to.deep.equal([...SUITE]);
  });

  describe("with --network localhost, against anvil", function () {
    let node: Anvil;
    before(async function () {
      if (underCoverage()) this.skip();
      node = await startAnvil();
    });
    after(async () => node?.stop());

    it("runs every story; a second run reuses the deployed suite and sends no deployment", async function () {
      const env = { PEERPAY_DEPLOYMENTS_DIR: dir, LOCALHOST_RPC_URL: node.url };
      const first = await runDemo(env, ["--network", "localhost"]);
      expectAllStories(first);
      expect(first.stdout).to.include(`on network "localhost" (chain id ${node.chainId})`);
      for (const name of SUITE) expect(first.stdout).to.match(new RegExp(`▸ ${name} deployed at 0x[0-9a-fA-F]{40}`));
      const second = await runDemo(env, ["--network", "localhost"]);
      expectAllStories(second);
      for (const name of SUITE) expect(second.stdout).to.match(new RegExp(`▸ ${name} unchanged at`));
      expect(second.stdout).to.not.match(new RegExp(`deploy (${SUITE.join("|")}):`));
    });
  });
});
