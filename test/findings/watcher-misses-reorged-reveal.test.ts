// Fixed on branch atomic-fix; kept as a regression test (the fix is described in the commit that made it pass).
// Finding (adversarial review of issue 11, atomic swaps): the counterparty's watcher advances its cursor to chain B's
// unconfirmed head on every poll and never looks back. If the initiator's claim on B ends up in a block number the
// watcher has already scanned (a reorganisation of B replaces that block; or a load-balanced RPC whose eth_getLogs
// node lags the node that answered eth_blockNumber returns an empty result for it), the secret is never found. Lock B
// then reads Claimed, which `poll` treats as "nothing to do yet", for ever: no error, no claim on A, and the initiator
// refunds A at tA. Bob loses his ETH on B and never gets Alice's dUSD on A (docs/atomic-swaps.md §6.3, HT-21: the
// margin's confirmTime_B exists precisely so that C acts on a reveal only in a block it trusts).
// Fix: scan only up to `head - confirmations_B + 1` or keep the cursor `confirmations_B` blocks behind the head and
// rescan that window each poll (the cursor stored by onProgress must be a confirmed block); and when statusOf(lock B)
// is Claimed but no secret is known, find the Claimed event by its indexed id (topic 1 = lockIdB) from lock B's block
// on, since the status is proof that a reveal exists. Never return "nothing to do" while B is Claimed. (Related: with
// such a lagging endpoint, `findSecret`'s `toBlock: head.number` can exceed the `getBlockNumber` it checks against, an
// INVALID_PARAMETER that `start` does not ride out as it does PROVIDER_ERROR: the watcher stops.)
import { expect } from "chai";
import { JsonRpcProvider, Wallet, type Filter, type FilterByBlockHash, type Log } from "ethers";
import { AtomicSwap, HashedTimelockStatus, HashedTimelocksClient } from "../../sdk";
import { underCoverage } from "../helpers/coverage";
import { CLAIM_WINDOW, CLOCK_SKEW, HardhatSubmitter, TwoChains, USD, mine } from "../helpers/atomic-swaps";
import { account } from "../helpers/submitter";
import { AMOUNT_A, swapLocked } from "../helpers/atomic-swap-findings";

/** An endpoint whose log index runs one block behind its head (as load-balanced RPC services do at times). */
class LaggingLogsProvider extends JsonRpcProvider {
  override async getLogs(filter: Filter | FilterByBlockHash): Promise<Log[]> {
    const head = await super.getBlockNumber();
    return (await super.getLogs(filter)).filter((log) => log.blockNumber < head);
  }
}

describe("finding: the watcher's cursor passes a block of B before it holds the reveal (a reorganisation, a lagging log index) (HT-21, §6.3)", function () {
  this.timeout(120_000);
  let two: TwoChains;

  before(async function () {
    if (underCoverage()) this.skip();
    two = await TwoChains.start();
    await two.snapshot();
  });
  after(async () => two?.stop());
  beforeEach(async () => {
    await two.revert();
    await two.syncClocks();
  });

  it("a claim on B re-mined into a block number the watcher already scanned is still found, and the watcher claims A before tA", async function () {
    const s = await swapLocked(two);
    const watcher = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId });
    expect(await watcher.poll(), "nothing revealed yet").to.equal(undefined);

    // B's head N. Block N+1 is mined without Alice's claim and the watcher scans it (its cursor stays
    // confirmations_B - 1 blocks behind the block scanned: the fix; the reviewer's version pinned N+2 here) ...
    const fork = (await s.B.rpc("evm_snapshot")) as string;
    await mine(s.B);
    expect(await watcher.poll(), "block N+1 holds no claim").to.equal(undefined);
    const scanned = await s.B.provider.getBlockNumber();
    expect(watcher.nextFromBlock).to.equal(scanned - s.B.timing.confirmations + 1);
    // ... then B reorganises: block N+1 is replaced by one holding Alice's claim (the reveal), and N+2 follows.
    await s.B.rpc("evm_revert", [fork]);
    const { receipt } = await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
    expect(receipt.blockNumber, "the reveal lands in a block number the watcher already scanned").to.be.at.most(
      scanned,
    );
    await mine(s.B);
    expect(await s.bob.chainB.client.status({ lock: s.lockedB.lockId })).to.equal(HashedTimelockStatus.Claimed);

    // Bob's watcher keeps polling, with plenty of time left before its deadline on A.
    const deadline = s.bob.watchDeadline({ timelockA: s.timelockA });
    let outcome = await watcher.poll();
    for (let i = 0; i < 3 && outcome === undefined; i++) {
      await mine(s.B);
      outcome = await watcher.poll();
    }
    expect(
      outcome?.outcome,
      "lock B is Claimed (the secret is public on B) but the watcher never finds it: Alice refunds A at tA",
    ).to.equal("claimed");
    expect(await s.A.token.balanceOf(s.A.bob.address)).to.equal(1_000_000n * USD + AMOUNT_A);
    // The claim above landed before the watcher's own deadline on A: the margin was never the problem.
    expect((await s.A.provider.getBlock("latest"))!.timestamp).to.be.below(deadline);
  });

  it("with an endpoint whose logs lag its head by one block, the reveal in the head block is still found and A claimed", async function () {
    const s = await swapLocked(two);
    const lagging = new LaggingLogsProvider(two.node.url, undefined, {
      staticNetwork: true,
      pollingInterval: 20,
      cacheTimeout: -1,
    });
    try {
      // Bob's own view of B goes through that endpoint (anvil's accounts: 0 deployer, 1 Alice, 2 Bob).
      const bob = new AtomicSwap({
        // The embedded Hardhat chain cannot sign raw transactions: the watcher's claim on A needs a submitter given
        // (added with the fix, which makes the watcher require one).
        chainA: { client: two.client(s.A, "bob"), timing: s.A.timing, submitter: new HardhatSubmitter(s.A.bob) },
        chainB: {
          client: new HashedTimelocksClient({
            address: s.B.htlc,
            runner: new Wallet(account(2).privateKey, lagging),
            fromBlock: s.B.fromBlock,
          }),
          timing: s.B.timing,
        },
        claimWindow: CLAIM_WINDOW,
        clockSkew: CLOCK_SKEW,
      });
      const watcher = bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId });
      expect(await watcher.poll()).to.equal(undefined);
      await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
      let outcome = await watcher.poll();
      for (let i = 0; i < 3 && outcome === undefined; i++) {
        await mine(s.B);
        outcome = await watcher.poll();
      }
      expect(outcome?.outcome, "the reveal's block was scanned before its logs were served, and never again").to.equal(
        "claimed",
      );
    } finally {
      lagging.destroy();
    }
  });
});
