// docs/micropayments.md §4 and M-M1 ("no admin, no fee, no pause: nobody but the parties can move channel funds"):
// a stranger calling every state-changing function gets the right custom error and moves nothing, and the
// state-changing ABI is pinned so that an added admin or rescue function fails this file.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { balanceOf, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  ChannelStatus,
  DEPOSIT,
  expectChannelState,
  openState,
  signVoucher,
} from "../helpers/micropayments";

/** Every non-view function of MicropaymentChannels, with its exact parameter types. */
const STATE_CHANGING = [
  "claim((address,address,address,address,uint32,uint32),uint256,bytes)",
  "claimMany(address,address,(address,address,uint32,uint32,uint256,bytes)[])",
  "close((address,address,address,address,uint32,uint32),uint256,bytes)",
  "finalize((address,address,address,address,uint32,uint32))",
  "open((address,address,address,uint256,uint256,uint256))",
  "openWithPermit((address,address,address,uint256,uint256,uint256),uint256,uint8,bytes32,bytes32)",
  "requestClose((address,address,address,address,uint32,uint32))",
  "setSigner((address,address,address,address,uint32,uint32),address)",
  "topUp((address,address,address,address,uint32,uint32),uint256)",
  "withdraw(address,address)",
];

describe("M-M1 no admin: access control and ABI surface", function () {
  it("pins the state-changing functions: exactly the channel actions and withdraw, no receive or fallback", async function () {
    const mp = await ethers.getContractFactory("MicropaymentChannels");
    const fns: string[] = [];
    mp.interface.forEachFunction((f) => {
      if (f.stateMutability !== "view" && f.stateMutability !== "pure") fns.push(f.format("sighash"));
    });
    expect(fns.sort()).to.deep.equal(STATE_CHANGING);
    expect(mp.interface.fallback).to.equal(null);
    expect(mp.interface.receive).to.equal(false);
  });

  it("refuses plain ETH sent to the contract", async function () {
    const { mp, stranger } = await loadFixture(CHANNEL_ASSETS[0].fixture);
    await expect(stranger.sendTransaction({ to: await mp.getAddress(), value: 1n })).to.be.reverted;
  });

  for (const { name, fixture } of CHANNEL_ASSETS) {
    describe(`a stranger on a ${name} channel`, function () {
      it("gets ChannelUnauthorized from topUp, close, requestClose and setSigner, and moves nothing", async function () {
        const { mp, stranger, payer, channel, channelId, domain, asset } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, 1n);
        const calls = [
          () => mp.connect(stranger).topUp(channel, 1n, { value: asset === ethers.ZeroAddress ? 1n : 0n }),
          () => mp.connect(stranger).close(channel, 1n, sig),
          () => mp.connect(stranger).requestClose(channel),
          () => mp.connect(stranger).setSigner(channel, stranger.address),
        ];
        for (const call of calls) {
          await expect(call())
            .to.be.revertedWithCustomError(mp, "ChannelUnauthorized")
            .withArgs(channelId, stranger.address);
        }
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });

      it("gets ChannelInvalidSignature from claim and claimMany with a voucher it signed itself", async function () {
        const { mp, stranger, payee, channel, channelId, domain, asset } = await loadFixture(fixture);
        const sig = await signVoucher(stranger, domain, channelId, DEPOSIT);
        await expect(mp.connect(stranger).claim(channel, DEPOSIT, sig))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
        const { payer, signer, challengePeriod, salt } = channel;
        const claim = { payer, signer, challengePeriod, salt, amount: DEPOSIT, signature: sig };
        await expect(mp.connect(stranger).claimMany(payee.address, asset, [claim]))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
      });

      it("gets ChannelChallengeNotOver from finalize and PullPaymentsNothingToWithdraw from withdraw", async function () {
        const { mp, stranger, channel, channelId, asset } = await loadFixture(fixture);
        await expect(mp.connect(stranger).finalize(channel))
          .to.be.revertedWithCustomError(mp, "ChannelChallengeNotOver")
          .withArgs(channelId, 0n);
        await expect(mp.connect(stranger).withdraw(asset, stranger.address))
          .to.be.revertedWithCustomError(mp, "PullPaymentsNothingToWithdraw")
          .withArgs(stranger.address, asset);
        expect(await mp.getChannelState(channelId)).to.deep.equal([DEPOSIT, 0n, 0n, 1n, false]);
      });

      it("only opens a channel of its own: open by a stranger binds the stranger as payer", async function () {
        const fx = await loadFixture(fixture);
        const { mp, stranger, payee, sessionKey, mpAddress, asset, channelId } = fx;
        const params = {
          payee: payee.address,
          token: asset,
          signer: sessionKey.address,
          amount: DEPOSIT,
          challengePeriod: fx.channel.challengePeriod,
          salt: fx.channel.salt,
        };
        const tx = mp.connect(stranger).open(params, { value: asset === ethers.ZeroAddress ? DEPOSIT : 0n });
        await expectBalanceChanges(tx, asset, [stranger, mpAddress], [-DEPOSIT, DEPOSIT]);
        const strangerId = await mp.computeChannelId({ ...fx.channel, payer: stranger.address });
        expect(strangerId).to.not.equal(channelId);
        await expectChannelState(mp, strangerId, openState(DEPOSIT));
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });
    });
  }
});

describe("M-X3 unknown and closed channels accept nothing", function () {
  for (const { name, fixture } of CHANNEL_ASSETS) {
    /** Every channel action on `channel` by its rightful caller, with a full-deposit voucher where one is needed. */
    async function everyAction(fx: Awaited<ReturnType<typeof fixture>>, channel: typeof fx.channel) {
      const { mp, payer, payee, newKey, domain, asset } = fx;
      const id = await mp.computeChannelId(channel);
      const sig = await signVoucher(payer, domain, id, DEPOSIT);
      const { signer, challengePeriod, salt } = channel;
      const claim = { payer: channel.payer, signer, challengePeriod, salt, amount: DEPOSIT, signature: sig };
      return [
        () => mp.connect(payer).topUp(channel, 1n, { value: asset === ethers.ZeroAddress ? 1n : 0n }),
        () => mp.claim(channel, DEPOSIT, sig),
        () => mp.claimMany(channel.payee, channel.token, [claim]),
        () => mp.connect(payee).close(channel, DEPOSIT, sig),
        () => mp.connect(payer).requestClose(channel),
        () => mp.finalize(channel),
        () => mp.connect(payer).setSigner(channel, newKey.address),
      ];
    }

    it(`reverts with ChannelNotFound for every action on terms never opened (${name})`, async function () {
      const fx = await loadFixture(fixture);
      const unknown = { ...fx.channel, salt: 31_337n };
      const id = await fx.mp.computeChannelId(unknown);
      for (const action of await everyAction(fx, unknown)) {
        await expect(action()).to.be.revertedWithCustomError(fx.mp, "ChannelNotFound").withArgs(id);
      }
    });

    it(`reverts with ChannelNotOpen for every action on a closed channel, and nothing moves (${name})`, async function () {
      const fx = await loadFixture(fixture);
      const { mp, payee, mpAddress, channel, channelId, asset } = fx;
      await mp.connect(payee).close(channel, 0n, "0x");
      for (const action of await everyAction(fx, channel)) {
        await expect(action()).to.be.revertedWithCustomError(mp, "ChannelNotOpen").withArgs(channelId);
      }
      await expectChannelState(mp, channelId, {
        deposit: DEPOSIT,
        claimed: 0n,
        closesAt: 0n,
        status: ChannelStatus.Closed,
        signerChanged: false,
      });
      expect(await balanceOf(asset, mpAddress)).to.equal(0n);
    });
  }
});
