// docs/micropayments.md M-M1: payouts never get stuck. A push that fails (reverting receiver, receiver burning its
// gas, token blocklist, token returning false) is credited (PaymentCredited) and withdrawable to another address;
// the action that paid completes for everybody else.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BlocklistToken, FalseReturnToken, MockAccount } from "../../typechain-types";
import { ETH, atTime, blockTimeOf, expectBalanceChanges, TOKEN_SUPPLY } from "../helpers/escrow";
import {
  ChannelStatus,
  DEPOSIT,
  PERIOD,
  channelFromTx,
  channelParams,
  channelsFixture,
  expectChannelState,
  openChannel,
  signVoucher,
} from "../helpers/micropayments";

const PART = DEPOSIT / 3n;

/** ETH channels with a MockAccount (owned by `other`) as payee of one and payer of another. */
async function accountsFixture() {
  const fx = await channelsFixture();
  const { mp, mpAddress, payer, other } = fx;
  const account = (await ethers.deployContract("MockAccount", [other.address], {
    value: DEPOSIT,
  })) as unknown as MockAccount;
  const accountAddress = await account.getAddress();
  const toAccount = await openChannel(mp, payer, channelParams(fx, ETH, { payee: accountAddress, salt: 20n }));
  const data = mp.interface.encodeFunctionData("open", [channelParams(fx, ETH, { salt: 21n })]);
  const fromAccount = await channelFromTx(mp, await account.connect(other).execute(mpAddress, DEPOSIT, data));
  return { ...fx, account, accountAddress, toAccount, fromAccount };
}

describe("M-M1 ETH payouts to a contract that refuses them", function () {
  it("credits a rejecting payee on claim (PaymentCredited), and the payee withdraws to another address", async function () {
    const { mp, payer, other, stranger, mpAddress, domain, account, accountAddress, toAccount } =
      await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    const sig = await signVoucher(payer, domain, toAccount.channelId, PART);
    const tx = await mp.connect(stranger).claim(toAccount.channel, PART, sig);
    await expectBalanceChanges(tx, ETH, [accountAddress, mpAddress], [0n, 0n]);
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(accountAddress, ETH, PART);
    await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(toAccount.channelId, PART);
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(PART);

    const w = await account
      .connect(other)
      .execute(mpAddress, 0n, mp.interface.encodeFunctionData("withdraw", [ETH, stranger.address]));
    await expectBalanceChanges(w, ETH, [stranger, accountAddress, mpAddress], [PART, 0n, -PART]);
    await expect(w).to.emit(mp, "CreditWithdrawn").withArgs(accountAddress, ETH, stranger.address, PART);
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(0n);
  });

  it("credits a rejecting payee on the payee's close while the payer is paid at once", async function () {
    const { mp, payer, other, domain, account, accountAddress, mpAddress, toAccount } =
      await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    const sig = await signVoucher(payer, domain, toAccount.channelId, PART);
    const data = mp.interface.encodeFunctionData("close", [toAccount.channel, PART, sig]);
    const tx = await account.connect(other).execute(mpAddress, 0n, data);
    await expectBalanceChanges(tx, ETH, [payer, accountAddress, mpAddress], [DEPOSIT - PART, 0n, -(DEPOSIT - PART)]);
    await expect(tx)
      .to.emit(mp, "ChannelClosed")
      .withArgs(toAccount.channelId, PART, DEPOSIT - PART);
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(accountAddress, ETH, PART);
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(PART);
  });

  it("credits a rejecting payer on the payee's close while the payee is paid at once", async function () {
    const { mp, payee, sessionKey, domain, account, accountAddress, mpAddress, fromAccount } =
      await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    // MockAccount has no ERC-1271: the payer's vouchers come from its session key.
    const sig = await signVoucher(sessionKey, domain, fromAccount.channelId, PART);
    const tx = await mp.connect(payee).close(fromAccount.channel, PART, sig);
    await expectBalanceChanges(tx, ETH, [payee, accountAddress, mpAddress], [PART, 0n, -PART]);
    await expect(tx)
      .to.emit(mp, "PaymentCredited")
      .withArgs(accountAddress, ETH, DEPOSIT - PART);
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(DEPOSIT - PART);
    await expectChannelState(mp, fromAccount.channelId, {
      deposit: DEPOSIT,
      claimed: PART,
      closesAt: 0n,
      status: ChannelStatus.Closed,
      signerChanged: false,
    });
  });

  it("credits a rejecting payer on finalize by a stranger, and the payer withdraws to another address", async function () {
    const { mp, stranger, other, account, accountAddress, mpAddress, fromAccount } = await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    const req = await account
      .connect(other)
      .execute(mpAddress, 0n, mp.interface.encodeFunctionData("requestClose", [fromAccount.channel]));
    const closesAt = (await blockTimeOf(req)) + PERIOD;
    await atTime(closesAt + 1n);
    const tx = await mp.connect(stranger).finalize(fromAccount.channel);
    await expect(tx).to.emit(mp, "ChannelFinalized").withArgs(fromAccount.channelId, DEPOSIT);
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(accountAddress, ETH, DEPOSIT);
    await expectBalanceChanges(tx, ETH, [accountAddress, mpAddress], [0n, 0n]);
    const w = account
      .connect(other)
      .execute(mpAddress, 0n, mp.interface.encodeFunctionData("withdraw", [ETH, other.address]));
    await expectBalanceChanges(w, ETH, [other, mpAddress], [DEPOSIT, -DEPOSIT]);
  });

  it("credits a payee that burns all forwarded gas; the claim completes cheaply and the credit is withdrawable elsewhere", async function () {
    const { mp, payer, other, stranger, domain, account, accountAddress, mpAddress, toAccount } =
      await loadFixture(accountsFixture);
    await account.setBurnGas(true);
    const sig = await signVoucher(payer, domain, toAccount.channelId, PART);
    const tx = await mp.claim(toAccount.channel, PART, sig, { gasLimit: 1_000_000n });
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(accountAddress, ETH, PART);
    await expectBalanceChanges(tx, ETH, [accountAddress, mpAddress], [0n, 0n]);
    const receipt = await tx.wait();
    // The push forwards at most ETH_PUSH_GAS (50,000); the whole claim stays well below 200,000.
    expect(receipt!.gasUsed).to.be.lessThan(200_000n);
    const w = account
      .connect(other)
      .execute(mpAddress, 0n, mp.interface.encodeFunctionData("withdraw", [ETH, stranger.address]));
    await expectBalanceChanges(w, ETH, [stranger, mpAddress], [PART, -PART]);
  });

  it("M-M1 withdrawing a credit to the contract itself reverts with PullPaymentsInvalidRecipient; the credit stays", async function () {
    const { mp, payer, other, domain, account, accountAddress, mpAddress, toAccount } =
      await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    await mp.claim(toAccount.channel, PART, await signVoucher(payer, domain, toAccount.channelId, PART));
    const toContract = mp.interface.encodeFunctionData("withdraw", [ETH, mpAddress]);
    await expect(account.connect(other).execute(mpAddress, 0n, toContract)).to.be.revertedWithCustomError(
      mp,
      "PullPaymentsInvalidRecipient",
    );
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(PART);
  });

  it("keeps the credit when withdrawing to an address that rejects ETH, and pays it out later", async function () {
    const { mp, payer, other, stranger, domain, account, accountAddress, mpAddress, toAccount } =
      await loadFixture(accountsFixture);
    await account.setRejectEth(true);
    await mp.claim(toAccount.channel, PART, await signVoucher(payer, domain, toAccount.channelId, PART));
    const toSelf = mp.interface.encodeFunctionData("withdraw", [ETH, accountAddress]);
    // Address.sendValue bubbles the recipient's revert.
    await expect(account.connect(other).execute(mpAddress, 0n, toSelf)).to.be.revertedWithCustomError(
      account,
      "MockAccountRejected",
    );
    expect(await mp.creditOf(ETH, accountAddress)).to.equal(PART);
    const toStranger = mp.interface.encodeFunctionData("withdraw", [ETH, stranger.address]);
    await expectBalanceChanges(account.connect(other).execute(mpAddress, 0n, toStranger), ETH, [stranger], [PART]);
  });
});

describe("M-M1 withdraw", function () {
  it("reverts with PullPaymentsNothingToWithdraw without a credit and PullPaymentsInvalidRecipient for address(0)", async function () {
    const { mp, stranger, tokenAddress } = await loadFixture(channelsFixture);
    for (const token of [ETH, tokenAddress]) {
      await expect(mp.connect(stranger).withdraw(token, stranger.address))
        .to.be.revertedWithCustomError(mp, "PullPaymentsNothingToWithdraw")
        .withArgs(stranger.address, token);
      await expect(mp.connect(stranger).withdraw(token, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        mp,
        "PullPaymentsInvalidRecipient",
      );
    }
  });
});

describe("M-M1 token payouts that fail", function () {
  async function blocklistFixture() {
    const fx = await channelsFixture();
    const { mp, mpAddress, payer } = fx;
    const blk = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
    const blkAddress = await blk.getAddress();
    await blk.mint(payer.address, TOKEN_SUPPLY);
    await blk.connect(payer).approve(mpAddress, ethers.MaxUint256);
    const opened = await openChannel(mp, payer, channelParams(fx, blkAddress));
    return { ...fx, blk, blkAddress, ...opened };
  }

  it("credits a blocklisted payee on claim; it withdraws to another address, not to itself", async function () {
    const { mp, payer, payee, other, domain, blk, blkAddress, mpAddress, channel, channelId } =
      await loadFixture(blocklistFixture);
    await blk.setBlocked(payee.address, true);
    const tx = await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(payee.address, blkAddress, PART);
    await expect(tx).to.changeTokenBalances(blk, [payee, mpAddress], [0n, 0n]);
    expect(await mp.creditOf(blkAddress, payee.address)).to.equal(PART);

    await expect(mp.connect(payee).withdraw(blkAddress, payee.address))
      .to.be.revertedWithCustomError(blk, "Blocked")
      .withArgs(payee.address);
    const w = await mp.connect(payee).withdraw(blkAddress, other.address);
    await expect(w).to.changeTokenBalances(blk, [other, mpAddress], [PART, -PART]);
    await expect(w).to.emit(mp, "CreditWithdrawn").withArgs(payee.address, blkAddress, other.address, PART);
  });

  it("credits a blocklisted payer on the payee's close while the payee is paid", async function () {
    const { mp, payer, payee, domain, blk, blkAddress, mpAddress, channel, channelId } =
      await loadFixture(blocklistFixture);
    await blk.setBlocked(payer.address, true);
    const tx = await mp.connect(payee).close(channel, PART, await signVoucher(payer, domain, channelId, PART));
    await expect(tx).to.changeTokenBalances(blk, [payee, payer, mpAddress], [PART, 0n, -PART]);
    await expect(tx)
      .to.emit(mp, "PaymentCredited")
      .withArgs(payer.address, blkAddress, DEPOSIT - PART);
    expect(await mp.creditOf(blkAddress, payer.address)).to.equal(DEPOSIT - PART);
  });

  it("credits the payee when the token's transfer returns false, and withdraw reverts until it works", async function () {
    const fx = await channelsFixture();
    const { mp, payer, payee, domain, mpAddress } = fx;
    const frt = (await ethers.deployContract("FalseReturnToken")) as unknown as FalseReturnToken;
    const frtAddress = await frt.getAddress();
    await frt.mint(payer.address, TOKEN_SUPPLY);
    await frt.connect(payer).approve(mpAddress, ethers.MaxUint256);
    const { channel, channelId } = await openChannel(mp, payer, channelParams(fx, frtAddress));
    await frt.setFailTransfers(true);
    const tx = await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
    await expect(tx).to.emit(mp, "PaymentCredited").withArgs(payee.address, frtAddress, PART);
    await expect(mp.connect(payee).withdraw(frtAddress, payee.address)).to.be.revertedWithCustomError(
      mp,
      "SafeERC20FailedOperation",
    );
    expect(await mp.creditOf(frtAddress, payee.address)).to.equal(PART);
    await frt.setFailTransfers(false);
    await expect(mp.connect(payee).withdraw(frtAddress, payee.address)).to.changeTokenBalances(
      frt,
      [payee, mpAddress],
      [PART, -PART],
    );
  });
});
