// `npm run build` (after `hardhat compile`), rule P-1 of docs/deployments.md: empties dist/, emits the SDK as
// CommonJS with .d.ts declarations (tsconfig.build.json; the TypeChain bindings the SDK imports come along, and
// only those), then the same SDK as ES modules in dist/esm/ (see `buildEsm`), then writes one ABI per deployable
// contract, dist/abi/<Contract>.json, with a declaration typing it as a literal (`as const`) ABI, and the
// declaration of the published address books' JSON.
import { spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "vite";
import { PRODUCTS } from "./products";

const ROOT = path.join(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** The registered products' contracts (scripts/products/index.ts). */
const DEPLOYABLE = PRODUCTS.map((product) => product.contract);

/** A JSON value as the TypeScript type of its `as const` literal. */
function literalType(value: unknown): string {
  if (Array.isArray(value)) return `readonly [${value.map(literalType).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).map(
      ([key, inner]) => `readonly ${JSON.stringify(key)}: ${literalType(inner)}`,
    );
    return `{ ${fields.join("; ")} }`;
  }
  return JSON.stringify(value);
}

/** The package's runtime dependencies (`ws`, which `peerpay/node`'s WebSocket server imports): npm installs them. */
const MANIFEST = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
/** The runtime and peer dependencies (ethers; `pg`, optional, loaded only by the PostgreSQL store): imported, never carried. */
const DEPENDENCIES = [...Object.keys(MANIFEST.dependencies ?? {}), ...Object.keys(MANIFEST.peerDependencies ?? {})];

/**
 * What the ES modules import and must not carry: the peer dependency ethers, the runtime dependencies, and Node's
 * built-ins (`peerpay/node`).
 */
function isExternal(id: string): boolean {
  return (
    id === "ethers" ||
    id.startsWith("ethers/") ||
    DEPENDENCIES.some((name) => id === name || id.startsWith(`${name}/`)) ||
    id.startsWith("node:") ||
    builtinModules.includes(id.split("/")[0]) ||
    builtinModules.includes(id)
  );
}

/**
 * The ES module build, dist/esm/ (its package.json says `"type": "module"`): the two entries (sdk/index.ts,
 * sdk/node.ts) bundled by Vite (Rollup) in library mode, one output module per source module (`preserveModules`, so
 * that consumers' bundlers tree-shake per file and stack traces name the source file), ethers and Node's built-ins
 * left as imports.
 *
 * Why a bundler rather than a second `tsc` run: Node's ES module loader needs explicit file extensions on relative
 * imports and an import attribute on JSON imports, neither of which the sources (nor the TypeChain output they
 * import) carry, and `tsc` does not add them. Rollup resolves every relative import itself, writes the extensions,
 * and turns sdk/address-book.json into a module. Vite is already the pinned tool of the browser bundle test
 * (test/package/browser.test.ts), so the package is built and checked by the same bundler.
 *
 * The declarations are ES module declarations of their own (the CommonJS build's, copied into dist/esm/ with their
 * relative specifiers given the `.js` extension): re-exporting the CommonJS declarations instead would type `ethers` as its
 * CommonJS build inside an ES module app, whose own `ethers` types (the ES build) do not match them (ethers' classes
 * have private fields), so a `JsonRpcProvider` would not be accepted as a runner.
 */
async function buildEsm(): Promise<void> {
  const outDir = path.join(DIST, "esm");
  await build({
    configFile: false,
    logLevel: "warn",
    root: ROOT,
    build: {
      outDir,
      emptyOutDir: false,
      copyPublicDir: false,
      minify: false,
      target: "es2022",
      reportCompressedSize: false,
      lib: {
        entry: { "sdk/index": path.join(ROOT, "sdk/index.ts"), "sdk/node": path.join(ROOT, "sdk/node.ts") },
        formats: ["es"],
      },
      rollupOptions: {
        external: isExternal,
        output: { preserveModules: true, preserveModulesRoot: ROOT, entryFileNames: "[name].js" },
      },
    },
  });
  writeFileSync(path.join(outDir, "package.json"), JSON.stringify({ type: "module" }, null, 2) + "\n");

  // The declarations tsc wrote for the CommonJS build, module-format neutral, copied beside the ES modules with
  // their relative specifiers completed (a second tsc run would write the same text, ~30 s later).
  for (const file of listFiles(DIST).filter((name) => name.endsWith(".d.ts") && !name.startsWith(outDir))) {
    const relative = path.relative(DIST, file);
    if (!/^(sdk|typechain-types)\//.test(relative)) continue;
    const target = path.join(outDir, relative);
    const source = readFileSync(file, "utf8");
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(
      target,
      source.replace(RELATIVE_SPECIFIER, (_, before: string, specifier: string, after: string) => {
        return `${before}${esmSpecifier(file, specifier)}${after}`;
      }),
    );
  }
}

/** A relative module specifier in a declaration: `from "./x"`, `import("./x")`, `import "./x"`. */
const RELATIVE_SPECIFIER = /(\bfrom\s+"|\bimport\s*\(\s*"|\bimport\s+")(\.{1,2}\/[^"]*)(")/g;

/** `specifier`, imported by the declaration `file`, as Node's ES resolution needs it: with its file's extension. */
function esmSpecifier(file: string, specifier: string): string {
  const target = path.resolve(path.dirname(file), specifier);
  if (existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(path.join(target, "index.d.ts"))) return `${specifier}/index.js`;
  throw new Error(`${path.relative(ROOT, file)}: cannot resolve "${specifier}" for the ES declarations`);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

function runTsc(args: string[]): void {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), ...args], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error(`tsc ${args.join(" ")} failed (exit ${tsc.status ?? tsc.signal})`);
}

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });

  runTsc(["-p", "tsconfig.build.json"]);
  await buildEsm();

  mkdirSync(path.join(DIST, "abi"));
  for (const name of DEPLOYABLE) {
    const artifactPath = path.join(ROOT, "artifacts/contracts", `${name}.sol`, `${name}.json`);
    const { abi } = JSON.parse(readFileSync(artifactPath, "utf8")) as { abi: unknown[] };
    if (!Array.isArray(abi) || abi.length === 0) throw new Error(`${artifactPath} has no ABI: run hardhat compile`);
    writeFileSync(path.join(DIST, "abi", `${name}.json`), JSON.stringify(abi, null, 2) + "\n");
    writeFileSync(
      path.join(DIST, "abi", `${name}.json.d.ts`),
      `/** The ABI of ${name}. */\ndeclare const abi: ${literalType(abi)};\nexport = abi;\n`,
    );
  }

  writeFileSync(
    path.join(DIST, "deployment-record.d.ts"),
    [
      `import type { DeploymentRecord } from "./sdk/deployments";`,
      `/** A deployment record, deployments/<network>.json (docs/deployments.md §3). */`,
      `declare const record: DeploymentRecord;`,
      `export = record;`,
      ``,
    ].join("\n"),
  );
  console.log(
    `Built ${path.relative(ROOT, DIST)}/: the SDK (CommonJS and ES modules), and the ABIs of ${DEPLOYABLE.join(", ")}.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
