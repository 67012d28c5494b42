// Settling a sold collateral sale (docs/lending.md LN-D4): what Auctions paid (its fee off), the lender paid up to the
// frozen debt less the loan's fee on the interest in it, the borrower the surplus; ETH and ERC20 principals, buys above
// and below the debt, payees that cannot receive, and proceeds Auctions had to credit to Lending.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress } from "ethers";
import {
  DAY,
  ETH,
  InterestKind,
  ONE,
  SALE,
  Status,
  owedAt,
  startLoan,
  type LendingFixture,
  type Terms,
} from "../helpers/lending";
import { defaultsAtOf, deployDefault, dutchPriceAt, expectBurned, saleSplit } from "../helpers/lending-default";

const AUCTION_FEE_BPS = 250n;
const LOAN_FEE_BPS = 1_000n;

/** A loan on `over` terms (fee 10% of the interest), defaulted and put on sale by a stranger at due + grace. */
async function onSale<F extends LendingFixture>(fx: F, over: Partial<Terms>, auctionFeeBps: bigint) {
  const auctionFeeTo = fx.signers[6];
  if (auctionFeeBps !== 0n) await fx.auctions.connect(fx.signers[0]).setFee(auctionFeeBps, auctionFeeTo.address);
  const { loanId, terms } = await startLoan(fx, {
    ...SALE,
    feeBps: LOAN_FEE_BPS,
    feeRecipient: fx.feeTaker.address,
    ...over,
  });
  await time.setNextBlockTimestamp(await defaultsAtOf(fx, loanId, terms));
  await fx.lending.connect(fx.stranger).startSale(terms, loanId);
  const sale = await fx.lending.saleOf(loanId);
  const dutch = await fx.auctions.dutchOf(sale.auctionId);
  await fx.usd.connect(fx.other).approve(await fx.auctions.getAddress(), MaxUint256);
  return { ...fx, loanId, terms, sale, dutch, auctionFeeTo };
}

const erc20Sale = async () => onSale(await deployDefault(), {}, AUCTION_FEE_BPS);
// Floor at 1% of the debt: below the interest in it.
const ethSale = async () => onSale(await deployDefault(), { principalToken: ETH, saleFloorBps: 100n }, AUCTION_FEE_BPS);
// The whole descent above the debt: whenever it sells, the lender gets the debt frozen at the start.
const proRatedSale = async () =>
  onSale(
    await deployDefault(),
    { interestKind: InterestKind.ProRated, interest: 2_000n, saleStartBps: 20_000n, saleFloorBps: 12_000n },
    0n,
  );

async function blocklistPrincipal() {
  const fx = await deployDefault();
  await fx.blk.mint(fx.lender.address, 10_000n * ONE);
  await fx.blk.mint(fx.other.address, 10_000n * ONE);
  await fx.blk.connect(fx.lender).approve(await fx.lending.getAddress(), MaxUint256);
  await fx.blk.connect(fx.other).approve(await fx.auctions.getAddress(), MaxUint256);
  return onSale(fx, { principalToken: fx.blk.target as string }, 0n);
}

type Sold = Awaited<ReturnType<typeof erc20Sale>>;

/** The buyer (`other`) takes the lot at `t`; returns the price paid. */
async function buyAt(f: Sold, t: bigint): Promise<bigint> {
  const price = dutchPriceAt(t, f.dutch);
  await time.setNextBlockTimestamp(t);
  const value = f.terms.principalToken === ETH ? price : 0n;
  await f.auctions.connect(f.other).buy(f.sale.auctionId, { value });
  expect((await f.auctions.dutchOf(f.sale.auctionId)).price).to.equal(price);
  return price;
}

async function expectSold(f: Sold) {
  const loan = await f.lending.loanOf(f.loanId);
  expect(loan.status).to.equal(Status.Sold);
  expect(loan.lender).to.equal(ZeroAddress);
  expect(loan.borrower).to.equal(ZeroAddress);
  await expectBurned(f, f.loanId);
  await expect(f.lending.settleSale(f.terms, f.loanId))
    .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
    .withArgs(f.loanId, Status.Sold);
}

describe("Lending: settling a sold sale", function () {
  it("LN-D4: ERC20, a buy above the debt: lender gets the debt less the fee on the interest, borrower the surplus", async function () {
    const f = await loadFixture(erc20Sale);
    expect([f.sale.debt, f.sale.interest]).to.deep.equal([1_050n * ONE, 50n * ONE]);
    const price = await buyAt(f, f.dutch.start + DAY / 4n);
    expect(price).to.equal(1_391_250n * 10n ** 15n);
    const s = saleSplit(price, AUCTION_FEE_BPS, f.sale.debt, f.sale.interest, LOAN_FEE_BPS);
    expect(s).to.deep.equal({
      proceeds: 1_356_468_750n * 10n ** 12n,
      toLender: 1_045n * ONE,
      fee: 5n * ONE,
      toBorrower: 306_468_750n * 10n ** 12n,
    });
    expect(await f.auctions.feesOf(f.usd.target)).to.equal(price - s.proceeds);
    const tx = f.lending.connect(f.stranger).settleSale(f.terms, f.loanId);
    await expect(tx).to.changeTokenBalances(
      f.usd,
      [f.lender, f.borrower, f.feeTaker, f.lending, f.stranger],
      [s.toLender, s.toBorrower, s.fee, -s.proceeds, 0n],
    );
    await expect(tx)
      .to.emit(f.lending, "SaleSettled")
      .withArgs(f.loanId, s.proceeds, s.toLender, s.toBorrower)
      .and.to.emit(f.lending, "Transfer")
      .withArgs(f.lender.address, ZeroAddress, f.loanId)
      .and.to.emit(f.lending, "Transfer")
      .withArgs(f.borrower.address, ZeroAddress, f.loanId + 1n);
    expect(await f.wbtc.balanceOf(f.other.address)).to.equal(1_002n * ONE);
    await expectSold(f);
  });

  it("LN-D4: ERC20, a buy at the floor below the debt: all proceeds to the lender less the fee, no surplus", async function () {
    const f = await loadFixture(erc20Sale);
    const price = await buyAt(f, f.dutch.start + DAY);
    expect(price).to.equal(840n * ONE);
    const tx = f.lending.settleSale(f.terms, f.loanId);
    // proceeds 840 - 21 = 819 < 1,050: the lender takes them all, the interest (50) in them pays a fee of 5.
    await expect(tx).to.changeTokenBalances(
      f.usd,
      [f.lender, f.borrower, f.feeTaker, f.lending],
      [814n * ONE, 0n, 5n * ONE, -819n * ONE],
    );
    await expect(tx)
      .to.emit(f.lending, "SaleSettled")
      .withArgs(f.loanId, 819n * ONE, 814n * ONE, 0n);
    await expectSold(f);
  });

  it("LN-D4: ETH, a buy above the debt pays the surplus to the borrower", async function () {
    const f = await loadFixture(ethSale);
    const price = await buyAt(f, f.dutch.start + 10n);
    const s = saleSplit(price, AUCTION_FEE_BPS, f.sale.debt, f.sale.interest, LOAN_FEE_BPS);
    expect(s.toLender).to.equal(1_045n * ONE);
    expect(s.toBorrower).to.be.greaterThan(0n);
    expect(await ethers.provider.getBalance(f.lending.target)).to.equal(s.proceeds);
    const tx = f.lending.connect(f.stranger).settleSale(f.terms, f.loanId);
    await expect(tx).to.changeEtherBalances(
      [f.lender, f.borrower, f.feeTaker, f.lending],
      [s.toLender, s.toBorrower, s.fee, -s.proceeds],
    );
    await expect(tx).to.emit(f.lending, "SaleSettled").withArgs(f.loanId, s.proceeds, s.toLender, s.toBorrower);
    await expectSold(f);
  });

  it("LN-D4: ETH, a buy at a floor below the interest: the fee is on the proceeds, not on the whole interest", async function () {
    const f = await loadFixture(ethSale);
    const price = await buyAt(f, f.dutch.start + 2n * DAY - 1n);
    expect(price).to.equal(105n * 10n ** 17n);
    const proceeds = price - (price * AUCTION_FEE_BPS) / 10_000n;
    const fee = (proceeds * LOAN_FEE_BPS) / 10_000n;
    expect(proceeds).to.be.lessThan(f.sale.interest);
    const tx = f.lending.settleSale(f.terms, f.loanId);
    await expect(tx).to.changeEtherBalances(
      [f.lender, f.borrower, f.feeTaker, f.lending],
      [proceeds - fee, 0n, fee, -proceeds],
    );
    await expect(tx)
      .to.emit(f.lending, "SaleSettled")
      .withArgs(f.loanId, proceeds, proceeds - fee, 0n);
    await expectSold(f);
  });

  it("LN-D2, LN-D4: the pro-rated debt is frozen at startSale: a late buy pays the lender that debt, not more", async function () {
    const f = await loadFixture(proRatedSale);
    const loan = await f.lending.loanOf(f.loanId);
    const frozen = owedAt(f.terms, 1_000n * ONE, loan.checkpoint, f.dutch.start);
    expect([f.sale.debt, f.sale.interest]).to.deep.equal([frozen.total, frozen.interestPart]);
    const price = await buyAt(f, f.dutch.end - 1n);
    expect(price).to.equal(f.dutch.floorPrice);
    const fee = (frozen.interestPart * LOAN_FEE_BPS) / 10_000n;
    const tx = f.lending.settleSale(f.terms, f.loanId);
    await expect(tx).to.changeTokenBalances(
      f.usd,
      [f.lender, f.borrower, f.feeTaker, f.lending],
      [frozen.total - fee, price - frozen.total, fee, -price],
    );
    await expect(tx)
      .to.emit(f.lending, "SaleSettled")
      .withArgs(f.loanId, price, frozen.total - fee, price - frozen.total);
  });

  it("LN-D4: holders that cannot receive ETH are credited, and withdraw later", async function () {
    const f = await loadFixture(ethSale);
    const Account = await ethers.getContractFactory("MockAccount");
    const lenderAcct = await Account.deploy(f.lender.address);
    const borrowerAcct = await Account.deploy(f.borrower.address);
    await lenderAcct.setRejectEth(true);
    await borrowerAcct.setRejectEth(true);
    await f.lending.connect(f.lender).transferFrom(f.lender.address, lenderAcct.target, f.loanId);
    await f.lending.connect(f.borrower).transferFrom(f.borrower.address, borrowerAcct.target, f.loanId + 1n);
    const price = await buyAt(f, f.dutch.start + DAY / 8n);
    const s = saleSplit(price, AUCTION_FEE_BPS, f.sale.debt, f.sale.interest, LOAN_FEE_BPS);
    expect(s.toBorrower).to.be.greaterThan(0n);
    const tx = f.lending.settleSale(f.terms, f.loanId);
    await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(lenderAcct.target, ETH, s.toLender);
    await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(borrowerAcct.target, ETH, s.toBorrower);
    await expect(tx).to.changeEtherBalances([f.feeTaker, f.lending], [s.fee, -s.fee]);
    expect(await f.lending.creditOf(ETH, lenderAcct.target)).to.equal(s.toLender);
    expect(await f.lending.creditOf(ETH, borrowerAcct.target)).to.equal(s.toBorrower);
    await expectSold(f);
    const withdraw = f.lending.interface.encodeFunctionData("withdraw", [ETH, f.lender.address]);
    await expect(lenderAcct.connect(f.lender).execute(f.lending.target, 0n, withdraw)).to.changeEtherBalances(
      [f.lender, f.lending],
      [s.toLender, -s.toLender],
    );
  });

  it("LN-D4: a blocklisted lender token holder is credited its ERC20 share; the borrower is still paid", async function () {
    const f = await loadFixture(blocklistPrincipal);
    const price = await buyAt(f, f.dutch.start + DAY / 3n);
    const s = saleSplit(price, 0n, f.sale.debt, f.sale.interest, LOAN_FEE_BPS);
    await f.blk.setBlocked(f.lender.address, true);
    const tx = f.lending.settleSale(f.terms, f.loanId);
    await expect(tx).to.changeTokenBalances(
      f.blk,
      [f.lender, f.borrower, f.feeTaker, f.lending],
      [0n, s.toBorrower, s.fee, -(s.toBorrower + s.fee)],
    );
    await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(f.lender.address, f.blk.target, s.toLender);
    expect(await f.lending.creditOf(f.blk.target, f.lender.address)).to.equal(s.toLender);
    await expectSold(f);
  });

  it("LN-D4: proceeds Auctions credited to Lending (AU-X2) are withdrawn by settleSale and paid out", async function () {
    const f = await loadFixture(blocklistPrincipal);
    const lending = await f.lending.getAddress();
    await f.blk.setBlocked(lending, true);
    const t = f.dutch.start + DAY / 3n;
    const price = dutchPriceAt(t, f.dutch);
    await time.setNextBlockTimestamp(t);
    await expect(f.auctions.connect(f.other).buy(f.sale.auctionId))
      .to.emit(f.auctions, "PaymentCredited")
      .withArgs(lending, f.blk.target, price);
    expect(await f.auctions.creditOf(f.blk.target, lending)).to.equal(price);
    expect(await f.blk.balanceOf(lending)).to.equal(0n);
    await expect(f.lending.settleSale(f.terms, f.loanId)).to.be.revertedWithCustomError(f.blk, "Blocked");
    await f.blk.setBlocked(lending, false);
    const s = saleSplit(price, 0n, f.sale.debt, f.sale.interest, LOAN_FEE_BPS);
    const tx = f.lending.settleSale(f.terms, f.loanId);
    await expect(tx).to.changeTokenBalances(
      f.blk,
      [f.lender, f.borrower, f.feeTaker, f.auctions, f.lending],
      [s.toLender, s.toBorrower, s.fee, -price, 0n],
    );
    await expect(tx)
      .to.emit(f.auctions, "CreditWithdrawn")
      .withArgs(lending, f.blk.target, lending, price)
      .and.to.emit(f.lending, "SaleSettled")
      .withArgs(f.loanId, price, s.toLender, s.toBorrower);
    expect(await f.auctions.creditOf(f.blk.target, lending)).to.equal(0n);
    await expectSold(f);
  });

  it("LN-D4: settleSale with terms other than the stored ones reverts with LendingTermsMismatch", async function () {
    const f = await loadFixture(erc20Sale);
    await buyAt(f, f.dutch.start + 10n);
    await expect(f.lending.settleSale({ ...f.terms, feeBps: 0n }, f.loanId)).to.be.revertedWithCustomError(
      f.lending,
      "LendingTermsMismatch",
    );
  });

  it("LN-D4: settleSale of a loan not on sale reverts with LendingWrongStatus(Active)", async function () {
    const f = await loadFixture(deployDefault);
    const { loanId, terms } = await startLoan(f, SALE);
    await time.increase(40n * DAY);
    await expect(f.lending.settleSale(terms, loanId))
      .to.be.revertedWithCustomError(f.lending, "LendingWrongStatus")
      .withArgs(loanId, Status.Active);
  });
});
