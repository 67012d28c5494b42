// docs/escrow.md §6, rule E-M3: a failing push becomes a credit, the action completes, and the credit is
// withdrawable to any address (contracts/base/PullPayments.sol).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { BlocklistToken, FalseReturnToken, MockAccount } from "../../typechain-types";
import {
  AMOUNT,
  ARBITER_FEE_BPS,
  ETH,
  ETH_PUSH_GAS,
  PROTOCOL_FEE_BPS,
  Status,
  arbiterParams,
  createDeal,
  dealFromTx,
  expectBalanceChanges,
  expectState,
  feeEscrowFixture,
  feeOf,
  now,
  plainParams,
  DURATION,
} from "../helpers/escrow";

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);
const net = (gross: bigint) => gross - fee(gross);
const PART = AMOUNT / 3n;

/** ETH deals whose beneficiary is a contract account (owned by `other`) that rejects ETH, or burns all gas. */
async function ethReceiversFixture() {
  const fx = await feeEscrowFixture();
  const { escrow, depositor, other } = fx;
  const factory = await ethers.getContractFactory("MockAccount");
  const rejecting = (await factory.deploy(other.address)) as unknown as MockAccount;
  await rejecting.setRejectEth(true);
  const burning = (await factory.deploy(other.address)) as unknown as MockAccount;
  await burning.setBurnGas(true);
  const deadline = (await now()) + DURATION;
  const toRejecting = await createDeal(
    escrow,
    depositor,
    plainParams(fx, ETH, deadline, { beneficiary: await rejecting.getAddress(), salt: 1n }),
  );
  const toBurning = await createDeal(
    escrow,
    depositor,
    plainParams(fx, ETH, deadline, { beneficiary: await burning.getAddress(), salt: 2n }),
  );
  const toEoa = await createDeal(escrow, depositor, plainParams(fx, ETH, deadline, { salt: 3n }));
  return { ...fx, rejecting, burning, deadline, toRejecting, toBurning, toEoa };
}

/** An ETH deal whose depositor is a rejecting contract account, and one whose arbiter is. */
async function rejectingPartiesFixture() {
  const fx = await ethReceiversFixture();
  const { escrow, other, rejecting } = fx;
  const factory = await ethers.getContractFactory("MockAccount");
  const payer = (await factory.deploy(other.address, { value: AMOUNT })) as unknown as MockAccount;
  const params = plainParams(fx, ETH, fx.deadline, { salt: 4n });
  const data = escrow.interface.encodeFunctionData("createDeal", [params, []]);
  const fromRejecting = await dealFromTx(escrow, await payer.connect(other).execute(fx.escrowAddress, AMOUNT, data));
  await payer.setRejectEth(true);
  const arbitratedByRejecting = await createDeal(
    escrow,
    fx.depositor,
    arbiterParams(fx, ETH, fx.deadline, { arbiter: await rejecting.getAddress(), salt: 5n }),
  );
  return { ...fx, payer, fromRejecting, arbitratedByRejecting };
}

/** ERC20 deals in a blocklist token and in a token whose transfer can return false. */
async function hostileTokensFixture() {
  const fx = await feeEscrowFixture();
  const { escrow, depositor, escrowAddress } = fx;
  const blocklist = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
  const falseReturn = (await ethers.deployContract("FalseReturnToken")) as unknown as FalseReturnToken;
  for (const t of [blocklist, falseReturn]) {
    await t.mint(depositor.address, 10n * AMOUNT);
    await t.connect(depositor).approve(escrowAddress, ethers.MaxUint256);
  }
  const deadline = (await now()) + DURATION;
  const inBlocklist = await createDeal(escrow, depositor, plainParams(fx, await blocklist.getAddress(), deadline));
  const inFalseReturn = await createDeal(escrow, depositor, plainParams(fx, await falseReturn.getAddress(), deadline));
  return { ...fx, blocklist, falseReturn, inBlocklist, inFalseReturn };
}

describe("E-M3 pull payments", function () {
  describe("ETH recipients that cannot receive", function () {
    it("completes a release to a beneficiary that rejects ETH and credits the net amount", async function () {
      const { escrow, toRejecting, rejecting, depositor, escrowAddress } = await loadFixture(ethReceiversFixture);
      const tx = await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      await expect(tx).to.emit(escrow, "DealReleased").withArgs(toRejecting.dealId, net(AMOUNT), fee(AMOUNT));
      await expect(tx)
        .to.emit(escrow, "PaymentCredited")
        .withArgs(await rejecting.getAddress(), ETH, net(AMOUNT));
      await expectBalanceChanges(tx, ETH, [rejecting, escrowAddress], [0n, 0n]);
      expect(await escrow.creditOf(ETH, await rejecting.getAddress())).to.equal(net(AMOUNT));
      await expectState(escrow, toRejecting.dealId, {
        status: Status.Closed,
        nonce: 0n,
        disputedAt: 0n,
        released: AMOUNT,
        refunded: 0n,
      });
    });

    it("makes no call and credits nothing for a zero share, even to a depositor that rejects ETH", async function () {
      // The timeout of a release-by-default deal pays the depositor 0: no push, so no failed push to credit.
      const { escrow, fromRejecting, payer, stranger, deadline } = await loadFixture(rejectingPartiesFixture);
      await time.increaseTo(deadline + 1n);
      const tx = await escrow.connect(stranger).triggerTimeout(fromRejecting.deal);
      await expect(tx).to.emit(escrow, "DealTimedOut");
      await expect(tx).not.to.emit(escrow, "PaymentCredited");
      expect(await escrow.creditOf(ETH, await payer.getAddress())).to.equal(0n);
    });

    it("pays the credit to another address the account chooses, once", async function () {
      const { escrow, toRejecting, rejecting, depositor, other, stranger, escrowAddress } =
        await loadFixture(ethReceiversFixture);
      await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      const data = escrow.interface.encodeFunctionData("withdraw", [ETH, stranger.address]);
      const account = await rejecting.getAddress();
      const tx = await rejecting.connect(other).execute(escrowAddress, 0n, data);
      await expectBalanceChanges(tx, ETH, [stranger, rejecting, escrowAddress], [net(AMOUNT), 0n, -net(AMOUNT)]);
      await expect(tx).to.emit(escrow, "CreditWithdrawn").withArgs(account, ETH, stranger.address, net(AMOUNT));
      expect(await escrow.creditOf(ETH, account)).to.equal(0n);
      await expect(rejecting.connect(other).execute(escrowAddress, 0n, data))
        .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
        .withArgs(account, ETH);
    });

    it("completes a release to a beneficiary that burns all gas, spending at most ETH_PUSH_GAS on the push", async function () {
      const { escrow, toBurning, toEoa, burning, depositor } = await loadFixture(ethReceiversFixture);
      const reference = await (await escrow.connect(depositor).release(toEoa.deal, AMOUNT)).wait();
      // A generous gas limit: an uncapped push would let the burner take nearly all of it.
      const tx = await escrow.connect(depositor).release(toBurning.deal, AMOUNT, { gasLimit: 1_000_000n });
      const receipt = await tx.wait();
      await expect(tx)
        .to.emit(escrow, "PaymentCredited")
        .withArgs(await burning.getAddress(), ETH, net(AMOUNT));
      expect(await escrow.creditOf(ETH, await burning.getAddress())).to.equal(net(AMOUNT));
      // What the burner costs on top of a release to an EOA: the forwarded gas, plus the credit's storage and event.
      const extra = receipt!.gasUsed - reference!.gasUsed;
      expect(extra).to.be.lessThan(ETH_PUSH_GAS + 30_000n);
    });

    it("credits a timeout's payout to a beneficiary that rejects ETH", async function () {
      const { escrow, toRejecting, rejecting, stranger, deadline } = await loadFixture(ethReceiversFixture);
      await time.increaseTo(deadline + 1n);
      await expect(escrow.connect(stranger).triggerTimeout(toRejecting.deal))
        .to.emit(escrow, "PaymentCredited")
        .withArgs(await rejecting.getAddress(), ETH, net(AMOUNT));
      expect((await escrow.getDealState(toRejecting.dealId)).status).to.equal(Status.Closed);
    });

    it("adds up the credits of several payouts and withdraws them in one call", async function () {
      const { escrow, toRejecting, rejecting, depositor, other, stranger, escrowAddress } =
        await loadFixture(ethReceiversFixture);
      await escrow.connect(depositor).release(toRejecting.deal, PART);
      await escrow.connect(depositor).release(toRejecting.deal, AMOUNT - PART);
      const total = net(PART) + net(AMOUNT - PART);
      expect(await escrow.creditOf(ETH, await rejecting.getAddress())).to.equal(total);
      const data = escrow.interface.encodeFunctionData("withdraw", [ETH, stranger.address]);
      await expectBalanceChanges(
        rejecting.connect(other).execute(escrowAddress, 0n, data),
        ETH,
        [stranger, escrowAddress],
        [total, -total],
      );
    });

    it("pushes directly, without a credit, once the account accepts ETH again", async function () {
      const { escrow, toRejecting, rejecting, depositor } = await loadFixture(ethReceiversFixture);
      await rejecting.setRejectEth(false);
      const tx = await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      await expect(tx).not.to.emit(escrow, "PaymentCredited");
      await expectBalanceChanges(tx, ETH, [rejecting], [net(AMOUNT)]);
    });

    it("credits a refund to a depositor contract that rejects ETH", async function () {
      const { escrow, fromRejecting, payer, beneficiary, escrowAddress } = await loadFixture(rejectingPartiesFixture);
      const tx = await escrow.connect(beneficiary).refund(fromRejecting.deal, AMOUNT);
      await expect(tx)
        .to.emit(escrow, "PaymentCredited")
        .withArgs(await payer.getAddress(), ETH, AMOUNT);
      await expectBalanceChanges(tx, ETH, [payer, escrowAddress], [0n, 0n]);
      expect(await escrow.creditOf(ETH, await payer.getAddress())).to.equal(AMOUNT);
    });

    it("credits the arbiter fee to an arbiter that rejects ETH while the parties are paid directly", async function () {
      const { escrow, arbitratedByRejecting, rejecting, other, depositor, beneficiary } =
        await loadFixture(rejectingPartiesFixture);
      const deal = arbitratedByRejecting.deal;
      await escrow.connect(depositor).dispute(deal);
      const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
      const toBeneficiary = PART;
      const toDepositor = AMOUNT - arbiterFee - PART;
      const data = escrow.interface.encodeFunctionData("resolve", [deal, toBeneficiary]);
      const tx = await rejecting.connect(other).execute(await escrow.getAddress(), 0n, data);
      await expect(tx)
        .to.emit(escrow, "PaymentCredited")
        .withArgs(await rejecting.getAddress(), ETH, arbiterFee);
      await expectBalanceChanges(tx, ETH, [depositor, beneficiary, rejecting], [toDepositor, net(toBeneficiary), 0n]);
      expect(await escrow.creditOf(ETH, await rejecting.getAddress())).to.equal(arbiterFee);
    });
  });

  describe("withdraw", function () {
    it("reverts with PullPaymentsNothingToWithdraw for an account without credit", async function () {
      const { escrow, stranger } = await loadFixture(ethReceiversFixture);
      await expect(escrow.connect(stranger).withdraw(ETH, stranger.address))
        .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
        .withArgs(stranger.address, ETH);
    });

    it("reverts with PullPaymentsInvalidRecipient when withdrawing to address(0), keeping the credit", async function () {
      const { escrow, toRejecting, rejecting, depositor, other, escrowAddress } =
        await loadFixture(ethReceiversFixture);
      await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      const data = escrow.interface.encodeFunctionData("withdraw", [ETH, ethers.ZeroAddress]);
      await expect(rejecting.connect(other).execute(escrowAddress, 0n, data)).to.be.revertedWithCustomError(
        escrow,
        "PullPaymentsInvalidRecipient",
      );
      expect(await escrow.creditOf(ETH, await rejecting.getAddress())).to.equal(net(AMOUNT));
    });

    it("reverts with PullPaymentsInvalidRecipient when withdrawing to the Escrow itself, keeping the credit", async function () {
      const { escrow, toRejecting, rejecting, depositor, other, escrowAddress } =
        await loadFixture(ethReceiversFixture);
      await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      const data = escrow.interface.encodeFunctionData("withdraw", [ETH, escrowAddress]);
      await expect(rejecting.connect(other).execute(escrowAddress, 0n, data)).to.be.revertedWithCustomError(
        escrow,
        "PullPaymentsInvalidRecipient",
      );
      expect(await escrow.creditOf(ETH, await rejecting.getAddress())).to.equal(net(AMOUNT));
    });

    it("reverts and keeps the credit when the withdrawal's transfer fails, then pays once the recipient accepts", async function () {
      const { escrow, toRejecting, rejecting, depositor, other, escrowAddress } =
        await loadFixture(ethReceiversFixture);
      await escrow.connect(depositor).release(toRejecting.deal, AMOUNT);
      const account = await rejecting.getAddress();
      const toSelf = escrow.interface.encodeFunctionData("withdraw", [ETH, account]);
      await expect(rejecting.connect(other).execute(escrowAddress, 0n, toSelf)).to.be.revertedWithCustomError(
        rejecting,
        "MockAccountRejected",
      );
      expect(await escrow.creditOf(ETH, account)).to.equal(net(AMOUNT));
      await rejecting.setRejectEth(false);
      await expectBalanceChanges(
        rejecting.connect(other).execute(escrowAddress, 0n, toSelf),
        ETH,
        [rejecting, escrowAddress],
        [net(AMOUNT), -net(AMOUNT)],
      );
      expect(await escrow.creditOf(ETH, account)).to.equal(0n);
    });
  });

  describe("ERC20 recipients that cannot receive", function () {
    it("credits a release to a blocklisted beneficiary, which withdraws to another address", async function () {
      const { escrow, blocklist, inBlocklist, depositor, beneficiary, stranger, escrowAddress } =
        await loadFixture(hostileTokensFixture);
      const token = await blocklist.getAddress();
      await blocklist.setBlocked(beneficiary.address, true);
      const tx = await escrow.connect(depositor).release(inBlocklist.deal, AMOUNT);
      await expect(tx).to.emit(escrow, "PaymentCredited").withArgs(beneficiary.address, token, net(AMOUNT));
      await expect(tx).to.changeTokenBalances(blocklist, [beneficiary, escrowAddress], [0n, 0n]);
      expect(await escrow.creditOf(token, beneficiary.address)).to.equal(net(AMOUNT));

      await expect(escrow.connect(beneficiary).withdraw(token, beneficiary.address))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(beneficiary.address);
      expect(await escrow.creditOf(token, beneficiary.address)).to.equal(net(AMOUNT));

      const w = await escrow.connect(beneficiary).withdraw(token, stranger.address);
      await expect(w).to.changeTokenBalances(blocklist, [stranger, escrowAddress], [net(AMOUNT), -net(AMOUNT)]);
      await expect(w)
        .to.emit(escrow, "CreditWithdrawn")
        .withArgs(beneficiary.address, token, stranger.address, net(AMOUNT));
      expect(await escrow.creditOf(token, beneficiary.address)).to.equal(0n);
    });

    it("credits a release when the token's transfer returns false, and keeps the credit while withdrawals fail", async function () {
      const { escrow, falseReturn, inFalseReturn, depositor, beneficiary, stranger, escrowAddress } =
        await loadFixture(hostileTokensFixture);
      const token = await falseReturn.getAddress();
      await falseReturn.setFailTransfers(true);
      const tx = await escrow.connect(depositor).release(inFalseReturn.deal, AMOUNT);
      await expect(tx).to.emit(escrow, "PaymentCredited").withArgs(beneficiary.address, token, net(AMOUNT));
      await expect(tx).to.changeTokenBalances(falseReturn, [beneficiary, escrowAddress], [0n, 0n]);

      await expect(escrow.connect(beneficiary).withdraw(token, stranger.address))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(token);
      expect(await escrow.creditOf(token, beneficiary.address)).to.equal(net(AMOUNT));

      await falseReturn.setFailTransfers(false);
      await expect(escrow.connect(beneficiary).withdraw(token, stranger.address)).to.changeTokenBalances(
        falseReturn,
        [stranger, escrowAddress],
        [net(AMOUNT), -net(AMOUNT)],
      );
    });

    it("keeps credits per token: an ETH credit is not withdrawable as a token credit", async function () {
      const { escrow, blocklist, inBlocklist, depositor, beneficiary } = await loadFixture(hostileTokensFixture);
      await blocklist.setBlocked(beneficiary.address, true);
      await escrow.connect(depositor).release(inBlocklist.deal, AMOUNT);
      await expect(escrow.connect(beneficiary).withdraw(ETH, beneficiary.address))
        .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
        .withArgs(beneficiary.address, ETH);
    });
  });
});
