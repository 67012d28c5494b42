// Sending and confirming transactions, shared by every client: estimate (decoding a revert), send, wait, and replay
// a transaction that reverted when mined to recover its reason.
import {
  isError,
  type ContractRunner,
  type Provider,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
  type TransactionResponse,
} from "ethers";
import type { PreparedTransaction } from "../core/types";
import { RunnerError, type PeerPayError } from "../errors/base";
import { PeerPayErrorCode } from "../errors/codes";
import { ContractRevertError } from "../errors/revert";
import { requireAddress } from "./validate";

/** Turns whatever a provider or wallet threw into a typed SDK error. */
export type ErrorDecoder = (error: unknown) => PeerPayError;

/** Runs a call to the chain, turning whatever it throws into a typed SDK error. */
export async function guarded<T>(decode: ErrorDecoder, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw decode(error);
  }
}

/** A client's runner, with the checks and the sending logic every client needs. */
export class TransactionRunner {
  constructor(
    readonly runner: ContractRunner | null,
    readonly confirmations: number,
    readonly decode: ErrorDecoder,
  ) {}

  guard<T>(call: () => Promise<T>): Promise<T> {
    return guarded(this.decode, call);
  }

  signer(message = "The client's runner is not a Signer"): Signer {
    const runner = this.runner as Partial<Signer> | null;
    if (typeof runner?.sendTransaction !== "function" || typeof runner.getAddress !== "function") {
      throw new RunnerError({ code: PeerPayErrorCode.SIGNER_REQUIRED, message });
    }
    return runner as Signer;
  }

  /** The signer's address, checksummed so that it compares with the addresses of terms. */
  async signerAddress(message?: string): Promise<string> {
    const signer = this.signer(message);
    return requireAddress("signer", await this.guard(() => signer.getAddress()));
  }

  provider(): Provider {
    const runner = this.runner as (ContractRunner & Partial<Provider>) | null;
    const provider = runner?.provider ?? (typeof runner?.getLogs === "function" ? (runner as Provider) : null);
    if (provider === null || provider === undefined) {
      throw new RunnerError({
        code: PeerPayErrorCode.PROVIDER_REQUIRED,
        message: "The client's runner has no provider",
      });
    }
    return provider;
  }

  /**
   * Estimates (decoding a revert), sends, waits. A transaction that passed the estimate but reverted when mined
   * (someone acted first) is replayed at its block to recover the revert reason.
   */
  async send(request: PreparedTransaction, overrides: Partial<TransactionRequest> = {}): Promise<TransactionReceipt> {
    const signer = this.signer();
    const tx: TransactionRequest = { ...request, ...overrides };
    tx.gasLimit ??= await this.guard(() => signer.estimateGas(tx));
    const response = await this.guard(() => signer.sendTransaction(tx));
    return this.#confirm(response, tx);
  }

  async #confirm(response: TransactionResponse, tx: TransactionRequest): Promise<TransactionReceipt> {
    let receipt: TransactionReceipt;
    try {
      // Non-null: confirmations >= 1 (checked by the clients' constructors).
      receipt = (await response.wait(this.confirmations)) as TransactionReceipt;
    } catch (error) {
      // A wallet's "speed up" re-sends the same call at a higher price (ethers: not `cancelled`): same action.
      if (isError(error, "TRANSACTION_REPLACED") && !error.cancelled) receipt = error.receipt;
      else if (isError(error, "CALL_EXCEPTION") && error.receipt) receipt = error.receipt;
      else throw this.decode(error);
    }
    if (receipt.status !== 1) throw await this.#revertReason(tx, response.from, receipt);
    return receipt;
  }

  /** Why a mined transaction reverted: its call replayed on the state at the end of its block (best effort). */
  async #revertReason(tx: TransactionRequest, from: string, receipt: TransactionReceipt) {
    const replay = { ...tx, from, blockTag: receipt.blockNumber };
    const reason = await this.guard(() => this.provider().call(replay)).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (reason instanceof ContractRevertError) return reason;
    return new ContractRevertError({
      code: PeerPayErrorCode.CONTRACT_REVERT,
      message: `Transaction ${receipt.hash} reverted`,
      data: "0x",
      details: { transactionHash: receipt.hash },
    });
  }
}
