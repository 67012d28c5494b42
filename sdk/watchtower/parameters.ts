// A watchtower's parameters: the deployment, the submitter, the store and the policy (docs/payment-channels.md §8.7).
import type { Provider } from "ethers";
import type { Address } from "../core/types";
import type { PeerStore } from "../payment-channels/engine/types";
import type { TransactionSubmitter } from "../submitter/types";

/**
 * What a {@link Watchtower} needs: the deployment (contract and a provider on its chain), the submitter whose
 * account is the watchtower's address, the store it keeps its log in, and its policy.
 *
 * @example
 * ```ts
 * const params: WatchtowerParameters = { contract, provider, submitter, store, safetyMargin: 600 };
 * ```
 */
export type WatchtowerParameters = {
  contract: Address;
  provider: Provider;
  submitter: TransactionSubmitter;
  store: PeerStore;
  /** Seconds before `closesAt` by which an `updateFor` must be mined (the submitter's deadline). Default 600. */
  safetyMargin?: number;
  /** First block to scan when the store holds no cursor. Default: the latest block at the first start. */
  fromBlock?: number;
  /** Blocks per `getLogs` call. Default 2,000. */
  maxBlockRange?: number;
  /** Blocks re-scanned at every sync, so that events moved by a reorganisation are seen again. Default 12. */
  reorgDepth?: number;
  /** Per client (participant address): channels registered, bytes kept. Defaults 100 and 256 KiB. */
  quotas?: { maxChannels?: number; maxBytes?: number };
  /** Longest a registration may be valid ahead (its replay window), seconds. Default 86,400. */
  maxRegistrationLifetime?: number;
  /** Records appended before the log is compacted into a snapshot. Default 1,000. */
  compactEvery?: number;
  /** Wall-clock milliseconds (registration expiries). Default `Date.now`. */
  clock?: () => number;
  /** Where the watchtower says what it does. Default: nowhere. */
  log?: (line: string) => void;
};
