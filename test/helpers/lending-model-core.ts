// Reference model of contracts/Lending.sol (its core; test/helpers/lending-model.ts adds refinancing, positions,
// nonces and deposits), written from docs/lending.md (and the deliberate differences the
// implementation notes list: ETH deposits as a ledger of their own, the EIP-712 terms hash, settleSale of an unsold
// sale handing the collateral to the lender token's holder or holding it). Each action returns the custom errors the
// spec's rules predict (every rule the call breaks: the contract reverts with one of them) or, when it is valid,
// applies its effects: loans (outstanding, checkpoint, status, the positions' holders), sales, nonces, deposits,
// PullPayments credits per token and account, held collateral, NFT owners and what each account's balance moved by.
// The stateful property test (test/lending/Lending.property.test.ts) compares all of it with the chain after every
// step, and the balances of Lending per asset with what the model says it owes (LN-V1, LN-V2).
import { ZeroAddress } from "ethers";
import { BPS, InterestKind, CollateralKind, Status, owedAt, salePrice, type Terms } from "./lending";
import { dutchPriceAt } from "./lending-default";
import { PullPaymentsModel } from "./pull-payments-model";

const lc = (a: string): string => a.toLowerCase();
const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && lc(a) === lc(b);

export interface ModelSale {
  auctionId: bigint;
  debt: bigint;
  interest: bigint;
  start: bigint;
  duration: bigint;
  startPrice: bigint;
  floorPrice: bigint;
  end: bigint;
  feeBps: bigint;
  /** The price a buyer paid (AU-D4), null until bought. */
  price: bigint | null;
}

export interface ModelLoan {
  id: bigint;
  /** The stored terms (for an offer open to any id, with the borrower's id). */
  terms: Terms;
  lender: string | null;
  borrower: string | null;
  start: bigint;
  checkpoint: bigint;
  status: Status;
  outstanding: bigint;
  sale: ModelSale | null;
  /** LN-R4, LN-D5: the collateral is held by Lending for the remaining position's holder. */
  held: boolean;
}

/** The world's addresses the model needs. */
export interface LendingAddresses {
  lending: string;
  auctions: string;
  /** The principal ERC20 and the ERC20 collateral, both blocklist tokens. */
  principal: string;
  collateral: string;
  nft: string;
}

export class LendingModelCore extends PullPaymentsModel {
  readonly loans = new Map<bigint, ModelLoan>();
  readonly deposits = new Map<string, bigint>();
  readonly nonces = new Map<string, Set<bigint>>();
  readonly minNonce = new Map<string, bigint>();
  /** Accounts the collateral token blocks (the principal token's are `blocked`). */
  readonly blockedC = new Set<string>();
  readonly nftOwner = new Map<bigint, string>();
  /** Per asset, what was donated or forced in: owed to nobody (LN-S5). */
  readonly donated = new Map<string, bigint>();
  nextAuctionId = 1n;
  auctionFeeBps = 0n;

  constructor(readonly a: LendingAddresses) {
    super(a.lending, a.principal);
  }

  // ------------------------------------------------------------------ reads

  depositOf(account: string): bigint {
    return this.deposits.get(lc(account)) ?? 0n;
  }
  nonceUsed(signer: string, nonce: bigint): boolean {
    return nonce < (this.minNonce.get(lc(signer)) ?? 0n) || (this.nonces.get(lc(signer))?.has(nonce) ?? false);
  }
  positionsOf(account: string): bigint {
    let n = 0n;
    for (const l of this.loans.values()) {
      if (same(l.lender, account)) n++;
      if (same(l.borrower, account)) n++;
    }
    return n;
  }
  /** LN-R7: default begins at start + duration + grace. */
  defaultsAt(l: ModelLoan): bigint {
    return l.start + l.terms.duration + l.terms.gracePeriod;
  }
  owed(l: ModelLoan, now: bigint) {
    return owedAt(l.terms, l.outstanding, l.checkpoint, now);
  }

  /**
   * LN-V1, LN-V2: what Lending owes in `asset` (ETH = ZeroAddress, or a token): credits, ETH deposits, the ERC20
   * collateral of Active loans and held collateral, proceeds of sold sales not yet settled; plus the donations.
   */
  liabilities(asset: string): { parts: [string, bigint][]; donated: bigint } {
    const collateral = (l: ModelLoan): boolean =>
      l.terms.collateralKind === CollateralKind.ERC20 && (l.status === Status.Active || l.held);
    let held = 0n;
    let proceeds = 0n;
    for (const l of this.loans.values()) {
      if (lc(asset) === lc(this.a.collateral) && collateral(l)) held += l.terms.collateralAmount;
      if (l.status === Status.OnSale && l.sale!.price !== null && lc(l.terms.principalToken) === lc(asset)) {
        proceeds += l.sale!.price - (l.sale!.price * l.sale!.feeBps) / BPS;
      }
    }
    let deposits = 0n;
    if (asset === ZeroAddress) for (const v of this.deposits.values()) deposits += v;
    return {
      parts: [
        ["credits", this.creditsIn(asset)],
        ["deposits", deposits],
        ["collateral", held],
        ["unsettled proceeds", proceeds],
      ],
      donated: this.donated.get(lc(asset)) ?? 0n,
    };
  }

  /** NFTs Lending must own: Active loans' and held ones (LN-V1). */
  nftsOwed(): bigint[] {
    const ids: bigint[] = [];
    for (const l of this.loans.values()) {
      if (l.terms.collateralKind === CollateralKind.ERC721 && (l.status === Status.Active || l.held)) {
        ids.push(l.terms.collateralId);
      }
    }
    return ids;
  }

  donate(asset: string, from: string | null, amount: bigint): void {
    this.donated.set(lc(asset), (this.donated.get(lc(asset)) ?? 0n) + amount);
    if (from !== null) this.addBalance(asset, from, -amount);
  }

  move(asset: string, account: string, delta: bigint): void {
    this.addBalance(asset, account, delta);
  }

  // ------------------------------------------------------------------ token moves

  protected blockedIn(token: string, account: string): boolean {
    if (lc(token) === lc(this.a.principal)) return this.blocked.has(lc(account));
    if (lc(token) === lc(this.a.collateral)) return this.blockedC.has(lc(account));
    return false;
  }

  /** LN-R3: `amount` from `from` to `to` (direct, else pulled in and credited); a blocked payer reverts. */
  protected pay(token: string, from: string, to: string, amount: bigint): string[] {
    if (amount === 0n) return [];
    if (token === ZeroAddress) {
      this.payout(token, to, amount);
      return [];
    }
    if (same(from, to)) return [];
    if (this.blockedIn(token, from)) return ["Blocked"];
    this.addBalance(token, from, -amount);
    this.payout(token, to, amount);
    return [];
  }

  /** The errors of `pay` without applying it (a dry run over the payer's side). */
  protected payErrors(token: string, from: string, to: string, amount: bigint): string[] {
    return amount === 0n || token === ZeroAddress || same(from, to) || !this.blockedIn(token, from) ? [] : ["Blocked"];
  }

  /** The collateral out of Lending to `to`; false when it cannot move there (a blocked holder). */
  protected canDeliver(t: Terms, to: string): boolean {
    return t.collateralKind === CollateralKind.ERC721 || !this.blockedC.has(lc(to));
  }

  protected deliver(t: Terms, to: string): void {
    if (t.collateralKind === CollateralKind.ERC721) this.nftOwner.set(t.collateralId, lc(to));
    else this.addBalance(t.collateralToken, to, t.collateralAmount);
  }

  /** LN-A3: the collateral from the borrower into Lending; the errors of a move that cannot happen. */
  protected collateralInErrors(t: Terms, borrower: string): string[] {
    if (t.collateralKind === CollateralKind.ERC20) return this.blockedC.has(lc(borrower)) ? ["Blocked"] : [];
    const owner = this.nftOwner.get(t.collateralId);
    if (owner === undefined) return ["ERC721NonexistentToken"];
    if (owner !== lc(borrower)) return ["ERC721IncorrectOwner", "ERC721InsufficientApproval"];
    return [];
  }

  protected collateralIn(t: Terms, borrower: string): void {
    if (t.collateralKind === CollateralKind.ERC721) this.nftOwner.set(t.collateralId, lc(this.a.lending));
    else this.addBalance(t.collateralToken, borrower, -t.collateralAmount);
  }

  protected nonceErrors(signer: string, nonce: bigint, expiry: bigint, now: bigint): string[] {
    const e: string[] = [];
    if (now >= expiry) e.push("LendingOfferExpired");
    if (this.nonceUsed(signer, nonce)) e.push("LendingNonceUsed");
    return e;
  }

  protected useNonce(signer: string, nonce: bigint): void {
    const s = this.nonces.get(lc(signer)) ?? new Set<bigint>();
    s.add(nonce);
    this.nonces.set(lc(signer), s);
  }

  protected activeErrors(l: ModelLoan | undefined): string[] {
    if (l === undefined) return ["LendingWrongStatus"];
    return l.status === Status.Active ? [] : ["LendingWrongStatus"];
  }

  // ------------------------------------------------------------------ acceptance (LN-A)

  /** LN-A1 … LN-A5 for an accepted offer (`caller` the borrower) or request (`caller` the lender, `value` sent). */
  accept(p: {
    id: bigint;
    kind: "offer" | "request";
    signer: string;
    caller: string;
    counterparty: string;
    terms: Terms;
    nonce: bigint;
    expiry: bigint;
    value: bigint;
    now: bigint;
  }): string[] {
    const { terms: t, now } = p;
    const lender = p.kind === "offer" ? p.signer : p.caller;
    const borrower = p.kind === "offer" ? p.caller : p.signer;
    const e: string[] = [];
    if (p.counterparty !== ZeroAddress && !same(p.counterparty, p.caller)) e.push("LendingUnauthorized");
    const eth = t.principalToken === ZeroAddress;
    if (p.kind === "request" && p.value !== (eth ? t.principal : 0n)) e.push("LendingValueMismatch");
    e.push(...this.nonceErrors(p.signer, p.nonce, p.expiry, now));
    if (same(lender, borrower)) e.push("LendingSelfLoan");
    if (p.kind === "offer" && eth && this.depositOf(lender) < t.principal) e.push("LendingInsufficientDeposit");
    e.push(...this.collateralInErrors(t, borrower));
    if (!eth && (this.blocked.has(lc(lender)) || this.blocked.has(lc(borrower)))) e.push("Blocked");
    if (e.length > 0) return e;
    this.useNonce(p.signer, p.nonce);
    this.loans.set(p.id, {
      id: p.id,
      terms: t,
      lender: lc(lender),
      borrower: lc(borrower),
      start: now,
      checkpoint: now,
      status: Status.Active,
      outstanding: t.principal + (t.interestKind === InterestKind.Fixed ? t.interest : 0n),
      sale: null,
      held: false,
    });
    this.collateralIn(t, borrower);
    if (eth) {
      if (p.kind === "offer") this.deposits.set(lc(lender), this.depositOf(lender) - t.principal);
      else this.addBalance(ZeroAddress, lender, -t.principal);
    } else {
      this.addBalance(t.principalToken, lender, -t.principal);
    }
    this.addBalance(t.principalToken, borrower, t.principal);
    return [];
  }

  // ------------------------------------------------------------------ repayment (LN-R)

  /** LN-R1 … LN-R4 by `payer` of `amount` (ETH: sent as msg.value). */
  repay(id: bigint, payer: string, amount: bigint, now: bigint): string[] {
    const l = this.loans.get(id);
    const e = this.activeErrors(l);
    if (amount === 0n) e.push("LendingZeroAmount");
    if (e.length > 0) return e;
    const t = l!.terms;
    const owed = this.owed(l!, now);
    const payment = amount < owed.total ? amount : owed.total;
    const interestPaid = payment < owed.interestPart ? payment : owed.interestPart;
    if (t.interestKind === InterestKind.ProRated && payment < owed.interestPart) {
      return ["LendingPaymentBelowInterest"];
    }
    const fee = (interestPaid * t.feeBps) / BPS;
    const holder = l!.lender!;
    const token = t.principalToken;
    const errors = [
      ...this.payErrors(token, payer, holder, payment - fee),
      ...this.payErrors(token, payer, t.feeRecipient, fee),
    ];
    if (errors.length > 0) return errors;
    if (token === ZeroAddress) {
      this.addBalance(ZeroAddress, payer, -amount);
      this.payout(ZeroAddress, payer, amount - payment);
    }
    this.pay(token, payer, holder, payment - fee);
    this.pay(token, payer, t.feeRecipient, fee);
    l!.outstanding -= t.interestKind === InterestKind.Fixed ? payment : payment - interestPaid;
    if (t.interestKind === InterestKind.ProRated) l!.checkpoint = now;
    if (l!.outstanding !== 0n) return [];
    l!.status = Status.Repaid;
    l!.lender = null;
    const borrower = l!.borrower!;
    if (this.canDeliver(t, borrower)) {
      this.deliver(t, borrower);
      l!.borrower = null;
    } else {
      l!.held = true;
    }
    return [];
  }

  // ------------------------------------------------------------------ default (LN-D)

  /** LN-D1, LN-D1a: the lender token's holder takes the collateral of a defaulted loan to `to`. */
  claim(id: bigint, caller: string, to: string, now: bigint): string[] {
    const l = this.loans.get(id);
    const e = this.activeErrors(l);
    if (e.length > 0) return e;
    const t = l!.terms;
    if (!same(caller, l!.lender)) e.push("LendingUnauthorized");
    const defaultsAt = this.defaultsAt(l!);
    if (now < defaultsAt) e.push("LendingNotDefaulted");
    if (t.saleStartBps !== 0n && now < defaultsAt + t.saleDuration + t.saleFloorDuration) e.push("LendingSaleTerms");
    if (to === ZeroAddress || same(to, this.a.lending)) e.push("LendingInvalidRecipient");
    if (e.length === 0 && !this.canDeliver(t, to)) e.push("Blocked", "SafeERC20FailedOperation");
    if (e.length > 0) return e;
    l!.status = Status.Claimed;
    l!.lender = null;
    l!.borrower = null;
    this.deliver(t, to);
    return [];
  }

  /** LN-D2: anyone lists a defaulted loan's collateral on Auctions; the debt stops growing. */
  startSale(id: bigint, now: bigint): string[] {
    const l = this.loans.get(id);
    const e = this.activeErrors(l);
    if (e.length > 0) return e;
    const t = l!.terms;
    if (t.saleStartBps === 0n) e.push("LendingSaleTerms");
    if (now < this.defaultsAt(l!)) e.push("LendingNotDefaulted");
    if (e.length > 0) return e;
    const owed = this.owed(l!, now);
    l!.status = Status.OnSale;
    l!.sale = {
      auctionId: this.nextAuctionId++,
      debt: owed.total,
      interest: owed.interestPart,
      start: now,
      duration: t.saleDuration,
      startPrice: salePrice(owed.total, t.saleStartBps),
      floorPrice: salePrice(owed.total, t.saleFloorBps),
      end: now + t.saleDuration + t.saleFloorDuration,
      feeBps: this.auctionFeeBps,
      price: null,
    };
    if (t.collateralKind === CollateralKind.ERC721) this.nftOwner.set(t.collateralId, lc(this.a.auctions));
    return [];
  }

  /** The Dutch price of a sale at `now` (AU-D1). */
  priceOf(s: ModelSale, now: bigint): bigint {
    return dutchPriceAt(now, s);
  }

  /** AU-D2 on the sale's auction: `buyer` pays the price (ETH: `value`, the excess back); Lending is paid. */
  buy(id: bigint, buyer: string, value: bigint, now: bigint): string[] {
    const l = this.loans.get(id);
    if (l === undefined || l.sale === null) return ["AuctionsWrongKind"];
    const s = l.sale;
    if (s.price !== null || l.status !== Status.OnSale) return ["AuctionsNotOpen"];
    if (now >= s.end) return ["AuctionsEnded"];
    const price = this.priceOf(s, now);
    const t = l.terms;
    const eth = t.principalToken === ZeroAddress;
    if (eth ? value < price : value !== 0n) return ["AuctionsValueMismatch"];
    if (!eth && this.blocked.has(lc(buyer))) return ["Blocked", "SafeERC20FailedOperation"];
    s.price = price;
    this.addBalance(t.principalToken, buyer, -price);
    // The lot: an NFT to the buyer; tokens to it unless blocked (then the buyer's claim on Auctions, AU-L3).
    if (t.collateralKind === CollateralKind.ERC721) this.nftOwner.set(t.collateralId, lc(buyer));
    else if (!this.blockedC.has(lc(buyer))) this.addBalance(t.collateralToken, buyer, t.collateralAmount);
    return [];
  }

  /** LN-D4, LN-D5: settles a sold sale (proceeds split) or an unsold one after its end (the lender's collateral). */
  settleSale(id: bigint, now: bigint): string[] {
    const l = this.loans.get(id);
    if (l === undefined || l.status !== Status.OnSale) return ["LendingWrongStatus"];
    const s = l.sale!;
    const t = l.terms;
    const lender = l.lender!;
    const borrower = l.borrower!;
    if (s.price !== null) {
      const proceeds = s.price - (s.price * s.feeBps) / BPS;
      const lenderPart = proceeds < s.debt ? proceeds : s.debt;
      const fee = ((lenderPart < s.interest ? lenderPart : s.interest) * t.feeBps) / BPS;
      l.status = Status.Sold;
      l.lender = null;
      l.borrower = null;
      this.payout(t.principalToken, lender, lenderPart - fee);
      this.payout(t.principalToken, t.feeRecipient, fee);
      this.payout(t.principalToken, borrower, proceeds - lenderPart);
      return [];
    }
    if (now < s.end) return ["LendingSaleNotOver"];
    l.status = Status.Claimed;
    l.borrower = null;
    if (this.canDeliver(t, lender)) {
      this.deliver(t, lender);
      l.lender = null;
    } else {
      if (t.collateralKind === CollateralKind.ERC721) this.nftOwner.set(t.collateralId, lc(this.a.lending));
      l.held = true;
    }
    return [];
  }

  /** LN-R4, LN-D5: the remaining position's holder takes held collateral to `to`. */
  withdrawCollateral(id: bigint, caller: string, to: string): string[] {
    const l = this.loans.get(id);
    if (l === undefined || !l.held) return ["LendingNothingHeld"];
    const holder = l.status === Status.Repaid ? l.borrower! : l.lender!;
    const e: string[] = [];
    if (!same(caller, holder)) e.push("LendingUnauthorized");
    if (to === ZeroAddress || same(to, this.a.lending)) e.push("LendingInvalidRecipient");
    if (e.length === 0 && !this.canDeliver(l.terms, to)) e.push("Blocked", "SafeERC20FailedOperation");
    if (e.length > 0) return e;
    l.held = false;
    l.lender = null;
    l.borrower = null;
    this.deliver(l.terms, to);
    return [];
  }
}
