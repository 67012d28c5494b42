// The page's elements (index.html) and how state is shown in them. Amounts are shown in ETH and kept exact, in wei,
// in each element's `data-wei` (what the headless-Chromium test reads).
import { formatEther } from "ethers";
import { ChannelStatus, type ChannelState, type PaidChannelRecord } from "peerpay";
import type { FileManifest } from "./manifest";

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`index.html has no #${id}`);
  return found as T;
}

export const ui = {
  connect: element<HTMLButtonElement>("connect"),
  account: element("account"),
  chain: element("chain"),
  file: element<HTMLSelectElement>("file"),
  fileInfo: element("file-info"),
  download: element<HTMLButtonElement>("download"),
  stop: element<HTMLButtonElement>("stop"),
  progress: element<HTMLProgressElement>("progress"),
  progressText: element("progress-text"),
  paid: element("paid"),
  result: element("result"),
  sha256: element("sha256"),
  save: element<HTMLAnchorElement>("save"),
  channelId: element("channel-id"),
  deposit: element("deposit"),
  acknowledged: element("acknowledged"),
  signed: element("signed"),
  onchain: element("onchain"),
  status: element("status"),
  log: element("log"),
};

const eth = (wei: bigint) => `${formatEther(wei)} ETH`;

function showAmount(target: HTMLElement, wei: bigint): void {
  target.dataset.wei = wei.toString();
  target.textContent = eth(wei);
}

export function showStatus(text: string, error = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle("error", error);
}

export function log(text: string): void {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  ui.log.prepend(item);
  while (ui.log.childElementCount > 50) ui.log.lastElementChild?.remove();
}

export function showManifest(manifest: FileManifest | undefined, held: number): void {
  if (manifest === undefined) {
    ui.fileInfo.textContent = "–";
    return;
  }
  const price = BigInt(manifest.price);
  ui.fileInfo.textContent =
    `${manifest.size.toLocaleString("en-US")} bytes in ${manifest.chunks} chunks of ` +
    `${manifest.chunkSize.toLocaleString("en-US")}, ${eth(price)} a chunk (${eth(price * BigInt(manifest.chunks))} in all)`;
  showProgress(held, manifest.chunks);
  ui.download.textContent = held > 0 && held < manifest.chunks ? "Resume" : "Download";
}

export function showProgress(held: number, total: number): void {
  ui.progress.max = Math.max(total, 1);
  ui.progress.value = held;
  ui.progressText.textContent = `${held} / ${total} chunks`;
}

/** The channel this page pays through (the payer state in IndexedDB), and what was paid in all. */
export function showChannel(record: PaidChannelRecord | undefined): void {
  showAmount(ui.paid, record?.acknowledged ?? 0n);
  if (record === undefined) return;
  ui.channelId.textContent = record.channelId;
  showAmount(ui.deposit, record.deposit);
  showAmount(ui.acknowledged, record.acknowledged);
  showAmount(ui.signed, record.signed);
  // A voucher signed but not yet acknowledged: in flight, or sent just before a reload (the next payment settles it).
  if (record.signed > record.acknowledged) ui.signed.textContent += " (one voucher not yet acknowledged)";
}

export function showOnChain(state: ChannelState): void {
  const status = ChannelStatus[state.status] ?? String(state.status);
  const closing = state.closesAt > 0 ? `, closing: the payee may claim until ${state.closesAt}` : "";
  ui.onchain.dataset.status = status;
  ui.onchain.textContent = `${status}: deposit ${eth(state.deposit)}, claimed ${eth(state.claimed)}${closing}`;
}

export function showResult(manifest: FileManifest, file: Uint8Array, sha256: string): void {
  ui.sha256.textContent = sha256;
  if (ui.save.href.startsWith("blob:")) URL.revokeObjectURL(ui.save.href);
  ui.save.href = URL.createObjectURL(new Blob([file as Uint8Array<ArrayBuffer>]));
  ui.save.download = manifest.name;
  ui.result.hidden = false;
}
