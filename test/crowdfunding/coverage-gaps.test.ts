// Rules whose less travelled paths no other suite reaches (docs/crowdfunding.md CF-C4, CF-C6, CF-P1, CF-M2, CF-O2,
// CF-M5, §7): cancelled campaigns, each refused creation term, an Escrow answering with the wrong deal id, a stranger's
// claim of a direct campaign, `returnedOf` before there is a deal, and a token re-entering every guarded function.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  GOAL,
  type Params,
  UNIT,
  State,
  at,
  create,
  crowdfundingFixture,
  milestoneTerms,
  mineAt,
  now,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

const GUARD_ERROR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

describe("Crowdfunding: coverage gaps", () => {
  describe("CF-C4, CF-P1 cancelled campaigns", () => {
    it("CF-C4, CF-P1 well before the deadline, a second cancel and any pledge to a cancelled campaign revert WrongState(Cancelled)", async () => {
      const { cf, creator, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
      for (const asset of [ETH, tokenAddress]) {
        const id = await create(cf, creator, await paramsOf(asset));
        await cf.connect(creator).cancel(id);
        // Far from the deadline: only the cancelled flag refuses these.
        expect((await timesOf(cf, id)).deadline - (await now())).to.be.greaterThan(DAY);
        await expect(cf.connect(creator).cancel(id))
          .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
          .withArgs(id, State.Cancelled);
        await expect(pledge(cf, alice, id, UNIT))
          .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
          .withArgs(id, State.Cancelled);
      }
    });

    it("CF-C4 a campaign without pledges is refused a cancel at its deadline; one with a pledge before it", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const empty = await create(cf, creator, await paramsOf(ETH));
      const pledged = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, pledged, UNIT);
      await expect(cf.connect(creator).cancel(pledged))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(pledged, State.Running);
      await at((await timesOf(cf, empty)).deadline);
      await expect(cf.connect(creator).cancel(empty))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(empty, State.Failed);
    });
  });

  describe("CF-C6 creation terms", () => {
    it("CF-C6 a direct campaign with any one escrow term set reverts InvalidDealTerms", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const terms: Partial<Params>[] = [
        { arbiter: arbiter.address },
        { dealDuration: 30n * DAY },
        { disputeWindow: DAY },
        { defaultOutcome: 1n },
        { fallbackBps: 1n },
        { arbiterFeeBps: 1n },
      ];
      for (const t of terms) {
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, t)),
          Object.keys(t)[0],
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidDealTerms");
      }
      await expect(cf.connect(creator).createCampaign(await paramsOf(ETH))).to.emit(cf, "CampaignCreated");
    });

    it("CF-C6 a zero share, shares over 10,000, or a share worth under one unit of the smallest pot revert InvalidMilestones", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const m = milestoneTerms(arbiter.address);
      const cases: Partial<Params>[] = [
        { milestoneBps: [0n, 10_000n] },
        { milestoneBps: [6_000n, 5_000n] },
        // goal 1 wei: a 50% milestone of it is half a unit.
        { goal: 1n, milestoneBps: [5_000n, 5_000n] },
      ];
      for (const c of cases) {
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, { ...m, ...c })),
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidMilestones");
      }
      // A whole-pot milestone of a 1-wei goal is one unit: accepted.
      await expect(
        cf.connect(creator).createCampaign(await paramsOf(ETH, { ...m, goal: 1n, milestoneBps: [10_000n] })),
      ).to.emit(cf, "CampaignCreated");
    });

    it("CF-C6 the creator, the Crowdfunding contract or the Escrow as arbiter revert InvalidArbiter", async () => {
      const { cf, escrow, creator, cfAddress } = await loadFixture(crowdfundingFixture);
      for (const who of [cfAddress, creator.address, await escrow.getAddress()]) {
        await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, milestoneTerms(who))))
          .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidArbiter")
          .withArgs(who);
      }
    });
  });

  describe("CF-M2 the deal is the one the Escrow created", () => {
    it("CF-M2 an Escrow answering createDeal with another deal's id makes the claim revert InvalidDealTerms; the pot stays", async () => {
      const { escrow, owner, creator, arbiter, alice } = await loadFixture(crowdfundingFixture);
      const fake = await ethers.deployContract("CoverageWrongIdEscrow", [await escrow.getAddress()]);
      const cf = await ethers.deployContract("Crowdfunding", [owner.address, await fake.getAddress()]);
      const id = await create(cf, creator, await paramsOf(ETH, milestoneTerms(arbiter.address)));
      await pledge(cf, alice, id, GOAL);
      await mineAt((await timesOf(cf, id)).deadline);
      await expect(cf.connect(creator).claim(id)).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidDealTerms");
      expect(await cf.stateOf(id)).to.equal(State.Succeeded);
      expect(await ethers.provider.getBalance(await cf.getAddress())).to.equal(GOAL);
    });
  });

  describe("CF-O2 who claims", () => {
    it("CF-O2 a stranger's claim of a succeeded direct campaign reverts Unauthorized; the creator's then pays out", async () => {
      const { cf, creator, alice, stranger } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, id, GOAL);
      await mineAt((await timesOf(cf, id)).deadline);
      await expect(cf.connect(stranger).claim(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingUnauthorized")
        .withArgs(id, stranger.address);
      expect(await cf.stateOf(id)).to.equal(State.Succeeded);
      await expect(cf.connect(creator).claim(id)).to.changeEtherBalance(creator, GOAL);
      expect(await cf.stateOf(id)).to.equal(State.Claimed);
    });
  });

  describe("CF-M5 returnedOf", () => {
    it("CF-M5 returnedOf is (0, 0) for a claimed direct campaign and for a milestone campaign not yet claimed", async () => {
      const { cf, creator, arbiter, alice } = await loadFixture(crowdfundingFixture);
      const direct = await create(cf, creator, await paramsOf(ETH));
      const milestone = await create(cf, creator, await paramsOf(ETH, milestoneTerms(arbiter.address)));
      await pledge(cf, alice, direct, GOAL);
      await pledge(cf, alice, milestone, GOAL);
      await mineAt((await timesOf(cf, milestone)).deadline);
      await cf.connect(creator).claim(direct);
      expect(await cf.returnedOf(direct)).to.deep.equal([0n, 0n]);
      expect(await cf.stateOf(milestone)).to.equal(State.Succeeded);
      expect(await cf.returnedOf(milestone)).to.deep.equal([0n, 0n]);
      // Once claimed the deal exists and returnedOf reads the Escrow's counter: nothing is returned yet.
      await cf.connect(creator).claim(milestone);
      expect(await cf.returnedOf(milestone)).to.deep.equal([0n, 0n]);
    });
  });

  describe("CF-I1, §7 Reentrancy: every function that calls out is guarded", () => {
    it("CF-I1 a token re-entering pledgeWithPermit, pledgeBySig, unpledge, refund, refundMany, claim, the milestone functions or withdraw from a pledge's transferFrom is stopped by the guard", async () => {
      const { cf, creator, alice, cfAddress } = await loadFixture(crowdfundingFixture);
      const rt = await ethers.deployContract("ReentrantToken");
      const rtAddress = await rt.getAddress();
      await rt.mint(alice.address, 100n * GOAL);
      await rt.connect(alice).approve(cfAddress, ethers.MaxUint256);
      const id = await create(cf, creator, await paramsOf(rtAddress));
      const calls: [string, unknown[]][] = [
        ["pledgeWithPermit", [id, 1n, 0n, 0, ethers.ZeroHash, ethers.ZeroHash]],
        ["pledgeBySig", [id, alice.address, 1n, ethers.MaxUint256, "0x"]],
        ["unpledge", [id, 1n]],
        ["refund", [id]],
        ["refundMany", [id, [alice.address]]],
        ["claim", [id]],
        ["approveMilestone", [id, 0n]],
        ["releaseMilestone", [id, 0n]],
        ["supportDispute", [id]],
        ["pullReturned", [id]],
        ["withdrawEscrowCredit", [rtAddress]],
        ["withdraw", [rtAddress, alice.address]],
      ];
      for (const [name, args] of calls) {
        await rt.arm(cfAddress, cf.interface.encodeFunctionData(name as never, args as never), true);
        await cf.connect(alice).pledgeToken(id, UNIT);
        expect(await rt.attempted(), name).to.equal(true);
        expect(await rt.reentrySucceeded(), name).to.equal(false);
        expect(await rt.reentryReturn(), name).to.equal(GUARD_ERROR);
      }
      // Every outer pledge counted, and nothing re-entered moved the pledge.
      expect((await cf.campaign(id)).total).to.equal(BigInt(calls.length) * UNIT);
      expect((await cf.pledgeOf(id, alice.address))[0]).to.equal(BigInt(calls.length) * UNIT);
    });
  });
});
