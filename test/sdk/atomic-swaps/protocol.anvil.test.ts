// The atomic swap protocol across two independent chains at once (docs/atomic-swaps.md §6): the
// embedded Hardhat network (31337) and anvil (31338), each with its own HashedTimelocks and dUSD. Alice initiates
// (chain A, the longer timelock), Bob answers (chain B, the shorter) and runs the watcher. Time is moved on each
// chain by evm_setNextBlockTimestamp; every deadline is tried at t-1 and t (and t+1 where a later block could differ).
import { expect } from "chai";
import { JsonRpcProvider, Wallet, ZeroAddress, parseEther, type TransactionReceipt } from "ethers";
import {
  AtomicSwap,
  AtomicSwapError,
  HashedTimelockStateError,
  HashedTimelockStatus,
  HashedTimelocksClient,
  PeerPayError,
  type AtomicSwapLegTerms,
  type LockParameters,
} from "../../../sdk";
import { underCoverage } from "../../helpers/coverage";
import { waitFor } from "../../helpers/deploy";
import { startRpcProxy } from "../../helpers/rpc-proxy";
import { account } from "../../helpers/submitter";
import {
  CLAIM_WINDOW,
  CLOCK_SKEW,
  TwoChains,
  USD,
  latest,
  mine,
  mineAt,
  nextBlockAt,
  type Chain,
} from "../../helpers/atomic-swaps";

async function expectCode(action: Promise<unknown>, code: string): Promise<PeerPayError> {
  try {
    await action;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(PeerPayError);
    expect((error as PeerPayError).code, (error as Error).message).to.equal(code);
    return error as PeerPayError;
  }
  expect.fail(`expected ${code}, nothing was thrown`);
}

const fee = (...receipts: (TransactionReceipt | null | undefined)[]) =>
  receipts.reduce((sum, r) => sum + (r ? r.gasUsed * r.gasPrice : 0n), 0n);

describe("AtomicSwap across Hardhat (31337) and anvil (31338) (docs/atomic-swaps.md §6)", function () {
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

  /** One swap set up to the point both legs are locked and confirmed: `amountA` of `tokenA` for `amountB` of `tokenB`. */
  async function bothLocked(
    A: Chain,
    B: Chain,
    legs: { tokenA: string; amountA: bigint; tokenB: string; amountB: bigint },
  ) {
    const alice = two.swap("alice", A, B);
    const bob = two.swap("bob", A, B);
    const { secret, hashlock } = AtomicSwap.createSecret();
    const { timelockA, timelockB } = await alice.planTimelocks();
    const lockedA = await alice.lockInitiator({
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockA,
      timelockB,
      funding: legs.tokenA === ZeroAddress ? "allowance" : "permit",
    });
    await mine(A, A.timing.confirmations - 1);
    const expectedA: AtomicSwapLegTerms = {
      sender: A.alice.address,
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
    };
    const lockedB = await bob.lockCounterparty({
      lockIdA: lockedA.lockId,
      expectedA,
      receiver: B.alice.address,
      token: legs.tokenB,
      amount: legs.amountB,
      funding: legs.tokenB === ZeroAddress ? "allowance" : "approve",
    });
    await mine(B, B.timing.confirmations - 1);
    const expectedB: AtomicSwapLegTerms = {
      sender: B.bob.address,
      receiver: B.alice.address,
      token: legs.tokenB,
      amount: legs.amountB,
      hashlock,
    };
    return {
      alice,
      bob,
      secret,
      hashlock,
      timelockA,
      timelockB: lockedB.lock.timelock,
      lockedA,
      lockedB,
      expectedA,
      expectedB,
    };
  }

  const dusdForEth = () => ({
    A: two.hardhat,
    B: two.anvil,
    legs: { tokenA: two.hardhat.tokenAddress, amountA: 1_000n * USD, tokenB: ZeroAddress, amountB: parseEther("0.5") },
  });

  // ---------------------------------------------------------------- happy paths, both assets, both directions

  for (const variant of [
    { title: "dUSD on Hardhat (A) for ETH on anvil (B)", a: "hardhat", tokenOnA: true },
    { title: "ETH on anvil (A) for dUSD on Hardhat (B)", a: "anvil", tokenOnA: false },
  ] as const) {
    it(`completes ${variant.title}: Alice claims B, Bob's watcher claims A, balances exact to the wei (§6.1, HT-21..HT-24)`, async function () {
      const A = variant.a === "hardhat" ? two.hardhat : two.anvil;
      const B = variant.a === "hardhat" ? two.anvil : two.hardhat;
      const legs = variant.tokenOnA
        ? { tokenA: A.tokenAddress, amountA: 1_000n * USD, tokenB: ZeroAddress, amountB: parseEther("0.5") }
        : { tokenA: ZeroAddress, amountA: parseEther("0.5"), tokenB: B.tokenAddress, amountB: 1_000n * USD };
      const read = async () => ({
        aliceA:
          legs.tokenA === ZeroAddress
            ? await A.provider.getBalance(A.alice.address)
            : await A.token.balanceOf(A.alice.address),
        bobA:
          legs.tokenA === ZeroAddress
            ? await A.provider.getBalance(A.bob.address)
            : await A.token.balanceOf(A.bob.address),
        aliceB:
          legs.tokenB === ZeroAddress
            ? await B.provider.getBalance(B.alice.address)
            : await B.token.balanceOf(B.alice.address),
        bobB:
          legs.tokenB === ZeroAddress
            ? await B.provider.getBalance(B.bob.address)
            : await B.token.balanceOf(B.bob.address),
      });
      const before = await read();
      const s = await bothLocked(A, B, legs);
      expect(s.timelockA - s.timelockB).to.equal(s.bob.margins.margin);
      const watcher = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId });
      expect(await watcher.poll(), "nothing to do before the secret is out").to.equal(undefined);

      const claimedB = await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
      const outcome = await watcher.poll();
      expect(outcome?.outcome).to.equal("claimed");
      if (outcome?.outcome !== "claimed") return;
      expect(outcome.revealed.secret).to.equal(s.secret);
      expect(await s.alice.chainA.client.status({ lock: s.lockedA.lockId })).to.equal(HashedTimelockStatus.Claimed);
      expect(await s.alice.chainB.client.status({ lock: s.lockedB.lockId })).to.equal(HashedTimelockStatus.Claimed);

      const after = await read();
      // Gas is paid in ETH: only the ETH leg's chain counts it, for whoever sent there.
      const ethA = legs.tokenA === ZeroAddress;
      const aliceGasA = ethA ? fee(s.lockedA.receipt, s.lockedA.approvalReceipt) : 0n;
      const bobGasA = ethA ? fee(outcome.claim.receipt) : 0n;
      const aliceGasB = ethA ? 0n : fee(claimedB.receipt);
      const bobGasB = ethA ? 0n : fee(s.lockedB.receipt, s.lockedB.approvalReceipt);
      expect(after.aliceA).to.equal(before.aliceA - legs.amountA - aliceGasA);
      expect(after.bobA).to.equal(before.bobA + legs.amountA - bobGasA);
      expect(after.aliceB).to.equal(before.aliceB + legs.amountB - aliceGasB);
      expect(after.bobB).to.equal(before.bobB - legs.amountB - bobGasB);
    });
  }

  it("keeps the watcher's loop running until Alice's claim, then it claims A by itself (§6.3)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    const watcher = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId, pollIntervalMs: 20 });
    const running = watcher.start();
    await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
    const outcome = await running;
    expect(outcome?.outcome).to.equal("claimed");
    expect(await A.token.balanceOf(A.bob.address)).to.equal(1_000_000n * USD + legs.amountA);
  });

  it("keeps the watcher's loop through an outage of chain B's endpoint: each failure is reported, and it claims once the endpoint is back (§6.3)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    const proxy = await startRpcProxy(two.node.url);
    try {
      const provider = new JsonRpcProvider(proxy.url, undefined, {
        staticNetwork: true,
        cacheTimeout: -1,
        pollingInterval: 20,
      });
      const bobOnB = new HashedTimelocksClient({
        address: B.htlc,
        runner: new Wallet(account(2).privateKey, provider),
        fromBlock: B.fromBlock,
      });
      const bob = new AtomicSwap({
        chainA: s.bob.chainA,
        chainB: { client: bobOnB, timing: B.timing },
        claimWindow: CLAIM_WINDOW,
        clockSkew: CLOCK_SKEW,
      });
      const errors: PeerPayError[] = [];
      let polled = 0;
      const watcher = bob.watch({
        lockA: s.lockedA.lockId,
        lockB: s.lockedB.lockId,
        pollIntervalMs: 20,
        onProgress: () => void polled++,
        onError: (error) => errors.push(error),
      });
      const running = watcher.start();
      await waitFor(
        () => polled,
        (n) => n > 0,
        { what: "the watcher's first round" },
      );
      await proxy.stop();
      await waitFor(
        () => errors.length,
        (n) => n >= 2,
        { what: "the watcher to see the outage" },
      );
      expect(errors.every((e) => e.code === "PROVIDER_ERROR")).to.equal(true);
      await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
      await proxy.start();
      const outcome = await running;
      expect(outcome?.outcome).to.equal("claimed");
      expect(await A.token.balanceOf(A.bob.address)).to.equal(1_000_000n * USD + legs.amountA);
    } finally {
      await proxy.stop();
    }
  });

  // ---------------------------------------------------------------- stalls and refunds

  it("the counterparty never locks: Alice's refund is refused at tA-1 and accepted at tA (§6.1 step 6, HT-11)", async function () {
    const { A, B, legs } = dusdForEth();
    const alice = two.swap("alice", A, B);
    const { hashlock } = AtomicSwap.createSecret();
    const { timelockA, timelockB } = await alice.planTimelocks();
    const locked = await alice.lockInitiator({
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockA,
      timelockB,
      funding: "approve",
    });
    expect(await A.token.balanceOf(A.alice.address)).to.equal(1_000_000n * USD - legs.amountA);
    await nextBlockAt(A, timelockA - 1);
    await expectCode(alice.refund({ chain: "A", lock: locked.lockId }), "HASHED_TIMELOCK_NOT_EXPIRED");
    await nextBlockAt(A, timelockA);
    const { receipt } = await alice.refund({ chain: "A", lock: locked.lockId });
    expect((await A.provider.getBlock(receipt.blockNumber))!.timestamp).to.equal(timelockA);
    expect(await A.token.balanceOf(A.alice.address)).to.equal(1_000_000n * USD);
    expect(await alice.chainA.client.status({ lock: locked.lockId })).to.equal(HashedTimelockStatus.Refunded);
  });

  it("the initiator never claims: Bob's watcher refunds B once tB has passed, Alice refunds A at tA (§6.1 step 6, §6.3, HT-11)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    const watcher = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId });
    await mineAt(B, s.timelockB - 1);
    expect(await watcher.poll(), "at tB-1 Alice could still claim: nothing to do").to.equal(undefined);
    await mineAt(B, s.timelockB);
    const bobBefore = await B.provider.getBalance(B.bob.address);
    const outcome = await watcher.poll();
    expect(outcome?.outcome).to.equal("refunded");
    if (outcome?.outcome !== "refunded") return;
    expect(await B.provider.getBalance(B.bob.address)).to.equal(
      bobBefore + legs.amountB - fee(outcome.refund!.receipt),
    );
    await nextBlockAt(A, s.timelockA - 1);
    await expectCode(s.alice.refund({ chain: "A", lock: s.lockedA.lockId }), "HASHED_TIMELOCK_NOT_EXPIRED");
    await nextBlockAt(A, s.timelockA);
    await s.alice.refund({ chain: "A", lock: s.lockedA.lockId });
    expect(await A.token.balanceOf(A.alice.address)).to.equal(1_000_000n * USD);
  });

  // ---------------------------------------------------------------- the secret around tB

  it("the secret revealed at tB-1: Alice's claim lands at tB-1 and Bob's watcher completes A (HT-9, §6.3)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    // The contract's boundary, through the plain client: AtomicSwap.claim would refuse this late a reveal (HT-22).
    await nextBlockAt(B, s.timelockB - 1);
    const { receipt } = await s.alice.chainB.client.claim({ lock: s.lockedB.lockId, secret: s.secret });
    expect((await B.provider.getBlock(receipt.blockNumber))!.timestamp).to.equal(s.timelockB - 1);
    const outcome = await s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId }).poll();
    expect(outcome?.outcome).to.equal("claimed");
    expect(await A.token.balanceOf(A.bob.address)).to.equal(1_000_000n * USD + legs.amountA);
  });

  for (const offset of [0, 1]) {
    it(`the secret offered at tB${offset === 0 ? "" : "+1"}: the claim is refused, nothing is revealed, both refund (HT-9, HT-11, §6.3)`, async function () {
      const { A, B, legs } = dusdForEth();
      const s = await bothLocked(A, B, legs);
      await nextBlockAt(B, s.timelockB + offset);
      const error = await expectCode(
        s.alice.chainB.client.claim({ lock: s.lockedB.lockId, secret: s.secret }),
        "HASHED_TIMELOCK_EXPIRED",
      );
      expect(error).to.be.instanceOf(HashedTimelockStateError);
      expect((await s.bob.chainB.client.findSecret({ hashlock: s.hashlock })).revealed).to.equal(undefined);
      // The refused claim mined nothing: the block at tB (+1) comes now, and from it on no claim can reveal the secret.
      await mine(B);
      expect(await latest(B)).to.equal(s.timelockB + offset);
      const outcome = await s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId }).poll();
      expect(outcome?.outcome).to.equal("refunded");
      await nextBlockAt(A, s.timelockA);
      await s.alice.refund({ chain: "A", lock: s.lockedA.lockId });
      expect(await A.token.balanceOf(A.alice.address)).to.equal(1_000_000n * USD);
      expect(await s.alice.chainB.client.status({ lock: s.lockedB.lockId })).to.equal(HashedTimelockStatus.Refunded);
    });
  }

  it("the initiator's AtomicSwap.claim refuses to reveal the secret with less than minTimeB (B's confirmation time + claim window) left before tB, and reveals with exactly that left (HT-22)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    const { minTimeB } = s.alice.margins;
    await mineAt(B, s.timelockB - minTimeB + 1);
    const error = await expectCode(
      s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB }),
      "ATOMIC_SWAP_TIMELOCK_TOO_SOON",
    );
    expect(error.details).to.include({ party: "initiator", left: minTimeB - 1, required: minTimeB });
    expect((await s.bob.chainB.client.findSecret({ hashlock: s.hashlock })).revealed).to.equal(undefined);
    await two.revert();
    await two.syncClocks();
    const again = await bothLocked(A, B, legs);
    await mineAt(B, again.timelockB - minTimeB);
    const params = { lockIdB: again.lockedB.lockId, secret: again.secret, expected: again.expectedB };
    // With its own tA, the initiator also checks HT-21 against it: a tA it did not pick fails.
    await expectCode(again.alice.claim({ ...params, timelockA: again.timelockB }), "ATOMIC_SWAP_UNSAFE_TIMELOCKS");
    await again.alice.claim({ ...params, timelockA: again.timelockA });
    expect((await again.bob.chainB.client.findSecret({ hashlock: again.hashlock })).revealed?.secret).to.equal(
      again.secret,
    );
  });

  // ---------------------------------------------------------------- the watcher offline

  it("the watcher offline through the reveal and back at its deadline (watchDeadline >= tB + B's confirmations) catches up from its stored block (kept at the reveal's block across a crash) and claims (§6.3, HT-21)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    let stored: number | undefined;
    const first = s.bob.watch({
      lockA: s.lockedA.lockId,
      lockB: s.lockedB.lockId,
      onProgress: (p) => void (stored = p.nextFromBlock),
    });
    expect(await first.poll()).to.equal(undefined);
    // The cursor stays confirmations_B - 1 blocks behind the head it scanned (never before lock B's block): that
    // window is scanned again on the next poll, in case a reorganisation moves a claim into it.
    const head = await B.provider.getBlockNumber();
    expect(stored).to.equal(Math.max(s.lockedB.receipt.blockNumber, head - B.timing.confirmations + 1));
    // Bob goes offline. Alice reveals at the last second the contract takes (the worst case for Bob), and B moves on.
    await nextBlockAt(B, s.timelockB - 1);
    await s.alice.chainB.client.claim({ lock: s.lockedB.lockId, secret: s.secret });
    await mine(B, 5);
    const deadline = s.bob.watchDeadline({ timelockA: s.timelockA });
    expect(deadline - s.timelockB).to.equal(B.timing.blockTime * B.timing.confirmations + CLOCK_SKEW);
    await mineAt(A, deadline);
    await mineAt(B, deadline);
    // Back online: a new watcher resumes from the stored block.
    // The first round back finds the secret but dies before its claim: the cursor it stored is the reveal's block.
    const dies = s.bob.watch({
      lockA: s.lockedA.lockId,
      lockB: s.lockedB.lockId,
      fromBlock: stored,
      onProgress: (p) => {
        stored = p.nextFromBlock;
        throw new Error("killed after storing its cursor");
      },
    });
    await dies.poll().then(
      () => expect.fail("the round should have died"),
      (error: Error) => expect(error.message).to.equal("killed after storing its cursor"),
    );
    const { revealed } = await s.bob.chainB.client.findSecret({ hashlock: s.hashlock });
    expect(stored).to.equal(revealed!.log.blockNumber);
    const back = s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId, fromBlock: stored });
    const outcome = await back.poll();
    expect(outcome?.outcome).to.equal("claimed");
    if (outcome?.outcome !== "claimed") return;
    const claimedAt = (await A.provider.getBlock(outcome.claim.receipt.blockNumber))!.timestamp;
    expect(claimedAt).to.be.below(s.timelockA);
    expect(await A.token.balanceOf(A.bob.address)).to.equal(1_000_000n * USD + legs.amountA);
  });

  it("the watcher back at tA, after the margin it was given: the claim is refused (CLAIM_TOO_LATE) and Alice keeps both legs - the documented loss window (§6.3)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    const aliceEthB = await B.provider.getBalance(B.alice.address);
    const { receipt } = await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
    await mineAt(A, s.timelockA);
    await mineAt(B, s.timelockA);
    const error = await expectCode(
      s.bob.watch({ lockA: s.lockedA.lockId, lockB: s.lockedB.lockId }).poll(),
      "ATOMIC_SWAP_CLAIM_TOO_LATE",
    );
    expect(error).to.be.instanceOf(AtomicSwapError);
    expect(error.details.secret).to.equal(s.secret);
    await s.alice.refund({ chain: "A", lock: s.lockedA.lockId });
    expect(await A.token.balanceOf(A.alice.address)).to.equal(1_000_000n * USD);
    expect(await B.provider.getBalance(B.alice.address)).to.equal(aliceEthB + legs.amountB - fee(receipt));
  });

  // ---------------------------------------------------------------- the counterparty's checks

  type Wrong = { field: string; change: (p: LockParameters, A: Chain) => LockParameters; asCarol?: boolean };
  const wrongs: Wrong[] = [
    { field: "amount", change: (p) => ({ ...p, amount: p.amount - 1n }) },
    { field: "token", change: (p) => ({ ...p, token: ZeroAddress, amount: p.amount, funding: "allowance" }) },
    { field: "hashlock", change: (p) => ({ ...p, hashlock: AtomicSwap.createSecret().hashlock }) },
    { field: "receiver", change: (p, A) => ({ ...p, receiver: A.carol.address }) },
    { field: "sender", change: (p) => p, asCarol: true },
  ];
  for (const wrong of wrongs) {
    it(`the counterparty refuses a lock on A with the wrong ${wrong.field} (ATOMIC_SWAP_TERMS_MISMATCH) and locks nothing on B (HT-23)`, async function () {
      const { A, B, legs } = dusdForEth();
      const { hashlock } = AtomicSwap.createSecret();
      const bob = two.swap("bob", A, B);
      const timelock = (await latest(A)) + 7_200;
      const agreed: LockParameters = {
        receiver: A.bob.address,
        token: legs.tokenA,
        amount: legs.amountA,
        hashlock,
        timelock,
        funding: "approve",
      };
      const locker = two.client(A, wrong.asCarol === true ? "carol" : "alice");
      const { lockId } = await locker.lock(wrong.change(agreed, A));
      await mine(A, 2);
      const expected = {
        sender: A.alice.address,
        receiver: A.bob.address,
        token: legs.tokenA,
        amount: legs.amountA,
        hashlock,
      };
      const error = await expectCode(
        bob.lockCounterparty({ lockIdA: lockId, expectedA: expected, receiver: B.alice.address, amount: legs.amountB }),
        "ATOMIC_SWAP_TERMS_MISMATCH",
      );
      expect(error.details.field).to.equal(wrong.field);
      expect((await bob.chainB.client.locksOf({ account: B.bob.address })).locks).to.deep.equal([]);
    });
  }

  it("the counterparty refuses a lock on A before A's confirmations (UNCONFIRMED), accepts it after, and refuses it once refunded (LOCK_NOT_ACTIVE) (HT-23)", async function () {
    const { A, B, legs } = dusdForEth();
    const alice = two.swap("alice", A, B);
    const bob = two.swap("bob", A, B);
    const { hashlock } = AtomicSwap.createSecret();
    const { timelockA, timelockB } = await alice.planTimelocks();
    const { lockId } = await alice.lockInitiator({
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockA,
      timelockB,
      funding: "approve",
    });
    const expected = {
      sender: A.alice.address,
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
    };
    const error = await expectCode(bob.verifyCounterpartyLock({ lockId, expected }), "ATOMIC_SWAP_LOCK_UNCONFIRMED");
    expect(error.details).to.include({ confirmations: 1, required: 2 });
    await mine(A);
    expect((await bob.verifyCounterpartyLock({ lockId, expected })).timelockB).to.equal(timelockA - bob.margins.margin);
    await nextBlockAt(A, timelockA);
    await alice.refund({ chain: "A", lock: lockId });
    await expectCode(bob.verifyCounterpartyLock({ lockId, expected }), "ATOMIC_SWAP_LOCK_NOT_ACTIVE");
  });

  it("refuses a reused hashlock whose secret a past swap revealed: the initiator's lock and the counterparty's check (ATOMIC_SWAP_SECRET_REVEALED) (HT-24)", async function () {
    const { A, B, legs } = dusdForEth();
    const s = await bothLocked(A, B, legs);
    await s.alice.claim({ lockIdB: s.lockedB.lockId, secret: s.secret, expected: s.expectedB });
    const { timelockA, timelockB } = await s.alice.planTimelocks();
    const params = {
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock: s.hashlock,
      timelockA,
      timelockB,
      funding: "approve" as const,
    };
    const refused = await expectCode(s.alice.lockInitiator(params), "ATOMIC_SWAP_SECRET_REVEALED");
    expect(refused.details.chainId).to.equal(B.chainId);
    // Alice reuses it anyway, straight through the client: Bob must not lock against it.
    const { lockId } = await s.alice.chainA.client.lock({ ...params, timelock: timelockA });
    await mine(A, 2);
    await expectCode(s.bob.verifyCounterpartyLock({ lockId, expected: s.expectedA }), "ATOMIC_SWAP_SECRET_REVEALED");
  });

  // ---------------------------------------------------------------- unsafe timelocks

  it("refuses unsafe timelock pairs: tA - tB = margin - 1 (and tB >= tA) refused, = margin accepted (ATOMIC_SWAP_UNSAFE_TIMELOCKS) (HT-21)", async function () {
    const { A, B, legs } = dusdForEth();
    const alice = two.swap("alice", A, B);
    const { margin } = alice.margins;
    expect(margin).to.equal(24 + 6 + 600 + 60);
    const { timelockB } = await alice.planTimelocks();
    const { hashlock } = AtomicSwap.createSecret();
    const base = {
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockB,
      funding: "approve" as const,
    };
    const error = await expectCode(
      alice.lockInitiator({ ...base, timelockA: timelockB + margin - 1 }),
      "ATOMIC_SWAP_UNSAFE_TIMELOCKS",
    );
    expect(error.details).to.include({ margin: margin - 1, required: margin });
    expect(() => alice.checkTimelocks({ timelockA: timelockB, timelockB })).to.throw(AtomicSwapError);
    expect(() => alice.checkTimelocks({ timelockA: timelockB - 1, timelockB })).to.throw(AtomicSwapError);
    expect((await alice.chainA.client.locksOf({ account: A.alice.address })).locks).to.deep.equal([]);
    const { lockId } = await alice.lockInitiator({ ...base, timelockA: timelockB + margin });
    await mine(A);
    // The counterparty refuses a tB later than tA - margin.
    const bob = two.swap("bob", A, B);
    const expectedA = {
      sender: A.alice.address,
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
    };
    await expectCode(
      bob.lockCounterparty({
        lockIdA: lockId,
        expectedA,
        receiver: B.alice.address,
        amount: legs.amountB,
        timelockB: timelockB + 1,
      }),
      "ATOMIC_SWAP_UNSAFE_TIMELOCKS",
    );
  });

  it("refuses timelocks that leave too little time: the initiator's tB, the counterparty's own tA - now, the initiator's tB - now (ATOMIC_SWAP_TIMELOCK_TOO_SOON) (HT-22, HT-23)", async function () {
    const { A, B, legs } = dusdForEth();
    const alice = two.swap("alice", A, B);
    const bob = two.swap("bob", A, B);
    const { minDurationB, minTimeB, margin } = alice.margins;
    await expectCode(alice.planTimelocks({ durationB: minDurationB - 1 }), "ATOMIC_SWAP_TIMELOCK_TOO_SOON");
    const { timelockA, timelockB } = await alice.planTimelocks({ durationB: minDurationB + 100 });
    const { hashlock } = AtomicSwap.createSecret();
    const { lockId } = await alice.lockInitiator({
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockA,
      timelockB,
      funding: "approve",
    });
    const expectedA = {
      sender: A.alice.address,
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
    };
    // A's clock one second past what the counterparty needs before tA.
    await mineAt(A, timelockA - margin - minTimeB + 1);
    const tooSoon = await expectCode(
      bob.verifyCounterpartyLock({ lockId, expected: expectedA }),
      "ATOMIC_SWAP_TIMELOCK_TOO_SOON",
    );
    expect(tooSoon.details.party).to.equal("counterparty");
    // With A's clock fine but B's past tB - minTimeB, the initiator would have too little time to claim.
    await two.revert();
    await two.syncClocks();
    const again = await alice.planTimelocks({ durationB: minDurationB + 100 });
    const second = await alice.lockInitiator({
      receiver: A.bob.address,
      token: legs.tokenA,
      amount: legs.amountA,
      hashlock,
      timelockA: again.timelockA,
      timelockB: again.timelockB,
      funding: "approve",
    });
    await mine(A);
    await mineAt(B, again.timelockB - minTimeB + 1);
    const forInitiator = await expectCode(
      bob.lockCounterparty({ lockIdA: second.lockId, expectedA, receiver: B.alice.address, amount: legs.amountB }),
      "ATOMIC_SWAP_TIMELOCK_TOO_SOON",
    );
    expect(forInitiator.details.party).to.equal("initiator");
  });
});
