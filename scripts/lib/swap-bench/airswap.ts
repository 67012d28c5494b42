// AirSwap's SwapERC20, the anchor `npm run bench:swap` measures ours against (issue 11). Its code is never in this
// repository: at run time we `npm pack` the pinned @airswap/swap-erc20 into a directory under os.tmpdir(), take the
// Hardhat build-info it ships (the exact standard-JSON input AirSwap compiled: SwapERC20.sol, its interface and the
// solady files it imports, with AirSwap's optimizer settings), `npm pack` the solc its pragma pins, compile there
// with AirSwap's own settings, and check that the bytecode equals the artifact AirSwap published. The result is
// cached per version, so a second run neither downloads nor compiles.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { InterfaceAbi } from "ethers";

/** The pinned package and the integrity npm reports for it (a changed tarball is refused, not measured). */
export const AIRSWAP_PACKAGE = "@airswap/swap-erc20";
export const AIRSWAP_VERSION = "5.0.1";
const AIRSWAP_INTEGRITY =
  "sha512-qppBnnoQFd+7LjhOSUX1gDx+vOzS62roQEVIpnV3TLET2HMDWNwKArdk55xiKPbtGx4yQWWuxMHlhWZSAh1fEw==";
/** The solc of SwapERC20's `pragma solidity 0.8.23` (checked against the build-info below), and its integrity. */
const SOLC_INTEGRITY: Readonly<Record<string, string>> = {
  "0.8.23": "sha512-uqe69kFWfJc3cKdxj+Eg9CdW1CP3PLZDPeyJStQVWL8Q9jjjKD0VuRAKBFR8mrWiq5A7gJqERxJFYJsklrVsfA==",
};
const SOURCE = "contracts/SwapERC20.sol";
const CONTRACT = "SwapERC20";
/** Bump when the cached file's shape changes. */
const CACHE_FORMAT = 1;

/** AirSwap's SwapERC20, compiled here, and how. */
export interface AirSwapBuild {
  version: string;
  abi: InterfaceAbi;
  bytecode: string;
  /** e.g. 0.8.23+commit.f704f362 */
  solcLongVersion: string;
  /** The optimizer, EVM version and viaIR of AirSwap's own build (from the build-info it publishes). */
  settings: { optimizer: { enabled: boolean; runs: number }; evmVersion: string; viaIR: boolean };
  /** Whether our compilation's creation and runtime bytecode equal the artifact in the package. */
  identicalToPublished: boolean;
  /** Where the build lives (outside the repository). */
  directory: string;
  /** Whether this run reused a previous run's build. */
  cached: boolean;
}

/** Why the anchor was not built: the registry was unreachable, or something in the build failed. */
export interface AirSwapSkipped {
  skipped: true;
  reason: string;
}

export interface ObtainOptions {
  /** Parent of the per-version build directories (default: os.tmpdir()/peerpay-bench-swap). */
  cacheRoot?: string;
  /** Environment for npm (e.g. another registry or npm cache); default: this process's. */
  npmEnv?: NodeJS.ProcessEnv;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

interface BuildInfo {
  solcVersion: string;
  solcLongVersion: string;
  input: {
    language: string;
    sources: Record<string, { content: string }>;
    settings: {
      optimizer?: { enabled?: boolean; runs?: number };
      evmVersion?: string;
      viaIR?: boolean;
      outputSelection?: unknown;
    } & Record<string, unknown>;
  };
}

interface Solc {
  version(): string;
  compile(input: string): string;
}

export const defaultCacheRoot = (): string => path.join(tmpdir(), "peerpay-bench-swap");

/**
 * Packs `spec` from the registry into `dir` and returns the tarball's path, after checking npm's integrity for it.
 * No retries and a 30 s timeout, so an unreachable registry costs seconds, not minutes.
 */
function npmPack(spec: string, dir: string, integrity: string, env: NodeJS.ProcessEnv): string {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const out = execFileSync(
    npm,
    ["pack", spec, "--json", "--pack-destination", dir, "--fetch-retries=0", "--fetch-timeout=30000"],
    // npm is a .cmd script on Windows, which Node only spawns through a shell.
    {
      cwd: dir,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
      shell: process.platform === "win32",
    },
  );
  const [packed] = JSON.parse(out) as { filename: string; integrity: string }[];
  if (packed.integrity !== integrity) {
    throw new Error(`${spec}: npm reports integrity ${packed.integrity}, pinned ${integrity}`);
  }
  return path.join(dir, packed.filename);
}

/** Extracts a tarball npm packed (every file under `package/`) into `dir`. */
function untar(tarball: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", dir], { stdio: ["ignore", "ignore", "pipe"] });
}

/** The message of a failed npm/tar call: its stderr's telling lines when there are any. */
function describe(error: unknown): string {
  const stderr = (error as { stderr?: Buffer | string }).stderr;
  const text = stderr === undefined ? "" : stderr.toString();
  const lines = text
    .split("\n")
    .filter((l) => /npm error|ERR|code|network|reach|refused|ENOTFOUND|ETIMEDOUT|EAI_AGAIN/i.test(l))
    .slice(0, 4);
  if (lines.length > 0) return lines.join(" | ");
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/** Why a failure happened, classified: an unreachable registry is expected offline; the rest is a build problem. */
function isRegistryUnreachable(message: string): boolean {
  return /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network|socket hang up|ENETUNREACH|request to http/i.test(
    message,
  );
}

/**
 * Builds AirSwap's SwapERC20 (or reuses the cached build) outside the repository. Never throws: an unreachable
 * registry or a failed build comes back as `{ skipped, reason }`, and the benchmark measures ours alone.
 */
export async function obtainAirSwap(options: ObtainOptions = {}): Promise<AirSwapBuild | AirSwapSkipped> {
  const log = options.log ?? (() => {});
  const env = options.npmEnv ?? process.env;
  const directory = path.join(options.cacheRoot ?? defaultCacheRoot(), `airswap-swap-erc20-${AIRSWAP_VERSION}`);
  const cacheFile = path.join(directory, "SwapERC20.build.json");
  if (existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as Omit<AirSwapBuild, "cached" | "directory"> & {
        format: number;
      };
      if (cached.format === CACHE_FORMAT && cached.version === AIRSWAP_VERSION && cached.bytecode.startsWith("0x")) {
        const { format: _format, ...build } = cached;
        return { ...build, directory, cached: true };
      }
    } catch {
      // A truncated or foreign file: rebuild below.
    }
  }

  mkdirSync(directory, { recursive: true });
  let stage = "npm pack";
  try {
    log(`  fetching ${AIRSWAP_PACKAGE}@${AIRSWAP_VERSION} into ${directory}`);
    const tarball = npmPack(`${AIRSWAP_PACKAGE}@${AIRSWAP_VERSION}`, directory, AIRSWAP_INTEGRITY, env);
    stage = "extract";
    const packageDir = path.join(directory, "airswap");
    rmSync(packageDir, { recursive: true, force: true });
    untar(tarball, packageDir);
    const buildInfoDir = path.join(packageDir, "package", "build", "build-info");
    const infos = readdirSync(buildInfoDir).filter((f) => f.endsWith(".json"));
    const info = infos
      .map((f) => JSON.parse(readFileSync(path.join(buildInfoDir, f), "utf8")) as BuildInfo)
      .find((b) => b.input.sources[SOURCE] !== undefined);
    if (info === undefined) throw new Error(`no build-info with ${SOURCE} in ${AIRSWAP_PACKAGE}@${AIRSWAP_VERSION}`);
    const pragma = /pragma solidity ([^;]+);/.exec(info.input.sources[SOURCE].content)?.[1].trim();
    if (pragma !== info.solcVersion) {
      throw new Error(`${SOURCE} says pragma solidity ${pragma}; its build-info says solc ${info.solcVersion}`);
    }

    stage = `npm pack solc@${info.solcVersion}`;
    const solcIntegrity = SOLC_INTEGRITY[info.solcVersion];
    if (solcIntegrity === undefined) throw new Error(`no pinned integrity for solc ${info.solcVersion}`);
    log(`  fetching solc@${info.solcVersion} (the pragma of ${SOURCE})`);
    const solcTarball = npmPack(`solc@${info.solcVersion}`, directory, solcIntegrity, env);
    stage = "extract solc";
    const solcDir = path.join(directory, `solc-${info.solcVersion}`);
    rmSync(solcDir, { recursive: true, force: true });
    untar(solcTarball, solcDir);

    stage = "compile";
    // The wrapper of our own solc package drives any soljson.js (solc-js's documented way to use another version).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wrapper = require("solc/wrapper") as (soljson: unknown) => Solc;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = wrapper(require(path.join(solcDir, "package", "soljson.js")));
    if (!solc.version().startsWith(info.solcLongVersion)) {
      throw new Error(`solc-js reports ${solc.version()}, the build-info ${info.solcLongVersion}`);
    }
    log(`  compiling ${CONTRACT} with solc ${info.solcLongVersion}`);
    // AirSwap's exact input; only the output selection is narrowed (it does not change the bytecode or metadata).
    const input = {
      ...info.input,
      settings: {
        ...info.input.settings,
        outputSelection: { [SOURCE]: { [CONTRACT]: ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
      },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
      errors?: { severity: string; formattedMessage: string }[];
      contracts?: Record<
        string,
        Record<
          string,
          { abi: InterfaceAbi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
        >
      >;
    };
    const errors = (output.errors ?? []).filter((e) => e.severity === "error");
    if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
    const compiled = output.contracts?.[SOURCE]?.[CONTRACT];
    if (compiled === undefined) throw new Error(`solc produced no ${CONTRACT}`);

    const published = JSON.parse(
      readFileSync(path.join(packageDir, "package", "build", SOURCE, `${CONTRACT}.json`), "utf8"),
    ) as { bytecode: string; deployedBytecode: string };
    const bytecode = `0x${compiled.evm.bytecode.object}`;
    const identicalToPublished =
      bytecode === published.bytecode && `0x${compiled.evm.deployedBytecode.object}` === published.deployedBytecode;
    const settings = info.input.settings;
    const build: Omit<AirSwapBuild, "cached" | "directory"> = {
      version: AIRSWAP_VERSION,
      abi: compiled.abi,
      bytecode,
      solcLongVersion: info.solcLongVersion,
      settings: {
        optimizer: { enabled: settings.optimizer?.enabled ?? false, runs: settings.optimizer?.runs ?? 200 },
        evmVersion: settings.evmVersion ?? "default",
        viaIR: settings.viaIR ?? false,
      },
      identicalToPublished,
    };
    // Written whole then renamed, so an interrupted run never leaves a half file that looks like a build.
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ format: CACHE_FORMAT, ...build }));
    renameSync(temp, cacheFile);
    return { ...build, directory, cached: false };
  } catch (error) {
    const message = describe(error);
    if (stage.startsWith("npm pack") && isRegistryUnreachable(message)) {
      return { skipped: true, reason: `the npm registry is unreachable (${stage}: ${message})` };
    }
    return { skipped: true, reason: `${stage} failed: ${message}` };
  }
}

/** A short fingerprint of a bytecode, to print beside the build (and compare runs by eye). */
export const codeHash = (bytecode: string): string =>
  createHash("sha256").update(bytecode.slice(2), "hex").digest("hex").slice(0, 12);
