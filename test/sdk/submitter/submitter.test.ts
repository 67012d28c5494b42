// The transaction submitter (docs/payment-channels.md §8.8, PC-E7) against a real anvil with automine off: blocks
// are mined by the test (evm_mine), the base fee is raised on demand (anvil_setNextBlockBaseFeePerGas), a reorg is
// anvil_reorg, and a dead primary endpoint is an HTTP proxy the test switches off. Every wait is on an event or a
// chain condition, with a timeout; nothing asserts a duration.
import { expect } from "chai";
import { Interface, JsonRpcProvider, Transaction, ZeroHash, concat, toBeHex, type TransactionRequest } from "ethers";
import {
  ContractRevertError,
  Submitter,
  SubmitterError,
  type SubmitResult,
  type SubmitterEvent,
  type SubmitterParameters,
} from "../../../sdk";
import { raise } from "../../../sdk/submitter/fees";
import { startAnvil, type Anvil } from "../../helpers/anvil";
import { waitFor } from "../../helpers/deploy";
import { startRpcProxy, type RpcProxy } from "../../helpers/rpc-proxy";
import { account, mineUntil, sentEvents, type SentEvent } from "../../helpers/submitter";

const SENDER = account(1);
const RECIPIENT = account(2).address;
const GWEI = 10n ** 9n;
const TIP = GWEI;

type RawTx = { hash: string; nonce: string; from: string; to: string; value: string; input: string };

/** Runtime code that reverts with `payload`: CODECOPY the payload after the 12-byte prefix, then REVERT. */
function revertingCode(payload: string): string {
  const length = toBeHex((payload.length - 2) / 2, 1);
  return concat(["0x60", length, "0x600c600039", "0x60", length, "0x6000fd", payload]);
}
const NOT_FOUND = new Interface(["error PaymentChannelNotFound(bytes32 channelId)"]).encodeErrorResult(
  "PaymentChannelNotFound",
  [ZeroHash],
);

describe("Submitter on anvil, automine off (docs/payment-channels.md §8.8, PC-E7)", function () {
  this.timeout(30_000);
  let node: Anvil;
  let submitter: Submitter | undefined;
  let events: SubmitterEvent[];

  const mine = async (blocks = 1) => {
    for (let i = 0; i < blocks; i++) await node.rpc("evm_mine");
  };
  const nonceOf = async (tag: "latest" | "pending") =>
    Number(await node.rpc<string>("eth_getTransactionCount", [SENDER.address, tag]));
  const poolHashes = async (): Promise<string[]> => {
    const content = await node.rpc<{ pending: Record<string, Record<string, { hash: string }>> }>("txpool_content");
    return Object.values(content.pending).flatMap((byNonce) => Object.values(byNonce).map(({ hash }) => hash));
  };
  const sent = (filter?: (e: SentEvent) => boolean) => sentEvents(events, filter);
  const waitForEvent = (what: string, found: (events: SubmitterEvent[]) => boolean) =>
    waitFor(
      () => events,
      (list) => found(list),
      { timeoutMs: 15_000, what },
    );
  const start = (params: Partial<SubmitterParameters> = {}) => {
    submitter = new Submitter({
      signer: SENDER,
      rpc: [node.url],
      confirmations: 1,
      pollingIntervalMs: 20,
      bumpAfterMs: 60_000,
      bumpAfterBlocks: 100,
      maxPriorityFeePerGas: TIP,
      onEvent: (event) => events.push(event),
      ...params,
    });
    return submitter;
  };

  beforeEach(async function () {
    node = await startAnvil();
    await node.rpc("evm_setAutomine", [false]);
    expect(await node.rpc("anvil_getAutomine")).to.equal(false);
    events = [];
  });

  afterEach(async function () {
    await submitter?.close();
    submitter = undefined;
    await node.stop();
  });

  it("bumps an underpriced transaction by ≥ 12.5% on the same nonce after a base-fee jump, and the bump mines (PC-E7)", async function () {
    const s = start();
    const pending = s.submit({ to: RECIPIENT, data: "0x", value: 1n, label: "pay" });
    await waitForEvent("the first attempt", () => sent().length === 1);
    const [first] = sent();
    expect(await poolHashes()).to.deep.equal([first.hash]);

    const jumped = 10n * first.maxFeePerGas; // far above 2 × base fee + tip: the first attempt cannot be mined
    await node.rpc("anvil_setNextBlockBaseFeePerGas", [toBeHex(jumped)]);
    await waitForEvent("the bump", () => sent().length === 2);
    const [, second] = sent();
    expect(second.nonce).to.equal(first.nonce);
    expect(second.maxFeePerGas >= raise(first.maxFeePerGas, 1_250n)).to.equal(true);
    expect(second.maxPriorityFeePerGas >= raise(first.maxPriorityFeePerGas, 1_250n)).to.equal(true);
    expect(second.maxFeePerGas >= 2n * jumped + TIP).to.equal(true);
    // anvil accepted the replacement: only the bumped hash is left in its pool.
    expect(await poolHashes()).to.deep.equal([second.hash]);

    await mine();
    const result = await pending;
    expect(result.hash).to.equal(second.hash);
    expect(result.attempts).to.equal(2);
    expect(result.receipt.status).to.equal(1);
    const tx = await node.rpc<RawTx>("eth_getTransactionByHash", [result.hash]);
    expect(Number(tx.nonce)).to.equal(first.nonce);
    expect(await node.rpc("eth_getTransactionReceipt", [first.hash])).to.equal(null);
  });

  it("bumps a transaction that a block left out, after bumpAfterBlocks, on the same nonce (PC-E7)", async function () {
    // Blocks of 30,000 gas hold one transfer: a competitor paying a higher tip takes the block.
    await node.stop();
    node = await startAnvil({ args: ["--gas-limit", "30000"] });
    await node.rpc("evm_setAutomine", [false]);
    const s = start({ bumpAfterBlocks: 1 });
    const pending = s.submit({ to: RECIPIENT, data: "0x", label: "outbid" });
    await waitForEvent("the first attempt", () => sent().length === 1);
    const [first] = sent();
    const competitor = account(4);
    const rival = await competitor.signTransaction({
      type: 2,
      chainId: BigInt(node.chainId),
      nonce: 0,
      to: RECIPIENT,
      gasLimit: 21_000n,
      maxFeePerGas: 100n * first.maxFeePerGas,
      maxPriorityFeePerGas: 100n * first.maxPriorityFeePerGas,
    });
    await node.rpc("eth_sendRawTransaction", [rival]);
    await mine();
    const block = await node.rpc<{ transactions: string[] }>("eth_getBlockByNumber", ["latest", false]);
    expect(block.transactions).to.deep.equal([Transaction.from(rival).hash]);

    await waitForEvent("the bump after a block without it", () => sent().length === 2);
    const [, second] = sent();
    expect(second.nonce).to.equal(first.nonce);
    expect(second.maxPriorityFeePerGas >= raise(first.maxPriorityFeePerGas, 1_250n)).to.equal(true);
    await mine();
    expect((await pending).hash).to.equal(second.hash);
  });

  it("gives 20 queued transactions from one key consecutive nonces in submit order, no gap, no duplicate", async function () {
    const startNonce = await nonceOf("pending");
    const s = start();
    const results = await mineUntil(
      node,
      Promise.all(
        Array.from({ length: 20 }, (_, i) => s.submit({ to: RECIPIENT, data: toBeHex(i + 1, 32), label: `#${i}` })),
      ),
    );
    const txs = await Promise.all(results.map(({ hash }) => node.rpc<RawTx>("eth_getTransactionByHash", [hash])));
    expect(txs.map((tx) => Number(tx.nonce))).to.deep.equal(Array.from({ length: 20 }, (_, i) => startNonce + i));
    expect(txs.map((tx) => tx.input)).to.deep.equal(Array.from({ length: 20 }, (_, i) => toBeHex(i + 1, 32)));
    expect(await nonceOf("latest")).to.equal(startNonce + 20);
  });

  it("resolves only once the receipt has the configured confirmations (3)", async function () {
    const s = start({ confirmations: 3 });
    let result: SubmitResult | undefined;
    const pending = s.submit({ to: RECIPIENT, data: "0x" }).then((r) => (result = r));
    await waitForEvent("the attempt", () => sent().length === 1);
    const confirmationsSeen = (n: number) => (list: SubmitterEvent[]) =>
      list.some((e) => e.type === "mined" && e.confirmations === n);
    await mine();
    await waitForEvent("1 confirmation", confirmationsSeen(1));
    expect(result).to.equal(undefined);
    await mine();
    await waitForEvent("2 confirmations", confirmationsSeen(2));
    expect(result).to.equal(undefined);
    await mine();
    await pending;
    expect(result!.confirmations).to.equal(3);
    expect(result!.hash).to.equal(sent()[0].hash);
  });

  it("re-sends a transaction that a reorg removed from the chain, and resolves with the block it lands in", async function () {
    const s = start({ confirmations: 3 });
    const pending = s.submit({ to: RECIPIENT, data: "0x", value: 7n });
    await waitForEvent("the attempt", () => sent().length === 1);
    const { hash } = sent()[0];
    await mine();
    await waitForEvent("1 confirmation", (list) => list.some((e) => e.type === "mined"));
    const before = await node.rpc<{ blockHash: string; blockNumber: string }>("eth_getTransactionReceipt", [hash]);

    // Replace the tx's block (the head) with an empty one: the transaction is gone, and not back in anvil's pool.
    await node.rpc("anvil_reorg", [1, []]);
    expect(await node.rpc("eth_getTransactionReceipt", [hash])).to.equal(null);
    await waitForEvent("the reorg", (list) => list.some((e) => e.type === "reorged"));
    await waitFor(poolHashes, (hashes) => hashes.includes(hash), { what: "the re-sent transaction in the pool" });

    await mine(3);
    const result = await pending;
    expect(result.hash).to.equal(hash);
    expect(result.receipt.blockHash).to.not.equal(before.blockHash);
    expect(result.receipt.blockNumber).to.equal(Number(before.blockNumber) + 1);
    expect(result.confirmations).to.equal(3);
  });

  describe("with the primary endpoint behind a proxy the test switches off", function () {
    let proxy: RpcProxy;
    beforeEach(async () => (proxy = await startRpcProxy(node.url)));
    afterEach(async () => proxy.stop());

    it("fails over to the secondary when the primary dies, lands the transaction there, and returns to the primary", async function () {
      const s = start({ rpc: [proxy.url, node.url], rpcTimeoutMs: 2_000, failbackAfterMs: 200 });
      await mineUntil(node, s.submit({ to: RECIPIENT, data: "0x", label: "via primary" }));
      expect(s.activeEndpoint).to.equal("primary");
      expect(proxy.forwarded).to.be.greaterThan(0);

      await proxy.stop();
      const forwarded = proxy.forwarded;
      const second = await mineUntil(node, s.submit({ to: RECIPIENT, data: "0x", label: "via secondary" }));
      expect(second.receipt.status).to.equal(1);
      expect(events.some((e) => e.type === "failover" && e.from === "primary" && e.to === "secondary")).to.equal(true);
      expect(proxy.forwarded).to.equal(forwarded);

      await proxy.start();
      // The primary is tried again once failbackAfterMs has passed; each submit makes calls, so keep submitting.
      await waitFor(
        async () => {
          await mineUntil(node, s.submit({ to: RECIPIENT, data: "0x", label: "after recovery" }));
          return s.activeEndpoint;
        },
        (active) => active === "primary",
        { what: "the return to the primary", intervalMs: 100 },
      );
      expect(events.some((e) => e.type === "failover" && e.to === "primary")).to.equal(true);
      expect(proxy.forwarded).to.be.greaterThan(forwarded);
    });

    it("rejects with SUBMITTER_RPC_UNAVAILABLE, taking no nonce, when both endpoints are dead", async function () {
      await proxy.stop();
      const dead = await startRpcProxy(node.url);
      await dead.stop();
      const s = start({ rpc: [proxy.url, dead.url], rpcTimeoutMs: 1_000 });
      const error = await s.submit({ to: RECIPIENT, data: "0x" }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(SubmitterError);
      expect((error as SubmitterError).code).to.equal("SUBMITTER_RPC_UNAVAILABLE");
      expect(await nonceOf("pending")).to.equal(0);
    });
  });

  it("refuses a call that would revert before sending, with the decoded contract error, and takes no nonce", async function () {
    const target = account(3).address;
    await node.rpc("anvil_setCode", [target, revertingCode(NOT_FOUND)]);
    const s = start();
    for (const gasLimit of [undefined, 100_000n]) {
      const error = await s.submit({ to: target, data: "0x", gasLimit }).catch((e: unknown) => e);
      expect(error, `gasLimit ${gasLimit}`).to.be.instanceOf(ContractRevertError);
      expect((error as ContractRevertError).code).to.equal("PAYMENT_CHANNEL_NOT_FOUND");
    }
    expect(sent()).to.deep.equal([]);
    expect(await nonceOf("pending")).to.equal(0);
    // The nonce the refused calls would have taken goes to the next transaction.
    const result = await mineUntil(node, s.submit({ to: RECIPIENT, data: "0x" }));
    expect(Number((await node.rpc<RawTx>("eth_getTransactionByHash", [result.hash])).nonce)).to.equal(0);
  });

  it("rejects a transaction that reverts on-chain with SUBMITTER_REVERTED; its nonce is used and the queue goes on", async function () {
    const target = account(3).address;
    const s = start();
    const failing = s.submit({ to: target, data: "0x", gasLimit: 100_000n, label: "turns bad" });
    const next = s.submit({ to: RECIPIENT, data: "0x", label: "next" });
    await waitForEvent("both attempts", () => sent().length === 2);
    // The call was fine when checked; the target turns into a reverting contract before the block.
    await node.rpc("anvil_setCode", [target, revertingCode(NOT_FOUND)]);
    await mine();
    const error = await failing.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SubmitterError);
    expect((error as SubmitterError).code).to.equal("SUBMITTER_REVERTED");
    // The revert is decoded by replaying the call (anvil applies anvil_setCode to the state the replay reads).
    expect(((error as SubmitterError).cause as ContractRevertError).code).to.equal("PAYMENT_CHANNEL_NOT_FOUND");
    expect((error as SubmitterError).details).to.include({ nonce: 0, hash: sent()[0].hash, label: "turns bad" });
    const result = await next;
    expect(Number((await node.rpc<RawTx>("eth_getTransactionByHash", [result.hash])).nonce)).to.equal(1);
  });

  it("rejects with SUBMITTER_DEADLINE_MISSED and fills the nonce with a 0-value self-transfer, so the next one lands", async function () {
    const s = start();
    const head = await node.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false]);
    const now = Math.max(Number(head.timestamp), Math.floor(Date.now() / 1000));
    // No block is mined before the deadline, so the transaction cannot make it.
    const late = s.submit({ to: RECIPIENT, data: "0x", value: 5n, deadline: now + 2, label: "late" });
    const next = s.submit({ to: RECIPIENT, data: "0x", label: "after" });
    const error = (await late.catch((e: unknown) => e)) as SubmitterError;
    expect(error).to.be.instanceOf(SubmitterError);
    expect(error.code).to.equal("SUBMITTER_DEADLINE_MISSED");
    expect(error.details).to.include({ nonce: 0, deadline: now + 2, label: "late" });

    await waitForEvent("the cancellation", () => sent((e) => e.cancellation).length > 0);
    const cancellation = sent((e) => e.cancellation)[0];
    const lastOriginal = sent((e) => e.nonce === 0 && !e.cancellation).pop()!;
    expect(cancellation.nonce).to.equal(0);
    expect(cancellation.maxFeePerGas >= raise(lastOriginal.maxFeePerGas, 1_250n)).to.equal(true);
    expect(await poolHashes()).to.include(cancellation.hash);

    const result = await mineUntil(node, next);
    const tx = await node.rpc<RawTx>("eth_getTransactionByHash", [result.hash]);
    expect(Number(tx.nonce)).to.equal(1);
    const filler = await node.rpc<RawTx>("eth_getTransactionByHash", [cancellation.hash]);
    expect([filler.to.toLowerCase(), BigInt(filler.value), filler.input]).to.deep.equal([
      SENDER.address.toLowerCase(),
      0n,
      "0x",
    ]);
    expect(await node.rpc("eth_getTransactionReceipt", [lastOriginal.hash])).to.equal(null);
  });

  it("rejects with SUBMITTER_SEND_REJECTED when the signer refuses, and still fills the nonce for the next one", async function () {
    const signer = {
      address: SENDER.address,
      signTransaction: async (tx: TransactionRequest) => {
        if (tx.data === "0xdead") throw new Error("the signer refuses this payload");
        return SENDER.signTransaction(tx);
      },
    } as unknown as SubmitterParameters["signer"];
    const s = start({ signer });
    const refused = s.submit({ to: RECIPIENT, data: "0xdead", label: "refused" });
    const next = s.submit({ to: RECIPIENT, data: "0x", label: "next" });
    const error = (await refused.catch((e: unknown) => e)) as SubmitterError;
    expect(error.code).to.equal("SUBMITTER_SEND_REJECTED");
    expect(error.details).to.include({ nonce: 0, label: "refused" });
    const result = await mineUntil(node, next);
    expect(Number((await node.rpc<RawTx>("eth_getTransactionByHash", [result.hash])).nonce)).to.equal(1);
    const filler = sent((e) => e.nonce === 0);
    expect(filler.map((e) => e.cancellation)).to.deep.equal([true]);
    expect(await node.rpc("eth_getTransactionReceipt", [filler[0].hash])).to.not.equal(null);
  });

  it("rejects with SUBMITTER_NONCE_CONFLICT when the key, used elsewhere, fills the nonce; the next one still lands", async function () {
    // The endpoint given as an ethers provider rather than a URL.
    const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    const s = start({ rpc: [provider] });
    const ours = s.submit({ to: RECIPIENT, data: "0x", label: "ours" });
    await waitForEvent("our attempt", () => sent().length === 1);
    const [first] = sent();
    const foreign = await SENDER.signTransaction({
      type: 2,
      chainId: BigInt(node.chainId),
      nonce: first.nonce,
      to: account(5).address,
      gasLimit: 21_000n,
      maxFeePerGas: 2n * first.maxFeePerGas,
      maxPriorityFeePerGas: 2n * first.maxPriorityFeePerGas,
    });
    await node.rpc("eth_sendRawTransaction", [foreign]);
    await mine();
    const error = (await ours.catch((e: unknown) => e)) as SubmitterError;
    expect(error.code).to.equal("SUBMITTER_NONCE_CONFLICT");
    expect(error.details).to.include({ nonce: first.nonce });
    const next = await mineUntil(node, s.submit({ to: RECIPIENT, data: "0x", label: "next" }));
    expect(Number((await node.rpc<RawTx>("eth_getTransactionByHash", [next.hash])).nonce)).to.equal(first.nonce + 1);
    provider.destroy();
  });

  it("refuses a request whose deadline has passed, and a cap under the base fee for a deadline, taking no nonce", async function () {
    const head = await node.rpc<{ timestamp: string; baseFeePerGas: string }>("eth_getBlockByNumber", [
      "latest",
      false,
    ]);
    const s = start({ maxFeePerGasCap: BigInt(head.baseFeePerGas) / 2n });
    const passed = await s.submit({ to: RECIPIENT, data: "0x", deadline: Number(head.timestamp) - 1 }).catch((e) => e);
    expect((passed as SubmitterError).code).to.equal("SUBMITTER_DEADLINE_MISSED");
    const capped = await s
      .submit({ to: RECIPIENT, data: "0x", deadline: Math.floor(Date.now() / 1000) + 3_600 })
      .catch((e) => e);
    expect((capped as SubmitterError).code).to.equal("SUBMITTER_FEE_CAP_TOO_LOW");
    expect(sent()).to.deep.equal([]);
    expect(await nonceOf("pending")).to.equal(0);
  });

  it("rejects what has not landed with SUBMITTER_CLOSED on close, and refuses later submits", async function () {
    const s = start();
    const pending = s.submit({ to: RECIPIENT, data: "0x" });
    await waitForEvent("the attempt", () => sent().length === 1);
    await s.close();
    expect(((await pending.catch((e) => e)) as SubmitterError).code).to.equal("SUBMITTER_CLOSED");
    expect(((await s.submit({ to: RECIPIENT, data: "0x" }).catch((e) => e)) as SubmitterError).code).to.equal(
      "SUBMITTER_CLOSED",
    );
  });
});

describe("Submitter parameters", function () {
  it("refuses minBumpPercent under 12.5, the pools' replacement rule", function () {
    expect(() => new Submitter({ signer: SENDER, rpc: ["http://127.0.0.1:1"], minBumpPercent: 10 })).to.throw(
      /minBumpPercent/,
    );
  });
});
