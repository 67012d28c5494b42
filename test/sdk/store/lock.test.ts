// The FileVoucherStore lock under real concurrency (docs/micropayments.md §5, "Exclusivity"): processes that find
// the same stale lock at the same moment race to take it over; exactly one may win.
import { expect } from "chai";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";

const RACER = path.join(__dirname, "fixtures/lock-racer.ts");
const ROOT = path.join(__dirname, "../../..");

type Reply = { ready?: true; won?: boolean; code?: string; released?: true };

/** A forked racer and a way to wait for its next message. */
function racer(): { child: ChildProcess; next: () => Promise<Reply> } {
  const child = fork(RACER, [], { cwd: ROOT, execArgv: ["-r", "ts-node/register/transpile-only"] });
  const queue: Reply[] = [];
  const waiting: ((reply: Reply) => void)[] = [];
  child.on("message", (reply: Reply) => {
    const wake = waiting.shift();
    if (wake) wake(reply);
    else queue.push(reply);
  });
  const next = () =>
    queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<Reply>((resolve) => waiting.push(resolve));
  return { child, next };
}

describe("FileVoucherStore lock: takeover race", function () {
  let dir: string;
  let racers: ReturnType<typeof racer>[] = [];
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-lock-"));
  });
  afterEach(function () {
    for (const { child } of racers) child.kill();
    racers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  /** A lock left by a dead process: this process's pid with another start time (a reused pid). */
  const staleLock = (round: number) =>
    JSON.stringify({ pid: process.pid, start: "1", host: hostname(), token: `stale${round}` }) + "\n";

  for (const count of [2, 3]) {
    it(`lets exactly one of ${count} processes take over a stale lock they all find at once, every round`, async function () {
      this.timeout(300_000);
      const ROUNDS = 60;
      racers = Array.from({ length: count }, racer);
      for (const r of racers) expect(await r.next()).to.deep.equal({ ready: true });
      const lockPath = path.join(dir, "vouchers.log.lock");
      const winners: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        writeFileSync(lockPath, staleLock(round));
        for (const { child } of racers) child.send({ go: lockPath });
        const replies = await Promise.all(racers.map((r) => r.next()));
        const won = replies.flatMap((reply, i) => (reply.won ? [i] : []));
        expect(won, `round ${round}: ${JSON.stringify(replies)}`).to.have.length(1);
        for (const reply of replies) if (!reply.won) expect(reply.code).to.equal("STORE_LOCKED");
        // The lock names the winner, and nothing else is left beside it.
        const holder = JSON.parse(readFileSync(lockPath, "utf8")) as { pid: number };
        expect(holder.pid).to.equal(racers[won[0]].child.pid);
        expect(readdirSync(dir)).to.deep.equal(["vouchers.log.lock"]);
        winners.push(won[0]);
        for (const { child } of racers) child.send({ release: true });
        await Promise.all(racers.map((r) => r.next()));
      }
      // Every racer won some rounds: they did race.
      console.log(
        `      winners per racer over ${ROUNDS} rounds: ${racers.map((_, i) => winners.filter((w) => w === i).length).join(", ")}`,
      );
    });
  }
});
