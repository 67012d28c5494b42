// Credits with a token that blocklists (CF-R2, CF-M7, CF-SDK-5): a blocklisted backer's pushed refund is credited
// and later withdrawn through the client; a return the Escrow had to credit to the campaign is brought home by
// withdrawEscrowCredit and then pulled pro rata.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CrowdfundingClient } from "../../../sdk";
import { GOAL, UNIT, createCampaign, expectTokenChange, milestoneParameters, sdkCrowdfundingFixture } from "./fixture";

async function blocklistFixture() {
  const f = await sdkCrowdfundingFixture();
  const blk = await ethers.deployContract("BlocklistToken");
  const blkAddress = await blk.getAddress();
  for (const s of [f.alice, f.bob]) {
    await blk.mint(s.address, GOAL);
    await blk.connect(s).approve(f.cfAddress, GOAL);
  }
  return { ...f, blk, blkAddress };
}

describe("CrowdfundingClient credits with a blocklisting token (CF-R2, CF-M7)", function () {
  it("CF-SDK-5 (CF-R2): a blocklisted backer's pushed refund is credited; unblocked, it withdraws through the client", async function () {
    const f = await loadFixture(blocklistFixture);
    const { campaignId, deadline } = await createCampaign(f, { token: f.blkAddress });
    await f.aliceClient.pledge({ campaignId, amount: 2n * UNIT });
    await f.bobClient.pledge({ campaignId, amount: 3n * UNIT });
    await time.increaseTo(deadline);
    await f.blk.setBlocked(f.alice.address, true);
    const { events } = await f.relayerClient.refundMany({ campaignId, backers: [f.alice.address, f.bob.address] });
    expect(
      events.filter((e) => e.type === "PaymentCredited").map((e) => e.type === "PaymentCredited" && e.account),
    ).to.deep.equal([f.alice.address]);
    expect(await f.reader.creditOf({ token: f.blkAddress, account: f.alice.address })).to.equal(2n * UNIT);
    await f.blk.setBlocked(f.alice.address, false);
    await expectTokenChange(f.blk, f.alice.address, () => f.aliceClient.withdraw({ token: f.blkAddress }), 2n * UNIT);
    expect(await f.reader.creditOf({ token: f.blkAddress, account: f.alice.address })).to.equal(0n);
  });

  it("CF-SDK-8 (CF-M7): withdrawEscrowCredit brings the campaign's Escrow credit home; backers then pull their share", async function () {
    const f = await loadFixture(blocklistFixture);
    const { campaignId, deadline } = await createCampaign(f, {
      token: f.blkAddress,
      ...milestoneParameters(f.arbiter.address),
    });
    await f.aliceClient.pledge({ campaignId, amount: GOAL / 2n });
    await f.bobClient.pledge({ campaignId, amount: GOAL / 2n });
    await time.increaseTo(deadline);
    await f.creatorClient.claim({ campaignId });
    const { deal } = await f.reader.dealOf({ campaignId });
    await f.blk.setBlocked(f.cfAddress, true);
    await f.escrow.connect(f.creator).refund(deal, GOAL / 2n); // the creator gives half back; the push is credited
    expect(await f.escrow.creditOf(f.blkAddress, f.cfAddress)).to.equal(GOAL / 2n);
    await f.blk.setBlocked(f.cfAddress, false);
    const anyone = new CrowdfundingClient({ address: f.cfAddress, runner: f.carol });
    await expectTokenChange(f.blk, f.cfAddress, () => anyone.withdrawEscrowCredit({ token: f.blkAddress }), GOAL / 2n);
    expect(await f.escrow.creditOf(f.blkAddress, f.cfAddress)).to.equal(0n);
    expect((await f.reader.tallies({ campaignId })).returned).to.equal(GOAL / 2n);
    await expectTokenChange(f.blk, f.alice.address, () => f.aliceClient.pullReturned({ campaignId }), GOAL / 4n);
  });
});
