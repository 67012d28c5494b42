// docs/crowdfunding.md §5, §7: the outcome at the deadline (CF-O1…O3), refunds pulled and pushed (CF-R1…R4), payouts
// that a reverting, reentering or gas-burning backer cannot block, tokens that misbehave, and balances nobody counts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  ETH,
  GOAL,
  State,
  UNIT,
  at,
  create,
  crowdfundingFixture,
  mineAt,
  paramsOf,
  pledge,
  timesOf,
} from "../helpers/crowdfunding";

const GUARD_ERROR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

async function ended(asset: "ETH" | "ERC20", reach: boolean, feeBps = 0n) {
  const fx = await loadFixture(crowdfundingFixture);
  const { cf, creator, alice, bob, platform, tokenAddress } = fx;
  const id = await create(
    cf,
    creator,
    await paramsOf(asset === "ETH" ? ETH : tokenAddress, {
      feeBps,
      feeRecipient: feeBps === 0n ? ethers.ZeroAddress : platform.address,
    }),
  );
  await pledge(cf, alice, id, 4n * UNIT);
  await pledge(cf, bob, id, reach ? 6n * UNIT : 5n * UNIT);
  const { deadline } = await timesOf(cf, id);
  return { ...fx, id, deadline };
}

describe("Crowdfunding: outcome", () => {
  describe("CF-O1, CF-O2 claim", () => {
    it("refused at deadline-1 even with the goal reached; the creator claims at the deadline, once", async () => {
      const { cf, creator, id, deadline } = await ended("ETH", true);
      await at(deadline - 1n);
      await expect(cf.connect(creator).claim(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Running);
      await at(deadline);
      const tx = cf.connect(creator).claim(id);
      await expect(tx).to.changeEtherBalances([creator, cf], [GOAL, -GOAL]);
      await expect(tx).to.emit(cf, "Claimed").withArgs(id, creator.address, GOAL, 0n, ethers.ZeroHash);
      expect(await cf.stateOf(id)).to.equal(State.Claimed);
      await expect(cf.connect(creator).claim(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Claimed);
    });

    it("at deadline+1 too; nobody but the creator may claim; a failed campaign cannot be claimed", async () => {
      const { cf, creator, stranger, id, deadline } = await ended("ERC20", true);
      await at(deadline + 1n);
      await expect(cf.connect(stranger).claim(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingUnauthorized")
        .withArgs(id, stranger.address);
      await cf.connect(creator).claim(id);
      const f = await ended("ETH", false);
      await at(f.deadline);
      await expect(f.cf.connect(f.creator).claim(f.id))
        .to.be.revertedWithCustomError(f.cf, "CrowdfundingWrongState")
        .withArgs(f.id, State.Failed);
      await expect(f.cf.connect(f.creator).claim(12345n)).to.be.revertedWithCustomError(f.cf, "CrowdfundingNotFound");
    });

    it("the fee (floor of total × bps) goes to the recipient, the rest to the creator", async () => {
      const { cf, token, creator, platform, id, deadline } = await ended("ERC20", true, 333n);
      await at(deadline);
      const fee = (GOAL * 333n) / 10_000n;
      const tx = cf.connect(creator).claim(id);
      await expect(tx).to.changeTokenBalances(token, [creator, platform, cf], [GOAL - fee, fee, -GOAL]);
      await expect(tx)
        .to.emit(cf, "Claimed")
        .withArgs(id, creator.address, GOAL - fee, fee, ethers.ZeroHash);
    });

    it("a creator refusing ETH is credited, and withdraws to another address", async () => {
      const { cf, alice, stranger } = await loadFixture(crowdfundingFixture);
      const account = await ethers.deployContract("MockAccount", [alice.address]);
      const accountAddress = await account.getAddress();
      const data = cf.interface.encodeFunctionData("createCampaign", [await paramsOf(ETH)]);
      await account.connect(alice).execute(await cf.getAddress(), 0n, data);
      const id = 1n;
      await pledge(cf, stranger, id, GOAL);
      await account.setRejectEth(true);
      await at((await timesOf(cf, id)).deadline);
      await account.connect(alice).execute(await cf.getAddress(), 0n, cf.interface.encodeFunctionData("claim", [id]));
      expect(await cf.creditOf(ETH, accountAddress)).to.equal(GOAL);
      const withdraw = cf.interface.encodeFunctionData("withdraw", [ETH, alice.address]);
      await expect(account.connect(alice).execute(await cf.getAddress(), 0n, withdraw)).to.changeEtherBalance(
        alice,
        GOAL,
      );
    });
  });

  describe("CF-R1 … CF-R4 refunds", () => {
    it("refused at deadline-1 and on success; the backer pulls the whole pledge at the deadline, once", async () => {
      const { cf, alice, id, deadline } = await ended("ETH", false);
      await at(deadline - 1n);
      await expect(cf.connect(alice).refund(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Running);
      await at(deadline);
      const tx = cf.connect(alice).refund(id);
      await expect(tx).to.changeEtherBalances([alice, cf], [4n * UNIT, -4n * UNIT]);
      await expect(tx)
        .to.emit(cf, "Refunded")
        .withArgs(id, alice.address, 4n * UNIT);
      await expect(cf.connect(alice).refund(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingNothingToRefund")
        .withArgs(id, alice.address);
      expect(await cf.stateOf(id)).to.equal(State.Failed);
      const s = await ended("ERC20", true);
      await at(s.deadline + 1n);
      await expect(s.cf.connect(s.alice).refund(s.id))
        .to.be.revertedWithCustomError(s.cf, "CrowdfundingWrongState")
        .withArgs(s.id, State.Succeeded);
    });

    it("CF-R2, CF-R3 at deadline+1 anyone pushes a batch; backers without a pledge are skipped, not reverted", async () => {
      const { cf, token, alice, bob, carol, stranger, id, deadline } = await ended("ERC20", false);
      await at(deadline + 1n);
      await cf.connect(alice).refund(id);
      const tx = cf.connect(stranger).refundMany(id, [alice.address, bob.address, carol.address]);
      await expect(tx).to.changeTokenBalances(token, [alice, bob, cf], [0n, 5n * UNIT, -5n * UNIT]);
      expect((await cf.campaign(id)).total).to.equal(0n);
      expect(await cf.refundMany.staticCall(id, [bob.address])).to.equal(0n);
    });

    it("CF-R2 a reverting and a gas-burning backer are credited; the batch completes for the others", async () => {
      const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      const reverting = await ethers.deployContract("MockAccount", [alice.address]);
      const burning = await ethers.deployContract("MockAccount", [alice.address]);
      for (const a of [reverting, burning]) {
        const data = cf.interface.encodeFunctionData("pledge", [id]);
        await a.connect(alice).execute(await cf.getAddress(), UNIT, data, { value: UNIT });
      }
      await pledge(cf, bob, id, UNIT);
      await reverting.setRejectEth(true);
      await burning.setBurnGas(true);
      await at((await timesOf(cf, id)).deadline);
      const list = [await reverting.getAddress(), await burning.getAddress(), bob.address];
      const tx = cf.connect(bob).refundMany(id, list, { gasLimit: 1_000_000 });
      await expect(tx).to.changeEtherBalance(bob, UNIT, { includeFee: false });
      const receipt = await (await tx).wait();
      expect(receipt?.gasUsed).to.be.lessThan(250_000n);
      expect(await cf.creditOf(ETH, list[0])).to.equal(UNIT);
      expect(await cf.creditOf(ETH, list[1])).to.equal(UNIT);
    });

    it("a backer reentering from its refund push is refused by the guard and still paid", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      const lean = await ethers.deployContract("LeanReentrantReceiver");
      const leanAddress = await lean.getAddress();
      await lean.execute(await cf.getAddress(), UNIT, cf.interface.encodeFunctionData("pledge", [id]), { value: UNIT });
      await lean.arm(await cf.getAddress(), cf.interface.encodeFunctionData("refund", [id]));
      await at((await timesOf(cf, id)).deadline);
      const tx = cf.connect(alice).refundMany(id, [leanAddress]);
      await expect(tx).to.emit(lean, "Reentered").withArgs(false, GUARD_ERROR);
      await expect(tx).to.changeEtherBalance(lean, UNIT);
      expect((await cf.pledgeOf(id, leanAddress)).amount).to.equal(0n);
    });
  });

  describe("tokens that misbehave (CF-P5)", () => {
    it("a fee-on-transfer token is refused at the pledge", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const fot = await ethers.deployContract("FeeOnTransferToken", [100n]);
      await fot.mint(alice.address, GOAL);
      await fot.connect(alice).approve(await cf.getAddress(), GOAL);
      const id = await create(cf, creator, await paramsOf(await fot.getAddress()));
      await expect(cf.connect(alice).pledgeToken(id, UNIT))
        .to.be.revertedWithCustomError(cf, "CrowdfundingTransferMismatch")
        .withArgs(UNIT, UNIT - UNIT / 100n);
    });

    it("a no-return token pledges, refunds and claims", async () => {
      const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
      const nrt = await ethers.deployContract("NoReturnToken");
      const nrtAddress = await nrt.getAddress();
      for (const s of [alice, bob]) {
        await nrt.mint(s.address, GOAL);
        await nrt.connect(s).approve(await cf.getAddress(), GOAL);
      }
      const failing = await create(cf, creator, await paramsOf(nrtAddress));
      const winning = await create(cf, creator, await paramsOf(nrtAddress));
      await cf.connect(alice).pledgeToken(failing, UNIT);
      await cf.connect(bob).pledgeToken(winning, GOAL);
      await at((await timesOf(cf, winning)).deadline);
      await cf.connect(alice).refund(failing);
      await cf.connect(creator).claim(winning);
      expect(await nrt.balanceOf(alice.address)).to.equal(GOAL);
      expect(await nrt.balanceOf(creator.address)).to.equal(GOAL);
    });

    it("a blocklisted backer's pushed refund is credited; it withdraws once unblocked", async () => {
      const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
      const blk = await ethers.deployContract("BlocklistToken");
      for (const s of [alice, bob]) {
        await blk.mint(s.address, GOAL);
        await blk.connect(s).approve(await cf.getAddress(), GOAL);
      }
      const blkAddress = await blk.getAddress();
      const id = await create(cf, creator, await paramsOf(blkAddress));
      await cf.connect(alice).pledgeToken(id, UNIT);
      await cf.connect(bob).pledgeToken(id, UNIT);
      await blk.setBlocked(alice.address, true);
      await at((await timesOf(cf, id)).deadline);
      await cf.connect(bob).refundMany(id, [alice.address, bob.address]);
      expect(await cf.creditOf(blkAddress, alice.address)).to.equal(UNIT);
      expect(await blk.balanceOf(bob.address)).to.equal(GOAL);
      await blk.setBlocked(alice.address, false);
      // A credit is never withdrawn to address(0) or to this contract, where it would be owed to nobody.
      for (const to of [ethers.ZeroAddress, await cf.getAddress()]) {
        await expect(cf.connect(alice).withdraw(blkAddress, to)).to.be.revertedWithCustomError(
          cf,
          "PullPaymentsInvalidRecipient",
        );
      }
      expect(await cf.creditOf(blkAddress, alice.address)).to.equal(UNIT);
      await cf.connect(alice).withdraw(blkAddress, alice.address);
      expect(await blk.balanceOf(alice.address)).to.equal(GOAL);
    });

    it("a token reentering from transferFrom finds every guarded function closed", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const rt = await ethers.deployContract("ReentrantToken");
      const rtAddress = await rt.getAddress();
      await rt.mint(alice.address, GOAL);
      await rt.connect(alice).approve(await cf.getAddress(), GOAL);
      const id = await create(cf, creator, await paramsOf(rtAddress));
      await rt.arm(await cf.getAddress(), cf.interface.encodeFunctionData("pledgeToken", [id, 1n]), true);
      await cf.connect(alice).pledgeToken(id, UNIT);
      expect(await rt.reentrySucceeded()).to.equal(false);
      expect(await rt.reentryReturn()).to.equal(GUARD_ERROR);
      expect((await cf.campaign(id)).total).to.equal(UNIT);
    });
  });

  describe("CF-S3, CF-O1 balances are never read", () => {
    it("forced ETH and donated tokens neither make a campaign succeed nor pay anyone", async () => {
      const { cf, token, creator, alice, stranger, cfAddress, tokenAddress } = await loadFixture(crowdfundingFixture);
      const ethId = await create(cf, creator, await paramsOf(ETH));
      const tokenId = await create(cf, creator, await paramsOf(tokenAddress));
      await pledge(cf, alice, ethId, UNIT);
      await pledge(cf, alice, tokenId, UNIT);
      await ethers.deployContract("ForceSend", [cfAddress], { value: GOAL * 2n });
      await token.connect(stranger).transfer(cfAddress, GOAL * 2n);
      await expect(stranger.sendTransaction({ to: cfAddress, value: 1n }))
        .to.be.revertedWithCustomError(cf, "CrowdfundingUnexpectedEth")
        .withArgs(stranger.address);
      await mineAt((await timesOf(cf, tokenId)).deadline);
      expect(await cf.stateOf(ethId)).to.equal(State.Failed);
      expect(await cf.stateOf(tokenId)).to.equal(State.Failed);
      await expect(cf.connect(creator).claim(ethId)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
      await expect(cf.connect(alice).refund(ethId)).to.changeEtherBalance(alice, UNIT);
      await expect(cf.connect(alice).refund(tokenId)).to.changeTokenBalance(token, alice, UNIT);
      expect(await ethers.provider.getBalance(cfAddress)).to.equal(GOAL * 2n);
      expect(await token.balanceOf(cfAddress)).to.equal(GOAL * 2n);
    });
  });
});
