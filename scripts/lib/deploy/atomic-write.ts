// D-R1 (docs/deployments.md §3): a file written so that a reader sees the old text or the new one, never a torn one.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { DeployError, DeployErrorCode } from "./errors";

/** The file operations of the atomic writer; tests substitute failing ones. */
export interface AtomicFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

export const nodeFs: AtomicFs = { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync };

/** Temporary files of the atomic writer are named `.<file>.<random>.tmp` beside the file (ignored by git). */
export const TEMP_FILE_RE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * D-R1: writes `text` to `path` atomically: into a new temporary file in the same folder (a rename is atomic only
 * within one file system), flushed to disk, then renamed over `path`, and the folder flushed so that the rename
 * itself survives a crash. A reader sees the old file or the new one, never a torn one. On failure the temporary
 * file is removed and the old file is untouched.
 */
export function writeFileAtomic(path: string, text: string, fs: AtomicFs = nodeFs): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", 0o644);
    const data = Buffer.from(text, "utf8");
    let written = 0;
    // writeSync may write less than asked; loop until every byte is out.
    while (written < data.length) written += fs.writeSync(fd, data.subarray(written));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // The write already failed; that error is the one to report.
      }
    }
    try {
      fs.unlinkSync(temp);
    } catch {
      // Not created, or already renamed.
    }
    throw new DeployError(
      DeployErrorCode.RECORD_WRITE_FAILED,
      `could not write ${path}: ${(error as Error).message}`,
      { path },
      { cause: error },
    );
  }
  // Flush the folder entry of the rename; not every platform can open a folder, and the data is already safe.
  try {
    const dirFd = openSync(dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Best effort only.
  }
}
