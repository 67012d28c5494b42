import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { Signature, TypedDataEncoder, Wallet, ZeroAddress, getAddress, hexlify, toBeHex } from "ethers";
import { MockERC1271Wallet__factory } from "../../../typechain-types";
import {
  PAYMENT_CHANNELS_EIP712_TYPES,
  InvalidParameterError,
  balanceProofHash,
  buildPaymentChannelTypedData,
  hashTypedData,
  recoverPaymentChannelSigner,
  signPaymentChannelMessage,
  toPaymentChannelId,
  verifyPaymentChannelSignature,
  type PaymentChannelId,
} from "../../../sdk";
import { paymentChannelsFixture } from "../../helpers/payment-channels-sdk";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const RUNS = { numRuns: 25 };

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => hexlify(b));
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(hexlify(b)));
const channelIdArb = bytes32.map((h) => toPaymentChannelId(h));
const proofArb = fc.record({ nonce: uint(64), transferred: uint(256), locked: uint(256), locksRoot: bytes32 });

function highS(signature: string): string {
  const sig = Signature.from(signature);
  return sig.r + toBeHex(SECP256K1_N - BigInt(sig.s), 32).slice(2) + (sig.v === 27 ? "1c" : "1b");
}

describe("sdk/payment-channels/typed-data", function () {
  it("declares each struct exactly as the contract's typehash string", async function () {
    const { channels } = await loadFixture(paymentChannelsFixture);
    for (const [name, getter] of [
      ["BalanceProof", "BALANCE_PROOF_TYPEHASH"],
      ["Withdraw", "WITHDRAW_TYPEHASH"],
      ["CooperativeClose", "COOPERATIVE_CLOSE_TYPEHASH"],
      ["Reward", "REWARD_TYPEHASH"],
    ] as const) {
      const types = { [name]: [...PAYMENT_CHANNELS_EIP712_TYPES[name]] };
      const encoded = TypedDataEncoder.from(types).encodeType(name);
      expect(ethers.id(encoded), name).to.equal(await channels[getter]());
    }
  });

  it("BalanceProof digests equal the contract's balanceProofDigest, and balanceProofHash the struct hash", async function () {
    const { channels, chainId, contract } = await loadFixture(paymentChannelsFixture);
    await fc.assert(
      fc.asyncProperty(channelIdArb, proofArb, async (channelId, proof) => {
        const typedData = buildPaymentChannelTypedData({
          chainId,
          contract,
          primaryType: "BalanceProof",
          message: { channelId, ...proof },
        });
        expect(hashTypedData(typedData)).to.equal(await channels.balanceProofDigest(channelId, proof));
        expect(balanceProofHash({ channelId, proof })).to.equal(
          TypedDataEncoder.hashStruct("BalanceProof", typedData.types as never, typedData.message),
        );
      }),
      RUNS,
    );
  });

  it("Withdraw, CooperativeClose and Reward digests equal the contract's views", async function () {
    const { channels, chainId, contract } = await loadFixture(paymentChannelsFixture);
    const deployment = { chainId, contract };
    await fc.assert(
      fc.asyncProperty(
        channelIdArb,
        address,
        uint(256),
        uint(256),
        uint(256),
        bytes32,
        async (channelId, who, a, b, expiry, hash) => {
          const withdraw = buildPaymentChannelTypedData({
            ...deployment,
            primaryType: "Withdraw",
            message: { channelId, participant: who, totalWithdrawn: a, expiry },
          });
          expect(hashTypedData(withdraw)).to.equal(await channels.withdrawDigest(channelId, who, a, expiry));
          const close = buildPaymentChannelTypedData({
            ...deployment,
            primaryType: "CooperativeClose",
            message: { channelId, balance1: a, balance2: b, expiry },
          });
          expect(hashTypedData(close)).to.equal(await channels.cooperativeCloseDigest(channelId, a, b, expiry));
          const reward = buildPaymentChannelTypedData({
            ...deployment,
            primaryType: "Reward",
            message: { channelId, balanceProofHash: hash, watchtower: who, amount: b },
          });
          expect(hashTypedData(reward)).to.equal(await channels.rewardDigest(channelId, hash, who, b));
        },
      ),
      RUNS,
    );
  });

  it("refuses out-of-range fields before signing (a nonce above uint64, a malformed id)", function () {
    const base = { chainId: 1n, contract: ZeroAddress, primaryType: "BalanceProof" as const };
    const channelId = toPaymentChannelId("0x" + "11".repeat(32));
    const proof = { nonce: 1n << 64n, transferred: 0n, locked: 0n, locksRoot: "0x" + "00".repeat(32) };
    expect(() => buildPaymentChannelTypedData({ ...base, message: { channelId, ...proof } })).to.throw(
      InvalidParameterError,
    );
    expect(() =>
      buildPaymentChannelTypedData({
        ...base,
        message: { channelId: "0x12" as PaymentChannelId, ...proof, nonce: 1n },
      }),
    ).to.throw(InvalidParameterError);
  });

  describe("signing and verifying", function () {
    async function signed() {
      const f = await loadFixture(paymentChannelsFixture);
      const channelId = toPaymentChannelId("0x" + "42".repeat(32));
      const message = { channelId, nonce: 3n, transferred: 100n, locked: 0n, locksRoot: "0x" + "00".repeat(32) };
      const params = { chainId: f.chainId, contract: f.contract, primaryType: "BalanceProof" as const, message };
      return { ...f, params };
    }

    it("a wallet's and a session key's signatures verify as the participant's and as a session key's", async function () {
      const { alice, aliceKey, params } = await signed();
      const byWallet = await signPaymentChannelMessage({ ...params, signer: alice });
      const byKey = await signPaymentChannelMessage({ ...params, privateKey: aliceKey.privateKey });
      const base = { typedData: byWallet.typedData, participant: alice.address };
      expect(await verifyPaymentChannelSignature({ ...base, signature: byWallet.signature })).to.deep.equal({
        valid: true,
        by: "participant",
        signer: alice.address,
      });
      expect(
        await verifyPaymentChannelSignature({ ...base, signature: byKey.signature, keys: [aliceKey.address] }),
      ).to.deep.equal({ valid: true, by: "sessionKey", signer: aliceKey.address });
      // The key is not authorised unless listed.
      expect(await verifyPaymentChannelSignature({ ...base, signature: byKey.signature })).to.deep.equal({
        valid: false,
      });
    });

    it("accepts the 64-byte EIP-2098 form and refuses a high s, a bad v and a wrong length", async function () {
      const { alice, params } = await signed();
      const { signature, typedData } = await signPaymentChannelMessage({ ...params, signer: alice });
      const digest = hashTypedData(typedData);
      expect(recoverPaymentChannelSigner({ digest, signature: Signature.from(signature).compactSerialized })).to.equal(
        alice.address,
      );
      expect(recoverPaymentChannelSigner({ digest, signature: highS(signature) })).to.equal(undefined);
      expect(recoverPaymentChannelSigner({ digest, signature: signature.slice(0, 130) + "1d" })).to.equal(undefined);
      expect(recoverPaymentChannelSigner({ digest, signature: signature + "00" })).to.equal(undefined);
      expect(recoverPaymentChannelSigner({ digest, signature: "not hex" })).to.equal(undefined);
    });

    it("accepts an ERC-1271 wallet's approval through the provider, and refuses it when the wallet refuses", async function () {
      const { deployer, alice, params } = await signed();
      const wallet = await new MockERC1271Wallet__factory(deployer).deploy(alice.address);
      const walletAddress = await wallet.getAddress();
      const { signature, typedData } = await signPaymentChannelMessage({ ...params, signer: alice });
      const base = { typedData, signature, participant: walletAddress };
      expect(await verifyPaymentChannelSignature(base)).to.deep.equal({ valid: false }); // no provider: ECDSA only
      expect(await verifyPaymentChannelSignature({ ...base, provider: ethers.provider })).to.deep.equal({
        valid: true,
        by: "erc1271",
        signer: walletAddress,
      });
      for (const mode of [1, 2, 3]) {
        await wallet.setMode(mode);
        expect(
          await verifyPaymentChannelSignature({ ...base, provider: ethers.provider }),
          `mode ${mode}`,
        ).to.deep.equal({ valid: false });
      }
      // An EOA participant is never asked through ERC-1271.
      const other = Wallet.createRandom();
      expect(
        await verifyPaymentChannelSignature({ ...base, participant: other.address, provider: ethers.provider }),
      ).to.deep.equal({ valid: false });
    });
  });
});
