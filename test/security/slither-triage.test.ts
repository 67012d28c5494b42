// The tests that docs/security.md §7 cites for its high and medium Slither triage: each shows, on the deployed
// contract, that what the detector warns about cannot happen. scripts/check-slither.cjs requires every such row to
// name a test of this file by its exact title.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  ETH,
  Outcome,
  createDeal,
  escrowFixture,
  now,
  plainParams,
  type EscrowFixture,
} from "../helpers/escrow";
import { DEPOSIT, channelParams, channelsFixture, openChannel, signVoucher } from "../helpers/micropayments";

/** A transaction with value to a non-payable function, sent raw (ethers refuses to build it from the ABI). */
async function sendWithValue(from: { sendTransaction: (tx: object) => Promise<unknown> }, to: string, data: string) {
  return from.sendTransaction({ to, data, value: 1n });
}

describe("Slither triage (docs/security.md §7)", function () {
  describe("msg-value-in-nonpayable", function () {
    it("Escrow._create: ETH deals are funded by createDeal's value, and createDealWithPermit refuses any value", async function () {
      const fx = await loadFixture(escrowFixture);
      const deadline = (await now()) + 86_400n;
      const { dealId } = await createDeal(fx.escrow, fx.depositor, plainParams(fx, ETH, deadline));
      expect((await fx.escrow.getDealState(dealId)).status).to.equal(1n); // Active
      expect(await ethers.provider.getBalance(fx.escrowAddress)).to.equal(AMOUNT);
      const data = fx.escrow.interface.encodeFunctionData("createDealWithPermit", [
        plainParams(fx, fx.tokenAddress, deadline, { salt: 9n }),
        [],
        deadline,
        27,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ]);
      await expect(sendWithValue(fx.depositor, fx.escrowAddress, data)).to.be.reverted;
    });

    it("MicropaymentChannels._requireValue: open and topUp take ETH by value, and openWithPermit refuses any value", async function () {
      const fx = await loadFixture(channelsFixture);
      const { channel, channelId } = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH));
      await fx.mp.connect(fx.payer).topUp(channel, 5n, { value: 5n });
      expect((await fx.mp.getChannelState(channelId)).deposit).to.equal(DEPOSIT + 5n);
      expect(await ethers.provider.getBalance(fx.mpAddress)).to.equal(DEPOSIT + 5n);
      const data = fx.mp.interface.encodeFunctionData("openWithPermit", [
        channelParams(fx, fx.tokenAddress, { salt: 9n }),
        0n,
        27,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ]);
      await expect(sendWithValue(fx.payer, fx.mpAddress, data)).to.be.reverted;
    });
  });

  describe("uninitialized-local (Solidity zero-initialises every local)", function () {
    async function milestoneDeal(fx: EscrowFixture, milestones: bigint[]) {
      const deadline = (await now()) + 86_400n;
      return createDeal(fx.escrow, fx.depositor, plainParams(fx, ETH, deadline), milestones);
    }

    it("Escrow._milestonesHash sum: milestones adding up to the amount are accepted, one wei short is refused", async function () {
      const fx = await loadFixture(escrowFixture);
      await milestoneDeal(fx, [AMOUNT - 3n, 3n]);
      const deadline = (await now()) + 86_400n;
      await expect(
        fx.escrow
          .connect(fx.depositor)
          .createDeal(plainParams(fx, ETH, deadline, { salt: 7n }), [AMOUNT - 3n, 2n], { value: AMOUNT }),
      ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidMilestones");
    });

    it("Escrow.releaseMilestone cumulative: the second milestone releases exactly the first two together", async function () {
      const fx = await loadFixture(escrowFixture);
      const { deal, dealId } = await milestoneDeal(fx, [AMOUNT - 10n, 4n, 6n]);
      await expect(
        fx.escrow.connect(fx.depositor).releaseMilestone(deal, [AMOUNT - 10n, 4n, 6n], 1),
      ).to.changeEtherBalance(fx.beneficiary, AMOUNT - 6n);
      expect((await fx.escrow.getDealState(dealId)).released).to.equal(AMOUNT - 6n);
    });

    it("Escrow.triggerTimeout toBeneficiary: a Refund-default timeout pays the beneficiary nothing", async function () {
      const fx = await loadFixture(escrowFixture);
      const deadline = (await now()) + 86_400n;
      const params = plainParams(fx, ETH, deadline, { defaultOutcome: BigInt(Outcome.Refund) });
      const { deal } = await createDeal(fx.escrow, fx.depositor, params);
      await time.increaseTo(deadline + 1n);
      await expect(fx.escrow.connect(fx.stranger).triggerTimeout(deal)).to.changeEtherBalances(
        [fx.beneficiary, fx.depositor],
        [0n, AMOUNT],
      );
    });

    it("MicropaymentChannels.close toPayee: a close without a new voucher pays the payee nothing", async function () {
      const fx = await loadFixture(channelsFixture);
      const { channel } = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH));
      await expect(fx.mp.connect(fx.payee).close(channel, 0n, "0x")).to.changeEtherBalances(
        [fx.payee, fx.payer],
        [0n, DEPOSIT],
      );
    });

    it("MicropaymentChannels.claimMany total: a batch pays the payee exactly the sum of its claims", async function () {
      const fx = await loadFixture(channelsFixture);
      const a = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH, { salt: 1n }));
      const b = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH, { salt: 2n }));
      const claims = await Promise.all(
        [
          { opened: a, amount: 3n },
          { opened: b, amount: 5n },
        ].map(async ({ opened, amount }) => ({
          payer: fx.payer.address,
          signer: opened.channel.signer,
          challengePeriod: opened.channel.challengePeriod,
          salt: opened.channel.salt,
          amount,
          signature: await signVoucher(fx.payer, fx.domain, opened.channelId, amount),
        })),
      );
      await expect(fx.mp.connect(fx.stranger).claimMany(fx.payee.address, ETH, claims)).to.changeEtherBalance(
        fx.payee,
        8n,
      );
    });
  });
});
