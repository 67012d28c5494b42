// The paywall (docs/http-payments.md §2–§4): prices a request, reads its voucher, refuses it with a 402 or accepts it
// through PayeeClient.acceptVoucher (verified, durably stored) before the handler runs. One core, two adapters: the
// `(req, res, next)` middleware of node:http and Express here, and Fastify's preHandler in ./fastify.ts. Both take
// structural types: the SDK never imports a web framework.
import { ZeroAddress, getAddress, type Signer } from "ethers";
import type { Address } from "../../core/types";
import type { PayeeClient } from "../../channels/payee";
import { ChannelStatus, type Channel, type ChannelId } from "../../channels/types";
import { computeChannelId } from "../../channels/voucher";
import { InvalidParameterError, type PeerPayError } from "../../errors/base";
import { VoucherError } from "../../errors/channels";
import { requireAddress, requireBigInt, requireInteger } from "../../internal/validate";
import {
  PAYMENT_HEADERS,
  PEERPAY_CHANNEL_SCHEME,
  caip2,
  encodeHeaderJson,
  type PaymentReceipt,
  type PaymentRequired,
  type PaymentRequirement,
} from "../wire";
import { parsePaymentHeader } from "./payload";

/**
 * What the paywall reads of a request: node:http's `IncomingMessage`, Express's `Request` and Fastify's request all
 * fit.
 *
 * @example
 * ```ts
 * const price = (req: PaywallRequest) => (req.url?.startsWith("/big/") ? 10_000n : 1_000n);
 * ```
 */
export type PaywallRequest = {
  url?: string;
  originalUrl?: string;
  method?: string;
  headers: Record<string, string | string[] | undefined>;
};

/**
 * What the paywall writes to a response: node:http's `ServerResponse` and Express's `Response` fit.
 *
 * @example
 * ```ts
 * const res: PaywallResponse = serverResponse;
 * ```
 */
export type PaywallResponse = {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
};

/**
 * What `paywall()` takes.
 *
 * @example
 * ```ts
 * const params: PaywallParameters = { payee, price: 1_000n, minDeposit: 100_000n };
 * ```
 */
export type PaywallParameters<TRequest extends PaywallRequest = PaywallRequest> = {
  payee: PayeeClient;
  /** The price of a request in base units of `asset`: fixed, or computed from the request (HP-R1). At least 1. */
  price: bigint | ((req: TRequest) => bigint | Promise<bigint>);
  /** The channel's token; ETH (the zero address) by default. */
  asset?: Address;
  /** The payee's address; by default the payee client's runner's (a Signer). */
  payTo?: Address;
  /** The smallest deposit the payee accepts for a new channel (HP-X2). Default 0 (any). */
  minDeposit?: bigint;
  /** Seconds (HP-X2). Default one hour, the contract's minimum. */
  minChallengePeriod?: number;
  /** x402's `maxTimeoutSeconds`. Default 60. */
  maxTimeoutSeconds?: number;
  description?: string;
  /**
   * Called with each failure of the payee's machinery (its store or chain reads, a throwing `price`) that was
   * answered with 503 `HTTP_PAYMENT_UNAVAILABLE` (HP-R3): log or alert there. Refusals of vouchers are not errors.
   */
  onError?: (error: unknown) => void;
};

/**
 * The paywall's decision on one request: paid (the receipt header to set, then run the handler) or refused (status,
 * headers and body to send; the handler must not run).
 *
 * @example
 * ```ts
 * const outcome = await core.evaluate(req);
 * if (!outcome.paid) return reply.code(outcome.status).send(outcome.body);
 * ```
 */
export type PaywallOutcome =
  | { paid: true; receipt: PaymentReceipt; headers: Record<string, string> }
  | { paid: false; status: 402 | 503; body: PaymentRequired; headers: Record<string, string> };

type Deployment = { chainId: bigint; network: string; contract: Address; payTo: Address };

/** Channel ids computed per distinct terms are kept up to this many, then the cache restarts. */
const CHANNEL_ID_CACHE_SIZE = 65_536;

/**
 * The adapter-independent paywall: `evaluate(req)` decides, the adapters write. Built by `paywall()` and
 * `fastifyPaywall()`; use it directly for another framework.
 *
 * @example
 * ```ts
 * const core = new PaywallCore({ payee, price: 1_000n });
 * const outcome = await core.evaluate(req);
 * ```
 */
export class PaywallCore<TRequest extends PaywallRequest = PaywallRequest> {
  readonly payee: PayeeClient;
  readonly asset: Address;
  readonly minDeposit: bigint;
  readonly minChallengePeriod: number;
  readonly maxTimeoutSeconds: number;
  readonly description: string | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #price: PaywallParameters<TRequest>["price"];
  readonly #payTo: Address | undefined;
  #deployment: Promise<Deployment> | undefined;
  readonly #ids = new Map<string, { channelId: ChannelId; payer: Address }>();

  constructor(params: PaywallParameters<TRequest>) {
    this.payee = params.payee;
    if (typeof params.price !== "function") requireBigInt("price", params.price, 1n);
    this.#price = params.price;
    this.asset = requireAddress("asset", params.asset ?? ZeroAddress);
    this.#payTo = params.payTo === undefined ? undefined : requireAddress("payTo", params.payTo);
    this.minDeposit = requireBigInt("minDeposit", params.minDeposit ?? 0n, 0n);
    this.minChallengePeriod = requireInteger(
      "minChallengePeriod",
      params.minChallengePeriod ?? 3_600,
      3_600,
      2_592_000,
    );
    this.maxTimeoutSeconds = requireInteger("maxTimeoutSeconds", params.maxTimeoutSeconds ?? 60, 1, 86_400);
    this.description = params.description;
    this.#onError = params.onError;
  }

  /** Prices, reads and accepts (or refuses) the request's payment. Never throws: failures are outcomes. */
  async evaluate(req: TRequest): Promise<PaywallOutcome> {
    let deployment: Deployment;
    let price: bigint;
    try {
      deployment = await this.#resolveDeployment();
      price = await (typeof this.#price === "function" ? this.#price(req) : this.#price);
      requireBigInt("price", price, 1n);
    } catch (error) {
      // No requirement can be stated: the client cannot pay, and must not take it for a refusal of its voucher.
      return this.#unavailable(req, undefined, 0n, error);
    }
    const parsed = parsePaymentHeader(req.headers[PAYMENT_HEADERS.payment]);
    if (!parsed.ok) return this.#refuse(req, deployment, price, parsed.code, parsed.reason);
    const { payment, amount } = parsed;
    const { accepted, payload } = payment;
    const channel = payload.channel;
    if (
      accepted.scheme !== PEERPAY_CHANNEL_SCHEME ||
      accepted.network !== deployment.network ||
      !sameAddress(payload.contract, deployment.contract) ||
      !sameAddress(channel.payee, deployment.payTo) ||
      !sameAddress(accepted.payTo, deployment.payTo) ||
      !sameAddress(channel.token, this.asset) ||
      !sameAddress(accepted.asset, this.asset) ||
      // The payee states how long it needs to claim after a close request (HP-X2): a shorter channel could be closed
      // and refunded before it claims.
      channel.challengePeriod < this.minChallengePeriod
    ) {
      return this.#refuse(
        req,
        deployment,
        price,
        "HTTP_PAYMENT_FOREIGN",
        "payment for another scheme, network, contract, payee or token, or a challenge period below " +
          this.minChallengePeriod,
      );
    }
    const { channelId, payer } = this.#channelId(deployment, channel);
    // Not queued per channel: a channel's terms are public, and forged vouchers queued ahead of its payer (each costs
    // a chain read to refuse) would hold the payer's requests back. Concurrent acceptances stay safe: acceptVoucher
    // stores one at a time per channel and reports what each added (`increment`), checked against the price below.
    let stored: bigint;
    try {
      stored = (await this.payee.store.get(channelId))?.amount ?? 0n;
    } catch (error) {
      return this.#unavailable(req, deployment, price, error);
    }
    const report = { id: channelId, stored };
    if (amount <= stored) {
      return this.#refuse(req, deployment, price, "HTTP_PAYMENT_REPLAYED", `voucher not above ${stored}`, report);
    }
    if (amount - stored < price) {
      return this.#refuse(req, deployment, price, "HTTP_PAYMENT_UNDERPAID", `voucher adds less than ${price}`, report);
    }
    if (stored === 0n && this.minDeposit > 0n) {
      // A new channel (HP-X2): one funded below minDeposit is not worth claiming. Read once per channel: once a
      // voucher is stored, the deposit cannot have shrunk below what it was.
      let state: { deposit: bigint; status: ChannelStatus };
      try {
        state = await this.payee.getChannelState({ channelId });
      } catch (error) {
        return this.#unavailable(req, deployment, price, error);
      }
      // A channel that does not exist is left to acceptVoucher (CHANNEL_UNKNOWN).
      if (state.status !== ChannelStatus.None && state.deposit < this.minDeposit) {
        const reason = `channel deposit ${state.deposit} below minDeposit ${this.minDeposit}`;
        return this.#refuse(req, deployment, price, "HTTP_PAYMENT_FOREIGN", reason, report);
      }
    }
    let increment: bigint;
    try {
      ({ increment } = await this.payee.acceptVoucher({ channel, amount, signature: payload.signature }));
    } catch (error) {
      if (!isRefusal(error)) return this.#unavailable(req, deployment, price, error);
      const floor = typeof error.details.best === "bigint" ? error.details.best : stored;
      return this.#refuse(req, deployment, price, error.code, error.message, { id: channelId, stored: floor });
    }
    if (increment < price) {
      // The claimed total on-chain, or another process sharing the store, was above what this process read: the
      // voucher is stored (it is the channel's best) but does not pay for this request (HP-S2).
      return this.#refuse(req, deployment, price, "HTTP_PAYMENT_UNDERPAID", `voucher adds ${increment} < ${price}`, {
        id: channelId,
        stored: amount,
      });
    }
    const receipt: PaymentReceipt = {
      success: true,
      transaction: channelId,
      network: deployment.network,
      payer,
      channelId,
      cumulative: amount.toString(),
      amount: price.toString(),
      credited: increment.toString(),
    };
    return { paid: true, receipt, headers: { [PAYMENT_HEADERS.receipt]: encodeHeaderJson(receipt) } };
  }

  /** The requirement this paywall states for a price. */
  requirement(deployment: Deployment, price: bigint): PaymentRequirement {
    return {
      scheme: PEERPAY_CHANNEL_SCHEME,
      network: deployment.network,
      amount: price.toString(),
      asset: this.asset,
      payTo: deployment.payTo,
      maxTimeoutSeconds: this.maxTimeoutSeconds,
      extra: {
        contract: deployment.contract,
        minDeposit: this.minDeposit.toString(),
        minChallengePeriod: this.minChallengePeriod,
        claimMargin: this.payee.claimMargin,
      },
    };
  }

  #refuse(
    req: TRequest,
    deployment: Deployment,
    price: bigint,
    code: string,
    error: string,
    channel?: { id: ChannelId; stored: bigint },
  ): PaywallOutcome {
    const body: PaymentRequired = {
      x402Version: 2,
      error,
      code,
      resource: {
        url: req.originalUrl ?? req.url ?? "/",
        ...(this.description ? { description: this.description } : {}),
      },
      accepts: [this.requirement(deployment, price)],
      ...(channel === undefined ? {} : { channel: { id: channel.id, stored: channel.stored.toString() } }),
    };
    return { paid: false, status: 402, body, headers: { [PAYMENT_HEADERS.required]: encodeHeaderJson(body) } };
  }

  #unavailable(req: TRequest, deployment: Deployment | undefined, price: bigint, cause: unknown): PaywallOutcome {
    const body: PaymentRequired = {
      x402Version: 2,
      error: "The payee cannot take payments now",
      code: "HTTP_PAYMENT_UNAVAILABLE",
      resource: { url: req.originalUrl ?? req.url ?? "/" },
      accepts: deployment === undefined || price < 1n ? [] : [this.requirement(deployment, price)],
    };
    try {
      this.#onError?.(cause);
    } catch {
      // An operator's logger must not turn a 503 into an unhandled rejection.
    }
    return { paid: false, status: 503, body, headers: { [PAYMENT_HEADERS.required]: encodeHeaderJson(body) } };
  }

  #resolveDeployment(): Promise<Deployment> {
    this.#deployment ??= (async () => {
      const provider = this.payee.runner?.provider;
      if (!provider) throw new Error("the payee client's runner has no provider");
      const { chainId } = await provider.getNetwork();
      const payTo = this.#payTo ?? getAddress(await (this.payee.runner as Signer).getAddress());
      return { chainId, network: caip2(chainId), contract: getAddress(this.payee.address), payTo };
    })();
    // A failed lookup (the node was down) is tried again on the next request.
    this.#deployment.catch(() => (this.#deployment = undefined));
    return this.#deployment;
  }

  /** The channel's id and checksummed payer, cached per exact terms (hashing them costs more than the rest). */
  #channelId(deployment: Deployment, channel: Channel): { channelId: ChannelId; payer: Address } {
    const key = `${channel.payer}:${channel.payee}:${channel.token}:${channel.signer}:${channel.challengePeriod}:${channel.salt}`;
    let known = this.#ids.get(key);
    if (known === undefined) {
      const channelId = computeChannelId({ chainId: deployment.chainId, contract: deployment.contract, channel });
      known = { channelId, payer: getAddress(channel.payer) };
      if (this.#ids.size >= CHANNEL_ID_CACHE_SIZE) this.#ids.clear();
      this.#ids.set(key, known);
    }
    return known;
  }
}

/** A refusal of the voucher itself (its code goes into the 402), as opposed to a failure of the payee's machinery. */
function isRefusal(error: unknown): error is PeerPayError {
  return error instanceof VoucherError || error instanceof InvalidParameterError;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * A node:http / Express middleware.
 *
 * @example
 * ```ts
 * const pay = paywall({ payee, price: 1_000n });
 * ```
 */
export type PaywallMiddleware<TRequest extends PaywallRequest = PaywallRequest> = (
  req: TRequest,
  res: PaywallResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * A 402 paywall as `(req, res, next)` middleware, for node:http and Express (docs/http-payments.md): an unpaid or
 * refused request gets a 402 (or 503 when the payee's store or chain fails) with the requirements in the body and
 * the `payment-required` header, and `next` is not called; a paid one gets the `payment-response` receipt header and
 * `next()` runs once the voucher is durable (HP-S1).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { FileVoucherStore, paywall } from "peerpay/node";
 *
 * const payee = new PayeeClient({ address: CHANNELS, runner: wallet, store: await FileVoucherStore.open({ path }) });
 * const pay = paywall({ payee, price: 1_000n, minDeposit: 100_000n });
 * // next(error) means the paywall failed: never serve then.
 * createServer((req, res) => pay(req, res, (error) => (error ? res.writeHead(500).end() : res.end("paid content")))).listen(8080);
 * // Express: app.get("/data", pay, (req, res) => res.send("paid content"));
 * ```
 */
export function paywall<TRequest extends PaywallRequest = PaywallRequest>(
  params: PaywallParameters<TRequest>,
): PaywallMiddleware<TRequest> {
  const core = new PaywallCore<TRequest>(params);
  return (req, res, next) => {
    core.evaluate(req).then(
      (outcome) => {
        for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
        if (outcome.paid) return next();
        res.statusCode = outcome.status;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(outcome.body));
      },
      (error: unknown) => next(error),
    );
  };
}
