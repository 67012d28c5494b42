// Fixed on branch atomic-fix; kept as a regression test (the fix is described in the commit that made it pass).
// Finding (adversarial review of issue 11, atomic swaps): `AtomicSwap.claim`, the initiator's step 3b, checks the
// counterparty's lock on B against the agreed terms only when the optional `expected` is passed. Without it the
// secret is revealed to any lock under the hashlock: one paying the counterparty himself, one for 1 wei, one in a
// worthless token. The counterparty then claims A with the secret: the initiator loses asset a for nothing.
// docs/atomic-swaps.md HT-23 ("I verifies C's lock on B the same way ... before revealing") is unconditional.
// (The second test, the time left before tB, was the other half of this finding; atomic-sdk ba01d71 made that check
// unconditional, and it stays here as a regression test.)
// Fix: make `expected` required in `AtomicSwap.claim` and always run `verifyLockB` before building the claim; keep
// the unchecked path only on `HashedTimelocksClient.claim`.
import { expect } from "chai";
import { PeerPayError, type AtomicSwap } from "../../sdk";
import { underCoverage } from "../helpers/coverage";
import { TwoChains, mineAt } from "../helpers/atomic-swaps";
import { expectCode, swapLocked } from "../helpers/atomic-swap-findings";

type ClaimParameters = Parameters<AtomicSwap["claim"]>[0];

async function refusal(action: Promise<unknown>): Promise<PeerPayError | undefined> {
  try {
    await action;
  } catch (error) {
    if (error instanceof PeerPayError) return error;
    throw error;
  }
  return undefined;
}

describe("finding: the initiator's AtomicSwap.claim reveals the secret to a lock it never verified (HT-22, HT-23)", function () {
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

  it("refuses to reveal the secret to Bob's lock on B that pays Bob himself, so Bob cannot take A with it (HT-23)", async function () {
    const s = await swapLocked(two, { receiverB: two.anvil.bob.address });
    // With `expected` the SDK refuses ...
    await expectCode(
      s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB }),
      "ATOMIC_SWAP_TERMS_MISMATCH",
    );
    // ... without it, the same step sends the claim.
    const error = await refusal(s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret } as ClaimParameters));
    const { revealed } = await s.bob.chainB.client.findSecret({ hashlock: s.hashlock });
    expect(
      revealed?.secret,
      "the secret is public on B, Bob's ETH went back to Bob, and Bob can now claim Alice's dUSD on A",
    ).to.equal(undefined);
    expect(error, "AtomicSwap.claim must refuse an unverified lock").to.be.instanceOf(PeerPayError);
  });

  it("refuses to reveal the secret when tB - now on B is below minTimeB, with or without `expected` (HT-22)", async function () {
    const s = await swapLocked(two);
    await mineAt(s.B, s.timelockB - s.alice.margins.minTimeB + 1);
    await expectCode(
      s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB }),
      "ATOMIC_SWAP_TIMELOCK_TOO_SOON",
    );
    const error = await refusal(s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret } as ClaimParameters));
    expect(
      error?.code,
      "the claim was sent with less time than a claim may take to land: if it lands at tB the secret is public and Bob both refunds B and claims A",
    ).to.equal("ATOMIC_SWAP_TIMELOCK_TOO_SOON");
  });
});
