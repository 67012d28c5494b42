// docs/micropayments.md §1 (channel ids), M-O1 (open) and M-O2 (top-up), for ETH and a standard ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { MicropaymentChannels } from "../../typechain-types";
import { ETH, expectBalanceChanges, now } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  ChannelStatus,
  DEPOSIT,
  MAX_CHALLENGE_PERIOD,
  MAX_UINT32,
  MAX_UINT96,
  MIN_CHALLENGE_PERIOD,
  channelIdOf,
  channelOf,
  channelParams,
  channelsFixture,
  expectChannelState,
  openChannel,
  openState,
  topUp,
  type ChannelsFixture,
} from "../helpers/micropayments";

const ASSET_OF: Record<string, (fx: ChannelsFixture) => string> = {
  ETH: () => ETH,
  ERC20: (fx) => fx.tokenAddress,
};

const valueFor = (token: string, amount: bigint) => (token === ETH ? amount : 0n);

describe("M-O1 open", function () {
  for (const { name } of CHANNEL_ASSETS) {
    const assetOf = ASSET_OF[name];
    describe(`in ${name}`, function () {
      it("moves the deposit from the payer to the contract, emits ChannelOpened with the terms and stores an Open state", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, payee, mpAddress, chainId } = fx;
        const token = assetOf(fx);
        const params = channelParams(fx, token);
        const channel = channelOf(payer.address, params);
        const channelId = channelIdOf(chainId, mpAddress, channel);
        const tx = await mp.connect(payer).open(params, { value: valueFor(token, DEPOSIT) });
        await expectBalanceChanges(tx, token, [payer, payee, mpAddress], [-DEPOSIT, 0n, DEPOSIT]);
        await expect(tx)
          .to.emit(mp, "ChannelOpened")
          .withArgs(
            channelId,
            payer.address,
            payee.address,
            [channel.payer, channel.payee, channel.token, channel.signer, channel.challengePeriod, channel.salt],
            DEPOSIT,
          );
        await expectChannelState(mp, channelId, openState(DEPOSIT));
        expect(await mp.signerChangeOf(channelId)).to.deep.equal([ethers.ZeroAddress, 0n, ethers.ZeroAddress]);
      });

      it("returns the channel id from open (staticCall) equal to keccak256(abi.encode(chainId, contract, channel)) and computeChannelId", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, mpAddress, chainId } = fx;
        const token = assetOf(fx);
        const params = channelParams(fx, token, { salt: 77n });
        const channel = channelOf(payer.address, params);
        const expected = channelIdOf(chainId, mpAddress, channel);
        expect(await mp.connect(payer).open.staticCall(params, { value: valueFor(token, DEPOSIT) })).to.equal(expected);
        expect(await mp.computeChannelId(channel)).to.equal(expected);
      });

      it("accepts the bounds: amount 1 and 2^96 - 1 units, challenge periods MIN and MAX, salt 2^32 - 1", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, token } = fx;
        const asset = assetOf(fx);
        if (asset === ETH) await setBalance(payer.address, 2n * MAX_UINT96);
        else await token.mint(payer.address, MAX_UINT96);
        const cases = [
          { amount: 1n, salt: 10n },
          { amount: MAX_UINT96, salt: 11n },
          { challengePeriod: MIN_CHALLENGE_PERIOD, salt: 12n },
          { challengePeriod: MAX_CHALLENGE_PERIOD, salt: 13n },
          { salt: MAX_UINT32 },
        ];
        for (const over of cases) {
          const params = channelParams(fx, asset, over);
          const { channelId } = await openChannel(mp, payer, params);
          await expectChannelState(mp, channelId, openState(params.amount));
        }
      });

      it("reverts with ChannelInvalidPayee when the payee is the zero address, the payer or the contract", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, mpAddress } = fx;
        const token = assetOf(fx);
        for (const payee of [ethers.ZeroAddress, payer.address, mpAddress]) {
          await expect(mp.connect(payer).open(channelParams(fx, token, { payee }), { value: valueFor(token, DEPOSIT) }))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidPayee")
            .withArgs(payee);
        }
      });

      it("reverts with ChannelInvalidSigner when the session key is the payee", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, payee } = fx;
        const token = assetOf(fx);
        await expect(
          mp
            .connect(payer)
            .open(channelParams(fx, token, { signer: payee.address }), { value: valueFor(token, DEPOSIT) }),
        )
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSigner")
          .withArgs(payee.address);
      });

      it("reverts with ChannelInvalidAmount when the amount is 0 or 2^96", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer } = fx;
        const token = assetOf(fx);
        for (const amount of [0n, MAX_UINT96 + 1n]) {
          await expect(mp.connect(payer).open(channelParams(fx, token, { amount }), { value: 0n }))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidAmount")
            .withArgs(amount);
        }
      });

      it("reverts with ChannelInvalidChallengePeriod one second below the minimum and above the maximum", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer } = fx;
        const token = assetOf(fx);
        for (const challengePeriod of [0n, MIN_CHALLENGE_PERIOD - 1n, MAX_CHALLENGE_PERIOD + 1n, 1n << 32n]) {
          await expect(
            mp.connect(payer).open(channelParams(fx, token, { challengePeriod }), { value: valueFor(token, DEPOSIT) }),
          )
            .to.be.revertedWithCustomError(mp, "ChannelInvalidChallengePeriod")
            .withArgs(challengePeriod);
        }
      });

      it("reverts with ChannelInvalidSalt when the salt is 2^32", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer } = fx;
        const token = assetOf(fx);
        await expect(
          mp
            .connect(payer)
            .open(channelParams(fx, token, { salt: MAX_UINT32 + 1n }), { value: valueFor(token, DEPOSIT) }),
        )
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSalt")
          .withArgs(MAX_UINT32 + 1n);
      });

      it("reverts with ChannelExists when the same payer opens the same terms twice", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer } = fx;
        const token = assetOf(fx);
        const params = channelParams(fx, token);
        const { channelId } = await openChannel(mp, payer, params);
        await expect(mp.connect(payer).open(params, { value: valueFor(token, DEPOSIT) }))
          .to.be.revertedWithCustomError(mp, "ChannelExists")
          .withArgs(channelId);
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });

      it("gives another id to the same terms from another payer or with another salt", async function () {
        const fx = await loadFixture(channelsFixture);
        const { mp, payer, other } = fx;
        const token = assetOf(fx);
        const a = await openChannel(mp, payer, channelParams(fx, token));
        const b = await openChannel(mp, other, channelParams(fx, token));
        const c = await openChannel(mp, payer, channelParams(fx, token, { salt: 2n }));
        expect(new Set([a.channelId, b.channelId, c.channelId]).size).to.equal(3);
      });
    });
  }

  describe("ETH value rules", function () {
    it("reverts with ChannelValueMismatch when msg.value is below or above the amount", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer } = fx;
      for (const value of [0n, DEPOSIT - 1n, DEPOSIT + 1n]) {
        await expect(mp.connect(payer).open(channelParams(fx, ETH), { value }))
          .to.be.revertedWithCustomError(mp, "ChannelValueMismatch")
          .withArgs(value, DEPOSIT);
      }
    });

    it("reverts with ChannelValueMismatch(value, 0) when ETH is sent with an ERC20 open", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, tokenAddress } = fx;
      await expect(mp.connect(payer).open(channelParams(fx, tokenAddress), { value: 1n }))
        .to.be.revertedWithCustomError(mp, "ChannelValueMismatch")
        .withArgs(1n, 0n);
    });
  });

  describe("channel ids (§1)", function () {
    it("gives the same terms another id on a second deployment, and each contract computes its own", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, chainId } = fx;
      const mp2 = (await ethers.deployContract("MicropaymentChannels")) as unknown as MicropaymentChannels;
      const params = channelParams(fx, ETH);
      const a = await openChannel(mp, payer, params);
      const b = await openChannel(mp2, payer, params);
      expect(a.channel).to.deep.equal(b.channel);
      expect(a.channelId).to.not.equal(b.channelId);
      expect(b.channelId).to.equal(channelIdOf(chainId, await mp2.getAddress(), b.channel));
      expect(await mp2.computeChannelId(a.channel)).to.equal(b.channelId);
      // Each id is only known to its own deployment.
      await expectChannelState(mp2, a.channelId, {
        deposit: 0n,
        claimed: 0n,
        closesAt: 0n,
        status: ChannelStatus.None,
        signerChanged: false,
      });
    });

    it("binds the id to the chain id: the id hashed with another chain id differs", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, mpAddress, chainId } = fx;
      const { channel, channelId } = await openChannel(mp, payer, channelParams(fx, ETH));
      expect(channelIdOf(chainId, mpAddress, channel)).to.equal(channelId);
      expect(channelIdOf(chainId + 1n, mpAddress, channel)).to.not.equal(channelId);
    });
  });

  describe("openWithPermit", function () {
    async function permitSig(fx: ChannelsFixture, value: bigint, deadline: bigint) {
      const { token, payer, mpAddress, tokenAddress, chainId } = fx;
      const nonce = await token.nonces(payer.address);
      const sig = await payer.signTypedData(
        { name: "Mock Token", version: "1", chainId, verifyingContract: tokenAddress },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: payer.address, spender: mpAddress, value, nonce, deadline },
      );
      return ethers.Signature.from(sig);
    }

    it("opens with an EIP-2612 permit and no prior allowance, using up exactly the permitted amount", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, token, mpAddress, tokenAddress } = fx;
      await token.connect(payer).approve(mpAddress, 0n);
      const deadline = (await now()) + 3_600n;
      const sig = await permitSig(fx, DEPOSIT, deadline);
      const params = channelParams(fx, tokenAddress);
      const tx = await mp.connect(payer).openWithPermit(params, deadline, sig.v, sig.r, sig.s);
      await expectBalanceChanges(tx, tokenAddress, [payer, mpAddress], [-DEPOSIT, DEPOSIT]);
      const channelId = await mp.computeChannelId(channelOf(payer.address, params));
      await expect(tx).to.emit(mp, "ChannelOpened");
      await expectChannelState(mp, channelId, openState(DEPOSIT));
      expect(await token.allowance(payer.address, mpAddress)).to.equal(0n);
    });

    it("still opens when the permit was already used (front-run) and the allowance is in place", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, token, mpAddress, tokenAddress, stranger } = fx;
      await token.connect(payer).approve(mpAddress, 0n);
      const deadline = (await now()) + 3_600n;
      const sig = await permitSig(fx, DEPOSIT, deadline);
      // A front-runner submits the permit first: the contract's own permit call will now revert.
      await token.connect(stranger).permit(payer.address, mpAddress, DEPOSIT, deadline, sig.v, sig.r, sig.s);
      const params = channelParams(fx, tokenAddress);
      const tx = await mp.connect(payer).openWithPermit(params, deadline, sig.v, sig.r, sig.s);
      await expectBalanceChanges(tx, tokenAddress, [payer, mpAddress], [-DEPOSIT, DEPOSIT]);
      await expectChannelState(mp, await mp.computeChannelId(channelOf(payer.address, params)), openState(DEPOSIT));
    });

    it("reverts from the token pull when the permit fails and no allowance is in place", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, token, mpAddress, tokenAddress } = fx;
      await token.connect(payer).approve(mpAddress, 0n);
      const deadline = (await now()) + 3_600n;
      const sig = await permitSig(fx, DEPOSIT - 1n, deadline); // signed for another value: the permit fails
      await expect(mp.connect(payer).openWithPermit(channelParams(fx, tokenAddress), deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(mpAddress, 0n, DEPOSIT);
    });

    it("reverts with ChannelTokenNotContract for ETH (token address(0)) or a token without code", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, stranger } = fx;
      for (const token of [ETH, stranger.address]) {
        await expect(
          mp.connect(payer).openWithPermit(channelParams(fx, token), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(mp, "ChannelTokenNotContract")
          .withArgs(token);
      }
    });

    it("applies the open rules after the permit (ChannelInvalidPayee)", async function () {
      const fx = await loadFixture(channelsFixture);
      const { mp, payer, tokenAddress } = fx;
      await expect(
        mp
          .connect(payer)
          .openWithPermit(
            channelParams(fx, tokenAddress, { payee: payer.address }),
            0n,
            0,
            ethers.ZeroHash,
            ethers.ZeroHash,
          ),
      )
        .to.be.revertedWithCustomError(mp, "ChannelInvalidPayee")
        .withArgs(payer.address);
    });
  });
});

describe("M-O2 top-up", function () {
  for (const { name, fixture } of CHANNEL_ASSETS) {
    describe(`in ${name}`, function () {
      it("adds to the deposit, moves the amount from the payer and emits ChannelToppedUp(amount, deposit)", async function () {
        const { mp, payer, mpAddress, channel, channelId, asset } = await loadFixture(fixture);
        const tx = await topUp(mp, payer, channel, 1_000n);
        await expectBalanceChanges(tx, asset, [payer, mpAddress], [-1_000n, 1_000n]);
        await expect(tx)
          .to.emit(mp, "ChannelToppedUp")
          .withArgs(channelId, 1_000n, DEPOSIT + 1_000n);
        await expectChannelState(mp, channelId, openState(DEPOSIT + 1_000n));
      });

      it("reverts with ChannelUnauthorized when a stranger or the payee tops up", async function () {
        const { mp, payee, stranger, channel, channelId, asset } = await loadFixture(fixture);
        for (const who of [stranger, payee]) {
          await expect(mp.connect(who).topUp(channel, 1n, { value: valueFor(asset, 1n) }))
            .to.be.revertedWithCustomError(mp, "ChannelUnauthorized")
            .withArgs(channelId, who.address);
        }
      });

      it("reverts with ChannelClosing after the payer requested to close", async function () {
        const { mp, payer, channel, channelId, asset } = await loadFixture(fixture);
        await mp.connect(payer).requestClose(channel);
        const { closesAt } = await mp.getChannelState(channelId);
        await expect(mp.connect(payer).topUp(channel, 1n, { value: valueFor(asset, 1n) }))
          .to.be.revertedWithCustomError(mp, "ChannelClosing")
          .withArgs(channelId, closesAt);
      });

      it("reverts with ChannelInvalidAmount for 0 and when deposit + amount reaches 2^96, accepts exactly 2^96 - 1", async function () {
        const fx = await loadFixture(fixture);
        const { mp, payer, channel, channelId, asset, token } = fx;
        for (const amount of [0n, MAX_UINT96 - DEPOSIT + 1n]) {
          // No value sent: the amount is checked before the value.
          await expect(mp.connect(payer).topUp(channel, amount))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidAmount")
            .withArgs(amount);
        }
        if (asset === ETH) await setBalance(payer.address, 2n * MAX_UINT96);
        else await token.mint(payer.address, MAX_UINT96);
        await topUp(mp, payer, channel, MAX_UINT96 - DEPOSIT);
        await expectChannelState(mp, channelId, openState(MAX_UINT96));
      });

      it("reverts with ChannelNotFound for unknown terms and ChannelNotOpen once closed", async function () {
        const { mp, payer, payee, channel, channelId, asset } = await loadFixture(fixture);
        const unknown = { ...channel, salt: 999n };
        await expect(mp.connect(payer).topUp(unknown, 1n, { value: valueFor(asset, 1n) }))
          .to.be.revertedWithCustomError(mp, "ChannelNotFound")
          .withArgs(await mp.computeChannelId(unknown));
        await mp.connect(payee).close(channel, 0n, "0x");
        await expect(mp.connect(payer).topUp(channel, 1n, { value: valueFor(asset, 1n) }))
          .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
          .withArgs(channelId);
      });
    });
  }

  it("reverts with ChannelValueMismatch when an ETH top-up's value differs from the amount", async function () {
    const { mp, payer, channel } = await loadFixture(CHANNEL_ASSETS[0].fixture);
    await expect(mp.connect(payer).topUp(channel, 10n, { value: 9n }))
      .to.be.revertedWithCustomError(mp, "ChannelValueMismatch")
      .withArgs(9n, 10n);
  });

  it("reverts with ChannelValueMismatch(value, 0) when ETH is sent with an ERC20 top-up", async function () {
    const { mp, payer, channel } = await loadFixture(CHANNEL_ASSETS[1].fixture);
    await expect(mp.connect(payer).topUp(channel, 10n, { value: 10n }))
      .to.be.revertedWithCustomError(mp, "ChannelValueMismatch")
      .withArgs(10n, 0n);
  });
});
