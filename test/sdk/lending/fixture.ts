// The LendingClient tests' fixture: test/helpers/lending.ts's deployment (Auctions, Lending, `usd` principal, `wbtc`
// collateral, NFTs 1..4 of the borrower, everything approved), one LendingClient per party and a read-only one.
import { ethers } from "hardhat";
import type { ContractRunner } from "ethers";
import { LendingClient, type LoanTerms } from "../../../sdk";
import { deployLending, termsOf } from "../../helpers/lending";

export async function lendingSdkFixture() {
  const fx = await deployLending();
  const address = await fx.lending.getAddress();
  const client = (runner: ContractRunner) => new LendingClient({ address, runner });
  const terms = (over: Partial<LoanTerms> = {}): LoanTerms => termsOf(fx, over);
  return {
    ...fx,
    address,
    client,
    terms,
    lenderClient: client(fx.lender),
    borrowerClient: client(fx.borrower),
    otherClient: client(fx.other),
    readClient: client(ethers.provider),
  };
}

export type LendingSdkFixture = Awaited<ReturnType<typeof lendingSdkFixture>>;

/** A loan from an offer the lender signs through the SDK and the borrower accepts through it. */
export async function sdkLoan(f: LendingSdkFixture, over: Partial<LoanTerms> = {}) {
  const terms = f.terms(over);
  const offer = await f.lenderClient.signOffer({ terms });
  const result = await f.borrowerClient.acceptOffer({ offer });
  return { ...result, terms, offer };
}
