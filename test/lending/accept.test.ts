// docs/lending.md §3: acceptance writes the loan and mints both positions (LN-A1, LN-A2), once per nonce (LN-A6), and
// logs the whole terms (LN-A7); the digest views match the EIP-712 digests computed from the spec. Money moves are in
// accept-funds.test.ts.
import { expect } from "chai";
import { ZeroAddress, type ContractTransactionResponse } from "ethers";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import {
  CollateralKind,
  ETH,
  InterestKind,
  ONE,
  SALE,
  Status,
  deployLending,
  loanIdOf,
  offerDigest,
  offerOf,
  requestDigest,
  requestOf,
  termsHash,
  termsOf,
  type LendingFixture,
  type Terms,
} from "../helpers/lending";
import { accept, expectLoanStarted, signedOffer, signedRequest } from "../helpers/lending-accept";

async function blockTime(tx: ContractTransactionResponse): Promise<bigint> {
  return BigInt((await tx.getBlock())!.timestamp);
}

const nftTerms = (fx: LendingFixture, id: bigint): Partial<Terms> => ({
  collateralToken: fx.nft.target as string,
  collateralKind: CollateralKind.ERC721,
  collateralAmount: 0n,
  collateralId: id,
});

describe("Lending: acceptance (LN-A1, LN-A2, LN-A6, LN-A7)", function () {
  describe("LN-A1 self loans", function () {
    it("LN-A1: a lender accepting its own open offer reverts LendingSelfLoan and its nonce stays unused", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      await expect(accept(fx, s, fx.lender)).to.be.revertedWithCustomError(fx.lending, "LendingSelfLoan");
      expect(await fx.lending.nonceUsed(fx.lender.address, s.offer.nonce)).to.equal(false);
      await accept(fx, s, fx.borrower);
    });

    it("LN-A1: a borrower accepting its own open request reverts LendingSelfLoan", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx);
      await expect(fx.lending.connect(fx.borrower).acceptRequest(r.request, r.signature)).to.be.revertedWithCustomError(
        fx.lending,
        "LendingSelfLoan",
      );
      expect(await fx.lending.nonceUsed(fx.borrower.address, r.request.nonce)).to.equal(false);
    });
  });

  describe("LN-A2 the loan and its positions", function () {
    it("LN-A2: an accepted fixed offer writes lender, borrower, start = checkpoint = now, Active, principal + interest, the terms hash", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      expect(await fx.lending.connect(fx.borrower).acceptOffer.staticCall(s.offer, s.signature, 0n)).to.equal(s.loanId);
      const tx = await accept(fx, s);
      const t = await blockTime(tx);
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.lender).to.equal(fx.lender.address);
      expect(loan.borrower).to.equal(fx.borrower.address);
      expect(loan.start).to.equal(t);
      expect(loan.checkpoint).to.equal(t);
      expect(loan.status).to.equal(Status.Active);
      expect(loan.outstanding).to.equal(1_050n * ONE);
      expect(loan.termsHash).to.equal(termsHash(s.offer.terms));
    });

    it("LN-A2: a pro-rated loan starts with outstanding = principal", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx, { interestKind: InterestKind.ProRated, interest: 1_200n });
      await accept(fx, s);
      const loan = await fx.lending.loanOf(s.loanId);
      expect(loan.outstanding).to.equal(s.offer.terms.principal);
      expect(loan.status).to.equal(Status.Active);
      expect(loan.termsHash).to.equal(termsHash(s.offer.terms));
    });

    it("LN-A2: an accepted request makes the caller the lender and takes its id from the request's digest", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx, { interest: 7n });
      const tx = await fx.lending.connect(fx.other).acceptRequest(r.request, r.signature);
      const t = await blockTime(tx);
      const loan = await fx.lending.loanOf(r.loanId);
      expect(loan.lender).to.equal(fx.other.address);
      expect(loan.borrower).to.equal(fx.borrower.address);
      expect([loan.start, loan.checkpoint, loan.status]).to.deep.equal([t, t, BigInt(Status.Active)]);
      expect(loan.outstanding).to.equal(r.request.terms.principal + 7n);
      expect(loan.termsHash).to.equal(termsHash(r.request.terms));
      expect(await fx.lending.ownerOf(r.loanId)).to.equal(fx.other.address);
      expect(await fx.lending.ownerOf(r.loanId + 1n)).to.equal(fx.borrower.address);
    });

    it("LN-A2: both positions are minted (Transfer from 0): the lender token id = loanId, the borrower's loanId + 1", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      const tx = accept(fx, s);
      await expect(tx)
        .to.emit(fx.lending, "Transfer")
        .withArgs(ZeroAddress, fx.lender.address, s.loanId)
        .and.to.emit(fx.lending, "Transfer")
        .withArgs(ZeroAddress, fx.borrower.address, s.loanId + 1n);
      expect(await fx.lending.ownerOf(s.loanId)).to.equal(fx.lender.address);
      expect(await fx.lending.ownerOf(s.loanId + 1n)).to.equal(fx.borrower.address);
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(1n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(1n);
      // A second loan adds to both balances.
      await accept(fx, await signedOffer(fx, {}, { nonce: 2n }));
      expect(await fx.lending.balanceOf(fx.lender.address)).to.equal(2n);
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(2n);
    });

    it("LN-A2, LN-S3: the loan id is the digest with its lowest bit cleared, for an odd and an even digest", async function () {
      const fx = await loadFixture(deployLending);
      const byBit: [bigint | undefined, bigint | undefined] = [undefined, undefined];
      for (let nonce = 1n; byBit[0] === undefined || byBit[1] === undefined; ++nonce) {
        const digest = await offerDigest(fx.lending, await offerOf(fx, termsOf(fx), { nonce }));
        byBit[Number(BigInt(digest) & 1n)] ??= nonce;
      }
      for (const nonce of byBit) {
        const s = await signedOffer(fx, {}, { nonce });
        expect(s.loanId).to.equal(BigInt(s.digest) - (BigInt(s.digest) & 1n));
        await accept(fx, s);
        expect((await fx.lending.loanOf(s.loanId)).status).to.equal(Status.Active);
        expect(await fx.lending.ownerOf(s.loanId)).to.equal(fx.lender.address);
        expect(await fx.lending.ownerOf(s.loanId + 1n)).to.equal(fx.borrower.address);
        // The borrower token's id holds no loan of its own.
        expect((await fx.lending.loanOf(s.loanId + 1n)).status).to.equal(Status.None);
      }
    });

    it("LN-A2: the positions are minted and LoanStarted logged before any token moves", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      const receipt = (await (await accept(fx, s)).wait())!;
      const index = (address: unknown, name: string) =>
        receipt.logs.findIndex(
          (l) =>
            l.address === address &&
            (address === fx.lending.target ? fx.lending : fx.usd).interface.parseLog(l)?.name === name,
        );
      const lastPosition = Math.max(index(fx.lending.target, "Transfer"), index(fx.lending.target, "LoanStarted"));
      expect(index(fx.lending.target, "Transfer")).to.be.greaterThanOrEqual(0);
      expect(lastPosition).to.be.lessThan(index(fx.wbtc.target, "Transfer"));
      expect(index(fx.wbtc.target, "Transfer")).to.be.lessThan(index(fx.usd.target, "Transfer"));
    });
  });

  describe("LN-A6 once", function () {
    it("LN-A6: accepting the same offer twice reverts LendingNonceUsed, whoever tries", async function () {
      const fx = await loadFixture(deployLending);
      const s = await signedOffer(fx);
      await accept(fx, s);
      for (const by of [fx.borrower, fx.stranger]) {
        await expect(accept(fx, s, by))
          .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
          .withArgs(fx.lender.address, s.offer.nonce);
      }
      expect(await fx.lending.balanceOf(fx.borrower.address)).to.equal(1n);
    });

    it("LN-A6: accepting the same request twice reverts LendingNonceUsed", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx);
      await fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature);
      await expect(fx.lending.connect(fx.other).acceptRequest(r.request, r.signature))
        .to.be.revertedWithCustomError(fx.lending, "LendingNonceUsed")
        .withArgs(fx.borrower.address, r.request.nonce);
    });
  });

  describe("LN-A7 LoanStarted", function () {
    it("LN-A7: LoanStarted carries the loan id, both parties, the digest, the whole terms and the collateral id (offer)", async function () {
      const fx = await loadFixture(deployLending);
      const terms: Partial<Terms> = {
        ...SALE,
        interestKind: InterestKind.ProRated,
        interest: 900n,
        feeBps: 250n,
        feeRecipient: fx.feeTaker.address,
      };
      const s = await signedOffer(fx, terms);
      const tx = await accept(fx, s, fx.stranger);
      await expectLoanStarted(fx, tx, {
        loanId: s.loanId,
        lender: fx.lender.address,
        borrower: fx.stranger.address,
        digest: s.digest,
        terms: s.offer.terms,
        collateralId: 0n,
      });
    });

    it("LN-A7: LoanStarted for a request of an ETH loan against an NFT", async function () {
      const fx = await loadFixture(deployLending);
      const r = await signedRequest(fx, { ...nftTerms(fx, 4n), principalToken: ETH, principal: ONE });
      const tx = await fx.lending.connect(fx.lender).acceptRequest(r.request, r.signature, { value: ONE });
      await expectLoanStarted(fx, tx, {
        loanId: r.loanId,
        lender: fx.lender.address,
        borrower: fx.borrower.address,
        digest: r.digest,
        terms: r.request.terms,
        collateralId: 4n,
      });
    });
  });

  describe("digest views", function () {
    it("offerDigest, requestDigest and hashTerms equal the EIP-712 values computed from the spec", async function () {
      const fx = await loadFixture(deployLending);
      const variants: Partial<Terms>[] = [
        {},
        { ...SALE, feeBps: 2_500n, feeRecipient: fx.feeTaker.address },
        { ...nftTerms(fx, 3n), principalToken: ETH, interestKind: InterestKind.ProRated, interest: 100_000n },
      ];
      for (const over of variants) {
        const terms = termsOf(fx, over);
        expect(await fx.lending.hashTerms(terms)).to.equal(termsHash(terms));
        for (const offerOver of [{}, { anyCollateralId: true, refinances: 5n, borrower: fx.borrower.address }]) {
          const offer = await offerOf(fx, terms, { nonce: 2n ** 255n, ...offerOver });
          expect(await fx.lending.offerDigest(offer)).to.equal(await offerDigest(fx.lending, offer));
        }
        const request = await requestOf(fx, terms, { lender: fx.lender.address, refinances: 9n, nonce: 3n });
        expect(await fx.lending.requestDigest(request)).to.equal(await requestDigest(fx.lending, request));
        expect(loanIdOf(await fx.lending.requestDigest(request))).to.equal(
          loanIdOf(await requestDigest(fx.lending, request)),
        );
      }
    });

    it("every signed field changes the digest: the expiry, the nonce and anyCollateralId", async function () {
      const fx = await loadFixture(deployLending);
      const offer = await offerOf(fx, termsOf(fx));
      const base = await fx.lending.offerDigest(offer);
      for (const changed of [
        { ...offer, expiry: offer.expiry + 1n },
        { ...offer, nonce: offer.nonce + 1n },
        { ...offer, anyCollateralId: true },
        { ...offer, refinances: 1n },
        { ...offer, terms: { ...offer.terms, saleFloorDuration: 1n } },
      ]) {
        expect(await fx.lending.offerDigest(changed)).to.not.equal(base);
        expect(await fx.lending.offerDigest(changed)).to.equal(await offerDigest(fx.lending, changed));
      }
    });
  });
});
