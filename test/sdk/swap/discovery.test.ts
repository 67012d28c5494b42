// Listing an account's swap activity from events (docs/swaps.md §4): fills as maker and as taker, cancellations and
// delegate changes, the orders the fills belong to, paged by block range.
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import { decodeSwapEvents, findSwapActivity } from "../../../sdk";
import { swapSdkFixture } from "./fixture";

async function activityFixture() {
  const f = await swapSdkFixture();
  const maker = f.client(f.maker);
  const fromBlock = await f.swap.runner!.provider!.getBlockNumber();
  const partial = await maker.signOrder({
    order: await maker.makeOrder({
      makerToken: f.dusdAddress,
      makerAmount: 1_000n,
      takerToken: ZeroAddress,
      takerAmount: parseEther("1"),
      minFill: 100n,
    }),
  });
  const whole = await maker.signOrder({
    order: await maker.makeOrder({
      makerToken: f.dusdAddress,
      makerAmount: 50n,
      takerToken: f.wethAddress,
      takerAmount: 7n,
    }),
  });
  const fills = [
    await f.takerClient.fill({ order: partial, makerFill: 300n }),
    await f.taker2Client.fill({ order: partial, makerFill: 700n }),
    await f.takerClient.fill({ order: whole }),
  ];
  const cancel = await maker.cancel({ nonces: [40n, 41n] });
  const cancelRange = await maker.cancelRange({ from: 100n, to: 200n });
  const delegated = await maker.setDelegate({ delegate: f.delegate.address });
  return { ...f, fromBlock, partial, whole, fills, cancel, cancelRange, delegated };
}

describe("swap activity from events", function () {
  it("decodes a fill's receipt into OrderFilled with its hash, parties and amounts, ignoring the tokens' logs", async function () {
    const f = await loadFixture(activityFixture);
    const events = decodeSwapEvents({ receipt: f.fills[0].receipt, address: f.address });
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({
      type: "OrderFilled",
      orderHash: await f.readClient.orderHashOf({ order: f.partial.order }),
      maker: f.maker.address,
      taker: f.taker.address,
      makerFill: 300n,
      takerFill: parseEther("0.3"),
    });
    // Logs of another address are not the Swap's, even with its event signatures.
    expect(decodeSwapEvents({ receipt: f.fills[0].receipt, address: f.dusdAddress })).to.deep.equal([]);
  });

  it("lists a maker's fills, cancellations and delegate, and totals its orders", async function () {
    const f = await loadFixture(activityFixture);
    const activity = await f.readClient.activityOf({ account: f.maker.address, fromBlock: f.fromBlock });
    expect(activity.fills.map((fill) => [fill.makerFill, fill.taker, fill.roles])).to.deep.equal([
      [300n, f.taker.address, ["maker"]],
      [700n, f.taker2.address, ["maker"]],
      [50n, f.taker.address, ["maker"]],
    ]);
    expect(activity.cancels.map((c) => c.type)).to.deep.equal(["NonceCancelled", "NonceCancelled", "NoncesCancelled"]);
    expect(activity.delegates.map((d) => d.delegate)).to.deep.equal([f.delegate.address]);
    expect(activity.orders).to.have.length(2);
    expect(activity.orders[0]).to.deep.include({
      maker: f.maker.address,
      makerFilled: 1_000n,
      takerPaid: parseEther("1"),
      fills: 2,
      takers: [f.taker.address, f.taker2.address],
    });
    expect(activity.orders[1]).to.deep.include({ makerFilled: 50n, takerPaid: 7n, fills: 1 });
    expect(activity.nextFromBlock).to.equal(null);
  });

  it("lists a taker's fills only as taker, and nothing of the maker's cancellations", async function () {
    const f = await loadFixture(activityFixture);
    const activity = await f.readClient.activityOf({ account: f.taker.address, fromBlock: f.fromBlock });
    expect(activity.fills.map((fill) => [fill.makerFill, fill.roles])).to.deep.equal([
      [300n, ["taker"]],
      [50n, ["taker"]],
    ]);
    expect(activity.cancels).to.deep.equal([]);
    const asMakerOnly = await findSwapActivity({
      provider: f.readClient.runner as never,
      address: f.address,
      account: f.taker.address,
      roles: ["maker"],
      fromBlock: f.fromBlock,
    });
    expect(asMakerOnly.fills).to.deep.equal([]);
  });

  it("pages by block range: the pages together are the whole scan, none overlapping", async function () {
    const f = await loadFixture(activityFixture);
    const all = await f.readClient.activityOf({ account: f.maker.address, fromBlock: f.fromBlock });
    const fills: bigint[] = [];
    let page = await f.readClient.activityOf({
      account: f.maker.address,
      fromBlock: f.fromBlock,
      blockRange: 1,
      limit: 1,
    });
    let pages = 1;
    fills.push(...page.fills.map((fill) => fill.makerFill));
    while (page.nextFromBlock !== null) {
      page = await f.readClient.activityOf({
        account: f.maker.address,
        fromBlock: page.nextFromBlock,
        toBlock: page.toBlock,
        blockRange: 1,
        limit: 1,
      });
      pages += 1;
      fills.push(...page.fills.map((fill) => fill.makerFill));
    }
    expect(pages).to.be.greaterThan(3);
    expect(fills).to.deep.equal(all.fills.map((fill) => fill.makerFill));
  });
});
