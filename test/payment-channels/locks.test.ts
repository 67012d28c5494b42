// docs/payment-channels.md PC-L1 (a lock pays its receiver iff its secret was registered at or before its expiry:
// t−1 and t pay, t+1 returns), PC-L2 (unlock by anyone after settlement, once per direction, wrong lists refused) and
// PC-L3 (closing and reopening cannot dodge an unlock), with the secret registry (SHA-256), for ETH and an ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, blockTimeOf, expectBalanceChanges, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  NO_PENDING,
  NO_PROOF,
  PcStatus,
  closeChannel,
  directionOf,
  expectSolvent,
  lockOf,
  locksRootOf,
  pcFixture,
  pendingCommitmentOf,
  proofOf,
  secretHashOf,
  secretOf,
  signProof,
  valueFor,
  withDirection,
  type PendingLocks,
} from "../helpers/payment-channels";

const [A, B, C, D] = [1_001n, 2_002n, 3_003n, 4_004n];
const T12 = DEPOSIT1 / 3n;
const L21 = 555n;
const pendingTuple = (p: PendingLocks) => [p.locksRoot12, p.held12, p.locksRoot21, p.held21];

describe("secret registry", function () {
  it("registerSecret stores the time under sha256(secret) and emits SecretRegistered; a second time reverts", async function () {
    const { pc, stranger } = await loadFixture(pcFixture);
    const secret = secretOf("x");
    const hash = secretHashOf(secret);
    expect(hash).to.equal(ethers.sha256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [secret])));
    const tx = await pc.connect(stranger).registerSecret(secret);
    await expect(tx).to.emit(pc, "SecretRegistered").withArgs(hash, secret);
    expect(await pc.secretRegisteredAt(hash)).to.equal(await blockTimeOf(tx));
    await expect(pc.registerSecret(secret))
      .to.be.revertedWithCustomError(pc, "PaymentChannelSecretKnown")
      .withArgs(hash);
  });

  it("registerSecrets registers the new ones, skips known ones (keeping their first time) and returns how many were new", async function () {
    const { pc } = await loadFixture(pcFixture);
    const [s1, s2, s3] = [secretOf("1"), secretOf("2"), secretOf("3")];
    const first = await blockTimeOf(await pc.registerSecret(s1));
    expect(await pc.registerSecrets.staticCall([s1, s2, s3, s2])).to.equal(2n);
    const tx = await pc.registerSecrets([s1, s2, s3, s2]);
    const at = await blockTimeOf(tx);
    await expect(tx).to.emit(pc, "SecretRegistered").withArgs(secretHashOf(s2), s2);
    await expect(tx).to.emit(pc, "SecretRegistered").withArgs(secretHashOf(s3), s3);
    const receipt = await tx.wait();
    expect(receipt!.logs.length).to.equal(2);
    expect(await pc.secretRegisteredAt(secretHashOf(s1))).to.equal(first);
    expect(await pc.secretRegisteredAt(secretHashOf(s2))).to.equal(at);
    expect(await pc.secretRegisteredAt(secretHashOf(s3))).to.equal(at);
    expect(await pc.registerSecrets.staticCall([])).to.equal(0n);
  });

  it("hashLocks is keccak256(abi.encode(Lock[])), the locksRoot a proof signs (not 0 for an empty list)", async function () {
    const { pc } = await loadFixture(pcFixture);
    const locks = [lockOf(1n, 2n, secretOf("p")), lockOf((1n << 96n) - 1n, (1n << 40n) - 1n, secretOf("q"))];
    expect(await pc.hashLocks(locks)).to.equal(locksRootOf(locks));
    expect(await pc.hashLocks([])).to.equal(locksRootOf([]));
    expect(locksRootOf([])).to.not.equal(ethers.ZeroHash);
  });
});

for (const { name, fixture } of CHANNEL_ASSETS) {
  /**
   * p1 sent p2 T12 plus four locks expiring at `expiry`: A's secret registered at expiry − 1, B's at expiry, C's at
   * expiry + 1, D's never. p2 sent p1 one lock of L21 whose secret is never revealed. Both proofs recorded, settled.
   */
  async function settledLocksFixture() {
    const fx = await fixture();
    const expiry = (await now()) + 1_000n;
    const secrets = ["a", "b", "c", "d"].map(secretOf);
    const locks = [A, B, C, D].map((amount, i) => lockOf(amount, expiry, secrets[i]));
    const locks21 = [lockOf(L21, expiry + 10n, secretOf("back"))];
    await atTime(expiry - 1n);
    await fx.pc.registerSecret(secrets[0]);
    await fx.pc.registerSecret(secrets[1]); // mined at expiry
    await fx.pc.registerSecrets([secrets[2]]); // mined at expiry + 1
    expect(await fx.pc.secretRegisteredAt(locks[1].secretHash)).to.equal(expiry);
    const p12 = proofOf(3n, T12, A + B + C + D, locksRootOf(locks));
    const p21 = proofOf(1n, 0n, L21, locksRootOf(locks21));
    const closed = await closeChannel(fx, fx.p2, p12);
    await fx.pc
      .connect(fx.p1)
      .update(fx.channel, closed.record, fx.p2.address, p21, await signProof(fx.p2, fx.domain, fx.channelId, p21));
    const record = withDirection(closed.record, false, directionOf(p21));
    await atTime(closed.closesAt + 1n);
    const settleTx = await fx.pc.settle(fx.channel, record);
    const pending: PendingLocks = {
      locksRoot12: p12.locksRoot,
      held12: A + B + C + D,
      locksRoot21: p21.locksRoot,
      held21: L21,
    };
    return { ...fx, expiry, secrets, locks, locks21, record, pending, settleTx };
  }

  describe(`PC-L1..L3 unlock in ${name}`, function () {
    it("PC-S1: settlement keeps every locked amount pending under the settled id", async function () {
      const { pc, channelId, pending, settleTx } = await loadFixture(settledLocksFixture);
      await expect(settleTx)
        .to.emit(pc, "ChannelSettled")
        .withArgs(channelId, DEPOSIT1 - T12 - (A + B + C + D), DEPOSIT2 + T12 - L21, pendingTuple(pending));
      const info = await pc.channelInfo(channelId);
      expect([info.status, info.commitment]).to.deep.equal([BigInt(PcStatus.Settled), pendingCommitmentOf(pending)]);
      await expectSolvent(pc);
    });

    it("PC-L1/L2: a stranger unlocks p1's locks: secrets at t−1 and t pay p2, t+1 and never return to p1", async function () {
      const { pc, p1, p2, stranger, pcAddress, channel, channelId, locks, pending, asset } =
        await loadFixture(settledLocksFixture);
      const tx = await pc.connect(stranger).unlock(channel, p1.address, locks, pending);
      await expect(tx)
        .to.emit(pc, "LocksUnlocked")
        .withArgs(channelId, p1.address, A + B, C + D);
      await expectBalanceChanges(tx, asset, [p2, p1, stranger, pcAddress], [A + B, C + D, 0n, -(A + B + C + D)]);
      const left = { ...pending, locksRoot12: ethers.ZeroHash, held12: 0n };
      expect((await pc.channelInfo(channelId)).commitment).to.equal(pendingCommitmentOf(left));
      await expectSolvent(pc, [asset]);
    });

    it("PC-L2: unlocks each direction once: a second unlock is refused (NothingToUnlock or InvalidRecord), the other direction still pays", async function () {
      const { pc, p1, p2, channel, channelId, locks, locks21, pending, asset } = await loadFixture(settledLocksFixture);
      await pc.unlock(channel, p1.address, locks, pending);
      const left = { ...pending, locksRoot12: ethers.ZeroHash, held12: 0n };
      await expect(pc.unlock(channel, p1.address, locks, left))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNothingToUnlock")
        .withArgs(channelId, p1.address);
      await expect(pc.unlock(channel, p1.address, locks, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
        .withArgs(channelId);
      await expect(pc.unlock(channel, p2.address, locks21, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
        .withArgs(channelId);
      const tx = await pc.unlock(channel, p2.address, locks21, left);
      await expect(tx).to.emit(pc, "LocksUnlocked").withArgs(channelId, p2.address, 0n, L21);
      await expectBalanceChanges(tx, asset, [p1, p2], [0n, L21]);
      expect((await pc.channelInfo(channelId)).commitment).to.equal(ethers.ZeroHash);
      await expect(pc.unlock(channel, p2.address, locks21, NO_PENDING))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNothingToUnlock")
        .withArgs(channelId, p2.address);
      await expectSolvent(pc, [asset]);
    });

    it("PC-L2: reverts with PaymentChannelInvalidLocks for a wrong lock list (missing, reordered, altered)", async function () {
      const { pc, p1, channel, channelId, locks, pending } = await loadFixture(settledLocksFixture);
      const wrong = [
        locks.slice(0, 3),
        [locks[1], locks[0], locks[2], locks[3]],
        [{ ...locks[0], amount: locks[0].amount + 1n }, ...locks.slice(1)],
        [{ ...locks[2], expiry: locks[2].expiry + 1n }, ...locks.slice(1)],
        [],
      ];
      for (const list of wrong) {
        await expect(pc.unlock(channel, p1.address, list, pending))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidLocks")
          .withArgs(channelId);
      }
    });

    it("PC-L2: reverts with PaymentChannelInvalidRecord for pending locks other than the committed ones", async function () {
      const { pc, p1, channel, channelId, locks, pending } = await loadFixture(settledLocksFixture);
      for (const forged of [
        { ...pending, held12: pending.held12 + 1n },
        { ...pending, held21: 0n },
        { ...pending, locksRoot21: ethers.ZeroHash },
      ]) {
        await expect(pc.unlock(channel, p1.address, locks, forged))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
          .withArgs(channelId);
      }
    });

    it("PC-L2: reverts with PaymentChannelNotParticipant when the sender named is a stranger", async function () {
      const { pc, stranger, channel, channelId, locks, pending } = await loadFixture(settledLocksFixture);
      await expect(pc.unlock(channel, stranger.address, locks, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
        .withArgs(channelId, stranger.address);
    });

    it("PC-L3: a reopening between the same pair (new salt) leaves the old id's unlock intact", async function () {
      const { pc, p1, p2, channel, channelId, locks, pending, asset } = await loadFixture(settledLocksFixture);
      const reopened = { ...channel, salt: channel.salt + 1n };
      await pc.connect(p1).open(reopened, 5n, { value: valueFor(asset, 5n) });
      await expect(pc.unlock(reopened, p1.address, locks, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(await pc.computeChannelId(reopened), PcStatus.Open);
      const tx = await pc.unlock(channel, p1.address, locks, pending);
      await expect(tx)
        .to.emit(pc, "LocksUnlocked")
        .withArgs(channelId, p1.address, A + B, C + D);
      await expectBalanceChanges(tx, asset, [p2], [A + B]);
      await expectSolvent(pc, [asset]);
    });
  });

  describe(`PC-L2 unlock preconditions in ${name}`, function () {
    it("reverts with PaymentChannelInvalidStatus(Closed) before settlement", async function () {
      const fx = await loadFixture(fixture);
      const locks = [lockOf(A, (await now()) + 10n, secretOf("a"))];
      await closeChannel(fx, fx.p2, proofOf(1n, 0n, A, locksRootOf(locks)));
      await expect(fx.pc.unlock(fx.channel, fx.p1.address, locks, { ...NO_PENDING, held12: A }))
        .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidStatus")
        .withArgs(fx.channelId, PcStatus.Closed);
    });

    it("reverts with PaymentChannelNothingToUnlock for a settled channel with nothing pending", async function () {
      const fx = await loadFixture(fixture);
      const { record, closesAt } = await closeChannel(fx, fx.p1, NO_PROOF);
      await atTime(closesAt + 1n);
      await fx.pc.settle(fx.channel, record);
      for (const who of [fx.p1, fx.p2]) {
        await expect(fx.pc.unlock(fx.channel, who.address, [], NO_PENDING))
          .to.be.revertedWithCustomError(fx.pc, "PaymentChannelNothingToUnlock")
          .withArgs(fx.channelId, who.address);
      }
    });

    // Found by this suite: unlock once returned an unexpired, unregistered lock to its sender right after settlement,
    // so a receiver revealing later (still before the expiry) was not paid and a hub could lose (PC-E5).
    it("PC-L1: refuses to return an unexpired, unregistered lock to its sender; the receiver registers in time and is paid", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId, asset } = fx;
      const secret = secretOf("late");
      const expiry = (await now()) + 30n * 86_400n; // far beyond the challenge period
      const locks = [lockOf(A, expiry, secret)];
      const { record, closesAt } = await closeChannel(fx, p2, proofOf(1n, 0n, A, locksRootOf(locks)));
      await atTime(closesAt + 1n);
      await pc.settle(channel, record);
      const pending = { ...NO_PENDING, locksRoot12: locksRootOf(locks), held12: A };
      // The sender tries to take its lock back while the receiver can still reveal.
      await expect(pc.connect(p1).unlock(channel, p1.address, locks, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelLockNotExpired")
        .withArgs(channelId, expiry);
      await atTime(expiry);
      await pc.registerSecret(secret);
      const tx = await pc.unlock(channel, p1.address, locks, pending);
      await expect(tx).to.emit(pc, "LocksUnlocked").withArgs(channelId, p1.address, A, 0n);
      await expectBalanceChanges(tx, asset, [p2, p1], [A, 0n]);
    });

    // Mutation survivor PaymentChannels.sol:411 [<=] -> [<]: the suite tried the return long before the expiry and
    // one second after it, never at it; at the expiry itself the receiver may still register (PC-L1: t pays).
    it("PC-L1: returns an unregistered lock to its sender only after its expiry: refused at t−1 and at t, returned at t+1", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId, asset } = fx;
      const expiry = (await now()) + 30n * 86_400n; // far beyond the challenge period
      const locks = [lockOf(A, expiry, secretOf("never"))];
      const { record, closesAt } = await closeChannel(fx, p2, proofOf(1n, 0n, A, locksRootOf(locks)));
      await atTime(closesAt + 1n);
      await pc.settle(channel, record);
      const pending = { ...NO_PENDING, locksRoot12: locksRootOf(locks), held12: A };
      for (const at of [expiry - 1n, expiry]) {
        await atTime(at);
        await expect(pc.connect(p1).unlock(channel, p1.address, locks, pending))
          .to.be.revertedWithCustomError(pc, "PaymentChannelLockNotExpired")
          .withArgs(channelId, expiry);
      }
      await atTime(expiry + 1n);
      const tx = await pc.connect(p1).unlock(channel, p1.address, locks, pending);
      expect(await blockTimeOf(tx)).to.equal(expiry + 1n);
      await expect(tx).to.emit(pc, "LocksUnlocked").withArgs(channelId, p1.address, 0n, A);
      await expectBalanceChanges(tx, asset, [p2, p1], [0n, A]);
      await expectSolvent(pc, [asset]);
    });

    it("pays only what was held when the lock list promises more than `locked`", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      const secret = secretOf("big");
      const expiry = (await now()) + 10_000n;
      await pc.registerSecret(secret);
      // p1 signs locked = 40 but a list worth 10^6: the receiver can get 40, no more.
      const locks = [lockOf(1_000_000n, expiry, secret)];
      const { record, closesAt } = await closeChannel(fx, p2, proofOf(1n, 0n, 40n, locksRootOf(locks)));
      await atTime(closesAt + 1n);
      await pc.settle(channel, record);
      const pending = { ...NO_PENDING, locksRoot12: locksRootOf(locks), held12: 40n };
      const tx = await pc.unlock(channel, p1.address, locks, pending);
      await expect(tx).to.emit(pc, "LocksUnlocked").withArgs(channelId, p1.address, 40n, 0n);
      await expectBalanceChanges(tx, asset, [p2, p1, pcAddress], [40n, 0n, -40n]);
      await expectSolvent(pc, [asset]);
    });
  });
}
