// Finding (rv, adversarial review of CF-M3/CF-M4), NOT fixed in the contract: it needs a decision on the campaign
// terms. The creator, the deal's beneficiary, may dispute in the Escrow directly at any time before the deal's
// deadline, right after the claim included. If the arbiter stays absent, anyone triggers the timeout once the
// dispute window ends and the Escrow splits the remainder by `fallbackBps`: the creator takes that share of the whole
// pot with no backer approval and without RELEASE_DELAY (the window is at least 1 hour). The backers' majority and
// the minority's delay protect only the part the fallback leaves them. A campaign with `fallbackBps = 0` removes the
// lever (the creator's own dispute then refunds everything); the limitation is documented (docs/crowdfunding.md
// CF-M4, docs/security.md Crowdfunding). These tests pin the behaviour, so that a fix (e.g. refusing a non-zero
// fallback for milestone campaigns) shows up here.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  UNIT,
  at,
  create,
  crowdfundingFixture,
  dealOf,
  milestoneTerms,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

async function claimedCampaign(fallbackBps: bigint) {
  const fx = await loadFixture(crowdfundingFixture);
  const { cf, escrow, creator, arbiter, tokenAddress } = fx;
  const terms = { ...milestoneTerms(arbiter.address), fallbackBps };
  const id = await create(cf, creator, await paramsOf(tokenAddress, terms));
  await pledge(cf, fx.alice, id, 6n * UNIT);
  await pledge(cf, fx.carol, id, 4n * UNIT);
  await at((await timesOf(cf, id)).deadline);
  await cf.connect(creator).claim(id);
  const { deal } = await dealOf(cf, id);
  const dealId = await escrow.computeDealId(deal);
  return { ...fx, id, deal, dealId };
}

describe("finding: the creator's own dispute and an absent arbiter pay the fallback share without any approval", () => {
  it("CF-M3, CF-M4 no vote, no delay: creator disputes at the claim, arbiter absent, timeout pays fallbackBps (50%)", async () => {
    const { cf, escrow, token, creator, stranger, id, deal, dealId } = await claimedCampaign(5_000n);
    const before = await token.balanceOf(creator.address);
    await escrow.connect(creator).dispute(deal);
    const { disputedAt } = await escrow.getDealState(dealId);
    const window = 7n * 86_400n;
    // No backer approved anything; the release path stays closed.
    expect(await cf.milestoneTally(id, 2n)).to.equal(0n);
    await expect(cf.connect(stranger).releaseMilestone(id, 2n)).to.be.revertedWithCustomError(
      cf,
      "CrowdfundingReleaseNotReady",
    );
    await time.setNextBlockTimestamp(disputedAt + window + 1n);
    await escrow.connect(stranger).triggerTimeout(deal);
    // 10 units pledged, no campaign fee, no protocol fee: the creator receives half the pot.
    expect((await token.balanceOf(creator.address)) - before).to.equal(5n * UNIT);
    expect((await cf.returnedOf(id)).returned).to.equal(5n * UNIT);
  });

  it("CF-M4 with fallbackBps = 0 the same move refunds the whole pot to the backers", async () => {
    const { cf, escrow, token, creator, stranger, id, deal, dealId } = await claimedCampaign(0n);
    const before = await token.balanceOf(creator.address);
    await escrow.connect(creator).dispute(deal);
    const { disputedAt } = await escrow.getDealState(dealId);
    await time.setNextBlockTimestamp(disputedAt + 7n * 86_400n + 1n);
    await escrow.connect(stranger).triggerTimeout(deal);
    expect(await token.balanceOf(creator.address)).to.equal(before);
    expect((await cf.returnedOf(id)).returned).to.equal(10n * UNIT);
  });
});
