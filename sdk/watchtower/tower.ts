// The watchtower's logic (docs/payment-channels.md §6, §8.7, rule PC-E6), apart from HTTP: accept registrations and
// proofs from channel participants after checking them against the chain, keep them in a PeerStore (durably before
// answering), follow ChannelClosed / ChannelUpdated from a stored block cursor, and answer a close that recorded an
// older proof of a client's incoming direction with `updateFor` through a TransactionSubmitter, before
// `closesAt − safetyMargin`. It only ever submits a proof its counterparty signed: it cannot move funds elsewhere.
import type { Interface, Provider } from "ethers";
import type { Address } from "../core/types";
import { WatchtowerError, type WatchtowerErrorCode } from "../errors/watchtower";
import { paymentChannelsInterface } from "../internal/abi";
import type { PeerLogRecord, PeerStore } from "../payment-channels/engine/types";
import type { TransactionSubmitter } from "../submitter/types";
import type { WatchtowerParameters } from "./parameters";
import { PaymentChannelsClient } from "../payment-channels/client";
import { decodePaymentChannelEvents, type PaymentChannelEvent } from "../payment-channels/events";
import { computePaymentChannelId } from "../payment-channels/hashing";
import {
  balanceProofHash,
  buildPaymentChannelTypedData,
  verifyPaymentChannelSignature,
} from "../payment-channels/typed-data";
import {
  PAYMENT_CHANNEL_LIMITS,
  PaymentChannelStatus,
  type PaymentChannel,
  type PaymentChannelId,
} from "../payment-channels/types";
import type { TypedData } from "../signing/eip712";
import {
  buildWatchtowerRegistrationTypedData,
  parseProofBody,
  parseRegisterBody,
  type InfoAnswer,
  type ProofAnswer,
  type RegisterAnswer,
} from "./messages";
import {
  newWatched,
  proofRecord,
  registrationRecord,
  replay,
  sizeOf,
  snapshot,
  watchKey,
  type WatchedChannel,
} from "./state";

export type { WatchtowerParameters } from "./parameters";

const EVENTS = ["ChannelClosed", "ChannelUpdated", "ChannelSettled", "ChannelCooperativelyClosed"];

function refuse(code: WatchtowerErrorCode, message: string, details: Record<string, unknown> = {}): WatchtowerError {
  return new WatchtowerError({ code, message, details });
}

/**
 * The watchtower's logic without HTTP (`WatchtowerServer` serves it): registrations and proofs checked against the
 * chain and stored durably before they are acknowledged, the chain followed from a stored cursor, and every stale
 * close of a client's channel answered with `updateFor` through the submitter before `closesAt − safetyMargin`.
 *
 * @example
 * ```ts
 * const tower = await Watchtower.open({ contract, provider, submitter, store });
 * await tower.register(registrationBody);
 * await tower.sync(); // answers the stale closes it finds
 * ```
 */
export class Watchtower {
  readonly address: Address;
  readonly chainId: bigint;
  readonly contract: Address;
  readonly safetyMargin: number;
  readonly #channels: PaymentChannelsClient;
  readonly #provider: Provider;
  readonly #submitter: TransactionSubmitter;
  readonly #store: PeerStore;
  readonly #watched: Map<string, WatchedChannel>;
  readonly #quotas: { maxChannels: number; maxBytes: number };
  readonly #maxLifetime: number;
  readonly #compactEvery: number;
  readonly #maxRange: number;
  readonly #reorgDepth: number;
  readonly #clock: () => number;
  readonly #log: (line: string) => void;
  #block: number;
  #appended = 0;
  /** One store operation at a time, so that a compaction never races an append. */
  #storeQueue: Promise<unknown> = Promise.resolve();
  /** Registrations and proofs are checked and applied one at a time (nonces compared against settled state). */
  #requestQueue: Promise<unknown> = Promise.resolve();
  #syncing?: Promise<void>;

  private constructor(
    params: WatchtowerParameters,
    chainId: bigint,
    watched: Map<string, WatchedChannel>,
    block: number,
  ) {
    this.address = params.submitter.address;
    this.chainId = chainId;
    this.contract = params.contract;
    this.safetyMargin = params.safetyMargin ?? 600;
    this.#channels = new PaymentChannelsClient({ address: params.contract, runner: params.provider });
    this.#provider = params.provider;
    this.#submitter = params.submitter;
    this.#store = params.store;
    this.#watched = watched;
    this.#quotas = { maxChannels: params.quotas?.maxChannels ?? 100, maxBytes: params.quotas?.maxBytes ?? 256 * 1024 };
    this.#maxLifetime = params.maxRegistrationLifetime ?? 86_400;
    this.#compactEvery = params.compactEvery ?? 1_000;
    this.#maxRange = params.maxBlockRange ?? 2_000;
    this.#reorgDepth = params.reorgDepth ?? 12;
    this.#clock = params.clock ?? Date.now;
    this.#log = params.log ?? (() => undefined);
    this.#block = block;
  }

  /**
   * Opens a watchtower over its store: replays the log, reads each watched channel's state on-chain (a close seen
   * before a crash is found again), and resumes scanning after the stored block.
   *
   * @example
   * ```ts
   * const tower = await Watchtower.open({ contract, provider, submitter, store });
   * await tower.sync();
   * ```
   */
  static async open(params: WatchtowerParameters): Promise<Watchtower> {
    const { watched, block } = replay(await params.store.load());
    const { chainId } = await params.provider.getNetwork();
    const start = block ?? (params.fromBlock ?? (await params.provider.getBlockNumber()) + 1) - 1;
    const tower = new Watchtower(params, chainId, watched, start);
    for (const w of [...watched.values()]) {
      await tower.#readChain(w);
      if (w.chain.status === "Settled") await tower.#release(w);
    }
    tower.#log(`opened: ${watched.size} registrations, scanning after block ${start}`);
    return tower;
  }

  /** The address, chain and contract, for `GET /info`. @example `const { watchtower } = tower.info();` */
  info(): InfoAnswer {
    return {
      watchtower: this.address,
      chainId: this.chainId.toString(),
      contract: this.contract,
      safetyMargin: this.safetyMargin,
    };
  }

  /** The client registered for a channel, if any (the HTTP layer rate-limits by it). @example `tower.clientOf(id)` */
  clientOf(channelId: string): Address | undefined {
    for (const w of this.#watched.values()) if (w.channelId === channelId.toLowerCase()) return w.participant;
    return undefined;
  }

  /** A copy of what the watchtower knows of a registration (tests, monitoring). @example `tower.watched(id, bob)` */
  watched(channelId: PaymentChannelId, participant: Address): Omit<WatchedChannel, "inFlight"> | undefined {
    const w = this.#watched.get(watchKey(channelId, participant));
    if (w === undefined) return undefined;
    const { inFlight: _inFlight, ...rest } = w;
    return structuredClone(rest);
  }

  /** `POST /register`. @example `const answer = await tower.register(JSON.parse(body));` */
  register(body: unknown): Promise<RegisterAnswer> {
    return this.#serial(() => this.#register(body));
  }

  /** `POST /proofs`. @example `const answer = await tower.submitProof(JSON.parse(body));` */
  submitProof(body: unknown): Promise<ProofAnswer> {
    return this.#serial(() => this.#submitProof(body));
  }

  async #register(body: unknown): Promise<RegisterAnswer> {
    const r = parseRegisterBody(body);
    const deployment = { chainId: this.chainId, contract: this.contract };
    if (r.watchtower !== this.address) {
      throw refuse("WATCHTOWER_REGISTRATION_INVALID", `The registration names watchtower ${r.watchtower}`, {
        watchtower: r.watchtower,
      });
    }
    const now = Math.floor(this.#clock() / 1000);
    if (r.expiry < BigInt(now) || r.expiry > BigInt(now + this.#maxLifetime)) {
      throw refuse("WATCHTOWER_REGISTRATION_INVALID", `Expiry ${r.expiry} is not within ${this.#maxLifetime} s`, {
        expiry: r.expiry,
        now,
      });
    }
    const { channel, participant } = r;
    if (participant !== channel.participant1 && participant !== channel.participant2) {
      throw refuse("WATCHTOWER_NOT_PARTICIPANT", `${participant} is not a participant of the channel`, { participant });
    }
    const channelId = computePaymentChannelId({ ...deployment, channel });
    const typedData = buildWatchtowerRegistrationTypedData({
      ...deployment,
      message: { channelId, participant, watchtower: this.address, nonce: r.nonce, expiry: r.expiry },
    });
    await this.#requireSigned(typedData, r.signature, channel, participant, "WATCHTOWER_NOT_PARTICIPANT");
    const key = watchKey(channelId, participant);
    const known = this.#watched.get(key);
    if (known !== undefined) return this.#registerAnswer(known);
    const w = newWatched(channelId, channel, participant);
    await this.#readChain(w);
    if (w.chain.status === "Settled") {
      throw refuse("WATCHTOWER_CHANNEL_NOT_WATCHABLE", `Channel ${channelId} is not open or closed`, { channelId });
    }
    const mine = [...this.#watched.values()].filter((other) => other.participant === participant);
    if (mine.length >= this.#quotas.maxChannels) {
      throw refuse("WATCHTOWER_QUOTA_CHANNELS", `${participant} has ${mine.length} channels registered`, {
        limit: this.#quotas.maxChannels,
      });
    }
    this.#requireBytes(participant, w.bytes.registration);
    await this.#append([registrationRecord(w)], true, () => this.#watched.set(key, w));
    this.#log(`registered ${channelId} for ${participant} (${w.chain.status})`);
    return this.#registerAnswer(w);
  }

  #registerAnswer(w: WatchedChannel): RegisterAnswer {
    const status = w.chain.status === "Closed" ? "Closed" : "Open";
    return { channelId: w.channelId, participant: w.participant, watchtower: this.address, status };
  }

  async #submitProof(body: unknown): Promise<ProofAnswer> {
    const p = parseProofBody(body);
    const candidates = [...this.#watched.values()].filter((w) => w.channelId === p.channelId);
    if (candidates.length === 0) {
      throw refuse("WATCHTOWER_NOT_REGISTERED", `No client registered channel ${p.channelId}`, {
        channelId: p.channelId,
      });
    }
    const deployment = { chainId: this.chainId, contract: this.contract };
    // The Reward is the client's signature over this very proof: it authenticates the request as the client's.
    const hash = balanceProofHash({ channelId: p.channelId, proof: p.proof });
    const reward = buildPaymentChannelTypedData({
      ...deployment,
      primaryType: "Reward",
      message: { channelId: p.channelId, balanceProofHash: hash, watchtower: this.address, amount: p.reward.amount },
    });
    let w: WatchedChannel | undefined;
    for (const candidate of candidates) {
      if (await this.#signedBy(reward, p.reward.signature, candidate.channel, candidate.participant)) w = candidate;
      if (w !== undefined) break;
    }
    if (w === undefined) {
      throw refuse("WATCHTOWER_INVALID_REWARD", "The Reward is not signed by a client of the channel", {
        channelId: p.channelId,
      });
    }
    const held = w.best?.proof.nonce ?? 0n;
    if (p.proof.nonce <= held) {
      throw refuse("WATCHTOWER_STALE_PROOF", `Nonce ${p.proof.nonce} is not above the held ${held}`, {
        nonce: p.proof.nonce,
        held,
      });
    }
    for (const amount of ["transferred", "locked"] as const) {
      if (p.proof[amount] >= PAYMENT_CHANNEL_LIMITS.proofAmountBound) {
        throw refuse("WATCHTOWER_INVALID_PROOF", `${amount} is not below 2^128`, { [amount]: p.proof[amount] });
      }
    }
    const proof = buildPaymentChannelTypedData({
      ...deployment,
      primaryType: "BalanceProof",
      message: { channelId: p.channelId, ...p.proof },
    });
    await this.#requireSigned(proof, p.signature, w.channel, w.sender, "WATCHTOWER_INVALID_PROOF");
    const best = { proof: p.proof, signature: p.signature, reward: p.reward };
    const record = proofRecord(w.channelId, w.participant, best);
    const size = sizeOf(record);
    this.#requireBytes(w.participant, size - w.bytes.proof);
    await this.#append([record], true, () => {
      w.best = best;
      w.bytes.proof = size;
    });
    this.#log(`holding ${w.channelId} nonce ${p.proof.nonce} for ${w.participant} (reward ${p.reward.amount})`);
    this.#defend(w);
    return { channelId: w.channelId, nonce: p.proof.nonce.toString() };
  }

  #requireBytes(participant: Address, more: number): void {
    let used = 0;
    for (const w of this.#watched.values()) {
      if (w.participant === participant) used += w.bytes.registration + w.bytes.proof;
    }
    if (used + more > this.#quotas.maxBytes) {
      throw refuse("WATCHTOWER_QUOTA_BYTES", `${participant} would keep ${used + more} bytes`, {
        used,
        limit: this.#quotas.maxBytes,
      });
    }
  }

  /** Whether `signer` (a participant) or one of its session keys now (or its ERC-1271 wallet) signed the message. */
  async #signedBy(typedData: TypedData, signature: string, channel: PaymentChannel, signer: Address): Promise<boolean> {
    const keys = await this.#guard(() => this.#channels.sessionKeysOf({ channel, participant: signer }));
    const check = await this.#guard(() =>
      verifyPaymentChannelSignature({ typedData, signature, participant: signer, keys, provider: this.#provider }),
    );
    return check.valid;
  }

  async #requireSigned(
    typedData: TypedData,
    signature: string,
    channel: PaymentChannel,
    signer: Address,
    code: WatchtowerErrorCode,
  ): Promise<void> {
    if (!(await this.#signedBy(typedData, signature, channel, signer))) {
      throw refuse(code, `The ${typedData.primaryType} is not signed by ${signer} or its key`, { signer });
    }
  }

  /**
   * Scans the contract's close, update and settlement events from the stored cursor to the latest block, applies
   * those of watched channels, answers every stale close, and stores the new cursor. Concurrent calls share one run.
   *
   * @example
   * ```ts
   * setInterval(() => void tower.sync(), 4_000);
   * ```
   */
  sync(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    const latest = await this.#guard(() => this.#provider.getBlockNumber());
    const cursor = this.#block;
    const topics = [EVENTS.map((name) => (paymentChannelsInterface as Interface).getEvent(name)!.topicHash)];
    if (latest <= cursor) return this.#defendAll();
    // Re-scan the last `reorgDepth` blocks: an event in a block that a reorganisation replaced is found again in the
    // new one (applying an event twice is harmless: each sets the record it carries, in chain order).
    for (let from = Math.max(0, cursor + 1 - this.#reorgDepth); from <= latest; from += this.#maxRange) {
      const to = Math.min(from + this.#maxRange - 1, latest);
      const logs = await this.#guard(() =>
        this.#provider.getLogs({ address: this.contract, topics, fromBlock: from, toBlock: to }),
      );
      for (const event of decodePaymentChannelEvents({ logs, address: this.contract })) await this.#apply(event);
      this.#block = to;
    }
    // A reorg removes an update (ours too) with no event to say so: the chain is asked again, and answered again.
    const recheck = [...this.#watched.values()].filter((w) => w.chain.status === "Closed" && w.best && !w.inFlight);
    for (const w of recheck) await this.#readChain(w);
    await this.#append([{ type: "wt-block", block: this.#block }], false);
    this.#defendAll();
  }

  #defendAll(): void {
    for (const w of this.#watched.values()) this.#defend(w);
  }

  async #apply(event: PaymentChannelEvent): Promise<void> {
    if (!("channelId" in event)) return;
    for (const w of [...this.#watched.values()].filter((x) => x.channelId === event.channelId)) {
      if (event.type === "ChannelClosed") {
        w.chain = { status: "Closed", closesAt: Number(event.closesAt), record: event.record };
        this.#log(`${w.channelId} closed by ${event.closer}, challenge until ${event.closesAt}`);
      } else if (event.type === "ChannelUpdated" && w.chain.status === "Closed") {
        w.chain.record = event.record;
        this.#log(`${w.channelId} updated by ${event.submitter} for ${event.sender}'s direction`);
      } else if (event.type === "ChannelSettled" || event.type === "ChannelCooperativelyClosed") {
        w.chain = { status: "Settled" };
        await this.#release(w);
      }
    }
  }

  /** Forgets a settled channel: nothing left to defend. */
  async #release(w: WatchedChannel): Promise<void> {
    const released = { type: "wt-released", channelId: w.channelId, participant: w.participant };
    await this.#append([released], false, () => this.#watched.delete(watchKey(w.channelId, w.participant)));
    this.#log(`${w.channelId} settled: no longer watched for ${w.participant}`);
  }

  /** Reads a channel's status (and after a close its record) from the chain. */
  async #readChain(w: WatchedChannel): Promise<void> {
    const state = await this.#guard(() => this.#channels.getChannel({ channel: w.channel }));
    if (state.status === PaymentChannelStatus.Closed) {
      w.chain = { status: "Closed", closesAt: state.closesAt, record: state.record };
    } else if (state.status === PaymentChannelStatus.Open) w.chain = { status: "Open" };
    else w.chain = { status: "Settled" };
  }

  /** Submits the held proof if the channel is closed with an older one recorded for the client's direction. */
  #defend(w: WatchedChannel): void {
    const { record, closesAt } = w.chain;
    if (w.chain.status !== "Closed" || record === undefined || closesAt === undefined) return;
    if (w.best === undefined || w.inFlight !== undefined) return;
    const recorded = (w.incomingIsD12 ? record.d12 : record.d21).nonce;
    if (w.best.proof.nonce <= recorded) return;
    const best = w.best;
    w.inFlight = this.#submit(w, best, recorded).finally(() => (w.inFlight = undefined));
  }

  async #submit(w: WatchedChannel, best: NonNullable<WatchedChannel["best"]>, recorded: bigint): Promise<void> {
    const closesAt = w.chain.closesAt!;
    try {
      const block = await this.#provider.getBlock("latest");
      const now = block?.timestamp ?? Math.floor(this.#clock() / 1000);
      if (now > closesAt) {
        w.missed = true;
        this.#log(`MISSED ${w.channelId}: challenge ended at ${closesAt}, now ${now}; nonce ${recorded} stays`);
        return;
      }
      const deadline = Math.max(closesAt - this.safetyMargin, now);
      if (closesAt - this.safetyMargin < now) this.#log(`${w.channelId}: inside the safety margin, submitting anyway`);
      const request = await this.#channels.buildUpdateFor({
        channel: w.channel,
        record: w.chain.record,
        sender: w.sender,
        proof: best.proof,
        signature: best.signature,
        reward: best.reward.amount,
        rewardSignature: best.reward.signature,
      });
      this.#log(`${w.channelId}: stale close (recorded ${recorded}), updateFor nonce ${best.proof.nonce}`);
      const result = await this.#submitter.submit({ to: request.to, data: request.data, deadline, label: "updateFor" });
      w.submitted.push(result.hash);
      // The record changed: take it from the receipt, so that a proof arriving before the next sync builds on it.
      for (const event of decodePaymentChannelEvents({ receipt: result.receipt, address: this.contract })) {
        await this.#apply(event);
      }
      await this.#append([{ type: "wt-submitted", channelId: w.channelId, hash: result.hash }], false);
      this.#log(`${w.channelId}: updateFor mined in ${result.hash}`);
    } catch (err) {
      // The next sync retries while the record is still older and the challenge not over. The chain is read again
      // in case what we knew was wrong (a close or update in a block a reorganisation removed).
      this.#log(`${w.channelId}: updateFor failed: ${err instanceof Error ? err.message : String(err)}`);
      await this.#readChain(w)
        .then(() => (w.chain.status === "Settled" ? this.#release(w) : undefined))
        .catch(() => undefined);
    }
  }

  /**
   * Resolves once no `updateFor` is in flight (tests, shutdown).
   *
   * @example
   * ```ts
   * await tower.sync();
   * await tower.idle();
   * ```
   */
  async idle(): Promise<void> {
    while ([...this.#watched.values()].some((w) => w.inFlight !== undefined)) {
      await Promise.all([...this.#watched.values()].map((w) => w.inFlight));
    }
  }

  /** Waits for what is in flight and closes the store. @example `await tower.close();` */
  async close(): Promise<void> {
    await this.#syncing?.catch(() => undefined);
    await this.idle();
    await this.#requestQueue.catch(() => undefined);
    await this.#storeQueue.catch(() => undefined);
    await this.#store.close();
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#requestQueue.then(task, task);
    this.#requestQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Appends records, then applies their effect on the state (`apply`) before any later store operation runs, so that
   * a compaction's snapshot always holds everything appended before it.
   */
  #append(records: PeerLogRecord[], durable: boolean, apply: () => void = () => undefined): Promise<void> {
    const run = this.#storeQueue.then(async () => {
      await this.#guard(() => this.#store.append(records, { durable }));
      apply();
      this.#appended += records.length;
      if (this.#appended >= this.#compactEvery) {
        await this.#guard(() => this.#store.compact(snapshot(this.#watched.values(), this.#block)));
        this.#appended = 0;
        this.#log("log compacted");
      }
    });
    this.#storeQueue = run.catch(() => undefined);
    return run;
  }

  /** Runs a store or chain call; its failure becomes WATCHTOWER_UNAVAILABLE (the request may be retried). */
  async #guard<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (err) {
      if (err instanceof WatchtowerError) throw err;
      throw new WatchtowerError({
        code: "WATCHTOWER_UNAVAILABLE",
        message: `The watchtower's store or chain failed: ${err instanceof Error ? err.message : String(err)}`,
        cause: err,
      });
    }
  }
}
