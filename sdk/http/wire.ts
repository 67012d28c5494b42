// The wire format of paid HTTP (docs/http-payments.md §2–§4): x402 v2's headers and field names, scheme
// "peerpay-channel". Browser-safe: base64 through btoa/atob over UTF-8 bytes, no Buffer.
import type { Address } from "../core/types";
import type { Channel, ChannelId } from "../channels/types";

/**
 * Header names (x402 v2), lowercase as written on the wire: requirements on a 402, the payment on a request, the
 * receipt on a paid response.
 *
 * @example
 * ```ts
 * const required = response.headers.get(PAYMENT_HEADERS.required);
 * ```
 */
export const PAYMENT_HEADERS = Object.freeze({
  required: "payment-required",
  payment: "payment-signature",
  receipt: "payment-response",
} as const);

/**
 * The x402 scheme name of a cumulative micropayment-channel voucher (HP-X1).
 *
 * @example
 * ```ts
 * const entry = required.accepts.find((a) => a.scheme === PEERPAY_CHANNEL_SCHEME);
 * ```
 */
export const PEERPAY_CHANNEL_SCHEME = "peerpay-channel";

/** The longest PAYMENT-SIGNATURE header the paywall decodes, in characters (HP-P2). */
export const MAX_PAYMENT_HEADER_LENGTH = 32 * 1024;

/**
 * One accepted way to pay, as in x402's `accepts[]` (HP-X2 for `extra`). Amounts are decimal strings.
 *
 * @example
 * ```ts
 * const price = BigInt(requirement.amount);
 * ```
 */
export type PaymentRequirement = {
  scheme: typeof PEERPAY_CHANNEL_SCHEME;
  /** CAIP-2: `eip155:<chainId>`. */
  network: string;
  amount: string;
  /** The channel's token; the zero address for ETH. */
  asset: Address;
  payTo: Address;
  maxTimeoutSeconds: number;
  extra: { contract: Address; minDeposit: string; minChallengePeriod: number; claimMargin: number };
};

/**
 * A 402's body and PAYMENT-REQUIRED header (HP-R1, HP-R2).
 *
 * @example
 * ```ts
 * const required: PaymentRequired = decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.required)!);
 * ```
 */
export type PaymentRequired = {
  x402Version: 2;
  error: string;
  /** A stable PeerPay error code (HP-X5). */
  code: string;
  resource: { url: string; description?: string; mimeType?: string };
  accepts: PaymentRequirement[];
  /** The payee's stored total for the channel the refused voucher named (HP-X4). */
  channel?: { id: ChannelId; stored: string };
};

/**
 * The voucher a request carries (HP-P1).
 *
 * @example
 * ```ts
 * const payload: PaymentPayload = { x402Version: 2, accepted, payload: { contract, channel, amount: "43000", signature } };
 * ```
 */
export type PaymentPayload = {
  x402Version: 2;
  accepted: { scheme: string; network: string; payTo: Address; asset: Address; amount: string };
  payload: { contract: Address; channel: Channel; amount: string; signature: string };
};

/**
 * The receipt of a paid response (HP-S3).
 *
 * @example
 * ```ts
 * const receipt: PaymentReceipt = decodeHeaderJson(response.headers.get(PAYMENT_HEADERS.receipt)!);
 * ```
 */
export type PaymentReceipt = {
  success: true;
  /** The channel id: x402's commitment identifier (HP-X3). */
  transaction: ChannelId;
  network: string;
  payer: Address;
  channelId: ChannelId;
  cumulative: string;
  amount: string;
  credited: string;
};

/** Printable ASCII: JSON.stringify escapes the control characters below U+0020; anything else takes the UTF-8 path. */
const ASCII = /^[\x20-\x7e]*$/;
const UTF8 = new TextEncoder();

/**
 * Base64 of a value's JSON (UTF-8), for a header. Bigints must be strings already.
 *
 * @example
 * ```ts
 * headers.set(PAYMENT_HEADERS.payment, encodeHeaderJson(payload));
 * ```
 */
export function encodeHeaderJson(value: unknown): string {
  const json = JSON.stringify(value);
  // ASCII JSON (every receipt, most 402s) is its own UTF-8: btoa takes it as is, with no copies on the paid path.
  if (json !== undefined && ASCII.test(json)) return btoa(json);
  const bytes = UTF8.encode(json);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The JSON value a base64 header carries; `undefined` when it is not base64 of JSON.
 *
 * @example
 * ```ts
 * const receipt = decodeHeaderJson(value) as PaymentReceipt | undefined;
 * ```
 */
export function decodeHeaderJson(value: string): unknown {
  try {
    const binary = atob(value);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** CAIP-2 network id of an EVM chain. */
export function caip2(chainId: bigint): string {
  return `eip155:${chainId}`;
}

const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;

/** A decimal string as HP-P3 allows it (no sign, no leading zeros, below 10^78), as a bigint; else undefined. */
export function parseDecimal(value: unknown): bigint | undefined {
  return typeof value === "string" && DECIMAL.test(value) ? BigInt(value) : undefined;
}
