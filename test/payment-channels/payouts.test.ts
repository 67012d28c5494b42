// docs/payment-channels.md PC-P1: every payout is pushed and credited when the push fails (a participant or a
// watchtower that rejects ETH, burns the forwarded gas, or is blocklisted by the token); the other side is still paid
// in the same call and the credit is withdrawable to another address.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BlocklistToken, MockAccount } from "../../typechain-types";
import { underCoverage } from "../helpers/coverage";
import { ETH, TOKEN_SUPPLY, atTime, blockTimeOf, expectBalanceChanges, now } from "../helpers/escrow";
import {
  DEPOSIT1,
  DEPOSIT2,
  PERIOD,
  TOTAL,
  depositFor,
  directionOf,
  expectSolvent,
  lockOf,
  locksRootOf,
  pcFixture,
  proofHashOf,
  proofOf,
  recordTuple,
  secretOf,
  signCooperativeClose,
  signProof,
  signReward,
  signWithdraw,
  termsOf,
  type ChannelRecord,
} from "../helpers/payment-channels";

const T21 = DEPOSIT2 / 3n;
const LOCKED = 4_321n;

/** An ETH channel whose participant2 is a MockAccount owned by `other`; p1 pays its deposit for it. */
async function accountFixture() {
  const fx = await pcFixture();
  const { pc, p1, other } = fx;
  const account = (await ethers.deployContract("MockAccount", [other.address])) as unknown as MockAccount;
  const accountAddress = await account.getAddress();
  const channel = termsOf(fx, ETH, { participant2: accountAddress });
  await pc.connect(p1).open(channel, DEPOSIT1, { value: DEPOSIT1 });
  await depositFor(pc, p1, channel, accountAddress, DEPOSIT2);
  const channelId = await pc.computeChannelId(channel);
  return { ...fx, account, accountAddress, channel, channelId };
}

type AccountFx = Awaited<ReturnType<typeof accountFixture>>;

/** p1 closes without a proof and the challenge period runs out: settlement returns both deposits. */
async function closeAndExpire(fx: AccountFx): Promise<ChannelRecord> {
  const tx = await fx.pc.connect(fx.p1).close(fx.channel, proofOf(0n, 0n), "0x");
  await atTime((await blockTimeOf(tx)) + PERIOD + 1n);
  const empty = directionOf(proofOf(0n, 0n));
  return { deposit1: DEPOSIT1, deposit2: DEPOSIT2, withdrawn1: 0n, withdrawn2: 0n, d12: empty, d21: empty };
}

describe("PC-P1 payouts to a participant that refuses them", function () {
  it("settle credits a rejecting participant (PaymentCredited) and pays the other at once; the credit goes elsewhere", async function () {
    const fx = await loadFixture(accountFixture);
    const { pc, p1, other, stranger, account, accountAddress, pcAddress, channel } = fx;
    const record = await closeAndExpire(fx);
    await account.setRejectEth(true);
    const tx = await pc.connect(stranger).settle(channel, record);
    await expectBalanceChanges(tx, ETH, [p1, accountAddress, pcAddress], [DEPOSIT1, 0n, -DEPOSIT1]);
    await expect(tx).to.emit(pc, "PaymentCredited").withArgs(accountAddress, ETH, DEPOSIT2);
    expect(await pc.creditOf(ETH, accountAddress)).to.equal(DEPOSIT2);
    await expectSolvent(pc, [ETH]);
    const w = account
      .connect(other)
      .execute(pcAddress, 0n, pc.interface.encodeFunctionData("withdraw", [ETH, stranger.address]));
    await expectBalanceChanges(w, ETH, [stranger, pcAddress], [DEPOSIT2, -DEPOSIT2]);
    await expect(w).to.emit(pc, "CreditWithdrawn").withArgs(accountAddress, ETH, stranger.address, DEPOSIT2);
    expect(await pc.creditOf(ETH, accountAddress)).to.equal(0n);
    await expectSolvent(pc, [ETH]);
  });

  it("credits a participant that burns the forwarded gas; settle completes within a bounded cost", async function () {
    const fx = await loadFixture(accountFixture);
    const { pc, p1, account, accountAddress, channel } = fx;
    const record = await closeAndExpire(fx);
    await account.setBurnGas(true);
    const tx = await pc.settle(channel, record, { gasLimit: 1_000_000n });
    await expect(tx).to.emit(pc, "PaymentCredited").withArgs(accountAddress, ETH, DEPOSIT2);
    await expectBalanceChanges(tx, ETH, [p1], [DEPOSIT1]);
    // The push forwards at most ETH_PUSH_GAS (50,000): the whole settle stays far below the 1,000,000 given.
    if (!underCoverage()) expect((await tx.wait())!.gasUsed).to.be.lessThan(200_000n);
    await expectSolvent(pc, [ETH]);
  });

  it("credits a rejecting participant on cooperative close and withdrawal; the other side is paid", async function () {
    const fx = await loadFixture(accountFixture);
    const { pc, p1, account, accountAddress, pcAddress, channel, channelId, domain } = fx;
    await account.setRejectEth(true);
    // The account has no ERC-1271 and no key: its consent is its own call, through execute.
    const expiry = (await now()) + 86_400n;
    const w1 = await signWithdraw(p1, domain, channelId, accountAddress, 10n, expiry);
    const wData = pc.interface.encodeFunctionData("cooperativeWithdraw", [
      channel,
      accountAddress,
      10n,
      expiry,
      w1,
      "0x",
    ]);
    const wTx = account.connect(fx.other).execute(pcAddress, 0n, wData);
    await expect(wTx).to.emit(pc, "PaymentCredited").withArgs(accountAddress, ETH, 10n);
    const c1 = await signCooperativeClose(p1, domain, channelId, 100n, TOTAL - 110n, expiry);
    const cData = pc.interface.encodeFunctionData("cooperativeClose", [channel, 100n, TOTAL - 110n, expiry, c1, "0x"]);
    const cTx = account.connect(fx.other).execute(pcAddress, 0n, cData);
    await expectBalanceChanges(cTx, ETH, [p1, accountAddress, pcAddress], [100n, 0n, -100n]);
    await expect(cTx)
      .to.emit(pc, "PaymentCredited")
      .withArgs(accountAddress, ETH, TOTAL - 110n);
    expect(await pc.creditOf(ETH, accountAddress)).to.equal(TOTAL - 100n);
    await expectSolvent(pc, [ETH]);
  });

  it("credits a rejecting receiver of an unlock; the sender's part is pushed", async function () {
    const fx = await loadFixture(accountFixture);
    const { pc, p1, account, accountAddress, pcAddress, channel, channelId, domain } = fx;
    const secret = secretOf("u");
    const locks = [lockOf(LOCKED, (await now()) + 10_000n, secret), lockOf(7n, 1n, secretOf("never"))];
    await pc.registerSecret(secret);
    // The account closes with p1's locked proof.
    const proof = proofOf(1n, 0n, LOCKED + 7n, locksRootOf(locks));
    const data = pc.interface.encodeFunctionData("close", [
      channel,
      proof,
      await signProof(p1, domain, channelId, proof),
    ]);
    const closeTx = await account.connect(fx.other).execute(pcAddress, 0n, data);
    const closesAt = (await blockTimeOf(closeTx)) + PERIOD;
    const record: ChannelRecord = {
      deposit1: DEPOSIT1,
      deposit2: DEPOSIT2,
      withdrawn1: 0n,
      withdrawn2: 0n,
      d12: directionOf(proof),
      d21: directionOf(proofOf(0n, 0n)),
    };
    await atTime(closesAt + 1n);
    await pc.settle(channel, record);
    await account.setRejectEth(true);
    const pending = { locksRoot12: proof.locksRoot, held12: LOCKED + 7n, locksRoot21: ethers.ZeroHash, held21: 0n };
    const tx = await pc.unlock(channel, p1.address, locks, pending);
    await expect(tx).to.emit(pc, "LocksUnlocked").withArgs(channelId, p1.address, LOCKED, 7n);
    await expect(tx).to.emit(pc, "PaymentCredited").withArgs(accountAddress, ETH, LOCKED);
    await expectBalanceChanges(tx, ETH, [p1, accountAddress], [7n, 0n]);
    await expectSolvent(pc, [ETH]);
  });

  it("credits a watchtower that rejects its reward; both participants are paid", async function () {
    const fx = await pcFixture();
    const { pc, p1, p2, other, domain } = fx;
    const tower = (await ethers.deployContract("MockAccount", [other.address])) as unknown as MockAccount;
    const towerAddress = await tower.getAddress();
    const channel = termsOf(fx, ETH);
    await pc.connect(p1).open(channel, DEPOSIT1, { value: DEPOSIT1 });
    const channelId = await pc.computeChannelId(channel);
    const closeTx = await pc.connect(p1).close(channel, proofOf(0n, 0n), "0x");
    const closesAt = (await blockTimeOf(closeTx)) + PERIOD;
    const empty = directionOf(proofOf(0n, 0n));
    const record: ChannelRecord = {
      deposit1: DEPOSIT1,
      deposit2: 0n,
      withdrawn1: 0n,
      withdrawn2: 0n,
      d12: empty,
      d21: empty,
    };
    const proof = proofOf(1n, T21);
    const rewardSig = await signReward(p2, domain, channelId, proofHashOf(channelId, proof), towerAddress, 99n);
    const data = pc.interface.encodeFunctionData("updateFor", [
      channel,
      record,
      p1.address,
      proof,
      await signProof(p1, domain, channelId, proof),
      99n,
      rewardSig,
    ]);
    const up = await tower.connect(other).execute(await pc.getAddress(), 0n, data);
    const next = { ...record, d12: directionOf(proof, towerAddress, 99n) };
    await expect(up).to.emit(pc, "ChannelUpdated").withArgs(channelId, p1.address, towerAddress, recordTuple(next));
    await tower.setRejectEth(true);
    await atTime(closesAt + 1n);
    const tx = await pc.settle(channel, next);
    await expectBalanceChanges(tx, ETH, [p1, p2, towerAddress], [DEPOSIT1 - T21, T21 - 99n, 0n]);
    await expect(tx).to.emit(pc, "WatchtowerRewarded").withArgs(channelId, towerAddress, 99n);
    await expect(tx).to.emit(pc, "PaymentCredited").withArgs(towerAddress, ETH, 99n);
    await expectSolvent(pc, [ETH]);
  });
});

describe("PC-P1 token payouts that fail", function () {
  it("credits a blocklisted participant at settlement, pays the other, and the credit is withdrawable elsewhere", async function () {
    const fx = await pcFixture();
    const { pc, p1, p2, stranger, pcAddress } = fx;
    const blk = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
    const blkAddress = await blk.getAddress();
    for (const who of [p1, p2]) {
      await blk.mint(who.address, TOKEN_SUPPLY);
      await blk.connect(who).approve(pcAddress, ethers.MaxUint256);
    }
    const channel = termsOf(fx, blkAddress);
    await pc.connect(p1).open(channel, DEPOSIT1);
    await depositFor(pc, p2, channel, p2.address, DEPOSIT2);
    const closeTx = await pc.connect(p2).close(channel, proofOf(0n, 0n), "0x");
    const closesAt = (await blockTimeOf(closeTx)) + PERIOD;
    const empty = directionOf(proofOf(0n, 0n));
    const record = { deposit1: DEPOSIT1, deposit2: DEPOSIT2, withdrawn1: 0n, withdrawn2: 0n, d12: empty, d21: empty };
    await blk.setBlocked(p2.address, true);
    await atTime(closesAt + 1n);
    const tx = await pc.settle(channel, record);
    await expect(tx).to.changeTokenBalances(blk, [p1, p2, pcAddress], [DEPOSIT1, 0n, -DEPOSIT1]);
    await expect(tx).to.emit(pc, "PaymentCredited").withArgs(p2.address, blkAddress, DEPOSIT2);
    await expectSolvent(pc, [blkAddress]);
    await expect(pc.connect(p2).withdraw(blkAddress, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      pc,
      "PullPaymentsInvalidRecipient",
    );
    // Nor to the contract itself, where the tokens would sit owed to nobody.
    await expect(pc.connect(p2).withdraw(blkAddress, pcAddress)).to.be.revertedWithCustomError(
      pc,
      "PullPaymentsInvalidRecipient",
    );
    expect(await pc.creditOf(blkAddress, p2.address)).to.equal(DEPOSIT2);
    await expect(pc.connect(p2).withdraw(blkAddress, p2.address))
      .to.be.revertedWithCustomError(blk, "Blocked")
      .withArgs(p2.address);
    await expect(pc.connect(p2).withdraw(blkAddress, stranger.address)).to.changeTokenBalances(
      blk,
      [stranger, pcAddress],
      [DEPOSIT2, -DEPOSIT2],
    );
    await expect(pc.connect(p2).withdraw(blkAddress, stranger.address))
      .to.be.revertedWithCustomError(pc, "PullPaymentsNothingToWithdraw")
      .withArgs(p2.address, blkAddress);
    await expectSolvent(pc, [blkAddress]);
  });
});
