// The page's own IndexedDB database of downloaded chunks (beside the SDK's database of payer state): a reload resumes
// a download at its first missing chunk, so no chunk already received is requested, or paid for, again.

const DATABASE = "peerpay-web-example";
const CHUNKS = "chunks";

/** A chunk as stored: keyed by the file's SHA-256 (a changed file starts afresh) and the chunk's index. */
type StoredChunk = { key: string; file: string; index: number; bytes: ArrayBuffer };

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/** The chunks of every file this page has downloaded, in IndexedDB. */
export class ChunkCache {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(): Promise<ChunkCache> {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(CHUNKS, { keyPath: "key" });
      store.createIndex("file", "file");
    };
    return new ChunkCache(await promised(request));
  }

  /** The indexes of the chunks held for the file whose SHA-256 is `file`, ascending. */
  async indexes(file: string): Promise<number[]> {
    const index = this.db.transaction(CHUNKS).objectStore(CHUNKS).index("file");
    const keys = (await promised(index.getAllKeys(file))) as string[];
    return keys.map((key) => Number(key.slice(key.lastIndexOf(":") + 1))).sort((a, b) => a - b);
  }

  async get(file: string, index: number): Promise<Uint8Array | undefined> {
    const stored = (await promised(this.db.transaction(CHUNKS).objectStore(CHUNKS).get(`${file}:${index}`))) as
      StoredChunk | undefined;
    return stored === undefined ? undefined : new Uint8Array(stored.bytes);
  }

  /** Resolves once the chunk is committed: a reload after it never asks for this chunk again. */
  async put(file: string, index: number, bytes: Uint8Array): Promise<void> {
    const transaction = this.db.transaction(CHUNKS, "readwrite", { durability: "strict" });
    const chunk: StoredChunk = { key: `${file}:${index}`, file, index, bytes: bytes.slice().buffer };
    transaction.objectStore(CHUNKS).put(chunk);
    await committed(transaction);
  }

  /** Forgets every chunk of the file (to download it again, paying again). */
  async clear(file: string): Promise<void> {
    const indexes = await this.indexes(file);
    // A transaction commits when it has nothing left to do: open it only once the keys are known.
    const transaction = this.db.transaction(CHUNKS, "readwrite");
    const store = transaction.objectStore(CHUNKS);
    for (const index of indexes) store.delete(`${file}:${index}`);
    await committed(transaction);
  }
}
