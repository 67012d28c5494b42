// docs/escrow.md §5, rule E-A2: milestone releases, run for ETH and a standard ERC20.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  PROTOCOL_FEE_BPS,
  Status,
  arbiterParams,
  createDeal,
  erc20DealsFixture,
  ethDealsFixture,
  expectBalanceChanges,
  expectState,
  feeOf,
  type DealState,
  type DealsFixture,
} from "../helpers/escrow";

const M0 = AMOUNT / 10n;
const M1 = AMOUNT / 5n;
const M2 = (AMOUNT * 3n) / 10n;
const M3 = AMOUNT - M0 - M1 - M2;
const MILESTONES = [M0, M1, M2, M3];

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);
const net = (gross: bigint) => gross - fee(gross);

function state(status: Status, nonce: bigint, released: bigint, refunded: bigint): DealState {
  return { status, nonce, disputedAt: 0n, released, refunded };
}

async function withMilestoneDeal(fx: DealsFixture) {
  const deadline = fx.deadline;
  const milestoneDeal = await createDeal(
    fx.escrow,
    fx.depositor,
    arbiterParams(fx, fx.asset, deadline, { salt: 50n }),
    MILESTONES,
  );
  return { ...fx, milestoneDeal };
}

async function ethMilestonesFixture() {
  return withMilestoneDeal(await ethDealsFixture());
}

async function erc20MilestonesFixture() {
  return withMilestoneDeal(await erc20DealsFixture());
}

type MilestonesFixture = Awaited<ReturnType<typeof ethMilestonesFixture>>;

function runMilestoneRules(name: string, fixture: () => Promise<MilestonesFixture>): void {
  describe(`E-A2 milestones (${name})`, function () {
    let fx: MilestonesFixture;
    beforeEach(async function () {
      fx = await loadFixture(fixture);
    });
    const holders = () => [fx.depositor, fx.beneficiary, fx.escrowAddress];

    it("releases milestones in order, each net of the protocol fee, advancing the nonce until the last closes", async function () {
      const { escrow, milestoneDeal, depositor, asset: token } = fx;
      let released = 0n;
      for (const [index, m] of MILESTONES.entries()) {
        const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, index);
        await expectBalanceChanges(tx, token, holders(), [0n, net(m), -net(m)]);
        await expect(tx).to.emit(escrow, "DealReleased").withArgs(milestoneDeal.dealId, net(m), fee(m));
        released += m;
        const last = index === MILESTONES.length - 1;
        await expectState(
          escrow,
          milestoneDeal.dealId,
          state(last ? Status.Closed : Status.Active, last ? 3n : BigInt(index + 1), released, 0n),
        );
      }
    });

    it("releases up to the cumulative end of a later milestone in one call", async function () {
      const { escrow, milestoneDeal, depositor, asset: token } = fx;
      const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 2);
      const gross = M0 + M1 + M2;
      await expectBalanceChanges(tx, token, holders(), [0n, net(gross), -net(gross)]);
      await expectState(escrow, milestoneDeal.dealId, state(Status.Active, 1n, gross, 0n));
    });

    it("counts a partial release toward the cumulative total: only the difference is released", async function () {
      const { escrow, milestoneDeal, depositor, asset: token } = fx;
      await escrow.connect(depositor).release(milestoneDeal.deal, M0 + 5n);
      await expect(escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 0))
        .to.be.revertedWithCustomError(escrow, "EscrowMilestoneAlreadyReleased")
        .withArgs(0n);
      const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 1);
      await expectBalanceChanges(tx, token, holders(), [0n, net(M1 - 5n), -net(M1 - 5n)]);
      await expectState(escrow, milestoneDeal.dealId, state(Status.Active, 2n, M0 + M1, 0n));
    });

    it("reverts with EscrowMilestoneAlreadyReleased when a milestone is released twice", async function () {
      const { escrow, milestoneDeal, depositor } = fx;
      await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 1);
      for (const index of [0, 1]) {
        await expect(escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, index))
          .to.be.revertedWithCustomError(escrow, "EscrowMilestoneAlreadyReleased")
          .withArgs(index);
      }
    });

    it("shrinks the schedule from the back on refunds: the last milestone releases only what was not refunded, and closes", async function () {
      const { escrow, milestoneDeal, depositor, beneficiary, asset: token } = fx;
      const refunded = M3 + 10n;
      await escrow.connect(beneficiary).refund(milestoneDeal.deal, refunded);
      await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 1);
      const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 3);
      const gross = M2 - 10n;
      await expectBalanceChanges(tx, token, holders(), [0n, net(gross), -net(gross)]);
      await expectState(escrow, milestoneDeal.dealId, state(Status.Closed, 2n, AMOUNT - refunded, refunded));
    });

    it("caps an earlier milestone when a refund reaches into it: releases amount - refunded - released and closes", async function () {
      const { escrow, milestoneDeal, depositor, beneficiary, asset: token } = fx;
      const refunded = M3 + M2 + 1n;
      await escrow.connect(beneficiary).refund(milestoneDeal.deal, refunded);
      const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 1);
      const gross = M0 + M1 - 1n;
      await expectBalanceChanges(tx, token, holders(), [0n, net(gross), -net(gross)]);
      await expectState(escrow, milestoneDeal.dealId, state(Status.Closed, 1n, gross, refunded));
    });

    it("releases a milestone from a Paid deal", async function () {
      const { escrow, milestoneDeal, depositor, beneficiary, asset: token } = fx;
      await escrow.connect(beneficiary).markPaid(milestoneDeal.deal);
      const tx = await escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, 0);
      await expectBalanceChanges(tx, token, holders(), [0n, net(M0), -net(M0)]);
      await expectState(escrow, milestoneDeal.dealId, state(Status.Paid, 2n, M0, 0n));
    });

    for (const index of [4n, 2n ** 255n]) {
      it(`reverts with EscrowMilestoneOutOfRange for index ${index === 4n ? "4 of 4" : "2^255"}`, async function () {
        const { escrow, milestoneDeal, depositor } = fx;
        await expect(escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, MILESTONES, index))
          .to.be.revertedWithCustomError(escrow, "EscrowMilestoneOutOfRange")
          .withArgs(index, 4n);
      });
    }

    const wrongLists: Array<[string, bigint[]]> = [
      ["reordered", [M1, M0, M2, M3]],
      ["with two amounts moved between milestones (same sum)", [M0 + 1n, M1 - 1n, M2, M3]],
      ["missing the last milestone", [M0, M1, M2]],
      ["with an extra milestone", [...MILESTONES, 1n]],
      ["empty", []],
    ];
    for (const [label, list] of wrongLists) {
      it(`reverts with EscrowInvalidMilestones for a list ${label}`, async function () {
        const { escrow, milestoneDeal, depositor } = fx;
        await expect(
          escrow.connect(depositor).releaseMilestone(milestoneDeal.deal, list, 0),
        ).to.be.revertedWithCustomError(escrow, "EscrowInvalidMilestones");
      });
    }

    for (const who of ["beneficiary", "arbiter", "stranger"] as const) {
      it(`reverts with EscrowUnauthorized when the ${who} releases a milestone`, async function () {
        const { escrow, milestoneDeal } = fx;
        await expect(escrow.connect(fx[who]).releaseMilestone(milestoneDeal.deal, MILESTONES, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowUnauthorized")
          .withArgs(milestoneDeal.dealId, fx[who].address);
      });
    }

    describe("a deal without a list (one milestone of the whole amount)", function () {
      it("releases the whole remainder with the empty list and index 0, and closes", async function () {
        const { escrow, plainDeal, depositor, beneficiary, asset: token } = fx;
        await escrow.connect(beneficiary).refund(plainDeal.deal, 100n);
        const tx = await escrow.connect(depositor).releaseMilestone(plainDeal.deal, [], 0);
        const gross = AMOUNT - 100n;
        await expectBalanceChanges(tx, token, holders(), [0n, net(gross), -net(gross)]);
        await expect(tx).to.emit(escrow, "DealReleased").withArgs(plainDeal.dealId, net(gross), fee(gross));
        await expectState(escrow, plainDeal.dealId, state(Status.Closed, 1n, gross, 100n));
      });

      it("reverts with EscrowMilestoneOutOfRange(1, 1) for index 1", async function () {
        const { escrow, plainDeal, depositor } = fx;
        await expect(escrow.connect(depositor).releaseMilestone(plainDeal.deal, [], 1))
          .to.be.revertedWithCustomError(escrow, "EscrowMilestoneOutOfRange")
          .withArgs(1n, 1n);
      });

      it("reverts with EscrowInvalidMilestones for the list [amount]", async function () {
        const { escrow, plainDeal, depositor } = fx;
        await expect(
          escrow.connect(depositor).releaseMilestone(plainDeal.deal, [AMOUNT], 0),
        ).to.be.revertedWithCustomError(escrow, "EscrowInvalidMilestones");
      });
    });
  });
}

runMilestoneRules("ETH", ethMilestonesFixture);
runMilestoneRules("ERC20", erc20MilestonesFixture);
