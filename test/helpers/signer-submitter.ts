// A minimal TransactionSubmitter for tests (and, until the real one is merged, the watchtower script): sends each
// request from an ethers signer, one at a time, and resolves with the receipt. No fee bumping, no failover. It keeps
// every request it was given, so tests can check what a caller asked for (deadlines, labels).
import type { Signer } from "ethers";
import type { SubmitRequest, SubmitResult, TransactionSubmitter } from "../../sdk/submitter/types";

export class SignerSubmitter implements TransactionSubmitter {
  readonly address: string;
  readonly requests: SubmitRequest[] = [];
  readonly #signer: Signer;
  #queue: Promise<unknown> = Promise.resolve();

  constructor({ signer, address }: { signer: Signer; address: string }) {
    this.#signer = signer;
    this.address = address;
  }

  static async of(signer: Signer): Promise<SignerSubmitter> {
    return new SignerSubmitter({ signer, address: await signer.getAddress() });
  }

  submit(request: SubmitRequest): Promise<SubmitResult> {
    this.requests.push(request);
    // One at a time: the signer's nonces are then taken in order.
    const run = this.#queue.then(async () => {
      const tx = await this.#signer.sendTransaction({
        to: request.to,
        data: request.data,
        value: request.value,
        gasLimit: request.gasLimit,
      });
      const receipt = await tx.wait();
      if (receipt === null || receipt.status !== 1) throw new Error(`${request.label ?? "transaction"} failed`);
      return { hash: receipt.hash, receipt, attempts: 1, confirmations: 1 };
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#queue;
  }
}
