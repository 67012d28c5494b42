// Who a repayment pays (docs/lending.md LN-R3, LN-R5): the lender token's holder when the call begins, straight from
// the payer (ERC20) or pushed (ETH); a holder that cannot receive is credited; a payer holding the lender token pays
// only the fee; a fee-on-transfer principal is refused; and a holder or token hook calling back into Lending during
// the payment (a position transfer, another repay, a withdrawal) is refused by the guard.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { ONE, Status, deployLending } from "../helpers/lending";
import { ActorMode, ETH_LOAN, deployRepay, feeTo, guardError, loanFixture } from "../helpers/lending-repay";

const fixedFeeLoan = loanFixture(deployLending, (fx) => feeTo(fx, 1_000n));
const ethFeeLoan = loanFixture(deployRepay, (fx) => ({ ...ETH_LOAN, ...feeTo(fx, 1_000n) }));
const blkLoan = loanFixture(deployRepay, (fx) => ({ principalToken: fx.blk.target as string, ...feeTo(fx, 1_000n) }));
const fotLoan = loanFixture(deployRepay, (fx) => ({ principalToken: fx.fot.target as string }));
const hookLoan = loanFixture(deployRepay, (fx) => ({ principalToken: fx.hook.target as string }));

/** A loan whose lender token the lender has moved to the actor, with the actor's hook set. */
async function heldByActor<F extends Awaited<ReturnType<typeof ethFeeLoan>>>(
  f: F,
  mode: ActorMode,
  data: string = "0x",
): Promise<F> {
  await f.lending.connect(f.lender).transferFrom(f.lender.address, f.actor.target, f.loanId);
  await f.actor.setHook(mode, f.lending.target, 0n, data);
  return f;
}

/** Calldata of a transfer of the lender token from the actor to the stranger. */
const stealData = (f: Awaited<ReturnType<typeof ethFeeLoan>>): string =>
  f.lending.interface.encodeFunctionData("transferFrom", [f.actor.target, f.stranger.address, f.loanId]);

describe("Lending: who a repayment pays", function () {
  describe("LN-R3 the payee", function () {
    it("LN-R3, LN-P3: after the lender token moves, its new holder is paid (ERC20) and the old one is not", async function () {
      const f = await loadFixture(fixedFeeLoan);
      await f.lending.connect(f.lender).transferFrom(f.lender.address, f.other.address, f.loanId);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.borrower, f.other, f.lender, f.feeTaker, f.lending],
        [-100n * ONE, 95n * ONE, 0n, 5n * ONE, 0n],
      );
      await expect(tx)
        .to.emit(f.usd, "Transfer")
        .withArgs(f.borrower.address, f.other.address, 95n * ONE);
    });

    it("LN-R3: after the lender token moves, its new holder is paid (ETH)", async function () {
      const f = await loadFixture(ethFeeLoan);
      await f.lending.connect(f.lender).transferFrom(f.lender.address, f.other.address, f.loanId);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.other, f.lender, f.feeTaker, f.lending],
        [-3n * ONE, 29n * (ONE / 10n), 0n, ONE / 10n, 0n],
      );
    });

    it("LN-R3: a blocklisted ERC20 holder: the payment is pulled into Lending and credited; the holder withdraws it", async function () {
      const f = await loadFixture(blkLoan);
      await f.blk.setBlocked(f.lender.address, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.blk,
        [f.borrower, f.lender, f.lending, f.feeTaker],
        [-100n * ONE, 0n, 95n * ONE, 5n * ONE],
      );
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.lender.address, f.blk.target, 95n * ONE)
        .and.to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.borrower.address, 100n * ONE, 50n * ONE, 5n * ONE, 950n * ONE);
      expect(await f.lending.creditOf(f.blk.target, f.lender.address)).to.equal(95n * ONE);

      const out = f.lending.connect(f.lender).withdraw(f.blk.target, f.other.address);
      await expect(out)
        .to.emit(f.lending, "CreditWithdrawn")
        .withArgs(f.lender.address, f.blk.target, f.other.address, 95n * ONE);
      await expect(out).to.changeTokenBalances(f.blk, [f.other, f.lending], [95n * ONE, -95n * ONE]);
      expect(await f.lending.creditOf(f.blk.target, f.lender.address)).to.equal(0n);
    });

    it("LN-R3: a blocklisted ERC20 holder's full repayment still ends the loan; its credit outlives its token", async function () {
      const f = await loadFixture(blkLoan);
      await f.blk.setBlocked(f.lender.address, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 1_050n * ONE);
      await expect(tx).to.emit(f.lending, "LoanRepaid").withArgs(f.loanId);
      await expect(tx).to.changeTokenBalances(f.wbtc, [f.borrower, f.lending], [2n * ONE, -2n * ONE]);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
      expect(await f.lending.creditOf(f.blk.target, f.lender.address)).to.equal(1_045n * ONE);
    });

    it("LN-R3: an ERC20 holder whose receive hook reverts is credited: the payment sits in Lending", async function () {
      const f = await heldByActor(await loadFixture(hookLoan), ActorMode.Reject);
      await f.hook.setHooked(f.actor.target, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(f.hook, [f.borrower, f.actor, f.lending], [-100n * ONE, 0n, 100n * ONE]);
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.actor.target, f.hook.target, 100n * ONE);
      expect(await f.lending.creditOf(f.hook.target, f.actor.target)).to.equal(100n * ONE);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(950n * ONE);
    });

    it("LN-R3: an ETH holder that reverts on receipt is credited and withdraws to another address", async function () {
      const f = await heldByActor(await loadFixture(ethFeeLoan), ActorMode.Reject);
      const paid = 29n * (ONE / 10n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.changeEtherBalances(
        [f.borrower, f.actor, f.feeTaker, f.lending],
        [-3n * ONE, 0n, ONE / 10n, paid],
      );
      await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(f.actor.target, ZeroAddress, paid);
      expect(await f.lending.creditOf(ZeroAddress, f.actor.target)).to.equal(paid);
      const withdraw = f.lending.interface.encodeFunctionData("withdraw", [ZeroAddress, f.other.address]);
      await expect(f.actor.execute(f.lending.target, 0n, withdraw)).to.changeEtherBalances(
        [f.other, f.lending],
        [paid, -paid],
      );
    });

    it("LN-R3: a payer holding the lender token pays itself: only the fee leaves it, and the debt goes down", async function () {
      const f = await loadFixture(fixedFeeLoan);
      const tx = f.lending.connect(f.lender).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.changeTokenBalances(
        f.usd,
        [f.lender, f.feeTaker, f.borrower, f.lending],
        [-5n * ONE, 5n * ONE, 0n, 0n],
      );
      await expect(tx)
        .to.emit(f.lending, "Repaid")
        .withArgs(f.loanId, f.lender.address, 100n * ONE, 50n * ONE, 5n * ONE, 950n * ONE);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(950n * ONE);

      // Paying off the rest ends the loan; the collateral goes to the borrower.
      const rest = f.lending.connect(f.lender).repay(f.terms, f.loanId, 950n * ONE);
      await expect(rest).to.changeTokenBalances(f.usd, [f.lender, f.feeTaker], [0n, 0n]);
      await expect(rest).to.changeTokenBalances(f.wbtc, [f.borrower, f.lender], [2n * ONE, 0n]);
      expect((await f.lending.loanOf(f.loanId)).status).to.equal(Status.Repaid);
    });

    it("LN-R3: a payer holding the lender token pays itself in ETH: it gets back all but the fee", async function () {
      const f = await loadFixture(ethFeeLoan);
      const tx = f.lending.connect(f.lender).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.changeEtherBalances([f.lender, f.feeTaker, f.lending], [-ONE / 10n, ONE / 10n, 0n]);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(8n * ONE);
    });

    // LN-R3 measures what left the payer: a token that started taking its fee out of the amount sent costs the payee
    // that fee, and the debt goes down by what the payer paid (a payee-side check would turn the token's fee into a
    // repayment that can never succeed, and so into the borrower's default).
    it("LN-R3: a principal that turned fee-on-transfer is paid: the debt falls by what the payer sent, the holder bears the token's fee", async function () {
      const f = await loadFixture(fotLoan);
      await f.fot.setFeeBps(100n);
      await expect(f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE)).to.changeTokenBalances(
        f.fot,
        [f.borrower, f.lender],
        [-100n * ONE, 99n * ONE],
      );
      const loan = await f.lending.loanOf(f.loanId);
      expect([loan.outstanding, loan.status]).to.deep.equal([950n * ONE, BigInt(Status.Active)]);
    });
  });

  describe("LN-R5 no position moves during a repayment", function () {
    it("LN-R5: an ETH holder that tries to transfer its position on receipt is refused; it is still paid", async function () {
      const f = await loadFixture(ethFeeLoan);
      await heldByActor(f, ActorMode.Call, stealData(f));
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.emit(f.actor, "HookCalled").withArgs(false, guardError(f.lending));
      await expect(tx).to.changeEtherBalances([f.actor, f.feeTaker, f.lending], [29n * (ONE / 10n), ONE / 10n, 0n]);
      await expect(tx).to.not.emit(f.lending, "Transfer");
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.actor.target);
      expect((await f.lending.loanOf(f.loanId)).lender).to.equal(f.actor.target);
    });

    it("LN-R5: an ETH holder that tries the transfer and then reverts is credited; the position stays", async function () {
      const f = await loadFixture(ethFeeLoan);
      await heldByActor(f, ActorMode.CallThenReject, stealData(f));
      const paid = 29n * (ONE / 10n);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.emit(f.lending, "PaymentCredited").withArgs(f.actor.target, ZeroAddress, paid);
      await expect(tx).to.changeEtherBalances([f.actor, f.lending], [0n, paid]);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.actor.target);
      expect(await f.lending.creditOf(ZeroAddress, f.actor.target)).to.equal(paid);
    });

    it("LN-R5, LN-V3: an ETH holder re-entering withdraw on receipt is refused by the guard", async function () {
      const f = await loadFixture(ethFeeLoan);
      const data = f.lending.interface.encodeFunctionData("withdraw", [ZeroAddress, f.actor.target as string]);
      await heldByActor(f, ActorMode.Call, data);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 3n * ONE, { value: 3n * ONE });
      await expect(tx).to.emit(f.actor, "HookCalled").withArgs(false, guardError(f.lending));
      await expect(tx).to.changeEtherBalances([f.actor, f.lending], [29n * (ONE / 10n), 0n]);
    });

    it("LN-R5: a token hook of the holder trying to transfer the position is refused; the holder is paid", async function () {
      const f = await loadFixture(hookLoan);
      await heldByActor(f, ActorMode.Call, stealData(f));
      await f.hook.setHooked(f.actor.target, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.emit(f.actor, "HookCalled").withArgs(false, guardError(f.lending));
      await expect(tx).to.changeTokenBalances(f.hook, [f.borrower, f.actor, f.lending], [-100n * ONE, 100n * ONE, 0n]);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.actor.target);
    });

    it("LN-R5: a token hook re-entering repay is refused by the guard; only the outer payment is booked", async function () {
      const f = await loadFixture(hookLoan);
      const data = f.lending.interface.encodeFunctionData("repay", [f.terms, f.loanId, 10n * ONE]);
      await heldByActor(f, ActorMode.Call, data);
      await f.hook.setHooked(f.actor.target, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx).to.emit(f.actor, "HookCalled").withArgs(false, guardError(f.lending));
      await expect(tx).to.changeTokenBalances(f.hook, [f.borrower, f.actor, f.lending], [-100n * ONE, 100n * ONE, 0n]);
      expect((await f.lending.loanOf(f.loanId)).outstanding).to.equal(950n * ONE);
    });

    it("LN-R5: a token hook trying the transfer and then reverting: the payment is credited, the position stays", async function () {
      const f = await loadFixture(hookLoan);
      await heldByActor(f, ActorMode.CallThenReject, stealData(f));
      await f.hook.setHooked(f.actor.target, true);
      const tx = f.lending.connect(f.borrower).repay(f.terms, f.loanId, 100n * ONE);
      await expect(tx)
        .to.emit(f.lending, "PaymentCredited")
        .withArgs(f.actor.target, f.hook.target, 100n * ONE);
      await expect(tx).to.changeTokenBalances(f.hook, [f.actor, f.lending], [0n, 100n * ONE]);
      expect(await f.lending.ownerOf(f.loanId)).to.equal(f.actor.target);
    });
  });
});
