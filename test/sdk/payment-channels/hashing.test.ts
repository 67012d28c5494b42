import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, getAddress, hexlify } from "ethers";
import {
  InvalidParameterError,
  PAYMENT_CHANNEL_LIMITS,
  addLock,
  computePaymentChannelId,
  hashLocks,
  hashPendingLocks,
  hashRecord,
  lockedAmount,
  locksRootOf,
  removeLock,
  secretHash,
  settlementOf,
  type Lock,
  type PaymentChannel,
  type PaymentChannelRecord,
} from "../../../sdk";
import { paymentChannelsFixture } from "../../helpers/payment-channels-sdk";

const RUNS = { numRuns: 40 };
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b));
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hexlify(b)));
const uint = (max: bigint) => fc.bigInt({ min: 0n, max });
const lockArb: fc.Arbitrary<Lock> = fc.record({
  amount: uint(PAYMENT_CHANNEL_LIMITS.lockAmountBound - 1n),
  expiry: fc.integer({ min: 0, max: PAYMENT_CHANNEL_LIMITS.lockExpiryMax }),
  secretHash: bytes32,
});
const channelArb: fc.Arbitrary<PaymentChannel> = fc.record({
  participant1: address,
  participant2: address,
  token: address,
  key1: address,
  challengePeriod: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  salt: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});
const PROOF_MAX = PAYMENT_CHANNEL_LIMITS.proofAmountBound - 1n;
const directionArb = fc.record({
  nonce: uint((1n << 64n) - 1n),
  transferred: uint(PROOF_MAX),
  locked: uint(PROOF_MAX),
  locksRoot: bytes32,
  rewardee: fc.oneof(fc.constant(ZeroAddress), address),
  reward: uint(PROOF_MAX),
});
/** Records the contract can hold: amounts below 2^104, withdrawals within deposits. */
const recordArb: fc.Arbitrary<PaymentChannelRecord> = fc
  .record({
    deposit1: uint(PAYMENT_CHANNEL_LIMITS.amountBound - 1n),
    deposit2: uint(PAYMENT_CHANNEL_LIMITS.amountBound - 1n),
    w1: fc.double({ min: 0, max: 1, noNaN: true }),
    w2: fc.double({ min: 0, max: 1, noNaN: true }),
    d12: directionArb,
    d21: directionArb,
  })
  .map(({ deposit1, deposit2, w1, w2, d12, d21 }) => {
    const total = deposit1 + deposit2;
    const withdrawn1 = (total * BigInt(Math.floor(w1 * 1e6))) / 1_000_000n;
    const withdrawn2 = ((total - withdrawn1) * BigInt(Math.floor(w2 * 1e6))) / 1_000_000n;
    return { deposit1, deposit2, withdrawn1, withdrawn2, d12, d21 };
  });
/** Small amounts, so that the clamps and the reward caps are hit often. */
const smallRecordArb: fc.Arbitrary<PaymentChannelRecord> = recordArb.map((r) => {
  const small = (x: bigint) => x % 1_000n;
  const dir = (d: PaymentChannelRecord["d12"]) => ({
    ...d,
    transferred: small(d.transferred),
    locked: small(d.locked),
    reward: small(d.reward),
  });
  const deposit1 = small(r.deposit1);
  const deposit2 = small(r.deposit2);
  const withdrawn1 = r.withdrawn1 % (deposit1 + deposit2 + 1n);
  const withdrawn2 = r.withdrawn2 % (deposit1 + deposit2 - withdrawn1 + 1n);
  return { deposit1, deposit2, withdrawn1, withdrawn2, d12: dir(r.d12), d21: dir(r.d21) };
});

describe("sdk/payment-channels/hashing", function () {
  it("computePaymentChannelId equals the contract's computeChannelId", async function () {
    const { channels, chainId, contract } = await loadFixture(paymentChannelsFixture);
    await fc.assert(
      fc.asyncProperty(channelArb, async (channel) => {
        expect(computePaymentChannelId({ chainId, contract, channel })).to.equal(
          await channels.computeChannelId(channel),
        );
      }),
      RUNS,
    );
  });

  it("hashLocks equals the contract's hashLocks, empty list included", async function () {
    const { channels } = await loadFixture(paymentChannelsFixture);
    await fc.assert(
      fc.asyncProperty(fc.array(lockArb, { maxLength: 6 }), async (locks) => {
        expect(hashLocks(locks)).to.equal(await channels.hashLocks(locks));
        expect(locksRootOf(locks)).to.equal(locks.length === 0 ? ZeroHash : hashLocks(locks));
      }),
      RUNS,
    );
  });

  it("hashRecord equals the contract's hashRecord (low 56 bits cleared)", async function () {
    const { channels } = await loadFixture(paymentChannelsFixture);
    await fc.assert(
      fc.asyncProperty(recordArb, async (record) => {
        const hash = hashRecord(record);
        expect(hash).to.equal(await channels.hashRecord(record));
        expect(BigInt(hash) & ((1n << 56n) - 1n)).to.equal(0n);
      }),
      RUNS,
    );
  });

  it("settlementOf equals the contract's settlementOf and pays out exactly what the channel holds", async function () {
    const { channels } = await loadFixture(paymentChannelsFixture);
    await fc.assert(
      fc.asyncProperty(fc.oneof(recordArb, smallRecordArb), async (record) => {
        const mine = settlementOf(record);
        const theirs = await channels.settlementOf(record);
        expect(mine).to.deep.equal({
          amount1: theirs.amount1,
          amount2: theirs.amount2,
          reward12: theirs.reward12,
          reward21: theirs.reward21,
          held12: theirs.held12,
          held21: theirs.held21,
        });
        const paid = Object.values(mine).reduce((a, b) => a + b, 0n);
        expect(paid).to.equal(record.deposit1 + record.deposit2 - record.withdrawn1 - record.withdrawn2);
      }),
      { numRuns: 80 },
    );
  });

  it("settlementOf refuses a record that withdraws more than it deposits", function () {
    const none = { nonce: 0n, transferred: 0n, locked: 0n, locksRoot: ZeroHash, rewardee: ZeroAddress, reward: 0n };
    const record = { deposit1: 1n, deposit2: 0n, withdrawn1: 2n, withdrawn2: 0n, d12: none, d21: none };
    expect(() => settlementOf(record)).to.throw(InvalidParameterError);
  });

  it("hashPendingLocks is zero when nothing is held, and a 200-bit commitment otherwise", function () {
    expect(hashPendingLocks({ locksRoot12: ZeroHash, held12: 0n, locksRoot21: ZeroHash, held21: 0n })).to.equal(
      ZeroHash,
    );
    const hash = hashPendingLocks({
      locksRoot12: "0x" + "11".repeat(32),
      held12: 5n,
      locksRoot21: ZeroHash,
      held21: 0n,
    });
    expect(hash).to.not.equal(ZeroHash);
    expect(BigInt(hash) & ((1n << 56n) - 1n)).to.equal(0n);
  });

  it("secretHash is the SHA-256 the contract registers a secret under", async function () {
    const { channels } = await loadFixture(paymentChannelsFixture);
    const secret = "0x" + "5a".repeat(32);
    await channels.registerSecret(secret);
    expect(await channels.secretRegisteredAt(secretHash(secret))).to.be.greaterThan(0n);
    expect(() => secretHash("0x1234")).to.throw(InvalidParameterError);
  });

  describe("lock lists", function () {
    const lock = (i: number): Lock => ({
      amount: BigInt(i + 1),
      expiry: 1_000 + i,
      secretHash: "0x" + (i + 1).toString(16).padStart(64, "0"),
    });

    it("adds and removes by secret hash, and lockedAmount sums the amounts", function () {
      const two = addLock({ locks: addLock({ locks: [], lock: lock(0) }), lock: lock(1) });
      expect(two).to.deep.equal([lock(0), lock(1)]);
      expect(lockedAmount(two)).to.equal(3n);
      const { locks, removed } = removeLock({ locks: two, secretHash: lock(0).secretHash });
      expect(locks).to.deep.equal([lock(1)]);
      expect(removed).to.deep.equal(lock(0));
    });

    it("refuses a 33rd lock, a duplicate secret hash, an unknown one and an amount above uint96", function () {
      const full = Array.from({ length: PAYMENT_CHANNEL_LIMITS.maxLocks }, (_, i) => lock(i));
      expect(() => addLock({ locks: full, lock: lock(40) })).to.throw(InvalidParameterError, /32 locks/);
      expect(() => addLock({ locks: [lock(0)], lock: { ...lock(0), amount: 9n } })).to.throw(/already locked/);
      expect(() => removeLock({ locks: [lock(0)], secretHash: lock(1).secretHash })).to.throw(/no pending lock/);
      expect(() => addLock({ locks: [], lock: { ...lock(0), amount: 1n << 96n } })).to.throw(InvalidParameterError);
    });
  });
});
