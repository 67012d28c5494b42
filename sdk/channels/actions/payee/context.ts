import type { Address } from "../../../core/types";
import type { TransactionSubmitter } from "../../../submitter/types";
import type { VoucherStore } from "../../voucher-store";
import type { ChannelId } from "../../types";
import type { VoucherVerifier } from "../../verifier";
import type { ChannelsContext } from "../context";
import type { PayeeChainView } from "./chainView";

/** A payee client's context: the deployment's, with the payee's store, options and caches. */
export type PayeeContext = ChannelsContext & {
  readonly store: VoucherStore;
  /** Seconds the payee needs to get a claim mined (see `PayeeClientParameters.claimMargin`). */
  readonly claimMargin: number;
  /** The payee's address: the one given, or the runner's. */
  readonly payee: () => Promise<Address>;
  /** The voucher verifier of the deployment, built once the chain id is known. */
  readonly verifier: () => Promise<VoucherVerifier>;
  readonly chain: PayeeChainView;
  /** Per channel, the tail of the acceptances in progress: each waits for the one before it. */
  readonly acceptances: Map<ChannelId, Promise<unknown>>;
  /** Sends the claims and closes when given (`PayeeClientParameters.submitter`); else the runner does. */
  readonly submitter?: TransactionSubmitter;
};
