// docs/payment-channels.md PC-U1 (a unilateral close is a participant's act and records the counterparty's proof),
// PC-U2 (during the challenge only a direction's receiver records a newer proof of it; stale or equal nonces, the
// sender itself, strangers and records that do not match the commitment are refused) and PC-U3 (at closesAt a proof
// is still accepted, one second later none), for ETH and a standard ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  MAX_PROOF_AMOUNT,
  NO_PROOF,
  PcStatus,
  closeChannel,
  closeRecord,
  commitmentOf,
  directionOf,
  expectSolvent,
  proofOf,
  recordTuple,
  signProof,
  withDirection,
  type ChannelFixture,
} from "../helpers/payment-channels";

const ROOT = ethers.id("locks");

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** p1 closed with p2's proof of nonce 2 (so d21 is recorded and d12 is empty). */
  async function closedFixture() {
    const fx = await fixture();
    const closed = await closeChannel(fx, fx.p1, proofOf(2n, 1_000n, 50n, ROOT));
    return { ...fx, ...closed };
  }

  async function updateAs(
    fx: ChannelFixture & { record: ReturnType<typeof closeRecord> },
    who: { address: string },
    sender: { address: string },
    proof: ReturnType<typeof proofOf>,
    signer = sender,
  ) {
    const wallet = fx.signers.find((s) => s.address === who.address)!;
    const signerWallet = fx.signers.find((s) => s.address === signer.address)!;
    const sig = await signProof(signerWallet, fx.domain, fx.channelId, proof);
    return fx.pc.connect(wallet).update(fx.channel, fx.record, sender.address, proof, sig);
  }

  describe(`PC-U1 close in ${name}`, function () {
    it("records the counterparty's proof as the closer's incoming direction and starts the challenge period", async function () {
      const fx = await loadFixture(fixture);
      const proof = proofOf(7n, DEPOSIT1 / 2n, 3n, ROOT);
      const { record, closesAt } = await closeChannel(fx, fx.p2, proof);
      expect(record.d12).to.deep.equal(directionOf(proof));
      expect(record.d21.nonce).to.equal(0n);
      expect(await fx.pc.hashRecord(record)).to.equal(commitmentOf(record));
      expect((await fx.pc.channelInfo(fx.channelId)).closesAt).to.equal(closesAt);
      await expectSolvent(fx.pc, [fx.asset]);
    });

    it("closes without a proof (nonce 0), ignoring the signature", async function () {
      const fx = await loadFixture(fixture);
      await closeChannel(fx, fx.p1, NO_PROOF);
    });

    it("reverts with PaymentChannelNotParticipant when a stranger or a watchtower closes", async function () {
      const { pc, stranger, watchtower, channel, channelId } = await loadFixture(fixture);
      for (const who of [stranger, watchtower]) {
        await expect(pc.connect(who).close(channel, NO_PROOF, "0x"))
          .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
          .withArgs(channelId, who.address);
      }
    });

    it("reverts with PaymentChannelInvalidSignature when the closer signed its 'incoming' proof itself", async function () {
      const { pc, p1, p2, domain, channel, channelId } = await loadFixture(fixture);
      const proof = proofOf(1n, 5n);
      await expect(pc.connect(p1).close(channel, proof, await signProof(p1, domain, channelId, proof)))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
      await expect(pc.connect(p2).close(channel, proof, await signProof(p2, domain, channelId, proof)))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p1.address);
    });

    it("reverts with PaymentChannelInvalidProof for amounts of 2^128 or more; 2^128 − 1 is accepted", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, domain, channel, channelId } = fx;
      for (const proof of [proofOf(1n, MAX_PROOF_AMOUNT + 1n), proofOf(1n, 0n, MAX_PROOF_AMOUNT + 1n)]) {
        await expect(pc.connect(p1).close(channel, proof, await signProof(p2, domain, channelId, proof)))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidProof")
          .withArgs(channelId);
      }
      await closeChannel(fx, p1, proofOf(1n, MAX_PROOF_AMOUNT, MAX_PROOF_AMOUNT));
    });

    it("reverts with PaymentChannelInvalidStatus(Closed) for a second close by either side", async function () {
      const { pc, p1, p2, channel, channelId } = await loadFixture(closedFixture);
      for (const who of [p1, p2]) {
        await expect(pc.connect(who).close(channel, NO_PROOF, "0x"))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
          .withArgs(channelId, PcStatus.Closed);
      }
    });
  });

  describe(`PC-U2 update in ${name}`, function () {
    it("lets the receiver record a newer proof of its incoming direction: ChannelUpdated(id, sender, submitter, record)", async function () {
      const fx = await loadFixture(closedFixture);
      const { pc, p1, p2, channelId, record, closesAt } = fx;
      const newer = proofOf(5n, 2_000n, 0n);
      const tx = await updateAs(fx, p1, p2, newer);
      const next = withDirection(record, false, directionOf(newer));
      await expect(tx).to.emit(pc, "ChannelUpdated").withArgs(channelId, p2.address, p1.address, recordTuple(next));
      const info = await pc.channelInfo(channelId);
      expect([info.status, info.closesAt, info.commitment]).to.deep.equal([
        BigInt(PcStatus.Closed),
        closesAt,
        commitmentOf(next),
      ]);
      // The other direction: p2 records p1's proof, leaving d21 as it is.
      const fromP1 = proofOf(3n, 400n, 10n, ROOT);
      const tx2 = await pc
        .connect(p2)
        .update(fx.channel, next, p1.address, fromP1, await signProof(p1, fx.domain, channelId, fromP1));
      const last = withDirection(next, true, directionOf(fromP1));
      await expect(tx2).to.emit(pc, "ChannelUpdated").withArgs(channelId, p1.address, p2.address, recordTuple(last));
      expect((await pc.channelInfo(channelId)).commitment).to.equal(commitmentOf(last));
    });

    it("reverts with PaymentChannelStaleProof for an equal or lower nonce", async function () {
      const fx = await loadFixture(closedFixture);
      for (const nonce of [2n, 1n]) {
        await expect(updateAs(fx, fx.p1, fx.p2, proofOf(nonce, 9_999n)))
          .to.be.revertedWithCustomError(fx.pc, "PaymentChannelStaleProof")
          .withArgs(fx.channelId, nonce, 2n);
      }
      // Nonce 0 in the empty direction is stale too: nothing to replace.
      await expect(updateAs(fx, fx.p2, fx.p1, proofOf(0n, 1n)))
        .to.be.revertedWithCustomError(fx.pc, "PaymentChannelStaleProof")
        .withArgs(fx.channelId, 0n, 0n);
    });

    it("refuses the sender recording its own outgoing proof with a huge nonce, and a stranger (PaymentChannelNotParticipant)", async function () {
      const fx = await loadFixture(closedFixture);
      const { pc, p2, stranger, watchtower, channelId } = fx;
      const huge = proofOf((1n << 64n) - 1n, 1n);
      for (const who of [p2, stranger, watchtower]) {
        await expect(updateAs(fx, who, p2, huge))
          .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
          .withArgs(channelId, who.address);
      }
      await expect(updateAs(fx, fx.p1, stranger, huge))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
        .withArgs(channelId, stranger.address);
    });

    it("reverts with PaymentChannelInvalidSignature for a proof not signed by its sender", async function () {
      const fx = await loadFixture(closedFixture);
      for (const signer of [fx.p1, fx.stranger]) {
        await expect(updateAs(fx, fx.p1, fx.p2, proofOf(3n, 1n), signer))
          .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidSignature")
          .withArgs(fx.channelId, fx.p2.address);
      }
    });

    it("reverts with PaymentChannelInvalidProof for a newer proof with an amount of 2^128", async function () {
      const fx = await loadFixture(closedFixture);
      await expect(updateAs(fx, fx.p1, fx.p2, proofOf(3n, MAX_PROOF_AMOUNT + 1n)))
        .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidProof")
        .withArgs(fx.channelId);
    });

    it("reverts with PaymentChannelInvalidRecord for a record that does not match the commitment", async function () {
      const fx = await loadFixture(closedFixture);
      const { pc, p1, p2, domain, channel, channelId, record } = fx;
      const proof = proofOf(3n, 1n);
      const sig = await signProof(p2, domain, channelId, proof);
      const forged = [
        { ...record, deposit1: record.deposit1 + 1n },
        { ...record, withdrawn2: 1n },
        withDirection(record, false, { ...record.d21, transferred: 0n }),
        withDirection(record, false, { ...record.d21, nonce: 0n }),
        withDirection(record, true, { ...record.d12, rewardee: p1.address, reward: 1n }),
      ];
      for (const r of forged) {
        await expect(pc.connect(p1).update(channel, r, p2.address, proof, sig))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
          .withArgs(channelId);
      }
    });

    it("reverts with PaymentChannelInvalidStatus(Open) before a close, and PaymentChannelNotFound for unknown terms", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, domain, channel, channelId } = fx;
      const proof = proofOf(1n, 1n);
      const sig = await signProof(p2, domain, channelId, proof);
      const record = closeRecord(fx, p1.address, NO_PROOF);
      await expect(pc.connect(p1).update(channel, record, p2.address, proof, sig))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Open);
      const unknown = { ...channel, salt: 77n };
      await expect(pc.connect(p1).update(unknown, record, p2.address, proof, sig))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotFound")
        .withArgs(await pc.computeChannelId(unknown));
    });
  });

  describe(`PC-U3 challenge deadline in ${name}`, function () {
    it("accepts a proof at closesAt − 1 and at closesAt, refuses one at closesAt + 1 (PaymentChannelChallengeOver)", async function () {
      const fx = await loadFixture(closedFixture);
      const { pc, p1, p2, domain, channel, channelId, closesAt } = fx;
      await atTime(closesAt - 1n);
      const p3 = proofOf(3n, 1_100n);
      await updateAs(fx, p1, p2, p3);
      const r3 = withDirection(fx.record, false, directionOf(p3));
      const p4 = proofOf(4n, 1_200n);
      await atTime(closesAt);
      await expect(pc.connect(p1).update(channel, r3, p2.address, p4, await signProof(p2, domain, channelId, p4)))
        .to.emit(pc, "ChannelUpdated")
        .withArgs(channelId, p2.address, p1.address, recordTuple(withDirection(r3, false, directionOf(p4))));
      const r4 = withDirection(r3, false, directionOf(p4));
      const p5 = proofOf(5n, 1_300n);
      await atTime(closesAt + 1n);
      await expect(pc.connect(p1).update(channel, r4, p2.address, p5, await signProof(p2, domain, channelId, p5)))
        .to.be.revertedWithCustomError(pc, "PaymentChannelChallengeOver")
        .withArgs(channelId, closesAt);
    });

    it("refuses settle at closesAt (PaymentChannelChallengeNotOver) and settles at closesAt + 1", async function () {
      const fx = await loadFixture(closedFixture);
      const { pc, stranger, channel, channelId, record, closesAt } = fx;
      await atTime(closesAt);
      await expect(pc.connect(stranger).settle(channel, record))
        .to.be.revertedWithCustomError(pc, "PaymentChannelChallengeNotOver")
        .withArgs(channelId, closesAt);
      await expect(pc.connect(stranger).settle(channel, record)).to.emit(pc, "ChannelSettled");
      await expect(updateAs(fx, fx.p1, fx.p2, proofOf(9n, 1n)))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Settled);
      await expectSolvent(pc, [fx.asset]);
    });
  });
}
