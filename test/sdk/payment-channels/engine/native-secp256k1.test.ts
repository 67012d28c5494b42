import { expect } from "chai";
import { SigningKey, Wallet, ZeroHash, hexlify, randomBytes, recoverAddress } from "ethers";
import { recoverPaymentChannelSigner, toPaymentChannelId, type BalanceProof } from "../../../../sdk";
import { loadNativeSecp256k1 } from "../../../../sdk/internal/secp256k1";
import { ProofSigner } from "../../../../sdk/payment-channels/engine/proofs";

const DEPLOYMENT = { chainId: 31_337n, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function proofs(): BalanceProof[] {
  const out: BalanceProof[] = [];
  for (let i = 1; i <= 24; i++) {
    out.push({
      nonce: BigInt(i) * 7_919n,
      transferred: BigInt(hexlify(randomBytes(1 + (i % 16)))),
      locked: i % 3 === 0 ? BigInt(hexlify(randomBytes(12))) : 0n,
      locksRoot: i % 3 === 0 ? hexlify(randomBytes(32)) : ZeroHash,
    });
  }
  return out;
}

// The engine signs and the receiver recovers with libsecp256k1 when it is installed (it is, as a dev dependency):
// the results must be exactly ethers', or proofs would stop being byte-equal repeats and signatures would be refused.
describe("Payment channel signatures through libsecp256k1 (the engine's fast path)", function () {
  before(function () {
    expect(loadNativeSecp256k1(), "the native secp256k1 binding must load here, or these tests check nothing").to.not.be
      .null;
  });

  it("ProofSigner with a private key produces ethers' own signature for every proof (RFC 6979, low s)", function () {
    const wallet = Wallet.createRandom();
    const signer = new ProofSigner({
      ...DEPLOYMENT,
      channelId: toPaymentChannelId(hexlify(randomBytes(32))),
      signer: { privateKey: wallet.privateKey },
    });
    const ethersKey = new SigningKey(wallet.privateKey);
    for (const proof of proofs()) {
      const signature = signer.sign(proof);
      expect(signature).to.equal(ethersKey.sign(signer.digest(proof)).serialized);
      expect(recoverAddress(signer.digest(proof), signature as string)).to.equal(wallet.address);
    }
  });

  it("recoverPaymentChannelSigner returns the address ethers recovers, checksummed, for 65- and 64-byte forms", function () {
    for (let i = 0; i < 16; i++) {
      const key = new SigningKey(hexlify(randomBytes(32)));
      const digest = hexlify(randomBytes(32));
      const signature = key.sign(digest);
      const expected = recoverAddress(digest, signature);
      expect(recoverPaymentChannelSigner({ digest, signature: signature.serialized })).to.equal(expected);
      expect(recoverPaymentChannelSigner({ digest, signature: signature.compactSerialized })).to.equal(expected);
    }
  });

  it("recoverPaymentChannelSigner refuses (undefined) a high s, r = 0, r ≥ n and an r that is no curve point", function () {
    const key = new SigningKey(hexlify(randomBytes(32)));
    const digest = hexlify(randomBytes(32));
    const { r, s, v } = key.sign(digest);
    const word = (x: bigint) => x.toString(16).padStart(64, "0");
    const sig = (rr: string, ss: string, vv: number) => `0x${rr}${ss}${vv.toString(16)}`;
    const highS = sig(r.slice(2), word(N - BigInt(s)), v === 27 ? 28 : 27);
    expect(recoverPaymentChannelSigner({ digest, signature: highS })).to.equal(undefined);
    expect(recoverPaymentChannelSigner({ digest, signature: sig(word(0n), s.slice(2), v) })).to.equal(undefined);
    expect(recoverPaymentChannelSigner({ digest, signature: sig(word(N), s.slice(2), v) })).to.equal(undefined);
    // x = 5 has no point on secp256k1 (5³ + 7 = 132 is not a square mod p).
    expect(recoverPaymentChannelSigner({ digest, signature: sig(word(5n), s.slice(2), v) })).to.equal(undefined);
  });
});
