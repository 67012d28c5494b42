// The sources a mutation report covers, and their hash: a report is valid for exactly the code it was run on.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

export const ROOT = path.join(__dirname, "../..");

/** Every deployable contract: each .sol file at the root of contracts/. */
export function deployableContracts(root = ROOT): string[] {
  return readdirSync(path.join(root, "contracts"))
    .filter((name) => name.endsWith(".sol"))
    .map((name) => name.slice(0, -".sol".length))
    .sort();
}

/** Project-relative paths of `contract`'s file and of every project file it imports, transitively, sorted. */
export function sourcesOf(contract: string, root = ROOT): string[] {
  const found = new Set<string>();
  const visit = (relative: string) => {
    if (found.has(relative)) return;
    found.add(relative);
    const text = readFileSync(path.join(root, relative), "utf8");
    for (const match of text.matchAll(/^\s*import\s+[^;]*?["']([^"']+)["']\s*;/gm)) {
      const target = match[1];
      if (!target.startsWith(".")) continue; // a package (OpenZeppelin): pinned by package-lock.json
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(relative), target)));
    }
  };
  const file = `contracts/${contract}.sol`;
  if (!existsSync(path.join(root, file))) throw new Error(`no such contract: ${file}`);
  visit(file);
  return [...found].sort();
}

/** Whether a source has code to mutate: interfaces declare only types, events and errors. */
export function hasCode(relative: string, root = ROOT): boolean {
  return (
    !relative.startsWith("contracts/interfaces/") &&
    /\b(contract|library)\s+\w+/.test(readFileSync(path.join(root, relative), "utf8"))
  );
}

/** sha256 over the covered sources' paths and texts, hex. */
export function sourceHash(contract: string, root = ROOT): string {
  const hash = createHash("sha256");
  for (const relative of sourcesOf(contract, root)) {
    hash
      .update(relative)
      .update("\0")
      .update(readFileSync(path.join(root, relative)))
      .update("\0");
  }
  return hash.digest("hex");
}
