// LN-SDK-1: LendingClient over a BrowserProvider signer on a bare EIP-1193 object (an injected browser wallet): the
// offer is signed with one eth_signTypedData_v4, the acceptance sent with one eth_sendTransaction; a declined prompt
// is USER_REJECTED.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { LendingClient, TransactionError, verifyLoanOffer, type PeerPayError } from "../../../sdk";
import { countSince, pageSigner } from "../../helpers/eip1193";
import { lendingSdkFixture } from "./fixture";

describe("LendingClient with an EIP-1193 wallet (LN-SDK-1)", function () {
  it("LN-SDK-1: a lender signs through eth_signTypedData_v4 and a borrower accepts with one eth_sendTransaction", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const lenderPage = await pageSigner(f.lender.address);
    const lender = new LendingClient({ address: f.address, runner: lenderPage.signer });
    const signed = await lender.signOffer({ terms: f.terms() });
    expect(countSince(lenderPage.wallet, "eth_signTypedData_v4")).to.equal(1);
    expect(await verifyLoanOffer({ signed })).to.deep.equal({ valid: true, by: "ecdsa" });
    const borrowerPage = await pageSigner(f.borrower.address);
    const borrower = new LendingClient({ address: f.address, runner: borrowerPage.signer });
    const from = borrowerPage.wallet.seen.length;
    const { loanId } = await borrower.acceptOffer({ offer: signed });
    expect(countSince(borrowerPage.wallet, "eth_sendTransaction", from)).to.equal(1);
    expect(await f.lending.ownerOf(loanId + 1n)).to.equal(f.borrower.address);
  });

  it("LN-SDK-1: a declined signature prompt is a TransactionError with code USER_REJECTED, and nothing is signed", async function () {
    const f = await loadFixture(lendingSdkFixture);
    const page = await pageSigner(f.lender.address);
    page.wallet.rejecting.add("eth_signTypedData_v4");
    const lender = new LendingClient({ address: f.address, runner: page.signer });
    const error = await lender
      .signRequest({ terms: f.terms(), borrower: f.lender.address })
      .catch((e: PeerPayError) => e);
    expect(error).to.be.instanceOf(TransactionError);
    expect((error as PeerPayError).code).to.equal("USER_REJECTED");
  });
});
