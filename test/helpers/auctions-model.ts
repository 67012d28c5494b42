// Reference model of contracts/Auctions.sol (docs/auctions.md), written from the spec: each action predicts the
// contract's custom error (in the order the spec's rules check) or, on success, applies its effects to the model's
// records: auctions, commits, credits, fees, lot claims, and what the contract owes per asset. The property test
// (test/auctions/Auctions.property.test.ts) compares every record with the contract after every step.
import { BPS, FORFEIT_BPS, Kind, State, CommitStatus, dutchPriceAt, nextMinimum } from "./auctions";

export const MODEL_ETH = "ETH";

export interface ModelAuction {
  id: bigint;
  kind: Kind;
  state: State;
  seller: string;
  asset: string; // MODEL_ETH or the token's address
  nftId: bigint;
  feeBps: bigint;
  // English
  end: bigint; // the duration until the first bid (AU-E2)
  extension: bigint;
  incrementBps: bigint;
  reserve: bigint;
  bidder: string | null;
  amount: bigint;
  // Dutch
  start: bigint;
  duration: bigint;
  startPrice: bigint;
  floorPrice: bigint;
  // Sealed
  commitEnd: bigint;
  revealEnd: bigint;
  highest: bigint;
  second: bigint;
  highestSeq: bigint;
  commits: bigint;
  /** Who holds the lot once it left the auction: null while the contract holds it. */
  lotHolder: string | null;
}

export interface ModelCommit {
  amount: bigint;
  salt: string;
  deposit: bigint;
  seq: bigint;
  status: CommitStatus;
}

/** Who cannot receive what: decides whether a push is credited and a delivery becomes a claim. */
export interface Refusals {
  eth(account: string): boolean;
  token(account: string): boolean;
  nft(account: string): boolean;
}

const key = (a: string) => a.toLowerCase();

export class AuctionsModel {
  readonly auctions = new Map<bigint, ModelAuction>();
  readonly commits = new Map<string, ModelCommit>();
  readonly credits = new Map<string, bigint>();
  readonly fees = new Map<string, bigint>();
  readonly claimants = new Map<bigint, string>();
  /** What each account's balance moved by, per asset (payments in and out of the contract, as the spec says). */
  readonly moved = new Map<string, bigint>();
  nextId = 1n;
  feeBps = 0n;

  constructor(readonly refuse: Refusals) {}

  commitOf(id: bigint, bidder: string): ModelCommit | undefined {
    return this.commits.get(`${id}/${key(bidder)}`);
  }
  creditOf(asset: string, account: string): bigint {
    return this.credits.get(`${asset}/${key(account)}`) ?? 0n;
  }
  feesOf(asset: string): bigint {
    return this.fees.get(asset) ?? 0n;
  }

  /** What the contract owes in `asset`: open English bids, open deposits, credits, fees (AU-S1). */
  owed(asset: string): bigint {
    let sum = this.feesOf(asset);
    for (const a of this.auctions.values()) {
      if (a.asset === asset && a.kind === Kind.English && a.state === State.Open && a.bidder !== null) sum += a.amount;
    }
    for (const [k, c] of this.commits) {
      const a = this.auctions.get(BigInt(k.split("/")[0]))!;
      if (a.asset === asset && (c.status === CommitStatus.Committed || c.status === CommitStatus.Revealed)) {
        sum += c.deposit;
      }
    }
    for (const [k, v] of this.credits) if (k.startsWith(`${asset}/`)) sum += v;
    return sum;
  }

  movedOf(asset: string, account: string): bigint {
    return this.moved.get(`${asset}/${key(account)}`) ?? 0n;
  }

  /** A payment into (negative) or out of the contract reaching `account`'s balance. */
  move(asset: string, account: string, delta: bigint): void {
    const k = `${asset}/${key(account)}`;
    this.moved.set(k, (this.moved.get(k) ?? 0n) + delta);
  }

  // ------------------------------------------------------------------ payouts

  private credit(asset: string, to: string, amount: bigint): void {
    const k = `${asset}/${key(to)}`;
    this.credits.set(k, (this.credits.get(k) ?? 0n) + amount);
  }

  /** AU-X2: pushed, or credited when the recipient refuses. */
  payout(asset: string, to: string, amount: bigint): void {
    if (amount === 0n) return;
    const refuses = asset === MODEL_ETH ? this.refuse.eth(to) : this.refuse.token(to);
    if (refuses) this.credit(asset, to, amount);
    else this.move(asset, to, amount);
  }

  /** AU-L3: delivered, or a claim of the recipient. */
  deliver(a: ModelAuction, to: string): void {
    if (this.refuse.nft(to)) this.claimants.set(a.id, to);
    else a.lotHolder = to;
  }

  private sell(a: ModelAuction, winner: string, price: bigint): void {
    const fee = (price * a.feeBps) / BPS;
    if (fee !== 0n) this.fees.set(a.asset, this.feesOf(a.asset) + fee);
    this.payout(a.asset, a.seller, price - fee);
    this.deliver(a, winner);
  }

  // ------------------------------------------------------------------ actions: each returns the predicted error

  create(kind: Kind, seller: string, asset: string, nftId: bigint, now: bigint, p: Partial<ModelAuction>): bigint {
    const a: ModelAuction = {
      id: this.nextId++,
      kind,
      state: State.Open,
      seller,
      asset,
      nftId,
      feeBps: this.feeBps,
      end: 0n,
      extension: 0n,
      incrementBps: 0n,
      reserve: 0n,
      bidder: null,
      amount: 0n,
      start: now,
      duration: 0n,
      startPrice: 0n,
      floorPrice: 0n,
      commitEnd: 0n,
      revealEnd: 0n,
      highest: 0n,
      second: 0n,
      highestSeq: 0n,
      commits: 0n,
      lotHolder: null,
      ...p,
    };
    this.auctions.set(a.id, a);
    return a.id;
  }

  private open(id: bigint, kind: Kind): ModelAuction | string {
    const a = this.auctions.get(id);
    if (a === undefined || a.kind !== kind) return "AuctionsWrongKind";
    if (a.state !== State.Open) return "AuctionsNotOpen";
    return a;
  }

  /** AU-E1…AU-E6. `fromCredit` ≤ amount; `valueOk` false sends the wrong msg.value; `pullFails` names a token error. */
  bid(
    id: bigint,
    bidder: string,
    amount: bigint,
    fromCredit: bigint,
    now: bigint,
    valueOk: boolean,
    pullError: string | null,
  ): string | null {
    const a = this.open(id, Kind.English);
    if (typeof a === "string") return a;
    let end = a.end;
    if (a.bidder === null) {
      if (amount < (a.reserve === 0n ? 1n : a.reserve)) return "AuctionsBidTooLow";
      end = now + a.end;
    } else {
      if (now >= a.end) return "AuctionsEnded";
      if (amount < nextMinimum(a.amount, a.incrementBps)) return "AuctionsBidTooLow";
      if (now + a.extension > end) end = now + a.extension;
    }
    if (fromCredit > amount) return "AuctionsInvalidParameters";
    if (fromCredit !== 0n && this.creditOf(a.asset, bidder) < fromCredit) return "AuctionsInsufficientCredit";
    if (!valueOk) return "AuctionsValueMismatch";
    if (a.asset !== MODEL_ETH && amount - fromCredit !== 0n && pullError !== null) return pullError;
    if (fromCredit !== 0n) this.credit(a.asset, bidder, -fromCredit);
    this.move(a.asset, bidder, -(amount - fromCredit));
    const [previous, previousAmount] = [a.bidder, a.amount];
    a.bidder = bidder;
    a.amount = amount;
    a.end = end;
    if (previous !== null) this.payout(a.asset, previous, previousAmount);
    return null;
  }

  /** AU-D2: `value` is the ETH sent (ETH auctions). */
  buy(id: bigint, buyer: string, value: bigint, now: bigint, pullError: string | null): string | null {
    const a = this.open(id, Kind.Dutch);
    if (typeof a === "string") return a;
    if (now >= a.end) return "AuctionsEnded";
    const price = this.priceOf(a, now);
    if (a.asset === MODEL_ETH ? value < price : value !== 0n) return "AuctionsValueMismatch";
    if (a.asset !== MODEL_ETH && pullError !== null) return pullError;
    a.state = State.Settled;
    this.move(a.asset, buyer, a.asset === MODEL_ETH ? -value : -price);
    if (value > price) this.payout(MODEL_ETH, buyer, value - price);
    a.bidder = buyer;
    a.amount = price;
    this.sell(a, buyer, price);
    return null;
  }

  priceOf(a: ModelAuction, now: bigint): bigint {
    return dutchPriceAt(now, a);
  }

  /** AU-V1. */
  commit(
    id: bigint,
    bidder: string,
    c: { amount: bigint; salt: string; deposit: bigint },
    now: bigint,
    pullError: string | null,
  ): string | null {
    const a = this.open(id, Kind.Sealed);
    if (typeof a === "string") return a;
    if (now >= a.commitEnd) return "AuctionsCommitClosed";
    if (c.deposit === 0n) return "AuctionsInvalidParameters";
    if (this.commitOf(id, bidder) !== undefined) return "AuctionsAlreadyCommitted";
    if (a.asset !== MODEL_ETH && pullError !== null) return pullError;
    a.commits += 1n;
    this.move(a.asset, bidder, -c.deposit);
    this.commits.set(`${id}/${key(bidder)}`, { ...c, seq: a.commits, status: CommitStatus.Committed });
    return null;
  }

  /** AU-V3, AU-V4. `wrongSalt` reveals with another salt. */
  reveal(id: bigint, bidder: string, wrongSalt: boolean, now: bigint): string | null {
    const a = this.open(id, Kind.Sealed);
    if (typeof a === "string") return a;
    if (now < a.commitEnd || now >= a.revealEnd) return "AuctionsRevealClosed";
    const c = this.commitOf(id, bidder);
    if (c === undefined) return "AuctionsNoCommit";
    if (c.status !== CommitStatus.Committed) return "AuctionsAlreadyRevealed";
    if (wrongSalt) return "AuctionsInvalidReveal";
    if (c.amount > c.deposit) return "AuctionsBidExceedsDeposit";
    c.status = CommitStatus.Revealed;
    if (c.amount >= (a.reserve === 0n ? 1n : a.reserve)) {
      if (a.bidder === null) [a.bidder, a.highest, a.highestSeq] = [bidder, c.amount, c.seq];
      else if (c.amount > a.highest || (c.amount === a.highest && c.seq < a.highestSeq)) {
        a.second = a.highest;
        [a.bidder, a.highest, a.highestSeq] = [bidder, c.amount, c.seq];
      } else if (c.amount > a.second) a.second = c.amount;
    }
    return null;
  }

  /** AU-V6. */
  reclaim(id: bigint, bidder: string, now: bigint): string | null {
    const a = this.auctions.get(id);
    if (a === undefined || a.kind !== Kind.Sealed) return "AuctionsWrongKind";
    if (now < a.revealEnd) return "AuctionsNotEnded";
    const c = this.commitOf(id, bidder);
    if (c === undefined || c.status === CommitStatus.Closed) return "AuctionsNothingToClaim";
    if (a.bidder !== null && key(a.bidder) === key(bidder)) return "AuctionsWinnerMustSettle";
    const forfeit = c.status === CommitStatus.Revealed ? 0n : (c.deposit * FORFEIT_BPS) / BPS;
    c.status = CommitStatus.Closed;
    this.payout(a.asset, bidder, c.deposit - forfeit);
    if (forfeit !== 0n) this.payout(a.asset, a.bidder ?? a.seller, forfeit);
    return null;
  }

  /** AU-E7, AU-V5. */
  settle(id: bigint, now: bigint): string | null {
    const a = this.auctions.get(id);
    if (a === undefined || a.kind === Kind.Dutch) return "AuctionsWrongKind";
    if (a.state !== State.Open) return "AuctionsNotOpen";
    if (a.kind === Kind.English) {
      if (a.bidder === null) return "AuctionsNoBids";
      if (now < a.end) return "AuctionsNotEnded";
      a.state = State.Settled;
      this.sell(a, a.bidder, a.amount);
      return null;
    }
    if (now < a.revealEnd) return "AuctionsNotEnded";
    if (a.bidder === null) {
      a.state = State.Unsold;
      this.deliver(a, a.seller);
      return null;
    }
    a.state = State.Settled;
    const price = a.second > a.reserve ? a.second : a.reserve;
    const c = this.commitOf(id, a.bidder)!;
    c.status = CommitStatus.Closed;
    this.payout(a.asset, a.bidder, c.deposit - price);
    this.sell(a, a.bidder, price);
    return null;
  }

  /** AU-X1, AU-D3. */
  cancel(id: bigint, caller: string): string | null {
    const a = this.auctions.get(id);
    if (a === undefined) return "AuctionsWrongKind";
    if (a.state !== State.Open) return "AuctionsNotOpen";
    if (key(caller) !== key(a.seller)) return "AuctionsNotSeller";
    const hasBids = a.kind === Kind.English ? a.bidder !== null : a.kind === Kind.Sealed ? a.commits !== 0n : false;
    if (hasBids) return "AuctionsHasBids";
    a.state = State.Cancelled;
    this.deliver(a, a.seller);
    return null;
  }

  /** AU-L4: the claimant takes its lot to `to`. */
  claimLot(id: bigint, caller: string, to: string): string | null {
    const c = this.claimants.get(id);
    if (c === undefined || key(c) !== key(caller)) return "AuctionsNothingToClaim";
    this.claimants.delete(id);
    this.auctions.get(id)!.lotHolder = to;
    return null;
  }

  /** PullPayments.withdraw to `to` (which accepts). */
  withdraw(asset: string, caller: string, to: string): string | null {
    const credit = this.creditOf(asset, caller);
    if (credit === 0n) return "PullPaymentsNothingToWithdraw";
    this.credits.delete(`${asset}/${key(caller)}`);
    this.move(asset, to, credit);
    return null;
  }

  /** AU-X3. */
  collectFees(asset: string): string | null {
    if (this.feesOf(asset) === 0n) return "AuctionsNothingToClaim";
    this.fees.delete(asset);
    return null;
  }

  setFee(bps: bigint): string | null {
    if (bps > 500n) return "AuctionsFeeTooHigh";
    this.feeBps = bps;
    return null;
  }
}
