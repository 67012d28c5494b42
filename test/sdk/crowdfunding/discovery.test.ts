// Listings from events (CF-SDK-7): a creator's campaigns, a backer's backings with the net pledge reconstructed from
// Pledged / Unpledged / Refunded and the chain's state now, an arbiter's campaigns; across several campaigns and
// backers, with block ranges, chunked queries and pages.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CampaignState } from "../../../sdk";
import { GOAL, UNIT, createCampaign, milestoneParameters, sdkCrowdfundingFixture } from "./fixture";

/** Three creators' campaigns and three backers: pledges, a withdrawal, a failed campaign refunded by pull and push. */
async function historyFixture() {
  const f = await sdkCrowdfundingFixture();
  const first = await ethers.provider.getBlockNumber();
  const a = await createCampaign(f); // ETH, will fail
  const b = await createCampaign(f, { token: f.tokenAddress }); // ERC20, will succeed
  const m = await createCampaign(f, { token: f.tokenAddress, ...milestoneParameters(f.arbiter.address) });
  const byAlice = await f.aliceClient.createCampaign({ goal: GOAL, deadline: a.deadline }); // another creator
  await f.aliceClient.pledge({ campaignId: a.campaignId, amount: 3n * UNIT });
  await f.aliceClient.unpledge({ campaignId: a.campaignId, amount: UNIT });
  await f.aliceClient.pledge({ campaignId: a.campaignId, amount: UNIT / 2n });
  await f.bobClient.pledge({ campaignId: a.campaignId, amount: 2n * UNIT });
  await f.aliceClient.pledge({ campaignId: b.campaignId, amount: 6n * UNIT });
  await f.bobClient.pledge({ campaignId: b.campaignId, amount: 4n * UNIT });
  await f.carolClient.pledge({ campaignId: m.campaignId, amount: UNIT });
  const middle = await ethers.provider.getBlockNumber();
  await time.increaseTo(a.deadline);
  await f.aliceClient.refund({ campaignId: a.campaignId });
  await f.carolClient.refundMany({ campaignId: a.campaignId, backers: [f.bob.address] });
  await f.creatorClient.claim({ campaignId: b.campaignId });
  return { ...f, first, middle, a, b, m, byAlice: byAlice.campaignId };
}

describe("CrowdfundingClient listings from events (CF-SDK-7)", function () {
  it("campaignsOf lists exactly a creator's campaigns, oldest first, with their terms", async function () {
    const f = await loadFixture(historyFixture);
    const { campaigns, nextFromBlock } = await f.reader.campaignsOf({ creator: f.creator.address });
    expect(campaigns.map((c) => c.campaignId)).to.deep.equal([f.a.campaignId, f.b.campaignId, f.m.campaignId]);
    expect(campaigns[1]).to.deep.include({ token: f.tokenAddress, goal: GOAL, creator: f.creator.address });
    expect(campaigns[2].milestoneBps).to.deep.equal([3_000, 3_000, 4_000]);
    expect(nextFromBlock).to.equal(null);
    const alice = await f.reader.campaignsOf({ creator: f.alice.address });
    expect(alice.campaigns.map((c) => c.campaignId)).to.deep.equal([f.byAlice]);
  });

  it("backingsOf reconstructs each backing from Pledged, Unpledged and Refunded, beside the pledge and state now", async function () {
    const f = await loadFixture(historyFixture);
    const { backings } = await f.reader.backingsOf({ backer: f.alice.address });
    expect(backings.map((b) => b.campaignId)).to.deep.equal([f.a.campaignId, f.b.campaignId]);
    const [failed, claimed] = backings;
    expect(failed).to.deep.include({
      pledged: 3n * UNIT + UNIT / 2n,
      unpledged: UNIT,
      refunded: 2n * UNIT + UNIT / 2n,
      netFromEvents: 0n,
      pledge: 0n,
    });
    expect(failed.campaign.state).to.equal(CampaignState.Failed);
    expect(claimed).to.deep.include({ pledged: 6n * UNIT, unpledged: 0n, refunded: 0n, netFromEvents: 6n * UNIT });
    expect(claimed.pledge).to.equal(6n * UNIT);
    expect(claimed.campaign.state).to.equal(CampaignState.Claimed);
    // Bob's refund was pushed by someone else (refundMany): still his Refunded event.
    const bob = await f.reader.backingsOf({ backer: f.bob.address });
    expect(bob.backings[0]).to.deep.include({ campaignId: f.a.campaignId, refunded: 2n * UNIT, netFromEvents: 0n });
    expect((await f.reader.backingsOf({ backer: f.stranger.address })).backings).to.deep.equal([]);
  });

  it("a range that misses the refunds shows the net from its events, and the pledge read now tells the truth", async function () {
    const f = await loadFixture(historyFixture);
    const { backings, toBlock } = await f.reader.backingsOf({ backer: f.alice.address, toBlock: f.middle });
    expect(toBlock).to.equal(f.middle);
    expect(backings[0]).to.deep.include({
      campaignId: f.a.campaignId,
      netFromEvents: 2n * UNIT + UNIT / 2n,
      pledge: 0n,
    });
    const later = await f.reader.backingsOf({ backer: f.alice.address, fromBlock: f.middle + 1 });
    expect(later.backings.map((b) => [b.campaignId, b.refunded])).to.deep.equal([
      [f.a.campaignId, 2n * UNIT + UNIT / 2n],
    ]);
  });

  it("chunked queries (blockRange 1) give the same lists; limit pages with nextFromBlock and the pages add up", async function () {
    const f = await loadFixture(historyFixture);
    const whole = await f.reader.backingsOf({ backer: f.alice.address, fromBlock: f.first });
    const chunked = await f.reader.backingsOf({ backer: f.alice.address, fromBlock: f.first, blockRange: 1 });
    expect(chunked.backings).to.deep.equal(whole.backings);
    const ids = [];
    let page = await f.reader.campaignsOf({ creator: f.creator.address, fromBlock: f.first, limit: 1, blockRange: 1 });
    ids.push(...page.campaigns.map((c) => c.campaignId));
    expect(page.nextFromBlock).to.not.equal(null);
    while (page.nextFromBlock !== null) {
      page = await f.reader.campaignsOf({
        creator: f.creator.address,
        fromBlock: page.nextFromBlock,
        toBlock: page.toBlock,
        limit: 1,
        blockRange: 1,
      });
      ids.push(...page.campaigns.map((c) => c.campaignId));
    }
    expect(ids).to.deep.equal([f.a.campaignId, f.b.campaignId, f.m.campaignId]);
  });

  it("arbiterCampaigns lists the campaigns naming the arbiter, read now", async function () {
    const f = await loadFixture(historyFixture);
    const { campaigns } = await f.reader.arbiterCampaigns({ arbiter: f.arbiter.address });
    expect(campaigns.map((c) => [c.campaignId, c.arbiter, c.milestoneCount])).to.deep.equal([
      [f.m.campaignId, f.arbiter.address, 3],
    ]);
    expect((await f.reader.arbiterCampaigns({ arbiter: f.creator.address })).campaigns).to.deep.equal([]);
  });
});
