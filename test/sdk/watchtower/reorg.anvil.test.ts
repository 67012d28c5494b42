// The watchtower's updateFor removed by a reorganisation (docs/payment-channels.md §8.7 PC-E6, §8.8 PC-E7), on anvil
// with automine off: the watchtower runs in this process over the real Submitter; the test mines, and `anvil_reorg`
// replaces the block that carried the updateFor with an empty one (anvil does not return its transactions to the
// pool, as a node that never saw them would not). The defence must land again before closesAt, whether the reorg
// comes before the submitter counted its confirmations (the submitter re-sends) or after (the watchtower re-submits).
import { expect } from "chai";
import { Wallet, ZeroHash, toBeHex, type HDNodeWallet, type JsonRpcProvider } from "ethers";
import {
  PaymentChannelsClient,
  Submitter,
  WatchtowerClient,
  type BalanceProof,
  type PaymentChannelEvent,
  type SubmitterEvent,
} from "../../../sdk";
import { WatchtowerServer } from "../../../sdk/node";
import { MemoryPeerStore } from "../../../sdk/store/memory-peer";
import { PaymentChannels__factory } from "../../../typechain-types";
import { startAnvil, type Anvil } from "../../helpers/anvil";
import { underCoverage } from "../../helpers/coverage";
import { waitFor } from "../../helpers/deploy";
import { account, anvilProvider, mineUntil, sentEvents } from "../../helpers/submitter";

const HOUR = 3_600;
/** The watchtower's default `reorgDepth`: the blocks every sync scans again. */
const REORG_DEPTH = 12;

describe("Watchtower: its updateFor reorganised out, on anvil (PC-E6, PC-E7)", function () {
  this.timeout(60_000);
  let node: Anvil;
  let provider: JsonRpcProvider;
  let server: WatchtowerServer | undefined;
  let submitter: Submitter | undefined;
  let events: SubmitterEvent[];
  const [deployer, alice, bob, towerKey] = [0, 1, 2, 3].map(account);

  const client = (wallet: HDNodeWallet, contract: string) =>
    new PaymentChannelsClient({ address: contract, runner: new Wallet(wallet.privateKey, provider) });
  const mine = () => node.rpc("evm_mine");
  const sentUpdates = () => sentEvents(events, (e) => e.label === "updateFor" && !e.cancellation);

  /** A deployment, Alice's channel to Bob, a watchtower holding Bob's proof 2 (300) and Alice's stale close. */
  async function closedChannel({ confirmations }: { confirmations: number }) {
    const contract = await (
      await new PaymentChannels__factory(new Wallet(deployer.privateKey, provider)).deploy()
    ).getAddress();
    const opened = await client(alice, contract).open({
      participant2: bob.address,
      amount: 1_000n,
      challengePeriod: HOUR,
      salt: 1,
    });
    await client(bob, contract).deposit({ channel: opened.channelId, amount: 500n });
    submitter = new Submitter({
      signer: new Wallet(towerKey.privateKey),
      rpc: [node.url],
      confirmations,
      pollingIntervalMs: 20,
      onEvent: (event) => events.push(event),
    });
    server = await WatchtowerServer.start({
      contract,
      provider,
      submitter,
      store: new MemoryPeerStore(),
      pollInterval: 0,
    });
    const bobTower = new WatchtowerClient({
      chainId: BigInt(node.chainId),
      contract,
      url: server.url,
      watchtower: towerKey.address,
      signer: new Wallet(bob.privateKey),
    });
    await bobTower.register({ channel: opened.channel, role: "participant2" });
    const proof: BalanceProof = { nonce: 2n, transferred: 300n, locked: 0n, locksRoot: ZeroHash };
    const { signature } = await client(alice, contract).signBalanceProof({ channel: opened.channel, proof });
    await bobTower.submitProof({ channelId: opened.channelId, proof, signature, reward: { amount: 10n } });

    await node.rpc("evm_setAutomine", [false]);
    const { events: closeEvents } = await mineUntil(node, client(alice, contract).close({ channel: opened.channel }));
    const closed = closeEvents.find((e) => e.type === "ChannelClosed") as Extract<
      PaymentChannelEvent,
      { type: "ChannelClosed" }
    >;
    const recorded = async () => (await client(deployer, contract).getChannel({ channel: opened.channel })).record!;
    return { tower: server.tower, submitter, closesAt: Number(closed.closesAt), recorded };
  }

  before(function () {
    if (underCoverage()) this.skip();
  });

  beforeEach(async function () {
    node = await startAnvil();
    provider = anvilProvider(node);
    events = [];
  });

  afterEach(async function () {
    // The submitter first: a transaction it still drives is then given up, and the watchtower has nothing to wait for.
    await submitter?.close();
    await server?.close();
    server = undefined;
    provider.destroy();
    await node.stop();
  });

  it("PC-E7 a reorg before the confirmations: the submitter re-sends the updateFor and it lands again before closesAt", async function () {
    const { tower, closesAt, recorded } = await closedChannel({ confirmations: 3 });
    await tower.sync();
    await waitFor(sentUpdates, (sent) => sent.length === 1, { what: "the updateFor attempt" });
    const [{ hash }] = sentUpdates();
    await mine();
    // The submitter has seen it mined (anvil drops a reorganised transaction: one never seen mined is only re-sent
    // when its bump is due).
    await waitFor(
      () => events,
      (list) => list.some((e) => e.type === "mined" && e.hash === hash),
      { what: "the updateFor mined" },
    );

    await node.rpc("anvil_reorg", [1, []]);
    expect((await recorded()).d12.nonce, "the reorg removed the update").to.equal(0n);
    await waitFor(
      () => events,
      (list) => list.some((e) => e.type === "reorged" && e.hash === hash),
      { what: "the submitter's reorg event" },
    );
    await mineUntil(
      node,
      waitFor(recorded, (r) => r.d12.nonce === 2n, { timeoutMs: 20_000, what: "the update again" }),
    );
    await mineUntil(node, tower.idle());

    const record = await recorded();
    expect([record.d12.nonce, record.d12.transferred, record.d12.rewardee]).to.deep.equal([2n, 300n, towerKey.address]);
    const receipt = (await provider.getTransactionReceipt(hash))!;
    expect((await provider.getBlock(receipt.blockNumber))!.timestamp).to.be.lessThan(closesAt);
  });

  it("PC-E6 a reorg after the submitter resolved: the watchtower sees the update gone at its next sync and submits again before closesAt", async function () {
    const { tower, closesAt, recorded } = await closedChannel({ confirmations: 1 });
    // The close is older than the blocks a sync re-scans (12) by the time the update is mined and reorganised out:
    // no event of the close is seen again, only the chain can say that the update is gone.
    await node.rpc("anvil_mine", [toBeHex(REORG_DEPTH + 3)]);
    await tower.sync();
    await mineUntil(node, tower.idle());
    expect((await recorded()).d12.nonce).to.equal(2n);
    const mined = events.find((e) => e.type === "mined" && e.label === "updateFor") as Extract<
      SubmitterEvent,
      { type: "mined" }
    >;

    // Every block from the updateFor's on is replaced (more may have been mined after it).
    const head = Number(await node.rpc<string>("eth_blockNumber"));
    await node.rpc("anvil_reorg", [head - mined.blockNumber + 1, []]);
    expect((await recorded()).d12.nonce, "the reorg removed the update").to.equal(0n);
    await mine();
    await tower.sync();
    await mineUntil(
      node,
      waitFor(recorded, (r) => r.d12.nonce === 2n, { timeoutMs: 20_000, what: "the update again" }),
    );
    await tower.idle();

    const record = await recorded();
    expect([record.d12.nonce, record.d12.transferred, record.d12.rewardee]).to.deep.equal([2n, 300n, towerKey.address]);
    expect(sentUpdates().length).to.be.greaterThan(1);
    const latest = (await provider.getBlock("latest"))!;
    expect(latest.timestamp).to.be.lessThan(closesAt);
  });
});
