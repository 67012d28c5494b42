// A minimal EIP-1193 provider as an injected browser wallet exposes one (docs/signers.md SG-W1): `request` forwarded
// to the test chain's own provider (Hardhat's unlocked accounts sign `eth_signTypedData_v4` and send
// `eth_sendTransaction`), `on`/`removeListener` as no-ops. It records every method it sees, so that a test can tell
// that a signature went through `eth_signTypedData_v4` and not some other path, and it can refuse a method with
// EIP-1193 error 4001 as a user who clicks "Reject" does.
import { network } from "hardhat";
import { BrowserProvider, type JsonRpcSigner } from "ethers";

export type RecordingEip1193 = {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  removeListener(event: string, listener: (...args: unknown[]) => void): void;
  /** Every method requested, in order. */
  readonly seen: string[];
  /** Methods answered with `{ code: 4001 }` (the user rejects) until removed. */
  readonly rejecting: Set<string>;
};

/** The wallet object a page gets as `window.ethereum`, backed by the test chain. */
export function recordingEip1193(): RecordingEip1193 {
  const seen: string[] = [];
  const rejecting = new Set<string>();
  return {
    seen,
    rejecting,
    async request({ method, params }) {
      seen.push(method);
      if (rejecting.has(method)) {
        throw Object.assign(new Error("User rejected the request."), { code: 4001 });
      }
      return network.provider.request({ method, params: params as unknown[] | undefined });
    },
    on() {},
    removeListener() {},
  };
}

/** What a page does with an injected wallet: `new BrowserProvider(window.ethereum)`, then `getSigner(account)`. */
export async function pageSigner(
  account: string,
): Promise<{ wallet: RecordingEip1193; provider: BrowserProvider; signer: JsonRpcSigner }> {
  const wallet = recordingEip1193();
  const provider = new BrowserProvider(wallet);
  const signer = await provider.getSigner(account);
  return { wallet, provider, signer };
}

/** How many times `method` was requested since `from` (an index into `seen`). */
export function countSince(wallet: RecordingEip1193, method: string, from = 0): number {
  return wallet.seen.slice(from).filter((seen) => seen === method).length;
}
