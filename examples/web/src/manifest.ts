// What the page and the server (../server.ts) agree on: a file's manifest, free at `GET /api/files/<name>`.

/** What `GET /api/files/<name>` answers (free): the file, its chunks, and the price of one chunk. */
export type FileManifest = {
  name: string;
  size: number;
  chunkSize: number;
  chunks: number;
  /** SHA-256 of the whole file, lowercase hex: also the cache's name for this version of the file. */
  sha256: string;
  /** SHA-256 of each chunk: a chunk that does not match is refused, not cached. */
  chunkSha256: string[];
  /** The price of one chunk in the token's base units (a decimal string), and the token (zero address: ETH). */
  price: string;
  asset: string;
};
