// The watcher's decisions that need a chain to misbehave on cue (docs/atomic-swaps.md §6.3), against stand-in clients:
// a refund beaten by someone else's is an outcome, a lock B that reads Claimed before any node serves its event is a
// retryable error (never "nothing to do"), and a chain A whose runner cannot drive a fee-bumping submitter is refused.
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";
import {
  AtomicSwap,
  AtomicSwapWatcher,
  HashedTimelockStateError,
  HashedTimelockStatus,
  HashedTimelocksClient,
  PeerPayError,
  computeHashedTimelockId,
  createSecret,
  type HashedTimelock,
} from "../../../sdk";

const TB = 2_000_000_000;

function lockOf(hashlock: string, timelock: number): HashedTimelock {
  return {
    sender: "0x0000000000000000000000000000000000000001",
    receiver: "0x0000000000000000000000000000000000000002",
    token: ZeroAddress,
    amount: 1n,
    hashlock,
    timelock,
    safetyDeposit: 0n,
    publicClaimAt: 0,
    publicRefundAt: 0,
    salt: 0n,
  };
}

/** A stand-in client: lock B at block 10, head block 20 at `headTime`, the status and refund given. */
function fakeClient(params: {
  lock: HashedTimelock;
  status: () => HashedTimelockStatus;
  headTime: number;
  refund?: () => Promise<never>;
}): HashedTimelocksClient {
  const lockId = computeHashedTimelockId(params.lock);
  const provider = {
    getLogs: async () => [],
    getBlock: async () => ({ prefetchedTransactions: [] }),
    getTransactionReceipt: async () => null,
  };
  return {
    address: "0x00000000000000000000000000000000000000aa",
    resolveLock: async () => ({ lock: params.lock, lockId }),
    getLock: async () => ({ lock: params.lock, lockId, status: params.status(), log: { blockNumber: 10 } }),
    blockNumber: async () => 20,
    head: async () => ({ number: 20, timestamp: params.headTime }),
    chainTime: async () => params.headTime,
    findSecret: async () => ({ fromBlock: 10, toBlock: 20, scannedTo: 20, nextFromBlock: null, revealed: undefined }),
    status: async () => params.status(),
    refund: params.refund ?? (async () => expect.fail("no refund expected")),
    contract: { runner: { provider }, statusOf: async () => BigInt(params.status()) },
  } as unknown as HashedTimelocksClient;
}

async function thrown(action: Promise<unknown>): Promise<PeerPayError> {
  try {
    await action;
  } catch (error) {
    expect(error).to.be.instanceOf(PeerPayError);
    return error as PeerPayError;
  }
  return expect.fail("nothing was thrown");
}

describe("AtomicSwapWatcher with stand-in clients (§6.3)", function () {
  const { hashlock } = createSecret();

  it("returns the outcome 'refunded' (no receipt) when another caller's refund of B lands before its own (§6.3, HT-11)", async function () {
    const lockB = lockOf(hashlock, TB);
    let statusB = HashedTimelockStatus.Locked;
    const clientB = fakeClient({
      lock: lockB,
      status: () => statusB,
      headTime: TB,
      refund: async () => {
        statusB = HashedTimelockStatus.Refunded;
        throw new HashedTimelockStateError({
          code: "HASHED_TIMELOCK_NOT_LOCKED",
          message: "refunded by someone else",
          data: "0x",
        });
      },
    });
    const clientA = fakeClient({ lock: lockOf(hashlock, TB + 1_000), status: () => 1, headTime: TB });
    const watcher = new AtomicSwapWatcher({ lockA: otherLockId(), lockB: lockB, clientA, clientB, confirmationsB: 3 });
    expect(await watcher.poll()).to.deep.equal({ outcome: "refunded", refund: undefined });
  });

  it("a refund of B still Locked one second before tB is not sent (t-1), and is sent at tB and tB+1 (t, t+1) (HT-11)", async function () {
    const lockB = lockOf(hashlock, TB);
    let refunds = 0;
    const refund = async (): Promise<never> => {
      refunds++;
      throw new HashedTimelockStateError({ code: "HASHED_TIMELOCK_NOT_LOCKED", message: "gone", data: "0x" });
    };
    const clientA = fakeClient({ lock: lockOf(hashlock, TB + 1_000), status: () => 1, headTime: TB });
    const early = fakeClient({ lock: lockB, status: () => HashedTimelockStatus.Locked, headTime: TB - 1, refund });
    const before = new AtomicSwapWatcher({ lockA: otherLockId(), lockB, clientA, clientB: early, confirmationsB: 1 });
    expect(await before.poll()).to.equal(undefined);
    expect(refunds).to.equal(0);
    for (const [i, headTime] of [TB, TB + 1].entries()) {
      const due = fakeClient({ lock: lockB, status: () => HashedTimelockStatus.Locked, headTime, refund });
      const at = new AtomicSwapWatcher({ lockA: otherLockId(), lockB, clientA, clientB: due, confirmationsB: 1 });
      // B still reads Locked after the failed refund: neither refunded nor claimed, so the failure is the caller's.
      expect((await thrown(at.poll())).code).to.equal("HASHED_TIMELOCK_NOT_LOCKED");
      expect(refunds).to.equal(i + 1);
    }
  });

  it("with lock B Claimed and no node serving its Claimed event, poll fails with the retryable ATOMIC_SWAP_SECRET_NOT_FOUND instead of reporting nothing to do (§6.3)", async function () {
    const lockB = lockOf(hashlock, TB);
    const clientB = fakeClient({ lock: lockB, status: () => HashedTimelockStatus.Claimed, headTime: TB - 100 });
    const clientA = fakeClient({ lock: lockOf(hashlock, TB + 1_000), status: () => 1, headTime: TB - 100 });
    const watcher = new AtomicSwapWatcher({ lockA: otherLockId(), lockB, clientA, clientB, confirmationsB: 2 });
    expect((await thrown(watcher.poll())).code).to.equal("ATOMIC_SWAP_SECRET_NOT_FOUND");
    const errors: string[] = [];
    const started = new AtomicSwapWatcher({
      lockA: otherLockId(),
      lockB,
      clientA,
      clientB,
      confirmationsB: 2,
      pollIntervalMs: 1,
      onError: (error) => {
        errors.push(error.code);
        if (errors.length === 3) started.stop();
      },
    });
    expect(await started.start(), "start rides it out until stopped").to.equal(undefined);
    expect(errors).to.deep.equal(Array(3).fill("ATOMIC_SWAP_SECRET_NOT_FOUND"));
  });

  it("watch() refuses a chain A with no submitter whose runner cannot sign raw transactions on a JSON-RPC provider (INVALID_PARAMETER)", async function () {
    const [signer] = await ethers.getSigners();
    const client = new HashedTimelocksClient({ address: "0x00000000000000000000000000000000000000aa", runner: signer });
    const swap = new AtomicSwap({
      chainA: { client, timing: { blockTime: 12, confirmations: 2 } },
      chainB: { client, timing: { blockTime: 2, confirmations: 3 } },
      claimWindow: 600,
      clockSkew: 60,
    });
    const refusal = (() => {
      try {
        swap.watch({ lockA: otherLockId(), lockB: otherLockId() });
      } catch (error) {
        return error as PeerPayError;
      }
      return undefined;
    })();
    expect(refusal?.code).to.equal("INVALID_PARAMETER");
    expect(refusal?.details).to.include({ parameter: "chainA.submitter" });
  });
});

/** The id of some lock A (the stand-ins answer for any id). */
function otherLockId() {
  return computeHashedTimelockId(lockOf(`0x${"11".repeat(32)}`, TB));
}
