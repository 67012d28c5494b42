// The example's paywalled file server (README.md beside this file): node:http, the built page, a free manifest per
// file and its chunks each behind PeerPay's 402 paywall (docs/http-payments.md). The SDK is imported from this
// repository's source; in an app of your own, import the same names from "peerpay" and "peerpay/node".
//
//   npx hardhat node                                  # a local chain (or anvil)
//   npm run deploy -- --network localhost             # PeerPay on it, recorded in deployments/localhost.json
//   npm run example:web                               # builds the page, then this server on http://127.0.0.1:8080
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { JsonRpcProvider, Wallet, ZeroAddress, formatEther, parseEther, type Signer } from "ethers";
import { PayeeClient, addressBookFromRecord, type DeploymentRecord } from "../../sdk";
import { FileVoucherStore, paywall } from "../../sdk/node";
import type { FileManifest } from "./src/manifest";

export type FileServerParameters = {
  /** The files for sale, by name. */
  files: ReadonlyMap<string, Uint8Array>;
  /** Bytes per chunk (the last one may be shorter). */
  chunkSize: number;
  /** The price of one chunk, in wei (ETH channels). */
  price: bigint;
  /** The payee: its store keeps every voucher the paywall accepts, durably, before the chunk is sent. */
  payee: PayeeClient;
  /** The smallest deposit accepted for a new channel (the 402 states it). Default 0. */
  minDeposit?: bigint;
  /** The built page (vite build's outDir), served at `/`. */
  pageDir?: string;
  host?: string;
  /** 0 for any free port. */
  port?: number;
  /** Runs once a chunk is paid for, before its bytes are sent (tests hold a response here). */
  beforeChunk?: (name: string, index: number) => Promise<void>;
};

export type FileServer = {
  url: string;
  /** Every chunk the paywall let through, in order: `name#index`. */
  served: string[];
  close(): Promise<void>;
};

/** The manifest of `bytes` sold in chunks of `chunkSize` at `price` wei each. */
export function manifestOf(name: string, bytes: Uint8Array, chunkSize: number, price: bigint): FileManifest {
  const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
  const chunks = Math.max(1, Math.ceil(bytes.length / chunkSize));
  return {
    name,
    size: bytes.length,
    chunkSize,
    chunks,
    sha256: sha256(bytes),
    chunkSha256: Array.from({ length: chunks }, (_, i) => sha256(bytes.subarray(i * chunkSize, (i + 1) * chunkSize))),
    price: price.toString(),
    asset: ZeroAddress,
  };
}

/** `size` bytes that are the same on every run (SHA-256 in counter mode over `seed`): a file to sell without one. */
export function sampleFile(size: number, seed = "peerpay sample"): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let offset = 0, counter = 0; offset < size; offset += 32, counter++) {
    const block = createHash("sha256").update(`${seed}:${counter}`).digest();
    bytes.set(block.subarray(0, Math.min(32, size - offset)), offset);
  }
  return bytes;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".map": "application/json",
};

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string): void {
  res.statusCode = status;
  res.setHeader("content-type", type);
  res.setHeader("cache-control", "no-store");
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), "application/json");

/** Starts the server; resolves once it listens. */
export async function startFileServer(params: FileServerParameters): Promise<FileServer> {
  const { files, chunkSize, price, payee, pageDir, beforeChunk } = params;
  const manifests = new Map([...files].map(([name, bytes]) => [name, manifestOf(name, bytes, chunkSize, price)]));
  // Each chunk route costs `price`: the paywall answers 402 until a voucher adds it, and stores that voucher
  // durably before calling the handler (HP-S1).
  const pay = paywall({
    payee,
    price,
    minDeposit: params.minDeposit ?? 0n,
    description: "one chunk of a file",
    // The payee's own failures (its store, the node) are answered 503 and logged; refused vouchers are not errors.
    onError: (error) => console.error("paywall:", error),
  });
  const served: string[] = [];

  const chunk = async (req: IncomingMessage, res: ServerResponse, name: string, index: number) => {
    const bytes = files.get(name)!;
    await new Promise<void>((resolve, reject) => pay(req, res, (error) => (error ? reject(error) : resolve())));
    if (res.writableEnded) return; // refused: the paywall answered 402 (or 503)
    served.push(`${name}#${index}`);
    await beforeChunk?.(name, index);
    send(res, 200, bytes.subarray(index * chunkSize, (index + 1) * chunkSize), "application/octet-stream");
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET") return sendJson(res, 405, { error: "GET only" });
    if (pathname === "/api/files") return sendJson(res, 200, [...manifests.values()]);
    // Where the page pays: the chain and the MicropaymentChannels contract (the 402 names them too).
    if (pathname === "/api/payment") {
      const chainId = await payee.getChainId();
      return sendJson(res, 200, { chainId: chainId.toString(), contract: payee.address, fromBlock: payee.fromBlock });
    }
    const file = /^\/api\/files\/([^/]+)(?:\/chunks\/(\d+))?$/.exec(pathname);
    if (file !== null) {
      const manifest = manifests.get(decodeURIComponent(file[1]));
      if (manifest === undefined) return sendJson(res, 404, { error: "no such file" });
      if (file[2] === undefined) return sendJson(res, 200, manifest);
      const index = Number(file[2]);
      if (index >= manifest.chunks) return sendJson(res, 404, { error: "no such chunk" });
      return chunk(req, res, manifest.name, index);
    }
    return servePage(res, pageDir, pathname);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(params.port ?? 0, params.host ?? "127.0.0.1", resolve));
  const { address, port } = server.address() as AddressInfo;
  return { url: `http://${address}:${port}`, served, close: () => closeServer(server) };
}

async function servePage(res: ServerResponse, pageDir: string | undefined, pathname: string): Promise<void> {
  if (pageDir === undefined) return sendJson(res, 404, { error: "not found" });
  const relative = pathname === "/" ? "index.html" : decodeURIComponent(pathname).slice(1);
  const file = path.resolve(pageDir, relative);
  // Nothing outside the page's folder: "/../server.ts" and the like resolve elsewhere and are refused.
  if (!file.startsWith(path.resolve(pageDir) + path.sep)) return sendJson(res, 404, { error: "not found" });
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    const hint = pathname === "/" ? ": build the page first (npm run example:web)" : "";
    return sendJson(res, 404, { error: `not found${hint}` });
  }
  send(res, 200, body, CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream");
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** The files of `dir` (not its subfolders), or one sample file when no folder is given. */
async function filesToSell(dir: string | undefined): Promise<Map<string, Uint8Array>> {
  if (dir === undefined) return new Map([["sample.bin", sampleFile(1024 * 1024)]]);
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return new Map(
    await Promise.all(
      files.map(async (f) => [f.name, new Uint8Array(await readFile(path.join(dir, f.name)))] as const),
    ),
  );
}

/** The command line: a payee on a node with PeerPay deployed (README.md beside this file lists the variables). */
async function main(): Promise<void> {
  const env = process.env;
  const provider = new JsonRpcProvider(env.PEERPAY_RPC_URL ?? "http://127.0.0.1:8545");
  const record = JSON.parse(readFileSync(env.PEERPAY_RECORD ?? "deployments/localhost.json", "utf8"));
  const addressBook = addressBookFromRecord(record as DeploymentRecord); // on a public testnet: leave it out
  // The payee's key: PEERPAY_PAYEE_KEY, or on a development node its unlocked account #2.
  const signer: Signer = env.PEERPAY_PAYEE_KEY
    ? new Wallet(env.PEERPAY_PAYEE_KEY, provider)
    : await provider.getSigner(2);
  const vouchers = path.resolve(env.PEERPAY_VOUCHERS ?? path.join(__dirname, ".data", "vouchers.log"));
  mkdirSync(path.dirname(vouchers), { recursive: true });
  const store = await FileVoucherStore.open({ path: vouchers });
  const payee = await PayeeClient.connect({ runner: signer, addressBook, store });
  const price = parseEther(env.PEERPAY_CHUNK_PRICE ?? "0.00001");
  const server = await startFileServer({
    files: await filesToSell(env.PEERPAY_FILES),
    chunkSize: Number(env.PEERPAY_CHUNK_SIZE ?? 64 * 1024),
    price,
    payee,
    minDeposit: parseEther(env.PEERPAY_MIN_DEPOSIT ?? "0.001"),
    pageDir: path.join(__dirname, "dist"),
    host: env.HOST ?? "127.0.0.1",
    port: Number(env.PORT ?? 8080),
  });
  const chainId = await payee.getChainId();
  console.log(`PeerPay file server on ${server.url}: payee ${await signer.getAddress()} on chain ${chainId}`);
  console.log(`  ${formatEther(price)} ETH a chunk; vouchers kept in ${vouchers}`);
  // A payer may ask to close a channel: the watcher claims the best voucher before the challenge period ends.
  const watcher = payee.watch({
    onClaim: ({ channelId, reason }) => console.log(`  claimed channel ${channelId} (${reason})`),
    onError: (error) => console.error("watcher:", error),
  });
  const stop = async () => {
    await watcher.stop();
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
