// Fixed on branch atomic-fix; kept as a regression test (the fix is described in the commit that made it pass).
// Finding (adversarial review of issue 11, atomic swaps): the counterparty's watcher sends its claim on A once, at the
// fee ethers estimates from the latest block, and then waits for the receipt with no deadline: no repricing, no
// replacement, and `poll` itself never returns while the transaction waits. When A's base fee rises (the congestion
// that docs/atomic-swaps.md's claimTxWindow_A is meant to cover: "under congestion and fee bumps"), the claim sits in
// the pool below the base fee through the watcher's deadline and tA; the initiator, who already holds the counterparty's
// asset on B, refunds A at tA. No claimWindow is long enough, since nothing ever bumps the fee. Worse, a node may drop
// the priced-out transaction (anvil does, here): `poll` then waits for ever, with no error for the caller to act on.
// The initiator's reveal (`AtomicSwap.claim`) goes out the same way: stuck below the base fee until tB, it fails while
// its calldata has shown the secret, and the counterparty then refunds B and claims A.
// Fix: send the watcher's claim (and its refund of B) through sdk/submitter's fee-bumping Submitter with a deadline of
// watchDeadline / tA (replacement at a higher fee per block while the deadline nears, as the payment-channel watchtower
// does), the initiator's claim with a deadline of tB, and do not block `poll` on an unbounded receipt wait.
import { expect } from "chai";
import { toBeHex, type JsonRpcProvider } from "ethers";
import { HashedTimelockStatus } from "../../sdk";
import { underCoverage } from "../helpers/coverage";
import { TwoChains, latest, mine, mineAt, type Chain } from "../helpers/atomic-swaps";
import { swapLocked } from "../helpers/atomic-swap-findings";

type Pool = { pending: Record<string, Record<string, { maxFeePerGas: string }>> };

/** The first pending transaction of `from` in anvil's pool, waited for (bounded) while the watcher sends it. */
async function pendingOf(chain: Chain, from: string): Promise<{ maxFeePerGas: string }> {
  for (let i = 0; i < 500; i++) {
    const pool = (await chain.rpc("txpool_content")) as Pool;
    const ours = Object.entries(pool.pending).find(([sender]) => sender.toLowerCase() === from.toLowerCase());
    if (ours !== undefined) return Object.values(ours[1])[0];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no pending transaction of ${from}`);
}

describe("finding: the watcher's claim on A is never repriced, so congestion on A outlasts any claim window (HT-21)", function () {
  this.timeout(120_000);
  let two: TwoChains;

  before(async function () {
    if (underCoverage()) this.skip();
    two = await TwoChains.start();
    await two.snapshot();
  });
  after(async () => {
    await two?.stop();
    (two?.anvil.provider as JsonRpcProvider | undefined)?.destroy();
  });
  beforeEach(async () => {
    await two.revert();
    await two.syncClocks();
  });

  it("with A's base fee rising 12.5% a block from the moment the claim is sent, the watcher's claim lands before its deadline", async function () {
    const s = await swapLocked(two, { A: two.anvil });
    const watcher = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId, pollIntervalMs: 20 });
    expect(await watcher.poll()).to.equal(undefined);
    await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
    await s.A.rpc("evm_setAutomine", [false]);
    const claiming = watcher.poll();
    claiming.catch(() => undefined);
    try {
      const first = await pendingOf(s.A, s.A.bob.address);
      // From here A is congested: every block's base fee is above the last, starting just above the claim's cap
      // (EIP-1559 allows +12.5% a block). The chain's clock walks to the watcher's deadline in 20 blocks.
      let baseFee = BigInt(first.maxFeePerGas) + 1n;
      const start = await latest(s.A);
      const deadline = s.bob.watchDeadline({ timelockA: s.timelockA });
      const statusA = () => s.bob.chainA.client.status({ lock: s.lockedA.lockId });
      for (let i = 1; i <= 20 && (await statusA()) !== HashedTimelockStatus.Claimed; i++) {
        await s.A.rpc("anvil_setNextBlockBaseFeePerGas", [toBeHex(baseFee)]);
        await mineAt(s.A, start + Math.floor(((deadline - start) * i) / 20));
        baseFee = (baseFee * 9n) / 8n;
        // Room for the watcher to react to the block, as a real one would between blocks.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(
        await statusA(),
        "the claim was never repriced (still at its first price, or dropped) by the watcher's deadline: Alice refunds A at tA and keeps both",
      ).to.equal(HashedTimelockStatus.Claimed);
    } finally {
      // A's fees back to normal. The watcher's transaction is not in the pool any more (anvil drops what the base fee
      // has priced out), so its `poll` still waits for a receipt that will never come: it is left pending, and the
      // provider is destroyed after the suite.
      await s.A.rpc("anvil_setNextBlockBaseFeePerGas", ["0x1"]);
      await s.A.rpc("evm_setAutomine", [true]);
      await mine(s.A);
    }
  });
});
