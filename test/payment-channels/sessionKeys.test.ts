// docs/payment-channels.md §7: participant1's key1 named at open; setSessionKey by either participant (never the
// counterparty's address); the previous key stays valid for one challenge period (t−1, t pass; t+1 fails); a second
// change during that grace is refused. Signature checks do not depend on the asset: ETH channels only.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ETH, atTime, blockTimeOf, highS, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  NO_PROOF,
  PERIOD,
  PcStatus,
  closeChannel,
  openChannel,
  proofOf,
  signProof,
  signWithdraw,
  termsOf,
  type ChannelFixture,
} from "../helpers/payment-channels";

const fixture = CHANNEL_ASSETS[0].fixture;
const DAY = 86_400n;

/** p2 withdraws `total` with p1's consent signed by `signer` (p2 calls, so its own signature is not needed). */
async function withdrawSignedBy(fx: ChannelFixture, signer: { address: string }, total: bigint) {
  const wallet = fx.signers.find((s) => s.address === signer.address)!;
  const expiry = (await now()) + DAY;
  const sig = await signWithdraw(wallet, fx.domain, fx.channelId, fx.p2.address, total, expiry);
  return fx.pc.connect(fx.p2).cooperativeWithdraw(fx.channel, fx.p2.address, total, expiry, sig, "0x");
}

/** p1 closes with a proof of p2's direction signed by `signer`. */
async function closeWithP2ProofBy(fx: ChannelFixture, signer: { address: string }) {
  const wallet = fx.signers.find((s) => s.address === signer.address)!;
  const proof = proofOf(1n, 5n);
  return fx.pc.connect(fx.p1).close(fx.channel, proof, await signProof(wallet, fx.domain, fx.channelId, proof));
}

/**
 * Signatures of `proof` that Signatures.recover turns into address(0) (no bytes, v = 29, r = 0, a high s), made from a
 * real one so that only the defect differs.
 */
async function unrecoverableSignatures(fx: ChannelFixture, channelId: string, proof: ReturnType<typeof proofOf>) {
  const sig = await signProof(fx.p1, fx.domain, channelId, proof);
  return [
    "0x",
    ethers.concat([ethers.dataSlice(sig, 0, 64), "0x1d"]),
    ethers.concat([ethers.ZeroHash, ethers.dataSlice(sig, 32)]),
    highS(sig),
  ];
}

async function rotatedFixture() {
  const fx = await fixture();
  const tx = await fx.pc.connect(fx.p1).setSessionKey(fx.channel, fx.newKey.address);
  return { ...fx, rotateTx: tx, changedAt: await blockTimeOf(tx) };
}

describe("§7 session keys", function () {
  it("accepts key1 named at open for participant1 only: it cannot sign for participant2", async function () {
    const fx = await loadFixture(fixture);
    await expect(withdrawSignedBy(fx, fx.key1, 1n)).to.emit(fx.pc, "ChannelWithdrawn");
    await expect(closeWithP2ProofBy(fx, fx.key1))
      .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidSignature")
      .withArgs(fx.channelId, fx.p2.address);
  });

  // Mutation survivor PaymentChannels.sol:711 [0] -> [1]: with `recovered != address(1)` a signature that recovers
  // no one was compared with the keys, and the key slots hold address(0) when no key is named (key1 = 0, a revoked
  // key, p2's "previous" before its first rotation), so it passed as the participant's.
  it("refuses a signature that recovers no one for each empty key slot: key1 = 0 at open, a revoked key, p2's previous before its first key", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, key2 } = fx;
    const proof = proofOf(1n, 5n);
    // A second channel of the pair whose participant1 named no session key.
    const keyless = await openChannel(pc, p1, termsOf(fx, ETH, { key1: ethers.ZeroAddress, salt: 2n }), 10n);
    for (const bad of await unrecoverableSignatures(fx, keyless.channelId, proof)) {
      await expect(pc.connect(p2).close(keyless.channel, proof, bad))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(keyless.channelId, p1.address);
    }
    // p1 revokes its key; p2 names its first key, so its previous key is address(0) during the grace.
    await pc.connect(p1).setSessionKey(fx.channel, ethers.ZeroAddress);
    await pc.connect(p2).setSessionKey(fx.channel, key2.address);
    for (const bad of await unrecoverableSignatures(fx, fx.channelId, proof)) {
      await expect(pc.connect(p2).close(fx.channel, proof, bad))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(fx.channelId, p1.address);
      await expect(pc.connect(p1).close(fx.channel, proof, bad))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(fx.channelId, p2.address);
    }
    // The participants' own signatures still pass on both channels.
    const signed = await signProof(p1, fx.domain, keyless.channelId, proof);
    await expect(pc.connect(p2).close(keyless.channel, proof, signed)).to.emit(pc, "ChannelClosed");
    await expect(closeWithP2ProofBy(fx, p2)).to.emit(pc, "ChannelClosed");
  });

  it("setSessionKey by participant1: emits SessionKeyChanged(id, participant, previous = key1, current, graceEndsAt), records it", async function () {
    const { pc, p1, key1, newKey, channelId, rotateTx, changedAt } = await loadFixture(rotatedFixture);
    await expect(rotateTx)
      .to.emit(pc, "SessionKeyChanged")
      .withArgs(channelId, p1.address, key1.address, newKey.address, changedAt + PERIOD);
    expect(await pc.keyChangeOf(channelId, p1.address)).to.deep.equal([newKey.address, changedAt, key1.address]);
    const info = await pc.channelInfo(channelId);
    expect([info.key1Changed, info.key2Changed]).to.deep.equal([true, false]);
  });

  it("setSessionKey by participant2 names its first key (previous 0); the key signs p2's proofs at once", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p2, key2, channel, channelId } = fx;
    const tx = await pc.connect(p2).setSessionKey(channel, key2.address);
    const at = await blockTimeOf(tx);
    await expect(tx)
      .to.emit(pc, "SessionKeyChanged")
      .withArgs(channelId, p2.address, ethers.ZeroAddress, key2.address, at + PERIOD);
    expect(await pc.keyChangeOf(channelId, p2.address)).to.deep.equal([key2.address, at, ethers.ZeroAddress]);
    const info = await pc.channelInfo(channelId);
    expect([info.key1Changed, info.key2Changed]).to.deep.equal([false, true]);
    await expect(closeWithP2ProofBy(fx, key2)).to.emit(pc, "ChannelClosed");
  });

  it("a key of participant2 never signs for participant1, and key1 never for participant2 after p2 rotated", async function () {
    const fx = await loadFixture(fixture);
    await fx.pc.connect(fx.p2).setSessionKey(fx.channel, fx.key2.address);
    await expect(withdrawSignedBy(fx, fx.key2, 1n))
      .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidSignature")
      .withArgs(fx.channelId, fx.p1.address);
    await expect(closeWithP2ProofBy(fx, fx.key1))
      .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidSignature")
      .withArgs(fx.channelId, fx.p2.address);
  });

  it("the new key signs at once; the previous key's grace: accepted at changedAt + period − 1 and + period, refused one second later", async function () {
    const fx = await loadFixture(rotatedFixture);
    const { pc, p2, key1, newKey, channelId, changedAt } = fx;
    await expect(withdrawSignedBy(fx, newKey, 1n)).to.emit(pc, "ChannelWithdrawn");
    await atTime(changedAt + PERIOD - 1n);
    await expect(withdrawSignedBy(fx, key1, 2n))
      .to.emit(pc, "ChannelWithdrawn")
      .withArgs(channelId, p2.address, 1n, 2n);
    await atTime(changedAt + PERIOD);
    await expect(withdrawSignedBy(fx, key1, 3n))
      .to.emit(pc, "ChannelWithdrawn")
      .withArgs(channelId, p2.address, 1n, 3n);
    await atTime(changedAt + PERIOD + 1n);
    await expect(withdrawSignedBy(fx, key1, 4n))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, fx.p1.address);
    await expect(withdrawSignedBy(fx, newKey, 4n)).to.emit(pc, "ChannelWithdrawn");
    // The participant's own signature is never affected.
    await expect(withdrawSignedBy(fx, fx.p1, 5n)).to.emit(pc, "ChannelWithdrawn");
  });

  it("refuses a second change during the grace (PaymentChannelKeyChangePending) up to its end, accepts it one second later", async function () {
    const fx = await loadFixture(rotatedFixture);
    const { pc, p1, key1, newKey, other, channel, channelId, changedAt } = fx;
    const graceEndsAt = changedAt + PERIOD;
    await atTime(graceEndsAt);
    await expect(pc.connect(p1).setSessionKey(channel, other.address))
      .to.be.revertedWithCustomError(pc, "PaymentChannelKeyChangePending")
      .withArgs(channelId, graceEndsAt);
    await atTime(graceEndsAt + 1n);
    const tx = await pc.connect(p1).setSessionKey(channel, other.address);
    await expect(tx)
      .to.emit(pc, "SessionKeyChanged")
      .withArgs(channelId, p1.address, newKey.address, other.address, graceEndsAt + 1n + PERIOD);
    expect(await pc.keyChangeOf(channelId, p1.address)).to.deep.equal([
      other.address,
      graceEndsAt + 1n,
      newKey.address,
    ]);
    // key1 is two rotations old: refused; newKey is in its grace: accepted.
    await expect(withdrawSignedBy(fx, key1, 1n))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, p1.address);
    await expect(withdrawSignedBy(fx, newKey, 1n)).to.emit(pc, "ChannelWithdrawn");
  });

  it("revokes with address(0): no key signs for the participant after the grace", async function () {
    const fx = await loadFixture(fixture);
    const tx = await fx.pc.connect(fx.p1).setSessionKey(fx.channel, ethers.ZeroAddress);
    const at = await blockTimeOf(tx);
    await atTime(at + PERIOD + 1n);
    for (const key of [fx.key1, fx.newKey]) {
      await expect(withdrawSignedBy(fx, key, 1n))
        .to.be.revertedWithCustomError(fx.pc, "PaymentChannelInvalidSignature")
        .withArgs(fx.channelId, fx.p1.address);
    }
  });

  it("reverts with PaymentChannelInvalidKey when a participant names its counterparty as its key", async function () {
    const { pc, p1, p2, channel, channelId } = await loadFixture(fixture);
    await expect(pc.connect(p1).setSessionKey(channel, p2.address))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidKey")
      .withArgs(p2.address);
    await expect(pc.connect(p2).setSessionKey(channel, p1.address))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidKey")
      .withArgs(p1.address);
    const info = await pc.channelInfo(channelId);
    expect([info.key1Changed, info.key2Changed]).to.deep.equal([false, false]);
  });

  it("reverts with PaymentChannelNotParticipant for a stranger or a session key, and InvalidStatus once closed", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, stranger, key1, newKey, channel, channelId } = fx;
    for (const who of [stranger, key1]) {
      await expect(pc.connect(who).setSessionKey(channel, newKey.address))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
        .withArgs(channelId, who.address);
    }
    await closeChannel(fx, p1, NO_PROOF);
    await expect(pc.connect(p1).setSessionKey(channel, newKey.address))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
      .withArgs(channelId, PcStatus.Closed);
  });

  // Found by this suite: the previous key's grace was judged at the time of the update, so a rotation followed by a
  // close just inside the grace voided, after the grace, proofs the counterparty held from the previous key. Keys are
  // now judged as of the close (§7): a close that starts within the grace honours the previous key for its whole
  // challenge period; after the grace the counterparty must have had its proofs re-signed by the new key, or closed.
  it("§7: a close started within the previous key's grace honours its proofs for the whole challenge period", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, key1, newKey, channel, channelId, domain } = fx;
    const paid = proofOf(5n, 10n ** 17n);
    const paidSig = await signProof(key1, domain, channelId, paid);
    const rot = await pc.connect(p1).setSessionKey(channel, newKey.address);
    await atTime((await blockTimeOf(rot)) + PERIOD); // the last second of the grace
    const { record } = await closeChannel(fx, p1, NO_PROOF);
    await atTime((await blockTimeOf(rot)) + PERIOD + PERIOD / 2n); // past the grace, within the challenge
    await expect(pc.connect(p2).update(channel, record, p1.address, paid, paidSig)).to.emit(pc, "ChannelUpdated");
  });

  it("§7: a close started after the previous key's grace refuses its proofs (the counterparty had the grace to act)", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, key1, newKey, channel, channelId, domain } = fx;
    const paid = proofOf(5n, 10n ** 17n);
    const paidSig = await signProof(key1, domain, channelId, paid);
    const rot = await pc.connect(p1).setSessionKey(channel, newKey.address);
    await atTime((await blockTimeOf(rot)) + PERIOD + 1n);
    const { record } = await closeChannel(fx, p1, NO_PROOF);
    await expect(pc.connect(p2).update(channel, record, p1.address, paid, paidSig))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
      .withArgs(channelId, p1.address);
    const resigned = await signProof(newKey, domain, channelId, paid);
    await expect(pc.connect(p2).update(channel, record, p1.address, paid, resigned)).to.emit(pc, "ChannelUpdated");
  });

  it("keeps the rotation across the close: a proof signed by the previous key within its grace is recorded by update", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, key2, newKey, channel, channelId, domain } = fx;
    await pc.connect(p2).setSessionKey(channel, key2.address);
    await atTime((await now()) + PERIOD + 10n);
    const rot = await pc.connect(p2).setSessionKey(channel, newKey.address);
    const changedAt = await blockTimeOf(rot);
    const { record } = await closeChannel(fx, p1, proofOf(1n, 1n), key2);
    const proof = proofOf(2n, 2n);
    await atTime(changedAt + PERIOD);
    await expect(
      pc.connect(p1).update(channel, record, p2.address, proof, await signProof(key2, domain, channelId, proof)),
    ).to.emit(pc, "ChannelUpdated");
  });
});
