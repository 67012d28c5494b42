// Listings from the contract's events (docs/crowdfunding.md §8, CF-SDK-6): a creator's campaigns (`CampaignCreated`
// by its indexed creator), an arbiter's (`CampaignArbiter`), a backer's (`Pledged`, `Unpledged`, `Refunded` by their
// indexed backer), paged in chunks of at most `blockRange` blocks as the other products' discovery is.
import type { Address } from "../core/types";
import { requireAddress } from "../internal/validate";
import { scanLogs, type ScanPage, type ScanRangeParameters } from "../internal/scan";
import { crowdfundingInterface, decodeCrowdfundingError } from "./abi";
import type { CrowdfundingContext } from "./context";
import { decodeCrowdfundingEvents, type CrowdfundingEvent } from "./events";
import { campaign, pledgeOf } from "./reads";
import type { Campaign, CampaignId } from "./types";

/**
 * A campaign as its `CampaignCreated` event announced it (terms as created, `start` effective).
 *
 * @example
 * ```ts
 * const { campaigns } = await crowdfunding.campaignsOf({ creator: me });
 * const record: CreatedCampaign = campaigns[0];
 * ```
 */
export type CreatedCampaign = Extract<CrowdfundingEvent, { type: "CampaignCreated" }>;

/**
 * One campaign a backer pledged to: what the events in the range add up to (`pledged − unpledged − refunded` is
 * `netFromEvents`), and, read now from the chain, the backer's pledge (`pledge`, the truth whatever range was
 * scanned) and the campaign.
 *
 * @example
 * ```ts
 * const { backings } = await crowdfunding.backingsOf({ backer: me });
 * for (const b of backings) if (b.campaign.state === CampaignState.Failed && b.pledge > 0n) await refund(b.campaignId);
 * ```
 */
export type Backing = {
  campaignId: CampaignId;
  pledged: bigint;
  unpledged: bigint;
  refunded: bigint;
  netFromEvents: bigint;
  pledge: bigint;
  campaign: Campaign;
};

/**
 * What `campaignsOf` returns, oldest first, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { campaigns, nextFromBlock }: CampaignsOfReturnType = await crowdfunding.campaignsOf({ creator });
 * ```
 */
export type CampaignsOfReturnType = ScanPage & { campaigns: CreatedCampaign[] };

/**
 * What `backingsOf` returns: one {@link Backing} per campaign, in order of the first event seen.
 *
 * @example
 * ```ts
 * const { backings }: BackingsOfReturnType = await crowdfunding.backingsOf({ backer, fromBlock: 21_000_000 });
 * ```
 */
export type BackingsOfReturnType = ScanPage & { backings: Backing[] };

/**
 * What `arbiterCampaigns` returns: the campaigns naming the arbiter, each read now.
 *
 * @example
 * ```ts
 * const { campaigns }: ArbiterCampaignsReturnType = await crowdfunding.arbiterCampaigns({ arbiter: me });
 * ```
 */
export type ArbiterCampaignsReturnType = ScanPage & { campaigns: Campaign[] };

function topic(name: "CampaignCreated" | "CampaignArbiter" | "Pledged" | "Unpledged" | "Refunded"): string {
  return crowdfundingInterface.getEvent(name).topicHash;
}

function padded(account: Address): string {
  return crowdfundingInterface.getAbiCoder().encode(["address"], [account]);
}

async function scan(
  context: CrowdfundingContext,
  range: ScanRangeParameters,
  topicSets: (string | null)[][],
  take: (events: CrowdfundingEvent[]) => number,
): Promise<ScanPage> {
  return scanLogs({
    provider: context.tx.provider(),
    address: context.address,
    topicSets,
    range,
    defaultFromBlock: context.fromBlock,
    decode: decodeCrowdfundingError,
    take: (logs) => take(decodeCrowdfundingEvents({ logs, address: context.address })),
  });
}

export async function campaignsOf(
  context: CrowdfundingContext,
  params: ScanRangeParameters & { creator: Address },
): Promise<CampaignsOfReturnType> {
  const creator = requireAddress("creator", params.creator);
  const campaigns: CreatedCampaign[] = [];
  const page = await scan(context, params, [[topic("CampaignCreated"), null, padded(creator)]], (events) => {
    const found = events.filter((e): e is CreatedCampaign => e.type === "CampaignCreated" && e.creator === creator);
    campaigns.push(...found);
    return found.length;
  });
  return { ...page, campaigns };
}

export async function arbiterCampaigns(
  context: CrowdfundingContext,
  params: ScanRangeParameters & { arbiter: Address },
): Promise<ArbiterCampaignsReturnType> {
  const arbiter = requireAddress("arbiter", params.arbiter);
  const ids: CampaignId[] = [];
  const page = await scan(context, params, [[topic("CampaignArbiter"), null, padded(arbiter)]], (events) => {
    let kept = 0;
    for (const e of events) {
      if (e.type === "CampaignArbiter" && e.arbiter === arbiter) {
        ids.push(e.campaignId);
        kept += 1;
      }
    }
    return kept;
  });
  return { ...page, campaigns: await Promise.all(ids.map((id) => campaign(context, id))) };
}

export async function backingsOf(
  context: CrowdfundingContext,
  params: ScanRangeParameters & { backer: Address },
): Promise<BackingsOfReturnType> {
  const backer = requireAddress("backer", params.backer);
  const sums = new Map<CampaignId, { pledged: bigint; unpledged: bigint; refunded: bigint }>();
  const who = padded(backer);
  const sets = (["Pledged", "Unpledged", "Refunded"] as const).map((name) => [topic(name), null, who]);
  const page = await scan(context, params, sets, (events) => {
    let fresh = 0;
    for (const e of events) {
      if ((e.type !== "Pledged" && e.type !== "Unpledged" && e.type !== "Refunded") || e.backer !== backer) continue;
      let sum = sums.get(e.campaignId);
      if (sum === undefined) {
        sum = { pledged: 0n, unpledged: 0n, refunded: 0n };
        sums.set(e.campaignId, sum);
        fresh += 1;
      }
      if (e.type === "Pledged") sum.pledged += e.amount;
      else if (e.type === "Unpledged") sum.unpledged += e.amount;
      else sum.refunded += e.amount;
    }
    // `limit` counts campaigns, not events.
    return fresh;
  });
  const backings = await Promise.all(
    [...sums].map(async ([campaignId, sum]) => {
      const [now, { amount }] = await Promise.all([
        campaign(context, campaignId),
        pledgeOf(context, { campaignId, backer }),
      ]);
      const netFromEvents = sum.pledged - sum.unpledged - sum.refunded;
      return { campaignId, ...sum, netFromEvents, pledge: amount, campaign: now };
    }),
  );
  return { ...page, backings };
}
