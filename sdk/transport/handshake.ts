// The peer handshake of docs/payment-channels.md §8.6, shared by both ends of the WebSocket transport: the EIP-712
// `PeerHello` each end signs over the other's fresh challenge, the handshake's three wire messages, and the check that
// the other end is the counterparty (or its session key) of every channel the connection serves. Browser-safe.
//
// On the wire (JSON text frames): the server opens with `{type: "challenge", version, challenge}`; the client answers
// `{type: "hello", version, participant, channels, challenge, signature}`, signing PeerHello(the server's challenge,
// the server's participant, channelsHash(channels)); the server checks it, then answers `{type: "welcome",
// signature}` over (the client's challenge, the client's participant, the same channels). Only then do frames flow,
// each a JSON array of PeerMessage. Either end refuses the other by closing with a CLOSE_CODES code and the reason.
import { AbiCoder, getAddress, hexlify, isHexString, keccak256, randomBytes, type Signer } from "ethers";
import type { Address } from "../core/types";
import { TransportError } from "../errors/transport";
import type { PeerSession } from "../payment-channels/engine/types";
import { computePaymentChannelId } from "../payment-channels/hashing";
import { paymentChannelsDomain, recoverPaymentChannelSigner } from "../payment-channels/typed-data";
import type { PaymentChannel, PaymentChannelId } from "../payment-channels/types";
import type { PaymentChannelsDeployment } from "../payment-channels/typed-data";
import { hashTypedData, signTypedData, type TypedData } from "../signing/eip712";

/** The wire protocol's version, in `challenge` and `hello`: a peer speaking another is refused, not misread. */
export const PEER_PROTOCOL_VERSION = 1;

/** The most channels one connection may serve: bounds the lookups a single `hello` can cause. */
export const MAX_HELLO_CHANNELS = 4_096;

/** The EIP-712 struct each end signs, under the payment channels' domain. */
export const PEER_HELLO_EIP712_TYPES = {
  PeerHello: [
    { name: "challenge", type: "bytes32" },
    { name: "peer", type: "address" },
    { name: "channelsHash", type: "bytes32" },
  ],
} as const;

/**
 * WebSocket close codes the transport sends, so that the refused end learns why (4000-4999 are the application's;
 * browsers let a page send only those and 1000). 1009 is what `ws` sends itself for an oversized frame.
 */
export const CLOSE_CODES = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  MESSAGE_TOO_BIG: 1009,
  AUTH_FAILED: 4001,
  PROTOCOL: 4002,
  TIMEOUT: 4003,
  REPLACED: 4004,
  FRAME_TOO_LARGE: 4005,
} as const;

/** The handshake's messages: single JSON objects, never arrays, so they cannot be taken for a frame of messages. */
export type HandshakeMessage =
  | { type: "challenge"; version: number; challenge: string }
  | { type: "hello"; version: number; participant: Address; channels: string[]; challenge: string; signature: string }
  | { type: "welcome"; signature: string };

/**
 * The session keys that may sign for `participant` in `channel` now, e.g.
 * `({ channel, participant }) => client.sessionKeysOf({ channel, participant })`. A key proves the participant only
 * if it is valid in every channel of the connection.
 *
 * @example
 * ```ts
 * const sessionKeysOf: PeerSessionKeys = ({ channel, participant }) => client.sessionKeysOf({ channel, participant });
 * ```
 */
export type PeerSessionKeys = (params: {
  channel: PaymentChannel;
  channelId: PaymentChannelId;
  participant: Address;
}) => Promise<readonly Address[]> | readonly Address[];

/** A fresh 32-byte challenge (the platform's CSPRNG, through ethers). */
export function newChallenge(): string {
  return hexlify(randomBytes(32));
}

/** `keccak256(abi.encode(bytes32[]))` of the ids, sorted: what `PeerHello.channelsHash` commits to. */
export function channelsHash(channelIds: readonly PaymentChannelId[]): string {
  const sorted = [...channelIds].sort();
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32[]"], [sorted]));
}

type HelloParameters = {
  deployment: PaymentChannelsDeployment;
  /** The challenge the other end sent. */
  challenge: string;
  /** The participant address of the end being answered. */
  peer: Address;
  channelIds: readonly PaymentChannelId[];
};

function helloTypedData({ deployment, challenge, peer, channelIds }: HelloParameters): TypedData {
  return {
    domain: paymentChannelsDomain(deployment),
    types: PEER_HELLO_EIP712_TYPES,
    primaryType: "PeerHello",
    message: { challenge, peer: getAddress(peer), channelsHash: channelsHash(channelIds) },
  };
}

/** Signs `PeerHello(challenge, peer, channelsHash)` with the participant's wallet or its session key. */
export async function signPeerHello(params: HelloParameters & { signer: Signer }): Promise<string> {
  return (await signTypedData({ signer: params.signer, typedData: helloTypedData(params) })).signature;
}

/** Who signed a `PeerHello`, as the contract reads signatures (65 or 64 bytes, low s); undefined if no one. */
export function recoverPeerHelloSigner(params: HelloParameters & { signature: unknown }): Address | undefined {
  if (typeof params.signature !== "string") return undefined;
  return recoverPaymentChannelSigner({ digest: hashTypedData(helloTypedData(params)), signature: params.signature });
}

/** Parses one handshake message, or undefined for anything else (an array, a number, a field of the wrong type). */
export function parseHandshakeMessage(data: string): HandshakeMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  const bytes32 = (field: unknown) => typeof field === "string" && isHexString(field, 32);
  switch (m.type) {
    case "challenge":
      return typeof m.version === "number" && bytes32(m.challenge) ? (m as HandshakeMessage) : undefined;
    case "hello":
      return typeof m.version === "number" &&
        typeof m.participant === "string" &&
        Array.isArray(m.channels) &&
        bytes32(m.challenge) &&
        typeof m.signature === "string"
        ? (m as HandshakeMessage)
        : undefined;
    case "welcome":
      return typeof m.signature === "string" ? (m as HandshakeMessage) : undefined;
    default:
      return undefined;
  }
}

/** An authentication failure, the same on both ends: the refusing end sends it as its close reason. */
export function authFailed(reason: string, details: Record<string, unknown> = {}): TransportError {
  return new TransportError({
    code: "TRANSPORT_AUTH_FAILED",
    message: `Peer authentication failed: ${reason}`,
    details: { reason, byPeer: false, ...details },
  });
}

/** The ids of a `hello`, checked and canonical (lowercase, sorted), or a protocol error. */
export function helloChannelIds(channels: readonly unknown[]): PaymentChannelId[] {
  if (channels.length === 0 || channels.length > MAX_HELLO_CHANNELS) {
    throw authFailed(`a connection serves 1 to ${MAX_HELLO_CHANNELS} channels, not ${channels.length}`);
  }
  const ids = channels.map((id) => {
    if (typeof id !== "string" || !isHexString(id, 32)) throw authFailed("a channel id is not 32 bytes of hex");
    return id.toLowerCase() as PaymentChannelId;
  });
  const sorted = [...new Set(ids)].sort();
  if (sorted.length !== ids.length) throw authFailed("a channel is named twice");
  return sorted;
}

/** One channel of a connection: its terms, its id, and this end's counterparty in it. */
export type ServedChannel = { channel: PaymentChannel; channelId: PaymentChannelId; counterparty: Address };

/**
 * The counterparty of `participant` in `channel` (checksummed), or undefined if `participant` is not one of its two.
 */
export function counterpartyOf(channel: PaymentChannel, participant: Address): Address | undefined {
  const me = getAddress(participant);
  const [p1, p2] = [getAddress(channel.participant1), getAddress(channel.participant2)];
  if (me === p1) return p2;
  if (me === p2) return p1;
  return undefined;
}

/**
 * Resolves a `hello`'s channel ids to their terms through `lookup`, and checks that in each the local participant
 * and the claimed peer are the two participants (a channel id is recomputed from the terms found, so that a lookup
 * returning another channel's terms cannot widen the session).
 */
export async function resolveServedChannels({
  deployment,
  local,
  claimed,
  channelIds,
  lookup,
}: {
  deployment: PaymentChannelsDeployment;
  local: Address;
  claimed: Address;
  channelIds: readonly PaymentChannelId[];
  lookup: (channelId: PaymentChannelId) => PaymentChannel | undefined | Promise<PaymentChannel | undefined>;
}): Promise<ServedChannel[]> {
  const peer = getAddress(claimed);
  const served: ServedChannel[] = [];
  for (const channelId of channelIds) {
    const channel = await lookup(channelId);
    if (channel === undefined || computePaymentChannelId({ ...deployment, channel }) !== channelId) {
      throw authFailed(`channel ${channelId} is not one of ours`, { channelId });
    }
    if (counterpartyOf(channel, local) !== peer) {
      throw authFailed(`${peer} is not our counterparty in channel ${channelId}`, { channelId, peer });
    }
    served.push({ channel, channelId, counterparty: peer });
  }
  return served;
}

/**
 * Refuses, before any channel is looked up, a signature that cannot be `participant`'s: none recovered, or another
 * key when session keys are not accepted. Returns the signer.
 */
export function refuseImpossibleSigner({
  participant,
  signer,
  sessionKeysOf,
}: {
  participant: Address;
  signer: Address | undefined;
  sessionKeysOf: PeerSessionKeys | undefined;
}): Address {
  const peer = getAddress(participant);
  if (signer === undefined) throw authFailed("the signature is malformed or recovers no key", { peer });
  if (signer !== peer && sessionKeysOf === undefined) {
    throw authFailed(`signed by ${signer}, not by ${peer}`, { peer, signer });
  }
  return signer;
}

/**
 * Checks that `signer` proves `participant` on every served channel: it is the participant itself, or a session key
 * that `sessionKeysOf` lists for it in each of them. Resolves the session, or throws an authentication failure.
 */
export async function admitSigner({
  participant,
  signer,
  served,
  sessionKeysOf,
}: {
  participant: Address;
  signer: Address | undefined;
  served: readonly ServedChannel[];
  sessionKeysOf: PeerSessionKeys | undefined;
}): Promise<PeerSession> {
  const peer = getAddress(participant);
  const session: PeerSession = { peer, channels: served.map(({ channelId }) => channelId).sort() };
  const key = refuseImpossibleSigner({ participant: peer, signer, sessionKeysOf });
  if (key === peer || sessionKeysOf === undefined) return session;
  for (const { channel, channelId } of served) {
    const keys = (await sessionKeysOf({ channel, channelId, participant: peer })).map((k) => getAddress(k));
    if (!keys.includes(key)) {
      throw authFailed(`signed by ${signer}, neither ${peer} nor its key in channel ${channelId}`, {
        peer,
        signer,
        channelId,
      });
    }
  }
  return session;
}
