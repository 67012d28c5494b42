// docs/payment-channels.md §9 solvency, checked after every step of whole scenarios: for each asset the contract
// holds exactly what it owes (rebuilt from its events: open and closed channels' deposits − withdrawals, settled
// channels' held amounts, credits) plus what was donated to it; donated tokens and force-sent ETH are never paid out.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { atTime, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  DEPOSIT1,
  DEPOSIT2,
  closeChannel,
  depositFor,
  directionOf,
  expectSolvent,
  lockOf,
  locksRootOf,
  proofOf,
  secretOf,
  signProof,
  signWithdraw,
  withDirection,
} from "../helpers/payment-channels";

const DONATION = 777_777n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  describe(`§9 solvency with donations in ${name}`, function () {
    it("holds what it owes plus the donation after every step: deposit, withdraw, close, update, settle, unlock, credit", async function () {
      const fx = await loadFixture(fixture);
      const { pc, p1, p2, stranger, pcAddress, channel, channelId, domain, asset, token } = fx;
      if (asset === ethers.ZeroAddress) {
        await ethers.deployContract("ForceSend", [pcAddress], { value: DONATION });
      } else {
        await token.connect(stranger).transfer(pcAddress, DONATION);
      }
      const donated = { [asset]: DONATION };
      const check = () => expectSolvent(pc, [asset], donated);
      await check();
      await depositFor(pc, stranger, channel, p1.address, 1_000n);
      await check();
      const expiry = (await now()) + 86_400n;
      await pc.cooperativeWithdraw(
        channel,
        p2.address,
        DEPOSIT2 / 2n,
        expiry,
        await signWithdraw(p1, domain, channelId, p2.address, DEPOSIT2 / 2n, expiry),
        await signWithdraw(p2, domain, channelId, p2.address, DEPOSIT2 / 2n, expiry),
      );
      await check();
      const secret = secretOf("s");
      const locks = [lockOf(5_000n, expiry, secret)];
      // p2 promises far more than it holds, with a lock; p1 sends a little.
      const p21 = proofOf(2n, 10n * DEPOSIT2, 5_000n, locksRootOf(locks));
      const p12 = proofOf(1n, 3n);
      const expected = {
        deposit1: DEPOSIT1 + 1_000n,
        deposit2: DEPOSIT2,
        withdrawn1: 0n,
        withdrawn2: DEPOSIT2 / 2n,
        d12: directionOf(proofOf(0n, 0n)),
        d21: directionOf(p21),
      };
      const { record, closesAt } = await closeChannel(fx, p1, p21, undefined, expected);
      await check();
      await pc.connect(p2).update(channel, record, p1.address, p12, await signProof(p1, domain, channelId, p12));
      const final = withDirection(record, true, directionOf(p12));
      await check();
      await pc.registerSecret(secret);
      await atTime(closesAt + 1n);
      await pc.settle(channel, final);
      await check();
      // p2's promise was clamped: p1 took the whole channel but the 3 it sent; nothing is held for p2's lock.
      const pending = { locksRoot12: ethers.ZeroHash, held12: 0n, locksRoot21: ethers.ZeroHash, held21: 0n };
      expect((await pc.channelInfo(channelId)).commitment).to.equal(ethers.ZeroHash);
      await expect(pc.unlock(channel, p2.address, locks, pending))
        .to.be.revertedWithCustomError(pc, "PaymentChannelNothingToUnlock")
        .withArgs(channelId, p2.address);
      // Nobody can withdraw the donation: it is no one's credit.
      await expect(pc.connect(stranger).withdraw(asset, stranger.address))
        .to.be.revertedWithCustomError(pc, "PullPaymentsNothingToWithdraw")
        .withArgs(stranger.address, asset);
      const owed = await check();
      expect(owed.get(asset) ?? 0n).to.equal(0n);
    });
  });
}
