// Position tokens (docs/lending.md LN-P1, LN-P3): safeTransferFrom (both overloads) to an EOA and to receivers that
// accept, refuse, answer wrongly or have no hook; and the holder of each token being the one paid, the one who claims
// and the one who gets the collateral back.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DAY, ONE, Status, offerOf, signOffer } from "../helpers/lending";
import { ReceiverMode, positionsFixture, type PositionsFixture } from "../helpers/lending-positions";

type Safe = (fx: PositionsFixture, by: HardhatEthersSigner, from: string, to: string, id: bigint) => Promise<unknown>;
const overloads: [string, string, Safe][] = [
  [
    "safeTransferFrom(from, to, id)",
    "0x",
    (fx, by, from, to, id) => fx.lending.connect(by)["safeTransferFrom(address,address,uint256)"](from, to, id),
  ],
  [
    "safeTransferFrom(from, to, id, data)",
    "0xbeef01",
    (fx, by, from, to, id) =>
      fx.lending.connect(by)["safeTransferFrom(address,address,uint256,bytes)"](from, to, id, "0xbeef01"),
  ],
];

describe("Lending: position tokens, safe transfers and holders", function () {
  for (const [name, data, safe] of overloads) {
    describe(`${name} (LN-P1)`, function () {
      it("LN-P1: to an EOA moves the token", async function () {
        const fx = await loadFixture(positionsFixture);
        await expect(safe(fx, fx.lender, fx.lender.address, fx.stranger.address, fx.lenderToken))
          .to.emit(fx.lending, "Transfer")
          .withArgs(fx.lender.address, fx.stranger.address, fx.lenderToken);
        expect((await fx.lending.loanOf(fx.loanId)).lender).to.equal(fx.stranger.address);
      });

      it("LN-P1: to an accepting receiver moves the token; the hook gets the operator, from, id and data", async function () {
        const fx = await loadFixture(positionsFixture);
        const receiver = fx.receivers[ReceiverMode.Accept];
        await fx.lending.connect(fx.borrower).setApprovalForAll(fx.other.address, true);
        await expect(safe(fx, fx.other, fx.borrower.address, receiver.target as string, fx.borrowerToken))
          .to.emit(receiver, "PositionReceived")
          .withArgs(fx.other.address, fx.borrower.address, fx.borrowerToken, data);
        expect(await receiver.received()).to.equal(1n);
        expect(await fx.lending.ownerOf(fx.borrowerToken)).to.equal(receiver.target);
        expect((await fx.lending.loanOf(fx.loanId)).borrower).to.equal(receiver.target);
        expect(await fx.lending.balanceOf(receiver.target)).to.equal(1n);
      });

      it("LN-P1: a receiver's revert reason bubbles up, string or custom error; the token stays", async function () {
        const fx = await loadFixture(positionsFixture);
        const byReason = fx.receivers[ReceiverMode.RevertReason];
        await expect(
          safe(fx, fx.lender, fx.lender.address, byReason.target as string, fx.lenderToken),
        ).to.be.revertedWith("LendingPositionReceiver: refused");
        const byError = fx.receivers[ReceiverMode.RevertCustom];
        await expect(safe(fx, fx.lender, fx.lender.address, byError.target as string, fx.lenderToken))
          .to.be.revertedWithCustomError(byError, "LendingPositionRefused")
          .withArgs(fx.lenderToken);
        expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.lender.address);
      });

      it("LN-P1: a receiver reverting without data, returning a wrong value or without the hook reverts with ERC721InvalidReceiver", async function () {
        const fx = await loadFixture(positionsFixture);
        for (const to of [
          fx.receivers[ReceiverMode.RevertEmpty].target as string,
          fx.receivers[ReceiverMode.WrongValue].target as string,
          fx.noHook.target as string,
        ]) {
          await expect(safe(fx, fx.lender, fx.lender.address, to, fx.lenderToken))
            .to.be.revertedWithCustomError(fx.lending, "ERC721InvalidReceiver")
            .withArgs(to);
        }
        expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.lender.address);
        expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
      });

      it("LN-P1: to 0 or to Lending reverts with LendingInvalidRecipient; a stranger with ERC721InsufficientApproval", async function () {
        const fx = await loadFixture(positionsFixture);
        for (const to of [ZeroAddress, fx.lending.target as string]) {
          await expect(safe(fx, fx.lender, fx.lender.address, to, fx.lenderToken)).to.be.revertedWithCustomError(
            fx.lending,
            "LendingInvalidRecipient",
          );
        }
        await expect(safe(fx, fx.stranger, fx.lender.address, fx.stranger.address, fx.lenderToken))
          .to.be.revertedWithCustomError(fx.lending, "ERC721InsufficientApproval")
          .withArgs(fx.stranger.address, fx.lenderToken);
        await expect(safe(fx, fx.lender, fx.borrower.address, fx.stranger.address, fx.lenderToken))
          .to.be.revertedWithCustomError(fx.lending, "ERC721IncorrectOwner")
          .withArgs(fx.borrower.address, fx.lenderToken, fx.lender.address);
      });

      it("LN-P1: the approval is cleared by a safe transfer", async function () {
        const fx = await loadFixture(positionsFixture);
        await fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken);
        await safe(fx, fx.other, fx.lender.address, fx.other.address, fx.lenderToken);
        expect(await fx.lending.ownerOf(fx.lenderToken)).to.equal(fx.other.address);
        expect(await fx.lending.getApproved(fx.lenderToken)).to.equal(ZeroAddress);
      });
    });
  }

  describe("holders (LN-P3)", function () {
    it("LN-P3, LN-R3: the lender token's holder is paid, not the original lender; anyone may repay", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.stranger.address, fx.lenderToken);
      await expect(fx.lending.connect(fx.other).repay(fx.terms, fx.loanId, 300n * ONE)).to.changeTokenBalances(
        fx.usd,
        [fx.stranger, fx.lender, fx.other, fx.borrower],
        [300n * ONE, 0n, -300n * ONE, 0n],
      );
      const tx = fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, 750n * ONE);
      await expect(tx).to.changeTokenBalances(fx.usd, [fx.stranger, fx.lender], [750n * ONE, 0n]);
      await expect(tx).to.emit(fx.lending, "Transfer").withArgs(fx.stranger.address, ZeroAddress, fx.lenderToken);
      expect(await fx.lending.balanceOf(fx.stranger.address)).to.equal(0n);
    });

    it("LN-P3: a receiver contract holding the lender token is paid", async function () {
      const fx = await loadFixture(positionsFixture);
      const receiver = fx.receivers[ReceiverMode.Accept];
      const asLender = fx.lending.connect(fx.lender);
      await asLender["safeTransferFrom(address,address,uint256)"](fx.lender.address, receiver.target, fx.lenderToken);
      await expect(fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, 1_050n * ONE)).to.changeTokenBalances(
        fx.usd,
        [receiver, fx.lender],
        [1_050n * ONE, 0n],
      );
    });

    it("LN-P3, LN-D1: the lender token's holder claims after default; the original lender cannot", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).transferFrom(fx.lender.address, fx.stranger.address, fx.lenderToken);
      await time.increase(33n * DAY);
      await expect(
        fx.lending.connect(fx.lender).claim(fx.terms, fx.loanId, fx.lender.address),
      ).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await expect(fx.lending.connect(fx.stranger).claim(fx.terms, fx.loanId, fx.stranger.address))
        .to.emit(fx.lending, "CollateralClaimed")
        .withArgs(fx.loanId, fx.stranger.address, fx.stranger.address);
      expect(await fx.wbtc.balanceOf(fx.stranger.address)).to.equal(1_002n * ONE);
      expect((await fx.lending.loanOf(fx.loanId)).status).to.equal(Status.Claimed);
    });

    it("LN-P3, LN-D1: an account approved for the lender token claims for its holder", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.lender).approve(fx.other.address, fx.lenderToken);
      await time.increase(33n * DAY);
      await expect(fx.lending.connect(fx.other).claim(fx.terms, fx.loanId, fx.other.address))
        .to.emit(fx.lending, "CollateralClaimed")
        .withArgs(fx.loanId, fx.lender.address, fx.other.address);
      expect(await fx.wbtc.balanceOf(fx.other.address)).to.equal(1_002n * ONE);
    });

    it("LN-P3, LN-R4: the borrower token's holder gets the collateral back at full repayment, not the original borrower", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.borrowerToken);
      const tx = fx.lending.connect(fx.borrower).repay(fx.terms, fx.loanId, 1_050n * ONE);
      await expect(tx).to.changeTokenBalances(
        fx.wbtc,
        [fx.stranger, fx.borrower, fx.lending],
        [2n * ONE, 0n, -2n * ONE],
      );
      await expect(tx).to.emit(fx.lending, "Transfer").withArgs(fx.stranger.address, ZeroAddress, fx.borrowerToken);
      expect(await fx.lending.balanceOf(fx.stranger.address)).to.equal(0n);
    });

    it("LN-P3, LN-F1: the borrower token's holder refinances; the original borrower cannot", async function () {
      const fx = await loadFixture(positionsFixture);
      await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.stranger.address, fx.borrowerToken);
      const offer = await offerOf(
        fx,
        { ...fx.terms, principal: 1_100n * ONE },
        { lender: fx.other.address, nonce: 3n },
      );
      const signature = await signOffer(fx.lending, fx.other, offer);
      await expect(
        fx.lending.connect(fx.borrower).refinanceWithOffer(fx.terms, fx.loanId, offer, signature, 0n),
      ).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await expect(
        fx.lending.connect(fx.stranger).refinanceWithOffer(fx.terms, fx.loanId, offer, signature, 0n),
      ).to.changeTokenBalances(fx.usd, [fx.stranger, fx.borrower, fx.lender], [50n * ONE, 0n, 1_050n * ONE]);
    });
  });
});
