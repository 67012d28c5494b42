// The bridge between the clients' `build*` actions and a TransactionSubmitter: a client given a submitter hands it
// the transactions that must land on time (docs/payment-channels.md §8.8) instead of sending them from its runner.
import type { TransactionReceipt } from "ethers";
import type { PreparedTransaction, TransactionOverrides } from "../core/types";
import { InvalidParameterError } from "../errors/base";
import type { TransactionSubmitter } from "./types";

/** A built call, the sending method's overrides, and what the submitter needs to know of it. */
export type SubmitPreparedParameters = {
  request: PreparedTransaction;
  overrides?: TransactionOverrides;
  /** Unix seconds: the last second at which the contract still accepts the call. */
  deadline?: number;
  label: string;
};

/**
 * Submits a built call and resolves with its receipt once the submitter has its confirmations. Only `gasLimit` of
 * the overrides passes: fees and nonces are the submitter's, and silently dropping a caller's fee or nonce would
 * send something else than it asked for, so those are refused.
 *
 * @throws {InvalidParameterError} `overrides` sets a fee or a nonce, or `submitter` is not a TransactionSubmitter.
 */
export async function submitPrepared(
  submitter: TransactionSubmitter,
  { request, overrides = {}, deadline, label }: SubmitPreparedParameters,
): Promise<TransactionReceipt> {
  const { gasLimit, ...rest } = overrides;
  const refused = Object.entries(rest).filter(([, value]) => value !== undefined && value !== null);
  if (refused.length > 0) {
    throw new InvalidParameterError({
      parameter: "overrides",
      value: Object.fromEntries(refused),
      reason: "fees and nonces are the submitter's; only gasLimit can be set when a submitter sends",
    });
  }
  const { receipt } = await submitter.submit({
    to: request.to,
    data: request.data,
    value: request.value,
    ...(gasLimit === undefined || gasLimit === null ? {} : { gasLimit: BigInt(gasLimit) }),
    ...(deadline === undefined ? {} : { deadline }),
    label,
  });
  return receipt;
}

/**
 * Checks an optional `submitter` client parameter: absent, or an object with `submit`.
 *
 * @throws {InvalidParameterError} `submitter` is given and has no `submit` method.
 */
export function requireSubmitter(submitter: TransactionSubmitter | undefined): TransactionSubmitter | undefined {
  if (submitter === undefined) return undefined;
  if (typeof (submitter as Partial<TransactionSubmitter> | null)?.submit !== "function") {
    throw new InvalidParameterError({ parameter: "submitter", value: submitter, reason: "has no submit method" });
  }
  return submitter;
}
