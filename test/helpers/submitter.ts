// What the tests that drive transactions on anvil with automine off (docs/payment-channels.md §8.8, PC-E7) share:
// the node's funded accounts, a submitter that records what it was asked, a miner that runs until a promise settles,
// a provider that never answers from its cache, and the `sent` events of a Submitter.
import { HDNodeWallet, JsonRpcProvider, Mnemonic } from "ethers";
import {
  Submitter,
  type SubmitRequest,
  type SubmitResult,
  type SubmitterEvent,
  type SubmitterParameters,
  type TransactionSubmitter,
} from "../../sdk";
import type { Anvil } from "./anvil";

/** anvil's default mnemonic: its first accounts are funded on every fresh node. */
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");

/** Account `i` of anvil's default mnemonic (funded). */
export const account = (i: number): HDNodeWallet => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);

/** A submitter that keeps every request it is given, then hands it to the real one. */
export class RecordingSubmitter implements TransactionSubmitter {
  readonly requests: SubmitRequest[] = [];
  constructor(readonly inner: Submitter) {}
  get address() {
    return this.inner.address;
  }
  submit(request: SubmitRequest): Promise<SubmitResult> {
    this.requests.push(request);
    return this.inner.submit(request);
  }
  close() {
    return this.inner.close();
  }
}

/**
 * A RecordingSubmitter over a real Submitter on `node` that confirms after one block and has no scheduled bump (its
 * only bump is one a base-fee jump forces), with a tip of 1 gwei; `params` names the signer and adds to the rest.
 */
export function unhurriedSubmitter(
  node: Pick<Anvil, "url">,
  params: Pick<SubmitterParameters, "signer"> & Partial<SubmitterParameters>,
): RecordingSubmitter {
  return new RecordingSubmitter(
    new Submitter({
      rpc: [node.url],
      confirmations: 1,
      pollingIntervalMs: 20,
      bumpAfterMs: 600_000,
      bumpAfterBlocks: 1_000,
      maxPriorityFeePerGas: 10n ** 9n,
      ...params,
    }),
  );
}

/**
 * Mines a block on `node` every few ms until `done` settles, and returns it: with automine off, whatever `done` waits
 * for (a transaction, a watchtower's defence) lands on the miner's schedule, not the test's.
 */
export async function mineUntil<T>(node: Pick<Anvil, "rpc">, done: Promise<T>): Promise<T> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await node.rpc("evm_mine");
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return done;
}

/** A provider of `node` that polls every `pollingInterval` ms (20 unless given) and caches nothing. */
export function anvilProvider(node: Pick<Anvil, "url">, { pollingInterval = 20 } = {}): JsonRpcProvider {
  // ethers caches identical calls for 250 ms: a nonce read just after a send would be the one before it.
  return new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval, cacheTimeout: -1 });
}

export type SentEvent = Extract<SubmitterEvent, { type: "sent" }>;

/** The `sent` events (one per attempt) among a Submitter's `events`, those `filter` keeps. */
export function sentEvents(events: readonly SubmitterEvent[], filter: (e: SentEvent) => boolean = () => true) {
  return events.filter((e): e is SentEvent => e.type === "sent" && filter(e));
}
