// The paywall as a Fastify preHandler hook (docs/http-payments.md). Structural types only: Fastify is never imported,
// so the SDK does not depend on it; any Fastify 4/5 request and reply fit.
import { PaywallCore, type PaywallParameters, type PaywallRequest } from "./paywall";

/**
 * What the hook uses of a Fastify reply.
 *
 * @example
 * ```ts
 * const reply: FastifyLikeReply = fastifyReply;
 * ```
 */
export type FastifyLikeReply = {
  code(statusCode: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(payload?: unknown): FastifyLikeReply;
};

/**
 * A Fastify `preHandler` hook.
 *
 * @example
 * ```ts
 * const hook: FastifyPaywallHook = fastifyPaywall({ payee, price: 1_000n });
 * ```
 */
export type FastifyPaywallHook<TRequest extends PaywallRequest = PaywallRequest> = (
  request: TRequest,
  reply: FastifyLikeReply,
) => Promise<FastifyLikeReply | undefined>;

/**
 * The 402 paywall as a Fastify `preHandler` hook: a refused request is answered with 402 (or 503) and its body, and
 * the route's handler does not run; a paid one gets the receipt header and continues once the voucher is durable
 * (HP-S1). Register it on a route, or with `addHook` for every route of a plugin scope.
 *
 * @example
 * ```ts
 * import Fastify from "fastify";
 * import { fastifyPaywall } from "peerpay/node";
 *
 * const app = Fastify();
 * app.get("/data", { preHandler: fastifyPaywall({ payee, price: 1_000n }) }, async () => "paid content");
 * // or, for every route of a scope: app.addHook("preHandler", fastifyPaywall({ payee, price }));
 * ```
 */
export function fastifyPaywall<TRequest extends PaywallRequest = PaywallRequest>(
  params: PaywallParameters<TRequest>,
): FastifyPaywallHook<TRequest> {
  const core = new PaywallCore<TRequest>(params);
  return async (request, reply) => {
    const outcome = await core.evaluate(request);
    for (const [name, value] of Object.entries(outcome.headers)) reply.header(name, value);
    if (outcome.paid) return undefined;
    // Returning the reply after send() tells Fastify the hook answered: the handler is skipped.
    return reply.code(outcome.status).header("content-type", "application/json").send(JSON.stringify(outcome.body));
  };
}
