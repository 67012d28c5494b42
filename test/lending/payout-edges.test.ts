// LN-O6, LN-D4, PullPayments at edges the mutation run showed no other Lending test pinned; each test names the
// mutant it kills.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ETH, ONE, SALE, offerOf, startLoan, termsOf } from "../helpers/lending";
import { ActorMode, deployRepay } from "../helpers/lending-repay";

describe("Lending: payouts and signatures at their edges", function () {
  it("LN-O6: an offer naming address(0) as its lender, with a signature that recovers no one, is refused (kills `recovered != address(1)`)", async function () {
    const fx = await loadFixture(deployRepay);
    const offer = await offerOf(fx, termsOf(fx), { lender: ethers.ZeroAddress });
    // 65 bytes with v = 29: the precompile recovers nothing, which must not pass for the zero address's signature.
    const recoversNoOne = ethers.concat([ethers.randomBytes(64), "0x1d"]);
    await expect(fx.lending.connect(fx.borrower).acceptOffer(offer, recoversNoOne, 0n)).to.be.revertedWithCustomError(
      fx.lending,
      "LendingInvalidSignature",
    );
  });

  it("PullPayments: a credit cannot be withdrawn to address(0) or to Lending (kills the recipient check's mutants)", async function () {
    const fx = await loadFixture(deployRepay);
    const lending = await fx.lending.getAddress();
    const withdraw = (to: string) =>
      fx.actor.execute(lending, 0n, fx.lending.interface.encodeFunctionData("withdraw", [ETH, to]));
    // No credit yet for the actor: the recipient check comes first all the same.
    for (const to of [ethers.ZeroAddress, lending]) {
      await expect(withdraw(to)).to.be.revertedWithCustomError(fx.lending, "PullPaymentsInvalidRecipient");
    }
    await expect(withdraw(fx.stranger.address))
      .to.be.revertedWithCustomError(fx.lending, "PullPaymentsNothingToWithdraw")
      .withArgs(fx.actor.target, ETH);
  });

  it("LN-D4: a sale without surplus pays the borrower nothing: no call, no credit of 0 (kills the deleted `return` of a zero payout)", async function () {
    const fx = await loadFixture(deployRepay);
    await fx.actor.setHook(ActorMode.Reject, ethers.ZeroAddress, 0n, "0x");
    const { loanId, terms } = await startLoan(fx, { ...SALE, principalToken: ETH, principal: ONE, interest: 0n });
    await fx.lending.connect(fx.borrower).transferFrom(fx.borrower.address, fx.actor.target, loanId + 1n);
    await time.increase(33n * DAY);
    await fx.lending.startSale(terms, loanId);
    const { auctionId } = await fx.lending.saleOf(loanId);
    // At the floor (80% of the debt) there is no surplus for the borrower token's holder.
    await time.increase(DAY);
    const price = await fx.auctions.priceOf(auctionId);
    expect(price).to.be.lessThan(ONE);
    await fx.auctions.connect(fx.other).buy(auctionId, { value: price });
    const tx = fx.lending.settleSale(terms, loanId);
    await expect(tx).to.not.emit(fx.lending, "PaymentCredited");
    expect(await fx.lending.creditOf(ETH, fx.actor.target)).to.equal(0n);
  });
});
