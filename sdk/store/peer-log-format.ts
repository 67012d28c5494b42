// The peer log's format (docs/payment-channels.md §8.4): encoding, and replay with recovery. No I/O here:
// sdk/store/peer-log.ts reads and writes the log.
import { crc32 } from "node:zlib";
import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import type { PeerLogRecord } from "../payment-channels/engine/types";

/**
 * The log header, one line of text (readable with `head -1`): the format version is its last number. A log of
 * another version is refused, not guessed at.
 */
const HEADER_PREFIX = "PeerPay peer log, format ";
export const FORMAT_VERSION = 1;
export const HEADER = Buffer.from(`${HEADER_PREFIX}${FORMAT_VERSION}\n`, "latin1");

/**
 * A frame: `length (4, big-endian) ‖ CRC-32 of the length field and the payload (4) ‖ payload (length)`, where the
 * payload is the UTF-8 JSON array of the records of one group commit. One frame per `write` + `fdatasync`: a crash
 * can tear only the frame being written, and all of it was unacknowledged.
 */
const FRAME_OVERHEAD = 8;
/** The largest payload of one frame: one append, or one group commit, must fit (a record of 64 MiB is a bug). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * A range of bytes of the log.
 *
 * @example
 * ```ts
 * const torn: FilePeerStoreRange = { offset: 4_096, length: 37 };
 * ```
 */
export type FilePeerStoreRange = { offset: number; length: number };

/**
 * What {@link FilePeerStore.open} found and repaired: the torn end of the log, cut off (null if none). Those bytes
 * were a group commit whose `fdatasync` never completed, so none of its records was acknowledged as durable.
 *
 * @example
 * ```ts
 * if (store.recovery.truncated) log.warn("peer log: torn last write dropped", store.recovery.truncated);
 * ```
 */
export type FilePeerStoreRecovery = { truncated: FilePeerStoreRange | null };

/** A replayed log: its records, where the valid part ends, and what was cut off. */
export type ReplayedPeerLog = { records: PeerLogRecord[]; frames: number; validLength: number };

/** The JSON text of `record`, or a StoreError if JSON cannot represent it as an object with a string `type`. */
export function serialize(record: PeerLogRecord): string {
  let text: string | undefined;
  let cause: unknown;
  try {
    text = JSON.stringify(record);
  } catch (error) {
    cause = error;
  }
  if (text === undefined || text[0] !== "{" || typeof record.type !== "string") {
    // As MemoryPeerStore refuses it: nothing is written, and the store stays usable.
    throw new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: "A peer log record must be JSON-safe (bigints as decimal strings), with a string type",
      details: { type: typeof record?.type === "string" ? record.type : undefined },
      cause,
    });
  }
  return text;
}

/** The payload size of a frame of the serialized records `texts`: `[`, the records separated by `,`, then `]`. */
export function payloadSize(texts: readonly string[]): number {
  return 2 + texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) + Math.max(0, texts.length - 1);
}

/** One frame whose payload is the JSON array of the already serialized records `texts`. */
export function encodeFrame(texts: readonly string[]): Buffer {
  const payloadLength = payloadSize(texts);
  const frame = Buffer.allocUnsafe(FRAME_OVERHEAD + payloadLength);
  frame.writeUInt32BE(payloadLength, 0);
  let at = FRAME_OVERHEAD;
  frame[at++] = OPEN_BRACKET;
  texts.forEach((text, i) => {
    if (i > 0) frame[at++] = 0x2c; // ","
    at += frame.write(text, at, "utf8");
  });
  frame[at] = CLOSE_BRACKET;
  frame.writeUInt32BE(checksum(frame, 0, payloadLength), 4);
  return frame;
}

function checksum(contents: Buffer, offset: number, payloadLength: number): number {
  const end = offset + FRAME_OVERHEAD + payloadLength;
  return crc32(contents.subarray(offset + FRAME_OVERHEAD, end), crc32(contents.subarray(offset, offset + 4)));
}

/** The payload length of the frame at `offset` if its extent fits and its checksum holds, else -1. */
function validFrameAt(contents: Buffer, offset: number): number {
  if (offset + FRAME_OVERHEAD + 2 > contents.length) return -1;
  const length = contents.readUInt32BE(offset);
  // A zero-filled tail (a file extended but not written before a power loss) has length 0: never a frame.
  if (length < 2 || length > MAX_PAYLOAD_BYTES || offset + FRAME_OVERHEAD + length > contents.length) return -1;
  const start = offset + FRAME_OVERHEAD;
  if (contents[start] !== OPEN_BRACKET || contents[start + length - 1] !== CLOSE_BRACKET) return -1;
  return checksum(contents, offset, length) === contents.readUInt32BE(offset + 4) ? length : -1;
}

function corrupt(path: string, message: string, details: Record<string, unknown>): StoreError {
  return new StoreError({ code: PeerPayErrorCode.STORE_CORRUPT, message, details: { path, ...details } });
}

/**
 * Replays a peer log: every frame in order up to the first invalid one. What follows is either the torn last write
 * (no valid frame starts at any later byte: cut off by the caller) or damage to synced data (a valid frame follows:
 * `STORE_CORRUPT`, nothing cut). An empty file is a new log.
 *
 * Why refuse rather than skip: the store writes frame `k + 1` only after the `fdatasync` of frame `k` completed, so
 * at most the last frame can be unsynced. An invalid frame followed by a valid one was therefore synced, and
 * acknowledged, and the disk lost it: it may hold a `sent(n)` whose loss would let the peer sign a second state with
 * nonce `n`, or a `received(n)` the other side counts as paid. Replaying around it would hand the engine a log with
 * a hole it cannot see; refusing makes an operator restore the file (or decide to drop it) knowingly.
 *
 * A payload never holds a byte below 0x20 (JSON escapes them), and every frame starts with one (its length is below
 * 64 MiB), so a frame planted in a record's strings cannot start inside a payload; and no frame is ever replayed past
 * an invalid one. The
 * limit of the rule: a bit flipped in the last frame after it was synced reads as a torn write, and that frame's
 * records are dropped (reported in the recovery) - no checksum can tell those two apart.
 *
 * @throws {StoreError} `STORE_CORRUPT` if the header is not one this SDK writes, a valid frame follows an invalid
 * one, or a frame whose checksum holds is not a JSON array of records (only another program could write it).
 */
export function replayPeerLog(contents: Buffer, path: string): ReplayedPeerLog {
  if (contents.length === 0) return { records: [], frames: 0, validLength: 0 };
  const prefix = Buffer.from(HEADER_PREFIX, "latin1");
  if (!contents.subarray(0, HEADER.length).equals(HEADER)) {
    const known = contents.subarray(0, prefix.length).equals(prefix);
    const line = contents.subarray(0, Math.min(contents.length, 64)).toString("latin1").split("\n")[0];
    throw corrupt(
      path,
      known
        ? `${path} is a peer log of another format (${line}); this SDK reads format ${FORMAT_VERSION}`
        : `${path} is not a peer log`,
      { offset: 0 },
    );
  }
  const records: PeerLogRecord[] = [];
  let frames = 0;
  let offset = HEADER.length;
  for (let length = validFrameAt(contents, offset); length >= 0; length = validFrameAt(contents, offset)) {
    records.push(...decodePayload(contents, offset, length, path));
    offset += FRAME_OVERHEAD + length;
    frames++;
  }
  for (let later = offset + 1; later + FRAME_OVERHEAD + 2 <= contents.length; later++) {
    if (validFrameAt(contents, later) >= 0) {
      throw corrupt(path, `Invalid frame at byte ${offset} of ${path}, followed by a valid one at byte ${later}`, {
        offset,
        next: later,
      });
    }
  }
  return { records, frames, validLength: offset };
}

function decodePayload(contents: Buffer, offset: number, length: number, path: string): PeerLogRecord[] {
  const start = offset + FRAME_OVERHEAD;
  let value: unknown;
  try {
    value = JSON.parse(contents.toString("utf8", start, start + length));
  } catch {
    value = undefined;
  }
  const isRecord = (item: unknown) =>
    typeof item === "object" &&
    item !== null &&
    !Array.isArray(item) &&
    typeof (item as PeerLogRecord).type === "string";
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw corrupt(path, `The frame at byte ${offset} of ${path} passes its checksum but holds no records`, { offset });
  }
  return value as PeerLogRecord[];
}
