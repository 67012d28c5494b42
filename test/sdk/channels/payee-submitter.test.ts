// The payee's claims through a TransactionSubmitter (docs/micropayments.md §5, docs/payment-channels.md §8.8) on a
// real anvil with automine off: the test mines the blocks and raises the base fee, the watcher's claim must be
// re-priced on the same nonce and still land before the close deadline. Every wait is on an event or a chain
// condition with a timeout; nothing asserts a duration.
import { expect } from "chai";
import { type JsonRpcProvider, Wallet, toBeHex } from "ethers";
import {
  InvalidParameterError,
  MemoryVoucherStore,
  PayeeClient,
  PayerClient,
  decodeChannelsError,
  type ChannelId,
  type SubmitterEvent,
} from "../../../sdk";
import { raise } from "../../../sdk/submitter/fees";
import { MicropaymentChannels__factory } from "../../../typechain-types";
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

const GWEI = 10n ** 9n;
const HOUR = 3_600;

describe("PayeeClient with a Submitter, on anvil with automine off (docs/micropayments.md §5, PC-E7)", function () {
  this.timeout(60_000);
  // Coverage instruments the contracts past the size a real node accepts (EIP-170): anvil would refuse them.
  before(function () {
    if (underCoverage()) this.skip();
  });
  let node: Anvil;
  let provider: JsonRpcProvider;
  let submitter: RecordingSubmitter;
  let events: SubmitterEvent[];
  const stops: (() => Promise<unknown>)[] = [];

  const mine = () => node.rpc("evm_mine");
  const sent = () => sentEvents(events);

  beforeEach(async function () {
    node = await startAnvil();
    provider = anvilProvider(node);
    events = [];
  });

  afterEach(async function () {
    for (const stop of stops.splice(0).reverse()) await stop();
    provider.destroy();
    await node.stop();
  });

  /**
   * A channel from account 1 to account 2 with a stored voucher of 120 (signed by `session` when given, then the
   * channel's session key), then automine off.
   */
  async function opened({ session }: { session?: Wallet } = {}) {
    const payerWallet = account(1).connect(provider);
    const payeeWallet = account(2).connect(provider);
    const channels = await (
      await new MicropaymentChannels__factory(account(0).connect(provider)).deploy()
    ).waitForDeployment();
    const address = (await channels.getAddress()) as `0x${string}`;
    const payer = new PayerClient({ address, runner: payerWallet });
    const { channel, channelId } = await payer.open({
      payee: payeeWallet.address,
      amount: 1_000n,
      challengePeriod: HOUR,
      ...(session === undefined ? {} : { signer: session.address }),
    });
    if (session !== undefined) await payer.useSessionKey({ channel, privateKey: session.privateKey });
    // No scheduled bump: the only bump is the one the base-fee jump forces.
    submitter = unhurriedSubmitter(node, {
      signer: account(2),
      decodeRevert: decodeChannelsError,
      onEvent: (event) => events.push(event),
    });
    stops.push(() => submitter.close());
    const store = new MemoryVoucherStore();
    // The runner only reads: every transaction of this client goes through the submitter.
    const payee = new PayeeClient({
      address,
      runner: provider,
      payee: payeeWallet.address,
      store,
      claimMargin: 60,
      submitter,
    });
    await payee.acceptVoucher(await payer.pay({ channel, amount: 120n }));
    await node.rpc("evm_setAutomine", [false]);
    expect(await node.rpc("anvil_getAutomine")).to.equal(false);
    return { channels, payer, payee, channel, channelId: channelId as ChannelId };
  }

  it("the watcher's claim after a close request is bumped on the same nonce when the base fee jumps, and lands before closesAt", async function () {
    const f = await opened();
    const claims: { channelId: string; reason: string; hash: string }[] = [];
    const errors: unknown[] = [];
    const watcher = f.payee.watch({
      pollingInterval: 20,
      onClaim: ({ channelId, reason, receipt }) => claims.push({ channelId, reason, hash: receipt.hash }),
      onError: (error) => errors.push(error),
    });
    stops.push(() => watcher.stop());

    await mineUntil(node, f.payer.requestClose({ channel: f.channel }));
    const { closesAt } = await f.channels.getChannelState(f.channelId);
    expect(closesAt > 0n).to.equal(true);

    // The watcher sees the close request and hands its claim to the submitter, with closesAt as the deadline.
    await waitFor(sent, (list) => list.length === 1, { timeoutMs: 15_000, what: "the claim's first attempt" });
    expect(submitter.requests).to.have.length(1);
    expect(submitter.requests[0]).to.deep.include({ deadline: Number(closesAt), label: `claim ${f.channelId}` });
    const [first] = sent();

    // The base fee jumps past the first attempt's fee cap: it can no longer be mined, the submitter must re-price.
    await node.rpc("anvil_setNextBlockBaseFeePerGas", [toBeHex(10n * first.maxFeePerGas)]);
    await waitFor(sent, (list) => list.length === 2, { timeoutMs: 15_000, what: "the bump" });
    const [, second] = sent();
    expect(second.nonce).to.equal(first.nonce);
    expect(second.maxFeePerGas >= raise(first.maxFeePerGas, 1_250n)).to.equal(true);

    await mine();
    await waitFor(
      () => claims,
      (list) => list.length === 1,
      { timeoutMs: 15_000, what: "onClaim" },
    );
    expect(claims[0]).to.deep.equal({ channelId: f.channelId, reason: "close", hash: second.hash });
    const receipt = await provider.getTransactionReceipt(second.hash);
    const block = await provider.getBlock(receipt!.blockNumber);
    expect(block!.timestamp <= Number(closesAt)).to.equal(true);
    expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(120n);
    expect(errors).to.deep.equal([]);
  });

  it("claim through a submitter returns the receipt and decoded events, with no deadline while the channel is open", async function () {
    const f = await opened();
    const { receipt, events: channelEvents } = await mineUntil(node, f.payee.claim({ channel: f.channel }));
    expect(receipt.status).to.equal(1);
    expect(receipt.from.toLowerCase()).to.equal(submitter.address.toLowerCase());
    expect(channelEvents.map((e) => e.type)).to.deep.equal(["ChannelClaimed"]);
    expect(submitter.requests).to.have.length(1);
    expect(submitter.requests[0].deadline).to.equal(undefined);
    expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(120n);
  });

  it("claimMany through a submitter sends one batch with the earliest closesAt of its channels as deadline", async function () {
    const f = await opened();
    await mineUntil(node, f.payer.requestClose({ channel: f.channel }));
    const { closesAt } = await f.channels.getChannelState(f.channelId);
    const results = await mineUntil(node, f.payee.claimMany({ channels: [f.channel] }));
    expect(results).to.have.length(1);
    expect(results[0].receipt.status).to.equal(1);
    expect(submitter.requests.map(({ deadline, label }) => ({ deadline, label }))).to.deep.equal([
      { deadline: Number(closesAt), label: `claimMany ${f.channel.token} (1)` },
    ]);
    expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(120n);
  });

  it("a claim of a voucher signed by the rotated-out session key is submitted by the end of that key's grace (M-K2)", async function () {
    const f = await opened({ session: new Wallet("0x" + "5e".repeat(32)) });
    const next = new Wallet("0x" + "6f".repeat(32));
    const { events: rotation } = await mineUntil(node, f.payer.setSigner({ channel: f.channel, signer: next.address }));
    const changed = rotation.find((e) => e.type === "SignerChanged");
    if (changed?.type !== "SignerChanged") throw new Error("no SignerChanged event");

    const { receipt } = await mineUntil(node, f.payee.claim({ channel: f.channel }));
    expect(receipt.status).to.equal(1);
    expect(submitter.requests.map(({ deadline }) => deadline)).to.deep.equal([Number(changed.graceEndsAt)]);
    expect((await f.channels.getChannelState(f.channelId)).claimed).to.equal(120n);
  });

  it("refuses fee and nonce overrides when a submitter sends, before anything is submitted", async function () {
    const f = await opened();
    const error = await f.payee
      .claim({ channel: f.channel, overrides: { maxFeePerGas: GWEI } })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).details).to.deep.include({ parameter: "overrides" });
    expect(submitter.requests).to.deep.equal([]);
  });
});
