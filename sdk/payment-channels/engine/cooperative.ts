// The co-signed requests of a ChannelPeer (docs/payment-channels.md §8.3): withdraw-request / withdraw-signature and
// close-request / close-signature, from both sides, and the on-chain acts that follow. A co-signer checks each
// request against its own view of the channel (§8.1, rule PC-W1) before signing, and logs what it signed first.
import { hexlify, randomBytes } from "ethers";
import type { Address } from "../../core/types";
import { PeerMessageError, PeerRequestError } from "../../errors/peer";
import type { PaymentChannelsClient } from "../client";
import type { PaymentChannelWriteReturnType } from "../parameters";
import {
  buildPaymentChannelTypedData,
  signPaymentChannelMessage,
  verifyPaymentChannelSignature,
  type PaymentChannelMessages,
} from "../typed-data";
import type { PaymentChannel, PaymentChannelId } from "../types";
import type { PeerLedger } from "./ledger";
import type { PeerSigner } from "./proofs";
import type { PeerLogRecord, PeerMessage } from "./types";

type Deployment = { chainId: bigint; contract: Address; channelId: PaymentChannelId };
type Pending = { message: PeerMessage; resolve: (signature: string) => void; reject: (error: unknown) => void };
type WithdrawRequest = Extract<PeerMessage, { type: "withdraw-request" }>;
type CloseRequest = Extract<PeerMessage, { type: "close-request" }>;

/** What the desk needs from its peer: the ledger, signing, sending, logging, and whether proofs are in flight. */
export type CooperativeDeskParameters = {
  peer: { client: PaymentChannelsClient; channel: PaymentChannel; now: () => number; refresh(): Promise<void> };
  ledger: PeerLedger;
  deployment: Deployment;
  signer: PeerSigner;
  keys: () => Address[];
  send: (messages: PeerMessage[]) => void;
  append: (records: readonly PeerLogRecord[], durable: boolean) => Promise<void>;
  idle: () => boolean;
};

/** Both sides of the cooperative withdraw and close protocols for one peer. */
export class CooperativeDesk {
  readonly #p: CooperativeDeskParameters;
  readonly #pending = new Map<string, Pending>();
  /** Answers already given, by request id, so a repeated request gets the same answer (idempotent). */
  readonly #answers = new Map<string, PeerMessage>();

  constructor(params: CooperativeDeskParameters) {
    this.#p = params;
  }

  pending(): boolean {
    return this.#pending.size > 0;
  }

  resend(): void {
    const requests = [...this.#pending.values()].map((p) => p.message);
    if (requests.length > 0) this.#p.send(requests);
  }

  reject(ref: string | undefined, error: unknown): boolean {
    const pending = ref === undefined ? undefined : this.#pending.get(ref);
    if (pending === undefined) return false;
    this.#pending.delete(ref!);
    pending.reject(error);
    return true;
  }

  rejectAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  // ---------------------------------------------------------------- requesting

  /** Asks the counterparty to co-sign a withdrawal of `amount` by this peer, then withdraws on-chain. */
  async withdraw({
    amount,
    validFor = 600,
  }: {
    amount: bigint;
    validFor?: number;
  }): Promise<PaymentChannelWriteReturnType> {
    const { ledger } = this.#p;
    await this.#p.peer.refresh();
    if (amount <= 0n || amount > ledger.spendable()) {
      throw new PeerRequestError({
        code: "PEER_OVERSPEND",
        message: `Withdrawing ${amount} exceeds the spendable ${ledger.spendable()}`,
        details: { amount, spendable: ledger.spendable() },
      });
    }
    const base = ledger.reservedTotalMe > ledger.withdrawnMe ? ledger.reservedTotalMe : ledger.withdrawnMe;
    const totalWithdrawn = base + amount;
    const expiry = BigInt(this.#p.peer.now() + validFor);
    const message = { channelId: this.#p.deployment.channelId, participant: ledger.me, totalWithdrawn, expiry };
    // Reserved before the request leaves: the signature could be used on-chain from then on (§8.1).
    ledger.reserve(ledger.me, totalWithdrawn);
    await this.#p.append(
      [{ type: "withdraw", channelId: message.channelId, participant: ledger.me, totalWithdrawn: `${totalWithdrawn}` }],
      true,
    );
    const signature = await this.#sign("Withdraw", message);
    const theirs = await this.#ask({
      type: "withdraw-request",
      channelId: message.channelId,
      id: hexlify(randomBytes(16)),
      participant: ledger.me,
      totalWithdrawn: totalWithdrawn.toString(),
      expiry: expiry.toString(),
      signature,
    });
    await this.#verify("Withdraw", message, theirs);
    const result = await this.#p.peer.client.cooperativeWithdraw({
      channel: this.#p.peer.channel,
      participant: ledger.me,
      totalWithdrawn,
      expiry,
      ...(ledger.isFirst ? { signature2: theirs } : { signature1: theirs }),
    });
    await this.#p.peer.refresh();
    return result;
  }

  /** Asks the counterparty to co-sign a close at both sides' current balances, then closes on-chain. */
  async close({ validFor = 600 }: { validFor?: number } = {}): Promise<PaymentChannelWriteReturnType> {
    await this.#p.peer.refresh();
    const balances = this.#closeBalances();
    const expiry = BigInt(this.#p.peer.now() + validFor);
    const message = { channelId: this.#p.deployment.channelId, ...balances, expiry };
    await this.#markClosing(message);
    const signature = await this.#sign("CooperativeClose", message);
    const theirs = await this.#ask({
      type: "close-request",
      channelId: message.channelId,
      id: hexlify(randomBytes(16)),
      balance1: balances.balance1.toString(),
      balance2: balances.balance2.toString(),
      expiry: expiry.toString(),
      signature,
    });
    await this.#verify("CooperativeClose", message, theirs);
    return this.#p.peer.client.cooperativeClose({
      channel: this.#p.peer.channel,
      ...message,
      ...(this.#p.ledger.isFirst ? { signature2: theirs } : { signature1: theirs }),
    });
  }

  /** Both balances of a cooperative close from this peer's view; refuses while payments or locks are pending. */
  #closeBalances(): { balance1: bigint; balance2: bigint } {
    const l = this.#p.ledger;
    if (!this.#p.idle() || l.in.locks.length > 0 || l.out.locks.length > 0) {
      throw new PeerRequestError({
        code: "PEER_REQUEST_REFUSED",
        message: "Payments are in flight or locks pending: settle them before a cooperative close",
      });
    }
    const mine = l.depositMe - l.withdrawnMe + l.in.proof.transferred - l.out.proof.transferred;
    const theirs = l.depositOther - l.withdrawnOther + l.out.proof.transferred - l.in.proof.transferred;
    return l.isFirst ? { balance1: mine, balance2: theirs } : { balance1: theirs, balance2: mine };
  }

  async #markClosing(message: { balance1: bigint; balance2: bigint; expiry: bigint }): Promise<void> {
    this.#p.ledger.closing = message;
    const { balance1, balance2, expiry } = message;
    const record = { balance1: `${balance1}`, balance2: `${balance2}`, expiry: `${expiry}` };
    await this.#p.append([{ type: "closing", channelId: this.#p.deployment.channelId, ...record }], true);
  }

  #ask(message: WithdrawRequest | CloseRequest): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.#pending.set(message.id, { message, resolve, reject });
      this.#p.send([message]);
    });
  }

  // ---------------------------------------------------------------- answering

  /** Handles a cooperative message from the counterparty; throws a PeerMessageError to refuse it. */
  async handle(message: PeerMessage): Promise<void> {
    switch (message.type) {
      case "withdraw-signature":
      case "close-signature": {
        const pending = this.#pending.get(message.id);
        if (pending === undefined) return; // A late repeat of an answer already used.
        this.#pending.delete(message.id);
        pending.resolve(message.signature);
        return;
      }
      case "withdraw-request":
        return this.#answer(message, () => this.#answerWithdraw(message));
      case "close-request":
        return this.#answer(message, () => this.#answerClose(message));
      default:
        throw new PeerMessageError({ code: "PEER_MALFORMED_MESSAGE", message: "Unknown message type" });
    }
  }

  async #answer(message: WithdrawRequest | CloseRequest, build: () => Promise<PeerMessage>): Promise<void> {
    const known = this.#answers.get(message.id);
    const answer = known ?? (await build());
    this.#answers.set(message.id, answer);
    this.#p.send([answer]);
  }

  async #answerWithdraw(m: WithdrawRequest): Promise<PeerMessage> {
    const l = this.#p.ledger;
    const totalWithdrawn = parse(m.totalWithdrawn, "totalWithdrawn");
    const expiry = parse(m.expiry, "expiry");
    const message = { channelId: l.channelId, participant: m.participant as Address, totalWithdrawn, expiry };
    if (m.participant !== l.other) refused("Only the counterparty's own withdrawal can be requested");
    await this.#verify("Withdraw", message, m.signature);
    await this.#p.peer.refresh();
    if (expiry <= BigInt(this.#p.peer.now())) refused("The request has expired");
    const floor = l.reservedTotalOther > l.withdrawnOther ? l.reservedTotalOther : l.withdrawnOther;
    if (totalWithdrawn <= floor) refused(`totalWithdrawn ${totalWithdrawn} is not above ${floor}`);
    // With the withdrawal, the counterparty must still cover what its latest proof commits (PC-W1's co-signer duty).
    const committed = l.in.proof.transferred + l.in.proof.locked;
    const left = l.depositOther - totalWithdrawn + l.ackedTransferred;
    if (committed > left) {
      throw new PeerMessageError({
        code: "PEER_OVERSPEND",
        message: `After withdrawing, the counterparty would hold ${left} for the ${committed} it committed`,
        details: { committed, left },
      });
    }
    l.reserve(m.participant as Address, totalWithdrawn);
    await this.#p.append(
      [{ type: "withdraw", channelId: l.channelId, participant: m.participant, totalWithdrawn: m.totalWithdrawn }],
      true,
    );
    const signature = await this.#sign("Withdraw", message);
    return { type: "withdraw-signature", channelId: l.channelId, id: m.id, signature };
  }

  async #answerClose(m: CloseRequest): Promise<PeerMessage> {
    const l = this.#p.ledger;
    const message = {
      channelId: l.channelId,
      balance1: parse(m.balance1, "balance1"),
      balance2: parse(m.balance2, "balance2"),
      expiry: parse(m.expiry, "expiry"),
    };
    await this.#verify("CooperativeClose", message, m.signature);
    await this.#p.peer.refresh();
    let mine: { balance1: bigint; balance2: bigint };
    try {
      mine = this.#closeBalances();
    } catch (error) {
      refused((error as Error).message);
    }
    if (mine.balance1 !== message.balance1 || mine.balance2 !== message.balance2) {
      refused(`The balances differ from this peer's (${mine.balance1}, ${mine.balance2})`);
    }
    await this.#markClosing(message);
    const signature = await this.#sign("CooperativeClose", message);
    return { type: "close-signature", channelId: l.channelId, id: m.id, signature };
  }

  // ---------------------------------------------------------------- signatures

  async #sign<K extends "Withdraw" | "CooperativeClose">(
    primaryType: K,
    message: PaymentChannelMessages[K],
  ): Promise<string> {
    const { chainId, contract } = this.#p.deployment;
    const signer = this.#p.signer;
    const base = { chainId, contract, primaryType, message } as const;
    const signed =
      "privateKey" in signer
        ? await signPaymentChannelMessage<K>({ ...base, privateKey: signer.privateKey } as never)
        : await signPaymentChannelMessage<K>({ ...base, signer: signer.signer } as never);
    return signed.signature;
  }

  async #verify<K extends "Withdraw" | "CooperativeClose">(
    primaryType: K,
    message: PaymentChannelMessages[K],
    signature: string,
  ): Promise<void> {
    const { chainId, contract } = this.#p.deployment;
    const typedData = buildPaymentChannelTypedData<K>({ chainId, contract, primaryType, message } as never);
    const check = await verifyPaymentChannelSignature({
      typedData,
      signature,
      participant: this.#p.ledger.other,
      keys: this.#p.keys(),
    });
    if (!check.valid) {
      throw new PeerMessageError({
        code: "PEER_INVALID_SIGNATURE",
        message: `The ${primaryType} signature is not the counterparty's`,
      });
    }
  }
}

function parse(value: unknown, field: string): bigint {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(value)) {
    throw new PeerMessageError({ code: "PEER_MALFORMED_MESSAGE", message: `${field} must be a decimal string` });
  }
  return BigInt(value);
}

function refused(message: string): never {
  throw new PeerMessageError({ code: "PEER_REQUEST_REFUSED", message });
}
