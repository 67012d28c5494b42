// Headless Chromium for the browser tests (Debian's `chromium` package driven by playwright-core), and an injected
// EIP-1193 wallet whose requests are answered by the test chain in this process.
//
// Missing Chromium: a test that needs it skips with the reason printed, unless PEERPAY_REQUIRE_CHROMIUM=1 (set by
// .ci/run), in which case it fails. PEERPAY_CHROMIUM names another executable (e.g. a missing one, to see the skip).
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/** Where Debian's `chromium` package puts the browser (`apt-get install chromium`). */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The executable the browser tests launch. */
export function chromiumPath(): string {
  return process.env.PEERPAY_CHROMIUM || DEFAULT_CHROMIUM;
}

/** Whether a missing Chromium fails the browser tests instead of skipping them (CI sets it). */
export function chromiumRequired(): boolean {
  return process.env.PEERPAY_REQUIRE_CHROMIUM === "1";
}

/**
 * Call first in a hook or test that needs Chromium: returns when it is installed; otherwise skips the test (or, in
 * a `before` hook, the suite) with the reason printed, or throws when PEERPAY_REQUIRE_CHROMIUM=1.
 */
export function needChromium(context: Mocha.Context): void {
  const executable = chromiumPath();
  if (existsSync(executable)) return;
  const reason = `${executable} is missing (Debian: apt-get install chromium)`;
  if (chromiumRequired()) throw new Error(`${reason}, and PEERPAY_REQUIRE_CHROMIUM=1 requires it`);
  console.log(`      skipped: ${reason}; PEERPAY_REQUIRE_CHROMIUM=1 makes this a failure`);
  context.skip();
}

/** The flags every launch uses: no sandbox (containers run as root), no GPU, and no traffic of Chromium's own. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium (call `needChromium` first). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/** What the injected wallet forwards to: an EIP-1193 `request` (hre.network.provider, which holds unlocked keys). */
export type ChainProvider = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/** An EIP-1193 error as the page receives it (EIP-1193 §Provider Errors, or a JSON-RPC error code). */
export type WalletError = { code: number; message: string; data?: unknown };
type WalletAnswer = { result: unknown } | { error: WalletError };

/** EIP-1193's provider error codes, and JSON-RPC's invalid-params. */
export const WALLET_ERRORS = {
  unauthorized: 4100,
  unsupportedMethod: 4200,
  unrecognizedChain: 4902,
  invalidParams: -32602,
};

/** Read-only methods the wallet passes to the chain as they are. */
const READS = new Set([
  "eth_blockNumber",
  "eth_call",
  "eth_estimateGas",
  "eth_feeHistory",
  "eth_gasPrice",
  "eth_getBalance",
  "eth_getBlockByHash",
  "eth_getBlockByNumber",
  "eth_getCode",
  "eth_getLogs",
  "eth_getStorageAt",
  "eth_getTransactionByHash",
  "eth_getTransactionCount",
  "eth_getTransactionReceipt",
  "eth_maxPriorityFeePerGas",
]);

export type TestWalletParameters = {
  /** The chain that signs and sends: Hardhat's provider signs for its unlocked accounts. */
  chain: ChainProvider;
  /** The one account the page may use; signing or sending for any other is refused (4100). */
  account: string;
  chainId: bigint;
};

/** One request the page made, and whether it was answered or refused (with the EIP-1193 code). */
export type WalletCall = { method: string; params: unknown[]; error?: number };

/**
 * The Node side of the injected wallet: answers one request as a wallet holding `account` would, without a prompt
 * (the user "approves" everything that is theirs to approve). Every call is recorded in `calls`.
 */
export class TestWallet {
  readonly calls: WalletCall[] = [];
  /** Whether the page has asked for the account (eth_requestAccounts): kept across reloads, as a wallet keeps it. */
  granted = false;
  private readonly account: string;

  constructor(private readonly parameters: TestWalletParameters) {
    this.account = parameters.account.toLowerCase();
  }

  /** The calls of `method` so far. */
  count(method: string): number {
    return this.calls.filter((call) => call.method === method).length;
  }

  async request(method: string, params: unknown[]): Promise<WalletAnswer> {
    const call: WalletCall = { method, params };
    this.calls.push(call);
    const answer = await this.answer(method, params);
    if ("error" in answer) call.error = answer.error.code;
    return answer;
  }

  private async answer(method: string, params: unknown[]): Promise<WalletAnswer> {
    const { chain, chainId, account } = this.parameters;
    const refuse = (code: number, message: string): WalletAnswer => ({ error: { code, message } });
    switch (method) {
      // As a wallet does: no account for the site until it asks (the user "approves"), then the granted one.
      case "eth_requestAccounts":
        this.granted = true;
        return { result: [account] };
      case "eth_accounts":
        return { result: this.granted ? [account] : [] };
      case "eth_chainId":
        return { result: `0x${chainId.toString(16)}` };
      case "net_version":
        return { result: chainId.toString() };
      case "wallet_switchEthereumChain": {
        const wanted = (params[0] as { chainId?: string } | undefined)?.chainId;
        if (wanted !== undefined && BigInt(wanted) === chainId) return { result: null };
        return refuse(WALLET_ERRORS.unrecognizedChain, `this wallet knows only chain ${chainId}`);
      }
      case "eth_signTypedData_v4":
        if (!this.isMine(params[0]))
          return refuse(WALLET_ERRORS.unauthorized, `not this wallet's account: ${params[0]}`);
        return this.forward(chain, method, params);
      case "personal_sign":
        if (!this.isMine(params[1]))
          return refuse(WALLET_ERRORS.unauthorized, `not this wallet's account: ${params[1]}`);
        return this.forward(chain, method, params);
      case "eth_sendTransaction": {
        const tx = params[0] as { from?: string } | undefined;
        if (tx === undefined || typeof tx !== "object") return refuse(WALLET_ERRORS.invalidParams, "no transaction");
        if (tx.from !== undefined && !this.isMine(tx.from)) {
          return refuse(WALLET_ERRORS.unauthorized, `not this wallet's account: ${tx.from}`);
        }
        return this.forward(chain, method, [{ ...tx, from: account }]);
      }
      default:
        if (READS.has(method)) return this.forward(chain, method, params);
        return refuse(WALLET_ERRORS.unsupportedMethod, `the test wallet does not support ${method}`);
    }
  }

  private isMine(address: unknown): boolean {
    return typeof address === "string" && address.toLowerCase() === this.account;
  }

  private async forward(chain: ChainProvider, method: string, params: unknown[]): Promise<WalletAnswer> {
    try {
      return { result: await chain.request({ method, params }) };
    } catch (error) {
      // The node's own JSON-RPC error (a revert carries its data), as a wallet passes it on.
      const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
      return {
        error: { code: typeof code === "number" ? code : -32603, message: String(message ?? error), data },
      };
    }
  }
}

/** The page's name of the binding that carries requests to the Node side. */
const BINDING = "__peerpayTestWallet";

/**
 * Injects `window.ethereum` into every page of `context` before any of its scripts runs (reloads included), and
 * announces it by EIP-6963. Requests go to `wallet` in this process.
 */
export async function injectWallet(context: BrowserContext, wallet: TestWallet): Promise<void> {
  await context.exposeBinding(BINDING, (_source, method: string, params: unknown[]) => wallet.request(method, params));
  await context.addInitScript(installProvider, BINDING);
}

/** Runs in the page (serialized by playwright): no closure over anything of this module. */
function installProvider(binding: string): void {
  type Listener = (...args: unknown[]) => void;
  type Answer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };
  const page = globalThis as unknown as Record<string, unknown> & {
    dispatchEvent(event: unknown): boolean;
    addEventListener(type: string, listener: () => void): void;
    CustomEvent: new (type: string, init: { detail: unknown }) => unknown;
  };
  const send = page[binding] as (method: string, params: unknown[]) => Promise<Answer>;
  const listeners = new Map<string, Set<Listener>>();
  const provider = {
    isPeerPayTestWallet: true,
    async request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown> {
      if (args === null || typeof args !== "object" || typeof args.method !== "string") {
        throw Object.assign(new Error("request expects { method, params }"), { code: -32600 });
      }
      const params = args.params === undefined ? [] : Array.isArray(args.params) ? args.params : [args.params];
      const answer = await send(args.method, JSON.parse(JSON.stringify(params)));
      if ("error" in answer) throw Object.assign(new Error(answer.error.message), answer.error);
      return answer.result;
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  Object.defineProperty(page, "ethereum", { value: provider, configurable: false, writable: false });
  const info = {
    uuid: "6f1f4f5e-0d0c-4b8e-9d1a-7e0e0c9a5e12",
    name: "PeerPay test wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E",
    rdns: "dev.peerpay.test-wallet",
  };
  const announce = () =>
    page.dispatchEvent(new page.CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  page.addEventListener("eip6963:requestProvider", announce);
  announce();
}
