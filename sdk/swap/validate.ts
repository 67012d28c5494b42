// Checks and arithmetic of orders (docs/swaps.md): field types, the terms the contract accepts, the fill amounts an
// order allows, and the exact quote (the taker amount rounded up, in the maker's favour; the fee rounded down), all
// offline, so that the SDK computes a fill's ETH value to the wei before it asks the chain anything.
import { ZeroAddress, getAddress } from "ethers";
import type { Address } from "../core/types";
import { SwapOrderError } from "../errors/swap";
import { SWAP_LIMITS, type SwapDeployment, type SwapOrder, type SwapQuote } from "./types";

const UINT256_BOUND = 1n << 256n;

function malformed(field: string, value: unknown, reason: string): SwapOrderError {
  return new SwapOrderError({
    code: "SWAP_ORDER_MALFORMED",
    message: `Malformed order: ${field} ${reason}`,
    details: { field, value, reason },
  });
}

function address(field: string, value: unknown): Address {
  try {
    return getAddress(value as string);
  } catch {
    throw malformed(field, value, "is not an address");
  }
}

function uint(field: string, value: unknown, bound: bigint): bigint {
  const n = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof n !== "bigint") throw malformed(field, value, "must be a bigint");
  if (n < 0n || n >= bound) throw malformed(field, value, `must be in [0, ${bound})`);
  return n;
}

/**
 * An order with every field checked against its Solidity type, addresses checksummed, amounts as bigints (`expiry`
 * and `feeBps` may be given as safe integers); the terms themselves are not judged here (see
 * {@link requireOrderTerms}).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`, naming the field.
 */
export function normalizeSwapOrder(order: SwapOrder): SwapOrder {
  if (order === null || typeof order !== "object") throw malformed("order", order, "must be an object");
  return {
    maker: address("maker", order.maker),
    makerToken: address("makerToken", order.makerToken),
    makerAmount: uint("makerAmount", order.makerAmount, UINT256_BOUND),
    takerToken: address("takerToken", order.takerToken),
    takerAmount: uint("takerAmount", order.takerAmount, UINT256_BOUND),
    taker: address("taker", order.taker),
    recipient: address("recipient", order.recipient),
    minFill: uint("minFill", order.minFill, UINT256_BOUND),
    expiry: uint("expiry", order.expiry, SWAP_LIMITS.expiryBound),
    nonce: uint("nonce", order.nonce, UINT256_BOUND),
    feeBps: Number(uint("feeBps", order.feeBps, SWAP_LIMITS.feeBpsBound)),
  };
}

/**
 * Throws unless the contract would take the order's terms (rule `SwapInvalidOrder`): a maker, a maker token (ETH
 * is only the taker's leg), amounts above zero, `0 < minFill <= makerAmount`, a nonce of the order's kind (bit 255 set
 * for a partial order, clear for fill-or-kill, SW-N1). The SDK also refuses a maker token
 * equal to the taker token, which no sensible order has.
 *
 * @throws {SwapOrderError} `SWAP_INVALID_ORDER`, with the reason.
 */
export function requireOrderTerms(order: SwapOrder): void {
  const refuse = (reason: string) =>
    new SwapOrderError({ code: "SWAP_INVALID_ORDER", message: `Invalid order: ${reason}`, details: { reason } });
  if (order.maker === ZeroAddress) throw refuse("no maker");
  if (order.makerToken === ZeroAddress)
    throw refuse("the maker's asset must be an ERC20 (ETH is the taker's leg only)");
  if (order.makerAmount === 0n || order.takerAmount === 0n) throw refuse("an amount is zero");
  if (order.minFill === 0n || order.minFill > order.makerAmount) throw refuse("minFill must be in [1, makerAmount]");
  if (order.makerToken === order.takerToken) throw refuse("the maker and taker tokens are the same");
  // SW-N1: a partial order's nonce has bit 255 set, a fill-or-kill order's has it clear.
  const partial = order.minFill < order.makerAmount;
  if (((order.nonce & SWAP_LIMITS.partialNonceFlag) !== 0n) !== partial)
    throw refuse(
      partial ? "a partial order's nonce must have bit 255 set" : "a fill-or-kill nonce must have bit 255 clear",
    );
}

/**
 * A deployment with a chain id of at least 1 and a checksummed contract address.
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`.
 */
export function requireDeployment(deployment: { chainId: unknown; contract: unknown }): SwapDeployment {
  const chainId = uint("chainId", deployment.chainId, UINT256_BOUND);
  if (chainId === 0n) throw malformed("chainId", deployment.chainId, "must be at least 1");
  return { chainId, contract: address("contract", deployment.contract) };
}

/** Whether the order fills whole, once (`minFill == makerAmount`), rather than in parts. */
export function isFillOrKill(order: SwapOrder): boolean {
  return order.minFill === order.makerAmount;
}

/**
 * Throws unless `makerFill` is a fill the order allows when `filled` of it is already filled: above zero, at most
 * what remains, and at least `minFill` unless it takes exactly what remains (a fill-or-kill order: all of it).
 *
 * @throws {SwapOrderError} `SWAP_INVALID_FILL_AMOUNT`, with `amount`, `minFill` and `remaining` as the contract's.
 */
export function requireFillAmount({
  order,
  makerFill,
  filled,
}: {
  order: SwapOrder;
  makerFill: bigint;
  filled: bigint;
}): void {
  const remaining = order.makerAmount > filled ? order.makerAmount - filled : 0n;
  const ok =
    typeof makerFill === "bigint" &&
    makerFill > 0n &&
    makerFill <= remaining &&
    (makerFill >= order.minFill || makerFill === remaining);
  if (!ok) {
    throw new SwapOrderError({
      code: "SWAP_INVALID_FILL_AMOUNT",
      message: `Fill amount ${String(makerFill)} not allowed (minimum ${order.minFill}, remaining ${remaining})`,
      details: { amount: makerFill, minFill: order.minFill, remaining },
    });
  }
}

/**
 * What a fill of `makerFill` moves, computed as the contract does: `takerFill = ceil(makerFill * takerAmount /
 * makerAmount)` (in the maker's favour), `fee = floor(makerFill * feeBps / 10_000)` at the current protocol fee
 * `feeBps` (paid by the maker on top), and what remains after it. For an ETH taker leg, `takerFill` is the exact
 * `msg.value` of the fill.
 *
 * @throws {SwapOrderError} `SWAP_INVALID_FILL_AMOUNT` when the order does not allow this fill after `filled`.
 * @example
 * ```ts
 * const { takerFill } = quoteSwapFill({ order, makerFill: 250_000_000n, filled: 0n, feeBps: 0 });
 * ```
 */
export function quoteSwapFill({
  order,
  makerFill,
  filled,
  feeBps,
}: {
  order: SwapOrder;
  makerFill: bigint;
  filled: bigint;
  feeBps: number | bigint;
}): SwapQuote {
  const checked = normalizeSwapOrder(order);
  if (checked.makerAmount === 0n) throw new SwapOrderError({ code: "SWAP_INVALID_ORDER", message: "makerAmount is 0" });
  requireFillAmount({ order: checked, makerFill, filled });
  const bps = BigInt(feeBps);
  const product = makerFill * checked.takerAmount;
  const takerFill = (product + checked.makerAmount - 1n) / checked.makerAmount;
  const fee = (makerFill * bps) / SWAP_LIMITS.bpsDenominator;
  return { makerFill, takerFill, fee, remaining: checked.makerAmount - filled - makerFill };
}
