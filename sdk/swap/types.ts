// The signed-order swaps' vocabulary (docs/swaps.md): the order as the maker signs it, a signed order bound to its
// deployment, the order hash, quotes, and the contract's bounds. Pure types and constants, no chain access.
import { isHexString } from "ethers";
import type { Address } from "../core/types";
import { SwapOrderError } from "../errors/swap";

/**
 * An order's EIP-712 hash under its deployment's domain (what the maker signs, what `OrderFilled` is indexed by),
 * lowercase hex. Branded so that it is not mixed up with a deal or channel id.
 *
 * @example
 * ```ts
 * const orderHash: SwapOrderHash = hashSwapOrder({ chainId, contract, order });
 * ```
 */
export type SwapOrderHash = string & { readonly __brand: "SwapOrderHash" };

/**
 * Checks and brands an order hash (32 bytes of hex), lowercased.
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`: not 32 bytes of hex.
 * @example
 * ```ts
 * const orderHash = toSwapOrderHash(log.topics[1]);
 * ```
 */
export function toSwapOrderHash(value: string): SwapOrderHash {
  if (typeof value !== "string" || !isHexString(value, 32)) {
    throw new SwapOrderError({
      code: "SWAP_ORDER_MALFORMED",
      message: "An order hash is 32 bytes of hex",
      details: { field: "orderHash", value },
    });
  }
  return value.toLowerCase() as SwapOrderHash;
}

/**
 * An order, field by field as the contract's `Order` struct (EIP-712 `Order`). `takerToken` is `ZeroAddress` for
 * native ETH; `taker` `ZeroAddress` lets anyone fill; `recipient` `ZeroAddress` pays the maker; `minFill ===
 * makerAmount` makes a fill-or-kill order, a smaller one lets it fill in parts (the last part may be smaller);
 * `expiry` in unix seconds (fillable while the block's timestamp is below it); `feeBps` the highest protocol fee the
 * maker accepts.
 *
 * @example
 * ```ts
 * const order: SwapOrder = {
 *   maker: alice, makerToken: dusd, makerAmount: 1_000_000_000n, takerToken: ZeroAddress, takerAmount: parseEther("0.4"),
 *   taker: ZeroAddress, recipient: ZeroAddress, minFill: 100_000_000n, expiry: 1_800_000_000n, nonce: 0n, feeBps: 0,
 * };
 * ```
 */
export type SwapOrder = {
  maker: Address;
  makerToken: Address;
  makerAmount: bigint;
  takerToken: Address;
  takerAmount: bigint;
  taker: Address;
  recipient: Address;
  minFill: bigint;
  expiry: bigint;
  nonce: bigint;
  feeBps: number;
};

/**
 * A deployment of `Swap`: the chain and the contract. Every order hash and signature is bound to both.
 *
 * @example
 * ```ts
 * const deployment: SwapDeployment = { chainId: 31_337n, contract: swapAddress };
 * ```
 */
export type SwapDeployment = { chainId: bigint; contract: Address };

/**
 * An order with its signature and the deployment it was signed for: what a maker shares (as JSON with
 * `serializeOrder`, or as a compact string with `serializeOrderCompact`) and a taker fills.
 *
 * @example
 * ```ts
 * const signed: SignedSwapOrder = await swap.signOrder({ order });
 * const text = serializeOrderCompact(signed);
 * ```
 */
export type SignedSwapOrder = SwapDeployment & { order: SwapOrder; signature: string };

/**
 * What a fill of `makerFill` moves, as the contract's `quote` computes it: the taker pays `takerFill` (rounded up,
 * in the maker's favour), the maker pays `fee` on top in its token, and `remaining` of the order is left after it.
 *
 * @example
 * ```ts
 * const { takerFill, fee, remaining }: SwapQuote = quoteSwapFill({ order, makerFill: 100n, filled: 0n, feeBps: 0 });
 * ```
 */
export type SwapQuote = { makerFill: bigint; takerFill: bigint; fee: bigint; remaining: bigint };

/**
 * The contract's bounds: the protocol fee cap (basis points), the widths of `expiry` and `feeBps`, the nonce
 * bit that marks a partial order's nonce (bit 255, SW-N1), and the longest signature the SDK reads from a shared order.
 *
 * @example
 * ```ts
 * if (feeBps > SWAP_LIMITS.maxProtocolFeeBps) throw new Error("fee above the cap");
 * ```
 */
export const SWAP_LIMITS = Object.freeze({
  maxProtocolFeeBps: 100,
  bpsDenominator: 10_000n,
  expiryBound: 1n << 64n,
  feeBpsBound: 1n << 16n,
  partialNonceFlag: 1n << 255n,
  maxSignatureBytes: 8_192,
});
