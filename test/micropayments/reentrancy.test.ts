// docs/micropayments.md M-M1: reentrancy from a payout gains nothing. Each reentrant call below is one the receiver
// is entitled to make (it is the payee or payer of the channel, or the call is open to anyone), and a control call
// after the payout shows it succeeds outside the payout: the reentrancy guard is what stops it. Three callbacks are
// attacked: an ETH push (at most ETH_PUSH_GAS, with LeanReentrantReceiver whose attempt fits in it), a withdrawal
// (all gas forwarded) and a token's transfer / transferFrom hook.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { LeanReentrantReceiver, ReentrantReceiver, ReentrantToken } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, atTime, blockTimeOf, expectBalanceChanges } from "../helpers/escrow";
import {
  ChannelStatus,
  DEPOSIT,
  PERIOD,
  channelFromTx,
  channelParams,
  channelsFixture,
  expectChannelState,
  openChannel,
  openState,
  signVoucher,
  type Channel,
} from "../helpers/micropayments";

const PART = DEPOSIT / 4n;
const GUARD_ERROR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

type Receiver = ReentrantReceiver | LeanReentrantReceiver;

function batchClaim(channel: Channel, amount: bigint, signature: string) {
  return {
    payer: channel.payer,
    signer: channel.signer,
    challengePeriod: channel.challengePeriod,
    salt: channel.salt,
    amount,
    signature,
  };
}

/**
 * ETH channels around `receiver`: payee of `payout` and `second`, payer of `own` (vouchers by the session key), and
 * an `expiring` channel whose challenge period is over (anyone may finalize).
 */
async function channelsAround(receiver: Receiver) {
  const fx = await channelsFixture();
  const { mp, mpAddress, payer, sessionKey, domain } = fx;
  const r = await receiver.getAddress();
  const payout = await openChannel(mp, payer, channelParams(fx, ETH, { payee: r, salt: 1n }));
  const second = await openChannel(mp, payer, channelParams(fx, ETH, { payee: r, salt: 2n }));
  const ownData = mp.interface.encodeFunctionData("open", [channelParams(fx, ETH, { salt: 3n })]);
  const own = await channelFromTx(mp, await receiver.execute(mpAddress, DEPOSIT, ownData, { value: DEPOSIT }));
  const expiring = await openChannel(mp, payer, channelParams(fx, ETH, { salt: 4n }));
  const req = await mp.connect(payer).requestClose(expiring.channel);
  await atTime((await blockTimeOf(req)) + PERIOD + 1n);

  const sigs = {
    payoutPart: await signVoucher(payer, domain, payout.channelId, PART),
    payoutMore: await signVoucher(payer, domain, payout.channelId, 2n * PART),
    second: await signVoucher(sessionKey, domain, second.channelId, PART),
  };
  return { ...fx, r, payout, second, own, expiring, sigs };
}

type Fx = Awaited<ReturnType<typeof channelsAround>>;

/** Reentrant calls the receiver is entitled to make; `control` false where no second call can work. */
const REENTRIES: Array<[label: string, calldata: (fx: Fx) => string, control: boolean]> = [
  [
    "claim of the channel being paid, with a larger voucher",
    (fx) => fx.mp.interface.encodeFunctionData("claim", [fx.payout.channel, 2n * PART, fx.sigs.payoutMore]),
    true,
  ],
  [
    "claimMany of its other channel",
    (fx) =>
      fx.mp.interface.encodeFunctionData("claimMany", [
        fx.r,
        ETH,
        [batchClaim(fx.second.channel, PART, fx.sigs.second)],
      ]),
    true,
  ],
  [
    "close of its other channel as payee",
    (fx) => fx.mp.interface.encodeFunctionData("close", [fx.second.channel, PART, fx.sigs.second]),
    true,
  ],
  [
    "requestClose of its own channel",
    (fx) => fx.mp.interface.encodeFunctionData("requestClose", [fx.own.channel]),
    true,
  ],
  [
    "setSigner of its own channel",
    (fx) => fx.mp.interface.encodeFunctionData("setSigner", [fx.own.channel, fx.newKey.address]),
    true,
  ],
  [
    "finalize of an expired channel",
    (fx) => fx.mp.interface.encodeFunctionData("finalize", [fx.expiring.channel]),
    true,
  ],
  ["withdraw", (fx) => fx.mp.interface.encodeFunctionData("withdraw", [ETH, fx.r]), false],
];

async function leanFixture() {
  const receiver = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
  return { ...(await channelsAround(receiver)), receiver };
}

/** ReentrantReceiver holding a credit of PART from a failed push of a claim of `payout`. */
async function creditedFixture() {
  const receiver = (await ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
  const fx = await channelsAround(receiver);
  await receiver.arm(ethers.ZeroAddress, "0x", true);
  await fx.mp.claim(fx.payout.channel, PART, fx.sigs.payoutPart);
  await receiver.arm(ethers.ZeroAddress, "0x", false);
  expect(await fx.mp.creditOf(ETH, fx.r)).to.equal(PART);
  return { ...fx, receiver };
}

async function expectControl(fx: Fx & { receiver: Receiver }, data: string, control: boolean) {
  if (control) {
    await fx.receiver.execute(fx.mpAddress, 0n, data);
  } else {
    await expect(fx.receiver.execute(fx.mpAddress, 0n, data))
      .to.be.revertedWithCustomError(fx.mp, "PullPaymentsNothingToWithdraw")
      .withArgs(fx.r, ETH);
  }
}

describe("M-M1 reentrancy", function () {
  describe("a payee re-entering from its ETH push (ETH_PUSH_GAS forwarded)", function () {
    for (const [label, calldata, control] of REENTRIES) {
      it(`fails the reentrant ${label} with ReentrancyGuardReentrantCall; the claim pays exactly once`, async function () {
        const fx = await loadFixture(leanFixture);
        const { mp, mpAddress, receiver, r, payout, stranger, sigs } = fx;
        const data = calldata(fx);
        await receiver.arm(mpAddress, data);
        const tx = await mp.connect(stranger).claim(payout.channel, PART, sigs.payoutPart);
        await expect(tx).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
        await expect(tx).not.to.emit(mp, "PaymentCredited");
        await expectBalanceChanges(tx, ETH, [r, mpAddress], [PART, -PART]);
        await expectChannelState(mp, payout.channelId, openState(DEPOSIT, PART));
        await expectChannelState(mp, fx.second.channelId, openState(DEPOSIT));
        await expectControl(fx, data, control);
      });
    }
  });

  describe("a payer re-entering from its ETH push in close and finalize", function () {
    it("fails a reentrant claim during the payee's close of its channel; the payer gets the rest once", async function () {
      const fx = await loadFixture(leanFixture);
      const { mp, mpAddress, receiver, r, payee, own, payout, sigs, sessionKey, domain } = fx;
      const data = mp.interface.encodeFunctionData("claim", [payout.channel, PART, sigs.payoutPart]);
      await receiver.arm(mpAddress, data);
      const sig = await signVoucher(sessionKey, domain, own.channelId, PART);
      const tx = await mp.connect(payee).close(own.channel, PART, sig);
      await expect(tx).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
      await expectBalanceChanges(tx, ETH, [r, payee, mpAddress], [DEPOSIT - PART, PART, -DEPOSIT]);
      await expectChannelState(mp, payout.channelId, openState(DEPOSIT));
      await receiver.execute(mpAddress, 0n, data);
      await expectChannelState(mp, payout.channelId, openState(DEPOSIT, PART));
    });

    it("fails a reentrant finalize of the same channel during finalize; the payer is paid once", async function () {
      const fx = await loadFixture(leanFixture);
      const { mp, mpAddress, receiver, r, own, stranger } = fx;
      await receiver.execute(mpAddress, 0n, mp.interface.encodeFunctionData("requestClose", [own.channel]));
      const { closesAt } = await mp.getChannelState(own.channelId);
      await atTime(closesAt + 1n);
      await receiver.arm(mpAddress, mp.interface.encodeFunctionData("finalize", [own.channel]));
      const tx = await mp.connect(stranger).finalize(own.channel);
      await expect(tx).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
      await expectBalanceChanges(tx, ETH, [r, mpAddress], [DEPOSIT, -DEPOSIT]);
      await expectChannelState(mp, own.channelId, {
        deposit: DEPOSIT,
        claimed: 0n,
        closesAt,
        status: ChannelStatus.Closed,
        signerChanged: false,
      });
    });
  });

  describe("a receiver re-entering from its withdrawal (all gas forwarded)", function () {
    for (const [label, calldata, control] of REENTRIES) {
      it(`fails the reentrant ${label} with ReentrancyGuardReentrantCall; the credit is paid exactly once`, async function () {
        const fx = await loadFixture(creditedFixture);
        const { mp, mpAddress, receiver, r, payout } = fx;
        const data = calldata(fx);
        await receiver.arm(mpAddress, data, false);
        const tx = await receiver.execute(mpAddress, 0n, mp.interface.encodeFunctionData("withdraw", [ETH, r]));
        await expectBalanceChanges(tx, ETH, [receiver, mpAddress], [PART, -PART]);
        expect(await receiver.attempted()).to.equal(true);
        expect(await receiver.reentrySucceeded()).to.equal(false);
        expect(await receiver.reentryReturn()).to.equal(GUARD_ERROR);
        expect(await mp.creditOf(ETH, r)).to.equal(0n);
        await expectChannelState(mp, payout.channelId, openState(DEPOSIT, PART));
        await expectControl(fx, data, control);
      });
    }
  });

  describe("a token re-entering from transfer and transferFrom", function () {
    async function tokenFixture() {
      const fx = await channelsFixture();
      const { mp, mpAddress, payer, domain } = fx;
      const rnt = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
      const rntAddress = await rnt.getAddress();
      await rnt.mint(payer.address, TOKEN_SUPPLY);
      await rnt.connect(payer).approve(mpAddress, ethers.MaxUint256);
      const opened = await openChannel(mp, payer, channelParams(fx, rntAddress));
      const more = await signVoucher(payer, domain, opened.channelId, 2n * PART);
      const part = await signVoucher(payer, domain, opened.channelId, PART);
      return { ...fx, rnt, rntAddress, ...opened, more, part };
    }

    it("fails a claim re-entered from the payout transfer; the payee is paid once", async function () {
      const { mp, rnt, payee, mpAddress, channel, channelId, more, part } = await loadFixture(tokenFixture);
      await rnt.arm(mpAddress, mp.interface.encodeFunctionData("claim", [channel, 2n * PART, more]), false);
      const tx = await mp.claim(channel, PART, part);
      await expect(tx).to.changeTokenBalances(rnt, [payee, mpAddress], [PART, -PART]);
      expect(await rnt.attempted()).to.equal(true);
      expect(await rnt.reentrySucceeded()).to.equal(false);
      expect(await rnt.reentryReturn()).to.equal(GUARD_ERROR);
      await expectChannelState(mp, channelId, openState(DEPOSIT, PART));
      // Control: the same claim outside the transfer pays the increment.
      await rnt.arm(ethers.ZeroAddress, "0x", false);
      await expect(mp.claim(channel, 2n * PART, more)).to.changeTokenBalances(rnt, [payee], [PART]);
    });

    it("fails a finalize re-entered from the payee's payout in close; the payer gets the rest once", async function () {
      const fx = await loadFixture(tokenFixture);
      const { mp, rnt, payer, payee, mpAddress, channel, channelId, part } = fx;
      await rnt.arm(mpAddress, mp.interface.encodeFunctionData("finalize", [channel]), false);
      const tx = await mp.connect(payee).close(channel, PART, part);
      await expect(tx).to.changeTokenBalances(rnt, [payee, payer, mpAddress], [PART, DEPOSIT - PART, -DEPOSIT]);
      expect(await rnt.reentryReturn()).to.equal(GUARD_ERROR);
      await expectChannelState(mp, channelId, {
        deposit: DEPOSIT,
        claimed: PART,
        closesAt: 0n,
        status: ChannelStatus.Closed,
        signerChanged: false,
      });
    });

    it("fails a claim re-entered from the deposit pull of a top-up (the guarded transferFrom)", async function () {
      const { mp, rnt, payer, payee, mpAddress, channel, channelId, part } = await loadFixture(tokenFixture);
      await rnt.arm(mpAddress, mp.interface.encodeFunctionData("claim", [channel, PART, part]), true);
      const tx = await mp.connect(payer).topUp(channel, 1_000n);
      await expect(tx).to.changeTokenBalances(rnt, [payer, payee, mpAddress], [-1_000n, 0n, 1_000n]);
      expect(await rnt.reentrySucceeded()).to.equal(false);
      expect(await rnt.reentryReturn()).to.equal(GUARD_ERROR);
      await expectChannelState(mp, channelId, openState(DEPOSIT + 1_000n));
    });

    it("fails a claim re-entered from the deposit pull of an open of another channel", async function () {
      const fx = await loadFixture(tokenFixture);
      const { mp, rnt, payer, payee, mpAddress, rntAddress, channel, channelId, part } = fx;
      await rnt.arm(mpAddress, mp.interface.encodeFunctionData("claim", [channel, PART, part]), true);
      const opened = openChannel(mp, payer, channelParams(fx, rntAddress, { salt: 8n }));
      const { tx } = await opened;
      await expect(tx).to.changeTokenBalances(rnt, [payer, payee, mpAddress], [-DEPOSIT, 0n, DEPOSIT]);
      expect(await rnt.attempted()).to.equal(true);
      expect(await rnt.reentryReturn()).to.equal(GUARD_ERROR);
      await expectChannelState(mp, channelId, openState(DEPOSIT));
      // Control: the same claim outside the pull pays.
      await expect(mp.claim(channel, PART, part)).to.changeTokenBalances(rnt, [payee], [PART]);
    });
  });
});
