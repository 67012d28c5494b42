// What every escrow action works with: the deployment, its runner, and the cache of verified deal terms. The actions
// in sdk/escrow/actions/ are functions of this context; EscrowReader and EscrowClient hold one and delegate to them.
import { ZeroHash } from "ethers";
import type { IEscrow } from "../../typechain-types/contracts/interfaces/IEscrow";
import type { Address, PreparedTransaction, TransactionOverrides } from "../core/types";
import { DealLookupError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { escrowInterface } from "../internal/abi";
import { decodeEscrowError } from "../internal/revert";
import { guarded, type TransactionRunner } from "../internal/transactions";
import { requireBigInt } from "../internal/validate";
import { decodeEscrowEvents, type EscrowEvent } from "./events";
import type { EscrowConfig, WriteReturnType } from "./parameters";
import { computeDealId, milestonesHash, normalizeDeal, toDealId } from "./terms";
import { DealStatus, ESCROW_LIMITS, type Deal, type DealId, type DealRef, type DealState } from "./types";

/** A deal's terms, and its milestone list once seen. */
export type DealRecord = { deal: Deal; milestones?: bigint[] };

/**
 * The reads other actions build on. Actions reach them through the client (viem's `getAction` idea): a wrapped or
 * replaced `getDealState` on a client instance is the one its `createDeal` and `signRelease` use.
 */
export type EscrowReads = {
  getDealState(params: { dealId: DealId }): Promise<DealState>;
  getConfig(): Promise<EscrowConfig>;
};

/** One escrow deployment as the actions see it. */
export type EscrowContext = {
  readonly address: Address;
  readonly contract: IEscrow;
  readonly fromBlock: number;
  readonly runner: TransactionRunner;
  readonly client: EscrowReads;
  /** Terms are immutable and verified against their id before they are stored, so they never go stale. */
  readonly deals: Map<DealId, DealRecord>;
};

/** Runs a call to the chain, turning whatever it throws into a typed SDK error. */
export function guard<T>(call: () => Promise<T>): Promise<T> {
  return guarded(decodeEscrowError, call);
}

/** A transaction to the escrow. */
export function escrowRequest(context: EscrowContext, data: string, value = 0n): PreparedTransaction {
  return { to: context.address, data, value };
}

/** Sends a prepared transaction with the context's signer; returns the receipt and the escrow events it holds. */
export async function sendTransaction(
  context: EscrowContext,
  request: PreparedTransaction,
  overrides: TransactionOverrides = {},
): Promise<WriteReturnType> {
  const receipt = await context.runner.send(request, overrides);
  return { receipt, events: decodeEscrowEvents({ receipt, address: context.address }) };
}

/** A part of a deal: positive (`EscrowZeroAmount`) and below 2^96 (no deal holds more). */
export function partAmount(parameter: string, value: bigint): bigint {
  return requireBigInt(parameter, value, 1n, ESCROW_LIMITS.amountBound);
}

/** The id of a deal given by its terms or its id. */
export function dealIdOf(ref: DealRef): DealId {
  return typeof ref === "string" ? toDealId(ref) : computeDealId(ref);
}

/** The deal's id and terms; for an id, the terms come from the cache or the `DealCreated` event. */
export async function resolveDeal(context: EscrowContext, ref: DealRef): Promise<{ dealId: DealId; deal: Deal }> {
  if (typeof ref === "string") {
    const dealId = toDealId(ref);
    return { dealId, deal: (await dealRecord(context, dealId)).deal };
  }
  const deal = normalizeDeal(ref);
  return { dealId: computeDealId(deal), deal };
}

/** The cached or rebuilt terms of a deal known by its id. */
export async function dealRecord(context: EscrowContext, dealId: DealId): Promise<DealRecord> {
  const cached = context.deals.get(dealId);
  if (cached) return cached;
  const events = await findEvents(context, "DealCreated", [dealId]);
  for (const event of events) {
    if (event.type === "DealCreated" && event.dealId === dealId && rememberDeal(context, dealId, event.deal)) {
      return context.deals.get(dealId) as DealRecord;
    }
  }
  const { status } = await context.client.getDealState({ dealId });
  throw new DealLookupError(
    status === DealStatus.None
      ? { code: PeerPayErrorCode.DEAL_NOT_FOUND, message: `No deal ${dealId}`, details: { dealId } }
      : {
          code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
          message: `Deal ${dealId} exists but its DealCreated event was not found from block ${context.fromBlock}`,
          details: { dealId, fromBlock: context.fromBlock },
        },
  );
}

/** The deal's milestone list (empty for a single milestone), from the cache or the `DealMilestones` event. */
export async function milestonesOf(context: EscrowContext, dealId: DealId, deal: Deal): Promise<bigint[]> {
  if (deal.milestonesHash === ZeroHash) return [];
  const cached = context.deals.get(dealId)?.milestones;
  if (cached) return [...cached];
  for (const event of await findEvents(context, "DealMilestones", [dealId])) {
    if (event.type === "DealMilestones" && rememberDeal(context, dealId, deal, event.milestones))
      return [...event.milestones];
  }
  throw new DealLookupError({
    code: PeerPayErrorCode.DEAL_TERMS_UNAVAILABLE,
    message: `The milestone list of deal ${dealId} was not found; pass it explicitly`,
    details: { dealId, fromBlock: context.fromBlock },
  });
}

/**
 * Caches terms (and milestones) only if they hash to the id: a provider returning forged logs cannot make the
 * client act on terms other than the deal's. Returns whether they did.
 */
export function rememberDeal(context: EscrowContext, dealId: DealId, deal: Deal, milestones?: bigint[]): boolean {
  if (computeDealId(deal) !== dealId) return false;
  if (milestones !== undefined && milestonesHash(milestones) !== deal.milestonesHash) return false;
  const known = context.deals.get(dealId);
  context.deals.set(dealId, { deal: normalizeDeal(deal), milestones: milestones ?? known?.milestones });
  return true;
}

/** The escrow's `DealCreated` or `DealMilestones` events matching `topics`, decoded. */
export async function findEvents(
  context: EscrowContext,
  name: "DealCreated" | "DealMilestones",
  topics: readonly (string | null)[],
  range: { fromBlock?: number; toBlock?: number | "latest" } = {},
): Promise<EscrowEvent[]> {
  const provider = context.runner.provider();
  const filter = {
    address: context.address,
    topics: escrowInterface.encodeFilterTopics(name, topics),
    fromBlock: range.fromBlock ?? context.fromBlock,
    toBlock: range.toBlock ?? "latest",
  };
  const logs = await guard(() => provider.getLogs(filter));
  return decodeEscrowEvents({ logs, address: context.address });
}
