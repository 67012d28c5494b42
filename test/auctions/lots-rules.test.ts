// Lot rules the first suites left without a failing test (docs/auctions.md AU-L1, AU-L3, AU-L4, AU-L5, AU-X2, AU-X3):
// the lot measured at creation for each kind (a token that reports a move it did not make, a short ERC1155, a balance
// already held), a lot the seller cannot give creating nothing, every creation bound at the limit and one past it,
// claimLot's recipient and caller, a credit withdrawn to the contract itself, fees whose recipient refuses them.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { AuctionFrozenNFT, AuctionShortMultiToken, BlocklistToken, MockAccount } from "../../typechain-types";
import {
  DAY,
  DUTCH,
  ENGLISH,
  ETH,
  LotKind,
  MAX_DURATION,
  MAX_EXTENSION,
  ONE,
  SEALED,
  UINT96_MAX,
  auctionsFixture,
  bidEth,
  createEnglish,
  type Fixture,
  type LotSpec,
} from "../helpers/auctions";

/** Creates an auction of `kind` selling `lot`, by `who` (the seller unless said), with the default terms. */
function create(f: Fixture, kind: "English" | "Dutch" | "Sealed", lot: LotSpec, who = f.seller) {
  const a = f.auctions.connect(who);
  if (kind === "English") return a.createEnglish(lot, { bidToken: ETH, ...ENGLISH });
  if (kind === "Dutch") return a.createDutch(lot, { bidToken: ETH, ...DUTCH });
  return a.createSealed(lot, { bidToken: ETH, ...SEALED });
}

const KINDS = ["English", "Dutch", "Sealed"] as const;

/** A contract account (no onERC721Received, no ERC1155 hooks) wins an English auction of `lot`: the lot is its claim. */
async function claimFor(f: Fixture, lot: LotSpec) {
  const [, , , , , , , , acctOwner] = await ethers.getSigners();
  const acct = (await ethers.deployContract("MockAccount", [acctOwner.address], {
    value: 10n * ONE,
  })) as unknown as MockAccount;
  const id = await createEnglish(f, lot);
  await acct.connect(acctOwner).execute(f.address, ONE, f.auctions.interface.encodeFunctionData("bid", [id, ONE, 0n]), {
    value: ONE,
  });
  await time.increase(DAY);
  await f.auctions.connect(f.keeper).settle(id);
  const claimTo = (to: string, gasLimit?: bigint) =>
    acct
      .connect(acctOwner)
      .execute(f.address, 0n, f.auctions.interface.encodeFunctionData("claimLot", [id, to]), { gasLimit });
  return { id, acct, acctAddress: await acct.getAddress(), claimTo };
}

describe("Auctions: lot rules (AU-L1, AU-L3, AU-L4, AU-L5)", function () {
  describe("AU-L1: the lot is pulled and measured at creation", function () {
    it("AU-L1: an ERC721 whose transferFrom moves nothing is refused with AuctionsTransferShortfall(token, 1, 0); nothing is created", async function () {
      const f = await loadFixture(auctionsFixture);
      const frozen = (await ethers.deployContract("AuctionFrozenNFT")) as unknown as AuctionFrozenNFT;
      const token = await frozen.getAddress();
      await frozen.mint(f.seller.address, 1n);
      await frozen.connect(f.seller).setApprovalForAll(f.address, true);
      await frozen.setFrozen(true);
      const lot = { kind: LotKind.ERC721, token, id: 1n, amount: 1n };
      for (const kind of KINDS) {
        await expect(create(f, kind, lot))
          .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
          .withArgs(token, 1n, 0n);
      }
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
      // The same token moving for real is accepted: the refusal is the ownerOf check, not the token.
      await frozen.setFrozen(false);
      await create(f, "English", lot);
      expect(await frozen.ownerOf(1n)).to.equal(f.address);
    });

    it("AU-L1: an ERC1155 lot that arrives short is refused with AuctionsTransferShortfall(token, amount, received)", async function () {
      const f = await loadFixture(auctionsFixture);
      const short = (await ethers.deployContract("AuctionShortMultiToken")) as unknown as AuctionShortMultiToken;
      const token = await short.getAddress();
      await short.mint(f.seller.address, 3n, 100n);
      await short.connect(f.seller).setApprovalForAll(f.address, true);
      await short.setShort(1n);
      const lot = { kind: LotKind.ERC1155, token, id: 3n, amount: 40n };
      for (const kind of KINDS) {
        await expect(create(f, kind, lot))
          .to.be.revertedWithCustomError(f.auctions, "AuctionsTransferShortfall")
          .withArgs(token, 40n, 39n);
      }
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
      expect(await short.balanceOf(f.seller.address, 3n)).to.equal(100n);
    });

    it("AU-L1: an ERC1155 lot is measured by the balance's growth: a second lot of the same id is recorded and returned at its own amount", async function () {
      const f = await loadFixture(auctionsFixture);
      await create(f, "English", f.multiLot(30n));
      await create(f, "Dutch", f.multiLot(20n));
      expect(await f.multi.balanceOf(f.address, 7n)).to.equal(50n);
      expect((await f.auctions.lotOf(2n)).amount).to.equal(20n);
      await f.auctions.connect(f.seller).cancel(2n);
      expect(await f.multi.balanceOf(f.address, 7n)).to.equal(30n);
      expect(await f.multi.balanceOf(f.seller.address, 7n)).to.equal(1_000n - 30n);
    });

    it("AU-L1: an ERC20 lot is measured by the balance's growth: tokens already held (a donation) neither help nor hurt", async function () {
      const f = await loadFixture(auctionsFixture);
      await f.lotToken.connect(f.seller).transfer(f.address, 3n * ONE); // a donation, never counted (AU-S1)
      const tx = create(f, "Sealed", f.erc20Lot(5n * ONE));
      await expect(tx).to.changeTokenBalances(f.lotToken, [f.seller, f.auctions], [-5n * ONE, 5n * ONE]);
      expect((await f.auctions.lotOf(1n)).amount).to.equal(5n * ONE);
    });

    it("AU-L1: an ERC721 the seller does not own, or has not approved, reverts in the token and nothing is created", async function () {
      const f = await loadFixture(auctionsFixture);
      await f.nft.mint(f.alice.address, 100n);
      for (const kind of KINDS) {
        await expect(create(f, kind, f.nftLot(100n)))
          .to.be.revertedWithCustomError(f.nft, "ERC721InsufficientApproval")
          .withArgs(f.address, 100n);
      }
      // Alice owns #100 but has not approved the contract.
      await expect(create(f, "English", f.nftLot(100n), f.alice))
        .to.be.revertedWithCustomError(f.nft, "ERC721InsufficientApproval")
        .withArgs(f.address, 100n);
      expect(await f.nft.ownerOf(100n)).to.equal(f.alice.address);
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
    });

    it("AU-L1: an ERC1155 amount above the seller's balance, or not approved, reverts in the token and nothing is created", async function () {
      const f = await loadFixture(auctionsFixture);
      for (const kind of KINDS) {
        await expect(create(f, kind, f.multiLot(1_001n)))
          .to.be.revertedWithCustomError(f.multi, "ERC1155InsufficientBalance")
          .withArgs(f.seller.address, 1_000n, 1_001n, 7n);
      }
      await f.multi.mint(f.alice.address, 7n, 5n);
      await expect(create(f, "Dutch", f.multiLot(5n), f.alice))
        .to.be.revertedWithCustomError(f.multi, "ERC1155MissingApprovalForAll")
        .withArgs(f.address, f.alice.address);
      expect(await f.multi.balanceOf(f.address, 7n)).to.equal(0n);
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
    });

    it("AU-L1: an ERC20 amount above the seller's balance, or its allowance, reverts in the token and nothing is created", async function () {
      const f = await loadFixture(auctionsFixture);
      const balance = await f.lotToken.balanceOf(f.seller.address);
      for (const kind of KINDS) {
        await expect(create(f, kind, f.erc20Lot(balance + 1n)))
          .to.be.revertedWithCustomError(f.lotToken, "ERC20InsufficientBalance")
          .withArgs(f.seller.address, balance, balance + 1n);
      }
      await f.lotToken.connect(f.seller).approve(f.address, ONE - 1n);
      await expect(create(f, "Sealed", f.erc20Lot(ONE)))
        .to.be.revertedWithCustomError(f.lotToken, "ERC20InsufficientAllowance")
        .withArgs(f.address, ONE - 1n, ONE);
      expect(await f.lotToken.balanceOf(f.address)).to.equal(0n);
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
    });
  });

  describe("AU-L3: delivery", function () {
    it("AU-L3: an ERC20 lot whose transfer returns nothing (USDT-style) is delivered, not turned into a claim", async function () {
      const f = await loadFixture(auctionsFixture);
      const nrt = await ethers.deployContract("NoReturnToken");
      const token = await nrt.getAddress();
      await nrt.mint(f.seller.address, 5n * ONE);
      await nrt.connect(f.seller).approve(f.address, ethers.MaxUint256);
      const id = await createEnglish(f, { kind: LotKind.ERC20, token, id: 0n, amount: 5n * ONE });
      await bidEth(f.auctions, f.alice, id, ONE);
      await time.increase(DAY);
      await expect(f.auctions.settle(id)).to.not.emit(f.auctions, "LotClaimable");
      expect(await nrt.balanceOf(f.alice.address)).to.equal(5n * ONE);
      expect(await f.auctions.lotClaimantOf(id)).to.equal(ethers.ZeroAddress);
    });
  });

  describe("AU-L4: claimLot", function () {
    it("AU-L4: claimLot to the zero address reverts with AuctionsInvalidParameters and the claim stays", async function () {
      const f = await loadFixture(auctionsFixture);
      const c = await claimFor(f, f.nftLot(1n));
      await expect(c.claimTo(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.auctions,
        "AuctionsInvalidParameters",
      );
      expect(await f.auctions.lotClaimantOf(c.id)).to.equal(c.acctAddress);
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    });

    it("AU-L4: only the claimant may claim: the seller, a bidder and a stranger get AuctionsNothingToClaim(id) and the claim stays", async function () {
      const f = await loadFixture(auctionsFixture);
      const c = await claimFor(f, f.nftLot(1n));
      for (const who of [f.seller, f.alice, f.stranger, f.keeper]) {
        await expect(f.auctions.connect(who).claimLot(c.id, who.address))
          .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
          .withArgs(c.id);
      }
      expect(await f.auctions.lotClaimantOf(c.id)).to.equal(c.acctAddress);
      expect(await f.nft.ownerOf(1n)).to.equal(f.address);
    });

    it("AU-L4: the claimant claims an ERC1155 lot to another address: the whole amount arrives, once", async function () {
      const f = await loadFixture(auctionsFixture);
      const c = await claimFor(f, f.multiLot(40n));
      expect(await f.auctions.lotClaimantOf(c.id)).to.equal(c.acctAddress);
      await expect(c.claimTo(f.carol.address))
        .to.emit(f.auctions, "LotClaimed")
        .withArgs(c.id, c.acctAddress, f.carol.address);
      expect(await f.multi.balanceOf(f.carol.address, 7n)).to.equal(40n);
      expect(await f.multi.balanceOf(f.address, 7n)).to.equal(0n);
      expect(await f.auctions.lotClaimantOf(c.id)).to.equal(ethers.ZeroAddress);
      await expect(c.claimTo(f.carol.address))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
        .withArgs(c.id);
    });

    it("AU-L4: a claim whose delivery fails reverts whole and the claim stays; the next claim elsewhere succeeds", async function () {
      const f = await loadFixture(auctionsFixture);
      const c = await claimFor(f, f.nftLot(1n));
      const [, , , , , , , , , partyOwner] = await ethers.getSigners();
      const party = await ethers.deployContract("AuctionParty", [partyOwner.address]);
      await party.setMode(1); // its onERC721Received reverts
      await expect(c.claimTo(await party.getAddress())).to.be.revertedWith("party refuses");
      expect(await f.auctions.lotClaimantOf(c.id)).to.equal(c.acctAddress);
      await c.claimTo(f.carol.address);
      expect(await f.nft.ownerOf(1n)).to.equal(f.carol.address);
    });

    it("AU-L4: claimLot delivers with all the gas: a receiver needing more than LOT_DELIVERY_GAS gets the lot", async function () {
      const f = await loadFixture(auctionsFixture);
      const c = await claimFor(f, f.nftLot(1n));
      const heavy = await ethers.deployContract("AuctionHeavyReceiver", [400_000n]);
      await c.claimTo(await heavy.getAddress(), 2_000_000n);
      expect(await f.nft.ownerOf(1n)).to.equal(await heavy.getAddress());
    });
  });

  describe("AU-L5: parameters checked at creation", function () {
    const lot = (f: Fixture) => f.nftLot(1n);
    const invalid = "AuctionsInvalidParameters";

    it("AU-L5: English: duration in [1, MAX_DURATION], extension ≤ min(duration, MAX_EXTENSION), incrementBps ≤ 10,000: each bound accepted, one past refused", async function () {
      const f = await loadFixture(auctionsFixture);
      const refused = [
        { duration: 0n, extension: 0n },
        { duration: MAX_DURATION + 1n },
        { duration: 600n, extension: 601n },
        { duration: 2n * DAY, extension: MAX_EXTENSION + 1n },
        { incrementBps: 10_001n },
      ];
      for (const o of refused) {
        await expect(
          f.auctions.connect(f.seller).createEnglish(lot(f), { bidToken: ETH, ...ENGLISH, ...o }),
        ).to.be.revertedWithCustomError(f.auctions, invalid);
      }
      const accepted = [
        { duration: 1n, extension: 0n },
        { duration: 1n, extension: 1n },
        { duration: 600n, extension: 600n },
        { duration: MAX_DURATION, extension: MAX_EXTENSION },
        { incrementBps: 10_000n, reserve: 0n },
      ];
      for (const [i, o] of accepted.entries()) {
        await f.auctions.connect(f.seller).createEnglish(f.nftLot(BigInt(i + 1)), { bidToken: ETH, ...ENGLISH, ...o });
        const e = await f.auctions.englishOf(BigInt(i + 1));
        expect([e.end, e.extension, e.incrementBps]).to.deep.equal([
          o.duration ?? ENGLISH.duration,
          o.extension ?? ENGLISH.extension,
          o.incrementBps ?? ENGLISH.incrementBps,
        ]);
      }
    });

    it("AU-L5: Dutch: duration in [1, MAX_DURATION], floorDuration ≤ MAX_DURATION (0 allowed), startPrice ≥ floorPrice > 0", async function () {
      const f = await loadFixture(auctionsFixture);
      const base = { bidToken: ETH, startPrice: 2n, floorPrice: 1n, duration: 10n, floorDuration: 0n };
      const refused = [
        { duration: 0n },
        { duration: MAX_DURATION + 1n },
        { floorDuration: MAX_DURATION + 1n },
        { floorPrice: 0n, startPrice: 0n },
        { floorPrice: 0n },
        { startPrice: 1n, floorPrice: 2n },
      ];
      for (const o of refused) {
        await expect(f.auctions.connect(f.seller).createDutch(lot(f), { ...base, ...o })).to.be.revertedWithCustomError(
          f.auctions,
          invalid,
        );
      }
      const accepted = [
        { duration: 1n },
        { duration: MAX_DURATION, floorDuration: MAX_DURATION },
        { startPrice: 1n, floorPrice: 1n },
        { startPrice: UINT96_MAX, floorPrice: UINT96_MAX },
      ];
      for (const [i, o] of accepted.entries()) {
        await f.auctions.connect(f.seller).createDutch(f.nftLot(BigInt(i + 1)), { ...base, ...o });
        const d = await f.auctions.dutchOf(BigInt(i + 1));
        const p = { ...base, ...o };
        expect([d.duration, d.end - d.start, d.startPrice, d.floorPrice]).to.deep.equal([
          p.duration,
          p.duration + p.floorDuration,
          p.startPrice,
          p.floorPrice,
        ]);
      }
    });

    it("AU-L5: sealed: commitDuration and revealDuration in [1, MAX_DURATION]", async function () {
      const f = await loadFixture(auctionsFixture);
      const base = { bidToken: ETH, reserve: 0n, commitDuration: 10n, revealDuration: 10n };
      for (const o of [
        { commitDuration: 0n },
        { commitDuration: MAX_DURATION + 1n },
        { revealDuration: 0n },
        { revealDuration: MAX_DURATION + 1n },
      ]) {
        await expect(
          f.auctions.connect(f.seller).createSealed(lot(f), { ...base, ...o }),
        ).to.be.revertedWithCustomError(f.auctions, invalid);
      }
      for (const [i, o] of [
        { commitDuration: 1n, revealDuration: 1n },
        { commitDuration: MAX_DURATION, revealDuration: MAX_DURATION },
      ].entries()) {
        await f.auctions.connect(f.seller).createSealed(f.nftLot(BigInt(i + 1)), { ...base, ...o });
        const s = await f.auctions.sealedOf(BigInt(i + 1));
        expect(s.revealEnd - s.commitEnd).to.equal(o.revealDuration);
      }
    });

    it("AU-L5: a bid token without code, or this contract, is refused for every kind; ETH (address 0) and a token are accepted", async function () {
      const f = await loadFixture(auctionsFixture);
      for (const bidToken of [f.stranger.address, f.address]) {
        await expect(
          f.auctions.connect(f.seller).createEnglish(lot(f), { ...ENGLISH, bidToken }),
        ).to.be.revertedWithCustomError(f.auctions, invalid);
        await expect(
          f.auctions.connect(f.seller).createDutch(lot(f), { ...DUTCH, bidToken }),
        ).to.be.revertedWithCustomError(f.auctions, invalid);
        await expect(
          f.auctions.connect(f.seller).createSealed(lot(f), { ...SEALED, bidToken }),
        ).to.be.revertedWithCustomError(f.auctions, invalid);
      }
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
      await f.auctions.connect(f.seller).createDutch(f.nftLot(1n), { ...DUTCH, bidToken: ETH });
      await f.auctions.connect(f.seller).createSealed(f.nftLot(2n), { ...SEALED, bidToken: f.tokenAddress });
      expect((await f.auctions.sealedOf(2n)).bidToken).to.equal(f.tokenAddress);
    });

    it("AU-L5: an amount above uint96 max cannot reach the checks: the uint96 parameter fails ABI decoding and nothing is created", async function () {
      const f = await loadFixture(auctionsFixture);
      // Encode the call with the reserve widened to uint256 (the SDK and TypeChain cannot even encode it).
      const selector = f.auctions.interface.getFunction("createEnglish").selector;
      const args = ethers.AbiCoder.defaultAbiCoder().encode(
        ["tuple(uint8,address,uint256,uint256)", "tuple(address,uint256,uint16,uint40,uint24)"],
        [
          [LotKind.ERC721, f.nftAddress, 1n, 1n],
          [ETH, UINT96_MAX + 1n, ENGLISH.incrementBps, ENGLISH.duration, ENGLISH.extension],
        ],
      );
      await expect(f.seller.sendTransaction({ to: f.address, data: selector + args.slice(2) })).to.be.reverted;
      expect(await f.auctions.nextAuctionId()).to.equal(1n);
      expect(await f.nft.ownerOf(1n)).to.equal(f.seller.address);
    });
  });

  describe("AU-X2/AU-X3: credits and fees that cannot be sent", function () {
    async function blockedCredit() {
      const f = await auctionsFixture();
      const blk = (await ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
      const token = await blk.getAddress();
      for (const b of [f.alice, f.bob]) {
        await blk.mint(b.address, 10n * ONE);
        await blk.connect(b).approve(f.address, ethers.MaxUint256);
      }
      const id = await createEnglish(f, f.nftLot(1n), { bidToken: token });
      await f.auctions.connect(f.alice).bid(id, ONE, 0n);
      await blk.setBlocked(f.alice.address, true);
      await f.auctions.connect(f.bob).bid(id, 2n * ONE, 0n); // alice's refund cannot be pushed: credited
      await blk.setBlocked(f.alice.address, false);
      return { ...f, blk, token, id };
    }

    it("AU-X2: withdrawing an ETH credit to the Auctions contract itself reverts with PullPaymentsInvalidRecipient and the credit stays", async function () {
      const f = await loadFixture(auctionsFixture);
      const [, , , , , , , , acctOwner] = await ethers.getSigners();
      const acct = (await ethers.deployContract("MockAccount", [acctOwner.address], {
        value: 5n * ONE,
      })) as unknown as MockAccount;
      const acctAddress = await acct.getAddress();
      const id = await createEnglish(f, f.nftLot(1n));
      await acct
        .connect(acctOwner)
        .execute(f.address, ONE, f.auctions.interface.encodeFunctionData("bid", [id, ONE, 0n]), {
          value: ONE,
        });
      await acct.setRejectEth(true);
      await bidEth(f.auctions, f.bob, id, 2n * ONE);
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(ONE);
      const withdrawTo = (to: string) =>
        acct.connect(acctOwner).execute(f.address, 0n, f.auctions.interface.encodeFunctionData("withdraw", [ETH, to]));
      const before = await ethers.provider.getBalance(f.address);
      await expect(withdrawTo(f.address)).to.be.revertedWithCustomError(f.auctions, "PullPaymentsInvalidRecipient");
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(ONE);
      expect(await ethers.provider.getBalance(f.address)).to.equal(before);
      await expect(withdrawTo(f.carol.address)).to.changeEtherBalances([f.carol, f.auctions], [ONE, -ONE]);
      expect(await f.auctions.creditOf(ETH, acctAddress)).to.equal(0n);
    });

    it("AU-X2: withdrawing an ERC20 credit to the Auctions contract itself reverts with PullPaymentsInvalidRecipient and the credit stays", async function () {
      const f = await loadFixture(blockedCredit);
      expect(await f.auctions.creditOf(f.token, f.alice.address)).to.equal(ONE);
      await expect(f.auctions.connect(f.alice).withdraw(f.token, f.address)).to.be.revertedWithCustomError(
        f.auctions,
        "PullPaymentsInvalidRecipient",
      );
      expect(await f.auctions.creditOf(f.token, f.alice.address)).to.equal(ONE);
      expect(await f.blk.balanceOf(f.address)).to.equal(3n * ONE);
      await expect(f.auctions.connect(f.alice).withdraw(f.token, f.alice.address)).to.changeTokenBalances(
        f.blk,
        [f.alice, f.auctions],
        [ONE, -ONE],
      );
    });

    it("AU-E6: an outbid ERC20 bidder bids again from its credit plus a pull of the rest", async function () {
      const f = await loadFixture(blockedCredit);
      const tx = f.auctions.connect(f.alice).bid(f.id, 3n * ONE, ONE);
      await expect(tx).to.changeTokenBalances(f.blk, [f.alice, f.bob, f.auctions], [-2n * ONE, 2n * ONE, 0n]);
      await expect(tx).to.emit(f.auctions, "CreditUsed").withArgs(f.alice.address, f.token, ONE);
      expect(await f.auctions.creditOf(f.token, f.alice.address)).to.equal(0n);
      expect((await f.auctions.englishOf(f.id)).amount).to.equal(3n * ONE);
    });

    it("AU-X3: collectFees to a recipient that refuses ETH reverts and the fees stay accrued; a new recipient collects them", async function () {
      const f = await loadFixture(auctionsFixture);
      const [, , , , , , , , , partyOwner] = await ethers.getSigners();
      const party = await ethers.deployContract("AuctionParty", [partyOwner.address]);
      await party.setMode(1);
      await f.auctions.setFee(500n, await party.getAddress());
      const id = await createEnglish(f, f.nftLot(1n));
      await bidEth(f.auctions, f.alice, id, 2n * ONE);
      await time.increase(DAY);
      await f.auctions.settle(id);
      const fee = (2n * ONE * 500n) / 10_000n;
      await expect(f.auctions.collectFees(ETH)).to.be.revertedWith("party refuses");
      expect(await f.auctions.feesOf(ETH)).to.equal(fee);
      await f.auctions.setFee(0n, f.feeRecipient.address);
      await expect(f.auctions.connect(f.stranger).collectFees(ETH))
        .to.emit(f.auctions, "FeesCollected")
        .withArgs(ETH, f.feeRecipient.address, fee);
      await expect(f.auctions.collectFees(ETH))
        .to.be.revertedWithCustomError(f.auctions, "AuctionsNothingToClaim")
        .withArgs(0n);
    });
  });
});
