// docs/escrow.md §6, rule E-M5: the owner can pause creation and set the fee and its recipient, nothing else; no
// path moves deal funds. Also E-C1's other half: pausing blocks nothing but creation.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { FunctionFragment } from "ethers";
import type { MockAccount } from "../../typechain-types";
import {
  AMOUNT,
  DAY,
  ETH,
  PROTOCOL_FEE_BPS,
  Status,
  arbiterParams,
  createDeal,
  domainOf,
  ethDealsFixture,
  expectBalanceChanges,
  feeOf,
  now,
  plainParams,
  signRefund,
  signRelease,
  signSettle,
} from "../helpers/escrow";

/** Every state-changing function of the deployed Escrow, by full signature. */
const STATE_CHANGING = [
  "acceptOwnership()",
  "collectProtocolFees(address)",
  "createDeal((address,address,address,uint256,uint256,uint256,uint8,uint256,uint256,uint256),uint256[])",
  "createDealWithPermit((address,address,address,uint256,uint256,uint256,uint8,uint256,uint256,uint256),uint256[],uint256,uint8,bytes32,bytes32)",
  "dispute((address,address,address,address,uint256,bytes32))",
  "markPaid((address,address,address,address,uint256,bytes32))",
  "refund((address,address,address,address,uint256,bytes32),uint256)",
  "refundWithSig((address,address,address,address,uint256,bytes32),uint256,uint256,bytes)",
  "release((address,address,address,address,uint256,bytes32),uint256)",
  "releaseMilestone((address,address,address,address,uint256,bytes32),uint256[],uint256)",
  "releaseWithSig((address,address,address,address,uint256,bytes32),uint256,uint256,bytes)",
  "renounceOwnership()",
  "resolve((address,address,address,address,uint256,bytes32),uint256)",
  "revokeSignatures((address,address,address,address,uint256,bytes32))",
  "setCreationPaused(bool)",
  "setProtocolFee(uint256,address)",
  "settle((address,address,address,address,uint256,bytes32),uint256,uint256,bytes,bytes)",
  "transferOwnership(address)",
  "triggerTimeout((address,address,address,address,uint256,bytes32))",
  "withdraw(address,address)",
].sort();

describe("E-M5 owner powers", function () {
  describe("the surface", function () {
    it("has exactly the known state-changing functions (a new one must be reviewed and added here)", async function () {
      const { escrow } = await loadFixture(ethDealsFixture);
      const functions = escrow.interface.fragments.filter((f): f is FunctionFragment => f.type === "function");
      const stateChanging = functions
        .filter((f) => f.stateMutability !== "view" && f.stateMutability !== "pure")
        .map((f) => f.format("sighash"))
        .sort();
      expect(stateChanging).to.deep.equal(STATE_CHANGING);
      const payable = functions.filter((f) => f.payable).map((f) => f.name);
      expect(payable).to.deep.equal(["createDeal"]);
    });

    it("has no receive or fallback: plain ETH sent to the escrow reverts", async function () {
      const { escrow, escrowAddress, stranger } = await loadFixture(ethDealsFixture);
      expect(escrow.interface.receive).to.equal(false);
      expect(escrow.interface.fallback).to.equal(null);
      await expect(stranger.sendTransaction({ to: escrowAddress, value: 1n })).to.be.reverted;
    });

    it("leaves every balance unchanged when the owner sets the fee or pauses", async function () {
      const { escrow, owner, other, escrowAddress, tokenAddress } = await loadFixture(ethDealsFixture);
      for (const tx of [
        () => escrow.connect(owner).setProtocolFee(PROTOCOL_FEE_BPS, other.address),
        () => escrow.connect(owner).setCreationPaused(true),
        () => escrow.connect(owner).setCreationPaused(false),
      ]) {
        const sent = await tx();
        await expectBalanceChanges(sent, ETH, [escrowAddress, owner, other], [0n, 0n, 0n]);
        await expectBalanceChanges(sent, tokenAddress, [escrowAddress, owner, other], [0n, 0n, 0n]);
      }
    });
  });

  describe("the owner is nobody in a deal", function () {
    const calls: Array<[string, (fx: Awaited<ReturnType<typeof ethDealsFixture>>) => Promise<unknown>]> = [
      ["release", (fx) => fx.escrow.connect(fx.owner).release(fx.arbiterDeal.deal, 1n)],
      ["releaseMilestone", (fx) => fx.escrow.connect(fx.owner).releaseMilestone(fx.arbiterDeal.deal, [], 0)],
      ["refund", (fx) => fx.escrow.connect(fx.owner).refund(fx.arbiterDeal.deal, 1n)],
      ["markPaid", (fx) => fx.escrow.connect(fx.owner).markPaid(fx.arbiterDeal.deal)],
      ["dispute", (fx) => fx.escrow.connect(fx.owner).dispute(fx.arbiterDeal.deal)],
      ["resolve", (fx) => fx.escrow.connect(fx.owner).resolve(fx.arbiterDeal.deal, 0n)],
      ["revokeSignatures", (fx) => fx.escrow.connect(fx.owner).revokeSignatures(fx.arbiterDeal.deal)],
    ];
    for (const [label, call] of calls) {
      it(`reverts with EscrowUnauthorized when the owner calls ${label}`, async function () {
        const fx = await loadFixture(ethDealsFixture);
        await expect(call(fx))
          .to.be.revertedWithCustomError(fx.escrow, "EscrowUnauthorized")
          .withArgs(fx.arbiterDeal.dealId, fx.owner.address);
      });
    }

    it("reverts with PullPaymentsNothingToWithdraw when the owner withdraws", async function () {
      const { escrow, owner } = await loadFixture(ethDealsFixture);
      await expect(escrow.connect(owner).withdraw(ETH, owner.address))
        .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
        .withArgs(owner.address, ETH);
    });
  });

  describe("ownership (Ownable2Step)", function () {
    it("hands the admin functions over only once the new owner accepts", async function () {
      const { escrow, owner, other, feeRecipient } = await loadFixture(ethDealsFixture);
      await escrow.connect(owner).transferOwnership(other.address);
      expect(await escrow.pendingOwner()).to.equal(other.address);
      await expect(escrow.connect(other).setCreationPaused(true))
        .to.be.revertedWithCustomError(escrow, "OwnableUnauthorizedAccount")
        .withArgs(other.address);
      await escrow.connect(other).acceptOwnership();
      expect(await escrow.owner()).to.equal(other.address);
      await expect(escrow.connect(owner).setProtocolFee(0n, feeRecipient.address))
        .to.be.revertedWithCustomError(escrow, "OwnableUnauthorizedAccount")
        .withArgs(owner.address);
      await expect(escrow.connect(other).setCreationPaused(true)).to.emit(escrow, "CreationPausedSet").withArgs(true);
    });
  });
});

describe("E-C1 pausing blocks creation only", function () {
  async function pausedFixture() {
    const fx = await ethDealsFixture();
    const { escrow, owner, depositor } = fx;
    const rejecting = (await ethers.deployContract("MockAccount", [owner.address])) as unknown as MockAccount;
    await rejecting.setRejectEth(true);
    const settleDeal = await createDeal(escrow, depositor, plainParams(fx, ETH, fx.deadline, { salt: 20n }));
    const creditDeal = await createDeal(
      escrow,
      depositor,
      plainParams(fx, ETH, fx.deadline, { beneficiary: await rejecting.getAddress(), salt: 21n }),
    );
    await escrow.connect(owner).setCreationPaused(true);
    return { ...fx, rejecting, settleDeal, creditDeal };
  }

  it("reverts with EscrowCreationPaused for a new deal while every action on open deals still works", async function () {
    const fx = await loadFixture(pausedFixture);
    const { escrow, depositor, beneficiary, arbiter, relayer, stranger, owner, plainDeal, arbiterDeal } = fx;
    const domain = await domainOf(escrow);
    const expiry = (await now()) + DAY;

    await expect(
      escrow.connect(depositor).createDeal(arbiterParams(fx, ETH, fx.deadline, { salt: 99n }), [], { value: AMOUNT }),
    ).to.be.revertedWithCustomError(escrow, "EscrowCreationPaused");

    // Signed and direct releases and refunds, and a revocation, on the plain deal.
    const rel = await signRelease(depositor, domain, { dealId: plainDeal.dealId, amount: 10n, nonce: 0n, expiry });
    await escrow.connect(relayer).releaseWithSig(plainDeal.deal, 10n, expiry, rel);
    const ref = await signRefund(beneficiary, domain, { dealId: plainDeal.dealId, amount: 10n, nonce: 1n, expiry });
    await escrow.connect(relayer).refundWithSig(plainDeal.deal, 10n, expiry, ref);
    await escrow.connect(depositor).release(plainDeal.deal, 10n);
    await escrow.connect(beneficiary).refund(plainDeal.deal, 10n);
    await escrow.connect(depositor).revokeSignatures(plainDeal.deal);
    await escrow.connect(depositor).releaseMilestone(plainDeal.deal, [], 0);
    expect((await escrow.getDealState(plainDeal.dealId)).status).to.equal(Status.Closed);

    // The P2P path on the arbiter deal.
    await escrow.connect(beneficiary).markPaid(arbiterDeal.deal);
    await escrow.connect(depositor).dispute(arbiterDeal.deal);
    await escrow.connect(arbiter).resolve(arbiterDeal.deal, 100n);
    expect((await escrow.getDealState(arbiterDeal.dealId)).status).to.equal(Status.Closed);

    // Settlement.
    const s = await signSettle(beneficiary, domain, {
      dealId: fx.settleDeal.dealId,
      toBeneficiary: 5n,
      nonce: 0n,
      expiry,
    });
    await escrow.connect(depositor).settle(fx.settleDeal.deal, 5n, expiry, "0x", s);
    expect((await escrow.getDealState(fx.settleDeal.dealId)).status).to.equal(Status.Closed);

    // Timeout, credit and withdrawal, fee collection.
    await time.increaseTo(fx.deadline + 1n);
    await escrow.connect(stranger).triggerTimeout(fx.creditDeal.deal);
    const credit = AMOUNT - feeOf(AMOUNT, PROTOCOL_FEE_BPS);
    expect(await escrow.creditOf(ETH, await fx.rejecting.getAddress())).to.equal(credit);
    const withdraw = escrow.interface.encodeFunctionData("withdraw", [ETH, stranger.address]);
    await expectBalanceChanges(
      fx.rejecting.connect(owner).execute(fx.escrowAddress, 0n, withdraw),
      ETH,
      [stranger],
      [credit],
    );
    await expect(escrow.connect(stranger).collectProtocolFees(ETH)).to.emit(escrow, "ProtocolFeesCollected");

    expect((await escrow.config()).creationPaused).to.equal(true);
  });
});
