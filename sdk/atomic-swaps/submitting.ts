// The fee-bumping submitter behind the claims that must land on time (docs/atomic-swaps.md §6.2: the claim window is
// an assumption about inclusion under congestion, which only re-pricing meets): a client sending through the
// submitter a party gave for its chain, or through one made from its runner when that signs locally on a JSON-RPC
// provider (a Wallet). The watcher requires one; the initiator's claim uses one when given.
import { JsonRpcApiProvider, type Signer } from "ethers";
import { InvalidParameterError } from "../errors/base";
import { Submitter } from "../submitter/submitter";
import type { TransactionSubmitter } from "../submitter/types";
import { decodeHashedTimelocksError } from "./abi";
import { HashedTimelocksClient } from "./client";

/** `client` if it already sends through `submitter` (or has its own and none is given), else a copy that does. */
export function withSubmitter(client: HashedTimelocksClient, submitter?: TransactionSubmitter): HashedTimelocksClient {
  if (submitter === undefined || client.submitter === submitter) return client;
  const { address, runner, fromBlock, confirmations } = client;
  return new HashedTimelocksClient({ address, runner, fromBlock, confirmations, submitter });
}

/**
 * A client of chain A for the watcher's claim: through the given submitter, the client's own, or a new `Submitter`
 * on the client's signer and provider (`owned`, for the watcher to close when it ends).
 *
 * @throws {InvalidParameterError} none given and the runner cannot sign raw transactions on a JSON-RPC provider.
 */
export function claimingClient(
  client: HashedTimelocksClient,
  params: { submitter?: TransactionSubmitter; pollingIntervalMs: number; parameter: string },
): { client: HashedTimelocksClient; owned?: Submitter } {
  const given = params.submitter ?? client.submitter;
  if (given !== undefined) return { client: withSubmitter(client, given) };
  const signer = client.runner as (Partial<Signer> & { address?: unknown }) | null;
  const provider = signer?.provider;
  if (
    typeof signer?.signTransaction !== "function" ||
    typeof signer.address !== "string" ||
    !(provider instanceof JsonRpcApiProvider)
  ) {
    throw new InvalidParameterError({
      parameter: params.parameter,
      value: undefined,
      reason:
        "the watcher claims chain A through a fee-bumping submitter: pass one (e.g. new Submitter({ signer, rpc })), or a client whose runner signs locally (a Wallet) on a JSON-RPC provider",
    });
  }
  const owned = new Submitter({
    signer: signer as Signer & { address: string },
    rpc: [provider],
    confirmations: client.confirmations,
    pollingIntervalMs: params.pollingIntervalMs,
    decodeRevert: decodeHashedTimelocksError,
  });
  return { client: withSubmitter(client, owned), owned };
}
