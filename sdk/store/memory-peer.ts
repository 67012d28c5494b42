import { StoreError } from "../errors/channels";
import { PeerPayErrorCode } from "../errors/codes";
import type { PeerLogRecord, PeerStore } from "../payment-channels/engine/types";

/**
 * A {@link PeerStore} in memory: for tests and for pages that keep no state across reloads. A copy of every record
 * is kept (JSON round trip), so a caller mutating a record after appending changes nothing stored, and a record that
 * JSON cannot represent is refused as a file store would refuse it. "Durable" here means "kept while the object
 * lives"; pass the same instance to a restarted peer to simulate a restart without loss.
 *
 * @example
 * ```ts
 * const store = new MemoryPeerStore();
 * await store.append([{ type: "acked", channelId, nonce: "1" }], { durable: true });
 * ```
 */
export class MemoryPeerStore implements PeerStore {
  #records: PeerLogRecord[] = [];
  #closed = false;

  /**
   * Every record appended so far, in order (copies).
   *
   * @example
   * ```ts
   * const records = await store.load();
   * ```
   */
  async load(): Promise<PeerLogRecord[]> {
    this.#requireOpen();
    return this.#records.map(copy);
  }

  /**
   * Appends copies of `records`, in order.
   *
   * @example
   * ```ts
   * await store.append([{ type: "acked", channelId, nonce: "2" }], { durable: false });
   * ```
   */
  async append(records: readonly PeerLogRecord[], _options: { durable: boolean }): Promise<void> {
    this.#requireOpen();
    const copies = records.map(copy);
    this.#records.push(...copies);
  }

  /**
   * Replaces every record by copies of `snapshot`.
   *
   * @example
   * ```ts
   * await store.compact(snapshotRecords);
   * ```
   */
  async compact(snapshot: readonly PeerLogRecord[]): Promise<void> {
    this.#requireOpen();
    this.#records = snapshot.map(copy);
  }

  /**
   * Closes the store; the records stay for the next {@link MemoryPeerStore.reopen}.
   *
   * @example
   * ```ts
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /**
   * Opens a closed store again with the records it held, as a restarted process reopens its file.
   *
   * @example
   * ```ts
   * await store.close();
   * const restarted = new ChannelPeer({ ...params, store: store.reopen() });
   * ```
   */
  reopen(): this {
    this.#closed = false;
    return this;
  }

  #requireOpen(): void {
    if (this.#closed) {
      throw new StoreError({ code: PeerPayErrorCode.STORE_UNAVAILABLE, message: "The peer store is closed" });
    }
  }
}

function copy(record: PeerLogRecord): PeerLogRecord {
  let text: string;
  try {
    text = JSON.stringify(record);
  } catch (cause) {
    throw new StoreError({
      code: PeerPayErrorCode.STORE_UNAVAILABLE,
      message: "A peer log record must be JSON-safe (bigints as decimal strings)",
      details: { type: record.type },
      cause,
    });
  }
  return JSON.parse(text) as PeerLogRecord;
}
