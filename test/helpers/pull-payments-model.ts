// Reference model of contracts/base/PullPayments.sol, which the escrow and the micropayment channels share: every
// payout is pushed, a failed push becomes a credit (docs/escrow.md §6, docs/micropayments.md M-M1), and `withdraw`
// pays a whole credit out. The two contract models extend it, so the shared mechanism is modelled once.
import { ZeroAddress } from "ethers";

const lc = (a: string): string => a.toLowerCase();
const key2 = (token: string, account: string): string => `${lc(token)}|${lc(account)}`;

export abstract class PullPaymentsModel {
  /** Accounts whose `receive` reverts. */
  readonly rejectsEth = new Set<string>();
  /** Accounts whose `receive` burns all the gas it is given. */
  readonly burnsGas = new Set<string>();
  /** Accounts the blocklist token blocks. */
  readonly blocked = new Set<string>();
  /** How many payouts were credited instead of pushed, by the reason the push failed (coverage statistics). */
  readonly creditedPayouts = { rejectsEth: 0, burnsGas: 0, blocked: 0 };
  private readonly credits = new Map<string, bigint>();
  /** Expected change of each account's balance since the start of the run. */
  private readonly balanceDelta = new Map<string, bigint>();

  /**
   * @param contract The modelled contract (a blocked contract can neither send nor receive the blocklist token).
   * @param blocklistToken The token with a blocklist (transfers to or from a blocked address revert).
   */
  protected constructor(
    private readonly contract: string,
    private readonly blocklistToken: string,
  ) {}

  creditOf(token: string, account: string): bigint {
    return this.credits.get(key2(token, account)) ?? 0n;
  }

  balanceDeltaOf(token: string, account: string): bigint {
    return this.balanceDelta.get(key2(token, account)) ?? 0n;
  }

  /** The sum of every account's credit in `token`. */
  protected creditsIn(token: string): bigint {
    let total = 0n;
    for (const [k, v] of this.credits) if (k.startsWith(lc(token) + "|")) total += v;
    return total;
  }

  protected addBalance(token: string, account: string, amount: bigint): void {
    const k = key2(token, account);
    this.balanceDelta.set(k, (this.balanceDelta.get(k) ?? 0n) + amount);
  }

  /** Whether a transfer of the blocklist token between `account` and the contract is blocked. */
  protected blockedWithContract(token: string, account: string): boolean {
    return (
      lc(token) === lc(this.blocklistToken) && (this.blocked.has(lc(account)) || this.blocked.has(lc(this.contract)))
    );
  }

  /**
   * Why a push fails: an account refusing ETH or burning the gas, or the blocklist token blocking it; null when it
   * succeeds.
   */
  private pushFailure(token: string, to: string): keyof PullPaymentsModel["creditedPayouts"] | null {
    if (token === ZeroAddress) {
      if (this.burnsGas.has(lc(to))) return "burnsGas";
      return this.rejectsEth.has(lc(to)) ? "rejectsEth" : null;
    }
    return this.blockedWithContract(token, to) ? "blocked" : null;
  }

  /** Each payout is pushed; a failed push becomes a credit. */
  protected payout(token: string, to: string, amount: bigint): void {
    if (amount === 0n) return;
    const failure = this.pushFailure(token, to);
    if (failure !== null) {
      this.creditedPayouts[failure]++;
      const k = key2(token, to);
      this.credits.set(k, (this.credits.get(k) ?? 0n) + amount);
    } else {
      this.addBalance(token, to, amount);
    }
  }

  /** The errors of a transfer that must succeed (withdraw, fee collection): it reverts, bubbling the reason. */
  protected transferOutErrors(token: string, to: string): string[] {
    if (token === ZeroAddress) {
      // A reverting receiver's reason is bubbled; one that burns all its gas returns nothing: FailedCall.
      if (this.burnsGas.has(lc(to))) return ["FailedCall"];
      return this.rejectsEth.has(lc(to)) ? ["MockAccountRejected", "FailedCall"] : [];
    }
    return this.blockedWithContract(token, to) ? ["Blocked", "SafeERC20FailedOperation"] : [];
  }

  /** The caller's whole credit, to any address. */
  withdraw(caller: string, token: string, to: string): string[] {
    const e: string[] = [];
    // Nor to the contract itself, where the credit paid out would be owed to nobody.
    if (to === ZeroAddress || lc(to) === lc(this.contract)) e.push("PullPaymentsInvalidRecipient");
    const amount = this.creditOf(token, caller);
    if (amount === 0n) e.push("PullPaymentsNothingToWithdraw");
    if (e.length === 0) e.push(...this.transferOutErrors(token, to));
    if (e.length > 0) return e;
    this.credits.set(key2(token, caller), 0n);
    this.addBalance(token, to, amount);
    return [];
  }
}
