// Reference model of the Escrow (docs/escrow.md §1–§6), for the stateful property test
// (test/escrow/Escrow.property.test.ts). Written from the spec, not from Escrow.sol: it predicts, for every call,
// either the set of errors the call may revert with (every rule the call breaks; the spec does not order all
// checks, so the contract must revert with one of them) or success, in which case it applies the call's effects:
// the deal's state, the payouts pushed or credited, the protocol fees, and what each party is owed per deal.
import { ZeroAddress } from "ethers";
import { PullPaymentsModel } from "./pull-payments-model";
// The deal encoding (packed terms, ids, milestone hashes) is shared with the other escrow tests.
import { dealIdOf, milestonesHashOf, packTerms, type Deal, type DealParams } from "./escrow";

export const Status = { None: 0, Active: 1, Paid: 2, Disputed: 3, Closed: 4 } as const;
export type StatusValue = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ["None", "Active", "Paid", "Disputed", "Closed"] as const;

export const Outcome = { Release: 0n, Refund: 1n } as const;

export const LIMITS = {
  BPS: 10_000n,
  MAX_MILESTONES: 16,
  MAX_PROTOCOL_FEE_BPS: 100n,
  MAX_ARBITER_FEE_BPS: 1_000n,
  MIN_DISPUTE_WINDOW: 3_600n,
  MAX_DISPUTE_WINDOW: 365n * 86_400n,
  MAX_DURATION: 3_650n * 86_400n,
  MAX_NONCE: 65_535,
  UINT96: 2n ** 96n,
  UINT32: 2n ** 32n,
} as const;

/** What was paid out for a deal, cumulated: the beneficiary's net, the protocol fee, the depositor, the arbiter. */
export interface Payouts {
  beneficiary: bigint;
  protocolFee: bigint;
  depositor: bigint;
  arbiterFee: bigint;
}

export const noPayouts = (): Payouts => ({ beneficiary: 0n, protocolFee: 0n, depositor: 0n, arbiterFee: 0n });

export interface ModelDeal {
  id: string;
  deal: Deal;
  milestones: bigint[];
  amount: bigint;
  deadline: bigint;
  disputeWindow: bigint;
  defaultOutcome: bigint;
  fallbackBps: bigint;
  arbiterFeeBps: bigint;
  protocolFeeBps: bigint;
  status: StatusValue;
  nonce: number;
  disputedAt: bigint;
  released: bigint;
  refunded: bigint;
  /** What the model says each side is due from this deal so far. */
  paid: Payouts;
}

/** An EIP-712 message as it was signed: whose key signed it and what it says. */
export interface SignedMessage {
  type: "Release" | "Refund" | "Settle";
  /** Address of the key that signed. */
  key: string;
  dealId: string;
  value: bigint;
  nonce: bigint;
  expiry: bigint;
}

/** Everything the model needs to know about the world around the escrow. */
export interface ModelEnv {
  escrow: string;
  owner: string;
  /** The token with a blocklist (transfers to or from a blocked address revert). */
  blocklistToken: string;
  /** ERC-1271 wallets and the EOA whose signatures each accepts. */
  erc1271Owners: ReadonlyMap<string, string>;
  /** Accounts with code (they cannot sign with ECDSA; only ERC-1271 wallets validate signatures). */
  contracts: ReadonlySet<string>;
}

/** The errors a reverting call may revert with; empty when the call succeeds (and the effects were applied). */
export type Prediction = string[];

const lc = (a: string): string => a.toLowerCase();
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export class EscrowModel extends PullPaymentsModel {
  readonly deals = new Map<string, ModelDeal>();
  /** Deals in creation order. */
  readonly order: ModelDeal[] = [];
  readonly config = { protocolFeeBps: 0n, feeRecipient: ZeroAddress, paused: false };
  private readonly fees = new Map<string, bigint>();

  constructor(readonly env: ModelEnv) {
    super(env.escrow, env.blocklistToken);
  }

  // ------------------------------------------------------------------ ledger views

  feesOf(token: string): bigint {
    return this.fees.get(lc(token)) ?? 0n;
  }

  remaining(d: ModelDeal): bigint {
    return d.amount - d.released - d.refunded;
  }

  isOpen(d: ModelDeal): boolean {
    return d.status === Status.Active || d.status === Status.Paid || d.status === Status.Disputed;
  }

  /** What the escrow must hold in `token`: open remainders, credits and accrued fees (§6 Solvency). */
  liabilities(token: string): bigint {
    let total = this.feesOf(token);
    for (const d of this.order) if (lc(d.deal.token) === lc(token) && this.isOpen(d)) total += this.remaining(d);
    return total + this.creditsIn(token);
  }

  findDeal(terms: Deal): ModelDeal | undefined {
    return this.deals.get(dealIdOf(terms));
  }

  // ------------------------------------------------------------------ money movements

  /** Charges the protocol fee on a gross payment to the beneficiary and pays the net (§6 Protocol fee). */
  private payBeneficiary(d: ModelDeal, gross: bigint): void {
    const fee = (gross * d.protocolFeeBps) / LIMITS.BPS;
    this.fees.set(lc(d.deal.token), this.feesOf(d.deal.token) + fee);
    d.paid.beneficiary += gross - fee;
    d.paid.protocolFee += fee;
    this.payout(d.deal.token, d.deal.beneficiary, gross - fee);
  }

  private payDepositor(d: ModelDeal, amount: bigint): void {
    d.paid.depositor += amount;
    this.payout(d.deal.token, d.deal.depositor, amount);
  }

  // ------------------------------------------------------------------ creation (§2)

  create(
    caller: string,
    p: DealParams,
    milestones: readonly bigint[],
    value: bigint,
    now: bigint,
  ): { errors: Prediction; deal?: ModelDeal } {
    const e: string[] = [];
    if (this.config.paused) e.push("EscrowCreationPaused"); // E-C1
    if (
      p.beneficiary === ZeroAddress ||
      lc(p.beneficiary) === lc(caller) ||
      lc(p.beneficiary) === lc(this.env.escrow)
    ) {
      e.push("EscrowInvalidBeneficiary"); // E-C2
    }
    const hasArbiter = p.arbiter !== ZeroAddress;
    if (hasArbiter && (lc(p.arbiter) === lc(caller) || lc(p.arbiter) === lc(p.beneficiary))) {
      e.push("EscrowInvalidArbiter"); // E-C3
    }
    if (!hasArbiter) {
      if (p.disputeWindow !== 0n || p.fallbackBps !== 0n || p.arbiterFeeBps !== 0n) e.push("EscrowInvalidArbiterTerms");
    } else {
      if (p.disputeWindow < LIMITS.MIN_DISPUTE_WINDOW || p.disputeWindow > LIMITS.MAX_DISPUTE_WINDOW) {
        e.push("EscrowInvalidDisputeWindow");
      }
      if (p.fallbackBps > LIMITS.BPS || p.arbiterFeeBps > LIMITS.MAX_ARBITER_FEE_BPS)
        e.push("EscrowInvalidArbiterTerms");
    }
    if (p.deadline <= now || p.deadline > now + LIMITS.MAX_DURATION) e.push("EscrowInvalidDeadline"); // E-C4
    if (p.amount === 0n || p.amount >= LIMITS.UINT96) e.push("EscrowInvalidAmount"); // E-C5
    if (p.salt >= LIMITS.UINT32) e.push("EscrowInvalidSalt");
    if (milestones.length > 0) {
      // E-C6
      const sum = milestones.reduce((a, b) => a + b, 0n);
      if (milestones.length > LIMITS.MAX_MILESTONES || milestones.some((m) => m === 0n) || sum !== p.amount) {
        e.push("EscrowInvalidMilestones");
      }
    }
    if (p.token === ZeroAddress ? value !== p.amount : value !== 0n) e.push("EscrowValueMismatch"); // E-C7
    if (p.token !== ZeroAddress && this.blockedWithContract(p.token, caller)) {
      e.push("Blocked", "SafeERC20FailedOperation"); // the deposit's transferFrom reverts
    }
    const packable =
      p.amount < LIMITS.UINT96 &&
      p.deadline < 2n ** 40n &&
      p.disputeWindow < 2n ** 32n &&
      p.fallbackBps < 2n ** 16n &&
      p.arbiterFeeBps < 2n ** 16n &&
      p.salt < LIMITS.UINT32;
    if (!packable) return { errors: e };
    const deal: Deal = {
      depositor: caller,
      beneficiary: p.beneficiary,
      arbiter: p.arbiter,
      token: p.token,
      terms: packTerms({ ...p, protocolFeeBps: this.config.protocolFeeBps }),
      milestonesHash: milestonesHashOf(milestones),
    };
    const id = dealIdOf(deal);
    if (this.deals.has(id)) e.push("EscrowDealExists"); // E-C9
    if (e.length > 0) return { errors: e };

    const d: ModelDeal = {
      id,
      deal,
      milestones: [...milestones],
      amount: p.amount,
      deadline: p.deadline,
      disputeWindow: p.disputeWindow,
      defaultOutcome: p.defaultOutcome,
      fallbackBps: p.fallbackBps,
      arbiterFeeBps: p.arbiterFeeBps,
      protocolFeeBps: this.config.protocolFeeBps,
      status: Status.Active,
      nonce: 0,
      disputedAt: 0n,
      released: 0n,
      refunded: 0n,
      paid: noPayouts(),
    };
    this.deals.set(id, d);
    this.order.push(d);
    this.addBalance(p.token, caller, -p.amount);
    return { errors: [], deal: d };
  }

  // ------------------------------------------------------------------ actions (§3–§5)

  /** §3: every action first finds an open deal by its terms. */
  private load(terms: Deal): { d?: ModelDeal; errors: string[] } {
    const d = this.findDeal(terms);
    if (d === undefined) return { errors: ["EscrowDealNotFound"] };
    if (d.status === Status.Closed) return { errors: ["EscrowInvalidStatus"] };
    return { d, errors: [] };
  }

  private isParty(d: ModelDeal, who: string): boolean {
    return lc(who) === lc(d.deal.depositor) || lc(who) === lc(d.deal.beneficiary);
  }

  /**
   * A discretionary change that leaves the deal open needs a nonce to advance to below the two kept for markPaid and
   * dispute (E-A10); those transitions never run out, and closing actions advance nothing.
   */
  private nonceErrors(d: ModelDeal, closes: boolean): string[] {
    return !closes && d.nonce >= LIMITS.MAX_NONCE - 2 ? ["EscrowNonceExhausted"] : [];
  }

  /** markPaid and dispute (E-A10): never refused for the nonce; each happens once, so it stays within 16 bits. */
  private transition(d: ModelDeal): void {
    if (d.nonce >= LIMITS.MAX_NONCE) throw new Error(`model: a status change at nonce ${d.nonce} (E-A10 broken)`);
    d.nonce += 1;
  }

  private advance(d: ModelDeal, closes: boolean): void {
    if (closes) d.status = Status.Closed;
    else d.nonce += 1;
  }

  /** E-A1: a part of the remainder: non-zero, at most the remainder, and all of it while disputed (E-A5). */
  private partErrors(d: ModelDeal, amount: bigint): string[] {
    const e: string[] = [];
    if (amount === 0n) e.push("EscrowZeroAmount");
    if (amount > this.remaining(d)) e.push("EscrowAmountExceedsRemaining");
    else if (amount !== 0n && d.status === Status.Disputed && amount !== this.remaining(d)) {
      e.push("EscrowInvalidStatus");
    }
    if (e.length === 0) e.push(...this.nonceErrors(d, amount === this.remaining(d)));
    return e;
  }

  /** §8: right signer (ECDSA for an EOA, ERC-1271 for a wallet), current nonce, this deal and value, not expired. */
  private signatureErrors(
    d: ModelDeal,
    type: SignedMessage["type"],
    signer: string,
    value: bigint,
    expiry: bigint,
    sig: SignedMessage | null,
    now: bigint,
  ): string[] {
    const e: string[] = [];
    if (now > expiry) e.push("EscrowSignatureExpired");
    const acceptedKey = this.env.contracts.has(lc(signer)) ? this.env.erc1271Owners.get(lc(signer)) : signer;
    const valid =
      sig !== null &&
      acceptedKey !== undefined &&
      lc(sig.key) === lc(acceptedKey) &&
      sig.type === type &&
      sig.dealId === d.id &&
      sig.value === value &&
      sig.nonce === BigInt(d.nonce) &&
      sig.expiry === expiry;
    if (!valid) e.push("EscrowInvalidSignature");
    return e;
  }

  private doRelease(d: ModelDeal, amount: bigint): void {
    const closes = amount === this.remaining(d);
    d.released += amount;
    this.advance(d, closes);
    this.payBeneficiary(d, amount);
  }

  private doRefund(d: ModelDeal, amount: bigint): void {
    const closes = amount === this.remaining(d);
    d.refunded += amount;
    this.advance(d, closes);
    this.payDepositor(d, amount);
  }

  release(caller: string, terms: Deal, amount: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(d.deal.depositor)) e.push("EscrowUnauthorized");
    e.push(...this.partErrors(d, amount));
    if (e.length > 0) return e;
    this.doRelease(d, amount);
    return [];
  }

  releaseMilestone(caller: string, terms: Deal, milestones: readonly bigint[], index: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(d.deal.depositor)) e.push("EscrowUnauthorized");
    if (milestonesHashOf(milestones) !== d.deal.milestonesHash) return [...e, "EscrowInvalidMilestones"];
    // §5: an empty list stands for [amount].
    const list = milestones.length === 0 ? [d.amount] : milestones;
    if (index >= BigInt(list.length)) return [...e, "EscrowMilestoneOutOfRange"];
    const cumulative = list.slice(0, Number(index) + 1).reduce((a, b) => a + b, 0n);
    const target = min(cumulative, d.amount - d.refunded);
    if (target <= d.released) e.push("EscrowMilestoneAlreadyReleased");
    else e.push(...this.partErrors(d, target - d.released));
    if (e.length > 0) return e;
    this.doRelease(d, target - d.released);
    return [];
  }

  refund(caller: string, terms: Deal, amount: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(d.deal.beneficiary)) e.push("EscrowUnauthorized");
    e.push(...this.partErrors(d, amount));
    if (e.length > 0) return e;
    this.doRefund(d, amount);
    return [];
  }

  releaseWithSig(terms: Deal, amount: bigint, expiry: bigint, sig: SignedMessage | null, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e = [
      ...this.signatureErrors(d, "Release", d.deal.depositor, amount, expiry, sig, now),
      ...this.partErrors(d, amount),
    ];
    if (e.length > 0) return e;
    this.doRelease(d, amount);
    return [];
  }

  refundWithSig(terms: Deal, amount: bigint, expiry: bigint, sig: SignedMessage | null, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e = [
      ...this.signatureErrors(d, "Refund", d.deal.beneficiary, amount, expiry, sig, now),
      ...this.partErrors(d, amount),
    ];
    if (e.length > 0) return e;
    this.doRefund(d, amount);
    return [];
  }

  /** E-A3 */
  markPaid(caller: string, terms: Deal, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(d.deal.beneficiary)) e.push("EscrowUnauthorized");
    if (d.deal.arbiter === ZeroAddress) e.push("EscrowNoArbiter");
    if (d.defaultOutcome !== Outcome.Refund) e.push("EscrowNotRefundDefault");
    if (d.status !== Status.Active) e.push("EscrowInvalidStatus");
    if (now > d.deadline) e.push("EscrowDeadlinePassed");
    if (e.length > 0) return e;
    d.status = Status.Paid;
    this.transition(d);
    return [];
  }

  /** E-A4 */
  dispute(caller: string, terms: Deal, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (!this.isParty(d, caller)) e.push("EscrowUnauthorized");
    if (d.deal.arbiter === ZeroAddress) e.push("EscrowNoArbiter");
    if (d.status === Status.Active) {
      if (now > d.deadline) e.push("EscrowDeadlinePassed");
    } else if (d.status !== Status.Paid) {
      e.push("EscrowInvalidStatus");
    }
    if (e.length > 0) return e;
    d.status = Status.Disputed;
    d.disputedAt = now;
    this.transition(d);
    return [];
  }

  /** E-A5, E-M2: the arbiter's fee first, then its split of the rest. */
  resolve(caller: string, terms: Deal, toBeneficiary: bigint, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (d.deal.arbiter === ZeroAddress || lc(caller) !== lc(d.deal.arbiter)) e.push("EscrowUnauthorized");
    if (d.status !== Status.Disputed) e.push("EscrowInvalidStatus");
    if (now > d.disputedAt + d.disputeWindow) e.push("EscrowDeadlinePassed");
    const remaining = this.remaining(d);
    const arbiterFee = (remaining * d.arbiterFeeBps) / LIMITS.BPS;
    if (toBeneficiary > remaining - arbiterFee) e.push("EscrowAmountExceedsRemaining");
    if (e.length > 0) return e;
    const toDepositor = remaining - arbiterFee - toBeneficiary;
    d.released += toBeneficiary;
    d.refunded += toDepositor;
    this.advance(d, true);
    this.payBeneficiary(d, toBeneficiary);
    this.payDepositor(d, toDepositor);
    d.paid.arbiterFee += arbiterFee;
    this.payout(d.deal.token, d.deal.arbiter, arbiterFee);
    return [];
  }

  /** E-A6: both parties' consent; a party submitting needs no signature of its own. */
  settle(
    caller: string,
    terms: Deal,
    toBeneficiary: bigint,
    expiry: bigint,
    depositorSig: SignedMessage | null,
    beneficiarySig: SignedMessage | null,
    now: bigint,
  ): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(d.deal.depositor)) {
      e.push(...this.signatureErrors(d, "Settle", d.deal.depositor, toBeneficiary, expiry, depositorSig, now));
    }
    if (lc(caller) !== lc(d.deal.beneficiary)) {
      e.push(...this.signatureErrors(d, "Settle", d.deal.beneficiary, toBeneficiary, expiry, beneficiarySig, now));
    }
    const remaining = this.remaining(d);
    if (toBeneficiary > remaining) e.push("EscrowAmountExceedsRemaining");
    if (e.length > 0) return e;
    d.released += toBeneficiary;
    d.refunded += remaining - toBeneficiary;
    this.advance(d, true);
    this.payBeneficiary(d, toBeneficiary);
    this.payDepositor(d, remaining - toBeneficiary);
    return [];
  }

  /** E-A7, §4: the default outcome after the deadline, the fallback split after the arbiter's window. */
  triggerTimeout(terms: Deal, now: bigint): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const remaining = this.remaining(d);
    let toBeneficiary: bigint;
    if (d.status === Status.Active) {
      if (now <= d.deadline) return ["EscrowTimeoutNotReached"];
      toBeneficiary = d.defaultOutcome === Outcome.Release ? remaining : 0n;
    } else if (d.status === Status.Disputed) {
      if (now <= d.disputedAt + d.disputeWindow) return ["EscrowTimeoutNotReached"];
      toBeneficiary = (remaining * d.fallbackBps) / LIMITS.BPS;
    } else {
      return ["EscrowInvalidStatus"]; // Paid never times out
    }
    d.released += toBeneficiary;
    d.refunded += remaining - toBeneficiary;
    this.advance(d, true);
    this.payBeneficiary(d, toBeneficiary);
    this.payDepositor(d, remaining - toBeneficiary);
    return [];
  }

  /** E-A8 */
  revokeSignatures(caller: string, terms: Deal): Prediction {
    const { d, errors } = this.load(terms);
    if (d === undefined) return errors;
    const e: string[] = [];
    if (!this.isParty(d, caller)) e.push("EscrowUnauthorized");
    e.push(...this.nonceErrors(d, false));
    if (e.length > 0) return e;
    this.advance(d, false);
    return [];
  }

  // ------------------------------------------------------------------ credits, fees, admin

  /** E-M1: anyone sends the accrued fees to the current recipient. */
  collectProtocolFees(token: string): Prediction {
    const amount = this.feesOf(token);
    const e: string[] = [];
    if (amount === 0n) e.push("EscrowNothingToCollect");
    if (e.length === 0) e.push(...this.transferOutErrors(token, this.config.feeRecipient));
    if (e.length > 0) return e;
    this.fees.set(lc(token), 0n);
    this.addBalance(token, this.config.feeRecipient, amount);
    return [];
  }

  setProtocolFee(caller: string, bps: bigint, recipient: string): Prediction {
    const e: string[] = [];
    if (lc(caller) !== lc(this.env.owner)) e.push("OwnableUnauthorizedAccount");
    if (bps > LIMITS.MAX_PROTOCOL_FEE_BPS) e.push("EscrowProtocolFeeTooHigh");
    // E-M1: never zero, so accrued fees can always be collected (the escrow itself is not among the recipients drawn).
    if (recipient === ZeroAddress) e.push("EscrowInvalidFeeRecipient");
    if (e.length > 0) return e;
    this.config.protocolFeeBps = bps;
    this.config.feeRecipient = recipient;
    return [];
  }

  setCreationPaused(caller: string, paused: boolean): Prediction {
    if (lc(caller) !== lc(this.env.owner)) return ["OwnableUnauthorizedAccount"];
    this.config.paused = paused;
    return [];
  }
}
