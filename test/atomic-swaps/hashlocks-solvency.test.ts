// docs/atomic-swaps.md §4-§5: many locks under one hashlock are independent (HT-16), the secret a claim emits opens the
// others (HT-15), and the contract stays solvent per asset whatever is donated or forced into it (HT-17, HT-18).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ETH, atTime } from "../helpers/escrow";
import {
  AMOUNT,
  HASHLOCK,
  HOUR,
  HtStatus,
  SECRET,
  expectSolvent,
  expectStatus,
  htlcFixture,
  lockAt,
  lockIdOf,
  nextTime,
  termsOf,
  type Lock,
} from "../helpers/hashed-timelocks";

describe("HashedTimelocks: many locks under one hashlock (HT-16)", function () {
  it("HT-16: five locks share a hashlock (both assets, other parties and timelocks); each claim or refund touches only its own", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const locks: Lock[] = [
      termsOf(fx, "ETH", start),
      termsOf(fx, "ERC20", start),
      termsOf(fx, "ETH", start, {
        sender: fx.other.address,
        receiver: fx.stranger.address,
        timelock: start + 2n * HOUR,
      }),
      termsOf(fx, "ERC20", start, { receiver: fx.watcher.address, amount: 7n, timelock: start + 3n * HOUR }),
      termsOf(fx, "ETH", start, { timelock: start + 10n }),
    ];
    let t = start;
    for (const l of locks) await lockAt(fx, l, t++);
    expect(new Set(locks.map(lockIdOf)).size).to.equal(locks.length);
    expect(new Set(locks.map((l) => l.hashlock))).to.deep.equal(new Set([HASHLOCK]));

    // The first claim reveals the secret; the others stay Locked.
    await fx.htlc.connect(fx.receiver).claim(locks[0], SECRET);
    await expectStatus(fx.htlc, locks[0], HtStatus.Claimed);
    for (const l of locks.slice(1)) await expectStatus(fx.htlc, l, HtStatus.Locked);

    // Anyone reads the secret from the Claimed event (filtered by the hashlock) and claims another lock with it.
    const [event] = await fx.htlc.queryFilter(fx.htlc.filters.Claimed(undefined, HASHLOCK));
    const revealed = event.args.secret;
    expect(revealed).to.equal(SECRET);
    await expect(fx.htlc.connect(fx.stranger).claim(locks[2], revealed)).to.changeEtherBalances(
      [fx.stranger, fx.other],
      [AMOUNT, 0n],
    );
    // The short one expired: it refunds while the others are still claimable.
    await atTime(locks[4].timelock);
    await fx.htlc.connect(fx.watcher).refund(locks[4]);
    await expectStatus(fx.htlc, locks[4], HtStatus.Refunded);
    await expect(fx.htlc.connect(fx.watcher).claim(locks[3], revealed)).to.changeTokenBalances(
      fx.token,
      [fx.watcher, fx.htlc],
      [7n, -7n],
    );
    await expectStatus(fx.htlc, locks[1], HtStatus.Locked);
    await expectSolvent(fx.htlc);
  });
});

describe("HashedTimelocks: solvency with donations and forced ETH (HT-17, HT-18)", function () {
  it("HT-18: a plain ETH transfer to the contract reverts (no receive): ETH enters only by lock or by force", async function () {
    const fx = await loadFixture(htlcFixture);
    await expect(fx.stranger.sendTransaction({ to: fx.htlcAddress, value: 1n })).to.be.reverted;
  });

  it("HT-17, HT-18: forced ETH and donated tokens only add surplus; locks, claims and refunds are unaffected; nobody can take it", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const eth = termsOf(fx, "ETH", start);
    const erc = termsOf(fx, "ERC20", start);
    await lockAt(fx, eth, start);
    await lockAt(fx, erc, start + 1n);
    // Forced ETH (a self-destructing contract) and a direct token transfer.
    await ethers.deployContract("ForceSend", [fx.htlcAddress], { value: 12_345n });
    await fx.token.connect(fx.stranger).transfer(fx.htlcAddress, 678n);
    let surplus = await expectSolvent(fx.htlc);
    expect(surplus.get(ETH)).to.equal(12_345n);
    expect(surplus.get(fx.tokenAddress)).to.equal(678n);
    // A lock after the donation still needs exactly its amount to arrive (the delta, not the balance, is measured).
    const later = termsOf(fx, "ERC20", start);
    await lockAt(fx, later);
    await fx.htlc.connect(fx.receiver).claim(eth, SECRET);
    await fx.htlc.connect(fx.receiver).claim(erc, SECRET);
    await atTime(later.timelock);
    await fx.htlc.connect(fx.sender).refund(later);
    surplus = await expectSolvent(fx.htlc);
    expect(surplus.get(ETH)).to.equal(12_345n);
    expect(surplus.get(fx.tokenAddress)).to.equal(678n);
    // The donors have no credit, so withdraw gives them nothing.
    for (const token of [ETH, fx.tokenAddress]) {
      await expect(fx.htlc.connect(fx.stranger).withdraw(token, fx.stranger.address)).to.be.revertedWithCustomError(
        fx.htlc,
        "PullPaymentsNothingToWithdraw",
      );
    }
    expect(await ethers.provider.getBalance(fx.htlcAddress)).to.equal(12_345n);
    expect(await fx.token.balanceOf(fx.htlcAddress)).to.equal(678n);
  });
});
