// docs/atomic-swaps.md §2 and §4 `lock`: the id (HT-1), who may lock (HT-2), the terms (HT-3), the timelock window
// (HT-4), the deposit and its public times (HT-5), the value sent (HT-6), ids never reused (HT-8) and the Locked
// event (HT-15), for ETH and an ERC20 alike.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ETH, atTime } from "../helpers/escrow";
import {
  ALLOWANCE,
  AMOUNT,
  DEPOSIT,
  HOUR,
  HtStatus,
  MAX_TIMELOCK_DURATION,
  SECRET,
  depositTermsOf,
  expectSolvent,
  expectStatus,
  htlcFixture,
  lockAt,
  lockIdOf,
  nextTime,
  termsOf,
  valueOf,
  type Asset,
  type Lock,
} from "../helpers/hashed-timelocks";

const MAX_UINT256 = 2n ** 256n - 1n;

describe("HashedTimelocks: the lock id (HT-1)", function () {
  it("HT-1: lockId is keccak256(abi.encode(terms)), the id Locked names, and every field changes it", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const terms = termsOf(fx, "ERC20", start);
    expect(await fx.htlc.lockId(terms)).to.equal(lockIdOf(terms));
    const variants: Partial<Lock>[] = [
      { sender: fx.other.address },
      { receiver: fx.other.address },
      { token: ETH },
      { amount: terms.amount + 1n },
      { hashlock: ethers.ZeroHash.replace(/0$/, "1") },
      { timelock: terms.timelock + 1n },
      { safetyDeposit: 1n },
      { publicClaimAt: 1n },
      { publicRefundAt: 1n },
      { salt: terms.salt + 1n },
    ];
    const ids = new Set([lockIdOf(terms)]);
    for (const v of variants) {
      const changed = { ...terms, ...v };
      expect(await fx.htlc.lockId(changed)).to.equal(lockIdOf(changed));
      ids.add(lockIdOf(changed));
    }
    expect(ids.size).to.equal(variants.length + 1);
    await atTime(start);
    await expect(fx.htlc.connect(fx.sender).lock(terms))
      .to.emit(fx.htlc, "Locked")
      .withArgs(lockIdOf(terms), fx.sender.address, fx.receiver.address, Object.values(terms));
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
  });

  it("HT-1: lock returns the id (staticCall), and statusOf is None for an id never locked", async function () {
    const fx = await loadFixture(htlcFixture);
    const terms = termsOf(fx, "ETH", await nextTime());
    expect(await fx.htlc.connect(fx.sender).lock.staticCall(terms, { value: valueOf(terms) })).to.equal(
      lockIdOf(terms),
    );
    expect(await fx.htlc.statusOf(lockIdOf(terms))).to.equal(HtStatus.None);
  });

  it("HT-1: terms with dirty high bits in an address or a uint64 are refused by the decoder (no non-canonical lock)", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const terms = termsOf(fx, "ETH", start, { timelock: start + HOUR });
    const data = fx.htlc.interface.encodeFunctionData("lock", [terms]);
    // Word 0 of the terms is the sender (after the 4-byte selector); word 5 is the timelock.
    const dirty = (word: number) => {
      const at = 2 + 8 + word * 64;
      return data.slice(0, at) + "ff" + data.slice(at + 2);
    };
    for (const word of [0, 1, 2, 5, 7, 8]) {
      // An empty revert: the ABI decoder's, not one of the contract's checks.
      await expect(
        fx.sender.sendTransaction({ to: fx.htlcAddress, data: dirty(word), value: valueOf(terms) }),
      ).to.be.revertedWithoutReason();
    }
    // The clean calldata locks (at whatever time the reverted attempts left: the timelock is an hour ahead).
    await fx.sender.sendTransaction({ to: fx.htlcAddress, data, value: valueOf(terms) });
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
  });
});

for (const asset of ["ETH", "ERC20"] as Asset[]) {
  describe(`HashedTimelocks: lock (${asset})`, function () {
    it("HT-2: reverts with HashedTimelockNotSender when the caller is not the terms' sender", async function () {
      const fx = await loadFixture(htlcFixture);
      const terms = termsOf(fx, asset, await nextTime());
      await expect(fx.htlc.connect(fx.stranger).lock(terms, { value: valueOf(terms) }))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotSender")
        .withArgs(fx.sender.address, fx.stranger.address);
    });

    it("HT-3: reverts with HashedTimelockInvalidTerms for a zero receiver, amount or hashlock", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      for (const bad of [{ receiver: ethers.ZeroAddress }, { amount: 0n }, { hashlock: ethers.ZeroHash }]) {
        const terms = termsOf(fx, asset, start, bad);
        await expect(lockAt(fx, terms)).to.be.revertedWithCustomError(fx.htlc, "HashedTimelockInvalidTerms");
      }
    });

    it("HT-4: timelock == now and now - 1 are refused, now + 1 is accepted", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      // A refused lock still mines its block (Hardhat), so each attempt has its own time t and timelock t - d.
      for (const [t, timelock] of [
        [start, start],
        [start + 1n, start],
      ]) {
        await atTime(t);
        await expect(lockAt(fx, termsOf(fx, asset, t, { timelock })))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockInvalidTimelock")
          .withArgs(timelock);
      }
      const ok = termsOf(fx, asset, start + 2n, { timelock: start + 3n });
      await lockAt(fx, ok, start + 2n);
      await expectStatus(fx.htlc, ok, HtStatus.Locked);
    });

    it("HT-4: timelock == now + 30 days is accepted, now + 30 days + 1 refused (MAX_TIMELOCK_DURATION)", async function () {
      const fx = await loadFixture(htlcFixture);
      expect(await fx.htlc.MAX_TIMELOCK_DURATION()).to.equal(MAX_TIMELOCK_DURATION);
      const start = await nextTime();
      const far = termsOf(fx, asset, start, { timelock: start + MAX_TIMELOCK_DURATION + 1n });
      await atTime(start);
      await expect(lockAt(fx, far))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockInvalidTimelock")
        .withArgs(start + MAX_TIMELOCK_DURATION + 1n);
      const ok = termsOf(fx, asset, start + 1n, { timelock: start + 1n + MAX_TIMELOCK_DURATION });
      await lockAt(fx, ok, start + 1n);
      await expectStatus(fx.htlc, ok, HtStatus.Locked);
    });

    it("HT-5: without a deposit, a non-zero publicClaimAt or publicRefundAt is refused", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      for (const bad of [{ publicClaimAt: start + 1n }, { publicRefundAt: start + 2n * HOUR }]) {
        await expect(lockAt(fx, termsOf(fx, asset, start, bad))).to.be.revertedWithCustomError(
          fx.htlc,
          "HashedTimelockInvalidTerms",
        );
      }
    });

    it("HT-5: with a deposit, now < publicClaimAt <= timelock <= publicRefundAt, each boundary both ways", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      const timelock = start + HOUR;
      // Each attempt is mined at its own time t (a refused lock mines its block too); publicClaimAt == t is refused.
      const refused: ((t: bigint) => Partial<Lock>)[] = [
        (t) => ({ publicClaimAt: t }), // == now
        () => ({ publicClaimAt: 0n }),
        () => ({ publicClaimAt: timelock + 1n }), // after the timelock
        () => ({ publicRefundAt: timelock - 1n }), // before the timelock
        () => ({ publicRefundAt: 0n }),
      ];
      let t = start;
      for (const bad of refused) {
        await atTime(t);
        await expect(lockAt(fx, depositTermsOf(fx, asset, t, { timelock, ...bad(t) })))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockInvalidTerms")
          .withArgs();
        t += 1n;
      }
      const accepted: ((t: bigint) => Partial<Lock>)[] = [
        (t) => ({ publicClaimAt: t + 1n, publicRefundAt: timelock }), // the tightest window
        () => ({ publicClaimAt: timelock, publicRefundAt: timelock }), // a claim never earns it; every refund does
        (t) => ({ publicClaimAt: t + 1n, publicRefundAt: 2n ** 64n - 1n }), // no upper bound on publicRefundAt
      ];
      for (const good of accepted) {
        const terms = depositTermsOf(fx, asset, t, { timelock, ...good(t) });
        await lockAt(fx, terms, t);
        await expectStatus(fx.htlc, terms, HtStatus.Locked);
        t += 1n;
      }
    });

    it("HT-6: msg.value one wei below or above what the terms need is refused with HashedTimelockValueMismatch", async function () {
      const fx = await loadFixture(htlcFixture);
      for (const deposit of [false, true]) {
        const start = await nextTime();
        const terms = deposit ? depositTermsOf(fx, asset, start) : termsOf(fx, asset, start);
        const expected = valueOf(terms);
        // Each attempt at its own time: a refused lock mines its block too.
        let t = start;
        for (const sent of [expected - 1n, expected + 1n, ...(expected > 0n ? [0n] : [])]) {
          if (sent < 0n) continue;
          await atTime(t++);
          await expect(fx.htlc.connect(fx.sender).lock(terms, { value: sent }))
            .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockValueMismatch")
            .withArgs(sent, expected);
        }
        await lockAt(fx, terms, t);
        await expectStatus(fx.htlc, terms, HtStatus.Locked);
      }
      await expectSolvent(fx.htlc);
    });

    it("HT-7: the amount (and only the deposit in ETH) moves from the sender to the contract", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      const terms = depositTermsOf(fx, asset, start);
      await atTime(start);
      const tx = fx.htlc.connect(fx.sender).lock(terms, { value: valueOf(terms) });
      if (asset === "ETH") {
        await expect(tx).to.changeEtherBalances([fx.sender, fx.htlc], [-(AMOUNT + DEPOSIT), AMOUNT + DEPOSIT]);
      } else {
        await expect(tx).to.changeTokenBalances(fx.token, [fx.sender, fx.htlc], [-AMOUNT, AMOUNT]);
        expect(await ethers.provider.getBalance(fx.htlcAddress)).to.equal(DEPOSIT);
      }
      expect(await fx.token.allowance(fx.sender.address, fx.htlcAddress)).to.equal(
        asset === "ERC20" ? ALLOWANCE - AMOUNT : ALLOWANCE,
      );
    });

    it("HT-8: the same terms again revert with HashedTimelockExists while Locked and after a claim; a refunded id stays Refunded", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      const claimed = termsOf(fx, asset, start);
      const refunded = termsOf(fx, asset, start);
      await lockAt(fx, claimed, start);
      await lockAt(fx, refunded, start + 1n);
      for (const terms of [claimed, refunded]) {
        await expect(lockAt(fx, terms))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockExists")
          .withArgs(lockIdOf(terms));
      }
      await fx.htlc.connect(fx.receiver).claim(claimed, SECRET);
      // Claimed is terminal and kept: the same terms, with their timelock still ahead, are refused.
      await expect(lockAt(fx, claimed))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockExists")
        .withArgs(lockIdOf(claimed));
      await atTime(refunded.timelock);
      await fx.htlc.connect(fx.sender).refund(refunded);
      // A refunded lock's timelock has passed, so its terms fail HT-4 before HT-8; either way the id is never reused.
      await expect(lockAt(fx, refunded)).to.be.revertedWithCustomError(fx.htlc, "HashedTimelockInvalidTimelock");
      await expectStatus(fx.htlc, claimed, HtStatus.Claimed);
      await expectStatus(fx.htlc, refunded, HtStatus.Refunded);
    });

    it("HT-8: the same terms with another salt are a new, independent lock", async function () {
      const fx = await loadFixture(htlcFixture);
      const start = await nextTime();
      const a = termsOf(fx, asset, start);
      const b = { ...a, salt: a.salt + 1n };
      await lockAt(fx, a, start);
      await lockAt(fx, b, start + 1n);
      expect(lockIdOf(a)).to.not.equal(lockIdOf(b));
      await expectStatus(fx.htlc, b, HtStatus.Locked);
      await expectSolvent(fx.htlc);
    });
  });
}

describe("HashedTimelocks: lock, ERC20 specifics (HT-6)", function () {
  it("HT-6: an ERC20 lock sent with the amount as msg.value (ETH's rule) is refused", async function () {
    const fx = await loadFixture(htlcFixture);
    const terms = termsOf(fx, "ERC20", await nextTime());
    await expect(fx.htlc.connect(fx.sender).lock(terms, { value: AMOUNT }))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockValueMismatch")
      .withArgs(AMOUNT, 0n);
  });

  it("HT-6: a token address without code is refused with HashedTimelockTokenNotContract", async function () {
    const fx = await loadFixture(htlcFixture);
    const terms = termsOf(fx, fx.other.address, await nextTime());
    await expect(lockAt(fx, terms))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockTokenNotContract")
      .withArgs(fx.other.address);
  });

  it("HT-6: an ETH amount + deposit that overflows reports the expected value saturated, without a panic", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const terms = depositTermsOf(fx, "ETH", start, { amount: MAX_UINT256 });
    await expect(fx.htlc.connect(fx.sender).lock(terms, { value: DEPOSIT }))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockValueMismatch")
      .withArgs(DEPOSIT, MAX_UINT256);
    // msg.value below the deposit alone: also a mismatch, not an underflow.
    await expect(fx.htlc.connect(fx.sender).lock(terms, { value: 1n }))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockValueMismatch")
      .withArgs(1n, MAX_UINT256);
  });

  it("HT-6: the checks run in the spec's order (sender, terms, timelock, deposit times, value, token code)", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    // Everything wrong at once: the first check of §4 names the error.
    const all = termsOf(fx, fx.other.address, start, {
      receiver: ethers.ZeroAddress,
      timelock: 1n,
      publicClaimAt: 1n,
    });
    await expect(fx.htlc.connect(fx.stranger).lock(all, { value: 1n })).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockNotSender",
    );
    await expect(fx.htlc.connect(fx.sender).lock(all, { value: 1n })).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockInvalidTerms",
    );
    const timelockBad = { ...all, receiver: fx.receiver.address };
    await expect(fx.htlc.connect(fx.sender).lock(timelockBad, { value: 1n })).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockInvalidTimelock",
    );
    const depositBad = { ...timelockBad, timelock: start + HOUR };
    await expect(fx.htlc.connect(fx.sender).lock(depositBad, { value: 1n })).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockInvalidTerms",
    );
    const valueBad = { ...depositBad, publicClaimAt: 0n };
    await expect(fx.htlc.connect(fx.sender).lock(valueBad, { value: 1n })).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockValueMismatch",
    );
    await expect(fx.htlc.connect(fx.sender).lock(valueBad)).to.be.revertedWithCustomError(
      fx.htlc,
      "HashedTimelockTokenNotContract",
    );
  });
});
