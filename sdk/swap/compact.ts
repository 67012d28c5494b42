// The compact, paste-able form of a signed order (docs/swaps.md, "Sharing orders"): `ppswap1:` then base64url (no
// padding) of a binary encoding that drops the fields at their defaults, with a 4-byte keccak checksum at the end
// so that a mistyped or truncated paste is refused rather than read as another order. The encoding is canonical
// (minimal varints, defaults always dropped, base64url's spare bits zero): one order has exactly one string.
import { ZeroAddress, getAddress, getBytes, hexlify, keccak256 } from "ethers";
import { SwapOrderError } from "../errors/swap";
import { SWAP_LIMITS, type SignedSwapOrder } from "./types";
import { normalizeSwapOrder, requireDeployment } from "./validate";

const VERSION = 1;
const PREFIX = `ppswap${VERSION}:`;
const PREFIX_PATTERN = /^ppswap(\d{1,6}):/;
const CHECKSUM_BYTES = 4;
/** The longest string read: far above any order (an 8 KiB wallet signature included), low enough to refuse junk. */
const MAX_TEXT_LENGTH = 16_384;
const FLAG_ETH = 1;
const FLAG_ANY_TAKER = 2;
const FLAG_MAKER_RECEIVES = 4;
const FLAG_FILL_OR_KILL = 8;
const KNOWN_FLAGS = FLAG_ETH | FLAG_ANY_TAKER | FLAG_MAKER_RECEIVES | FLAG_FILL_OR_KILL;
/** A uint256 takes at most ceil(256 / 7) varint bytes. */
const MAX_VARINT_BYTES = 37;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALPHABET_INDEX = new Map([...ALPHABET].map((char, i) => [char, i]));

function malformed(reason: string, details: Record<string, unknown> = {}): SwapOrderError {
  return new SwapOrderError({
    code: "SWAP_ORDER_MALFORMED",
    message: `Malformed order string: ${reason}`,
    details: { reason, ...details },
  });
}

/**
 * The compact string of a signed order, to paste in a chat or a form: `ppswap1:` and base64url of its binary form
 * with a checksum (about 260 characters for an ECDSA-signed order).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_MALFORMED`: the order or its signature is malformed.
 * @example
 * ```ts
 * const text = serializeOrderCompact(signed); // "ppswap1:AQ…"
 * ```
 */
export function serializeOrderCompact(signed: SignedSwapOrder): string {
  const { chainId, contract } = requireDeployment(signed);
  const order = normalizeSwapOrder(signed.order);
  const signature = signatureBytes(signed.signature);
  let flags = 0;
  if (order.takerToken === ZeroAddress) flags |= FLAG_ETH;
  if (order.taker === ZeroAddress) flags |= FLAG_ANY_TAKER;
  if (order.recipient === ZeroAddress) flags |= FLAG_MAKER_RECEIVES;
  if (order.minFill === order.makerAmount) flags |= FLAG_FILL_OR_KILL;
  const out: number[] = [VERSION, flags];
  writeVarint(out, chainId);
  for (const a of [contract, order.maker, order.makerToken]) out.push(...getBytes(a));
  if ((flags & FLAG_ETH) === 0) out.push(...getBytes(order.takerToken));
  if ((flags & FLAG_ANY_TAKER) === 0) out.push(...getBytes(order.taker));
  if ((flags & FLAG_MAKER_RECEIVES) === 0) out.push(...getBytes(order.recipient));
  writeVarint(out, order.makerAmount);
  writeVarint(out, order.takerAmount);
  if ((flags & FLAG_FILL_OR_KILL) === 0) writeVarint(out, order.minFill);
  writeVarint(out, order.expiry);
  writeVarint(out, order.nonce);
  writeVarint(out, BigInt(order.feeBps));
  writeVarint(out, BigInt(signature.length));
  out.push(...signature);
  const body = Uint8Array.from(out);
  const checksum = getBytes(keccak256(body)).slice(0, CHECKSUM_BYTES);
  return PREFIX + toBase64Url(Uint8Array.from([...body, ...checksum]));
}

/**
 * Reads a compact order string (whitespace anywhere in it ignored, as a chat may wrap it).
 *
 * @throws {SwapOrderError} `SWAP_ORDER_CHECKSUM_MISMATCH` (mistyped or truncated), `SWAP_ORDER_UNSUPPORTED_VERSION`
 * (another prefix version), or `SWAP_ORDER_MALFORMED`.
 */
export function parseOrderCompact(text: string): SignedSwapOrder {
  if (typeof text !== "string") throw malformed("not a string");
  const compact = text.replace(/\s+/g, "");
  if (compact.length > MAX_TEXT_LENGTH) throw malformed("too long", { length: compact.length });
  const prefix = PREFIX_PATTERN.exec(compact);
  if (prefix === null) throw malformed(`does not start with ${PREFIX}`);
  if (Number(prefix[1]) !== VERSION) {
    throw new SwapOrderError({
      code: "SWAP_ORDER_UNSUPPORTED_VERSION",
      message: `Order string version ${prefix[1]} is not supported (this SDK reads version ${VERSION})`,
      details: { version: Number(prefix[1]), supported: [VERSION] },
    });
  }
  const bytes = fromBase64Url(compact.slice(prefix[0].length));
  if (bytes.length <= CHECKSUM_BYTES + 2) throw checksumMismatch();
  const body = bytes.slice(0, bytes.length - CHECKSUM_BYTES);
  const expected = hexlify(getBytes(keccak256(body)).slice(0, CHECKSUM_BYTES));
  if (hexlify(bytes.slice(bytes.length - CHECKSUM_BYTES)) !== expected) throw checksumMismatch();
  return decodeBody(body);
}

function checksumMismatch(): SwapOrderError {
  return new SwapOrderError({
    code: "SWAP_ORDER_CHECKSUM_MISMATCH",
    message: "The order string's checksum does not match: it was mistyped or cut short",
  });
}

function decodeBody(body: Uint8Array): SignedSwapOrder {
  const reader = { bytes: body, at: 0 };
  if (readByte(reader) !== VERSION) throw malformed("the version byte does not match the prefix");
  const flags = readByte(reader);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw malformed("unknown flags", { flags });
  const chainId = readVarint(reader);
  const contract = readAddress(reader);
  const maker = readAddress(reader);
  const makerToken = readAddress(reader);
  const optionalAddress = (flag: number) => {
    if ((flags & flag) !== 0) return ZeroAddress;
    const value = readAddress(reader);
    // The zero address is encoded by its flag only: anything else would give one order two strings.
    if (value === ZeroAddress) throw malformed("a default field is spelled out");
    return value;
  };
  const takerToken = optionalAddress(FLAG_ETH);
  const taker = optionalAddress(FLAG_ANY_TAKER);
  const recipient = optionalAddress(FLAG_MAKER_RECEIVES);
  const makerAmount = readVarint(reader);
  const takerAmount = readVarint(reader);
  let minFill = makerAmount;
  if ((flags & FLAG_FILL_OR_KILL) === 0) {
    minFill = readVarint(reader);
    if (minFill === makerAmount) throw malformed("a default field is spelled out");
  }
  const expiry = readVarint(reader);
  const nonce = readVarint(reader);
  const feeBps = readVarint(reader);
  const signatureLength = readVarint(reader);
  if (signatureLength === 0n || signatureLength > BigInt(SWAP_LIMITS.maxSignatureBytes)) {
    throw malformed("bad signature length", { signatureLength });
  }
  const signature = hexlify(readBytes(reader, Number(signatureLength)));
  if (reader.at !== body.length) throw malformed("trailing bytes");
  const order = normalizeSwapOrder({
    maker,
    makerToken,
    makerAmount,
    takerToken,
    takerAmount,
    taker,
    recipient,
    minFill,
    expiry,
    nonce,
    // A bigint: normalizeSwapOrder checks it against uint16 before making it a number.
    feeBps: feeBps as unknown as number,
  });
  return { ...requireDeployment({ chainId, contract }), order, signature };
}

function signatureBytes(signature: unknown): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = getBytes(signature as string);
  } catch {
    throw malformed("the signature is not hex bytes", { signature });
  }
  if (bytes.length === 0 || bytes.length > SWAP_LIMITS.maxSignatureBytes) {
    throw malformed("bad signature length", { signatureLength: bytes.length });
  }
  return bytes;
}

// ------------------------------------------------------------------ varints (unsigned LEB128, minimal)

function writeVarint(out: number[], value: bigint): void {
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
}

type Reader = { bytes: Uint8Array; at: number };

function readByte(reader: Reader): number {
  if (reader.at >= reader.bytes.length) throw malformed("cut short");
  return reader.bytes[reader.at++];
}

function readBytes(reader: Reader, length: number): Uint8Array {
  if (reader.at + length > reader.bytes.length) throw malformed("cut short");
  const slice = reader.bytes.slice(reader.at, reader.at + length);
  reader.at += length;
  return slice;
}

function readAddress(reader: Reader): string {
  return getAddress(hexlify(readBytes(reader, 20)));
}

function readVarint(reader: Reader): bigint {
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = readByte(reader);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) {
      // A last byte of 0 after others is a longer spelling of the same number.
      if (byte === 0 && i > 0) throw malformed("a number is not minimally encoded");
      return value;
    }
  }
  throw malformed("a number is too long");
}

// ------------------------------------------------------------------ base64url, no padding, canonical

function toBase64Url(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) text += ALPHABET[(chunk >> (18 - 6 * j)) & 63];
  }
  return text;
}

function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw checksumMismatch();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const index = ALPHABET_INDEX.get(char);
    if (index === undefined) throw malformed("a character is not base64url", { char });
    buffer = (buffer << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  // The last character's spare bits must be zero, or two strings would read as one order.
  if (buffer !== 0) throw checksumMismatch();
  return Uint8Array.from(out);
}
