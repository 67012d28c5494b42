// The payer's state in real Chromium (docs/browser.md BR-S*, BR-K2, BR-E2): a page bundled by Vite from the SDK's
// main entry, served from 127.0.0.1 (IndexedDB needs a real origin), stores a record with a WebCrypto-sealed session
// key, is reloaded (a real navigation), reads it back, unseals and signs; two tabs contend for one record's lock.
// Skipped with the reason printed when Chromium (/usr/bin/chromium, or PEERPAY_CHROMIUM) is missing, unless
// PEERPAY_REQUIRE_CHROMIUM=1 (then it fails): test/helpers/chromium.ts.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { builtinModules } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { build, type Plugin, type Rollup } from "vite";
import { VoucherVerifier } from "../../sdk";
import { CHROMIUM_ARGS, chromiumPath, needChromium } from "../helpers/chromium";
import { underCoverage } from "../helpers/coverage";
import { MAX_UINT256, recordOf } from "../sdk/browser/fixtures";
import { fromJson, toJson } from "./fixtures/page";
import type { PaidChannelRecord } from "../../sdk/http/payer-state";

const ROOT = path.join(__dirname, "../..");
/** Fails the bundle at the first Node built-in import: the page must load the main entry as a browser app would. */
function forbidNodeBuiltins(): Plugin {
  return {
    name: "peerpay:forbid-node-builtins",
    enforce: "pre",
    resolveId(source, importer) {
      const bare = source.replace(/^node:/, "").split("/")[0];
      if (source.startsWith("node:") || builtinModules.includes(bare)) {
        this.error(`"${source}" is a Node built-in, imported by ${importer ?? "the entry"}`);
      }
      return null;
    },
  };
}

/** The page's script: fixtures/page.ts and the SDK, bundled by Vite for the browser, in memory. */
async function bundlePage(work: string): Promise<string> {
  const entry = path.join(work, "entry.ts");
  writeFileSync(
    entry,
    `import { install } from ${JSON.stringify(path.join(__dirname, "fixtures/page"))};\ninstall();\n`,
  );
  const outputs = (await build({
    configFile: false,
    logLevel: "silent",
    root: ROOT,
    build: {
      write: false,
      minify: false,
      target: "es2022",
      reportCompressedSize: false,
      lib: { entry, formats: ["es"], fileName: "page" },
    },
    plugins: [forbidNodeBuiltins()],
  })) as Rollup.RollupOutput[];
  const chunk = outputs[0].output.find((item) => item.type === "chunk" && item.isEntry) as Rollup.OutputChunk;
  return chunk.code;
}

/** Serves the page at http://127.0.0.1:<port>/ and its script at /page.js. */
async function serve(script: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><html><head><script type="module" src="/page.js"></script></head><body>peerpay</body></html>`;
  const server = createServer((request, response) => {
    const [type, body] =
      request.url === "/page.js" ? ["text/javascript", script] : request.url === "/" ? ["text/html", html] : [];
    response.writeHead(body === undefined ? 404 : 200, { "content-type": type ?? "text/plain" });
    response.end(body ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The page's API, once its module has run. */
type PageApi = {
  save(recordJson: string, privateKey: string): Promise<string>;
  load(key: string): Promise<string>;
  signWith(key: string, amount: string): Promise<{ signature: string; native: boolean; recovered: string }>;
  raw(key: string): Promise<{ row: string; isCryptoKey: boolean; extractable: boolean; exportError: string }>;
  walletSeal(walletKey: string, chainId: string, privateKey: string): Promise<string>;
  walletUnseal(walletKey: string, chainId: string, sealedJson: string): Promise<string>;
  crossTab(): boolean;
  hold(key: string): Promise<boolean>;
  request(key: string): void;
  locks(): Promise<{ pending: string[]; held: string[] }>;
};
type PageGlobals = { peerpay: PageApi; peerpayReady?: boolean; entered?: boolean; release(): void; waiting: unknown };

async function open(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).peerpayReady === true);
  return page;
}

describe("the payer's state in headless Chromium (IndexedDB, WebCrypto, Web Locks)", function () {
  let work: string | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let url: string;

  before(async function () {
    if (underCoverage()) this.skip();
    needChromium(this);
    this.timeout(180_000);
    work = mkdtempSync(path.join(tmpdir(), "peerpay-browser-state-"));
    const served = await serve(await bundlePage(work));
    server = served.server;
    url = served.url;
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
  });

  beforeEach(async function () {
    // A fresh profile per test: its own IndexedDB and locks.
    context = await browser!.newContext();
  });

  afterEach(async function () {
    await context?.close();
  });

  after(async function () {
    await browser?.close();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("BR-S1, BR-S3, BR-K2: a record stored before a reload reads back equal after it, amounts at 2^256 - 1", async function () {
    this.timeout(60_000);
    const sessionKey = Wallet.createRandom();
    const record = recordOf({ deposit: MAX_UINT256, signed: MAX_UINT256 - 1n, acknowledged: 77n });
    const page = await open(context, url);
    const sealed = fromJson<Record<string, unknown>>(
      await page.evaluate(
        ([json, key]) => (globalThis as unknown as PageGlobals).peerpay.save(json, key),
        [toJson(record), sessionKey.privateKey],
      ),
    );
    expect(sealed.scheme).to.equal("webcrypto-aes-256-gcm-v1");

    await page.reload(); // a real navigation: a new document, a new SDK, the same origin's database
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).peerpayReady === true);
    const loaded = fromJson<PaidChannelRecord>(
      await page.evaluate((key) => (globalThis as unknown as PageGlobals).peerpay.load(key), record.key),
    );
    expect(loaded).to.deep.equal({ ...record, sessionKey: sealed });
  });

  it("BR-K2, BR-E2: after a reload the page unseals the key and signs; a pure-JS VoucherVerifier recovers it", async function () {
    this.timeout(60_000);
    const sessionKey = Wallet.createRandom();
    const base = recordOf();
    const record = { ...base, channel: { ...base.channel, signer: sessionKey.address } };
    const page = await open(context, url);
    await page.evaluate(
      ([json, key]) => (globalThis as unknown as PageGlobals).peerpay.save(json, key),
      [toJson(record), sessionKey.privateKey],
    );
    await page.goto(url); // navigating again is a reload too
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).peerpayReady === true);
    const signed = await page.evaluate(
      (key) => (globalThis as unknown as PageGlobals).peerpay.signWith(key, "12345"),
      record.key,
    );
    expect(signed.native, "no native binding in a page").to.equal(false);
    expect(signed.recovered).to.equal(sessionKey.address);
    const verifier = new VoucherVerifier({ chainId: record.chainId, contract: record.contract, native: false });
    expect(verifier.recover({ channelId: record.channelId, amount: 12_345n, signature: signed.signature })).to.equal(
      sessionKey.address,
    );

    // BR-K3: a script reading the database gets ciphertext and a CryptoKey it cannot export.
    const raw = await page.evaluate((key) => (globalThis as unknown as PageGlobals).peerpay.raw(key), record.key);
    expect(raw.row).not.to.include(sessionKey.privateKey.slice(2));
    expect(raw).to.deep.include({ isCryptoKey: true, extractable: false, exportError: "InvalidAccessError" });
  });

  it("BR-K4, BR-K5: a key sealed by the wallet before a reload unseals after it, bound to the page's origin", async function () {
    this.timeout(60_000);
    const [wallet, sessionKey] = [Wallet.createRandom(), Wallet.createRandom()];
    const page = await open(context, url);
    const sealedJson = await page.evaluate(
      ([walletKey, key]) => (globalThis as unknown as PageGlobals).peerpay.walletSeal(walletKey, "8453", key),
      [wallet.privateKey, sessionKey.privateKey],
    );
    const sealed = fromJson<Record<string, unknown>>(sealedJson);
    expect(sealed).to.deep.include({ origin: url.replace(/\/$/, ""), chainId: "8453", app: "t" });
    expect(sealedJson).not.to.include(sessionKey.privateKey.slice(2));
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).peerpayReady === true);
    const unsealed = await page.evaluate(
      ([walletKey, json]) => (globalThis as unknown as PageGlobals).peerpay.walletUnseal(walletKey, "8453", json),
      [wallet.privateKey, sealedJson],
    );
    expect(unsealed).to.equal(sessionKey.privateKey);
  });

  it("BR-S6: exclusive holds across two tabs through Web Locks: the second enters only after the first leaves", async function () {
    this.timeout(60_000);
    const key = recordOf().key;
    const [first, second] = [await open(context, url), await open(context, url)];
    expect(await first.evaluate(() => (globalThis as unknown as PageGlobals).peerpay.crossTab())).to.equal(true);
    expect(await first.evaluate((k) => (globalThis as unknown as PageGlobals).peerpay.hold(k), key)).to.equal(true);
    await second.evaluate((k) => (globalThis as unknown as PageGlobals).peerpay.request(k), key);
    // Wait, without a timer, until the browser's lock manager shows the second tab's request queued behind the first.
    const lockName = `peerpay:peerpay:${key}`;
    await first.waitForFunction(async (name) => {
      const { pending, held } = await (globalThis as unknown as PageGlobals).peerpay.locks();
      return held.includes(name) && pending.includes(name);
    }, lockName);
    expect(await second.evaluate(() => (globalThis as unknown as PageGlobals).entered)).to.equal(false);
    await first.evaluate(() => (globalThis as unknown as PageGlobals).release());
    await second.evaluate(() => (globalThis as unknown as PageGlobals).waiting);
    expect(await second.evaluate(() => (globalThis as unknown as PageGlobals).entered)).to.equal(true);
  });
});
