// Finding: a party could block the arbiter. `resolve` had to carry the deal's current nonce, and either party could
// advance the nonce at will: `revokeSignatures` for free, or a 1-wei partial release or refund. A losing party that
// saw the ruling coming could make it revert every time until the dispute window ended, forcing the fallback split.
// Fix: `resolve` no longer takes a nonce, and while a deal is disputed its remainder changes only by closing actions
// (docs/escrow.md §3, E-A5), so an absolute ruling always applies to the remainder the arbiter reviewed.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ETH, arbiterParams, createDeal, escrowFixture, now } from "../helpers/escrow";

async function disputedDeal() {
  const fx = await loadFixture(escrowFixture);
  const created = await createDeal(fx.escrow, fx.depositor, arbiterParams(fx, ETH, (await now()) + DAY));
  await fx.escrow.connect(fx.beneficiary).dispute(created.deal);
  return { ...fx, ...created };
}

describe("finding: a party could block the arbiter's ruling by advancing the nonce (E-A5)", function () {
  it("applies the ruling after the losing party revokes signatures just before it", async function () {
    const { escrow, deal, dealId, depositor, arbiter } = await disputedDeal();
    await escrow.connect(depositor).revokeSignatures(deal);
    await expect(escrow.connect(arbiter).resolve(deal, 0n)).to.emit(escrow, "DealResolved");
    expect((await escrow.getDealState(dealId)).status).to.equal(4n); // Closed
  });

  it("rejects a 1-wei refund or release during the dispute, so it cannot move the ruled remainder", async function () {
    const { escrow, deal, dealId, depositor, beneficiary, arbiter } = await disputedDeal();
    await expect(escrow.connect(beneficiary).refund(deal, 1n))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
      .withArgs(dealId, 3n); // Disputed
    await expect(escrow.connect(depositor).release(deal, 1n))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
      .withArgs(dealId, 3n);
    await expect(escrow.connect(arbiter).resolve(deal, 0n)).to.emit(escrow, "DealResolved");
  });
});
