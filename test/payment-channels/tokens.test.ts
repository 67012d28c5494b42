// docs/payment-channels.md PC-O2 token rules: exactly `amount` must arrive (fee-on-transfer tokens refused at open and
// deposit), no ETH with an ERC20; a USDT-style token without return values works end to end.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { FeeOnTransferToken, NoReturnToken } from "../../typechain-types";
import { TOKEN_SUPPLY, atTime, now } from "../helpers/escrow";
import {
  DEPOSIT1,
  DEPOSIT2,
  TOTAL,
  depositFor,
  expectSolvent,
  pcFixture,
  proofOf,
  signProof,
  signWithdraw,
  termsOf,
  directionOf,
} from "../helpers/payment-channels";

describe("PC-O2 fee-on-transfer tokens", function () {
  async function feeFixture() {
    const fx = await pcFixture();
    const fot = (await ethers.deployContract("FeeOnTransferToken", [100n])) as unknown as FeeOnTransferToken;
    const fotAddress = await fot.getAddress();
    for (const who of [fx.p1, fx.p2]) {
      await fot.mint(who.address, TOKEN_SUPPLY);
      await fot.connect(who).approve(fx.pcAddress, ethers.MaxUint256);
    }
    return { ...fx, fot, fotAddress };
  }

  it("reverts with PaymentChannelTokenTransferMismatch(amount, received) at open", async function () {
    const fx = await loadFixture(feeFixture);
    const { pc, p1, fot, fotAddress, pcAddress } = fx;
    await expect(pc.connect(p1).open(termsOf(fx, fotAddress), DEPOSIT1))
      .to.be.revertedWithCustomError(pc, "PaymentChannelTokenTransferMismatch")
      .withArgs(DEPOSIT1, DEPOSIT1 - DEPOSIT1 / 100n);
    expect(await fot.balanceOf(pcAddress)).to.equal(0n);
  });

  it("reverts with PaymentChannelTokenTransferMismatch at a deposit once the token starts charging", async function () {
    const fx = await loadFixture(feeFixture);
    const { pc, p1, p2, fot, fotAddress } = fx;
    await fot.setFeeBps(0n);
    const channel = termsOf(fx, fotAddress);
    await pc.connect(p1).open(channel, DEPOSIT1);
    await fot.setFeeBps(100n);
    await expect(depositFor(pc, p2, channel, p2.address, 10_000n))
      .to.be.revertedWithCustomError(pc, "PaymentChannelTokenTransferMismatch")
      .withArgs(10_000n, 9_900n);
    const info = await pc.channelInfo(await pc.computeChannelId(channel));
    expect([info.deposit1, info.deposit2]).to.deep.equal([DEPOSIT1, 0n]);
  });
});

describe("PC-O2 a token without return values (USDT-style)", function () {
  it("opens, takes a deposit, pays a withdrawal, closes and settles with exact balances", async function () {
    const fx = await loadFixture(pcFixture);
    const { pc, p1, p2, pcAddress, domain } = fx;
    const nrt = (await ethers.deployContract("NoReturnToken")) as unknown as NoReturnToken;
    const nrtAddress = await nrt.getAddress();
    for (const who of [p1, p2]) {
      await nrt.mint(who.address, TOKEN_SUPPLY);
      await nrt.connect(who).approve(pcAddress, ethers.MaxUint256);
    }
    const channel = termsOf(fx, nrtAddress);
    await pc.connect(p1).open(channel, DEPOSIT1);
    await depositFor(pc, p2, channel, p2.address, DEPOSIT2);
    expect(await nrt.balanceOf(pcAddress)).to.equal(TOTAL);
    const channelId = await pc.computeChannelId(channel);
    const expiry = (await now()) + 86_400n;
    const w = 1_000n;
    const p2Before = await nrt.balanceOf(p2.address);
    await pc
      .connect(p2)
      .cooperativeWithdraw(
        channel,
        p2.address,
        w,
        expiry,
        await signWithdraw(p1, domain, channelId, p2.address, w, expiry),
        "0x",
      );
    expect(await nrt.balanceOf(p2.address)).to.equal(p2Before + w);
    const paid = DEPOSIT1 / 2n;
    const proof = proofOf(1n, paid);
    const tx = await pc.connect(p2).close(channel, proof, await signProof(p1, domain, channelId, proof));
    const closesAt =
      BigInt((await ethers.provider.getBlock((await tx.wait())!.blockNumber))!.timestamp) + channel.challengePeriod;
    const empty = directionOf(proofOf(0n, 0n));
    const record = {
      deposit1: DEPOSIT1,
      deposit2: DEPOSIT2,
      withdrawn1: 0n,
      withdrawn2: w,
      d12: directionOf(proof),
      d21: empty,
    };
    await atTime(closesAt + 1n);
    const [b1, b2] = [await nrt.balanceOf(p1.address), await nrt.balanceOf(p2.address)];
    await pc.settle(channel, record);
    expect(await nrt.balanceOf(p1.address)).to.equal(b1 + DEPOSIT1 - paid);
    expect(await nrt.balanceOf(p2.address)).to.equal(b2 + DEPOSIT2 - w + paid);
    expect(await nrt.balanceOf(pcAddress)).to.equal(0n);
    await expectSolvent(pc, [nrtAddress]);
  });
});
