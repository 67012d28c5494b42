// Reference model of MicropaymentChannels (docs/micropayments.md §1–§4), for the stateful property test
// (test/micropayments/MicropaymentChannels.property.test.ts). Written from the spec, not from the contract: for
// every call it predicts either the set of errors the call may revert with (every rule the call breaks; the spec
// does not order the checks, so the contract must revert with one of them) or success, in which case it applies
// the call's effects: the channel's state, the session keys, the payouts pushed or credited, and what each side
// was paid per channel. It also keeps, per channel, the best voucher the payer (or a key it authorised) signed.
import { ZeroAddress } from "ethers";
import { PullPaymentsModel } from "./pull-payments-model";
// The channel encoding (terms, ids) is shared with the other micropayment tests.
import { channelIdOf, type Channel, type OpenParams } from "./micropayments";

export const Status = { None: 0, Open: 1, Closed: 2 } as const;
export type StatusValue = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ["None", "Open", "Closed"] as const;

export const LIMITS = {
  MIN_CHALLENGE_PERIOD: 3_600n,
  MAX_CHALLENGE_PERIOD: 30n * 86_400n,
  UINT96: 2n ** 96n,
  UINT32: 2n ** 32n,
} as const;

/** The immutable terms (§1 `Channel`). */
export interface SignedVoucher {
  key: string;
  channelId: string;
  amount: bigint;
  /** Whether the payer stood behind it when it was signed: its own key, or a session key valid at that time. */
  authorised: boolean;
}

export interface ModelChannel {
  id: string;
  channel: Channel;
  deposit: bigint;
  claimed: bigint;
  closesAt: bigint;
  status: StatusValue;
  signerChanged: boolean;
  /** §3 after a rotation: the current key, when it changed, the previous key (valid through its grace period). */
  current: string;
  changedAt: bigint;
  previous: string;
  /** The highest amount of an authorised voucher signed for this channel (0 if none). */
  best: bigint;
  /** Every voucher signed for this channel, in signing order. */
  signed: SignedVoucher[];
  /** Paid to the payee (claims and the payee's close) and returned to the payer (close, finalize). */
  toPayee: bigint;
  toPayer: bigint;
}

/** Everything the model needs to know about the world around the contract. */
export interface ModelEnv {
  channels: string;
  chainId: bigint;
  /** The token with a blocklist (transfers to or from a blocked address revert). */
  blocklistToken: string;
  /** ERC-1271 wallets and the EOA whose signatures each accepts. */
  erc1271Owners: ReadonlyMap<string, string>;
  /** Addresses with code (a token must have code; a contract payer's signatures go through ERC-1271). */
  contracts: ReadonlySet<string>;
}

/**
 * What an ERC-1271 wallet's `isValidSignature` does (contracts/mocks/MockReceivers.sol MockERC1271Wallet): 0 accepts
 * its owner's signatures, 1 refuses every signature, 2 reverts, 3 returns garbage. Only 0 accepts anything (§2,
 * M-K4: a failing or reverting check is a refusal).
 */
export type WalletMode = 0 | 1 | 2 | 3;

/** The errors a reverting call may revert with; empty when the call succeeds (and the effects were applied). */
export type Prediction = string[];

const lc = (a: string): string => a.toLowerCase();
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

export class MicropaymentsModel extends PullPaymentsModel {
  readonly channels = new Map<string, ModelChannel>();
  /** Channels in opening order. */
  readonly order: ModelChannel[] = [];
  /** The current mode of each ERC-1271 wallet (0 when not set). */
  readonly walletModes = new Map<string, WalletMode>();
  constructor(readonly env: ModelEnv) {
    super(env.channels, env.blocklistToken);
  }

  // ------------------------------------------------------------------ views

  idOf(c: Channel): string {
    return channelIdOf(this.env.chainId, this.env.channels, c);
  }

  isOpen(c: ModelChannel): boolean {
    return c.status === Status.Open;
  }

  /** M-M2: what the contract must hold in `token`: open channels' `deposit − claimed` and the credits. */
  liabilities(token: string): bigint {
    let total = 0n;
    for (const c of this.order) if (lc(c.channel.token) === lc(token) && this.isOpen(c)) total += c.deposit - c.claimed;
    return total + this.creditsIn(token);
  }

  /** The end of the previous key's grace period (§3), or null if the key was never changed. */
  graceEndsAt(c: ModelChannel): bigint | null {
    return c.signerChanged ? c.changedAt + c.channel.challengePeriod : null;
  }

  /**
   * §2, §3: whether `key`'s ECDSA signature is a valid voucher signature of the channel at `now`. A contract
   * payer's wallet is asked at claim time (M-K4): in a refusing mode it accepts nothing. `signing`: whether the
   * payer stands behind the voucher when it signs, which the wallet's owner does whatever mode the wallet is in
   * (the wallet may honour the voucher again later).
   */
  acceptsKey(c: ModelChannel, key: string, now: bigint, signing = false): boolean {
    const k = lc(key);
    const payer = lc(c.channel.payer);
    if (k === payer) return true; // an EOA payer's own key
    // A contract payer: ERC-1271, which only the test's wallet implements (accepting its owner's signatures).
    // Session keys are checked first (ECDSA), so a refusing wallet does not affect them.
    if (this.env.contracts.has(payer) && this.env.erc1271Owners.get(payer) !== undefined) {
      const accepting = signing || (this.walletModes.get(payer) ?? 0) === 0;
      if (lc(this.env.erc1271Owners.get(payer)!) === k && accepting) return true;
    }
    if (!c.signerChanged) return lc(c.channel.signer) === k && k !== lc(ZeroAddress);
    if (k === lc(c.current)) return true;
    return k === lc(c.previous) && now <= c.changedAt + c.channel.challengePeriod;
  }

  /** Records a voucher signed off-chain; the payer stands behind it if its key is valid when it signs. */
  sign(c: ModelChannel, key: string, amount: bigint, now: bigint): SignedVoucher {
    const authorised = c.status === Status.Open && this.acceptsKey(c, key, now, true);
    if (authorised) c.best = max(c.best, amount);
    const v: SignedVoucher = { key, channelId: c.id, amount, authorised };
    c.signed.push(v);
    return v;
  }

  // ------------------------------------------------------------------ money movements

  /** Deposit rules shared by open and topUp (M-O1, M-O2): the value, the token, the pull of the allowance. */
  private depositErrors(caller: string, token: string, value: bigint, amount: bigint): string[] {
    const e: string[] = [];
    if (token === ZeroAddress) {
      if (value !== amount) e.push("ChannelValueMismatch");
      return e;
    }
    if (value !== 0n) e.push("ChannelValueMismatch");
    if (!this.env.contracts.has(lc(token))) {
      e.push("ChannelTokenNotContract");
      return e;
    }
    if (this.blockedWithContract(token, caller)) {
      e.push("Blocked", "SafeERC20FailedOperation"); // the deposit's transferFrom reverts
    }
    return e;
  }

  // ------------------------------------------------------------------ opening and funding (M-O1, M-O2)

  /** `open`, or `openWithPermit` (whose permit is ignored when it fails: the allowance is in place). */
  open(caller: string, p: OpenParams, value: bigint, withPermit = false): { errors: Prediction; ch?: ModelChannel } {
    if (withPermit && (p.token === ZeroAddress || !this.env.contracts.has(lc(p.token)))) {
      return { errors: ["ChannelTokenNotContract"] }; // checked before the permit call
    }
    const e: string[] = [];
    if (p.payee === ZeroAddress || lc(p.payee) === lc(caller) || lc(p.payee) === lc(this.env.channels)) {
      e.push("ChannelInvalidPayee");
    }
    if (lc(p.signer) === lc(p.payee)) e.push("ChannelInvalidSigner");
    if (p.amount === 0n || p.amount >= LIMITS.UINT96) e.push("ChannelInvalidAmount");
    if (p.challengePeriod < LIMITS.MIN_CHALLENGE_PERIOD || p.challengePeriod > LIMITS.MAX_CHALLENGE_PERIOD) {
      e.push("ChannelInvalidChallengePeriod");
    }
    if (p.salt >= LIMITS.UINT32) e.push("ChannelInvalidSalt");
    e.push(...this.depositErrors(caller, p.token, value, p.amount));
    if (p.challengePeriod >= LIMITS.UINT32 || p.salt >= LIMITS.UINT32) return { errors: e }; // no id to compute
    const channel: Channel = {
      payer: caller,
      payee: p.payee,
      token: p.token,
      signer: p.signer,
      challengePeriod: p.challengePeriod,
      salt: p.salt,
    };
    const id = this.idOf(channel);
    if (this.channels.has(id)) e.push("ChannelExists"); // M-O1: ids are never reused, even after a close
    if (e.length > 0) return { errors: e };
    const ch: ModelChannel = {
      id,
      channel,
      deposit: p.amount,
      claimed: 0n,
      closesAt: 0n,
      status: Status.Open,
      signerChanged: false,
      current: ZeroAddress,
      changedAt: 0n,
      previous: ZeroAddress,
      best: 0n,
      signed: [],
      toPayee: 0n,
      toPayer: 0n,
    };
    this.channels.set(id, ch);
    this.order.push(ch);
    this.addBalance(p.token, caller, -p.amount);
    return { errors: [], ch };
  }

  /** §4: every action on a channel first finds it by its terms: unknown, or closed (M-X3). */
  private load(c: Channel): { ch?: ModelChannel; errors: string[] } {
    const ch = this.channels.get(this.idOf(c));
    if (ch === undefined) return { errors: ["ChannelNotFound"] };
    if (ch.status === Status.Closed) return { errors: ["ChannelNotOpen"] };
    return { ch, errors: [] };
  }

  topUp(caller: string, c: Channel, amount: bigint, value: bigint): Prediction {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(ch.channel.payer)) e.push("ChannelUnauthorized");
    if (ch.closesAt !== 0n) e.push("ChannelClosing");
    if (amount === 0n || ch.deposit + amount >= LIMITS.UINT96) e.push("ChannelInvalidAmount");
    e.push(...this.depositErrors(caller, ch.channel.token, value, amount));
    if (e.length > 0) return e;
    ch.deposit += amount;
    this.addBalance(ch.channel.token, caller, -amount);
    return [];
  }

  // ------------------------------------------------------------------ claims and closes (M-C1..M-C3, M-X1, M-X2)

  /** M-C2: after a close request, claims and the payee's close are accepted up to and including `closesAt`. */
  private windowErrors(ch: ModelChannel, now: bigint): string[] {
    return ch.closesAt !== 0n && now > ch.closesAt ? ["ChannelChallengeOver"] : [];
  }

  /** §2: the voucher `(channelId, amount)` carries a valid signature now. `sig` null: empty or garbage bytes. */
  private voucherValid(ch: ModelChannel, amount: bigint, sig: SignedVoucher | null, now: bigint): boolean {
    return sig !== null && sig.channelId === ch.id && sig.amount === amount && this.acceptsKey(ch, sig.key, now);
  }

  /**
   * The checks and effects of one claim, without the payout; returns what it pays. In a batch (`skipIfNothing`), a
   * claim that would pay nothing is skipped (paying 0, its signature unchecked) instead of reverting (M-C3).
   */
  private claimOne(
    c: Channel,
    amount: bigint,
    sig: SignedVoucher | null,
    now: bigint,
    skipIfNothing = false,
  ): { errors: string[]; apply?: () => bigint } {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return { errors };
    const e = this.windowErrors(ch, now);
    const claimable = min(amount, ch.deposit);
    if (skipIfNothing && e.length === 0 && claimable <= ch.claimed) return { errors: [], apply: () => 0n };
    if (claimable <= ch.claimed) e.push("ChannelNothingToClaim");
    if (!this.voucherValid(ch, amount, sig, now)) e.push("ChannelInvalidSignature");
    if (e.length > 0) return { errors: e };
    return {
      errors: [],
      apply: () => {
        const paid = claimable - ch.claimed;
        ch.claimed = claimable;
        ch.toPayee += paid;
        return paid;
      },
    };
  }

  /** M-C1: anyone submits; the payee is paid `min(amount, deposit) − claimed`. */
  claim(c: Channel, amount: bigint, sig: SignedVoucher | null, now: bigint): Prediction {
    const { errors, apply } = this.claimOne(c, amount, sig, now);
    if (apply === undefined) return errors;
    this.payout(c.token, c.payee, apply());
    return [];
  }

  /**
   * M-C3: the claims in order; a claim that would pay nothing is skipped; any other invalid claim reverts the
   * batch. Which invalid claim the contract reports is
   * not specified, so the prediction is the union of every invalid claim's errors (each judged against the state
   * the claims before it would leave).
   */
  claimMany(
    payee: string,
    token: string,
    claims: readonly { channel: Channel; amount: bigint; sig: SignedVoucher | null }[],
    now: bigint,
  ): Prediction {
    if (claims.length === 0) return ["ChannelEmptyBatch"];
    // Judge on copies of the channels, so that a reverting batch leaves the model untouched.
    const saved = new Map<string, { claimed: bigint; toPayee: bigint }>();
    for (const ch of this.order) saved.set(ch.id, { claimed: ch.claimed, toPayee: ch.toPayee });
    const e: string[] = [];
    let total = 0n;
    for (const { channel, amount, sig } of claims) {
      // The batch names the payee and token once: a claim of another payee's or token's channel finds none.
      const terms = { ...channel, payee, token };
      const one = this.claimOne(terms, amount, sig, now, true);
      if (one.apply === undefined) e.push(...one.errors);
      else total += one.apply();
    }
    if (e.length > 0) {
      for (const ch of this.order) Object.assign(ch, saved.get(ch.id));
      return e;
    }
    this.payout(token, payee, total);
    return [];
  }

  /** M-X1: the payee closes with its best voucher (or none: `amount ≤ claimed` needs no signature). */
  close(caller: string, c: Channel, amount: bigint, sig: SignedVoucher | null, now: bigint): Prediction {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(ch.channel.payee)) e.push("ChannelUnauthorized");
    e.push(...this.windowErrors(ch, now));
    const claimable = min(amount, ch.deposit);
    if (claimable > ch.claimed && !this.voucherValid(ch, amount, sig, now)) e.push("ChannelInvalidSignature");
    if (e.length > 0) return e;
    const toPayee = claimable > ch.claimed ? claimable - ch.claimed : 0n;
    ch.claimed += toPayee;
    const toPayer = ch.deposit - ch.claimed;
    ch.status = Status.Closed;
    ch.toPayee += toPayee;
    ch.toPayer += toPayer;
    this.payout(c.token, c.payee, toPayee);
    this.payout(c.token, c.payer, toPayer);
    return [];
  }

  /** M-X2: the payer, once, with no close requested. */
  requestClose(caller: string, c: Channel, now: bigint): Prediction {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(ch.channel.payer)) e.push("ChannelUnauthorized");
    if (ch.closesAt !== 0n) e.push("ChannelClosing");
    if (e.length > 0) return e;
    ch.closesAt = now + ch.channel.challengePeriod;
    return [];
  }

  /** M-X2: anyone, strictly after `closesAt`; the payer gets `deposit − claimed`. */
  finalize(c: Channel, now: bigint): Prediction {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return errors;
    if (ch.closesAt === 0n || now <= ch.closesAt) return ["ChannelChallengeNotOver"];
    const toPayer = ch.deposit - ch.claimed;
    ch.status = Status.Closed;
    ch.toPayer += toPayer;
    this.payout(c.token, c.payer, toPayer);
    return [];
  }

  // ------------------------------------------------------------------ session keys (§3)

  /** M-K1..M-K3 */
  setSigner(caller: string, c: Channel, newSigner: string, now: bigint): Prediction {
    const { ch, errors } = this.load(c);
    if (ch === undefined) return errors;
    const e: string[] = [];
    if (lc(caller) !== lc(ch.channel.payer)) e.push("ChannelUnauthorized");
    if (ch.closesAt !== 0n) e.push("ChannelClosing");
    if (lc(newSigner) === lc(ch.channel.payee)) e.push("ChannelInvalidSigner");
    const graceEnd = this.graceEndsAt(ch);
    if (graceEnd !== null && now <= graceEnd) e.push("ChannelSignerChangePending");
    if (e.length > 0) return e;
    ch.previous = ch.signerChanged ? ch.current : ch.channel.signer;
    ch.current = newSigner;
    ch.changedAt = now;
    ch.signerChanged = true;
    // The contract judges a key when a voucher is claimed, not when it was signed (§2): by authorising a key, the
    // payer stands behind every voucher the key already signed for this channel.
    for (const v of ch.signed) {
      if (lc(v.key) === lc(newSigner) && !v.authorised) {
        v.authorised = true;
        ch.best = max(ch.best, v.amount);
      }
    }
    return [];
  }
}
