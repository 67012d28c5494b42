// How an ERC20 repayment reaches its payees (docs/lending.md LN-R3): straight from the payer to the lender token's
// holder and to the fee recipient, measured on what left the payer, not on what the payee holds afterwards. A payee
// whose receive hook (ERC-777's tokensReceived) moves part of what it got away, and a principal that started taking
// a transfer fee from the receiver after acceptance, are still paid and the debt falls by the whole payment; a token
// debiting the payer more than the amount is refused; a payee the token refuses is credited, measured on Lending's
// balance. Then held collateral (LN-R4, LN-P1): the borrower token minted again for collateral that could not be
// delivered carries no approval given before the repayment, while an operator of its holder keeps its rights.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import { ONE, Status, deployLending, type Terms } from "../helpers/lending";
import { expectBurned, nftCollateral } from "../helpers/lending-default";
import { feeTo, loanFixture } from "../helpers/lending-repay";

const HELD_ID = 9n;
/** The fixed-interest loan of termsOf: 1,000 lent, 50 of interest, 2 WBTC of collateral. */
const DEBT = 1_050n * ONE;

/**
 * deployLending plus: `pay`, a LendingHookToken principal (1,000,000 to the lender and the borrower, approved);
 * `lenderHook` and `feeHook`, payees whose hook sends 1 unit of each receipt on to `sink`; `gated`, an ERC721 whose
 * id 9 the borrower holds (approved) and which can refuse a recipient; `held20`, a LendingHookToken collateral.
 */
async function deployHooks() {
  const fx = await deployLending();
  const lending = await fx.lending.getAddress();
  const sink = fx.signers[6];
  const token = await ethers.getContractFactory("LendingHookToken");
  const pay = await token.deploy();
  const held20 = await token.deploy();
  const payee = await ethers.getContractFactory("LendingHookPayee");
  const lenderHook = await payee.deploy(sink.address, 1n);
  const feeHook = await payee.deploy(sink.address, 1n);
  for (const s of [fx.lender, fx.borrower]) {
    await pay.mint(s.address, 1_000_000n * ONE);
    await pay.connect(s).approve(lending, MaxUint256);
  }
  await held20.mint(fx.borrower.address, 10n * ONE);
  await held20.connect(fx.borrower).approve(lending, MaxUint256);
  const gated = await (await ethers.getContractFactory("LendingHookGatedNFT")).deploy();
  await gated.mint(fx.borrower.address, HELD_ID);
  await gated.connect(fx.borrower).setApprovalForAll(lending, true);
  return { ...fx, pay, held20, lenderHook, feeHook, sink, gated };
}

type Hooks = Awaited<ReturnType<typeof deployHooks>>;
const principal = (fx: Hooks): Partial<Terms> => ({ principalToken: fx.pay.target as string });

const plainLoan = loanFixture(deployHooks, principal);
const feeHookLoan = loanFixture(deployHooks, (fx) => ({
  ...principal(fx),
  feeBps: 1_000n,
  feeRecipient: fx.feeHook.target as string,
}));
const feeLoan = loanFixture(deployHooks, (fx) => ({ ...principal(fx), ...feeTo(fx, 1_000n) }));
const heldNftLoan = loanFixture(deployHooks, (fx) => nftCollateral(fx.gated, HELD_ID));
const held20Loan = loanFixture(deployHooks, (fx) => ({ collateralToken: fx.held20.target as string }));

type Loan = Awaited<ReturnType<typeof plainLoan>>;

/** The lender moves its position to the hooked lender contract, which is paid from then on. */
async function lenderIsHook<F extends Loan>(f: F): Promise<F> {
  await f.lending.connect(f.lender).transferFrom(f.lender.address, f.lenderHook.target, f.loanId);
  return f;
}

async function expectOutstanding(f: Loan, outstanding: bigint, status: Status) {
  const loan = await f.lending.loanOf(f.loanId);
  expect([loan.outstanding, loan.status]).to.deep.equal([outstanding, BigInt(status)]);
}

/**
 * Approvals on the borrower token before a full repayment whose delivery fails: `other` approved for the token,
 * `stranger` an operator of the borrower. `block` makes the collateral refuse the borrower.
 */
async function heldAfterRepay<F extends Loan>(f: F, block: (f: F) => Promise<unknown>) {
  await f.lending.connect(f.borrower).approve(f.other.address, f.loanId + 1n);
  await f.lending.connect(f.borrower).setApprovalForAll(f.stranger.address, true);
  expect(await f.lending.getApproved(f.loanId + 1n)).to.equal(f.other.address);
  await block(f);
  const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
  await expect(tx)
    .to.emit(f.lending, "CollateralHeld")
    .withArgs(f.loanId, f.borrower.address)
    .and.to.emit(f.lending, "Transfer")
    .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n)
    .and.to.emit(f.lending, "Transfer")
    .withArgs(ZeroAddress, f.borrower.address, f.loanId + 1n);
  return f;
}

const heldNft = async () => heldAfterRepay(await heldNftLoan(), (f) => f.gated.setRecipientBlocked(f.borrower, true));
const held20 = async () => heldAfterRepay(await held20Loan(), (f) => f.held20.setBlocked(f.borrower, true));

describe("Lending: payees with receive hooks, fee tokens and held collateral", function () {
  describe("LN-R3 a payee whose receive hook moves tokens away", function () {
    it("LN-R3: a partial repayment to a lender contract that passes 1 unit on: the debt falls by the whole payment", async function () {
      const f = await lenderIsHook(await loadFixture(plainLoan));
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lenderHook, f.sink, f.lending],
        [-100n * ONE, 100n * ONE - 1n, 1n, 0n],
      );
      await expect(tx)
        .to.emit(f.lenderHook, "HookReceived")
        .withArgs(f.pay.target, f.borrower.address, 100n * ONE)
        .and.to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 50n * ONE, 0n, 950n * ONE);
      await expect(tx).to.not.emit(f.lending, "PaymentCredited");
      await expectOutstanding(f, 950n * ONE, Status.Active);
      expect(await f.lending.creditOf(f.pay.target, f.lenderHook.target)).to.equal(0n);
    });

    it("LN-R3, LN-R4: a full repayment to that lender contract ends the loan; it keeps the payment less 1 unit", async function () {
      const f = await lenderIsHook(await loadFixture(plainLoan));
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx).to.changeTokenBalances(f.pay, [f.borrower, f.lenderHook, f.sink], [-DEBT, DEBT - 1n, 1n]);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.borrower], [-2n * ONE, 2n * ONE]);
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, DEBT, 50n * ONE, 0n, 0n)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expect(tx).to.not.emit(f.lending, "PaymentCredited");
      await expectOutstanding(f, 0n, Status.Repaid);
      await expectBurned(f, f.loanId);
    });

    it("LN-R3, LN-I4: a fee recipient contract that passes 1 unit of the fee on: the lender gets payment - fee, the debt falls by the payment", async function () {
      const f = await loadFixture(feeHookLoan);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lender, f.feeHook, f.sink, f.lending],
        [-100n * ONE, 95n * ONE, 5n * ONE - 1n, 1n, 0n],
      );
      await expect(tx)
        .to.emit(f.feeHook, "HookReceived")
        .withArgs(f.pay.target, f.borrower.address, 5n * ONE)
        .and.to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 50n * ONE, 5n * ONE, 950n * ONE);
      await expect(tx).to.not.emit(f.lending, "PaymentCredited");
      await expectOutstanding(f, 950n * ONE, Status.Active);
    });

    it("LN-R3: both payees hooked: each keeps its share less 1 unit, and the full repayment ends the loan", async function () {
      const f = await lenderIsHook(await loadFixture(feeHookLoan));
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lenderHook, f.feeHook, f.sink, f.lending],
        [-DEBT, 1_045n * ONE - 1n, 5n * ONE - 1n, 2n, 0n],
      );
      await expect(tx)
        .to.emit(f.lenderHook, "HookReceived")
        .withArgs(f.pay.target, f.borrower.address, 1_045n * ONE)
        .and.to.emit(f.lending, "LoanRepaid")
        .withArgs(f.loanId);
      await expectOutstanding(f, 0n, Status.Repaid);
    });
  });

  describe("LN-R3 a principal whose transfers changed after acceptance", function () {
    it("LN-R3: a receiver-side transfer fee turned on: the payer is debited the payment, each payee gets its share less the token's fee", async function () {
      const f = await loadFixture(feeLoan);
      await f.pay.setReceiverFeeBps(100n);
      const supply = await f.pay.totalSupply();
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      // 95 to the lender and 5 to the fee recipient leave the payer; the token burns 1% of each on the way.
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lender, f.feeTaker, f.lending],
        [-100n * ONE, (9_405n * ONE) / 100n, (495n * ONE) / 100n, 0n],
      );
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 50n * ONE, 5n * ONE, 950n * ONE);
      await expectOutstanding(f, 950n * ONE, Status.Active);
      expect(await f.pay.totalSupply()).to.equal(supply - ONE);
    });

    it("LN-R3, LN-R4: with the receiver-side fee on, a full repayment ends the loan and returns the collateral", async function () {
      const f = await loadFixture(plainLoan);
      await f.pay.setReceiverFeeBps(100n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, DEBT);
      await expect(tx).to.changeTokenBalances(f.pay, [f.borrower, f.lender], [-DEBT, (DEBT * 99n) / 100n]);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.lending, f.borrower], [-2n * ONE, 2n * ONE]);
      await expect(tx).to.emit(f.lending, "LoanRepaid").withArgs(f.loanId);
      await expectOutstanding(f, 0n, Status.Repaid);
    });

    it("LN-R3: a token debiting the payer more than the amount reverts with LendingTransferShortfall(token, amount, sent)", async function () {
      const f = await loadFixture(plainLoan);
      await f.pay.setSenderFeeBps(100n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingTransferShortfall")
        .withArgs(f.pay.target, 100n * ONE, 101n * ONE);
      await expectOutstanding(f, DEBT, Status.Active);
    });

    it("LN-R3: with a platform fee, the sender-side fee is caught on the lender's part: LendingTransferShortfall(token, payment - fee, sent)", async function () {
      const f = await loadFixture(feeLoan);
      await f.pay.setSenderFeeBps(100n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingTransferShortfall")
        .withArgs(f.pay.target, 95n * ONE, (9_595n * ONE) / 100n);
    });
  });

  describe("LN-R3 the fallback: a payee the token refuses is credited", function () {
    it("LN-R3: a blocklisted lender: its part is pulled into Lending and credited exactly; the fee recipient is paid directly", async function () {
      const f = await loadFixture(feeLoan);
      await f.pay.setBlocked(f.lender.address, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lender, f.lending, f.feeTaker],
        [-100n * ONE, 0n, 95n * ONE, 5n * ONE],
      );
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.lender.address, f.pay.target, 95n * ONE)
        .and.to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 50n * ONE, 5n * ONE, 950n * ONE);
      expect(await f.lending.creditOf(f.pay.target, f.lender.address)).to.equal(95n * ONE);
      expect(await f.lending.creditOf(f.pay.target, f.feeTaker.address)).to.equal(0n);
      await expectOutstanding(f, 950n * ONE, Status.Active);

      const out = f.lending.connect(f.lender).withdraw(f.pay.target, f.other.address);
      await expect(out).to.changeTokenBalances(f.pay, [f.lending, f.other], [-95n * ONE, 95n * ONE]);
      expect(await f.lending.creditOf(f.pay.target, f.lender.address)).to.equal(0n);
    });

    it("LN-R3: a blocklisted fee recipient: the fee is pulled into Lending and credited; the lender is paid directly", async function () {
      const f = await loadFixture(feeLoan);
      await f.pay.setBlocked(f.feeTaker.address, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.pay,
        [f.borrower, f.lender, f.lending, f.feeTaker],
        [-100n * ONE, 95n * ONE, 5n * ONE, 0n],
      );
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.feeTaker.address, f.pay.target, 5n * ONE);
      expect(await f.lending.creditOf(f.pay.target, f.feeTaker.address)).to.equal(5n * ONE);
    });

    it("LN-R3: the fallback is measured on Lending's balance: a blocklisted lender and a receiver-side fee revert with LendingTransferShortfall", async function () {
      const f = await loadFixture(feeLoan);
      await f.pay.setBlocked(f.lender.address, true);
      await f.pay.setReceiverFeeBps(100n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE))
        .to.be.revertedWithCustomError(f.lending, "LendingTransferShortfall")
        .withArgs(f.pay.target, 95n * ONE, (9_405n * ONE) / 100n);
      expect(await f.lending.creditOf(f.pay.target, f.lender.address)).to.equal(0n);
    });
  });

  describe("LN-R4, LN-P1 approvals of a borrower token minted again for held collateral", function () {
    it("LN-R4, LN-P1: an NFT held for the borrower: the re-minted token has no approval; the account approved before gets LendingUnauthorized", async function () {
      const f = await loadFixture(heldNft);
      expect(await f.lending.ownerOf(f.loanId + 1n)).to.equal(f.borrower.address);
      expect(await f.lending.getApproved(f.loanId + 1n)).to.equal(ZeroAddress);
      expect(await f.gated.ownerOf(HELD_ID)).to.equal(await f.lending.getAddress());
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.status, loan.lender, loan.borrower]).to.deep.equal([
        BigInt(Status.Repaid),
        ZeroAddress,
        f.borrower.address,
      ]);
      await expect(
        f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      expect(await f.gated.ownerOf(HELD_ID)).to.equal(await f.lending.getAddress());
    });

    it("LN-R4, LN-P1: an operator approved for all by the holder still withdraws the held NFT", async function () {
      const f = await loadFixture(heldNft);
      expect(await f.lending.isApprovedForAll(f.borrower.address, f.stranger.address)).to.equal(true);
      const tx = f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.stranger.address);
      await expect(tx)
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.borrower.address, f.stranger.address)
        .and.to.emit(f.lending, "Transfer")
        .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n)
        .and.to.emit(f.gated, "Transfer")
        .withArgs(await f.lending.getAddress(), f.stranger.address, HELD_ID);
      expect(await f.gated.ownerOf(HELD_ID)).to.equal(f.stranger.address);
      expect((await f.lending.loanOf(f.loanId)).borrower).to.equal(ZeroAddress);
      await expectBurned(f, f.loanId);
    });

    it("LN-R4, LN-P1: an approval the holder gives after the re-mint counts: that account withdraws the NFT", async function () {
      const f = await loadFixture(heldNft);
      await f.lending.connect(f.borrower).approve(f.other.address, f.loanId + 1n);
      expect(await f.lending.getApproved(f.loanId + 1n)).to.equal(f.other.address);
      await expect(f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address))
        .to.emit(f.lending, "CollateralWithdrawn")
        .withArgs(f.loanId, f.borrower.address, f.other.address);
      expect(await f.gated.ownerOf(HELD_ID)).to.equal(f.other.address);
    });

    it("LN-R4, LN-P1: ERC20 collateral held for the borrower: no approval survives; the old approved account is refused, the operator withdraws", async function () {
      const f = await loadFixture(held20);
      expect(await f.lending.getApproved(f.loanId + 1n)).to.equal(ZeroAddress);
      expect(await f.held20.balanceOf(await f.lending.getAddress())).to.equal(2n * ONE);
      await expect(
        f.lending.connect(f.other).withdrawCollateral(f.terms, f.loanId, f.other.address),
      ).to.be.revertedWithCustomError(f.lending, "LendingUnauthorized");
      await expect(
        f.lending.connect(f.stranger).withdrawCollateral(f.terms, f.loanId, f.stranger.address),
      ).to.changeTokenBalances(f.held20, [f.lending, f.stranger], [-2n * ONE, 2n * ONE]);
      await expectBurned(f, f.loanId);
    });
  });
});
