import { ZeroAddress, getAddress, hexlify, isHexString, type Interface } from "ethers";
import { IERC1271__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC1271__factory";
import { InvalidParameterError } from "../errors/base";
import { VoucherError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { connectParameters, type ConnectParameters } from "../deployments";
import type { Address, PreparedTransaction } from "../core/types";
import { channelsInterface } from "../internal/abi";
import { decodeChannelsError } from "../internal/revert";
import { requireAddress, requireBigInt, requireInteger } from "../internal/validate";
import { ChannelsClientBase } from "./base";
import { decodeChannelEvents, type ChannelEvent } from "./events";
import type {
  AcceptVoucherParameters,
  AcceptVoucherReturnType,
  ChannelRef,
  ChannelState,
  ChannelWriteParameters,
  ChannelWriteReturnType,
  ClaimManyParameters,
  PayeeClientParameters,
  PreparedClaimMany,
  WatchParameters,
  Watcher,
} from "./parameters";
import { ChannelStatus, type Channel, type ChannelId, type Voucher } from "./types";
import { requireSignatureLength } from "./validate";
import { VoucherVerifier, compactSignature } from "./verifier";
import type { VoucherStore } from "./voucher-store";

const UINT256_BOUND = 1n << 256n;
const ERC1271_MAGIC_VALUE = "0x1626ba7e";
/**
 * The gas a payer wallet's ERC-1271 check may use when the payee verifies a voucher off-chain. Multisig and passkey
 * wallets check in well under 300,000; a voucher whose check needs more is refused (the payee can still claim it
 * on-chain, where the check gets 63/64 of the transaction's gas).
 */
const ERC1271_CHECK_GAS = 1_000_000n;
/** setTimeout's limit (about 24.8 days); longer waits are chained. */
const MAX_TIMER = 2 ** 31 - 1;
const WATCHED_EVENTS = [
  "ChannelCloseRequested",
  "SignerChanged",
  "ChannelToppedUp",
  "ChannelClaimed",
  "ChannelClosed",
  "ChannelFinalized",
];

type CachedState = { state: Promise<ChannelState>; fetchedAt: number };

/**
 * The payee's side of micropayment channels (docs/micropayments.md): verifies incoming vouchers against the chain
 * (signer, channel open, amount growing and within the deposit), stores the best one per channel durably before
 * acknowledging, claims and closes with it (one channel, or many in one transaction per token), and watches for
 * close requests and key rotations to claim in time.
 *
 * Channel state is cached for `cacheTtl` milliseconds and read again when a voucher would otherwise be refused, so
 * a top-up or a new session key is picked up at once; the watcher drops the cache of a channel on each of its events.
 *
 * @example
 * ```ts
 * const payee = new PayeeClient({ address: CHANNELS, runner: wallet, store: await FileVoucherStore.open({ path }) });
 * const watcher = payee.watch();
 * app.post("/pay", async (req, res) => {
 *   const { increment } = await payee.acceptVoucher(req.body); // throws VoucherError with a stable code
 *   res.json({ credited: increment.toString() });
 * });
 * ```
 */
export class PayeeClient extends ChannelsClientBase {
  readonly store: VoucherStore;
  readonly claimMargin: number;
  readonly cacheTtl: number;
  readonly #native: boolean;
  readonly #payee: Address | undefined;
  #verifier: Promise<VoucherVerifier> | undefined;
  readonly #states = new Map<ChannelId, CachedState>();
  readonly #contracts = new Map<Address, Promise<boolean>>();
  /** Per channel, the tail of the acceptances in progress: each waits for the one before it (see `#exclusive`). */
  readonly #acceptances = new Map<ChannelId, Promise<unknown>>();
  /** Chain time minus local time, in seconds, measured at each state read. */
  #clockOffset = 0;

  constructor(params: PayeeClientParameters) {
    super(params);
    this.store = params.store;
    this.claimMargin = requireInteger("claimMargin", params.claimMargin ?? 600, 0, 30 * 86_400);
    // A close request is only learnt from the chain: the cache must expire well within the claim margin.
    this.cacheTtl = requireInteger("cacheTtl", params.cacheTtl ?? 5_000, 0, Math.floor((this.claimMargin * 1000) / 2));
    this.#native = params.native ?? true;
    this.#payee = params.payee === undefined ? undefined : requireAddress("payee", params.payee);
  }

  /**
   * A payee client for the micropayment channels on the runner's chain, found in the address book (rules P-A2,
   * P-A3): the bundled book of public deployments, with `addressBook`'s entries added or replacing. Given `address`,
   * that address is used (and the book's block as `fromBlock` when the book has that same address, unless
   * `fromBlock` is given). The other parameters are the constructor's.
   *
   * @throws {UnknownDeploymentError} `UNKNOWN_DEPLOYMENT`: no address given and the book has no channels contract
   *   on the chain.
   * @throws {RunnerError} `PROVIDER_REQUIRED`: the chain must be read and the runner has no provider.
   * @example
   * ```ts
   * import { FileVoucherStore } from "peerpay/node";
   *
   * const payee = await PayeeClient.connect({ runner: wallet, store: await FileVoucherStore.open({ path }) });
   * ```
   */
  static async connect(params: ConnectParameters<PayeeClientParameters>): Promise<PayeeClient> {
    return new PayeeClient(await connectParameters("MicropaymentChannels", params, decodeChannelsError));
  }

  // ---------------------------------------------------------------- accepting vouchers

  /**
   * Checks a voucher and stores it durably; resolves once it is stored. Refuses, with a {@link VoucherError}:
   * `VOUCHER_INVALID_SIGNATURE` (malformed, high s, or refused by a contract payer's ERC-1271 `isValidSignature`,
   * which is asked as the contract does when ECDSA does not authorise the voucher), `VOUCHER_SIGNATURE_TOO_LONG`
   * (above `MAX_SIGNATURE_BYTES`, before any chain call), `VOUCHER_UNAUTHORIZED_SIGNER` (neither the payer nor a
   * session key valid for at least `claimMargin` more seconds), `CHANNEL_UNKNOWN`, `CHANNEL_NOT_OPEN` (closed, or its
   * challenge period ends within `claimMargin`), `VOUCHER_NOT_MONOTONIC` (not above the best stored) and
   * `VOUCHER_EXCEEDS_DEPOSIT`.
   *
   * ECDSA signatures (the payer's or a session key's) may come in the 65-byte or the 64-byte EIP-2098 form and are
   * stored in the 64-byte form, which costs less calldata when claimed; signatures accepted through ERC-1271 are
   * stored byte for byte, since the wallet is asked again about exactly those bytes at claim time.
   *
   * @throws {InvalidParameterError} the channel is not to this payee, or a field is malformed.
   * @example
   * ```ts
   * const { amount, increment, signer } = await payee.acceptVoucher({ channel, amount: 1_500n, signature });
   * ```
   */
  async acceptVoucher({ channel, amount, signature }: AcceptVoucherParameters): Promise<AcceptVoucherReturnType> {
    requireSignatureLength(signature, { amount });
    const { channel: terms, channelId } = await this.resolve(channel);
    const payee = await this.#payeeAddress();
    if (terms.payee !== payee) {
      throw new InvalidParameterError({ parameter: "channel.payee", value: terms.payee, reason: `is not ${payee}` });
    }
    const value = requireBigInt("amount", amount, 1n, UINT256_BOUND);
    const verifier = await this.#verifierOf();
    // A contract payer (ERC-1271) may sign with bytes that recover to no key or to another one: as the contract,
    // try ECDSA first, then ask the payer, with any whole number of bytes up to MAX_SIGNATURE_BYTES.
    let recovered: string | undefined;
    try {
      recovered = verifier.recoverLowercase({ channelId, amount: value, signature });
    } catch (error) {
      const wellFormed = typeof signature === "string" && signature.length % 2 === 0 && isHexString(signature);
      if (!(error instanceof VoucherError) || !wellFormed || !(await this.#isContract(terms.payer))) throw error;
    }
    const refuse = (code: VoucherError["code"], message: string, details: Record<string, unknown> = {}) =>
      new VoucherError({ code, message, details: { channelId, amount: value, ...details } });

    let { state, fresh } = await this.#stateOf(channelId, false);
    if (state.status === ChannelStatus.None) {
      throw refuse(PeerPayErrorCode.CHANNEL_UNKNOWN, `No channel ${channelId} on-chain`);
    }
    this.#requireOpen(channelId, state, refuse);
    const authorized = () => recovered !== undefined && this.#isAuthorized(terms, state, recovered);
    if (!authorized() && !fresh) {
      ({ state, fresh } = await this.#stateOf(channelId, true));
      this.#requireOpen(channelId, state, refuse);
    }
    let signer: Address;
    // What is stored and later submitted: an ECDSA signature in its 64-byte form (the contract recovers the same key
    // from it, for less calldata); a wallet's signature exactly as the wallet accepted it.
    let stored: string;
    if (authorized()) {
      signer = getAddress(recovered!);
      stored = compactSignature(signature);
    } else if (await this.#acceptsErc1271(terms.payer, verifier, channelId, value, signature)) {
      signer = terms.payer;
      stored = signature.toLowerCase();
    } else if (recovered === undefined) {
      throw refuse(PeerPayErrorCode.VOUCHER_INVALID_SIGNATURE, `The payer contract refused the signature`, {
        signature,
      });
    } else {
      throw refuse(
        PeerPayErrorCode.VOUCHER_UNAUTHORIZED_SIGNER,
        `${getAddress(recovered)} may not sign for ${channelId}`,
        {
          signer: getAddress(recovered),
        },
      );
    }
    // Reading the best voucher, checking against it and storing must not interleave with another acceptance on the
    // same channel: two racing vouchers would both be credited against the same best (10, then 20 and 30 at once,
    // credited 10 + 20 while 20 was paid).
    return this.#exclusive(channelId, async () => {
      const best = await this.store.get(channelId);
      const notMonotonic = (bestAmount: bigint) =>
        refuse(PeerPayErrorCode.VOUCHER_NOT_MONOTONIC, `Voucher ${value} is not above the best ${bestAmount}`, {
          best: bestAmount,
        });
      if (best !== undefined && best.amount >= value) throw notMonotonic(best.amount);
      if (value > state.deposit && !fresh) ({ state, fresh } = await this.#stateOf(channelId, true));
      if (value > state.deposit) {
        throw refuse(
          PeerPayErrorCode.VOUCHER_EXCEEDS_DEPOSIT,
          `Voucher ${value} exceeds the deposit ${state.deposit}`,
          {
            deposit: state.deposit,
          },
        );
      }
      if (!(await this.store.put({ channelId, amount: value, signature: stored })))
        throw notMonotonic((await this.store.get(channelId))?.amount ?? value);
      return { channelId, amount: value, signer, increment: value - (best?.amount ?? 0n) };
    });
  }

  /**
   * The best voucher stored for a channel.
   *
   * @example
   * ```ts
   * const best = await payee.bestVoucher({ channel: channelId });
   * ```
   */
  async bestVoucher({ channel }: { channel: ChannelRef }): Promise<Voucher | undefined> {
    const channelId = typeof channel === "string" ? channel : (await this.resolve(channel)).channelId;
    return this.store.get(channelId);
  }

  // ---------------------------------------------------------------- claiming and closing

  /**
   * `claim(channel, amount, signature)` with the channel's best stored voucher (anyone may send it; the payee is
   * paid).
   *
   * @throws {InvalidParameterError} no voucher is stored for the channel.
   * @example
   * ```ts
   * const request = await payee.buildClaim({ channel });
   * ```
   */
  async buildClaim({ channel }: { channel: ChannelRef }): Promise<PreparedTransaction> {
    const { channel: terms, channelId } = await this.resolve(channel);
    const best = await this.store.get(channelId);
    if (best === undefined) {
      throw new InvalidParameterError({ parameter: "channel", value: channelId, reason: "no voucher stored for it" });
    }
    return this.request(this.encode("claim", [terms, best.amount, best.signature]));
  }

  /**
   * Sends {@link PayeeClient.buildClaim}.
   *
   * @throws {ChannelClaimError} `CHANNEL_NOTHING_TO_CLAIM` when the best voucher was already claimed.
   * @example
   * ```ts
   * const { events } = await payee.claim({ channel });
   * ```
   */
  async claim(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return this.send(await this.buildClaim(params), params);
  }

  /**
   * `close(channel, amount, signature)` with the best stored voucher (or none: then the payee takes nothing more
   * and the payer gets the rest at once). Payee only.
   *
   * @example
   * ```ts
   * const request = await payee.buildClose({ channel });
   * ```
   */
  async buildClose({ channel }: { channel: ChannelRef }): Promise<PreparedTransaction> {
    const { channel: terms, channelId } = await this.resolve(channel);
    const best = await this.store.get(channelId);
    return this.request(this.encode("close", [terms, best?.amount ?? 0n, best?.signature ?? "0x"]));
  }

  /**
   * Sends {@link PayeeClient.buildClose}.
   *
   * @example
   * ```ts
   * const { events } = await payee.close({ channel });
   * ```
   */
  async close(params: { channel: ChannelRef } & ChannelWriteParameters): Promise<ChannelWriteReturnType> {
    return this.send(await this.buildClose(params), params);
  }

  /**
   * `claimMany(payee, token, claims)` transactions for the best vouchers of `channels`, one per token. Channels whose
   * best voucher pays nothing more (already claimed, or none stored) are left out, since one such claim would revert
   * the whole batch; the result is empty when nothing is claimable.
   *
   * @example
   * ```ts
   * const batches = await payee.buildClaimMany({ channels: [a, b, c] });
   * ```
   */
  async buildClaimMany({ channels }: ClaimManyParameters): Promise<PreparedClaimMany[]> {
    const payee = await this.#payeeAddress();
    const groups = new Map<Address, { channelIds: ChannelId[]; claims: unknown[] }>();
    for (const ref of channels) {
      const { channel, channelId } = await this.resolve(ref);
      if (channel.payee !== payee) {
        throw new InvalidParameterError({ parameter: "channels", value: channelId, reason: `not paying ${payee}` });
      }
      const best = await this.store.get(channelId);
      if (best === undefined) continue;
      const { state } = await this.#stateOf(channelId, true);
      const claimable = best.amount < state.deposit ? best.amount : state.deposit;
      if (state.status !== ChannelStatus.Open || claimable <= state.claimed) continue;
      const group = groups.get(channel.token) ?? { channelIds: [], claims: [] };
      if (group.channelIds.includes(channelId)) continue;
      group.channelIds.push(channelId);
      group.claims.push([
        channel.payer,
        channel.signer,
        channel.challengePeriod,
        channel.salt,
        best.amount,
        best.signature,
      ]);
      groups.set(channel.token, group);
    }
    return [...groups].map(([token, { channelIds, claims }]) => ({
      ...this.request(this.encode("claimMany", [payee, token, claims])),
      token,
      channelIds,
    }));
  }

  /**
   * Sends the transactions of {@link PayeeClient.buildClaimMany}, one after the other.
   *
   * @example
   * ```ts
   * const results = await payee.claimMany({ channels: await listMyChannels() });
   * ```
   */
  async claimMany(params: ClaimManyParameters & ChannelWriteParameters): Promise<ChannelWriteReturnType[]> {
    const results: ChannelWriteReturnType[] = [];
    for (const { to, data, value } of await this.buildClaimMany(params)) {
      results.push(await this.send({ to, data, value }, params));
    }
    return results;
  }

  // ---------------------------------------------------------------- watching

  /**
   * Watches the chain (by polling logs) for `ChannelCloseRequested` and `SignerChanged` on the channels with a
   * stored voucher, and claims with the best voucher at once, then again `margin` seconds before the close or the
   * grace period ends (vouchers accepted meanwhile are claimed too). Other events of those channels refresh the
   * cached state. Needs a Signer runner to claim.
   *
   * @example
   * ```ts
   * const watcher = payee.watch({ onClaim: ({ channelId, reason }) => log(reason, channelId), onError: console.error });
   * // ...
   * await watcher.stop();
   * ```
   */
  watch({ pollingInterval = 4_000, margin, onClaim, onError }: WatchParameters = {}): Watcher {
    const interval = requireInteger("pollingInterval", pollingInterval, 1, 3_600_000);
    const safety = requireInteger("margin", margin ?? this.claimMargin, 0, 30 * 86_400);
    const report = onError ?? (() => undefined);
    const topics = [WATCHED_EVENTS.map((name) => (channelsInterface as Interface).getEvent(name)!.topicHash)];
    const timers = new Set<NodeJS.Timeout>();
    const claiming = new Map<ChannelId, Promise<void>>();
    let stopped = false;
    let lastBlock: number | undefined;
    let running: Promise<void> = Promise.resolve();

    const claimNow = (channelId: ChannelId, reason: "close" | "signer") => {
      const previous = claiming.get(channelId) ?? Promise.resolve();
      const next = previous.then(async () => {
        if (stopped) return;
        try {
          const best = await this.store.get(channelId);
          if (best === undefined) return;
          const { state } = await this.#stateOf(channelId, true);
          const claimable = best.amount < state.deposit ? best.amount : state.deposit;
          if (state.status !== ChannelStatus.Open || claimable <= state.claimed) return;
          const { receipt } = await this.claim({ channel: channelId });
          this.#states.delete(channelId);
          onClaim?.({ channelId, receipt, reason });
        } catch (error) {
          report(error);
        }
      });
      claiming.set(channelId, next);
      return next;
    };

    const claimBefore = (channelId: ChannelId, deadline: number, reason: "close" | "signer") => {
      const wait = (deadline - safety - this.#now()) * 1000;
      if (wait <= 0 || stopped) return;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          if (wait > MAX_TIMER) claimBefore(channelId, deadline, reason);
          else void claimNow(channelId, reason);
        },
        Math.min(wait, MAX_TIMER),
      );
      timers.add(timer);
    };

    const handle = async (event: ChannelEvent) => {
      if (!("channelId" in event)) return;
      this.#states.delete(event.channelId);
      if (event.type !== "ChannelCloseRequested" && event.type !== "SignerChanged") return;
      if ((await this.store.get(event.channelId)) === undefined) return;
      const reason = event.type === "ChannelCloseRequested" ? "close" : "signer";
      const deadline = Number(event.type === "ChannelCloseRequested" ? event.closesAt : event.graceEndsAt);
      claimBefore(event.channelId, deadline, reason);
      await claimNow(event.channelId, reason);
    };

    const poll = async () => {
      try {
        const provider = this.provider();
        const latest = await this.tx.guard(() => provider.getBlockNumber());
        if (lastBlock === undefined) {
          lastBlock = latest;
          await this.#sweep(claimNow, claimBefore, report);
          return;
        }
        if (latest <= lastBlock) return;
        const logs = await this.tx.guard(() =>
          provider.getLogs({ address: this.address, topics, fromBlock: lastBlock! + 1, toBlock: latest }),
        );
        lastBlock = latest;
        for (const event of decodeChannelEvents({ logs, address: this.address })) await handle(event);
      } catch (error) {
        report(error);
      }
    };

    const loop = () => {
      if (stopped) return;
      running = poll().then(() => {
        if (stopped) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          loop();
        }, interval);
        timers.add(timer);
      });
    };
    loop();

    return {
      stop: async () => {
        stopped = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await running;
        await Promise.all(claiming.values());
      },
    };
  }

  // ---------------------------------------------------------------- internals

  /** The client's own transactions change channel states: their cached states are dropped. */
  protected override async send(
    request: PreparedTransaction,
    params?: ChannelWriteParameters,
  ): Promise<ChannelWriteReturnType> {
    const result = await super.send(request, params);
    for (const event of result.events) if ("channelId" in event) this.#states.delete(event.channelId);
    return result;
  }

  /** At start: channels with a stored voucher that are already closing or rotating get their claims scheduled. */
  async #sweep(
    claimNow: (channelId: ChannelId, reason: "close" | "signer") => Promise<void>,
    claimBefore: (channelId: ChannelId, deadline: number, reason: "close" | "signer") => void,
    report: (error: unknown) => void,
  ): Promise<void> {
    for (const voucher of await this.store.all()) {
      try {
        const { channel } = await this.resolve(voucher.channelId);
        const { state } = await this.#stateOf(voucher.channelId, true);
        if (state.status !== ChannelStatus.Open) continue;
        if (state.closesAt !== 0) {
          claimBefore(voucher.channelId, state.closesAt, "close");
          await claimNow(voucher.channelId, "close");
        } else if (state.signerChange && this.#now() <= state.signerChange.changedAt + channel.challengePeriod) {
          claimBefore(voucher.channelId, state.signerChange.changedAt + channel.challengePeriod, "signer");
          await claimNow(voucher.channelId, "signer");
        }
      } catch (error) {
        report(error);
      }
    }
  }

  #requireOpen(
    channelId: ChannelId,
    state: ChannelState,
    refuse: (code: VoucherError["code"], message: string, details?: Record<string, unknown>) => VoucherError,
  ): void {
    if (state.status !== ChannelStatus.Open) {
      throw refuse(PeerPayErrorCode.CHANNEL_NOT_OPEN, `Channel ${channelId} is closed`, { status: state.status });
    }
    if (state.closesAt !== 0 && this.#now() + this.claimMargin > state.closesAt) {
      throw refuse(
        PeerPayErrorCode.CHANNEL_NOT_OPEN,
        `Channel ${channelId} closes at ${state.closesAt}, within the claim margin`,
        { closesAt: state.closesAt },
      );
    }
  }

  /** Whether `signer` (lowercase) may sign the channel's vouchers for at least `claimMargin` more seconds. */
  #isAuthorized(channel: Channel, state: ChannelState, signer: string): boolean {
    if (signer === channel.payer.toLowerCase()) return true;
    const change = state.signerChange;
    if (!state.signerChanged || change === undefined) {
      return channel.signer !== ZeroAddress && signer === channel.signer.toLowerCase();
    }
    if (change.current !== ZeroAddress && signer === change.current.toLowerCase()) return true;
    return (
      change.previous !== ZeroAddress &&
      signer === change.previous.toLowerCase() &&
      this.#now() + this.claimMargin <= change.changedAt + channel.challengePeriod
    );
  }

  async #stateOf(channelId: ChannelId, refresh: boolean): Promise<{ state: ChannelState; fresh: boolean }> {
    const cached = this.#states.get(channelId);
    if (!refresh && cached !== undefined && Date.now() - cached.fetchedAt < this.cacheTtl) {
      try {
        return { state: await cached.state, fresh: false };
      } catch {
        // A failed read is not cached: read again below.
      }
    }
    const provider = this.provider();
    const state = Promise.all([
      this.getChannelState({ channelId }),
      this.tx.guard(() => provider.getBlock("latest")),
    ]).then(([read, block]) => {
      if (block !== null) this.#clockOffset = block.timestamp - Date.now() / 1000;
      return read;
    });
    this.#states.set(channelId, { state, fetchedAt: Date.now() });
    try {
      return { state: await state, fresh: true };
    } catch (error) {
      this.#states.delete(channelId);
      throw error;
    }
  }

  /** Whether `account` has code (an ERC-1271 wallet, or an EIP-7702 account); read once per account. */
  /** Runs `task` after every earlier task of the same channel has settled, so that acceptances on one channel are
   * sequential while different channels proceed concurrently. */
  async #exclusive<T>(channelId: ChannelId, task: () => Promise<T>): Promise<T> {
    const run = (this.#acceptances.get(channelId) ?? Promise.resolve()).then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.#acceptances.set(channelId, tail);
    try {
      return await run;
    } finally {
      if (this.#acceptances.get(channelId) === tail) this.#acceptances.delete(channelId);
    }
  }

  #isContract(account: Address): Promise<boolean> {
    let known = this.#contracts.get(account);
    if (known === undefined) {
      const provider = this.provider();
      known = this.tx.guard(() => provider.getCode(account)).then((code) => code !== "0x");
      known.catch(() => this.#contracts.delete(account));
      this.#contracts.set(account, known);
    }
    return known;
  }

  /** As OpenZeppelin's `SignatureChecker` on-chain: a contract payer's `isValidSignature` returns the magic value. */
  async #acceptsErc1271(
    payer: Address,
    verifier: VoucherVerifier,
    channelId: ChannelId,
    amount: bigint,
    signature: string,
  ): Promise<boolean> {
    if (!(await this.#isContract(payer))) return false;
    const digest = hexlify(verifier.digest({ channelId, amount }));
    try {
      // Capped, so that a wallet burning all the gas it is given costs the payee one bounded call, not the node's
      // whole eth_call allowance, for every voucher it sends.
      const result = await IERC1271__factory.connect(payer, this.provider()).isValidSignature(digest, signature, {
        gasLimit: ERC1271_CHECK_GAS,
      });
      return result.toLowerCase() === ERC1271_MAGIC_VALUE;
    } catch {
      // A wallet that reverts or returns garbage makes the contract's check fail too.
      return false;
    }
  }

  /** The chain's time now, in seconds, estimated from the latest block seen. */
  #now(): number {
    return Date.now() / 1000 + this.#clockOffset;
  }

  async #payeeAddress(): Promise<Address> {
    return this.#payee ?? this.tx.signerAddress("Pass payee, or use a Signer runner");
  }

  #verifierOf(): Promise<VoucherVerifier> {
    this.#verifier ??= this.getChainId().then(
      (chainId) => new VoucherVerifier({ chainId, contract: this.address, native: this.#native }),
    );
    return this.#verifier;
  }
}
