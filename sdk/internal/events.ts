// Reading one contract's events out of a receipt or a list of logs (sdk/channels/events.ts,
// sdk/payment-channels/events.ts): only the logs the contract itself emitted, since any contract can emit a log with
// its event signatures (a token during a deposit, say), and only those its ABI decodes, in log order.
import type { Interface, Log, LogDescription, TransactionReceipt } from "ethers";
import type { Address, EventLocation } from "../core/types";
import { requireAddress } from "./validate";

/** A log as a receipt or `eth_getLogs` gives it: the fields decoding reads. */
export type RawLog = Pick<Log, "address" | "topics" | "data" | "blockNumber" | "transactionHash" | "index">;

/** Where events are read from: a receipt or logs, and the address of the contract whose events they are. */
export type EventSource = { address: Address } & (
  { receipt: Pick<TransactionReceipt, "logs"> } | { logs: readonly RawLog[] }
);

/**
 * Decodes the logs of `source` that its contract emitted with `contractInterface`, each through `toEvent` (null
 * skips it), with where the log stands.
 *
 * @throws {InvalidParameterError} `source.address` is not an address.
 */
export function decodeContractEvents<Payload extends object>({
  source,
  contractInterface,
  toEvent,
}: {
  source: EventSource;
  contractInterface: Interface;
  toEvent: (description: LogDescription) => Payload | null;
}): (Payload & { log: EventLocation })[] {
  const address = requireAddress("address", source.address);
  const logs: readonly RawLog[] = "receipt" in source ? source.receipt.logs : source.logs;
  const events: (Payload & { log: EventLocation })[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    let description: LogDescription | null;
    try {
      description = contractInterface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      // A matching topic with an undecodable body cannot come from the contract: skipped like a foreign log.
      description = null;
    }
    if (description === null) continue;
    const event = toEvent(description);
    if (event === null) continue;
    const location = {
      address,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.index,
    };
    events.push({ ...event, log: location });
  }
  return events;
}
