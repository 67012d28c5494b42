// Reading orders and makers: the contract's check (every reason a fill would fail, decoded into stable codes), its
// quote, an order's status (filled, remaining, cancelled, expired, fee too low), a maker's state, credits.
import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import { SWAP_REVERTS } from "../../errors/swap";
import { swapInterface, swapRevertInterface } from "../../internal/abi";
import { scanLogs } from "../../internal/scan";
import { requireAddress, requireBigInt } from "../../internal/validate";
import { decodeSwapError } from "../../internal/revert";
import type {
  SwapCheckReason,
  SwapCheckReturnType,
  SwapMakerState,
  SwapOrderStatus,
  SwapQuoteParameters,
  SwapQuoteReturnType,
} from "../parameters";
import type { SignedSwapOrder, SwapOrder, SwapOrderHash } from "../types";
import { isFillOrKill, normalizeSwapOrder } from "../validate";
import {
  latestTimestamp,
  orderHashOf,
  orderTuple,
  resolveSigned,
  signerAddressOrUndefined,
  type SwapContext,
} from "./context";

/**
 * The stable reasons of the selectors `check()` returned: each selector's Solidity error and the code its revert
 * decodes to (`SWAP_UNKNOWN_REASON` for one this SDK does not know).
 *
 * @example
 * ```ts
 * const reasons = decodeSwapCheckReasons(["0x…"]);
 * ```
 */
export function decodeSwapCheckReasons(selectors: readonly string[]): SwapCheckReason[] {
  return selectors.map((raw) => {
    const selector = raw.toLowerCase();
    const fragment = swapRevertInterface.getError(selector);
    const known = fragment === null ? undefined : SWAP_REVERTS[fragment.name];
    return {
      selector,
      name: fragment?.name ?? null,
      code: known?.code ?? "SWAP_UNKNOWN_REASON",
    };
  });
}

/**
 * What the order's partial fills have taken so far, capped at its amount: the contract counts per (maker, nonce), so
 * the orders sharing a partial nonce share it (SW-N2). 0 for a fill-or-kill order, which the contract does not track.
 */
export async function filledOf(context: SwapContext, order: SwapOrder, _orderHash?: SwapOrderHash): Promise<bigint> {
  if (isFillOrKill(order)) return 0n;
  const filled = await context.tx.guard(() => context.contract.filledOf(order.maker, order.nonce));
  return filled < order.makerAmount ? filled : order.makerAmount;
}

/** The maker amount a fill takes when none is given: all that remains. */
export async function defaultMakerFill(
  context: SwapContext,
  order: SwapOrder,
  orderHash: SwapOrderHash,
): Promise<{ makerFill: bigint; filled: bigint }> {
  const filled = await filledOf(context, order, orderHash);
  return { makerFill: order.makerAmount > filled ? order.makerAmount - filled : 0n, filled };
}

/** `check(order, signature, makerFill, taker)`, decoded. */
export async function check(
  context: SwapContext,
  params: { order: SignedSwapOrder; makerFill?: bigint; taker?: Address },
): Promise<SwapCheckReturnType> {
  const { signed, orderHash } = await resolveSigned(context, params.order);
  const makerFill =
    params.makerFill === undefined
      ? (await defaultMakerFill(context, signed.order, orderHash)).makerFill
      : requireBigInt("makerFill", params.makerFill, 0n);
  const taker = requireAddress("taker", params.taker ?? (await signerAddressOrUndefined(context)) ?? ZeroAddress);
  const selectors = await context.tx.guard(() =>
    context.contract.check(orderTuple(signed.order), signed.signature, makerFill, taker),
  );
  const reasons = decodeSwapCheckReasons([...selectors]);
  return { ok: reasons.length === 0, reasons, makerFill, taker };
}

/** The contract's `quote(order, makerFill)`. */
export async function quote(context: SwapContext, params: SwapQuoteParameters): Promise<SwapQuoteReturnType> {
  const order = normalizeSwapOrder("order" in params.order ? params.order.order : params.order);
  const orderHash = await orderHashOf(context, order);
  const makerFill =
    params.makerFill === undefined
      ? (await defaultMakerFill(context, order, orderHash)).makerFill
      : requireBigInt("makerFill", params.makerFill, 0n);
  const q = await context.tx.guard(() => context.contract.quote(orderTuple(order), makerFill));
  return { makerFill: q.makerFill, takerFill: q.takerFill, fee: q.fee, remaining: q.remaining };
}

/** The maker's delegate. */
export async function makerState(context: SwapContext, { maker }: { maker: Address }): Promise<SwapMakerState> {
  const delegate = await context.tx.guard(() => context.contract.delegateOf(requireAddress("maker", maker)));
  return { delegate };
}

/** Where an order stands on-chain now. */
export async function orderStatus(context: SwapContext, params: { order: SignedSwapOrder }): Promise<SwapOrderStatus> {
  const { signed, orderHash } = await resolveSigned(context, params.order);
  const { order } = signed;
  const [partFilled, nonceUsed, fee, now] = await Promise.all([
    filledOf(context, order, orderHash),
    context.tx.guard(() => context.contract.isNonceUsed(order.maker, order.nonce)),
    context.tx.guard(() => context.contract.protocolFee()),
    latestTimestamp(context),
  ]);
  // A fill-or-kill order's bit is set by its fill or by a cancel: its OrderFilled event tells them apart.
  const filled = isFillOrKill(order) && nonceUsed ? await fillOrKillFilled(context, order, orderHash) : partFilled;
  const currentFeeBps = Number(fee.bps);
  const expired = now >= order.expiry;
  const feeTooLow = currentFeeBps > order.feeBps;
  const state_: SwapOrderStatus["state"] =
    filled === order.makerAmount
      ? "filled"
      : nonceUsed
        ? "cancelled"
        : expired
          ? "expired"
          : feeTooLow
            ? "feeTooLow"
            : "open";
  return {
    orderHash,
    state: state_,
    filled,
    remaining: order.makerAmount - filled,
    nonceUsed,
    expired,
    feeTooLow,
    currentFeeBps,
  };
}

async function fillOrKillFilled(context: SwapContext, order: SwapOrder, orderHash: SwapOrderHash): Promise<bigint> {
  let filled = 0n;
  await scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets: [swapInterface.encodeFilterTopics("OrderFilled", [orderHash]) as string[]],
    range: { fromBlock: context.fromBlock },
    defaultFromBlock: context.fromBlock,
    decode: decodeSwapError,
    take: (logs) => {
      if (logs.length > 0) filled = order.makerAmount;
      return logs.length;
    },
  });
  return filled;
}

/** The ETH (or token) credit `account` may withdraw: a push the recipient refused. */
export async function creditOf(context: SwapContext, params: { token?: Address; account: Address }): Promise<bigint> {
  const token = requireAddress("token", params.token ?? ZeroAddress);
  return context.tx.guard(() => context.contract.creditOf(token, requireAddress("account", params.account)));
}
