// docs/atomic-swaps.md §4: what arrives at a lock is exactly the amount (HT-7: fee-on-transfer refused, tokens that
// return nothing work, tokens returning false refused), payouts cannot be blocked (HT-14: a reverting, gas-burning or
// blocklisted payee is credited and withdraws), nothing pays twice under reentrancy (HT-20), and the permit path
// (HT-19).
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature } from "ethers";
import type {
  BlocklistToken,
  FalseReturnToken,
  FalseTransferFromToken,
  FeeOnTransferToken,
  LeanReentrantReceiver,
  MockAccount,
  NoReturnToken,
  ReentrantToken,
} from "../../typechain-types";
import { underCoverage } from "../helpers/coverage";
import { ETH, atTime } from "../helpers/escrow";
import {
  ALLOWANCE,
  AMOUNT,
  DEPOSIT,
  HtStatus,
  SECRET,
  expectSolvent,
  expectStatus,
  htlcFixture,
  lockAt,
  lockIdOf,
  lockedFixture,
  nextTime,
  termsOf,
  type HtlcFixture,
} from "../helpers/hashed-timelocks";

const MINTED = 10n ** 24n;

/** Deploys the test token `name`, mints to the sender, receiver and stranger, and gives the contract a finite allowance. */
async function tokenFor<T>(
  fx: HtlcFixture,
  name: string,
  args: unknown[] = [],
): Promise<T & { getAddress(): Promise<string> }> {
  const token = await ethers.deployContract(name, args);
  const address = await token.getAddress();
  for (const s of [fx.sender, fx.receiver, fx.stranger]) {
    const asHolder = await ethers.getContractAt(name, address, s);
    await asHolder.getFunction("mint")(s.address, MINTED);
    await asHolder.getFunction("approve")(fx.htlcAddress, ALLOWANCE);
  }
  return token as unknown as T & { getAddress(): Promise<string> };
}

describe("HashedTimelocks: tokens (HT-7)", function () {
  it("HT-7: a fee-on-transfer token is refused with HashedTimelockTransferMismatch, and nothing is kept", async function () {
    const fx = await loadFixture(htlcFixture);
    const fot = await tokenFor<FeeOnTransferToken>(fx, "FeeOnTransferToken", [100n]);
    const address = await fot.getAddress();
    const terms = termsOf(fx, address, await nextTime());
    const before = await fot.balanceOf(fx.sender.address);
    await expect(lockAt(fx, terms))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockTransferMismatch")
      .withArgs(AMOUNT, AMOUNT - (AMOUNT * 100n) / 10_000n);
    expect(await fot.balanceOf(fx.sender.address)).to.equal(before);
    expect(await fot.balanceOf(fx.htlcAddress)).to.equal(0n);
    expect(await fot.allowance(fx.sender.address, fx.htlcAddress)).to.equal(ALLOWANCE);
    await expectStatus(fx.htlc, terms, HtStatus.None);
    // The same token with its fee at 0 locks: the balance delta, not the token, is what is checked.
    await fot.setFeeBps(0n);
    await lockAt(fx, terms);
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
    await expectSolvent(fx.htlc);
  });

  it("HT-7: a token that returns nothing (no bool) locks, claims and refunds", async function () {
    const fx = await loadFixture(htlcFixture);
    const nrt = await tokenFor<NoReturnToken>(fx, "NoReturnToken");
    const address = await nrt.getAddress();
    const { terms: claimed } = await lockedFixture(fx, address);
    const { terms: refunded } = await lockedFixture(fx, address);
    expect(await nrt.balanceOf(fx.htlcAddress)).to.equal(2n * AMOUNT);
    await fx.htlc.connect(fx.receiver).claim(claimed, SECRET);
    expect(await nrt.balanceOf(fx.receiver.address)).to.equal(MINTED + AMOUNT);
    await atTime(refunded.timelock);
    await fx.htlc.connect(fx.stranger).refund(refunded);
    expect(await nrt.balanceOf(fx.sender.address)).to.equal(MINTED - AMOUNT); // one lock claimed, one refunded
    expect(await nrt.balanceOf(fx.htlcAddress)).to.equal(0n);
  });

  it("HT-7: a token whose transferFrom returns false is refused (SafeERC20FailedOperation); nothing is locked", async function () {
    const fx = await loadFixture(htlcFixture);
    const ftf = await tokenFor<FalseTransferFromToken>(fx, "FalseTransferFromToken");
    await ftf.setFailTransferFrom(true);
    const terms = termsOf(fx, await ftf.getAddress(), await nextTime());
    await expect(lockAt(fx, terms))
      .to.be.revertedWithCustomError(fx.htlc, "SafeERC20FailedOperation")
      .withArgs(await ftf.getAddress());
    await expectStatus(fx.htlc, terms, HtStatus.None);
  });

  it("HT-7, HT-14: a token whose transfer returns false at the claim: the receiver is credited and withdraws later", async function () {
    const fx = await loadFixture(htlcFixture);
    const frt = await tokenFor<FalseReturnToken>(fx, "FalseReturnToken");
    const address = await frt.getAddress();
    const { terms, id } = await lockedFixture(fx, address);
    await frt.setFailTransfers(true);
    await expect(fx.htlc.connect(fx.receiver).claim(terms, SECRET))
      .to.emit(fx.htlc, "PaymentCredited")
      .withArgs(fx.receiver.address, address, AMOUNT);
    expect(await fx.htlc.statusOf(id)).to.equal(HtStatus.Claimed);
    expect(await fx.htlc.creditOf(address, fx.receiver.address)).to.equal(AMOUNT);
    await expectSolvent(fx.htlc);
    await frt.setFailTransfers(false);
    await expect(fx.htlc.connect(fx.receiver).withdraw(address, fx.other.address)).to.changeTokenBalances(
      frt,
      [fx.other, fx.htlc],
      [AMOUNT, -AMOUNT],
    );
    expect(await fx.htlc.creditOf(address, fx.receiver.address)).to.equal(0n);
  });
});

describe("HashedTimelocks: payouts cannot be blocked (HT-14)", function () {
  async function accountFixture() {
    const fx = await htlcFixture();
    const account = (await ethers.deployContract("MockAccount", [fx.other.address])) as unknown as MockAccount;
    return { ...fx, account, accountAddress: await account.getAddress() };
  }

  it("HT-14: a receiver that reverts on ETH: the claim succeeds, the amount is credited, and it withdraws elsewhere", async function () {
    const fx = await loadFixture(accountFixture);
    await fx.account.setRejectEth(true);
    const { terms, id } = await lockedFixture(fx, "ETH", { receiver: fx.accountAddress });
    const tx = fx.htlc.connect(fx.stranger).claim(terms, SECRET);
    await expect(tx).to.emit(fx.htlc, "PaymentCredited").withArgs(fx.accountAddress, ETH, AMOUNT);
    await expect(tx).to.changeEtherBalances([fx.account, fx.htlc], [0n, 0n]);
    expect(await fx.htlc.statusOf(id)).to.equal(HtStatus.Claimed);
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(AMOUNT);
    await expectSolvent(fx.htlc);
    const data = fx.htlc.interface.encodeFunctionData("withdraw", [ETH, fx.deployer.address]);
    await expect(fx.account.connect(fx.other).execute(fx.htlcAddress, 0n, data)).to.changeEtherBalances(
      [fx.deployer, fx.htlc],
      [AMOUNT, -AMOUNT],
    );
    await expectSolvent(fx.htlc);
  });

  it("HT-14: a credit withdrawn to the zero address reverts with PullPaymentsInvalidRecipient; the credit stays", async function () {
    const fx = await loadFixture(accountFixture);
    await fx.account.setRejectEth(true);
    const { terms } = await lockedFixture(fx, "ETH", { receiver: fx.accountAddress });
    await fx.htlc.connect(fx.stranger).claim(terms, SECRET);
    const data = fx.htlc.interface.encodeFunctionData("withdraw", [ETH, ethers.ZeroAddress]);
    await expect(fx.account.connect(fx.other).execute(fx.htlcAddress, 0n, data)).to.be.revertedWithCustomError(
      fx.htlc,
      "PullPaymentsInvalidRecipient",
    );
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(AMOUNT);
    await expectSolvent(fx.htlc);
  });

  it("HT-14: a credit withdrawn to the contract itself reverts with PullPaymentsInvalidRecipient; the credit stays", async function () {
    const fx = await loadFixture(accountFixture);
    await fx.account.setRejectEth(true);
    const { terms } = await lockedFixture(fx, "ETH", { receiver: fx.accountAddress });
    await fx.htlc.connect(fx.stranger).claim(terms, SECRET);
    const data = fx.htlc.interface.encodeFunctionData("withdraw", [ETH, fx.htlcAddress]);
    await expect(fx.account.connect(fx.other).execute(fx.htlcAddress, 0n, data)).to.be.revertedWithCustomError(
      fx.htlc,
      "PullPaymentsInvalidRecipient",
    );
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(AMOUNT);
    await expectSolvent(fx.htlc);
  });

  it("HT-14: a receiver that burns all forwarded gas is credited; the claim costs the caller a bounded amount", async function () {
    const fx = await loadFixture(accountFixture);
    await fx.account.setBurnGas(true);
    const { terms } = await lockedFixture(fx, "ETH", { receiver: fx.accountAddress });
    const tx = await fx.htlc.connect(fx.stranger).claim(terms, SECRET);
    const receipt = await tx.wait();
    // The push forwards ETH_PUSH_GAS (50,000) and no more; instrumented or unoptimized builds spend other gas.
    if (!underCoverage()) expect(receipt!.gasUsed).to.be.lessThan(120_000n);
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(AMOUNT);
  });

  it("HT-14: a sender that reverts on ETH is credited its refund and its deposit (the refund cannot be blocked)", async function () {
    const fx = await loadFixture(accountFixture);
    const start = await nextTime();
    const terms = termsOf(fx, "ETH", start, {
      sender: fx.accountAddress,
      safetyDeposit: DEPOSIT,
      publicClaimAt: start + 60n,
      publicRefundAt: start + 7_200n,
    });
    await atTime(start);
    const lockData = fx.htlc.interface.encodeFunctionData("lock", [terms]);
    await fx.account.connect(fx.other).execute(fx.htlcAddress, AMOUNT + DEPOSIT, lockData, { value: AMOUNT + DEPOSIT });
    await fx.account.setRejectEth(true);
    await atTime(terms.timelock);
    await expect(fx.htlc.connect(fx.stranger).refund(terms))
      .to.emit(fx.htlc, "PaymentCredited")
      .withArgs(fx.accountAddress, ETH, AMOUNT);
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(AMOUNT + DEPOSIT);
    await expectSolvent(fx.htlc);
  });

  it("HT-14: a receiver the token blocklists is credited; the credit withdraws to another address", async function () {
    const fx = await loadFixture(htlcFixture);
    const blk = await tokenFor<BlocklistToken>(fx, "BlocklistToken");
    const address = await blk.getAddress();
    const { terms } = await lockedFixture(fx, address);
    await blk.setBlocked(fx.receiver.address, true);
    await expect(fx.htlc.connect(fx.stranger).claim(terms, SECRET))
      .to.emit(fx.htlc, "PaymentCredited")
      .withArgs(fx.receiver.address, address, AMOUNT);
    await expect(fx.htlc.connect(fx.receiver).withdraw(address, fx.other.address)).to.changeTokenBalances(
      blk,
      [fx.other],
      [AMOUNT],
    );
    await expect(fx.htlc.connect(fx.receiver).withdraw(address, fx.other.address))
      .to.be.revertedWithCustomError(fx.htlc, "PullPaymentsNothingToWithdraw")
      .withArgs(fx.receiver.address, address);
  });

  it("HT-14: a watcher that rejects ETH is credited the deposit it earned; the receiver is paid at once", async function () {
    const fx = await loadFixture(accountFixture);
    await fx.account.setRejectEth(true);
    const { terms } = await lockedFixture(fx, "ETH", {}, true);
    await atTime(terms.publicClaimAt);
    const claimData = fx.htlc.interface.encodeFunctionData("claim", [terms, SECRET]);
    const tx = fx.account.connect(fx.other).execute(fx.htlcAddress, 0n, claimData);
    await expect(tx).to.changeEtherBalances([fx.receiver, fx.sender], [AMOUNT, 0n]);
    expect(await fx.htlc.creditOf(ETH, fx.accountAddress)).to.equal(DEPOSIT);
    await expectSolvent(fx.htlc);
  });
});

describe("HashedTimelocks: reentrancy (HT-20)", function () {
  it("HT-20: a receiver re-entering claim of the same lock during its ETH push gets HashedTimelockNotLocked; paid once", async function () {
    const fx = await loadFixture(htlcFixture);
    const receiver = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
    const receiverAddress = await receiver.getAddress();
    const { terms, id } = await lockedFixture(fx, "ETH", { receiver: receiverAddress });
    await lockedFixture(fx, "ETH"); // other funds the contract holds, which a second payout would take
    await receiver.arm(fx.htlcAddress, fx.htlc.interface.encodeFunctionData("claim", [terms, SECRET]));
    const tx = fx.htlc.connect(fx.stranger).claim(terms, SECRET);
    const notLocked = fx.htlc.interface.encodeErrorResult("HashedTimelockNotLocked", [id, HtStatus.Claimed]);
    await expect(tx).to.emit(receiver, "Reentered").withArgs(false, notLocked);
    await expect(tx).to.changeEtherBalances([receiver, fx.htlc], [AMOUNT, -AMOUNT]);
    expect(await fx.htlc.creditOf(ETH, receiverAddress)).to.equal(0n);
    await expectSolvent(fx.htlc);
  });

  it("HT-20: a sender re-entering refund of the same lock during its refund push gets HashedTimelockNotLocked", async function () {
    const fx = await loadFixture(htlcFixture);
    const sender = (await ethers.deployContract("LeanReentrantReceiver")) as unknown as LeanReentrantReceiver;
    const senderAddress = await sender.getAddress();
    const start = await nextTime();
    const terms = termsOf(fx, "ETH", start, { sender: senderAddress });
    await atTime(start);
    await sender.execute(fx.htlcAddress, AMOUNT, fx.htlc.interface.encodeFunctionData("lock", [terms]), {
      value: AMOUNT,
    });
    await lockedFixture(fx, "ETH");
    await sender.arm(fx.htlcAddress, fx.htlc.interface.encodeFunctionData("refund", [terms]));
    await atTime(terms.timelock);
    const tx = fx.htlc.connect(fx.stranger).refund(terms);
    const notLocked = fx.htlc.interface.encodeErrorResult("HashedTimelockNotLocked", [
      lockIdOf(terms),
      HtStatus.Refunded,
    ]);
    await expect(tx).to.emit(sender, "Reentered").withArgs(false, notLocked);
    await expect(tx).to.changeEtherBalances([sender, fx.htlc], [AMOUNT, -AMOUNT]);
    await expectSolvent(fx.htlc);
  });

  it("HT-20, HT-7: a token re-entering claim of the lock being made, from transferFrom: the lock reverts, nothing moves", async function () {
    const fx = await loadFixture(htlcFixture);
    const rnt = await tokenFor<ReentrantToken>(fx, "ReentrantToken");
    const address = await rnt.getAddress();
    // The contract already holds this token for another lock: the re-entrant claim could pay out of it.
    await lockedFixture(fx, address);
    const start = await nextTime();
    const terms = termsOf(fx, address, start);
    await rnt.arm(fx.htlcAddress, fx.htlc.interface.encodeFunctionData("claim", [terms, SECRET]), true);
    const receiverBefore = await rnt.balanceOf(fx.receiver.address);
    await atTime(start);
    await expect(lockAt(fx, terms))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockTransferMismatch")
      .withArgs(AMOUNT, 0n);
    expect(await rnt.balanceOf(fx.receiver.address)).to.equal(receiverBefore);
    expect(await rnt.balanceOf(fx.htlcAddress)).to.equal(AMOUNT);
    await expectStatus(fx.htlc, terms, HtStatus.None);
    await expectSolvent(fx.htlc);
  });

  it("HT-20: a token re-entering withdraw from transferFrom finds it closed (the guard); the lock itself succeeds", async function () {
    const fx = await loadFixture(htlcFixture);
    const rnt = await tokenFor<ReentrantToken>(fx, "ReentrantToken");
    const address = await rnt.getAddress();
    await rnt.arm(fx.htlcAddress, fx.htlc.interface.encodeFunctionData("withdraw", [ETH, fx.stranger.address]), true);
    const { terms } = await lockedFixture(fx, address);
    expect(await rnt.attempted()).to.equal(true);
    expect(await rnt.reentrySucceeded()).to.equal(false);
    expect(await rnt.reentryReturn()).to.equal(fx.htlc.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []));
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
  });

  it("HT-20: a token re-entering claim of the same lock from its payout transfer gets HashedTimelockNotLocked; paid once", async function () {
    const fx = await loadFixture(htlcFixture);
    const rnt = await tokenFor<ReentrantToken>(fx, "ReentrantToken");
    const address = await rnt.getAddress();
    const { terms, id } = await lockedFixture(fx, address);
    await lockedFixture(fx, address);
    await rnt.arm(fx.htlcAddress, fx.htlc.interface.encodeFunctionData("claim", [terms, SECRET]), false);
    await expect(fx.htlc.connect(fx.stranger).claim(terms, SECRET)).to.changeTokenBalances(
      rnt,
      [fx.receiver, fx.htlc],
      [AMOUNT, -AMOUNT],
    );
    expect(await rnt.reentrySucceeded()).to.equal(false);
    expect(await rnt.reentryReturn()).to.equal(
      fx.htlc.interface.encodeErrorResult("HashedTimelockNotLocked", [id, HtStatus.Claimed]),
    );
    await expectSolvent(fx.htlc);
  });
});

describe("HashedTimelocks: lockWithPermit (HT-19)", function () {
  async function permitFor(fx: HtlcFixture, value: bigint, deadline: bigint) {
    const { chainId } = await ethers.provider.getNetwork();
    const nonce = await fx.token.nonces(fx.sender.address);
    const signature = await fx.sender.signTypedData(
      { name: "Mock Token", version: "1", chainId, verifyingContract: fx.tokenAddress },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      { owner: fx.sender.address, spender: fx.htlcAddress, value, nonce, deadline },
    );
    return Signature.from(signature);
  }

  it("HT-19: with no allowance, a valid permit sets it and the lock pulls the amount", async function () {
    const fx = await loadFixture(htlcFixture);
    await fx.token.connect(fx.sender).approve(fx.htlcAddress, 0n);
    const start = await nextTime();
    const terms = termsOf(fx, "ERC20", start);
    const sig = await permitFor(fx, AMOUNT, start + 3_600n);
    await atTime(start);
    await expect(
      fx.htlc.connect(fx.sender).lockWithPermit(terms, start + 3_600n, sig.v, sig.r, sig.s),
    ).to.changeTokenBalances(fx.token, [fx.sender, fx.htlc], [-AMOUNT, AMOUNT]);
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
  });

  it("HT-19: a permit front-run (already used) is ignored and the lock proceeds on the allowance it set", async function () {
    const fx = await loadFixture(htlcFixture);
    await fx.token.connect(fx.sender).approve(fx.htlcAddress, 0n);
    const start = await nextTime();
    const terms = termsOf(fx, "ERC20", start);
    const sig = await permitFor(fx, AMOUNT, start + 3_600n);
    await fx.token
      .connect(fx.stranger)
      .permit(fx.sender.address, fx.htlcAddress, AMOUNT, start + 3_600n, sig.v, sig.r, sig.s);
    await fx.htlc.connect(fx.sender).lockWithPermit(terms, start + 3_600n, sig.v, sig.r, sig.s);
    await expectStatus(fx.htlc, terms, HtStatus.Locked);
  });

  it("HT-19: an invalid permit without allowance fails in the transfer, cleanly (ERC20InsufficientAllowance)", async function () {
    const fx = await loadFixture(htlcFixture);
    await fx.token.connect(fx.sender).approve(fx.htlcAddress, 0n);
    const terms = termsOf(fx, "ERC20", await nextTime());
    await expect(
      fx.htlc.connect(fx.sender).lockWithPermit(terms, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
    ).to.be.revertedWithCustomError(fx.token, "ERC20InsufficientAllowance");
  });

  it("HT-19: ETH terms or a token without code revert with HashedTimelockTokenNotContract before anything else", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    for (const token of [ETH, fx.other.address]) {
      const terms = termsOf(fx, token, start);
      await expect(
        fx.htlc.connect(fx.stranger).lockWithPermit(terms, 0n, 27, ethers.ZeroHash, ethers.ZeroHash, { value: 1n }),
      )
        .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockTokenNotContract")
        .withArgs(token);
    }
  });

  it("HT-19: lockWithPermit applies every rule of lock (a deposit needs its msg.value; a stranger is refused)", async function () {
    const fx = await loadFixture(htlcFixture);
    const start = await nextTime();
    const terms = termsOf(fx, "ERC20", start);
    await atTime(start);
    await expect(
      fx.htlc.connect(fx.stranger).lockWithPermit(terms, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
    ).to.be.revertedWithCustomError(fx.htlc, "HashedTimelockNotSender");
    const withDeposit = {
      ...terms,
      safetyDeposit: DEPOSIT,
      publicClaimAt: start + 60n,
      publicRefundAt: terms.timelock,
    };
    await atTime(start + 1n);
    await expect(fx.htlc.connect(fx.sender).lockWithPermit(withDeposit, 0n, 27, ethers.ZeroHash, ethers.ZeroHash))
      .to.be.revertedWithCustomError(fx.htlc, "HashedTimelockValueMismatch")
      .withArgs(0n, DEPOSIT);
    await atTime(start + 2n);
    await fx.htlc
      .connect(fx.sender)
      .lockWithPermit(withDeposit, 0n, 27, ethers.ZeroHash, ethers.ZeroHash, { value: DEPOSIT });
    await expectStatus(fx.htlc, withDeposit, HtStatus.Locked);
    await expectSolvent(fx.htlc);
  });
});
