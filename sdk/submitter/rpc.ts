// The submitter's JSON-RPC access with failover (docs/payment-channels.md §8.8): raw calls through ethers'
// `_send` (no network detection that could hang on a dead endpoint), each with a timeout. An endpoint that fails
// at the transport level (connection refused, HTTP error, timeout, rate limit) hands its calls to the other one; the
// primary is tried again once `failbackAfterMs` has passed. An error the node answered (a revert, "nonce too low")
// is the node's verdict and is returned as an RpcResponseError without failover.
import { JsonRpcProvider, type JsonRpcApiProvider } from "ethers";

/**
 * An RPC endpoint: a URL, or an ethers provider speaking JSON-RPC (`JsonRpcProvider`, `BrowserProvider`...).
 *
 * @example
 * ```ts
 * const rpc: [RpcEndpoint, RpcEndpoint] = ["https://rpc.example", new JsonRpcProvider("https://backup.example")];
 * ```
 */
export type RpcEndpoint = string | JsonRpcApiProvider;

/** The node answered the call with a JSON-RPC error: its verdict, not an endpoint failure. */
export class RpcResponseError extends Error {
  override name = "RpcResponseError";
  constructor(
    message: string,
    readonly code: number,
    readonly data: unknown,
  ) {
    super(message);
  }
}

/** No endpoint answered; `cause` is the last failure. */
export class RpcUnavailableError extends Error {
  override name = "RpcUnavailableError";
}

/** JSON-RPC error codes that mean "this endpoint is not serving now" rather than a verdict on the call. */
const ENDPOINT_ERROR_CODES = new Set([-32005, 429]);

type Endpoint = { name: "primary" | "secondary"; provider: JsonRpcApiProvider; owned: boolean; chainChecked: boolean };

export type FailoverRpcParameters = {
  endpoints: readonly RpcEndpoint[];
  timeoutMs: number;
  failbackAfterMs: number;
  onSwitch: (switched: { from: string; to: string; reason: string }) => void;
};

export class FailoverRpc {
  readonly #endpoints: Endpoint[];
  readonly #timeoutMs: number;
  readonly #failbackAfterMs: number;
  readonly #onSwitch: FailoverRpcParameters["onSwitch"];
  #active = 0;
  #retryPrimaryAt = 0;
  #chainId: bigint | undefined;
  #id = 0;

  constructor({ endpoints, timeoutMs, failbackAfterMs, onSwitch }: FailoverRpcParameters) {
    this.#endpoints = endpoints.map((endpoint, i) => ({
      name: i === 0 ? "primary" : "secondary",
      provider:
        typeof endpoint === "string"
          ? new JsonRpcProvider(endpoint, undefined, { staticNetwork: true, batchMaxCount: 1 })
          : endpoint,
      owned: typeof endpoint === "string",
      chainChecked: false,
    }));
    this.#timeoutMs = timeoutMs;
    this.#failbackAfterMs = failbackAfterMs;
    this.#onSwitch = onSwitch;
  }

  /** The endpoint calls go to now. */
  get active(): "primary" | "secondary" {
    return this.#endpoints[this.#active].name;
  }

  /** The provider of the endpoint that answers now (to wrap receipts). */
  get provider(): JsonRpcApiProvider {
    return this.#endpoints[this.#active].provider;
  }

  /** The chain id the first endpoint to answer reported; every other endpoint must report the same. */
  async chainId(): Promise<bigint> {
    if (this.#chainId === undefined) await this.call("eth_chainId", []);
    return this.#chainId!;
  }

  /** One JSON-RPC call, on the active endpoint, else on the other. */
  async call<T = unknown>(method: string, params: unknown[]): Promise<T> {
    const primaryDue = this.#active !== 0 && Date.now() >= this.#retryPrimaryAt;
    const order = primaryDue ? [0, this.#active] : [this.#active, ...this.#endpoints.keys()];
    const tried = new Set<number>();
    let lastError: unknown;
    for (const index of order) {
      if (tried.has(index)) continue;
      tried.add(index);
      try {
        const result = await this.#callOn(this.#endpoints[index], method, params);
        if (index !== this.#active) {
          const reason = lastError instanceof Error ? lastError.message : "the primary answers again";
          this.#onSwitch({ from: this.#endpoints[this.#active].name, to: this.#endpoints[index].name, reason });
          this.#active = index;
        }
        return result as T;
      } catch (error) {
        if (error instanceof RpcResponseError) throw error;
        lastError = error;
        if (index === 0) this.#retryPrimaryAt = Date.now() + this.#failbackAfterMs;
      }
    }
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    throw new RpcUnavailableError(`No RPC endpoint answered ${method}: ${message}`, { cause: lastError });
  }

  /** Releases the providers this object created from URLs. */
  destroy(): void {
    for (const endpoint of this.#endpoints) if (endpoint.owned) endpoint.provider.destroy();
  }

  async #callOn(endpoint: Endpoint, method: string, params: unknown[]): Promise<unknown> {
    if (!endpoint.chainChecked) {
      // Both endpoints must be the same chain: a nonce or receipt read on another chain would be nonsense.
      const chainId = BigInt((await this.#send(endpoint, "eth_chainId", [])) as string);
      if (this.#chainId === undefined) this.#chainId = chainId;
      else if (chainId !== this.#chainId) {
        throw new Error(`the ${endpoint.name} endpoint is on chain ${chainId}, not ${this.#chainId}`);
      }
      endpoint.chainChecked = true;
    }
    return this.#send(endpoint, method, params);
  }

  async #send(endpoint: Endpoint, method: string, params: unknown[]): Promise<unknown> {
    const payload = { method, params, id: ++this.#id, jsonrpc: "2.0" as const };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the ${endpoint.name} endpoint timed out after ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      const [answer] = await Promise.race([endpoint.provider._send(payload), timeout]);
      if (answer === undefined) throw new Error(`the ${endpoint.name} endpoint returned no answer`);
      if ("error" in answer) {
        const { code, message, data } = answer.error as { code: number; message: string; data?: unknown };
        if (ENDPOINT_ERROR_CODES.has(code)) throw new Error(`the ${endpoint.name} endpoint refused: ${message}`);
        throw new RpcResponseError(message, code, data);
      }
      return answer.result;
    } finally {
      clearTimeout(timer);
    }
  }
}
