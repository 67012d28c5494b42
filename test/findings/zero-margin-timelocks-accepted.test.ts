// Fixed on branch atomic-fix; kept as a regression test (the fix is described in the commit that made it pass).
// Finding (adversarial review of issue 11, atomic swaps): the timing estimates accept zeros (blockTime 0, claimWindow
// 0, clockSkew 0), and then the margin is 0: `checkAtomicSwapTimelocks` accepts tB == tA, although its own doc says
// the margin check "also refuses tB >= tA" and docs/atomic-swaps.md §6.1 requires tB < tA. With tB == tA the initiator
// reveals at tA - 1 and the counterparty would have to claim A in the same second, which it cannot: the initiator
// keeps both. A zero claim window means "a transaction is mined instantly", which no chain offers; a zero block time
// makes confirmations free.
// Fix: refuse `blockTime < 1` and `claimWindow < 1` (better: at least one block time of each chain) in
// `atomicSwapMargins`, and refuse `timelockB >= timelockA` explicitly in `checkAtomicSwapTimelocks`.
import { expect } from "chai";
import { PeerPayError, checkAtomicSwapTimelocks, type AtomicSwapTiming } from "../../sdk";

function thrown(action: () => void): PeerPayError | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof PeerPayError) return error;
    throw error;
  }
  return undefined;
}

describe("finding: a zero margin lets tB equal tA (§6.1, HT-21)", function () {
  const zero: AtomicSwapTiming = {
    chainA: { blockTime: 0, confirmations: 1 },
    chainB: { blockTime: 0, confirmations: 1 },
    claimWindow: 0,
    clockSkew: 0,
  };
  const tA = 2_000_000_000;

  for (const tB of [tA, tA + 1]) {
    it(`refuses tB = tA${tB === tA ? "" : " + 1"} whatever the timing estimates`, function () {
      const error = thrown(() => checkAtomicSwapTimelocks({ timing: zero, timelockA: tA, timelockB: tB }));
      expect(
        error,
        "tB >= tA accepted: the initiator can reveal when the counterparty has no time left",
      ).to.be.instanceOf(PeerPayError);
    });
  }

  it("refuses a timing whose claim window is 0 s (no transaction is mined instantly)", function () {
    const error = thrown(() => checkAtomicSwapTimelocks({ timing: zero, timelockA: tA, timelockB: tA - 1 }));
    expect(error?.code).to.be.oneOf(["INVALID_PARAMETER", "ATOMIC_SWAP_UNSAFE_TIMELOCKS"]);
  });
});
