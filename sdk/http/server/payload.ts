// Reading a PAYMENT-SIGNATURE header strictly (HP-P2, HP-P3): every field present, of its type, nothing else; a
// failure names the field, never echoes the header (it may be 32 KiB of an attacker's choosing).
import type { Channel } from "../../channels/types";
import { MAX_SIGNATURE_BYTES } from "../../channels/types";
import { isChecksumValid } from "../../internal/address";
import { MAX_PAYMENT_HEADER_LENGTH, parseDecimal, type PaymentPayload } from "../wire";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX = /^0x(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const UINT32_MAX = 2 ** 32 - 1;

/** A parsed payment, or why it could not be read. */
export type ParsedPayment =
  | { ok: true; payment: PaymentPayload; amount: bigint; price: bigint }
  | { ok: false; code: "HTTP_PAYMENT_REQUIRED" | "HTTP_PAYMENT_TOO_LARGE" | "HTTP_PAYMENT_MALFORMED"; reason: string };

/** Reads the header's value as Node gives it (a string, an array when repeated, or undefined). */
export function parsePaymentHeader(value: string | string[] | undefined): ParsedPayment {
  if (value === undefined || value === "") return fail("HTTP_PAYMENT_REQUIRED", "no payment-signature header");
  if (typeof value !== "string") return fail("HTTP_PAYMENT_MALFORMED", "payment-signature given more than once");
  if (value.length > MAX_PAYMENT_HEADER_LENGTH) {
    return fail("HTTP_PAYMENT_TOO_LARGE", `payment-signature longer than ${MAX_PAYMENT_HEADER_LENGTH} characters`);
  }
  if (value.length % 4 !== 0 || !BASE64.test(value)) return fail("HTTP_PAYMENT_MALFORMED", "not base64");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return fail("HTTP_PAYMENT_MALFORMED", "not JSON");
  }
  return parsePayment(json);
}

/** Checks a decoded payment's shape (HP-P3). */
export function parsePayment(json: unknown): ParsedPayment {
  if (!isObject(json, ["x402Version", "accepted", "payload"])) return malformed("payment");
  if (json.x402Version !== 2) return malformed("x402Version");
  const accepted = json.accepted;
  if (!isObject(accepted, ["scheme", "network", "payTo", "asset", "amount"])) return malformed("accepted");
  if (typeof accepted.scheme !== "string" || typeof accepted.network !== "string") return malformed("accepted");
  if (!isAddress(accepted.payTo) || !isAddress(accepted.asset)) return malformed("accepted");
  const price = parseDecimal(accepted.amount);
  if (price === undefined) return malformed("accepted.amount");
  const payload = json.payload;
  if (!isObject(payload, ["contract", "channel", "amount", "signature"])) return malformed("payload");
  if (!isAddress(payload.contract)) return malformed("payload.contract");
  const amount = parseDecimal(payload.amount);
  if (amount === undefined || amount === 0n) return malformed("payload.amount");
  const { signature } = payload;
  if (typeof signature !== "string" || !HEX.test(signature) || signature.length > 2 + 2 * MAX_SIGNATURE_BYTES) {
    return malformed("payload.signature");
  }
  const channel = payload.channel;
  if (!isObject(channel, ["payer", "payee", "token", "signer", "challengePeriod", "salt"])) {
    return malformed("payload.channel");
  }
  for (const field of ["payer", "payee", "token", "signer"] as const) {
    if (!isAddress(channel[field])) return malformed(`payload.channel.${field}`);
  }
  for (const field of ["challengePeriod", "salt"] as const) {
    const n = channel[field];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > UINT32_MAX) {
      return malformed(`payload.channel.${field}`);
    }
  }
  return { ok: true, payment: json as unknown as PaymentPayload, amount, price };
}

function malformed(field: string): ParsedPayment {
  return fail("HTTP_PAYMENT_MALFORMED", `${field} is missing, extra or of the wrong type`);
}

function fail(code: Extract<ParsedPayment, { ok: false }>["code"], reason: string): ParsedPayment {
  return { ok: false, code, reason };
}

/** 0x and 40 hex digits, and a valid EIP-55 checksum when in mixed case: the channel id's hashing rejects a bad one. */
function isAddress(value: unknown): value is string {
  return typeof value === "string" && ADDRESS.test(value) && isChecksumValid(value);
}

/** A plain object with exactly `keys`. */
function isObject<K extends string>(value: unknown, keys: readonly K[]): value is Record<K, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.prototype.hasOwnProperty.call(value, key));
}

/** The channel terms of a parsed payment, as the SDK's type. */
export function channelOf(payment: PaymentPayload): Channel {
  return payment.payload.channel;
}
