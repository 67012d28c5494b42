// Discovery (docs/micropayments.md, "Discovery"): the channels an address pays or is paid through, found from
// `ChannelOpened` events so that an app can show "my channels" without an indexer of its own.
import { getAddress, toNumber, type Provider } from "ethers";
import { IMicropaymentChannels__factory } from "../../typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory";
import { decodeChannelsError } from "../internal/revert";
import type { EventLocation } from "../core/types";
import type { Address } from "../core/types";
import { channelsInterface } from "../internal/abi";
import { requireRoles, scanLogs, type ScanPage, type ScanRangeParameters } from "../internal/scan";
import { guarded } from "../internal/transactions";
import { requireAddress } from "../internal/validate";
import { decodeChannelEvents } from "./events";
import type { ChannelState } from "./parameters";
import type { Channel, ChannelId, ChannelStatus } from "./types";
import { computeChannelId } from "./voucher";

/**
 * A part an address plays in a channel: the `payer` funds it and signs vouchers (possibly through a session key),
 * the `payee` claims. Both are indexed topics of `ChannelOpened`.
 *
 * @example
 * ```ts
 * const roles: ChannelRole[] = ["payee"];
 * ```
 */
export type ChannelRole = "payer" | "payee";

const CHANNEL_ROLES: readonly ChannelRole[] = ["payer", "payee"];

/**
 * `channelsOf`: the channels in which `account` is payer and/or payee (default: both), opened in a block range
 * scanned in chunks ({@link ScanRangeParameters}); with `withState`, each channel's current state too.
 *
 * @example
 * ```ts
 * const params: ChannelsOfParameters = { account: me, roles: ["payee"], withState: true };
 * ```
 */
export type ChannelsOfParameters = ScanRangeParameters & {
  account: Address;
  roles?: readonly ChannelRole[];
  withState?: boolean;
};

/**
 * A channel found by `channelsOf`: its terms, its deposit at opening, where it was opened, the roles the account
 * holds, and (with `withState`) its state and what is left to claim (`deposit - claimed`) at the time of the read.
 * The state's `signerChange` is not read here: `getChannelState` gives it.
 *
 * @example
 * ```ts
 * const { channels } = await payee.channelsOf({ account: me, withState: true });
 * const claimable = channels.filter((c: AccountChannel) => c.state!.status === ChannelStatus.Open);
 * ```
 */
export type AccountChannel = {
  channelId: ChannelId;
  channel: Channel;
  /** The deposit the channel was opened with (top-ups come later, in `state.deposit`). */
  openingDeposit: bigint;
  log: EventLocation;
  roles: ChannelRole[];
  state?: ChannelState;
  remaining?: bigint;
};

/**
 * What `channelsOf` returns: the channels, oldest first, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { channels, nextFromBlock }: ChannelsOfReturnType = await payer.channelsOf({ account: me, limit: 20 });
 * ```
 */
export type ChannelsOfReturnType = ScanPage & { channels: AccountChannel[] };

/**
 * The channels in which `account` is payer or payee, from the `ChannelOpened` events of the contract at `address`,
 * queried through the indexed payer and payee topics. Items come oldest first, de-duplicated by id, each with the
 * roles the account holds; a log whose terms do not hash to its channel id on this chain (a forged log) is ignored.
 * The range is scanned in chunks of at most `blockRange` blocks; the result says where the scan stopped, so an app
 * pages by calling again from `nextFromBlock`. With `withState`, the states are read in one round of concurrent
 * calls (one JSON-RPC batch with ethers' `JsonRpcProvider`). `channelsOf` on the payer's and the payee's clients
 * calls this with the client's provider and address.
 *
 * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
 * @example
 * ```ts
 * import { findChannelsOf } from "peerpay";
 *
 * const { channels, nextFromBlock } = await findChannelsOf({
 *   provider, address: CHANNELS, account: me, roles: ["payee"], blockRange: 5_000,
 * });
 * ```
 */
export async function findChannelsOf(
  params: ChannelsOfParameters & { provider: Provider; address: Address },
): Promise<ChannelsOfReturnType> {
  const address = requireAddress("address", params.address);
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: CHANNEL_ROLES });
  const event = channelsInterface.getEvent("ChannelOpened")!.topicHash;
  const padded = channelsInterface.getAbiCoder().encode(["address"], [account]);
  const topicSets = roles.map((role) => (role === "payer" ? [event, null, padded] : [event, null, null, padded]));
  const { chainId } = await guarded(decodeChannelsError, () => params.provider.getNetwork());

  const channels = new Map<string, AccountChannel>();
  const page = await scanLogs({
    provider: params.provider,
    address,
    topicSets,
    range: params,
    defaultFromBlock: 0,
    decode: decodeChannelsError,
    take: (logs) => {
      const before = channels.size;
      for (const opened of decodeChannelEvents({ logs, address })) {
        if (opened.type !== "ChannelOpened" || channels.has(opened.channelId)) continue;
        if (computeChannelId({ chainId, contract: address, channel: opened.channel }) !== opened.channelId) continue;
        const held = roles.filter((role) => getAddress(opened.channel[role]) === account);
        if (held.length === 0) continue;
        const { channelId, channel, deposit, log } = opened;
        channels.set(channelId, { channelId, channel, openingDeposit: deposit, log, roles: held });
      }
      return channels.size - before;
    },
  });

  const found = [...channels.values()];
  if (params.withState === true && found.length > 0) {
    const contract = IMicropaymentChannels__factory.connect(address, params.provider);
    const states = await Promise.all(
      found.map((item) => guarded(decodeChannelsError, () => contract.getChannelState(item.channelId))),
    );
    found.forEach((item, i) => {
      const raw = states[i];
      item.state = {
        deposit: raw.deposit,
        claimed: raw.claimed,
        closesAt: toNumber(raw.closesAt),
        status: toNumber(raw.status) as ChannelStatus,
        signerChanged: raw.signerChanged,
      };
      item.remaining = raw.deposit - raw.claimed;
    });
  }
  return { ...page, channels: found };
}
