// A mediator between two channels (rule PC-E5, docs/payment-channels.md §8): A locks `x + fee` to the hub H with
// expiry T1; H locks `x` to C with expiry T2 ≤ T1 − margin; C reveals the secret to H, H pays C (its unlock proof)
// and reveals to A, who unlocks to H. If A does not, H registers the secret on-chain before T1 and closes: the
// on-chain registry is shared and T2 < T1, so whenever C can be paid, H can be paid too.
import { PeerRequestError } from "../../errors/peer";
import type { Lock } from "../types";
import type { ChannelPeer } from "./peer";

/**
 * A route through a {@link Hub}: the lock received from upstream, the lock forwarded downstream, and how far it got.
 * `refused`: not forwarded (unsafe expiry or fee); `forwarded`: waiting for the secret; `revealed`: the hub knows the
 * secret, paid downstream and asked upstream; `paid`: upstream unlocked; `enforced`: the secret was registered
 * on-chain and the upstream channel closed; `expired`: downstream lock taken back.
 *
 * @example
 * ```ts
 * const route: HubRoute | undefined = hub.route(secretHash);
 * if (route?.status === "paid") console.log(`earned ${route.incoming.amount - route.outgoing!.amount}`);
 * ```
 */
export type HubRoute = {
  secretHash: string;
  incoming: Lock;
  outgoing?: Lock;
  status: "refused" | "forwarded" | "revealed" | "paid" | "enforced" | "expired";
  reason?: string;
};

/**
 * What a {@link Hub} is built from: the peer of its channel with the payer (the hub receives there) and of its channel
 * with the payee (the hub sends there), the `fee` it keeps per transfer, the `margin` in seconds between the
 * incoming and outgoing expiries (T2 ≤ T1 − margin; it must cover registering a secret on-chain), and how long
 * before T1 it registers a secret on-chain when the payer has not unlocked (`registerBefore`, default margin / 2).
 *
 * @example
 * ```ts
 * const params: HubParameters = { incoming: hubWithAlice, outgoing: hubWithCarol, fee: 1n, margin: 3_600 };
 * ```
 */
export type HubParameters = {
  incoming: ChannelPeer;
  outgoing: ChannelPeer;
  fee: bigint;
  margin: number;
  registerBefore?: number;
};

/**
 * Forwards hash-locked payments from one channel to another (PC-E5) and makes sure it never pays downstream what it
 * cannot collect upstream: it unlocks downstream only on learning the secret, reveals it upstream at once, and calls
 * `checkDeadlines` (run it periodically) to register the secret on-chain and close before T1 if the payer
 * does not unlock, and to take back downstream locks that expired.
 *
 * @example
 * ```ts
 * const hub = new Hub({ incoming: hubWithAlice, outgoing: hubWithCarol, fee: 1n, margin: 3_600 });
 * hub.start();
 * setInterval(() => void hub.checkDeadlines(), 60_000);
 * ```
 */
export class Hub {
  readonly incoming: ChannelPeer;
  readonly outgoing: ChannelPeer;
  readonly fee: bigint;
  readonly margin: number;
  readonly registerBefore: number;
  readonly #routes = new Map<string, HubRoute>();
  readonly #waiters: (() => void)[] = [];
  #closing: Promise<unknown> | undefined;

  constructor(params: HubParameters) {
    this.incoming = params.incoming;
    this.outgoing = params.outgoing;
    this.fee = params.fee;
    this.margin = params.margin;
    this.registerBefore = params.registerBefore ?? Math.floor(params.margin / 2);
  }

  /**
   * Starts forwarding: listens for locks stored on the incoming channel and secrets learnt on the outgoing one. Both
   * peers must be started.
   *
   * @example
   * ```ts
   * hub.start();
   * ```
   */
  start(): void {
    this.incoming.on("received", ({ change }) => {
      // Only once the incoming lock is stored durably: the hub never pays out what it could not claim after a crash.
      if (change.kind === "lock") this.#forward(change.lock);
      if (change.kind === "unlock" && this.#routes.has(change.secretHash)) this.#set(change.secretHash, "paid");
    });
    this.outgoing.on("secret", ({ secret, secretHash }) => this.#onSecret(secretHash, secret));
    this.#resume();
  }

  /**
   * Rebuilds the routes still open from both peers' logs, so that a restarted hub keeps its duties: a route whose
   * secret it knows is revealed upstream again (a crash may have come between paying downstream and asking
   * upstream) and enforced before T1; a forwarded one is watched as before. An incoming lock never forwarded (a crash
   * before the downstream lock was logged) is left to expire back to the payer.
   */
  #resume(): void {
    for (const incoming of this.incoming.incoming().locks) {
      const { secretHash } = incoming;
      if (this.#routes.has(secretHash)) continue;
      const outgoing = this.outgoing.outgoing().locks.find((lock) => lock.secretHash === secretHash);
      const secret = this.outgoing.secretOf(secretHash) ?? this.incoming.secretOf(secretHash);
      if (secret !== undefined) {
        this.#routes.set(secretHash, { secretHash, incoming, outgoing, status: "revealed" });
        this.incoming.reveal({ secret }).catch((error: unknown) => {
          if (!(error instanceof PeerRequestError)) throw error;
        });
      } else if (outgoing !== undefined) {
        this.#routes.set(secretHash, { secretHash, incoming, outgoing, status: "forwarded" });
      }
    }
    this.#notify();
  }

  /** The route of a secret hash, if the hub saw its lock. @example `const route = hub.route(secretHash);` */
  route(secretHash: string): HubRoute | undefined {
    const route = this.#routes.get(secretHash.toLowerCase());
    return route === undefined ? undefined : { ...route };
  }

  /**
   * Resolves once the route of `secretHash` reaches one of `statuses` (for callers and tests that wait on it).
   *
   * @example
   * ```ts
   * await hub.waitFor({ secretHash, statuses: ["paid"] });
   * ```
   */
  async waitFor({ secretHash, statuses }: { secretHash: string; statuses: HubRoute["status"][] }): Promise<HubRoute> {
    for (;;) {
      const route = this.route(secretHash);
      if (route !== undefined && statuses.includes(route.status)) return route;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /**
   * The hub's duties that depend on time (PC-E5): for a route whose secret it knows but whose incoming lock is still
   * pending within `registerBefore` of T1, registers the secret on-chain and closes the incoming channel (settle and
   * unlock after the challenge period); for a route whose secret someone registered on-chain in time (C claiming
   * without revealing off-chain), closes the incoming channel; for a downstream lock past T2 never unlocked or
   * registered, takes it back. Reads the chain once per open route.
   *
   * @returns the secret hashes acted on.
   * @example
   * ```ts
   * const acted = await hub.checkDeadlines();
   * ```
   */
  async checkDeadlines(): Promise<string[]> {
    const now = this.incoming.now();
    const acted: string[] = [];
    for (const route of [...this.#routes.values()]) {
      const { secretHash } = route;
      const pendingIn = this.incoming.incoming().locks.some((lock) => lock.secretHash === secretHash);
      const secret = this.outgoing.secretOf(secretHash) ?? this.incoming.secretOf(secretHash);
      if (route.status === "revealed" && pendingIn && secret !== undefined) {
        if (now >= route.incoming.expiry - this.registerBefore && now <= route.incoming.expiry) {
          await this.incoming.registerSecret({ secret });
          await this.#closeIncoming();
          this.#set(secretHash, "enforced");
          acted.push(secretHash);
        }
        continue;
      }
      if (route.status === "forwarded" && pendingIn) {
        // C may claim on-chain without telling the hub: the registry is shared, so the hub's lock from A pays too.
        const at = await this.incoming.client.secretRegisteredAt({ secretHash });
        if (at !== 0 && at <= route.incoming.expiry) {
          await this.#closeIncoming();
          this.#set(secretHash, "enforced");
          acted.push(secretHash);
          continue;
        }
      }
      const pendingOut = this.outgoing.outgoing().locks.some((lock) => lock.secretHash === secretHash);
      if (route.status === "forwarded" && pendingOut && route.outgoing !== undefined && now > route.outgoing.expiry) {
        // The payee may refuse (or not yet accept) the expiry: retried on the next run, and the other routes' duties
        // (registering before T1) are not held up by it.
        const refused = await this.outgoing.expireLock({ secretHash }).then(
          () => false,
          (error: unknown) => {
            if (error instanceof PeerRequestError) return true;
            throw error;
          },
        );
        if (refused) continue;
        this.#set(secretHash, "expired");
        acted.push(secretHash);
      }
    }
    return acted;
  }

  /** Closes the incoming channel once, however many routes call for it. */
  #closeIncoming(): Promise<unknown> {
    this.#closing ??= this.incoming.close().catch((error: unknown) => {
      this.#closing = undefined; // a failed close is tried again by the next run
      throw error;
    });
    return this.#closing;
  }

  #forward(lock: Lock): void {
    const route: HubRoute = { secretHash: lock.secretHash, incoming: lock, status: "forwarded" };
    if (this.#routes.has(lock.secretHash)) return;
    const amount = lock.amount - this.fee;
    const expiry = lock.expiry - this.margin;
    const earliest = this.outgoing.now() + this.outgoing.minLockSeconds;
    if (amount <= 0n) return this.#refuse(route, `The lock of ${lock.amount} does not cover the fee ${this.fee}`);
    if (expiry < earliest) {
      return this.#refuse(route, `T1 ${lock.expiry} leaves no safe T2: ${expiry} is before ${earliest}`);
    }
    route.outgoing = { amount, expiry, secretHash: lock.secretHash };
    this.#routes.set(lock.secretHash, route);
    this.#notify();
    this.outgoing.payWithLock(route.outgoing).catch((error: unknown) => {
      // A lock that was never signed cannot be claimed by C: the upstream lock simply expires back. One that was
      // signed may be held by C whatever it answered (an `error` rejects the pay), so the route stays watched.
      const signed = this.outgoing.outgoing().locks.some((pending) => pending.secretHash === lock.secretHash);
      if (!signed && this.#routes.get(lock.secretHash)?.status === "forwarded") {
        this.#refuse(route, error instanceof Error ? error.message : String(error));
      }
    });
  }

  #refuse(route: HubRoute, reason: string): void {
    this.#routes.set(route.secretHash, { ...route, status: "refused", reason });
    this.#notify();
  }

  #onSecret(secretHash: string, secret: string): void {
    const route = this.#routes.get(secretHash);
    if (route === undefined || route.status !== "forwarded") return;
    this.#set(secretHash, "revealed");
    // The outgoing peer already queued its unlock proof to C; now the hub asks A for the same.
    this.incoming.reveal({ secret }).catch((error: unknown) => {
      if (!(error instanceof PeerRequestError)) throw error;
    });
  }

  #set(secretHash: string, status: HubRoute["status"]): void {
    const route = this.#routes.get(secretHash);
    if (route === undefined) return;
    this.#routes.set(secretHash, { ...route, status });
    this.#notify();
  }

  #notify(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}
