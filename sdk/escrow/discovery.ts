// Discovery (docs/escrow.md, "Discovery"): the deals an address takes part in, found from `DealCreated` events so
// that an app can show "my deals" without an indexer of its own.
import { getAddress, toNumber, type Provider } from "ethers";
import { IEscrow__factory } from "../../typechain-types/factories/contracts/interfaces/IEscrow__factory";
import { decodeEscrowError } from "../internal/revert";
import { escrowInterface } from "../internal/abi";
import { requireRoles, scanLogs, type ScanPage, type ScanRangeParameters } from "../internal/scan";
import { guarded } from "../internal/transactions";
import { requireAddress } from "../internal/validate";
import { decodeEscrowEvents } from "./events";
import type { ListedDeal } from "./parameters";
import { computeDealId } from "./terms";
import type { Address } from "../core/types";
import type { DealState, DealStatus } from "./types";

/**
 * A part an address plays in a deal. `arbiter` is not an indexed topic of `DealCreated`: asking for it scans every
 * deal created in the range and filters them here, which costs more calls on a busy deployment.
 *
 * @example
 * ```ts
 * const roles: DealRole[] = ["depositor", "beneficiary"];
 * ```
 */
export type DealRole = "depositor" | "beneficiary" | "arbiter";

const DEAL_ROLES: readonly DealRole[] = ["depositor", "beneficiary", "arbiter"];

/**
 * `dealsOf`: the deals in which `account` holds any of `roles` (default: all three), created in a block range
 * scanned in chunks ({@link ScanRangeParameters}); with `withState`, each deal's current state too.
 *
 * @example
 * ```ts
 * const params: DealsOfParameters = { account: me, roles: ["beneficiary"], withState: true };
 * ```
 */
export type DealsOfParameters = ScanRangeParameters & {
  account: Address;
  roles?: readonly DealRole[];
  withState?: boolean;
};

/**
 * A deal found by `dealsOf`: its terms, where it was created, the roles the account holds in it, and (with
 * `withState`) its state and remainder at the time of the read.
 *
 * @example
 * ```ts
 * const { deals } = await escrow.dealsOf({ account: me, withState: true });
 * const open = deals.filter((d: AccountDeal) => d.state!.status === DealStatus.Active);
 * ```
 */
export type AccountDeal = ListedDeal & { roles: DealRole[]; state?: DealState; remaining?: bigint };

/**
 * What `dealsOf` returns: the deals, oldest first, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { deals, nextFromBlock }: DealsOfReturnType = await escrow.dealsOf({ account: me, limit: 20 });
 * ```
 */
export type DealsOfReturnType = ScanPage & { deals: AccountDeal[] };

/**
 * The deals in which `account` is depositor, beneficiary or arbiter, from the `DealCreated` events of the escrow at
 * `address`: the indexed depositor and beneficiary topics are queried directly, the arbiter is filtered here. Items
 * come oldest first, de-duplicated by id, each with the roles the account holds; a log whose terms do not hash to
 * its deal id (a forged log from a dishonest provider) is ignored. The range is scanned in chunks of at most
 * `blockRange` blocks; the result says where the scan stopped, so an app pages by calling again from
 * `nextFromBlock`. With `withState`, the states are read in one round of concurrent calls (one JSON-RPC batch with
 * ethers' `JsonRpcProvider`). `EscrowClient.dealsOf` calls this with the client's provider and address.
 *
 * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
 * @example
 * ```ts
 * import { findDealsOf } from "peerpay";
 *
 * const { deals, nextFromBlock } = await findDealsOf({
 *   provider, address: ESCROW, account: me, fromBlock: 21_000_000, blockRange: 5_000,
 * });
 * ```
 */
export async function findDealsOf(
  params: DealsOfParameters & { provider: Provider; address: Address },
): Promise<DealsOfReturnType> {
  const address = requireAddress("address", params.address);
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: DEAL_ROLES });
  const event = escrowInterface.getEvent("DealCreated")!.topicHash;
  const padded = escrowInterface.getAbiCoder().encode(["address"], [account]);
  // The arbiter is not indexed: one unfiltered query per chunk covers every role; otherwise one query per role.
  const topicSets = roles.includes("arbiter")
    ? [[event]]
    : roles.map((role) => (role === "depositor" ? [event, null, padded] : [event, null, null, padded]));

  const deals = new Map<string, AccountDeal>();
  const page = await scanLogs({
    provider: params.provider,
    address,
    topicSets,
    range: params,
    defaultFromBlock: 0,
    decode: decodeEscrowError,
    take: (logs) => {
      const before = deals.size;
      for (const created of decodeEscrowEvents({ logs, address })) {
        if (created.type !== "DealCreated" || deals.has(created.dealId)) continue;
        if (computeDealId(created.deal) !== created.dealId) continue;
        const held = roles.filter((role) => getAddress(created.deal[role]) === account);
        if (held.length === 0) continue;
        const { dealId, deal, terms, log } = created;
        deals.set(dealId, { dealId, deal, terms, log, roles: held });
      }
      return deals.size - before;
    },
  });

  const found = [...deals.values()];
  if (params.withState === true && found.length > 0) {
    const contract = IEscrow__factory.connect(address, params.provider);
    const states = await Promise.all(
      found.map((item) => guarded(decodeEscrowError, () => contract.getDealState(item.dealId))),
    );
    found.forEach((item, i) => {
      const raw = states[i];
      item.state = {
        status: toNumber(raw.status) as DealStatus,
        nonce: toNumber(raw.nonce),
        disputedAt: toNumber(raw.disputedAt),
        released: raw.released,
        refunded: raw.refunded,
      };
      item.remaining = item.terms.amount - raw.released - raw.refunded;
    });
  }
  return { ...page, deals: found };
}
