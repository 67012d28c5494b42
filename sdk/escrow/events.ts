import type { Log, LogDescription, Result, TransactionReceipt } from "ethers";
import type { IEscrow } from "../../typechain-types/contracts/interfaces/IEscrow";
import { escrowInterface } from "../internal/abi";
import { requireAddress } from "../internal/validate";
import { unpackTerms } from "./terms";
import type { Address, EventLocation } from "../core/types";
import type { Deal, DealId, DealTerms } from "./types";

type Located<T> = T & { log: EventLocation };

/**
 * A decoded escrow event (docs/escrow.md §7), discriminated by `type`. Amounts are bigints; `dealId`s are
 * {@link DealId}s; `DealCreated` also carries the unpacked terms.
 *
 * @example
 * ```ts
 * for (const event of decodeEscrowEvents({ receipt, address: escrowAddress })) {
 *   if (event.type === "DealReleased") console.log(event.amount, event.protocolFee);
 * }
 * ```
 */
export type EscrowEvent = Located<
  | { type: "DealCreated"; dealId: DealId; depositor: Address; beneficiary: Address; deal: Deal; terms: DealTerms }
  | { type: "DealMilestones"; dealId: DealId; milestones: bigint[] }
  | { type: "DealReleased"; dealId: DealId; amount: bigint; protocolFee: bigint }
  | { type: "DealRefunded"; dealId: DealId; amount: bigint }
  | { type: "DealMarkedPaid"; dealId: DealId }
  | { type: "DealDisputed"; dealId: DealId; by: Address }
  | {
      type: "DealResolved";
      dealId: DealId;
      toBeneficiary: bigint;
      toDepositor: bigint;
      arbiterFee: bigint;
      protocolFee: bigint;
    }
  | { type: "DealSettled"; dealId: DealId; toBeneficiary: bigint; toDepositor: bigint; protocolFee: bigint }
  | {
      type: "DealTimedOut";
      dealId: DealId;
      disputed: boolean;
      toBeneficiary: bigint;
      toDepositor: bigint;
      protocolFee: bigint;
    }
  | { type: "SignaturesRevoked"; dealId: DealId; by: Address; newNonce: number }
  | { type: "PaymentCredited"; account: Address; token: Address; amount: bigint }
  | { type: "CreditWithdrawn"; account: Address; token: Address; to: Address; amount: bigint }
  | { type: "ProtocolFeeUpdated"; bps: number; recipient: Address }
  | { type: "ProtocolFeesCollected"; token: Address; recipient: Address; amount: bigint }
  | { type: "CreationPausedSet"; paused: boolean }
>;

/**
 * The name of an escrow event.
 *
 * @example
 * ```ts
 * const interesting: EscrowEventType[] = ["DealReleased", "DealRefunded"];
 * ```
 */
export type EscrowEventType = EscrowEvent["type"];

/**
 * Where {@link decodeEscrowEvents} reads from: a receipt or logs, and the escrow's address. The address is
 * required because any contract can emit a log with the escrow's event signatures (a malicious token during a
 * deposit, say): only logs from the escrow itself are decoded.
 *
 * @example
 * ```ts
 * const params: DecodeEscrowEventsParameters = { receipt, address: escrowAddress };
 * ```
 */
export type DecodeEscrowEventsParameters = { address: Address } & (
  | { receipt: Pick<TransactionReceipt, "logs"> }
  | { logs: readonly Pick<Log, "address" | "topics" | "data" | "blockNumber" | "transactionHash" | "index">[] }
);

type RawLog = Pick<Log, "address" | "topics" | "data" | "blockNumber" | "transactionHash" | "index">;
type Payload<K extends EscrowEventType> = Omit<Extract<EscrowEvent, { type: K }>, "type" | "log">;

/**
 * Decodes the escrow's events in a receipt or a list of logs, in log order. Logs from other addresses (token
 * transfers, look-alike events) and logs the escrow's ABI does not describe are skipped.
 *
 * @throws {InvalidParameterError} `address` is not an address.
 * @example
 * ```ts
 * const receipt = await provider.getTransactionReceipt(hash);
 * const events = decodeEscrowEvents({ receipt: receipt!, address: escrowAddress });
 * const created = events.find((e) => e.type === "DealCreated");
 * ```
 */
export function decodeEscrowEvents(params: DecodeEscrowEventsParameters): EscrowEvent[] {
  const address = requireAddress("address", params.address);
  const logs: readonly RawLog[] = "receipt" in params ? params.receipt.logs : params.logs;
  const events: EscrowEvent[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const description = parseLog(log);
    if (description === null) continue;
    const location: EventLocation = {
      address,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.index,
    };
    events.push(toEvent(description, location));
  }
  return events;
}

function parseLog(log: RawLog): LogDescription | null {
  try {
    return escrowInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    // A matching topic with an undecodable body cannot come from the escrow: skip it like a foreign log.
    return null;
  }
}

function toEvent(description: LogDescription, log: EventLocation): EscrowEvent {
  const type = description.name as EscrowEventType;
  const decode = DECODERS[type] as (args: Result) => Payload<EscrowEventType>;
  return { type, ...decode(description.args), log } as EscrowEvent;
}

/** One decoder per event; the typed `OutputObject`s come from TypeChain, so an ABI change breaks the build here. */
const DECODERS: { [K in EscrowEventType]: (args: Result) => Payload<K> } = {
  DealCreated: (args) => {
    const { dealId, depositor, beneficiary, deal } = args as unknown as DealCreatedArgs;
    const decoded = dealFromStruct(deal);
    return { dealId: dealId as DealId, depositor, beneficiary, deal: decoded, terms: unpackTerms(decoded.terms) };
  },
  DealMilestones: (args) => ({ dealId: args.dealId as DealId, milestones: [...(args.milestones as bigint[])] }),
  DealReleased: (args) => ({ dealId: args.dealId as DealId, amount: args.amount, protocolFee: args.protocolFee }),
  DealRefunded: (args) => ({ dealId: args.dealId as DealId, amount: args.amount }),
  DealMarkedPaid: (args) => ({ dealId: args.dealId as DealId }),
  DealDisputed: (args) => ({ dealId: args.dealId as DealId, by: args.by }),
  DealResolved: (args) => ({
    dealId: args.dealId as DealId,
    toBeneficiary: args.toBeneficiary,
    toDepositor: args.toDepositor,
    arbiterFee: args.arbiterFee,
    protocolFee: args.protocolFee,
  }),
  DealSettled: (args) => ({
    dealId: args.dealId as DealId,
    toBeneficiary: args.toBeneficiary,
    toDepositor: args.toDepositor,
    protocolFee: args.protocolFee,
  }),
  DealTimedOut: (args) => ({
    dealId: args.dealId as DealId,
    disputed: args.disputed,
    toBeneficiary: args.toBeneficiary,
    toDepositor: args.toDepositor,
    protocolFee: args.protocolFee,
  }),
  SignaturesRevoked: (args) => ({ dealId: args.dealId as DealId, by: args.by, newNonce: Number(args.newNonce) }),
  PaymentCredited: (args) => ({ account: args.account, token: args.token, amount: args.amount }),
  CreditWithdrawn: (args) => ({ account: args.account, token: args.token, to: args.to, amount: args.amount }),
  ProtocolFeeUpdated: (args) => ({ bps: Number(args.bps), recipient: args.recipient }),
  ProtocolFeesCollected: (args) => ({ token: args.token, recipient: args.recipient, amount: args.amount }),
  CreationPausedSet: (args) => ({ paused: args.paused }),
};

type DealCreatedArgs = { dealId: string; depositor: string; beneficiary: string; deal: IEscrow.DealStructOutput };

/** A `Deal` from the ABI's struct output (an ethers `Result`), as a plain object. */
export function dealFromStruct(deal: IEscrow.DealStructOutput): Deal {
  return {
    depositor: deal.depositor,
    beneficiary: deal.beneficiary,
    arbiter: deal.arbiter,
    token: deal.token,
    terms: deal.terms,
    milestonesHash: deal.milestonesHash,
  };
}
