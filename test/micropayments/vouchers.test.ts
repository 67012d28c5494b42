// docs/micropayments.md §2 (vouchers), M-C1 (a claim needs a valid voucher that pays something) and M-X3 (a
// closed channel's vouchers never pay again), for ETH and a standard ERC20.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { MicropaymentChannels, MockERC1271Wallet } from "../../typechain-types";
import { ETH, compact, expectBalanceChanges, highS } from "../helpers/escrow";
import {
  CHANNEL_ASSETS,
  ChannelStatus,
  DEPOSIT,
  PERIOD,
  channelFromTx,
  channelParams,
  channelsFixture,
  domainOfChannels,
  expectChannelState,
  micropaymentsDomain,
  openChannel,
  openState,
  signVoucher,
  topUp,
  voucherDigestOf,
} from "../helpers/micropayments";

const PART = DEPOSIT / 3n + 7n;

for (const { name, fixture } of CHANNEL_ASSETS) {
  describe(`M-C1 vouchers in ${name}`, function () {
    describe("valid vouchers", function () {
      it("pays the payee when a relayer submits a payer-signed voucher; emits ChannelClaimed(channelId, claimed)", async function () {
        const { mp, payer, payee, relayer, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        const tx = await mp.connect(relayer).claim(channel, PART, sig);
        await expectBalanceChanges(tx, asset, [payee, payer, relayer, mpAddress], [PART, 0n, 0n, -PART]);
        await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, PART);
        await expectChannelState(mp, channelId, openState(DEPOSIT, PART));
      });

      it("pays only the increment of a later, larger cumulative voucher signed by the open-time session key", async function () {
        const { mp, payer, payee, sessionKey, mpAddress, channel, channelId, domain, asset } =
          await loadFixture(fixture);
        await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
        const later = 2n * PART;
        const tx = await mp.claim(channel, later, await signVoucher(sessionKey, domain, channelId, later));
        await expectBalanceChanges(tx, asset, [payee, mpAddress], [PART, -PART]);
        await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, later);
        await expectChannelState(mp, channelId, openState(DEPOSIT, later));
      });

      it("signs the digest the contract computes (voucherDigest equals the test-side EIP-712 hash)", async function () {
        const { mp, channelId, domain } = await loadFixture(fixture);
        expect(await mp.voucherDigest(channelId, PART)).to.equal(voucherDigestOf(domain, channelId, PART));
        expect(await mp.VOUCHER_TYPEHASH()).to.equal(ethers.id("Voucher(bytes32 channelId,uint256 amount)"));
      });

      it("caps a voucher above the deposit at deposit − claimed, and pays the rest after a top-up", async function () {
        const { mp, payer, payee, mpAddress, channel, channelId, domain, asset } = await loadFixture(fixture);
        await mp.claim(channel, PART, await signVoucher(payer, domain, channelId, PART));
        const promised = DEPOSIT + 500n;
        const sig = await signVoucher(payer, domain, channelId, promised);
        const tx = await mp.claim(channel, promised, sig);
        await expectBalanceChanges(tx, asset, [payee, mpAddress], [DEPOSIT - PART, PART - DEPOSIT]);
        await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, DEPOSIT);
        await expectChannelState(mp, channelId, openState(DEPOSIT, DEPOSIT));

        // Nothing left: the same voucher pays nothing until the payer tops up.
        await expect(mp.claim(channel, promised, sig))
          .to.be.revertedWithCustomError(mp, "ChannelNothingToClaim")
          .withArgs(channelId, DEPOSIT, DEPOSIT);
        await topUp(mp, payer, channel, 1_000n);
        const tx2 = await mp.claim(channel, promised, sig);
        await expectBalanceChanges(tx2, asset, [payee, mpAddress], [500n, -500n]);
        await expect(tx2).to.emit(mp, "ChannelClaimed").withArgs(channelId, promised);
        await expectChannelState(mp, channelId, openState(DEPOSIT + 1_000n, promised));
      });

      it("pays the whole deposit for a voucher of exactly the deposit", async function () {
        const { mp, payer, payee, channel, channelId, domain, asset } = await loadFixture(fixture);
        const tx = await mp.claim(channel, DEPOSIT, await signVoucher(payer, domain, channelId, DEPOSIT));
        await expectBalanceChanges(tx, asset, [payee], [DEPOSIT]);
        await expectChannelState(mp, channelId, openState(DEPOSIT, DEPOSIT));
      });
    });

    describe("vouchers that pay nothing (ChannelNothingToClaim)", function () {
      it("reverts when the same voucher is replayed, and for a lower cumulative amount", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        await mp.claim(channel, PART, sig);
        await expect(mp.claim(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelNothingToClaim")
          .withArgs(channelId, PART, PART);
        const lower = await signVoucher(payer, domain, channelId, PART - 1n);
        await expect(mp.claim(channel, PART - 1n, lower))
          .to.be.revertedWithCustomError(mp, "ChannelNothingToClaim")
          .withArgs(channelId, PART - 1n, PART);
        await expectChannelState(mp, channelId, openState(DEPOSIT, PART));
      });

      it("reverts for a zero-amount voucher on a fresh channel", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        await expect(mp.claim(channel, 0n, await signVoucher(payer, domain, channelId, 0n)))
          .to.be.revertedWithCustomError(mp, "ChannelNothingToClaim")
          .withArgs(channelId, 0n, 0n);
      });
    });

    describe("rejected signers (ChannelInvalidSignature)", function () {
      it("rejects a voucher signed by a foreign key, by the payee, or by the relayer", async function () {
        const { mp, payee, stranger, relayer, channel, channelId, domain } = await loadFixture(fixture);
        for (const signer of [stranger, payee, relayer]) {
          await expect(mp.claim(channel, PART, await signVoucher(signer, domain, channelId, PART)))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
            .withArgs(channelId);
        }
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });

      it("rejects a voucher for another channel of the same payer", async function () {
        const fx = await loadFixture(fixture);
        const { mp, payer, channel, channelId, domain, asset } = fx;
        const other = await openChannel(mp, payer, channelParams(fx, asset, { salt: 2n }));
        const sig = await signVoucher(payer, domain, other.channelId, PART);
        await expect(mp.claim(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
      });

      it("rejects a voucher for another amount than the one signed", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        await expect(mp.claim(channel, PART + 1n, sig))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
      });

      it("rejects a voucher whose domain names another chain id", async function () {
        const { mp, payer, channel, channelId, mpAddress, chainId } = await loadFixture(fixture);
        const sig = await signVoucher(payer, micropaymentsDomain(chainId + 1n, mpAddress), channelId, PART);
        await expect(mp.claim(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
      });

      it("rejects a voucher whose domain names another deployment, or another name or version", async function () {
        const { mp, payer, channel, channelId, chainId, mpAddress } = await loadFixture(fixture);
        const mp2 = (await ethers.deployContract("MicropaymentChannels")) as unknown as MicropaymentChannels;
        const domains = [
          await domainOfChannels(mp2),
          { name: "PeerPay Escrow", version: "1", chainId, verifyingContract: mpAddress },
          { name: "PeerPay Micropayments", version: "2", chainId, verifyingContract: mpAddress },
        ];
        for (const d of domains) {
          await expect(mp.claim(channel, PART, await signVoucher(payer, d, channelId, PART)))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
            .withArgs(channelId);
        }
      });

      it("rejects the high-s twin of a valid signature, and accepts the original", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        await expect(mp.claim(channel, PART, highS(sig)))
          .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
          .withArgs(channelId);
        await expect(mp.claim(channel, PART, sig))
          .to.emit(mp, "ChannelClaimed")
          .withArgs(channelId, PART);
      });

      it("accepts the EIP-2098 compact (64-byte) form of a payer's or session key's signature (§2)", async function () {
        const { mp, payer, payee, sessionKey, channel, channelId, domain, asset } = await loadFixture(fixture);
        const tx = await mp.claim(channel, PART, compact(await signVoucher(payer, domain, channelId, PART)));
        await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, PART);
        await expectBalanceChanges(tx, asset, [payee], [PART]);
        await expect(mp.claim(channel, 2n * PART, compact(await signVoucher(sessionKey, domain, channelId, 2n * PART))))
          .to.emit(mp, "ChannelClaimed")
          .withArgs(channelId, 2n * PART);
        await expectChannelState(mp, channelId, openState(DEPOSIT, 2n * PART));
      });

      it("pays a voucher once whatever its encoding: the 65-byte form after the compact one pays nothing", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        await mp.claim(channel, PART, compact(sig));
        await expect(mp.claim(channel, PART, sig))
          .to.be.revertedWithCustomError(mp, "ChannelNothingToClaim")
          .withArgs(channelId, PART, PART);
      });

      it("rejects the compact form of a high-s signature and a compact signature of another key", async function () {
        const { mp, payer, stranger, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        // In the compact form the top bit is the y parity, so a high s there reads as another s (and another
        // parity): either out of range or recovering a key that is nobody's.
        const highCompact = ethers.concat([ethers.dataSlice(sig, 0, 32), ethers.dataSlice(highS(sig), 32, 64)]);
        for (const bad of [highCompact, compact(await signVoucher(stranger, domain, channelId, PART))]) {
          await expect(mp.claim(channel, PART, bad))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
            .withArgs(channelId);
        }
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });

      it("rejects malformed signatures: 63, 66 bytes, empty, 65 bytes of garbage, v = 29, r = 0", async function () {
        const { mp, payer, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        const badV = ethers.concat([ethers.dataSlice(sig, 0, 64), "0x1d"]);
        const zeroR = ethers.concat([ethers.ZeroHash, ethers.dataSlice(sig, 32)]);
        for (const bad of [
          ethers.dataSlice(sig, 0, 63),
          zeroR,
          ethers.concat([sig, "0x00"]),
          "0x",
          ethers.hexlify(ethers.randomBytes(65)),
          badV,
        ]) {
          await expect(mp.claim(channel, PART, bad))
            .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
            .withArgs(channelId);
        }
        await expectChannelState(mp, channelId, openState(DEPOSIT));
      });
    });

    describe("M-X3 closed channels and ids never reused", function () {
      it("refuses a voucher after the payee closed (ChannelNotOpen), even one above what was paid", async function () {
        const { mp, payer, payee, channel, channelId, domain } = await loadFixture(fixture);
        const sig = await signVoucher(payer, domain, channelId, PART);
        await mp.connect(payee).close(channel, PART, sig);
        const closed = {
          deposit: DEPOSIT,
          claimed: PART,
          closesAt: 0n,
          status: ChannelStatus.Closed,
          signerChanged: false,
        };
        await expectChannelState(mp, channelId, closed);
        const more = await signVoucher(payer, domain, channelId, DEPOSIT);
        for (const [amount, s] of [
          [PART, sig],
          [DEPOSIT, more],
        ] as const) {
          await expect(mp.claim(channel, amount, s))
            .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
            .withArgs(channelId);
          await expect(mp.connect(payee).close(channel, amount, s))
            .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
            .withArgs(channelId);
          await expect(
            mp.claimMany(channel.payee, channel.token, [
              {
                payer: channel.payer,
                signer: channel.signer,
                challengePeriod: PERIOD,
                salt: channel.salt,
                amount,
                signature: s,
              },
            ]),
          )
            .to.be.revertedWithCustomError(mp, "ChannelNotOpen")
            .withArgs(channelId);
        }
        await expectChannelState(mp, channelId, closed);
      });

      it("reverts with ChannelExists when the payer reopens identical terms after the close, so old vouchers stay dead", async function () {
        const fx = await loadFixture(fixture);
        const { mp, payer, payee, channel, channelId, domain, asset } = fx;
        const sig = await signVoucher(payer, domain, channelId, PART);
        await mp.connect(payee).close(channel, PART, sig);
        await expect(mp.connect(payer).open(channelParams(fx, asset), { value: asset === ETH ? DEPOSIT : 0n }))
          .to.be.revertedWithCustomError(mp, "ChannelExists")
          .withArgs(channelId);
      });

      it("reverts with ChannelNotFound for a voucher of terms that were never opened", async function () {
        const { mp, payer, channel, domain } = await loadFixture(fixture);
        const unknown = { ...channel, salt: 4242n };
        const id = await mp.computeChannelId(unknown);
        await expect(mp.claim(unknown, PART, await signVoucher(payer, domain, id, PART)))
          .to.be.revertedWithCustomError(mp, "ChannelNotFound")
          .withArgs(id);
      });
    });
  });
}

describe("§2 ERC-1271 payer", function () {
  /** An ETH channel whose payer is a MockERC1271Wallet owned by `other`, opened through the wallet's `execute`. */
  async function walletChannelFixture() {
    const fx = await channelsFixture();
    const { mp, mpAddress, other } = fx;
    const wallet = (await ethers.deployContract("MockERC1271Wallet", [other.address], {
      value: DEPOSIT,
    })) as unknown as MockERC1271Wallet;
    const params = channelParams(fx, ETH);
    const data = mp.interface.encodeFunctionData("open", [params]);
    const opened = await channelFromTx(mp, await wallet.connect(other).execute(mpAddress, DEPOSIT, data));
    return { ...fx, wallet, walletAddress: await wallet.getAddress(), ...opened };
  }

  it("opens with the wallet as payer and accepts a voucher its ERC-1271 check accepts (signed by its owner)", async function () {
    const { mp, other, payee, relayer, walletAddress, channel, channelId, domain } =
      await loadFixture(walletChannelFixture);
    expect(channel.payer).to.equal(walletAddress);
    const sig = await signVoucher(other, domain, channelId, PART);
    const tx = await mp.connect(relayer).claim(channel, PART, sig);
    await expectBalanceChanges(tx, ETH, [payee, walletAddress], [PART, 0n]);
    await expect(tx).to.emit(mp, "ChannelClaimed").withArgs(channelId, PART);
    await expectChannelState(mp, channelId, openState(DEPOSIT, PART));
  });

  it("still accepts the wallet's session key", async function () {
    const { mp, sessionKey, channel, channelId, domain } = await loadFixture(walletChannelFixture);
    await expect(mp.claim(channel, PART, await signVoucher(sessionKey, domain, channelId, PART)))
      .to.emit(mp, "ChannelClaimed")
      .withArgs(channelId, PART);
  });

  for (const [mode, label] of [
    [1, "refuses"],
    [2, "reverts"],
    [3, "returns garbage"],
  ] as const) {
    it(`reverts with ChannelInvalidSignature when the wallet ${label} (mode ${mode})`, async function () {
      const { mp, other, wallet, channel, channelId, domain } = await loadFixture(walletChannelFixture);
      await wallet.setMode(mode);
      await expect(mp.claim(channel, PART, await signVoucher(other, domain, channelId, PART)))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
      await expectChannelState(mp, channelId, openState(DEPOSIT));
    });
  }

  it("a wallet that burns all the gas it is given cannot make a claim run out of gas: ChannelInvalidSignature, the session key still pays", async function () {
    const { mp, other, sessionKey, payee, wallet, channel, channelId, domain } =
      await loadFixture(walletChannelFixture);
    await wallet.setMode(4);
    // The check gets 63/64 of the gas; the 1/64 left is enough to revert with the contract's own error.
    await expect(mp.claim(channel, PART, await signVoucher(other, domain, channelId, PART), { gasLimit: 1_000_000 }))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(channelId);
    await expectChannelState(mp, channelId, openState(DEPOSIT));
    // A session key's voucher is checked by ECDSA first: the wallet is never asked.
    const tx = await mp.claim(channel, PART, await signVoucher(sessionKey, domain, channelId, PART));
    await expectBalanceChanges(tx, ETH, [payee], [PART]);
  });

  it("M-C3 a gas-burning wallet's claim sinks a batch; the same payee's other channels still claim one by one", async function () {
    const fx = await loadFixture(walletChannelFixture);
    const { mp, payer, payee, other, wallet, channel, channelId, domain } = fx;
    const plain = await openChannel(mp, payer, channelParams(fx, ETH, { salt: 2n }));
    const batch = [
      { ...channel, amount: PART, signature: await signVoucher(other, domain, channelId, PART) },
      { ...plain.channel, amount: PART, signature: await signVoucher(payer, domain, plain.channelId, PART) },
    ].map(({ payer: p, signer, challengePeriod, salt, amount, signature }) => ({
      payer: p,
      signer,
      challengePeriod,
      salt,
      amount,
      signature,
    }));
    await wallet.setMode(4);
    await expect(mp.connect(payee).claimMany(payee.address, ETH, batch, { gasLimit: 2_000_000 }))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(channelId);
    const tx = await mp.claim(plain.channel, PART, batch[1].signature);
    await expectBalanceChanges(tx, ETH, [payee], [PART]);
  });

  it("checks the wallet at claim time: a voucher it accepted is refused once it stops accepting", async function () {
    // Unlike a session key (M-K2), an ERC-1271 payer can withdraw its acceptance at once, with no grace period.
    const { mp, other, wallet, channel, channelId, domain } = await loadFixture(walletChannelFixture);
    const sig = await signVoucher(other, domain, channelId, PART);
    expect(await wallet.isValidSignature(await mp.voucherDigest(channelId, PART), sig)).to.equal("0x1626ba7e");
    await wallet.setMode(1);
    await expect(mp.claim(channel, PART, sig))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(channelId);
  });

  it("rejects a voucher signed by someone other than the wallet's owner", async function () {
    const { mp, stranger, channel, channelId, domain } = await loadFixture(walletChannelFixture);
    await expect(mp.claim(channel, PART, await signVoucher(stranger, domain, channelId, PART)))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(channelId);
  });
});
