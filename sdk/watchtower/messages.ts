// What a watchtower client and server exchange (docs/payment-channels.md §8.7): the signed registration, the JSON
// bodies of the HTTP API, and their parsing. Browser-safe: the client builds these, the Node server parses them.
import { keccak256, toUtf8Bytes } from "ethers";
import type { Address } from "../core/types";
import type { PeerPayErrorCode } from "../errors/codes";
import { WATCHTOWER_HTTP_STATUS, WatchtowerError, type WatchtowerErrorCode } from "../errors/watchtower";
import { requireAddress, requireBigInt, requireHex } from "../internal/validate";
import type { WireProof } from "../payment-channels/engine/types";
import { normalizeBalanceProof, normalizePaymentChannel } from "../payment-channels/hashing";
import { paymentChannelsDomain, type PaymentChannelsDeployment } from "../payment-channels/typed-data";
import {
  toPaymentChannelId,
  type BalanceProof,
  type PaymentChannel,
  type PaymentChannelId,
} from "../payment-channels/types";
import type { TypedData } from "../signing/eip712";

/**
 * The EIP-712 struct a client signs to register a channel with one watchtower, under the payment channels domain
 * (chain and contract bound). `watchtower` stops a registration being replayed to another watchtower, `expiry`
 * bounds how long a copied one is usable, and `nonce` (random) makes each registration a distinct message.
 *
 * @example
 * ```ts
 * const types = { WatchtowerRegistration: WATCHTOWER_REGISTRATION_TYPES.WatchtowerRegistration };
 * ```
 */
export const WATCHTOWER_REGISTRATION_TYPES = {
  WatchtowerRegistration: [
    { name: "channelId", type: "bytes32" },
    { name: "participant", type: "address" },
    { name: "watchtower", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
} as const;

/**
 * What a client signs to register: the channel, which participant it is, the watchtower, a random nonce and an
 * expiry (unix seconds).
 *
 * @example
 * ```ts
 * const message: WatchtowerRegistration = { channelId, participant: bob, watchtower, nonce: 1n, expiry: 1_800_000_000n };
 * ```
 */
export type WatchtowerRegistration = {
  channelId: PaymentChannelId;
  participant: Address;
  watchtower: Address;
  nonce: bigint;
  expiry: bigint;
};

/**
 * The typed data of a {@link WatchtowerRegistration} on a deployment.
 *
 * @example
 * ```ts
 * const typedData = buildWatchtowerRegistrationTypedData({ chainId, contract, message });
 * ```
 */
export function buildWatchtowerRegistrationTypedData(
  params: PaymentChannelsDeployment & { message: WatchtowerRegistration },
): TypedData<WatchtowerRegistration> {
  const m = params.message;
  return {
    domain: paymentChannelsDomain(params),
    types: WATCHTOWER_REGISTRATION_TYPES,
    primaryType: "WatchtowerRegistration",
    message: {
      channelId: toPaymentChannelId(m.channelId),
      participant: requireAddress("participant", m.participant),
      watchtower: requireAddress("watchtower", m.watchtower),
      nonce: requireBigInt("nonce", m.nonce, 0n),
      expiry: requireBigInt("expiry", m.expiry, 0n),
    },
  };
}

/** The struct's typehash, for anyone checking the string against the struct. */
export const WATCHTOWER_REGISTRATION_TYPEHASH = keccak256(
  toUtf8Bytes(
    "WatchtowerRegistration(bytes32 channelId,address participant,address watchtower,uint256 nonce,uint256 expiry)",
  ),
);

/** A channel's terms on the wire. */
export type WireChannel = {
  participant1: string;
  participant2: string;
  token: string;
  key1: string;
  challengePeriod: number;
  salt: number;
};

/** `POST /register`. */
export type RegisterBody = {
  channel: WireChannel;
  participant: string;
  watchtower: string;
  nonce: string;
  expiry: string;
  signature: string;
};
/** `200` to `POST /register`. */
export type RegisterAnswer = { channelId: string; participant: string; watchtower: string; status: "Open" | "Closed" };
/** `POST /proofs`. */
export type ProofBody = {
  channelId: string;
  proof: WireProof;
  signature: string;
  reward: { amount: string; signature: string };
};
/** `200` to `POST /proofs`. */
export type ProofAnswer = { channelId: string; nonce: string };
/** `200` to `GET /info`. */
export type InfoAnswer = { watchtower: string; chainId: string; contract: string; safetyMargin: number };
/** Every non-2xx answer. */
export type ErrorAnswer = { error: { code: PeerPayErrorCode; message: string; details?: Record<string, unknown> } };

/** A malformed-request error naming the field. */
export function malformed(field: string, reason: string): WatchtowerError {
  return new WatchtowerError({
    code: "WATCHTOWER_MALFORMED_REQUEST",
    message: `${field}: ${reason}`,
    details: { field },
  });
}

/** Runs a parser, turning its InvalidParameterError into a malformed-request error. */
function field<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw malformed(name, err instanceof Error ? err.message : "malformed");
  }
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw malformed(name, "must be an object");
  return value as Record<string, unknown>;
}

function decimal(value: unknown, name: string): bigint {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(value))
    throw malformed(name, "must be a decimal string");
  return BigInt(value);
}

function hex(value: unknown, name: string, length?: number): string {
  return field(name, () => requireHex(name, value, length));
}

/** Signatures longer than this are refused before any check (no ECDSA signature is; an ERC-1271 one may be). */
const MAX_SIGNATURE_BYTES = 2_048;

function signature(value: unknown, name: string): string {
  const bytes = hex(value, name);
  if (bytes.length > 2 + 2 * MAX_SIGNATURE_BYTES) throw malformed(name, `longer than ${MAX_SIGNATURE_BYTES} bytes`);
  return bytes;
}

/** Parses a `POST /register` body. */
export function parseRegisterBody(body: unknown): {
  channel: PaymentChannel;
  participant: Address;
  watchtower: Address;
  nonce: bigint;
  expiry: bigint;
  signature: string;
} {
  const b = object(body, "body");
  const c = object(b.channel, "channel");
  const channel = field("channel", () =>
    normalizePaymentChannel({
      participant1: c.participant1 as string,
      participant2: c.participant2 as string,
      token: c.token as string,
      key1: c.key1 as string,
      challengePeriod: c.challengePeriod as number,
      salt: c.salt as number,
    }),
  );
  return {
    channel,
    participant: field("participant", () => requireAddress("participant", b.participant)),
    watchtower: field("watchtower", () => requireAddress("watchtower", b.watchtower)),
    nonce: decimal(b.nonce, "nonce"),
    expiry: decimal(b.expiry, "expiry"),
    signature: signature(b.signature, "signature"),
  };
}

/** Parses a `POST /proofs` body. */
export function parseProofBody(body: unknown): {
  channelId: PaymentChannelId;
  proof: BalanceProof;
  signature: string;
  reward: { amount: bigint; signature: string };
} {
  const b = object(body, "body");
  const p = object(b.proof, "proof");
  const proof = field("proof", () =>
    normalizeBalanceProof({
      nonce: decimal(p.nonce, "proof.nonce"),
      transferred: decimal(p.transferred, "proof.transferred"),
      locked: decimal(p.locked, "proof.locked"),
      locksRoot: p.locksRoot as string,
    }),
  );
  const r = object(b.reward, "reward");
  return {
    channelId: field("channelId", () => toPaymentChannelId(b.channelId as string)),
    proof,
    signature: signature(b.signature, "signature"),
    reward: { amount: decimal(r.amount, "reward.amount"), signature: signature(r.signature, "reward.signature") },
  };
}

/** A proof on the wire. */
export function toWireProof(proof: BalanceProof): WireProof {
  return {
    nonce: proof.nonce.toString(),
    transferred: proof.transferred.toString(),
    locked: proof.locked.toString(),
    locksRoot: proof.locksRoot,
  };
}

/** Terms on the wire. */
export function toWireChannel(channel: PaymentChannel): WireChannel {
  return { ...channel };
}

/** Whether a code is one of the watchtower's (an answer with another code is the server's bug, kept as 5xx). */
export function isWatchtowerCode(code: unknown): code is WatchtowerErrorCode {
  return typeof code === "string" && Object.hasOwn(WATCHTOWER_HTTP_STATUS, code);
}
