// docs/payment-channels.md PC-D1: deposits are monotonic, for either participant, paid by anyone, and refused once
// the channel is closed; for ETH and a standard ERC20.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ETH, atTime, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  NO_PROOF,
  PcStatus,
  closeChannel,
  depositFor,
  expectSolvent,
  valueFor,
} from "../helpers/payment-channels";

const MORE = 123_456_789n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  describe(`PC-D1 deposits in ${name}`, function () {
    it("adds to participant1's total: emits ChannelDeposited(id, participant, amount, total) and moves exactly the amount", async function () {
      const { pc, p1, pcAddress, channel, channelId, asset } = await loadFixture(fixture);
      const tx = await depositFor(pc, p1, channel, p1.address, MORE);
      await expectBalanceChanges(tx, asset, [p1, pcAddress], [-MORE, MORE]);
      await expect(tx)
        .to.emit(pc, "ChannelDeposited")
        .withArgs(channelId, p1.address, MORE, DEPOSIT1 + MORE);
      const info = await pc.channelInfo(channelId);
      expect([info.status, info.deposit1, info.deposit2]).to.deep.equal([
        BigInt(PcStatus.Open),
        DEPOSIT1 + MORE,
        DEPOSIT2,
      ]);
      await expectSolvent(pc, [asset]);
    });

    it("lets a third party pay participant2's deposit; the payer's balance moves, the participant's does not", async function () {
      const { pc, p2, stranger, pcAddress, channel, channelId, asset } = await loadFixture(fixture);
      const tx = await depositFor(pc, stranger, channel, p2.address, MORE);
      await expectBalanceChanges(tx, asset, [stranger, p2, pcAddress], [-MORE, 0n, MORE]);
      await expect(tx)
        .to.emit(pc, "ChannelDeposited")
        .withArgs(channelId, p2.address, MORE, DEPOSIT2 + MORE);
      const info = await pc.channelInfo(channelId);
      expect([info.deposit1, info.deposit2]).to.deep.equal([DEPOSIT1, DEPOSIT2 + MORE]);
      await depositFor(pc, stranger, channel, p2.address, 1n);
      expect((await pc.channelInfo(channelId)).deposit2).to.equal(DEPOSIT2 + MORE + 1n);
      await expectSolvent(pc, [asset]);
    });

    it("reverts with PaymentChannelNotParticipant for a deposit credited to someone else", async function () {
      const { pc, p1, stranger, channel, channelId } = await loadFixture(fixture);
      await expect(depositFor(pc, p1, channel, stranger.address, MORE))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
        .withArgs(channelId, stranger.address);
    });

    it("reverts with PaymentChannelInvalidAmount for a zero deposit", async function () {
      const { pc, p1, channel } = await loadFixture(fixture);
      await expect(depositFor(pc, p1, channel, p1.address, 0n))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidAmount")
        .withArgs(0n);
    });

    it("reverts with PaymentChannelValueMismatch when the value sent does not fit the asset", async function () {
      const { pc, p1, channel, asset } = await loadFixture(fixture);
      const wrong = asset === ETH ? MORE - 1n : 1n;
      await expect(pc.connect(p1).deposit(channel, p1.address, MORE, { value: wrong }))
        .to.be.revertedWithCustomError(pc, "PaymentChannelValueMismatch")
        .withArgs(wrong, valueFor(asset, MORE));
    });

    it("reverts with PaymentChannelInvalidStatus(Closed) after a unilateral close, and PaymentChannelNotFound for unknown terms", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId } = fx;
      await closeChannel(fx, p1, NO_PROOF);
      for (const who of [p1, p2]) {
        await expect(depositFor(pc, who, channel, who.address, MORE))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
          .withArgs(channelId, PcStatus.Closed);
      }
      const unknown = { ...channel, salt: 99n };
      await expect(depositFor(pc, p1, unknown, p1.address, MORE))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotFound")
        .withArgs(await pc.computeChannelId(unknown));
    });

    it("reverts with PaymentChannelInvalidStatus(Settled) after settlement", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, channel, channelId } = fx;
      const { record, closesAt } = await closeChannel(fx, p1, NO_PROOF);
      await atTime(closesAt + 1n);
      await pc.settle(channel, record);
      await expect(depositFor(pc, p1, channel, p1.address, MORE))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Settled);
      await expectSolvent(pc, [fx.asset]);
    });
  });
}

describe("PC-D1 deposit bound", function () {
  it("reverts with PaymentChannelInvalidAmount when a deposit would take a participant's total past 2^104 − 1", async function () {
    const fx = await loadFixture(CHANNEL_ASSETS[1].fixture);
    const { pc, p2, token, channel } = fx;
    const room = (1n << 104n) - 1n - DEPOSIT2;
    await token.mint(p2.address, room);
    await expect(depositFor(pc, p2, channel, p2.address, room + 1n))
      .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidAmount")
      .withArgs(room + 1n);
    await expect(depositFor(pc, p2, channel, p2.address, room))
      .to.emit(pc, "ChannelDeposited")
      .withArgs(fx.channelId, p2.address, room, (1n << 104n) - 1n);
    expect((await pc.channelInfo(fx.channelId)).deposit1).to.equal(DEPOSIT1);
    await expectSolvent(pc, [fx.tokenAddress]);
  });
});
