import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, TypedDataEncoder, concat, toBeHex } from "ethers";
import { MockERC1271Wallet__factory } from "../../../typechain-types";
import {
  DealStateError,
  DealStatus,
  ESCROW_EIP712_TYPES,
  InvalidParameterError,
  SignatureError,
  buildReleaseTypedData,
  escrowDomain,
  recoverTypedDataSigner,
  signRefund,
  signRelease,
  signSettle,
  verifyTypedData,
} from "../../../sdk";
import { DAY, dealTerms, expectSdkError, sdkFixture, type SdkFixture } from "../../helpers/sdk";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function chainId(): Promise<bigint> {
  return (await ethers.provider.getNetwork()).chainId;
}

async function openDeal(f: SdkFixture) {
  const created = await f.depositorClient.createDeal(await dealTerms(f));
  return { ...created, expiry: (await time.latest()) + DAY };
}

/** The same signature with s mirrored to N - s (and v flipped): valid maths, but malleable. */
function highS(signature: string): string {
  const { r, s, v } = Signature.from(signature);
  return concat([r, toBeHex(SECP256K1_N - BigInt(s), 32), toBeHex(v === 27 ? 28 : 27, 1)]);
}

describe("sdk/escrow/typed-data: the escrow's signed actions", function () {
  describe("the escrow's EIP-712 definitions", function () {
    it("the struct types encode to the typehash strings of the spec (§8)", function () {
      const encode = (name: keyof typeof ESCROW_EIP712_TYPES) =>
        TypedDataEncoder.from({ [name]: [...ESCROW_EIP712_TYPES[name]] }).encodeType(name);
      expect(encode("Release")).to.equal("Release(bytes32 dealId,uint256 amount,uint256 nonce,uint256 expiry)");
      expect(encode("Refund")).to.equal("Refund(bytes32 dealId,uint256 amount,uint256 nonce,uint256 expiry)");
      expect(encode("Settle")).to.equal("Settle(bytes32 dealId,uint256 toBeneficiary,uint256 nonce,uint256 expiry)");
    });

    it("escrowDomain is the domain the contract reports through ERC-5267", async function () {
      const f = await loadFixture(sdkFixture);
      const onChain = await f.escrow.eip712Domain();
      expect(onChain.fields).to.equal("0x0f");
      expect(escrowDomain({ chainId: await chainId(), escrow: f.address })).to.deep.equal({
        name: onChain.name,
        version: onChain.version,
        chainId: onChain.chainId,
        verifyingContract: onChain.verifyingContract,
      });
      expect(onChain.name).to.equal("PeerPay Escrow");
      expect(onChain.version).to.equal("1");
    });
  });

  describe("signatures made by the SDK, checked on-chain and off-chain", function () {
    it("signRelease: the contract accepts it from a relayer; verify and recover agree", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const { signature, typedData } = await signRelease({
        signer: f.depositor,
        escrow: f.address,
        dealId,
        amount: 300n,
        nonce: 0,
        expiry,
      });
      expect(typedData.domain.chainId).to.equal(await chainId());
      expect(typedData.message).to.deep.equal({ dealId, amount: 300n, nonce: 0, expiry });
      expect(recoverTypedDataSigner({ typedData, signature })).to.equal(f.depositor.address);
      expect(await verifyTypedData({ typedData, signature, address: f.depositor.address })).to.equal(true);
      expect(await verifyTypedData({ typedData, signature, address: f.beneficiary.address })).to.equal(false);

      const { events } = await f.client(f.relayer).releaseWithSig({ deal, amount: 300n, expiry, signature });
      expect(events.map((event) => event.type)).to.deep.equal(["DealReleased"]);
      expect((await f.readClient.getDealState({ dealId })).released).to.equal(300n);
      // The release advanced the nonce: the same signature no longer matches (E-S2).
      await expectSdkError(
        f.client(f.relayer).releaseWithSig({ deal, amount: 300n, expiry, signature }),
        SignatureError,
        "ESCROW_INVALID_SIGNATURE",
      );
    });

    it("signRefund: the contract accepts the beneficiary's signature", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const { signature, typedData } = await signRefund({
        signer: f.beneficiary,
        escrow: f.address,
        dealId,
        amount: 40n,
        nonce: 0,
        expiry,
      });
      expect(await verifyTypedData({ typedData, signature, address: f.beneficiary.address })).to.equal(true);
      await f.client(f.relayer).refundWithSig({ deal, amount: 40n, expiry, signature });
      expect((await f.readClient.getDealState({ dealId })).refunded).to.equal(40n);
    });

    it("signSettle: a relayer submits both signatures; the same signature cannot be used twice", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const message = { escrow: f.address, dealId, toBeneficiary: 650_000n, nonce: 0, expiry };
      const depositorSignature = (await signSettle({ signer: f.depositor, ...message })).signature;
      const beneficiarySignature = (await signSettle({ signer: f.beneficiary, ...message })).signature;
      const relayer = f.client(f.relayer);
      const { events } = await relayer.settle({
        deal,
        toBeneficiary: 650_000n,
        expiry,
        depositorSignature,
        beneficiarySignature,
      });
      expect(events.map((event) => event.type)).to.deep.equal(["DealSettled"]);
      expect(await f.readClient.getDealState({ dealId })).to.deep.include({ released: 650_000n, refunded: 350_000n });
      await expectSdkError(
        relayer.settle({ deal, toBeneficiary: 650_000n, expiry, depositorSignature, beneficiarySignature }),
        DealStateError,
        "ESCROW_INVALID_STATUS",
        { dealId, current: DealStatus.Closed },
      );
    });

    it("settle: the beneficiary submits with only the depositor's signature", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const { signature } = await f.depositorClient.signSettle({ deal, toBeneficiary: 1_000_000n, expiry });
      const before = await ethers.provider.getBalance(f.depositor.address);
      await f.beneficiaryClient.settle({ deal, toBeneficiary: 1_000_000n, expiry, depositorSignature: signature });
      expect(await f.readClient.getDealState({ dealId })).to.deep.include({ released: 1_000_000n, refunded: 0n });
      expect(await ethers.provider.getBalance(f.depositor.address)).to.equal(before);
    });

    it("a signature by the wrong party, for another chain, or expired is refused on-chain and off-chain", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const relayer = f.client(f.relayer);
      const byBeneficiary = await signRelease({
        signer: f.beneficiary,
        escrow: f.address,
        dealId,
        amount: 1n,
        nonce: 0,
        expiry,
      });
      await expectSdkError(
        relayer.releaseWithSig({ deal, amount: 1n, expiry, signature: byBeneficiary.signature }),
        SignatureError,
        "ESCROW_INVALID_SIGNATURE",
        { signer: f.depositor.address },
      );

      const otherChain = await signRelease({
        signer: f.depositor,
        chainId: 1,
        escrow: f.address,
        dealId,
        amount: 1n,
        nonce: 0,
        expiry,
      });
      const here = buildReleaseTypedData({
        chainId: await chainId(),
        escrow: f.address,
        dealId,
        amount: 1n,
        nonce: 0,
        expiry,
      });
      expect(
        await verifyTypedData({ typedData: here, signature: otherChain.signature, address: f.depositor.address }),
      ).to.equal(false);
      await expectSdkError(
        relayer.releaseWithSig({ deal, amount: 1n, expiry, signature: otherChain.signature }),
        SignatureError,
        "ESCROW_INVALID_SIGNATURE",
      );

      const soon = (await time.latest()) + 10;
      const { signature } = await f.depositorClient.signRelease({ deal, amount: 1n, expiry: soon });
      await time.increaseTo(soon + 1);
      await expectSdkError(
        relayer.releaseWithSig({ deal, amount: 1n, expiry: soon, signature }),
        SignatureError,
        "ESCROW_SIGNATURE_EXPIRED",
        {
          expiry: BigInt(soon),
        },
      );
    });

    it("a high-s (malleable) signature is refused by recover, verify and the contract alike", async function () {
      const f = await loadFixture(sdkFixture);
      const { dealId, deal, expiry } = await openDeal(f);
      const { signature, typedData } = await f.depositorClient.signRelease({ deal, amount: 1n, expiry });
      const malleated = highS(signature);
      expect(() => recoverTypedDataSigner({ typedData, signature: malleated })).to.throw(InvalidParameterError);
      expect(await verifyTypedData({ typedData, signature: malleated, address: f.depositor.address })).to.equal(false);
      await expectSdkError(
        f.client(f.relayer).releaseWithSig({ deal, amount: 1n, expiry, signature: malleated }),
        SignatureError,
        "ESCROW_INVALID_SIGNATURE",
      );
      expect((await f.readClient.getDealState({ dealId })).released).to.equal(0n);
    });
  });

  describe("smart-wallet (ERC-1271) parties", function () {
    async function walletDeal(f: SdkFixture) {
      const wallet = await new MockERC1271Wallet__factory(f.depositor).deploy(f.depositor.address);
      const walletAddress = await wallet.getAddress();
      // The wallet creates the deal: the SDK builds the call, the wallet's owner routes it through execute().
      const built = await f.readClient.buildCreateDeal({ ...(await dealTerms(f)), depositor: walletAddress });
      await wallet.execute(built.to, built.value, built.data, { value: built.value });
      return { wallet, walletAddress, ...built, expiry: (await time.latest()) + DAY };
    }

    it("the owner's signature for the wallet verifies through isValidSignature and is accepted on-chain", async function () {
      const f = await loadFixture(sdkFixture);
      const { walletAddress, dealId, deal, expiry } = await walletDeal(f);
      const { signature, typedData } = await signRelease({
        signer: f.depositor,
        escrow: f.address,
        dealId,
        amount: 10n,
        nonce: 0,
        expiry,
      });
      const provider = ethers.provider;
      expect(await verifyTypedData({ typedData, signature, address: walletAddress, provider })).to.equal(true);
      // Without a provider only ECDSA can be checked, and the wallet has no key.
      expect(await verifyTypedData({ typedData, signature, address: walletAddress })).to.equal(false);
      await f.client(f.relayer).releaseWithSig({ deal, amount: 10n, expiry, signature });
      expect((await f.readClient.getDealState({ dealId })).released).to.equal(10n);
    });

    it("a wallet that refuses makes verify false and the contract revert ESCROW_INVALID_SIGNATURE", async function () {
      const f = await loadFixture(sdkFixture);
      const { wallet, walletAddress, dealId, deal, expiry } = await walletDeal(f);
      await wallet.setMode(1);
      const { signature, typedData } = await signRelease({
        signer: f.depositor,
        escrow: f.address,
        dealId,
        amount: 10n,
        nonce: 0,
        expiry,
      });
      expect(
        await verifyTypedData({ typedData, signature, address: walletAddress, provider: ethers.provider }),
      ).to.equal(false);
      await expectSdkError(
        f.client(f.relayer).releaseWithSig({ deal, amount: 10n, expiry, signature }),
        SignatureError,
        "ESCROW_INVALID_SIGNATURE",
        { signer: walletAddress },
      );
    });
  });
});
