import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, Wallet, ZeroAddress, toBeHex } from "ethers";
import {
  InvalidParameterError,
  VoucherError,
  VoucherVerifier,
  buildVoucherTypedData,
  computeChannelId,
  hashTypedData,
  signVoucher,
  toChannelId,
  type ChannelId,
} from "../../../sdk";
import { compactSignature } from "../../../sdk/channels/verifier";
import { loadNativeSecp256k1 } from "../../../sdk/internal/secp256k1";
import { SECP256K1_N, channelsFixture, openChannel, type ChannelsFixture } from "../../helpers/channels-sdk";
import { expectSdkError } from "../../helpers/sdk";

const PATHS = [
  { name: "native secp256k1", native: true },
  { name: "ethers fallback", native: false },
];

function verifier(f: ChannelsFixture, native: boolean) {
  return new VoucherVerifier({ chainId: f.chainId, contract: f.contract, native });
}

/** The same signature with s replaced by n - s and v flipped: valid for plain ecrecover, refused by OpenZeppelin. */
function malleate(signature: string): string {
  const sig = Signature.from(signature);
  const highS = toBeHex(SECP256K1_N - BigInt(sig.s), 32);
  const v = sig.v === 27 ? "1c" : "1b";
  return sig.r + highS.slice(2) + v;
}

/** EIP-2098 by arithmetic, independently of the SDK: r ‖ (yParity << 255 | s), with any s (even a high one). */
function compactOf(r: string, s: bigint, v: number): string {
  return r + toBeHex((BigInt(v - 27) << 255n) | s, 32).slice(2);
}

/** The SDK refuses `signature` for a 10-unit voucher with `reason`, and the contract refuses the same bytes. */
async function expectRefusedByBoth(
  f: ChannelsFixture,
  native: boolean,
  opened: Awaited<ReturnType<typeof openChannel>>,
  signature: string,
  reason: string,
): Promise<void> {
  await expectSdkError(
    () => verifier(f, native).recover({ channelId: opened.channelId, amount: 10n, signature }),
    VoucherError,
    "VOUCHER_INVALID_SIGNATURE",
    { reason },
  );
  await expect(f.channels.claim(opened.channel, 10n, signature)).to.be.revertedWithCustomError(
    f.channels,
    "ChannelInvalidSignature",
  );
}

describe("Vouchers: ids, digests, signing and fast verification", function () {
  it("loads the native secp256k1 binding in this environment (the fast path is really tested)", function () {
    expect(loadNativeSecp256k1()).to.not.equal(null);
  });

  it("computes the contract's channel id for ETH and ERC20 channels, with and without a session key", async function () {
    const f = await loadFixture(channelsFixture);
    const cases = [
      await openChannel(f),
      await openChannel(f, { token: f.tokenAddress, signer: f.sessionKey.address, salt: 2, challengePeriod: 7_200 }),
    ];
    for (const { channel, channelId } of cases) {
      expect(channelId).to.equal(await f.channels.computeChannelId(channel));
      expect((await f.channels.getChannelState(channelId)).status).to.equal(1n);
    }
    expect(cases[0].channelId).to.not.equal(cases[1].channelId);
  });

  it("binds the channel id to the chain and the contract", async function () {
    const f = await loadFixture(channelsFixture);
    const { channel, channelId } = await openChannel(f);
    expect(computeChannelId({ chainId: f.chainId + 1n, contract: f.contract, channel })).to.not.equal(channelId);
    expect(computeChannelId({ chainId: f.chainId, contract: f.tokenAddress, channel })).to.not.equal(channelId);
  });

  for (const path of PATHS) {
    describe(path.name, function () {
      it("computes the contract's voucherDigest for amounts from 0 to 2^256 - 1", async function () {
        const f = await loadFixture(channelsFixture);
        const { channelId } = await openChannel(f);
        const v = verifier(f, path.native);
        expect(v.native).to.equal(path.native);
        for (const amount of [0n, 1n, 255n, 256n, 10n ** 18n, (1n << 96n) - 1n, (1n << 256n) - 1n]) {
          const onChain = await f.channels.voucherDigest(channelId, amount);
          expect(ethers.hexlify(v.digest({ channelId, amount }))).to.equal(onChain);
          const typedData = buildVoucherTypedData({ chainId: f.chainId, contract: f.contract, channelId, amount });
          expect(hashTypedData(typedData)).to.equal(onChain);
        }
      });

      it("signs with a raw key exactly as an ethers wallet does, and recovers the signer", async function () {
        const f = await loadFixture(channelsFixture);
        const { channelId } = await openChannel(f, { signer: f.sessionKey.address });
        const context = { chainId: f.chainId, contract: f.contract, channelId };
        for (const amount of [1n, 77n, 123_456_789n]) {
          const raw = await signVoucher({
            ...context,
            amount,
            privateKey: f.sessionKey.privateKey,
            native: path.native,
          });
          const wallet = await signVoucher({ ...context, amount, signer: f.sessionKey });
          expect(raw.signature).to.equal(wallet.signature);
          expect(raw.typedData.message).to.deep.equal({ channelId, amount });
          expect(verifier(f, path.native).recover({ channelId, amount, signature: raw.signature })).to.equal(
            f.sessionKey.address,
          );
        }
      });

      it("signs vouchers the contract pays out, by the session key and by the payer", async function () {
        const f = await loadFixture(channelsFixture);
        const { channel, channelId } = await openChannel(f, { signer: f.sessionKey.address });
        const context = { chainId: f.chainId, contract: f.contract, channelId };
        const bySession = await signVoucher({
          ...context,
          amount: 100n,
          privateKey: f.sessionKey.privateKey,
          native: path.native,
        });
        await expect(f.channels.connect(f.relayer).claim(channel, 100n, bySession.signature)).to.changeEtherBalance(
          f.payee,
          100n,
        );
        const byPayer = await signVoucher({ ...context, amount: 250n, signer: f.payer });
        expect(verifier(f, path.native).recover({ channelId, amount: 250n, signature: byPayer.signature })).to.equal(
          f.payer.address,
        );
        await expect(f.channels.connect(f.relayer).claim(channel, 250n, byPayer.signature)).to.changeEtherBalance(
          f.payee,
          150n,
        );
      });

      it("rejects a high-s signature, as the contract does", async function () {
        const f = await loadFixture(channelsFixture);
        const { channel, channelId } = await openChannel(f, { signer: f.sessionKey.address });
        const { signature } = await signVoucher({
          chainId: f.chainId,
          contract: f.contract,
          channelId,
          amount: 10n,
          privateKey: f.sessionKey.privateKey,
        });
        const highS = malleate(signature);
        // The malleated signature is mathematically valid (libsecp256k1's recovery accepts high s): only the s
        // check refuses it.
        const digest = ethers.getBytes(await f.channels.voucherDigest(channelId, 10n));
        const raw = ethers.getBytes(highS);
        const publicKey = loadNativeSecp256k1()!.ecdsaRecover(
          raw.subarray(0, 64),
          raw[64] - 27,
          digest,
          false,
          new Uint8Array(65),
        );
        expect(ethers.computeAddress(ethers.hexlify(publicKey))).to.equal(f.sessionKey.address);
        await expectRefusedByBoth(f, path.native, { channel, channelId }, highS, "s is above n/2 (malleable)");
      });

      it("rejects malformed signatures with VOUCHER_INVALID_SIGNATURE", async function () {
        const f = await loadFixture(channelsFixture);
        const { channelId } = await openChannel(f);
        const { signature } = await signVoucher({
          chainId: f.chainId,
          contract: f.contract,
          channelId,
          amount: 10n,
          privateKey: f.sessionKey.privateKey,
        });
        const v = verifier(f, path.native);
        const cases: [string, string][] = [
          [signature.slice(0, 128), "must be 64 or 65 bytes of hex"],
          [signature.slice(0, 130) + "0", "must be 64 or 65 bytes of hex"],
          [signature + "00", "must be 64 or 65 bytes of hex"],
          [signature.slice(2), "must be 64 or 65 bytes of hex"],
          ["0x" + "zz" + signature.slice(4), "must be 64 or 65 bytes of hex"],
          ["0x" + "zz" + signature.slice(4, 130), "must be 64 or 65 bytes of hex"],
          [signature.slice(0, 130) + "00", "v must be 27 or 28"],
          [signature.slice(0, 130) + "01", "v must be 27 or 28"],
          [signature.slice(0, 130) + "1d", "v must be 27 or 28"],
          ["0x" + "00".repeat(32) + signature.slice(66), "recovers no key"],
          [signature.slice(0, 66) + "00".repeat(32) + signature.slice(130), "recovers no key"],
          ["0x" + "ff".repeat(32) + signature.slice(66), "recovers no key"],
        ];
        for (const [bad, reason] of cases) {
          await expectSdkError(
            () => v.recover({ channelId, amount: 10n, signature: bad }),
            VoucherError,
            "VOUCHER_INVALID_SIGNATURE",
            { reason },
          );
        }
      });

      it("recovers the signer of a 64-byte EIP-2098 signature (both parities), and the contract pays it", async function () {
        const f = await loadFixture(channelsFixture);
        const { channel, channelId } = await openChannel(f, { signer: f.sessionKey.address });
        const v = verifier(f, path.native);
        const parities = new Set<number>();
        let claimed = 0n;
        for (let amount = 1n; parities.size < 2; amount++) {
          expect(amount < 64n, "no signature of each parity in 64 amounts").to.equal(true);
          const { signature } = await signVoucher({
            chainId: f.chainId,
            contract: f.contract,
            channelId,
            amount,
            privateKey: f.sessionKey.privateKey,
            native: path.native,
          });
          const sig = Signature.from(signature);
          if (parities.has(sig.v)) continue;
          parities.add(sig.v);
          const compact = compactOf(sig.r, BigInt(sig.s), sig.v);
          expect(compact).to.equal(sig.compactSerialized);
          expect(compactSignature(signature)).to.equal(compact);
          expect(compactSignature(compact)).to.equal(compact);
          expect(v.recover({ channelId, amount, signature: compact })).to.equal(f.sessionKey.address);
          // The other parity bit names another key (or none): the bit is really read.
          const flipped = compactOf(sig.r, BigInt(sig.s), sig.v === 27 ? 28 : 27);
          let other: string | undefined;
          try {
            other = v.recover({ channelId, amount, signature: flipped });
          } catch (error) {
            expect((error as VoucherError).code).to.equal("VOUCHER_INVALID_SIGNATURE");
          }
          expect(other).to.not.equal(f.sessionKey.address);
          await expect(f.channels.connect(f.relayer).claim(channel, amount, compact)).to.changeEtherBalance(
            f.payee,
            amount - claimed,
          );
          claimed = amount;
        }
      });

      it("rejects a 64-byte signature whose s is high, as the contract does", async function () {
        const f = await loadFixture(channelsFixture);
        const { channel, channelId } = await openChannel(f, { signer: f.sessionKey.address });
        const { signature } = await signVoucher({
          chainId: f.chainId,
          contract: f.contract,
          channelId,
          amount: 10n,
          privateKey: f.sessionKey.privateKey,
        });
        const sig = Signature.from(signature);
        // A 64-byte signature holds s in 255 bits: the high s of a real signature (n - s, about 2^256) does not fit,
        // but s in (n/2, 2^255) does, and must be refused before recovery, with either parity.
        const halfN = SECP256K1_N / 2n;
        for (const [s, v] of [
          [halfN + 1n, 27],
          [halfN + 1n, 28],
          [(1n << 255n) - 1n, 28],
        ] as const) {
          const high = compactOf(sig.r, s, v);
          await expectRefusedByBoth(f, path.native, { channel, channelId }, high, "s is above n/2 (malleable)");
        }
        // s = n/2 exactly is low: the check lets it through to recovery (a key, not the signer's).
        const boundary = compactOf(sig.r, halfN, 27);
        let recovered: string | undefined;
        try {
          recovered = verifier(f, path.native).recover({ channelId, amount: 10n, signature: boundary });
        } catch (error) {
          expect((error as VoucherError).details.reason).to.equal("recovers no key");
        }
        expect(recovered).to.not.equal(f.sessionKey.address);
        expect(() => compactSignature(malleate(signature))).to.throw(InvalidParameterError);
        // r or s zero, r out of range: no key, in both forms.
        for (const bad of [
          "0x" + "00".repeat(32) + compactOf(sig.r, BigInt(sig.s), sig.v).slice(66),
          sig.r + "00".repeat(32),
          "0x" + "ff".repeat(32) + compactOf(sig.r, BigInt(sig.s), sig.v).slice(66),
        ]) {
          await expectRefusedByBoth(f, path.native, { channel, channelId }, bad, "recovers no key");
        }
      });

      it("recovers another address for a tampered amount or channel", async function () {
        const f = await loadFixture(channelsFixture);
        const { channelId } = await openChannel(f);
        const context = { chainId: f.chainId, contract: f.contract };
        const { signature } = await signVoucher({ ...context, channelId, amount: 10n, signer: f.payer });
        const v = verifier(f, path.native);
        expect(v.recover({ channelId, amount: 11n, signature })).to.not.equal(f.payer.address);
        const other = toChannelId("0x" + "11".repeat(32));
        expect(v.recover({ channelId: other, amount: 10n, signature })).to.not.equal(f.payer.address);
        // A verifier of another deployment (domain) recovers another key too.
        const elsewhere = new VoucherVerifier({ ...context, contract: f.tokenAddress, native: path.native });
        expect(elsewhere.recover({ channelId, amount: 10n, signature })).to.not.equal(f.payer.address);
      });
    });
  }

  it("agrees between the native and the fallback path on many keys (the address cache included)", async function () {
    const f = await loadFixture(channelsFixture);
    const native = verifier(f, true);
    const fallback = verifier(f, false);
    const keys = Array.from({ length: 8 }, (_, i) => new Wallet(toBeHex(1000n + BigInt(i), 32)));
    for (let i = 0; i < 64; i++) {
      const key = keys[i % keys.length];
      const channelId = toChannelId(ethers.keccak256(toBeHex(i, 32)));
      const amount = BigInt(i) * 1_000_003n + 1n;
      const { signature } = await signVoucher({
        chainId: f.chainId,
        contract: f.contract,
        channelId,
        amount,
        privateKey: key.privateKey,
      });
      expect(native.recoverLowercase({ channelId, amount, signature })).to.equal(key.address.toLowerCase());
      expect(fallback.recoverLowercase({ channelId, amount, signature })).to.equal(key.address.toLowerCase());
    }
  });

  it("validates its inputs with InvalidParameterError", async function () {
    const f = await loadFixture(channelsFixture);
    const channelId = toChannelId("0x" + "22".repeat(32));
    const context = { chainId: f.chainId, contract: f.contract, channelId };
    await expectSdkError(
      signVoucher({ ...context, amount: 1n, privateKey: "0x1234" }),
      InvalidParameterError,
      "INVALID_PARAMETER",
      { parameter: "privateKey" },
    );
    await expectSdkError(
      signVoucher({ ...context, amount: -1n, signer: f.payer }),
      InvalidParameterError,
      "INVALID_PARAMETER",
      { parameter: "amount" },
    );
    await expectSdkError(
      () => verifier(f, true).digest({ channelId: "0x1234" as ChannelId, amount: 1n }),
      InvalidParameterError,
      "INVALID_PARAMETER",
      { parameter: "channelId" },
    );
    expect(() => toChannelId("0x" + "00".repeat(31))).to.throw(InvalidParameterError);
    expect(() =>
      computeChannelId({
        ...context,
        channel: {
          payer: f.payer.address,
          payee: "nope",
          token: ZeroAddress,
          signer: ZeroAddress,
          challengePeriod: 1,
          salt: 0,
        },
      }),
    ).to.throw(InvalidParameterError);
  });
});
