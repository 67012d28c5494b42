// payingFetch (docs/http-payments.md §5): wraps fetch; on a 402 for a peerpay-channel payment it pays from a channel
// to that payee (opened or topped up through the wallet, within the app's limits), with a session key, and retries.
// Browser-safe: the payer's state goes through the PayerStateStore port, fetch is the platform's.
import { ZeroAddress, getAddress, type Signer } from "ethers";
import type { Address } from "../core/types";
import { signVoucher } from "../channels/voucher";
import { InvalidParameterError } from "../errors/base";
import { HttpPaymentError } from "../errors/http";
import { requireInteger } from "../internal/validate";
import { PayerClient } from "../channels/payer";
import { ChannelStatus, type ChannelId } from "../channels/types";
import {
  chooseRequirement,
  offersPeerPay,
  resolveLimits,
  type Chosen,
  type Identity,
  type PayingFetchLimits,
} from "./limits";
import { paidChannelKey, type PaidChannelRecord, type PayerStateStore, type SessionKeySealer } from "./payer-state";
import {
  PAYMENT_HEADERS,
  PEERPAY_CHANNEL_SCHEME,
  caip2,
  decodeHeaderJson,
  encodeHeaderJson,
  parseDecimal,
  type PaymentPayload,
  type PaymentRequired,
} from "./wire";

export type { PayingFetchLimits } from "./limits";

/**
 * What `payingFetch()` takes.
 *
 * @example
 * ```ts
 * const params: PayingFetchParameters = { payer, store: new MemoryPayerStateStore(), sealer: new PlainSessionKeySealer(), limits };
 * ```
 */
export type PayingFetchParameters = {
  /** Opens and tops up channels through its runner (the wallet); it must be a Signer with a provider. */
  payer: PayerClient;
  store: PayerStateStore;
  sealer: SessionKeySealer;
  limits: PayingFetchLimits;
  /** Seconds, for new channels; raised to the payee's `minChallengePeriod`. Default one day. */
  challengePeriod?: number;
  /** The fetch to wrap; default the platform's. */
  fetch?: typeof fetch;
  /**
   * Told of each channel opened, and of each retired because it was closed or closing on-chain (HP-C10): the app can
   * show it, or reclaim a retired channel's deposit (`PayerClient.requestClose`, `finalize`). A throw is ignored.
   */
  onChannel?: (event: PaidChannelEvent) => void;
};

/**
 * A channel payingFetch opened, or retired (HP-C10): `closed` when the chain says it is closed, `closing` when a
 * close was requested on it (its challenge period runs).
 *
 * @example
 * ```ts
 * const onChannel = (event: PaidChannelEvent) => console.log(event.type, event.channelId, event.reason ?? "");
 * ```
 */
export type PaidChannelEvent = {
  type: "opened" | "retired";
  key: string;
  channelId: ChannelId;
  payee: Address;
  deposit: bigint;
  reason?: "closed" | "closing";
};

/**
 * A `fetch` that pays 402s.
 *
 * @example
 * ```ts
 * const fetchPaid: PayingFetch = payingFetch({ payer, store, sealer, limits });
 * ```
 */
export type PayingFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The PayerStateStore lock under which funding decisions are made; no paidChannelKey can be this string. */
const FUNDING_LOCK = "peerpay:funding";

type Send = (payment: string) => Promise<Response>;
type Refusal = { code: string; stored: bigint | undefined; response: Response };

/**
 * Wraps `fetch` to pay `402 Payment Required` answers of a PeerPay paywall (docs/http-payments.md §5): it opens (or
 * reuses) a channel to the payee through the payer's wallet with a fresh session key, signs one voucher with the
 * session key, and retries once. Payments on one channel are serialised (HP-C3); a voucher's total is stored durably
 * before it is sent (HP-C4), so that a reload neither pays twice nor gets stuck (HP-C5). A price above
 * `limits.maxPrice`, or funding above `limits.maxFunding`, is refused with an {@link HttpPaymentError} before anything
 * is signed. Any response but a 402, and a 402 offering no `peerpay-channel` payment (another scheme, an API's own
 * 402), is returned as it came (HP-C9). A channel found closed or closing on-chain is retired and a new one opened
 * (HP-C10). The paid request goes to the URL that answered 402 and follows no redirect (HP-C11); use `https:` (HP-T1).
 *
 * @throws {HttpPaymentError} `HTTP_PRICE_ABOVE_LIMIT`, `HTTP_BUDGET_EXCEEDED`, `HTTP_REQUIREMENTS_UNSUPPORTED` (a
 *   `peerpay-channel` 402 off the payer's chain, contract or asset, or outside `limits.payees` or
 *   `limits.maxChallengePeriod`), `HTTP_PAYMENT_REFUSED` (`details.code`: the payee's), `HTTP_PAYEE_REPORT_INVALID`.
 * @example
 * ```ts
 * const fetchPaid = payingFetch({
 *   payer: new PayerClient({ address: CHANNELS, runner: wallet }),
 *   store: new MemoryPayerStateStore(),
 *   sealer: new PlainSessionKeySealer(),
 *   limits: { maxPrice: 10_000n, deposit: 1_000_000n, maxFunding: 5_000_000n },
 * });
 * const response = await fetchPaid("https://api.example/chunk/7");
 * ```
 */
export function payingFetch(params: PayingFetchParameters): PayingFetch {
  const { payer, store, sealer } = params;
  const limits = resolveLimits(params.limits);
  const challengePeriod = requireInteger(
    "challengePeriod",
    params.challengePeriod ?? Math.min(86_400, limits.maxChallengePeriod),
    3_600,
    limits.maxChallengePeriod,
  );
  const base = params.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const keys = new Map<string, string>();
  let identity: Promise<Identity> | undefined;
  const identify = () =>
    (identity ??= (async () => {
      const runner = payer.runner as (Signer & { provider: NonNullable<Signer["provider"]> }) | null;
      if (!runner?.provider)
        throw new InvalidParameterError({ parameter: "payer.runner", value: null, reason: "no provider" });
      const { chainId } = await runner.provider.getNetwork();
      return {
        chainId,
        network: caip2(chainId),
        contract: getAddress(payer.address),
        payer: getAddress(await runner.getAddress()),
      };
    })());

  return async (input, init) => {
    const first = await sender(base, input, init)("");
    if (first.status !== 402) return first;
    const required = await readRequired(first);
    // HP-C9: a 402 offering no peerpay-channel payment (another scheme, an API's own 402) is not ours to pay.
    if (!offersPeerPay(required)) return first;
    const id = await identify().catch((error: unknown) => {
      identity = undefined;
      throw error;
    });
    const chosen = chooseRequirement(required!, id, limits, first.url);
    if (!resendable(init?.body)) {
      throw new InvalidParameterError({ parameter: "init.body", value: "(stream)", reason: "cannot be sent twice" });
    }
    // HP-C11: the voucher goes to the URL that asked for it (where the unpaid request's redirects ended), and a
    // redirect answering it is not followed: the payment header never reaches another URL.
    const send = sender(base, await retarget(input, first), init, true);
    const token = limits.asset;
    const key = paidChannelKey({
      chainId: id.chainId,
      contract: id.contract,
      payer: id.payer,
      payee: chosen.payee,
      token,
    });
    return store.exclusive(key, async () => {
      const record = (await store.get(key)) ?? (await open(key, chosen, token, id));
      try {
        return await pay(record, chosen, id, send);
      } catch (error) {
        // HP-C10: a channel the payee closed, or whose close was requested, cannot be paid on: once the chain
        // confirms it (a payee's word alone would make the app fund channel after channel), it is retired and a
        // new one opened, within maxFunding, which still counts the retired deposit.
        const reason = await closedOnChain(error, record.channelId);
        if (reason === undefined) throw error;
        await store.put({ ...record, key: `${key}#retired:${record.channelId}`, updatedAt: Date.now() });
        await store.delete(key);
        notify({
          type: "retired",
          key,
          channelId: record.channelId,
          payee: chosen.payee,
          deposit: record.deposit,
          reason,
        });
        return pay(await open(key, chosen, token, id), chosen, id, send);
      }
    });
  };

  /** Why the channel cannot be paid on, per the chain, when `error` says it is not open; else undefined. */
  async function closedOnChain(error: unknown, channelId: ChannelId): Promise<"closed" | "closing" | undefined> {
    const code =
      error instanceof HttpPaymentError && error.code === "HTTP_PAYMENT_REFUSED"
        ? error.details.code
        : (error as { code?: unknown })?.code;
    if (code !== "CHANNEL_NOT_OPEN") return undefined;
    const state = await payer.getChannelState({ channelId });
    if (state.status === ChannelStatus.Closed) return "closed";
    return state.status === ChannelStatus.Open && state.closesAt !== 0 ? "closing" : undefined;
  }

  function notify(event: PaidChannelEvent): void {
    try {
      params.onChannel?.(event);
    } catch {
      // The app's observer must not break a payment half-way.
    }
  }

  /** HP-C2: a new channel to the payee, funded with `limits.deposit` through the wallet, signed for by a session key. */
  async function open(key: string, chosen: Chosen, token: Address, id: Identity): Promise<PaidChannelRecord> {
    const { requirement, payee } = chosen;
    const minDeposit = parseDecimal(requirement.extra?.minDeposit) ?? 0n;
    if (minDeposit > limits.deposit) {
      throw budget(`The payee's minimum deposit ${minDeposit} is above the app's deposit ${limits.deposit}`, {
        minDeposit,
      });
    }
    const period = Math.max(chosen.minChallengePeriod, challengePeriod);
    const session = PayerClient.createSessionKey();
    const sessionKey = await sealer.seal(session.privateKey);
    const record = await funding(async () => {
      await requireBudget(limits.deposit);
      const { channel, channelId } = await payer.open({
        payee,
        amount: limits.deposit,
        challengePeriod: period,
        token,
        signer: session.address,
        ...(token === ZeroAddress ? {} : { funding: "approve" as const }),
      });
      const opened: PaidChannelRecord = {
        key,
        chainId: id.chainId,
        contract: id.contract,
        channel,
        channelId,
        deposit: limits.deposit,
        acknowledged: 0n,
        signed: 0n,
        sessionKey,
        updatedAt: Date.now(),
      };
      await store.put(opened);
      return opened;
    });
    keys.set(record.channelId, session.privateKey);
    notify({ type: "opened", key, channelId: record.channelId, payee, deposit: record.deposit });
    return record;
  }

  /**
   * Runs a budget check and the funding it allows as one step across all records (HP-C1): checked one channel at a
   * time only, concurrent opens to several payees would each see the others' deposits missing and all pass.
   */
  function funding<T>(fn: () => Promise<T>): Promise<T> {
    return store.exclusive(FUNDING_LOCK, fn);
  }

  async function requireBudget(amount: bigint): Promise<void> {
    // Only deposits in the limits' token count: a store shared with a payingFetch of another token holds other units.
    const funded = (await store.list())
      .filter((record) => record.channel.token.toLowerCase() === limits.asset.toLowerCase())
      .reduce((sum, record) => sum + record.deposit, 0n);
    if (funded + amount > limits.maxFunding) {
      throw budget(`Funding ${amount} more would exceed the limit ${limits.maxFunding} (funded ${funded})`, {
        funded,
        amount,
      });
    }
  }

  /** HP-C4..HP-C7 under the record's lock. */
  async function pay(initial: PaidChannelRecord, chosen: Chosen, id: Identity, send: Send): Promise<Response> {
    const { requirement, price } = chosen;
    let record = initial;
    const privateKey = keys.get(record.channelId) ?? (await sealer.unseal(record.sessionKey));
    keys.set(record.channelId, privateKey);
    const attempt = async (amount: bigint): Promise<{ paid: Response } | { refused: Refusal }> => {
      const { signature } = await signVoucher({
        chainId: id.chainId,
        contract: id.contract,
        channelId: record.channelId,
        amount,
        privateKey,
      });
      const payment: PaymentPayload = {
        x402Version: 2,
        accepted: {
          scheme: PEERPAY_CHANNEL_SCHEME,
          network: id.network,
          payTo: requirement.payTo,
          asset: requirement.asset,
          amount: requirement.amount,
        },
        payload: { contract: id.contract, channel: record.channel, amount: amount.toString(), signature },
      };
      const response = await send(encodeHeaderJson(payment));
      const outcome = await settle(record, response);
      record = outcome.record;
      return outcome.refusal === undefined ? { paid: response } : { refused: outcome.refusal };
    };

    if (record.signed > record.acknowledged) {
      // HP-C5: a voucher may be in flight; send the same one again (same amount, same deterministic signature).
      const outcome = await attempt(record.signed);
      if ("paid" in outcome) return outcome.paid;
      // A channel not open takes no new voucher (HP-C10: the caller checks the chain and moves to a new channel).
      if (outcome.refused.stored === undefined || outcome.refused.code === "CHANNEL_NOT_OPEN") {
        throw refused(outcome.refused);
      }
    }
    let resynced = false;
    for (;;) {
      const floor = record.acknowledged;
      const before = record.signed;
      const amount = floor + price;
      if (amount > record.deposit) record = await topUp(record, amount);
      if (amount > record.signed) {
        record = { ...record, signed: amount, updatedAt: Date.now() };
        await store.put(record);
      }
      const outcome = await attempt(amount);
      if ("paid" in outcome) return outcome.paid;
      const { code, stored } = outcome.refused;
      // HP-C6: one more voucher, only when the payee proves it holds more than the client used from a voucher signed
      // before this one. A report above that names the voucher just sent (stored, yet the request refused: HP-S2) or
      // is a lie: signing on top of it would pay twice for one request.
      const stale = (code === "HTTP_PAYMENT_REPLAYED" || code === "HTTP_PAYMENT_UNDERPAID") && stored !== undefined;
      if (resynced || !stale || stored <= floor || stored > before) throw refused(outcome.refused);
      resynced = true;
    }
  }

  /** A response to a paid attempt: a receipt raises `acknowledged`; a 402's report does too, within `signed`. */
  async function settle(
    record: PaidChannelRecord,
    response: Response,
  ): Promise<{ record: PaidChannelRecord; refusal?: Refusal }> {
    if (response.status !== 402) {
      const value = response.headers.get(PAYMENT_HEADERS.receipt);
      const receipt = value === null ? undefined : (decodeHeaderJson(value) as Record<string, unknown> | undefined);
      if (response.status === 503 && receipt === undefined) {
        const body = await readRequired(response);
        return { record, refusal: { code: body?.code ?? "HTTP_PAYMENT_UNAVAILABLE", stored: undefined, response } };
      }
      // No receipt (a proxy's error, a handler that removed it): `signed > acknowledged` stays, HP-C5 resolves it.
      if (receipt === undefined) return { record };
      const cumulative = parseDecimal(receipt.cumulative);
      if (receipt.channelId !== record.channelId || cumulative === undefined || cumulative > record.signed) {
        throw invalidReport(record, receipt.cumulative, "receipt");
      }
      return { record: await acknowledge(record, cumulative) };
    }
    const body = await readRequired(response);
    const report = body?.channel?.id === record.channelId ? parseDecimal(body.channel.stored) : undefined;
    if (report !== undefined && report > record.signed) throw invalidReport(record, body?.channel?.stored, "report");
    const next = report === undefined ? record : await acknowledge(record, report);
    return { record: next, refusal: { code: body?.code ?? "HTTP_PAYMENT_REQUIRED", stored: report, response } };
  }

  async function acknowledge(record: PaidChannelRecord, total: bigint): Promise<PaidChannelRecord> {
    if (total <= record.acknowledged) return record;
    const next = { ...record, acknowledged: total, updatedAt: Date.now() };
    await store.put(next);
    return next;
  }

  /** HP-C2: the deposit cannot cover `amount`: top up by `limits.deposit` through the wallet, within the budget. */
  async function topUp(record: PaidChannelRecord, amount: bigint): Promise<PaidChannelRecord> {
    const more = limits.deposit;
    if (record.deposit + more < amount) throw budget(`A top-up of ${more} cannot cover ${amount}`, { amount });
    return funding(async () => {
      await requireBudget(more);
      const token = record.channel.token;
      await payer.topUp({ channel: record.channel, amount: more, ...(token === ZeroAddress ? {} : { approve: true }) });
      const next = { ...record, deposit: record.deposit + more, updatedAt: Date.now() };
      await store.put(next);
      return next;
    });
  }
}

/**
 * Sends the request, with a payment header when `payment` is not empty. A paid request is sent with `redirect:
 * "manual"` (or the app's "error"): Node returns the 3xx itself, a browser an opaque-redirect response (HP-C11).
 */
function sender(base: typeof fetch, input: string | URL | Request, init: RequestInit | undefined, paid = false): Send {
  const redirect: RequestInit["redirect"] = !paid ? init?.redirect : init?.redirect === "error" ? "error" : "manual";
  return (payment) => {
    if (input instanceof Request) {
      // One Request from both, as fetch would build it (init's headers replace the Request's), then the payment
      // header on it: passed beside it, init would drop the header again.
      const request = new Request(input.clone(), { ...init, ...(redirect === undefined ? {} : { redirect }) });
      if (payment !== "") request.headers.set(PAYMENT_HEADERS.payment, payment);
      return base(request);
    }
    const headers = new Headers(init?.headers);
    if (payment !== "") headers.set(PAYMENT_HEADERS.payment, payment);
    return base(input, { ...init, headers, ...(redirect === undefined ? {} : { redirect }) });
  };
}

/**
 * The request to pay (HP-C11): the app's, or, when its unpaid send was redirected, the same request to the URL that
 * answered 402 (the paid one does not follow redirects, so it must go there directly).
 */
async function retarget(input: string | URL | Request, first: Response): Promise<string | URL | Request> {
  if (!first.redirected || first.url === "") return input;
  if (!(input instanceof Request)) return first.url;
  const body = input.method === "GET" || input.method === "HEAD" ? undefined : await input.clone().arrayBuffer();
  return new Request(first.url, {
    method: input.method,
    headers: input.headers,
    body,
    credentials: input.credentials,
    signal: input.signal,
  });
}

/**
 * Whether a fetch body can be sent again as it was (HP-C8): a stream, an async iterable (Node's fetch takes a Readable
 * or a generator) or anything else unknown was consumed by the unpaid request, and the paid one would go out empty.
 */
function resendable(body: RequestInit["body"] | undefined): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof URLSearchParams ||
    body instanceof FormData
  );
}

/** A 402's requirements: the header if readable, else the body (x402 v1 clients read the body). */
async function readRequired(response: Response): Promise<PaymentRequired | undefined> {
  const header = response.headers.get(PAYMENT_HEADERS.required);
  const decoded = header === null ? undefined : decodeHeaderJson(header);
  if (decoded !== undefined && typeof decoded === "object") return decoded as PaymentRequired;
  try {
    return (await response.clone().json()) as PaymentRequired;
  } catch {
    return undefined;
  }
}

function refused({ code, stored, response }: Refusal): HttpPaymentError {
  return new HttpPaymentError({
    code: "HTTP_PAYMENT_REFUSED",
    message: `The payee refused the payment: ${code}`,
    details: { code, stored, status: response.status, url: response.url },
  });
}

function invalidReport(record: PaidChannelRecord, value: unknown, kind: string): HttpPaymentError {
  return new HttpPaymentError({
    code: "HTTP_PAYEE_REPORT_INVALID",
    message: `The payee's ${kind} ${String(value)} is not a total this client signed (at most ${record.signed})`,
    details: { channelId: record.channelId, value, signed: record.signed },
  });
}

function budget(message: string, details: Record<string, unknown>): HttpPaymentError {
  return new HttpPaymentError({ code: "HTTP_BUDGET_EXCEEDED", message, details });
}
