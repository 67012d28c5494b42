// Downloading a file chunk by chunk, each chunk a paid request (the server's routes: README.md, "The file server").
// Chunks already in the page's cache are not requested again; each new one is checked against the manifest's hash
// and committed to the cache before the next is asked for.
import type { ChunkCache } from "./chunk-cache";
import type { FileManifest } from "./manifest";

/** The paid route of one chunk. */
export function chunkUrl(manifest: FileManifest, index: number): string {
  return `/api/files/${encodeURIComponent(manifest.name)}/chunks/${index}`;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export type DownloadParameters = {
  manifest: FileManifest;
  cache: ChunkCache;
  /** Fetches one chunk, paying for it when the server asks (payingFetch). */
  fetch: (url: string) => Promise<Response>;
  /** Called once per chunk held, cached ones first. */
  onChunk: (held: number, total: number) => void | Promise<void>;
  /** Asked before each request: true stops the download there (it resumes later from the cache). */
  stopped: () => boolean;
};

/** The file when every chunk is held and the whole matches the manifest's hash; `undefined` when stopped first. */
export async function downloadFile({ manifest, cache, fetch, onChunk, stopped }: DownloadParameters) {
  const held = new Set(await cache.indexes(manifest.sha256));
  await onChunk(held.size, manifest.chunks);
  for (let index = 0; index < manifest.chunks; index++) {
    if (held.has(index)) continue;
    if (stopped()) return undefined;
    const response = await fetch(chunkUrl(manifest, index));
    if (!response.ok) throw new Error(`chunk ${index}: HTTP ${response.status} ${await response.text()}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if ((await sha256Hex(bytes)) !== manifest.chunkSha256[index]) throw new Error(`chunk ${index}: wrong bytes`);
    await cache.put(manifest.sha256, index, bytes);
    held.add(index);
    await onChunk(held.size, manifest.chunks);
  }
  const file = new Uint8Array(manifest.size);
  for (let index = 0; index < manifest.chunks; index++) {
    const chunk = await cache.get(manifest.sha256, index);
    if (chunk === undefined) throw new Error(`chunk ${index} is missing from the cache`);
    file.set(chunk, index * manifest.chunkSize);
  }
  if ((await sha256Hex(file)) !== manifest.sha256) throw new Error("the assembled file does not match its SHA-256");
  return file;
}
