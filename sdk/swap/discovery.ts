// Discovery (docs/swaps.md, "Discovery"): an account's fills as maker or taker, its cancellations and delegate
// changes, from the Swap contract's events, paged in chunks as the escrow's and channels' discovery do. Orders live
// off-chain; the chain knows an order only once it is filled, so "my orders" here are the orders with fills.
import type { Provider } from "ethers";
import type { Address } from "../core/types";
import { swapInterface } from "../internal/abi";
import { decodeSwapError } from "../internal/revert";
import { requireRoles, scanLogs, type ScanPage, type ScanRangeParameters } from "../internal/scan";
import { requireAddress } from "../internal/validate";
import { decodeSwapEvents, type SwapEvent } from "./events";
import type { SwapOrderHash } from "./types";

/**
 * A part an account plays in swaps: the `maker` (fills of its orders, its cancellations and delegates) or the
 * `taker` (the fills it made).
 *
 * @example
 * ```ts
 * const roles: SwapRole[] = ["taker"];
 * ```
 */
export type SwapRole = "maker" | "taker";

const SWAP_ROLES: readonly SwapRole[] = ["maker", "taker"];

/**
 * `swapActivityOf`: the account, the roles (default both), and the block range ({@link ScanRangeParameters}).
 *
 * @example
 * ```ts
 * const params: SwapActivityParameters = { account: me, roles: ["maker"], fromBlock: 21_000_000, limit: 50 };
 * ```
 */
export type SwapActivityParameters = ScanRangeParameters & { account: Address; roles?: readonly SwapRole[] };

/**
 * One fill found by discovery, with the roles the account played in it.
 *
 * @example
 * ```ts
 * const mine = activity.fills.filter((fill: SwapFillRecord) => fill.roles.includes("taker"));
 * ```
 */
export type SwapFillRecord = Extract<SwapEvent, { type: "OrderFilled" }> & { roles: SwapRole[] };

/**
 * An order seen through its fills: how much of it filled in the range, in how many fills, by whom. The events carry no
 * nonce and no fee (a smaller log per fill): the nonce is in the order itself, and a fill's fee is
 * `floor(makerFill * bps / 10_000)` at the bps of the last `ProtocolFeeUpdated` before it.
 *
 * @example
 * ```ts
 * for (const order of activity.orders) console.log(order.orderHash, order.makerFilled, order.fills);
 * ```
 */
export type SwapOrderActivity = {
  orderHash: SwapOrderHash;
  maker: Address;
  makerFilled: bigint;
  takerPaid: bigint;
  fills: number;
  takers: Address[];
};

/**
 * What `swapActivityOf` returns, oldest first, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { fills, cancels, orders, nextFromBlock }: SwapActivityReturnType = await swap.activityOf({ account: me });
 * ```
 */
export type SwapActivityReturnType = ScanPage & {
  fills: SwapFillRecord[];
  cancels: Extract<SwapEvent, { type: "NonceCancelled" | "NoncesCancelled" }>[];
  delegates: Extract<SwapEvent, { type: "DelegateSet" }>[];
  orders: SwapOrderActivity[];
};

/**
 * An account's swap activity from the events of the Swap contract at `address`: the fills of its orders (as maker)
 * and the fills it made (as taker), its cancellations (`NonceCancelled`, `NoncesCancelled`) and delegate changes, all
 * queried by their indexed account topic, in chunks of at most `blockRange` blocks, stopping after `limit` items; and
 * the orders those fills belong to, totalled. `SwapClient.activityOf` calls this with its provider and address.
 *
 * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
 * @example
 * ```ts
 * import { findSwapActivity } from "peerpay";
 *
 * const { fills, orders } = await findSwapActivity({ provider, address: swapAddress, account: me, roles: ["maker"] });
 * ```
 */
export async function findSwapActivity(
  params: SwapActivityParameters & { provider: Provider; address: Address },
): Promise<SwapActivityReturnType> {
  const address = requireAddress("address", params.address);
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: SWAP_ROLES });
  const topic = (name: "OrderFilled" | "NonceCancelled" | "NoncesCancelled" | "DelegateSet") =>
    swapInterface.getEvent(name).topicHash;
  const padded = swapInterface.getAbiCoder().encode(["address"], [account]);
  const topicSets: (string | null)[][] = [];
  if (roles.includes("maker")) {
    topicSets.push([topic("OrderFilled"), null, padded]);
    for (const name of ["NonceCancelled", "NoncesCancelled", "DelegateSet"] as const)
      topicSets.push([topic(name), padded]);
  }
  if (roles.includes("taker")) topicSets.push([topic("OrderFilled"), null, null, padded]);

  const seen = new Set<string>();
  const result: Omit<SwapActivityReturnType, keyof ScanPage> = { fills: [], cancels: [], delegates: [], orders: [] };
  const page = await scanLogs({
    provider: params.provider,
    address,
    topicSets,
    range: params,
    defaultFromBlock: 0,
    decode: decodeSwapError,
    take: (logs) => {
      let kept = 0;
      for (const event of decodeSwapEvents({ logs, address })) {
        // A fill in which the account is maker and taker comes back from two queries.
        const key = `${event.log.transactionHash}:${event.log.logIndex}`;
        if (seen.has(key)) continue;
        seen.add(key);
        kept += 1;
        if (event.type === "OrderFilled") {
          const played = roles.filter((role) => event[role] === account);
          if (played.length > 0) result.fills.push({ ...event, roles: played });
        } else if (event.type === "NonceCancelled" || event.type === "NoncesCancelled") {
          result.cancels.push(event);
        } else if (event.type === "DelegateSet") {
          result.delegates.push(event);
        }
      }
      return kept;
    },
  });
  result.orders = totalByOrder(result.fills);
  return { ...page, ...result };
}

function totalByOrder(fills: readonly SwapFillRecord[]): SwapOrderActivity[] {
  const orders = new Map<SwapOrderHash, SwapOrderActivity>();
  for (const fill of fills) {
    const order = orders.get(fill.orderHash) ?? {
      orderHash: fill.orderHash,
      maker: fill.maker,
      makerFilled: 0n,
      takerPaid: 0n,
      fills: 0,
      takers: [],
    };
    order.makerFilled += fill.makerFill;
    order.takerPaid += fill.takerFill;
    order.fills += 1;
    if (!order.takers.includes(fill.taker)) order.takers.push(fill.taker);
    orders.set(fill.orderHash, order);
  }
  return [...orders.values()];
}
