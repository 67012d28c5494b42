// Discovery: the two-way channels an address takes part in, found from `ChannelOpened` events (both participants
// are indexed topics), so that an app can show "my channels" without an indexer of its own.
import { getAddress, toNumber, type Provider } from "ethers";
import { IPaymentChannels__factory } from "../../typechain-types/factories/contracts/interfaces/IPaymentChannels__factory";
import type { Address, EventLocation } from "../core/types";
import { paymentChannelsInterface } from "../internal/abi";
import { decodePaymentChannelsError } from "../internal/revert";
import { requireRoles, scanLogs, type ScanPage, type ScanRangeParameters } from "../internal/scan";
import { guarded } from "../internal/transactions";
import { requireAddress } from "../internal/validate";
import { decodePaymentChannelEvents } from "./events";
import { computePaymentChannelId } from "./hashing";
import type { PaymentChannel, PaymentChannelId, PaymentChannelStatus } from "./types";

/**
 * The side an address takes in a two-way channel: `participant1` opened it, `participant2` is the counterparty.
 *
 * @example
 * ```ts
 * const roles: PaymentChannelRole[] = ["participant2"];
 * ```
 */
export type PaymentChannelRole = "participant1" | "participant2";

const ROLES: readonly PaymentChannelRole[] = ["participant1", "participant2"];

/**
 * `findPaymentChannelsOf`: the channels in which `account` is either participant (or the `roles` given), opened in
 * a block range scanned in chunks ({@link ScanRangeParameters}); with `withStatus`, each channel's status too.
 *
 * @example
 * ```ts
 * const params: PaymentChannelsOfParameters = { account: me, withStatus: true, limit: 20 };
 * ```
 */
export type PaymentChannelsOfParameters = ScanRangeParameters & {
  account: Address;
  roles?: readonly PaymentChannelRole[];
  withStatus?: boolean;
};

/**
 * A channel found by discovery: its id and terms, the opener's deposit, where it was opened, the roles the account
 * holds, its counterparty, and (with `withStatus`) its status at the time of the read.
 *
 * @example
 * ```ts
 * const open = channels.filter((c: AccountPaymentChannel) => c.status === PaymentChannelStatus.Open);
 * ```
 */
export type AccountPaymentChannel = {
  channelId: PaymentChannelId;
  channel: PaymentChannel;
  openingDeposit: bigint;
  log: EventLocation;
  roles: PaymentChannelRole[];
  counterparty: Address;
  status?: PaymentChannelStatus;
};

/**
 * What discovery returns: the channels, oldest first, and where the scan stopped ({@link ScanPage}).
 *
 * @example
 * ```ts
 * const { channels, nextFromBlock }: PaymentChannelsOfReturnType = await client.channelsOf({ account: me });
 * ```
 */
export type PaymentChannelsOfReturnType = ScanPage & { channels: AccountPaymentChannel[] };

/**
 * The channels in which `account` is a participant, from the `ChannelOpened` events of the contract at `address`,
 * queried through the indexed participant topics. Items come oldest first, de-duplicated by id; a log whose terms
 * do not hash to its id on this chain (a forged log) is ignored. The range is scanned in chunks of at most
 * `blockRange` blocks; page with `nextFromBlock`. With `withStatus`, the statuses are read in one round of
 * concurrent calls. `PaymentChannelsClient.channelsOf` calls this with the client's provider and address.
 *
 * @throws {InvalidParameterError} `INVALID_PARAMETER`: a bad account, role, block number, range or limit.
 * @example
 * ```ts
 * const { channels } = await findPaymentChannelsOf({ provider, address: PAYMENT_CHANNELS, account: me, withStatus: true });
 * ```
 */
export async function findPaymentChannelsOf(
  params: PaymentChannelsOfParameters & { provider: Provider; address: Address },
): Promise<PaymentChannelsOfReturnType> {
  const address = requireAddress("address", params.address);
  const account = requireAddress("account", params.account);
  const roles = requireRoles({ roles: params.roles, all: ROLES });
  const event = paymentChannelsInterface.getEvent("ChannelOpened")!.topicHash;
  const padded = paymentChannelsInterface.getAbiCoder().encode(["address"], [account]);
  const topicSets = roles.map((role) =>
    role === "participant1" ? [event, null, padded] : [event, null, null, padded],
  );
  const { chainId } = await guarded(decodePaymentChannelsError, () => params.provider.getNetwork());

  const channels = new Map<string, AccountPaymentChannel>();
  const page = await scanLogs({
    provider: params.provider,
    address,
    topicSets,
    range: params,
    defaultFromBlock: 0,
    decode: decodePaymentChannelsError,
    take: (logs) => {
      const before = channels.size;
      for (const opened of decodePaymentChannelEvents({ logs, address })) {
        if (opened.type !== "ChannelOpened" || channels.has(opened.channelId)) continue;
        if (computePaymentChannelId({ chainId, contract: address, channel: opened.channel }) !== opened.channelId) {
          continue;
        }
        const held = roles.filter((role) => getAddress(opened.channel[role]) === account);
        if (held.length === 0) continue;
        const { channelId, channel, deposit, log } = opened;
        const counterparty = held[0] === "participant1" ? channel.participant2 : channel.participant1;
        channels.set(channelId, { channelId, channel, openingDeposit: deposit, log, roles: held, counterparty });
      }
      return channels.size - before;
    },
  });

  const found = [...channels.values()];
  if (params.withStatus === true && found.length > 0) {
    const contract = IPaymentChannels__factory.connect(address, params.provider);
    const infos = await Promise.all(
      found.map((item) => guarded(decodePaymentChannelsError, () => contract.channelInfo(item.channelId))),
    );
    found.forEach((item, i) => (item.status = toNumber(infos[i].status) as PaymentChannelStatus));
  }
  return { ...page, channels: found };
}
