// Rules of docs/crowdfunding.md that the other suites left untested: the packed layout's bounds and the slots a pledge
// touches (CF-S1), a succeeded campaign nobody claims (CF-O3), every binding of a relayed pledge and low-s (CF-P7), the
// owner's only power (CF-I3), every field of the claim's escrow deal (CF-M2), and the Escrow-only receive (CF-M6).
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, type FunctionFragment } from "ethers";
import {
  DAY,
  ETH,
  GOAL,
  MAX_DURATION,
  UNIT,
  State,
  at,
  create,
  crowdfundingFixture,
  dealDeadlineOf,
  dealOf,
  domainOf,
  milestoneTerms,
  mineAt,
  now,
  paramsOf,
  pledge,
  signPledge,
  timesOf,
} from "../helpers/crowdfunding";
import { underCoverage } from "../helpers/coverage";

const MAX96 = (1n << 96n) - 1n;
/** secp256k1's group order: a signature's `s` above half of it is the malleable twin (CF-P7 low s). */
const N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

interface StructLog {
  op: string;
  stack: string[];
}

/** The distinct storage keys a transaction read (SLOAD) and wrote (SSTORE), from the node's opcode trace. */
async function slotsTouched(hash: string): Promise<{ read: Set<string>; written: Set<string> }> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStorage: true },
  ])) as { structLogs: StructLog[] };
  const read = new Set<string>();
  const written = new Set<string>();
  for (const log of trace.structLogs) {
    const top = log.stack[log.stack.length - 1];
    if (log.op === "SLOAD") read.add(BigInt("0x" + top.replace(/^0x/, "")).toString(16));
    if (log.op === "SSTORE") written.add(BigInt("0x" + top.replace(/^0x/, "")).toString(16));
  }
  return { read, written };
}

describe("Crowdfunding: rules the other suites do not reach", () => {
  describe("CF-S1 the packed layout", () => {
    it("CF-S1, CF-C2 goal and cap at 2^96 - 1 are accepted, 2^96 refused (InvalidGoal)", async () => {
      const { cf, creator } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH, { goal: MAX96, cap: MAX96 }));
      expect((await cf.campaign(id)).goal).to.equal(MAX96);
      expect((await cf.campaign(id)).cap).to.equal(MAX96);
      for (const over of [{ goal: MAX96 + 1n }, { goal: GOAL, cap: MAX96 + 1n }]) {
        await expect(cf.connect(creator).createCampaign(await paramsOf(ETH, over))).to.be.revertedWithCustomError(
          cf,
          "CrowdfundingInvalidGoal",
        );
      }
    });

    it("CF-S1, CF-P3 without a cap the total reaches 2^96 - 1 exactly; one unit more is refused (CapExceeded)", async () => {
      const { cf, token, creator, alice, bob, cfAddress, tokenAddress } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(tokenAddress));
      for (const s of [alice, bob]) {
        await token.mint(s.address, MAX96);
        await token.connect(s).approve(cfAddress, MAX96 + 1n);
      }
      await cf.connect(alice).pledgeToken(id, MAX96 - 1n);
      await expect(cf.connect(bob).pledgeToken(id, 2n)).to.be.revertedWithCustomError(cf, "CrowdfundingCapExceeded");
      await cf.connect(bob).pledgeToken(id, 1n);
      expect((await cf.campaign(id)).total).to.equal(MAX96);
      expect((await cf.pledgeOf(id, bob.address)).amount).to.equal(1n);
    });

    it("CF-S1 a first ETH pledge reads three slots (campaign 0 and 1, the backer's) and writes two (0, the backer's)", async function () {
      // An instrumented build may add storage accesses of its own.
      if (underCoverage()) this.skip();
      const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, bob, id, UNIT);
      const first = await (await cf.connect(alice).pledge(id, { value: UNIT })).wait();
      const { read, written } = await slotsTouched(first!.hash);
      expect(read.size).to.equal(3);
      expect(written.size).to.equal(2);
      for (const slot of written) expect(read.has(slot)).to.equal(true);
      // The backer's slot is the one bob's pledge did not write; slot 0 is shared by both pledges.
      const again = await (await cf.connect(bob).pledge(id, { value: UNIT })).wait();
      const bobs = await slotsTouched(again!.hash);
      expect([...written].filter((s) => bobs.written.has(s))).to.have.length(1);
    });
  });

  describe("CF-O3 a succeeded campaign nobody claims", () => {
    it("CF-O3 stays Succeeded a year after its deadline; refunds are refused; the creator can still claim", async () => {
      const { cf, creator, alice, stranger } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, id, GOAL);
      const { deadline } = await timesOf(cf, id);
      await mineAt(deadline + MAX_DURATION);
      expect(await cf.stateOf(id)).to.equal(State.Succeeded);
      await expect(cf.connect(alice).refund(id))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Succeeded);
      await expect(cf.connect(stranger).refundMany(id, [alice.address]))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
        .withArgs(id, State.Succeeded);
      await expect(cf.connect(creator).claim(id)).to.changeEtherBalance(creator, GOAL);
      expect(await cf.stateOf(id)).to.equal(State.Claimed);
    });
  });

  describe("CF-P7 what a relayed pledge is bound to", () => {
    async function signed() {
      const fx = await loadFixture(crowdfundingFixture);
      const id = await create(fx.cf, fx.creator, await paramsOf(fx.tokenAddress));
      const domain = await domainOf(fx.cf);
      const deadline = (await now()) + DAY;
      const message = { campaignId: id, backer: fx.alice.address, amount: UNIT, nonce: 0n, deadline };
      return { ...fx, id, domain, deadline, message, signature: await signPledge(fx.alice, domain, message) };
    }

    it("CF-P7 another backer, a later nonce or another deadline than signed do not verify; the signed one does", async () => {
      const { cf, alice, bob, stranger, id, domain, deadline, message, signature } = await signed();
      // Submitted for bob with alice's signature: the backer is bound.
      await expect(cf.connect(stranger).pledgeBySig(id, bob.address, UNIT, deadline, signature))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
        .withArgs(bob.address);
      // Submitted with a later deadline than signed: the deadline is bound.
      await expect(cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline + 1n, signature))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
        .withArgs(alice.address);
      // Signed for nonce 1 while the current nonce is 0: only the current nonce verifies.
      const ahead = await signPledge(alice, domain, { ...message, nonce: 1n });
      await expect(cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline, ahead))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
        .withArgs(alice.address);
      await cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline, signature);
      expect((await cf.pledgeOf(id, alice.address)).amount).to.equal(UNIT);
    });

    it("CF-P7 the high-s twin of a valid signature is refused; the low-s original pledges", async () => {
      const { cf, alice, stranger, id, deadline, signature } = await signed();
      const sig = Signature.from(signature);
      const highS = ethers.concat([
        sig.r,
        ethers.toBeHex(N - BigInt(sig.s), 32),
        ethers.toBeHex(sig.v === 27 ? 28 : 27, 1),
      ]);
      await expect(cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline, highS))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
        .withArgs(alice.address);
      expect(await cf.nonces(alice.address)).to.equal(0n);
      await cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline, signature);
      expect(await cf.nonces(alice.address)).to.equal(1n);
    });
  });

  describe("CF-I3 the owner's only power", () => {
    it("CF-I3, CF-C5 a new default fee recipient applies to later campaigns only; the earlier one pays its own", async () => {
      const { cf, owner, creator, alice, platform, stranger } = await loadFixture(crowdfundingFixture);
      await cf.connect(owner).setDefaultFeeRecipient(platform.address);
      const before = await create(cf, creator, await paramsOf(ETH, { feeBps: 100n }));
      await cf.connect(owner).setDefaultFeeRecipient(stranger.address);
      const after = await create(cf, creator, await paramsOf(ETH, { feeBps: 100n }));
      expect((await cf.campaign(before)).feeRecipient).to.equal(platform.address);
      expect((await cf.campaign(after)).feeRecipient).to.equal(stranger.address);
      await pledge(cf, alice, before, GOAL);
      await at((await timesOf(cf, before)).deadline);
      await expect(cf.connect(creator).claim(before)).to.changeEtherBalances(
        [platform, stranger, creator],
        [GOAL / 100n, 0n, GOAL - GOAL / 100n],
      );
    });

    it("CF-I3 the only owner-restricted functions are the default fee recipient and Ownable2Step's own", async () => {
      const { cf, owner, alice, creator, cfAddress } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, id, UNIT);
      // Every state-changing function, called by a stranger with harmless arguments: those refused with
      // OwnableUnauthorizedAccount are the owner's. A new admin function would join the list and fail this test.
      const ownerOnly: string[] = [];
      const stranger = (await ethers.getSigners())[9];
      const fns: FunctionFragment[] = [];
      cf.interface.forEachFunction((f) => {
        if (f.stateMutability !== "view" && f.stateMutability !== "pure") fns.push(f);
      });
      expect(fns.length).to.be.greaterThan(20);
      for (const f of fns) {
        // Zero words decode as zero values and empty arrays: enough to reach an owner check, which runs first.
        const data = ethers.concat([f.selector, new Uint8Array(32 * 32)]);
        try {
          await stranger.call({ to: cfAddress, data });
        } catch (e) {
          const revert = (e as { data?: string }).data;
          if (revert && revert.length >= 10 && cf.interface.parseError(revert)?.name === "OwnableUnauthorizedAccount") {
            ownerOnly.push(f.name);
          }
        }
      }
      expect(ownerOnly.sort()).to.deep.equal([
        "acceptOwnership",
        "renounceOwnership",
        "setDefaultFeeRecipient",
        "transferOwnership",
      ]);
      // The owner has no more reach over a pledge than anyone: it can neither withdraw nor refund alice's.
      await expect(cf.connect(owner).unpledge(id, UNIT)).to.be.revertedWithCustomError(
        cf,
        "CrowdfundingAmountExceedsPledge",
      );
      expect((await cf.pledgeOf(id, alice.address)).amount).to.equal(UNIT);
    });
  });

  describe("CF-M2 the claim's escrow deal", () => {
    it("CF-M2 every field: parties, token, amount = total - fee, deadline = claim + dealDuration, terms, salt, milestones", async () => {
      const { cf, escrow, creator, arbiter, alice, bob, platform, tokenAddress, cfAddress } =
        await loadFixture(crowdfundingFixture);
      const terms = milestoneTerms(arbiter.address);
      const id = await create(
        cf,
        creator,
        await paramsOf(tokenAddress, { ...terms, feeBps: 100n, feeRecipient: platform.address }),
      );
      // An odd total, so that neither the fee nor the milestone shares divide evenly.
      const total = GOAL + 7_779n;
      await pledge(cf, alice, id, 4n * UNIT);
      await pledge(cf, bob, id, total - 4n * UNIT);
      const claimAt = (await timesOf(cf, id)).deadline + 5n;
      await at(claimAt);
      const tx = await cf.connect(alice).claim(id);
      const net = total - (total * 100n) / 10_000n;
      const { deal, milestones } = await dealOf(cf, id);
      expect(deal.depositor).to.equal(cfAddress);
      expect(deal.beneficiary).to.equal(creator.address);
      expect(deal.arbiter).to.equal(arbiter.address);
      expect(deal.token).to.equal(tokenAddress);
      expect(dealDeadlineOf(deal.terms)).to.equal(claimAt + 30n * DAY);
      expect(deal.terms).to.equal(
        await escrow.packTerms({
          beneficiary: creator.address,
          arbiter: arbiter.address,
          token: tokenAddress,
          amount: net,
          deadline: claimAt + 30n * DAY,
          disputeWindow: terms.disputeWindow!,
          defaultOutcome: terms.defaultOutcome!,
          fallbackBps: terms.fallbackBps!,
          arbiterFeeBps: terms.arbiterFeeBps!,
          salt: id & 0xffffffffn,
        }),
      );
      const m0 = (net * 3_000n) / 10_000n;
      expect(milestones).to.deep.equal([m0, m0, net - 2n * m0]);
      expect(milestones[2]).to.not.equal((net * 4_000n) / 10_000n); // the remainder is the last's
      const dealId = await escrow.computeDealId(deal);
      await expect(tx)
        .to.emit(cf, "Claimed")
        .withArgs(id, creator.address, net, total - net, dealId);
      const state = await escrow.getDealState(dealId);
      expect([state.released, state.refunded]).to.deep.equal([0n, 0n]);
      expect(await escrow.creditOf(tokenAddress, cfAddress)).to.equal(0n);
    });
  });

  describe("CF-M6 receive", () => {
    it("CF-M6 ETH sent by anyone but the Escrow is refused; the Escrow's return is accepted and counted", async () => {
      const { cf, escrow, creator, arbiter, alice, stranger, cfAddress } = await loadFixture(crowdfundingFixture);
      await expect(stranger.sendTransaction({ to: cfAddress, value: 1n }))
        .to.be.revertedWithCustomError(cf, "CrowdfundingUnexpectedEth")
        .withArgs(stranger.address);
      const id = await create(cf, creator, await paramsOf(ETH, milestoneTerms(arbiter.address)));
      await pledge(cf, alice, id, GOAL);
      await at((await timesOf(cf, id)).deadline);
      await cf.connect(creator).claim(id);
      const { deal } = await dealOf(cf, id);
      await expect(escrow.connect(creator).refund(deal, UNIT)).to.changeEtherBalance(cfAddress, UNIT);
      expect(await cf.returnedOf(id)).to.deep.equal([UNIT, 0n]);
    });
  });
});
