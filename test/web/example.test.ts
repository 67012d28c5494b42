// The example page (examples/web/) in headless Chromium, against its own server (examples/web/server.ts) on loopback:
// built by Vite, paid through an injected EIP-1193 wallet backed by the test chain. Rules cited are those of
// docs/http-payments.md (HP-*). Without Chromium the suite skips, or fails under PEERPAY_REQUIRE_CHROMIUM=1.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import hre, { ethers } from "hardhat";
import { parseEther } from "ethers";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { PayeeClient, toChannelId } from "../../sdk";
import { FileVoucherStore } from "../../sdk/node";
import { MicropaymentChannels__factory } from "../../typechain-types";
import { sampleFile, startFileServer, type FileServer } from "../../examples/web/server";
import { TestWallet, injectWallet, launchChromium, needChromium } from "../helpers/chromium";
import { underCoverage } from "../helpers/coverage";

const ROOT = path.join(__dirname, "../..");
const OUTPUT = path.join(ROOT, "test-results/web");
const CHUNK = 4_096;
const PRICE = parseEther("0.00001");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
// Two files with an uneven last chunk: a.bin in 6 chunks, b.bin in 5.
const FILES = new Map([
  ["a.bin", sampleFile(6 * CHUNK - 100, "a")],
  ["b.bin", sampleFile(5 * CHUNK - 7, "b")],
]);

/** A promise and its resolver. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe("the example page (examples/web) in headless Chromium, paying per chunk", function () {
  this.timeout(60_000);
  let work: string;
  let browser: Browser;
  let page: Page;
  let wallet: TestWallet;
  let server: FileServer;
  let store: FileVoucherStore;
  let payee: PayeeClient;
  let account: string;
  let channelId: string;
  // The server holds the response to b.bin's chunk 2 (paid, not yet sent) until released: the page reloads meanwhile.
  const held = { reached: deferred(), release: deferred(), done: false };

  /** What an element shows: its text, or a `data-*` value. */
  const text = (selector: string) => page.locator(selector).innerText();
  const wei = async (selector: string) => BigInt((await page.locator(selector).getAttribute("data-wei")) ?? "-1");
  const stored = async () => (await payee.bestVoucher({ channel: toChannelId(channelId) }))?.amount ?? 0n;

  async function open(): Promise<void> {
    await page.locator("body[data-ready=true]").waitFor();
  }

  async function downloadToEnd(name: string): Promise<string> {
    await page.selectOption("#file", name);
    await page.click("#download");
    await page.locator("#result:not([hidden])").waitFor();
    return text("#sha256");
  }

  before(async function () {
    if (underCoverage()) this.skip(); // nothing here measures the contracts: the instrumented run skips it
    needChromium(this);
    work = mkdtempSync(path.join(tmpdir(), "peerpay-web-"));
    const pageDir = path.join(work, "page");
    await build({
      configFile: path.join(ROOT, "examples/web/vite.config.ts"),
      logLevel: "silent",
      build: { outDir: pageDir, emptyOutDir: true },
    });
    const [deployer, payer, payeeSigner] = await ethers.getSigners();
    account = payer.address;
    const channels = await new MicropaymentChannels__factory(deployer).deploy();
    store = await FileVoucherStore.open({ path: path.join(work, "vouchers.log") });
    payee = new PayeeClient({ address: await channels.getAddress(), runner: payeeSigner, store });
    server = await startFileServer({
      files: FILES,
      chunkSize: CHUNK,
      price: PRICE,
      payee,
      pageDir,
      beforeChunk: async (name, index) => {
        if (name !== "b.bin" || index !== 2 || held.done) return;
        held.done = true;
        held.reached.resolve();
        await held.release.promise;
      },
    });
    const { chainId } = await ethers.provider.getNetwork();
    wallet = new TestWallet({ chain: hre.network.provider, account, chainId });
    browser = await launchChromium();
    const context = await browser.newContext();
    await injectWallet(context, wallet);
    page = await context.newPage();
    await page.goto(server.url);
    await open();
  });

  after(async function () {
    held.release.resolve();
    await browser?.close();
    await server?.close();
    await store?.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("connects the wallet's one account through EIP-1193", async function () {
    await page.click("#connect");
    await page.locator("#account", { hasText: account }).waitFor();
    expect(await text("#status")).to.include("Connected");
  });

  it("downloads a file of 6 chunks: the bytes are the file's, and the payee stored 6 x price (HP-S1, HP-C2)", async function () {
    expect(await downloadToEnd("a.bin")).to.equal(sha256(FILES.get("a.bin")!));
    expect(await text("#progress-text")).to.equal("6 / 6 chunks");
    expect(server.served).to.deep.equal(["a.bin#0", "a.bin#1", "a.bin#2", "a.bin#3", "a.bin#4", "a.bin#5"]);
    channelId = await text("#channel-id");
    expect(await stored()).to.equal(6n * PRICE);
    // The page shows what the payee acknowledged, to the wei, and nothing signed beyond it.
    expect(await wei("#paid")).to.equal(6n * PRICE);
    expect(await wei("#acknowledged")).to.equal(6n * PRICE);
    expect(await wei("#signed")).to.equal(6n * PRICE);
    expect(await wei("#deposit")).to.equal(parseEther("0.001"));
    expect(await page.locator("#onchain").getAttribute("data-status")).to.equal("Open");
    // The wallet sent one transaction (the channel's open, on the first 402) and signed nothing: the session key did.
    expect(wallet.count("eth_sendTransaction")).to.equal(1);
    expect(wallet.count("eth_signTypedData_v4")).to.equal(0);
  });

  it("reloaded with a paid chunk's response lost, it keeps the in-flight voucher in IndexedDB (HP-C4)", async function () {
    await page.selectOption("#file", "b.bin");
    await page.click("#download");
    await held.reached.promise; // b.bin#2 is paid and stored by the payee; its bytes have not left the server
    await page.reload();
    held.release.resolve();
    await open();
    await page.locator("#account", { hasText: account }).waitFor(); // reconnected without a prompt
    await page.selectOption("#file", "b.bin");
    await page.locator("body[data-file='b.bin']").waitFor();
    expect(await text("#progress-text")).to.equal("2 / 5 chunks");
    expect(await text("#download")).to.equal("Resume");
    // 6 chunks of a.bin and 2 of b.bin acknowledged; the voucher of b.bin#2 signed, stored by the payee, unacknowledged.
    expect(await wei("#acknowledged")).to.equal(8n * PRICE);
    expect(await wei("#signed")).to.equal(9n * PRICE);
    expect(await stored()).to.equal(9n * PRICE);
  });

  it("resumes after the reload: pays each chunk served exactly once, opens no second channel (HP-C5, HP-C6)", async function () {
    expect(await downloadToEnd("b.bin")).to.equal(sha256(FILES.get("b.bin")!));
    // b.bin#2 was served twice: its first response was lost in the reload. The resent voucher for 9 x price was
    // refused as a replay with the payee's total, so the second serving was paid on top, once.
    const b = server.served.filter((chunk) => chunk.startsWith("b.bin"));
    expect(b).to.deep.equal(["b.bin#0", "b.bin#1", "b.bin#2", "b.bin#2", "b.bin#3", "b.bin#4"]);
    expect(await stored()).to.equal(BigInt(server.served.length) * PRICE);
    expect(await stored()).to.equal(12n * PRICE);
    expect(await wei("#paid")).to.equal(12n * PRICE);
    expect(await wei("#signed")).to.equal(12n * PRICE);
    expect(wallet.count("eth_sendTransaction")).to.equal(1);
  });

  it("reloaded after the download, it serves the file from its cache: no request, nothing paid", async function () {
    const served = server.served.length;
    await page.reload();
    await open();
    await page.locator("#account", { hasText: account }).waitFor();
    expect(await downloadToEnd("b.bin")).to.equal(sha256(FILES.get("b.bin")!));
    expect(server.served).to.have.length(served);
    expect(await stored()).to.equal(12n * PRICE);
    expect(await wei("#paid")).to.equal(12n * PRICE);
  });

  it("writes a screenshot of the page under test-results/web/", async function () {
    mkdirSync(OUTPUT, { recursive: true });
    const file = path.join(OUTPUT, "example.png");
    rmSync(file, { force: true });
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).to.be.greaterThan(0);
  });
});
