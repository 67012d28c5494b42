// docs/payment-channels.md PC-W1: a withdrawal while open needs both participants' consent (a participant's own call
// replaces its signature), a total above the recorded one, an unexpired signature (t−1, t pass; t+1 fails), an Open
// channel, and keeps all withdrawals within all deposits; for ETH and a standard ERC20.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, expectBalanceChanges, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  EMPTY_DIRECTION,
  NO_PROOF,
  PcStatus,
  TOTAL,
  closeChannel,
  expectSolvent,
  signWithdraw,
  type ChannelFixture,
} from "../helpers/payment-channels";

const PART = DEPOSIT1 / 3n + 11n;
const DAY = 86_400n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** Both participants' signatures of a withdrawal of `participant` to `total` with `expiry`. */
  async function consent(fx: ChannelFixture, participant: string, total: bigint, expiry: bigint) {
    return Promise.all([
      signWithdraw(fx.p1, fx.domain, fx.channelId, participant, total, expiry),
      signWithdraw(fx.p2, fx.domain, fx.channelId, participant, total, expiry),
    ]);
  }

  describe(`PC-W1 cooperativeWithdraw in ${name}`, function () {
    it("pays participant1 when a relayer submits both signatures; emits ChannelWithdrawn(id, participant, amount, total)", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, relayer, pcAddress, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      const [s1, s2] = await consent(fx, p1.address, PART, expiry);
      const tx = await pc.connect(relayer).cooperativeWithdraw(channel, p1.address, PART, expiry, s1, s2);
      await expectBalanceChanges(tx, asset, [p1, p2, relayer, pcAddress], [PART, 0n, 0n, -PART]);
      await expect(tx).to.emit(pc, "ChannelWithdrawn").withArgs(channelId, p1.address, PART, PART);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([PART, 0n]);
      const info = await pc.channelInfo(channelId);
      expect([info.status, info.withdrawn, info.deposit1, info.deposit2]).to.deep.equal([
        BigInt(PcStatus.Open),
        true,
        DEPOSIT1,
        DEPOSIT2,
      ]);
      await expectSolvent(pc, [asset]);
    });

    it("pays only the increment of a later, higher total, and keeps each side's total apart", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      await pc.cooperativeWithdraw(channel, p1.address, PART, expiry, ...(await consent(fx, p1.address, PART, expiry)));
      await pc.cooperativeWithdraw(channel, p2.address, 77n, expiry, ...(await consent(fx, p2.address, 77n, expiry)));
      const later = 2n * PART;
      const tx = await pc.cooperativeWithdraw(
        channel,
        p1.address,
        later,
        expiry,
        ...(await consent(fx, p1.address, later, expiry)),
      );
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [PART, 0n, -PART]);
      await expect(tx).to.emit(pc, "ChannelWithdrawn").withArgs(channelId, p1.address, PART, later);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([later, 77n]);
      await expectSolvent(pc, [asset]);
    });

    it("accepts a participant's own call in place of its signature (empty), for either side", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      const byP2 = await signWithdraw(p2, fx.domain, channelId, p1.address, PART, expiry);
      const tx = await pc.connect(p1).cooperativeWithdraw(channel, p1.address, PART, expiry, "0x", byP2);
      await expectBalanceChanges(tx, asset, [p1], [PART]);
      const byP1 = await signWithdraw(p1, fx.domain, channelId, p2.address, 5n, expiry);
      const tx2 = await pc.connect(p2).cooperativeWithdraw(channel, p2.address, 5n, expiry, byP1, "0x");
      await expectBalanceChanges(tx2, asset, [p2], [5n]);
      // The withdrawer's counterparty may also submit: it consents by calling.
      const byP1b = await signWithdraw(p1, fx.domain, channelId, p1.address, PART + 1n, expiry);
      await expect(pc.connect(p2).cooperativeWithdraw(channel, p1.address, PART + 1n, expiry, byP1b, "0x"))
        .to.emit(pc, "ChannelWithdrawn")
        .withArgs(channelId, p1.address, 1n, PART + 1n);
    });

    it("accepts participant1's session key (key1) as its signature", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p2, key1, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const s1 = await signWithdraw(key1, fx.domain, channelId, p2.address, PART, expiry);
      const s2 = await signWithdraw(p2, fx.domain, channelId, p2.address, PART, expiry);
      await expect(pc.cooperativeWithdraw(channel, p2.address, PART, expiry, s1, s2))
        .to.emit(pc, "ChannelWithdrawn")
        .withArgs(channelId, p2.address, PART, PART);
    });

    it("reverts with PaymentChannelInvalidSignature naming the side whose consent is missing or wrong", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, stranger, relayer, channel, channelId, domain } = fx;
      const expiry = (await now()) + DAY;
      const [s1, s2] = await consent(fx, p1.address, PART, expiry);
      const byStranger = await signWithdraw(stranger, domain, channelId, p1.address, PART, expiry);
      const otherTotal = await signWithdraw(p2, domain, channelId, p1.address, PART + 1n, expiry);
      const otherParticipant = await signWithdraw(p2, domain, channelId, p2.address, PART, expiry);
      const otherExpiry = await signWithdraw(p2, domain, channelId, p1.address, PART, expiry + 1n);
      const cases: Array<[string, string, string]> = [
        [s1, "0x", p2.address],
        ["0x", s2, p1.address],
        [s1, byStranger, p2.address],
        [byStranger, s2, p1.address],
        [s1, otherTotal, p2.address],
        [s1, otherParticipant, p2.address],
        [s1, otherExpiry, p2.address],
        [s2, s1, p1.address], // swapped: each checked against its own participant
      ];
      for (const [a, b, missing] of cases) {
        await expect(pc.connect(relayer).cooperativeWithdraw(channel, p1.address, PART, expiry, a, b))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
          .withArgs(channelId, missing);
      }
      // p1 calling does not stand in for p2.
      await expect(pc.connect(p1).cooperativeWithdraw(channel, p1.address, PART, expiry, "0x", "0x"))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p2.address);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([0n, 0n]);
    });

    it("refuses a replay of the same withdrawal, and a lower or equal total (PaymentChannelInvalidWithdrawal)", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const sigs = await consent(fx, p1.address, PART, expiry);
      await pc.cooperativeWithdraw(channel, p1.address, PART, expiry, ...sigs);
      await expect(pc.cooperativeWithdraw(channel, p1.address, PART, expiry, ...sigs))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidWithdrawal")
        .withArgs(PART, PART, TOTAL);
      const lower = await consent(fx, p1.address, PART - 1n, expiry);
      await expect(pc.cooperativeWithdraw(channel, p1.address, PART - 1n, expiry, ...lower))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidWithdrawal")
        .withArgs(PART - 1n, PART, TOTAL);
      const zero = await consent(fx, fx.p2.address, 0n, expiry);
      await expect(pc.cooperativeWithdraw(channel, fx.p2.address, 0n, expiry, ...zero))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidWithdrawal")
        .withArgs(0n, 0n, TOTAL - PART);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([PART, 0n]);
    });

    it("caps all withdrawals at all deposits: a total one above what the channel holds is refused, exactly it is paid", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      const w2 = DEPOSIT2 / 2n;
      await pc.cooperativeWithdraw(channel, p2.address, w2, expiry, ...(await consent(fx, p2.address, w2, expiry)));
      const limit = TOTAL - w2;
      const over = await consent(fx, p1.address, limit + 1n, expiry);
      await expect(pc.cooperativeWithdraw(channel, p1.address, limit + 1n, expiry, ...over))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidWithdrawal")
        .withArgs(limit + 1n, 0n, limit);
      const all = await consent(fx, p1.address, limit, expiry);
      const tx = await pc.cooperativeWithdraw(channel, p1.address, limit, expiry, ...all);
      await expectBalanceChanges(tx, asset, [p1, pcAddress], [limit, -limit]);
      // Nothing is left for anyone.
      const more = await consent(fx, p2.address, w2 + 1n, expiry);
      await expect(pc.cooperativeWithdraw(channel, p2.address, w2 + 1n, expiry, ...more))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidWithdrawal")
        .withArgs(w2 + 1n, w2, w2);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([limit, w2]);
      await expectSolvent(pc, [asset]);
    });

    it("accepts a signature until its expiry (t−1 and t) and refuses it at t+1 with PaymentChannelExpired", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, channel, channelId } = fx;
      const expiry = (await now()) + 100n;
      await atTime(expiry - 1n);
      await pc.cooperativeWithdraw(channel, p1.address, 1n, expiry, ...(await consent(fx, p1.address, 1n, expiry)));
      const at = await consent(fx, p1.address, 2n, expiry);
      await atTime(expiry);
      await expect(pc.cooperativeWithdraw(channel, p1.address, 2n, expiry, ...at))
        .to.emit(pc, "ChannelWithdrawn")
        .withArgs(channelId, p1.address, 1n, 2n);
      const late = await consent(fx, p1.address, 3n, expiry);
      await atTime(expiry + 1n);
      await expect(pc.cooperativeWithdraw(channel, p1.address, 3n, expiry, ...late))
        .to.be.revertedWithCustomError(pc, "PaymentChannelExpired")
        .withArgs(expiry);
      expect(await pc.withdrawnOf(channelId)).to.deep.equal([2n, 0n]);
    });

    it("reverts with PaymentChannelNotParticipant for a withdrawal to a stranger", async function () {
      const fx = await loadFixture(fixture);
      const { pc, stranger, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      await expect(
        pc.cooperativeWithdraw(
          channel,
          stranger.address,
          1n,
          expiry,
          ...(await consent(fx, stranger.address, 1n, expiry)),
        ),
      )
        .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
        .withArgs(channelId, stranger.address);
    });

    it("reverts with PaymentChannelInvalidStatus(Closed) once the channel is closed, even with valid signatures", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const sigs = await consent(fx, p1.address, PART, expiry);
      await closeChannel(fx, p2, NO_PROOF);
      await expect(pc.connect(p1).cooperativeWithdraw(channel, p1.address, PART, expiry, ...sigs))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Closed);
    });

    it("carries the withdrawals into the close record, and settlement pays only what remains", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, asset } = fx;
      const expiry = (await now()) + DAY;
      await pc.cooperativeWithdraw(channel, p1.address, PART, expiry, ...(await consent(fx, p1.address, PART, expiry)));
      const expected = {
        deposit1: DEPOSIT1,
        deposit2: DEPOSIT2,
        withdrawn1: PART,
        withdrawn2: 0n,
        d12: EMPTY_DIRECTION,
        d21: EMPTY_DIRECTION,
      };
      const { record, closesAt } = await closeChannel(fx, p1, NO_PROOF, undefined, expected);
      await atTime(closesAt + 1n);
      const tx = await pc.settle(channel, record);
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [DEPOSIT1 - PART, DEPOSIT2, -(TOTAL - PART)]);
      await expectSolvent(pc, [asset]);
    });
  });
}
