// docs/micropayments.md §3, rules M-K1 (setSigner: payer only, open, not closing; new key valid at once), M-K2 (the
// previous key stays valid for one challenge period, boundaries exact) and M-K3 (no second change during a grace
// period), for ETH and a standard ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, blockTimeOf, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT,
  PERIOD,
  channelParams,
  expectChannelState,
  openChannel,
  openState,
  signVoucher,
  type ChannelFixture,
} from "../helpers/micropayments";

const STEP = DEPOSIT / 10n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** The fixture channel after the payer rotated its session key to `newKey`. */
  async function rotatedFixture() {
    const fx = await fixture();
    const tx = await fx.mp.connect(fx.payer).setSigner(fx.channel, fx.newKey.address);
    return { ...fx, rotateTx: tx, changedAt: await blockTimeOf(tx) };
  }

  async function claimWith(fx: ChannelFixture, signer: { address: string }, amount: bigint) {
    const wallet = fx.signers.find((s) => s.address === signer.address)!;
    return fx.mp.claim(fx.channel, amount, await signVoucher(wallet, fx.domain, fx.channelId, amount));
  }

  describe(`M-K1 setSigner in ${name}`, function () {
    it("rotates the key: emits SignerChanged(previous, current, graceEndsAt), records the change, flags the state", async function () {
      const { mp, channelId, sessionKey, newKey, rotateTx, changedAt } = await loadFixture(rotatedFixture);
      await expect(rotateTx)
        .to.emit(mp, "SignerChanged")
        .withArgs(channelId, sessionKey.address, newKey.address, changedAt + PERIOD);
      expect(await mp.signerChangeOf(channelId)).to.deep.equal([newKey.address, changedAt, sessionKey.address]);
      await expectChannelState(mp, channelId, openState(DEPOSIT, 0n, true));
    });

    it("accepts the new key at once, in the block right after the change", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, payee, channelId, newKey, changedAt, asset } = fx;
      await atTime(changedAt + 1n);
      const tx = await claimWith(fx, newKey, STEP);
      await expectBalanceChanges(tx, asset, [payee], [STEP]);
      await expectChannelState(mp, channelId, openState(DEPOSIT, STEP, true));
    });

    it("keeps accepting the payer's own signature after a rotation and after a revocation", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, payer, channel, changedAt } = fx;
      await expect(claimWith(fx, payer, STEP)).to.emit(mp, "ChannelClaimed");
      await atTime(changedAt + PERIOD + 1n);
      await mp.connect(payer).setSigner(channel, ethers.ZeroAddress);
      await expect(claimWith(fx, payer, 2n * STEP)).to.emit(mp, "ChannelClaimed");
    });

    it("revokes with address(0): the revoked key still pays during its grace period and is refused after it", async function () {
      const fx = await loadFixture(fixture);
      const { mp, payer, channel, channelId, sessionKey } = fx;
      const tx = await mp.connect(payer).setSigner(channel, ethers.ZeroAddress);
      const changedAt = await blockTimeOf(tx);
      await expect(tx)
        .to.emit(mp, "SignerChanged")
        .withArgs(channelId, sessionKey.address, ethers.ZeroAddress, changedAt + PERIOD);
      expect(await mp.signerChangeOf(channelId)).to.deep.equal([ethers.ZeroAddress, changedAt, sessionKey.address]);
      await atTime(changedAt + PERIOD);
      await expect(claimWith(fx, sessionKey, STEP))
        .to.emit(mp, "ChannelClaimed")
        .withArgs(channelId, STEP);
      await expect(claimWith(fx, sessionKey, 2n * STEP))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
      await expectChannelState(mp, channelId, openState(DEPOSIT, STEP, true));
    });

    it("authorises a first key on a channel opened without one (previous is address(0))", async function () {
      const fx = await loadFixture(fixture);
      const { mp, payer, newKey, asset } = fx;
      const opened = await openChannel(mp, payer, channelParams(fx, asset, { signer: ethers.ZeroAddress, salt: 9n }));
      const tx = await mp.connect(payer).setSigner(opened.channel, newKey.address);
      const changedAt = await blockTimeOf(tx);
      await expect(tx)
        .to.emit(mp, "SignerChanged")
        .withArgs(opened.channelId, ethers.ZeroAddress, newKey.address, changedAt + PERIOD);
      await expect(mp.claim(opened.channel, STEP, await signVoucher(newKey, fx.domain, opened.channelId, STEP)))
        .to.emit(mp, "ChannelClaimed")
        .withArgs(opened.channelId, STEP);
    });

    it("reverts with ChannelInvalidSigner when the payer makes the payee the session key", async function () {
      const { mp, payer, payee, channel, channelId } = await loadFixture(fixture);
      await expect(mp.connect(payer).setSigner(channel, payee.address))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSigner")
        .withArgs(payee.address);
      await expectChannelState(mp, channelId, openState(DEPOSIT));
    });

    it("reverts with ChannelUnauthorized when the payee, the session key or a stranger calls setSigner", async function () {
      const { mp, payee, sessionKey, stranger, newKey, channel, channelId } = await loadFixture(fixture);
      for (const who of [payee, sessionKey, stranger]) {
        await expect(mp.connect(who).setSigner(channel, newKey.address))
          .to.be.revertedWithCustomError(mp, "ChannelUnauthorized")
          .withArgs(channelId, who.address);
      }
    });

    it("reverts with ChannelClosing after the payer requested to close", async function () {
      const { mp, payer, newKey, channel, channelId } = await loadFixture(fixture);
      await mp.connect(payer).requestClose(channel);
      const { closesAt } = await mp.getChannelState(channelId);
      await expect(mp.connect(payer).setSigner(channel, newKey.address))
        .to.be.revertedWithCustomError(mp, "ChannelClosing")
        .withArgs(channelId, closesAt);
    });

    it("reverts with ChannelNotOpen on a closed channel", async function () {
      const { mp, payer, payee, newKey, channel, channelId } = await loadFixture(fixture);
      await mp.connect(payee).close(channel, 0n, "0x");
      await expect(mp.connect(payer).setSigner(channel, newKey.address))
        .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
        .withArgs(channelId);
    });
  });

  describe(`M-K2 grace period of the previous key in ${name}`, function () {
    it("accepts the previous key exactly at changedAt + challengePeriod", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, payee, channelId, sessionKey, changedAt, asset } = fx;
      await atTime(changedAt + PERIOD);
      const tx = await claimWith(fx, sessionKey, STEP);
      await expectBalanceChanges(tx, asset, [payee], [STEP]);
      await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, STEP);
    });

    it("rejects the previous key at changedAt + challengePeriod + 1 while the new key still pays", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, channelId, sessionKey, newKey, changedAt } = fx;
      await atTime(changedAt + PERIOD + 1n);
      await expect(claimWith(fx, sessionKey, STEP))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
      await expect(claimWith(fx, newKey, STEP))
        .to.emit(mp, "ChannelClaimed")
        .withArgs(channelId, STEP);
    });

    it("lets the payee close with a previous-key voucher during the grace period even after a close request", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, payer, payee, channel, channelId, sessionKey, domain, changedAt, asset } = fx;
      await mp.connect(payer).requestClose(channel);
      const sig = await signVoucher(sessionKey, domain, channelId, STEP);
      await atTime(changedAt + PERIOD);
      const tx = await mp.connect(payee).close(channel, STEP, sig);
      await expectBalanceChanges(tx, asset, [payee, payer], [STEP, DEPOSIT - STEP]);
      await expect(tx)
        .to.emit(mp, "ChannelClosed")
        .withArgs(channelId, STEP, DEPOSIT - STEP);
    });
  });

  describe(`M-K3 one change per grace period in ${name}`, function () {
    it("reverts with ChannelSignerChangePending on a second change up to and including the end of the grace period", async function () {
      const { mp, payer, other, channel, channelId, changedAt } = await loadFixture(rotatedFixture);
      await expect(mp.connect(payer).setSigner(channel, other.address))
        .to.be.revertedWithCustomError(mp, "ChannelSignerChangePending")
        .withArgs(channelId, changedAt + PERIOD);
      await atTime(changedAt + PERIOD);
      await expect(mp.connect(payer).setSigner(channel, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(mp, "ChannelSignerChangePending")
        .withArgs(channelId, changedAt + PERIOD);
    });

    it("allows the second change one second after the grace period; the first key is then dead, the second in grace", async function () {
      const fx = await loadFixture(rotatedFixture);
      const { mp, payer, other, channel, channelId, sessionKey, newKey, changedAt } = fx;
      const t2 = changedAt + PERIOD + 1n;
      await atTime(t2);
      const tx = await mp.connect(payer).setSigner(channel, other.address);
      await expect(tx)
        .to.emit(mp, "SignerChanged")
        .withArgs(channelId, newKey.address, other.address, t2 + PERIOD);
      expect(await mp.signerChangeOf(channelId)).to.deep.equal([other.address, t2, newKey.address]);

      await expect(claimWith(fx, sessionKey, STEP))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
      await expect(claimWith(fx, other, STEP))
        .to.emit(mp, "ChannelClaimed")
        .withArgs(channelId, STEP);
      await atTime(t2 + PERIOD);
      await expect(claimWith(fx, newKey, 2n * STEP))
        .to.emit(mp, "ChannelClaimed")
        .withArgs(channelId, 2n * STEP);
      await expect(claimWith(fx, newKey, 3n * STEP))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
      await expectChannelState(mp, channelId, openState(DEPOSIT, 2n * STEP, true));
    });
  });
}
