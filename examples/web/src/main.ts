// The example page (README.md beside it): connect a wallet, then download a file chunk by chunk, each chunk paid
// through PeerPay's paying fetch. The first 402 opens a channel through the wallet (one transaction, with a fresh
// session key as its signer); every chunk after that is paid by the session key, with no wallet prompt. The payer
// state (the channel, its totals, the session key sealed under a non-extractable WebCrypto key) is in IndexedDB, and
// so are the chunks received: a reload resumes the download without paying twice and without getting stuck.
import { BrowserProvider, parseEther, type Eip1193Provider } from "ethers";
import {
  IndexedDbPayerStateStore,
  PayerClient,
  PeerPayError,
  WebCryptoSessionKeySealer,
  payingFetch,
  type PaidChannelRecord,
  type PayingFetch,
} from "peerpay";
import { ChunkCache } from "./chunk-cache";
import { downloadFile, sha256Hex } from "./download";
import type { FileManifest } from "./manifest";
import { log, showChannel, showManifest, showOnChain, showProgress, showResult, showStatus, ui } from "./view";
import "./style.css";

/** An injected wallet: EIP-1193's request, and its events where the wallet has them. */
type InjectedWallet = Eip1193Provider & { on?(event: string, listener: (...args: unknown[]) => void): unknown };

declare global {
  interface Window {
    ethereum?: InjectedWallet;
  }
}

/** The app's spending limits (docs/http-payments.md HP-C1), in ETH; `?maxPrice=…&deposit=…&maxFunding=…` overrides. */
function limits() {
  const query = new URLSearchParams(location.search);
  return {
    maxPrice: parseEther(query.get("maxPrice") ?? "0.0001"),
    deposit: parseEther(query.get("deposit") ?? "0.001"),
    maxFunding: parseEther(query.get("maxFunding") ?? "0.01"),
  };
}

type Session = { payer: PayerClient; account: string; fetchPaid: PayingFetch };

const store = new IndexedDbPayerStateStore();
const sealer = new WebCryptoSessionKeySealer();
let cache: ChunkCache;
let manifests: FileManifest[] = [];
let session: Session | undefined;
let stopping = false;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Connects through the injected wallet; `prompt` false only looks for an account the wallet already granted. */
async function connect(prompt: boolean): Promise<void> {
  if (window.ethereum === undefined) throw new Error("No wallet found: install one (an EIP-1193 provider)");
  const provider = new BrowserProvider(window.ethereum);
  if (!prompt && ((await provider.send("eth_accounts", [])) as string[]).length === 0) return;
  const signer = await provider.getSigner();
  const { chainId } = await provider.getNetwork();
  const where = await getJson<{ chainId: string; contract: string; fromBlock: number }>("/api/payment");
  if (BigInt(where.chainId) !== chainId) {
    throw new Error(`The wallet is on chain ${chainId}; this server is paid on chain ${where.chainId}: switch chains`);
  }
  const payer = new PayerClient({ address: where.contract, runner: signer, fromBlock: where.fromBlock });
  session = { payer, account: signer.address, fetchPaid: payingFetch({ payer, store, sealer, limits: limits() }) };
  ui.account.textContent = signer.address;
  ui.chain.textContent = `${chainId}, channels contract ${where.contract}`;
  ui.connect.disabled = true;
  // Another account or chain means another payer state: start again from a clean page (as wallets recommend).
  window.ethereum.on?.("accountsChanged", () => location.reload());
  window.ethereum.on?.("chainChanged", () => location.reload());
  ui.download.disabled = manifests.length === 0;
  log(`connected ${signer.address} on chain ${chainId}`);
  showStatus("Connected: choose a file and download it.");
  await refreshChannel(true);
}

/** This payer's channel record on the server's contract (payingFetch keeps one per payee and token). */
async function currentRecord(): Promise<PaidChannelRecord | undefined> {
  if (session === undefined) return undefined;
  const contract = session.payer.address.toLowerCase();
  const payer = session.account.toLowerCase();
  const records = await store.list();
  // Retired records (a closed channel, HP-C10) stay in the store under "<key>#retired:<channelId>": skip them.
  return records.find(
    (r) => r.contract.toLowerCase() === contract && r.channel.payer.toLowerCase() === payer && !r.key.includes("#"),
  );
}

async function refreshChannel(onChain: boolean): Promise<PaidChannelRecord | undefined> {
  const record = await currentRecord();
  showChannel(record);
  if (onChain && record !== undefined && session !== undefined) {
    showOnChain(await session.payer.getChannelState({ channelId: record.channelId }));
  }
  return record;
}

function selected(): FileManifest | undefined {
  return manifests.find((m) => m.name === ui.file.value);
}

async function showSelected(): Promise<void> {
  const manifest = selected();
  ui.result.hidden = true;
  showManifest(manifest, manifest === undefined ? 0 : (await cache.indexes(manifest.sha256)).length);
  document.body.dataset.file = manifest?.name ?? ""; // what the page shows is this file's (tests wait for it)
}

async function download(): Promise<void> {
  const manifest = selected();
  if (session === undefined || manifest === undefined) return;
  const { fetchPaid } = session;
  stopping = false;
  ui.download.disabled = true;
  ui.stop.disabled = false;
  ui.file.disabled = true;
  showStatus(`Downloading ${manifest.name}…`);
  try {
    const file = await downloadFile({
      manifest,
      cache,
      fetch: (url) => fetchPaid(url),
      stopped: () => stopping,
      onChunk: async (held, total) => {
        showProgress(held, total);
        const record = await refreshChannel(false);
        if (record !== undefined)
          log(`${manifest.name}: ${held}/${total} chunks, ${record.acknowledged} wei paid in all`);
      },
    });
    await refreshChannel(true);
    if (file === undefined) {
      showStatus(`Paused: ${manifest.name} resumes at its first missing chunk.`);
      return;
    }
    const sha256 = await sha256Hex(file);
    showResult(manifest, file, sha256);
    showStatus(`Downloaded ${manifest.name}: ${file.length.toLocaleString("en-US")} bytes, SHA-256 verified.`);
    ui.download.textContent = "Download";
    log(`${manifest.name} complete`);
  } catch (error) {
    fail(error);
  } finally {
    ui.download.disabled = false;
    ui.stop.disabled = true;
    ui.file.disabled = false;
  }
}

function fail(error: unknown): void {
  // PeerPay's errors carry a stable code (e.g. HTTP_PRICE_ABOVE_LIMIT, HTTP_BUDGET_EXCEEDED): show it.
  const text = error instanceof PeerPayError ? `${error.code}: ${error.message}` : String(error);
  showStatus(text, true);
  log(text);
  console.error(error);
}

async function start(): Promise<void> {
  cache = await ChunkCache.open();
  manifests = await getJson<FileManifest[]>("/api/files");
  for (const manifest of manifests) ui.file.add(new Option(manifest.name, manifest.name));
  await showSelected();
  ui.file.addEventListener("change", () => void showSelected().catch(fail));
  ui.connect.addEventListener("click", () => void connect(true).catch(fail));
  ui.download.addEventListener("click", () => void download());
  ui.stop.addEventListener("click", () => {
    stopping = true;
    ui.stop.disabled = true;
  });
  // A wallet that already granted this site an account connects without a prompt (after a reload, for one).
  await connect(false);
  document.body.dataset.ready = "true";
}

start().catch(fail);
