// docs/micropayments.md M-O1 token rules: the token must have code, exactly `amount` must arrive (fee-on-transfer
// tokens are rejected at open and top-up), no ETH with an ERC20; a USDT-style token without return values works end
// to end.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { FeeOnTransferToken, NoReturnToken } from "../../typechain-types";
import { TOKEN_SUPPLY, atTime, blockTimeOf } from "../helpers/escrow";
import {
  ChannelStatus,
  DEPOSIT,
  PERIOD,
  channelParams,
  channelsFixture,
  expectChannelState,
  openChannel,
  openState,
  signVoucher,
  topUp,
} from "../helpers/micropayments";

const PART = DEPOSIT / 5n;

describe("M-O1 token rules", function () {
  async function feeTokenFixture() {
    const fx = await channelsFixture();
    const fot = (await ethers.deployContract("FeeOnTransferToken", [100n])) as unknown as FeeOnTransferToken;
    const fotAddress = await fot.getAddress();
    await fot.mint(fx.payer.address, TOKEN_SUPPLY);
    await fot.connect(fx.payer).approve(fx.mpAddress, ethers.MaxUint256);
    return { ...fx, fot, fotAddress };
  }

  it("reverts with ChannelTokenTransferMismatch(amount, received) when opening in a fee-on-transfer token", async function () {
    const fx = await loadFixture(feeTokenFixture);
    const { mp, payer, fotAddress, fot, mpAddress } = fx;
    const params = channelParams(fx, fotAddress);
    await expect(mp.connect(payer).open(params))
      .to.be.revertedWithCustomError(mp, "ChannelTokenTransferMismatch")
      .withArgs(DEPOSIT, DEPOSIT - DEPOSIT / 100n);
    expect(await fot.balanceOf(mpAddress)).to.equal(0n);
  });

  it("reverts with ChannelTokenTransferMismatch on a top-up once the token starts charging a fee", async function () {
    const fx = await loadFixture(feeTokenFixture);
    const { mp, payer, fotAddress, fot } = fx;
    await fot.setFeeBps(0n);
    const { channel, channelId } = await openChannel(mp, payer, channelParams(fx, fotAddress));
    await fot.setFeeBps(100n);
    await expect(topUp(mp, payer, channel, 10_000n))
      .to.be.revertedWithCustomError(mp, "ChannelTokenTransferMismatch")
      .withArgs(10_000n, 9_900n);
    await expectChannelState(mp, channelId, openState(DEPOSIT));
  });

  it("reverts with ChannelTokenNotContract when the token address has no code", async function () {
    const fx = await loadFixture(channelsFixture);
    const { mp, payer, stranger } = fx;
    await expect(mp.connect(payer).open(channelParams(fx, stranger.address)))
      .to.be.revertedWithCustomError(mp, "ChannelTokenNotContract")
      .withArgs(stranger.address);
  });

  describe("USDT-style token without return values", function () {
    async function noReturnFixture() {
      const fx = await channelsFixture();
      const nrt = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
      const nrtAddress = await nrt.getAddress();
      await nrt.mint(fx.payer.address, TOKEN_SUPPLY);
      await nrt.connect(fx.payer).approve(fx.mpAddress, ethers.MaxUint256);
      const opened = await openChannel(fx.mp, fx.payer, channelParams(fx, nrtAddress));
      return { ...fx, nrt, nrtAddress, ...opened };
    }

    it("opens, tops up, claims and closes with exact balances", async function () {
      const { mp, payer, payee, mpAddress, nrt, channel, channelId, domain } = await loadFixture(noReturnFixture);
      expect(await nrt.balanceOf(mpAddress)).to.equal(DEPOSIT);
      await topUp(mp, payer, channel, 1_000n);
      expect(await nrt.balanceOf(mpAddress)).to.equal(DEPOSIT + 1_000n);
      const payerBefore = await nrt.balanceOf(payer.address);

      await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
      expect(await nrt.balanceOf(payee.address)).to.equal(PART);
      await expectChannelState(mp, channelId, openState(DEPOSIT + 1_000n, PART));

      const tx = await mp
        .connect(payee)
        .close(channel, 2n * PART, await signVoucher(payer, domain, channelId, 2n * PART));
      await expect(tx)
        .to.emit(mp, "ChannelClosed")
        .withArgs(channelId, PART, DEPOSIT + 1_000n - 2n * PART);
      await expect(tx).not.to.emit(mp, "PaymentCredited");
      expect(await nrt.balanceOf(payee.address)).to.equal(2n * PART);
      expect(await nrt.balanceOf(payer.address)).to.equal(payerBefore + DEPOSIT + 1_000n - 2n * PART);
      expect(await nrt.balanceOf(mpAddress)).to.equal(0n);
    });

    it("returns the rest to the payer on finalize", async function () {
      const { mp, payer, stranger, mpAddress, nrt, channel, channelId } = await loadFixture(noReturnFixture);
      const req = await mp.connect(payer).requestClose(channel);
      const closesAt = (await blockTimeOf(req)) + PERIOD;
      const before = await nrt.balanceOf(payer.address);
      await atTime(closesAt + 1n);
      await mp.connect(stranger).finalize(channel);
      expect(await nrt.balanceOf(payer.address)).to.equal(before + DEPOSIT);
      expect(await nrt.balanceOf(mpAddress)).to.equal(0n);
      await expectChannelState(mp, channelId, {
        deposit: DEPOSIT,
        claimed: 0n,
        closesAt,
        status: ChannelStatus.Closed,
        signerChanged: false,
      });
    });
  });
});
