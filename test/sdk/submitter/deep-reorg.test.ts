// The submitter after a reorganisation deeper than its confirmations (docs/payment-channels.md §8.8, PC-E7), on anvil
// with automine off: the transaction it resolved is gone from the chain (anvil_reorg does not return it to the pool),
// so its nonce is free again; the next request must take that nonce rather than leave a gap nothing could pass.
import { expect } from "chai";
import { Submitter } from "../../../sdk";
import { startAnvil, type Anvil } from "../../helpers/anvil";
import { underCoverage } from "../../helpers/coverage";
import { account, mineUntil } from "../../helpers/submitter";

describe("Submitter after a reorg deeper than its confirmations, on anvil (PC-E7)", function () {
  this.timeout(30_000);
  let node: Anvil;
  let submitter: Submitter | undefined;

  before(function () {
    if (underCoverage()) this.skip();
  });
  beforeEach(async () => {
    node = await startAnvil();
    await node.rpc("evm_setAutomine", [false]);
  });
  afterEach(async () => {
    await submitter?.close();
    await node.stop();
  });

  const within = <T>(promise: Promise<T>, ms: number): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not mined within ${ms} ms of blocks`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };

  it("PC-E7 gives the next request the nonce a reorg freed after the confirmations, and it lands", async function () {
    const sender = account(1);
    submitter = new Submitter({ signer: sender, rpc: [node.url], confirmations: 1, pollingIntervalMs: 20 });
    const first = await mineUntil(node, submitter.submit({ to: account(2).address, data: "0x", value: 1n }));
    const head = Number(await node.rpc<string>("eth_blockNumber"));
    await node.rpc("anvil_reorg", [head - first.receipt.blockNumber + 1, []]);
    expect(await node.rpc("eth_getTransactionReceipt", [first.hash])).to.equal(null);

    // A gap would leave it unmined for ever: give up after 10 s of blocks.
    const again = await mineUntil(
      node,
      within(submitter.submit({ to: account(2).address, data: "0x", value: 2n }), 10_000),
    );
    const tx = await node.rpc<{ nonce: string }>("eth_getTransactionByHash", [again.hash]);
    expect(Number(tx.nonce)).to.equal(0);
    expect(again.receipt.status).to.equal(1);
  });
});
