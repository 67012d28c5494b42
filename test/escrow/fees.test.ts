// docs/escrow.md §6: the protocol fee (E-M1) and the arbiter fee (E-M2).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { MockAccount } from "../../typechain-types";
import {
  AMOUNT,
  DAY,
  ETH,
  MAX_ARBITER_FEE_BPS,
  MAX_PROTOCOL_FEE_BPS,
  PROTOCOL_FEE_BPS,
  Status,
  WINDOW,
  arbiterParams,
  createDeal,
  domainOf,
  erc20DealsFixture,
  escrowFixture,
  ethDealsFixture,
  expectBalanceChanges,
  expectState,
  feeOf,
  now,
  plainParams,
  signSettle,
  unpackTerms,
} from "../helpers/escrow";

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);

describe("E-M1 protocol fee", function () {
  describe("setting", function () {
    it("reverts with EscrowProtocolFeeTooHigh(101, 100) above the cap and accepts exactly the cap", async function () {
      const { escrow, owner, feeRecipient } = await loadFixture(escrowFixture);
      await expect(escrow.connect(owner).setProtocolFee(MAX_PROTOCOL_FEE_BPS + 1n, feeRecipient.address))
        .to.be.revertedWithCustomError(escrow, "EscrowProtocolFeeTooHigh")
        .withArgs(MAX_PROTOCOL_FEE_BPS + 1n, MAX_PROTOCOL_FEE_BPS);
      await expect(escrow.connect(owner).setProtocolFee(MAX_PROTOCOL_FEE_BPS, feeRecipient.address))
        .to.emit(escrow, "ProtocolFeeUpdated")
        .withArgs(MAX_PROTOCOL_FEE_BPS, feeRecipient.address);
      expect(await escrow.config()).to.deep.equal([MAX_PROTOCOL_FEE_BPS, feeRecipient.address, false]);
    });

    it("reverts with EscrowInvalidFeeRecipient for a zero recipient, with or without a fee (E-M1)", async function () {
      const { escrow, owner } = await loadFixture(escrowFixture);
      for (const bps of [0n, 1n, MAX_PROTOCOL_FEE_BPS]) {
        await expect(escrow.connect(owner).setProtocolFee(bps, ethers.ZeroAddress)).to.be.revertedWithCustomError(
          escrow,
          "EscrowInvalidFeeRecipient",
        );
      }
      expect(await escrow.config()).to.deep.equal([0n, ethers.ZeroAddress, false]);
    });

    it("turns the fee off with a zero fee and a non-zero recipient (E-M1)", async function () {
      const { escrow, owner, feeRecipient } = await loadFixture(escrowFixture);
      await escrow.connect(owner).setProtocolFee(PROTOCOL_FEE_BPS, feeRecipient.address);
      await expect(escrow.connect(owner).setProtocolFee(0n, feeRecipient.address))
        .to.emit(escrow, "ProtocolFeeUpdated")
        .withArgs(0n, feeRecipient.address);
      expect(await escrow.config()).to.deep.equal([0n, feeRecipient.address, false]);
    });

    it("reverts with EscrowInvalidFeeRecipient when the recipient is the escrow itself, with or without a fee", async function () {
      // Fees collected to the escrow would become tokens that no account owns.
      const { escrow, owner } = await loadFixture(escrowFixture);
      const self = await escrow.getAddress();
      for (const bps of [0n, 1n]) {
        await expect(escrow.connect(owner).setProtocolFee(bps, self)).to.be.revertedWithCustomError(
          escrow,
          "EscrowInvalidFeeRecipient",
        );
      }
    });

    for (const who of ["depositor", "beneficiary", "arbiter", "feeRecipient"] as const) {
      it(`reverts with OwnableUnauthorizedAccount when the ${who} sets the fee`, async function () {
        const fx = await loadFixture(escrowFixture);
        await expect(fx.escrow.connect(fx[who]).setProtocolFee(MAX_PROTOCOL_FEE_BPS, fx[who].address))
          .to.be.revertedWithCustomError(fx.escrow, "OwnableUnauthorizedAccount")
          .withArgs(fx[who].address);
        expect(await fx.escrow.config()).to.deep.equal([0n, ethers.ZeroAddress, false]);
      });
    }
  });

  describe("snapshot at creation", function () {
    async function twoFeesFixture() {
      const fx = await escrowFixture();
      const { escrow, owner, depositor, feeRecipient } = fx;
      const deadline = (await now()) + DAY;
      await escrow.connect(owner).setProtocolFee(100n, feeRecipient.address);
      const at100 = await createDeal(escrow, depositor, plainParams(fx, ETH, deadline, { salt: 1n }));
      await escrow.connect(owner).setProtocolFee(50n, feeRecipient.address);
      const at50 = await createDeal(escrow, depositor, plainParams(fx, ETH, deadline, { salt: 2n }));
      return { ...fx, at100, at50 };
    }

    it("copies the fee into the terms of each deal", async function () {
      const { at100, at50 } = await loadFixture(twoFeesFixture);
      expect(unpackTerms(at100.deal.terms).protocolFeeBps).to.equal(100n);
      expect(unpackTerms(at50.deal.terms).protocolFeeBps).to.equal(50n);
    });

    it("charges an open deal the fee of its creation after the owner lowers it to 0", async function () {
      const { escrow, owner, depositor, feeRecipient, at100, at50 } = await loadFixture(twoFeesFixture);
      await escrow.connect(owner).setProtocolFee(0n, feeRecipient.address);
      await expect(escrow.connect(depositor).release(at100.deal, AMOUNT))
        .to.emit(escrow, "DealReleased")
        .withArgs(at100.dealId, AMOUNT - feeOf(AMOUNT, 100n), feeOf(AMOUNT, 100n));
      await expect(escrow.connect(depositor).release(at50.deal, AMOUNT))
        .to.emit(escrow, "DealReleased")
        .withArgs(at50.dealId, AMOUNT - feeOf(AMOUNT, 50n), feeOf(AMOUNT, 50n));
      expect(await escrow.protocolFeesOf(ETH)).to.equal(feeOf(AMOUNT, 100n) + feeOf(AMOUNT, 50n));
    });

    it("does not raise an open deal's fee when the owner raises it", async function () {
      const { escrow, owner, depositor, beneficiary, feeRecipient, at50 } = await loadFixture(twoFeesFixture);
      await escrow.connect(owner).setProtocolFee(MAX_PROTOCOL_FEE_BPS, feeRecipient.address);
      const tx = escrow.connect(depositor).release(at50.deal, AMOUNT);
      await expectBalanceChanges(tx, ETH, [beneficiary], [AMOUNT - feeOf(AMOUNT, 50n)]);
    });
  });

  describe("charged on the beneficiary's side only", function () {
    it("rounds down: 1% of 199 is 1 and of 99 is 0", async function () {
      const fx = await loadFixture(ethDealsFixture);
      const { escrow, depositor } = fx;
      for (const [amount, expectedFee] of [
        [199n, 1n],
        [99n, 0n],
      ]) {
        const created = await createDeal(
          escrow,
          depositor,
          plainParams(fx, ETH, fx.deadline, { amount, salt: amount }),
        );
        await expect(escrow.connect(depositor).release(created.deal, amount))
          .to.emit(escrow, "DealReleased")
          .withArgs(created.dealId, amount - expectedFee, expectedFee);
      }
      expect(await escrow.protocolFeesOf(ETH)).to.equal(1n);
    });

    it("takes nothing from refunds or from a timeout that refunds", async function () {
      const { escrow, arbiterDeal, beneficiary, depositor, stranger, deadline } = await loadFixture(ethDealsFixture);
      const refundTx = escrow.connect(beneficiary).refund(arbiterDeal.deal, AMOUNT / 2n);
      await expectBalanceChanges(refundTx, ETH, [depositor], [AMOUNT / 2n]);
      await time.increaseTo(deadline + 1n);
      const timeoutTx = escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
      await expectBalanceChanges(timeoutTx, ETH, [depositor], [AMOUNT - AMOUNT / 2n]);
      expect(await escrow.protocolFeesOf(ETH)).to.equal(0n);
    });

    it("charges the beneficiary's part of a resolve after the arbiter fee, never the arbiter fee or the depositor's part", async function () {
      const { escrow, arbiterDeal, depositor, arbiter } = await loadFixture(ethDealsFixture);
      await escrow.connect(depositor).dispute(arbiterDeal.deal);
      const arbiterFee = feeOf(AMOUNT, 500n);
      const toBeneficiary = 12_345_678n;
      await expect(escrow.connect(arbiter).resolve(arbiterDeal.deal, toBeneficiary))
        .to.emit(escrow, "DealResolved")
        .withArgs(
          arbiterDeal.dealId,
          toBeneficiary - fee(toBeneficiary),
          AMOUNT - arbiterFee - toBeneficiary,
          arbiterFee,
          fee(toBeneficiary),
        );
      expect(await escrow.protocolFeesOf(ETH)).to.equal(fee(toBeneficiary));
    });
  });

  describe("collection", function () {
    /** Fees accrued in ETH and in the token by full releases of the plain deals. */
    async function accruedFixture() {
      const eth = await ethDealsFixture();
      await eth.escrow.connect(eth.depositor).release(eth.plainDeal.deal, AMOUNT);
      const token = await createDeal(
        eth.escrow,
        eth.depositor,
        plainParams(eth, eth.tokenAddress, eth.deadline, { amount: 3n * AMOUNT }),
      );
      await eth.escrow.connect(eth.depositor).release(token.deal, 3n * AMOUNT);
      return eth;
    }

    it("sends the accrued ETH fees to the recipient when anyone collects, once", async function () {
      const { escrow, stranger, feeRecipient, escrowAddress } = await loadFixture(accruedFixture);
      const accrued = fee(AMOUNT);
      expect(await escrow.connect(stranger).collectProtocolFees.staticCall(ETH)).to.equal(accrued);
      const tx = await escrow.connect(stranger).collectProtocolFees(ETH);
      await expect(tx).to.emit(escrow, "ProtocolFeesCollected").withArgs(ETH, feeRecipient.address, accrued);
      await expectBalanceChanges(tx, ETH, [feeRecipient, escrowAddress, stranger], [accrued, -accrued, 0n]);
      expect(await escrow.protocolFeesOf(ETH)).to.equal(0n);
      await expect(escrow.connect(stranger).collectProtocolFees(ETH))
        .to.be.revertedWithCustomError(escrow, "EscrowNothingToCollect")
        .withArgs(ETH);
    });

    it("keeps fees per token: collecting the token leaves the ETH fees", async function () {
      const { escrow, stranger, feeRecipient, escrowAddress, token, tokenAddress } = await loadFixture(accruedFixture);
      const accrued = fee(3n * AMOUNT);
      const tx = await escrow.connect(stranger).collectProtocolFees(tokenAddress);
      await expect(tx).to.emit(escrow, "ProtocolFeesCollected").withArgs(tokenAddress, feeRecipient.address, accrued);
      await expect(tx).to.changeTokenBalances(token, [feeRecipient, escrowAddress], [accrued, -accrued]);
      expect(await escrow.protocolFeesOf(tokenAddress)).to.equal(0n);
      expect(await escrow.protocolFeesOf(ETH)).to.equal(fee(AMOUNT));
    });

    it("sends the fees to the current recipient after the owner changes it", async function () {
      const { escrow, owner, stranger, feeRecipient, other } = await loadFixture(accruedFixture);
      await escrow.connect(owner).setProtocolFee(PROTOCOL_FEE_BPS, other.address);
      const tx = escrow.connect(stranger).collectProtocolFees(ETH);
      await expectBalanceChanges(tx, ETH, [other, feeRecipient], [fee(AMOUNT), 0n]);
    });

    it("cannot clear the recipient: accrued fees stay collectable after the fee is turned off (E-M1)", async function () {
      const { escrow, owner, stranger, feeRecipient } = await loadFixture(accruedFixture);
      await expect(escrow.connect(owner).setProtocolFee(0n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        escrow,
        "EscrowInvalidFeeRecipient",
      );
      await escrow.connect(owner).setProtocolFee(0n, feeRecipient.address);
      const tx = escrow.connect(stranger).collectProtocolFees(ETH);
      await expectBalanceChanges(tx, ETH, [feeRecipient], [fee(AMOUNT)]);
    });

    it("reverts and keeps the fees when the recipient rejects ETH", async function () {
      const { escrow, owner, stranger } = await loadFixture(accruedFixture);
      const rejecting = (await ethers.deployContract("MockAccount", [owner.address])) as unknown as MockAccount;
      await rejecting.setRejectEth(true);
      await escrow.connect(owner).setProtocolFee(PROTOCOL_FEE_BPS, await rejecting.getAddress());
      await expect(escrow.connect(stranger).collectProtocolFees(ETH)).to.be.revertedWithCustomError(
        rejecting,
        "MockAccountRejected",
      );
      expect(await escrow.protocolFeesOf(ETH)).to.equal(fee(AMOUNT));
    });

    it("moves only the accrued fees, never the funds of open deals", async function () {
      const { escrow, stranger, escrowAddress, arbiterDeal } = await loadFixture(accruedFixture);
      const before = await ethers.provider.getBalance(escrowAddress);
      expect(before).to.equal(AMOUNT + fee(AMOUNT)); // the open arbiter deal and the fee
      await escrow.connect(stranger).collectProtocolFees(ETH);
      expect(await ethers.provider.getBalance(escrowAddress)).to.equal(AMOUNT);
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Active,
        nonce: 0n,
        disputedAt: 0n,
        released: 0n,
        refunded: 0n,
      });
    });
  });
});

describe("E-M2 arbiter fee", function () {
  it("takes floor(remaining * arbiterFeeBps / 10,000) at the 10% cap, on the remainder at ruling time", async function () {
    const fx = await loadFixture(erc20DealsFixture);
    const { escrow, depositor, beneficiary, arbiter, tokenAddress } = fx;
    const params = arbiterParams(fx, tokenAddress, fx.deadline, {
      amount: 10_000n,
      arbiterFeeBps: MAX_ARBITER_FEE_BPS,
      salt: 30n,
    });
    const created = await createDeal(escrow, depositor, params);
    await escrow.connect(beneficiary).refund(created.deal, 1n); // remaining 9,999
    await escrow.connect(depositor).dispute(created.deal);
    const tx = escrow.connect(arbiter).resolve(created.deal, 0n);
    await expectBalanceChanges(tx, tokenAddress, [arbiter, depositor, beneficiary], [999n, 9_000n, 0n]);
    await expect(tx).to.emit(escrow, "DealResolved").withArgs(created.dealId, 0n, 9_000n, 999n, 0n);
  });

  it("pays nothing to an arbiter whose fee is 0", async function () {
    const fx = await loadFixture(ethDealsFixture);
    const { escrow, depositor, arbiter } = fx;
    const created = await createDeal(
      escrow,
      depositor,
      arbiterParams(fx, ETH, fx.deadline, { arbiterFeeBps: 0n, salt: 31n }),
    );
    await escrow.connect(depositor).dispute(created.deal);
    const tx = escrow.connect(arbiter).resolve(created.deal, 0n);
    await expectBalanceChanges(tx, ETH, [arbiter, depositor], [0n, AMOUNT]);
    await expect(tx).to.emit(escrow, "DealResolved").withArgs(created.dealId, 0n, AMOUNT, 0n, 0n);
  });

  it("pays the arbiter nothing when a dispute ends by settlement", async function () {
    const { escrow, arbiterDeal, depositor, beneficiary, arbiter } = await loadFixture(ethDealsFixture);
    await escrow.connect(depositor).dispute(arbiterDeal.deal);
    const expiry = (await now()) + DAY;
    const sig = await signSettle(beneficiary, await domainOf(escrow), {
      dealId: arbiterDeal.dealId,
      toBeneficiary: 0n,
      nonce: 1n,
      expiry,
    });
    const tx = escrow.connect(depositor).settle(arbiterDeal.deal, 0n, expiry, "0x", sig);
    await expectBalanceChanges(tx, ETH, [arbiter, depositor], [0n, AMOUNT]);
  });

  it("pays the arbiter nothing when the dispute times out into the fallback split", async function () {
    const { escrow, arbiterDeal, depositor, arbiter, stranger } = await loadFixture(ethDealsFixture);
    await escrow.connect(depositor).dispute(arbiterDeal.deal);
    await time.increase(WINDOW + 1n);
    const tx = escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
    await expectBalanceChanges(tx, ETH, [arbiter], [0n]);
  });
});
