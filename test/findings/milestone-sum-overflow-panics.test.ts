// Finding: createDeal with a milestone list whose running sum overflows uint256 reverted with Panic(0x11)
// instead of EscrowInvalidMilestones (docs/escrow.md E-C6). `_milestonesHash` added each milestone to the sum in
// checked arithmetic before comparing it with the amount, so a milestone near 2^256 overflowed first. The revert
// protected the funds, but the error is the wrong one for callers and the SDK, which decode custom errors, and the
// code comment claimed the sum could not overflow.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { DAY, ETH, escrowFixture, now, plainParams } from "../helpers/escrow";

describe("finding: milestone sum overflow panics instead of EscrowInvalidMilestones (E-C6)", function () {
  it("reverts with EscrowInvalidMilestones when a milestone would overflow the running sum", async function () {
    const fx = await loadFixture(escrowFixture);
    const params = plainParams(fx, ETH, (await now()) + DAY, { amount: 2n });
    await expect(
      fx.escrow.connect(fx.depositor).createDeal(params, [1n, ethers.MaxUint256], { value: 2n }),
    ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidMilestones");
  });

  it("reverts with EscrowInvalidMilestones when the first milestone alone is 2^256 - 1", async function () {
    const fx = await loadFixture(escrowFixture);
    const params = plainParams(fx, ETH, (await now()) + DAY, { amount: 2n });
    await expect(
      fx.escrow.connect(fx.depositor).createDeal(params, [ethers.MaxUint256, 1n], { value: 2n }),
    ).to.be.revertedWithCustomError(fx.escrow, "EscrowInvalidMilestones");
  });
});
