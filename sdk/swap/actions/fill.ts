// Filling an order (docs/swaps.md): the fill's amounts computed offline as the contract computes them (so an ETH
// leg's value is exact to the wei), the conditions the SDK can see refused before anything is sent (another chain or
// contract, malformed terms, expired, a named taker who is not the caller, a fill amount the order does not allow),
// then the contract's own check, which names every remaining reason at once.
import { ZeroAddress, type TransactionReceipt } from "ethers";
import { IERC20__factory } from "../../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import type { Address } from "../../core/types";
import { SwapNotFillableError, SwapOrderError } from "../../errors/swap";
import { requireAddress, requireBigInt } from "../../internal/validate";
import type { BuildFillParameters, BuildFillReturnType, FillOrderParameters, FillOrderReturnType } from "../parameters";
import { quoteSwapFill, requireOrderTerms } from "../validate";
import {
  encodeCall,
  latestTimestamp,
  orderTuple,
  resolveSigned,
  send,
  signerAddressOrUndefined,
  type SwapContext,
} from "./context";
import { check, defaultMakerFill } from "./read";

/** The `fill` transaction, with the exact value of an ETH taker leg. */
export async function buildFill(context: SwapContext, params: BuildFillParameters): Promise<BuildFillReturnType> {
  const { signed, orderHash } = await resolveSigned(context, params.order);
  const { order } = signed;
  requireOrderTerms(order);
  const taker =
    params.taker === undefined ? await signerAddressOrUndefined(context) : requireAddress("taker", params.taker);
  if (order.taker !== ZeroAddress && taker !== undefined && taker !== order.taker) {
    throw new SwapOrderError({
      code: "SWAP_UNAUTHORIZED_TAKER",
      message: `Only ${order.taker} may fill this order, not ${taker}`,
      details: { taker: order.taker, caller: taker },
    });
  }
  const now = await latestTimestamp(context);
  if (now >= order.expiry) {
    throw new SwapOrderError({
      code: "SWAP_EXPIRED",
      message: `The order expired at ${order.expiry} (the chain's time is ${now})`,
      details: { expiry: order.expiry, now },
    });
  }
  const { makerFill: whole, filled } = await defaultMakerFill(context, order, orderHash);
  const makerFill = params.makerFill === undefined ? whole : requireBigInt("makerFill", params.makerFill, 0n);
  // The fee does not change what the taker pays: quote at 0 bps for the value.
  const { takerFill } = quoteSwapFill({ order, makerFill, filled, feeBps: 0 });
  const value = order.takerToken === ZeroAddress ? takerFill : 0n;
  const request = encodeCall(context, "fill", [orderTuple(order), signed.signature, makerFill], value);
  return { ...request, orderHash, makerFill, takerFill };
}

/** Sends {@link buildFill} from the context's signer: checking first unless told not to, then approving when asked. */
export async function fill(context: SwapContext, params: FillOrderParameters): Promise<FillOrderReturnType> {
  const taker = await context.tx.signerAddress();
  const { orderHash, makerFill, takerFill, ...request } = await buildFill(context, { ...params, taker });
  const { order } = params;
  const approving = params.approve === true && order.order.takerToken !== ZeroAddress;
  if (params.check !== false) {
    // Checked before approving, so that a fill that cannot happen costs no approval; a short allowance is what the
    // approval will fix.
    const { reasons } = await check(context, { order, makerFill, taker });
    const blocking = reasons.filter((r) => !(approving && r.code === "SWAP_TAKER_ALLOWANCE_TOO_LOW"));
    if (blocking.length > 0) {
      throw new SwapNotFillableError({
        code: blocking[0].code as SwapNotFillableError["code"],
        message: `The fill would revert: ${blocking.map((r) => r.name ?? r.selector).join(", ")}`,
        details: { orderHash, makerFill, taker, reasons: blocking },
      });
    }
  }
  const approvalReceipt = approving
    ? await approveIfShort(context, { owner: taker, token: order.order.takerToken, amount: takerFill })
    : undefined;
  const result = await send(context, request, params.overrides);
  return { ...result, orderHash, makerFill, takerFill, approvalReceipt };
}

/** Approves the Swap contract for exactly `amount` when the allowance is short: never an unlimited allowance. */
async function approveIfShort(
  context: SwapContext,
  { owner, token, amount }: { owner: Address; token: Address; amount: bigint },
): Promise<TransactionReceipt | undefined> {
  const erc20 = IERC20__factory.connect(token, context.tx.provider());
  const allowance = await context.tx.guard(() => erc20.allowance(owner, context.address));
  if (allowance >= amount) return undefined;
  const data = erc20.interface.encodeFunctionData("approve", [context.address, amount]);
  return context.tx.send({ to: token, data, value: 0n });
}

/** `cancel(nonces)`: the caller's orders with these nonces stop being fillable. */
export function buildCancel(context: SwapContext, { nonces }: { nonces: readonly bigint[] }) {
  if (!Array.isArray(nonces) || nonces.length === 0) {
    throw new SwapOrderError({ code: "SWAP_ORDER_MALFORMED", message: "Give at least one nonce to cancel" });
  }
  const checked = nonces.map((nonce, i) => requireBigInt(`nonces[${i}]`, nonce, 0n));
  return encodeCall(context, "cancel", [checked]);
}

/**
 * `cancelRange(from, to)`: every order of the caller with a nonce in [from, to) stops being fillable. The contract
 * writes one storage word per 256 nonces: "everything below n" is cheapest from the lowest nonce that may be open.
 */
export function buildCancelRange(context: SwapContext, { from, to }: { from: bigint; to: bigint }) {
  const start = requireBigInt("from", from, 0n);
  const end = requireBigInt("to", to, start + 1n);
  return encodeCall(context, "cancelRange", [start, end]);
}

/** `setDelegate(delegate)`: `ZeroAddress` revokes. */
export function buildSetDelegate(context: SwapContext, { delegate }: { delegate: Address }) {
  return encodeCall(context, "setDelegate", [requireAddress("delegate", delegate)]);
}

/** `withdraw(token, to)`: a credit of ETH (or a token) a refused push left. */
export function buildWithdraw(context: SwapContext, { token, to }: { token?: Address; to: Address }) {
  return encodeCall(context, "withdraw", [requireAddress("token", token ?? ZeroAddress), requireAddress("to", to)]);
}
