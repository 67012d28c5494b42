import type { ChannelsContext } from "../context";
import type { ChannelId } from "../../types";

/** A payer client's context: the deployment's, with what the payer keeps in memory per channel. */
export type PayerContext = ChannelsContext & {
  /** The cumulative total of the vouchers signed per channel. */
  readonly cumulative: Map<ChannelId, bigint>;
  /** The session key signing each channel's vouchers, when one is in use. */
  readonly sessionKeys: Map<ChannelId, string>;
};

/** The contract's bounds (docs/micropayments.md §1, rule M-O1). */
export const MIN_CHALLENGE_PERIOD = 3_600;
export const MAX_CHALLENGE_PERIOD = 30 * 86_400;
export const AMOUNT_BOUND = 1n << 96n;
