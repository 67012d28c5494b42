// The JSON-RPC shapes the submitter reads, and the ethers receipt it resolves with (built here from the raw receipt,
// so that no ethers provider method runs its network detection against an endpoint that may be down).
import { TransactionReceipt, type JsonRpcApiProvider } from "ethers";

/** The fields of `eth_getBlockByNumber` the submitter reads. */
export type RawBlock = { number: string; hash: string; timestamp: string };

type RawLog = {
  transactionHash: string;
  blockHash: string;
  blockNumber: string;
  removed?: boolean;
  address: string;
  data: string;
  topics: string[];
  logIndex: string;
  transactionIndex: string;
};

/** `eth_getTransactionReceipt`'s answer, quantities as hex strings. */
export type RawReceipt = {
  to: string | null;
  from: string;
  contractAddress?: string | null;
  transactionHash: string;
  transactionIndex: string;
  blockHash: string;
  blockNumber: string;
  logsBloom: string;
  logs: RawLog[];
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice?: string;
  type?: string;
  status?: string | null;
  root?: string | null;
};

const big = (value: string | null | undefined): bigint | null =>
  value === null || value === undefined ? null : BigInt(value);

export function toReceipt(raw: RawReceipt, provider: JsonRpcApiProvider): TransactionReceipt {
  return new TransactionReceipt(
    {
      to: raw.to,
      from: raw.from,
      contractAddress: raw.contractAddress ?? null,
      hash: raw.transactionHash,
      index: Number(raw.transactionIndex),
      blockHash: raw.blockHash,
      blockNumber: Number(raw.blockNumber),
      logsBloom: raw.logsBloom,
      logs: raw.logs.map((log) => ({
        transactionHash: log.transactionHash,
        blockHash: log.blockHash,
        blockNumber: Number(log.blockNumber),
        removed: log.removed ?? false,
        address: log.address,
        data: log.data,
        topics: log.topics,
        index: Number(log.logIndex),
        transactionIndex: Number(log.transactionIndex),
      })),
      gasUsed: BigInt(raw.gasUsed),
      cumulativeGasUsed: BigInt(raw.cumulativeGasUsed),
      effectiveGasPrice: big(raw.effectiveGasPrice),
      gasPrice: big(raw.effectiveGasPrice),
      type: Number(raw.type ?? 0),
      status: raw.status === null || raw.status === undefined ? null : Number(raw.status),
      root: raw.root ?? null,
    },
    provider,
  );
}
