// The parameter and return types of EscrowClient's methods (viem's `XParameters` / `XReturnType`).
import type { TransactionReceipt, ContractRunner } from "ethers";
import type { Address, EventLocation, PreparedTransaction, WriteParameters } from "../core/types";
import type { EscrowEvent } from "./events";
import type { Deal, DealId, DealRef, DealState, DealTerms } from "./types";
import type { DealParameters } from "./validation";

/**
 * How to reach an escrow deployment.
 *
 * @example
 * ```ts
 * const escrow = new EscrowClient({ address: "0x…", runner: await browserProvider.getSigner(), fromBlock: 21_000_000 });
 * ```
 */
export type EscrowClientParameters = {
  /** The escrow contract. */
  address: Address;
  /** An ethers Signer to send and sign (it must have a provider to read), a Provider to read only. */
  runner: ContractRunner | null;
  /** First block searched for events: the escrow's deployment block. Default 0 (many RPCs refuse such ranges). */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * What every sending method returns: the mined receipt and the escrow events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: WriteReturnType = await escrow.refund({ deal, amount: 1n });
 * ```
 */
export type WriteReturnType = { receipt: TransactionReceipt; events: EscrowEvent[] };

/**
 * An action on one deal.
 *
 * @example
 * ```ts
 * const params: DealActionParameters = { deal: dealId };
 * ```
 */
export type DealActionParameters = { deal: DealRef };

/**
 * `release` / `refund`: a part of the remainder. Must be positive and at most the remainder.
 *
 * @example
 * ```ts
 * const params: AmountActionParameters = { deal, amount: 250n };
 * ```
 */
export type AmountActionParameters = DealActionParameters & { amount: bigint };

/**
 * `releaseMilestone`: release up to the cumulative end of milestone `index`. `milestones` defaults to the list the
 * deal was created with (rebuilt from its `DealMilestones` event).
 *
 * @example
 * ```ts
 * const params: ReleaseMilestoneParameters = { deal, index: 1 };
 * ```
 */
export type ReleaseMilestoneParameters = DealActionParameters & { index: number; milestones?: readonly bigint[] };

/**
 * `resolve`: the arbiter's ruling, `toBeneficiary` (gross of the protocol fee) out of the disputed remainder after the
 * arbiter's fee. A dispute freezes the remainder, so the amount applies to the remainder the arbiter reviewed.
 *
 * @example
 * ```ts
 * const params: ResolveParameters = { deal, toBeneficiary: 700n };
 * ```
 */
export type ResolveParameters = DealActionParameters & { toBeneficiary: bigint };

/**
 * `settle`: split the remainder as both parties signed. A party submitting the call may leave out its own signature.
 *
 * @example
 * ```ts
 * const params: SettleParameters = { deal, toBeneficiary: 600n, expiry, beneficiarySignature };
 * ```
 */
export type SettleParameters = DealActionParameters & {
  toBeneficiary: bigint;
  expiry: number | bigint;
  depositorSignature?: string;
  beneficiarySignature?: string;
};

/**
 * `releaseWithSig` / `refundWithSig`: submit a party's signed release or refund.
 *
 * @example
 * ```ts
 * const params: SignedAmountParameters = { deal, amount: 5n, expiry, signature };
 * ```
 */
export type SignedAmountParameters = AmountActionParameters & { expiry: number | bigint; signature: string };

/**
 * `withdraw`: send the caller's whole credit in `token` (ETH when omitted) to `to`.
 *
 * @example
 * ```ts
 * const params: WithdrawParameters = { token: usdc, to: coldWallet };
 * ```
 */
export type WithdrawParameters = { token?: Address; to: Address };

/**
 * A token, ETH when omitted.
 *
 * @example
 * ```ts
 * const params: TokenParameters = { token: usdc };
 * ```
 */
export type TokenParameters = { token?: Address };

/**
 * A signed action's message, as the client fills it: `nonce` defaults to the deal's current nonce.
 *
 * @example
 * ```ts
 * const params: SignAmountParameters = { deal, amount: 5n, expiry };
 * ```
 */
export type SignAmountParameters = AmountActionParameters & { expiry: number | bigint; nonce?: number };

/**
 * A settlement to sign; `nonce` defaults to the deal's current nonce.
 *
 * @example
 * ```ts
 * const params: SignSettleParameters = { deal, toBeneficiary: 600n, expiry };
 * ```
 */
export type SignSettleParameters = DealActionParameters & {
  toBeneficiary: bigint;
  expiry: number | bigint;
  nonce?: number;
};

/**
 * A signed EIP-2612 permit for `createDealWithPermit`.
 *
 * @example
 * ```ts
 * const { v, r, s } = await signPermit({ signer, token, spender: escrow.address, value: amount, deadline });
 * const permit: DepositPermit = { deadline, v, r, s };
 * ```
 */
export type DepositPermit = { deadline: number; v: number; r: string; s: string };

/**
 * How an ERC20 deal is funded: `"allowance"` (default) uses the allowance already in place; `"approve"` first sends
 * an `approve` for exactly the amount if the allowance is short; `"permit"` signs an EIP-2612 permit and calls
 * `createDealWithPermit`, in one transaction. ETH deals are funded by value and take only `"allowance"`.
 *
 * @example
 * ```ts
 * const funding: Funding = "permit";
 * ```
 */
export type Funding = "allowance" | "approve" | "permit";

/**
 * `buildCreateDeal`: the terms plus the depositor (default: the client's signer) and, for a permit deposit, the
 * signed permit.
 *
 * @example
 * ```ts
 * const params: BuildCreateDealParameters = { beneficiary, amount, deadline, defaultOutcome: Outcome.Release, depositor };
 * ```
 */
export type BuildCreateDealParameters = DealParameters & { depositor?: Address; permit?: DepositPermit };

/**
 * The creation transaction and the deal it will create if the protocol fee does not change before it is mined (the
 * fee is part of the terms, hence of the id). The id was checked free when built.
 *
 * @example
 * ```ts
 * const { to, data, value, dealId }: BuildCreateDealReturnType = await escrow.buildCreateDeal(params);
 * ```
 */
export type BuildCreateDealReturnType = PreparedTransaction & { deal: Deal; dealId: DealId };

/**
 * `createDeal`: the terms, how to fund an ERC20 deal, and for a permit its deadline (default: one hour after the
 * latest block).
 *
 * @example
 * ```ts
 * const params: CreateDealParameters = { beneficiary, token: usdc, amount, deadline, defaultOutcome: Outcome.Refund, funding: "permit" };
 * ```
 */
export type CreateDealParameters = DealParameters &
  WriteParameters & {
    funding?: Funding;
    permitDeadline?: number;
  };

/**
 * A created deal: its id and terms as the `DealCreated` event recorded them, the mined receipt, its events, and the
 * approval's receipt when the SDK sent one.
 *
 * @example
 * ```ts
 * const { dealId, deal }: CreateDealReturnType = await escrow.createDeal(params);
 * ```
 */
export type CreateDealReturnType = WriteReturnType & {
  dealId: DealId;
  deal: Deal;
  terms: DealTerms;
  milestones: bigint[];
  approvalReceipt?: TransactionReceipt;
};

/**
 * Everything known about a deal: immutable terms (raw and unpacked), its milestone list (empty for a single
 * milestone), its state and the amount still held.
 *
 * @example
 * ```ts
 * const { terms, state, remaining }: GetDealReturnType = await escrow.getDeal({ dealId });
 * ```
 */
export type GetDealReturnType = {
  dealId: DealId;
  deal: Deal;
  terms: DealTerms;
  milestones: bigint[];
  state: DealState;
  /** `amount - released - refunded`. */
  remaining: bigint;
};

/**
 * `listDeals`: deals where the given accounts are depositor and/or beneficiary, in a block range (default: the
 * client's `fromBlock` to the latest block).
 *
 * @example
 * ```ts
 * const params: ListDealsParameters = { beneficiary: me, fromBlock: 21_000_000 };
 * ```
 */
export type ListDealsParameters = {
  depositor?: Address;
  beneficiary?: Address;
  fromBlock?: number;
  toBlock?: number | "latest";
};

/**
 * A deal found by `listDeals`, with where it was created.
 *
 * @example
 * ```ts
 * const [first]: ListedDeal[] = await escrow.listDeals({ depositor: me });
 * ```
 */
export type ListedDeal = { dealId: DealId; deal: Deal; terms: DealTerms; log: EventLocation };

/**
 * The escrow's owner settings.
 *
 * @example
 * ```ts
 * const { protocolFeeBps }: EscrowConfig = await escrow.getConfig();
 * ```
 */
export type EscrowConfig = { protocolFeeBps: number; feeRecipient: Address; creationPaused: boolean };
