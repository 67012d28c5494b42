// Node only: the file operations both durable logs (sdk/store/file.ts, sdk/store/peer-log.ts) build on. Each one
// exists because a plain fs call is not enough for durability: a write may be short, a rename is durable only once
// its directory is synced, and a missing log is an empty one.
import { open as openFile, readFile, rename, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes the whole buffer at the handle's position (a `write` may write less than asked). */
export async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, written, buffer.length - written);
    written += bytesWritten;
  }
}

/** Makes the creation or renaming of a file in the directory of `path` durable. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await openFile(dirname(path), "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** The file's contents, or no bytes if it does not exist. */
export async function readOrEmpty(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "ENOENT") return Buffer.alloc(0);
    throw error;
  }
}

/** The temporary file {@link replaceFile} writes before renaming it over `path`. */
export function temporaryOf(path: string): string {
  return `${path}.compact`;
}

/**
 * Replaces `path` by `contents` atomically: written to a temporary file, synced, renamed over `path`, and the
 * directory synced. A crash at any step leaves the old file or the new one, whole, at `path` (the temporary file
 * may stay behind; it is rewritten from scratch next time).
 */
export async function replaceFile(path: string, contents: Buffer): Promise<void> {
  const temporary = temporaryOf(path);
  const out = await openFile(temporary, "w");
  try {
    await writeAll(out, contents);
    await out.datasync();
  } finally {
    await out.close();
  }
  await rename(temporary, path);
  await syncDirectory(path);
}
