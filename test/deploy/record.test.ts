// The record's file (docs/deployments.md §3, D-R1) and the SDK's address book built from records (§6, P-A1).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as nodeFs from "node:fs";
import {
  DeployErrorCode,
  TEMP_FILE_RE,
  addressBookText,
  buildAddressBook,
  serializeRecord,
  writeFileAtomic,
  type AtomicFs,
  type DeploymentRecord,
} from "../../scripts/lib/deploy";
import { expectDeployError } from "../helpers/deploy";

const ESCROW = "0x77FE285Fd0b327eA583be3d41386BCa13f5116Fe";
const CHANNELS = "0xC106141eCd7bBa37819dfB18EB1C06337934C4dD";
const HASH = "0x" + "ab".repeat(32);

function record(network: string, chainId: number, contracts: DeploymentRecord["contracts"] = {}): DeploymentRecord {
  return { network, chainId, deployer: ESCROW, contracts };
}

function entry(address: string, blockNumber: number | null, status: "pending" | "deployed" = "deployed") {
  return {
    address,
    transactionHash: HASH,
    blockNumber: status === "pending" ? null : blockNumber,
    constructorArgs: [],
    salt: HASH,
    bytecodeHash: HASH,
    status,
  };
}

describe("Deployment record file (docs/deployments.md §3)", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "peerpay-record-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const realFs: AtomicFs = {
    openSync: (p, f, m) => nodeFs.openSync(p, f, m),
    writeSync: (fd, d) => nodeFs.writeSync(fd, d),
    fsyncSync: (fd) => nodeFs.fsyncSync(fd),
    closeSync: (fd) => nodeFs.closeSync(fd),
    renameSync: (a, b) => nodeFs.renameSync(a, b),
    unlinkSync: (p) => nodeFs.unlinkSync(p),
  };

  for (const step of ["openSync", "writeSync", "fsyncSync", "closeSync", "renameSync"] as const) {
    it(`D-R1 a write failing at ${step} leaves the old file intact and no temporary file`, async function () {
      const path = join(dir, "sepolia.json");
      writeFileSync(path, "old record\n");
      const calls: string[] = [];
      const failing: AtomicFs = { ...realFs };
      for (const name of Object.keys(realFs) as (keyof AtomicFs)[]) {
        const real = realFs[name] as (...args: unknown[]) => unknown;
        (failing as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          calls.push(name);
          if (name === step) throw Object.assign(new Error(`injected ${step} failure`), { code: "EIO" });
          return real(...args);
        };
      }
      await expectDeployError(
        Promise.resolve().then(() => writeFileAtomic(path, "new record\n", failing)),
        DeployErrorCode.RECORD_WRITE_FAILED,
      );
      expect(calls).to.include(step);
      expect(readFileSync(path, "utf8")).to.equal("old record\n");
      expect(readdirSync(dir)).to.deep.equal(["sepolia.json"]);
    });
  }

  it("D-R1 writes through a temporary file in the same folder, flushed before the rename", function () {
    const path = join(dir, "sepolia.json");
    writeFileSync(path, "old record\n");
    const calls: string[] = [];
    const temps: string[] = [];
    const tracing: AtomicFs = {
      ...realFs,
      openSync: (p, f, m) => {
        temps.push(p);
        calls.push("open");
        return realFs.openSync(p, f, m);
      },
      fsyncSync: (fd) => (calls.push("fsync"), realFs.fsyncSync(fd)),
      renameSync: (a, b) => {
        calls.push("rename");
        // Until the rename, the old file is what a reader sees.
        expect(readFileSync(path, "utf8")).to.equal("old record\n");
        expect(readFileSync(a, "utf8")).to.equal("new record\n");
        realFs.renameSync(a, b);
      },
    };
    writeFileAtomic(path, "new record\n", tracing);
    expect(calls).to.deep.equal(["open", "fsync", "rename"]);
    expect(temps).to.have.length(1);
    expect(join(temps[0], "..")).to.equal(dir);
    expect(TEMP_FILE_RE.test(temps[0].slice(dir.length + 1))).to.equal(true);
    expect(readFileSync(path, "utf8")).to.equal("new record\n");
    expect(readdirSync(dir)).to.deep.equal(["sepolia.json"]);
  });

  it("D-R1 a reader in another process never sees a torn record while it is rewritten", async function () {
    this.timeout(60_000);
    const path = join(dir, "sepolia.json");
    // Two large versions, so that a non-atomic write (truncate, then write) would be caught half-way.
    const version = (n: number) =>
      serializeRecord(
        record("sepolia", 11_155_111, { Escrow: { ...entry(ESCROW, n), constructorArgs: ["x".repeat(2_000_000)] } }),
      );
    const texts = [version(1), version(2)];
    writeFileAtomic(path, texts[0]);
    // The reader parses the file in a loop until told to stop and reports what it saw.
    const reader = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("fs"); let ok = 0, torn = 0, stop = false;
         process.stdin.on("data", () => { stop = true; });
         (function loop() {
           for (let i = 0; i < 20; i++) {
             try { JSON.parse(fs.readFileSync(process.argv[1], "utf8")); ok++; } catch { torn++; }
           }
           if (stop) { process.stdout.write(JSON.stringify({ ok, torn })); process.exit(0); }
           setImmediate(loop);
         })();`,
        path,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    let out = "";
    reader.stdout.on("data", (d) => (out += d));
    const exited = new Promise<void>((resolve) => reader.on("exit", () => resolve()));
    try {
      for (let i = 0; i < 60; i++) {
        writeFileAtomic(path, texts[i % 2]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      reader.stdin.write("stop\n");
      await exited;
    }
    const seen = JSON.parse(out) as { ok: number; torn: number };
    expect(seen.torn, "torn reads").to.equal(0);
    expect(seen.ok, "reads").to.be.greaterThan(0);
    expect(readdirSync(dir)).to.deep.equal(["sepolia.json"]);
  });
});

describe("SDK address book (docs/deployments.md §6)", function () {
  it("P-A1 holds public chains' deployed contracts only, keyed by chain id and name, sorted", function () {
    const book = buildAddressBook([
      record("sepolia", 11_155_111, { MicropaymentChannels: entry(CHANNELS, 7), Escrow: entry(ESCROW, 5) }),
      record("baseSepolia", 84_532, {
        Escrow: entry(ESCROW, 9),
        MicropaymentChannels: entry(CHANNELS, null, "pending"),
      }),
      record("hardhat", 31_337, { Escrow: entry(ESCROW, 1) }),
      record("localhost", 1_337, { Escrow: entry(ESCROW, 1) }),
      // A local node run with a public chain id is still a local record.
      record("anvil-sepolia", 11_155_111, { Escrow: entry(CHANNELS, 1) }),
      record("arbitrumSepolia", 421_614, {}),
    ]);
    expect(book).to.deep.equal({
      "84532": { Escrow: { address: ESCROW, blockNumber: 9 } },
      "11155111": {
        Escrow: { address: ESCROW, blockNumber: 5 },
        MicropaymentChannels: { address: CHANNELS, blockNumber: 7 },
      },
    });
    expect(Object.keys(book["11155111"])).to.deep.equal(["Escrow", "MicropaymentChannels"]);
  });

  it("P-A1 sdk/address-book.json is what the committed deployments/*.json give", async function () {
    const root = join(__dirname, "..", "..");
    const expected = await addressBookText(join(root, "deployments"));
    expect(readFileSync(join(root, "sdk", "address-book.json"), "utf8")).to.equal(expected);
  });

  it("P-A1 the generated text is prettier's JSON of the book", async function () {
    const dir = mkdtempSync(join(tmpdir(), "peerpay-book-"));
    try {
      writeFileSync(
        join(dir, "sepolia.json"),
        serializeRecord(record("sepolia", 11_155_111, { Escrow: entry(ESCROW, 5) })),
      );
      writeFileSync(
        join(dir, "localhost.json"),
        serializeRecord(record("localhost", 31_337, { Escrow: entry(CHANNELS, 1) })),
      );
      const text = await addressBookText(dir);
      expect(JSON.parse(text)).to.deep.equal({ "11155111": { Escrow: { address: ESCROW, blockNumber: 5 } } });
      const prettier = await import("prettier");
      expect(await prettier.check(text, { parser: "json", printWidth: 120 })).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
