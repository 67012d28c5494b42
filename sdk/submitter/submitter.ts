// One sending key's queue of transactions that must land (docs/payment-channels.md §8.8, PC-E7). Every decision is
// taken in one polling loop from what the chain says now (head, next base fee, mined nonce count, receipts), so a
// restart of the loop, a failover or a reorg needs no special state: a nonce below the mined count is looked up
// among the hashes sent for it, a nonce at or above it is (re)priced and (re)sent.
import { Transaction, type Signer } from "ethers";
import { InvalidParameterError, type PeerPayError } from "../errors/base";
import { SubmitterError, type SubmitterErrorCode } from "../errors/submitter";
import { decodePaymentChannelsError } from "../internal/revert";
import { MIN_BUMP_BPS, bumpSchedule, bumpedFees, initialFees, type Fees } from "./fees";
import { FailoverRpc, RpcResponseError, RpcUnavailableError } from "./rpc";
import { toReceipt, type RawBlock, type RawReceipt } from "./receipt";
import type { SubmitRequest, SubmitResult, TransactionSubmitter } from "./types";

import { hex, validate, type SubmitterEvent, type SubmitterParameters } from "./parameters";

type Call = { to: string; data: string; value: bigint; gasLimit: bigint };
type Attempt = Fees & { hash: string; raw: string };
type Mined = { hash: string; blockNumber: number; blockHash: string; receipt: RawReceipt };
type Slot = {
  nonce: number;
  label?: string;
  deadline?: number;
  call: Call;
  attempts: Attempt[];
  /** When (ms, block) the current wait started: the last send, or when the slot became the lowest unmined. */
  clock: { ms: number; block: number };
  mined?: Mined;
  confirmations: number;
  cancelled: boolean;
  /** The payload changed (cancelled): replace the last attempt in this round, whatever the schedule. */
  replaceNow: boolean;
  /** Rounds the nonce has been seen used with none of our hashes mined (a lagging endpoint gets a few). */
  unexplained: number;
  settled: boolean;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};
type Head = { number: number; hash: string; timestamp: number; nextBaseFee: bigint; minedCount: number };

const CANCEL_GAS = 21_000n;
const UNEXPLAINED_ROUNDS = 3;

/**
 * The transaction submitter (docs/payment-channels.md §8.8, PC-E7): one queue per key, local nonces in submit order
 * from the pending nonce, EIP-1559 fees (`2 × base fee + tip`) bumped by at least `minBumpPercent` on the same nonce
 * while unmined, every hash of a nonce watched, confirmations awaited and a transaction re-sent when a reorg drops
 * it, a call that would revert refused before a nonce is taken, and failover to a second endpoint. A request with a
 * `deadline` (unix seconds, compared with the later of the clock and the head block's timestamp) is bumped harder as
 * it nears (in the last `3 × bumpAfterMs`: twice the raise, after every block that left it out); once it has passed
 * unmined, `submit` rejects with `SUBMITTER_DEADLINE_MISSED` and the nonce is replaced by a 0-value self-transfer
 * (21,000 gas), bumped like any transaction, so that the queue behind it does not stall. Scheduled bumps come at most
 * once per block (a replacement only helps once a block has left the last attempt out); an attempt priced under the
 * next block's base fee is bumped at once. Browser-safe.
 *
 * @example
 * ```ts
 * const submitter = new Submitter({ signer: wallet, rpc: [primaryUrl, secondaryUrl], confirmations: 3 });
 * const { hash, attempts } = await submitter.submit({ to, data, deadline: closesAt - 60, label: "updateFor" });
 * await submitter.close();
 * ```
 */
export class Submitter implements TransactionSubmitter {
  readonly address: string;
  readonly #signer: Signer;
  readonly #rpc: FailoverRpc;
  readonly #confirmations: number;
  readonly #bumpAfterMs: number;
  readonly #bumpAfterBlocks: number;
  readonly #bumpBps: bigint;
  readonly #cap: bigint | undefined;
  readonly #tip: bigint | undefined;
  readonly #marginPercent: bigint;
  readonly #pollingIntervalMs: number;
  readonly #maxInFlight: number;
  readonly #decodeRevert: (error: unknown) => PeerPayError;
  readonly #onEvent: (event: SubmitterEvent) => void;
  readonly #slots: Slot[] = [];
  #nextNonce: number | undefined;
  #admission: Promise<void> = Promise.resolve();
  #closed = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(params: SubmitterParameters) {
    const minBumpPercent = params.minBumpPercent ?? 12.5;
    if (!(minBumpPercent >= 12.5)) {
      throw new InvalidParameterError({
        parameter: "minBumpPercent",
        value: minBumpPercent,
        reason: "must be at least 12.5 (the pools' replacement rule)",
      });
    }
    const confirmations = params.confirmations ?? 2;
    if (!Number.isInteger(confirmations) || confirmations < 1) {
      throw new InvalidParameterError({ parameter: "confirmations", value: confirmations, reason: "must be ≥ 1" });
    }
    if (params.rpc.length < 1 || params.rpc.length > 2) {
      throw new InvalidParameterError({ parameter: "rpc", value: params.rpc.length, reason: "one or two endpoints" });
    }
    this.address = params.signer.address;
    this.#signer = params.signer;
    this.#confirmations = confirmations;
    this.#bumpAfterMs = params.bumpAfterMs ?? 30_000;
    this.#bumpAfterBlocks = params.bumpAfterBlocks ?? 3;
    this.#bumpBps = BigInt(Math.ceil(minBumpPercent * 100));
    if (this.#bumpBps < MIN_BUMP_BPS) throw new Error("unreachable: checked above");
    this.#cap = params.maxFeePerGasCap;
    this.#tip = params.maxPriorityFeePerGas;
    this.#marginPercent = BigInt(params.gasLimitMarginPercent ?? 20);
    this.#pollingIntervalMs = params.pollingIntervalMs ?? 1_000;
    this.#maxInFlight = params.maxInFlight ?? 16;
    this.#decodeRevert = params.decodeRevert ?? decodePaymentChannelsError;
    this.#onEvent = (event) => {
      try {
        params.onEvent?.(event);
      } catch {
        // A listener's bug must not stop the queue.
      }
    };
    this.#rpc = new FailoverRpc({
      endpoints: params.rpc,
      timeoutMs: params.rpcTimeoutMs ?? 10_000,
      failbackAfterMs: params.failbackAfterMs ?? 30_000,
      onSwitch: (switched) => this.#onEvent({ type: "failover", ...switched }),
    });
  }

  /** The endpoint reads and sends go to now: `"primary"` or `"secondary"`. */
  get activeEndpoint(): "primary" | "secondary" {
    return this.#rpc.active;
  }

  submit(request: SubmitRequest): Promise<SubmitResult> {
    return new Promise<SubmitResult>((resolve, reject) => {
      // Admissions run one at a time, so nonces follow the order of the submit calls.
      this.#admission = this.#admission.then(() => this.#admit(request, resolve, reject));
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake?.();
    await this.#admission;
    await this.#loop;
    for (const slot of this.#slots.splice(0)) this.#fail(slot, "SUBMITTER_CLOSED", "The submitter was closed");
    this.#rpc.destroy();
  }

  // ------------------------------------------------------------------ admission

  async #admit(request: SubmitRequest, resolve: Slot["resolve"], reject: Slot["reject"]): Promise<void> {
    const label = request.label;
    try {
      if (this.#closed) throw new SubmitterError({ code: "SUBMITTER_CLOSED", message: "The submitter is closed" });
      validate(request);
      const value = request.value ?? 0n;
      const head = await this.#head();
      if (request.deadline !== undefined) {
        if (nowSeconds(head) > request.deadline)
          throw this.#error("SUBMITTER_DEADLINE_MISSED", `deadline ${request.deadline} has passed`, { label });
        if (this.#cap !== undefined && this.#cap < head.nextBaseFee) {
          throw this.#error("SUBMITTER_FEE_CAP_TOO_LOW", `cap ${this.#cap} < base fee ${head.nextBaseFee}`, {
            label,
            cap: this.#cap,
            baseFee: head.nextBaseFee,
          });
        }
      }
      const gasLimit = await this.#gasLimit({ ...request, value });
      // With the queue empty the chain is asked again: a reorganisation deeper than the confirmations may have freed
      // a nonce counted here as used (a gap no later transaction could pass), or the key was used elsewhere.
      if (this.#nextNonce === undefined || this.#slots.length === 0) {
        this.#nextNonce = Number(await this.#rpc.call<string>("eth_getTransactionCount", [this.address, "pending"]));
      }
      const slot: Slot = {
        nonce: this.#nextNonce++,
        label,
        deadline: request.deadline,
        call: { to: request.to, data: request.data, value, gasLimit },
        attempts: [],
        clock: { ms: Date.now(), block: head.number },
        confirmations: 0,
        cancelled: false,
        replaceNow: false,
        unexplained: 0,
        settled: false,
        resolve,
        reject,
      };
      this.#slots.push(slot);
      this.#loop ??= this.#run();
      this.#wake?.();
    } catch (error) {
      reject(error instanceof RpcUnavailableError ? this.#unavailable(error, label) : error);
    }
  }

  /** The request's gas limit, or the estimate plus margin; a call that would revert is refused here, decoded. */
  async #gasLimit(request: SubmitRequest & { value: bigint }): Promise<bigint> {
    const call = { from: this.address, to: request.to, data: request.data, value: hex(request.value) };
    try {
      if (request.gasLimit !== undefined) {
        await this.#rpc.call("eth_call", [{ ...call, gas: hex(request.gasLimit) }, "pending"]);
        return request.gasLimit;
      }
      const estimate = BigInt(await this.#rpc.call<string>("eth_estimateGas", [call, "pending"]));
      return (estimate * (100n + this.#marginPercent)) / 100n;
    } catch (error) {
      if (error instanceof RpcResponseError) throw this.#decodeRevert(revertShape(error));
      throw error;
    }
  }

  // ------------------------------------------------------------------ the loop

  async #run(): Promise<void> {
    while (!this.#closed && this.#slots.length > 0) {
      try {
        await this.#round();
      } catch (error) {
        // An unreachable endpoint or a signer failure: nothing is lost, the next round starts over from the chain.
        this.#onEvent({ type: "error", error });
      }
      if (this.#closed || this.#slots.length === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#pollingIntervalMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
    this.#loop = undefined;
  }

  async #round(): Promise<void> {
    const head = await this.#head();
    const tip = this.#tip ?? BigInt(await this.#rpc.call<string>("eth_maxPriorityFeePerGas", []));
    let inFlight = 0;
    for (const slot of [...this.#slots]) {
      if (this.#closed) return;
      if (slot.nonce < head.minedCount) {
        await this.#follow(slot, head);
        continue;
      }
      if (slot.mined !== undefined) {
        this.#onEvent({ type: "reorged", nonce: slot.nonce, hash: slot.mined.hash, ...at(slot) });
        slot.mined = undefined;
        slot.confirmations = 0;
        await this.#broadcast(slot, slot.attempts[slot.attempts.length - 1]);
      }
      if (inFlight++ >= this.#maxInFlight) break;
      await this.#drive(slot, head, tip);
    }
  }

  /** A slot whose nonce the chain has used: which of its hashes was mined, in a canonical block, how deep. */
  async #follow(slot: Slot, head: Head): Promise<void> {
    if (slot.mined !== undefined && !(await this.#canonical(slot.mined))) {
      this.#onEvent({ type: "reorged", nonce: slot.nonce, hash: slot.mined.hash, ...at(slot) });
      slot.mined = undefined;
    }
    for (const attempt of slot.mined === undefined ? [...slot.attempts].reverse() : []) {
      const receipt = await this.#rpc.call<RawReceipt | null>("eth_getTransactionReceipt", [attempt.hash]);
      // A pending transaction's receipt is null; some nodes answer one without a block while it is pending.
      if (!receipt?.blockHash || !receipt.blockNumber) continue;
      const mined = { hash: attempt.hash, blockNumber: Number(receipt.blockNumber), blockHash: receipt.blockHash };
      if (await this.#canonical(mined)) {
        slot.mined = { ...mined, receipt };
        break;
      }
    }
    if (slot.mined === undefined) {
      if (++slot.unexplained >= UNEXPLAINED_ROUNDS) {
        this.#remove(slot);
        this.#fail(slot, "SUBMITTER_NONCE_CONFLICT", `nonce ${slot.nonce} was used by a transaction not sent here`);
      }
      return;
    }
    slot.unexplained = 0;
    const confirmations = head.number - slot.mined.blockNumber + 1;
    if (confirmations !== slot.confirmations) {
      slot.confirmations = confirmations;
      this.#onEvent({ type: "mined", nonce: slot.nonce, hash: slot.mined.hash, confirmations, ...at(slot) });
    }
    if (confirmations < this.#confirmations) return;
    this.#remove(slot);
    if (slot.settled) return;
    slot.settled = true;
    const receipt = toReceipt(slot.mined.receipt, this.#rpc.provider);
    if (receipt.status === 1) {
      slot.resolve({ hash: slot.mined.hash, receipt, attempts: slot.attempts.length, confirmations });
    } else {
      const cause = await this.#replay(slot);
      slot.reject(
        this.#error("SUBMITTER_REVERTED", `reverted in block ${slot.mined.blockNumber}`, this.#facts(slot), cause, {
          hash: slot.mined.hash,
          blockNumber: slot.mined.blockNumber,
        }),
      );
    }
  }

  /** An unmined slot: cancel it past its deadline, price and send it, or bump it when due. */
  async #drive(slot: Slot, head: Head, tip: bigint): Promise<void> {
    const now = nowSeconds(head);
    if (!slot.cancelled && slot.deadline !== undefined && now > slot.deadline) {
      this.#cancel(slot, "SUBMITTER_DEADLINE_MISSED", `deadline ${slot.deadline} passed unmined`);
    }
    const last = slot.attempts[slot.attempts.length - 1];
    if (last === undefined) {
      await this.#sign(slot, head, initialFees({ baseFee: head.nextBaseFee, tip, cap: this.#cap }));
      return;
    }
    const isLowest = slot.nonce === head.minedCount;
    // A slot behind an unmined one cannot be mined first: its wait starts when it becomes the lowest.
    if (!isLowest) slot.clock = { ms: Date.now(), block: head.number };
    const schedule = bumpSchedule({
      leftMs: slot.deadline === undefined || slot.cancelled ? Infinity : (slot.deadline - now) * 1000,
      bumpAfterMs: this.#bumpAfterMs,
      bumpAfterBlocks: this.#bumpAfterBlocks,
      pollingIntervalMs: this.#pollingIntervalMs,
      bumpBps: this.#bumpBps,
    });
    const due =
      slot.replaceNow ||
      head.nextBaseFee > last.maxFeePerGas ||
      // A replacement only helps if a block came and left the last attempt out: at most one per block.
      (isLowest &&
        head.number > slot.clock.block &&
        (Date.now() - slot.clock.ms >= schedule.intervalMs || head.number - slot.clock.block >= schedule.blocks));
    if (!due) return;
    const fees = bumpedFees({
      previous: last,
      baseFee: head.nextBaseFee,
      tip,
      bumpBps: schedule.bumpBps,
      cap: this.#cap,
    });
    // At the cap: the last attempt stays in the pool as it is, and lands when the base fee falls under it.
    if (fees !== undefined) await this.#sign(slot, head, fees);
  }

  async #sign(slot: Slot, head: Head, fees: Fees): Promise<void> {
    let raw: string;
    try {
      raw = await this.#signTransaction(slot, fees);
    } catch (error) {
      // A signer that cannot sign (a browser wallet refusing eth_signTransaction, a remote signer down) fails the
      // request rather than retrying it silently; its nonce is still filled by a cancellation, signed the same way.
      if (slot.cancelled) throw error;
      this.#cancel(slot, "SUBMITTER_SEND_REJECTED", `the signer failed: ${String(error)}`);
      return;
    }
    slot.replaceNow = false;
    const attempt = { ...fees, raw, hash: Transaction.from(raw).hash! };
    slot.attempts.push(attempt);
    slot.clock = { ms: Date.now(), block: head.number };
    const event = { nonce: slot.nonce, hash: attempt.hash, attempt: slot.attempts.length, label: slot.label, ...fees };
    const cancellation = slot.cancelled;
    try {
      await this.#broadcast(slot, attempt);
    } finally {
      // Reported once the node has answered (or failed to), so that a listener finds it in the pool if it was taken.
      this.#onEvent({ type: "sent", cancellation, ...event });
    }
  }

  async #signTransaction(slot: Slot, fees: Fees): Promise<string> {
    return this.#signer.signTransaction({
      type: 2,
      chainId: await this.#rpc.chainId(),
      nonce: slot.nonce,
      to: slot.call.to,
      data: slot.call.data,
      value: slot.call.value,
      gasLimit: slot.call.gasLimit,
      ...fees,
    });
  }

  async #broadcast(slot: Slot, attempt: Attempt | undefined): Promise<void> {
    if (attempt === undefined) return;
    try {
      await this.#rpc.call("eth_sendRawTransaction", [attempt.raw]);
    } catch (error) {
      if (!(error instanceof RpcResponseError)) throw error;
      // Known, already mined, or priced under the pool or the market: the next round sees which and acts.
      if (/known|nonce too low|underpriced|base fee|fee cap|fee too low|replacement/i.test(error.message)) return;
      // Anything else (insufficient funds, a malformed transaction) no fee can fix: the request fails, and its
      // nonce is filled by the cheapest transaction there is, re-sent on the bump schedule until it lands, so the
      // queue behind it goes on.
      if (!slot.cancelled) this.#cancel(slot, "SUBMITTER_SEND_REJECTED", `the node refused: ${error.message}`);
      this.#onEvent({ type: "error", error });
    }
  }

  /** Fails the slot's request and turns its nonce into a 0-value self-transfer. */
  #cancel(slot: Slot, code: SubmitterErrorCode, reason: string): void {
    slot.cancelled = true;
    slot.replaceNow = true;
    slot.call = { to: this.address, data: "0x", value: 0n, gasLimit: CANCEL_GAS };
    this.#fail(slot, code, reason, slot.deadline === undefined ? {} : { deadline: slot.deadline });
  }

  // ------------------------------------------------------------------ chain reads

  async #head(): Promise<Head> {
    const block = await this.#rpc.call<RawBlock>("eth_getBlockByNumber", ["latest", false]);
    // The last base fee of eth_feeHistory is the next block's: what a transaction sent now must beat.
    const history = await this.#rpc.call<{ baseFeePerGas: string[] }>("eth_feeHistory", ["0x1", "latest", []]);
    const minedCount = await this.#rpc.call<string>("eth_getTransactionCount", [this.address, "latest"]);
    return {
      number: Number(block.number),
      hash: block.hash,
      timestamp: Number(block.timestamp),
      nextBaseFee: BigInt(history.baseFeePerGas[history.baseFeePerGas.length - 1]),
      minedCount: Number(minedCount),
    };
  }

  /** Whether the block a receipt names is still the chain's block at that height (some nodes keep stale receipts). */
  async #canonical(mined: { blockNumber: number; blockHash: string }): Promise<boolean> {
    const block = await this.#rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(mined.blockNumber), false]);
    return block !== null && block.hash === mined.blockHash;
  }

  /** The revert of a mined transaction, decoded by replaying its call on the state before its block. */
  async #replay(slot: Slot): Promise<PeerPayError | undefined> {
    const { to, data, value, gasLimit } = slot.call;
    const call = { from: this.address, to, data, value: hex(value), gas: hex(gasLimit) };
    try {
      await this.#rpc.call("eth_call", [call, hex(slot.mined!.blockNumber - 1)]);
      return undefined;
    } catch (error) {
      return error instanceof RpcResponseError ? this.#decodeRevert(revertShape(error)) : undefined;
    }
  }

  // ------------------------------------------------------------------ settling

  #remove(slot: Slot): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
  }

  #fail(slot: Slot, code: SubmitterErrorCode, reason: string, extra: Record<string, unknown> = {}): void {
    if (slot.settled) return;
    slot.settled = true;
    slot.reject(this.#error(code, reason, this.#facts(slot), undefined, extra));
  }

  #facts(slot: Slot): Record<string, unknown> {
    return { label: slot.label, nonce: slot.nonce, hashes: slot.attempts.map(({ hash }) => hash) };
  }

  #error(
    code: SubmitterErrorCode,
    reason: string,
    facts: Record<string, unknown>,
    cause?: unknown,
    extra: Record<string, unknown> = {},
  ): SubmitterError {
    const what = facts.label === undefined ? "Transaction" : `Transaction ${String(facts.label)}`;
    return new SubmitterError({ code, message: `${what}: ${reason}`, details: { ...facts, ...extra }, cause });
  }

  #unavailable(error: RpcUnavailableError, label: string | undefined): SubmitterError {
    return this.#error("SUBMITTER_RPC_UNAVAILABLE", error.message, { label }, error.cause);
  }
}

function at(slot: Slot): { blockNumber: number; label?: string } {
  return { blockNumber: slot.mined?.blockNumber ?? -1, label: slot.label };
}

function nowSeconds(head: Head): number {
  return Math.max(Math.floor(Date.now() / 1000), head.timestamp);
}

/** The shape the revert decoders read: the node's message, and its revert data in `data`. */
function revertShape(error: RpcResponseError): { message: string; data?: unknown; code: number } {
  return { message: error.message, code: error.code, data: error.data };
}
