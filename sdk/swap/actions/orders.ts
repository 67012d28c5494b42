// Making, signing and verifying orders (docs/swaps.md): defaults filled from the chain (the maker, the expiry from
// the chain's clock, an unused nonce, the current protocol fee), the terms checked before anything is signed, and a
// signature verified in the contract's order with the maker's delegate read from the contract.
import { ZeroAddress } from "ethers";
import type { Address } from "../../core/types";
import { InvalidParameterError } from "../../errors/base";
import { requireAddress, requireBigInt, requireInteger, requireThat } from "../../internal/validate";
import type { MakeOrderParameters } from "../parameters";
import { signSwapOrder, verifySwapOrder, type SwapSignatureCheck } from "../typed-data";
import { SWAP_LIMITS, type SignedSwapOrder, type SwapOrder } from "../types";
import { normalizeSwapOrder, requireOrderTerms } from "../validate";
import { latestTimestamp, resolveSigned, type SwapContext } from "./context";

const DEFAULT_EXPIRES_IN = 3_600;
/** How many bitmap words (256 nonces each) a nonce search reads before giving up. */
const MAX_WORDS_SCANNED = 64;

/** An order with the maker's defaults filled in from the chain, checked as the contract would. */
export async function makeOrder(context: SwapContext, params: MakeOrderParameters): Promise<SwapOrder> {
  const maker = requireAddress("maker", params.maker ?? (await context.tx.signerAddress("Pass maker")));
  const makerAmount = requireBigInt("makerAmount", params.makerAmount, 1n);
  requireThat(
    params.expiry === undefined || params.expiresIn === undefined,
    "expiresIn",
    params.expiresIn,
    "give expiry or expiresIn, not both",
  );
  const expiry =
    params.expiry !== undefined
      ? requireBigInt("expiry", BigInt(params.expiry), 1n, SWAP_LIMITS.expiryBound)
      : (await latestTimestamp(context)) +
        BigInt(requireInteger("expiresIn", params.expiresIn ?? DEFAULT_EXPIRES_IN, 1, 10 * 365 * 86_400));
  const feeBps = params.feeBps ?? Number((await context.tx.guard(() => context.contract.protocolFee())).bps);
  const order = normalizeSwapOrder({
    maker,
    makerToken: params.makerToken,
    makerAmount,
    takerToken: params.takerToken,
    takerAmount: requireBigInt("takerAmount", params.takerAmount, 1n),
    taker: params.taker ?? ZeroAddress,
    recipient: params.recipient ?? ZeroAddress,
    minFill: params.minFill ?? makerAmount,
    expiry,
    nonce: params.nonce ?? 0n,
    feeBps,
  });
  const partial = order.minFill < order.makerAmount;
  if (params.nonce === undefined) {
    // Each kind draws from its own half of the nonces (SW-N1).
    [order.nonce] = await findUnusedNonces(context, { maker, count: 1, partial });
  }
  requireOrderTerms(order);
  reserve(context, maker, order.nonce);
  return order;
}

/** Signs an order with the context's signer, for this deployment. */
export async function signOrder(context: SwapContext, { order }: { order: SwapOrder }): Promise<SignedSwapOrder> {
  const signer = context.tx.signer();
  return signSwapOrder({ chainId: await context.chainId(), contract: context.address, order, signer });
}

/**
 * Nonces of `maker` that are free for an order of one kind (fill-or-kill: bit 255 clear; `partial`: set, SW-N1): at
 * or above `from` (default the kind's first nonce), their bits unset, not in `exclude`, and not handed out by this
 * client before. Reads one bitmap word per 256 nonces.
 */
export async function findUnusedNonces(
  context: SwapContext,
  params: { maker: Address; count?: number; partial?: boolean; from?: bigint; exclude?: readonly bigint[] },
): Promise<bigint[]> {
  const maker = requireAddress("maker", params.maker);
  const count = requireInteger("count", params.count ?? 1, 1, 256);
  const flag = params.partial === true ? SWAP_LIMITS.partialNonceFlag : 0n;
  const from = params.from === undefined ? flag : requireBigInt("from", params.from, 0n);
  requireThat(
    (from & SWAP_LIMITS.partialNonceFlag) === flag,
    "from",
    params.from,
    params.partial === true ? "a partial order's nonce has bit 255 set" : "a fill-or-kill nonce has bit 255 clear",
  );
  const start = from;
  const taken = new Set([...(params.exclude ?? []), ...(context.reservedNonces.get(maker) ?? [])]);
  const found: bigint[] = [];
  for (let word = start >> 8n, scanned = 0; scanned < MAX_WORDS_SCANNED; word++, scanned++) {
    const bits = await context.tx.guard(() => context.contract.nonceBitmap(maker, word));
    for (let bit = 0n; bit < 256n && found.length < count; bit++) {
      const nonce = (word << 8n) | bit;
      if (nonce < start || ((bits >> bit) & 1n) === 1n || taken.has(nonce)) continue;
      if ((nonce & SWAP_LIMITS.partialNonceFlag) !== flag) break;
      found.push(nonce);
    }
    if (found.length === count) return found;
  }
  throw new InvalidParameterError({
    parameter: "maker",
    value: maker,
    reason: `no ${count} unused nonces in ${MAX_WORDS_SCANNED * 256} from ${start}; pass a higher from`,
  });
}

function reserve(context: SwapContext, maker: Address, nonce: bigint): void {
  const reserved = context.reservedNonces.get(maker) ?? new Set<bigint>();
  reserved.add(nonce);
  context.reservedNonces.set(maker, reserved);
}

/**
 * A signed order's signature checked as the contract checks it on this deployment: the maker's key, its current
 * delegate (read from `delegateOf`), or its ERC-1271 wallet.
 */
export async function verifyOrder(
  context: SwapContext,
  params: { order: SignedSwapOrder },
): Promise<SwapSignatureCheck> {
  const { signed } = await resolveSigned(context, params.order);
  const delegate = await context.tx.guard(() => context.contract.delegateOf(signed.order.maker));
  return verifySwapOrder({ signed, provider: context.tx.provider(), delegate });
}
