// docs/payment-channels.md PC-C1: a cooperative close needs both signatures (a participant's own call replaces its
// own), an unexpired signature (t−1, t pass; t+1 fails) and balances summing to exactly what the channel holds; it
// pays both at once, with no challenge period, and leaves the id Settled forever; for ETH and a standard ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, expectBalanceChanges, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  NO_PROOF,
  PcStatus,
  TOTAL,
  closeChannel,
  depositFor,
  expectSolvent,
  signCooperativeClose,
  signWithdraw,
  valueFor,
  type ChannelFixture,
} from "../helpers/payment-channels";

const DAY = 86_400n;
const B1 = DEPOSIT1 - DEPOSIT1 / 7n;
const B2 = TOTAL - B1;

for (const { name, fixture } of CHANNEL_ASSETS) {
  async function consent(fx: ChannelFixture, b1: bigint, b2: bigint, expiry: bigint) {
    return Promise.all([
      signCooperativeClose(fx.p1, fx.domain, fx.channelId, b1, b2, expiry),
      signCooperativeClose(fx.p2, fx.domain, fx.channelId, b1, b2, expiry),
    ]);
  }

  describe(`PC-C1 cooperativeClose in ${name}`, function () {
    it("pays both sides at once when a relayer submits both signatures; emits ChannelCooperativelyClosed; Settled", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, relayer, pcAddress, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      const tx = await pc
        .connect(relayer)
        .cooperativeClose(channel, B1, B2, expiry, ...(await consent(fx, B1, B2, expiry)));
      await expectBalanceChanges(tx, asset, [p1, p2, relayer, pcAddress], [B1, B2, 0n, -TOTAL]);
      await expect(tx).to.emit(pc, "ChannelCooperativelyClosed").withArgs(channelId, B1, B2);
      await expect(tx).not.to.emit(pc, "PaymentCredited");
      expect(await pc.channelInfo(channelId)).to.deep.equal([
        BigInt(PcStatus.Settled),
        false,
        false,
        false,
        0n,
        0n,
        0n,
        ethers.ZeroHash,
      ]);
      await expectSolvent(pc, [asset]);
    });

    it("accepts each participant's own call in place of its signature, and a close that gives one side everything", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, asset } = fx;
      const expiry = (await now()) + DAY;
      const s2 = await signCooperativeClose(p2, fx.domain, channelId, TOTAL, 0n, expiry);
      const tx = await pc.connect(p1).cooperativeClose(channel, TOTAL, 0n, expiry, "0x", s2);
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [TOTAL, 0n, -TOTAL]);
      await expect(tx).to.emit(pc, "ChannelCooperativelyClosed").withArgs(channelId, TOTAL, 0n);

      const other = { ...channel, salt: 2n };
      await pc.connect(p1).open(other, 10n, { value: valueFor(asset, 10n) });
      const otherId = await pc.computeChannelId(other);
      const s1 = await signCooperativeClose(p1, fx.domain, otherId, 3n, 7n, expiry);
      const tx2 = await pc.connect(p2).cooperativeClose(other, 3n, 7n, expiry, s1, "0x");
      await expectBalanceChanges(tx2, asset, [p1, p2, pcAddress], [3n, 7n, -10n]);
      await expectSolvent(pc, [asset]);
    });

    it("accepts participant1's session key (key1) in place of participant1", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p2, key1, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const s1 = await signCooperativeClose(key1, fx.domain, channelId, B1, B2, expiry);
      await expect(pc.connect(p2).cooperativeClose(channel, B1, B2, expiry, s1, "0x"))
        .to.emit(pc, "ChannelCooperativelyClosed")
        .withArgs(channelId, B1, B2);
    });

    it("splits what remains after withdrawals: balances must sum to deposits − withdrawals", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, pcAddress, channel, channelId, domain, asset } = fx;
      const expiry = (await now()) + DAY;
      const w = DEPOSIT2 / 3n;
      await pc.cooperativeWithdraw(
        channel,
        p2.address,
        w,
        expiry,
        await signWithdraw(p1, domain, channelId, p2.address, w, expiry),
        await signWithdraw(p2, domain, channelId, p2.address, w, expiry),
      );
      const left = TOTAL - w;
      await expect(pc.cooperativeClose(channel, B1, B2, expiry, ...(await consent(fx, B1, B2, expiry))))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidBalances")
        .withArgs(B1, B2, left);
      const tx = await pc.cooperativeClose(
        channel,
        B1,
        left - B1,
        expiry,
        ...(await consent(fx, B1, left - B1, expiry)),
      );
      await expectBalanceChanges(tx, asset, [p1, p2, pcAddress], [B1, left - B1, -left]);
      await expectSolvent(pc, [asset]);
    });

    it("reverts with PaymentChannelInvalidBalances for sums one below or above the total, and a balance1 above it", async function () {
      const fx = await loadFixture(fixture);
      const { pc, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const cases: Array<[bigint, bigint]> = [
        [B1, B2 - 1n],
        [B1, B2 + 1n],
        [B1 - 1n, B2],
        [TOTAL + 1n, 0n],
        [ethers.MaxUint256, TOTAL + 1n], // would wrap to the total if summed
        [0n, ethers.MaxUint256],
      ];
      for (const [b1, b2] of cases) {
        await expect(pc.cooperativeClose(channel, b1, b2, expiry, ...(await consent(fx, b1, b2, expiry))))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidBalances")
          .withArgs(b1, b2, TOTAL);
      }
      expect((await pc.channelInfo(channelId)).status).to.equal(PcStatus.Open);
    });

    it("reverts with PaymentChannelInvalidSignature naming the side whose consent is missing or for other terms", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, stranger, relayer, channel, channelId, domain } = fx;
      const expiry = (await now()) + DAY;
      const [s1, s2] = await consent(fx, B1, B2, expiry);
      const swappedAmounts = await signCooperativeClose(p2, domain, channelId, B2, B1, expiry);
      const otherExpiry = await signCooperativeClose(p2, domain, channelId, B1, B2, expiry + 1n);
      const byStranger = await signCooperativeClose(stranger, domain, channelId, B1, B2, expiry);
      const cases: Array<[string, string, string]> = [
        [s1, "0x", p2.address],
        ["0x", s2, p1.address],
        [s1, swappedAmounts, p2.address],
        [s1, otherExpiry, p2.address],
        [byStranger, s2, p1.address],
        [s2, s1, p1.address],
      ];
      for (const [a, b, missing] of cases) {
        await expect(pc.connect(relayer).cooperativeClose(channel, B1, B2, expiry, a, b))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
          .withArgs(channelId, missing);
      }
      await expect(pc.connect(p2).cooperativeClose(channel, B1, B2, expiry, "0x", "0x"))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidSignature")
        .withArgs(channelId, p1.address);
    });

    it("accepts a signature at t−1 and t of its expiry and refuses it at t+1 (PaymentChannelExpired)", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, channel, channelId, asset } = fx;
      const expiry = (await now()) + 100n;
      const sigs = await consent(fx, B1, B2, expiry);
      // t − 1 and t on two channels with the same balances signed for each.
      const twin = { ...channel, salt: 3n };
      await pc.connect(p1).open(twin, DEPOSIT1, { value: valueFor(asset, DEPOSIT1) });
      await depositFor(pc, fx.p2, twin, fx.p2.address, DEPOSIT2);
      const twinId = await pc.computeChannelId(twin);
      const twinSigs = await Promise.all([
        signCooperativeClose(p1, fx.domain, twinId, B1, B2, expiry),
        signCooperativeClose(fx.p2, fx.domain, twinId, B1, B2, expiry),
      ]);
      const third = { ...channel, salt: 4n };
      await pc.connect(p1).open(third, TOTAL, { value: valueFor(asset, TOTAL) });
      const thirdId = await pc.computeChannelId(third);
      const thirdSigs = await Promise.all([
        signCooperativeClose(p1, fx.domain, thirdId, B1, B2, expiry),
        signCooperativeClose(fx.p2, fx.domain, thirdId, B1, B2, expiry),
      ]);
      await atTime(expiry - 1n);
      await expect(pc.cooperativeClose(twin, B1, B2, expiry, ...twinSigs)).to.emit(pc, "ChannelCooperativelyClosed");
      await atTime(expiry);
      await expect(pc.cooperativeClose(third, B1, B2, expiry, ...thirdSigs)).to.emit(pc, "ChannelCooperativelyClosed");
      await atTime(expiry + 1n);
      await expect(pc.cooperativeClose(channel, B1, B2, expiry, ...sigs))
        .to.be.revertedWithCustomError(pc, "PaymentChannelExpired")
        .withArgs(expiry);
      expect((await pc.channelInfo(channelId)).status).to.equal(PcStatus.Open);
      await expectSolvent(pc, [asset]);
    });

    it("PC-O3: the settled id refuses every later action and a reopening with the same terms", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, channel, channelId, domain, asset } = fx;
      const expiry = (await now()) + DAY;
      const sigs = await consent(fx, B1, B2, expiry);
      await pc.cooperativeClose(channel, B1, B2, expiry, ...sigs);
      const settled = (p: Promise<unknown>) =>
        expect(p)
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
          .withArgs(channelId, PcStatus.Settled);
      await settled(pc.cooperativeClose(channel, B1, B2, expiry, ...sigs));
      await settled(pc.connect(p1).close(channel, NO_PROOF, "0x"));
      await settled(
        pc.cooperativeWithdraw(
          channel,
          p1.address,
          1n,
          expiry,
          await signWithdraw(p1, domain, channelId, p1.address, 1n, expiry),
          await signWithdraw(p2, domain, channelId, p1.address, 1n, expiry),
        ),
      );
      await settled(pc.connect(p1).setSessionKey(channel, fx.newKey.address));
      await expect(pc.connect(p1).open(channel, DEPOSIT1, { value: valueFor(asset, DEPOSIT1) }))
        .to.be.revertedWithCustomError(pc, "PaymentChannelExists")
        .withArgs(channelId);
      await expectSolvent(pc, [asset]);
    });

    it("reverts with PaymentChannelInvalidStatus(Closed) after a unilateral close", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p2, channel, channelId } = fx;
      const expiry = (await now()) + DAY;
      const sigs = await consent(fx, B1, B2, expiry);
      await closeChannel(fx, p2, NO_PROOF);
      await expect(pc.cooperativeClose(channel, B1, B2, expiry, ...sigs))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidStatus")
        .withArgs(channelId, PcStatus.Closed);
    });
  });
}
