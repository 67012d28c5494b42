// The browser tests' injected wallet (test/helpers/chromium.ts): an EIP-1193 provider in a headless Chromium page
// whose requests the test chain answers, for one account only, refusing what a wallet would refuse.
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { verifyTypedData } from "ethers";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { TestWallet, WALLET_ERRORS, injectWallet, launchChromium, needChromium } from "../helpers/chromium";
import { underCoverage } from "../helpers/coverage";

/** Runs `window.ethereum.request(args)` in the page; resolves to its result, or to `{ code, message }` if it threw. */
async function request(page: Page, method: string, params?: unknown[]): Promise<unknown> {
  return page.evaluate(
    async ({ method, params }) => {
      const ethereum = (globalThis as unknown as { ethereum: { request(a: object): Promise<unknown> } }).ethereum;
      try {
        return { result: await ethereum.request({ method, params }) };
      } catch (error) {
        const { code, message } = error as { code: number; message: string };
        return { code, message };
      }
    },
    { method, params },
  );
}

describe("the browser tests' injected EIP-1193 wallet (headless Chromium, backed by the test chain)", function () {
  this.timeout(60_000);
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wallet: TestWallet;
  let account: string;
  let other: string;

  before(async function () {
    if (underCoverage()) this.skip(); // nothing here measures the contracts: the instrumented run skips it
    needChromium(this);
    const signers = await ethers.getSigners();
    [account, other] = [signers[5].address, signers[6].address];
    const { chainId } = await ethers.provider.getNetwork();
    wallet = new TestWallet({ chain: hre.network.provider, account, chainId });
    browser = await launchChromium();
    context = await browser.newContext();
    await injectWallet(context, wallet);
    page = await context.newPage();
    // The page reads window.ethereum while it parses: the provider is there before any script of the page runs.
    await page.goto("data:text/html,<title>x</title><script>document.title = typeof window.ethereum.request</script>");
  });

  after(async function () {
    await browser?.close();
  });

  it("is installed before the page's first script runs, and announced by EIP-6963", async function () {
    expect(await page.title()).to.equal("function");
    const announced = await page.evaluate(() => {
      const page = globalThis as unknown as {
        addEventListener(type: string, listener: (event: { detail: { info: { rdns: string } } }) => void): void;
        dispatchEvent(event: unknown): boolean;
        Event: new (type: string) => unknown;
      };
      let rdns = "";
      page.addEventListener("eip6963:announceProvider", (event) => (rdns = event.detail.info.rdns));
      page.dispatchEvent(new page.Event("eip6963:requestProvider"));
      return rdns;
    });
    expect(announced).to.equal("dev.peerpay.test-wallet");
  });

  it("takes event listeners (on, removeListener), each returning the provider", async function () {
    const chained = await page.evaluate(() => {
      type Provider = { on(e: string, f: () => void): unknown; removeListener(e: string, f: () => void): unknown };
      const ethereum = (globalThis as unknown as { ethereum: Provider }).ethereum;
      const listener = () => {};
      return (
        ethereum.on("accountsChanged", listener) === ethereum &&
        ethereum.removeListener("accountsChanged", listener) === ethereum
      );
    });
    expect(chained).to.equal(true);
  });

  it("exposes exactly one account, once the page asked for it, and the chain's id", async function () {
    expect(await request(page, "eth_accounts")).to.deep.equal({ result: [] });
    expect(await request(page, "eth_requestAccounts")).to.deep.equal({ result: [account] });
    expect(await request(page, "eth_accounts")).to.deep.equal({ result: [account] });
    const { chainId } = await ethers.provider.getNetwork();
    expect(await request(page, "eth_chainId")).to.deep.equal({ result: `0x${chainId.toString(16)}` });
  });

  it("signs EIP-712 typed data (eth_signTypedData_v4) with the account's key: the signature recovers to it", async function () {
    const typedData = {
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "chainId", type: "uint256" },
        ],
        Ping: [{ name: "n", type: "uint256" }],
      },
      domain: { name: "wallet check", chainId: 31337 },
      primaryType: "Ping",
      message: { n: "9" },
    };
    const answer = (await request(page, "eth_signTypedData_v4", [account, JSON.stringify(typedData)])) as {
      result: string;
    };
    expect(answer.result).to.match(/^0x[0-9a-f]{130}$/);
    expect(
      verifyTypedData(typedData.domain, { Ping: typedData.types.Ping }, typedData.message, answer.result),
    ).to.equal(account);
  });

  it("sends a transaction from the account (eth_sendTransaction), mined on the test chain", async function () {
    const before = await ethers.provider.getBalance(other);
    const answer = (await request(page, "eth_sendTransaction", [{ to: other, value: "0x2a" }])) as { result: string };
    const receipt = await ethers.provider.getTransactionReceipt(answer.result);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(account);
    expect(await ethers.provider.getBalance(other)).to.equal(before + 42n);
  });

  it("refuses to sign or send for another account with 4100 (unauthorized), and the chain sees nothing", async function () {
    const nonce = await ethers.provider.getTransactionCount(other);
    const sent = await request(page, "eth_sendTransaction", [{ from: other, to: account, value: "0x1" }]);
    expect(sent).to.include({ code: WALLET_ERRORS.unauthorized });
    expect(await ethers.provider.getTransactionCount(other)).to.equal(nonce);
    const signed = await request(page, "eth_signTypedData_v4", [other, "{}"]);
    expect(signed).to.include({ code: WALLET_ERRORS.unauthorized });
    expect(await request(page, "personal_sign", ["0x00", other])).to.include({ code: WALLET_ERRORS.unauthorized });
  });

  it("refuses methods a wallet does not offer with 4200 (unsupported), and another chain with 4902", async function () {
    for (const method of ["eth_sign", "hardhat_setBalance", "evm_mine", "eth_accounts_all"]) {
      expect(await request(page, method, [account, "0x00"]), method).to.include({
        code: WALLET_ERRORS.unsupportedMethod,
      });
    }
    expect(await request(page, "wallet_switchEthereumChain", [{ chainId: "0x1" }])).to.include({
      code: WALLET_ERRORS.unrecognizedChain,
    });
    expect(wallet.calls.filter((call) => call.error === WALLET_ERRORS.unsupportedMethod)).to.have.length(4);
  });

  it("passes reads to the chain, and the node's JSON-RPC errors through with their code", async function () {
    const answer = await request(page, "eth_call", [{ to: account, data: "0x" }, "latest"]);
    expect(answer).to.have.property("result", "0x");
    const bad = await request(page, "eth_getBalance", ["not an address", "latest"]);
    expect(bad).to.have.property("code").that.is.a("number");
  });
});
