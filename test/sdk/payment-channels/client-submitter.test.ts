// PaymentChannelsClient's time-critical transactions through a TransactionSubmitter (docs/payment-channels.md §8.8)
// on a real anvil with automine off: the test mines the blocks and raises the base fee. Every wait is on an event or
// a chain condition with a timeout; nothing asserts a duration.
import { expect } from "chai";
import { type JsonRpcProvider, ZeroHash, toBeHex } from "ethers";
import {
  PaymentChannelStatus,
  PaymentChannelsClient,
  secretHash,
  type BalanceProof,
  type SubmitterEvent,
} from "../../../sdk";
import { raise } from "../../../sdk/submitter/fees";
import { PaymentChannels__factory } from "../../../typechain-types";
import { startAnvil, type Anvil } from "../../helpers/anvil";
import { waitFor } from "../../helpers/deploy";
import { underCoverage } from "../../helpers/coverage";
import {
  account,
  anvilProvider,
  mineUntil,
  sentEvents,
  unhurriedSubmitter,
  type RecordingSubmitter,
} from "../../helpers/submitter";

const HOUR = 3_600;
const SECRET = "0x" + "5e".repeat(32);

describe("PaymentChannelsClient with a Submitter, on anvil with automine off (§8.8, PC-E7)", function () {
  this.timeout(60_000);
  // Coverage instruments the contracts past the size a real node accepts (EIP-170): anvil would refuse them.
  before(function () {
    if (underCoverage()) this.skip();
  });
  let node: Anvil;
  let provider: JsonRpcProvider;
  let submitter: RecordingSubmitter;
  let events: SubmitterEvent[];

  const mine = () => node.rpc("evm_mine");
  const sent = () => sentEvents(events);

  beforeEach(async function () {
    node = await startAnvil();
    provider = anvilProvider(node);
    events = [];
  });

  afterEach(async function () {
    await submitter?.close();
    provider.destroy();
    await node.stop();
  });

  /**
   * Alice (account 1) opens with Bob (account 2) and pays him 100 off-chain; Bob's client sends through a submitter
   * of Bob's key and only reads with its runner. Automine is off from then on.
   */
  async function opened() {
    const deployer = account(0).connect(provider);
    const contract = await (await new PaymentChannels__factory(deployer).deploy()).waitForDeployment();
    const address = (await contract.getAddress()) as `0x${string}`;
    const alice = new PaymentChannelsClient({ address, runner: account(1).connect(provider) });
    const { channel } = await alice.open({ participant2: account(2).address, amount: 1_000n, challengePeriod: HOUR });
    const proof: BalanceProof = { nonce: 1n, transferred: 100n, locked: 0n, locksRoot: ZeroHash };
    const { signature } = await alice.signBalanceProof({ channel, proof });
    // No scheduled bump: the only bump is the one a base-fee jump forces.
    submitter = unhurriedSubmitter(node, { signer: account(2), onEvent: (event) => events.push(event) });
    const bob = new PaymentChannelsClient({ address, runner: provider, submitter });
    await node.rpc("evm_setAutomine", [false]);
    expect(await node.rpc("anvil_getAutomine")).to.equal(false);
    return { alice, bob, channel, proof, signature };
  }

  it("update after a close without proof is submitted by closesAt, bumped on the same nonce when the base fee jumps, and lands (PC-U2, PC-U3)", async function () {
    const f = await opened();
    await mineUntil(node, f.alice.close({ channel: f.channel }));
    const { closesAt } = await f.bob.getChannel({ channel: f.channel });

    const pending = f.bob.update({
      channel: f.channel,
      sender: f.channel.participant1,
      proof: f.proof,
      signature: f.signature,
    });
    await waitFor(sent, (list) => list.length === 1, { timeoutMs: 15_000, what: "the update's first attempt" });
    const { channelId } = await f.bob.resolveChannel({ channel: f.channel });
    expect(f.bob.submitter).to.equal(submitter);
    expect(submitter.requests).to.have.length(1);
    expect(submitter.requests[0]).to.deep.include({ deadline: closesAt, label: `update ${channelId}` });
    const [first] = sent();

    await node.rpc("anvil_setNextBlockBaseFeePerGas", [toBeHex(10n * first.maxFeePerGas)]);
    await waitFor(sent, (list) => list.length === 2, { timeoutMs: 15_000, what: "the bump" });
    const [, second] = sent();
    expect(second.nonce).to.equal(first.nonce);
    expect(second.maxFeePerGas >= raise(first.maxFeePerGas, 1_250n)).to.equal(true);
    await mine();

    const { receipt, events: channelEvents } = await pending;
    expect(receipt.hash).to.equal(second.hash);
    expect(receipt.status).to.equal(1);
    expect(channelEvents.map((e) => e.type)).to.deep.equal(["ChannelUpdated"]);
    const block = await provider.getBlock(receipt.blockNumber);
    expect(block!.timestamp <= closesAt).to.equal(true);
    const state = await f.bob.getChannel({ channel: f.channel });
    expect(state.record!.d12).to.deep.include({ nonce: 1n, transferred: 100n });
  });

  it("settle after the challenge period goes through the submitter, without a deadline, and pays by the record (PC-S1)", async function () {
    const f = await opened();
    await mineUntil(node, f.alice.close({ channel: f.channel }));
    await mineUntil(
      node,
      f.bob.update({ channel: f.channel, sender: f.channel.participant1, proof: f.proof, signature: f.signature }),
    );
    const { closesAt } = await f.bob.getChannel({ channel: f.channel });
    await node.rpc("evm_setNextBlockTimestamp", [closesAt + 1]);
    await mine();

    const { receipt, events: channelEvents } = await mineUntil(node, f.bob.settle({ channel: f.channel }));
    expect(receipt.status).to.equal(1);
    expect(receipt.from.toLowerCase()).to.equal(submitter.address.toLowerCase());
    expect(channelEvents.find((e) => e.type === "ChannelSettled")).to.deep.include({ amount1: 900n, amount2: 100n });
    expect(submitter.requests.map(({ label, deadline }) => ({ label: label!.split(" ")[0], deadline }))).to.deep.equal([
      { label: "update", deadline: closesAt },
      { label: "settle", deadline: undefined },
    ]);
    expect((await f.bob.getChannel({ channel: f.channel })).status).to.equal(PaymentChannelStatus.Settled);
  });

  it("registerSecret through the submitter carries the given deadline (the lock's expiry) and registers the secret", async function () {
    const f = await opened();
    const block = await provider.getBlock("latest");
    const expiry = block!.timestamp + HOUR;
    const { receipt } = await mineUntil(node, f.bob.registerSecret({ secret: SECRET, deadline: expiry }));
    expect(receipt.status).to.equal(1);
    expect(submitter.requests).to.have.length(1);
    expect(submitter.requests[0]).to.deep.include({ deadline: expiry, label: "registerSecret" });
    expect(await f.bob.secretRegisteredAt({ secretHash: secretHash(SECRET) })).to.be.greaterThan(0);
  });
});
