// A reference model of contracts/Crowdfunding.sol's direct campaigns (docs/crowdfunding.md §2–§5, §7), for the
// property test: from the spec alone, the error each call must revert with (in the order the spec lists the checks),
// or the pledges, totals, credits and payouts it leaves. Milestone campaigns are covered by test/crowdfunding/
// milestones.test.ts against the real Escrow.
import { ZeroAddress } from "ethers";

export const ETH = ZeroAddress;
const MAX_UINT96 = (1n << 96n) - 1n;

export interface ModelCampaign {
  id: bigint;
  asset: string;
  creator: string;
  goal: bigint;
  cap: bigint;
  start: bigint;
  deadline: bigint;
  minPledge: bigint;
  feeBps: bigint;
  feeRecipient: string;
  total: bigint;
  cancelled: boolean;
  claimed: boolean;
  pledges: Map<string, bigint>;
}

/** What a payout did: pushed to the recipient, or credited because the push failed. */
export interface Payout {
  asset: string;
  to: string;
  amount: bigint;
  credited: boolean;
}

export type Prediction = { error: string } | { error: null; payouts: Payout[] };

const key = (...parts: (string | bigint)[]) => parts.map((p) => String(p).toLowerCase()).join(":");

export class CrowdfundingModel {
  now = 0n;
  sequence = 0n;
  readonly campaigns = new Map<bigint, ModelCampaign>();
  /** PullPayments credits, by asset and account. */
  readonly credits = new Map<string, bigint>();
  /** Accounts whose ETH push fails, and whose token transfers the token refuses (blocklisted). */
  readonly refusesEth = new Set<string>();
  readonly blocked = new Set<string>();
  /** What was forced or donated into the contract, by asset: counted by nothing (CF-S3). */
  readonly donated = new Map<string, bigint>();

  creditOf(asset: string, account: string): bigint {
    return this.credits.get(key(asset, account)) ?? 0n;
  }

  donatedOf(asset: string): bigint {
    return this.donated.get(key(asset)) ?? 0n;
  }

  pledgeOf(id: bigint, backer: string): bigint {
    return this.campaigns.get(id)?.pledges.get(key(backer)) ?? 0n;
  }

  /** CF-I1: what the contract owes in `asset`: unclaimed totals plus credits. */
  owed(asset: string): bigint {
    let sum = 0n;
    for (const c of this.campaigns.values()) if (c.asset === asset && !c.claimed) sum += c.total;
    for (const [k, v] of this.credits) if (k.startsWith(key(asset) + ":")) sum += v;
    return sum;
  }

  /** The balance the contract must hold exactly: what it owes plus what was donated. */
  expectedBalance(asset: string): bigint {
    return this.owed(asset) + this.donatedOf(asset);
  }

  donate(asset: string, amount: bigint): void {
    this.donated.set(key(asset), this.donatedOf(asset) + amount);
  }

  private running(c: ModelCampaign): boolean {
    return this.now >= c.start && this.now < c.deadline;
  }

  private failed(c: ModelCampaign | undefined): c is ModelCampaign {
    return c !== undefined && this.now >= c.deadline && c.total < c.goal;
  }

  /** The id of the next campaign (CF-S2). */
  nextId(asset: string): bigint {
    return (BigInt(asset) << 96n) | (this.sequence + 1n);
  }

  create(p: Omit<ModelCampaign, "id" | "total" | "cancelled" | "claimed" | "pledges" | "start"> & { start: bigint }) {
    const id = this.nextId(p.asset);
    this.sequence++;
    const start = p.start < this.now ? this.now : p.start;
    const campaign: ModelCampaign = {
      ...p,
      id,
      start,
      minPledge: p.minPledge === 0n ? 1n : p.minPledge,
      total: 0n,
      cancelled: false,
      claimed: false,
      pledges: new Map(),
    };
    this.campaigns.set(id, campaign);
    return id;
  }

  /** A push: ETH refused by a refusing account, a token refused to or from a blocklisted one: credited. */
  private payout(asset: string, to: string, amount: bigint, out: Payout[]): void {
    if (amount === 0n) return;
    const fails = asset === ETH ? this.refusesEth.has(key(to)) : this.blocked.has(key(to));
    if (fails) this.credits.set(key(asset, to), this.creditOf(asset, to) + amount);
    out.push({ asset, to, amount, credited: fails });
  }

  pledge(id: bigint, backer: string, amount: bigint): Prediction {
    const c = this.campaigns.get(id);
    if (c === undefined || !this.running(c) || c.cancelled) return { error: "CrowdfundingWrongState" };
    if (amount === 0n) return { error: "CrowdfundingZeroAmount" };
    const cap = c.cap === 0n ? MAX_UINT96 : c.cap;
    if (c.total + amount > cap) return { error: "CrowdfundingCapExceeded" };
    const pledged = this.pledgeOf(id, backer) + amount;
    if (pledged < c.minPledge) return { error: "CrowdfundingBelowMinimum" };
    if (c.asset !== ETH && this.blocked.has(key(backer))) return { error: "Blocked" };
    c.pledges.set(key(backer), pledged);
    c.total += amount;
    return { error: null, payouts: [] };
  }

  unpledge(id: bigint, backer: string, amount: bigint): Prediction {
    const c = this.campaigns.get(id);
    if (c === undefined || !this.running(c)) return { error: "CrowdfundingWrongState" };
    if (amount === 0n) return { error: "CrowdfundingZeroAmount" };
    const pledged = this.pledgeOf(id, backer);
    if (amount > pledged) return { error: "CrowdfundingAmountExceedsPledge" };
    const left = pledged - amount;
    if (left !== 0n && left < c.minPledge) return { error: "CrowdfundingBelowMinimum" };
    c.pledges.set(key(backer), left);
    c.total -= amount;
    const payouts: Payout[] = [];
    this.payout(c.asset, backer, amount, payouts);
    return { error: null, payouts };
  }

  refund(id: bigint, backer: string): Prediction {
    const c = this.campaigns.get(id);
    if (!this.failed(c)) return { error: "CrowdfundingWrongState" };
    const amount = this.pledgeOf(id, backer);
    if (amount === 0n) return { error: "CrowdfundingNothingToRefund" };
    c.pledges.delete(key(backer));
    c.total -= amount;
    const payouts: Payout[] = [];
    this.payout(c.asset, backer, amount, payouts);
    return { error: null, payouts };
  }

  refundMany(id: bigint, backers: string[]): Prediction {
    const c = this.campaigns.get(id);
    if (!this.failed(c)) return { error: "CrowdfundingWrongState" };
    const payouts: Payout[] = [];
    for (const b of backers) {
      const amount = this.pledgeOf(id, b);
      if (amount === 0n) continue;
      c.pledges.delete(key(b));
      c.total -= amount;
      this.payout(c.asset, b, amount, payouts);
    }
    return { error: null, payouts };
  }

  claim(id: bigint, caller: string): Prediction {
    const c = this.campaigns.get(id);
    if (c === undefined) return { error: "CrowdfundingNotFound" };
    if (this.now < c.deadline || c.total < c.goal || c.claimed) return { error: "CrowdfundingWrongState" };
    if (key(caller) !== key(c.creator)) return { error: "CrowdfundingUnauthorized" };
    c.claimed = true;
    const fee = (c.total * c.feeBps) / 10_000n;
    const payouts: Payout[] = [];
    this.payout(c.asset, c.creator, c.total - fee, payouts);
    this.payout(c.asset, c.feeRecipient, fee, payouts);
    return { error: null, payouts };
  }

  cancel(id: bigint, caller: string): Prediction {
    const c = this.campaigns.get(id);
    if (c === undefined) return { error: "CrowdfundingNotFound" };
    if (key(caller) !== key(c.creator)) return { error: "CrowdfundingUnauthorized" };
    if (c.total !== 0n || this.now >= c.deadline || c.cancelled) return { error: "CrowdfundingWrongState" };
    c.cancelled = true;
    return { error: null, payouts: [] };
  }

  /** `withdraw(asset, to)` by `account`: its whole credit, reverting if the transfer to `to` fails. */
  withdraw(asset: string, account: string, to: string): Prediction {
    const amount = this.creditOf(asset, account);
    if (amount === 0n) return { error: "PullPaymentsNothingToWithdraw" };
    if (asset !== ETH && this.blocked.has(key(to))) return { error: "Blocked" };
    if (asset === ETH && this.refusesEth.has(key(to))) return { error: "FailedCall" };
    this.credits.delete(key(asset, account));
    return { error: null, payouts: [] };
  }
}
