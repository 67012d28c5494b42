// The submitter's parameters and progress events (docs/payment-channels.md §8.8), and the checks of a request made
// before anything is signed.
import { isAddress, isHexString, type Signer } from "ethers";
import { InvalidParameterError, type PeerPayError } from "../errors/base";
import type { Fees } from "./fees";
import type { RpcEndpoint } from "./rpc";
import type { SubmitRequest } from "./types";

/**
 * What the submitter reports as it works: every signed attempt (`sent`; a bump is an attempt above 1), a mined
 * transaction's confirmations, a reorg that removed one, a failover between endpoints, and errors of a polling round.
 *
 * @example
 * ```ts
 * const onEvent = (event: SubmitterEvent) => event.type === "sent" && event.attempt > 1 && log("bumped", event.hash);
 * ```
 */
export type SubmitterEvent =
  | ({ type: "sent"; nonce: number; hash: string; attempt: number; cancellation: boolean; label?: string } & Fees)
  | { type: "mined"; nonce: number; hash: string; blockNumber: number; confirmations: number; label?: string }
  | { type: "reorged"; nonce: number; hash: string; blockNumber: number; label?: string }
  | { type: "failover"; from: string; to: string; reason: string }
  | { type: "error"; error: unknown };

/**
 * How a {@link Submitter} sends. Only `signer` and `rpc` are required.
 *
 * @example
 * ```ts
 * const params: SubmitterParameters = { signer: wallet, rpc: [primaryUrl, secondaryUrl], confirmations: 3 };
 * ```
 */
export type SubmitterParameters = {
  /** The sending key: signs locally (`signTransaction`), so that a raw transaction can go to either endpoint. */
  signer: Signer & { readonly address: string };
  /** The primary endpoint, and optionally a secondary on the same chain (checked by `eth_chainId`). */
  rpc: readonly [RpcEndpoint] | readonly [RpcEndpoint, RpcEndpoint];
  /** Blocks a receipt needs, its own included, before `submit` resolves (default 2). */
  confirmations?: number;
  /** Re-sign the same nonce with higher fees after this long unmined (default 30,000 ms)... */
  bumpAfterMs?: number;
  /** ...or after this many blocks unmined (default 3). */
  bumpAfterBlocks?: number;
  /** The least raise of both fees per replacement, in percent; at least 12.5, the pools' rule (default 12.5). */
  minBumpPercent?: number;
  /** No attempt is ever signed with a higher `maxFeePerGas` (default: none). */
  maxFeePerGasCap?: bigint;
  /** The priority fee (default: the node's `eth_maxPriorityFeePerGas`, read at each pricing). */
  maxPriorityFeePerGas?: bigint;
  /** Margin on `eth_estimateGas` when a request has no `gasLimit`, in percent (default 20). */
  gasLimitMarginPercent?: number;
  /** How often the chain is read (default 1,000 ms). */
  pollingIntervalMs?: number;
  /** Unmined nonces sent to the pool at once; later ones wait their turn (default 16). */
  maxInFlight?: number;
  /** An RPC call slower than this counts as an endpoint failure (default 10,000 ms). */
  rpcTimeoutMs?: number;
  /** After a failover, the primary is tried again after this long (default 30,000 ms). */
  failbackAfterMs?: number;
  /** Turns a refused estimate or a replayed revert into a typed error (default: `decodePaymentChannelsError`). */
  decodeRevert?: (error: unknown) => PeerPayError;
  /** Progress reports, for logs and metrics. */
  onEvent?: (event: SubmitterEvent) => void;
};

/** `0x`-hex of a quantity, as JSON-RPC wants it. */
export function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** Refuses a malformed request before a nonce is taken. */
export function validate(request: SubmitRequest): void {
  const bad = (parameter: string, value: unknown, reason: string) =>
    new InvalidParameterError({ parameter, value, reason });
  if (!isAddress(request.to)) throw bad("to", request.to, "not an address");
  if (!isHexString(request.data)) throw bad("data", request.data, "not 0x-hex");
  if (request.value !== undefined && request.value < 0n) throw bad("value", request.value, "negative");
  if (request.gasLimit !== undefined && request.gasLimit < 21_000n) throw bad("gasLimit", request.gasLimit, "< 21,000");
  if (request.deadline !== undefined && !Number.isSafeInteger(request.deadline)) {
    throw bad("deadline", request.deadline, "not whole unix seconds");
  }
}
