// docs/payment-channels.md PC-P1: reentrancy from a payout gains nothing. A receiver re-entering from its ETH push
// (LeanReentrantReceiver, whose attempt fits in the capped push) or a token re-entering from transfer/transferFrom
// (ReentrantToken) finds every paying function closed; the same call made afterwards, outside the payout, works.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { LeanReentrantReceiver, ReentrantToken } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, atTime, blockTimeOf, expectBalanceChanges } from "../helpers/escrow";
import {
  DEPOSIT1,
  DEPOSIT2,
  PERIOD,
  depositFor,
  directionOf,
  expectSolvent,
  pcFixture,
  proofOf,
  termsOf,
  type Channel,
  type ChannelRecord,
} from "../helpers/payment-channels";

const GUARD_ERROR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);
const EMPTY = directionOf(proofOf(0n, 0n));

function recordOf(d1: bigint, d2: bigint): ChannelRecord {
  return { deposit1: d1, deposit2: d2, withdrawn1: 0n, withdrawn2: 0n, d12: EMPTY, d21: EMPTY };
}

/** Four channels of p1 with `participant2`, all closed by p1 without proofs and past their challenge period. */
async function expiredChannels(fx: Awaited<ReturnType<typeof pcFixture>>, token: string, participant2: string) {
  const { pc, p1 } = fx;
  const channels: Channel[] = [1n, 2n, 3n, 4n].map((salt) => termsOf(fx, token, { participant2, salt }));
  let last = 0n;
  for (const c of channels) {
    await pc.connect(p1).open(c, DEPOSIT1, { value: token === ETH ? DEPOSIT1 : 0n });
    await depositFor(pc, p1, c, participant2, DEPOSIT2);
    last = await blockTimeOf(await pc.connect(p1).close(c, proofOf(0n, 0n), "0x"));
  }
  await atTime(last + PERIOD + 1n);
  return channels;
}

describe("PC-P1 reentrancy from an ETH push", function () {
  async function leanFixture() {
    const fx = await pcFixture();
    const receiver = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
    const r = await receiver.getAddress();
    const [a, b, c, d] = await expiredChannels(fx, ETH, r);
    return { ...fx, receiver, r, a, b, c, d };
  }

  it("a receiver re-entering settle of another channel from its payout is refused by the guard; its payout lands", async function () {
    const { pc, p1, receiver, r, pcAddress, a, b } = await loadFixture(leanFixture);
    const record = recordOf(DEPOSIT1, DEPOSIT2);
    await receiver.arm(pcAddress, pc.interface.encodeFunctionData("settle", [b, record]));
    const tx = await pc.settle(a, record);
    await expect(tx).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
    await expectBalanceChanges(tx, ETH, [p1, r], [DEPOSIT1, DEPOSIT2]);
    // Outside a payout the same call works.
    await expect(pc.settle(b, record)).to.emit(pc, "ChannelSettled");
    await expectSolvent(pc, [ETH]);
  });

  it("a receiver re-entering withdraw, cooperativeClose, cooperativeWithdraw or unlock from its payout is refused by the guard", async function () {
    const { pc, receiver, pcAddress, a, b, c, d } = await loadFixture(leanFixture);
    const record = recordOf(DEPOSIT1, DEPOSIT2);
    const attempts: Array<[string, Channel]> = [
      [pc.interface.encodeFunctionData("withdraw", [ETH, pcAddress]), a],
      [pc.interface.encodeFunctionData("cooperativeClose", [b, 0n, 0n, 0n, "0x", "0x"]), b],
      [pc.interface.encodeFunctionData("cooperativeWithdraw", [b, b.participant2, 1n, 0n, "0x", "0x"]), c],
      [
        pc.interface.encodeFunctionData("unlock", [
          a,
          a.participant1,
          [],
          { locksRoot12: ethers.ZeroHash, held12: 0n, locksRoot21: ethers.ZeroHash, held21: 0n },
        ]),
        d,
      ],
    ];
    for (const [data, channel] of attempts) {
      await receiver.arm(pcAddress, data);
      await expect(pc.settle(channel, record)).to.emit(receiver, "Reentered").withArgs(false, GUARD_ERROR);
    }
    await expectSolvent(pc, [ETH]);
  });
});

describe("PC-P1 reentrancy from a token", function () {
  async function tokenFixture() {
    const fx = await pcFixture();
    const rnt = (await ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
    const rntAddress = await rnt.getAddress();
    await rnt.mint(fx.p1.address, TOKEN_SUPPLY);
    await rnt.connect(fx.p1).approve(fx.pcAddress, ethers.MaxUint256);
    const [a, b] = await expiredChannels(fx, rntAddress, fx.p2.address);
    return { ...fx, rnt, rntAddress, a, b };
  }

  it("a token re-entering settle from its transfer is refused by the guard; both settlements complete in turn", async function () {
    const { pc, p1, p2, rnt, pcAddress, rntAddress, a, b } = await loadFixture(tokenFixture);
    const record = recordOf(DEPOSIT1, DEPOSIT2);
    await rnt.arm(pcAddress, pc.interface.encodeFunctionData("settle", [b, record]), false);
    const tx = await pc.settle(a, record);
    expect([await rnt.attempted(), await rnt.reentrySucceeded(), await rnt.reentryReturn()]).to.deep.equal([
      true,
      false,
      GUARD_ERROR,
    ]);
    await expect(tx).to.changeTokenBalances(rnt, [p1, p2], [DEPOSIT1, DEPOSIT2]);
    await expect(pc.settle(b, record)).to.emit(pc, "ChannelSettled");
    await expectSolvent(pc, [rntAddress]);
  });

  it("a token re-entering deposit from its transfer is refused by the guard of the pull", async function () {
    const { pc, p1, rnt, pcAddress, rntAddress, a, b } = await loadFixture(tokenFixture);
    const record = recordOf(DEPOSIT1, DEPOSIT2);
    const open: Channel = { ...a, salt: 8n };
    await pc.connect(p1).open(open, 5n);
    await rnt.arm(pcAddress, pc.interface.encodeFunctionData("deposit", [open, p1.address, 1n]), false);
    await expect(pc.settle(b, record)).to.emit(pc, "ChannelSettled");
    expect([await rnt.attempted(), await rnt.reentrySucceeded(), await rnt.reentryReturn()]).to.deep.equal([
      true,
      false,
      GUARD_ERROR,
    ]);
    expect((await pc.channelInfo(await pc.computeChannelId(open))).deposit1).to.equal(5n);
    await expectSolvent(pc, [rntAddress]);
  });

  it("a token re-entering settle from the transferFrom of a deposit is refused by the guard; the deposit completes", async function () {
    const { pc, p1, rnt, pcAddress, rntAddress, a, b } = await loadFixture(tokenFixture);
    const record = recordOf(DEPOSIT1, DEPOSIT2);
    const fresh: Channel = { ...a, salt: 9n };
    await rnt.arm(pcAddress, pc.interface.encodeFunctionData("settle", [b, record]), true);
    await expect(pc.connect(p1).open(fresh, 5n))
      .to.emit(pc, "ChannelOpened")
      .withArgs(await pc.computeChannelId(fresh), p1.address, a.participant2, Object.values(fresh), 5n);
    expect([await rnt.attempted(), await rnt.reentrySucceeded(), await rnt.reentryReturn()]).to.deep.equal([
      true,
      false,
      GUARD_ERROR,
    ]);
    await expectSolvent(pc, [rntAddress]);
  });
});
