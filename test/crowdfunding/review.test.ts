// Adversarial review (rev-cf): rules of docs/crowdfunding.md §6 that no other test would catch breaking: an Escrow
// refusal reverts the release (CF-M3), a backer supports a dispute once and its vote bits are independent (CF-M4),
// and what one deal returns is never pulled through another campaign in the same token (CF-M5).
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Crowdfunding } from "../../typechain-types";
import {
  GOAL,
  RELEASE_DELAY,
  UNIT,
  at,
  create,
  crowdfundingFixture,
  milestoneTerms,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

async function dealOf(cf: Crowdfunding, id: bigint) {
  const [d] = await cf.dealOf(id);
  return {
    depositor: d.depositor,
    beneficiary: d.beneficiary,
    arbiter: d.arbiter,
    token: d.token,
    terms: d.terms,
    milestonesHash: d.milestonesHash,
  };
}

/** A claimed ERC20 milestone campaign (30/30/40): alice 4, bob 5, carol 1. */
async function claimed() {
  const fx = await loadFixture(crowdfundingFixture);
  const { cf, creator, arbiter, alice, bob, carol, tokenAddress } = fx;
  const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
  await pledge(cf, alice, id, 4n * UNIT);
  await pledge(cf, bob, id, 5n * UNIT);
  await pledge(cf, carol, id, 1n * UNIT);
  await at((await timesOf(cf, id)).deadline);
  await (await cf.connect(creator).claim(id)).wait();
  return { ...fx, id, deal: await dealOf(cf, id) };
}

describe("Crowdfunding: milestone votes and returns under attack (review)", () => {
  it("CF-M3 an approval crossing half while the deal is disputed only schedules; the release is refused (DisputeOpen)", async () => {
    const { cf, escrow, alice, bob, stranger, id, deal } = await claimed();
    await cf.connect(alice).supportDispute(id); // 40% >= 20%: the deal is disputed
    await cf.connect(alice).approveMilestone(id, 0n); // 40%: no crossing, counted
    await expect(cf.connect(bob).approveMilestone(id, 0n)).to.emit(cf, "MilestoneReleaseScheduled");
    expect(await cf.milestoneTally(id, 0n)).to.equal(9n * UNIT);
    await time.increase(RELEASE_DELAY);
    await expect(cf.connect(stranger).releaseMilestone(id, 0n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
      .withArgs(id);
    expect((await escrow.getDealState(await escrow.computeDealId(deal))).released).to.equal(0n);
  });

  it("CF-M3 a milestone already covered by a later release: its own release reverts in the Escrow, stays scheduled", async () => {
    const { cf, escrow, alice, bob, stranger, id } = await claimed();
    await cf.connect(bob).approveMilestone(id, 1n);
    await cf.connect(alice).approveMilestone(id, 1n);
    await cf.connect(alice).approveMilestone(id, 0n);
    await expect(cf.connect(bob).approveMilestone(id, 0n)).to.emit(cf, "MilestoneReleaseScheduled");
    await time.increase(RELEASE_DELAY);
    await expect(cf.connect(stranger).releaseMilestone(id, 1n)).to.emit(cf, "MilestoneReleased").withArgs(id, 1n);
    const releaseAt = await cf.releaseTimeOf(id, 0n);
    await expect(cf.connect(stranger).releaseMilestone(id, 0n))
      .to.be.revertedWithCustomError(escrow, "EscrowMilestoneAlreadyReleased")
      .withArgs(0n);
    expect(await cf.releaseTimeOf(id, 0n)).to.equal(releaseAt);
  });

  it("CF-M4 a backer supports a dispute once; its approval bits and dispute bit are independent", async () => {
    const { cf, carol, id } = await claimed();
    await cf.connect(carol).approveMilestone(id, 0n);
    await expect(cf.connect(carol).supportDispute(id))
      .to.emit(cf, "DisputeSupported")
      .withArgs(id, carol.address, UNIT);
    await expect(cf.connect(carol).supportDispute(id))
      .to.be.revertedWithCustomError(cf, "CrowdfundingAlreadyVoted")
      .withArgs(id, carol.address);
    expect(await cf.disputeTally(id)).to.equal(UNIT);
    await cf.connect(carol).approveMilestone(id, 1n);
    expect((await cf.pledgeOf(id, carol.address))[2]).to.equal(3n + (1n << 16n));
  });

  it("CF-M4 support of exactly 20% of the total opens the dispute; just below does not", async () => {
    const { cf, escrow, creator, arbiter, alice, bob, carol, tokenAddress } = await loadFixture(crowdfundingFixture);
    const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    await pledge(cf, alice, id, 2n * UNIT - 1n);
    await pledge(cf, carol, id, 1n);
    await pledge(cf, bob, id, 8n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    await expect(cf.connect(alice).supportDispute(id)).to.not.emit(cf, "DisputeOpened");
    await expect(cf.connect(carol).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id);
    expect((await escrow.getDealState(await escrow.computeDealId(await dealOf(cf, id)))).status).to.equal(3n);
  });

  it("CF-M5 two campaigns in one token: one deal's returns are pulled only through its own campaign", async () => {
    const { cf, escrow, creator, arbiter, alice, bob, tokenAddress, token } = await loadFixture(crowdfundingFixture);
    const a = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    const b = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    await pledge(cf, alice, a, GOAL);
    await pledge(cf, bob, b, GOAL);
    await pledge(cf, alice, b, UNIT);
    await at((await timesOf(cf, b)).deadline);
    await cf.connect(creator).claim(a);
    await cf.connect(creator).claim(b);
    await escrow.connect(creator).refund(await dealOf(cf, a), GOAL);
    expect(await cf.returnedOf(b)).to.deep.equal([0n, 0n]);
    await expect(cf.connect(bob).pullReturned(b)).to.be.revertedWithCustomError(cf, "CrowdfundingNothingReturned");
    await expect(cf.connect(alice).pullReturned(b)).to.be.revertedWithCustomError(cf, "CrowdfundingNothingReturned");
    await expect(cf.connect(alice).pullReturned(a)).to.changeTokenBalance(token, alice, GOAL);
    expect(await cf.returnedOf(a)).to.deep.equal([GOAL, GOAL]);
  });
});
