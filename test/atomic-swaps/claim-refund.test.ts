// docs/atomic-swaps.md §3 and §4: claim (HT-9, HT-10) and refund (HT-11, HT-12) at every boundary of the timelock
// and of the public-completion times, the state machine (HT-13) and the events (HT-15), for ETH and an ERC20 alike.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { concat, sha256 } from "ethers";
import { ETH, atTime, expectBalanceChanges } from "../helpers/escrow";
import {
  AMOUNT,
  DEPOSIT,
  HASHLOCK,
  HtStatus,
  SECRET,
  expectSolvent,
  expectStatus,
  hashlockOf,
  htlcFixture,
  lockIdOf,
  lockedFixture,
  nextTime,
  secretOf,
  type Asset,
  type HtlcFixture,
} from "../helpers/hashed-timelocks";

const tokenOf = (fx: HtlcFixture, asset: Asset) => (asset === "ETH" ? ETH : fx.tokenAddress);

for (const asset of ["ETH", "ERC20"] as Asset[]) {
  describe(`HashedTimelocks: claim (${asset})`, function () {
    it("HT-9: a claim at timelock - 1 pays the receiver the amount and emits the secret", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await atTime(terms.timelock - 1n);
      const tx = fx.htlc.connect(fx.receiver).claim(terms, SECRET);
      await expect(tx).to.emit(fx.htlc, "Claimed").withArgs(id, HASHLOCK, SECRET, fx.receiver.address);
      await expectBalanceChanges(tx, tokenOf(fx, asset), [fx.receiver, fx.htlc, fx.sender], [AMOUNT, -AMOUNT, 0n]);
      await expectStatus(fx.htlc, terms, HtStatus.Claimed);
      await expectSolvent(fx.htlc);
    });

    it("HT-9: a claim at the timelock and at timelock + 1 reverts with HashedTimelockExpired", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      for (const t of [terms.timelock, terms.timelock + 1n]) {
        await atTime(t);
        await expect(fx.htlc.connect(fx.receiver).claim(terms, SECRET))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockExpired")
          .withArgs(id, terms.timelock);
      }
      await expectStatus(fx.htlc, terms, HtStatus.Locked);
    });

    it("HT-9: anyone may claim (a stranger); the amount still goes to the receiver, nothing to the caller", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      const tx = fx.htlc.connect(fx.stranger).claim(terms, SECRET);
      await expect(tx).to.emit(fx.htlc, "Claimed").withArgs(id, HASHLOCK, SECRET, fx.stranger.address);
      await expectBalanceChanges(tx, tokenOf(fx, asset), [fx.receiver, fx.stranger], [AMOUNT, 0n]);
    });

    it("HT-9: a wrong secret reverts with HashedTimelockWrongSecret (another secret, the hashlock itself, a keccak preimage)", async function () {
      const fx = await loadFixture(htlcFixture);
      const secret = secretOf("keccak");
      // A lock whose hashlock was built with keccak256 by mistake: the real preimage does not open it.
      const { terms: keccakLocked } = await lockedFixture(fx, asset, { hashlock: ethers.keccak256(secret) });
      await expect(fx.htlc.connect(fx.receiver).claim(keccakLocked, secret))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockWrongSecret")
        .withArgs(lockIdOf(keccakLocked));
      const { terms, id } = await lockedFixture(fx, asset);
      for (const wrong of [secretOf("other"), HASHLOCK, ethers.ZeroHash, sha256(HASHLOCK)]) {
        await expect(fx.htlc.connect(fx.receiver).claim(terms, wrong))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockWrongSecret")
          .withArgs(id);
      }
      await expectStatus(fx.htlc, terms, HtStatus.Locked);
    });

    it("HT-9: the secret is exactly 32 bytes by type: a 33- or 31-byte preimage's hash can never be claimed, truncated calldata reverts in the decoder", async function () {
      const fx = await loadFixture(htlcFixture);
      // The hashlock of a 33-byte preimage (the 32-byte secret with one more byte): no bytes32 hashes to it.
      const long = concat([SECRET, "0x01"]);
      const { terms } = await lockedFixture(fx, asset, { hashlock: sha256(long) });
      await expect(fx.htlc.connect(fx.receiver).claim(terms, SECRET)).to.be.revertedWithCustomError(
        fx.htlc,
        "HashedTimelockWrongSecret",
      );
      // A 31-byte preimage: the ABI left-aligns and zero-pads a short value, which is another 32-byte secret.
      const short = SECRET.slice(0, 2 + 62);
      const { terms: shortTerms } = await lockedFixture(fx, asset, { hashlock: sha256(short) });
      await expect(fx.htlc.connect(fx.receiver).claim(shortTerms, short + "00")).to.be.revertedWithCustomError(
        fx.htlc,
        "HashedTimelockWrongSecret",
      );
      // Calldata one byte short of the secret word: refused before the contract runs.
      const { terms: ok } = await lockedFixture(fx, asset);
      const data = fx.htlc.interface.encodeFunctionData("claim", [ok, SECRET]);
      await expect(fx.receiver.sendTransaction({ to: fx.htlcAddress, data: data.slice(0, -2) })).to.be.reverted;
      await expectStatus(fx.htlc, ok, HtStatus.Locked);
      // sha256 of exactly the 32 secret bytes is what opens it (the helper's hashlock, computed independently).
      expect(hashlockOf(SECRET)).to.equal(sha256(ethers.getBytes(SECRET)));
      await fx.htlc.connect(fx.receiver).claim(ok, SECRET);
      await expectStatus(fx.htlc, ok, HtStatus.Claimed);
    });

    it("HT-9: claiming terms that were never locked, or altered terms of a real lock, reverts with HashedTimelockNotLocked(None)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms } = await lockedFixture(fx, asset);
      for (const altered of [
        { ...terms, amount: terms.amount + 1n },
        { ...terms, receiver: fx.stranger.address },
        { ...terms, timelock: terms.timelock + 1000n },
      ]) {
        await expect(fx.htlc.connect(fx.stranger).claim(altered, SECRET))
          .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
          .withArgs(lockIdOf(altered), HtStatus.None);
      }
    });
  });

  describe(`HashedTimelocks: refund (${asset})`, function () {
    it("HT-11: a refund at timelock - 1 reverts with HashedTimelockNotExpired; at the timelock it pays the sender", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await atTime(terms.timelock - 1n);
      await expect(fx.htlc.connect(fx.sender).refund(terms))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotExpired")
        .withArgs(id, terms.timelock);
      await atTime(terms.timelock);
      const tx = fx.htlc.connect(fx.sender).refund(terms);
      await expect(tx).to.emit(fx.htlc, "Refunded").withArgs(id, fx.sender.address);
      await expectBalanceChanges(tx, tokenOf(fx, asset), [fx.sender, fx.htlc, fx.receiver], [AMOUNT, -AMOUNT, 0n]);
      await expectStatus(fx.htlc, terms, HtStatus.Refunded);
      await expectSolvent(fx.htlc);
    });

    it("HT-11: a refund at timelock + 1 by a stranger pays the sender, nothing to the caller", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await atTime(terms.timelock + 1n);
      const tx = fx.htlc.connect(fx.stranger).refund(terms);
      await expect(tx).to.emit(fx.htlc, "Refunded").withArgs(id, fx.stranger.address);
      await expectBalanceChanges(tx, tokenOf(fx, asset), [fx.sender, fx.stranger], [AMOUNT, 0n]);
    });
  });

  describe(`HashedTimelocks: one terminal state (HT-13, ${asset})`, function () {
    it("HT-13: a second claim reverts with HashedTimelockNotLocked(Claimed), and pays nothing", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await fx.htlc.connect(fx.receiver).claim(terms, SECRET);
      await expect(fx.htlc.connect(fx.stranger).claim(terms, SECRET))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
        .withArgs(id, HtStatus.Claimed);
      await expectSolvent(fx.htlc);
    });

    it("HT-13: a refund after a claim (past the timelock) reverts with HashedTimelockNotLocked(Claimed)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await atTime(terms.timelock - 1n);
      await fx.htlc.connect(fx.receiver).claim(terms, SECRET);
      await atTime(terms.timelock);
      await expect(fx.htlc.connect(fx.sender).refund(terms))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
        .withArgs(id, HtStatus.Claimed);
      await expectStatus(fx.htlc, terms, HtStatus.Claimed);
    });

    it("HT-13: a claim or a second refund after a refund reverts with HashedTimelockNotLocked(Refunded)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms, id } = await lockedFixture(fx, asset);
      await atTime(terms.timelock);
      await fx.htlc.connect(fx.sender).refund(terms);
      await expect(fx.htlc.connect(fx.receiver).claim(terms, SECRET))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
        .withArgs(id, HtStatus.Refunded);
      await expect(fx.htlc.connect(fx.sender).refund(terms))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
        .withArgs(id, HtStatus.Refunded);
      await expectSolvent(fx.htlc);
    });

    it("HT-13: refunding terms never locked reverts with HashedTimelockNotLocked(None)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms } = await lockedFixture(fx, asset);
      const never = { ...terms, salt: terms.salt + 99n };
      await atTime(terms.timelock);
      await expect(fx.htlc.refund(never))
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotLocked")
        .withArgs(lockIdOf(never), HtStatus.None);
    });
  });

  describe(`HashedTimelocks: the safety deposit (HT-10, HT-12, ${asset})`, function () {
    for (const [label, offset, toCaller] of [
      ["publicClaimAt - 1: back to the sender", -1n, false],
      ["publicClaimAt: to the caller", 0n, true],
      ["publicClaimAt + 1: to the caller", 1n, true],
    ] as const) {
      it(`HT-10: a claim at ${label}; the amount to the receiver`, async function () {
        const fx = await loadFixture(htlcFixture);
        const { terms } = await lockedFixture(fx, asset, {}, true);
        await atTime(terms.publicClaimAt + offset);
        const tx = fx.htlc.connect(fx.watcher).claim(terms, SECRET);
        const toWatcher = toCaller ? DEPOSIT : 0n;
        await expect(tx).to.changeEtherBalances(
          [fx.watcher, fx.sender, fx.htlc, fx.receiver],
          [
            toWatcher,
            DEPOSIT - toWatcher,
            asset === "ETH" ? -(AMOUNT + DEPOSIT) : -DEPOSIT,
            asset === "ETH" ? AMOUNT : 0n,
          ],
        );
        if (asset === "ERC20") {
          await expect(tx).to.changeTokenBalances(fx.token, [fx.receiver, fx.htlc, fx.watcher], [AMOUNT, -AMOUNT, 0n]);
        }
        await expectSolvent(fx.htlc);
      });
    }

    it("HT-10, HT-12: a deposit of 1 wei is paid like any other (to the sender before the public time, to the caller from it)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms: claimed } = await lockedFixture(fx, asset, { safetyDeposit: 1n }, true);
      const { terms: refunded } = await lockedFixture(fx, asset, { safetyDeposit: 1n }, true);
      await expect(fx.htlc.connect(fx.watcher).claim(claimed, SECRET)).to.changeEtherBalances(
        [fx.watcher, fx.sender],
        [0n, 1n],
      );
      await atTime(refunded.publicRefundAt);
      await expect(fx.htlc.connect(fx.watcher).refund(refunded)).to.changeEtherBalances(
        [fx.watcher, fx.sender],
        [1n, asset === "ETH" ? AMOUNT : 0n],
      );
      await expectSolvent(fx.htlc);
    });

    it("HT-10: the receiver claiming after publicClaimAt earns the deposit itself (it is the caller)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms } = await lockedFixture(fx, asset, {}, true);
      await atTime(terms.publicClaimAt);
      const tx = fx.htlc.connect(fx.receiver).claim(terms, SECRET);
      await expect(tx).to.changeEtherBalances(
        [fx.receiver, fx.sender],
        [DEPOSIT + (asset === "ETH" ? AMOUNT : 0n), 0n],
      );
    });

    it("HT-10: publicClaimAt == timelock: no claim ever earns the deposit (timelock - 1 pays it to the sender)", async function () {
      const fx = await loadFixture(htlcFixture);
      const timelock = (await nextTime()) + 3_600n;
      const { terms } = await lockedFixture(
        fx,
        asset,
        { publicClaimAt: timelock, timelock, publicRefundAt: timelock },
        true,
      );
      await atTime(timelock - 1n);
      await expect(fx.htlc.connect(fx.watcher).claim(terms, SECRET)).to.changeEtherBalances(
        [fx.watcher, fx.sender],
        [0n, DEPOSIT],
      );
    });

    for (const [label, offset, toCaller] of [
      ["publicRefundAt - 1: back to the sender", -1n, false],
      ["publicRefundAt: to the caller", 0n, true],
      ["publicRefundAt + 1: to the caller", 1n, true],
    ] as const) {
      it(`HT-12: a refund at ${label}; the amount to the sender`, async function () {
        const fx = await loadFixture(htlcFixture);
        const { terms } = await lockedFixture(fx, asset, {}, true);
        await atTime(terms.publicRefundAt + offset);
        const tx = fx.htlc.connect(fx.watcher).refund(terms);
        const toWatcher = toCaller ? DEPOSIT : 0n;
        await expect(tx).to.changeEtherBalances(
          [fx.watcher, fx.sender, fx.htlc],
          [
            toWatcher,
            DEPOSIT - toWatcher + (asset === "ETH" ? AMOUNT : 0n),
            asset === "ETH" ? -(AMOUNT + DEPOSIT) : -DEPOSIT,
          ],
        );
        await expectSolvent(fx.htlc);
      });
    }

    it("HT-12: the sender refunding after publicRefundAt earns its deposit back as the caller", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms } = await lockedFixture(fx, asset, {}, true);
      await atTime(terms.publicRefundAt);
      await expect(fx.htlc.connect(fx.sender).refund(terms)).to.changeEtherBalances(
        [fx.sender, fx.watcher],
        [DEPOSIT + (asset === "ETH" ? AMOUNT : 0n), 0n],
      );
    });

    it("HT-10, HT-12: without a deposit no ETH moves beyond the amount (a public-time caller gets nothing)", async function () {
      const fx = await loadFixture(htlcFixture);
      const { terms } = await lockedFixture(fx, asset);
      await atTime(terms.timelock + 10_000n);
      await expect(fx.htlc.connect(fx.watcher).refund(terms)).to.changeEtherBalances(
        [fx.watcher, fx.sender],
        [0n, asset === "ETH" ? AMOUNT : 0n],
      );
    });
  });
}
