/**
 * PeerPay SDK, Node-only additions: what needs the file system or a listening socket (the `ws` package). Import from
 * here on a server; `sdk/index.ts` stays loadable in browsers.
 *
 * @example
 * ```ts
 * import { FileVoucherStore } from "peerpay/node";
 * ```
 * @packageDocumentation
 */
export { FileVoucherStore, type FileVoucherStoreParameters } from "./store/file";
export {
  FilePeerStore,
  type FilePeerStoreParameters,
  type FilePeerStoreRange,
  type FilePeerStoreRecovery,
} from "./store/peer-log";
export {
  PostgresClaimerLease,
  runClaimer,
  type PostgresClaimerLeaseParameters,
  type RunClaimerParameters,
} from "./store/postgres/lease";
export { PostgresVoucherStore, type PostgresVoucherStoreParameters } from "./store/postgres/store";
export type { PgConnectionConfig } from "./store/postgres/config";
export { WebSocketPeerServer, type WebSocketPeerServerParameters } from "./transport/ws-server";
export { WatchtowerServer, type WatchtowerServerParameters } from "./watchtower/server";
export { Watchtower, type WatchtowerParameters } from "./watchtower/tower";
export {
  PaywallCore,
  paywall,
  type PaywallMiddleware,
  type PaywallOutcome,
  type PaywallParameters,
  type PaywallRequest,
  type PaywallResponse,
} from "./http/server/paywall";
export { fastifyPaywall, type FastifyLikeReply, type FastifyPaywallHook } from "./http/server/fastify";
