// LN-SDK-3, LN-SDK-4, LN-SDK-5: what a loan owes computed offline equals the contract's owedAt to the unit; a loan's
// terms rebuilt from its logs (any-id offers, refinances); an account's loans listed from the position transfers.
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { CollateralKind, InterestKind, LoanStatus, loanOwedAt, toLoanId, type PeerPayError } from "../../../sdk";
import { DAY, ONE, YEAR } from "../../helpers/lending";
import { lendingSdkFixture, sdkLoan } from "./fixture";

describe("LendingClient reads (LN-SDK-3, LN-SDK-4, LN-SDK-5)", function () {
  it("LN-SDK-3, LN-I2: a pro-rated loan's owedAt offline equals the contract's to the unit at odd times, before and after a part payment", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f, {
      interestKind: InterestKind.ProRated,
      interest: 1_337n,
      principal: 1_000n * ONE + 7n,
    });
    const checkAt = async (at: bigint) => {
      const loan = await f.readClient.loan({ loanId });
      const [principalPart, interestPart, total] = await f.lending.owedAt(terms, loanId, at);
      expect(loanOwedAt({ terms, loan, at }), String(at)).to.deep.equal({ principalPart, interestPart, total });
      expect(await f.readClient.owedAt({ loanId, at })).to.deep.equal({ principalPart, interestPart, total });
    };
    const start = (await f.lending.loanOf(loanId)).start;
    for (const dt of [0n, 1n, 7n, DAY + 13n, YEAR + 1n, 5n * YEAR]) await checkAt(start + dt);
    await checkAt(start - 5n);
    await time.increase(3n * DAY + 11n);
    const owedNow = await f.borrowerClient.owedAt({ loanId, at: (await f.borrowerClient.chainTime()) + 1n });
    await time.setNextBlockTimestamp((await f.borrowerClient.chainTime()) + 1n);
    await f.borrowerClient.repay({ loanId, terms, amount: owedNow.interestPart + 100n * ONE });
    expect((await f.readClient.loan({ loanId })).outstanding).to.equal(terms.principal - 100n * ONE);
    for (const dt of [0n, 17n, 40n * DAY + 3n]) await checkAt((await f.readClient.chainTime()) + dt);
  });

  it("LN-SDK-3, LN-I1: a fixed loan owes principal plus interest whenever, the interest first after a part payment", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const { loanId, terms } = await sdkLoan(f);
    await f.borrowerClient.repay({ loanId, terms, amount: 20n * ONE });
    const at = (await f.readClient.chainTime()) + 100n * DAY;
    const [principalPart, interestPart, total] = await f.lending.owedAt(terms, loanId, at);
    expect(await f.readClient.owedAt({ loanId, at })).to.deep.equal({ principalPart, interestPart, total });
    expect([principalPart, interestPart]).to.deep.equal([1_000n * ONE, 30n * ONE]);
  });

  it("LN-SDK-4, LN-O2: an offer open to any id is read back with the borrower's id from LoanStarted, matching the stored hash", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const terms = f.terms({
      collateralKind: CollateralKind.ERC721,
      collateralAmount: 0n,
      collateralToken: await f.nft.getAddress(),
    });
    const offer = await f.lenderClient.signOffer({ terms, anyCollateralId: true });
    const wrongId = await f.borrowerClient
      .acceptOffer({ offer: { ...offer, offer: { ...offer.offer, anyCollateralId: false } }, collateralId: 3n })
      .catch((e: PeerPayError) => e);
    expect((wrongId as PeerPayError).code).to.equal("LENDING_INVALID_TERMS");
    const { loanId } = await f.borrowerClient.acceptOffer({ offer, collateralId: 3n });
    const { loan, terms: read } = await f.readClient.loanDetails({ loanId });
    expect(read).to.deep.equal({ ...terms, collateralId: 3n });
    expect(loan).to.deep.include({
      loanId,
      status: LoanStatus.Active,
      lender: f.lender.address,
      borrower: f.borrower.address,
    });
    expect(await f.nft.ownerOf(3n)).to.equal(f.address);
    // The rebuilt terms are the ones every later call takes.
    await f.borrowerClient.repay({ loanId, terms: read, amount: terms.principal + terms.interest });
    expect(await f.nft.ownerOf(3n)).to.equal(f.borrower.address);
  });

  it("LN-SDK-4: an unknown loan id is LENDING_LOAN_NOT_FOUND; an odd or zero id LENDING_INVALID_LOAN_ID", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const missing = await f.readClient.loanDetails({ loanId: toLoanId(42n) }).catch((e: PeerPayError) => e);
    expect((missing as PeerPayError).code).to.equal("LENDING_LOAN_NOT_FOUND");
    for (const bad of [0n, 3n, "x", 1n << 256n]) {
      expect(() => toLoanId(bad as bigint), String(bad))
        .to.throw()
        .with.property("code", "LENDING_INVALID_LOAN_ID");
    }
    expect(toLoanId("0x2a")).to.equal(42n);
  });

  it("LN-SDK-5, LN-P4: loansOf lists an account's positions from Transfer logs, by side, held or not, with the loan read at the scan's end", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const first = await sdkLoan(f);
    const second = await sdkLoan(f, { collateralAmount: 3n * ONE });
    await f.lending.connect(f.borrower).transferFrom(f.borrower.address, f.other.address, second.loanId + 1n);
    await f.borrowerClient.repay({ loanId: first.loanId, terms: first.terms, amount: 2_000n * ONE });
    const { positions, nextFromBlock } = await f.readClient.loansOf({ account: f.borrower.address });
    expect(nextFromBlock).to.equal(null);
    expect(positions.map((p) => [p.loanId, p.role, p.tokenId, p.holding, p.loan.status])).to.deep.equal([
      [first.loanId, "borrower", first.loanId + 1n, false, LoanStatus.Repaid],
      [second.loanId, "borrower", second.loanId + 1n, false, LoanStatus.Active],
    ]);
    const other = await f.readClient.loansOf({ account: f.other.address });
    expect(other.positions.map((p) => [p.loanId, p.role, p.holding])).to.deep.equal([
      [second.loanId, "borrower", true],
    ]);
    const lender = await f.readClient.loansOf({ account: f.lender.address, roles: ["lender"] });
    expect(lender.positions.map((p) => [p.loanId, p.holding])).to.deep.equal([
      [first.loanId, false],
      [second.loanId, true],
    ]);
    expect((await f.readClient.loansOf({ account: f.lender.address, roles: ["borrower"] })).positions).to.deep.equal(
      [],
    );
  });
});
