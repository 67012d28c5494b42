// Finding (rev-cf): a succeeded milestone campaign whose creator never claims locked the backers' pot for good: only
// the creator could claim, a succeeded campaign has no refund (CF-O3), so the Escrow's protections (its timeout's
// refund, a dispute) were never reached. The claim of a milestone campaign only moves the pot into the deal the
// backers are protected by, so anyone may make it; a direct campaign's claim stays the creator's.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  GOAL,
  RELEASE_DELAY,
  UNIT,
  at,
  create,
  crowdfundingFixture,
  dealDeadlineOf,
  milestoneTerms,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

describe("finding: a milestone campaign's pot held hostage by an absent creator", () => {
  it("CF-O2, CF-M2, CF-M3 a backer claims a succeeded milestone campaign into the creator's deal; the timeout refunds it", async () => {
    const { cf, escrow, creator, arbiter, alice, bob, tokenAddress, token } = await loadFixture(crowdfundingFixture);
    // defaultOutcome 1 (Refund): the deal returns the pot to the backers unless they approve releases.
    const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    await pledge(cf, alice, id, 4n * UNIT);
    await pledge(cf, bob, id, 6n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    const tx = cf.connect(alice).claim(id);
    await expect(tx).to.emit(cf, "Claimed");
    const claimBlock = (await (await tx).wait())!.blockNumber;
    const [d] = await cf.dealOf(id);
    const deal = {
      depositor: d.depositor,
      beneficiary: d.beneficiary,
      arbiter: d.arbiter,
      token: d.token,
      terms: d.terms,
      milestonesHash: d.milestonesHash,
    };
    expect(deal.beneficiary).to.equal(creator.address);
    // A majority approval made too late to leave the minority its whole delay before the deal's deadline is refused
    // (CF-M3): the deal ends by its timeout instead.
    const dealDeadline = dealDeadlineOf(deal.terms);
    await cf.connect(alice).approveMilestone(id, 0n);
    await at(dealDeadline - RELEASE_DELAY + 1n);
    await expect(cf.connect(bob).approveMilestone(id, 0n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseTooLate")
      .withArgs(id, 0n, dealDeadline);
    // The creator never shows up: one second after the deal's deadline the Escrow refunds the pot to the campaign.
    expect(dealDeadline).to.equal(BigInt((await ethers.provider.getBlock(claimBlock))!.timestamp) + 30n * DAY);
    await at(dealDeadline + 1n);
    await escrow.triggerTimeout(deal);
    await expect(cf.connect(bob).pullReturned(id)).to.changeTokenBalance(token, bob, 6n * UNIT);
    await expect(cf.connect(alice).pullReturned(id)).to.changeTokenBalance(token, alice, 4n * UNIT);
    expect(GOAL).to.equal(10n * UNIT);
  });

  it("CF-O2 a direct campaign's claim stays the creator's", async () => {
    const { cf, creator, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
    const id = await create(cf, creator, await paramsOf(tokenAddress));
    await pledge(cf, alice, id, GOAL);
    await at((await timesOf(cf, id)).deadline);
    await expect(cf.connect(alice).claim(id))
      .to.be.revertedWithCustomError(cf, "CrowdfundingUnauthorized")
      .withArgs(id, alice.address);
  });
});
