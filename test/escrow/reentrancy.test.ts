// docs/escrow.md §6, rule E-M4: reentrancy into any function during a payout gains nothing.
// Each reentrant call below is one the receiver is allowed to make (it is a party, the arbiter, or the call is open
// to anyone), and a control call after the payout shows it would succeed outside the payout: the reentrancy guard
// is what stops it. Two payouts call out to a receiver: a withdrawal (all gas forwarded) and a push (at most
// ETH_PUSH_GAS); the push is attacked with LeanReentrantReceiver, whose attempt fits in that gas.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { LeanReentrantReceiver, ReentrantReceiver, ReentrantToken } from "../../typechain-types";
import { underCoverage } from "../helpers/coverage";
import {
  AMOUNT,
  DAY,
  DURATION,
  ETH,
  PROTOCOL_FEE_BPS,
  Status,
  arbiterParams,
  createDeal,
  dealFromTx,
  domainOf,
  expectBalanceChanges,
  expectState,
  feeEscrowFixture,
  feeOf,
  now,
  plainParams,
  signRefund,
  signRelease,
  signSettle,
} from "../helpers/escrow";

const PART = AMOUNT / 3n;
const net = (gross: bigint) => gross - feeOf(gross, PROTOCOL_FEE_BPS);

const GUARD_ERROR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

/** A receiver mock that can act as a party through `execute`. */
type Receiver = ReentrantReceiver | LeanReentrantReceiver;

/**
 * Deals in which `receiver` holds every role a reentrant call could use: beneficiary of `payout` (Refund default,
 * so that it may mark it paid), depositor of `own`, arbiter of the disputed `arbitrated`, and anyone for the
 * expired `expiring`. It also holds tokens approved to the escrow, so that it could create an ERC20 deal.
 */
async function dealsAround(receiver: Receiver) {
  const fx = await feeEscrowFixture();
  const { escrow, escrowAddress, depositor, beneficiary, token, tokenAddress } = fx;
  const r = await receiver.getAddress();
  await token.mint(r, AMOUNT);
  await receiver.execute(tokenAddress, 0n, token.interface.encodeFunctionData("approve", [escrowAddress, AMOUNT]));

  const deadline = (await now()) + DURATION;
  const payout = await createDeal(escrow, depositor, arbiterParams(fx, ETH, deadline, { beneficiary: r, salt: 1n }));
  const ownParams = plainParams(fx, ETH, deadline, { salt: 2n });
  const own = await dealFromTx(
    escrow,
    await receiver.execute(escrowAddress, AMOUNT, escrow.interface.encodeFunctionData("createDeal", [ownParams, []]), {
      value: AMOUNT,
    }),
  );
  const expiring = await createDeal(escrow, depositor, plainParams(fx, ETH, (await now()) + 3_600n, { salt: 3n }));
  const arbitrated = await createDeal(escrow, depositor, arbiterParams(fx, ETH, deadline, { arbiter: r, salt: 4n }));
  await escrow.connect(depositor).dispute(arbitrated.deal);
  await time.increase(2n * 3_600n);

  const domain = await domainOf(escrow);
  const expiry = deadline;
  // Signatures valid for the state the payout deal is in during the reentry (nonce 1, after a partial release).
  const releaseSig = await signRelease(depositor, domain, { dealId: payout.dealId, amount: 1n, nonce: 1n, expiry });
  const settleSig = await signSettle(depositor, domain, {
    dealId: payout.dealId,
    toBeneficiary: 0n,
    nonce: 1n,
    expiry,
  });
  const refundSig = await signRefund(beneficiary, domain, { dealId: own.dealId, amount: 1n, nonce: 0n, expiry });
  const tokenParams = plainParams(fx, tokenAddress, deadline, { amount: AMOUNT, salt: 5n });
  return { ...fx, r, payout, own, expiring, arbitrated, expiry, releaseSig, settleSig, refundSig, tokenParams };
}

/** ReentrantReceiver holding a credit from a failed push of a partial release of `payout`. */
async function creditedReceiverFixture() {
  const receiver = (await ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
  const fx = await dealsAround(receiver);
  await receiver.arm(ethers.ZeroAddress, "0x", true);
  await fx.escrow.connect(fx.depositor).release(fx.payout.deal, PART);
  await receiver.arm(ethers.ZeroAddress, "0x", false);
  return { ...fx, receiver };
}

async function leanReceiverFixture() {
  const receiver = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
  return { ...(await dealsAround(receiver)), receiver };
}

type Fx = Awaited<ReturnType<typeof dealsAround>>;

/** Reentrant calls the receiver is entitled to make, as calldata; `control` false where no second call can work. */
const REENTRIES: Array<[label: string, calldata: (fx: Fx) => string, control: boolean]> = [
  [
    "refund of the deal being paid out",
    (fx) => fx.escrow.interface.encodeFunctionData("refund", [fx.payout.deal, 1n]),
    true,
  ],
  ["release of its own deal", (fx) => fx.escrow.interface.encodeFunctionData("release", [fx.own.deal, 1n]), true],
  [
    "releaseMilestone of its own deal",
    (fx) => fx.escrow.interface.encodeFunctionData("releaseMilestone", [fx.own.deal, [], 0]),
    true,
  ],
  [
    "releaseWithSig with a signature valid for the current nonce",
    (fx) => fx.escrow.interface.encodeFunctionData("releaseWithSig", [fx.payout.deal, 1n, fx.expiry, fx.releaseSig]),
    true,
  ],
  [
    "refundWithSig with a valid signature",
    (fx) => fx.escrow.interface.encodeFunctionData("refundWithSig", [fx.own.deal, 1n, fx.expiry, fx.refundSig]),
    true,
  ],
  ["markPaid", (fx) => fx.escrow.interface.encodeFunctionData("markPaid", [fx.payout.deal]), true],
  ["dispute", (fx) => fx.escrow.interface.encodeFunctionData("dispute", [fx.payout.deal]), true],
  [
    "resolve of a deal it arbitrates",
    (fx) => fx.escrow.interface.encodeFunctionData("resolve", [fx.arbitrated.deal, 0n]),
    true,
  ],
  [
    "settle with the depositor's valid signature",
    (fx) => fx.escrow.interface.encodeFunctionData("settle", [fx.payout.deal, 0n, fx.expiry, fx.settleSig, "0x"]),
    true,
  ],
  [
    "triggerTimeout of an expired deal",
    (fx) => fx.escrow.interface.encodeFunctionData("triggerTimeout", [fx.expiring.deal]),
    true,
  ],
  ["revokeSignatures", (fx) => fx.escrow.interface.encodeFunctionData("revokeSignatures", [fx.payout.deal]), true],
  ["collectProtocolFees", (fx) => fx.escrow.interface.encodeFunctionData("collectProtocolFees", [ETH]), true],
  ["withdraw", (fx) => fx.escrow.interface.encodeFunctionData("withdraw", [ETH, fx.r]), false],
  ["createDeal in an ERC20", (fx) => fx.escrow.interface.encodeFunctionData("createDeal", [fx.tokenParams, []]), true],
  [
    "createDealWithPermit in an ERC20",
    (fx) =>
      fx.escrow.interface.encodeFunctionData("createDealWithPermit", [
        fx.tokenParams,
        [],
        0n,
        0,
        ethers.ZeroHash,
        ethers.ZeroHash,
      ]),
    true,
  ],
];

const PAYOUT_STATE = {
  status: Status.Active,
  nonce: 1n,
  disputedAt: 0n,
  released: PART,
  refunded: 0n,
};

describe("E-M4 reentrancy", function () {
  describe("a receiver re-entering from its withdrawal (all gas forwarded)", function () {
    for (const [label, calldata, control] of REENTRIES) {
      it(`fails the reentrant ${label} with ReentrancyGuardReentrantCall; the credit is paid exactly once`, async function () {
        const fx = await loadFixture(creditedReceiverFixture);
        const { escrow, escrowAddress, receiver, r, payout } = fx;
        const data = calldata(fx);
        await receiver.arm(escrowAddress, data, false);

        const tx = await receiver.execute(escrowAddress, 0n, escrow.interface.encodeFunctionData("withdraw", [ETH, r]));
        await expectBalanceChanges(tx, ETH, [receiver, escrowAddress], [net(PART), -net(PART)]);
        expect(await receiver.attempted()).to.equal(true);
        expect(await receiver.reentrySucceeded()).to.equal(false);
        expect(await receiver.reentryReturn()).to.equal(GUARD_ERROR);
        expect(await escrow.creditOf(ETH, r)).to.equal(0n);
        await expectState(escrow, payout.dealId, PAYOUT_STATE);

        if (control) {
          await receiver.execute(escrowAddress, 0n, data);
        } else {
          await expect(receiver.execute(escrowAddress, 0n, data))
            .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
            .withArgs(r, ETH);
        }
      });
    }
  });

  describe("a beneficiary re-entering from its ETH push (ETH_PUSH_GAS forwarded)", function () {
    for (const [label, calldata, control] of REENTRIES) {
      it(`fails the reentrant ${label} with ReentrancyGuardReentrantCall; the push completes exactly once`, async function () {
        // An ERC20 creation only meets the guard at its token pull, after its checks: instrumented for coverage,
        // those checks alone outgrow the ETH_PUSH_GAS the receiver re-enters with.
        if (underCoverage() && label.startsWith("createDeal")) this.skip();
        const fx = await loadFixture(leanReceiverFixture);
        const { escrow, escrowAddress, receiver, r, depositor, payout } = fx;
        const data = calldata(fx);
        await receiver.arm(escrowAddress, data);

        const tx = await escrow.connect(depositor).release(payout.deal, PART);
        await expect(tx).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
        await expect(tx).not.to.emit(escrow, "PaymentCredited");
        await expectBalanceChanges(tx, ETH, [receiver, escrowAddress], [net(PART), -net(PART)]);
        await expectState(escrow, payout.dealId, PAYOUT_STATE);
        expect(await escrow.creditOf(ETH, r)).to.equal(0n);

        if (control) {
          await receiver.execute(escrowAddress, 0n, data);
        } else {
          await expect(receiver.execute(escrowAddress, 0n, data))
            .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
            .withArgs(r, ETH);
        }
      });
    }

    it("credits the push when a receiver's reentry does not fit in ETH_PUSH_GAS, rolling the attempt back", async function () {
      const receiver = (await ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
      const fx = await dealsAround(receiver);
      const { escrow, escrowAddress, depositor, stranger, payout, r } = fx;
      await receiver.arm(escrowAddress, escrow.interface.encodeFunctionData("refund", [payout.deal, 1n]), false);
      const tx = await escrow.connect(depositor).release(payout.deal, PART);
      await expect(tx).to.emit(escrow, "PaymentCredited").withArgs(r, ETH, net(PART));
      await expectBalanceChanges(tx, ETH, [receiver, escrowAddress], [0n, 0n]);
      expect(await receiver.attempted()).to.equal(false);
      await expectState(escrow, payout.dealId, PAYOUT_STATE);
      // The credit goes, once, wherever the receiver sends it.
      const withdraw = escrow.interface.encodeFunctionData("withdraw", [ETH, stranger.address]);
      await expectBalanceChanges(
        receiver.execute(escrowAddress, 0n, withdraw),
        ETH,
        [stranger, escrowAddress],
        [net(PART), -net(PART)],
      );
      await expect(receiver.execute(escrowAddress, 0n, withdraw))
        .to.be.revertedWithCustomError(escrow, "PullPaymentsNothingToWithdraw")
        .withArgs(r, ETH);
    });
  });

  describe("a token re-entering from its transfer functions", function () {
    async function tokenFixture() {
      const receiver = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
      const fx = await dealsAround(receiver);
      const rtoken = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
      const t = await rtoken.getAddress();
      await rtoken.mint(fx.depositor.address, 10n * AMOUNT);
      await rtoken.connect(fx.depositor).approve(fx.escrowAddress, ethers.MaxUint256);
      const deadline = (await now()) + DAY;
      const tokenDeal = await createDeal(fx.escrow, fx.depositor, plainParams(fx, t, deadline, { salt: 9n }));
      return { ...fx, rtoken, t, tokenDeal, deadline };
    }

    it("fails collectProtocolFees re-entered from the payout transfer; the fee stays accrued and is collected once", async function () {
      const { escrow, escrowAddress, rtoken, t, tokenDeal, depositor, beneficiary, feeRecipient } =
        await loadFixture(tokenFixture);
      await rtoken.arm(escrowAddress, escrow.interface.encodeFunctionData("collectProtocolFees", [t]), false);
      const tx = await escrow.connect(depositor).release(tokenDeal.deal, AMOUNT);
      await expect(tx).to.changeTokenBalances(rtoken, [beneficiary, feeRecipient], [net(AMOUNT), 0n]);
      expect(await rtoken.attempted()).to.equal(true);
      expect(await rtoken.reentrySucceeded()).to.equal(false);
      expect(await rtoken.reentryReturn()).to.equal(GUARD_ERROR);
      const fee = AMOUNT - net(AMOUNT);
      expect(await escrow.protocolFeesOf(t)).to.equal(fee);
      await expect(escrow.collectProtocolFees(t)).to.changeTokenBalances(
        rtoken,
        [feeRecipient, escrowAddress],
        [fee, -fee],
      );
      await expect(escrow.collectProtocolFees(t)).to.be.revertedWithCustomError(escrow, "EscrowNothingToCollect");
    });

    it("fails a timeout re-entered from the deposit's transferFrom; the deposit completes and the timeout works after", async function () {
      const fx = await loadFixture(tokenFixture);
      const { escrow, escrowAddress, rtoken, t, expiring, depositor, stranger, deadline } = fx;
      await rtoken.arm(escrowAddress, escrow.interface.encodeFunctionData("triggerTimeout", [expiring.deal]), true);
      const created = await createDeal(
        escrow,
        depositor,
        plainParams(fx, t, deadline, { beneficiary: stranger.address, salt: 10n }),
      );
      await expect(created.tx).to.changeTokenBalances(rtoken, [depositor, escrowAddress], [-AMOUNT, AMOUNT]);
      expect(await rtoken.reentrySucceeded()).to.equal(false);
      expect(await rtoken.reentryReturn()).to.equal(GUARD_ERROR);
      expect((await escrow.getDealState(expiring.dealId)).status).to.equal(Status.Active);
      await escrow.connect(stranger).triggerTimeout(expiring.deal);
      expect((await escrow.getDealState(expiring.dealId)).status).to.equal(Status.Closed);
    });
  });
});
