// The P2P sale end to end (docs/escrow.md §3): the seller of crypto locks it as depositor with an arbiter and
// defaultOutcome Refund; the buyer (beneficiary) pays off-chain and marks the deal paid. Run for ETH and ERC20.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  AMOUNT,
  ARBITER_FEE_BPS,
  ASSETS,
  FALLBACK_BPS,
  Outcome,
  PROTOCOL_FEE_BPS,
  Status,
  WINDOW,
  blockTimeOf,
  expectBalanceChanges,
  expectState,
  feeOf,
  unpackTerms,
  type Asset,
  type DealsFixture,
} from "../helpers/escrow";

const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);

function runP2P(asset: Asset): void {
  describe(`P2P sale end to end, E-A3 E-A4 E-A5 E-A7 (${asset.name})`, function () {
    let fx: DealsFixture;
    beforeEach(async function () {
      fx = await loadFixture(asset.fixture);
      const terms = unpackTerms(fx.arbiterDeal.deal.terms);
      expect(terms.defaultOutcome).to.equal(BigInt(Outcome.Refund));
      expect(fx.arbiterDeal.deal.arbiter).to.equal(fx.arbiter.address);
    });

    it("buyer marks paid, the timeout can no longer refund the seller, the seller releases everything", async function () {
      const { escrow, arbiterDeal, depositor: seller, beneficiary: buyer, arbiter, stranger, escrowAddress } = fx;
      await escrow.connect(buyer).markPaid(arbiterDeal.deal);
      await time.increaseTo(fx.deadline + 1n);
      await expect(escrow.connect(stranger).triggerTimeout(arbiterDeal.deal))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(arbiterDeal.dealId, Status.Paid);
      const tx = await escrow.connect(seller).release(arbiterDeal.deal, AMOUNT);
      const net = AMOUNT - fee(AMOUNT);
      await expectBalanceChanges(tx, fx.asset, [seller, buyer, arbiter, escrowAddress], [0n, net, 0n, -net]);
      await expect(tx).to.emit(escrow, "DealReleased").withArgs(arbiterDeal.dealId, net, fee(AMOUNT));
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Closed,
        nonce: 1n,
        disputedAt: 0n,
        released: AMOUNT,
        refunded: 0n,
      });
    });

    it("buyer marks paid, the seller disputes, the arbiter rules for the buyer and takes its fee", async function () {
      const { escrow, arbiterDeal, depositor: seller, beneficiary: buyer, arbiter, escrowAddress } = fx;
      await escrow.connect(buyer).markPaid(arbiterDeal.deal);
      const disputeTx = await escrow.connect(seller).dispute(arbiterDeal.deal);
      await expect(disputeTx).to.emit(escrow, "DealDisputed").withArgs(arbiterDeal.dealId, seller.address);
      const disputedAt = await blockTimeOf(disputeTx);
      const arbiterFee = feeOf(AMOUNT, ARBITER_FEE_BPS);
      const toBuyer = AMOUNT - arbiterFee;
      const tx = await escrow.connect(arbiter).resolve(arbiterDeal.deal, toBuyer);
      await expectBalanceChanges(
        tx,
        fx.asset,
        [seller, buyer, arbiter, escrowAddress],
        [0n, toBuyer - fee(toBuyer), arbiterFee, -(toBuyer - fee(toBuyer) + arbiterFee)],
      );
      await expect(tx)
        .to.emit(escrow, "DealResolved")
        .withArgs(arbiterDeal.dealId, toBuyer - fee(toBuyer), 0n, arbiterFee, fee(toBuyer));
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Closed,
        nonce: 2n,
        disputedAt,
        released: toBuyer,
        refunded: 0n,
      });
    });

    it("the seller never releases: the buyer disputes after the deadline and, with no ruling, the fallback split applies", async function () {
      const { escrow, arbiterDeal, depositor: seller, beneficiary: buyer, arbiter, stranger } = fx;
      await escrow.connect(buyer).markPaid(arbiterDeal.deal);
      await time.increaseTo(fx.deadline + 5n * 86_400n);
      const disputedAt = await blockTimeOf(await escrow.connect(buyer).dispute(arbiterDeal.deal));
      await time.increaseTo(disputedAt + WINDOW + 1n);
      const toBuyer = feeOf(AMOUNT, FALLBACK_BPS);
      const tx = await escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
      await expectBalanceChanges(
        tx,
        fx.asset,
        [seller, buyer, arbiter],
        [AMOUNT - toBuyer, toBuyer - fee(toBuyer), 0n],
      );
      await expect(tx)
        .to.emit(escrow, "DealTimedOut")
        .withArgs(arbiterDeal.dealId, true, toBuyer - fee(toBuyer), AMOUNT - toBuyer, fee(toBuyer));
    });

    it("the buyer never pays: after the deadline anyone returns everything to the seller", async function () {
      const { escrow, arbiterDeal, depositor: seller, beneficiary: buyer, stranger } = fx;
      await time.increaseTo(fx.deadline + 1n);
      const tx = await escrow.connect(stranger).triggerTimeout(arbiterDeal.deal);
      await expectBalanceChanges(tx, fx.asset, [seller, buyer], [AMOUNT, 0n]);
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Closed,
        nonce: 0n,
        disputedAt: 0n,
        released: 0n,
        refunded: AMOUNT,
      });
    });
  });
}

for (const asset of ASSETS) runP2P(asset);
