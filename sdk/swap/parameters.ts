// The parameter and return types of SwapClient's methods.
import type { ContractRunner, TransactionReceipt } from "ethers";
import type { Address, PreparedTransaction, WriteParameters } from "../core/types";
import type { SwapEvent } from "./events";
import type { SignedSwapOrder, SwapOrder, SwapOrderHash, SwapQuote } from "./types";

/**
 * How to reach a Swap deployment.
 *
 * @example
 * ```ts
 * const params: SwapClientParameters = { address: swapAddress, runner: wallet, fromBlock: 21_000_000 };
 * ```
 */
export type SwapClientParameters = {
  /** The Swap contract. */
  address: Address;
  /** An ethers Signer (with a provider) to sign, fill and cancel, or a Provider to read, verify and build only. */
  runner: ContractRunner | null;
  /** First block searched for events (discovery, the status of a filled fill-or-kill order). Default 0. */
  fromBlock?: number;
  /** Confirmations each sending method waits for. Default 1. */
  confirmations?: number;
};

/**
 * What every sending method returns: the mined receipt and the Swap events it holds.
 *
 * @example
 * ```ts
 * const { receipt, events }: SwapWriteReturnType = await swap.cancel({ nonces: [3n] });
 * ```
 */
export type SwapWriteReturnType = { receipt: TransactionReceipt; events: SwapEvent[] };

/**
 * A new order's terms as the maker chooses them. Omitted: `maker` is the client's signer; `taker` anyone;
 * `recipient` the maker; `minFill` the whole `makerAmount` (fill-or-kill; give a smaller one to allow partial fills);
 * `expiry` the latest block's time plus `expiresIn` seconds (default one hour); `nonce` one the maker has not used,
 * nor this client handed out (`SwapClient.findUnusedNonces`); `feeBps` the current protocol fee (the most the
 * order will pay; a later raise above it voids the order).
 *
 * @example
 * ```ts
 * const params: MakeOrderParameters = {
 *   makerToken: dusd, makerAmount: 1_000_000_000n, takerToken: ZeroAddress, takerAmount: parseEther("0.4"),
 *   minFill: 100_000_000n, expiresIn: 86_400,
 * };
 * ```
 */
export type MakeOrderParameters = {
  makerToken: Address;
  makerAmount: bigint;
  /** An ERC20, or `ZeroAddress` for native ETH. */
  takerToken: Address;
  takerAmount: bigint;
  maker?: Address;
  taker?: Address;
  recipient?: Address;
  minFill?: bigint;
  expiry?: bigint | number;
  expiresIn?: number;
  nonce?: bigint;
  feeBps?: number;
};

/**
 * A signed order and, optionally, the maker amount to take (default: all that remains).
 *
 * @example
 * ```ts
 * const params: FillOrderParameters = { order: signed, makerFill: 250_000_000n, approve: true };
 * ```
 */
export type BuildFillParameters = {
  order: SignedSwapOrder;
  makerFill?: bigint;
  /** Who will send the fill (checked against a named taker); default the client's signer, if it has one. */
  taker?: Address;
};

/**
 * {@link BuildFillParameters} when sending: with `approve`, an ERC20 taker leg is first approved for exactly what
 * the fill pays when the allowance is short; `check` (default true) asks the contract's `check()` first and throws
 * every reason at once rather than sending a fill that would revert.
 *
 * @example
 * ```ts
 * const params: FillOrderParameters = { order: signed, approve: true };
 * ```
 */
export type FillOrderParameters = BuildFillParameters & WriteParameters & { approve?: boolean; check?: boolean };

/**
 * The fill transaction, with what it will move: `value` is the exact ETH of an ETH taker leg (0 otherwise).
 *
 * @example
 * ```ts
 * const { to, data, value, takerFill }: BuildFillReturnType = await swap.buildFill({ order: signed });
 * ```
 */
export type BuildFillReturnType = PreparedTransaction & {
  orderHash: SwapOrderHash;
  makerFill: bigint;
  takerFill: bigint;
};

/**
 * What `fill` returns: the receipt, the events, and what moved.
 *
 * @example
 * ```ts
 * const { takerFill, receipt }: FillOrderReturnType = await swap.fill({ order: signed });
 * ```
 */
export type FillOrderReturnType = SwapWriteReturnType & {
  orderHash: SwapOrderHash;
  makerFill: bigint;
  takerFill: bigint;
  approvalReceipt?: TransactionReceipt;
};

/**
 * One reason `check()` gave for a fill to fail: the Solidity error's selector and name, and its stable code (the
 * code the same revert decodes to; `SWAP_UNKNOWN_REASON` for a selector this SDK does not know).
 *
 * @example
 * ```ts
 * const expired = reasons.some((r: SwapCheckReason) => r.code === "SWAP_EXPIRED");
 * ```
 */
export type SwapCheckReason = { selector: string; name: string | null; code: string };

/**
 * What `check` returns: `ok` when the fill would succeed now, else every reason it would not.
 *
 * @example
 * ```ts
 * const { ok, reasons }: SwapCheckReturnType = await swap.check({ order: signed, makerFill: 100n });
 * ```
 */
export type SwapCheckReturnType = { ok: boolean; reasons: SwapCheckReason[]; makerFill: bigint; taker: Address };

/**
 * Where an order stands on-chain now. `state` sums it up: `filled` (completely), `cancelled` (its nonce used without
 * it filling completely, or below the maker's minimum), `expired`, `feeTooLow` (the protocol fee rose above the one it
 * signed), else `open` (possibly part-filled: see `filled`).
 *
 * @example
 * ```ts
 * const status: SwapOrderStatus = await swap.orderStatus({ order: signed });
 * if (status.state === "open") console.log(`${status.remaining} left`);
 * ```
 */
export type SwapOrderStatus = {
  orderHash: SwapOrderHash;
  state: "open" | "filled" | "cancelled" | "expired" | "feeTooLow";
  filled: bigint;
  remaining: bigint;
  nonceUsed: boolean;
  expired: boolean;
  feeTooLow: boolean;
  currentFeeBps: number;
};

/**
 * A maker's state on the contract: the delegate that may sign for it (`ZeroAddress` for none). A
 * replaced or revoked delegate can never be set again (SW-D1).
 *
 * @example
 * ```ts
 * const { delegate }: SwapMakerState = await swap.makerState({ maker });
 * ```
 */
export type SwapMakerState = { delegate: Address };

/**
 * `quote`: the order and the maker amount to take (default: all that remains).
 *
 * @example
 * ```ts
 * const params: SwapQuoteParameters = { order: signed.order, makerFill: 100n };
 * ```
 */
export type SwapQuoteParameters = { order: SwapOrder | SignedSwapOrder; makerFill?: bigint };

/**
 * `quote`'s result: the contract's quote.
 *
 * @example
 * ```ts
 * const { takerFill, fee }: SwapQuoteReturnType = await swap.quote({ order, makerFill: 100n });
 * ```
 */
export type SwapQuoteReturnType = SwapQuote;
