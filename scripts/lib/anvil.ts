// A real anvil node for integration tests and benchmarks: started on a free loopback port, awaited until it answers,
// stopped reliably. Every failure is an error that says what happened (no binary, exited early with its stderr, no
// answer before the deadline) rather than a hang, and no anvil outlives the process that started it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

export interface AnvilOptions {
  /** `--chain-id` (anvil's default is 31337). */
  chainId?: number;
  /** More arguments, e.g. `["--no-mining"]`. */
  args?: string[];
  /** The binary (default: the one of @foundry-rs/anvil for this platform). */
  binary?: string;
  /** A fixed port instead of a free one. */
  port?: number;
  /** How long to wait for the node to answer eth_chainId (default 20 s). */
  startTimeoutMs?: number;
}

export interface Anvil {
  url: string;
  port: number;
  chainId: number;
  /** A JSON-RPC call to the node. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Kills the node and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** The anvil binary of @foundry-rs/anvil: the platform package's, else the wrapper package's `anvil` bin. */
export function anvilBinary(): string {
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  try {
    const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${process.arch}/package.json`);
    const binary = join(dirname(pkg), "bin", exe);
    if (existsSync(binary)) return binary;
  } catch {
    // Not installed for this platform: try the wrapper.
  }
  const pkgPath = require.resolve("@foundry-rs/anvil/package.json");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require(pkgPath) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.anvil;
  if (bin === undefined) throw new Error("@foundry-rs/anvil has no anvil binary for this platform");
  return join(dirname(pkgPath), bin);
}

/** A loopback port that was free a moment ago (the OS picks it; anvil binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function rpcCall<T>(url: string, method: string, params: unknown[], timeoutMs = 10_000): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

// Every anvil this process started and has not stopped: killed when the process exits, however it exits.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill("SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** Starts anvil; see AnvilOptions. Retries once on a port taken between choosing and binding it. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await startOnce(options, options.port ?? (await freePort()));
    } catch (error) {
      lastError = error;
      if (!(error instanceof AnvilStartError && error.portTaken)) throw error;
    }
  }
  throw lastError;
}

export class AnvilStartError extends Error {
  constructor(
    message: string,
    readonly portTaken = false,
  ) {
    super(message);
    this.name = "AnvilStartError";
  }
}

async function startOnce(options: AnvilOptions, port: number): Promise<Anvil> {
  const binary = options.binary ?? anvilBinary();
  if (!existsSync(binary)) throw new AnvilStartError(`anvil binary not found at ${binary}`);
  const args = [
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    ...(options.chainId === undefined ? [] : ["--chain-id", String(options.chainId)]),
    ...(options.args ?? []),
  ];
  installExitHook();
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  // anvil prints "Listening on <host>:<port>" once it has bound the port: until then an answer on the port could
  // come from another process. Its stdout is read to the end (a full pipe would block the node).
  let stdout = "";
  let listening = false;
  child.stdout?.on("data", (d: Buffer) => {
    if (listening) return;
    stdout = (stdout + d.toString()).slice(-4_000);
    listening = stdout.includes(`Listening on 127.0.0.1:${port}`);
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  child.once("exit", (code, signal) => {
    exitCode = code;
    exitSignal = signal;
  });

  const stop = async (): Promise<void> => {
    if (exitCode === undefined && spawnError === undefined) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (spawnError !== undefined) {
      running.delete(child);
      throw new AnvilStartError(`could not start anvil (${binary}): ${spawnError.message}`);
    }
    if (exitCode !== undefined) {
      const taken = /address already in use|addrinuse/i.test(stderr);
      throw new AnvilStartError(
        `anvil exited before answering (code ${exitCode}, signal ${exitSignal}): ${stderr.trim() || "(no stderr)"}`,
        taken,
      );
    }
    if (listening) {
      try {
        const chainId = Number(BigInt(await rpcCall<string>(url, "eth_chainId", [], 2_000)));
        return { url, port, chainId, rpc: (method, params = []) => rpcCall(url, method, params), stop };
      } catch {
        // Not answering yet.
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new AnvilStartError(
        `anvil did not answer eth_chainId at ${url} within ${options.startTimeoutMs ?? 20_000} ms: ${stderr.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
