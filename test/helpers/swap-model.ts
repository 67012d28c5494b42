// A reference model of contracts/Swap.sol (docs/swaps.md), for the property test: what each call must do, from the
// spec alone. It predicts the error a fill, cancel or fee change must revert with (the first in the order of
// docs/swaps.md §7), or the exact balances, filled amounts, nonce bits and credits it leaves.
import { ZeroAddress } from "ethers";

export const ETH = ZeroAddress;
export const MAX_FEE_BPS = 100n;
/** Bit 255 of a nonce: set for partial orders, clear for fill-or-kill ones (SW-N1). */
export const PARTIAL_NONCE = 1n << 255n;

export interface ModelOrder {
  maker: string;
  makerToken: string;
  makerAmount: bigint;
  takerToken: string;
  takerAmount: bigint;
  taker: string;
  recipient: string;
  minFill: bigint;
  expiry: bigint;
  nonce: bigint;
  feeBps: bigint;
}

const key = (...parts: (string | bigint)[]) => parts.map((p) => String(p).toLowerCase()).join(":");

/** The expected outcome of a call: an error name, or success with the amounts it moved. */
export type Prediction = { error: string } | { error: null; takerFill: bigint; fee: bigint };

export class SwapModel {
  feeBps = 0n;
  feeRecipient = ZeroAddress;
  /** token (ETH = address(0)) -> account -> balance. */
  readonly balances = new Map<string, bigint>();
  /** ETH credits of PullPayments, by account. */
  readonly credits = new Map<string, bigint>();
  readonly delegates = new Map<string, string>();
  /** maker:delegate pairs replaced or revoked (never settable again, SW-D1). */
  readonly retired = new Set<string>();
  readonly bits = new Set<string>();
  /** Filled amounts of partial nonces, by maker and nonce (shared by every order under the nonce, SW-N2). */
  readonly filled = new Map<string, bigint>();
  /** Accounts whose ETH push fails (they are credited instead). */
  readonly refusesEth = new Set<string>();

  balanceOf(token: string, account: string): bigint {
    return this.balances.get(key(token, account)) ?? 0n;
  }

  setBalance(token: string, account: string, amount: bigint): void {
    this.balances.set(key(token, account), amount);
  }

  private move(token: string, from: string, to: string, amount: bigint): void {
    this.setBalance(token, from, this.balanceOf(token, from) - amount);
    this.setBalance(token, to, this.balanceOf(token, to) + amount);
  }

  creditOf(account: string): bigint {
    return this.credits.get(key(account)) ?? 0n;
  }

  totalCredits(): bigint {
    return [...this.credits.values()].reduce((a, b) => a + b, 0n);
  }

  delegateOf(maker: string): string {
    return this.delegates.get(key(maker)) ?? ZeroAddress;
  }

  bitSet(maker: string, nonce: bigint): boolean {
    return this.bits.has(key(maker, nonce));
  }

  filledOf(maker: string, nonce: bigint): bigint {
    return this.filled.get(key(maker, nonce)) ?? 0n;
  }

  /** What remains of the order: all of a fill-or-kill one; else makerAmount less its nonce's counter, floored at 0. */
  remainingOf(o: ModelOrder): bigint {
    if (o.minFill === o.makerAmount) return o.makerAmount;
    const filled = this.filledOf(o.maker, o.nonce);
    return filled < o.makerAmount ? o.makerAmount - filled : 0n;
  }

  /** The maker's bitmap word `index`, as the contract stores it. */
  word(maker: string, index: bigint): bigint {
    let w = 0n;
    for (let b = 0n; b < 256n; b++) if (this.bitSet(maker, index * 256n + b)) w |= 1n << b;
    return w;
  }

  /**
   * A fill of `makerFill` by `caller` with `value`, at time `now`, whose signature is valid iff `signedBy` is the
   * maker's own key (or the maker's ERC-1271 wallet accepts it: `walletAccepts`) or the maker's current delegate.
   */
  predictFill(p: {
    order: ModelOrder;
    hash: string;
    signedBy: string;
    walletAccepts: boolean;
    caller: string;
    makerFill: bigint;
    value: bigint;
    now: bigint;
  }): Prediction {
    const { order: o, makerFill } = p;
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (
      same(o.maker, ZeroAddress) ||
      same(o.makerToken, ZeroAddress) ||
      o.makerAmount === 0n ||
      o.takerAmount === 0n ||
      o.minFill === 0n ||
      o.minFill > o.makerAmount ||
      (o.minFill === o.makerAmount) !== ((o.nonce & PARTIAL_NONCE) === 0n)
    ) {
      return { error: "SwapInvalidOrder" };
    }
    if (p.now >= o.expiry) return { error: "SwapExpired" };
    if (!same(o.taker, ZeroAddress) && !same(o.taker, p.caller)) return { error: "SwapUnauthorizedTaker" };
    if (o.feeBps < this.feeBps) return { error: "SwapFeeTooLow" };
    if (this.bitSet(o.maker, o.nonce)) return { error: "SwapNonceUsed" };
    const delegate = this.delegateOf(o.maker);
    const sigOk =
      same(p.signedBy, o.maker) || p.walletAccepts || (!same(delegate, ZeroAddress) && same(p.signedBy, delegate));
    if (!sigOk) return { error: "SwapInvalidSignature" };
    const fok = o.minFill === o.makerAmount;
    const remaining = this.remainingOf(o);
    const amountOk = fok
      ? makerFill === o.makerAmount
      : makerFill !== 0n && makerFill <= remaining && (makerFill >= o.minFill || makerFill === remaining);
    if (!amountOk) return { error: "SwapInvalidFillAmount" };
    const takerFill =
      makerFill === o.makerAmount ? o.takerAmount : (makerFill * o.takerAmount + o.makerAmount - 1n) / o.makerAmount;
    const fee = (makerFill * this.feeBps) / 10_000n;
    const expectedValue = same(o.takerToken, ETH) ? takerFill : 0n;
    if (p.value !== expectedValue) return { error: "SwapValueMismatch" };
    return { error: null, takerFill, fee };
  }

  /** Applies a fill `predictFill` accepted. */
  applyFill(p: { order: ModelOrder; hash: string; caller: string; makerFill: bigint; takerFill: bigint; fee: bigint }) {
    const { order: o } = p;
    if (o.minFill === o.makerAmount) {
      this.bits.add(key(o.maker, o.nonce));
    } else {
      const completes = p.makerFill === this.remainingOf(o);
      this.filled.set(key(o.maker, o.nonce), this.filledOf(o.maker, o.nonce) + p.makerFill);
      if (completes) this.bits.add(key(o.maker, o.nonce));
    }
    this.move(o.makerToken, o.maker, p.caller, p.makerFill);
    if (p.fee !== 0n) this.move(o.makerToken, o.maker, this.feeRecipient, p.fee);
    const recipient = o.recipient === ZeroAddress ? o.maker : o.recipient;
    if (o.takerToken === ETH) {
      this.setBalance(ETH, p.caller, this.balanceOf(ETH, p.caller) - p.takerFill);
      if (this.refusesEth.has(key(recipient))) {
        this.credits.set(key(recipient), this.creditOf(recipient) + p.takerFill);
        this.setBalance(ETH, "swap", this.balanceOf(ETH, "swap") + p.takerFill);
      } else {
        this.setBalance(ETH, recipient, this.balanceOf(ETH, recipient) + p.takerFill);
      }
    } else {
      this.move(o.takerToken, p.caller, recipient, p.takerFill);
    }
  }

  cancel(maker: string, nonces: bigint[]): void {
    for (const n of nonces) this.bits.add(key(maker, n));
  }

  predictCancelRange(from: bigint, to: bigint): string | null {
    return to <= from ? "SwapInvalidNonceRange" : null;
  }

  /** Sets every bit in [from, to) (the property test keeps ranges short). */
  cancelRange(maker: string, from: bigint, to: bigint): void {
    for (let n = from; n < to; n++) this.bits.add(key(maker, n));
  }

  predictSetDelegate(maker: string, delegate: string): string | null {
    if (delegate.toLowerCase() === this.delegateOf(maker).toLowerCase()) return null;
    return this.retired.has(key(maker, delegate)) ? "SwapDelegateRetired" : null;
  }

  setDelegate(maker: string, delegate: string): void {
    const previous = this.delegateOf(maker);
    if (previous.toLowerCase() === delegate.toLowerCase()) return;
    if (previous !== ZeroAddress) this.retired.add(key(maker, previous));
    this.delegates.set(key(maker), delegate);
  }

  predictSetFee(bps: bigint, recipient: string, swapAddress: string): string | null {
    if (bps > MAX_FEE_BPS) return "SwapProtocolFeeTooHigh";
    if ((bps !== 0n && recipient === ZeroAddress) || recipient.toLowerCase() === swapAddress.toLowerCase()) {
      return "SwapInvalidFeeRecipient";
    }
    return null;
  }

  setFee(bps: bigint, recipient: string): void {
    this.feeBps = bps;
    this.feeRecipient = recipient;
  }

  predictWithdraw(account: string): string | null {
    if (this.creditOf(account) === 0n) return "PullPaymentsNothingToWithdraw";
    return null;
  }

  /** `account` withdraws its whole credit to `to`. */
  withdraw(account: string, to: string): void {
    const amount = this.creditOf(account);
    this.credits.delete(key(account));
    this.setBalance(ETH, "swap", this.balanceOf(ETH, "swap") - amount);
    this.setBalance(ETH, to, this.balanceOf(ETH, to) + amount);
  }
}
