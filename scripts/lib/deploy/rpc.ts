// The deployment talks to the chain through an RPC `send` only (eth_getCode, receipts, the local chains' setCode),
// so that it works the same in-process on the embedded Hardhat network (hre.ethers.provider) and against a node
// over HTTP (JsonRpcProvider). These are the reads it makes.
import { DeployError, DeployErrorCode } from "./errors";

/** A JSON-RPC connection: ethers' JsonRpcProvider and Hardhat's HardhatEthersProvider both are one. */
export interface RpcProvider {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ethers' own signature
  send(method: string, params: any[]): Promise<any>;
}

/** The fields of an `eth_getTransactionReceipt` answer the deployment reads (hex quantities, as the node sends). */
export interface RpcReceipt {
  status: string;
  blockNumber: string;
  gasUsed: string;
  contractAddress: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The code at `address` (lower case), at the latest block or at block `block`. */
export async function getCode(
  provider: RpcProvider,
  address: string,
  block: string | number = "latest",
): Promise<string> {
  const tag = typeof block === "number" ? "0x" + block.toString(16) : block;
  const code = (await provider.send("eth_getCode", [address, tag])) as string;
  return code.toLowerCase();
}

/** The latest block's number. */
export async function getBlockNumber(provider: RpcProvider): Promise<number> {
  return Number(BigInt((await provider.send("eth_blockNumber", [])) as string));
}

/** The connected chain's id. */
export async function getChainId(provider: RpcProvider): Promise<number> {
  return Number(BigInt((await provider.send("eth_chainId", [])) as string));
}

/**
 * The receipt of `hash`, polled every `pollIntervalMs` until the transaction is mined. Throws RECEIPT_TIMEOUT after
 * `receiptTimeoutMs` (the record keeps the transaction pending, and the next run picks it up).
 */
export async function waitForReceipt(
  provider: RpcProvider,
  hash: string,
  { pollIntervalMs, receiptTimeoutMs }: { pollIntervalMs: number; receiptTimeoutMs: number },
): Promise<RpcReceipt> {
  const deadline = Date.now() + receiptTimeoutMs;
  for (;;) {
    const receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as RpcReceipt | null;
    if (receipt !== null && receipt.blockNumber !== null) return receipt;
    if (Date.now() > deadline) {
      throw new DeployError(
        DeployErrorCode.RECEIPT_TIMEOUT,
        `transaction ${hash} was not mined within ${receiptTimeoutMs / 1000} s; run the deploy again later ` +
          `(the record marks it pending and the next run picks it up)`,
        { transactionHash: hash },
      );
    }
    await sleep(pollIntervalMs);
  }
}

/**
 * The first block with code at `address`, by binary search over the node's historical state (code, once created,
 * stays: these contracts cannot self-destruct). Null when the node does not serve the state of old blocks.
 */
export async function findCreationBlock(
  provider: RpcProvider,
  address: string,
  latest: number,
): Promise<number | null> {
  try {
    if ((await getCode(provider, address, latest)) === "0x") return null;
    if ((await getCode(provider, address, 0)) !== "0x") return 0;
    // Invariant: no code at `low`, code at `high`.
    let low = 0;
    let high = latest;
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if ((await getCode(provider, address, mid)) === "0x") low = mid;
      else high = mid;
    }
    return high;
  } catch {
    // A pruned node answers old blocks with an error ("missing trie node", "header not found", ...).
    return null;
  }
}
