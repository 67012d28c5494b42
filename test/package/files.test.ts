import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.join(__dirname, "../..");

/** Every file of a fake checkout: what a developer's tree holds after a build, tests and local deployments. */
const TREE = [
  "README.md",
  "LICENSE",
  "dist/sdk/index.js",
  "dist/sdk/index.d.ts",
  "dist/abi/Escrow.json",
  "deployments/sepolia.json",
  "deployments/baseSepolia.json",
  "deployments/hardhat.json",
  "deployments/localhost.json",
  "deployments/anvil.json",
  "deployments/anvil-fork.json",
  "deployments/notes.md",
  "deployments/README.md",
  "deployments/record.schema.json",
  "sdk/index.ts",
  "sdk/address-book.json",
  "contracts/Escrow.sol",
  "contracts/mocks/MockERC20.sol",
  "typechain-types/index.ts",
  "artifacts/contracts/Escrow.sol/Escrow.json",
  "test/sdk/escrow/client.test.ts",
  "scripts/deploy.ts",
  "docs/deployments.md",
  "hardhat.config.ts",
  "tsconfig.json",
];

describe("package.json files (docs/deployments.md P-2)", function () {
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "peerpay-files-"));
    for (const file of TREE) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), file.endsWith(".json") ? "{}\n" : `${file}\n`);
    }
    copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("P-2: publishes dist/, the public address books, README and LICENSE; no local records, schema, sources or tests", function () {
    this.timeout(30_000);
    const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [{ files }] = JSON.parse(output) as [{ files: { path: string }[] }];
    expect(files.map((file) => file.path).sort()).to.deep.equal(
      [
        "LICENSE",
        "README.md",
        "deployments/baseSepolia.json",
        "deployments/sepolia.json",
        "dist/abi/Escrow.json",
        "dist/sdk/index.d.ts",
        "dist/sdk/index.js",
        "package.json",
      ].sort(),
    );
  });

  it("P-3: ethers is a peer dependency (^6), and a dev dependency for the repository itself", function () {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(manifest.peerDependencies?.ethers).to.match(/^\^6\./);
    expect(manifest.devDependencies?.ethers).to.match(/^\^6\./);
    expect(manifest.dependencies ?? {}).not.to.have.property("ethers");
  });

  it("P-3: secp256k1 is an optional dependency: the SDK loads its native binding only when present", function () {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    expect(manifest.optionalDependencies?.secp256k1).to.match(/^\^5\./);
    expect(manifest.dependencies ?? {}).not.to.have.property("secp256k1");
    // The only import of it is the guarded, computed-name load in sdk/internal/secp256k1.ts.
    const loader = readFileSync(path.join(ROOT, "sdk/internal/secp256k1.ts"), "utf8");
    expect(loader).to.match(/try \{/);
    expect(loader).not.to.match(/from "secp256k1/);
  });
});
