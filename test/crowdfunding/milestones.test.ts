// docs/crowdfunding.md §6: a successful pot released in milestones through the real Escrow (CF-M1…M7): the claim's
// deal, release by weighted approval, a dispute by a 20% share, the arbiter's split, and the pro-rata pull of returns.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  GOAL,
  RELEASED,
  RELEASE_DELAY,
  UNIT,
  at,
  create,
  crowdfundingFixture,
  dealDeadlineOf,
  dealOf,
  milestoneTerms,
  now,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

const EscrowStatus = { Active: 1n, Disputed: 3n, Closed: 4n };

/** A claimed ETH or token milestone campaign: alice 4, bob 5, carol 1 (total 10), fee 1% to the platform. */
async function claimed(asset: "ETH" | "ERC20", weights: bigint[] = [4n, 5n, 1n]) {
  const fx = await loadFixture(crowdfundingFixture);
  const { cf, escrow, creator, arbiter, alice, bob, carol, platform, tokenAddress } = fx;
  const id = await create(
    cf,
    creator,
    await paramsOf(asset === "ETH" ? ETH : tokenAddress, {
      ...milestoneTerms(arbiter.address),
      feeBps: 100n,
      feeRecipient: platform.address,
    }),
  );
  const backers = [alice, bob, carol];
  for (let i = 0; i < weights.length; i++) await pledge(cf, backers[i], id, weights[i] * UNIT);
  await at((await timesOf(cf, id)).deadline);
  const tx = cf.connect(creator).claim(id);
  const net = GOAL - GOAL / 100n;
  await (await tx).wait();
  const { deal, milestones } = await dealOf(cf, id);
  const dealId = await escrow.computeDealId(deal);
  return { ...fx, id, tx, net, deal, milestones, dealId, backers };
}

describe("Crowdfunding: milestones through the Escrow", () => {
  it("CF-M2 the claim creates the deal the contract rebuilds: depositor this, beneficiary creator, 30/30/40", async () => {
    const { cf, escrow, creator, arbiter, platform, id, tx, net, deal, milestones, dealId, cfAddress } =
      await claimed("ETH");
    await expect(tx)
      .to.emit(cf, "Claimed")
      .withArgs(id, creator.address, net, GOAL / 100n, dealId);
    await expect(tx).to.changeEtherBalances([platform, escrow, cf], [GOAL / 100n, net, -GOAL]);
    expect(deal.depositor).to.equal(cfAddress);
    expect(deal.beneficiary).to.equal(creator.address);
    expect(deal.arbiter).to.equal(arbiter.address);
    expect(milestones).to.deep.equal([(net * 3n) / 10n, (net * 3n) / 10n, net - 2n * ((net * 3n) / 10n)]);
    expect((await escrow.getDealState(dealId)).status).to.equal(EscrowStatus.Active);
  });

  it("CF-M3 an approval at exactly half schedules nothing; the one above half schedules at now + RELEASE_DELAY, once", async () => {
    const { cf, escrow, alice, bob, carol, stranger, id, dealId } = await claimed("ERC20", [5n, 5n]);
    await expect(cf.connect(alice).approveMilestone(id, 0n))
      .to.emit(cf, "MilestoneApproved")
      .withArgs(id, alice.address, 0n, 5n * UNIT)
      .and.not.to.emit(cf, "MilestoneReleaseScheduled");
    expect(await cf.releaseTimeOf(id, 0n)).to.equal(0n);
    await expect(cf.connect(alice).approveMilestone(id, 0n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingAlreadyVoted")
      .withArgs(id, alice.address);
    await expect(cf.connect(carol).approveMilestone(id, 0n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingNotBacker")
      .withArgs(id, carol.address);
    await expect(cf.connect(stranger).approveMilestone(id, 3n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingMilestoneOutOfRange")
      .withArgs(3n, 3n);
    const t = (await now()) + 10n;
    await at(t);
    const tx = cf.connect(bob).approveMilestone(id, 0n);
    await expect(tx)
      .to.emit(cf, "MilestoneReleaseScheduled")
      .withArgs(id, 0n, t + RELEASE_DELAY);
    await expect(tx).not.to.emit(cf, "MilestoneReleased");
    await expect(tx).not.to.emit(escrow, "DealReleased");
    expect(await cf.releaseTimeOf(id, 0n)).to.equal(t + RELEASE_DELAY);
    expect(await cf.releaseTimeOf(id, 1n)).to.equal(0n);
    expect((await escrow.getDealState(dealId)).released).to.equal(0n);
    expect(await cf.milestoneTally(id, 0n)).to.equal(10n * UNIT);
    expect(await cf.RELEASE_DELAY()).to.equal(RELEASE_DELAY);
  });

  it("CF-M3 a later approval after the crossing only counts: the schedule does not move", async () => {
    const { cf, alice, bob, carol, id } = await claimed("ETH");
    await cf.connect(bob).approveMilestone(id, 1n);
    await cf.connect(alice).approveMilestone(id, 1n); // 90%: crosses
    const releaseAt = await cf.releaseTimeOf(id, 1n);
    await time.increase(DAY);
    await expect(cf.connect(carol).approveMilestone(id, 1n)).not.to.emit(cf, "MilestoneReleaseScheduled");
    expect(await cf.releaseTimeOf(id, 1n)).to.equal(releaseAt);
    expect(await cf.milestoneTally(id, 1n)).to.equal(GOAL);
  });

  describe("CF-M3 releaseMilestone", () => {
    /** alice 4, bob 5, carol 1 (ERC20); milestone `index` approved by alice and bob at `t`: releaseAt = t + delay. */
    async function scheduled(index: bigint) {
      const fx = await claimed("ERC20");
      await fx.cf.connect(fx.alice).approveMilestone(fx.id, index);
      const t = (await now()) + 10n;
      await at(t);
      await fx.cf.connect(fx.bob).approveMilestone(fx.id, index);
      return { ...fx, releaseAt: t + RELEASE_DELAY };
    }

    it("CF-M3 at releaseAt - 1 NotReady; at releaseAt anyone releases: event, escrow pays the creator milestone 0", async () => {
      const { cf, escrow, token, creator, stranger, id, milestones, dealId, releaseAt } = await scheduled(0n);
      await at(releaseAt - 1n);
      await expect(cf.connect(stranger).releaseMilestone(id, 0n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseNotReady")
        .withArgs(id, 0n, releaseAt);
      await at(releaseAt);
      const tx = cf.connect(stranger).releaseMilestone(id, 0n);
      await expect(tx).to.emit(cf, "MilestoneReleased").withArgs(id, 0n);
      await expect(tx).to.emit(escrow, "DealReleased").withArgs(dealId, milestones[0], 0n);
      await expect(tx).to.changeTokenBalances(token, [creator, escrow], [milestones[0], -milestones[0]]);
      expect(await cf.releaseTimeOf(id, 0n)).to.equal(RELEASED);
      expect((await escrow.getDealState(dealId)).released).to.equal(milestones[0]);
    });

    it("CF-M3 at releaseAt + 1 the release pays up to the end of milestone i (0 and 1 together); twice AlreadyReleased", async () => {
      const { cf, escrow, token, creator, stranger, id, milestones, dealId, releaseAt } = await scheduled(1n);
      await at(releaseAt + 1n);
      await expect(cf.connect(stranger).releaseMilestone(id, 1n)).to.changeTokenBalance(
        token,
        creator,
        milestones[0] + milestones[1],
      );
      expect((await escrow.getDealState(dealId)).released).to.equal(milestones[0] + milestones[1]);
      await expect(cf.connect(creator).releaseMilestone(id, 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingAlreadyReleased")
        .withArgs(id, 1n);
      // Milestone 0 was paid with 1 but never scheduled: unscheduled, NotReady with 0.
      await expect(cf.connect(stranger).releaseMilestone(id, 0n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseNotReady")
        .withArgs(id, 0n, 0n);
    });

    it("CF-M3 unscheduled (no vote, or votes at most half) NotReady with releaseAt 0; out of range refused", async () => {
      const { cf, alice, bob, stranger, id } = await claimed("ERC20", [5n, 5n]);
      await expect(cf.connect(stranger).releaseMilestone(id, 2n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseNotReady")
        .withArgs(id, 2n, 0n);
      await cf.connect(alice).approveMilestone(id, 2n); // exactly half
      await time.increase(RELEASE_DELAY + 1n);
      await expect(cf.connect(stranger).releaseMilestone(id, 2n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseNotReady")
        .withArgs(id, 2n, 0n);
      await expect(cf.connect(stranger).releaseMilestone(id, 3n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingMilestoneOutOfRange")
        .withArgs(3n, 3n);
      void bob;
    });

    it("CF-M3 refused on a direct campaign and before the claim", async () => {
      const { cf, creator, alice, arbiter, tokenAddress } = await loadFixture(crowdfundingFixture);
      const direct = await create(cf, creator, await paramsOf(tokenAddress));
      await expect(cf.releaseMilestone(direct, 0n)).to.be.revertedWithCustomError(cf, "CrowdfundingNoMilestones");
      const running = await create(cf, creator, await paramsOf(ETH, milestoneTerms(arbiter.address)));
      await pledge(cf, alice, running, UNIT);
      await expect(cf.releaseMilestone(running, 0n)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
    });

    it("CF-M3, CF-M4 a dispute opened during the delay blocks the release (DisputeOpen), for a middle and the LAST milestone", async () => {
      const { cf, escrow, alice, bob, carol, stranger, id, dealId, releaseAt } = await scheduled(2n);
      await cf.connect(alice).approveMilestone(id, 1n);
      await cf.connect(bob).approveMilestone(id, 1n);
      await expect(cf.connect(carol).supportDispute(id)).not.to.emit(cf, "DisputeOpened"); // 10%
      await expect(cf.connect(alice).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id); // 50%
      await at(releaseAt + RELEASE_DELAY);
      for (const index of [1n, 2n]) {
        await expect(cf.connect(stranger).releaseMilestone(id, index))
          .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
          .withArgs(id);
      }
      // The Escrow itself would have released the whole remainder of the disputed deal for the last milestone.
      expect((await escrow.getDealState(dealId)).status).to.equal(EscrowStatus.Disputed);
      expect((await escrow.getDealState(dealId)).released).to.equal(0n);
      expect(await cf.releaseTimeOf(id, 2n)).to.equal(releaseAt);
    });

    it("CF-M3, CF-M4 support below 20% does not block the release; a tally of exactly 20% does", async () => {
      const { cf, token, creator, arbiter, alice, bob, carol, stranger, tokenAddress } =
        await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
      await pledge(cf, alice, id, 2n * UNIT - 1n);
      await pledge(cf, carol, id, 1n);
      await pledge(cf, bob, id, 8n * UNIT);
      await at((await timesOf(cf, id)).deadline);
      await cf.connect(creator).claim(id);
      const { milestones } = await dealOf(cf, id);
      await cf.connect(bob).approveMilestone(id, 0n);
      await cf.connect(bob).approveMilestone(id, 1n);
      await cf.connect(alice).supportDispute(id); // 20% - 1 unit: not open
      await time.increase(RELEASE_DELAY);
      await expect(cf.connect(stranger).releaseMilestone(id, 0n)).to.changeTokenBalance(token, creator, milestones[0]);
      await cf.connect(carol).supportDispute(id); // exactly 20%: open
      await expect(cf.connect(stranger).releaseMilestone(id, 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
        .withArgs(id);
    });

    it("CF-M3 a crossing approval at deal deadline - RELEASE_DELAY + 1 is refused whole (ReleaseTooLate)", async () => {
      const { cf, alice, bob, carol, id, deal } = await claimed("ERC20");
      const dealDeadline = dealDeadlineOf(deal.terms);
      await cf.connect(alice).approveMilestone(id, 0n);
      await at(dealDeadline - RELEASE_DELAY + 1n);
      await expect(cf.connect(bob).approveMilestone(id, 0n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseTooLate")
        .withArgs(id, 0n, dealDeadline);
      expect(await cf.milestoneTally(id, 0n)).to.equal(4n * UNIT);
      // A non-crossing approval is still counted that late.
      await cf.connect(carol).approveMilestone(id, 0n);
      expect(await cf.releaseTimeOf(id, 0n)).to.equal(0n);
    });

    it("CF-M3 a crossing approval at exactly deal deadline - RELEASE_DELAY schedules at the deadline, releasable then", async () => {
      const { cf, token, creator, alice, bob, stranger, id, deal, milestones } = await claimed("ERC20");
      const dealDeadline = dealDeadlineOf(deal.terms);
      await cf.connect(alice).approveMilestone(id, 0n);
      await at(dealDeadline - RELEASE_DELAY);
      await expect(cf.connect(bob).approveMilestone(id, 0n))
        .to.emit(cf, "MilestoneReleaseScheduled")
        .withArgs(id, 0n, dealDeadline);
      await at(dealDeadline);
      await expect(cf.connect(stranger).releaseMilestone(id, 0n)).to.changeTokenBalance(token, creator, milestones[0]);
    });
  });

  it("CF-M3 votes are refused before the claim and on a direct campaign", async () => {
    const { cf, creator, alice, tokenAddress, arbiter } = await loadFixture(crowdfundingFixture);
    const direct = await create(cf, creator, await paramsOf(tokenAddress));
    await expect(cf.connect(alice).approveMilestone(direct, 0n)).to.be.revertedWithCustomError(
      cf,
      "CrowdfundingNoMilestones",
    );
    const running = await create(cf, creator, await paramsOf(ETH, milestoneTerms(arbiter.address)));
    await pledge(cf, alice, running, UNIT);
    await expect(cf.connect(alice).supportDispute(running)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
    await expect(cf.connect(alice).pullReturned(running)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
  });

  it("CF-M4, CF-M5 a 20% dispute, the arbiter's split, and each backer's floor share of what came back", async () => {
    const { cf, escrow, arbiter, alice, bob, carol, id, net, deal, dealId, cfAddress } = await claimed("ETH");
    // carol alone holds 10%: no dispute; alice brings the tally to 50% >= 20%: opened.
    await cf.connect(carol).supportDispute(id);
    expect((await escrow.getDealState(dealId)).status).to.equal(EscrowStatus.Active);
    await expect(cf.connect(alice).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id);
    expect((await escrow.getDealState(dealId)).status).to.equal(EscrowStatus.Disputed);
    await expect(cf.connect(bob).supportDispute(id)).to.not.emit(cf, "DisputeOpened");
    // The arbiter (1% fee) gives the creator a third of the rest; the Escrow pushes the remainder to the campaign.
    const arbiterFee = net / 100n;
    const toCreator = (net - arbiterFee) / 3n;
    const back = net - arbiterFee - toCreator;
    await expect(escrow.connect(arbiter).resolve(deal, toCreator)).to.changeEtherBalance(cfAddress, back);
    expect(await cf.returnedOf(id)).to.deep.equal([back, 0n]);
    const shares = [4n, 5n, 1n].map((w) => (w * UNIT * back) / GOAL);
    await expect(cf.connect(alice).pullReturned(id)).to.changeEtherBalance(alice, shares[0]);
    await expect(cf.connect(alice).pullReturned(id))
      .to.be.revertedWithCustomError(cf, "CrowdfundingNothingReturned")
      .withArgs(id, alice.address);
    await cf.connect(bob).pullReturned(id);
    await expect(cf.connect(carol).pullReturned(id)).to.emit(cf, "ReturnPulled").withArgs(id, carol.address, shares[2]);
    const pulled = shares[0] + shares[1] + shares[2];
    expect(await cf.returnedOf(id)).to.deep.equal([back, pulled]);
    expect(back - pulled).to.be.lessThan(3n); // dust: under one unit per backer, kept and accounted
  });

  it("CF-M5 partial refunds by the creator accumulate: a backer pulls only what is new", async () => {
    const { cf, escrow, token, creator, alice, bob, id, deal, cfAddress } = await claimed("ERC20");
    await escrow.connect(creator).refund(deal, 1_000n);
    await expect(cf.connect(alice).pullReturned(id)).to.changeTokenBalance(token, alice, 400n);
    await escrow.connect(creator).refund(deal, 2_000n);
    await expect(cf.connect(alice).pullReturned(id)).to.changeTokenBalance(token, alice, 800n);
    await expect(cf.connect(bob).pullReturned(id)).to.changeTokenBalance(token, bob, 1_500n);
    expect(await token.balanceOf(cfAddress)).to.equal(3_000n - 1_200n - 1_500n);
  });

  it("CF-M5 the timeout's refund comes back: at the deal deadline nothing, one second later all of it", async () => {
    const { cf, escrow, alice, stranger, id, deal, milestones } = await claimed("ETH");
    const dealDeadline = (deal.terms >> 96n) & ((1n << 40n) - 1n);
    await at(dealDeadline);
    await expect(escrow.connect(stranger).triggerTimeout(deal)).to.be.revertedWithCustomError(
      escrow,
      "EscrowTimeoutNotReached",
    );
    await at(dealDeadline + 1n);
    await escrow.connect(stranger).triggerTimeout(deal);
    const total = milestones.reduce((a, b) => a + b, 0n);
    await expect(cf.connect(alice).pullReturned(id)).to.changeEtherBalance(alice, (4n * UNIT * total) / GOAL);
  });

  it("CF-M7 a return the Escrow had to credit (token blocklisting the campaign) is brought home by the pull", async () => {
    const { cf, escrow, creator, arbiter, alice, bob } = await loadFixture(crowdfundingFixture);
    const blk = await ethers.deployContract("BlocklistToken");
    const blkAddress = await blk.getAddress();
    const cfAddress = await cf.getAddress();
    for (const s of [alice, bob]) {
      await blk.mint(s.address, GOAL);
      await blk.connect(s).approve(cfAddress, GOAL);
    }
    const id = await create(cf, creator, await paramsOf(blkAddress, milestoneTerms(arbiter.address)));
    await cf.connect(alice).pledgeToken(id, 5n * UNIT);
    await cf.connect(bob).pledgeToken(id, 5n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    const { deal } = await dealOf(cf, id);
    await blk.setBlocked(cfAddress, true);
    await escrow.connect(creator).refund(deal, GOAL / 2n);
    expect(await escrow.creditOf(blkAddress, cfAddress)).to.equal(GOAL / 2n);
    await blk.setBlocked(cfAddress, false);
    await expect(cf.connect(alice).pullReturned(id)).to.changeTokenBalance(blk, alice, GOAL / 4n);
    expect(await escrow.creditOf(blkAddress, cfAddress)).to.equal(0n);
    await expect(cf.withdrawEscrowCredit(blkAddress)).to.be.revertedWithCustomError(
      escrow,
      "PullPaymentsNothingToWithdraw",
    );
  });

  it("CF-M4 a campaign without an arbiter cannot dispute; the deal still times out", async () => {
    const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
    const id = await create(
      cf,
      creator,
      await paramsOf(ETH, {
        milestoneBps: [10_000n],
        dealDuration: RELEASE_DELAY + 1n,
        defaultOutcome: 1n,
      }),
    );
    await pledge(cf, alice, id, GOAL);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    await expect(cf.connect(alice).supportDispute(id))
      .to.be.revertedWithCustomError(cf, "CrowdfundingNoArbiter")
      .withArgs(id);
    await time.increase(RELEASE_DELAY + 2n);
    const { deal } = await dealOf(cf, id);
    const escrow = await ethers.getContractAt("Escrow", (await cf.config()).escrow);
    await escrow.triggerTimeout(deal);
    await expect(cf.connect(alice).pullReturned(id)).to.changeEtherBalance(alice, GOAL);
  });
});
