// Decoding Lending's events, from a receipt or from logs: what the reads (a loan's terms from LoanStarted and
// Refinanced, LN-SDK-4) and the listings (positions from Transfer, LN-SDK-5) are built from.
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { lendingInterface } from "./abi";
import type { LoanId, LoanTerms } from "./types";

type Id = { loanId: LoanId };

/**
 * A decoded event of the Lending contract, discriminated by `type`. Amounts are bigints. `LoanStarted.terms` are the
 * signed terms, its `collateralId` the loan's token id (the borrower's pick for an offer open to any id);
 * `Refinanced.terms` the new side's, whose collateral id the loan keeps. `Transfer` is a position token's (an even
 * `tokenId` is the lender's, odd the borrower's).
 *
 * @example
 * ```ts
 * for (const event of decodeLendingEvents({ receipt, address })) {
 *   if (event.type === "Repaid") console.log(event.payment, event.outstanding);
 * }
 * ```
 */
export type LendingEvent = LendingEventPayload & { log: EventLocation };

type LendingEventPayload =
  | (Id & {
      type: "LoanStarted";
      lender: Address;
      borrower: Address;
      digest: string;
      terms: LoanTerms;
      collateralId: bigint;
    })
  | (Id & {
      type: "Repaid";
      payer: Address;
      payment: bigint;
      interestPaid: bigint;
      fee: bigint;
      outstanding: bigint;
    })
  | (Id & { type: "LoanRepaid" })
  | (Id & { type: "CollateralClaimed"; lender: Address; to: Address })
  | (Id & { type: "CollateralHeld"; holder: Address })
  | (Id & { type: "CollateralWithdrawn"; holder: Address; to: Address })
  | (Id & { type: "SaleStarted"; auctionId: bigint; debt: bigint })
  | (Id & { type: "SaleSettled"; proceeds: bigint; toLender: bigint; toBorrower: bigint })
  | (Id & {
      type: "Refinanced";
      oldLender: Address;
      newLender: Address;
      owed: bigint;
      digest: string;
      terms: LoanTerms;
    })
  | { type: "NonceCancelled"; signer: Address; nonce: bigint }
  | { type: "NoncesCancelledBelow"; signer: Address; minNonce: bigint }
  | { type: "Deposited"; account: Address; amount: bigint }
  | { type: "DepositWithdrawn"; account: Address; to: Address; amount: bigint }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint }
  | { type: "Transfer"; from: Address; to: Address; tokenId: bigint }
  | { type: "Approval"; owner: Address; approved: Address; tokenId: bigint }
  | { type: "ApprovalForAll"; owner: Address; operator: Address; approved: boolean };

/**
 * Where {@link decodeLendingEvents} reads from: a receipt or logs, and the contract's address (logs of any other
 * address are skipped, so a token cannot forge a `LoanStarted` or a position `Transfer`).
 *
 * @example
 * ```ts
 * const params: DecodeLendingEventsParameters = { receipt, address: lendingAddress };
 * ```
 */
export type DecodeLendingEventsParameters = EventSource;

/**
 * Decodes the Lending contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const started = decodeLendingEvents({ receipt, address }).find((e) => e.type === "LoanStarted");
 * ```
 */
export function decodeLendingEvents(params: DecodeLendingEventsParameters): LendingEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: lendingInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

/** Terms as a log's tuple gives them, as a plain object (enums as numbers). */
export function termsFromResult(t: Result): LoanTerms {
  return {
    principalToken: t.principalToken,
    principal: t.principal,
    collateralToken: t.collateralToken,
    collateralAmount: t.collateralAmount,
    collateralId: t.collateralId,
    collateralKind: Number(t.collateralKind),
    interestKind: Number(t.interestKind),
    interest: t.interest,
    duration: t.duration,
    gracePeriod: t.gracePeriod,
    feeBps: t.feeBps,
    feeRecipient: t.feeRecipient,
    saleStartBps: t.saleStartBps,
    saleFloorBps: t.saleFloorBps,
    saleDuration: t.saleDuration,
    saleFloorDuration: t.saleFloorDuration,
  };
}

function toEvent(name: string, a: Result): LendingEventPayload | null {
  // Ids come from the contract's own logs (checked by address), so they are branded without re-checking.
  const loanId = a.loanId as LoanId;
  switch (name) {
    case "LoanStarted":
      return {
        type: name,
        loanId,
        lender: a.lender,
        borrower: a.borrower,
        digest: a.digest,
        terms: termsFromResult(a.terms as Result),
        collateralId: a.collateralId,
      };
    case "Repaid":
      return {
        type: name,
        loanId,
        payer: a.payer,
        payment: a.payment,
        interestPaid: a.interestPaid,
        fee: a.fee,
        outstanding: a.outstanding,
      };
    case "LoanRepaid":
      return { type: name, loanId };
    case "CollateralClaimed":
      return { type: name, loanId, lender: a.lender, to: a.to };
    case "CollateralHeld":
      return { type: name, loanId, holder: a.holder };
    case "CollateralWithdrawn":
      return { type: name, loanId, holder: a.holder, to: a.to };
    case "SaleStarted":
      return { type: name, loanId, auctionId: a.auctionId, debt: a.debt };
    case "SaleSettled":
      return { type: name, loanId, proceeds: a.proceeds, toLender: a.toLender, toBorrower: a.toBorrower };
    case "Refinanced":
      return {
        type: name,
        loanId,
        oldLender: a.oldLender,
        newLender: a.newLender,
        owed: a.owed,
        digest: a.digest,
        terms: termsFromResult(a.terms as Result),
      };
    case "NonceCancelled":
      return { type: name, signer: a.signer, nonce: a.nonce };
    case "NoncesCancelledBelow":
      return { type: name, signer: a.signer, minNonce: a.minNonce };
    case "Deposited":
      return { type: name, account: a.account, amount: a.amount };
    case "DepositWithdrawn":
      return { type: name, account: a.account, to: a.to, amount: a.amount };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    case "Transfer":
      return { type: name, from: a.from, to: a.to, tokenId: a.tokenId };
    case "Approval":
      return { type: name, owner: a.owner, approved: a.approved, tokenId: a.tokenId };
    case "ApprovalForAll":
      return { type: name, owner: a.owner, operator: a.operator, approved: a.approved };
    default:
      return null;
  }
}
