// docs/micropayments.md §4: claims by anyone (M-C1), the claim window (M-C2), claimMany (M-C3), the payee's close
// (M-X1), requestClose and finalize (M-X2), for ETH and a standard ERC20. Transactions land at exact timestamps.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ETH, atTime, blockTimeOf, expectBalanceChanges } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  ChannelStatus,
  DEPOSIT,
  PERIOD,
  channelIdOf,
  channelParams,
  expectChannelState,
  openChannel,
  openState,
  signVoucher,
  type Channel,
} from "../helpers/micropayments";

const PART = DEPOSIT / 4n + 5n;

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

for (const { name, fixture } of CHANNEL_ASSETS) {
  /** The fixture channel after the payer asked to close. */
  async function closingFixture() {
    const fx = await fixture();
    const tx = await fx.mp.connect(fx.payer).requestClose(fx.channel);
    const requestedAt = await blockTimeOf(tx);
    return { ...fx, requestTx: tx, closesAt: requestedAt + PERIOD };
  }

  const closingState = (closesAt: bigint, claimed = 0n) => ({
    deposit: DEPOSIT,
    claimed,
    closesAt,
    status: ChannelStatus.Open,
    signerChanged: false,
  });
  const closedState = (claimed: bigint, closesAt = 0n) => ({
    deposit: DEPOSIT,
    claimed,
    closesAt,
    status: ChannelStatus.Closed,
    signerChanged: false,
  });

  describe(`M-C1 claim by anyone in ${name}`, function () {
    it("pays the payee, not the caller, when a stranger or the payer submits the voucher", async function () {
      const { mp, payer, payee, stranger, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
      const tx = await mp.connect(stranger).claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
      await expectBalanceChanges(tx, asset, [payee, stranger, payer, mpAddress], [PART, 0n, 0n, -PART]);
      const tx2 = await mp
        .connect(payer)
        .claim(channel, 2n * PART, await signVoucher(payer, domain, channelId, 2n * PART));
      await expectBalanceChanges(tx2, asset, [payee, payer, mpAddress], [PART, 0n, -PART]);
      await expectChannelState(mp, channelId, openState(DEPOSIT, 2n * PART));
    });
  });

  describe(`M-C3 claimMany in ${name}`, function () {
    /** Three channels to the fixture payee in the asset (two payers), one to another payee, one in the other asset. */
    async function batchFixture() {
      const fx = await fixture();
      const { mp, payer, other, payee2, asset, tokenAddress } = fx;
      const b = await openChannel(mp, payer, channelParams(fx, asset, { salt: 2n }));
      const c = await openChannel(mp, other, channelParams(fx, asset, { signer: ethers.ZeroAddress, salt: 3n }));
      const toOther = await openChannel(mp, payer, channelParams(fx, asset, { payee: payee2.address, salt: 4n }));
      const otherAsset = asset === ETH ? tokenAddress : ETH;
      const inOther = await openChannel(mp, payer, channelParams(fx, otherAsset, { salt: 5n }));
      return { ...fx, a: { channel: fx.channel, channelId: fx.channelId }, b, c, toOther, inOther };
    }

    it("pays the payee the sum in one payout and records each channel's claim", async function () {
      const { mp, payer, payee, other, sessionKey, relayer, mpAddress, domain, asset, a, b, c, token } =
        await loadFixture(batchFixture);
      // Channel a was partly claimed before: only its increment counts.
      await mp.claim(a.channel, PART, await signVoucher(payer, domain, a.channelId, PART));
      const claims = [
        batchClaim(a.channel, 2n * PART, await signVoucher(sessionKey, domain, a.channelId, 2n * PART)),
        batchClaim(b.channel, 3n, await signVoucher(payer, domain, b.channelId, 3n)),
        batchClaim(c.channel, DEPOSIT + 1n, await signVoucher(other, domain, c.channelId, DEPOSIT + 1n)),
      ];
      const sum = PART + 3n + DEPOSIT;
      const tx = await mp.connect(relayer).claimMany(payee.address, asset, claims);
      await expectBalanceChanges(tx, asset, [payee, relayer, mpAddress], [sum, 0n, -sum]);
      await expect(tx)
        .to.emit(mp, "ChannelClaimed")
        .withArgs(a.channelId, 2n * PART);
      await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(b.channelId, 3n);
      await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(c.channelId, DEPOSIT);
      await expectChannelState(mp, a.channelId, openState(DEPOSIT, 2n * PART));
      await expectChannelState(mp, b.channelId, openState(DEPOSIT, 3n));
      await expectChannelState(mp, c.channelId, openState(DEPOSIT, DEPOSIT));
      if (asset !== ETH) {
        const receipt = await tx.wait();
        const transfers = receipt!.logs
          .filter((l) => l.address === asset)
          .map((l) => token.interface.parseLog(l))
          .filter((p) => p?.name === "Transfer");
        expect(transfers.map((p) => [p!.args.from, p!.args.to, p!.args.value])).to.deep.equal([
          [mpAddress, payee.address, sum],
        ]);
      }
    });

    it("reverts with ChannelEmptyBatch for no claims", async function () {
      const { mp, payee, asset } = await loadFixture(batchFixture);
      await expect(mp.claimMany(payee.address, asset, [])).to.be.revertedWithCustomError(mp, "ChannelEmptyBatch");
    });

    it("reverts with ChannelNotFound for a claim of a channel with another payee or in another token", async function () {
      const { mp, payer, payee, domain, asset, chainId, mpAddress, toOther, inOther } = await loadFixture(batchFixture);
      for (const x of [toOther, inOther]) {
        const claim = batchClaim(x.channel, PART, await signVoucher(payer, domain, x.channelId, PART));
        // The batch's payee and token complete the terms into a channel that does not exist.
        const asNamed = { ...x.channel, payee: payee.address, token: asset };
        await expect(mp.claimMany(payee.address, asset, [claim]))
          .to.be.revertedWithCustomError(mp, "ChannelNotFound")
          .withArgs(channelIdOf(chainId, mpAddress, asNamed));
        await expectChannelState(mp, x.channelId, openState(DEPOSIT));
      }
    });

    it("reverts the whole batch when one voucher is invalid, leaving every channel unchanged", async function () {
      const { mp, payer, payee, stranger, domain, asset, a, b } = await loadFixture(batchFixture);
      const claims = [
        batchClaim(a.channel, PART, await signVoucher(payer, domain, a.channelId, PART)),
        batchClaim(b.channel, PART, await signVoucher(stranger, domain, b.channelId, PART)),
      ];
      await expect(mp.claimMany(payee.address, asset, claims))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(b.channelId);
      await expectChannelState(mp, a.channelId, openState(DEPOSIT));
      await expectChannelState(mp, b.channelId, openState(DEPOSIT));
    });

    it("skips a claim that a front-run already made and pays the rest of the batch", async function () {
      const { mp, payer, payee, mpAddress, domain, asset, a, b, stranger } = await loadFixture(batchFixture);
      const vb = await signVoucher(payer, domain, b.channelId, PART);
      await mp.connect(stranger).claim(b.channel, PART, vb); // the front-run pays the payee, as any claim does
      const claims = [
        batchClaim(a.channel, PART, await signVoucher(payer, domain, a.channelId, PART)),
        batchClaim(b.channel, PART, vb),
      ];
      const tx = await mp.claimMany(payee.address, asset, claims);
      await expectBalanceChanges(tx, asset, [payee, mpAddress], [PART, -PART]);
      await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(a.channelId, PART);
      await expectChannelState(mp, a.channelId, openState(DEPOSIT, PART));
      await expectChannelState(mp, b.channelId, openState(DEPOSIT, PART));
    });

    it("pays a channel listed twice only up to its best voucher; the same voucher twice pays once", async function () {
      const { mp, payer, payee, mpAddress, domain, asset, a } = await loadFixture(batchFixture);
      const v1 = batchClaim(a.channel, PART, await signVoucher(payer, domain, a.channelId, PART));
      const v2 = batchClaim(a.channel, 2n * PART, await signVoucher(payer, domain, a.channelId, 2n * PART));
      const once = await mp.claimMany(payee.address, asset, [v1, v1]);
      await expectBalanceChanges(once, asset, [payee, mpAddress], [PART, -PART]);
      await expectChannelState(mp, a.channelId, openState(DEPOSIT, PART));
      const v3 = batchClaim(a.channel, 3n * PART, await signVoucher(payer, domain, a.channelId, 3n * PART));
      // v3 pays up to 3 PART; v2, behind it, would pay nothing and is skipped.
      const tx = await mp.claimMany(payee.address, asset, [v3, v2]);
      await expectBalanceChanges(tx, asset, [payee, mpAddress], [2n * PART, -2n * PART]);
      await expectChannelState(mp, a.channelId, openState(DEPOSIT, 3n * PART));
    });

    it("reverts with ChannelChallengeOver when one channel's claim window ended", async function () {
      const { mp, payer, payee, domain, asset, a, b } = await loadFixture(batchFixture);
      const tx = await mp.connect(payer).requestClose(b.channel);
      const closesAt = (await blockTimeOf(tx)) + PERIOD;
      const claims = [
        batchClaim(a.channel, PART, await signVoucher(payer, domain, a.channelId, PART)),
        batchClaim(b.channel, PART, await signVoucher(payer, domain, b.channelId, PART)),
      ];
      await atTime(closesAt + 1n);
      await expect(mp.claimMany(payee.address, asset, claims))
        .to.be.revertedWithCustomError(mp, "ChannelChallengeOver")
        .withArgs(b.channelId, closesAt);
    });
  });

  describe(`M-X1 close by the payee in ${name}`, function () {
    it("pays the payee its best voucher and the payer the rest at once, and closes", async function () {
      const { mp, payer, payee, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
      const tx = await mp.connect(payee).close(channel, PART, await signVoucher(payer, domain, channelId, PART));
      await expectBalanceChanges(tx, asset, [payee, payer, mpAddress], [PART, DEPOSIT - PART, -DEPOSIT]);
      await expect(tx)
        .to.emit(mp, "ChannelClosed")
        .withArgs(channelId, PART, DEPOSIT - PART);
      await expect(tx).not.to.emit(mp, "ChannelClaimed");
      await expectChannelState(mp, channelId, closedState(PART));
    });

    it("pays only the increment over what was claimed, with a session-key voucher", async function () {
      const { mp, payer, payee, sessionKey, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
      await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
      const tx = await mp
        .connect(payee)
        .close(channel, 2n * PART, await signVoucher(sessionKey, domain, channelId, 2n * PART));
      await expectBalanceChanges(tx, asset, [payee, payer, mpAddress], [PART, DEPOSIT - 2n * PART, PART - DEPOSIT]);
      await expect(tx)
        .to.emit(mp, "ChannelClosed")
        .withArgs(channelId, PART, DEPOSIT - 2n * PART);
      await expectChannelState(mp, channelId, closedState(2n * PART));
    });

    it("returns the rest to the payer when the payee closes with no new voucher (amount ≤ claimed, empty signature)", async function () {
      const { mp, payer, payee, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
      await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
      const tx = await mp.connect(payee).close(channel, PART, "0x");
      await expectBalanceChanges(tx, asset, [payee, payer, mpAddress], [0n, DEPOSIT - PART, PART - DEPOSIT]);
      await expect(tx)
        .to.emit(mp, "ChannelClosed")
        .withArgs(channelId, 0n, DEPOSIT - PART);
      await expectChannelState(mp, channelId, closedState(PART));
    });

    it("returns the whole deposit when the payee closes a fresh channel with amount 0", async function () {
      const { mp, payer, payee, channel, channelId, asset } = await loadFixture(fixture);
      const tx = await mp.connect(payee).close(channel, 0n, "0x");
      await expectBalanceChanges(tx, asset, [payee, payer], [0n, DEPOSIT]);
      await expect(tx).to.emit(mp, "ChannelClosed").withArgs(channelId, 0n, DEPOSIT);
      await expectChannelState(mp, channelId, closedState(0n));
    });

    it("pays the payee the whole deposit and the payer nothing for a voucher above the deposit", async function () {
      const { mp, payer, payee, channel, channelId, domain, asset } = await loadFixture(fixture);
      const amount = DEPOSIT * 2n;
      const tx = await mp.connect(payee).close(channel, amount, await signVoucher(payer, domain, channelId, amount));
      await expectBalanceChanges(tx, asset, [payee, payer], [DEPOSIT, 0n]);
      await expect(tx).to.emit(mp, "ChannelClosed").withArgs(channelId, DEPOSIT, 0n);
      await expectChannelState(mp, channelId, closedState(DEPOSIT));
    });

    it("reverts with ChannelInvalidSignature when the payee closes with a new amount and a bad or missing signature", async function () {
      const { mp, payee, stranger, channel, channelId, domain } = await loadFixture(fixture);
      for (const sig of [
        "0x",
        await signVoucher(payee, domain, channelId, PART),
        await signVoucher(stranger, domain, channelId, PART),
      ]) {
        await expect(mp.connect(payee).close(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
      }
      await expectChannelState(mp, channelId, openState(DEPOSIT));
    });

    it("reverts with ChannelUnauthorized when a stranger, the payer or the session key closes", async function () {
      const { mp, payer, stranger, sessionKey, channel, channelId, domain } = await loadFixture(fixture);
      const sig = await signVoucher(payer, domain, channelId, PART);
      for (const who of [stranger, payer, sessionKey]) {
        await expect(mp.connect(who).close(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelUnauthorized")
          .withArgs(channelId, who.address);
      }
    });
  });

  describe(`M-X2 requestClose in ${name}`, function () {
    it("sets closesAt = now + challengePeriod and emits ChannelCloseRequested; funds stay put", async function () {
      const { mp, payer, mpAddress, channelId, requestTx, closesAt, asset } = await loadFixture(closingFixture);
      await expect(requestTx).to.emit(mp, "ChannelCloseRequested").withArgs(channelId, closesAt);
      await expectBalanceChanges(requestTx, asset, [payer, mpAddress], [0n, 0n]);
      await expectChannelState(mp, channelId, closingState(closesAt));
    });

    it("reverts with ChannelUnauthorized when the payee, the session key or a stranger requests to close", async function () {
      const { mp, payee, sessionKey, stranger, channel, channelId } = await loadFixture(fixture);
      for (const who of [payee, sessionKey, stranger]) {
        await expect(mp.connect(who).requestClose(channel))
          .to.be.revertedWithCustomError(mp, "ChannelUnauthorized")
          .withArgs(channelId, who.address);
      }
    });

    it("reverts with ChannelClosing when the payer requests a second time, keeping the first closesAt", async function () {
      const { mp, payer, channel, channelId, closesAt } = await loadFixture(closingFixture);
      await expect(mp.connect(payer).requestClose(channel))
        .to.be.revertedWithCustomError(mp, "ChannelClosing")
        .withArgs(channelId, closesAt);
      await expectChannelState(mp, channelId, closingState(closesAt));
    });

    it("reverts with ChannelClosing for topUp and setSigner after the request", async function () {
      const { mp, payer, newKey, channel, channelId, closesAt, asset } = await loadFixture(closingFixture);
      await expect(mp.connect(payer).topUp(channel, 1n, { value: asset === ETH ? 1n : 0n }))
        .to.be.revertedWithCustomError(mp, "ChannelClosing")
        .withArgs(channelId, closesAt);
      await expect(mp.connect(payer).setSigner(channel, newKey.address))
        .to.be.revertedWithCustomError(mp, "ChannelClosing")
        .withArgs(channelId, closesAt);
    });
  });

  describe(`M-C2 claim window after a close request in ${name}`, function () {
    it("accepts a claim exactly at closesAt", async function () {
      const { mp, payer, payee, channel, channelId, domain, closesAt, asset } = await loadFixture(closingFixture);
      const sig = await signVoucher(payer, domain, channelId, PART);
      await atTime(closesAt);
      const tx = await mp.claim(channel, PART, sig);
      await expectBalanceChanges(tx, asset, [payee], [PART]);
      await expectChannelState(mp, channelId, closingState(closesAt, PART));
    });

    it("reverts with ChannelChallengeOver for a claim at closesAt + 1", async function () {
      const { mp, payer, channel, channelId, domain, closesAt } = await loadFixture(closingFixture);
      const sig = await signVoucher(payer, domain, channelId, PART);
      await atTime(closesAt + 1n);
      await expect(mp.claim(channel, PART, sig))
        .to.be.revertedWithCustomError(mp, "ChannelChallengeOver")
        .withArgs(channelId, closesAt);
    });

    it("accepts the payee's close exactly at closesAt", async function () {
      const { mp, payer, payee, channel, channelId, domain, closesAt, asset } = await loadFixture(closingFixture);
      const sig = await signVoucher(payer, domain, channelId, PART);
      await atTime(closesAt);
      const tx = await mp.connect(payee).close(channel, PART, sig);
      await expectBalanceChanges(tx, asset, [payee, payer], [PART, DEPOSIT - PART]);
      await expectChannelState(mp, channelId, closedState(PART, closesAt));
    });

    it("reverts with ChannelChallengeOver for the payee's close at closesAt + 1, even without a new voucher", async function () {
      const { mp, payer, payee, channel, channelId, domain, closesAt } = await loadFixture(closingFixture);
      const sig = await signVoucher(payer, domain, channelId, PART);
      await atTime(closesAt + 1n);
      for (const [amount, s] of [
        [PART, sig],
        [0n, "0x"],
      ] as const) {
        await expect(mp.connect(payee).close(channel, amount, s))
          .to.be.revertedWithCustomError(mp, "ChannelChallengeOver")
          .withArgs(channelId, closesAt);
      }
    });
  });

  describe(`M-X2 finalize in ${name}`, function () {
    it("reverts with ChannelChallengeNotOver(closesAt = 0) when no close was requested", async function () {
      const { mp, stranger, channel, channelId } = await loadFixture(fixture);
      await expect(mp.connect(stranger).finalize(channel))
        .to.be.revertedWithCustomError(mp, "ChannelChallengeNotOver")
        .withArgs(channelId, 0n);
    });

    it("reverts with ChannelChallengeNotOver exactly at closesAt", async function () {
      const { mp, stranger, channel, channelId, closesAt } = await loadFixture(closingFixture);
      await atTime(closesAt);
      await expect(mp.connect(stranger).finalize(channel))
        .to.be.revertedWithCustomError(mp, "ChannelChallengeNotOver")
        .withArgs(channelId, closesAt);
    });

    it("pays the payer deposit − claimed when a stranger finalizes at closesAt + 1, and closes", async function () {
      const fx = await loadFixture(closingFixture);
      const { mp, payer, payee, stranger, mpAddress, channel, channelId, domain, closesAt, asset } = fx;
      await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
      await atTime(closesAt + 1n);
      const tx = await mp.connect(stranger).finalize(channel);
      await expectBalanceChanges(
        tx,
        asset,
        [payer, payee, stranger, mpAddress],
        [DEPOSIT - PART, 0n, 0n, PART - DEPOSIT],
      );
      await expect(tx)
        .to.emit(mp, "ChannelFinalized")
        .withArgs(channelId, DEPOSIT - PART);
      await expectChannelState(mp, channelId, closedState(PART, closesAt));
      await expect(mp.connect(stranger).finalize(channel))
        .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
        .withArgs(channelId);
    });

    it("closes with nothing to pay when the payee claimed the whole deposit", async function () {
      const { mp, payer, channel, channelId, domain, closesAt, asset } = await loadFixture(closingFixture);
      await mp.claim(channel, DEPOSIT, await signVoucher(payer, domain, channelId, DEPOSIT));
      await atTime(closesAt + 1n);
      const tx = await mp.finalize(channel);
      await expectBalanceChanges(tx, asset, [payer], [0n]);
      await expect(tx).to.emit(mp, "ChannelFinalized").withArgs(channelId, 0n);
      await expectChannelState(mp, channelId, closedState(DEPOSIT, closesAt));
    });
  });
}
