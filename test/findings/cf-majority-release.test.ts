// Finding (review of CF-M3): milestone votes weigh pledges, and the approval that crossed half released the milestone
// in the same transaction. A creator backing their own campaign with more than half the total under other addresses
// could approve the last milestone right after the claim and take the whole deal, the minority's pledges included,
// before backers holding 20% could open a dispute. Now the crossing approval only schedules the release
// RELEASE_DELAY (3 days) later, and a dispute opened meanwhile blocks it; the arbiter rules instead.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { RELEASE_DELAY, UNIT, crowdfundingFixture, majorityClaimed, now } from "../helpers/crowdfunding";

describe("finding: a creator holding a majority under other addresses releases the whole deal at once", () => {
  it("CF-M3 the creator's 60% schedules the last milestone but cannot release it before the 40% minority disputes", async () => {
    const fx = await loadFixture(crowdfundingFixture);
    const { cf, escrow, token, creator, arbiter, carol } = fx;
    // alice and bob are the creator's own addresses: 3.5 + 2.5 = 60% of the total; carol and stranger hold 40%.
    const { id, deal, milestones, dealId, sock1, sock2 } = await majorityClaimed(fx);
    const net = milestones.reduce((a, b) => a + b, 0n);

    // Right after the claim the majority approves the last milestone (the whole deal): nothing moves.
    await cf.connect(sock1).approveMilestone(id, 2n);
    const crossing = cf.connect(sock2).approveMilestone(id, 2n);
    await expect(crossing).to.changeTokenBalances(token, [creator, escrow], [0n, 0n]);
    await expect(crossing).not.to.emit(escrow, "DealReleased");
    const releaseAt = await cf.releaseTimeOf(id, 2n);
    expect(releaseAt).to.equal((await now()) + RELEASE_DELAY);
    await expect(cf.connect(creator).releaseMilestone(id, 2n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingReleaseNotReady")
      .withArgs(id, 2n, releaseAt);

    // The minority disputes within the delay; at releaseAt the release stays refused.
    // carol's 20% alone reaches DISPUTE_SHARE_BPS.
    await expect(cf.connect(carol).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id);
    await time.increaseTo(releaseAt);
    await expect(cf.connect(creator).releaseMilestone(id, 2n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
      .withArgs(id);
    expect((await escrow.getDealState(dealId)).released).to.equal(0n);

    // The arbiter rules (1% fee): a quarter of the rest to the creator, the remainder back to the campaign.
    const arbiterFee = net / 100n;
    const toCreator = (net - arbiterFee) / 4n;
    const back = net - arbiterFee - toCreator;
    await escrow.connect(arbiter).resolve(deal, toCreator);
    await expect(cf.connect(carol).pullReturned(id)).to.changeTokenBalance(token, carol, (2n * UNIT * back) / net);
    expect(await ethers.provider.getBalance(await cf.getAddress())).to.equal(0n);
  });
});
