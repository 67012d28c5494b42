// The voucher log's record formats (docs/micropayments.md §5): encoding, and replay with recovery. No I/O here:
// sdk/store/file.ts reads and writes the log.
import { createHmac } from "node:crypto";
import { crc32 } from "node:zlib";
import { MAX_SIGNATURE_BYTES, type ChannelId, type Voucher } from "../channels/types";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import { bytesToHex, hexInto } from "../internal/bytes";

// The formats of docs/micropayments.md §5. Integers are big-endian.

/**
 * Version 1 (written by SDKs before variable-length signatures; replayed, never written), 134 bytes:
 * `0x01 ‖ channelId (32) ‖ amount (32) ‖ signature (65) ‖ CRC-32 of the 130 bytes before it (4)`.
 */
const V1 = 0x01;
const V1_SIZE = 134;
/**
 * Version 2 (replayed, never written), 71 + L bytes: `0x02 ‖ L (2) ‖ channelId (32) ‖ amount (32) ‖ signature (L) ‖
 * CRC-32 of the 67 + L bytes before it (4)`, with `L ≤ MAX_SIGNATURE_BYTES`.
 */
const V2 = 0x02;
const V2_OVERHEAD = 71;
/**
 * Version 3, the only one written: a log header, then records of 75 + L bytes: `0x03 ‖ L (2) ‖ channelId (32) ‖
 * amount (32) ‖ signature (L) ‖ tag (8)`, where the tag is the first 8 bytes of HMAC-SHA256 under the log's key of
 * the 67 + L bytes before it. A peer chooses a contract payer's signature bytes but not the key, so no record can
 * be planted inside a signature: replay can skip damaged bytes and resynchronise on the next record that verifies.
 */
const V3 = 0x03;
const V3_OVERHEAD = 75;
const TAG_SIZE = 8;
/** Where the signature starts in a version-2 or version-3 record. */
const SIGNATURE_OFFSET = 67;
/**
 * The version-3 log header, 104 bytes: `0x00 ‖ a version-2 record of channel id HEADER_MAGIC, amount 3 and the
 * 32-byte key as its signature`. A byte that starts no record, then a valid version-2 record: an SDK that knows
 * only versions 1 and 2 reads that as damage followed by valid data and refuses to open the log (`STORE_CORRUPT`)
 * instead of cutting off what it cannot read.
 */
const HEADER_MAGIC = Buffer.from("PeerPay voucher log, version 3.\n", "latin1");
export const KEY_SIZE = 32;
const HEADER_SIZE = 1 + V2_OVERHEAD + KEY_SIZE;

/** A range of bytes of the log. */
export type FileVoucherStoreRange = { offset: number; length: number };

/**
 * What {@link FileVoucherStore.open} found damaged and repaired, in {@link FileVoucherStore.recovery}. Each range
 * held no record that verifies, so no voucher in it was ever acknowledged (the range was being written when the
 * process or machine stopped) or the disk damaged it; an operator should look at a non-empty report.
 *
 * @example
 * ```ts
 * const { skipped, truncated } = store.recovery;
 * if (skipped.length > 0 || truncated) log.warn("voucher log repaired", store.recovery);
 * ```
 */
export type FileVoucherStoreRecovery = {
  /** Damaged ranges between valid records (version 3): skipped on every replay until a compaction drops them. */
  skipped: FileVoucherStoreRange[];
  /** The damaged end of the log (a torn last write), cut off. */
  truncated: FileVoucherStoreRange | null;
  /**
   * A log written by an older SDK, rewritten in version 3 at open: the highest version of its records (1 or 2);
   * else null.
   */
  upgradedFrom: 1 | 2 | null;
};

/** A replayed log: its key (null for a new log or one of an older version), vouchers and repairs. */
export type Replayed = {
  key: Buffer | null;
  vouchers: Voucher[];
  records: number;
  validLength: number;
  recovery: FileVoucherStoreRecovery;
};

// ------------------------------------------------------------------ encoding

/** The tag of a version-3 record whose tagged bytes are `record[0, end)`. */
function tagOf(key: Buffer, record: Buffer, start: number, end: number): Buffer {
  return createHmac("sha256", key).update(record.subarray(start, end)).digest();
}

/** A version-3 record of a checked voucher (lowercase hex, signature within MAX_SIGNATURE_BYTES). */
export function encode(voucher: Voucher, key: Buffer): Buffer {
  const length = (voucher.signature.length - 2) / 2;
  const size = V3_OVERHEAD + length;
  const record = Buffer.allocUnsafe(size);
  record[0] = V3;
  record.writeUInt16BE(length, 1);
  hexInto(voucher.channelId.slice(2), record, 3, 32);
  hexInto(voucher.amount.toString(16).padStart(64, "0"), record, 35, 32);
  hexInto(voucher.signature.slice(2), record, SIGNATURE_OFFSET, length);
  tagOf(key, record, 0, size - TAG_SIZE).copy(record, size - TAG_SIZE, 0, TAG_SIZE);
  return record;
}

/** The version-3 log header holding `key`. */
export function encodeHeader(key: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header[1] = V2;
  header.writeUInt16BE(KEY_SIZE, 2);
  HEADER_MAGIC.copy(header, 4);
  header[1 + 3 + 63] = V3; // amount = 3, the format version
  key.copy(header, 1 + SIGNATURE_OFFSET);
  header.writeUInt32BE(crc32(header.subarray(1, HEADER_SIZE - 4)), HEADER_SIZE - 4);
  return header;
}

/** The key of a valid version-3 header at the start of `contents`, or null. */
function headerKey(contents: Buffer): Buffer | null {
  if (contents.length < HEADER_SIZE) return null;
  const header = contents.subarray(0, HEADER_SIZE);
  const expected = encodeHeader(header.subarray(1 + SIGNATURE_OFFSET, 1 + SIGNATURE_OFFSET + KEY_SIZE));
  return expected.equals(header)
    ? Buffer.from(header.subarray(1 + SIGNATURE_OFFSET, 1 + SIGNATURE_OFFSET + KEY_SIZE))
    : null;
}

/** The size of the valid version-3 record at `offset`, or 0 if there is none (torn, damaged, or the end). */
function v3SizeAt(contents: Buffer, offset: number, key: Buffer): number {
  if (contents[offset] !== V3 || offset + V3_OVERHEAD > contents.length) return 0;
  const length = contents.readUInt16BE(offset + 1);
  if (length > MAX_SIGNATURE_BYTES) return 0;
  const size = V3_OVERHEAD + length;
  if (offset + size > contents.length) return 0;
  const tag = tagOf(key, contents, offset, offset + size - TAG_SIZE);
  return tag.compare(contents, offset + size - TAG_SIZE, offset + size, 0, TAG_SIZE) === 0 ? size : 0;
}

/**
 * The size of the version-1 or version-2 record at `offset` if it is valid, as a positive number; else, as a
 * negative number, the size its first bytes declare (0 if they declare none: another version, or a length above
 * MAX_SIGNATURE_BYTES).
 */
function legacySizeAt(contents: Buffer, offset: number): number {
  let size: number;
  if (contents[offset] === V1) {
    size = V1_SIZE;
  } else if (contents[offset] === V2 && offset + 3 <= contents.length) {
    const length = contents.readUInt16BE(offset + 1);
    if (length > MAX_SIGNATURE_BYTES) return 0;
    size = V2_OVERHEAD + length;
  } else {
    return 0;
  }
  if (offset + size > contents.length) return -size;
  const crc = contents.readUInt32BE(offset + size - 4);
  return crc32(contents.subarray(offset, offset + size - 4)) === crc ? size : -size;
}

/** The voucher of the valid record of any version at `offset`, of `size` bytes. */
function decode(contents: Buffer, offset: number, size: number): Voucher {
  // Version 1 has no length field: its fields start two bytes earlier. Version 3 ends with a longer tag.
  const version = contents[offset];
  const at = version === V1 ? offset + 1 : offset + 3;
  const end = offset + size - (version === V3 ? TAG_SIZE : 4);
  return {
    channelId: bytesToHex(contents.subarray(at, at + 32)) as ChannelId,
    amount: BigInt(bytesToHex(contents.subarray(at + 32, at + 64))),
    signature: bytesToHex(contents.subarray(at + 64, end)),
  };
}

/** Keeps the better of `voucher` and the channel's best so far. */
function keepBest(best: Map<ChannelId, Voucher>, voucher: Voucher): void {
  const known = best.get(voucher.channelId);
  if (known === undefined || known.amount < voucher.amount) best.set(voucher.channelId, voucher);
}

/** Replays a log of any version (docs/micropayments.md §5, "Recovery"). */
export function replay(contents: Buffer, path: string): Replayed {
  const recovery: FileVoucherStoreRecovery = { skipped: [], truncated: null, upgradedFrom: null };
  if (contents.length === 0) return { key: null, vouchers: [], records: 0, validLength: 0, recovery };
  const key = headerKey(contents);
  if (key !== null) return replayTagged(contents, key);
  if (contents.subarray(4, 4 + HEADER_MAGIC.length).equals(HEADER_MAGIC)) {
    // A version-3 log whose header the disk damaged: without the key, no record can be told from a planted one.
    throw new StoreError({
      code: PeerPayErrorCode.STORE_CORRUPT,
      message: `The header of ${path} is damaged`,
      details: { path, offset: 0 },
    });
  }
  return replayLegacy(contents, path);
}

/**
 * Version 3: every record that verifies, wherever it starts. Bytes between records are skipped (resynchronising
 * byte by byte is safe because only this store can tag a record); bytes after the last record are the torn tail.
 */
function replayTagged(contents: Buffer, key: Buffer): Replayed {
  const best = new Map<ChannelId, Voucher>();
  const recovery: FileVoucherStoreRecovery = { skipped: [], truncated: null, upgradedFrom: null };
  let records = 0;
  let validLength = HEADER_SIZE;
  let offset = HEADER_SIZE;
  while (offset < contents.length) {
    // The next record starts with 0x03: only those offsets are checked.
    const next = contents.indexOf(V3, offset);
    if (next < 0) break;
    const size = v3SizeAt(contents, next, key);
    if (size === 0) {
      offset = next + 1;
      continue;
    }
    if (next > validLength) recovery.skipped.push({ offset: validLength, length: next - validLength });
    keepBest(best, decode(contents, next, size));
    records++;
    offset = validLength = next + size;
  }
  if (validLength < contents.length) {
    recovery.truncated = { offset: validLength, length: contents.length - validLength };
  }
  return { key, vouchers: [...best.values()], records, validLength, recovery };
}

/**
 * Versions 1 and 2, whose unkeyed CRC a peer can forge inside a signature: records are read in order up to the
 * first invalid one, and nothing after it is trusted. The rest is a torn last write, and cut off, when no valid
 * record starts at any later byte, or when the invalid record's own declared extent runs past the end of the file
 * (everything after its start is then part of it, whatever it holds). Otherwise the synced part was damaged:
 * `STORE_CORRUPT`, and nothing is cut.
 */
function replayLegacy(contents: Buffer, path: string): Replayed {
  const best = new Map<ChannelId, Voucher>();
  let offset = 0;
  let records = 0;
  let upgradedFrom: 1 | 2 | null = null;
  let size = legacySizeAt(contents, 0);
  for (; size > 0; size = legacySizeAt(contents, offset)) {
    if (contents[offset] === V2 || upgradedFrom === null) upgradedFrom = contents[offset] === V2 ? 2 : 1;
    keepBest(best, decode(contents, offset, size));
    offset += size;
    records++;
  }
  const tornLast = size < 0 && offset - size > contents.length;
  if (!tornLast) {
    for (let later = offset + 1; later + V2_OVERHEAD <= contents.length; later++) {
      if (legacySizeAt(contents, later) > 0) {
        throw new StoreError({
          code: PeerPayErrorCode.STORE_CORRUPT,
          message: `Invalid record at byte ${offset} of ${path}, followed by a valid one at byte ${later}`,
          details: { path, offset, next: later },
        });
      }
    }
  }
  const recovery: FileVoucherStoreRecovery = {
    skipped: [],
    truncated: offset < contents.length ? { offset, length: contents.length - offset } : null,
    upgradedFrom,
  };
  return { key: null, vouchers: [...best.values()], records, validLength: offset, recovery };
}
