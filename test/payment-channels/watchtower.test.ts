// docs/payment-channels.md §6 and PC-U2: a watchtower records a newer proof for the receiver only with the receiver's
// Reward naming that watchtower and that very proof (its struct hash); a front-runner's copy is refused; a later,
// higher proof replaces record and reward; the reward is paid at settlement out of the receiver's share, capped.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  TOTAL,
  closeChannel,
  directionOf,
  expectSolvent,
  proofHashOf,
  proofOf,
  recordTuple,
  signProof,
  signReward,
  withDirection,
} from "../helpers/payment-channels";

const PAID = DEPOSIT1 / 2n + 5n; // what p1 really sent p2
const REWARD = 1_000_003n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** p1 cheats: it closes recording p2's proof and ignoring what it paid p2; p2 is offline, its watchtower holds p1's proof. */
  async function staleCloseFixture() {
    const fx = await fixture();
    const closed = await closeChannel(fx, fx.p1, proofOf(1n, 10n));
    const latest = proofOf(6n, PAID);
    const proofSig = await signProof(fx.p1, fx.domain, fx.channelId, latest);
    const proofHash = proofHashOf(fx.channelId, latest);
    const rewardSig = await signReward(fx.p2, fx.domain, fx.channelId, proofHash, fx.watchtower.address, REWARD);
    return { ...fx, ...closed, latest, proofSig, proofHash, rewardSig };
  }

  describe(`§6 watchtowers in ${name}`, function () {
    it("records the proof for the offline receiver with rewardee = the watchtower; settle pays the reward out of the receiver's share", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, pcAddress, channel, channelId, record, closesAt, latest, proofSig, rewardSig } =
        fx;
      const tx = await pc
        .connect(watchtower)
        .updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig);
      const next = withDirection(record, true, directionOf(latest, watchtower.address, REWARD));
      await expect(tx)
        .to.emit(pc, "ChannelUpdated")
        .withArgs(channelId, p1.address, watchtower.address, recordTuple(next));
      await atTime(closesAt + 1n);
      const settle = await pc.settle(channel, next);
      const amount1 = DEPOSIT1 - PAID + 10n;
      const amount2 = DEPOSIT2 + PAID - 10n - REWARD;
      await expectBalanceChanges(settle, fx.asset, [p1, p2, watchtower, pcAddress], [amount1, amount2, REWARD, -TOTAL]);
      await expect(settle).to.emit(pc, "WatchtowerRewarded").withArgs(channelId, watchtower.address, REWARD);
      await expectSolvent(pc, [fx.asset]);
    });

    it("refuses a front-runner copying the watchtower's transaction (the reward names another watchtower)", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower2, channel, channelId, record, latest, proofSig, rewardSig } = fx;
      await expect(pc.connect(watchtower2).updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
    });

    it("binds the reward to the exact proof: another proof of the same nonce signed by the sender is refused", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, channel, channelId, record, domain, rewardSig } = fx;
      // The sender colludes with the watchtower and signs a same-nonce proof that pays less.
      const substitute = proofOf(6n, 11n);
      const subSig = await signProof(p1, domain, channelId, substitute);
      await expect(pc.connect(watchtower).updateFor(channel, record, p1.address, substitute, subSig, REWARD, rewardSig))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
    });

    it("refuses a reward amount other than the one signed, and a Reward signed by the sender instead of the receiver", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, channel, channelId, record, domain, latest, proofSig, proofHash, rewardSig } = fx;
      await expect(
        pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD + 1n, rewardSig),
      )
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
      const bySender = await signReward(p1, domain, channelId, proofHash, watchtower.address, REWARD);
      await expect(pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD, bySender))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
    });

    it("a later, higher proof from the receiver itself replaces the record and drops the reward", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, channel, channelId, record, domain, latest, proofSig, rewardSig, closesAt } = fx;
      await pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig);
      const withReward = withDirection(record, true, directionOf(latest, watchtower.address, REWARD));
      const higher = proofOf(7n, PAID + 1n);
      await pc
        .connect(p2)
        .update(channel, withReward, p1.address, higher, await signProof(p1, domain, channelId, higher));
      const final = withDirection(record, true, directionOf(higher));
      expect((await pc.channelInfo(channelId)).commitment).to.equal(await pc.hashRecord(final));
      await atTime(closesAt + 1n);
      const tx = await pc.settle(channel, final);
      await expect(tx).not.to.emit(pc, "WatchtowerRewarded");
      await expectBalanceChanges(tx, fx.asset, [watchtower, p2], [0n, DEPOSIT2 + PAID + 1n - 10n]);
    });

    it("a later, higher proof from a second watchtower replaces the first's record and reward; an equal nonce is stale", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, watchtower2, channel, channelId, record, domain, latest, proofSig, rewardSig } =
        fx;
      await pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig);
      const first = withDirection(record, true, directionOf(latest, watchtower.address, REWARD));
      const sameNonce = await signReward(p2, domain, channelId, fx.proofHash, watchtower2.address, 1n);
      await expect(pc.connect(watchtower2).updateFor(channel, first, p1.address, latest, proofSig, 1n, sameNonce))
        .to.be.revertedWithCustomError(pc, "PaymentChannelStaleProof")
        .withArgs(channelId, 6n, 6n);
      const higher = proofOf(8n, PAID + 2n);
      const hSig = await signProof(p1, domain, channelId, higher);
      const hReward = await signReward(p2, domain, channelId, proofHashOf(channelId, higher), watchtower2.address, 0n);
      const tx = await pc.connect(watchtower2).updateFor(channel, first, p1.address, higher, hSig, 0n, hReward);
      const second = withDirection(record, true, directionOf(higher, watchtower2.address, 0n));
      await expect(tx)
        .to.emit(pc, "ChannelUpdated")
        .withArgs(channelId, p1.address, watchtower2.address, recordTuple(second));
      await atTime(fx.closesAt + 1n);
      // A reward of 0 is a plain authorisation: nothing is paid to anyone but the participants.
      const settle = await pc.settle(channel, second);
      await expect(settle).not.to.emit(pc, "WatchtowerRewarded");
      await expectBalanceChanges(settle, fx.asset, [watchtower, watchtower2], [0n, 0n]);
      await expectSolvent(pc, [fx.asset]);
    });

    it("caps the reward at the receiver's share", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, pcAddress, channel, channelId, record, domain, latest, proofSig, proofHash } = fx;
      const huge = TOTAL * 10n;
      const sig = await signReward(p2, domain, channelId, proofHash, watchtower.address, huge);
      await pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, huge, sig);
      const next = withDirection(record, true, directionOf(latest, watchtower.address, huge));
      await atTime(fx.closesAt + 1n);
      const share2 = DEPOSIT2 + PAID - 10n;
      const tx = await pc.settle(channel, next);
      await expectBalanceChanges(tx, fx.asset, [p1, p2, watchtower, pcAddress], [TOTAL - share2, 0n, share2, -TOTAL]);
      await expect(tx).to.emit(pc, "WatchtowerRewarded").withArgs(channelId, watchtower.address, share2);
      await expectSolvent(pc, [fx.asset]);
    });

    it("rewards the watchtower of each direction from its own client's share", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, p2, watchtower, watchtower2, channel, channelId, record, domain, latest, proofSig, rewardSig } =
        fx;
      await pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig);
      const r1 = withDirection(record, true, directionOf(latest, watchtower.address, REWARD));
      // p1's watchtower records a newer proof of p2's direction, with a reward from p1.
      const fromP2 = proofOf(2n, 20n);
      const sig2 = await signProof(p2, domain, channelId, fromP2);
      const rew2 = await signReward(p1, domain, channelId, proofHashOf(channelId, fromP2), watchtower2.address, 7n);
      await pc.connect(watchtower2).updateFor(channel, r1, p2.address, fromP2, sig2, 7n, rew2);
      const r2 = withDirection(r1, false, directionOf(fromP2, watchtower2.address, 7n));
      await atTime(fx.closesAt + 1n);
      const tx = await pc.settle(channel, r2);
      await expect(tx).to.emit(pc, "WatchtowerRewarded").withArgs(channelId, watchtower.address, REWARD);
      await expect(tx).to.emit(pc, "WatchtowerRewarded").withArgs(channelId, watchtower2.address, 7n);
      await expectBalanceChanges(
        tx,
        fx.asset,
        [p1, p2, watchtower, watchtower2],
        [DEPOSIT1 - PAID + 20n - 7n, DEPOSIT2 + PAID - 20n - REWARD, REWARD, 7n],
      );
      await expectSolvent(pc, [fx.asset]);
    });

    it("PC-U3: refuses the watchtower after closesAt (PaymentChannelChallengeOver)", async function () {
      const fx = await loadFixture(staleCloseFixture);
      const { pc, p1, watchtower, channel, channelId, record, latest, proofSig, rewardSig, closesAt } = fx;
      await atTime(closesAt + 1n);
      await expect(pc.connect(watchtower).updateFor(channel, record, p1.address, latest, proofSig, REWARD, rewardSig))
        .to.be.revertedWithCustomError(pc, "PaymentChannelChallengeOver")
        .withArgs(channelId, closesAt);
    });
  });
}
