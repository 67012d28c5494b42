// docs/escrow.md §8, rules E-S1 (who, which nonce, until when, which deal, chain and contract, which encodings)
// and E-S2 (a used signature cannot be used again). Exact time boundaries of expiry are also in time.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { TypedDataDomain } from "ethers";
import type { Escrow, MockERC1271Wallet } from "../../typechain-types";
import {
  AMOUNT,
  DAY,
  ETH,
  PROTOCOL_FEE_BPS,
  REFUND_TYPES,
  SETTLE_TYPES,
  Status,
  arbiterParams,
  atTime,
  compact,
  createDeal,
  dealFromTx,
  domainOf,
  escrowDomain,
  ethDealsFixture,
  expectBalanceChanges,
  expectState,
  feeOf,
  highS,
  now,
  releaseDigest,
  signRefund,
  signRelease,
  signSettle,
  type AmountMessage,
} from "../helpers/escrow";

const PART = AMOUNT / 4n + 3n;
const fee = (gross: bigint) => feeOf(gross, PROTOCOL_FEE_BPS);

async function signaturesFixture() {
  const fx = await ethDealsFixture();
  const domain = await domainOf(fx.escrow);
  const expiry = (await now()) + DAY;
  const release: AmountMessage = { dealId: fx.arbiterDeal.dealId, amount: PART, nonce: 0n, expiry };
  const releaseSig = await signRelease(fx.depositor, domain, release);
  return { ...fx, domain, expiry, release, releaseSig };
}

/** A second deployment holding a deal with the same terms, hence the same id. */
async function twoEscrowsFixture() {
  const fx = await signaturesFixture();
  const escrow2 = (await ethers.deployContract("Escrow", [fx.owner.address])) as unknown as Escrow;
  await escrow2.connect(fx.owner).setProtocolFee(PROTOCOL_FEE_BPS, fx.feeRecipient.address);
  const twin = await createDeal(escrow2, fx.depositor, arbiterParams(fx, ETH, fx.deadline));
  return { ...fx, escrow2, twin };
}

/** ERC-1271 wallets (owned by `other`) as the beneficiary of one deal and the depositor of another. */
async function walletsFixture() {
  const fx = await signaturesFixture();
  const { escrow, depositor, other } = fx;
  const factory = await ethers.getContractFactory("MockERC1271Wallet");
  const beneficiaryWallet = (await factory.deploy(other.address)) as unknown as MockERC1271Wallet;
  const depositorWallet = (await factory.deploy(other.address, { value: AMOUNT })) as unknown as MockERC1271Wallet;
  const toWallet = await createDeal(
    escrow,
    depositor,
    arbiterParams(fx, ETH, fx.deadline, { beneficiary: await beneficiaryWallet.getAddress(), salt: 60n }),
  );
  const params = arbiterParams(fx, ETH, fx.deadline, { salt: 61n });
  const data = escrow.interface.encodeFunctionData("createDeal", [params, []]);
  const fromWallet = await dealFromTx(
    escrow,
    await depositorWallet.connect(other).execute(fx.escrowAddress, AMOUNT, data),
  );
  return { ...fx, beneficiaryWallet, depositorWallet, toWallet, fromWallet };
}

describe("E-S1 signed actions", function () {
  describe("valid signatures", function () {
    it("pays the beneficiary when a relayer submits the depositor's signed partial release, and advances the nonce", async function () {
      const { escrow, arbiterDeal, relayer, depositor, beneficiary, escrowAddress, expiry, releaseSig } =
        await loadFixture(signaturesFixture);
      const tx = await escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, releaseSig);
      const net = PART - fee(PART);
      await expectBalanceChanges(tx, ETH, [depositor, beneficiary, relayer, escrowAddress], [0n, net, 0n, -net]);
      await expect(tx).to.emit(escrow, "DealReleased").withArgs(arbiterDeal.dealId, net, fee(PART));
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Active,
        nonce: 1n,
        disputedAt: 0n,
        released: PART,
        refunded: 0n,
      });
    });

    it("returns funds to the depositor when a relayer submits the beneficiary's signed full refund, and closes", async function () {
      const { escrow, arbiterDeal, relayer, depositor, beneficiary, escrowAddress, domain, expiry } =
        await loadFixture(signaturesFixture);
      const sig = await signRefund(beneficiary, domain, {
        dealId: arbiterDeal.dealId,
        amount: AMOUNT,
        nonce: 0n,
        expiry,
      });
      const tx = await escrow.connect(relayer).refundWithSig(arbiterDeal.deal, AMOUNT, expiry, sig);
      await expectBalanceChanges(tx, ETH, [depositor, beneficiary, escrowAddress], [AMOUNT, 0n, -AMOUNT]);
      await expect(tx).to.emit(escrow, "DealRefunded").withArgs(arbiterDeal.dealId, AMOUNT);
      await expectState(escrow, arbiterDeal.dealId, {
        status: Status.Closed,
        nonce: 0n,
        disputedAt: 0n,
        released: 0n,
        refunded: AMOUNT,
      });
    });

    it("accepts a signature whose expiry is exactly the block timestamp", async function () {
      const { escrow, arbiterDeal, relayer, domain, depositor } = await loadFixture(signaturesFixture);
      const expiry = (await now()) + 100n;
      const sig = await signRelease(depositor, domain, { dealId: arbiterDeal.dealId, amount: PART, nonce: 0n, expiry });
      await atTime(expiry);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig)).to.emit(
        escrow,
        "DealReleased",
      );
    });
  });

  describe("rejected signatures", function () {
    it("reverts with EscrowSignatureExpired when the expiry is one second before the block", async function () {
      const { escrow, arbiterDeal, relayer, domain, depositor } = await loadFixture(signaturesFixture);
      const t = (await now()) + 100n;
      const expiry = t - 1n;
      const sig = await signRelease(depositor, domain, { dealId: arbiterDeal.dealId, amount: PART, nonce: 0n, expiry });
      await atTime(t);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowSignatureExpired")
        .withArgs(expiry);
    });

    it("reverts with EscrowInvalidSignature(depositor) when the beneficiary or a stranger signs the release", async function () {
      const { escrow, arbiterDeal, relayer, domain, depositor, beneficiary, stranger, release, expiry } =
        await loadFixture(signaturesFixture);
      for (const signer of [beneficiary, stranger]) {
        const sig = await signRelease(signer, domain, release);
        await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      }
    });

    it("reverts with EscrowInvalidSignature(beneficiary) when the depositor signs the refund", async function () {
      const { escrow, arbiterDeal, relayer, domain, depositor, beneficiary, release, expiry } =
        await loadFixture(signaturesFixture);
      const sig = await signRefund(depositor, domain, release);
      await expect(escrow.connect(relayer).refundWithSig(arbiterDeal.deal, PART, expiry, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(beneficiary.address);
    });

    it("reverts with EscrowInvalidSignature when the depositor's Refund or Settle struct is submitted as a Release", async function () {
      const { escrow, arbiterDeal, relayer, domain, depositor, release, expiry } = await loadFixture(signaturesFixture);
      const asRefund = await depositor.signTypedData(domain, REFUND_TYPES, release);
      const asSettle = await depositor.signTypedData(domain, SETTLE_TYPES, {
        dealId: release.dealId,
        toBeneficiary: release.amount,
        nonce: release.nonce,
        expiry: release.expiry,
      });
      for (const sig of [asRefund, asSettle]) {
        await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      }
    });

    it("reverts with EscrowInvalidSignature when the submitted amount or expiry differs from the signed one", async function () {
      const { escrow, arbiterDeal, relayer, depositor, releaseSig, expiry } = await loadFixture(signaturesFixture);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART + 1n, expiry, releaseSig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry + 1n, releaseSig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    it("reverts with EscrowInvalidSignature for a signature made for a past or a future nonce", async function () {
      const { escrow, arbiterDeal, relayer, depositor, beneficiary, domain, release, releaseSig, expiry } =
        await loadFixture(signaturesFixture);
      const future = await signRelease(depositor, domain, { ...release, nonce: 1n });
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, future))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      await escrow.connect(beneficiary).refund(arbiterDeal.deal, 1n);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, releaseSig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      // The nonce-1 signature is now current and works.
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, future)).to.emit(
        escrow,
        "DealReleased",
      );
    });

    it("reverts with EscrowInvalidSignature for a signature made for another deal of the same parties", async function () {
      const { escrow, arbiterDeal, plainDeal, relayer, depositor, domain, release, expiry } =
        await loadFixture(signaturesFixture);
      const forPlain = await signRelease(depositor, domain, { ...release, dealId: plainDeal.dealId });
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, forPlain))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      await expect(escrow.connect(relayer).releaseWithSig(plainDeal.deal, PART, expiry, forPlain)).to.emit(
        escrow,
        "DealReleased",
      );
    });

    it("reverts with EscrowInvalidSignature for a signature made for another chain id", async function () {
      const { escrow, arbiterDeal, relayer, depositor, domain, release, expiry } = await loadFixture(signaturesFixture);
      const otherChain = escrowDomain(BigInt(domain.chainId!) + 1n, String(domain.verifyingContract));
      const sig = await signRelease(depositor, otherChain, release);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    it("reverts with EscrowInvalidSignature for a domain with another name or version", async function () {
      const { escrow, arbiterDeal, relayer, depositor, domain, release, expiry } = await loadFixture(signaturesFixture);
      for (const wrong of [
        { ...domain, name: "PeerPay" },
        { ...domain, version: "2" },
      ] as TypedDataDomain[]) {
        const sig = await signRelease(depositor, wrong, release);
        await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, sig))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      }
    });

    it("reverts with EscrowInvalidSignature for a signature made for another Escrow deployment holding the same deal id", async function () {
      const { escrow, escrow2, arbiterDeal, twin, relayer, depositor, release, expiry, releaseSig } =
        await loadFixture(twoEscrowsFixture);
      expect(twin.dealId).to.equal(arbiterDeal.dealId);
      const forEscrow2 = await signRelease(depositor, await domainOf(escrow2), release);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, forEscrow2))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      await expect(escrow2.connect(relayer).releaseWithSig(twin.deal, PART, expiry, releaseSig))
        .to.be.revertedWithCustomError(escrow2, "EscrowInvalidSignature")
        .withArgs(depositor.address);
      // Each signature works on the deployment it was made for.
      await expect(escrow2.connect(relayer).releaseWithSig(twin.deal, PART, expiry, forEscrow2)).to.emit(
        escrow2,
        "DealReleased",
      );
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, releaseSig)).to.emit(
        escrow,
        "DealReleased",
      );
    });

    it("reverts with EscrowInvalidSignature for the high-s twin of a valid signature, which ecrecover accepts", async function () {
      const { escrow, arbiterDeal, relayer, depositor, domain, release, releaseSig, expiry } =
        await loadFixture(signaturesFixture);
      const malleable = highS(releaseSig);
      // The precompile recovers the depositor from the malleable form: only the low-s rule rejects it.
      const digest = releaseDigest(domain, release);
      const sig = ethers.getBytes(malleable);
      const input = ethers.concat([
        digest,
        ethers.toBeHex(sig[64], 32),
        ethers.hexlify(sig.slice(0, 32)),
        ethers.hexlify(sig.slice(32, 64)),
      ]);
      const recovered = await ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data: input });
      expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(depositor.address);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, malleable))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    it("reverts with EscrowInvalidSignature for the valid 64-byte compact (EIP-2098) form of the signature", async function () {
      const { escrow, arbiterDeal, relayer, depositor, domain, release, releaseSig, expiry } =
        await loadFixture(signaturesFixture);
      const short = compact(releaseSig);
      expect(ethers.dataLength(short)).to.equal(64);
      expect(ethers.recoverAddress(releaseDigest(domain, release), short)).to.equal(depositor.address);
      await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, short))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    const malformed: Array<[string, (sig: string) => string]> = [
      ["66 bytes (a valid signature and a trailing byte)", (sig) => ethers.concat([sig, "0x00"])],
      ["empty", () => "0x"],
      ["65 garbage bytes", () => ethers.hexlify(ethers.randomBytes(65))],
      ["65 zero bytes", () => ethers.hexlify(new Uint8Array(65))],
      [
        "v as 0/1 instead of 27/28",
        (sig) => ethers.concat([ethers.dataSlice(sig, 0, 64), ethers.toBeHex(ethers.getBytes(sig)[64] - 27, 1)]),
      ],
    ];
    for (const [label, mangle] of malformed) {
      it(`reverts with EscrowInvalidSignature for a malformed signature: ${label}`, async function () {
        const { escrow, arbiterDeal, relayer, depositor, releaseSig, expiry } = await loadFixture(signaturesFixture);
        await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, mangle(releaseSig)))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(depositor.address);
      });
    }
  });

  describe("settle signatures", function () {
    async function settleFixture() {
      const fx = await signaturesFixture();
      const m = { dealId: fx.arbiterDeal.dealId, toBeneficiary: PART, nonce: 0n, expiry: fx.expiry };
      const depositorSig = await signSettle(fx.depositor, fx.domain, m);
      const beneficiarySig = await signSettle(fx.beneficiary, fx.domain, m);
      return { ...fx, m, depositorSig, beneficiarySig };
    }

    it("reverts with EscrowInvalidSignature(beneficiary) when a stranger signs the beneficiary's side", async function () {
      const { escrow, arbiterDeal, relayer, stranger, beneficiary, domain, m, depositorSig, expiry } =
        await loadFixture(settleFixture);
      const strangerSig = await signSettle(stranger, domain, m);
      await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, depositorSig, strangerSig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(beneficiary.address);
    });

    it("reverts with EscrowInvalidSignature(depositor) when the two signatures are swapped", async function () {
      const { escrow, arbiterDeal, relayer, depositor, depositorSig, beneficiarySig, expiry } =
        await loadFixture(settleFixture);
      await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, beneficiarySig, depositorSig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    it("reverts with EscrowInvalidSignature when toBeneficiary differs from the signed split", async function () {
      const { escrow, arbiterDeal, relayer, depositor, depositorSig, beneficiarySig, expiry } =
        await loadFixture(settleFixture);
      await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART + 1n, expiry, depositorSig, beneficiarySig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(depositor.address);
    });

    it("reverts with EscrowSignatureExpired after the signed expiry", async function () {
      const { escrow, arbiterDeal, relayer, depositorSig, beneficiarySig, expiry } = await loadFixture(settleFixture);
      await atTime(expiry + 1n);
      await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, depositorSig, beneficiarySig))
        .to.be.revertedWithCustomError(escrow, "EscrowSignatureExpired")
        .withArgs(expiry);
    });
  });

  describe("ERC-1271 wallets", function () {
    it("accepts a refund signed for a wallet beneficiary by its owner (mode 0)", async function () {
      const { escrow, toWallet, relayer, other, depositor, domain, expiry } = await loadFixture(walletsFixture);
      const sig = await signRefund(other, domain, { dealId: toWallet.dealId, amount: PART, nonce: 0n, expiry });
      const tx = await escrow.connect(relayer).refundWithSig(toWallet.deal, PART, expiry, sig);
      await expectBalanceChanges(tx, ETH, [depositor], [PART]);
      await expectState(escrow, toWallet.dealId, {
        status: Status.Active,
        nonce: 1n,
        disputedAt: 0n,
        released: 0n,
        refunded: PART,
      });
    });

    it("reverts with EscrowInvalidSignature(wallet) for a signature by someone other than the wallet's owner", async function () {
      const { escrow, toWallet, relayer, stranger, beneficiaryWallet, domain, expiry } =
        await loadFixture(walletsFixture);
      const sig = await signRefund(stranger, domain, { dealId: toWallet.dealId, amount: PART, nonce: 0n, expiry });
      await expect(escrow.connect(relayer).refundWithSig(toWallet.deal, PART, expiry, sig))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(await beneficiaryWallet.getAddress());
    });

    for (const [mode, label] of [
      [1, "refuses"],
      [2, "reverts"],
      [3, "returns garbage"],
    ] as const) {
      it(`reverts with EscrowInvalidSignature(wallet) when the wallet ${label} (mode ${mode}), even for its owner's signature`, async function () {
        const { escrow, toWallet, relayer, other, beneficiaryWallet, domain, expiry } =
          await loadFixture(walletsFixture);
        await beneficiaryWallet.setMode(mode);
        const sig = await signRefund(other, domain, { dealId: toWallet.dealId, amount: PART, nonce: 0n, expiry });
        await expect(escrow.connect(relayer).refundWithSig(toWallet.deal, PART, expiry, sig))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
          .withArgs(await beneficiaryWallet.getAddress());
      });
    }

    it("accepts a release signed for a wallet depositor by its owner", async function () {
      const { escrow, fromWallet, relayer, other, beneficiary, depositorWallet, domain, expiry } =
        await loadFixture(walletsFixture);
      expect(fromWallet.deal.depositor).to.equal(await depositorWallet.getAddress());
      const sig = await signRelease(other, domain, { dealId: fromWallet.dealId, amount: PART, nonce: 0n, expiry });
      const tx = await escrow.connect(relayer).releaseWithSig(fromWallet.deal, PART, expiry, sig);
      await expectBalanceChanges(tx, ETH, [beneficiary], [PART - fee(PART)]);
    });

    it("settles a wallet depositor's deal with the wallet's and the beneficiary's signatures", async function () {
      const { escrow, fromWallet, relayer, other, beneficiary, depositorWallet, domain, expiry } =
        await loadFixture(walletsFixture);
      const m = { dealId: fromWallet.dealId, toBeneficiary: PART, nonce: 0n, expiry };
      const tx = await escrow
        .connect(relayer)
        .settle(
          fromWallet.deal,
          PART,
          expiry,
          await signSettle(other, domain, m),
          await signSettle(beneficiary, domain, m),
        );
      await expectBalanceChanges(tx, ETH, [depositorWallet, beneficiary], [AMOUNT - PART, PART - fee(PART)]);
      expect((await escrow.getDealState(fromWallet.dealId)).status).to.equal(Status.Closed);
    });

    it("reverts with EscrowInvalidSignature(wallet) on settle when the depositor wallet reverts", async function () {
      const { escrow, fromWallet, relayer, other, beneficiary, depositorWallet, domain, expiry } =
        await loadFixture(walletsFixture);
      await depositorWallet.setMode(2);
      const m = { dealId: fromWallet.dealId, toBeneficiary: PART, nonce: 0n, expiry };
      await expect(
        escrow
          .connect(relayer)
          .settle(
            fromWallet.deal,
            PART,
            expiry,
            await signSettle(other, domain, m),
            await signSettle(beneficiary, domain, m),
          ),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
        .withArgs(await depositorWallet.getAddress());
    });
  });
});

describe("E-S2 no signature is used twice", function () {
  it("reverts with EscrowInvalidSignature when a partial release signature is submitted again, and pays once", async function () {
    const { escrow, arbiterDeal, relayer, depositor, escrowAddress, releaseSig, expiry } =
      await loadFixture(signaturesFixture);
    await escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, releaseSig);
    await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, PART, expiry, releaseSig))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
      .withArgs(depositor.address);
    expect(await ethers.provider.getBalance(escrowAddress)).to.equal(2n * AMOUNT - (PART - fee(PART)));
    await expectState(escrow, arbiterDeal.dealId, {
      status: Status.Active,
      nonce: 1n,
      disputedAt: 0n,
      released: PART,
      refunded: 0n,
    });
  });

  it("reverts with EscrowInvalidSignature when a partial refund signature is submitted again", async function () {
    const { escrow, arbiterDeal, relayer, beneficiary, domain, expiry } = await loadFixture(signaturesFixture);
    const sig = await signRefund(beneficiary, domain, { dealId: arbiterDeal.dealId, amount: PART, nonce: 0n, expiry });
    await escrow.connect(relayer).refundWithSig(arbiterDeal.deal, PART, expiry, sig);
    await expect(escrow.connect(relayer).refundWithSig(arbiterDeal.deal, PART, expiry, sig))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
      .withArgs(beneficiary.address);
  });

  it("reverts with EscrowInvalidStatus(Closed) when a full release signature is submitted again", async function () {
    const { escrow, arbiterDeal, relayer, depositor, domain, expiry } = await loadFixture(signaturesFixture);
    const sig = await signRelease(depositor, domain, { dealId: arbiterDeal.dealId, amount: AMOUNT, nonce: 0n, expiry });
    await escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, AMOUNT, expiry, sig);
    await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, AMOUNT, expiry, sig))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
      .withArgs(arbiterDeal.dealId, Status.Closed);
  });

  it("reverts with EscrowInvalidStatus(Closed) when settle signatures are reused", async function () {
    const { escrow, arbiterDeal, relayer, depositor, beneficiary, domain, expiry } =
      await loadFixture(signaturesFixture);
    const m = { dealId: arbiterDeal.dealId, toBeneficiary: PART, nonce: 0n, expiry };
    const ds = await signSettle(depositor, domain, m);
    const bs = await signSettle(beneficiary, domain, m);
    await escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs);
    await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
      .withArgs(arbiterDeal.dealId, Status.Closed);
  });

  it("reverts with EscrowInvalidSignature for settle signatures made before a state change (partial release)", async function () {
    const { escrow, arbiterDeal, relayer, depositor, beneficiary, domain, expiry } =
      await loadFixture(signaturesFixture);
    const m = { dealId: arbiterDeal.dealId, toBeneficiary: PART, nonce: 0n, expiry };
    const ds = await signSettle(depositor, domain, m);
    const bs = await signSettle(beneficiary, domain, m);
    await escrow.connect(depositor).release(arbiterDeal.deal, 1n);
    await expect(escrow.connect(relayer).settle(arbiterDeal.deal, PART, expiry, ds, bs))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
      .withArgs(depositor.address);
  });

  it("reverts with EscrowInvalidSignature for a release signature after the signer's own signed release used the nonce", async function () {
    const { escrow, arbiterDeal, relayer, depositor, domain, expiry } = await loadFixture(signaturesFixture);
    // Two different signed releases for the same nonce: only the first submitted can ever be used.
    const a = await signRelease(depositor, domain, { dealId: arbiterDeal.dealId, amount: 1n, nonce: 0n, expiry });
    const b = await signRelease(depositor, domain, { dealId: arbiterDeal.dealId, amount: 2n, nonce: 0n, expiry });
    await escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, 2n, expiry, b);
    await expect(escrow.connect(relayer).releaseWithSig(arbiterDeal.deal, 1n, expiry, a))
      .to.be.revertedWithCustomError(escrow, "EscrowInvalidSignature")
      .withArgs(depositor.address);
  });
});
