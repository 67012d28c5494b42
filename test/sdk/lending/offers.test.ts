// LN-SDK-1, LN-SDK-6: offers and requests built, hashed and signed as the contract reads them, verified as it does
// (ECDSA 65 and 64 bytes, ERC-1271), shared as JSON and parsed back strictly, and terms refused before signing with
// the reason the contract's LendingInvalidTerms would carry.
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, ZeroAddress, id } from "ethers";
import {
  CollateralKind,
  InterestKind,
  LendingRequestError,
  LendingTermsReason,
  hashLoanOffer,
  hashLoanRequest,
  hashLoanTerms,
  loanIdOf,
  parseSignedOffer,
  parseSignedRequest,
  serializeSignedOffer,
  serializeSignedRequest,
  verifyLoanOffer,
  type LoanTerms,
} from "../../../sdk";
import { DAY, MAX_DURATION, SALE, offerDigest } from "../../helpers/lending";
import { lendingSdkFixture } from "./fixture";

async function rejects(promise: Promise<unknown>): Promise<LendingRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LendingRequestError);
    return error as LendingRequestError;
  }
  throw new Error("expected a LendingRequestError");
}

describe("LendingClient offers and requests (LN-SDK-1, LN-SDK-6)", function () {
  it("LN-SDK-1, LN-S1, LN-S3: terms hash, offer and request digests equal the contract's; the loan id is the digest with bit 0 cleared", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const terms = f.terms({ interestKind: InterestKind.ProRated, interest: 1_200n, ...SALE });
    expect(hashLoanTerms(terms)).to.equal(await f.lending.hashTerms(terms));
    const offer = await f.lenderClient.signOffer({ terms, borrower: f.borrower.address, refinances: 0n });
    const deployment = { chainId: 31_337n, contract: f.address };
    expect(hashLoanOffer({ ...deployment, offer: offer.offer })).to.equal(await f.lending.offerDigest(offer.offer));
    const request = await f.borrowerClient.signRequest({ terms, lender: f.lender.address });
    const digest = hashLoanRequest({ ...deployment, request: request.request });
    expect(digest).to.equal(await f.lending.requestDigest(request.request));
    const { loanId } = await f.lenderClient.acceptRequest({ request });
    expect(loanId).to.equal(loanIdOf(digest));
    expect(loanId).to.equal(BigInt(digest) - (BigInt(digest) & 1n));
  });

  it("LN-SDK-1, LN-O6: a 65-byte signature and its 64-byte EIP-2098 form verify and are accepted; a high-s one is refused", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const signed = await f.lenderClient.signOffer({ terms: f.terms() });
    expect(signed.offer.nonce).to.equal(0n);
    expect(await verifyLoanOffer({ signed })).to.deep.equal({ valid: true, by: "ecdsa" });
    const sig = Signature.from(signed.signature);
    const compact = { ...signed, signature: sig.compactSerialized };
    expect(await verifyLoanOffer({ signed: compact })).to.deep.equal({ valid: true, by: "ecdsa" });
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = ethers.concat([sig.r, ethers.toBeHex(n - BigInt(sig.s), 32), sig.v === 27 ? "0x1c" : "0x1b"]);
    expect(await verifyLoanOffer({ signed: { ...signed, signature: highS } })).to.deep.equal({
      valid: false,
      by: null,
    });
    expect(await f.borrowerClient.verifyOffer({ offer: { ...signed, signature: highS } })).to.deep.equal({
      valid: false,
      reason: "LENDING_INVALID_SIGNATURE",
    });
    const { loanId } = await f.borrowerClient.acceptOffer({ offer: compact });
    expect((await f.lending.loanOf(loanId)).lender).to.equal(f.lender.address);
  });

  it("LN-SDK-1, LN-O6: an ERC-1271 lender (a wallet its owner signs for) verifies through the wallet and its offer is accepted; a refusing wallet verifies false", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const wallet = await ethers.deployContract("MockERC1271Wallet", [f.lender.address]);
    const walletAddress = await wallet.getAddress();
    const terms = f.terms();
    await f.usd.mint(walletAddress, terms.principal);
    const approve = f.usd.interface.encodeFunctionData("approve", [f.address, terms.principal]);
    await wallet.connect(f.lender).execute(await f.usd.getAddress(), 0n, approve);
    const signed = await f.lenderClient.signOffer({ terms, lender: walletAddress });
    expect(await verifyLoanOffer({ signed })).to.deep.equal({ valid: false, by: null }); // offline: key only
    expect(await verifyLoanOffer({ signed, provider: ethers.provider })).to.deep.equal({ valid: true, by: "erc1271" });
    await wallet.setMode(1);
    expect(await f.borrowerClient.verifyOffer({ offer: signed })).to.deep.equal({
      valid: false,
      reason: "LENDING_INVALID_SIGNATURE",
    });
    const refused = await rejects(f.borrowerClient.acceptOffer({ offer: signed }));
    expect(refused.code).to.equal("LENDING_INVALID_SIGNATURE");
    await wallet.setMode(0);
    const { loanId } = await f.borrowerClient.acceptOffer({ offer: signed });
    expect((await f.lending.loanOf(loanId)).lender).to.equal(walletAddress);
    expect(await f.usd.balanceOf(walletAddress)).to.equal(0n);
  });

  it("LN-SDK-1: an offer and a request survive JSON with bigints as decimal strings, byte for byte", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const terms = f.terms({
      collateralId: (1n << 200n) + 7n,
      collateralKind: CollateralKind.ERC721,
      collateralAmount: 0n,
    });
    const offer = await f.lenderClient.signOffer({ terms, validFor: DAY });
    const text = serializeSignedOffer(offer);
    const json = JSON.parse(text);
    expect(json.kind).to.equal("peerpay.lending.offer");
    expect(json.body.terms.collateralId).to.equal(((1n << 200n) + 7n).toString());
    expect(json.body.terms.principal).to.equal(terms.principal.toString());
    expect(json.chainId).to.equal("31337");
    const back = await f.borrowerClient.parseOffer({ text });
    expect(back).to.deep.equal(offer);
    expect(serializeSignedOffer(back)).to.equal(text);
    const request = await f.borrowerClient.signRequest({ terms: f.terms() });
    const parsed = parseSignedRequest({ text: serializeSignedRequest(request), contract: f.address });
    expect(parsed).to.deep.equal(request);
  });

  it("LN-SDK-1: parsing refuses bad JSON, missing or extra fields, numbers for bigints, lowercase addresses, out-of-type values, other versions and other deployments, each with a stable code", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const offer = await f.lenderClient.signOffer({ terms: f.terms() });
    const json = JSON.parse(serializeSignedOffer(offer));
    const mutate = (change: (j: typeof json) => void) => {
      const copy = JSON.parse(JSON.stringify(json));
      change(copy);
      return copy;
    };
    const cases: [unknown, string, string][] = [
      ["{not json", "LENDING_OFFER_MALFORMED", "text"],
      [mutate((j) => delete j.body.nonce), "LENDING_OFFER_MALFORMED", "body"],
      [mutate((j) => (j.body.extra = "1")), "LENDING_OFFER_MALFORMED", "body"],
      [mutate((j) => (j.body.terms.principal = 5)), "LENDING_OFFER_MALFORMED", "terms.principal"],
      [mutate((j) => (j.body.terms.principal = "-5")), "LENDING_OFFER_MALFORMED", "terms.principal"],
      [mutate((j) => (j.body.terms.principal = "05")), "LENDING_OFFER_MALFORMED", "terms.principal"],
      [
        mutate((j) => (j.body.terms.principal = (1n << 96n).toString())),
        "LENDING_OFFER_MALFORMED",
        "offer.terms.principal",
      ],
      [mutate((j) => (j.body.expiry = (1n << 40n).toString())), "LENDING_OFFER_MALFORMED", "offer.expiry"],
      [mutate((j) => (j.body.lender = j.body.lender.toLowerCase())), "LENDING_OFFER_MALFORMED", "lender"],
      [mutate((j) => (j.body.terms.interestKind = 2)), "LENDING_OFFER_MALFORMED", "terms.interestKind"],
      [mutate((j) => (j.body.anyCollateralId = "false")), "LENDING_OFFER_MALFORMED", "offer.anyCollateralId"],
      [mutate((j) => (j.signature = "0x")), "LENDING_OFFER_MALFORMED", "signature"],
      [mutate((j) => (j.kind = "peerpay.lending.request")), "LENDING_OFFER_MALFORMED", "kind"],
      [mutate((j) => (j.version = 2)), "LENDING_OFFER_UNSUPPORTED_VERSION", ""],
      [mutate((j) => (j.chainId = "1")), "LENDING_OFFER_WRONG_DEPLOYMENT", ""],
      [mutate((j) => (j.contract = f.address.replace(/.$/, (c) => (c === "0" ? "1" : "0")))), "", ""],
    ];
    for (const [text, code, parameter] of cases) {
      const error = await rejects(f.borrowerClient.parseOffer({ text: text as object }));
      if (code !== "") expect(error.code, JSON.stringify(text)).to.equal(code);
      if (parameter !== "") expect(error.details.parameter, code).to.equal(parameter);
    }
    expect(() => parseSignedOffer({ text: serializeSignedOffer(offer), chainId: 1n })).to.throw(LendingRequestError);
  });

  it("LN-SDK-6, LN-O7: terms the contract refuses are refused before signing with its reason, and the contract refuses them with the same", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const R = LendingTermsReason;
    const cases: [Partial<LoanTerms>, LendingTermsReason][] = [
      [{ principal: 0n }, R.Principal],
      [{ principalToken: f.other.address }, R.PrincipalToken],
      [{ principalToken: await f.auctions.getAddress() }, R.PrincipalToken],
      [{ collateralToken: await f.usd.getAddress() }, R.CollateralToken],
      [{ collateralToken: f.address }, R.CollateralToken],
      [{ collateralId: 1n }, R.Collateral],
      [{ duration: 0n }, R.Duration],
      [{ duration: MAX_DURATION + 1n }, R.Duration],
      [{ gracePeriod: 90n * DAY + 1n }, R.Grace],
      [{ interestKind: InterestKind.ProRated, interest: 0n }, R.Interest],
      [{ interestKind: InterestKind.ProRated, interest: 100_001n }, R.Interest],
      [{ interest: (1n << 96n) - 1_000n * 10n ** 18n }, R.Interest],
      [{ feeBps: 1n }, R.Fee],
      [{ feeBps: 2_501n, feeRecipient: f.feeTaker.address }, R.Fee],
      [{ feeBps: 1n, feeRecipient: f.address }, R.Fee],
      [{ saleFloorBps: 1n }, R.Sale],
      [{ ...SALE, saleFloorBps: 15_001n }, R.Sale],
      [{ ...SALE, saleDuration: 365n * DAY + 1n }, R.Sale],
    ];
    for (const [over, reason] of cases) {
      const terms = f.terms(over);
      const error = await rejects(f.borrowerClient.signRequest({ terms }));
      expect(
        [error.code, error.details.reason],
        JSON.stringify(over, (_, v) => String(v)),
      ).to.deep.equal(["LENDING_INVALID_TERMS", reason]);
      const request = {
        borrower: f.borrower.address,
        lender: ZeroAddress,
        terms,
        refinances: 0n,
        nonce: 9n,
        expiry: 1n << 39n,
      };
      await expect(f.lending.connect(f.lender).acceptRequest.staticCall(request, "0x"))
        .to.be.revertedWithCustomError(f.lending, "LendingInvalidTerms")
        .withArgs(reason);
    }
    const anyId = await rejects(f.lenderClient.signOffer({ terms: f.terms(), anyCollateralId: true }));
    expect(anyId.details.reason).to.equal(R.CollateralId);
  });

  it("LN-SDK-6: an ERC-777 principal (registered in the ERC-1820 registry) is refused before signing and before accepting", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const registry = "0x1820a4B7618BdE71Dce8cdc73aAB6C95905faD24";
    const mock = await ethers.deployContract("LendingSdkRegistry");
    const code = await ethers.provider.getCode(await mock.getAddress());
    const terms = f.terms();
    const offer = await f.lenderClient.signOffer({ terms }); // no registry yet: no ERC-777 token
    await network.provider.send("hardhat_setCode", [registry, code]);
    const at = await ethers.getContractAt("LendingSdkRegistry", registry);
    await at.setInterfaceImplementer(f.usd.target, id("ERC777Token"), f.usd.target);
    const signing = await rejects(f.lenderClient.signOffer({ terms }));
    expect(signing.code).to.equal("LENDING_ERC777_PRINCIPAL");
    expect(signing.details.implementer).to.equal(f.usd.target);
    const accepting = await rejects(f.borrowerClient.acceptOffer({ offer }));
    expect(accepting.code).to.equal("LENDING_ERC777_PRINCIPAL");
    expect(await f.usd.balanceOf(f.borrower.address)).to.equal(1_000_000n * 10n ** 18n);
    // Another token, not registered, still goes through; ETH is never ERC-777.
    await at.setInterfaceImplementer(f.usd.target, id("ERC777Token"), ZeroAddress);
    expect((await f.lenderClient.signOffer({ terms })).offer.nonce).to.equal(0n);
    expect(await offerDigest(f.lending, offer.offer)).to.equal(hashLoanOffer(offer));
  });
});
