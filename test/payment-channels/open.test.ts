// docs/payment-channels.md §1 (channel ids), PC-O1 (terms), PC-O2 (the opener funds exactly `amount`) and PC-O3 (an
// id is never opened twice), for ETH and a standard ERC20, and `openWithPermit`.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { PaymentChannels } from "../../typechain-types";
import { ETH, TOKEN_SUPPLY, expectBalanceChanges } from "../helpers/escrow";
import {
  DEPOSIT1,
  MAX_AMOUNT,
  MAX_CHALLENGE_PERIOD,
  MIN_CHALLENGE_PERIOD,
  PcStatus,
  channelIdOf,
  channelTuple,
  expectSolvent,
  pcFixture,
  termsOf,
  valueFor,
  type Channel,
  type PcFixture,
} from "../helpers/payment-channels";

const ASSETS: ReadonlyArray<[string, (fx: PcFixture) => string]> = [
  ["ETH", () => ETH],
  ["ERC20", (fx) => fx.tokenAddress],
];

function openAs(pc: PaymentChannels, who: HardhatEthersSigner, channel: Channel, amount: bigint, value?: bigint) {
  return pc.connect(who).open(channel, amount, { value: value ?? valueFor(channel.token, amount) });
}

describe("PC-O1..O3 open", function () {
  for (const [name, assetOf] of ASSETS) {
    describe(`in ${name}`, function () {
      it("PC-O2: moves exactly the deposit from the opener, emits ChannelOpened with the terms, stores an Open slot", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1, p2, pcAddress, chainId } = fx;
        const token = assetOf(fx);
        const channel = termsOf(fx, token);
        const channelId = channelIdOf(chainId, pcAddress, channel);
        expect(await pc.connect(p1).open.staticCall(channel, DEPOSIT1, { value: valueFor(token, DEPOSIT1) })).to.equal(
          channelId,
        );
        const tx = await openAs(pc, p1, channel, DEPOSIT1);
        await expectBalanceChanges(tx, token, [p1, p2, pcAddress], [-DEPOSIT1, 0n, DEPOSIT1]);
        await expect(tx)
          .to.emit(pc, "ChannelOpened")
          .withArgs(channelId, p1.address, p2.address, channelTuple(channel), DEPOSIT1);
        expect(await pc.channelInfo(channelId)).to.deep.equal([
          BigInt(PcStatus.Open),
          false,
          false,
          false,
          DEPOSIT1,
          0n,
          0n,
          ethers.ZeroHash,
        ]);
        expect(await pc.withdrawnOf(channelId)).to.deep.equal([0n, 0n]);
        expect(await pc.keyChangeOf(channelId, p1.address)).to.deep.equal([ethers.ZeroAddress, 0n, ethers.ZeroAddress]);
        await expectSolvent(pc, [token]);
      });

      it("§1: the id is keccak256(abi.encode(chainId, contract, terms)); every field and the salt change it", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, pcAddress, chainId, stranger, newKey } = fx;
        const base = termsOf(fx, assetOf(fx));
        const id = channelIdOf(chainId, pcAddress, base);
        expect(await pc.computeChannelId(base)).to.equal(id);
        const variants: Channel[] = [
          { ...base, participant2: stranger.address },
          { ...base, key1: newKey.address },
          { ...base, challengePeriod: base.challengePeriod + 1n },
          { ...base, salt: 2n },
          { ...base, token: base.token === ETH ? fx.tokenAddress : ETH },
        ];
        const ids = new Set([id]);
        for (const v of variants) {
          const vid = await pc.computeChannelId(v);
          expect(vid).to.equal(channelIdOf(chainId, pcAddress, v));
          ids.add(vid);
        }
        expect(ids.size).to.equal(variants.length + 1);
      });

      it("PC-O1: opens at both challenge-period bounds, with no session key, and with key1 = participant1", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1 } = fx;
        const token = assetOf(fx);
        const cases: Partial<Channel>[] = [
          { challengePeriod: MIN_CHALLENGE_PERIOD, salt: 11n },
          { challengePeriod: MAX_CHALLENGE_PERIOD, salt: 12n },
          { key1: ethers.ZeroAddress, salt: 13n },
          { key1: p1.address, salt: 14n },
        ];
        for (const over of cases) {
          const channel = termsOf(fx, token, over);
          await expect(openAs(pc, p1, channel, 1n)).to.emit(pc, "ChannelOpened");
          expect((await pc.channelInfo(await pc.computeChannelId(channel))).status).to.equal(PcStatus.Open);
        }
      });

      it("PC-O1: reverts with PaymentChannelInvalidChallengePeriod one second outside each bound", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1 } = fx;
        for (const period of [0n, MIN_CHALLENGE_PERIOD - 1n, MAX_CHALLENGE_PERIOD + 1n]) {
          await expect(openAs(pc, p1, termsOf(fx, assetOf(fx), { challengePeriod: period }), DEPOSIT1))
            .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidChallengePeriod")
            .withArgs(period);
        }
      });

      it("PC-O1: reverts with PaymentChannelInvalidParticipants for participant2 zero, participant1 or the contract", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1, pcAddress } = fx;
        for (const participant2 of [ethers.ZeroAddress, p1.address, pcAddress]) {
          await expect(openAs(pc, p1, termsOf(fx, assetOf(fx), { participant2 }), DEPOSIT1))
            .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidParticipants")
            .withArgs(p1.address, participant2);
        }
      });

      it("PC-O1: reverts with PaymentChannelInvalidKey when key1 is participant2 (the opener never picks a key for the other side)", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1, p2 } = fx;
        await expect(openAs(pc, p1, termsOf(fx, assetOf(fx), { key1: p2.address }), DEPOSIT1))
          .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidKey")
          .withArgs(p2.address);
      });

      it("PC-O2: reverts with PaymentChannelNotParticipant when someone other than participant1 opens (p2 or a stranger)", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p2, stranger, pcAddress, chainId } = fx;
        const channel = termsOf(fx, assetOf(fx));
        const id = channelIdOf(chainId, pcAddress, channel);
        for (const who of [p2, stranger]) {
          await expect(openAs(pc, who, channel, DEPOSIT1))
            .to.be.revertedWithCustomError(pc, "PaymentChannelNotParticipant")
            .withArgs(id, who.address);
        }
      });

      it("PC-O2: reverts with PaymentChannelInvalidAmount for 0 and for 2^104", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1 } = fx;
        for (const amount of [0n, MAX_AMOUNT + 1n]) {
          await expect(openAs(pc, p1, termsOf(fx, assetOf(fx)), amount, 0n))
            .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidAmount")
            .withArgs(amount);
        }
      });

      it("PC-O3: reverts with PaymentChannelExists for the same terms twice; another salt opens another id", async function () {
        const fx = await loadFixture(pcFixture);
        const { pc, p1, pcAddress, chainId } = fx;
        const channel = termsOf(fx, assetOf(fx));
        await openAs(pc, p1, channel, DEPOSIT1);
        await expect(openAs(pc, p1, channel, DEPOSIT1))
          .to.be.revertedWithCustomError(pc, "PaymentChannelExists")
          .withArgs(channelIdOf(chainId, pcAddress, channel));
        const again = { ...channel, salt: 2n };
        await expect(openAs(pc, p1, again, DEPOSIT1))
          .to.emit(pc, "ChannelOpened")
          .withArgs(channelIdOf(chainId, pcAddress, again), p1.address, fx.p2.address, channelTuple(again), DEPOSIT1);
        await expectSolvent(pc, [channel.token]);
      });
    });
  }

  describe("PC-O2 value rules", function () {
    it("reverts with PaymentChannelValueMismatch(sent, expected) when the ETH sent differs from the amount", async function () {
      const fx = await loadFixture(pcFixture);
      const { pc, p1 } = fx;
      for (const value of [DEPOSIT1 - 1n, DEPOSIT1 + 1n, 0n]) {
        await expect(openAs(pc, p1, termsOf(fx, ETH), DEPOSIT1, value))
          .to.be.revertedWithCustomError(pc, "PaymentChannelValueMismatch")
          .withArgs(value, DEPOSIT1);
      }
    });

    it("reverts with PaymentChannelValueMismatch(value, 0) when ETH comes with an ERC20 open", async function () {
      const fx = await loadFixture(pcFixture);
      const { pc, p1, tokenAddress } = fx;
      await expect(openAs(pc, p1, termsOf(fx, tokenAddress), DEPOSIT1, 1n))
        .to.be.revertedWithCustomError(pc, "PaymentChannelValueMismatch")
        .withArgs(1n, 0n);
    });

    it("PC-O1: reverts with PaymentChannelTokenNotContract for a token address without code", async function () {
      const fx = await loadFixture(pcFixture);
      const { pc, p1, stranger } = fx;
      await expect(openAs(pc, p1, termsOf(fx, stranger.address), DEPOSIT1))
        .to.be.revertedWithCustomError(pc, "PaymentChannelTokenNotContract")
        .withArgs(stranger.address);
    });

    it("opens an ERC20 channel with the largest deposit, 2^104 − 1, and refuses any deposit on top", async function () {
      const fx = await loadFixture(pcFixture);
      const { pc, p1, p2, token, tokenAddress } = fx;
      await token.mint(p1.address, MAX_AMOUNT);
      const channel = termsOf(fx, tokenAddress);
      await expect(openAs(pc, p1, channel, MAX_AMOUNT)).to.emit(pc, "ChannelOpened");
      const id = await pc.computeChannelId(channel);
      expect((await pc.channelInfo(id)).deposit1).to.equal(MAX_AMOUNT);
      await expect(pc.connect(p1).deposit(channel, p1.address, 1n))
        .to.be.revertedWithCustomError(pc, "PaymentChannelInvalidAmount")
        .withArgs(1n);
      // The other side's field is separate: it can still hold up to 2^104 − 1.
      await expect(pc.connect(p2).deposit(channel, p2.address, 1n))
        .to.emit(pc, "ChannelDeposited")
        .withArgs(id, p2.address, 1n, 1n);
      await expectSolvent(pc, [tokenAddress]);
    });
  });

  describe("openWithPermit", function () {
    async function permitFixture() {
      const fx = await pcFixture();
      const fresh = fx.signers[11];
      await fx.token.mint(fresh.address, TOKEN_SUPPLY);
      return { ...fx, fresh };
    }

    async function permit(fx: Awaited<ReturnType<typeof permitFixture>>, value: bigint, deadline: bigint) {
      const domain = { name: "Mock Token", version: "1", chainId: fx.chainId, verifyingContract: fx.tokenAddress };
      const types = {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const nonce = await fx.token.nonces(fx.fresh.address);
      const sig = await fx.fresh.signTypedData(domain, types, {
        owner: fx.fresh.address,
        spender: fx.pcAddress,
        value,
        nonce,
        deadline,
      });
      return ethers.Signature.from(sig);
    }

    it("opens without a prior approval, pulling exactly the amount through the permit", async function () {
      const fx = await loadFixture(permitFixture);
      const { pc, fresh, token, tokenAddress, pcAddress } = fx;
      const channel = termsOf(fx, tokenAddress, { participant1: fresh.address, key1: ethers.ZeroAddress });
      const { v, r, s } = await permit(fx, DEPOSIT1, ethers.MaxUint256);
      const tx = pc.connect(fresh).openWithPermit(channel, DEPOSIT1, ethers.MaxUint256, v, r, s);
      await expect(tx).to.changeTokenBalances(token, [fresh, pcAddress], [-DEPOSIT1, DEPOSIT1]);
      await expect(tx)
        .to.emit(pc, "ChannelOpened")
        .withArgs(await pc.computeChannelId(channel), fresh.address, fx.p2.address, channelTuple(channel), DEPOSIT1);
      expect(await token.allowance(fresh.address, pcAddress)).to.equal(0n);
    });

    it("ignores a failed permit and opens on an existing allowance; without one the pull reverts", async function () {
      const fx = await loadFixture(permitFixture);
      const { pc, fresh, token, tokenAddress, pcAddress } = fx;
      const channel = termsOf(fx, tokenAddress, { participant1: fresh.address, key1: ethers.ZeroAddress });
      const { v, r, s } = await permit(fx, DEPOSIT1, 1n); // expired deadline: the permit reverts, and is ignored
      await expect(pc.connect(fresh).openWithPermit(channel, DEPOSIT1, 1n, v, r, s)).to.be.revertedWithCustomError(
        token,
        "ERC20InsufficientAllowance",
      );
      await token.connect(fresh).approve(pcAddress, DEPOSIT1);
      await expect(pc.connect(fresh).openWithPermit(channel, DEPOSIT1, 1n, v, r, s)).to.changeTokenBalances(
        token,
        [fresh, pcAddress],
        [-DEPOSIT1, DEPOSIT1],
      );
    });

    it("reverts with PaymentChannelTokenNotContract for ETH or a token without code", async function () {
      const fx = await loadFixture(permitFixture);
      const { pc, fresh, stranger } = fx;
      for (const token of [ETH, stranger.address]) {
        const channel = termsOf(fx, token, { participant1: fresh.address });
        await expect(pc.connect(fresh).openWithPermit(channel, DEPOSIT1, 0n, 27, ethers.ZeroHash, ethers.ZeroHash))
          .to.be.revertedWithCustomError(pc, "PaymentChannelTokenNotContract")
          .withArgs(token);
      }
    });
  });
});
