// docs/lending.md §2: who signs and who may accept (LN-O1), expiry (LN-O4) and signatures (LN-O6). Nonces (LN-O5)
// are in nonces.test.ts.
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ONE,
  Status,
  WALLET_GAS,
  deployLending,
  domainOf,
  loanIdOf,
  offerDigest,
  OFFER_TYPES,
  REQUEST_TYPES,
  type LendingFixture,
} from "../helpers/lending";
import {
  accept,
  compactOf,
  deployWithWallet,
  highSOf,
  parityOf,
  signedOffer,
  signedRequest,
  type SignedOffer,
} from "../helpers/lending-accept";

/** Two offers of the fixture's lender whose signatures have y parity 0 and 1 (the nonce decides which). */
async function byParity(fx: LendingFixture): Promise<[SignedOffer, SignedOffer]> {
  const found: (SignedOffer | undefined)[] = [undefined, undefined];
  for (let nonce = 1n; found[0] === undefined || found[1] === undefined; ++nonce) {
    const s = await signedOffer(fx, {}, { nonce });
    found[parityOf(s.signature)] ??= s;
  }
  return [found[0]!, found[1]!];
}

const WALLET_MODE = { Valid: 0, WrongMagic: 1, Reverts: 2, ShortAnswer: 3, Work: 4 } as const;

describe("Lending: signers, expiry and signatures (LN-O1, LN-O4, LN-O6)", function () {
  describe("LN-O1 who signs, who accepts", function () {
    it("LN-O1: an offer with borrower 0 is accepted by any account, which becomes the borrower", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      await accept(fx, s, fx.stranger);
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.lender).to.equal(fx.lender.address);
      expect(loan.borrower).to.equal(fx.stranger.address);
      expect(await fx.lending.ownerOf(s.loanId + 1n)).to.equal(fx.stranger.address);
    });

    it("LN-O1: an offer naming a borrower reverts LendingUnauthorized for anyone else, and that borrower accepts it", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, {}, { borrower: fx.borrower.address });
      await expect(accept(fx, s, fx.other)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      await expect(accept(fx, s, fx.lender)).to.be.revertedWithCustomError(fx.lending, "LendingUnauthorized");
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
      await accept(fx, s, fx.borrower);
      expect((await fx.lending.loanOf(s.loanId)).borrower).to.equal(fx.borrower.address);
    });

    it("LN-O1: a request with lender 0 is accepted by any account, which becomes the lender", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx);
      await fx.lending.connect(fx.stranger).acceptRequest(r.request, r.signature);
      const loan = await fx.lending.loanOf(r.loanId);
      expect(loan.lender).to.equal(fx.stranger.address);
      expect(loan.borrower).to.equal(fx.borrower.address);
    });

    it("LN-O1: a request naming a lender reverts LendingUnauthorized for anyone else, and that lender accepts it", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx, {}, { lender: fx.lender.address });
      for (const by of [fx.other, fx.stranger]) {
        await expect(fx.lending.connect(by).acceptRequest(r.request, r.signature)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingUnauthorized",
        );
      }
      await fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature);
      expect((await fx.lending.loanOf(r.loanId)).lender).to.equal(fx.lender.address);
    });

    it("LN-O1: an offer must be signed by its lender and a request by its borrower; the types do not stand in for each other", async function () {
      const fx = await loadFixture(deployLending);
      // Signed by another key.
      const byOther = await signedOffer(fx, {}, {}, fx.other);
      await expect(accept(fx, byOther)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      const reqByOther = await signedRequest(fx, {}, {}, fx.other);
      await expect(
        fx.lending.connect(fx.lender).acceptRequest(reqByOther.request, reqByOther.signature),
      ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      // The lender's Offer signature presented as a Request of the lender with the same fields, and the borrower's
      // Request signature as an Offer of the borrower.
      const s = await signedOffer(fx);
      const { nonce, expiry, terms } = s.offer;
      const asRequest = { borrower: fx.lender.address, lender: ZeroAddress, terms, refinances: 0n, nonce, expiry };
      await expect(fx.lending.connect(fx.borrower).acceptRequest(asRequest, s.signature)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingInvalidSignature",
      );
      const r = await signedRequest(fx);
      const asOffer = { ...s.offer, lender: fx.borrower.address, nonce: r.request.nonce, expiry: r.request.expiry };
      await expect(fx.lending.connect(fx.lender).acceptOffer(asOffer, r.signature, 0n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingInvalidSignature",
      );
    });
  });

  describe("LN-O4 expiry", function () {
    it("LN-O4: an offer is accepted one second before its expiry", async function () {
      const fx = await loadFixture(deployLending);
      const expiry = (await time.latest()) + 1_000;
      const s = await signedOffer(fx, {}, { expiry: BigInt(expiry) });
      await time.setNextBlockTimestamp(expiry - 1);
      await accept(fx, s);
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.status).to.equal(Status.Active);
      expect(loan.start).to.equal(expiry - 1);
    });

    it("LN-O4: an offer reverts LendingOfferExpired at its expiry and one second after", async function () {
      const fx = await loadFixture(deployLending);
      const expiry = (await time.latest()) + 1_000;
      const s = await signedOffer(fx, {}, { expiry: BigInt(expiry) });
      for (const at of [expiry, expiry + 1]) {
        await time.setNextBlockTimestamp(at);
        // An explicit gas limit mines the reverting call in a block at `at` (no estimate at another time).
        const tx = fx.lending.connect(fx.borrower).acceptOffer(s.offer, s.signature, 0n, { gasLimit: 1_000_000 });
        await expect(tx).to.be.revertedWithCustomError(fx.lending, "LendingOfferExpired").withArgs(expiry);
        expect(await time.latest()).to.equal(at);
      }
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
    });

    it("LN-O4: a request is accepted at expiry - 1 and reverts LendingOfferExpired at expiry and expiry + 1", async function () {
      const fx = await loadFixture(deployLending);
      const expiry = (await time.latest()) + 1_000;
      const late = await signedRequest(fx, {}, { expiry: BigInt(expiry), nonce: 1n });
      const onTime = await signedRequest(fx, {}, { expiry: BigInt(expiry), nonce: 2n });
      for (const at of [expiry, expiry + 1]) {
        await time.setNextBlockTimestamp(at);
        const tx = fx.lending.connect(fx.lender).acceptRequest(late.request, late.signature, { gasLimit: 1_000_000 });
        await expect(tx).to.be.revertedWithCustomError(fx.lending, "LendingOfferExpired").withArgs(expiry);
      }
      await loadFixture(deployLending);
      await time.setNextBlockTimestamp(expiry - 1);
      await fx.lending.connect(fx.lender).acceptRequest(onTime.request, onTime.signature);
      expect((await fx.lending.loanOf(onTime.loanId)).start).to.equal(expiry - 1);
    });
  });

  describe("LN-O6 ECDSA", function () {
    it("LN-O6: 65-byte signatures with v = 27 and v = 28 are both accepted", async function () {
      const fx = await loadFixture(deployLending);
      const [even, odd] = await byParity(fx);
      expect(ethers.getBytes(even.signature)).to.have.length(65);
      expect(ethers.getBytes(even.signature)[64]).to.equal(27);
      expect(ethers.getBytes(odd.signature)[64]).to.equal(28);
      for (const s of [even, odd]) {
        await accept(fx, s);
        expect((await fx.lending.loanOf(s.loanId)).status).to.equal(Status.Active);
      }
    });

    it("LN-O6: 64-byte EIP-2098 signatures with even and odd y parity are both accepted", async function () {
      const fx = await loadFixture(deployLending);
      const [even, odd] = await byParity(fx);
      for (const s of [even, odd]) {
        const compact = compactOf(s.signature);
        expect(ethers.getBytes(compact)).to.have.length(64);
        await fx.lending.connect(fx.borrower).acceptOffer(s.offer, compact, 0n);
        expect((await fx.lending.loanOf(s.loanId)).lender).to.equal(fx.lender.address);
      }
    });

    it("LN-O6: the high-s twin of a valid signature is refused (LendingInvalidSignature) for both parities", async function () {
      const fx = await loadFixture(deployLending);
      for (const s of await byParity(fx)) {
        const twin = highSOf(s.signature);
        // The ecrecover precompile reads the twin as the lender's: only the low-s rule refuses it.
        const sig = ethers.getBytes(twin);
        const input = ethers.concat([s.digest, ethers.toBeHex(sig[64], 32), sig.slice(0, 32), sig.slice(32, 64)]);
        const recovered = await ethers.provider.call({ to: ethers.toBeHex(1n, 20), data: input });
        expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(fx.lender.address);
        await expect(fx.lending.connect(fx.borrower).acceptOffer(s.offer, twin, 0n)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingInvalidSignature",
        );
        await accept(fx, s);
      }
    });

    it("LN-O6: a signature of other terms, or of another length than 64 or 65 bytes, is refused", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      const changed = { ...s.offer, terms: { ...s.offer.terms, principal: s.offer.terms.principal + 1n } };
      await expect(fx.lending.connect(fx.borrower).acceptOffer(changed, s.signature, 0n)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingInvalidSignature",
      );
      const longer = ethers.concat([s.signature, "0x00"]);
      const shorter = ethers.dataSlice(s.signature, 0, 63);
      for (const sig of [longer, shorter, "0x"]) {
        await expect(fx.lending.connect(fx.borrower).acceptOffer(s.offer, sig, 0n)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingInvalidSignature",
        );
      }
      await accept(fx, s);
    });

    it("LN-O6, LN-A6: a signature for another chain id or another Lending deployment is refused", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      const domain = await domainOf(fx.lending);
      const otherChain = await fx.lender.signTypedData(
        { ...domain, chainId: domain.chainId + 1n },
        OFFER_TYPES,
        s.offer,
      );
      const twin = await (await ethers.getContractFactory("Lending")).deploy(await fx.auctions.getAddress());
      const twinDomain = await domainOf(await twin.getAddress());
      const otherContract = await fx.lender.signTypedData(twinDomain, OFFER_TYPES, s.offer);
      // Each is the lender's valid signature for its own domain.
      expect(ethers.verifyTypedData(twinDomain, OFFER_TYPES, s.offer, otherContract)).to.equal(fx.lender.address);
      expect(await twin.offerDigest(s.offer)).to.equal(await offerDigest(await twin.getAddress(), s.offer));
      expect(await twin.offerDigest(s.offer)).to.not.equal(s.digest);
      for (const sig of [otherChain, otherContract]) {
        await expect(fx.lending.connect(fx.borrower).acceptOffer(s.offer, sig, 0n)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingInvalidSignature",
        );
      }
      // The same for a request.
      const r = await signedRequest(fx);
      const reqOtherContract = await fx.borrower.signTypedData(twinDomain, REQUEST_TYPES, r.request);
      await expect(
        fx.lending.connect(fx.lender).acceptRequest(r.request, reqOtherContract),
      ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
    });

    it("LN-O6: a zero-address lender with a garbage signature is refused", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, {}, { lender: ZeroAddress }, fx.lender);
      const garbage = [
        "0x",
        ethers.zeroPadValue("0x", 65),
        ethers.zeroPadValue("0x", 64),
        ethers.concat([ethers.toBeHex(1n, 32), ethers.toBeHex(1n, 32), "0x1b"]),
        s.signature,
      ];
      for (const sig of garbage) {
        await expect(fx.lending.connect(fx.borrower).acceptOffer(s.offer, sig, 0n)).to.be.revertedWithCustomError(
          fx.lending,
          "LendingInvalidSignature",
        );
      }
    });
  });

  describe("LN-O6 ERC-1271", function () {
    it("LN-O6: a wallet lender that returns the magic value for its owner's signature lends from the wallet", async function () {
      const fx = await loadFixture(deployWithWallet);
      const s = await signedOffer(fx, {}, { lender: fx.walletAddress }, fx.walletOwner);
      const principal = s.offer.terms.principal;
      await expect(accept(fx, s)).to.changeTokenBalances(
        fx.usd,
        [fx.walletAddress, fx.borrower.address],
        [-principal, principal],
      );
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.lender).to.equal(fx.walletAddress);
      expect(await fx.lending.ownerOf(s.loanId)).to.equal(fx.walletAddress);
      expect(await fx.lending.nonceUsed(fx.walletAddress, s.offer.nonce)).to.equal(true);
    });

    it("LN-O6: a wallet that returns another value, reverts, answers in 4 bytes, or does not vouch for the signer is refused", async function () {
      const fx = await loadFixture(deployWithWallet);
      const s = await signedOffer(fx, {}, { lender: fx.walletAddress }, fx.walletOwner);
      for (const mode of [WALLET_MODE.WrongMagic, WALLET_MODE.Reverts, WALLET_MODE.ShortAnswer]) {
        await fx.wallet.setMode(mode, 0n);
        await expect(accept(fx, s)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      }
      await fx.wallet.setMode(WALLET_MODE.Valid, 0n);
      const byStranger = await signedOffer(fx, {}, { lender: fx.walletAddress }, fx.stranger);
      await expect(accept(fx, byStranger)).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      expect(await fx.lending.nonceUsed(fx.walletAddress, s.offer.nonce)).to.equal(false);
      await accept(fx, s);
      expect((await fx.lending.loanOf(s.loanId)).lender).to.equal(fx.walletAddress);
    });

    it("LN-O6: a wallet gets 100,000 gas: one burning 85,000 answers in time, one burning 100,000 is refused", async function () {
      const fx = await loadFixture(deployWithWallet);
      const slow = await signedOffer(fx, {}, { lender: fx.walletAddress, nonce: 1n }, fx.walletOwner);
      await fx.wallet.setMode(WALLET_MODE.Work, WALLET_GAS);
      // With gas enough the wallet vouches for the signature: the refusal is the cap.
      expect(await fx.wallet.isValidSignature(slow.digest, slow.signature, { gasLimit: 5_000_000 })).to.equal(
        "0x1626ba7e",
      );
      await expect(
        fx.lending.connect(fx.borrower).acceptOffer(slow.offer, slow.signature, 0n, { gasLimit: 5_000_000 }),
      ).to.be.revertedWithCustomError(fx.lending, "LendingInvalidSignature");
      await fx.wallet.setMode(WALLET_MODE.Work, 85_000n);
      await accept(fx, slow);
      expect((await fx.lending.loanOf(slow.loanId)).lender).to.equal(fx.walletAddress);
    });

    it("LN-O6: an ERC-1271 borrower's request is accepted by a lender", async function () {
      const fx = await loadFixture(deployWithWallet);
      const r = await signedRequest(fx, {}, { borrower: fx.walletAddress }, fx.walletOwner);
      const amount = r.request.terms.collateralAmount;
      await expect(fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature)).to.changeTokenBalances(
        fx.wbtc,
        [fx.walletAddress, await fx.lending.getAddress()],
        [-amount, amount],
      );
      expect((await fx.lending.loanOf(r.loanId)).borrower).to.equal(fx.walletAddress);
      expect(loanIdOf(r.digest)).to.equal(r.loanId);
      expect(await fx.usd.balanceOf(fx.walletAddress)).to.equal(10_000n * ONE + r.request.terms.principal);
    });
  });
});
