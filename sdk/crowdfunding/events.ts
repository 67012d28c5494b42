// Decoding the crowdfunding's events, from a receipt or from logs: what the listings (discovery.ts) are built from.
import type { Result } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { decodeContractEvents, type EventSource } from "../internal/events";
import { crowdfundingInterface } from "./abi";
import type { CampaignId } from "./types";

type Id = { campaignId: CampaignId };

/**
 * A decoded event of the Crowdfunding contract, discriminated by `type`. Amounts are bigints, times numbers.
 * `CampaignCreated` carries the terms as the creator gave them (`start` and `feeRecipient` as effective).
 *
 * @example
 * ```ts
 * for (const event of decodeCrowdfundingEvents({ receipt, address })) {
 *   if (event.type === "Pledged") console.log(event.backer, event.amount);
 * }
 * ```
 */
export type CrowdfundingEvent = CrowdfundingEventPayload & { log: EventLocation };

type CrowdfundingEventPayload =
  | (Id & {
      type: "CampaignCreated";
      creator: Address;
      token: Address;
      start: number;
      deadline: number;
      goal: bigint;
      cap: bigint;
      minPledge: bigint;
      feeBps: number;
      feeRecipient: Address;
      milestoneBps: number[];
      arbiter: Address;
    })
  | (Id & { type: "CampaignArbiter"; arbiter: Address })
  | (Id & { type: "CampaignCancelled" })
  | (Id & { type: "Pledged" | "Unpledged" | "Refunded"; backer: Address; amount: bigint })
  | (Id & { type: "Claimed"; creator: Address; toCreator: bigint; fee: bigint; dealId: string })
  | (Id & { type: "MilestoneApproved"; backer: Address; index: number; weight: bigint })
  | (Id & { type: "MilestoneReleaseScheduled"; index: number; releaseAt: number })
  | (Id & { type: "MilestoneReleased"; index: number })
  | (Id & { type: "DisputeSupported"; backer: Address; weight: bigint })
  | (Id & { type: "DisputeOpened" })
  | (Id & { type: "ReturnPulled"; backer: Address; amount: bigint })
  | { type: "NonceUsed"; backer: Address; nonce: bigint }
  | { type: "DefaultFeeRecipientSet"; recipient: Address }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint };

/**
 * Where {@link decodeCrowdfundingEvents} reads from: a receipt or logs, and the contract's address (logs of any other
 * address are skipped, so a token cannot forge a `Pledged` event).
 *
 * @example
 * ```ts
 * const params: DecodeCrowdfundingEventsParameters = { receipt, address: crowdfundingAddress };
 * ```
 */
export type DecodeCrowdfundingEventsParameters = EventSource;

/**
 * Decodes the Crowdfunding contract's events in a receipt or a list of logs, in log order.
 *
 * @example
 * ```ts
 * const created = decodeCrowdfundingEvents({ receipt, address }).find((e) => e.type === "CampaignCreated");
 * ```
 */
export function decodeCrowdfundingEvents(params: DecodeCrowdfundingEventsParameters): CrowdfundingEvent[] {
  return decodeContractEvents({
    source: params,
    contractInterface: crowdfundingInterface,
    toEvent: (description) => toEvent(description.name, description.args),
  });
}

function toEvent(name: string, a: Result): CrowdfundingEventPayload | null {
  // Ids come from the contract's own logs (checked by address), so they are branded without re-checking.
  const campaignId = a.campaignId as CampaignId;
  switch (name) {
    case "CampaignCreated": {
      const p = a.params as Result;
      return {
        type: name,
        campaignId,
        creator: a.creator,
        token: a.token,
        start: Number(a.start),
        deadline: Number(p.deadline),
        goal: p.goal,
        cap: p.cap,
        minPledge: p.minPledge,
        feeBps: Number(p.feeBps),
        feeRecipient: a.feeRecipient,
        milestoneBps: (p.milestoneBps as bigint[]).map(Number),
        arbiter: p.arbiter,
      };
    }
    case "CampaignArbiter":
      return { type: name, campaignId, arbiter: a.arbiter };
    case "CampaignCancelled":
    case "DisputeOpened":
      return { type: name, campaignId };
    case "Pledged":
    case "Unpledged":
    case "Refunded":
      return { type: name, campaignId, backer: a.backer, amount: a.amount };
    case "Claimed":
      return { type: name, campaignId, creator: a.creator, toCreator: a.toCreator, fee: a.fee, dealId: a.dealId };
    case "MilestoneApproved":
      return { type: name, campaignId, backer: a.backer, index: Number(a.index), weight: a.weight };
    case "MilestoneReleaseScheduled":
      return { type: name, campaignId, index: Number(a.index), releaseAt: Number(a.releaseAt) };
    case "MilestoneReleased":
      return { type: name, campaignId, index: Number(a.index) };
    case "DisputeSupported":
      return { type: name, campaignId, backer: a.backer, weight: a.weight };
    case "ReturnPulled":
      return { type: name, campaignId, backer: a.backer, amount: a.amount };
    case "NonceUsed":
      return { type: name, backer: a.backer, nonce: a.nonce };
    case "DefaultFeeRecipientSet":
      return { type: name, recipient: a.recipient };
    case "PaymentCredited":
      return { type: name, account: a.account, token: a.token, amount: a.amount };
    case "CreditWithdrawn":
      return { type: name, account: a.account, token: a.token, to: a.to, amount: a.amount };
    default:
      return null;
  }
}
