// docs/crowdfunding.md §1–§3: campaign ids, creation bounds (CF-C1…C7), cancellation (CF-C4), the owner's only power.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  GOAL,
  MAX_DURATION,
  MAX_FEE_BPS,
  RELEASE_DELAY,
  State,
  UNIT,
  ZERO,
  at,
  create,
  crowdfundingFixture,
  milestoneTerms,
  now,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

describe("Crowdfunding: creation", () => {
  describe("CF-S2 a campaign id carries its asset", () => {
    it("an ETH campaign's id is its sequence number; an ERC20 one's has the token in bits 96..255", async () => {
      const { cf, creator, tokenAddress } = await loadFixture(crowdfundingFixture);
      const ethId = await create(cf, creator, await paramsOf(ETH));
      const tokenId = await create(cf, creator, await paramsOf(tokenAddress));
      expect(ethId).to.equal(1n);
      expect(tokenId).to.equal((BigInt(tokenAddress) << 96n) | 2n);
      expect((await cf.campaign(tokenId)).token).to.equal(tokenAddress);
      expect(await cf.stateOf(tokenId)).to.equal(State.Running);
    });

    it("an id with another asset part finds no campaign: None, and pledges revert WrongState(None)", async () => {
      const { cf, creator, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
      const tokenId = await create(cf, creator, await paramsOf(tokenAddress));
      const forged = tokenId & ((1n << 96n) - 1n); // the same sequence, ETH
      expect(await cf.stateOf(forged)).to.equal(State.None);
      await expect(pledge(cf, alice, forged, UNIT))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(forged, State.None);
    });

    it("emits CampaignCreated indexed by id, creator and token with the effective start", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const params = await paramsOf(ETH);
      const t = (await now()) + 1n;
      await at(t);
      await expect(cf.connect(creator).createCampaign(params)).to.emit(cf, "CampaignCreated");
      const { start } = await timesOf(cf, 1n);
      expect(start).to.equal(t);
    });
  });

  describe("CF-C1 … CF-C3, CF-C7 bounds", () => {
    it("CF-C1 refuses a token without code", async () => {
      const { cf, creator, stranger } = await loadFixture(crowdfundingFixture);
      await expect(cf.connect(creator).createCampaign(await paramsOf(stranger.address)))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidToken")
        .withArgs(stranger.address);
    });

    it("CF-C2 refuses a zero goal, a goal of 2^96, a cap below the goal or of 2^96; accepts cap == goal", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const big = 1n << 96n;
      for (const [goal, cap] of [
        [0n, 0n],
        [big, 0n],
        [GOAL, GOAL - 1n],
        [GOAL, big],
      ]) {
        await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, { goal, cap })))
          .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidGoal")
          .withArgs(goal, cap);
      }
      await create(cf, creator, await paramsOf(ETH, { goal: big - 1n, cap: big - 1n }));
      await create(cf, creator, await paramsOf(ETH, { cap: GOAL }));
    });

    it("CF-C3 deadline at now + MAX_DURATION accepted, one second later refused; deadline <= start refused", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const t = (await now()) + 10n;
      await at(t);
      await create(cf, creator, await paramsOf(ETH, { deadline: t + MAX_DURATION }));
      await at(t + 1n);
      await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, { deadline: t + 2n + MAX_DURATION })))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidTimes")
        .withArgs(0n, t + 2n + MAX_DURATION);
      const start = t + DAY;
      await expect(
        cf.connect(creator).createCampaign(await paramsOf(ETH, { start, deadline: start })),
      ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidTimes");
      const past = await now();
      await expect(
        cf.connect(creator).createCampaign(await paramsOf(ETH, { deadline: past })),
      ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidTimes");
    });

    it("CF-C3 a start in the past means now", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const t = (await now()) + 5n;
      await at(t);
      const id = await create(cf, creator, await paramsOf(ETH, { start: 1n }));
      expect((await timesOf(cf, id)).start).to.equal(t);
    });

    it("CF-C7 a minimum pledge above the goal is refused; 0 means 1", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, { minPledge: GOAL + 1n })))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidMinPledge")
        .withArgs(GOAL + 1n);
      const id = await create(cf, creator, await paramsOf(ETH));
      expect((await cf.campaign(id)).minPledge).to.equal(1n);
    });
  });

  describe("CF-C5 fees", () => {
    it("refuses a fee above MAX_FEE_BPS, a fee without any recipient, a recipient without a fee, this contract", async () => {
      const { cf, creator, platform, cfAddress } = await loadFixture(crowdfundingFixture);
      const cases: [bigint, string][] = [
        [MAX_FEE_BPS + 1n, platform.address],
        [100n, ZERO],
        [0n, platform.address],
        [100n, cfAddress],
      ];
      for (const [feeBps, feeRecipient] of cases) {
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, { feeBps, feeRecipient })),
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidFee");
      }
      await create(cf, creator, await paramsOf(ETH, { feeBps: MAX_FEE_BPS, feeRecipient: platform.address }));
    });

    it("copies the owner's default recipient at creation: a later change does not redirect the campaign's fee", async () => {
      const { cf, owner, creator, platform, stranger } = await loadFixture(crowdfundingFixture);
      await expect(cf.connect(owner).setDefaultFeeRecipient(platform.address))
        .to.emit(cf, "DefaultFeeRecipientSet")
        .withArgs(platform.address);
      const id = await create(cf, creator, await paramsOf(ETH, { feeBps: 100n }));
      await cf.connect(owner).setDefaultFeeRecipient(stranger.address);
      expect((await cf.campaign(id)).feeRecipient).to.equal(platform.address);
      expect((await cf.config()).defaultFeeRecipient).to.equal(stranger.address);
    });

    it("CF-I3 only the owner sets the default recipient, never to this contract", async () => {
      const { cf, owner, stranger, cfAddress } = await loadFixture(crowdfundingFixture);
      await expect(cf.connect(stranger).setDefaultFeeRecipient(stranger.address)).to.be.revertedWithCustomError(
        cf,
        "OwnableUnauthorizedAccount",
      );
      await expect(cf.connect(owner).setDefaultFeeRecipient(cfAddress)).to.be.revertedWithCustomError(
        cf,
        "CrowdfundingInvalidFee",
      );
    });
  });

  describe("CF-C6, CF-M1 milestone terms", () => {
    it("direct campaigns refuse any escrow term", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      for (const over of [
        { arbiter: arbiter.address },
        { dealDuration: DAY },
        { disputeWindow: DAY },
        { fallbackBps: 1n },
      ]) {
        await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, over))).to.be.revertedWithCustomError(
          cf,
          "CrowdfundingInvalidDealTerms",
        );
      }
    });

    it("refuses shares that do not sum to 10,000, a zero share, 17 shares, a share too small for the goal", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const terms = milestoneTerms(arbiter.address);
      for (const milestoneBps of [[5_000n, 4_999n], [10_000n, 0n], Array(17).fill(1n), [1n, 9_999n]]) {
        const goal = milestoneBps[0] === 1n ? 9_999n : GOAL;
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, milestoneBps, goal })),
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidMilestones");
      }
      await create(cf, creator, await paramsOf(ETH, { ...terms, milestoneBps: [1n, 9_999n], goal: 10_000n }));
    });

    it("refuses the creator, this contract or the Escrow as arbiter", async () => {
      const { cf, creator, escrow, cfAddress } = await loadFixture(crowdfundingFixture);
      for (const a of [creator.address, cfAddress, await escrow.getAddress()]) {
        await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, milestoneTerms(a))))
          .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidArbiter")
          .withArgs(a);
      }
    });

    it("refuses terms the Escrow would refuse (window below an hour, deal beyond 10 years, zero duration)", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const terms = milestoneTerms(arbiter.address);
      for (const over of [
        { disputeWindow: 60n },
        { dealDuration: 3_651n * DAY },
        { dealDuration: 0n },
        { arbiterFeeBps: 1_001n },
      ]) {
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, ...over })),
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidDealTerms");
      }
      // No arbiter: the Escrow needs every arbiter term at zero.
      const id = await create(
        cf,
        creator,
        await paramsOf(ETH, { ...terms, arbiter: ZERO, disputeWindow: 0n, fallbackBps: 0n, arbiterFeeBps: 0n }),
      );
      expect((await cf.campaign(id)).milestoneCount).to.equal(3n);
    });

    it("CF-M3 dealDuration = RELEASE_DELAY is refused (no milestone could ever be released); one second more accepted", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const terms = milestoneTerms(arbiter.address);
      await expect(
        cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, dealDuration: RELEASE_DELAY })),
      ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidDealTerms");
      const id = await create(cf, creator, await paramsOf(ETH, { ...terms, dealDuration: RELEASE_DELAY + 1n }));
      expect((await cf.campaign(id)).milestoneCount).to.equal(3n);
    });

    it("CF-C6 a dealDuration of 2^32 or more (past the uint32 it is stored in) reverts InvalidDealTerms", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      const terms = milestoneTerms(arbiter.address);
      // The contract's own bound, checked first so that the cast can never wrap; the Escrow's 10-year bound
      // (packTerms) would refuse these too, which is why this branch is a backstop (docs/security.md §8).
      for (const dealDuration of [2n ** 32n, 2n ** 32n + 30n * DAY]) {
        await expect(
          cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, dealDuration })),
        ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidDealTerms");
      }
    });

    it("announces the arbiter with an indexed CampaignArbiter event", async () => {
      const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
      await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, milestoneTerms(arbiter.address))))
        .to.emit(cf, "CampaignArbiter")
        .withArgs(1n, arbiter.address);
    });
  });

  describe("CF-C4 cancel", () => {
    it("the creator cancels a campaign without pledges at deadline-1; cancelled is terminal", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      const { deadline } = await timesOf(cf, id);
      await at(deadline - 1n);
      await expect(cf.connect(creator).cancel(id)).to.emit(cf, "CampaignCancelled").withArgs(id);
      expect(await cf.stateOf(id)).to.equal(State.Cancelled);
      await expect(cf.connect(creator).cancel(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Cancelled);
      await expect(pledge(cf, alice, id, UNIT))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Cancelled);
    });

    it("refused at the deadline and at deadline+1", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      const { deadline } = await timesOf(cf, id);
      await at(deadline);
      await expect(cf.connect(creator).cancel(id)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
      await at(deadline + 1n);
      await expect(cf.connect(creator).cancel(id)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
    });

    it("refused with a pledge, allowed again once every pledge is withdrawn; refused to others", async () => {
      const { cf, creator, alice, stranger } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, id, UNIT);
      await expect(cf.connect(creator).cancel(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Running);
      await cf.connect(alice).unpledge(id, UNIT);
      await expect(cf.connect(stranger).cancel(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingUnauthorized")
        .withArgs(id, stranger.address);
      await cf.connect(creator).cancel(id);
      await expect(cf.connect(creator).cancel(999n)).to.be.revertedWithCustomError(cf, "CrowdfundingNotFound");
    });
  });

  it("the constructor refuses an Escrow without code", async () => {
    const [owner] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("Crowdfunding");
    await expect(factory.deploy(owner.address, owner.address)).to.be.revertedWithCustomError(
      factory,
      "CrowdfundingInvalidEscrow",
    );
  });
});
