// docs/crowdfunding.md §4: pledging (CF-P1…P9) at every edge of the window, with permits and relayed signatures.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  ETH,
  GOAL,
  State,
  UNIT,
  at,
  create,
  crowdfundingFixture,
  domainOf,
  now,
  paramsOf,
  PLEDGE_TYPES,
  pledge,
  signPledge,
  timesOf,
} from "../helpers/crowdfunding";

describe("Crowdfunding: pledging", () => {
  describe("CF-P1 the window: start <= t < deadline", () => {
    for (const asset of ["ETH", "ERC20"]) {
      it(`${asset}: refused at start-1, accepted at start and deadline-1, refused at deadline and deadline+1`, async () => {
        const { cf, creator, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
        const start = (await now()) + DAY;
        const id = await create(
          cf,
          creator,
          await paramsOf(asset === "ETH" ? ETH : tokenAddress, { start, deadline: start + DAY }),
        );
        const { deadline } = await timesOf(cf, id);
        await at(start - 1n);
        await expect(pledge(cf, alice, id, UNIT))
          .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
          .withArgs(id, State.Upcoming);
        await at(start);
        await expect(pledge(cf, alice, id, UNIT))
          .to.emit(cf, "Pledged")
          .withArgs(id, alice.address, UNIT);
        await at(deadline - 1n);
        await expect(pledge(cf, alice, id, UNIT)).to.emit(cf, "Pledged");
        await at(deadline);
        await expect(pledge(cf, alice, id, UNIT))
          .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
          .withArgs(id, State.Failed);
        await at(deadline + 1n);
        await expect(pledge(cf, alice, id, UNIT)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
        expect((await cf.campaign(id)).total).to.equal(2n * UNIT);
      });
    }

    it("CF-P1, CF-P9 unpledge before the start reverts WrongState(Upcoming), for an account with no pledge too", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const start = (await now()) + DAY;
      const id = await create(cf, creator, await paramsOf(ETH, { start, deadline: start + DAY }));
      for (const t of [start - DAY + 10n, start - 1n]) {
        await at(t);
        await expect(cf.connect(alice).unpledge(id, UNIT))
          .to.be.revertedWithCustomError(cf, "CrowdfundingWrongState")
          .withArgs(id, State.Upcoming);
      }
    });

    it("CF-P9 unpledge: accepted at deadline-1, refused at deadline and deadline+1", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH));
      await pledge(cf, alice, id, 3n * UNIT);
      const { deadline } = await timesOf(cf, id);
      await at(deadline - 1n);
      await expect(cf.connect(alice).unpledge(id, UNIT)).to.changeEtherBalances([alice, cf], [UNIT, -UNIT]);
      await at(deadline);
      await expect(cf.connect(alice).unpledge(id, UNIT)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
      await at(deadline + 1n);
      await expect(cf.connect(alice).unpledge(id, UNIT)).to.be.revertedWithCustomError(cf, "CrowdfundingWrongState");
    });
  });

  describe("CF-P2, CF-P3 amounts", () => {
    it("zero refused; the backer's pledge must reach the minimum, after which small additions are fine", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH, { minPledge: UNIT }));
      await expect(pledge(cf, alice, id, 0n)).to.be.revertedWithCustomError(cf, "CrowdfundingZeroAmount");
      await expect(pledge(cf, alice, id, UNIT - 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingBelowMinimum")
        .withArgs(UNIT - 1n, UNIT);
      await pledge(cf, alice, id, UNIT);
      await pledge(cf, alice, id, 1n);
      expect((await cf.pledgeOf(id, alice.address)).amount).to.equal(UNIT + 1n);
    });

    it("the cap: a pledge reaching it exactly is accepted, one unit more refused whole", async () => {
      const { cf, creator, alice, bob } = await loadFixture(crowdfundingFixture);
      const cap = GOAL + UNIT;
      const id = await create(cf, creator, await paramsOf(ETH, { cap }));
      await pledge(cf, alice, id, GOAL);
      await expect(pledge(cf, bob, id, UNIT + 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingCapExceeded")
        .withArgs(cap + 1n, cap);
      await pledge(cf, bob, id, UNIT);
      expect((await cf.campaign(id)).total).to.equal(cap);
    });

    it("CF-P9 unpledge: zero, more than the pledge, or leaving less than the minimum are refused", async () => {
      const { cf, creator, alice } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(ETH, { minPledge: UNIT }));
      await pledge(cf, alice, id, 2n * UNIT);
      await expect(cf.connect(alice).unpledge(id, 0n)).to.be.revertedWithCustomError(cf, "CrowdfundingZeroAmount");
      await expect(cf.connect(alice).unpledge(id, 2n * UNIT + 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingAmountExceedsPledge")
        .withArgs(2n * UNIT + 1n, 2n * UNIT);
      await expect(cf.connect(alice).unpledge(id, UNIT + 1n))
        .to.be.revertedWithCustomError(cf, "CrowdfundingBelowMinimum")
        .withArgs(UNIT - 1n, UNIT);
      await expect(cf.connect(alice).unpledge(id, UNIT)).to.emit(cf, "Unpledged").withArgs(id, alice.address, UNIT);
      await cf.connect(alice).unpledge(id, UNIT);
      expect((await cf.campaign(id)).total).to.equal(0n);
    });
  });

  describe("CF-P4 assets", () => {
    it("ETH to a token campaign and tokens to an ETH campaign are refused", async () => {
      const { cf, creator, alice, tokenAddress } = await loadFixture(crowdfundingFixture);
      const ethId = await create(cf, creator, await paramsOf(ETH));
      const tokenId = await create(cf, creator, await paramsOf(tokenAddress));
      await expect(cf.connect(alice).pledge(tokenId, { value: UNIT }))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongAsset")
        .withArgs(tokenId);
      await expect(cf.connect(alice).pledgeToken(ethId, UNIT))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongAsset")
        .withArgs(ethId);
      await expect(cf.connect(alice).pledgeWithPermit(ethId, UNIT, 0n, 0, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongAsset")
        .withArgs(ethId);
    });

    it("an ERC20 pledge moves exactly the amount from the backer", async () => {
      const { cf, creator, alice, token, tokenAddress } = await loadFixture(crowdfundingFixture);
      const id = await create(cf, creator, await paramsOf(tokenAddress));
      await expect(cf.connect(alice).pledgeToken(id, UNIT)).to.changeTokenBalances(token, [alice, cf], [-UNIT, UNIT]);
    });
  });

  describe("CF-P6 permit", () => {
    async function permitSig(fx: Awaited<ReturnType<typeof crowdfundingFixture>>, value: bigint, deadline: bigint) {
      const { token, alice, cfAddress } = fx;
      const domain = {
        name: "Pledge Token",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await token.getAddress(),
      };
      const types = {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const nonce = await token.nonces(alice.address);
      return ethers.Signature.from(
        await alice.signTypedData(domain, types, { owner: alice.address, spender: cfAddress, value, nonce, deadline }),
      );
    }

    it("pledges on a fresh permit, and still on the allowance when the permit was front-run", async () => {
      const fx = await loadFixture(crowdfundingFixture);
      const { cf, creator, alice, token, tokenAddress, cfAddress, stranger } = fx;
      const id = await create(cf, creator, await paramsOf(tokenAddress));
      await token.connect(alice).approve(cfAddress, 0n);
      const deadline = (await now()) + DAY;
      const sig = await permitSig(fx, UNIT, deadline);
      await token.connect(stranger).permit(alice.address, cfAddress, UNIT, deadline, sig.v, sig.r, sig.s);
      await expect(cf.connect(alice).pledgeWithPermit(id, UNIT, deadline, sig.v, sig.r, sig.s)).to.emit(cf, "Pledged");
      const sig2 = await permitSig(fx, UNIT, deadline);
      await cf.connect(alice).pledgeWithPermit(id, UNIT, deadline, sig2.v, sig2.r, sig2.s);
      expect((await cf.pledgeOf(id, alice.address)).amount).to.equal(2n * UNIT);
    });
  });

  describe("CF-P7, CF-P8 relayed pledges (EIP-712)", () => {
    async function relayed() {
      const fx = await loadFixture(crowdfundingFixture);
      const id = await create(fx.cf, fx.creator, await paramsOf(fx.tokenAddress));
      const other = await create(fx.cf, fx.creator, await paramsOf(fx.tokenAddress));
      const domain = await domainOf(fx.cf);
      const message = {
        campaignId: id,
        backer: fx.alice.address,
        amount: UNIT,
        nonce: 0n,
        deadline: (await now()) + DAY,
      };
      return { ...fx, id, other, domain, message, signature: await signPledge(fx.alice, domain, message) };
    }

    it("anyone submits; the tokens come from the backer; the nonce is consumed; the digest view agrees", async () => {
      const { cf, token, alice, stranger, id, domain, message, signature } = await relayed();
      expect(await cf.pledgeDigest(id, alice.address, UNIT, 0n, message.deadline)).to.equal(
        ethers.TypedDataEncoder.hash(domain, PLEDGE_TYPES, message),
      );
      const tx = cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, message.deadline, signature);
      await expect(tx).to.changeTokenBalances(token, [alice, stranger], [-UNIT, 0n]);
      await expect(tx).to.emit(cf, "NonceUsed").withArgs(alice.address, 0n);
      await expect(tx).to.emit(cf, "Pledged").withArgs(id, alice.address, UNIT);
      expect(await cf.nonces(alice.address)).to.equal(1n);
    });

    it("a replay, another campaign, another amount, another chain or contract do not verify", async () => {
      const { cf, escrow, owner, alice, stranger, id, other, message, signature } = await relayed();
      await cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, message.deadline, signature);
      const bad = (campaignId: bigint, amount: bigint, sig: string) =>
        expect(cf.connect(stranger).pledgeBySig(campaignId, alice.address, amount, message.deadline, sig))
          .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
          .withArgs(alice.address);
      await bad(id, UNIT, signature);
      const fresh = { ...message, nonce: 1n };
      await bad(other, UNIT, await signPledge(alice, await domainOf(cf), fresh));
      await bad(id, 2n * UNIT, await signPledge(alice, await domainOf(cf), fresh));
      await bad(id, UNIT, await signPledge(alice, await domainOf(cf, 1n), fresh));
      const twin = await ethers.deployContract("Crowdfunding", [owner.address, await escrow.getAddress()]);
      await bad(id, UNIT, await signPledge(alice, await domainOf(twin), fresh));
      await cf
        .connect(stranger)
        .pledgeBySig(id, alice.address, UNIT, message.deadline, await signPledge(alice, await domainOf(cf), fresh));
    });

    it("the signature deadline is inclusive: valid at it, expired one second later", async () => {
      const { cf, alice, stranger, id, domain } = await relayed();
      const deadline = (await now()) + 10n;
      const s0 = await signPledge(alice, domain, {
        campaignId: id,
        backer: alice.address,
        amount: UNIT,
        nonce: 0n,
        deadline,
      });
      await at(deadline + 1n);
      await expect(cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, deadline, s0))
        .to.be.revertedWithCustomError(cf, "CrowdfundingSignatureExpired")
        .withArgs(deadline);
      const d2 = (await now()) + 10n;
      const s1 = await signPledge(alice, domain, {
        campaignId: id,
        backer: alice.address,
        amount: UNIT,
        nonce: 0n,
        deadline: d2,
      });
      await at(d2);
      await expect(cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, d2, s1)).to.emit(cf, "Pledged");
    });

    it("CF-P8 cancelNonce kills an outstanding signature", async () => {
      const { cf, alice, stranger, id, message, signature } = await relayed();
      await expect(cf.connect(alice).cancelNonce()).to.emit(cf, "NonceUsed").withArgs(alice.address, 0n);
      await expect(
        cf.connect(stranger).pledgeBySig(id, alice.address, UNIT, message.deadline, signature),
      ).to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature");
    });

    it("an ERC-1271 backer's wallet signs; a wallet refusing the signature is refused", async () => {
      const { cf, token, alice, stranger, id, domain, cfAddress } = await relayed();
      const wallet = await ethers.deployContract("MockERC1271Wallet", [alice.address]);
      const walletAddress = await wallet.getAddress();
      await token.mint(walletAddress, 10n * UNIT);
      await wallet
        .connect(alice)
        .execute(await token.getAddress(), 0n, token.interface.encodeFunctionData("approve", [cfAddress, 10n * UNIT]));
      const deadline = (await now()) + DAY;
      const message = { campaignId: id, backer: walletAddress, amount: UNIT, nonce: 0n, deadline };
      const sig = await signPledge(alice, domain, message);
      await wallet.setMode(1);
      await expect(cf.connect(stranger).pledgeBySig(id, walletAddress, UNIT, deadline, sig))
        .to.be.revertedWithCustomError(cf, "CrowdfundingInvalidSignature")
        .withArgs(walletAddress);
      await wallet.setMode(0);
      await cf.connect(stranger).pledgeBySig(id, walletAddress, UNIT, deadline, sig);
      expect((await cf.pledgeOf(id, walletAddress)).amount).to.equal(UNIT);
    });

    it("a relayed pledge to an ETH campaign is refused (the tokens would have no source)", async () => {
      const { cf, creator, alice, stranger, domain } = await relayed();
      const ethId = await create(cf, creator, await paramsOf(ETH));
      const deadline = (await now()) + DAY;
      const sig = await signPledge(alice, domain, {
        campaignId: ethId,
        backer: alice.address,
        amount: UNIT,
        nonce: 0n,
        deadline,
      });
      await expect(cf.connect(stranger).pledgeBySig(ethId, alice.address, UNIT, deadline, sig))
        .to.be.revertedWithCustomError(cf, "CrowdfundingWrongAsset")
        .withArgs(ethId);
    });
  });
});
