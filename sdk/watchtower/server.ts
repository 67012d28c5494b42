// The watchtower on HTTP (docs/payment-channels.md §8.7): `GET /info`, `POST /register`, `POST /proofs` with JSON
// bodies, a body size limit, rate limits per client and per remote address, and typed errors as
// `{ error: { code, message, details } }`. Node only (node:http); the logic is the Watchtower's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidParameterError, PeerPayError } from "../errors/base";
import { WatchtowerError } from "../errors/watchtower";
import { malformed } from "./messages";
import { TokenBuckets } from "./rate";
import { Watchtower, type WatchtowerParameters } from "./tower";

/**
 * A {@link WatchtowerServer}'s parameters: the {@link WatchtowerParameters} of its watchtower, where to listen, the
 * largest body it reads, its rate limits, and how often it scans the chain.
 *
 * @example
 * ```ts
 * const params: WatchtowerServerParameters = { contract, provider, submitter, store, port: 8545, pollInterval: 4_000 };
 * ```
 */
export type WatchtowerServerParameters = WatchtowerParameters & {
  /** Default 0 (any free port: read `url`). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Bytes; a larger body is answered 413. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Requests per second and burst, per client; per remote address ten times both. Defaults 10 and 20. */
  rate?: { requestsPerSecond?: number; burst?: number };
  /** Milliseconds between chain scans; 0 for none (call `tower.sync()` yourself). Default 4,000. */
  pollInterval?: number;
};

type Route = (body: unknown) => Promise<unknown>;

/**
 * A watchtower serving HTTP: see docs/payment-channels.md §8.7 for the API. Start it over a store (a
 * `FilePeerStore` in production); a new server over the same store resumes where the last one stopped.
 *
 * @example
 * ```ts
 * const server = await WatchtowerServer.start({ contract, provider, submitter, store, port: 8545 });
 * console.log(`watchtower ${server.tower.address} on ${server.url}`);
 * ```
 */
export class WatchtowerServer {
  readonly tower: Watchtower;
  readonly #http: Server;
  readonly #maxBody: number;
  readonly #perClient: TokenBuckets;
  readonly #perAddress: TokenBuckets;
  #timer?: ReturnType<typeof setTimeout>;
  #closed = false;

  private constructor(tower: Watchtower, params: WatchtowerServerParameters) {
    this.tower = tower;
    this.#maxBody = params.maxBodyBytes ?? 16 * 1024;
    const clock = params.clock ?? Date.now;
    const rate = params.rate?.requestsPerSecond ?? 10;
    const burst = params.rate?.burst ?? 20;
    this.#perClient = new TokenBuckets({ rate, burst, clock });
    this.#perAddress = new TokenBuckets({ rate: rate * 10, burst: burst * 10, clock });
    this.#http = createServer((req, res) => void this.#handle(req, res));
  }

  /**
   * Opens the watchtower over its store, scans the chain once, listens, and keeps scanning every `pollInterval`.
   *
   * @example
   * ```ts
   * const server = await WatchtowerServer.start({ contract, provider, submitter, store: await FilePeerStore.open({ path }) });
   * ```
   */
  static async start(params: WatchtowerServerParameters): Promise<WatchtowerServer> {
    const tower = await Watchtower.open(params);
    await tower.sync();
    const server = new WatchtowerServer(tower, params);
    try {
      await new Promise<void>((resolve, reject) => {
        server.#http.once("error", reject);
        server.#http.listen(params.port ?? 0, params.host ?? "127.0.0.1", () => resolve());
      });
    } catch (err) {
      // The port is taken (or the host unknown): release the store, which another attempt will want to open.
      await tower.close();
      throw err;
    }
    const interval = params.pollInterval ?? 4_000;
    if (interval > 0) server.#poll(interval, params.log);
    return server;
  }

  /** The base URL, e.g. `http://127.0.0.1:8545`. @example `new WatchtowerClient({ url: server.url, ... })` */
  get url(): string {
    const { address, port } = this.#http.address() as AddressInfo;
    return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }

  /** Stops polling and listening, waits for what is in flight, closes the store. @example `await server.close();` */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
    await this.tower.close();
  }

  #poll(interval: number, log?: (line: string) => void): void {
    this.#timer = setTimeout(async () => {
      try {
        await this.tower.sync();
      } catch (err) {
        log?.(`sync failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!this.#closed) this.#poll(interval, log);
    }, interval);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? "/").split("?")[0];
      const routes: Record<string, Route> = {
        "POST /register": (body) => this.#limited(clientOfRegistration(body), () => this.tower.register(body)),
        "POST /proofs": (body) => this.#limited(clientOfProof(this.tower, body), () => this.tower.submitProof(body)),
      };
      const remote = req.socket.remoteAddress ?? "unknown";
      this.#take(`address:${remote}`);
      if (req.method === "GET" && path === "/info") return send(res, 200, this.tower.info());
      const route = routes[`${req.method} ${path}`];
      if (route === undefined) {
        throw new WatchtowerError({
          code: "WATCHTOWER_NOT_FOUND",
          message: `No ${req.method} ${path}`,
          details: { path },
        });
      }
      const body = parseJson(await this.#read(req));
      send(res, 200, await route(body));
    } catch (err) {
      sendError(res, err);
    }
  }

  async #limited<T>(client: string | undefined, task: () => Promise<T>): Promise<T> {
    if (client !== undefined) this.#take(`client:${client}`);
    return task();
  }

  #take(key: string): void {
    const buckets = key.startsWith("client:") ? this.#perClient : this.#perAddress;
    const retryAfter = buckets.take(key);
    if (retryAfter > 0) {
      throw new WatchtowerError({
        code: "WATCHTOWER_RATE_LIMITED",
        message: `Too many requests from ${key.slice(key.indexOf(":") + 1)}`,
        details: { retryAfter },
      });
    }
  }

  /** The body, at most `maxBodyBytes`: a larger one (announced or streamed) is refused without reading it all. */
  #read(req: IncomingMessage): Promise<string> {
    const tooLarge = () =>
      new WatchtowerError({
        code: "WATCHTOWER_BODY_TOO_LARGE",
        message: `The body exceeds ${this.#maxBody} bytes`,
        details: { limit: this.#maxBody },
      });
    if (Number(req.headers["content-length"] ?? 0) > this.#maxBody) return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.#maxBody) {
          req.removeAllListeners("data");
          req.resume();
          reject(tooLarge());
        } else chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }
}

/** The client a registration names (unchecked: the limit is taken before any verification, which is the point). */
function clientOfRegistration(body: unknown): string | undefined {
  const participant = (body as { participant?: unknown } | null)?.participant;
  return typeof participant === "string" ? participant.toLowerCase() : undefined;
}

function clientOfProof(tower: Watchtower, body: unknown): string | undefined {
  const channelId = (body as { channelId?: unknown } | null)?.channelId;
  return typeof channelId === "string" ? tower.clientOf(channelId)?.toLowerCase() : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed("body", "not JSON");
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  let error: PeerPayError;
  if (err instanceof WatchtowerError) error = err;
  else if (err instanceof InvalidParameterError) error = malformed(String(err.details.parameter), err.message);
  else {
    error = new WatchtowerError({
      code: "WATCHTOWER_UNAVAILABLE",
      message: err instanceof Error ? err.message : String(err),
    });
  }
  const status = error instanceof WatchtowerError ? error.status : 500;
  const headers: Record<string, string> = {};
  if (error.code === "WATCHTOWER_RATE_LIMITED") headers["retry-after"] = String(error.details.retryAfter);
  if (error.code === "WATCHTOWER_BODY_TOO_LARGE") headers.connection = "close";
  send(res, status, { error: error.toJSON() }, headers);
}
