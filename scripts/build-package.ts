// `npm run build` (after `hardhat compile`), rule P-1 of docs/deployments.md: empties dist/, emits the SDK as
// CommonJS with .d.ts declarations (tsconfig.build.json; the TypeChain bindings the SDK imports come along, and
// only those), then writes one ABI per deployable contract, dist/abi/<Contract>.json, with a declaration typing
// it as a literal (`as const`) ABI, and the declaration of the published address books' JSON.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
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

function main(): void {
  rmSync(DIST, { recursive: true, force: true });

  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${tsc.status ?? tsc.signal})`);

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
  console.log(`Built ${path.relative(ROOT, DIST)}/: the SDK, and the ABIs of ${DEPLOYABLE.join(", ")}.`);
}

main();
