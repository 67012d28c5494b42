// Reference model of contracts/HashedTimelocks.sol, written from docs/atomic-swaps.md §3-§5 (HT-1..HT-20) and
// independent of the contract: each action returns the errors the rules it breaks predict (in the spec's order, so the
// first is the one the contract must give), or applies its effects (statuses, balance changes, credits) when valid.
// The payout mechanism (push, credit on failure, withdraw) is PullPaymentsModel's.
import { ZeroAddress, sha256 } from "ethers";
import { PullPaymentsModel } from "./pull-payments-model";
import { HtStatus, MAX_TIMELOCK_DURATION, lockIdOf, type Lock } from "./hashed-timelocks";

export const HT_STATUS_NAMES = ["None", "Locked", "Claimed", "Refunded"] as const;

const lc = (a: string): string => a.toLowerCase();

export interface ModelLock {
  id: string;
  terms: Lock;
  status: HtStatus;
}

export class HashedTimelocksModel extends PullPaymentsModel {
  /** Every lock ever made, in order (ids are unique: HT-8). */
  readonly locks: ModelLock[] = [];
  private readonly byId = new Map<string, ModelLock>();

  constructor(contract: string, blocklistToken: string) {
    super(contract, blocklistToken);
  }

  statusOf(id: string): HtStatus {
    return this.byId.get(id)?.status ?? HtStatus.None;
  }

  /** HT-2..HT-8: `caller` locks `terms` at `now`, sending `value`. */
  lock(caller: string, terms: Lock, value: bigint, now: bigint): string[] {
    if (lc(caller) !== lc(terms.sender)) return ["HashedTimelockNotSender"];
    if (terms.receiver === ZeroAddress || terms.amount === 0n || /^0x0+$/.test(terms.hashlock)) {
      return ["HashedTimelockInvalidTerms"];
    }
    if (terms.timelock <= now || terms.timelock > now + MAX_TIMELOCK_DURATION) {
      return ["HashedTimelockInvalidTimelock"];
    }
    if (terms.safetyDeposit === 0n) {
      if (terms.publicClaimAt !== 0n || terms.publicRefundAt !== 0n) return ["HashedTimelockInvalidTerms"];
    } else if (
      terms.publicClaimAt <= now ||
      terms.publicClaimAt > terms.timelock ||
      terms.publicRefundAt < terms.timelock
    ) {
      return ["HashedTimelockInvalidTerms"];
    }
    const eth = terms.token === ZeroAddress;
    const expectedValue = (eth ? terms.amount : 0n) + terms.safetyDeposit;
    if (value !== expectedValue) return ["HashedTimelockValueMismatch"];
    const id = lockIdOf(terms);
    if (this.byId.has(id)) return ["HashedTimelockExists"];
    // The pull of the token: the blocklist token refuses a blocked sender or a blocked contract.
    if (!eth && this.blockedWithContract(terms.token, terms.sender)) return ["Blocked"];
    const lock: ModelLock = { id, terms, status: HtStatus.Locked };
    this.locks.push(lock);
    this.byId.set(id, lock);
    this.addBalance(terms.token, terms.sender, -terms.amount);
    if (terms.safetyDeposit > 0n) this.addBalance(ZeroAddress, terms.sender, -terms.safetyDeposit);
    return [];
  }

  /** HT-9, HT-10: `caller` claims `terms` with `secret` at `now`. */
  claim(caller: string, terms: Lock, secret: string, now: bigint): string[] {
    const lock = this.byId.get(lockIdOf(terms));
    if (lock === undefined || lock.status !== HtStatus.Locked) return ["HashedTimelockNotLocked"];
    if (sha256(secret) !== terms.hashlock) return ["HashedTimelockWrongSecret"];
    if (now >= terms.timelock) return ["HashedTimelockExpired"];
    lock.status = HtStatus.Claimed;
    this.payout(terms.token, terms.receiver, terms.amount);
    this.payDeposit(terms, caller, now >= terms.publicClaimAt);
    return [];
  }

  /** HT-11, HT-12: `caller` refunds `terms` at `now`. */
  refund(caller: string, terms: Lock, now: bigint): string[] {
    const lock = this.byId.get(lockIdOf(terms));
    if (lock === undefined || lock.status !== HtStatus.Locked) return ["HashedTimelockNotLocked"];
    if (now < terms.timelock) return ["HashedTimelockNotExpired"];
    lock.status = HtStatus.Refunded;
    this.payout(terms.token, terms.sender, terms.amount);
    this.payDeposit(terms, caller, now >= terms.publicRefundAt);
    return [];
  }

  private payDeposit(terms: Lock, caller: string, public_: boolean): void {
    if (terms.safetyDeposit === 0n) return;
    this.payout(ZeroAddress, public_ ? caller : terms.sender, terms.safetyDeposit);
  }

  /** HT-17: what the contract owes in `token`: open amounts (and, in ETH, open deposits) plus credits. */
  owed(token: string): { locked: bigint; deposits: bigint; credits: bigint } {
    let locked = 0n;
    let deposits = 0n;
    for (const l of this.locks) {
      if (l.status !== HtStatus.Locked) continue;
      if (lc(l.terms.token) === lc(token)) locked += l.terms.amount;
      if (token === ZeroAddress) deposits += l.terms.safetyDeposit;
    }
    return { locked, deposits, credits: this.creditsIn(token) };
  }
}
