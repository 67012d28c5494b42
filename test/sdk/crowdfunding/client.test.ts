// CrowdfundingClient against the contract on the Hardhat network (docs/crowdfunding.md §11, CF-SDK-*): creation with
// its checks before sending, pledges in ETH and ERC20 (approval, permit), withdrawals, cancel, refunds (one, many,
// a reverting contract backer credited), claims, the milestone path with the scheduled release, typed reverts, and
// the unsigned builders.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import {
  CampaignState,
  CrowdfundingClient,
  CrowdfundingInputError,
  CrowdfundingPledgeError,
  CrowdfundingStateError,
  EscrowClient,
  InvalidParameterError,
  TransferError,
  UnknownDeploymentError,
  campaignTokenOf,
  isEthCampaign,
  toCampaignId,
  type CreateCampaignParameters,
} from "../../../sdk";
import { MockAccount__factory } from "../../../typechain-types";
import { expectSdkError } from "../../helpers/sdk";
import {
  DAY,
  GOAL,
  UNIT,
  createCampaign,
  expectEthChange,
  expectTokenChange,
  milestoneParameters,
  sdkCrowdfundingFixture,
} from "./fixture";

const D = Number(DAY);

describe("CrowdfundingClient (docs/crowdfunding.md §11)", function () {
  describe("connection and ids", function () {
    it("CF-SDK-1: connect finds the deployment in an address book, and refuses a chain without one", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const addressBook = { "31337": { Crowdfunding: { address: f.cfAddress, blockNumber: 0 } } };
      const client = await CrowdfundingClient.connect({ runner: f.alice, addressBook });
      expect(client.address).to.equal(f.cfAddress);
      await expectSdkError(
        CrowdfundingClient.connect({ runner: f.alice, addressBook: { "1": addressBook["31337"] } }),
        UnknownDeploymentError,
        "UNKNOWN_DEPLOYMENT",
      );
    });

    it("CF-SDK-2 (CF-S2): the id carries the asset: the token is read from an ERC20 id, ETH ids are small", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const eth = await createCampaign(f);
      const token = await createCampaign(f, { token: f.tokenAddress });
      expect(isEthCampaign(eth.campaignId)).to.equal(true);
      expect(campaignTokenOf(eth.campaignId)).to.equal(ZeroAddress);
      expect(isEthCampaign(token.campaignId)).to.equal(false);
      expect(campaignTokenOf(token.campaignId)).to.equal(f.tokenAddress);
      expect((await f.reader.campaign({ campaignId: token.campaignId })).token).to.equal(f.tokenAddress);
      for (const bad of [0n, 1n << 96n, 1n << 256n, -1n]) {
        await expectSdkError(() => toCampaignId(bad), CrowdfundingInputError, "CROWDFUNDING_INVALID_CAMPAIGN_ID");
      }
    });
  });

  describe("creation", function () {
    it("CF-SDK-8: createCampaign returns the id from CampaignCreated; the views read the terms and the state", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const start = (await time.latest()) + D;
      const deadline = start + 7 * D;
      const { campaignId, events } = await f.creatorClient.createCampaign({
        token: f.tokenAddress,
        goal: GOAL,
        cap: 2n * GOAL,
        start,
        deadline,
        minPledge: UNIT,
        feeBps: 250,
        feeRecipient: f.platform.address,
      });
      expect(events.map((e) => e.type)).to.deep.equal(["CampaignCreated"]);
      const c = await f.reader.campaign({ campaignId });
      expect(c).to.deep.include({ creator: f.creator.address, goal: GOAL, cap: 2n * GOAL, start, deadline });
      expect(c).to.deep.include({ minPledge: UNIT, feeBps: 250, feeRecipient: f.platform.address, total: 0n });
      expect(c.state).to.equal(CampaignState.Upcoming);
      expect(await f.reader.state({ campaignId })).to.equal(CampaignState.Upcoming);
    });

    // Each row: terms the contract refuses, and the code both the SDK (before sending) and the contract give.
    const REFUSED: [
      string,
      (f: Awaited<ReturnType<typeof sdkCrowdfundingFixture>>, now: number) => Partial<CreateCampaignParameters>,
      string,
    ][] = [
      ["CF-C1 a token without code", (f) => ({ token: f.stranger.address }), "CROWDFUNDING_INVALID_TOKEN"],
      ["CF-C2 a zero goal", () => ({ goal: 0n }), "CROWDFUNDING_INVALID_GOAL"],
      ["CF-C2 a goal of 2^96", () => ({ goal: 1n << 96n }), "CROWDFUNDING_INVALID_GOAL"],
      ["CF-C2 a cap below the goal", () => ({ cap: GOAL - 1n }), "CROWDFUNDING_INVALID_GOAL"],
      [
        "CF-C3 a deadline one second past the maximum",
        (_, now) => ({ deadline: now + 365 * D + 1 }),
        "CROWDFUNDING_INVALID_TIMES",
      ],
      [
        "CF-C3 a deadline at the start",
        (_, now) => ({ start: now + D, deadline: now + D }),
        "CROWDFUNDING_INVALID_TIMES",
      ],
      ["CF-C7 a minimum pledge above the goal", () => ({ minPledge: GOAL + 1n }), "CROWDFUNDING_INVALID_MIN_PLEDGE"],
      [
        "CF-C5 a fee above 10%",
        (f) => ({ feeBps: 1_001, feeRecipient: f.platform.address }),
        "CROWDFUNDING_INVALID_FEE",
      ],
      ["CF-C5 a fee without recipient or default", () => ({ feeBps: 100 }), "CROWDFUNDING_INVALID_FEE"],
      ["CF-C5 a recipient without a fee", (f) => ({ feeRecipient: f.platform.address }), "CROWDFUNDING_INVALID_FEE"],
      [
        "CF-C6 shares summing to 9,999",
        (f) => ({ ...milestoneParameters(f.arbiter.address), milestoneBps: [5_000, 4_999] }),
        "CROWDFUNDING_INVALID_MILESTONES",
      ],
      [
        "CF-C6 a zero share",
        (f) => ({ ...milestoneParameters(f.arbiter.address), milestoneBps: [10_000, 0] }),
        "CROWDFUNDING_INVALID_MILESTONES",
      ],
      ["CF-C6 the creator as arbiter", (f) => milestoneParameters(f.creator.address), "CROWDFUNDING_INVALID_ARBITER"],
      [
        "CF-C6 a deal no longer than the release delay",
        (f) => ({ ...milestoneParameters(f.arbiter.address), dealDuration: 3 * D }),
        "CROWDFUNDING_INVALID_DEAL_TERMS",
      ],
      [
        "CF-C6 an arbiter without a dispute window (the Escrow's check)",
        (f) => ({ ...milestoneParameters(f.arbiter.address), disputeWindow: 0 }),
        "CROWDFUNDING_INVALID_DEAL_TERMS",
      ],
      [
        "CF-C6 escrow terms without milestones",
        (f) => ({ arbiter: f.arbiter.address }),
        "CROWDFUNDING_INVALID_DEAL_TERMS",
      ],
    ];

    for (const [what, terms, code] of REFUSED) {
      it(`CF-SDK-3: ${what}: refused before sending with ${code}, as the contract refuses it`, async function () {
        const f = await loadFixture(sdkCrowdfundingFixture);
        const now = await time.latest();
        const params = { goal: GOAL, deadline: now + 7 * D, ...terms(f, now) };
        const sent = await ethers.provider.getTransactionCount(f.creator.address);
        await expectSdkError(f.creatorClient.createCampaign(params), CrowdfundingInputError, code);
        expect(await ethers.provider.getTransactionCount(f.creator.address), "nothing sent").to.equal(sent);
        // The contract, given the same terms, refuses them with the same code.
        const raw = f.cf.connect(f.creator).createCampaign.staticCall(rawTerms(params));
        const decoded = await raw.then(
          () => undefined,
          (error: unknown) => f.creatorClient.contract.interface.parseError((error as { data: string }).data)?.name,
        );
        expect(decoded && screaming(decoded)).to.equal(code);
      });
    }

    it("CF-SDK-3 (CF-C3): a deadline at exactly the latest block's time + 365 days passes the SDK's check", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const now = await time.latest();
      const request = await f.creatorClient.buildCreateCampaign({ goal: GOAL, deadline: now + 365 * D });
      expect(request.to).to.equal(f.cfAddress);
      // The next block is later, so the contract's bound (its own block time + 365 days) holds too.
      await (await f.creator.sendTransaction(request)).wait();
    });
  });

  describe("pledging", function () {
    it("CF-SDK-2 (CF-P4): pledge sends ETH as value for an ETH id and calls pledgeToken for an ERC20 id", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const eth = await createCampaign(f);
      const token = await createCampaign(f, { token: f.tokenAddress });
      const ethRequest = f.aliceClient.buildPledge({ campaignId: eth.campaignId, amount: UNIT });
      expect(ethRequest.value).to.equal(UNIT);
      expect(f.cf.interface.parseTransaction(ethRequest)?.name).to.equal("pledge");
      const tokenRequest = f.aliceClient.buildPledge({ campaignId: token.campaignId, amount: UNIT });
      expect(tokenRequest.value).to.equal(0n);
      expect(f.cf.interface.parseTransaction(tokenRequest)?.name).to.equal("pledgeToken");
      await expectEthChange(
        f.alice.address,
        () => f.aliceClient.pledge({ campaignId: eth.campaignId, amount: UNIT }),
        -UNIT,
      );
      const pledgeToken = () => f.aliceClient.pledge({ campaignId: token.campaignId, amount: 2n * UNIT });
      await expectTokenChange(f.token, f.alice.address, pledgeToken, -2n * UNIT);
      expect((await f.reader.pledgeOf({ campaignId: token.campaignId, backer: f.alice.address })).amount).to.equal(
        2n * UNIT,
      );
    });

    it("CF-SDK-5: approve: true approves exactly the pledge when the allowance is short, and nothing when it suffices", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId } = await createCampaign(f, { token: f.tokenAddress });
      const [fresh] = (await ethers.getSigners()).slice(12, 13);
      await f.token.mint(fresh.address, 10n * UNIT);
      const client = f.client(fresh);
      const first = await client.pledge({ campaignId, amount: 3n * UNIT, approve: true });
      expect(first.approvalReceipt, "an approval was sent").to.not.equal(undefined);
      expect(await f.token.allowance(fresh.address, f.cfAddress)).to.equal(0n); // exactly consumed
      await client.approve({ campaignId, amount: 5n * UNIT });
      const second = await client.pledge({ campaignId, amount: 2n * UNIT, approve: true });
      expect(second.approvalReceipt, "no approval needed").to.equal(undefined);
      expect(await f.token.allowance(fresh.address, f.cfAddress)).to.equal(3n * UNIT);
      expect(await f.reader.pledgeOf({ campaignId, backer: fresh.address })).to.deep.include({ amount: 5n * UNIT });
    });

    it("CF-SDK-5 (CF-P6): pledgeWithPermit signs a permit for exactly the amount and pledges in one transaction", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId } = await createCampaign(f, { token: f.tokenAddress });
      const [fresh] = (await ethers.getSigners()).slice(13, 14);
      await f.token.mint(fresh.address, 10n * UNIT);
      const sent = await ethers.provider.getTransactionCount(fresh.address);
      await f.client(fresh).pledgeWithPermit({ campaignId, amount: 4n * UNIT });
      expect(await ethers.provider.getTransactionCount(fresh.address)).to.equal(sent + 1);
      expect(await f.token.allowance(fresh.address, f.cfAddress)).to.equal(0n);
      expect((await f.reader.pledgeOf({ campaignId, backer: fresh.address })).amount).to.equal(4n * UNIT);
    });

    it("CF-SDK-2: token-only actions on an ETH id and zero amounts are refused before sending", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId } = await createCampaign(f);
      await expectSdkError(
        f.aliceClient.pledgeWithPermit({ campaignId, amount: UNIT }),
        CrowdfundingInputError,
        "CROWDFUNDING_WRONG_ASSET",
      );
      await expectSdkError(
        () => f.aliceClient.buildApprove({ campaignId, amount: UNIT }),
        CrowdfundingInputError,
        "CROWDFUNDING_WRONG_ASSET",
      );
      await expectSdkError(
        f.aliceClient.signPledge({ campaignId, amount: UNIT }),
        CrowdfundingInputError,
        "CROWDFUNDING_WRONG_ASSET",
      );
      await expectSdkError(
        f.aliceClient.pledge({ campaignId, amount: 0n }),
        CrowdfundingInputError,
        "CROWDFUNDING_ZERO_AMOUNT",
      );
      await expectSdkError(
        f.aliceClient.unpledge({ campaignId, amount: 0n }),
        CrowdfundingInputError,
        "CROWDFUNDING_ZERO_AMOUNT",
      );
    });

    it("CF-SDK-4 (CF-P2, CF-P3, CF-P9): the contract's refusals decode to CrowdfundingPledgeError with their arguments", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId } = await createCampaign(f, { minPledge: UNIT, cap: GOAL });
      await expectSdkError(
        f.aliceClient.pledge({ campaignId, amount: UNIT - 1n }),
        CrowdfundingPledgeError,
        "CROWDFUNDING_BELOW_MINIMUM",
        { pledge: UNIT - 1n, minPledge: UNIT },
      );
      await expectSdkError(
        f.aliceClient.pledge({ campaignId, amount: GOAL + 1n }),
        CrowdfundingPledgeError,
        "CROWDFUNDING_CAP_EXCEEDED",
        { cap: GOAL },
      );
      await f.aliceClient.pledge({ campaignId, amount: 2n * UNIT });
      await expectSdkError(
        f.aliceClient.unpledge({ campaignId, amount: 3n * UNIT }),
        CrowdfundingPledgeError,
        "CROWDFUNDING_AMOUNT_EXCEEDS_PLEDGE",
      );
      await expectSdkError(
        f.aliceClient.unpledge({ campaignId, amount: UNIT + 1n }),
        CrowdfundingPledgeError,
        "CROWDFUNDING_BELOW_MINIMUM",
      );
      await expectEthChange(f.alice.address, () => f.aliceClient.unpledge({ campaignId, amount: UNIT }), UNIT);
      expect((await f.reader.pledgeOf({ campaignId, backer: f.alice.address })).amount).to.equal(UNIT);
    });
  });

  describe("cancel, outcome, refunds", function () {
    it("CF-SDK-4 (CF-C4): the creator cancels an unpledged campaign; a stranger and a second cancel get typed errors", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId } = await createCampaign(f);
      await expectSdkError(f.aliceClient.cancel({ campaignId }), CrowdfundingStateError, "CROWDFUNDING_UNAUTHORIZED", {
        caller: f.alice.address,
      });
      const { events } = await f.creatorClient.cancel({ campaignId });
      expect(events.map((e) => e.type)).to.deep.equal(["CampaignCancelled"]);
      expect(await f.reader.state({ campaignId })).to.equal(CampaignState.Cancelled);
      await expectSdkError(f.creatorClient.cancel({ campaignId }), CrowdfundingStateError, "CROWDFUNDING_WRONG_STATE", {
        state: CampaignState.Cancelled,
      });
    });

    it("CF-SDK-4 (§3): a pledge at the deadline is WRONG_STATE; a claim before it too; the creator claims at it", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId, deadline } = await createCampaign(f, { feeBps: 500, feeRecipient: f.platform.address });
      await f.aliceClient.pledge({ campaignId, amount: GOAL });
      await expectSdkError(f.creatorClient.claim({ campaignId }), CrowdfundingStateError, "CROWDFUNDING_WRONG_STATE", {
        state: CampaignState.Running,
      });
      await time.setNextBlockTimestamp(deadline);
      await expectSdkError(
        f.bobClient.pledge({ campaignId, amount: UNIT }),
        CrowdfundingStateError,
        "CROWDFUNDING_WRONG_STATE",
      );
      await expectSdkError(f.bobClient.claim({ campaignId }), CrowdfundingStateError, "CROWDFUNDING_UNAUTHORIZED");
      const before = await ethers.provider.getBalance(f.platform.address);
      const { events, receipt } = await f.creatorClient.claim({ campaignId });
      const claimed = events.find((e) => e.type === "Claimed");
      expect(claimed).to.deep.include({ toCreator: GOAL - GOAL / 20n, fee: GOAL / 20n, dealId: ethers.ZeroHash });
      expect(receipt.blockNumber).to.be.greaterThan(0);
      expect((await ethers.provider.getBalance(f.platform.address)) - before).to.equal(GOAL / 20n);
      expect(await f.reader.state({ campaignId })).to.equal(CampaignState.Claimed);
    });

    it("CF-SDK-5 (CF-R1, CF-R2): a backer pulls, anyone pushes the rest; a reverting contract backer is credited and withdraws", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId, deadline } = await createCampaign(f);
      const account = await new MockAccount__factory(f.carol).deploy(f.carol.address);
      const accountAddress = await account.getAddress();
      // The contract backer pledges through the unsigned builder, then starts refusing ETH.
      const request = f.reader.buildPledge({ campaignId, amount: UNIT });
      await account.connect(f.carol).execute(request.to, request.value, request.data, { value: request.value });
      await account.setRejectEth(true);
      await f.aliceClient.pledge({ campaignId, amount: 2n * UNIT });
      await f.bobClient.pledge({ campaignId, amount: 3n * UNIT });
      await time.increaseTo(deadline);
      expect(await f.reader.state({ campaignId })).to.equal(CampaignState.Failed);
      await expectEthChange(f.alice.address, () => f.aliceClient.refund({ campaignId }), 2n * UNIT);
      await expectSdkError(
        f.aliceClient.refund({ campaignId }),
        CrowdfundingPledgeError,
        "CROWDFUNDING_NOTHING_TO_REFUND",
      );
      const backers = [f.alice.address, f.bob.address, accountAddress];
      const pushed = await f.relayerClient.refundMany({ campaignId, backers });
      const refunded = pushed.events.filter((e) => e.type === "Refunded");
      expect(refunded.map((e) => (e.type === "Refunded" ? [e.backer, e.amount] : []))).to.deep.equal([
        [f.bob.address, 3n * UNIT],
        [accountAddress, UNIT],
      ]);
      expect(pushed.events.some((e) => e.type === "PaymentCredited" && e.account === accountAddress)).to.equal(true);
      expect(await f.reader.creditOf({ account: accountAddress })).to.equal(UNIT);
      const withdraw = await f.reader.buildWithdraw({ to: f.carol.address });
      await expectEthChange(
        f.carol.address,
        () =>
          account
            .connect(f.carol)
            .execute(withdraw.to, 0n, withdraw.data)
            .then((tx) => tx.wait()),
        UNIT,
      );
      expect(await f.reader.creditOf({ account: accountAddress })).to.equal(0n);
    });
  });

  describe("milestones (CF-M*)", function () {
    async function claimedMilestoneCampaign() {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId, deadline } = await createCampaign(f, {
        token: f.tokenAddress,
        ...milestoneParameters(f.arbiter.address),
      });
      await f.aliceClient.pledge({ campaignId, amount: 6n * UNIT });
      await f.bobClient.pledge({ campaignId, amount: 3n * UNIT });
      await f.carolClient.pledge({ campaignId, amount: UNIT });
      await time.increaseTo(deadline);
      const { events } = await f.relayerClient.claim({ campaignId }); // anyone claims a milestone campaign (CF-O2)
      return { f, campaignId, events };
    }

    it("CF-SDK-8 (CF-M2): dealOf returns the escrow deal whose id the claim emitted", async function () {
      const { f, campaignId, events } = await claimedMilestoneCampaign();
      const claimed = events.find((e) => e.type === "Claimed");
      const { deal, dealId, milestones } = await f.reader.dealOf({ campaignId });
      expect(claimed && claimed.type === "Claimed" && claimed.dealId).to.equal(dealId);
      expect(deal).to.deep.include({
        depositor: f.cfAddress,
        beneficiary: f.creator.address,
        arbiter: f.arbiter.address,
      });
      expect(milestones).to.deep.equal([3n * UNIT, 3n * UNIT, 4n * UNIT]);
    });

    it("CF-SDK-8 (CF-M3): a majority schedules the release; releaseMilestone is NOT_READY at releaseAt − 1 and releases at releaseAt", async function () {
      const { f, campaignId } = await claimedMilestoneCampaign();
      expect(await f.reader.releaseTimeOf({ campaignId, index: 0 })).to.deep.equal({ status: "unscheduled" });
      await expectSdkError(
        f.relayerClient.releaseMilestone({ campaignId, index: 0 }),
        CrowdfundingStateError,
        "CROWDFUNDING_RELEASE_NOT_READY",
        { releaseAt: 0n },
      );
      const { events } = await f.aliceClient.approveMilestone({ campaignId, index: 0 });
      const scheduled = events.find((e) => e.type === "MilestoneReleaseScheduled");
      const releaseAt = scheduled?.type === "MilestoneReleaseScheduled" ? scheduled.releaseAt : 0;
      expect(releaseAt).to.equal((await time.latest()) + 3 * D);
      expect(await f.reader.releaseTimeOf({ campaignId, index: 0 })).to.deep.equal({ status: "scheduled", releaseAt });
      expect(await f.reader.pledgeOf({ campaignId, backer: f.alice.address })).to.deep.include({ approved: [0] });
      await expectSdkError(
        f.aliceClient.approveMilestone({ campaignId, index: 0 }),
        CrowdfundingStateError,
        "CROWDFUNDING_ALREADY_VOTED",
      );
      await expectSdkError(
        f.aliceClient.approveMilestone({ campaignId, index: 3 }),
        CrowdfundingStateError,
        "CROWDFUNDING_MILESTONE_OUT_OF_RANGE",
      );
      await time.setNextBlockTimestamp(releaseAt - 1);
      await expectSdkError(
        f.relayerClient.releaseMilestone({ campaignId, index: 0 }),
        CrowdfundingStateError,
        "CROWDFUNDING_RELEASE_NOT_READY",
        { releaseAt: BigInt(releaseAt) },
      );
      await time.setNextBlockTimestamp(releaseAt);
      const release = () => f.relayerClient.releaseMilestone({ campaignId, index: 0 });
      await expectTokenChange(f.token, f.creator.address, release, 3n * UNIT);
      expect(await f.reader.releaseTimeOf({ campaignId, index: 0 })).to.deep.equal({ status: "released" });
      await expectSdkError(
        f.relayerClient.releaseMilestone({ campaignId, index: 0 }),
        CrowdfundingStateError,
        "CROWDFUNDING_ALREADY_RELEASED",
      );
      const tallies = await f.reader.tallies({ campaignId });
      expect(tallies).to.deep.equal({
        total: 10n * UNIT,
        milestones: [6n * UNIT, 0n, 0n],
        dispute: 0n,
        returned: 0n,
        returnedPulled: 0n,
      });
    });

    it("CF-SDK-8 (CF-M4, CF-M5): 20% support opens the dispute, a release is then DISPUTE_OPEN; returns are pulled pro rata", async function () {
      const { f, campaignId } = await claimedMilestoneCampaign();
      await f.aliceClient.approveMilestone({ campaignId, index: 1 });
      await expectSdkError(
        f.creatorClient.supportDispute({ campaignId }),
        CrowdfundingStateError,
        "CROWDFUNDING_NOT_BACKER",
      );
      const { events } = await f.bobClient.supportDispute({ campaignId });
      expect(events.map((e) => e.type)).to.include("DisputeOpened");
      expect(await f.reader.pledgeOf({ campaignId, backer: f.bob.address })).to.deep.include({
        supportedDispute: true,
      });
      await time.increase(3 * D);
      await expectSdkError(
        f.relayerClient.releaseMilestone({ campaignId, index: 1 }),
        CrowdfundingStateError,
        "CROWDFUNDING_DISPUTE_OPEN",
      );
      // The arbiter rules through the Escrow on the deal dealOf returns: half of the 10 units back to the campaign.
      const { deal } = await f.reader.dealOf({ campaignId });
      await new EscrowClient({ address: await f.escrow.getAddress(), runner: f.arbiter }).resolve({
        deal,
        toBeneficiary: 5n * UNIT,
      });
      const { returned } = await f.reader.tallies({ campaignId });
      expect(returned).to.be.greaterThan(0n);
      await expectTokenChange(
        f.token,
        f.bob.address,
        () => f.bobClient.pullReturned({ campaignId }),
        (returned * 3n) / 10n,
      );
      await expectSdkError(
        f.bobClient.pullReturned({ campaignId }),
        CrowdfundingStateError,
        "CROWDFUNDING_NOTHING_RETURNED",
      );
      expect((await f.reader.tallies({ campaignId })).returnedPulled).to.equal((returned * 3n) / 10n);
      // Nothing waits in the Escrow for the campaign: the Escrow's own error bubbles, decoded.
      await expectSdkError(
        f.relayerClient.withdrawEscrowCredit({ token: f.tokenAddress }),
        TransferError,
        "PULL_PAYMENTS_NOTHING_TO_WITHDRAW",
      );
    });
  });

  describe("unsigned builders (CF-SDK-5)", function () {
    it("every action builds a { to, data, value } that a plain signer sends with the same effect", async function () {
      const f = await loadFixture(sdkCrowdfundingFixture);
      const { campaignId, deadline } = await createCampaign(f, { token: f.tokenAddress });
      const other = await createCampaign(f);
      const send = async (request: { to: string; data: string; value: bigint }, from = f.alice) =>
        (await from.sendTransaction(request)).wait();
      const names = (requests: { data: string }[]) => requests.map((r) => f.cf.interface.parseTransaction(r)?.name);
      const built = [
        f.reader.buildCancel({ campaignId }),
        f.reader.buildUnpledge({ campaignId, amount: 1n }),
        f.reader.buildRefund({ campaignId }),
        f.reader.buildRefundMany({ campaignId, backers: [f.alice.address] }),
        f.reader.buildClaim({ campaignId }),
        f.reader.buildApproveMilestone({ campaignId, index: 1 }),
        f.reader.buildReleaseMilestone({ campaignId, index: 1 }),
        f.reader.buildSupportDispute({ campaignId }),
        f.reader.buildPullReturned({ campaignId }),
        f.reader.buildWithdrawEscrowCredit({}),
        f.reader.buildCancelNonce(),
        await f.reader.buildWithdraw({ to: f.alice.address }),
      ];
      expect(names(built)).to.deep.equal([
        "cancel",
        "unpledge",
        "refund",
        "refundMany",
        "claim",
        "approveMilestone",
        "releaseMilestone",
        "supportDispute",
        "pullReturned",
        "withdrawEscrowCredit",
        "cancelNonce",
        "withdraw",
      ]);
      expect(built.every((r) => r.to === f.cfAddress && r.value === 0n)).to.equal(true);
      await expectSdkError(
        () => f.reader.buildRefundMany({ campaignId, backers: [] }),
        InvalidParameterError,
        "INVALID_PARAMETER",
      );
      // Sent by plain signers: a pledge, a nonce cancel, a cancel of the other campaign, a refund after failure.
      await send(f.reader.buildApprove({ campaignId, amount: 2n * UNIT }));
      await send(f.reader.buildPledge({ campaignId, amount: 2n * UNIT }));
      await send(f.reader.buildCancelNonce());
      expect(await f.reader.nonceOf({ backer: f.alice.address })).to.equal(1n);
      await send(f.reader.buildCancel({ campaignId: other.campaignId }), f.creator);
      expect(await f.reader.state({ campaignId: other.campaignId })).to.equal(CampaignState.Cancelled);
      await time.increaseTo(deadline);
      await expectTokenChange(f.token, f.alice.address, () => send(f.reader.buildRefund({ campaignId })), 2n * UNIT);
      expect(await f.reader.pledgeOf({ campaignId, backer: f.alice.address })).to.deep.include({ amount: 0n });
    });
  });
});

/** The SDK's parameters as the contract's struct, defaults filled in, without the SDK's checks. */
function rawTerms(p: Partial<CreateCampaignParameters> & { goal: bigint; deadline: number | bigint }) {
  return {
    token: p.token ?? ZeroAddress,
    goal: p.goal,
    cap: p.cap ?? 0n,
    start: BigInt(p.start ?? 0),
    deadline: BigInt(p.deadline),
    minPledge: p.minPledge ?? 0n,
    feeBps: BigInt(p.feeBps ?? 0),
    feeRecipient: p.feeRecipient ?? ZeroAddress,
    milestoneBps: (p.milestoneBps ?? []).map(BigInt),
    arbiter: p.arbiter ?? ZeroAddress,
    dealDuration: BigInt(p.dealDuration ?? 0),
    disputeWindow: BigInt(p.disputeWindow ?? 0),
    defaultOutcome: BigInt(p.defaultOutcome ?? 0),
    fallbackBps: BigInt(p.fallbackBps ?? 0),
    arbiterFeeBps: BigInt(p.arbiterFeeBps ?? 0),
  };
}

function screaming(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
