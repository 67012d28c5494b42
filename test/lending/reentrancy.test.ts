// LN-V3: every function that moves value holds the transient guard shared with `withdraw`, so a token, an ETH
// recipient or an ERC721 receiver called from inside it cannot enter Lending again. Each test arms a callback that
// calls `withdraw` (which would otherwise fail for want of a credit) and checks it was refused by the guard.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { LendingReentryProbe, ReentrantToken } from "../../typechain-types";
import {
  DAY,
  ETH,
  ONE,
  SALE,
  deployLending,
  offerOf,
  requestOf,
  signOffer,
  signRequest,
  startLoan,
  termsOf,
  type LendingFixture,
} from "../helpers/lending";

const GUARD = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

interface Fx extends LendingFixture {
  rt: ReentrantToken;
  probe: LendingReentryProbe;
  reentry: string;
}

async function deployReentry(): Promise<Fx> {
  const fx = await deployLending();
  const lending = await fx.lending.getAddress();
  const rt = await (await ethers.getContractFactory("ReentrantToken")).deploy();
  const probe = await (await ethers.getContractFactory("LendingReentryProbe")).deploy();
  for (const s of [fx.lender, fx.borrower, fx.other]) {
    await rt.mint(s.address, 1_000_000n * ONE);
    await rt.connect(s).approve(lending, ethers.MaxUint256);
    await rt.connect(s).approve(await fx.auctions.getAddress(), ethers.MaxUint256);
  }
  const reentry = fx.lending.interface.encodeFunctionData("withdraw", [ETH, fx.stranger.address]);
  return { ...fx, rt, probe, reentry };
}

async function armToken(fx: Fx, onTransferFrom: boolean): Promise<void> {
  await fx.rt.arm(await fx.lending.getAddress(), fx.reentry, onTransferFrom);
}

async function expectGuarded(fx: Fx): Promise<void> {
  expect(await fx.rt.attempted()).to.equal(true);
  expect(await fx.rt.reentrySucceeded()).to.equal(false);
  expect((await fx.rt.reentryReturn()).slice(0, 10)).to.equal(GUARD);
}

async function expectProbeGuarded(fx: Fx): Promise<void> {
  expect(await fx.probe.attempted()).to.equal(true);
  expect(await fx.probe.reentrySucceeded()).to.equal(false);
  expect((await fx.probe.reentryReturn()).slice(0, 10)).to.equal(GUARD);
}

describe("LN-V3 no re-entry while value moves", function () {
  it("LN-V3: acceptOffer is guarded while the collateral is pulled", async function () {
    const fx = await loadFixture(deployReentry);
    await armToken(fx, true);
    await startLoan(fx, { collateralToken: await fx.rt.getAddress(), collateralAmount: ONE });
    await expectGuarded(fx);
  });

  it("LN-V3: acceptRequest is guarded while the collateral is pulled", async function () {
    const fx = await loadFixture(deployReentry);
    const request = await requestOf(
      fx,
      termsOf(fx, { collateralToken: await fx.rt.getAddress(), collateralAmount: ONE }),
    );
    const signature = await signRequest(fx.lending, fx.borrower, request);
    await armToken(fx, true);
    await fx.lending.connect(fx.lender).acceptRequest(request, signature);
    await expectGuarded(fx);
  });

  it("LN-V3: repay is guarded while the payment moves", async function () {
    const fx = await loadFixture(deployReentry);
    const { loanId, terms } = await startLoan(fx, { principalToken: await fx.rt.getAddress() });
    await armToken(fx, true);
    await fx.lending.connect(fx.borrower).repay(terms, loanId, 10n * ONE);
    await expectGuarded(fx);
  });

  it("LN-V3: claim is guarded while the collateral goes out", async function () {
    const fx = await loadFixture(deployReentry);
    const { loanId, terms } = await startLoan(fx, { collateralToken: await fx.rt.getAddress(), collateralAmount: ONE });
    await time.increase(34n * DAY);
    await armToken(fx, false);
    await fx.lending.connect(fx.lender).claim(terms, loanId, fx.lender.address);
    await expectGuarded(fx);
  });

  it("LN-V3: startSale is guarded while Auctions pulls the collateral", async function () {
    const fx = await loadFixture(deployReentry);
    const { loanId, terms } = await startLoan(fx, {
      ...SALE,
      collateralToken: await fx.rt.getAddress(),
      collateralAmount: ONE,
    });
    await time.increase(34n * DAY);
    await armToken(fx, true);
    await fx.lending.startSale(terms, loanId);
    await expectGuarded(fx);
  });

  it("LN-V3: settleSale is guarded while the proceeds are paid out", async function () {
    const fx = await loadFixture(deployReentry);
    const { loanId, terms } = await startLoan(fx, { ...SALE, principalToken: await fx.rt.getAddress() });
    await time.increase(34n * DAY);
    await fx.lending.startSale(terms, loanId);
    const { auctionId } = await fx.lending.saleOf(loanId);
    await fx.auctions.connect(fx.other).buy(auctionId);
    await armToken(fx, false);
    await fx.lending.settleSale(terms, loanId);
    await expectGuarded(fx);
  });

  it("LN-V3: refinanceWithOffer and refinanceWithRequest are guarded while the payoff moves", async function () {
    const fx = await loadFixture(deployReentry);
    const token = await fx.rt.getAddress();
    const a = await startLoan(fx, { principalToken: token });
    const offer = await offerOf(fx, termsOf(fx, { principalToken: token, principal: 2_000n * ONE }), {
      lender: fx.other.address,
      nonce: 7n,
    });
    await armToken(fx, true);
    await fx.lending
      .connect(fx.borrower)
      .refinanceWithOffer(a.terms, a.loanId, offer, await signOffer(fx.lending, fx.other, offer), 0n);
    await expectGuarded(fx);

    const b = await startLoan(fx, { principalToken: token }, { nonce: 2n });
    const request = await requestOf(fx, termsOf(fx, { principalToken: token, principal: 2_000n * ONE }), {
      refinances: b.loanId,
      nonce: 8n,
    });
    await armToken(fx, true);
    await fx.lending
      .connect(fx.other)
      .refinanceWithRequest(b.terms, b.loanId, request, await signRequest(fx.lending, fx.borrower, request));
    await expectGuarded(fx);
  });

  it("LN-V3: withdrawDeposit is guarded while the ETH goes out", async function () {
    const fx = await loadFixture(deployReentry);
    const lending = await fx.lending.getAddress();
    await fx.lending.connect(fx.lender).deposit({ value: ONE });
    await fx.probe.arm(lending, fx.reentry);
    await fx.lending.connect(fx.lender).withdrawDeposit(ONE, await fx.probe.getAddress());
    await expectProbeGuarded(fx);
  });

  for (const data of [false, true]) {
    it(`LN-V3, LN-P1: safeTransferFrom${data ? " with data" : ""} of a position is guarded while the receiver runs`, async function () {
      const fx = await loadFixture(deployReentry);
      const { loanId } = await startLoan(fx);
      const probe = await fx.probe.getAddress();
      await fx.probe.arm(await fx.lending.getAddress(), fx.reentry);
      const positions = fx.lending.connect(fx.lender);
      if (data) {
        await positions["safeTransferFrom(address,address,uint256,bytes)"](fx.lender.address, probe, loanId, "0x01");
      } else {
        await positions["safeTransferFrom(address,address,uint256)"](fx.lender.address, probe, loanId);
      }
      expect(await fx.lending.ownerOf(loanId)).to.equal(probe);
      await expectProbeGuarded(fx);
    });
  }
});

describe("LN-V3 every value-moving function refuses a call made while the guard is held", function () {
  it("LN-V3: from inside a repayment, a call to any value-moving function of Lending reverts ReentrancyGuardReentrantCall", async function () {
    const fx = await loadFixture(deployReentry);
    const { loanId, terms, offer } = await startLoan(fx, { principalToken: await fx.rt.getAddress() });
    const request = await requestOf(fx, terms);
    const i = fx.lending.interface;
    const calls = [
      i.encodeFunctionData("acceptOffer", [offer, "0x", 0n]),
      i.encodeFunctionData("acceptRequest", [request, "0x"]),
      i.encodeFunctionData("repay", [terms, loanId, 1n]),
      i.encodeFunctionData("claim", [terms, loanId, fx.lender.address]),
      i.encodeFunctionData("startSale", [terms, loanId]),
      i.encodeFunctionData("settleSale", [terms, loanId]),
      i.encodeFunctionData("withdrawCollateral", [terms, loanId, fx.lender.address]),
      i.encodeFunctionData("refinanceWithOffer", [terms, loanId, offer, "0x", 0n]),
      i.encodeFunctionData("refinanceWithRequest", [terms, loanId, request, "0x"]),
      i.encodeFunctionData("withdrawDeposit", [1n, fx.lender.address]),
      i.encodeFunctionData("transferFrom", [fx.lender.address, fx.other.address, loanId]),
      i.encodeFunctionData("safeTransferFrom(address,address,uint256)", [fx.lender.address, fx.other.address, loanId]),
      i.encodeFunctionData("safeTransferFrom(address,address,uint256,bytes)", [
        fx.lender.address,
        fx.other.address,
        loanId,
        "0x",
      ]),
    ];
    for (const data of calls) {
      await fx.rt.arm(await fx.lending.getAddress(), data, true);
      await fx.lending.connect(fx.borrower).repay(terms, loanId, ONE);
      await expectGuarded(fx);
    }
  });
});

describe("LN-A3, LN-R3 a transfer that reports success and moves nothing", function () {
  it("LN-A3, LN-R3: refused as LendingTransferShortfall(token, amount, 0), as collateral and as a repayment", async function () {
    const fx = await loadFixture(deployReentry);
    const lending = await fx.lending.getAddress();
    const noop = await (await ethers.getContractFactory("LendingNoopToken")).deploy();
    for (const s of [fx.lender, fx.borrower]) {
      await noop.mint(s.address, 10_000n * ONE);
      await noop.connect(s).approve(lending, ethers.MaxUint256);
    }
    const token = await noop.getAddress();
    await noop.setNoop(true);
    const offer = await offerOf(fx, termsOf(fx, { collateralToken: token, collateralAmount: ONE }));
    await expect(fx.lending.connect(fx.borrower).acceptOffer(offer, await signOffer(fx.lending, fx.lender, offer), 0n))
      .to.be.revertedWithCustomError(fx.lending, "LendingTransferShortfall")
      .withArgs(token, ONE, 0n);
    await noop.setNoop(false);
    const { loanId, terms } = await startLoan(fx, { principalToken: token }, { nonce: 2n });
    await noop.setNoop(true);
    await expect(fx.lending.connect(fx.borrower).repay(terms, loanId, ONE))
      .to.be.revertedWithCustomError(fx.lending, "LendingTransferShortfall")
      .withArgs(token, ONE, 0n);
  });
});
