// The views as typed results, a loan's terms rebuilt from its logs (LN-SDK-4), what it owes at a time computed
// offline from the stored state (LN-SDK-3), and the next unused nonce of a signer.
import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import { requireAddress } from "../../internal/validate";
import { decodeLendingEvents } from "../events";
import { loanOwedAt } from "../interest";
import type { LoanDetails } from "../parameters";
import { hashLoanTerms } from "../typed-data";
import { LoanStatus, toLoanId, type Loan, type LoanId, type LoanOwed, type LoanSale, type LoanTerms } from "../types";
import { refuse } from "./checks";
import { chainTime, read, type LendingContext } from "./context";

/** Nonces tried by `nextNonce` above the floor before giving up (each used one costs a call). */
const MAX_NONCE_PROBES = 4_096n;

export async function loanOf(context: LendingContext, loanId: LoanId, blockTag?: number): Promise<Loan> {
  const id = toLoanId(loanId);
  const l = await read(context, (c) => c.loanOf(id, { blockTag }));
  return {
    loanId: id,
    lender: l.lender,
    start: l.start,
    checkpoint: l.checkpoint,
    status: Number(l.status) as LoanStatus,
    borrower: l.borrower,
    outstanding: l.outstanding,
    termsHash: l.termsHash,
  };
}

export async function saleOf(context: LendingContext, loanId: LoanId): Promise<LoanSale> {
  const s = await read(context, (c) => c.saleOf(toLoanId(loanId)));
  return { auctionId: s.auctionId, debt: s.debt, interest: s.interest };
}

/**
 * The loan and its current terms: the last `LoanStarted` or `Refinanced` log of the loan (from the client's
 * `fromBlock`), with the loan's collateral id from `LoanStarted` (the borrower's pick for an any-id offer), checked
 * against the stored hash.
 */
export async function loanDetails(context: LendingContext, loanId: LoanId): Promise<LoanDetails> {
  const loan = await loanOf(context, loanId);
  if (loan.status === LoanStatus.None) {
    throw refuse("LENDING_LOAN_NOT_FOUND", `No loan ${loan.loanId} on this deployment`, { loanId: loan.loanId });
  }
  const iface = context.contract.interface;
  const topics = [
    [iface.getEvent("LoanStarted").topicHash, iface.getEvent("Refinanced").topicHash],
    loanHex(loan.loanId),
  ];
  const logs = await context.tx.guard(() =>
    context.tx
      .provider()
      .getLogs({ address: context.address, topics, fromBlock: context.fromBlock, toBlock: "latest" }),
  );
  let collateralId: bigint | undefined;
  let terms: LoanTerms | undefined;
  for (const event of decodeLendingEvents({ logs, address: context.address })) {
    if (event.type === "LoanStarted" && event.loanId === loan.loanId) {
      collateralId = event.collateralId;
      terms = { ...event.terms, collateralId };
    } else if (event.type === "Refinanced" && event.loanId === loan.loanId && collateralId !== undefined) {
      terms = { ...event.terms, collateralId };
    }
  }
  if (terms === undefined || hashLoanTerms(terms) !== loan.termsHash) {
    throw refuse(
      "LENDING_LOAN_NOT_FOUND",
      `No logs of loan ${loan.loanId} matching its terms since block ${context.fromBlock}`,
      {
        loanId: loan.loanId,
        fromBlock: context.fromBlock,
      },
    );
  }
  return { loan, terms };
}

function loanHex(loanId: bigint): string {
  return `0x${loanId.toString(16).padStart(64, "0")}`;
}

/** What a full repayment at `at` (default the latest block's time) pays, from the loan read now (LN-SDK-3). */
export async function owedAt(
  context: LendingContext,
  params: { loanId: LoanId; terms?: LoanTerms; at?: bigint },
): Promise<LoanOwed> {
  const [{ loan, terms }, now] = await Promise.all([
    params.terms === undefined
      ? loanDetails(context, params.loanId)
      : loanOf(context, params.loanId).then((loan) => ({ loan, terms: params.terms as LoanTerms })),
    params.at === undefined ? chainTime(context) : Promise.resolve(params.at),
  ]);
  return loanOwedAt({ terms, loan, at: now });
}

/** The lowest nonce of `signer` at or above its floor that is neither used nor cancelled (LN-O5). */
export async function nextNonce(context: LendingContext, signer: Address): Promise<bigint> {
  const account = requireAddress("signer", signer);
  const floor = await read(context, (c) => c.minNonceOf(account));
  for (let nonce = floor; nonce < floor + MAX_NONCE_PROBES; nonce++) {
    if (!(await read(context, (c) => c.nonceUsed(account, nonce)))) return nonce;
  }
  // A signer that used thousands of nonces in a row: start past them (cancelNoncesBelow would reset it too).
  return floor + MAX_NONCE_PROBES;
}

export function creditOf(context: LendingContext, params: { token?: Address; account: Address }) {
  const token = requireAddress("token", params.token ?? ZeroAddress);
  const account = requireAddress("account", params.account);
  return read(context, (c) => c.creditOf(token, account));
}
