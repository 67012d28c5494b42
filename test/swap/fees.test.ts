// docs/swaps.md §6 SW-F1: the signed fee is a ceiling, the current fee is charged; the owner's limits.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MAKER_AMOUNT, feeOf, fillAs, swapFixture } from "../helpers/swap";

describe("Swap: protocol fee", function () {
  it("SW-F1: the fee is paid by the maker in the maker token, on top of the fill, to the fee recipient", async function () {
    const { swap, tokenA, owner, maker, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    await swap.connect(owner).setProtocolFee(30n, feeRecipient.address);
    const o = order({ feeBps: 30n });
    const fee = feeOf(MAKER_AMOUNT, 30n);
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.changeTokenBalances(
      tokenA,
      [maker, taker, feeRecipient, swap],
      [-(MAKER_AMOUNT + fee), MAKER_AMOUNT, fee, 0n],
    );
  });

  it("SW-F1: lowering the fee never voids an open order, which then pays the lower fee", async function () {
    const { swap, tokenA, owner, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    await swap.connect(owner).setProtocolFee(50n, feeRecipient.address);
    const o = order({ feeBps: 50n });
    const sig = await sign(o);
    await swap.connect(owner).setProtocolFee(10n, feeRecipient.address);
    const tx = fillAs(swap, taker, o, sig, MAKER_AMOUNT);
    await expect(tx).to.changeTokenBalance(tokenA, feeRecipient, feeOf(MAKER_AMOUNT, 10n));
    await expect(tx)
      .to.emit(swap, "OrderFilled")
      .withArgs(await swap.hashOrder(o), o.maker, taker.address, MAKER_AMOUNT, o.takerAmount);
  });

  it("SW-F1: raising the fee above an order's signed fee voids it; back at or below the ceiling it fills again", async function () {
    const { swap, owner, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    const o = order({ feeBps: 20n });
    const sig = await sign(o);
    await swap.connect(owner).setProtocolFee(21n, feeRecipient.address);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapFeeTooLow")
      .withArgs(20n, 21n);
    await swap.connect(owner).setProtocolFee(20n, feeRecipient.address);
    await fillAs(swap, taker, o, sig, MAKER_AMOUNT);
  });

  it("SW-F1: an order signed with fee 0 fills only while the fee is off", async function () {
    const { swap, owner, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    const o = order({ feeBps: 0n });
    const sig = await sign(o);
    await swap.connect(owner).setProtocolFee(1n, feeRecipient.address);
    await expect(fillAs(swap, taker, o, sig, MAKER_AMOUNT))
      .to.be.revertedWithCustomError(swap, "SwapFeeTooLow")
      .withArgs(0n, 1n);
    await swap.connect(owner).setProtocolFee(0n, ethers.ZeroAddress);
    await fillAs(swap, taker, o, sig, MAKER_AMOUNT);
  });

  it("SW-F1: the fee of a partial fill is floor(part * bps / 10000), in the maker's favour (0 for a tiny part)", async function () {
    const { swap, tokenA, owner, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    await swap.connect(owner).setProtocolFee(100n, feeRecipient.address);
    const o = order({ makerAmount: 10_000n, takerAmount: 10_000n, minFill: 1n, feeBps: 100n });
    const sig = await sign(o);
    await expect(fillAs(swap, taker, o, sig, 99n)).to.changeTokenBalance(tokenA, feeRecipient, 0n);
    await expect(fillAs(swap, taker, o, sig, 199n)).to.changeTokenBalance(tokenA, feeRecipient, 1n);
  });

  it("SW-F1: only the owner sets the fee; at most 1%; a non-zero fee needs a recipient; never the contract", async function () {
    const { swap, swapAddress, owner, other, feeRecipient } = await loadFixture(swapFixture);
    expect(await swap.MAX_PROTOCOL_FEE_BPS()).to.equal(100n);
    expect(await swap.protocolFee()).to.deep.equal([0n, ethers.ZeroAddress]);
    await expect(swap.connect(other).setProtocolFee(1n, feeRecipient.address))
      .to.be.revertedWithCustomError(swap, "OwnableUnauthorizedAccount")
      .withArgs(other.address);
    await expect(swap.connect(owner).setProtocolFee(101n, feeRecipient.address))
      .to.be.revertedWithCustomError(swap, "SwapProtocolFeeTooHigh")
      .withArgs(101n, 100n);
    await expect(swap.connect(owner).setProtocolFee(1n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidFeeRecipient",
    );
    await expect(swap.connect(owner).setProtocolFee(0n, swapAddress)).to.be.revertedWithCustomError(
      swap,
      "SwapInvalidFeeRecipient",
    );
    await expect(swap.connect(owner).setProtocolFee(100n, feeRecipient.address))
      .to.emit(swap, "ProtocolFeeUpdated")
      .withArgs(100n, feeRecipient.address);
    expect(await swap.protocolFee()).to.deep.equal([100n, feeRecipient.address]);
    await swap.connect(owner).setProtocolFee(0n, ethers.ZeroAddress);
    expect(await swap.protocolFee()).to.deep.equal([0n, ethers.ZeroAddress]);
  });

  it("SW-F1: ownership moves in two steps (Ownable2Step)", async function () {
    const { swap, owner, other, feeRecipient } = await loadFixture(swapFixture);
    await swap.connect(owner).transferOwnership(other.address);
    expect(await swap.owner()).to.equal(owner.address);
    await swap.connect(other).acceptOwnership();
    await swap.connect(other).setProtocolFee(5n, feeRecipient.address);
  });

  it("SW-F1: the smallest fee, 1 bps, is charged: floor(makerFill / 10000)", async function () {
    const { swap, tokenA, owner, taker, feeRecipient, order, sign } = await loadFixture(swapFixture);
    await swap.connect(owner).setProtocolFee(1n, feeRecipient.address);
    const o = order({ feeBps: 1n });
    await expect(fillAs(swap, taker, o, await sign(o), MAKER_AMOUNT)).to.changeTokenBalance(
      tokenA,
      feeRecipient,
      MAKER_AMOUNT / 10_000n,
    );
  });
});
