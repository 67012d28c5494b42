// Finding (lead's read of the CF-M3 fix): the scheduled release checked only the backers' own dispute tally. The
// creator, the deal's beneficiary, can dispute in the Escrow directly; the backers' support crossing 20% then called
// the Escrow's dispute again, which reverted, so their dispute could never open; and the Escrow lets its depositor
// release the whole remainder of a disputed deal. A creator holding a majority could so schedule the last milestone,
// dispute in the Escrow first, and take the whole deal after the delay past the arbiter. Now the release is refused
// while the Escrow's deal is disputed, whoever opened it, and the backers' support still counts.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  UNIT,
  at,
  create,
  crowdfundingFixture,
  dealOf,
  majorityClaimed,
  milestoneTerms,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

describe("finding: a creator's own dispute in the Escrow let a majority-scheduled release pass the arbiter", () => {
  it("CF-M3, CF-M4 the creator disputes in the Escrow: the release stays refused and the backers' support still counts", async () => {
    const fx = await loadFixture(crowdfundingFixture);
    const { cf, escrow, token, creator, arbiter, carol, stranger } = fx;
    const { id, deal, dealId, sock1, sock2 } = await majorityClaimed(fx);

    await cf.connect(sock1).approveMilestone(id, 2n);
    await cf.connect(sock2).approveMilestone(id, 2n);
    const releaseAt = await cf.releaseTimeOf(id, 2n);
    // The creator opens the dispute in the Escrow before the backers can.
    await escrow.connect(creator).dispute(deal);
    // The backers' support crossing 20% no longer reverts: it counts, and the dispute is already open.
    await expect(cf.connect(carol).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id);
    expect(await cf.disputeTally(id)).to.equal(2n * UNIT);

    await time.increaseTo(releaseAt);
    await expect(cf.connect(stranger).releaseMilestone(id, 2n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
      .withArgs(id);
    expect((await escrow.getDealState(dealId)).released).to.equal(0n);
    // Only the arbiter's ruling moves the pot.
    await expect(escrow.connect(arbiter).resolve(deal, 0n)).to.changeTokenBalance(token, creator, 0n);
  });

  it("CF-M3 the creator's dispute alone (no backer support) also blocks a scheduled release", async () => {
    const fx = await loadFixture(crowdfundingFixture);
    const { cf, escrow, creator, arbiter, tokenAddress, stranger } = fx;
    const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    await pledge(cf, fx.alice, id, 6n * UNIT);
    await pledge(cf, fx.carol, id, 4n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    const { deal } = await dealOf(cf, id);
    await cf.connect(fx.alice).approveMilestone(id, 0n);
    await escrow.connect(creator).dispute(deal);
    await time.increaseTo(await cf.releaseTimeOf(id, 0n));
    await expect(cf.connect(stranger).releaseMilestone(id, 0n))
      .to.be.revertedWithCustomError(cf, "CrowdfundingDisputeOpen")
      .withArgs(id);
  });
});
