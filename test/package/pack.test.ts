// The package as users get it (docs/deployments.md §5): `npm pack` (its prepack runs `npm run build`), installed
// into a new project outside the repository with ethers, TypeScript and @types/node from the registry, then an app
// importing "peerpay" is compiled by that project's tsc and run on Node against anvil, with the contracts deployed
// by scripts/deploy.ts and found through the address book of the record it wrote.
import { expect } from "chai";
import { ContractFactory, JsonRpcProvider, type InterfaceAbi } from "ethers";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startAnvil, type Anvil } from "../helpers/anvil";
import { underCoverage } from "../helpers/coverage";
import { SUITE } from "../../scripts/lib/deploy";

const ROOT = path.join(__dirname, "../..");
const CONSUMER_SOURCE = path.join(__dirname, "consumer/main.ts.txt");
/** The same package used from an ES module (`import` condition of `exports`). */
const ESM_CONSUMER_SOURCE = path.join(__dirname, "consumer/esm.mts.txt");
/** The README's quickstart programs: compiled and run here exactly as a user would after `npm install peerpay`. */
const EXAMPLES = path.join(ROOT, "examples");

/**
 * Runs a command to completion and resolves with what it printed; rejects with the command, its exit status and
 * everything it printed, so that a failure of npm, tsc or the app explains itself.
 */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const status = code === null ? `signal ${signal}` : `exit ${code}`;
        reject(new Error(`\`${command} ${args.join(" ")}\` in ${options.cwd} failed (${status}):\n${output}`));
      }
    });
  });
}

/** A target of package.json `exports`: a path, or conditions (`import`, `require`, `types`, ...) mapping to targets. */
type ExportsTarget = string | { [condition: string]: ExportsTarget };

/** Every file path an `exports` target can resolve to, under any condition. */
function targetFiles(target: ExportsTarget): string[] {
  return typeof target === "string" ? [target] : Object.values(target).flatMap(targetFiles);
}

/** The consumer's compiler settings: Node 16+ module resolution (emitted and run), strict, declarations checked. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: "es2022",
    module: "node16",
    moduleResolution: "node16",
    strict: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: false,
    types: ["node"],
    rootDir: "src",
    outDir: "out",
  },
  include: ["src"],
};

/** Deploys the test ERC721 (contracts/mocks) from the repository's artifacts and mints `tokenId` to account `to`. */
async function mintNft(params: { rpcUrl: string; to: number; tokenId: bigint }): Promise<string> {
  const provider = new JsonRpcProvider(params.rpcUrl, undefined, { cacheTimeout: -1 });
  const artifact = JSON.parse(
    readFileSync(path.join(ROOT, "artifacts/contracts/mocks/AuctionMocks.sol/AuctionNFT.json"), "utf8"),
  ) as { abi: InterfaceAbi; bytecode: string };
  const deployer = await provider.getSigner(0);
  const nft = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy();
  await nft.waitForDeployment();
  const owner = await provider.getSigner(params.to);
  const mint = nft.getFunction("mint");
  await (await mint(owner.address, params.tokenId)).wait();
  provider.destroy();
  return nft.getAddress();
}

describe("the peerpay package, packed and installed (docs/deployments.md §5)", function () {
  let work: string;
  let app: string;
  let packed: string[];
  let manifest: { exports: Record<string, ExportsTarget> };
  let anvil: Anvil | undefined;
  let recordPath: string;

  /** The app's own TypeScript compiler. */
  const tsc = () => path.join(app, "node_modules/typescript/bin/tsc");

  before(async function () {
    if (underCoverage()) this.skip();
    // The build inside npm pack (hardhat compile, tsc, and Vite for the ES modules) and npm install dominate.
    this.timeout(360_000);
    work = mkdtempSync(path.join(tmpdir(), "peerpay-pack-"));

    // npm pack runs prepack, that is `npm run build`.
    await run("npm", ["pack", "--pack-destination", work], { cwd: ROOT });
    const [tarball] = readdirSync(work).filter((file) => file.endsWith(".tgz"));
    expect(tarball, `no tarball in ${work}`).to.be.a("string");
    const listing = await run("tar", ["-tzf", path.join(work, tarball)], { cwd: work });
    packed = listing
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.replace(/^package\//, ""))
      .sort();
    manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as typeof manifest;

    app = path.join(work, "app");
    mkdirSync(path.join(app, "src"), { recursive: true });
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "peerpay-consumer", private: true }));
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        path.join(work, tarball),
        "ethers@6",
        "typescript@5.9",
        "@types/node@20",
      ],
      { cwd: app },
    );
    copyFileSync(CONSUMER_SOURCE, path.join(app, "src/main.ts"));
    copyFileSync(ESM_CONSUMER_SOURCE, path.join(app, "src/esm.mts"));
    mkdirSync(path.join(app, "src/examples"));
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts"))) {
      copyFileSync(path.join(EXAMPLES, file), path.join(app, "src/examples", file));
    }
    // The app as users build it: Node 16+ resolution of `exports`, strict, the package's declarations checked.
    writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    // Older setups ("moduleResolution": "node10") ignore `exports`: subpaths resolve through `typesVersions`.
    writeFileSync(
      path.join(app, "tsconfig.node10.json"),
      JSON.stringify({
        extends: "./tsconfig.json",
        compilerOptions: { module: "commonjs", moduleResolution: "node10", noEmit: true },
        // An ES module app resolves through `exports` (its `import` condition): node10 resolution has no such thing.
        exclude: ["src/esm.mts"],
      }),
    );
    await run(process.execPath, [tsc(), "-p", "tsconfig.json"], { cwd: app });

    anvil = await startAnvil();
    const deployments = path.join(work, "deployments");
    await run("npx", ["hardhat", "run", "scripts/deploy.ts", "--network", "localhost"], {
      cwd: ROOT,
      env: { ...process.env, LOCALHOST_RPC_URL: anvil.url, PEERPAY_DEPLOYMENTS_DIR: deployments },
    });
    recordPath = path.join(deployments, "localhost.json");
  });

  after(async function () {
    await anvil?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("P-2: the tarball holds dist/, README and package.json: no sources, tests, mocks, scripts or local records", function () {
    const unexpected = packed.filter(
      (file) =>
        !(
          ["package.json", "README.md", "LICENSE"].includes(file) ||
          file.startsWith("dist/") ||
          /^deployments\/[^/]+\.json$/.test(file)
        ) ||
        /(^|\/)(test|scripts|mocks)\//i.test(file) ||
        /^deployments\/(hardhat|localhost|anvil[^/]*)\.json$/.test(file) ||
        // The records' schema is the repository's; `peerpay/deployments/*` is typed as a record.
        /^deployments\/[^/]+\.schema\.json$/.test(file) ||
        (/\.(ts|sol|map)$/.test(file) && !file.endsWith(".d.ts")),
    );
    expect(unexpected, "files that should not be published").to.deep.equal([]);
    // The typed bindings: the interfaces' and OpenZeppelin's the SDK imports, never a deployable's factory (with
    // its bytecode) or a mock's.
    const bindings = packed.filter((file) => file.startsWith("dist/typechain-types/"));
    expect(
      bindings.filter((file) => /^dist\/typechain-types\/(factories\/)?contracts\/(?!interfaces\/)/.test(file)),
    ).to.deep.equal([]);
    expect(bindings).to.include.members([
      "dist/typechain-types/factories/contracts/interfaces/IEscrow__factory.js",
      "dist/typechain-types/factories/contracts/interfaces/IMicropaymentChannels__factory.js",
    ]);
    expect(packed).to.include.members([
      "README.md",
      "package.json",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/sdk/node.js",
      "dist/sdk/node.d.ts",
      "dist/sdk/address-book.json",
      "dist/esm/package.json",
      "dist/esm/sdk/index.js",
      "dist/esm/sdk/index.d.ts",
      "dist/esm/sdk/node.js",
      "dist/esm/sdk/node.d.ts",
      "dist/esm/sdk/address-book.json.js",
      "dist/abi/Escrow.json",
      "dist/abi/MicropaymentChannels.json",
    ]);
  });

  it("P-1, P-2: every exports target of the SDK, the Node entry and the ABIs is in the tarball", function () {
    const targets = Object.entries(manifest.exports).flatMap(([subpath, target]) => {
      const files = targetFiles(target);
      if (subpath === "./deployments/*") return files.filter((file) => !file.includes("*")); // no public chain yet
      return files.flatMap((file) =>
        file.includes("*") ? SUITE.map((name) => file.replace("*", `${name}.json`)) : [file],
      );
    });
    expect(targets.map((file) => file.replace(/^\.\//, "")).filter((file) => !packed.includes(file))).to.deep.equal([]);
    // An ABI file is the ABI alone (no bytecode): the artifact's `abi`.
    for (const name of SUITE) {
      const published = readFileSync(path.join(app, `node_modules/peerpay/dist/abi/${name}.json`), "utf8");
      const artifact = readFileSync(path.join(ROOT, `artifacts/contracts/${name}.sol/${name}.json`), "utf8");
      expect(JSON.parse(published), name).to.deep.equal(JSON.parse(artifact).abi);
    }
  });

  it("the app compiles with the app's tsc, strict, under node10 resolution too (node16: before)", async function () {
    this.timeout(120_000);
    await run(process.execPath, [tsc(), "-p", "tsconfig.node10.json"], { cwd: app });
  });

  it("the app completes an escrow deal and a micropayment channel on anvil, through the local record's address book", async function () {
    this.timeout(60_000);
    const output = await run(process.execPath, ["out/main.js"], {
      cwd: app,
      env: { ...process.env, PEERPAY_RPC_URL: anvil!.url, PEERPAY_RECORD: recordPath },
    });
    const record = JSON.parse(readFileSync(recordPath, "utf8")) as {
      contracts: Record<string, { address: string }>;
    };
    const result = output.trim().split("\n").at(-1)!;
    expect(result).to.match(/^PEERPAY_PACKAGE_OK peerpay@\d+\.\d+\.\d+ chain=31337 /, output);
    expect(result).to.include(`escrow=${record.contracts.Escrow.address}`);
    expect(result).to.include(`channels=${record.contracts.MicropaymentChannels.address}`);
    expect(result).to.include("released=1500000000000000000");
    expect(result).to.include("paid=3500000000000000 vouchers=3");
  });

  it("an ES module app (.mjs) imports the ES build of peerpay and peerpay/node, typed by the import condition", async function () {
    this.timeout(60_000);
    const output = await run(process.execPath, ["out/esm.mjs"], {
      cwd: app,
      env: { ...process.env, PEERPAY_RPC_URL: anvil!.url, PEERPAY_RECORD: recordPath },
    });
    const record = JSON.parse(readFileSync(recordPath, "utf8")) as { contracts: Record<string, { address: string }> };
    const result = output.trim().split("\n").at(-1)!;
    expect(result).to.match(/^PEERPAY_ESM_OK chain=31337 /, output);
    expect(result).to.include(`escrow=${record.contracts.Escrow.address}`);
    // The ES build holds no CommonJS: no `require(` or `exports.` outside the optional native binding's guarded load.
    const esmFiles = packed.filter((file) => file.startsWith("dist/esm/") && file.endsWith(".js"));
    expect(esmFiles.length).to.be.greaterThan(20);
    for (const file of esmFiles) {
      const source = readFileSync(path.join(app, "node_modules/peerpay", file), "utf8");
      expect(/\bexports\.|module\.exports/.test(source), file).to.equal(false);
      if (!file.endsWith("internal/secp256k1.js")) expect(/\brequire\(/.test(source), file).to.equal(false);
    }
  });

  it("README's quickstart examples (examples/*.ts) run as written against the same node", async function () {
    this.timeout(120_000);
    const env = { ...process.env, PEERPAY_RPC_URL: anvil!.url, PEERPAY_RECORD: recordPath };
    const trade = await run(process.execPath, ["out/examples/escrow-trade.js"], { cwd: app, env });
    expect(trade).to.include("the buyer cannot release: ESCROW_UNAUTHORIZED");
    expect(trade).to.include("deal closed: 0.5 ETH released to the buyer");
    const stream = await run(process.execPath, ["out/examples/pay-per-call.js"], { cwd: app, env });
    expect(stream).to.include("100 calls paid off-chain; the API closed with 0.001 ETH");
    // Both legs on the one node: the protocol is the same (test/sdk/atomic-swaps runs it across two chains).
    const swap = await run(process.execPath, ["out/examples/atomic-swap.js"], { cwd: app, env });
    expect(swap).to.include("swap done: Alice got 0.2 ETH on chain B, Bob's watcher claimed 0.5 ETH on chain A");
    // A node:http server behind the paywall on loopback, paid by payingFetch (docs/http-payments.md).
    const api = await run(process.execPath, ["out/examples/paid-api.js"], { cwd: app, env });
    expect(api).to.include("call 5: 200 sunny, paid 0.0001 ETH (0.0005 ETH in all)");
    expect(api.trim().split("\n").at(-1)).to.equal("5 calls paid over HTTP; the API closed with 0.0005 ETH");

    // These three move the node's clock days ahead (standing in for waiting): they run last.
    const campaign = await run(process.execPath, ["out/examples/crowdfunding.js"], { cwd: app, env });
    expect(campaign).to.include("no claim before the deadline: CROWDFUNDING_WRONG_STATE");
    expect(campaign.trim().split("\n").at(-1)).to.equal("campaign claimed: 1.5 ETH to the creator");
    // A fresh deployment holds no NFT: mint one to the seller, as a user would bring their own (PEERPAY_NFT).
    const nft = await mintNft({ rpcUrl: anvil!.url, to: 1, tokenId: 1n });
    const auctions = await run(process.execPath, ["out/examples/auctions.js"], {
      cwd: app,
      env: { ...env, PEERPAY_NFT: nft, PEERPAY_NFT_ID: "1" },
    });
    expect(auctions).to.include("a 0.106 ETH bid is refused: AUCTION_BID_TOO_LOW");
    expect(auctions).to.include("English auction settled: NFT #1 to Bob for 0.105 ETH");
    expect(auctions.trim().split("\n").at(-1)).to.equal("sealed-bid resale settled: NFT #1 to Alice for 0.2 ETH");
    // The borrower (account 2) brings its own NFT as collateral: minted for it here, in a collection of its own.
    const collateral = await mintNft({ rpcUrl: anvil!.url, to: 2, tokenId: 7n });
    const lending = await run(process.execPath, ["out/examples/lending.js"], {
      cwd: app,
      env: { ...env, PEERPAY_NFT: collateral, PEERPAY_NFT_ID: "7" },
    });
    expect(lending).to.include("the lender cannot claim before the default: LENDING_NOT_DEFAULTED");
    expect(lending.trim().split("\n").at(-1)).to.equal(
      "loan repaid: 0.51 ETH to the lender, NFT #7 back to the borrower",
    );
  });
});
