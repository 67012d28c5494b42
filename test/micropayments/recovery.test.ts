// docs/micropayments.md §2 (which signatures name a signer) and M-M1 (payouts), at the edges that the mutation run
// (npm run mutation, docs/security.md) showed no other test pinned: each test names the mutant it kills.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, SigningKey } from "ethers";
import type { MockAccount } from "../../typechain-types";
import { ETH, expectBalanceChanges } from "../helpers/escrow";
import {
  DEPOSIT,
  channelParams,
  channelsFixture,
  openChannel,
  signVoucher,
  voucherDigestOf,
  type ChannelsFixture,
} from "../helpers/micropayments";

/** secp256k1n / 2: the largest s of a low-s signature. */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const AMOUNT = DEPOSIT / 4n;

async function channelWithKey(fx: ChannelsFixture, signer: string, salt = 1n) {
  const opened = await openChannel(fx.mp, fx.payer, channelParams(fx, ETH, { signer, salt }));
  return { ...fx, ...opened };
}

/** A 65-byte signature (r, s, v) and the address it recovers for `digest`, computed off-chain. */
function forged(digest: string, s: bigint, v: 27 | 28) {
  // r: the x coordinate of a point on the curve (the generator's), so that the precompile recovers some key.
  const r = "0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  const sig = Signature.from({ r, s: ethers.toBeHex(s, 32), v });
  const recovered = SigningKey.recoverPublicKey(digest, { r, s: ethers.toBeHex(s, 32), v });
  return { signature: sig.serialized, signer: ethers.computeAddress(recovered) };
}

describe("§2 which signatures name a signer: the edges", function () {
  it("refuses a signature that recovers no one on a channel without a session key (kills `recovered != address(1)`)", async function () {
    const fx = await loadFixture(channelsFixture);
    const { mp, channel, channelId } = await channelWithKey(fx, ethers.ZeroAddress);
    // 65 bytes with v = 29: the precompile recovers nothing, and a channel without a key must not treat the zero
    // address as its key.
    const garbage = ethers.concat([ethers.randomBytes(64), "0x1d"]);
    await expect(mp.connect(fx.payee).claim(channel, AMOUNT, garbage))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(channelId);
  });

  it("names no signer for other lengths or a high s, even when the session key is address(1) (kills `return address(1)`)", async function () {
    const fx = await loadFixture(channelsFixture);
    const one = ethers.getAddress("0x0000000000000000000000000000000000000001");
    const { mp, channel, channelId, domain } = await channelWithKey(fx, one);
    const good = await signVoucher(fx.payer, domain, channelId, AMOUNT);
    const highS = ethers.concat([
      ethers.dataSlice(good, 0, 32),
      ethers.toBeHex(
        0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n - BigInt(ethers.dataSlice(good, 32, 64)),
        32,
      ),
      ethers.toBeHex(Number(ethers.dataSlice(good, 64, 65)) === 27 ? 28 : 27, 1),
    ]);
    for (const signature of [
      "0x",
      ethers.hexlify(ethers.randomBytes(10)),
      ethers.hexlify(ethers.randomBytes(66)),
      highS,
    ]) {
      await expect(mp.connect(fx.payee).claim(channel, AMOUNT, signature))
        .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
        .withArgs(channelId);
    }
  });

  it("accepts s = secp256k1n / 2 exactly and refuses s = secp256k1n / 2 + 1 (kills `>=` and the bound + 1)", async function () {
    const fx = await loadFixture(channelsFixture);
    const { mp } = fx;
    // Each channel's key is whatever key a hand-made signature recovers: s = n/2 is low (valid), n/2 + 1 is high.
    const low = await channelWithKey(fx, ethers.ZeroAddress, 1n);
    const atBound = forged(voucherDigestOf(fx.domain, low.channelId, AMOUNT), HALF_N, 27);
    await mp.connect(fx.payer).setSigner(low.channel, atBound.signer);
    await expect(mp.connect(fx.payee).claim(low.channel, AMOUNT, atBound.signature)).to.emit(mp, "ChannelClaimed");

    const high = await channelWithKey(fx, ethers.ZeroAddress, 2n);
    const above = forged(voucherDigestOf(fx.domain, high.channelId, AMOUNT), HALF_N + 1n, 27);
    await mp.connect(fx.payer).setSigner(high.channel, above.signer);
    await expect(mp.connect(fx.payee).claim(high.channel, AMOUNT, above.signature))
      .to.be.revertedWithCustomError(mp, "ChannelInvalidSignature")
      .withArgs(high.channelId);
  });
});

describe("M-M1 payouts at their smallest", function () {
  it("pays exactly 1 wei (kills `if (amount == 1) return`)", async function () {
    const fx = await loadFixture(channelsFixture);
    const { mp, channel, channelId, domain, payee } = await channelWithKey(fx, ethers.ZeroAddress);
    const tx = mp.connect(payee).claim(channel, 1n, await signVoucher(fx.payer, domain, channelId, 1n));
    await expectBalanceChanges(tx, ETH, [payee, fx.mpAddress], [1n, -1n]);
  });

  it("makes no call and credits nothing for a zero payout, even to a payer that refuses ETH (kills the deleted `return`)", async function () {
    const fx = await loadFixture(channelsFixture);
    const wallet = (await ethers.deployContract("MockAccount", [fx.payer.address])) as unknown as MockAccount;
    await fx.payer.sendTransaction({ to: await wallet.getAddress(), value: 2n * DEPOSIT });
    await wallet.setRejectEth(true);
    const params = channelParams(fx, ETH, { signer: fx.sessionKey.address });
    const { mp } = fx;
    const data = mp.interface.encodeFunctionData("open", [params]);
    await wallet.connect(fx.payer).execute(await mp.getAddress(), DEPOSIT, data);
    const channel = {
      payer: await wallet.getAddress(),
      payee: params.payee,
      token: ETH,
      signer: params.signer,
      challengePeriod: params.challengePeriod,
      salt: params.salt,
    };
    const channelId = await mp.computeChannelId(channel);
    // The payee closes with a voucher for the whole deposit: the payer's share is 0, and nothing is pushed to it.
    const sig = await signVoucher(fx.sessionKey, fx.domain, channelId, DEPOSIT);
    const tx = await mp.connect(fx.payee).close(channel, DEPOSIT, sig);
    await expect(tx).not.to.emit(mp, "PaymentCredited");
    expect(await mp.creditOf(ETH, channel.payer)).to.equal(0n);
  });
});
