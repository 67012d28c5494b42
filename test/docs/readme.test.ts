// README stays true: its TypeScript snippets are excerpts of the runnable programs in examples/ (which the package
// test compiles and runs against anvil), and the commands it gives exist.
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const ROOT = path.join(__dirname, "../..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** Lines without indentation or blank lines: the snippets sit at top level, the examples inside `main`. */
const normalize = (code: string): string[] =>
  code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

function contains(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((line, j) => haystack[i + j] === line)) return true;
  }
  return false;
}

describe("README.md", function () {
  const snippets = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const examples = readdirSync(path.join(ROOT, "examples"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ file: f, lines: normalize(readFileSync(path.join(ROOT, "examples", f), "utf8")) }));

  it("has a TypeScript snippet for a channel payment and one for an escrow deal", function () {
    expect(snippets.some((s) => s.includes("PayerClient.connect"))).to.equal(true);
    expect(snippets.some((s) => s.includes("EscrowClient.connect"))).to.equal(true);
  });

  it("shows only code that is, line for line, in a runnable example of examples/", function () {
    for (const snippet of snippets) {
      const found = examples.some((e) => contains(e.lines, normalize(snippet)));
      expect(found, `README snippet not found in examples/*.ts:\n${snippet}`).to.equal(true);
    }
  });

  it("names only npm scripts that package.json defines", function () {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> })
        .scripts,
    );
    const named = [...README.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
    expect(named.length).to.be.greaterThan(5);
    expect(named.filter((n) => !scripts.includes(n))).to.deep.equal([]);
  });

  it("gives the two commands for a fresh machine at the top", function () {
    const top = README.slice(0, README.indexOf("## Quickstart"));
    expect(top).to.include("npm ci && npm run demo");
    expect(top).to.include("npm ci && npm test");
  });
});
