// Shared set-up of the review findings on the atomic swap protocol (test/findings/*swap*.test.ts): both legs of a
// swap locked through the SDK on the two chains of test/helpers/atomic-swaps.ts (dUSD on Hardhat as chain A, ETH on
// anvil as chain B), Alice the initiator, Bob the counterparty. `receiverB` lets a test make Bob's lock on B pay
// someone other than Alice (a dishonest counterparty).
import { expect } from "chai";
import { ZeroAddress, parseEther } from "ethers";
import { AtomicSwap, PeerPayError, type AtomicSwapLegTerms } from "../../sdk";
import { USD, mine, type Chain, type TwoChains } from "./atomic-swaps";

export const AMOUNT_A = 1_000n * USD;
export const AMOUNT_B = parseEther("0.5");

export async function expectCode(action: Promise<unknown>, code: string): Promise<PeerPayError> {
  try {
    await action;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PeerPayError);
    expect((error as PeerPayError).code, (error as Error).message).to.equal(code);
    return error as PeerPayError;
  }
  expect.fail(`expected ${code}, nothing was thrown`);
}

/**
 * Alice locks dUSD on A (Hardhat unless `A` says otherwise) for Bob, Bob verifies it and locks ETH on B (the other
 * chain); both confirmed.
 */
export async function swapLocked(two: TwoChains, options: { receiverB?: string; timelockB?: number; A?: Chain } = {}) {
  const A = options.A ?? two.hardhat;
  const B = A === two.hardhat ? two.anvil : two.hardhat;
  const alice = two.swap("alice", A, B);
  const bob = two.swap("bob", A, B);
  const { secret, hashlock } = AtomicSwap.createSecret();
  const { timelockA, timelockB } = await alice.planTimelocks();
  const lockedA = await alice.lockInitiator({
    receiver: A.bob.address,
    token: A.tokenAddress,
    amount: AMOUNT_A,
    hashlock,
    timelockA,
    timelockB,
    funding: "approve",
  });
  await mine(A, A.timing.confirmations - 1);
  const expectedA: AtomicSwapLegTerms = {
    sender: A.alice.address,
    receiver: A.bob.address,
    token: A.tokenAddress,
    amount: AMOUNT_A,
    hashlock,
  };
  const lockedB = await bob.lockCounterparty({
    lockIdA: lockedA.lockId,
    expectedA,
    receiver: options.receiverB ?? B.alice.address,
    token: ZeroAddress,
    amount: AMOUNT_B,
    timelockB: options.timelockB,
  });
  await mine(B, B.timing.confirmations - 1);
  const expectedB: AtomicSwapLegTerms = {
    sender: B.bob.address,
    receiver: B.alice.address,
    token: ZeroAddress,
    amount: AMOUNT_B,
    hashlock,
  };
  return {
    A,
    B,
    alice,
    bob,
    secret,
    hashlock,
    timelockA,
    lockedA,
    lockedB,
    expectedB,
    timelockB: lockedB.lock.timelock,
  };
}
