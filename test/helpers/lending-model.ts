// Reference model of contracts/Lending.sol, written from docs/lending.md: the core of test/helpers/lending-model-core.ts
// (acceptance, repayment, default, sale, held collateral, the ledger) plus refinancing (LN-F), position transfers
// (LN-P1), nonces (LN-O5) and ETH deposits (LN-A4). Each action returns the custom errors the spec's rules predict, or
// applies its effects when the call is valid. Used by test/lending/Lending.property.test.ts.
import { ZeroAddress } from "ethers";
import { BPS, InterestKind, type Terms } from "./lending";
import { LendingModelCore } from "./lending-model-core";

export { type LendingAddresses, type ModelLoan, type ModelSale } from "./lending-model-core";

const lc = (a: string): string => a.toLowerCase();
const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && lc(a) === lc(b);

export class LendingModel extends LendingModelCore {
  // ------------------------------------------------------------------ refinance (LN-F)

  /**
   * LN-F1 … LN-F5. With an offer the caller is the borrower token's holder and pays any shortfall up to
   * `maxPayment` (ETH: sent as msg.value, the rest back; the new lender's ETH from its deposit); with a request the
   * caller is the new lender (ETH: msg.value = the new principal) and there is no shortfall to pay.
   */
  refinance(p: {
    id: bigint;
    kind: "offer" | "request";
    caller: string;
    newLender: string;
    signer: string;
    terms: Terms;
    nonce: bigint;
    expiry: bigint;
    maxPayment: bigint;
    value: bigint;
    now: bigint;
  }): string[] {
    const l = this.loans.get(p.id);
    const e = this.activeErrors(l);
    if (e.length > 0) return e;
    const old = l!.terms;
    const t = p.terms;
    const eth = t.principalToken === ZeroAddress;
    const borrower = l!.borrower!;
    if (p.kind === "offer" && !same(p.caller, borrower)) e.push("LendingUnauthorized");
    if (p.kind === "request" && !same(p.signer, borrower)) e.push("LendingUnauthorized");
    if (p.kind === "request" && p.value !== (eth ? t.principal : 0n)) e.push("LendingValueMismatch");
    e.push(...this.nonceErrors(p.signer, p.nonce, p.expiry, p.now));
    if (same(p.newLender, borrower)) e.push("LendingSelfLoan");
    const owed = this.owed(l!, p.now);
    const shortfall = owed.total > t.principal ? owed.total - t.principal : 0n;
    if (shortfall > (p.kind === "offer" ? p.maxPayment : 0n)) e.push("LendingShortfall");
    if (p.kind === "offer" && p.value !== (eth ? p.maxPayment : 0n)) e.push("LendingValueMismatch");
    if (p.kind === "offer" && eth && this.depositOf(p.newLender) < t.principal) e.push("LendingInsufficientDeposit");
    // LN-F3: the payoff, as docs/lending.md §7 splits it.
    const fee = (owed.interestPart * old.feeBps) / BPS;
    const toBorrower = t.principal > owed.total ? t.principal - owed.total : 0n;
    const fromNew = t.principal - toBorrower;
    const newFee = fee < fromNew ? fee : fromNew;
    const oldLender = l!.lender!;
    const moves: [string, string, bigint][] = [
      [p.newLender, oldLender, fromNew - newFee],
      [p.newLender, old.feeRecipient, newFee],
      [p.newLender, borrower, toBorrower],
      [p.caller, oldLender, owed.total - fromNew - (fee - newFee)],
      [p.caller, old.feeRecipient, fee - newFee],
    ];
    if (e.length === 0) for (const [from, to, x] of moves) e.push(...this.payErrors(t.principalToken, from, to, x));
    if (e.length > 0) return e;
    this.useNonce(p.signer, p.nonce);
    if (eth) {
      if (p.kind === "offer") {
        this.deposits.set(lc(p.newLender), this.depositOf(p.newLender) - t.principal);
        this.addBalance(ZeroAddress, p.caller, -p.maxPayment);
        this.payout(ZeroAddress, p.caller, p.maxPayment - shortfall);
      } else {
        this.addBalance(ZeroAddress, p.caller, -t.principal);
      }
    }
    for (const [from, to, x] of moves) this.pay(t.principalToken, from, to, x);
    l!.terms = { ...t, collateralId: old.collateralId };
    l!.lender = lc(p.newLender);
    l!.start = p.now;
    l!.checkpoint = p.now;
    l!.outstanding = t.principal + (t.interestKind === InterestKind.Fixed ? t.interest : 0n);
    return [];
  }

  // ------------------------------------------------------------------ positions, nonces, deposits

  /** LN-P1: the holder moves a position token (`lenderSide`: the even id) to `to`. */
  transfer(id: bigint, lenderSide: boolean, caller: string, to: string): string[] {
    const l = this.loans.get(id);
    const holder = l === undefined ? null : lenderSide ? l.lender : l.borrower;
    if (holder === null) return ["ERC721NonexistentToken"];
    const e: string[] = [];
    if (!same(caller, holder)) e.push("ERC721InsufficientApproval", "ERC721IncorrectOwner");
    if (to === ZeroAddress || same(to, this.a.lending)) e.push("LendingInvalidRecipient");
    if (e.length > 0) return e;
    if (lenderSide) l!.lender = lc(to);
    else l!.borrower = lc(to);
    return [];
  }

  /** LN-O5. */
  cancelNonce(signer: string, nonce: bigint): string[] {
    this.useNonce(signer, nonce);
    return [];
  }

  cancelNoncesBelow(signer: string, n: bigint): string[] {
    if (n <= (this.minNonce.get(lc(signer)) ?? 0n)) return ["LendingInvalidNonce"];
    this.minNonce.set(lc(signer), n);
    return [];
  }

  deposit(account: string, amount: bigint): string[] {
    if (amount === 0n) return ["LendingZeroAmount"];
    this.deposits.set(lc(account), this.depositOf(account) + amount);
    this.addBalance(ZeroAddress, account, -amount);
    return [];
  }

  withdrawDeposit(account: string, amount: bigint, to: string): string[] {
    const e: string[] = [];
    if (to === ZeroAddress || same(to, this.a.lending)) e.push("LendingInvalidRecipient");
    if (amount === 0n) e.push("LendingZeroAmount");
    if (this.depositOf(account) < amount) e.push("LendingInsufficientDeposit");
    if (e.length > 0) return e;
    this.deposits.set(lc(account), this.depositOf(account) - amount);
    this.addBalance(ZeroAddress, to, amount);
    return [];
  }
}
