// What the submitter promises its users (docs/payment-channels.md §8.8): send a transaction that must land on time,
// and resolve once it has the configured confirmations. Pure types; the implementation is in ./submitter.ts.
import type { TransactionReceipt } from "ethers";
import type { Address } from "../core/types";

/**
 * A transaction to land: the call, and optionally the time (unix seconds) by which it must be mined. The submitter
 * prices, nonces, bumps and re-sends it; `label` names it in logs and errors.
 *
 * @example
 * ```ts
 * const request: SubmitRequest = { to: contract, data, deadline: closesAt - 60, label: "updateFor" };
 * ```
 */
export type SubmitRequest = {
  to: Address;
  data: string;
  value?: bigint;
  gasLimit?: bigint;
  deadline?: number;
  label?: string;
};

/**
 * A landed transaction: the hash that was mined (a replacement's, if the fee was bumped), its receipt, how many
 * times it was sent, and the confirmations it had when the submitter resolved.
 *
 * @example
 * ```ts
 * const { receipt, attempts }: SubmitResult = await submitter.submit(request);
 * ```
 */
export type SubmitResult = { hash: string; receipt: TransactionReceipt; attempts: number; confirmations: number };

/**
 * One sending key's queue of transactions that must land: local nonces in order, EIP-1559 fees bumped by at least
 * 12.5% on replacement, confirmations against reorgs, and failover to a second RPC endpoint.
 *
 * @example
 * ```ts
 * const { receipt } = await submitter.submit({ to, data, label: "settle" });
 * ```
 */
export interface TransactionSubmitter {
  /** The sending account. */
  readonly address: Address;
  /**
   * Resolves once mined with the configured confirmations; rejects with a `SubmitterError`, or, before any nonce is
   * taken, with an `InvalidParameterError` or the decoded revert of a call that would revert.
   */
  submit(request: SubmitRequest): Promise<SubmitResult>;
  /** Stops the queue: waits for nothing more, rejects what has not landed. */
  close(): Promise<void>;
}
