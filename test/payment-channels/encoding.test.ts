// docs/payment-channels.md §1, §2: terms and records are hashed straight from calldata. Terms or a record whose words
// carry dirty high bits must not reach a channel: open refuses them (ABI decoding), every other call finds no channel
// (PaymentChannelNotFound) or no matching commitment (PaymentChannelInvalidRecord).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { CHANNEL_ASSETS, NO_PROOF, closeChannel, proofOf, signProof, valueFor } from "../helpers/payment-channels";

const fixture = CHANNEL_ASSETS[0].fixture;

/** `data` with the byte `at` (0 = selector's first byte) set to 0x01. */
function dirty(data: string, at: number): string {
  const bytes = ethers.getBytes(data);
  bytes[at] = 0x01;
  return ethers.hexlify(bytes);
}

/** Byte offset of the high byte of ABI word `word` (0-based, after the selector). */
const highByte = (word: number) => 4 + 32 * word;

describe("§1 §2 calldata hashing", function () {
  it("refuses terms with a dirty high byte in challengePeriod or salt: deposit finds no channel, open reverts", async function () {
    const { pc, p1, pcAddress, channel } = await loadFixture(fixture);
    const data = pc.interface.encodeFunctionData("deposit", [channel, p1.address, 10n]);
    for (const word of [4, 5, 0]) {
      // challengePeriod (word 4), salt (word 5), participant1 (word 0): the id of dirty terms is nobody's.
      const tx = p1.sendTransaction({
        to: pcAddress,
        data: dirty(data, highByte(word)),
        value: valueFor(channel.token, 10n),
      });
      await expect(tx).to.be.revertedWithCustomError(pc, "PaymentChannelNotFound");
    }
    const openData = pc.interface.encodeFunctionData("open", [{ ...channel, salt: 5n }, 10n]);
    await expect(p1.sendTransaction({ to: pcAddress, data: dirty(openData, highByte(5)), value: 10n })).to.be.reverted;
    expect((await pc.channelInfo(await pc.computeChannelId({ ...channel, salt: 5n }))).status).to.equal(0n);
  });

  it("refuses a record with a dirty high byte in a nonce (PaymentChannelInvalidRecord), and accepts the clean one", async function () {
    const fx = await loadFixture(fixture);
    const { pc, p1, p2, pcAddress, channel, channelId, domain } = fx;
    const { record } = await closeChannel(fx, p1, NO_PROOF);
    const proof = proofOf(1n, 5n);
    const sig = await signProof(p2, domain, channelId, proof);
    const data = pc.interface.encodeFunctionData("update", [channel, record, p2.address, proof, sig]);
    // The record starts at word 6; its d21 direction at word 6 + 10, whose first word is the uint64 nonce.
    await expect(p1.sendTransaction({ to: pcAddress, data: dirty(data, highByte(16)) }))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidRecord")
      .withArgs(channelId);
    await expect(p1.sendTransaction({ to: pcAddress, data })).to.emit(pc, "ChannelUpdated");
  });
});
