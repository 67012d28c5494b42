// Boundaries of docs/crowdfunding.md that the other suites cross only on one side: the first second of a campaign for
// a withdrawal, one-unit amounts (a 1-wei refund, a 1-unit fee), a campaign with a single milestone, ids whose asset
// bits name no token, a token whose balanceOf answers nothing, and the events and errors of each outcome exactly.
// Each test would fail if its rule moved by one (the mutation run, docs/security.md §8, found them uncovered).
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
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

describe("Crowdfunding: boundaries", () => {
  it("CF-S2, CF-P4 pledge(id) refuses every id with asset bits, even one naming no campaign (bit 96 alone)", async () => {
    const { cf, alice } = await loadFixture(crowdfundingFixture);
    for (const id of [(1n << 96n) | 1n, 1n << 96n, (1n << 160n) | 1n]) {
      await expect(cf.connect(alice).pledge(id, { value: UNIT }))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongAsset")
        .withArgs(id);
    }
  });

  it("CF-C6 a campaign without an arbiter announces none (no CampaignArbiter event)", async () => {
    const { cf, creator } = await loadFixture(crowdfundingFixture);
    await expect(cf.connect(creator).createCampaign(await paramsOf(ETH))).to.not.emit(cf, "CampaignArbiter");
  });

  it("CF-C5 the owner's default fee recipient cannot be the contract: InvalidFee(0, contract)", async () => {
    const { cf, owner, cfAddress } = await loadFixture(crowdfundingFixture);
    await expect(cf.connect(owner).setDefaultFeeRecipient(cfAddress))
      .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidFee")
      .withArgs(0n, cfAddress);
  });

  it("CF-C6 exactly MAX_MILESTONES (16) shares summing to 10,000 are accepted; 17 such shares are refused", async () => {
    const { cf, creator, arbiter } = await loadFixture(crowdfundingFixture);
    const terms = milestoneTerms(arbiter.address);
    const sixteen = [...Array<bigint>(15).fill(625n), 625n];
    const seventeen = [...Array<bigint>(16).fill(588n), 592n];
    expect(sixteen.reduce((a, b) => a + b)).to.equal(10_000n);
    expect(seventeen.reduce((a, b) => a + b)).to.equal(10_000n);
    await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, milestoneBps: sixteen }))).to.emit(
      cf,
      "CampaignCreated",
    );
    await expect(
      cf.connect(creator).createCampaign(await paramsOf(ETH, { ...terms, milestoneBps: seventeen })),
    ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidMilestones");
  });

  it("CF-C6 a milestone must be worth a unit of the goal net of the fee: 10% of a 10-wei goal passes without a fee only", async () => {
    const { cf, creator, arbiter, platform } = await loadFixture(crowdfundingFixture);
    const terms = { ...milestoneTerms(arbiter.address), goal: 10n, milestoneBps: Array<bigint>(10).fill(1_000n) };
    // No fee: 10% of 10 is 1 unit. A 10% fee leaves 9, of which 10% is 0.9: refused.
    await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, terms))).to.emit(cf, "CampaignCreated");
    await expect(
      cf
        .connect(creator)
        .createCampaign(await paramsOf(ETH, { ...terms, feeBps: 1_000n, feeRecipient: platform.address })),
    ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidMilestones");
  });

  it("CF-M2, CF-M5 a campaign of one milestone opens its deal with the campaign's deal duration; refunds come back", async () => {
    const { cf, escrow, token, creator, arbiter, alice, stranger, tokenAddress } =
      await loadFixture(crowdfundingFixture);
    const terms = { ...milestoneTerms(arbiter.address), milestoneBps: [10_000n] };
    const id = await create(cf, creator, await paramsOf(tokenAddress, terms));
    await pledge(cf, alice, id, 10n * UNIT);
    const claimAt = (await timesOf(cf, id)).deadline + 5n;
    await at(claimAt);
    await cf.connect(stranger).claim(id);
    const { deal, milestones } = await dealOf(cf, id);
    expect(dealDeadlineOf(deal.terms)).to.equal(claimAt + 30n * DAY);
    expect(milestones).to.deep.equal([10n * UNIT]);
    expect(await token.balanceOf(await escrow.getAddress())).to.equal(10n * UNIT);
    // CF-M5 for a single milestone too: what the creator refunds in the Escrow is returned to the backers.
    await escrow.connect(creator).refund(deal, 1_000n);
    expect(await cf.returnedOf(id)).to.deep.equal([1_000n, 0n]);
  });

  it("CF-M2 milestones of different shares (20/30/50) get their own amounts in the deal", async () => {
    const { cf, creator, arbiter, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
    const terms = { ...milestoneTerms(arbiter.address), milestoneBps: [2_000n, 3_000n, 5_000n] };
    const id = await create(cf, creator, await paramsOf(tokenAddress, terms));
    await pledge(cf, alice, id, 10n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    expect((await dealOf(cf, id)).milestones).to.deep.equal([2n * UNIT, 3n * UNIT, 5n * UNIT]);
  });

  it("CF-M4 the dispute opens once, at exactly 20% of the pledges; more support emits no second DisputeOpened", async () => {
    const { cf, creator, arbiter, alice, bob, tokenAddress } = await loadFixture(crowdfundingFixture);
    const id = await create(cf, creator, await paramsOf(tokenAddress, milestoneTerms(arbiter.address)));
    await pledge(cf, alice, id, 2n * UNIT);
    await pledge(cf, bob, id, 8n * UNIT);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(creator).claim(id);
    await expect(cf.connect(alice).supportDispute(id)).to.emit(cf, "DisputeOpened").withArgs(id);
    await expect(cf.connect(bob).supportDispute(id)).to.not.emit(cf, "DisputeOpened");
  });

  it("CF-P1, CF-P9 a withdrawal at exactly the start is allowed (the campaign runs from its start)", async () => {
    const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
    const start = (await now()) + 1_000n;
    const id = await create(cf, creator, await paramsOf(ETH, { start, deadline: start + 7n * DAY }));
    // A pledge and its withdrawal in one block whose timestamp is the start: no later block has that time.
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const pledged = await cf.connect(alice).pledge(id, { value: 3n * UNIT, gasLimit: 300_000 });
      const unpledged = await cf.connect(alice).unpledge(id, UNIT, { gasLimit: 300_000 });
      await network.provider.send("evm_mine", [Number(start)]);
      const [p, u] = await Promise.all([pledged.wait(), unpledged.wait()]);
      expect(p?.blockNumber).to.equal(u?.blockNumber);
      expect((await ethers.provider.getBlock(u!.blockNumber))?.timestamp).to.equal(Number(start));
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    expect((await cf.pledgeOf(id, alice.address)).amount).to.equal(2n * UNIT);
    expect((await cf.campaign(id)).total).to.equal(2n * UNIT);
  });

  it("CF-R2, CF-R3 a 1-wei pledge is pushed back by refundMany with its Refunded event; a pulled one emits none", async () => {
    const { cf, creator, alice, carol, stranger } = await loadFixture(crowdfundingFixture);
    const id = await create(cf, creator, await paramsOf(ETH));
    await pledge(cf, alice, id, UNIT);
    await pledge(cf, carol, id, 1n);
    await at((await timesOf(cf, id)).deadline);
    await cf.connect(alice).refund(id);
    const tx = cf.connect(stranger).refundMany(id, [alice.address, carol.address]);
    await expect(tx).to.changeEtherBalances([carol, cf], [1n, -1n]);
    await expect(tx).to.emit(cf, "Refunded").withArgs(id, carol.address, 1n);
    const receipt = await (await tx).wait();
    const refunded = receipt!.logs.map((l) => cf.interface.parseLog(l)).filter((e) => e?.name === "Refunded");
    expect(refunded.length, "one Refunded event: none for the backer who pulled").to.equal(1);
    expect((await cf.campaign(id)).total).to.equal(0n);
  });

  it("CF-O2 a fee of exactly one unit is paid to its recipient", async () => {
    const { cf, creator, alice, platform } = await loadFixture(crowdfundingFixture);
    // 10,000 wei at 1 bp: a fee of 1 wei.
    const id = await create(
      cf,
      creator,
      await paramsOf(ETH, { goal: 10_000n, feeBps: 1n, feeRecipient: platform.address }),
    );
    await pledge(cf, alice, id, 10_000n);
    await at((await timesOf(cf, id)).deadline);
    const tx = cf.connect(creator).claim(id);
    await expect(tx).to.changeEtherBalances([platform, cf], [1n, -10_000n]);
    await expect(tx).to.emit(cf, "Claimed").withArgs(id, creator.address, 9_999n, 1n, ethers.ZeroHash);
  });

  it("CF-C5 a fee recipient is any address the creator names, address(1) included: the fee reaches it", async () => {
    const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
    const one = ethers.getAddress("0x0000000000000000000000000000000000000001");
    const id = await create(cf, creator, await paramsOf(ETH, { goal: UNIT, feeBps: 100n, feeRecipient: one }));
    expect((await cf.campaign(id)).feeRecipient).to.equal(one);
    await pledge(cf, alice, id, UNIT);
    await at((await timesOf(cf, id)).deadline);
    await expect(cf.connect(creator).claim(id)).to.changeEtherBalances(
      [one, creator],
      [UNIT / 100n, (UNIT * 99n) / 100n],
    );
  });

  it("CF-R1 a refund that cannot be pushed is credited with PaymentCredited; a credit is withdrawn once", async () => {
    const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
    const id = await create(cf, creator, await paramsOf(ETH));
    const account = await ethers.deployContract("MockAccount", [alice.address]);
    const accountAddress = await account.getAddress();
    const cfAddress = await cf.getAddress();
    await account.connect(alice).execute(cfAddress, UNIT, cf.interface.encodeFunctionData("pledge", [id]), {
      value: UNIT,
    });
    await account.setRejectEth(true);
    await at((await timesOf(cf, id)).deadline);
    await expect(cf.connect(bob).refundMany(id, [accountAddress]))
      .to.emit(cf, "PaymentCredited")
      .withArgs(accountAddress, ETH, UNIT);
    const withdraw = cf.interface.encodeFunctionData("withdraw", [ETH, alice.address]);
    await expect(account.connect(alice).execute(cfAddress, 0n, withdraw)).to.changeEtherBalance(alice, UNIT, {
      includeFee: false,
    });
    expect(await cf.creditOf(ETH, accountAddress)).to.equal(0n);
    await expect(account.connect(alice).execute(cfAddress, 0n, withdraw))
      .to.be.revertedWithCustomError(cf, "PullPaymentsNothingToWithdraw")
      .withArgs(accountAddress, ETH);
  });

  it("CF-P5 a token whose balanceOf answers nothing, or reverts, makes the pledge revert before anything moves", async () => {
    const { cf, creator, alice, cfAddress } = await loadFixture(crowdfundingFixture);
    const token = await ethers.deployContract("MisbehavingViewToken");
    const tokenAddress = await token.getAddress();
    const id = await create(cf, creator, await paramsOf(tokenAddress));
    await token.mint(alice.address, UNIT);
    await token.connect(alice).approve(cfAddress, UNIT);
    for (const mode of [2, 1]) {
      await token.setMode(mode);
      await expect(cf.connect(alice).pledgeToken(id, UNIT)).to.be.revertedWithoutReason();
    }
    await token.setMode(0);
    expect(await token.balanceOf(alice.address)).to.equal(UNIT);
    expect((await cf.campaign(id)).total).to.equal(0n);
  });
});
