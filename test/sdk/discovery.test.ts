import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, type Filter, type FilterByBlockHash, type Provider } from "ethers";
import {
  ChannelStatus,
  DealStatus,
  InvalidParameterError,
  MemoryVoucherStore,
  PayeeClient,
  PeerPayErrorCode,
  computeChannelId,
  findChannelsOf,
  findDealsOf,
  type DealRole,
} from "../../sdk";
import { channelsFixture, HOUR } from "../helpers/channels-sdk";
import { dealTerms, expectSdkError, sdkFixture } from "../helpers/sdk";

/** ethers' provider, counting (and recording the block span of) every getLogs call made through it. */
function countingProvider(provider: Provider) {
  const spans: { fromBlock: number; toBlock: number }[] = [];
  const counted = new Proxy(provider, {
    get(target, property) {
      if (property === "getLogs") {
        return (filter: Filter | FilterByBlockHash) => {
          const { fromBlock, toBlock } = filter as Filter;
          spans.push({ fromBlock: Number(fromBlock), toBlock: Number(toBlock) });
          return target.getLogs(filter);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { provider: counted, spans };
}

/** Four ETH deals spread over ~80 blocks, in which the fixture's depositor holds each role. */
async function dealsFixture() {
  const f = await sdkFixture();
  const deployedAt = await ethers.provider.getBlockNumber();
  const a = await f.depositorClient.createDeal(await dealTerms(f));
  await mine(25);
  const b = await f.depositorClient.createDeal(await dealTerms(f, { withArbiter: true, amount: 2_000_000n }));
  await mine(25);
  // The depositor is the arbiter of a deal between two others.
  const c = await f.beneficiaryClient.createDeal(
    await dealTerms(f, {
      withArbiter: true,
      beneficiary: f.stranger.address,
      arbiter: f.depositor.address,
    }),
  );
  await mine(25);
  // ...and the beneficiary of another.
  const d = await f.strangerClient.createDeal(await dealTerms(f, { beneficiary: f.depositor.address }));
  await f.depositorClient.release({ deal: a.dealId, amount: 400_000n });
  return { ...f, deployedAt, ids: { a: a.dealId, b: b.dealId, c: c.dealId, d: d.dealId } };
}

describe("discovery: the deals and channels of an address (findDealsOf, findChannelsOf)", function () {
  describe("deals", function () {
    it("finds an account's deals in every role, oldest first, with its roles and current state", async function () {
      const f = await loadFixture(dealsFixture);
      const page = await f.readClient.dealsOf({ account: f.depositor.address, withState: true });
      expect(page.deals.map((deal) => deal.dealId)).to.deep.equal([f.ids.a, f.ids.b, f.ids.c, f.ids.d]);
      expect(page.deals.map((deal) => deal.roles)).to.deep.equal([
        ["depositor"],
        ["depositor"],
        ["arbiter"],
        ["beneficiary"],
      ]);
      expect(page.nextFromBlock).to.equal(null);
      expect(page.scannedTo)
        .to.equal(page.toBlock)
        .and.to.equal(await ethers.provider.getBlockNumber());
      for (const deal of page.deals) {
        const onChain = await f.readClient.getDeal({ dealId: deal.dealId });
        expect(deal.deal).to.deep.equal(onChain.deal);
        expect(deal.state).to.deep.equal(onChain.state);
        expect(deal.remaining).to.equal(onChain.remaining);
      }
      expect(page.deals[0].state!.status).to.equal(DealStatus.Active);
      expect(page.deals[0].remaining).to.equal(600_000n);
      // Without withState, nothing is read beyond the logs.
      const bare = await f.readClient.dealsOf({ account: f.depositor.address });
      expect(bare.deals.every((deal) => deal.state === undefined && deal.remaining === undefined)).to.equal(true);
    });

    it("restricts to the roles asked for: indexed topics for depositor and beneficiary, arbiter filtered", async function () {
      const f = await loadFixture(dealsFixture);
      const cases: [DealRole[], string[]][] = [
        [["depositor"], [f.ids.a, f.ids.b]],
        [["beneficiary"], [f.ids.d]],
        [
          ["beneficiary", "depositor"],
          [f.ids.a, f.ids.b, f.ids.d],
        ],
        [["arbiter"], [f.ids.c]],
      ];
      for (const [roles, expected] of cases) {
        const { deals } = await f.readClient.dealsOf({ account: f.depositor.address, roles });
        expect(
          deals.map((deal) => deal.dealId),
          roles.join(),
        ).to.deep.equal(expected);
        expect(deals.every((deal) => deal.roles.every((role) => roles.includes(role)))).to.equal(true);
      }
      const arbiter = await f.readClient.dealsOf({ account: f.arbiter.address });
      expect(arbiter.deals.map((deal) => [deal.dealId, deal.roles])).to.deep.equal([[f.ids.b, ["arbiter"]]]);
    });

    it("scans in chunks of at most blockRange blocks: one getLogs per chunk and per indexed role", async function () {
      const f = await loadFixture(dealsFixture);
      const latest = await ethers.provider.getBlockNumber();
      const span = latest - f.deployedAt + 1;
      const full = await f.readClient.dealsOf({ account: f.depositor.address, fromBlock: f.deployedAt });
      for (const [roles, perChunk] of [
        [["depositor", "beneficiary"], 2],
        [["arbiter"], 1],
      ] as [DealRole[], number][]) {
        const counting = countingProvider(ethers.provider);
        const page = await findDealsOf({
          provider: counting.provider,
          address: f.address,
          account: f.depositor.address,
          roles: roles.includes("arbiter") ? undefined : roles,
          fromBlock: f.deployedAt,
          blockRange: 10,
        });
        const chunks = Math.ceil(span / 10);
        expect(span).to.be.greaterThan(75);
        expect(counting.spans.length, roles.join()).to.equal(chunks * perChunk);
        expect(counting.spans.every(({ fromBlock, toBlock }) => toBlock - fromBlock + 1 <= 10)).to.equal(true);
        expect(Math.min(...counting.spans.map((s) => s.fromBlock))).to.equal(f.deployedAt);
        expect(Math.max(...counting.spans.map((s) => s.toBlock))).to.equal(latest);
        if (!roles.includes("arbiter")) continue;
        // The same deals as one unchunked scan.
        expect(page.deals).to.deep.equal(full.deals);
      }
    });

    it("pages: pages from nextFromBlock do not overlap and together equal one scan", async function () {
      const f = await loadFixture(dealsFixture);
      const whole = await f.readClient.dealsOf({ account: f.depositor.address, fromBlock: f.deployedAt });
      const toBlock = whole.toBlock;
      const pages = [];
      let next: number | null = f.deployedAt;
      while (next !== null) {
        const page = await f.readClient.dealsOf({
          account: f.depositor.address,
          fromBlock: next,
          toBlock,
          blockRange: 7,
          limit: 1,
        });
        if (pages.length > 0) expect(page.fromBlock).to.equal(pages[pages.length - 1].scannedTo + 1);
        pages.push(page);
        next = page.nextFromBlock;
      }
      expect(pages.length).to.be.greaterThan(3);
      expect(pages.slice(0, -1).every((page) => page.deals.length >= 1)).to.equal(true);
      expect(pages.flatMap((page) => page.deals)).to.deep.equal(whole.deals);
      expect(pages[pages.length - 1].scannedTo).to.equal(toBlock);
    });

    it("finds nothing for an account without deals, and an empty finished page from the block after the head", async function () {
      const f = await loadFixture(dealsFixture);
      const none = await f.readClient.dealsOf({ account: f.relayer.address, blockRange: 20 });
      expect(none.deals).to.deep.equal([]);
      expect(none.nextFromBlock).to.equal(null);
      const latest = await ethers.provider.getBlockNumber();
      const after = await f.readClient.dealsOf({ account: f.depositor.address, fromBlock: latest + 1 });
      expect(after).to.deep.equal({
        fromBlock: latest + 1,
        toBlock: latest,
        scannedTo: latest,
        nextFromBlock: null,
        deals: [],
      });
    });

    it("rejects bad accounts, roles and ranges with INVALID_PARAMETER naming the parameter", async function () {
      const f = await loadFixture(dealsFixture);
      const latest = await ethers.provider.getBlockNumber();
      const account = f.depositor.address;
      const cases: [Record<string, unknown>, string][] = [
        [{ account: "0x1234" }, "account"],
        [{ account, roles: [] }, "roles"],
        [{ account, roles: ["owner"] }, "roles"],
        [{ account, fromBlock: 10, toBlock: 9 }, "toBlock"],
        [{ account, toBlock: latest + 1 }, "toBlock"],
        [{ account, fromBlock: latest + 2 }, "fromBlock"],
        [{ account, fromBlock: -1 }, "fromBlock"],
        [{ account, fromBlock: 1.5 }, "fromBlock"],
        [{ account, blockRange: 0 }, "blockRange"],
        [{ account, blockRange: 1_000_001 }, "blockRange"],
        [{ account, limit: 0 }, "limit"],
      ];
      for (const [params, parameter] of cases) {
        await expectSdkError(
          f.readClient.dealsOf(params as never),
          InvalidParameterError,
          PeerPayErrorCode.INVALID_PARAMETER,
          { parameter },
        );
      }
    });
  });

  describe("channels", function () {
    /** Three ETH channels over ~60 blocks: payer→payee, stranger→payee, payee→payer. */
    async function openedFixture() {
      const f = await channelsFixture();
      const deployedAt = await ethers.provider.getBlockNumber();
      const open = async (from: typeof f.payer, payee: string, salt: number, amount: bigint) => {
        const params = { payee, token: ZeroAddress, signer: ZeroAddress, amount, challengePeriod: HOUR, salt };
        await f.channels.connect(from).open(params, { value: amount });
        const channel = {
          payer: from.address,
          payee,
          token: ZeroAddress,
          signer: ZeroAddress,
          challengePeriod: HOUR,
          salt,
        };
        return computeChannelId({ chainId: f.chainId, contract: f.contract, channel });
      };
      const one = await open(f.payer, f.payee.address, 1, 1_000n);
      await mine(30);
      const two = await open(f.stranger, f.payee.address, 2, 2_000n);
      await mine(30);
      const three = await open(f.payee, f.payer.address, 3, 3_000n);
      return {
        ...f,
        deployedAt,
        ids: { one, two, three },
        client: new PayeeClient({ address: f.contract, runner: f.payee, store: new MemoryVoucherStore() }),
      };
    }

    it("finds an account's channels as payer and payee, oldest first, with roles and state, in chunks", async function () {
      const f = await loadFixture(openedFixture);
      const page = await f.client.channelsOf({ account: f.payee.address, withState: true });
      expect(page.channels.map((c) => [c.channelId, c.roles])).to.deep.equal([
        [f.ids.one, ["payee"]],
        [f.ids.two, ["payee"]],
        [f.ids.three, ["payer"]],
      ]);
      expect(page.channels.map((c) => c.openingDeposit)).to.deep.equal([1_000n, 2_000n, 3_000n]);
      for (const c of page.channels) {
        expect(c.state!.status).to.equal(ChannelStatus.Open);
        expect(c.remaining)
          .to.equal(c.state!.deposit - c.state!.claimed)
          .and.to.equal(c.openingDeposit);
      }
      const asPayer = await f.client.channelsOf({ account: f.payee.address, roles: ["payer"] });
      expect(asPayer.channels.map((c) => c.channelId)).to.deep.equal([f.ids.three]);

      const counting = countingProvider(ethers.provider);
      const chunked = await findChannelsOf({
        provider: counting.provider,
        address: f.contract,
        account: f.payer.address,
        fromBlock: f.deployedAt,
        blockRange: 8,
      });
      const span = chunked.toBlock - f.deployedAt + 1;
      expect(span).to.be.greaterThan(60);
      expect(counting.spans.length).to.equal(2 * Math.ceil(span / 8));
      expect(chunked.channels.map((c) => [c.channelId, c.roles])).to.deep.equal([
        [f.ids.one, ["payer"]],
        [f.ids.three, ["payee"]],
      ]);
      const none = await f.client.channelsOf({ account: f.relayer.address });
      expect(none.channels).to.deep.equal([]);
      await expectSdkError(
        f.client.channelsOf({ account: f.payer.address, roles: ["arbiter" as never] }),
        InvalidParameterError,
        PeerPayErrorCode.INVALID_PARAMETER,
        { parameter: "roles" },
      );
      await expectSdkError(
        f.client.channelsOf({ account: f.payer.address, fromBlock: 5, toBlock: 4 }),
        InvalidParameterError,
        PeerPayErrorCode.INVALID_PARAMETER,
        { parameter: "toBlock" },
      );
    });
  });
});
